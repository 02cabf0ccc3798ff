// Compartments talking through a real Prosody on loopback: encryption end to end, the pin,
// failures, and nothing lost while the recipient is away.
#include "client/audit/AuditVerifier.h"
#include "client/audit/KeyEventLog.h"
#include "client/profile/Profile.h"
#include "client/xmpp/AccountStore.h"
#include "client/xmpp/CompartmentService.h"
#include "client/xmpp/ServerAdmin.h"
#include "crypto/Hash.h"
#include "storage/MessageRepository.h"
#include "storage/OutboxRepository.h"
#include "tests/support/Process.h"
#include "tests/support/ProsodyServer.h"
#include "tests/support/RawConnection.h"
#include "tests/support/ServiceParty.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

using namespace cloison;
using namespace cloison::test;
using Type = xmpp::ServiceEvent::Type;

namespace {

std::string receiptStanza(const std::string& to, const std::string& inside,
                          const std::string& attributes = {}) {
    return "<message to='" + to + "' id='" + randomId() + "'" + attributes + ">" + inside +
           "</message>";
}

std::string received(const std::string& id) {
    return "<received xmlns='urn:xmpp:receipts' id='" + id + "'/>";
}

// Whether alice's vault holds her message `id` as confirmed by its recipient.
bool receivedByPeer(storage::Vault& vault, const std::string& conversation, const std::string& id) {
    for (const auto& message : storage::MessageRepository(vault).latest(conversation, 100).value())
        if (message.stanzaId == id)
            return message.receivedByPeer;
    return false;
}

// Waits for the receipt of message `id`, keeping the other events.
std::optional<xmpp::ServiceEvent> awaitReceipt(Party& party, const std::string& id,
                                               std::chrono::milliseconds wait = kWait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
        auto event = party.await(Type::MessageReceivedByPeer, std::chrono::milliseconds(200));
        if (event && event->stanzaId == id)
            return event;
    }
    return std::nullopt;
}

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

TEST_CASE("two compartments exchange messages that the server sees only encrypted") {
    auto server = serverFor({"alice", "bob"});
    Party alice("alice"), bob("bob");
    connectReady(*server, {&alice, &bob});

    const std::string canary = "canary " + randomId() + " <b>not html</b> \u202Egnp.exe";
    // Ready means bob's device is on the server: the first attempt must go through.
    REQUIRE(sendAndConfirm(alice, bob.jid, canary));
    REQUIRE(bob.received(1) == std::vector<std::string>{canary});
    bob.service->send(alice.jid, "reply");
    REQUIRE(alice.received(1) == std::vector<std::string>{"reply"});

    // The server archived the exchange, and what it holds is ciphertext.
    const auto archived = server->archivedStanzas();
    REQUIRE(!archived.empty());
    bool sawEncrypted = false;
    for (const std::string& stanza : archived) {
        CHECK(stanza.find(canary.substr(0, 39)) == std::string::npos);
        sawEncrypted = sawEncrypted || stanza.find("<encrypted") != std::string::npos;
    }
    CHECK(sawEncrypted);
    CHECK(readFile(server->logFile()).find(canary.substr(0, 39)) == std::string::npos);
    // The outbox is empty once the server has acknowledged.
    CHECK(storage::OutboxRepository(*alice.vault).pending().value().empty());

    // Each side's key-event log, written by this real exchange, verifies for an auditor, names
    // the sessions it started, and holds no message text.
    alice.service.reset();
    bob.service.reset();
    for (Party* party : {&alice, &bob}) {
        auto log = audit::KeyEventLog::open(*party->vault, party->compartmentId);
        REQUIRE(log);
        const std::string exported = log.value().exportJsonLines().value();
        CHECK(exported.find(canary.substr(0, 39)) == std::string::npos);
        CHECK(exported.find("reply") == std::string::npos);
        const audit::VerifyReport report = audit::verifyAuditLog(exported);
        CHECK(report.ok);
        CHECK(report.problem.empty());
        CHECK(std::any_of(report.events.begin(), report.events.end(), [](const auto& event) {
            return event.type == audit::event::kSessionStarted;
        }));
    }
}

