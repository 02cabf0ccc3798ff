// Strict trust and compartment isolation against a real Prosody on loopback (issue 5): a device
// the server adds to a member's device list but the organisation never certified receives
// nothing and is not believed; and every secret of one compartment opens nothing of another.
#include "client/audit/AuditVerifier.h"
#include "client/audit/KeyEventLog.h"
#include "client/omemo/OmemoEngine.h"
#include "client/xmpp/ServerAdmin.h"
#include "storage/CertifiedDeviceRepository.h"
#include "storage/MessageRepository.h"
#include "storage/OmemoStore.h"
#include "tests/support/ServiceParty.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>

using namespace cloison;
using namespace cloison::test;
using Type = xmpp::ServiceEvent::Type;

namespace {

struct Device {
    std::uint32_t id = 0;
    Bytes identityKey;
};

// The compartment's OMEMO device as the admin would certify it from its enrolment.
Device deviceOf(Party& party) {
    auto engine = omemo::OmemoEngine::open(*party.vault, party.jid);
    REQUIRE(engine);
    return {engine.value()->deviceId(), engine.value()->identityKey()};
}

void certify(Party& party, std::uint64_t version,
             const std::vector<storage::CertifiedDevice>& devices) {
    REQUIRE(storage::CertifiedDeviceRepository(*party.vault).replaceAll(version, devices));
}

// The key elements' recipient device ids of every <encrypted> stanza `from` sent to `to` that
// the server archived.
std::vector<std::vector<std::uint32_t>>
archivedRecipients(const ProsodyServer& server, const std::string& from, const std::string& to) {
    std::vector<std::vector<std::uint32_t>> out;
    for (const std::string& text : server.archivedStanzas()) {
        auto stanza = xml::parse(text);
        if (!stanza || omemo::bareJid(stanza.value().attribute("from").value_or("")) != from ||
            omemo::bareJid(stanza.value().attribute("to").value_or("")) != to)
            continue;
        const xml::Element* element = stanza.value().child("encrypted", omemo::kOmemoNs);
        if (element == nullptr)
            continue;
        auto encrypted = omemo::parseEncrypted(*element);
        REQUIRE(encrypted);
        std::vector<std::uint32_t> rids;
        for (const auto& key : encrypted.value().keys)
            rids.push_back(key.rid);
        out.push_back(std::move(rids));
    }
    return out;
}

bool contains(const std::vector<std::uint32_t>& ids, std::uint32_t id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

std::optional<xmpp::ServiceEvent> rejectionFrom(Party& party, std::uint32_t device) {
    for (int i = 0; i < 50; ++i) {
        for (const auto& event : party.seen)
            if (event.type == Type::MessageRejected && event.device == device)
                return event;
        party.await(Type::MessageRejected, std::chrono::milliseconds(400));
    }
    return std::nullopt;
}

} // namespace

TEST_CASE("a device the server adds but the admin never certified receives nothing, and its "
          "messages are refused and logged") {
    auto server =
        ProsodyServer::start({{{"alice", "alice-password"}, {"bob", "bob-password"}}, true, true});
    Party alice("alice"), bob("bob");
    // The hostile addition: a second device on bob's account, exactly what a server can inject
    // into bob's device list.
    Party rogue("bob");
    rogue.resource = "rogue";
    alice.trust = xmpp::TrustMode::Strict;
    bob.trust = xmpp::TrustMode::Strict;
    const Device a = deviceOf(alice), b = deviceOf(bob), r = deviceOf(rogue);
    REQUIRE(r.id != b.id);

    std::vector<storage::CertifiedDevice> roster{{alice.jid, a.id, a.identityKey},
                                                 {bob.jid, b.id, b.identityKey}};
    bool sameIdOtherKey = false;
    SECTION("the rogue device's id is not in the roster") {}
    SECTION("the rogue device's id is certified, but with another key") {
        // The server swapped in its own key under a certified device id.
        sameIdOtherKey = true;
        roster.push_back({bob.jid, r.id, Bytes(a.identityKey)});
    }
    certify(alice, 1, roster);
    certify(bob, 1, roster);

    // A certified exchange first: bob's device is announced and believed.
    alice.connect(*server);
    bob.connect(*server);
    REQUIRE(alice.await(Type::Ready));
    REQUIRE(bob.await(Type::Ready));
    REQUIRE(sendUntilDelivered(bob, alice.jid, "hello from a certified device"));
    auto first = alice.await(Type::MessageReceived);
    REQUIRE(first);
    CHECK(first->device == b.id);
    CHECK(first->trusted);

    // The rogue device joins bob's device list and writes to alice (it trusts blindly).
    rogue.connect(*server);
    REQUIRE(rogue.await(Type::Ready));
    const std::string rogueText = "rogue canary " + randomId();
    REQUIRE(sendUntilDelivered(rogue, alice.jid, rogueText));
    auto refused = rejectionFrom(alice, r.id);
    REQUIRE(refused);
    CHECK(refused->from == bob.jid);
    CHECK(refused->error.code == ErrorCode::PolicyRefused);
    CHECK(refused->error.message.find("not certified") != std::string::npos);
    // Refused, so not confirmed: the rogue gets no delivery receipt for it.
    CHECK_FALSE(rogue.await(Type::MessageReceivedByPeer, std::chrono::seconds(2)));
    // Bob's own certified device does not believe its uncertified sibling either (the
    // rogue's message reaches it as a copy for its account's other devices).
    CHECK(rejectionFrom(bob, r.id));

    // Alice answers bob: only bob's certified device gets a key.
    const std::string reply = "for bob's certified device only " + randomId();
    REQUIRE(sendUntilDelivered(alice, bob.jid, reply));
    REQUIRE(bob.received(1).back() == reply);

    alice.service.reset();
    bob.service.reset();
    rogue.service.reset();
    for (const Party* party : {&alice, &bob, &rogue})
        for (const auto& event : party->seen)
            if (event.type == Type::MessageReceived)
                CHECK((event.text != rogueText || party == &rogue));
    for (const auto& event : rogue.seen)
        CHECK((event.type != Type::MessageReceived || event.text != reply));

    // Alice saw the rogue device in bob's list, and still sealed nothing to it.
    auto listed = storage::OmemoStore(*alice.vault).activeDevices(bob.jid);
    REQUIRE(listed);
    CHECK(contains(listed.value(), r.id));
    const auto sent = archivedRecipients(*server, alice.jid, bob.jid);
    REQUIRE(!sent.empty());
    for (const auto& rids : sent) {
        CHECK(contains(rids, b.id));
        CHECK_FALSE(contains(rids, r.id));
    }
    // The rogue's text was never stored by the certified devices.
    for (auto [party, peer] : {std::pair{&alice, bob.jid}, std::pair{&bob, alice.jid}}) {
        auto stored = storage::MessageRepository(*party->vault).latest(peer, 100);
        REQUIRE(stored);
        for (const auto& message : stored.value())
            CHECK(message.body != rogueText);
    }

    // The refusal is in alice's key-event log, which verifies and holds no message text.
    auto log = audit::KeyEventLog::open(*alice.vault, alice.compartmentId);
    REQUIRE(log);
    const std::string exported = log.value().exportJsonLines().value();
    CHECK(exported.find(rogueText) == std::string::npos);
    const audit::VerifyReport report = audit::verifyAuditLog(exported);
    REQUIRE(report.ok);
    const std::string subject = bob.jid + "/" + std::to_string(r.id);
    auto logged = std::find_if(report.events.begin(), report.events.end(), [&](const auto& e) {
        return e.type == audit::event::kRejectedUncertified && e.subject == subject;
    });
    REQUIRE(logged != report.events.end());
    // With a certified id under another key, the refused key's fingerprint is named.
    if (sameIdOtherKey)
        CHECK(logged->fingerprint == omemo::omemoFingerprint(r.identityKey));
}

TEST_CASE("manual trust through the running service: a device verified by hand is believed and "
          "one the server adds beside it gets nothing until verified") {
    auto server =
        ProsodyServer::start({{{"alice", "alice-password"}, {"bob", "bob-password"}}, true, true});
    Party alice("alice"), bob("bob");
    Party rogue("bob"); // what a server can add to bob's device list
    rogue.resource = "rogue";
    REQUIRE(alice.trust == xmpp::TrustMode::Manual);
    const Device b = deviceOf(bob), r = deviceOf(rogue);
    const std::string bobFingerprint = omemo::omemoFingerprint(b.identityKey);
    alice.connect(*server);
    bob.connect(*server);
    REQUIRE(alice.await(Type::Ready));
    REQUIRE(bob.await(Type::Ready));
    REQUIRE(sendUntilDelivered(bob, alice.jid, "before verification"));
    auto first = alice.await(Type::MessageReceived);
    REQUIRE(first);
    CHECK_FALSE(first->trusted);
    CHECK(first->deviceTrust == omemo::DeviceTrust::Untrusted);
    // The added device is on bob's list before alice first writes to him (she reads the list
    // then): nobody vouches for bob yet, so it gets her message like his own device.
    rogue.connect(*server);
    REQUIRE(rogue.await(Type::Ready));
    REQUIRE(sendUntilDelivered(alice, bob.jid, "hello bob"));
    auto sent = archivedRecipients(*server, alice.jid, bob.jid);
    REQUIRE_FALSE(sent.empty());
    CHECK(contains(sent.back(), b.id));
    CHECK(contains(sent.back(), r.id));

    // Refused through the service, each changing nothing: malformed, wrong, unknown device.
    const auto refusal = [&](std::uint32_t device, const std::string& typed) {
        alice.service->verifyDevice(bob.jid, device, typed);
        auto refused = alice.await(Type::DeviceTrustRefused);
        REQUIRE(refused);
        CHECK(refused->from == bob.jid);
        CHECK(refused->device == device);
        return refused->error.code;
    };
    CHECK(refusal(b.id, "0123 not a fingerprint") == ErrorCode::InvalidArgument);
    CHECK(refusal(b.id, omemo::omemoFingerprint(r.identityKey)) == ErrorCode::Mismatch);
    CHECK(refusal(4242, bobFingerprint) == ErrorCode::NotFound);

    alice.service->verifyDevice(bob.jid, b.id, bobFingerprint);
    auto verified = alice.await(Type::DeviceTrustChanged);
    REQUIRE(verified);
    CHECK(verified->deviceTrust == omemo::DeviceTrust::Verified);
    CHECK(verified->trusted);
    CHECK(verified->text == bobFingerprint);
    REQUIRE(verified->keyEvent);
    CHECK(verified->keyEvent->type == audit::event::kDeviceTrustedManually);
    CHECK(verified->keyEvent->subject == bob.jid + "/" + std::to_string(b.id));
    REQUIRE(sendUntilDelivered(bob, alice.jid, "after verification"));
    auto second = alice.await(Type::MessageReceived);
    REQUIRE(second);
    CHECK(second->trusted);
    CHECK(second->deviceTrust == omemo::DeviceTrust::Verified);

    // The added device writes: shown, marked as a stranger beside a verified device...
    REQUIRE(sendUntilDelivered(rogue, alice.jid, "from the added device"));
    auto third = alice.await(Type::MessageReceived);
    REQUIRE(third);
    CHECK(third->device == r.id);
    CHECK_FALSE(third->trusted);
    CHECK(third->deviceTrust == omemo::DeviceTrust::Unexpected);
    // ...and alice's answer is sealed for bob's verified device only.
    REQUIRE(sendUntilDelivered(alice, bob.jid, "for the verified device only"));
    sent = archivedRecipients(*server, alice.jid, bob.jid);
    CHECK(contains(sent.back(), b.id));
    CHECK_FALSE(contains(sent.back(), r.id));

    // Withdrawn: nobody vouches for bob any more, and every device of his gets messages again.
    alice.service->unverifyDevice(bob.jid, b.id);
    auto withdrawn = alice.await(Type::DeviceTrustChanged);
    REQUIRE(withdrawn);
    CHECK(withdrawn->deviceTrust == omemo::DeviceTrust::Untrusted);
    REQUIRE(withdrawn->keyEvent);
    CHECK(withdrawn->keyEvent->type == audit::event::kDeviceTrustWithdrawn);
    REQUIRE(sendUntilDelivered(alice, bob.jid, "to every device again"));
    sent = archivedRecipients(*server, alice.jid, bob.jid);
    CHECK(contains(sent.back(), b.id));
    CHECK(contains(sent.back(), r.id));

    // Three refusals wrote nothing; the verification and its withdrawal verify in the log.
    alice.service.reset();
    bob.service.reset();
    rogue.service.reset();
    auto log = audit::KeyEventLog::open(*alice.vault, alice.compartmentId);
    REQUIRE(log);
    const audit::VerifyReport report = audit::verifyAuditLog(log.value().exportJsonLines().value());
    REQUIRE(report.ok);
    const auto count = [&](const char* type) {
        return std::count_if(report.events.begin(), report.events.end(),
                             [&](const auto& e) { return e.type == type; });
    };
    CHECK(count(audit::event::kDeviceTrustedManually) == 1);
    CHECK(count(audit::event::kDeviceTrustWithdrawn) == 1);
}

TEST_CASE("breach drill: every secret of compartment A opens nothing of compartment B") {
    auto server = ProsodyServer::start({{{"admin", "admin-password"}}, true, true});
    auto admin = xmpp::ServerAdmin::connect({"admin@localhost", server->host(), server->port(),
                                             server->spkiSha256Hex(), false, "provisioning"},
                                            SecretBytes::fromString("admin-password"));
    REQUIRE(admin);
    // Provisioned as the admin tool does: pseudonymous accounts, one room per compartment.
    std::vector<xmpp::ProvisionedAccount> accounts;
    for (int i = 0; i < 4; ++i)
        accounts.push_back(admin.value()->createAccount().value());
    const auto& accountA = accounts[0];
    const auto& accountB = accounts[1];
    const auto& peerA = accounts[2];
    const auto& peerB = accounts[3];
    const std::string roomA = "a@" + server->roomsDomain();
    const std::string roomB = "b@" + server->roomsDomain();
    REQUIRE(admin.value()->createRoom(roomA, {accountA.jid, peerA.jid}));
    REQUIRE(admin.value()->createRoom(roomB, {accountB.jid, peerB.jid}));
    admin.value().reset();

    // The same person's two compartments, each with its own vault key.
    auto party = [&](const xmpp::ProvisionedAccount& account, const SecretBytes& key) {
        auto made = std::make_unique<Party>(account.jid.substr(0, account.jid.find('@')), key);
        made->password.assign(account.password.view().begin(), account.password.view().end());
        return made;
    };
    const SecretBytes keyA = SecretBytes::random(32), keyB = SecretBytes::random(32);
    auto a = party(accountA, keyA);
    auto b = party(accountB, keyB);
    auto other = party(peerB, SecretBytes::random(32));
    const Device deviceA = deviceOf(*a), deviceB = deviceOf(*b);
    CHECK(deviceA.identityKey != deviceB.identityKey);

    // B talks with its peer; the server archives the exchange.
    const std::string secret = "compartment B only " + randomId();
    b->connect(*server, {}, roomB);
    other->connect(*server, {}, roomB);
    REQUIRE(b->await(Type::Ready));
    REQUIRE(other->await(Type::Ready));
    REQUIRE(sendUntilDelivered(*other, b->jid, secret));
    REQUIRE(b->received(1).back() == secret);
    REQUIRE(sendUntilDelivered(*b, other->jid, secret + " (reply)"));
    b->service.reset();
    other->service.reset();
    const std::filesystem::path vaultB = b->vault->path();

    // The attacker holds A entirely: its vault key (hence its vault, identity private key and
    // sessions) and its account password.
    SECTION("A's vault key does not open B's vault") {
        auto opened = storage::Vault::open(vaultB, keyA, storage::compartmentSchema());
        REQUIRE_FALSE(opened);
        CHECK(opened.error().code == ErrorCode::WrongKey);
    }
    SECTION("A's identity and sessions decrypt none of B's messages captured from the server") {
        auto engine = omemo::OmemoEngine::open(*a->vault, a->jid);
        REQUIRE(engine);
        std::size_t tried = 0;
        for (const std::string& captured : server->archivedStanzas("")) {
            if (captured.find("<encrypted") == std::string::npos)
                continue;
            // As captured, and relabelled for A's account and device, as if sealed to it.
            auto relabelled = xml::parse(captured);
            REQUIRE(relabelled);
            for (auto& attribute : relabelled.value().attributes)
                if (attribute.first == "to")
                    attribute.second = a->jid;
            for (auto& child : relabelled.value().children)
                if (child.name == "encrypted")
                    for (auto& header : child.children)
                        for (auto& key : header.children)
                            for (auto& attribute : key.attributes)
                                if (attribute.first == "rid")
                                    attribute.second = std::to_string(deviceA.id);
            for (const std::string& attempt : {captured, xml::serialize(relabelled.value())}) {
                ++tried;
                auto output = engine.value()->handleStanza(attempt);
                if (!output)
                    continue; // refused outright
                for (const auto& event : output.value().events)
                    CHECK(event.type != omemo::EventType::MessageReceived);
            }
        }
        CHECK(tried >= 4);
        CHECK(storage::MessageRepository(*a->vault).count().value() == 0);
    }
    SECTION("A's password does not log in to B's account") {
        auto login = xmpp::ServerAdmin::connect({accountB.jid, server->host(), server->port(),
                                                 server->spkiSha256Hex(), false, "breach"},
                                                accountA.password.copy());
        REQUIRE_FALSE(login);
        CHECK(login.error().code == ErrorCode::LoginRefused);
    }
    SECTION("A's account enters A's room, not B's") {
        auto login = xmpp::ServerAdmin::connect({accountA.jid, server->host(), server->port(),
                                                 server->spkiSha256Hex(), false, "breach"},
                                                accountA.password.copy());
        REQUIRE(login);
        CHECK(login.value()->enterRoom(roomA));
        auto entered = login.value()->enterRoom(roomB);
        REQUIRE_FALSE(entered);
        CHECK(entered.error().code == ErrorCode::PolicyRefused);
        CHECK(entered.error().message.find("registration-required") != std::string::npos);
    }
}

TEST_CASE("the roster the admin publishes is fetched at connection and applied, and a refused one "
          "changes nothing") {
    auto server = ProsodyServer::start(
        {{{"admin", "admin-password"}, {"alice", "alice-password"}}, true, true});
    Party alice("alice");
    alice.trust = xmpp::TrustMode::Strict;
    const Device a = deviceOf(alice);
    const std::string node = std::string(xmpp::kRosterNodePrefix) + alice.compartmentId;
    // Stands in for the signed roster format (client/provisioning): "version jid device hexkey".
    const std::string roster =
        "7 " + alice.jid + " " + std::to_string(a.id) + " " + toHex(a.identityKey);
    auto publish = [&](const std::string& text) {
        auto admin = xmpp::ServerAdmin::connect({"admin@localhost", server->host(), server->port(),
                                                 server->spkiSha256Hex(), false, "provisioning"},
                                                SecretBytes::fromString("admin-password"));
        REQUIRE(admin);
        REQUIRE(admin.value()->publishBlob(node, asBytes(text)));
    };
    auto connect = [&](bool accept) {
        xmpp::ServiceOptions options{alice.compartmentId, alice.trust};
        options.rosterOwner = "admin@localhost";
        options.rosterNode = node;
        options.applyRoster = [accept](storage::Vault& vault,
                                       ByteView blob) -> Result<xmpp::RosterUpdate> {
            if (!accept)
                return makeError(ErrorCode::InvalidArgument, "bad roster signature");
            std::istringstream in(std::string(blob.begin(), blob.end()));
            std::uint64_t version = 0;
            storage::CertifiedDevice device;
            std::string key;
            in >> version >> device.jid >> device.deviceId >> key;
            device.identityKey = fromHex(key).value();
            if (auto replaced =
                    storage::CertifiedDeviceRepository(vault).replaceAll(version, {device});
                !replaced)
                return replaced.error();
            return xmpp::RosterUpdate{true, "version " + std::to_string(version)};
        };
        auto started = xmpp::CompartmentService::start(
            *alice.vault,
            {alice.jid, server->host(), server->port(), server->spkiSha256Hex(), false, "c"},
            SecretBytes::fromString(alice.password), options);
        REQUIRE(started);
        alice.service = std::move(started).value();
    };

    // Nothing published yet: said so, nothing certified.
    connect(true);
    auto none = alice.await(Type::RosterRefused);
    REQUIRE(none);
    CHECK(none->error.code == ErrorCode::NotFound);
    alice.service.reset();
    CHECK(storage::CertifiedDeviceRepository(*alice.vault).list().value().empty());

    publish(roster);
    connect(false);
    auto refused = alice.await(Type::RosterRefused);
    REQUIRE(refused);
    CHECK(refused->error.message == "bad roster signature");
    alice.service.reset();
    CHECK(storage::CertifiedDeviceRepository(*alice.vault).list().value().empty());

    connect(true);
    REQUIRE(alice.await(Type::RosterApplied));
    alice.service.reset();
    auto certified = storage::CertifiedDeviceRepository(*alice.vault);
    CHECK(certified.version().value() == 7u);
    CHECK(certified.isCertified(alice.jid, a.id, a.identityKey).value());
}
