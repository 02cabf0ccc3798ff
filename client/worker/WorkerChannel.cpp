#include "client/worker/WorkerChannel.h"

#include <sodium.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace cloison::worker {

namespace {

// Wipes a buffer when it goes, however the function that filled it returns.
struct Wiped {
    Bytes bytes;
    ~Wiped() { sodium_memzero(bytes.data(), bytes.size()); }
};

// Fills `out` exactly; false with errno 0 when the peer closed first.
bool readExactly(int fd, std::uint8_t* out, std::size_t size, std::size_t& got) {
    got = 0;
    while (got < size) {
        const ssize_t n = ::recv(fd, out + got, size - got, 0);
        if (n > 0) {
            got += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            errno = 0;
        return false;
    }
    return true;
}

} // namespace

Result<void> writeMessage(int fd, MessageType type, const Message& message) {
    auto encoded = encode(type, message);
    if (!encoded)
        return encoded.error();
    Wiped frame{std::move(encoded).value()};
    std::size_t sent = 0;
    while (sent < frame.bytes.size()) {
        const ssize_t n =
            ::send(fd, frame.bytes.data() + sent, frame.bytes.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return makeError(ErrorCode::Io, std::string("the worker connection is broken: ") +
                                                std::strerror(errno));
        sent += static_cast<std::size_t>(n);
    }
    return {};
}

Result<Decoded> readMessage(int fd) {
    Wiped frame{Bytes(kHeaderBytes)};
    std::size_t got = 0;
    if (!readExactly(fd, frame.bytes.data(), kHeaderBytes, got)) {
        if (errno == 0 && got == 0)
            return makeError(ErrorCode::NotFound, "the other side closed the worker connection");
        if (errno == 0)
            return makeError(ErrorCode::Corrupted, "a worker frame was cut short");
        return makeError(ErrorCode::Io, std::string("reading from the worker connection failed: ") +
                                            std::strerror(errno));
    }
    auto size = frameSize(frame.bytes);
    if (!size)
        return size.error();
    frame.bytes.resize(size.value());
    if (!readExactly(fd, frame.bytes.data() + kHeaderBytes, size.value() - kHeaderBytes, got)) {
        if (errno == 0)
            return makeError(ErrorCode::Corrupted, "a worker frame was cut short");
        return makeError(ErrorCode::Io, std::string("reading from the worker connection failed: ") +
                                            std::strerror(errno));
    }
    return decode(frame.bytes);
}

} // namespace cloison::worker