// Between going online and having announced its device, a compartment keeps new messages in
// the outbox unencrypted; they go out once it has announced. A message posted in that window
// was once left waiting until the next connection (a CLI `send` right after start under load).
TEST_CASE("a message sent after going online but before the device is announced goes out") {
    auto server = serverFor({"alice", "bob"});
    Party alice("alice"), bob("bob");
    bob.connect(*server);
    REQUIRE(bob.await(Type::Ready));
    alice.connect(*server);
    REQUIRE(alice.await(Type::Online));
    INFO(alice.describeSeen());
    REQUIRE(sendAndConfirm(alice, bob.jid, "posted before Ready"));
    CHECK(std::any_of(alice.seen.begin(), alice.seen.end(),
                      [](const auto& event) { return event.type == Type::Ready; }));
    CHECK(bob.received(1) == std::vector<std::string>{"posted before Ready"});
}

TEST_CASE("200 messages to an offline recipient arrive once each, in order") {
    auto server = serverFor({"alice", "bob"});
    Party alice("alice"), bob("bob");
    bob.connect(*server);
    alice.connect(*server);
    REQUIRE(bob.await(Type::Ready));
    REQUIRE(alice.await(Type::Ready));
    REQUIRE(sendAndConfirm(alice, bob.jid, "hello"));
    REQUIRE(bob.received(1) == std::vector<std::string>{"hello"});
    bob.service.reset(); // and now bob is away
    bob.seen.clear();
    constexpr int kCount = 200;
    std::vector<std::string> sent;
    for (int i = 0; i < kCount; ++i) {
        sent.push_back("offline message " + std::to_string(i));
        alice.service->send(bob.jid, sent.back());
    }
    int delivered = 0;
    while (delivered < kCount && alice.await(Type::MessageDelivered))
        ++delivered;
    REQUIRE(delivered == kCount);
    CHECK(storage::OutboxRepository(*alice.vault).pending().value().empty());

    bob.connect(*server);
    CHECK(bob.received(kCount) == sent);
    // Nothing more arrives later (no duplicates), and the vault holds each once, in order.
    CHECK(!bob.await(Type::MessageReceived, std::chrono::seconds(2)));
    auto stored = storage::MessageRepository(*bob.vault).latest(alice.jid, 1000).value();
    REQUIRE(stored.size() == kCount + 1);
    for (int i = 0; i < kCount; ++i)
        CHECK(stored[static_cast<std::size_t>(i) + 1].body == sent[static_cast<std::size_t>(i)]);
}

TEST_CASE("a server whose key is not the pinned one is refused and logged") {
    auto server = serverFor({"alice"});
    Party alice("alice");
    alice.connect(*server, std::string(64, 'a'));
    auto offline = alice.await(Type::Offline);
    REQUIRE(offline);
    CHECK(offline->error.code == ErrorCode::ServerKeyMismatch);
    CHECK(!offline->retrying);
    CHECK(offline->error.message.find("pin") != std::string::npos);
    // No second attempt is made, and nothing of ours reached the server.
    CHECK(!alice.await(Type::Online, std::chrono::seconds(2)));
    alice.service.reset();
    auto log = audit::KeyEventLog::open(*alice.vault, alice.compartmentId).value();
    CHECK(log.exportJsonLines().value().find("\"pin-mismatch\"") != std::string::npos);
    CHECK(server->archivedStanzas().empty());
}

TEST_CASE("a wrong password is a clear, final error") {
    auto server = serverFor({"alice"});
    Party alice("alice");
    alice.password = "not-alice-password";
    alice.connect(*server);
    auto offline = alice.await(Type::Offline);
    REQUIRE(offline);
    CHECK(offline->error.code == ErrorCode::LoginRefused);
    CHECK(!offline->retrying);
}

