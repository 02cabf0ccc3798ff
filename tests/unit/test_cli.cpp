// cloison-cli as scripts use it: commands, passphrase sources, output and exit codes.
#include "tests/support/Files.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"
#include "tests/support/Terminal.h"

#include <catch2/catch.hpp>

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
    // Nothing changed but the note of the failure, for the key-event logs (issue 6).
    auto after = test::hashTree(dir / "p");
    CHECK(after.erase("unlock-failures") == 1);
    CHECK(after == before);

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
    auto run = test::runOnTerminal({CLOISON_CLI, "--profile", (dir / "p").string(), "compartments"},
                                   {{"Passphrase: ", kSecret}}, {"CLOISON_PASSPHRASE"});
    CHECK(run.answered == 1);
    CHECK(run.exitCode == 0);
    CHECK_THAT(run.screen, Catch::Contains("finance"));
    CHECK(run.screen.find(kSecret) == std::string::npos); // not echoed
}
