// The worker sandbox (client/sandbox): a child process confines itself as a compartment's worker
// will, then tries what an attacker running code inside it would; the test reads what each
// attempt got. "B" is another process of the same user (another compartment's worker).
#include "client/sandbox/Sandbox.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

using namespace cloison;
using namespace cloison::test;

namespace {

// A listening TCP socket on 127.0.0.1 with a port of the kernel's choosing.
struct Listener {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    std::uint16_t port = 0;
    Listener() {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(fd, 4) == 0);
        REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
        port = ntohs(address.sin_port);
    }
    ~Listener() { ::close(fd); }
};

// "ok" or the errno's name-free number: what one attempt got.
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

struct Scene {
    TempDir dir;
    std::filesystem::path own = dir / "a";         // compartment A's directory
    std::filesystem::path other = dir / "b";       // compartment B's
    std::filesystem::path header = dir / "header"; // the profile header
    Listener server;                               // A's server
    Listener elsewhere;                            // any other address
    pid_t b = -1;                                  // B's worker, holding a secret in memory
    char secret[32] = "B's vault key, never for A";

    Scene() {
        std::filesystem::create_directories(own);
        std::filesystem::create_directories(other);
        std::ofstream(other / "vault.db") << "B's vault";
        std::ofstream(header) << "the profile header";
        b = ::fork();
        if (b == 0) {
            ::pause();
            ::_exit(0);
        }
        REQUIRE(b > 0);
    }
    ~Scene() {
        ::kill(b, SIGKILL);
        ::waitpid(b, nullptr, 0);
    }

    // What an attacker's code tries inside the sandbox: one line "what=outcome" each.
    std::string attempts() {
        std::ostringstream out;
        auto entered = sandbox::enter({{own}, {}, {server.port}});
        if (!entered)
            return "enter=" + entered.error().message + "\n";
        const auto& r = entered.value();
        out << "report=" << r.landlockAbi << ' ' << r.filesystem << ' ' << r.tcp << ' ' << r.scoped
            << ' ' << r.seccomp << '\n';
        out << "own-vault=" << tryOpen(own / "vault.db", O_RDWR | O_CREAT) << '\n';
        out << "other-vault=" << tryOpen(other / "vault.db", O_RDONLY) << '\n';
        out << "header=" << tryOpen(header, O_RDONLY) << '\n';
        out << "other-mem=" << tryOpen("/proc/" + std::to_string(b) + "/mem", O_RDONLY) << '\n';
        char copy[sizeof secret] = {};
        iovec local{copy, sizeof copy}, remote{secret, sizeof secret};
        out << "process_vm_readv=" << outcome(::process_vm_readv(b, &local, 1, &remote, 1, 0) > 0)
            << '\n';
        out << "ptrace=" << outcome(::ptrace(PTRACE_ATTACH, b, nullptr, nullptr) == 0) << '\n';
        out << "kill=" << outcome(::kill(b, SIGTERM) == 0) << '\n';
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
        out << "server=" << tryConnect(server.port) << '\n';
        out << "elsewhere=" << tryConnect(elsewhere.port) << '\n';
        out << "unix=" << trySocket(AF_UNIX, SOCK_STREAM) << '\n';
        out << "udp=" << trySocket(AF_INET, SOCK_DGRAM) << '\n';
        out << "raw=" << trySocket(AF_INET, SOCK_RAW) << '\n';
        out << "netlink=" << trySocket(AF_NETLINK, SOCK_RAW) << '\n';
        return out.str();
    }

    // The attempts, made by a child that entered the sandbox, by name.
    std::map<std::string, std::string> attackFromInside(sandbox::Report& report) {
        const auto child = runForked([this] { return attempts(); });
        INFO(child.output);
        CHECK(child.exitCode == 0);
        std::map<std::string, std::string> results;
        std::istringstream lines(child.output);
        for (std::string line; std::getline(lines, line);) {
            const auto equals = line.find('=');
            results[line.substr(0, equals)] = line.substr(equals + 1);
        }
        std::istringstream fields(results["report"]);
        fields >> report.landlockAbi >> report.filesystem >> report.tcp >> report.scoped >>
            report.seccomp;
        return results;
    }
};

bool refused(const std::string& outcome) {
    return outcome.starts_with("refused");
}

} // namespace

TEST_CASE("code inside a sandboxed worker reaches only its own files and its own server") {
    Scene scene;
    sandbox::Report report;
    auto results = scene.attackFromInside(report);
    INFO(report.describe());
    REQUIRE(results.count("enter") == 0);
    CHECK(report.landlockAbi == sandbox::landlockAbi());
    CHECK(report.seccomp);

    // What it needs.
    CHECK(results["own-vault"] == "ok");
    CHECK(results["server"] == "ok");
    // Another compartment's worker: neither its memory nor its process.
    CHECK(refused(results["process_vm_readv"]));
    CHECK(refused(results["ptrace"]));
    CHECK(refused(results["kill"]));
    CHECK(refused(results["other-mem"]));
    // No shell, no process, no code of its own making.
    CHECK(results["exec"] == "refused " + std::to_string(EPERM));
    CHECK(refused(results["fork"]));
    CHECK(results["exec-memory"] == "refused " + std::to_string(EPERM));
    // No sockets but TCP.
    CHECK(results["unix"] == "refused " + std::to_string(EPERM));
    CHECK(results["udp"] == "refused " + std::to_string(EPERM));
    CHECK(results["raw"] == "refused " + std::to_string(EPERM));
    CHECK(refused(results["netlink"]));
    // Files and ports: Landlock's part, on a kernel that has it.
    if (report.filesystem) {
        CHECK(results["other-vault"] == "refused " + std::to_string(EACCES));
        CHECK(results["header"] == "refused " + std::to_string(EACCES));
    } else {
        WARN("this kernel has no Landlock: files are not confined here");
    }
    if (report.tcp)
        CHECK(results["elsewhere"] == "refused " + std::to_string(EACCES));
    else
        WARN("this kernel's Landlock has no TCP rules (ABI < 4)");
    // B is untouched: still running.
    CHECK(::kill(scene.b, 0) == 0);
}

TEST_CASE("the sandbox report says which Landlock level applied") {
    sandbox::Report report;
    report.landlockAbi = 7;
    report.filesystem = report.tcp = report.scoped = report.seccomp = true;
    CHECK(report.describe() == "Landlock ABI 7: files, TCP ports, signals and abstract sockets; "
                               "seccomp allowlist; no new privileges");
    report = {};
    report.landlockAbi = 3;
    report.filesystem = report.seccomp = true;
    CHECK(report.describe() == "Landlock ABI 3: files (TCP needs ABI 4) (signal scoping needs "
                               "ABI 6); seccomp allowlist; no new privileges");
    report = {};
    report.seccomp = true;
    CHECK(report.describe().starts_with("no Landlock in this kernel"));
}

TEST_CASE("the sandbox refuses to start with a second thread running") {
    const auto child = runForked([] {
        std::thread([] { ::pause(); }).detach(); // ends with the child's _exit
        auto entered = sandbox::enter({});
        return entered ? std::string("entered") : entered.error().message;
    });
    CHECK(child.exitCode == 0);
    CHECK_THAT(child.output, Catch::Contains("one thread (it has 2)"));
}
