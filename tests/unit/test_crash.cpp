#include "client/profile/Profile.h"
#include "storage/MessageRepository.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

using namespace cloison;

namespace {

constexpr const char* kSecret = "crash test passphrase";

// Starts the writer, waits until it has reported `killAfter` commits, then SIGKILLs it.
// Returns the number of commits it reported.
int runAndKill(const std::filesystem::path& profileDir, int killAfter) {
    int out[2];
    REQUIRE(::pipe(out) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::dup2(out[1], 1);
        ::close(out[0]);
        ::setenv("CLOISON_PASSPHRASE", kSecret, 1);
        ::execl(CLOISON_CRASH_WRITER, CLOISON_CRASH_WRITER, profileDir.c_str(), nullptr);
        ::_exit(127);
    }
    ::close(out[1]);
    FILE* reports = ::fdopen(out[0], "r");
    int reported = 0;
    int last = -1;
    while (reported < killAfter && std::fscanf(reports, "%d", &last) == 1)
        ++reported;
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::fclose(reports);
    CHECK(WIFSIGNALED(status));
    CHECK(last == reported - 1);
    return reported;
}

} // namespace

TEST_CASE("SIGKILL in the middle of 1,000 writes leaves every vault openable with a prefix") {
    const int killAfter = GENERATE(1, 137, 500, 871);
    test::TempDir dir;
    {
        auto profile =
            Profile::create(dir / "p", SecretBytes::fromString(kSecret), Argon2idParams::light());
        REQUIRE(profile);
        REQUIRE(profile.value()->addCompartment("a"));
        REQUIRE(profile.value()->addCompartment("b"));
    }
    const int reported = runAndKill(dir / "p", killAfter);
    REQUIRE(reported == killAfter);

    auto profile = Profile::unlock(dir / "p", SecretBytes::fromString(kSecret));
    REQUIRE(profile);
    // Writes alternate a, b, a, ...: together they must be exactly writes 0..n-1 for some
    // n >= reported (a write may commit just before its report is read), in order, intact.
    std::vector<std::vector<storage::StoredMessage>> stored;
    for (const char* name : {"a", "b"}) {
        auto vault = profile.value()->compartmentVault(name);
        REQUIRE(vault);
        auto messages = storage::MessageRepository(*vault.value()).latest("peer@example.org", 2000);
        REQUIRE(messages);
        stored.push_back(std::move(messages.value()));
    }
    const auto total = static_cast<int>(stored[0].size() + stored[1].size());
    CHECK(total >= reported);
    CHECK(total <= 1000);
    CHECK(stored[0].size() == static_cast<std::size_t>((total + 1) / 2));
    for (int i = 0; i < total; ++i) {
        const auto& message =
            stored[static_cast<std::size_t>(i % 2)][static_cast<std::size_t>(i / 2)];
        INFO("write " << i);
        CHECK(message.sentAt == i);
        CHECK(message.body == "write " + std::to_string(i) + " " + std::string(200, 'w'));
    }
}
