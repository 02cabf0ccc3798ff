// Manual device verification (issue 8), offline: the vault's record of devices verified by
// hand, the fingerprint a person types, and what manual trust makes of both in the OMEMO
// engine (engines talk through the fake server) and in the key-event log an auditor verifies.
#include "client/audit/AuditReport.h"
#include "client/audit/AuditVerifier.h"
#include "client/omemo/ManualVerification.h"
#include "storage/KeyEventRepository.h"
#include "storage/OmemoStore.h"
#include "storage/Schemas.h"
#include "storage/VerifiedDeviceRepository.h"
#include "tests/support/FakeXmppServer.h"
#include "tests/support/OmemoPeer.h"

#include <catch2/catch.hpp>

using namespace cloison;
using namespace cloison::test;
using omemo::DeviceTrust;
using omemo::EventType;
using omemo::TrustMode;

namespace {

constexpr const char* kBob = "bob@example.org";

omemo::EngineOptions manual() {
    omemo::EngineOptions options;
    options.manualTrust = true;
    return options;
}

std::int64_t logLength(storage::Vault& vault) {
    return storage::KeyEventRepository(vault).all().value().size();
}

// A compartment vault of its own for the repository tests.
struct VaultFixture {
    TempDir dir;
    std::unique_ptr<storage::Vault> vault =
        storage::Vault::create(dir / "c.db", SecretBytes::random(32), storage::compartmentSchema())
            .value();
};

// Alice in manual trust, Bob with two devices, each having written to Alice once: Alice knows
// both of Bob's identity keys.
struct ManualTrustFixture {
    OmemoPeer alice{"alice@example.org", manual()};
    OmemoPeer bob1{kBob};
    OmemoPeer bob2{kBob};
    FakeXmppServer server;
    FakeDevice& a = server.connect("alice@example.org/laptop", *alice.engine);
    FakeDevice& b1 = server.connect("bob@example.org/1", *bob1.engine);
    FakeDevice& b2 = server.connect("bob@example.org/2", *bob2.engine);
    audit::KeyEventLog log = audit::KeyEventLog::open(*alice.vault, "compartment-a").value();

    ManualTrustFixture() {
        server.run();
        server.submit(b1, must(bob1.engine->sendMessage("alice@example.org", "from 1")));
        server.run();
        server.submit(b2, must(bob2.engine->sendMessage("alice@example.org", "from 2")));
        server.run();
        // Alice writes once, so she knows Bob's device list as well as his keys.
        server.submit(a, must(alice.engine->sendMessage(kBob, "hello")));
        server.run();
    }

    DeviceTrust lastTrust() const {
        auto received = eventsOf(a, EventType::MessageReceived);
        REQUIRE_FALSE(received.empty());
        return received.back().trust;
    }

    Result<omemo::ContactDevice> verify(std::optional<std::uint32_t> id, const std::string& typed,
                                        TrustMode mode = TrustMode::Manual) {
        return omemo::verifyDevice(*alice.vault, log, mode, kBob, id, typed);
    }

    // Alice writes to Bob: which of Bob's devices could read it.
    std::vector<bool> aliceReaches(const std::string& text) {
        auto sent = alice.engine->sendMessage(kBob, text);
        if (!sent)
            return {};
        server.submit(a, std::move(sent).value());
        server.run();
        auto got = [&](const FakeDevice& d) {
            auto texts = receivedTexts(d);
            return !texts.empty() && texts.back() == text;
        };
        return {got(b1), got(b2)};
    }
};

} // namespace

