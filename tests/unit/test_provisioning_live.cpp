// Issue 5's build items that act while compartments run, against a real Prosody: a member's
// running `cloison-cli listen` applies each roster the admin publishes (a newly certified
// device, a revocation) without reconnecting; `revoke --member --server-admin` deletes the
// member's account and room membership; `compartment create` rolls back what it made when a
// step fails; the retention policy purges on schedule while a compartment is open.
#include "client/audit/KeyEventLog.h"
#include "client/provisioning/Retention.h"
#include "client/provisioning/ServiceSetup.h"
#include "client/xmpp/ServerAdmin.h"
#include "crypto/Hash.h"
#include "storage/KeyEventRepository.h"
#include "storage/MessageRepository.h"
#include "tests/support/Files.h"
#include "tests/support/Process.h"
#include "tests/support/ServiceParty.h"
#include "tests/support/StaffTools.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <fstream>
#include <sstream>

using namespace cloison;
using test::admin;
using test::member;
using test::require;
using Type = xmpp::ServiceEvent::Type;

namespace {

std::string fileText(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Waits until `path` contains `text` (bounded).
bool appears(const std::filesystem::path& path, const std::string& text,
             std::chrono::seconds wait = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
        if (fileText(path).find(text) != std::string::npos)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

// The accounts `compartment create` printed, in the order of its --members.
std::vector<std::string> accountsOf(const std::string& created) {
    std::vector<std::string> out;
    std::istringstream lines(created);
    for (std::string line; std::getline(lines, line);) {
        const auto at = line.find("(account ");
        if (at != std::string::npos)
            out.push_back(line.substr(at + 9, line.size() - at - 10));
    }
    return out;
}

std::unique_ptr<xmpp::ServerAdmin> serverAdmin(const test::ProsodyServer& server) {
    auto connected = xmpp::ServerAdmin::connect(
        {"admin@localhost", server.host(), server.port(), server.spkiSha256Hex(), false, "test"},
        SecretBytes::fromString("admin-password"));
    REQUIRE(connected);
    return std::move(connected).value();
}

// Whether the server has the account: creating it again is refused only when it does.
bool accountExists(xmpp::ServerAdmin& server, const std::string& jid) {
    auto created = server.createAccount(jid, SecretBytes::fromString("probe-password-123"));
    if (created) {
        REQUIRE(server.deleteAccount(jid));
        return false;
    }
    REQUIRE(created.error().code == ErrorCode::AlreadyExists);
    return true;
}

test::ProsodyOptions withAdmin() {
    test::ProsodyOptions options;
    options.accounts.emplace_back("admin", "admin-password");
    return options;
}

} // namespace

TEST_CASE("a listening member applies new certifications and revocations as the admin publishes "
          "them, and a revoked member is gone from the server") {
    auto server = test::ProsodyServer::start(withAdmin());
    test::TempDir dir;
    const auto organisation = test::createFinance(dir, *server, {"alice", "bob", "carol"});
    const std::vector<std::string> accounts = accountsOf(organisation.created.out);
    REQUIRE(accounts.size() == 3);
    test::importAndCertify(dir, organisation.fingerprint, {"alice", "bob"}); // roster version 3

    // Alice listens; her client fetches the roster from the owner her invite named.
    test::ProcessOptions env;
    env.environment.emplace("CLOISON_PASSPHRASE", "alice passphrase");
    const auto output = dir / "alice-listen.txt";
    const pid_t listener =
        test::startProcess({CLOISON_CLI, "--profile", (dir / "alice").string(), "listen",
                            "--compartment", "finance", "--timeout", "120"},
                           env, output);
    INFO(fileText(output));
    REQUIRE(appears(output, "cloison-cli: roster version 3: 2 certified, 0 revoked"));

    // Bob is revoked, on the server too.
    auto revoked =
        admin(dir, {"revoke", "--compartment", "finance", "--member", accounts[1], "--server-admin",
                    "admin@localhost", "-o", (dir / "roster").string()});
    INFO(revoked.err);
    REQUIRE(revoked.exitCode == 0);
    CHECK_THAT(revoked.err, Catch::Contains("deleted the account " + accounts[1]));
    CHECK_THAT(revoked.err, Catch::Contains("removed " + accounts[1] + " from the room"));
    CHECK_THAT(revoked.err, Catch::Contains("published the roster of finance"));
    CHECK(appears(output, "cloison-cli: roster version 4: 1 certified, 1 revoked"));

    // Carol joins later: certified and published while Alice still listens.
    const std::string cert = (dir / "carol.cert").string();
    require(member(dir, "carol",
                   {"import", (dir / "invites" / "finance-3.invite").string(), "--org-fingerprint",
                    organisation.fingerprint, "-o", cert}));
    require(admin(dir, {"certify", "--compartment", "finance", cert}));
    require(
        admin(dir, {"publish", "--compartment", "finance", "--server-admin", "admin@localhost"}));
    CHECK(appears(output, "cloison-cli: roster version 5: 2 certified, 1 revoked"));
    // One connection throughout: nothing went offline.
    CHECK(fileText(output).find("Offline") == std::string::npos);
    test::stopProcess(listener, SIGTERM);
    // By hand, from the owner the invite named: nothing newer.
    auto fetched = member(dir, "alice", {"roster", "fetch", "--compartment", "finance"});
    CHECK(fetched.out == "roster version 5 is current\n");

    // Bob can no longer log in, and the room no longer counts him among its members.
    auto bobSends = member(dir, "bob", {"send", "--compartment", "finance", "--room", "hello"});
    CHECK(bobSends.exitCode == 17);
    auto adminSession = serverAdmin(*server);
    CHECK_FALSE(accountExists(*adminSession, accounts[1]));
    auto members = adminSession->roomMembers(
        xmpp::loadAccount(
            *Profile::unlock(dir / "alice", SecretBytes::fromString("alice passphrase"))
                 .value()
                 ->compartmentVault("finance")
                 .value())
            .value()
            .room);
    REQUIRE(members);
    CHECK(std::find(members.value().begin(), members.value().end(), accounts[1]) ==
          members.value().end());
    CHECK(std::find(members.value().begin(), members.value().end(), accounts[0]) !=
          members.value().end());

    // Alice and Carol still talk in the room.
    const auto received = dir / "carol-listen.txt";
    test::ProcessOptions carolEnv;
    carolEnv.environment.emplace("CLOISON_PASSPHRASE", "carol passphrase");
    const pid_t carol =
        test::startProcess({CLOISON_CLI, "--profile", (dir / "carol").string(), "listen",
                            "--compartment", "finance", "--count", "1", "--timeout", "60"},
                           carolEnv, received);
    bool delivered = false;
    for (int attempt = 0; attempt < 10 && !delivered; ++attempt) {
        auto sent = member(dir, "alice",
                           {"send", "--compartment", "finance", "--room",
                            "still here " + std::to_string(attempt)});
        delivered = sent.exitCode == 0 && appears(received, "still here", std::chrono::seconds(3));
    }
    CHECK(delivered);
    test::stopProcess(carol, SIGTERM);
}

TEST_CASE("compartment create rolls back the accounts, invites and definition it made when a "
          "step fails") {
    auto server = test::ProsodyServer::start(withAdmin());
    test::TempDir dir;
    require(admin(dir, {"org", "init", "--kdf-memory-mib", "8", "--kdf-passes", "1"}));
    std::string requests;
    for (const std::string who : {"alice", "bob", "carol"}) {
        require(member(dir, who, {"init", "--kdf-memory-mib", "8", "--kdf-passes", "1"}));
        const std::string request = (dir / (who + ".req")).string();
        require(member(dir, who, {"enroll-request", "--name", who, "-o", request}));
        requests += (requests.empty() ? "" : ",") + request;
    }
    // The second invite cannot be written: a directory is in its place.
    std::filesystem::create_directories(dir / "invites" / "finance-2.invite");
    const std::vector<std::string> create = {"compartment",
                                             "create",
                                             "finance",
                                             "--server",
                                             server->host() + ":" + std::to_string(server->port()),
                                             "--pin",
                                             server->spkiSha256Hex(),
                                             "--members",
                                             requests,
                                             "--rooms-domain",
                                             server->roomsDomain(),
                                             "--server-admin",
                                             "admin@localhost",
                                             "--out-dir",
                                             (dir / "invites").string()};
    auto failed = admin(dir, create);
    INFO(failed.out << failed.err);
    CHECK(failed.exitCode != 0);
    CHECK_THAT(failed.err, Catch::Contains("rolling back"));
    CHECK_THAT(failed.err, Catch::Contains("rolled back: invite file"));
    CHECK_THAT(failed.err, Catch::Contains("rolled back: definition of finance removed"));
    CHECK(failed.err.find("NOT rolled back") == std::string::npos);
    // Both accounts it had made are gone from the server; the first invite file too.
    std::vector<std::string> made;
    std::istringstream lines(failed.err);
    for (std::string line; std::getline(lines, line);) {
        const std::string prefix = "  rolled back: account ";
        if (line.starts_with(prefix))
            made.push_back(
                line.substr(prefix.size(), line.find(' ', prefix.size()) - prefix.size()));
    }
    REQUIRE(made.size() == 2);
    auto adminSession = serverAdmin(*server);
    for (const std::string& account : made)
        CHECK_FALSE(accountExists(*adminSession, account));
    CHECK_FALSE(std::filesystem::exists(dir / "invites" / "finance-1.invite"));
    CHECK(admin(dir, {"roster", "--compartment", "finance"}).exitCode == 5);

    // A room on a domain with no room service: nothing is left either, and the same command
    // then succeeds once the cause is gone.
    std::vector<std::string> noMuc = create;
    noMuc[9] = "--room";
    noMuc[10] = "finance@nomuc.localhost";
    std::filesystem::remove(dir / "invites" / "finance-2.invite");
    auto noRoom = admin(dir, noMuc);
    INFO(noRoom.err);
    CHECK(noRoom.exitCode != 0);
    CHECK_THAT(noRoom.err, Catch::Contains("rolled back: definition of finance removed"));
    CHECK(noRoom.err.find("NOT rolled back") == std::string::npos);
    CHECK(std::filesystem::is_empty(dir / "invites"));
    require(admin(dir, create));

    // What a rollback destroys: a room this session created, never one that was there before.
    const std::string room = "rollback@" + server->roomsDomain();
    REQUIRE(adminSession->createRoom(room, {}));
    CHECK(adminSession->createdRoom(room));
    REQUIRE(adminSession->destroyRoom(room));
    CHECK_FALSE(adminSession->createdRoom(room));
    auto again = serverAdmin(*server);
    REQUIRE(again->createRoom(room, {}));
    CHECK(again->createdRoom(room)); // it was gone: entering made it anew
    auto third = serverAdmin(*server);
    REQUIRE(third->createRoom(room, {}));
    CHECK_FALSE(third->createdRoom(room));
}

TEST_CASE("an open compartment purges messages as they age past its retention policy") {
    auto server =
        test::ProsodyServer::start({{{"alice", "alice-password"}, {"bob", "bob-password"}}});
    test::Party alice("alice");
    test::Party bob("bob");
    REQUIRE(provisioning::setRetentionDays(*bob.vault, 1));
    alice.connect(*server);

    // Bob's clock, moved forward by the test instead of waiting for days to pass.
    auto offset = std::make_shared<std::atomic<std::int64_t>>(0);
    xmpp::StoredAccount account;
    account.trust = bob.trust;
    auto options = provisioning::serviceOptions(*bob.vault, bob.compartmentId, account);
    REQUIRE(options);
    REQUIRE(options.value().purge); // what the app and `listen` run
    options.value().purgeIntervalSeconds = 1;
    options.value().clock = [offset] {
        return audit::KeyEventLog::nowMs() + offset->load();
    };
    bob.connectWith(*server, options.value());
    REQUIRE(bob.await(Type::Ready));
    REQUIRE(alice.await(Type::Ready));
    REQUIRE(test::sendUntilDelivered(alice, bob.jid, "short-lived"));
    REQUIRE(bob.received(1).size() == 1);
    // A few purges pass with nothing old enough.
    CHECK_FALSE(bob.await(Type::RetentionPurged, std::chrono::milliseconds(2500)));

    offset->store(std::int64_t{2} * 86'400'000);
    auto purged = bob.await(Type::RetentionPurged, std::chrono::seconds(10));
    REQUIRE(purged);
    CHECK(purged->count == 1);
    CHECK(purged->timeMs > audit::KeyEventLog::nowMs()); // the injected clock, less one day
    bob.service.reset();
    CHECK(storage::MessageRepository(*bob.vault).count().value() == 0);
    auto events = storage::KeyEventRepository(*bob.vault).all();
    REQUIRE(events);
    CHECK(std::any_of(events.value().begin(), events.value().end(),
                      [](const auto& event) { return event.type == "retention-purge"; }));
}

TEST_CASE("a roster notice makes a running compartment fetch at once, only from the roster owner "
          "and for its node") {
    auto server = test::ProsodyServer::start(
        {{{"admin", "admin-password"}, {"alice", "alice-password"}, {"mallory", "mallory-pw"}}});
    test::Party alice("alice");
    const std::string node = std::string(xmpp::kRosterNodePrefix) + randomId();
    auto owner = serverAdmin(*server);
    REQUIRE(owner->publishBlob(node, asBytes("roster 1")));

    auto fetches = std::make_shared<std::atomic<int>>(0);
    xmpp::ServiceOptions options{alice.compartmentId, alice.trust};
    options.rosterOwner = "admin@localhost";
    options.rosterNode = node;
    options.rosterRefreshSeconds = 0; // only the connection and notices fetch
    options.applyRoster = [fetches](storage::Vault&, ByteView) -> Result<xmpp::RosterUpdate> {
        const int n = ++*fetches;
        return xmpp::RosterUpdate{true, "fetch " + std::to_string(n)};
    };
    alice.connectWith(*server, options);
    REQUIRE(alice.await(Type::RosterApplied));
    REQUIRE(alice.await(Type::Ready));
    CHECK(fetches->load() == 1);

    // Anyone else's notice, and the owner's for another node, are ignored (and not taken for
    // messages).
    auto mallory = xmpp::ServerAdmin::connect(
        {"mallory@localhost", server->host(), server->port(), server->spkiSha256Hex(), false, "x"},
        SecretBytes::fromString("mallory-pw"));
    REQUIRE(mallory);
    REQUIRE(mallory.value()->sendRosterNotices({alice.jid}, node));
    REQUIRE(owner->sendRosterNotices({alice.jid}, node + "0"));
    CHECK_FALSE(alice.await(Type::RosterApplied, std::chrono::milliseconds(1500)));
    CHECK(fetches->load() == 1);
    for (const auto& event : alice.seen)
        CHECK(event.type != Type::MessageRejected);

    REQUIRE(owner->sendRosterNotices({alice.jid}, node));
    auto applied = alice.await(Type::RosterApplied);
    REQUIRE(applied);
    CHECK(applied->text == "fetch 2");
}
