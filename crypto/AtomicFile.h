// Writing a small file so that readers see the old or the new contents, never a mix: headers,
// key slots, authenticator state, exports.
#pragma once

#include "crypto/Bytes.h"

#include <filesystem>

namespace cloison {

// Written to PATH.new in the same directory (mode 0600), flushed, renamed over PATH, and the
// directory flushed so that the rename survives a crash.
[[nodiscard]] Result<void> writeFileAtomically(const std::filesystem::path& path, ByteView data);

} // namespace cloison