TEST_CASE("an unreachable server is retried with back-off, not in a busy loop") {
    auto server = serverFor({"alice"});
    const std::uint16_t port = server->port();
    server->stop();
    Party alice("alice");
    xmpp::AccountSettings account{alice.jid, "127.0.0.1", port, std::string(64, 'a')};
    alice.service =
        xmpp::CompartmentService::start(*alice.vault, account, SecretBytes::fromString("x"), {})
            .value();
    const std::string id = alice.service->send("bob@localhost", "queued while offline");
    int attempts = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(4);
    while (std::chrono::steady_clock::now() < deadline) {
        auto event = alice.service->nextEvent(std::chrono::milliseconds(100));
        if (event && event->type == Type::Offline) {
            CHECK(event->error.code == ErrorCode::Unreachable);
            CHECK(event->retrying);
            CHECK(event->error.message.find("127.0.0.1") != std::string::npos);
            ++attempts;
        }
    }
    // 1 s, 2 s, ... with ±50% jitter: two or three attempts in four seconds, never dozens.
    CHECK(attempts >= 2);
    CHECK(attempts <= 4);
    alice.service.reset();
    // The message waits in the outbox for the next connection.
    auto pending = storage::OutboxRepository(*alice.vault).pending().value();
    REQUIRE(pending.size() == 1);
    CHECK(pending[0].stanzaId == id);
}

