// Compartments talking through a real Prosody on loopback: encryption end to end, the pin,
// failures, and nothing lost while the recipient is away.
#include "client/audit/KeyEventLog.h"
#include "client/profile/Profile.h"
#include "client/xmpp/CompartmentService.h"
#include "crypto/Hash.h"
#include "storage/MessageRepository.h"
#include "storage/OutboxRepository.h"
#include "tests/support/ProsodyServer.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <thread>

using namespace cloison;
using namespace cloison::test;
using Type = xmpp::ServiceEvent::Type;

namespace {

constexpr auto kWait = std::chrono::seconds(20);

struct Party {
    std::string user;
    std::string jid;
    TempDir dir;
    std::unique_ptr<Profile> profile;
    storage::Vault* vault = nullptr;
    std::string compartmentId;
    std::unique_ptr<xmpp::CompartmentService> service;
    std::vector<xmpp::ServiceEvent> seen;

    explicit Party(std::string name) : user(name), jid(name + "@localhost") {
        profile =
            Profile::create(dir / "profile", SecretBytes::fromString("pw"), Argon2idParams::light())
                .value();
        compartmentId = profile->addCompartment("chat").value().id;
        vault = profile->compartmentVault("chat").value();
    }

    void connect(const ProsodyServer& server, std::string pin = {}) {
        xmpp::AccountSettings account;
        account.jid = jid;
        account.host = server.host();
        account.port = server.port();
        account.pin = pin.empty() ? server.spkiSha256Hex() : pin;
        auto started = xmpp::CompartmentService::start(*vault, account,
                                                       SecretBytes::fromString(user + "-password"),
                                                       {compartmentId, xmpp::TrustMode::Manual});
        REQUIRE(started);
        service = std::move(started).value();
    }

    // Waits for an event of this type, keeping every event seen on the way.
    std::optional<xmpp::ServiceEvent> await(Type type, std::chrono::milliseconds wait = kWait) {
        const auto deadline = std::chrono::steady_clock::now() + wait;
        while (std::chrono::steady_clock::now() < deadline) {
            auto event = service->nextEvent(std::chrono::milliseconds(100));
            if (!event)
                continue;
            seen.push_back(*event);
            if (event->type == type)
                return event;
        }
        return std::nullopt;
    }

    std::vector<std::string> received(std::size_t count) {
        std::vector<std::string> texts;
        for (const auto& event : seen)
            if (event.type == Type::MessageReceived)
                texts.push_back(event.text);
        while (texts.size() < count) {
            auto event = await(Type::MessageReceived);
            if (!event)
                break;
            texts.push_back(event->text);
        }
        return texts;
    }
};

// The peer's device announcement may still be on its way when a test starts: a send before it
// lands is refused as undeliverable (and leaves the outbox), so try again as a person would.
bool sendUntilDelivered(Party& from, const std::string& to, const std::string& text) {
    for (int attempt = 0; attempt < 50; ++attempt) {
        const std::string id = from.service->send(to, text);
        auto event = from.await(Type::MessageDelivered, std::chrono::seconds(2));
        bool refused = false;
        for (const auto& seen : from.seen)
            refused = refused || (seen.type == Type::MessageUndeliverable && seen.stanzaId == id);
        if (event && event->stanzaId == id && !refused)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

std::unique_ptr<ProsodyServer> serverFor(std::initializer_list<const char*> users) {
    ProsodyOptions options;
    for (const char* user : users)
        options.accounts.emplace_back(user, std::string(user) + "-password");
    return ProsodyServer::start(options);
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
    alice.connect(*server);
    bob.connect(*server);
    REQUIRE(alice.await(Type::Ready));
    REQUIRE(bob.await(Type::Ready));

    const std::string canary = "canary " + randomId() + " <b>not html</b> \u202Egnp.exe";
    REQUIRE(sendUntilDelivered(alice, bob.jid, canary));
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
}

TEST_CASE("200 messages to an offline recipient arrive once each, in order") {
    auto server = serverFor({"alice", "bob"});
    Party alice("alice"), bob("bob");
    bob.connect(*server);
    alice.connect(*server);
    REQUIRE(bob.await(Type::Ready));
    REQUIRE(alice.await(Type::Ready));
    REQUIRE(sendUntilDelivered(alice, bob.jid, "hello"));
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
    alice.user = "not-alice"; // so the password is wrong
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
