// A private directory under $TMPDIR (or /tmp), removed with everything in it at scope exit.
#pragma once

#include <filesystem>

namespace cloison::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return m_path; }
    std::filesystem::path operator/(const std::filesystem::path& child) const {
        return m_path / child;
    }

private:
    std::filesystem::path m_path;
};

} // namespace cloison::test
