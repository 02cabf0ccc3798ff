// cloison-admin and cloison-cli's provisioning commands as scripts use them: output, files and
// exit codes, and that a refused import leaves the profile's files as they were.
#include "client/provisioning/AdminVault.h"
#include "crypto/Hash.h"
#include "tests/support/Files.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"
#include "tests/support/Terminal.h"

#include <catch2/catch.hpp>

#include <chrono>

using namespace cloison;
using test::ProcessOptions;
using test::ProcessResult;

namespace {

const std::string kPin(64, 'b');

ProcessResult admin(const test::TempDir& dir, std::vector<std::string> args,
                    ProcessOptions options = {}) {
    args.insert(args.begin(), {CLOISON_ADMIN, "--admin", (dir / "admin").string()});
    options.environment.emplace("CLOISON_ADMIN_PASSPHRASE", "admin passphrase");
    options.environment.emplace("CLOISON_ACCOUNT_PASSWORD", "Acc0unt-password");
    return test::runProcess(args, options);
}

ProcessResult member(const test::TempDir& dir, const std::string& who,
                     std::vector<std::string> args, ProcessOptions options = {}) {
    args.insert(args.begin(), {CLOISON_CLI, "--profile", (dir / who).string()});
    options.environment.emplace("CLOISON_PASSPHRASE", who + " passphrase");
    return test::runProcess(args, options);
}

std::string fingerprintOf(const test::TempDir& dir) {
    auto printed = admin(dir, {"org", "fingerprint"});
    REQUIRE(printed.exitCode == 0);
    REQUIRE(printed.out.size() == 80);
    return printed.out.substr(0, 79);
}

// An admin vault with "finance" defined, and members who made their enrolment requests.
void setUp(const test::TempDir& dir, std::initializer_list<const char*> members) {
    auto init = admin(dir, {"org", "init", "--kdf-memory-mib", "8", "--kdf-passes", "1"});
    REQUIRE(init.exitCode == 0);
    CHECK_THAT(init.out, Catch::StartsWith("organisation key fingerprint: "));
    auto defined = admin(dir, {"compartment", "define", "finance", "--server", "127.0.0.1:15222",
                               "--pin", kPin, "--room", "finance@conference.localhost",
                               "--retention-days", "30", "--colour", "#aa3300", "--label",
                               "Finance", "--trusted-domains", "en-marche.fr,example.org"});
    REQUIRE(defined.exitCode == 0);
    for (const char* who : members) {
        REQUIRE(member(dir, who, {"init", "--kdf-memory-mib", "8", "--kdf-passes", "1"}).exitCode ==
                0);
        auto request = member(
            dir, who,
            {"enroll-request", "--name", who, "-o", (dir / (std::string(who) + ".req")).string()});
        REQUIRE(request.exitCode == 0);
    }
}

std::string invite(const test::TempDir& dir, const std::string& who, const std::string& account) {
    const std::string file = (dir / (who + ".invite")).string();
    ProcessOptions withPassword;
    withPassword.fd3Input = "Acc0unt-password-" + who + "\n";
    auto written =
        admin(dir,
              {"invite", "--compartment", "finance", "--request", (dir / (who + ".req")).string(),
               "--account", account, "--password-fd", "3", "-o", file},
              withPassword);
    REQUIRE(written.exitCode == 0);
    return file;
}

} // namespace

TEST_CASE("cloison-cli import: the person confirms the org key's fingerprint on the terminal") {
    test::TempDir dir;
    setUp(dir, {"alice"});
    const std::string fingerprint = fingerprintOf(dir);
    const std::string file = invite(dir, "alice", "u1@localhost");
    const std::vector<std::string> args = {
        CLOISON_CLI, "--profile", (dir / "alice").string(), "import",
        file,        "-o",        (dir / "cert").string()};
    const std::vector<std::string> unset = {"CLOISON_PASSPHRASE"};
    auto declined =
        test::runOnTerminal(args, {{"Passphrase: ", "alice passphrase"}, {"same: ", "no"}}, unset);
    CHECK(declined.answered == 2);
    CHECK(declined.exitCode == 13);
    CHECK_THAT(declined.screen, Catch::Contains(fingerprint));
    CHECK(member(dir, "alice", {"compartments"}).out.empty());

    auto confirmed =
        test::runOnTerminal(args, {{"Passphrase: ", "alice passphrase"}, {"same: ", "yes"}}, unset);
    CHECK(confirmed.exitCode == 0);
    CHECK_THAT(confirmed.screen, Catch::Contains("imported compartment finance"));
    CHECK(member(dir, "alice", {"compartments"}).out == "finance\n");
    CHECK(std::filesystem::exists(dir / "cert"));
}

