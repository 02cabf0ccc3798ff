// OMEMO key material over its life: prekeys replenished and never reused, signed prekey
// rotation with a grace period, device id collisions, and the publishing details servers differ
// on (publish-options, the two forms of item-not-found).
#include "client/omemo/OmemoEngine.h"
#include "storage/OmemoStore.h"
#include "storage/Schemas.h"
#include "tests/support/FakeXmppServer.h"
#include "tests/support/OmemoPeer.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace cloison;
using namespace cloison::test;
using omemo::EventType;

namespace {

std::string idOf(const std::string& stanza) {
    return std::string(xml::parse(stanza).value().attribute("id").value());
}

} // namespace

TEST_CASE("a new compartment vault holds a fresh OMEMO identity with 100 prekeys") {
    OmemoPeer alice("alice@example.org");
    CHECK(alice.vault->schemaVersion() >= 2); // OMEMO tables arrived with schema 2
    storage::OmemoStore store(*alice.vault);
    auto identity = store.identity().value();
    REQUIRE(identity);
    CHECK(identity->deviceId == alice.engine->deviceId());
    CHECK(identity->deviceId >= 1);
    CHECK(identity->deviceId <= 0x7fffffffu);
    CHECK(identity->publicKey.size() == 33);
    CHECK(identity->privateKey.size() == 32);
    CHECK(store.preKeyIds().value().size() == 100);
    CHECK(store.signedPreKeys().value().size() == 1);
    CHECK(alice.engine->fingerprint().size() == 71); // 8 groups of 8 hex digits
    CHECK(alice.engine->verificationUri().rfind("xmpp:alice@example.org?omemo-sid-", 0) == 0);
    // Reopening the engine keeps the identity.
    const Bytes key = alice.engine->identityKey();
    alice.engine.reset();
    auto again = omemo::OmemoEngine::open(*alice.vault, "alice@example.org");
    REQUIRE(again);
    CHECK(again.value()->identityKey() == key);
}

TEST_CASE("used prekeys are replaced with fresh ids and the bundle republished") {
    OmemoPeer bob("bob@example.org");
    OmemoPeer alice("alice@example.org");
    OmemoPeer carol("carol@example.org");
    FakeXmppServer server;
    FakeDevice& b = server.connect("bob@example.org/1", *bob.engine);
    FakeDevice& a = server.connect("alice@example.org/1", *alice.engine);
    FakeDevice& c = server.connect("carol@example.org/1", *carol.engine);
    server.run();
    storage::OmemoStore store(*bob.vault);
    const auto before = store.preKeyIds().value();
    server.submit(a, must(alice.engine->sendMessage("bob@example.org", "one")));
    server.submit(c, must(carol.engine->sendMessage("bob@example.org", "two")));
    server.run();
    CHECK(receivedTexts(b).size() == 2);
    const auto after = store.preKeyIds().value();
    CHECK(after.size() == 100);
    // Two were used and removed; two new ones have ids never used before.
    std::vector<std::uint32_t> added;
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                        std::back_inserter(added));
    REQUIRE(added.size() == 2);
    CHECK(added[0] > before.back());
    // The republished bundle is what the server now serves.
    const std::string node = omemo::kBundleNodePrefix + std::to_string(bob.engine->deviceId());
    auto served = omemo::parseBundle(xml::parse(server.nodes["bob@example.org"][node]).value());
    REQUIRE(served);
    CHECK(served.value().preKeys.size() == 100);
    CHECK(std::any_of(served.value().preKeys.begin(), served.value().preKeys.end(),
                      [&](const omemo::PublicPreKey& k) { return k.id == added[0]; }));
}