TEST_CASE("the verified-device record holds one key per device and refuses incomplete rows") {
    VaultFixture f;
    storage::VerifiedDeviceRepository repo(*f.vault);
    const Bytes key1(33, 1), key2(33, 2);
    REQUIRE(repo.add({kBob, 7, key1, 1000}));
    CHECK(repo.isVerified(kBob, 7, key1).value());
    CHECK_FALSE(repo.isVerified(kBob, 7, key2).value());
    CHECK_FALSE(repo.isVerified(kBob, 8, key1).value());
    CHECK_FALSE(repo.isVerified("carol@example.org", 7, key1).value());
    // Verifying another key under the same id replaces the record: one row per device.
    REQUIRE(repo.add({kBob, 7, key2, 2000}));
    CHECK(repo.isVerified(kBob, 7, key2).value());
    CHECK_FALSE(repo.isVerified(kBob, 7, key1).value());
    REQUIRE(repo.add({kBob, 3, key1, 3000}));
    REQUIRE(repo.add({"carol@example.org", 1, key1, 4000}));
    CHECK(repo.forContact(kBob).value() ==
          std::vector<storage::VerifiedDevice>{{kBob, 3, key1, 3000}, {kBob, 7, key2, 2000}});
    CHECK(repo.list().value().size() == 3);
    CHECK(repo.find(kBob, 7).value() == storage::VerifiedDevice{kBob, 7, key2, 2000});
    CHECK_FALSE(repo.find(kBob, 9).value());

    CHECK(repo.add({"", 1, key1, 0}).error().code == ErrorCode::InvalidArgument);
    CHECK(repo.add({kBob, 0, key1, 0}).error().code == ErrorCode::InvalidArgument);
    CHECK(repo.add({kBob, 1, {}, 0}).error().code == ErrorCode::InvalidArgument);
    CHECK(repo.list().value().size() == 3);

    CHECK(repo.remove(kBob, 7).value());
    CHECK_FALSE(repo.remove(kBob, 7).value());
    CHECK_FALSE(repo.isVerified(kBob, 7, key2).value());
    CHECK(repo.list().value().size() == 2);
}

TEST_CASE("a typed fingerprint is read in the forms clients show and refused when malformed") {
    const std::string digits(64, 'a');
    const std::string grouped = "AAAAAAAA aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa aaaaaaaa "
                                "aaaaaaaa";
    CHECK(omemo::normaliseFingerprint(grouped).value() == digits);
    CHECK(omemo::normaliseFingerprint("aaaaaaaa-aaaaaaaa-aaaaaaaa-aaaaaaaa-aaaaaaaa-aaaaaaaa-"
                                      "aaaaaaaa-aaaaaaaa")
              .value() == digits);
    CHECK(omemo::normaliseFingerprint("05" + digits).value() == digits);
    CHECK(omemo::normaliseFingerprint(" " + digits + "\n").value() == digits);

    for (const std::string& bad : {std::string(), std::string(63, 'a'), std::string(65, 'a'),
                                   "06" + digits, digits.substr(1) + "g", digits + digits}) {
        auto refused = omemo::normaliseFingerprint(bad);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().code == ErrorCode::InvalidArgument);
        CHECK_THAT(refused.error().message, Catch::Contains("fingerprint"));
    }
}

