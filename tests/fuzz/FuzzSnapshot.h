// A directory of vault files saved once per process and copied back before every input, so
// that each input starts from the same state (a few file copies, no key generation).
#pragma once

#include "tests/fuzz/FuzzCheck.h"

#include <filesystem>
#include <system_error>

namespace cloison::fuzz {

inline void copyTree(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::error_code error;
    std::filesystem::remove_all(to, error);
    std::filesystem::copy(from, to, std::filesystem::copy_options::recursive, error);
    FUZZ_CHECK(!error);
}

} // namespace cloison::fuzz