TEST_CASE("two peers that pick the same prekey from one bundle both get through") {
    std::int64_t now = 1'700'000'000;
    omemo::EngineOptions options;
    options.clock = [&] {
        return now;
    };
    options.keys.preKeyCount = 1; // the bundle offers one prekey: both peers must pick it
    OmemoPeer bob("bob@example.org", options);
    OmemoPeer alice("alice@example.org");
    OmemoPeer carol("carol@example.org");
    OmemoPeer dave("dave@example.org");
    storage::OmemoStore store(*bob.vault);
    FakeXmppServer server;
    FakeDevice& b = server.connect("bob@example.org/1", *bob.engine);
    FakeDevice& a = server.connect("alice@example.org/1", *alice.engine);
    FakeDevice& c = server.connect("carol@example.org/1", *carol.engine);
    FakeDevice& d = server.connect("dave@example.org/1", *dave.engine);
    server.run();
    const std::uint32_t shared = store.preKeyIds().value().at(0);
    const std::string bundleNode =
        omemo::kBundleNodePrefix + std::to_string(bob.engine->deviceId());
    const std::string staleBundle = server.nodes["bob@example.org"][bundleNode];

    // Both fetch the same bundle before bob has republished his.
    server.holdMessages = true;
    server.submit(a, must(alice.engine->sendMessage("bob@example.org", "from alice")));
    server.submit(c, must(carol.engine->sendMessage("bob@example.org", "from carol")));
    server.run();
    REQUIRE(server.held.size() == 2);
    for (const auto& [to, stanza] : server.held)
        server.deliver(*to, stanza);
    CHECK(receivedTexts(b) == std::vector<std::string>{"from alice", "from carol"});
    // The used prekey is never offered again, but kept for its grace period.
    CHECK(store.preKeyIds().value() != std::vector<std::uint32_t>{shared});
    CHECK(store.hasPreKey(shared).value());
    CHECK(store.usedPreKeyCount().value() == 1);

    // After the grace period it is gone: a peer still holding the stale bundle cannot use it.
    now += omemo::KeyPolicy{}.usedPreKeyRetentionSeconds;
    must(bob.engine->maintainKeys());
    CHECK_FALSE(store.hasPreKey(shared).value());
    CHECK(store.usedPreKeyCount().value() == 0);
    server.run(); // bob's republished bundles reach the server first
    server.held.clear();
    server.nodes["bob@example.org"][bundleNode] = staleBundle;
    server.submit(d, must(dave.engine->sendMessage("bob@example.org", "too late")));
    server.run();
    REQUIRE(server.held.size() == 1);
    server.deliver(b, server.held[0].second);
    CHECK(receivedTexts(b).size() == 2);
    CHECK(std::any_of(b.events.begin(), b.events.end(), [](const omemo::Event& event) {
        return event.type == EventType::MessageRejected;
    }));
}

TEST_CASE("a sender whose session rests on a prekey we no longer hold is sent a new session") {
    std::int64_t now = 1'700'000'000;
    omemo::EngineOptions options;
    options.clock = [&] {
        return now;
    };
    options.keys.preKeyCount = 1;
    OmemoPeer bob("bob@example.org", options);
    OmemoPeer alice("alice@example.org");
    OmemoPeer dave("dave@example.org");
    FakeXmppServer server;
    FakeDevice& b = server.connect("bob@example.org/1", *bob.engine);
    FakeDevice& a = server.connect("alice@example.org/1", *alice.engine);
    FakeDevice& d = server.connect("dave@example.org/1", *dave.engine);
    server.run();
    const std::string bundleNode =
        omemo::kBundleNodePrefix + std::to_string(bob.engine->deviceId());
    const std::string staleBundle = server.nodes["bob@example.org"][bundleNode];
    server.submit(a, must(alice.engine->sendMessage("bob@example.org", "first")));
    server.run();
    REQUIRE(receivedTexts(b) == std::vector<std::string>{"first"});
    now += omemo::KeyPolicy{}.usedPreKeyRetentionSeconds;
    server.submit(b, must(bob.engine->maintainKeys()));
    server.run();

    // Dave builds his session on the prekey bob used and forgot a day ago: that message is lost
    // (nothing can read it), and bob answers with a new session, logged as a reset.
    server.nodes["bob@example.org"][bundleNode] = staleBundle;
    server.holdMessages = true;
    server.submit(d, must(dave.engine->sendMessage("bob@example.org", "unreadable")));
    server.run();
    REQUIRE(server.held.size() == 1);
    const std::string unreadable = server.held[0].second;
    server.holdMessages = false;
    const std::size_t toDaveBefore = d.received.size();
    server.deliver(b, unreadable);
    server.run();
    CHECK(receivedTexts(b).size() == 1);
    CHECK(std::count_if(b.events.begin(), b.events.end(), [](const omemo::Event& event) {
              return event.type == EventType::SessionReset;
          }) == 1);
    const std::size_t toDaveAfterReset = d.received.size();
    CHECK(toDaveAfterReset > toDaveBefore);
    const std::string transport = d.received.back();
    CHECK(transport.find("<payload") == std::string::npos);
    CHECK(transport.find("<body") == std::string::npos);

    // Dave's next message travels on the new session.
    server.submit(d, must(dave.engine->sendMessage("bob@example.org", "readable")));
    server.run();
    CHECK(receivedTexts(b) == std::vector<std::string>{"first", "readable"});

    // The same unreadable message again (a replay, or a forgery naming dave's device) is refused
    // but does not make bob reset again within the hour.
    server.deliver(b, unreadable);
    server.run();
    CHECK(std::count_if(b.events.begin(), b.events.end(), [](const omemo::Event& event) {
              return event.type == EventType::SessionReset;
          }) == 1);
    CHECK(receivedTexts(b) == std::vector<std::string>{"first", "readable"});
}