TEST_CASE("manual trust shows a device verified by hand as trusted and logs the verification") {
    ManualTrustFixture f;
    CHECK(f.lastTrust() == DeviceTrust::Untrusted);
    // Nobody vouched for Bob yet: both devices get Alice's messages.
    CHECK(f.aliceReaches("before") == std::vector<bool>{true, true});

    const std::int64_t before = logLength(*f.alice.vault);
    auto verified = f.verify(f.bob1.engine->deviceId(), f.bob1.engine->fingerprint());
    REQUIRE(verified);
    CHECK(verified.value().trust == DeviceTrust::Verified);
    CHECK(verified.value().fingerprint == f.bob1.engine->fingerprint());
    auto entry = storage::KeyEventRepository(*f.alice.vault).last().value();
    REQUIRE(entry);
    CHECK(entry->seq == before + 1);
    CHECK(entry->type == audit::event::kDeviceTrustedManually);
    CHECK(entry->subject == std::string(kBob) + "/" + std::to_string(f.bob1.engine->deviceId()));
    CHECK(entry->fingerprint == f.bob1.engine->fingerprint());

    f.server.submit(f.b1, must(f.bob1.engine->sendMessage("alice@example.org", "again 1")));
    f.server.run();
    CHECK(f.lastTrust() == DeviceTrust::Verified);
    // Bob's other device is new beside a verified one: it may not be Bob's.
    f.server.submit(f.b2, must(f.bob2.engine->sendMessage("alice@example.org", "again 2")));
    f.server.run();
    CHECK(f.lastTrust() == DeviceTrust::Unexpected);
    // Blind trust before verification, then only the verified device.
    CHECK(f.aliceReaches("after") == std::vector<bool>{true, false});
    auto devices = omemo::contactDevices(*f.alice.vault, TrustMode::Manual, kBob).value();
    REQUIRE(devices.size() == 2);
    for (const auto& device : devices)
        CHECK(device.trust == (device.deviceId == f.bob1.engine->deviceId()
                                   ? DeviceTrust::Verified
                                   : DeviceTrust::Unexpected));
    // The same devices in strict or blind trust say what those modes make of them.
    for (const auto& device :
         omemo::contactDevices(*f.alice.vault, TrustMode::Strict, kBob).value())
        CHECK(device.trust == DeviceTrust::Untrusted);
    for (const auto& device : omemo::contactDevices(*f.alice.vault, TrustMode::Blind, kBob).value())
        CHECK(device.trust == DeviceTrust::Blind);

    // Verifying the second by its fingerprint alone (no device id) finds it.
    auto second = f.verify(std::nullopt, f.bob2.engine->fingerprint());
    REQUIRE(second);
    CHECK(second.value().deviceId == f.bob2.engine->deviceId());
    CHECK(f.aliceReaches("both") == std::vector<bool>{true, true});

    // Withdrawn: logged, and device 1 is now a stranger beside verified device 2.
    auto withdrawn = omemo::unverifyDevice(*f.alice.vault, f.log, TrustMode::Manual, kBob,
                                           f.bob1.engine->deviceId(), {});
    REQUIRE(withdrawn);
    CHECK(withdrawn.value().trust == DeviceTrust::Unexpected);
    entry = storage::KeyEventRepository(*f.alice.vault).last().value();
    CHECK(entry->type == audit::event::kDeviceTrustWithdrawn);
    CHECK(entry->fingerprint == f.bob1.engine->fingerprint());
    CHECK(f.aliceReaches("withdrawn") == std::vector<bool>{false, true});
    // Withdrawing the last one: nobody vouches for Bob, every device gets messages again.
    REQUIRE(omemo::unverifyDevice(*f.alice.vault, f.log, TrustMode::Manual, kBob, std::nullopt,
                                  f.bob2.engine->fingerprint()));
    CHECK(f.aliceReaches("none") == std::vector<bool>{true, true});
}

TEST_CASE("a verified device whose identity key changes is no longer verified") {
    ManualTrustFixture f;
    const std::uint32_t id = f.bob1.engine->deviceId();
    REQUIRE(f.verify(id, f.bob1.engine->fingerprint()));
    // The vault now holds another key for that device id (what a key swap would leave).
    const Bytes otherKey = f.bob2.engine->identityKey();
    REQUIRE(storage::OmemoStore(*f.alice.vault).savePeerIdentity(kBob, id, otherKey));
    CHECK(omemo::manualDeviceTrust(*f.alice.vault, kBob, id, otherKey).value() ==
          DeviceTrust::KeyChanged);
    CHECK(
        omemo::manualDeviceTrust(*f.alice.vault, kBob, id, f.bob1.engine->identityKey()).value() ==
        DeviceTrust::Verified);
    // Nothing vouched-for is left to encrypt to: the message is refused, saying why.
    auto refused = f.alice.engine->sendMessage(kBob, "not to a changed key");
    if (refused) { // waiting for nothing: it went out at once, or failed in the output
        f.server.submit(f.a, std::move(refused).value());
        f.server.run();
        CHECK_THAT(eventsOf(f.a, EventType::MessageRejected).back().reason,
                   Catch::Contains("no verified (or certified) OMEMO device of bob@example.org"));
    } else {
        CHECK_THAT(refused.error().message,
                   Catch::Contains("no verified (or certified) OMEMO device of bob@example.org"));
    }
    // The old fingerprint no longer matches; the new one verifies again, logged as a
    // replacement.
    auto old = f.verify(id, f.bob1.engine->fingerprint());
    REQUIRE_FALSE(old);
    CHECK(old.error().code == ErrorCode::Mismatch);
    REQUIRE(f.verify(id, f.bob2.engine->fingerprint()));
    auto entry = storage::KeyEventRepository(*f.alice.vault).last().value();
    CHECK_THAT(entry->details, Catch::Contains("replaces"));
}

