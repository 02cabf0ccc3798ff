// Issue 6 end to end, against a real Prosody: a provisioned compartment's key-event log, its
// key certified by the organisation through the device roster, its signed heads published by
// the running client on the member's PEP node, fetched by the admin for the auditor. A log
// handed over later from a copy of the vault taken before later events is internally
// consistent and certified, and verifies on its own; against the heads the server kept it
// fails, naming the problem.
#include "client/profile/Profile.h"
#include "client/provisioning/MemberImport.h"
#include "client/xmpp/AccountStore.h"
#include "client/xmpp/CompartmentService.h"
#include "tests/support/Files.h"
#include "tests/support/Process.h"
#include "tests/support/ProsodyServer.h"
#include "tests/support/StaffTools.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

using namespace cloison;
using test::admin;
using test::member;
using test::ProcessResult;
using test::require;
using Type = xmpp::ServiceEvent::Type;

namespace {

ProcessResult audit(std::vector<std::string> args) {
    args.insert(args.begin(), CLOISON_AUDIT);
    return test::runProcess(args);
}

std::string text(const std::filesystem::path& file) {
    const Bytes bytes = test::readFile(file);
    return {bytes.begin(), bytes.end()};
}

// One member's provisioned compartment, running in this process, publishing its log heads.
struct Running {
    std::unique_ptr<Profile> profile;
    std::unique_ptr<xmpp::CompartmentService> service;
    std::vector<std::string> received;
    int headsPublished = 0;

    Running(const test::TempDir& dir, const std::string& who) {
        profile = Profile::unlock(dir / who, SecretBytes::fromString(who + " passphrase")).value();
        storage::Vault* vault = profile->compartmentVault("finance").value();
        auto account = xmpp::loadAccount(*vault);
        REQUIRE(account);
        xmpp::ServiceOptions options{profile->compartments().value().front().id,
                                     account.value().trust, account.value().room};
        options.logHeadsNode = provisioning::logHeadsNode(*vault).value();
        REQUIRE(options.logHeadsNode.starts_with("urn:cloison:log-heads:"));
        options.logHeadsIntervalSeconds = 1;
        auto started = xmpp::CompartmentService::start(*vault, account.value().settings,
                                                       std::move(account.value().password),
                                                       std::move(options));
        REQUIRE(started);
        service = std::move(started).value();
    }

    // Reads events for up to `wait`, until `done` holds.
    template <typename Done> bool pump(std::chrono::milliseconds wait, Done done) {
        const auto deadline = std::chrono::steady_clock::now() + wait;
        while (!done() && std::chrono::steady_clock::now() < deadline) {
            auto event = service->nextEvent(std::chrono::milliseconds(100));
            if (!event)
                continue;
            if (event->type == Type::MessageReceived)
                received.push_back(event->text);
            if (event->type == Type::LogHeadPublished)
                ++headsPublished;
            if (event->type == Type::LogHeadRefused)
                FAIL("the server refused a log head: " << event->error.message);
        }
        return done();
    }
};

// Sends to the room until the other member has it (its device must have joined first).
bool exchange(Running& from, Running& to, const std::string& message) {
    for (int attempt = 0; attempt < 20; ++attempt) {
        const std::string numbered = message + " #" + std::to_string(attempt);
        from.service->sendToRoom(numbered);
        if (to.pump(std::chrono::seconds(3), [&] {
                return std::find(to.received.begin(), to.received.end(), numbered) !=
                       to.received.end();
            }))
            return true;
    }
    return false;
}

std::string accountOf(const std::string& createOutput, int n) {
    const std::string marker = "finance-" + std::to_string(n) + ".invite (account ";
    const auto at = createOutput.find(marker);
    REQUIRE(at != std::string::npos);
    const auto start = at + marker.size();
    return createOutput.substr(start, createOutput.find(')', start) - start);
}

} // namespace