TEST_CASE("the signed prekey rotates weekly and old ones stay for messages in flight") {
    std::int64_t now = 1'700'000'000;
    omemo::EngineOptions options;
    options.clock = [&] {
        return now;
    };
    OmemoPeer bob("bob@example.org", options);
    OmemoPeer alice("alice@example.org");
    storage::OmemoStore store(*bob.vault);
    FakeXmppServer server;
    FakeDevice& b = server.connect("bob@example.org/1", *bob.engine);
    FakeDevice& a = server.connect("alice@example.org/1", *alice.engine);
    server.run();

    CHECK(must(bob.engine->maintainKeys()).stanzas.empty()); // nothing due yet
    // Alice fetches bob's bundle (signed prekey 1) and her message waits on the way.
    server.holdMessages = true;
    server.submit(a, must(alice.engine->sendMessage("bob@example.org", "in flight")));
    server.run();
    REQUIRE(server.held.size() == 1);

    now += 7 * 24 * 3600;
    omemo::Output rotated = must(bob.engine->maintainKeys());
    REQUIRE(rotated.stanzas.size() == 1);
    CHECK(rotated.stanzas[0].find("signedPreKeyId=\"2\"") != std::string::npos);
    CHECK(bob.engine->bundle().value().signedPreKeyId == 2);
    CHECK(store.signedPreKeys().value().size() == 2);

    server.deliver(b, server.held[0].second);
    CHECK(receivedTexts(b) == std::vector<std::string>{"in flight"});

    now += 7 * 24 * 3600;
    REQUIRE(must(bob.engine->maintainKeys()).stanzas.size() == 1);
    now += 30 * 24 * 3600;
    REQUIRE(must(bob.engine->maintainKeys()).stanzas.size() == 1);
    // Key 1 and 2 are past their retention; 3 (just replaced) and 4 remain.
    auto kept = store.signedPreKeys().value();
    REQUIRE(kept.size() == 2);
    CHECK(kept[0].id == 3);
    CHECK(kept[1].id == 4);
}

TEST_CASE("a device id already used by another device of the account is replaced") {
    OmemoPeer first("alice@example.org");
    OmemoPeer second("alice@example.org");
    const std::uint32_t taken = first.engine->deviceId();
    // Make the second device draw the same id, as a rare random collision would.
    second.engine.reset();
    REQUIRE(storage::OmemoStore(*second.vault).setDeviceId(taken));
    second.engine = must(omemo::OmemoEngine::open(*second.vault, "alice@example.org"));
    REQUIRE(second.engine->deviceId() == taken);

    FakeXmppServer server;
    server.connect("alice@example.org/1", *first.engine);
    server.run();
    FakeDevice& s = server.connect("alice@example.org/2", *second.engine);
    server.run();
    auto changed = eventsOf(s, EventType::DeviceIdChanged);
    REQUIRE(changed.size() == 1);
    CHECK(second.engine->deviceId() != taken);
    CHECK(first.engine->deviceId() == taken);
    CHECK(storage::OmemoStore(*second.vault).identity().value()->deviceId ==
          second.engine->deviceId());
    auto list = omemo::parseDeviceList(
        xml::parse(server.nodes["alice@example.org"][omemo::kDeviceListNode]).value());
    REQUIRE(list);
    std::vector<std::uint32_t> devices = list.value();
    std::sort(devices.begin(), devices.end());
    std::vector<std::uint32_t> expected{taken, second.engine->deviceId()};
    std::sort(expected.begin(), expected.end());
    CHECK(devices == expected);
    // A restart of the first device (same id, same key) is not a collision.
    FakeDevice& again = server.connect("alice@example.org/1", *first.engine);
    server.run();
    CHECK(eventsOf(again, EventType::DeviceIdChanged).empty());
}

TEST_CASE("publishing copes with servers without publish-options and both item-not-found forms") {
    SECTION("publish-options refused: published again without them") {
        OmemoPeer bob("bob@example.org");
        FakeXmppServer server;
        server.rejectPublishOptions = true;
        FakeDevice& b = server.connect("bob@example.org/1", *bob.engine);
        server.run();
        CHECK(server.publishOptionsSeen == 2);
        CHECK(server.nodes["bob@example.org"].count(omemo::kDeviceListNode) == 1);
        CHECK(server.nodes["bob@example.org"].size() == 2);
        CHECK(eventsOf(b, EventType::PublishFailed).empty());
    }
    SECTION("item-not-found with only the legacy code='404'") {
        OmemoPeer bob("bob@example.org");
        omemo::Output started = bob.engine->start();
        REQUIRE(started.stanzas.size() == 1);
        const std::string id = idOf(started.stanzas[0]);
        auto out = bob.engine->handleStanza("<iq type='error' id='" + id +
                                            "' from='bob@example.org'><error code='404' "
                                            "type='cancel'/></iq>");
        REQUIRE(out);
        REQUIRE(out.value().stanzas.size() == 2);
        CHECK(out.value().stanzas[0].find(omemo::kDeviceListNode) != std::string::npos);
        CHECK(out.value().stanzas[1].find(omemo::kBundleNodePrefix) != std::string::npos);
    }
    SECTION("an answer from the wrong account is ignored") {
        OmemoPeer bob("bob@example.org");
        const std::string id = idOf(bob.engine->start().stanzas[0]);
        auto out = bob.engine->handleStanza("<iq type='error' id='" + id +
                                            "' from='mallory@example.org'><error "
                                            "type='cancel'/></iq>");
        REQUIRE(out);
        CHECK(out.value().stanzas.empty());
    }
}

