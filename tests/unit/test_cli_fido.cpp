// cloison-cli's FIDO commands and unlock path, run as a person would run them.
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

namespace {

struct Run {
    int exitCode = -1;
    std::string out;
    std::string err;
};

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Runs cloison-cli with `args` in `dir`, standard input from /dev/null (no terminal).
Run cli(const cloison::test::TempDir& dir, const std::string& passphrase, const std::string& args) {
    const std::string command = "cd '" + dir.path().string() + "' && CLOISON_PASSPHRASE='" +
                                passphrase + "' '" CLOISON_CLI_PATH "' --profile profile " + args +
                                " </dev/null >out.txt 2>err.txt";
    const int status = std::system(command.c_str());
    Run run;
    run.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = slurp(dir / "out.txt");
    run.err = slurp(dir / "err.txt");
    return run;
}

} // namespace

TEST_CASE("cloison-cli: fido enroll, list, unlock, wrong key, no key, remove") {
    cloison::test::TempDir tmp;
    const std::string light = "--kdf-memory-mib 8 --kdf-passes 1";
    REQUIRE(cli(tmp, "pw-1", "init " + light).exitCode == 0);
    REQUIRE(cli(tmp, "", "--authenticator soft:key1 fido soft-init").exitCode == 0);
    REQUIRE(cli(tmp, "", "--authenticator soft:key2 fido soft-init").exitCode == 0);

    auto enrolled = cli(tmp, "pw-1", "--authenticator soft:key1 " + light + " fido enroll");
    REQUIRE(enrolled.exitCode == 0);
    CHECK(enrolled.out.find("the passphrase alone no longer opens") != std::string::npos);
    CHECK(enrolled.err.find("NOT a hardware security key") != std::string::npos);
    auto listed = cli(tmp, "", "fido list");
    REQUIRE(listed.exitCode == 0);
    CHECK(listed.out.find(" touch io.cloison.profile\n") != std::string::npos);

    CHECK(cli(tmp, "pw-1", "--authenticator soft:key1 compartment add finance").exitCode == 0);
    auto list = cli(tmp, "pw-1", "--authenticator soft:key1 compartments");
    CHECK(list.exitCode == 0);
    CHECK(list.out == "finance\n");

    auto wrongPassphrase = cli(tmp, "pw-2", "--authenticator soft:key1 compartments");
    CHECK(wrongPassphrase.exitCode == 3);
    auto wrongKey = cli(tmp, "pw-1", "--authenticator soft:key2 compartments");
    CHECK(wrongKey.exitCode == 9);
    CHECK(wrongKey.err.find("not enrolled") != std::string::npos);

    // No key: a plain message and an exit at once, not a wait in a loop.
    const auto start = std::chrono::steady_clock::now();
    auto missing = cli(tmp, "pw-1", "--authenticator soft:nowhere compartments");
    CHECK(missing.exitCode == 8);
    CHECK(missing.err.find("no software authenticator") != std::string::npos);
    auto unplugged = cli(tmp, "pw-1", "--authenticator hid:/nonexistent/hidraw9 compartments");
    CHECK(unplugged.exitCode == 8);
    CHECK(unplugged.err.find("plugged in") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
    // --wait-for-key waits (asleep, not spinning) and then gives up with the same message.
    rusage before{};
    ::getrusage(RUSAGE_CHILDREN, &before);
    const auto waitStart = std::chrono::steady_clock::now();
    auto waited = cli(tmp, "pw-1", "--wait-for-key 2 --authenticator soft:nowhere compartments");
    const auto waitedFor = std::chrono::steady_clock::now() - waitStart;
    rusage after{};
    ::getrusage(RUSAGE_CHILDREN, &after);
    CHECK(waited.exitCode == 8);
    CHECK(waited.err.find("waiting up to 2 s") != std::string::npos);
    CHECK(waitedFor >= std::chrono::milliseconds(1900));
    const double cpuSeconds =
        static_cast<double>(after.ru_utime.tv_sec - before.ru_utime.tv_sec) +
        static_cast<double>(after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6;
    CHECK(cpuSeconds < 1.0);
    if (!std::filesystem::exists("/dev/hidraw0")) {
        auto none = cli(tmp, "pw-1", "compartments");
        CHECK(none.exitCode == 8);
        CHECK(none.err.find("no FIDO security key is plugged in") != std::string::npos);
    }

    // Backup key, then removal of the first; the last one stays.
    REQUIRE(cli(tmp, "pw-1",
                "--authenticator soft:key1 " + light + " fido enroll --new-authenticator soft:key2")
                .exitCode == 0);
    const std::string firstId = listed.out.substr(0, listed.out.find(' '));
    CHECK(cli(tmp, "pw-1", "--authenticator soft:key2 fido remove " + firstId).exitCode == 0);
    CHECK(cli(tmp, "pw-1", "--authenticator soft:key1 compartments").exitCode == 9);
    const std::string lastId = cli(tmp, "", "fido list").out.substr(0, 12);
    auto refused = cli(tmp, "pw-1", "--authenticator soft:key2 fido remove " + lastId);
    CHECK(refused.exitCode == 13);
    CHECK(refused.err.find("last security key") != std::string::npos);

    CHECK(cli(tmp, "pw-1", "--authenticator soft:key2 fido seal finance").exitCode == 0);
    auto sealedList = cli(tmp, "pw-1", "--authenticator soft:key2 fido open-sealed finance");
    CHECK(sealedList.exitCode == 0);
    CHECK(sealedList.out == "opened sealed compartment finance\n");
    auto wrongSeal = cli(tmp, "pw-1",
                         "--authenticator soft:key2 --new-authenticator soft:key1 "
                         "fido open-sealed finance");
    CHECK(wrongSeal.exitCode == 9);

    // passwd re-wraps the slot of the key present (a second touch).
    { std::ofstream(tmp / "new.txt") << "pw-new\n"; }
    auto passwd =
        cli(tmp, "pw-1",
            "--authenticator soft:key2 " + light + " passwd --new-passphrase-fd 3 3<new.txt");
    CHECK(passwd.exitCode == 0);
    CHECK(cli(tmp, "pw-new", "--authenticator soft:key2 compartments").exitCode == 0);
    CHECK(cli(tmp, "pw-1", "--authenticator soft:key2 compartments").exitCode == 3);

    auto old = cli(tmp, "", "--authenticator soft:old --soft-no-hmac-secret fido soft-init");
    REQUIRE(old.exitCode == 0);
    auto unsupported =
        cli(tmp, "pw-new",
            "--authenticator soft:key2 " + light + " fido enroll --new-authenticator soft:old");
    CHECK(unsupported.exitCode == 12);
    CHECK(unsupported.err.find("hmac-secret") != std::string::npos);
}