TEST_CASE("cloison-admin and cloison-cli: enrol, invite, import, certify, apply the roster") {
    test::TempDir dir;
    setUp(dir, {"alice"});
    const std::string fingerprint = fingerprintOf(dir);
    const std::string file = invite(dir, "alice", "u1@localhost");
    CHECK(test::readFile(file).size() > 100);
    // Both sides print the member's key fingerprint, for the admin to compare with the person.
    auto again = member(dir, "alice", {"enroll-request", "--name", "alice"});
    REQUIRE(again.exitCode == 0);
    const auto at = again.err.find("fingerprint ");
    REQUIRE(at != std::string::npos);
    const std::string memberFingerprint = again.err.substr(at + 12, 79);
    ProcessOptions withPassword;
    withPassword.fd3Input = "another-password\n";
    auto second =
        admin(dir,
              {"invite", "--compartment", "finance", "--request", (dir / "alice.req").string(),
               "--account", "u5@localhost", "--password-fd", "3", "-o", (dir / "second").string()},
              withPassword);
    CHECK(second.exitCode == 0);
    CHECK_THAT(second.err, Catch::Contains(memberFingerprint));

    const std::string cert = (dir / "alice.cert").string();
    auto imported =
        member(dir, "alice", {"import", file, "--org-fingerprint", fingerprint, "-o", cert});
    REQUIRE(imported.exitCode == 0);
    CHECK_THAT(imported.err, Catch::Contains("pinned organisation key " + fingerprint));
    CHECK_THAT(imported.err, Catch::Contains("imported compartment finance"));
    CHECK(member(dir, "alice", {"compartments"}).out == "finance\n");
    CHECK(member(dir, "alice", {"compartment", "trust-domains", "finance"}).out ==
          "en-marche.fr\nexample.org\n");

    const std::string roster2 = (dir / "roster2").string();
    REQUIRE(admin(dir, {"certify", "--compartment", "finance", cert, "-o", roster2}).exitCode == 0);
    auto applied = member(dir, "alice", {"roster", "apply", "--compartment", "finance", roster2});
    CHECK(applied.exitCode == 0);
    CHECK(applied.out == "roster version 2: 1 certified, 0 revoked\n");
    auto replayed = member(dir, "alice", {"roster", "apply", "--compartment", "finance", roster2});
    CHECK(replayed.exitCode == 4);
    CHECK_THAT(replayed.err, Catch::Contains("not newer"));
    CHECK(admin(dir, {"certify", "--compartment", "finance", cert}).exitCode == 6);

    auto current = admin(dir, {"roster", "--compartment", "finance"});
    CHECK(current.exitCode == 0);
    const Bytes roster2Bytes = test::readFile(roster2);
    CHECK(current.out == std::string(roster2Bytes.begin(), roster2Bytes.end()));
    auto revoked = admin(dir, {"revoke", "--compartment", "finance", "--member", "u1@localhost"});
    REQUIRE(revoked.exitCode == 0);
    test::writeFile(dir / "roster3", asBytes(revoked.out));
    auto applied3 = member(
        dir, "alice", {"roster", "apply", "--compartment", "finance", (dir / "roster3").string()});
    CHECK(applied3.out == "roster version 3: 0 certified, 1 revoked\n");
    CHECK(admin(dir, {"certify", "--compartment", "finance", cert}).exitCode == 13);
    CHECK(member(dir, "alice", {"purge", "--compartment", "finance"}).out ==
          "retention 30 days: 0 messages kept\n");
    auto log = member(dir, "alice", {"export-audit", "--compartment", "finance"});
    CHECK_THAT(log.out, Catch::Contains("\"invite-imported\""));
    CHECK_THAT(log.out, Catch::Contains("\"device-revoked\""));
    // The account's password is in no file outside the vaults.
    CHECK(test::filesContaining(dir.path(), "Acc0unt-password-alice").empty());
}