TEST_CASE("Announced comes once the server has answered every publish of our device") {
    OmemoPeer bob("bob@example.org");
    auto announced = [](const omemo::Output& out) {
        return std::count_if(out.events.begin(), out.events.end(),
                             [](const auto& e) { return e.type == EventType::Announced; });
    };
    auto answer = [&](const std::string& stanza, const char* type,
                      const char* from = "bob@example.org") {
        auto out = bob.engine->handleStanza("<iq type='" + std::string(type) + "' id='" +
                                            idOf(stanza) + "' from='" + from + "'/>");
        REQUIRE(out);
        return std::move(out).value();
    };
    // A first connection that drops before any answer: its requests are forgotten.
    (void)bob.engine->start();
    const std::string fetch = bob.engine->start().stanzas.at(0);
    omemo::Output publishes = answer(fetch, "error"); // no list yet: publish list and bundle
    REQUIRE(publishes.stanzas.size() == 2);
    CHECK(announced(publishes) == 0);
    CHECK(announced(answer(publishes.stanzas[0], "result", "mallory@example.org")) == 0);
    CHECK(announced(answer(publishes.stanzas[0], "result")) == 0);
    // The bundle publish refused with publish-options: retried without, still not announced.
    omemo::Output retry = answer(publishes.stanzas[1], "error");
    REQUIRE(retry.stanzas.size() == 1);
    CHECK(announced(retry) == 0);
    CHECK(announced(answer(retry.stanzas[0], "result")) == 1);
    // Later answers (a peer's list, a late duplicate) do not announce again.
    CHECK(announced(answer(retry.stanzas[0], "result")) == 0);
}

TEST_CASE("a peer without OMEMO devices gets no message and the sender is told") {
    OmemoPeer alice("alice@example.org");
    FakeXmppServer server;
    FakeDevice& a = server.connect("alice@example.org/1", *alice.engine);
    server.run();
    server.submit(a, must(alice.engine->sendMessage("nobody@example.org", "hello?")));
    server.run();
    auto rejected = eventsOf(a, EventType::MessageRejected);
    REQUIRE(rejected.size() == 1);
    CHECK(rejected[0].reason.find("no OMEMO device of nobody@example.org") != std::string::npos);
    CHECK(storage::MessageRepository(*alice.vault).count().value() == 0);
}

TEST_CASE("compartment schema 2: migrated from version 1 equals created fresh") {
    TempDir dir;
    const SecretBytes key = SecretBytes::random(32);
    const storage::Schema& latest = storage::compartmentSchema();
    REQUIRE(latest.latestVersion() >= 2);
    const storage::Schema v1{"compartment", latest.migrations.first(1)};
    {
        auto old = storage::Vault::create(dir / "old.db", key, v1);
        REQUIRE(old);
        CHECK(old.value()->schemaVersion() == 1);
    }
    auto migrated = storage::Vault::open(dir / "old.db", key, latest);
    REQUIRE(migrated);
    auto fresh = storage::Vault::create(dir / "fresh.db", key, latest);
    REQUIRE(fresh);
    CHECK(migrated.value()->schemaVersion() == fresh.value()->schemaVersion());
    auto schemaOf = [](storage::Vault& vault) {
        std::vector<std::string> out;
        auto stmt = vault.db().cached("SELECT type || ' ' || name || ' ' || coalesce(sql, '')"
                                      " FROM sqlite_master ORDER BY type, name");
        REQUIRE(stmt);
        while (stmt.value()->step().value())
            out.push_back(stmt.value()->columnText(0));
        stmt.value()->reset();
        return out;
    };
    const auto tables = schemaOf(*fresh.value());
    CHECK(schemaOf(*migrated.value()) == tables);
    CHECK(std::any_of(tables.begin(), tables.end(), [](const std::string& entry) {
        return entry.rfind("table omemo_sessions", 0) == 0;
    }));
    // The migrated vault works for OMEMO at once.
    CHECK(omemo::OmemoEngine::open(*migrated.value(), "alice@example.org"));
}
