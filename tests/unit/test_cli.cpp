// cloison-cli as scripts use it: commands, passphrase sources, output and exit codes.
#include "tests/support/Files.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

using namespace cloison;
using test::ProcessOptions;
using test::ProcessResult;

namespace {

constexpr const char* kSecret = "cli test passphrase";

ProcessResult cli(const test::TempDir& dir, std::vector<std::string> args,
                  ProcessOptions options = {}) {
    args.insert(args.begin(), {CLOISON_CLI, "--profile", (dir / "p").string()});
    if (options.environment.find("CLOISON_PASSPHRASE") == options.environment.end() &&
        !options.fd3Input)
        options.environment["CLOISON_PASSPHRASE"] = kSecret;
    return test::runProcess(args, options);
}

void initProfile(const test::TempDir& dir) {
    auto created = cli(dir, {"init", "--kdf-memory-mib", "8", "--kdf-passes", "1"});
    REQUIRE(created.exitCode == 0);
    CHECK_THAT(created.err, Catch::Contains("weaker than the default"));
}

} // namespace

TEST_CASE("cloison-cli: init, add, list and remove compartments") {
    test::TempDir dir;
    initProfile(dir);
    CHECK(cli(dir, {"compartments"}).out.empty());
    CHECK(cli(dir, {"compartment", "add", "finance"}).exitCode == 0);
    CHECK(cli(dir, {"compartment", "add", "speeches"}).exitCode == 0);
    auto list = cli(dir, {"compartments"});
    CHECK(list.exitCode == 0);
    CHECK(list.out == "finance\nspeeches\n");
    CHECK(cli(dir, {"compartment", "remove", "finance"}).exitCode == 0);
    CHECK(cli(dir, {"compartments"}).out == "speeches\n");
}

TEST_CASE("cloison-cli: exit codes tell usage, passphrase, corruption and state apart") {
    test::TempDir dir;
    CHECK(cli(dir, {"compartments"}).exitCode == 5); // no profile yet
    initProfile(dir);
    CHECK(cli(dir, {"init"}).exitCode == 6);
    CHECK(cli(dir, {}).exitCode == 2);
    CHECK(cli(dir, {"frobnicate"}).exitCode == 2);
    CHECK(cli(dir, {"compartment", "add"}).exitCode == 2);
    CHECK(cli(dir, {"compartments", "extra"}).exitCode == 2);
    CHECK(cli(dir, {"--passphrase-fd", "x", "compartments"}).exitCode == 2);
    CHECK(cli(dir, {"--bogus"}).exitCode == 2);
    CHECK(cli(dir, {"compartment", "remove", "nope"}).exitCode == 5);
    REQUIRE(cli(dir, {"compartment", "add", "finance"}).exitCode == 0);
    CHECK(cli(dir, {"compartment", "add", "finance"}).exitCode == 6);

    const auto before = test::hashTree(dir / "p");
    ProcessOptions wrong;
    wrong.environment["CLOISON_PASSPHRASE"] = "not it";
    auto refused = cli(dir, {"compartments"}, wrong);
    CHECK(refused.exitCode == 3);
    CHECK_THAT(refused.err, Catch::Contains("the passphrase is wrong"));
    CHECK(refused.out.empty());
    CHECK(test::hashTree(dir / "p") == before);

    test::flipByte(dir / "p" / "header", 20);
    auto damaged = cli(dir, {"compartments"});
    CHECK(damaged.exitCode == 4);
    CHECK_THAT(damaged.err, Catch::Contains("damaged"));
}

TEST_CASE("cloison-cli: no passphrase source is a usage error, not a hang") {
    test::TempDir dir;
    ProcessOptions none;
    none.unsetEnvironment = {"CLOISON_PASSPHRASE"};
    none.environment["CLOISON_PASSPHRASE_UNUSED"] = "";
    auto result = test::runProcess({CLOISON_CLI, "--profile", (dir / "p").string(), "init"}, none);
    CHECK(result.exitCode == 2);
    CHECK_THAT(result.err, Catch::Contains("--passphrase-fd"));
}

TEST_CASE("cloison-cli: --passphrase-fd is read and preferred over the environment") {
    test::TempDir dir;
    initProfile(dir);
    ProcessOptions viaFd;
    viaFd.fd3Input = std::string(kSecret) + "\n";
    viaFd.environment["CLOISON_PASSPHRASE"] = "a wrong one in the environment";
    CHECK(cli(dir, {"--passphrase-fd", "3", "compartments"}, viaFd).exitCode == 0);
    ProcessOptions wrongFd;
    wrongFd.fd3Input = "wrong\n";
    CHECK(cli(dir, {"--passphrase-fd", "3", "compartments"}, wrongFd).exitCode == 3);
}

TEST_CASE("cloison-cli: passwd changes the passphrase and keeps the compartments") {
    test::TempDir dir;
    initProfile(dir);
    REQUIRE(cli(dir, {"compartment", "add", "finance"}).exitCode == 0);
    ProcessOptions change;
    change.input = std::string(kSecret) + "\n" + "the new one\n";
    auto changed = cli(dir,
                       {"passwd", "--passphrase-fd", "0", "--new-passphrase-fd", "0",
                        "--kdf-memory-mib", "8", "--kdf-passes", "1"},
                       change);
    CHECK(changed.exitCode == 0);
    CHECK(cli(dir, {"compartments"}).exitCode == 3);
    ProcessOptions fresh;
    fresh.environment["CLOISON_PASSPHRASE"] = "the new one";
    CHECK(cli(dir, {"compartments"}, fresh).out == "finance\n");
}

TEST_CASE("cloison-cli: --help documents every command and exit code") {
    auto help = test::runProcess({CLOISON_CLI, "--help"});
    CHECK(help.exitCode == 0);
    for (const char* word : {"init", "compartments", "compartment add", "compartment remove",
                             "passwd", "--passphrase-fd", "CLOISON_PASSPHRASE", "Exit codes"})
        CHECK_THAT(help.out, Catch::Contains(word));
}

// The terminal path needs a real terminal: a pseudo-terminal, with echo checked to be off.
TEST_CASE("cloison-cli: the passphrase is read from the terminal with echo off") {
    test::TempDir dir;
    initProfile(dir);
    REQUIRE(cli(dir, {"compartment", "add", "finance"}).exitCode == 0);
    int master = -1;
    const std::string profile = (dir / "p").string();
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::unsetenv("CLOISON_PASSPHRASE");
        ::execl(CLOISON_CLI, CLOISON_CLI, "--profile", profile.c_str(), "compartments", nullptr);
        ::_exit(127);
    }
    std::string screen;
    bool answered = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, 500) <= 0)
            continue;
        char buffer[512];
        const ssize_t n = ::read(master, buffer, sizeof buffer);
        if (n <= 0)
            break;
        screen.append(buffer, static_cast<std::size_t>(n));
        if (!answered && screen.find("Passphrase: ") != std::string::npos) {
            const std::string line = std::string(kSecret) + "\n";
            REQUIRE(::write(master, line.data(), line.size()) == static_cast<ssize_t>(line.size()));
            answered = true;
        }
    }
    ::close(master);
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(answered);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    CHECK_THAT(screen, Catch::Contains("finance"));
    CHECK(screen.find(kSecret) == std::string::npos); // not echoed
}