TEST_CASE("three members of the compartment's room exchange encrypted messages") {
    auto server = serverFor({"alice", "bob", "carol", "admin"});
    const std::string room = "campaign@" + server->roomsDomain();
    // As the organisation's admin does when provisioning the compartment.
    auto admin = xmpp::ServerAdmin::connect({"admin@localhost", server->host(), server->port(),
                                             server->spkiSha256Hex(), false, "provisioning"},
                                            SecretBytes::fromString("admin-password"));
    REQUIRE(admin);
    REQUIRE(
        admin.value()->createRoom(room, {"alice@localhost", "bob@localhost", "carol@localhost"}));
    admin.value().reset();
    Party alice("alice"), bob("bob"), carol("carol");
    for (Party* party : {&alice, &bob, &carol})
        party->connect(*server, {}, room);
    for (Party* party : {&alice, &bob, &carol})
        REQUIRE(party->await(Type::Ready));
    // A room delivers live only to occupants; joining completes after Ready and the service
    // reports no event for it yet, so give the three joins time to land.
    std::this_thread::sleep_for(std::chrono::seconds(2));

    const std::string canary = "room canary " + randomId();
    bool delivered = false;
    for (int attempt = 0; attempt < 50 && !delivered; ++attempt) {
        const std::string id = alice.service->sendToRoom(canary);
        auto event = alice.await(Type::MessageDelivered, std::chrono::seconds(2));
        delivered = event && event->stanzaId == id;
        for (const auto& seen : alice.seen)
            delivered =
                delivered && !(seen.type == Type::MessageUndeliverable && seen.stanzaId == id);
        if (!delivered)
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    REQUIRE(delivered);
    for (Party* member : {&bob, &carol}) {
        auto got = member->received(1);
        REQUIRE(got.size() >= 1);
        CHECK(got.front() == canary);
        const auto it = std::find_if(member->seen.begin(), member->seen.end(),
                                     [](const auto& e) { return e.type == Type::MessageReceived; });
        REQUIRE(it != member->seen.end());
        CHECK(it->conversation == room);
        CHECK(it->from == alice.jid);
    }
    carol.service->sendToRoom("carol answers");
    CHECK(alice.received(1) == std::vector<std::string>{"carol answers"});
    CHECK(bob.received(2).back() == "carol answers");

    const auto archived = server->archivedStanzas("muc_log");
    REQUIRE(!archived.empty());
    for (const std::string& stanza : archived) {
        CHECK(stanza.find(canary) == std::string::npos);
        CHECK(stanza.find("carol answers") == std::string::npos);
        // A room message asks for no delivery receipt (a room has no one recipient)...
        CHECK(stanza.find("urn:xmpp:receipts") == std::string::npos);
    }
    // ... and none comes back to its senders.
    CHECK_FALSE(alice.await(Type::MessageReceivedByPeer, std::chrono::seconds(1)));
    CHECK_FALSE(carol.await(Type::MessageReceivedByPeer, std::chrono::milliseconds(100)));
}

TEST_CASE("Prosody restarted in the middle of a 1,000-message stream loses and repeats nothing") {
    auto server = serverFor({"alice", "bob"});
    Party alice("alice"), bob("bob");
    connectReady(*server, {&alice, &bob});
    REQUIRE(sendAndConfirm(alice, bob.jid, "hello"));
    REQUIRE(bob.received(1) == std::vector<std::string>{"hello"});

    constexpr int kCount = 1000;
    std::vector<std::string> sent;
    for (int i = 0; i < kCount; ++i) {
        sent.push_back("stream " + std::to_string(i));
        alice.service->send(bob.jid, sent.back());
        if (i == kCount / 2)
            server->restart(); // stop, then start on the same port and data
    }
    // Everything reaches bob's vault once: what was in flight is resent from alice's outbox
    // (and dropped by id if it had arrived), what the server held comes from its archive.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    std::set<std::string> delivered;
    std::size_t received = 0;
    while (std::chrono::steady_clock::now() < deadline &&
           (received < kCount || delivered.size() < kCount)) {
        if (auto event = bob.service->nextEvent(std::chrono::milliseconds(50));
            event && event->type == Type::MessageReceived)
            ++received;
        while (auto event = alice.service->nextEvent(std::chrono::milliseconds(0)))
            if (event->type == Type::MessageDelivered)
                delivered.insert(event->stanzaId);
    }
    CHECK(delivered.size() == kCount);
    CHECK(received == kCount);
    // Anything late would be a duplicate: give it a moment to show, then look at the vault.
    CHECK(!bob.await(Type::MessageReceived, std::chrono::seconds(1)));
    storage::MessageRepository messages(*bob.vault);
    bob.service.reset();
    alice.service.reset();
    auto stored = messages.latest(alice.jid, 5000).value();
    std::vector<std::string> bodies;
    for (const auto& message : stored)
        bodies.push_back(message.body);
    std::vector<std::string> expected{"hello"};
    expected.insert(expected.end(), sent.begin(), sent.end());
    CHECK(bodies.size() == expected.size());
    std::vector<std::string> sortedBodies = bodies, sortedExpected = expected;
    std::sort(sortedBodies.begin(), sortedBodies.end());
    std::sort(sortedExpected.begin(), sortedExpected.end());
    CHECK(sortedBodies == sortedExpected); // each exactly once
    CHECK(storage::OutboxRepository(*alice.vault).pending().value().empty());
}

TEST_CASE("the receiving client killed with SIGKILL at random points loses and repeats nothing") {
    auto server = serverFor({"alice", "bob"});
    Party alice("alice"), bob("bob");
    // Bob listens through cloison-cli in a process of its own, the one that gets killed; the
    // test keeps his profile open only to read his vault.
    xmpp::StoredAccount account;
    account.settings = {bob.jid, server->host(), server->port(), server->spkiSha256Hex()};
    account.password = SecretBytes::fromString("bob-password");
    REQUIRE(xmpp::saveAccount(*bob.vault, account));
    const std::filesystem::path output = bob.dir / "listen.out";
    ProcessOptions environment;
    environment.environment["CLOISON_PASSPHRASE"] = "pw";
    auto listen = [&] {
        return startProcess({CLOISON_CLI, "--profile", (bob.dir / "profile").string(), "listen",
                             "--compartment", "chat", "--timeout", "120"},
                            environment, output);
    };
    storage::MessageRepository bobMessages(*bob.vault);
    auto storedCount = [&] {
        return bobMessages.count().value();
    };

    pid_t listener = listen();
    alice.connect(*server);
    REQUIRE(alice.await(Type::Ready));
    REQUIRE(sendUntilDelivered(alice, bob.jid, "hello"));
    for (int i = 0; i < 200 && storedCount() < 1; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(storedCount() == 1);

    // A seeded schedule, so that a failing run can be repeated: the listener lives for a random
    // time (killed while starting, catching up or receiving), stays dead for a random time,
    // and alice keeps sending throughout.
    const auto seed = std::random_device{}();
    INFO("kill schedule seed " << seed);
    std::mt19937 random(seed);
    constexpr int kCount = 300;
    constexpr int kKills = 6;
    std::uniform_int_distribution<int> alive(50, 1200), dead(0, 400);
    std::vector<std::string> sent{"hello"};
    std::set<std::string> ids;
    std::map<std::string, int> deliveredIds;
    auto drainAlice = [&] {
        while (auto event = alice.service->nextEvent(std::chrono::milliseconds(0))) {
            if (event->type == Type::MessageDelivered)
                ++deliveredIds[event->stanzaId];
            else if (event->type == Type::MessageUndeliverable)
                FAIL("a message was refused: " << event->error.message);
        }
    };
    using Clock = std::chrono::steady_clock;
    const auto sendEvery = std::chrono::milliseconds(12); // 300 messages over ~3.6 s
    auto nextSend = Clock::now();
    int kills = 0;
    auto nextSwitch = Clock::now() + std::chrono::milliseconds(alive(random));
    const auto giveUp = Clock::now() + std::chrono::seconds(60);
    while ((kills < kKills || static_cast<int>(ids.size()) < kCount) && Clock::now() < giveUp) {
        const auto now = Clock::now();
        if (static_cast<int>(ids.size()) < kCount && now >= nextSend) {
            sent.push_back("crash stream " + std::to_string(ids.size()));
            ids.insert(alice.service->send(bob.jid, sent.back()));
            nextSend += sendEvery;
        }
        if (kills < kKills && now >= nextSwitch) {
            if (listener > 0) {
                const int status = stopProcess(listener, SIGKILL);
                CHECK(WIFSIGNALED(status)); // killed, not exited with an error
                listener = -1;
                ++kills;
                nextSwitch = now + std::chrono::milliseconds(dead(random));
            } else {
                listener = listen();
                nextSwitch = now + std::chrono::milliseconds(alive(random));
            }
        }
        drainAlice();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    REQUIRE(kills == kKills);
    REQUIRE(static_cast<int>(ids.size()) == kCount);
    if (listener < 0)
        listener = listen();

    // Quiet: alice's outbox acknowledged and bob's vault complete, or the deadline.
    const auto quiet = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < quiet &&
           (deliveredIds.size() < ids.size() || storedCount() < kCount + 1)) {
        drainAlice();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(std::chrono::seconds(1)); // room for a late duplicate to land
    drainAlice();
    stopProcess(listener, SIGKILL);
    alice.service.reset();

    // Every message alice sent was acknowledged, and her outbox is empty.
    std::size_t acknowledged = 0;
    for (const auto& id : ids)
        acknowledged += deliveredIds.count(id);
    CHECK(acknowledged == ids.size());
    CHECK(storage::OutboxRepository(*alice.vault).pending().value().empty());
    // Every message is in bob's vault exactly once.
    std::map<std::string, int> copies;
    for (const auto& message : bobMessages.latest(alice.jid, 5000).value())
        ++copies[message.body];
    std::size_t missing = 0, repeated = 0, unexpected = 0;
    for (const auto& text : sent) {
        const int n = copies.count(text) ? copies[text] : 0;
        missing += n == 0;
        repeated += n > 1;
    }
    for (const auto& copy : copies)
        unexpected += std::find(sent.begin(), sent.end(), copy.first) == sent.end();
    // The listener's diagnostics, not the messages it printed.
    std::string diagnostics;
    std::istringstream lines(readFile(output));
    for (std::string line; std::getline(lines, line) && diagnostics.size() < 2000;)
        if (!line.starts_with("{"))
            diagnostics += line + "\n";
    INFO("listener diagnostics:\n" << diagnostics);
    CHECK(missing == 0);
    CHECK(repeated == 0);
    CHECK(unexpected == 0);
    CHECK(copies.size() == sent.size());
}

TEST_CASE("a delivery receipt comes back once the recipient has stored the message") {
    auto server = serverFor({"alice", "bob"});
    Party alice("alice"), bob("bob");
    connectReady(*server, {&alice, &bob});
    const std::string id = alice.service->send(bob.jid, "receipt please");
    auto receipt = awaitReceipt(alice, id);
    INFO(alice.describeSeen());
    REQUIRE(receipt);
    CHECK(receipt->from == bob.jid);
    CHECK(receipt->conversation == bob.jid);
    // Bob stored it before he answered.
    REQUIRE(bob.received(1) == std::vector<std::string>{"receipt please"});
    CHECK(storage::MessageRepository(*bob.vault).count().value() == 1);
    CHECK(receivedByPeer(*alice.vault, bob.jid, id));
    // The request went through the server outside the encrypted element; bob's answer was
    // archived as the hint asks.
    bool requested = false, answered = false;
    for (const std::string& stanza : server->archivedStanzas()) {
        requested = requested || (stanza.find("urn:xmpp:receipts") != std::string::npos &&
                                  stanza.find("<request") != std::string::npos);
        answered = answered || stanza.find("<received") != std::string::npos;
    }
    CHECK(requested);
    CHECK(answered);

    // The state is the vault's: it is there after the compartment is closed and reopened.
    alice.service.reset();
    alice.vault = nullptr;
    alice.profile.reset();
    alice.profile = Profile::unlock(alice.dir / "profile", SecretBytes::fromString("pw")).value();
    alice.vault = alice.profile->compartmentVault("chat").value();
    CHECK(receivedByPeer(*alice.vault, bob.jid, id));
}

TEST_CASE("a receipt for a message sent while the recipient was offline comes when it is back") {
    auto server = serverFor({"alice", "bob"});
    Party alice("alice"), bob("bob");
    connectReady(*server, {&alice, &bob});
    bob.service.reset();

    // Alice online throughout: the receipt comes live once bob is back.
    const std::string first = alice.service->send(bob.jid, "while you were away");
    REQUIRE(alice.await(Type::MessageDelivered));
    CHECK_FALSE(awaitReceipt(alice, first, std::chrono::seconds(1)));
    CHECK_FALSE(receivedByPeer(*alice.vault, bob.jid, first));
    bob.connect(*server);
    CHECK(awaitReceipt(alice, first));

    // Alice away too when bob answers: the server keeps the receipt, and it counts when alice
    // comes back (the id is matched against her vault, not against memory).
    bob.service.reset();
    const std::string second = alice.service->send(bob.jid, "both away");
    auto delivered = alice.await(Type::MessageDelivered);
    REQUIRE(delivered);
    alice.service.reset();
    bob.connect(*server);
    REQUIRE(bob.received(2).back() == "both away");
    std::this_thread::sleep_for(std::chrono::milliseconds(500)); // bob's receipt on its way
    bob.service.reset();
    CHECK_FALSE(receivedByPeer(*alice.vault, bob.jid, second));
    alice.seen.clear();
    alice.connect(*server);
    INFO(alice.describeSeen());
    CHECK(awaitReceipt(alice, second));
    CHECK(receivedByPeer(*alice.vault, bob.jid, second));
}

TEST_CASE("forged and malformed receipts through the server are ignored and the real one counts") {
    auto server = serverFor({"alice", "bob", "mallory"});
    Party alice("alice"), bob("bob");
    connectReady(*server, {&alice, &bob});
    bob.service.reset(); // bob's own receipts wait until the forgeries have had their turn
    const std::string id = alice.service->send(bob.jid, "for bob only");
    const std::string sentinel = alice.service->send(bob.jid, "second");
    int delivered = 0;
    while (delivered < 2 && alice.await(Type::MessageDelivered))
        ++delivered;
    REQUIRE(delivered == 2);
    const std::string to = alice.jid + "/" + alice.resource;

    // Mallory, another account of the same server, names bob's message id.
    RawClient mallory(*server, "mallory@localhost", "mallory-password");
    mallory.send(receiptStanza(to, received(id)));
    mallory.send(receiptStanza(to, received(sentinel)));
    // Bob's own account, but malformed: no id, an empty one, one too long, two receipts in one
    // stanza, a receipt inside an error stanza, an id alice never sent.
    RawClient bobRaw(*server, bob.jid, bob.password);
    for (const std::string& stanza :
         {receiptStanza(to, "<received xmlns='urn:xmpp:receipts'/>"),
          receiptStanza(to, received("")), receiptStanza(to, received(id + std::string(200, 'x'))),
          receiptStanza(to, received(id) + received(id)),
          receiptStanza(to, received(id), " type='error'"),
          receiptStanza(to, received("cloison-never-sent"))})
        bobRaw.send(stanza);
    // Then a well-formed one from bob's account for the other message: alice handles a
    // session's stanzas in order, so once it counts the ones before it were seen and ignored.
    bobRaw.send(receiptStanza(to, received(sentinel)));
    auto first = alice.await(Type::MessageReceivedByPeer);
    INFO(alice.describeSeen());
    REQUIRE(first);
    CHECK(first->stanzaId == sentinel);
    CHECK(first->from == bob.jid);
    CHECK_FALSE(receivedByPeer(*alice.vault, bob.jid, id));

    // Bob's device comes back, stores the message and confirms it: that one counts.
    bob.connect(*server);
    auto real = awaitReceipt(alice, id);
    REQUIRE(real);
    CHECK(real->from == bob.jid);
    CHECK(receivedByPeer(*alice.vault, bob.jid, id));
}

TEST_CASE("cloison-cli send --wait-receipt waits for the recipient's receipt or exits 23") {
    auto server = serverFor({"alice", "bob"});
    Party alice("alice"), bob("bob");
    xmpp::StoredAccount account;
    account.settings = {alice.jid, server->host(), server->port(), server->spkiSha256Hex()};
    account.password = SecretBytes::fromString("alice-password");
    REQUIRE(xmpp::saveAccount(*alice.vault, account));
    ProcessOptions environment;
    environment.environment["CLOISON_PASSPHRASE"] = "pw";
    auto send = [&](const std::string& text, const std::string& timeout) {
        return runProcess({CLOISON_CLI, "--profile", (alice.dir / "profile").string(), "send",
                           "--compartment", "chat", "--to", bob.jid, "--wait-receipt", "--timeout",
                           timeout, text},
                          environment);
    };
    bob.connect(*server);
    REQUIRE(bob.await(Type::Ready));

    const ProcessResult confirmed = send("confirm this", "30");
    INFO(confirmed.err);
    REQUIRE(confirmed.exitCode == 0);
    const std::string id = confirmed.out.substr(5, confirmed.out.find('\n') - 5);
    CHECK(confirmed.out == "sent " + id + "\nreceived " + id + "\n");
    CHECK(bob.received(1) == std::vector<std::string>{"confirm this"});

    // Bob away: the server has it, no receipt comes within the timeout.
    bob.service.reset();
    const ProcessResult waited = send("nobody home", "6");
    INFO(waited.err);
    CHECK(waited.exitCode == 23);
    CHECK(waited.out.starts_with("sent cloison-"));
    CHECK(waited.out.find("received") == std::string::npos);
    CHECK(waited.err.find("no delivery receipt") != std::string::npos);

    // Room messages get no receipt: the flag is refused there, before anything is sent.
    const ProcessResult room =
        runProcess({CLOISON_CLI, "--profile", (alice.dir / "profile").string(), "send",
                    "--compartment", "chat", "--room", "--wait-receipt", "x"},
                   environment);
    CHECK(room.exitCode == 2);
    CHECK(room.err.find("--wait-receipt") != std::string::npos);
}