TEST_CASE("cloison-cli import: refusals exit with their code and change no file") {
    test::TempDir dir;
    setUp(dir, {"alice", "bob"});
    const std::string fingerprint = fingerprintOf(dir);
    const std::string forAlice = invite(dir, "alice", "u1@localhost");
    // Every run below closes the profile cleanly first, so its files are at rest.
    REQUIRE(member(dir, "bob", {"compartments"}).exitCode == 0);
    REQUIRE(member(dir, "alice", {"compartments"}).exitCode == 0);
    const auto bobBefore = test::hashTree(dir / "bob");
    const auto aliceBefore = test::hashTree(dir / "alice");

    auto notForBob = member(dir, "bob", {"import", forAlice, "--org-fingerprint", fingerprint});
    CHECK(notForBob.exitCode == 18);
    CHECK_THAT(notForBob.err, Catch::Contains("not sealed to this profile"));
    CHECK(notForBob.out.empty());

    // No terminal to confirm on, and no fingerprint given.
    auto unconfirmed = member(dir, "alice", {"import", forAlice});
    CHECK(unconfirmed.exitCode == 13);
    CHECK_THAT(unconfirmed.err, Catch::Contains("--org-fingerprint"));
    auto wrongFingerprint =
        member(dir, "alice", {"import", forAlice, "--org-fingerprint", "0000 1111"});
    CHECK(wrongFingerprint.exitCode == 13);

    Bytes tampered = test::readFile(forAlice);
    tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
    test::writeFile(dir / "tampered", tampered);
    auto altered = member(
        dir, "alice", {"import", (dir / "tampered").string(), "--org-fingerprint", fingerprint});
    CHECK((altered.exitCode == 4 || altered.exitCode == 18));
    test::writeFile(dir / "truncated", ByteView(tampered).first(tampered.size() / 3));
    CHECK(member(dir, "alice",
                 {"import", (dir / "truncated").string(), "--org-fingerprint", fingerprint})
              .exitCode == 4);
    test::writeFile(dir / "huge", Bytes(70 * 1024, 'A'));
    CHECK(member(dir, "alice", {"import", (dir / "huge").string()}).exitCode == 2);
    CHECK(member(dir, "alice", {"import", (dir / "missing").string()}).exitCode == 5);

    // An invite signed by the organisation, for Alice, but past its expiry.
    {
        auto vault = provisioning::AdminVault::unlock(dir / "admin",
                                                      SecretBytes::fromString("admin passphrase"));
        REQUIRE(vault);
        const Bytes requestFile = test::readFile(dir / "alice.req");
        auto request =
            provisioning::parseEnrollRequest(std::string(requestFile.begin(), requestFile.end()));
        REQUIRE(request);
        const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
        provisioning::Invite old;
        old.orgKey = vault.value()->orgKey().publicKey();
        old.recipient = request.value().boxKey;
        old.inviteId = randomId();
        old.issuedAt = now - 20 * 86'400;
        old.expiresAt = now - 6 * 86'400;
        old.memberName = "alice";
        old.compartment = vault.value()->compartment("finance").value();
        old.account = "u1@localhost";
        old.password = SecretBytes::fromString("Acc0unt-password");
        auto sealed = provisioning::sealInvite(old, vault.value()->orgKey());
        REQUIRE(sealed);
        test::writeFile(dir / "expired", asBytes(sealed.value()));
    }
    auto expired = member(dir, "alice",
                          {"import", (dir / "expired").string(), "--org-fingerprint", fingerprint});
    CHECK(expired.exitCode == 19);
    CHECK_THAT(expired.err, Catch::Contains("this invite expired on"));

    CHECK(test::hashTree(dir / "bob") == bobBefore);
    CHECK(test::hashTree(dir / "alice") == aliceBefore);
    CHECK(member(dir, "alice", {"compartments"}).out.empty());
}