TEST_CASE("a certified log verifies, and a consistent truncation fails against published heads") {
    test::ProsodyOptions serverOptions;
    serverOptions.accounts.emplace_back("admin", "admin-password");
    auto server = test::ProsodyServer::start(serverOptions);
    test::TempDir dir;

    const auto organisation = test::createFinance(dir, *server, {"alice", "bob"});
    const std::string& fingerprint = organisation.fingerprint;
    const ProcessResult& created = organisation.created;
    auto publicKey = admin(dir, {"org", "public-key"});
    require(publicKey);
    test::writeFile(dir / "org.pub", asBytes(publicKey.out));
    const std::string aliceAccount = accountOf(created.out, 1);
    const std::string bobAccount = accountOf(created.out, 2);
    test::importAndCertify(dir, fingerprint, {"alice", "bob"});
    CHECK_THAT(text(dir / "alice.cert"), Catch::Contains("\nlog-key ")); // it names the log key
    for (const std::string who : {"alice", "bob"})
        require(
            member(dir, who,
                   {"roster", "fetch", "--compartment", "finance", "--from", "admin@localhost"}));

    const std::string secret = "the budget is in the safe";
    {
        Running alice(dir, "alice");
        Running bob(dir, "bob");
        REQUIRE(exchange(alice, bob, secret));
        REQUIRE(exchange(bob, alice, "understood"));
        REQUIRE(alice.pump(std::chrono::seconds(10), [&] { return alice.headsPublished >= 2; }));
    }
    // A copy of alice's profile as it stands now: what she could hand over later.
    std::filesystem::copy(dir / "alice", dir / "alice-then",
                          std::filesystem::copy_options::recursive);

    // Later events: bob is revoked, alice's client learns it and publishes its head again.
    require(admin(dir, {"revoke", "--compartment", "finance", "--member", bobAccount}));
    require(
        admin(dir, {"publish", "--compartment", "finance", "--server-admin", "admin@localhost"}));
    require(member(dir, "alice",
                   {"roster", "fetch", "--compartment", "finance", "--from", "admin@localhost"}));
    {
        Running alice(dir, "alice");
        REQUIRE(alice.pump(std::chrono::seconds(10), [&] { return alice.headsPublished >= 1; }));
    }

    // The auditor's inputs: the heads as the server holds them, fetched by the admin...
    const std::string heads = (dir / "heads.jsonl").string();
    require(admin(dir, {"log-heads", "--compartment", "finance", "--member", aliceAccount,
                        "--server-admin", "admin@localhost", "-o", heads}));
    CHECK_THAT(text(heads), Catch::StartsWith("{") && Catch::Contains("\"cloison_log_head\":1"));
    // ...and the exports alice hands over: the current log, and one from the copy.
    const std::string now = (dir / "now.jsonl").string();
    const std::string then = (dir / "then.jsonl").string();
    require(member(dir, "alice", {"export-audit", "--compartment", "finance", "-o", now}));
    test::ProcessOptions asAlice;
    asAlice.environment.emplace("CLOISON_PASSPHRASE", "alice passphrase");
    require(test::runProcess({CLOISON_CLI, "--profile", (dir / "alice-then").string(),
                              "export-audit", "--compartment", "finance", "-o", then},
                             asAlice));
    CHECK(text(now).find(secret) == std::string::npos);
    CHECK(text(now).find("understood") == std::string::npos);

    // The log of the real exchange verifies: chain, signatures, certificate and heads, with the
    // org key as a fingerprint or as the file 'org public-key' wrote.
    auto current = audit({"verify", now, "--org-key", fingerprint, "--heads", heads});
    INFO(current.out);
    CHECK(current.exitCode == 0);
    CHECK_THAT(current.out, Catch::StartsWith("verified: ") &&
                                Catch::Contains("certified by organisation key " + fingerprint) &&
                                Catch::Contains("device " + aliceAccount + "/"));
    CHECK(audit({"verify", now, "--org-key", (dir / "org.pub").string()}).exitCode == 0);
    CHECK_THAT(text(now), Catch::Contains("\"type\":\"device-revoked\""));

    // The older copy is consistent in itself and certified: alone, it verifies...
    auto alone = audit({"verify", then, "--org-key", fingerprint});
    INFO(alone.out);
    CHECK(alone.exitCode == 0);
    CHECK(text(then).find("device-revoked") == std::string::npos);
    // ...but not against what alice's client published before handing it over.
    auto caught = audit({"verify", then, "--org-key", fingerprint, "--heads", heads});
    CHECK(caught.exitCode == 1);
    CHECK_THAT(caught.out, Catch::StartsWith("FAILED at entry ") &&
                               Catch::Contains("published head") &&
                               (Catch::Contains("truncated") || Catch::Contains("rewritten")));
    auto report = audit({"report", then, "--html", (dir / "then.html").string(), "--org-key",
                         fingerprint, "--heads", heads});
    CHECK(report.exitCode == 1);
    CHECK_THAT(text(dir / "then.html"), Catch::Contains("does NOT verify"));

    // Another organisation's key, by fingerprint: the certificate does not hold.
    std::string other = fingerprint;
    other[0] = other[0] == 'a' ? 'b' : 'a';
    auto wrongOrg = audit({"verify", now, "--org-key", other});
    CHECK(wrongOrg.exitCode == 1);
    CHECK_THAT(wrongOrg.out, Catch::Contains("FAILED at entry 1: the log key's certificate"));
    CHECK(audit({"verify", now, "--org-key", (dir / "absent.pub").string()}).exitCode == 3);
    test::writeFile(dir / "bad.pub", asBytes("not a key\n"));
    CHECK(audit({"verify", now, "--org-key", (dir / "bad.pub").string()}).exitCode == 2);
    CHECK(audit({"verify", now, "--org-key"}).exitCode == 2);
}
