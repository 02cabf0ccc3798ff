// The worker sandbox (client/sandbox): a child process confines itself as a compartment's worker
// will, then tries what an attacker running code inside it would; the test reads what each
// attempt got. "B" is another process of the same user (another compartment's worker).
#include "client/sandbox/Sandbox.h"
#include "tests/support/Attacks.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

using namespace cloison;
using namespace cloison::test;

namespace {

struct Scene {
    TempDir dir;
    std::filesystem::path own = dir / "a";   // compartment A's directory
    std::filesystem::path other = dir / "b"; // compartment B's
    Listener server;                         // A's server
    Listener elsewhere;                      // any other address
    pid_t b = -1;                            // B's worker

    Scene() {
        std::filesystem::create_directories(own);
        std::filesystem::create_directories(other);
        std::ofstream(other / "vault.db") << "B's vault";
        std::ofstream(dir / "header") << "the profile header";
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

    // The attempts, made by a child that entered the sandbox, by name.
    std::map<std::string, std::string> attackFromInside(sandbox::Report& report) {
        const auto child = runForked([this] {
            auto entered = sandbox::enter({{own}, {}});
            if (!entered)
                return "enter=" + entered.error().message + "\n";
            const auto& r = entered.value();
            std::ostringstream out;
            out << "report=" << r.landlockAbi << ' ' << r.filesystem << ' ' << r.tcp << ' '
                << r.scoped << ' ' << r.seccomp << '\n';
            AttackTargets targets{own / "vault.db",
                                  {{"other-vault", other / "vault.db"}, {"header", dir / "header"}},
                                  b,
                                  server.port,
                                  elsewhere.port};
            return out.str() + attempt(targets);
        });
        INFO(child.output);
        CHECK(child.exitCode == 0);
        auto results = attemptResults(child.output);
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
    CHECK(results["own-file"] == "ok");
    // Another compartment's worker: neither its memory nor its process.
    CHECK(refused(results["process_vm_readv"]));
    CHECK(refused(results["ptrace"]));
    CHECK(refused(results["kill"]));
    CHECK(refused(results["victim-mem"]));
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
    // No connection of its own, anywhere: connect() is never run (the worker's one connection
    // is made before it enters), so neither listener ever saw one.
    const std::string inProgress = "refused " + std::to_string(EINPROGRESS);
    CHECK(results["server"] == inProgress);
    CHECK(results["elsewhere"] == inProgress);
    for (const Listener* listener : {&scene.server, &scene.elsewhere}) {
        pollfd waiting{listener->fd, POLLIN, 0};
        CHECK(::poll(&waiting, 1, 200) == 0);
    }
    // B is untouched: still running.
    CHECK(::kill(scene.b, 0) == 0);
}

TEST_CASE("the sandbox report says which Landlock level applied") {
    sandbox::Report report;
    report.landlockAbi = 7;
    report.filesystem = report.tcp = report.scoped = report.seccomp = true;
    CHECK(report.describe() == "Landlock ABI 7: files, no TCP connect or bind, signals and "
                               "abstract sockets; seccomp allowlist, connect() never run; no new "
                               "privileges");
    report = {};
    report.landlockAbi = 3;
    report.filesystem = report.seccomp = true;
    CHECK(report.describe() == "Landlock ABI 3: files (TCP rules need ABI 4) (signal scoping "
                               "needs ABI 6); seccomp allowlist, connect() never run; no new "
                               "privileges");
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
