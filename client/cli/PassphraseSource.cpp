#include "client/cli/PassphraseSource.h"

#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace cloison::cli {

Result<SecretBytes> readPassphraseFromFd(int fd) {
    SecretBytes buffer(kMaxPassphraseBytes + 1);
    std::size_t length = 0;
    for (;;) {
        std::uint8_t c = 0;
        const ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return makeError(ErrorCode::Io,
                             std::string("cannot read the passphrase: ") + std::strerror(errno));
        if (n == 0 || c == '\n')
            break;
        if (length == kMaxPassphraseBytes)
            return makeError(ErrorCode::InvalidArgument, "the passphrase is too long");
        buffer.data()[length++] = c;
    }
    if (length > 0 && buffer.data()[length - 1] == '\r')
        --length;
    buffer.truncate(length);
    return buffer;
}

Result<SecretBytes> readPassphraseFromTerminal(const std::string& prompt, bool confirm) {
    termios saved{};
    if (::tcgetattr(STDIN_FILENO, &saved) != 0)
        return makeError(ErrorCode::Io, "standard input is not a terminal");
    termios silent = saved;
    silent.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    silent.c_lflag |= ECHONL;
    auto ask = [&](const std::string& question) -> Result<SecretBytes> {
        // Echo goes off before the prompt shows, or a quick answer would be echoed (and the
        // flush that switching modes does would throw it away).
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent);
        std::fputs(question.c_str(), stderr);
        std::fflush(stderr);
        auto answer = readPassphraseFromFd(STDIN_FILENO);
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        return answer;
    };
    auto first = ask(prompt + ": ");
    if (!first || !confirm)
        return first;
    auto second = ask("Repeat " + prompt + ": ");
    if (!second)
        return second;
    if (!first.value().equals(second.value()))
        return makeError(ErrorCode::InvalidArgument, "the two passphrases differ");
    return first;
}

std::optional<SecretBytes> takePassphraseFromEnvironment(const char* name) {
    char* value = std::getenv(name);
    if (value == nullptr)
        return std::nullopt;
    SecretBytes out = SecretBytes::fromString(value);
    sodium_memzero(value, std::strlen(value));
    ::unsetenv(name);
    return out;
}

Result<SecretBytes> obtainPassphrase(const PassphraseOptions& options) {
    if (options.fd)
        return readPassphraseFromFd(*options.fd);
    if (::isatty(STDIN_FILENO))
        return readPassphraseFromTerminal(options.prompt, options.confirm);
    if (auto fromEnvironment = takePassphraseFromEnvironment(options.environment))
        return std::move(*fromEnvironment);
    return makeError(ErrorCode::InvalidArgument,
                     std::string("no passphrase: run on a terminal, pass --passphrase-fd N, or "
                                 "set ") +
                         options.environment);
}

} // namespace cloison::cli