TEST_CASE("cloison-admin: help, usage errors, wrong passphrase and unknown compartments") {
    test::TempDir dir;
    auto help = admin(dir, {"--help"});
    CHECK(help.exitCode == 0);
    CHECK_THAT(help.out, Catch::Contains("org init"));
    CHECK(admin(dir, {"org", "fingerprint"}).exitCode == 5); // no admin vault yet
    setUp(dir, {});
    CHECK(admin(dir, {"org", "init"}).exitCode == 6);
    CHECK(admin(dir, {}).exitCode == 2);
    CHECK(admin(dir, {"frobnicate"}).exitCode == 2);
    CHECK(admin(dir, {"--bogus", "x", "org", "fingerprint"}).exitCode == 2);
    CHECK(admin(dir, {"invite", "--compartment", "finance"}).exitCode == 2);
    CHECK(admin(dir, {"revoke", "--compartment", "finance"}).exitCode == 2);
    CHECK(admin(dir, {"revoke", "--compartment", "finance", "--device", "u1@localhost"}).exitCode ==
          2);
    CHECK(admin(dir, {"compartment", "define", "x", "--server", "h", "--pin", "12"}).exitCode == 2);
    CHECK(admin(dir, {"compartment", "define", "x", "--server", "h", "--pin", kPin,
                      "--roster-owner", "not a jid"})
              .exitCode == 2);
    CHECK(admin(dir, {"invite", "--compartment", "finance", "--request", "r", "--account",
                      "u1@localhost", "--valid-days", "3651", "-o", "f"})
              .exitCode == 2);
    CHECK(admin(dir, {"publish", "--compartment", "finance"}).exitCode == 2);
    CHECK(
        admin(dir, {"compartment", "define", "finance", "--server", "h", "--pin", kPin}).exitCode ==
        6);
    CHECK(admin(dir, {"roster", "--compartment", "nope"}).exitCode == 5);
    CHECK(
        admin(dir, {"revoke", "--compartment", "finance", "--device", "u1@localhost:5"}).exitCode ==
        5);
    ProcessOptions wrong;
    wrong.environment["CLOISON_ADMIN_PASSPHRASE"] = "not it";
    auto refused = admin(dir, {"org", "fingerprint"}, wrong);
    CHECK(refused.exitCode == 3);
    CHECK(refused.out.empty());
    auto key = admin(dir, {"org", "public-key"});
    CHECK(key.exitCode == 0);
    CHECK(key.out.size() == 45);
}

TEST_CASE("cloison-admin: the organisation key behind a security key") {
    test::TempDir dir;
    REQUIRE(admin(dir, {"org", "init", "--kdf-memory-mib", "8", "--kdf-passes", "1"}).exitCode ==
            0);
    const std::string fingerprint = fingerprintOf(dir);
    const std::string key1 = "soft:" + (dir / "key1").string();
    const std::string key2 = "soft:" + (dir / "key2").string();
    REQUIRE(admin(dir, {"--authenticator", key1, "fido", "soft-init"}).exitCode == 0);
    REQUIRE(admin(dir, {"--authenticator", key2, "fido", "soft-init"}).exitCode == 0);
    auto enrolled = admin(dir, {"--authenticator", key1, "--kdf-memory-mib", "8", "--kdf-passes",
                                "1", "fido", "enroll"});
    REQUIRE(enrolled.exitCode == 0);
    CHECK_THAT(enrolled.out, Catch::Contains("the passphrase alone no longer opens"));
    CHECK(admin(dir, {"fido", "list"}).out.find(" touch ") != std::string::npos);

    // The passphrase alone, another key, a missing key: each refused with its own code.
    auto noKey =
        admin(dir, {"--authenticator", "soft:" + (dir / "nowhere").string(), "org", "fingerprint"});
    CHECK(noKey.exitCode == 8);
    CHECK_THAT(noKey.err, Catch::Contains("no software authenticator"));
    auto wrongKey = admin(dir, {"--authenticator", key2, "org", "fingerprint"});
    CHECK(wrongKey.exitCode == 9);
    ProcessOptions wrongPassphrase;
    wrongPassphrase.environment.emplace("CLOISON_ADMIN_PASSPHRASE", "not the passphrase");
    CHECK(admin(dir, {"--authenticator", key1, "org", "fingerprint"}, wrongPassphrase).exitCode ==
          3);
    // Passphrase and the enrolled key together open it, and it is the same organisation key.
    auto opened = admin(dir, {"--authenticator", key1, "org", "fingerprint"});
    REQUIRE(opened.exitCode == 0);
    CHECK(opened.out.substr(0, 79) == fingerprint);
    CHECK(admin(dir, {"fido", "enroll", "extra"}).exitCode == 2);
}
