#include "tests/support/Attacks.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>
#include <stdexcept>

namespace cloison::test {

namespace {

std::string outcome(bool succeeded) {
    return succeeded ? "ok" : "refused " + std::to_string(errno);
}

std::string tryOpen(const std::filesystem::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0600);
    const std::string result = outcome(fd >= 0);
    if (fd >= 0)
        ::close(fd);
    return result;
}

std::string tryConnect(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return outcome(false);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(port);
    const std::string result =
        outcome(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
    ::close(fd);
    return result;
}

std::string trySocket(int family, int type) {
    const int fd = ::socket(family, type | SOCK_CLOEXEC, 0);
    const std::string result = outcome(fd >= 0);
    if (fd >= 0)
        ::close(fd);
    return result;
}

} // namespace

std::string attempt(const AttackTargets& targets) {
    std::ostringstream out;
    out << "own-file=" << tryOpen(targets.ownFile, O_RDWR | O_CREAT) << '\n';
    for (const auto& [name, path] : targets.files)
        out << name << '=' << tryOpen(path, O_RDONLY) << '\n';
    const std::string victim = std::to_string(targets.victim);
    out << "victim-mem=" << tryOpen("/proc/" + victim + "/mem", O_RDONLY) << '\n';
    char copy[16] = {};
    iovec local{copy, sizeof copy};
    iovec remote{reinterpret_cast<void*>(0x400000), sizeof copy};
    errno = 0;
    const ssize_t read = ::process_vm_readv(targets.victim, &local, 1, &remote, 1, 0);
    // EFAULT would mean the call was allowed and only the address was wrong: not refused.
    out << "process_vm_readv=" << (read < 0 && errno == EFAULT ? "ok" : outcome(read > 0)) << '\n';
    out << "ptrace=" << outcome(::ptrace(PTRACE_ATTACH, targets.victim, nullptr, nullptr) == 0)
        << '\n';
    out << "kill=" << outcome(::kill(targets.victim, SIGTERM) == 0) << '\n';
    char sh[] = "/bin/sh";
    char* argv[] = {sh, nullptr};
    ::execv(sh, argv);
    out << "exec=" << outcome(false) << '\n';
    const pid_t forked = ::fork();
    if (forked == 0)
        ::_exit(0);
    out << "fork=" << outcome(forked > 0) << '\n';
    void* page = ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    out << "exec-memory=" << outcome(page != MAP_FAILED) << '\n';
    out << "server=" << tryConnect(targets.serverPort) << '\n';
    out << "elsewhere=" << tryConnect(targets.elsewherePort) << '\n';
    out << "unix=" << trySocket(AF_UNIX, SOCK_STREAM) << '\n';
    out << "udp=" << trySocket(AF_INET, SOCK_DGRAM) << '\n';
    out << "raw=" << trySocket(AF_INET, SOCK_RAW) << '\n';
    out << "netlink=" << trySocket(AF_NETLINK, SOCK_RAW) << '\n';
    return out.str();
}

std::map<std::string, std::string> attemptResults(const std::string& lines) {
    std::map<std::string, std::string> results;
    std::istringstream in(lines);
    for (std::string line; std::getline(in, line);) {
        const auto equals = line.find('=');
        if (equals != std::string::npos)
            results[line.substr(0, equals)] = line.substr(equals + 1);
    }
    return results;
}

Listener::Listener() : fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::listen(fd, 4) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw std::runtime_error("no listening socket on 127.0.0.1");
    port = ntohs(address.sin_port);
}

Listener::~Listener() {
    if (fd >= 0)
        ::close(fd);
}

} // namespace cloison::test