TEST_CASE("a wrong fingerprint is refused and changes nothing") {
    ManualTrustFixture f;
    const std::int64_t before = logLength(*f.alice.vault);
    // Device 1 with device 2's fingerprint.
    auto swapped = f.verify(f.bob1.engine->deviceId(), f.bob2.engine->fingerprint());
    REQUIRE_FALSE(swapped);
    CHECK(swapped.error().code == ErrorCode::Mismatch);
    CHECK_THAT(swapped.error().message, Catch::Contains("nothing was verified"));
    // A fingerprint none of Bob's devices has.
    auto unknown = f.verify(std::nullopt, std::string(64, '7'));
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().code == ErrorCode::Mismatch);
    CHECK(logLength(*f.alice.vault) == before);
    CHECK(storage::VerifiedDeviceRepository(*f.alice.vault).list().value().empty());
}

TEST_CASE("verifying a device or contact this compartment does not know is refused") {
    ManualTrustFixture f;
    const std::int64_t before = logLength(*f.alice.vault);
    auto noSuchDevice = f.verify(424242, f.bob1.engine->fingerprint());
    REQUIRE_FALSE(noSuchDevice);
    CHECK(noSuchDevice.error().code == ErrorCode::NotFound);
    CHECK_THAT(noSuchDevice.error().message, Catch::Contains("device 424242 of bob@example.org"));
    auto noSuchContact =
        omemo::verifyDevice(*f.alice.vault, f.log, TrustMode::Manual, "carol@example.org",
                            std::nullopt, f.bob1.engine->fingerprint());
    REQUIRE_FALSE(noSuchContact);
    CHECK(noSuchContact.error().code == ErrorCode::NotFound);
    CHECK(logLength(*f.alice.vault) == before);
    CHECK(storage::VerifiedDeviceRepository(*f.alice.vault).list().value().empty());
}

TEST_CASE("a malformed fingerprint or address is refused before anything is looked up") {
    ManualTrustFixture f;
    const std::int64_t before = logLength(*f.alice.vault);
    for (const std::string& typed :
         {std::string("12345 not hex"), std::string(), f.bob1.engine->fingerprint().substr(9)}) {
        auto malformed = f.verify(f.bob1.engine->deviceId(), typed);
        REQUIRE_FALSE(malformed);
        CHECK(malformed.error().code == ErrorCode::InvalidArgument);
    }
    for (const char* address : {"bob", "@example.org", "bob @example.org", ""}) {
        auto notAnAddress = omemo::verifyDevice(*f.alice.vault, f.log, TrustMode::Manual, address,
                                                std::nullopt, f.bob1.engine->fingerprint());
        REQUIRE_FALSE(notAnAddress);
        CHECK(notAnAddress.error().code == ErrorCode::InvalidArgument);
    }
    auto unverifyMalformed =
        omemo::unverifyDevice(*f.alice.vault, f.log, TrustMode::Manual, kBob, std::nullopt, "xyz");
    REQUIRE_FALSE(unverifyMalformed);
    CHECK(unverifyMalformed.error().code == ErrorCode::InvalidArgument);
    auto unverifyWhich =
        omemo::unverifyDevice(*f.alice.vault, f.log, TrustMode::Manual, kBob, std::nullopt, {});
    REQUIRE_FALSE(unverifyWhich);
    CHECK(unverifyWhich.error().code == ErrorCode::InvalidArgument);
    CHECK(logLength(*f.alice.vault) == before);
}

TEST_CASE("strict and blind compartments do not verify devices by hand") {
    ManualTrustFixture f;
    const std::int64_t before = logLength(*f.alice.vault);
    for (TrustMode mode : {TrustMode::Strict, TrustMode::Blind}) {
        auto refused = f.verify(f.bob1.engine->deviceId(), f.bob1.engine->fingerprint(), mode);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().code == ErrorCode::PolicyRefused);
    }
    CHECK(logLength(*f.alice.vault) == before);
}

