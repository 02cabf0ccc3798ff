#include "crypto/AtomicFile.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace cloison {

Result<void> writeFileAtomically(const std::filesystem::path& path, ByteView data) {
    const std::filesystem::path temporary = path.string() + ".new";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return makeError(ErrorCode::Io,
                         "cannot write " + temporary.string() + ": " + std::strerror(errno));
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += static_cast<std::size_t>(n);
    }
    const bool flushed = done == data.size() && ::fsync(fd) == 0;
    const int savedErrno = errno;
    ::close(fd);
    if (!flushed) {
        ::unlink(temporary.c_str());
        return makeError(ErrorCode::Io,
                         "cannot write " + temporary.string() + ": " + std::strerror(savedErrno));
    }
    if (::rename(temporary.c_str(), path.c_str()) != 0) {
        const int renameErrno = errno;
        ::unlink(temporary.c_str());
        return makeError(ErrorCode::Io,
                         "cannot replace " + path.string() + ": " + std::strerror(renameErrno));
    }
    // The rename is only durable once the directory entry is.
    const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
    return {};
}

Result<std::string> readFileLimited(const std::filesystem::path& path, std::size_t maxBytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return makeError(ErrorCode::NotFound, "cannot read " + path.string());
    std::string data;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        data.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (data.size() > maxBytes)
            return makeError(ErrorCode::InvalidArgument, path.string() + " is larger than " +
                                                             std::to_string(maxBytes) +
                                                             " bytes: refused unread");
    }
    if (in.bad())
        return makeError(ErrorCode::Io, "cannot read " + path.string());
    return data;
}

} // namespace cloison