TEST_CASE("withdrawing what is not verified is refused and verifying twice changes nothing") {
    ManualTrustFixture f;
    const std::int64_t before = logLength(*f.alice.vault);
    auto notVerified = omemo::unverifyDevice(*f.alice.vault, f.log, TrustMode::Manual, kBob,
                                             f.bob1.engine->deviceId(), {});
    REQUIRE_FALSE(notVerified);
    CHECK(notVerified.error().code == ErrorCode::NotFound);
    CHECK(logLength(*f.alice.vault) == before);

    REQUIRE(f.verify(f.bob1.engine->deviceId(), f.bob1.engine->fingerprint()));
    auto again = f.verify(f.bob1.engine->deviceId(), f.bob1.engine->fingerprint());
    REQUIRE_FALSE(again);
    CHECK(again.error().code == ErrorCode::AlreadyExists);
    // Withdrawing with another device's fingerprint names the wrong key, not a missing device.
    auto wrongKey = omemo::unverifyDevice(*f.alice.vault, f.log, TrustMode::Manual, kBob,
                                          f.bob1.engine->deviceId(), f.bob2.engine->fingerprint());
    REQUIRE_FALSE(wrongKey);
    CHECK(wrongKey.error().code == ErrorCode::Mismatch);
    CHECK(logLength(*f.alice.vault) == before + 1);
}

TEST_CASE("verifications and withdrawals verify in the audit and show in its report") {
    ManualTrustFixture f;
    REQUIRE(f.verify(f.bob1.engine->deviceId(), f.bob1.engine->fingerprint()));
    REQUIRE(omemo::unverifyDevice(*f.alice.vault, f.log, TrustMode::Manual, kBob,
                                  f.bob1.engine->deviceId(), {}));
    const std::string exported = f.log.exportJsonLines().value();
    const auto report = audit::verifyAuditLog(exported, {f.log.publicKey(), {}, {}});
    REQUIRE(report.ok);
    std::vector<std::string> types;
    for (const auto& event : report.events)
        types.push_back(event.type);
    CHECK(std::count(types.begin(), types.end(), audit::event::kDeviceTrustedManually) == 1);
    CHECK(std::count(types.begin(), types.end(), audit::event::kDeviceTrustWithdrawn) == 1);
    std::vector<std::string> kinds;
    for (const auto& anomaly : audit::findAnomalies(report.events))
        kinds.push_back(anomaly.kind);
    CHECK(std::count(kinds.begin(), kinds.end(), "manual trust") == 1);
    CHECK(std::count(kinds.begin(), kinds.end(), "trust withdrawn") == 1);
    const std::string html = audit::renderHtmlReport(report, "alice");
    CHECK_THAT(html, Catch::Contains("<strong>trust withdrawn</strong>"));
}

TEST_CASE("in a room the rule holds per member: only the verified devices of a verified member") {
    const std::string team = "team@rooms.example.org";
    OmemoPeer alice("alice@example.org", manual());
    OmemoPeer bob1(kBob);
    OmemoPeer bob2(kBob);
    OmemoPeer carol("carol@example.org");
    FakeXmppServer server;
    server.rooms[team].members = {"alice@example.org", kBob, "carol@example.org"};
    FakeDevice& a = server.connect("alice@example.org/laptop", *alice.engine);
    FakeDevice& b1 = server.connect("bob@example.org/1", *bob1.engine);
    FakeDevice& b2 = server.connect("bob@example.org/2", *bob2.engine);
    FakeDevice& c = server.connect("carol@example.org/laptop", *carol.engine);
    server.run();
    for (auto [device, peer, nick] :
         {std::tuple{&a, &alice, "Alice"}, std::tuple{&b1, &bob1, "Bob1"},
          std::tuple{&b2, &bob2, "Bob2"}, std::tuple{&c, &carol, "Carol"}}) {
        server.submit(*device, must(peer->engine->joinRoom(team, nick)));
        server.run();
    }
    const auto readers = [&](const std::string& text) {
        std::vector<bool> got;
        for (FakeDevice* device : {&b1, &b2, &c}) {
            auto texts = receivedTexts(*device);
            got.push_back(std::find(texts.begin(), texts.end(), text) != texts.end());
        }
        return got;
    };
    server.submit(a, must(alice.engine->sendRoomMessage(team, "before")));
    server.run();
    CHECK(readers("before") == std::vector<bool>{true, true, true});

    audit::KeyEventLog log = audit::KeyEventLog::open(*alice.vault, "compartment-a").value();
    REQUIRE(omemo::verifyDevice(*alice.vault, log, TrustMode::Manual, kBob, bob1.engine->deviceId(),
                                bob1.engine->fingerprint()));
    server.submit(a, must(alice.engine->sendRoomMessage(team, "after")));
    server.run();
    // Bob's unverified device is left out; Carol, whom nobody verified, is not.
    CHECK(readers("after") == std::vector<bool>{true, false, true});
}
