// The OMEMO engine end to end, offline: engines of separate profiles talk through a fake
// server that routes stanzas, and the tests hold, reorder, replay and alter what is delivered.
#include "client/omemo/OmemoEngine.h"
#include "client/omemo/SignalAdapter.h"
#include "crypto/AesGcm.h"
#include "crypto/Hash.h"
#include "storage/MessageRepository.h"
#include "storage/OmemoStore.h"
#include "tests/support/FakeXmppServer.h"
#include "tests/support/OmemoPeer.h"

#include <catch2/catch.hpp>

#include <cstring>
#include <functional>

using namespace cloison;
using namespace cloison::test;
using omemo::EventType;

namespace {

std::int64_t messageCount(storage::Vault& vault) {
    return storage::MessageRepository(vault).count().value();
}

std::string lastRejection(const FakeDevice& device) {
    auto rejected = eventsOf(device, EventType::MessageRejected);
    return rejected.empty() ? std::string() : rejected.back().reason;
}

// Rewrites one element of a stanza: `edit` gets the parsed <encrypted>.
template <typename Edit> std::string alter(const std::string& stanza, Edit edit) {
    xml::Element root = xml::parse(stanza).value();
    for (auto& child : root.children) {
        if (child.name == "encrypted")
            edit(child);
    }
    return xml::serialize(root);
}

// The stanza with its id attribute and origin-id replaced by `id`.
std::string withIds(const std::string& stanza, const std::string& id) {
    xml::Element root = xml::parse(stanza).value();
    for (auto& attribute : root.attributes) {
        if (attribute.first == "id")
            attribute.second = id;
    }
    for (auto& child : root.children) {
        if (child.name == "origin-id")
            child.attributes = {{"id", id}};
    }
    return xml::serialize(root);
}

xml::Element& headerOf(xml::Element& encrypted) {
    return encrypted.children.at(0);
}

void flipBase64Byte(std::string& text, std::size_t index) {
    Bytes bytes = fromBase64(text).value();
    bytes.at(index) ^= 0x01;
    text = toBase64(bytes);
}

} // namespace

TEST_CASE("two engines start a session from a bundle and talk both ways") {
    OmemoPeer alice("alice@example.org");
    OmemoPeer bob("bob@example.org");
    FakeXmppServer server;
    FakeDevice& a = server.connect("alice@example.org/laptop", *alice.engine);
    FakeDevice& b = server.connect("bob@example.org/laptop", *bob.engine);
    server.run();
    // Each published its device list and a bundle with 100 prekeys, with open access.
    REQUIRE(server.nodes["bob@example.org"].count(omemo::kDeviceListNode));
    REQUIRE(server.nodes["bob@example.org"].count(omemo::kBundleNodePrefix +
                                                  std::to_string(bob.engine->deviceId())));
    CHECK(server.publishOptionsSeen == 4);
    CHECK(bob.engine->bundle().value().preKeys.size() == 100);

    server.submit(a, must(alice.engine->sendMessage("bob@example.org", "hello bob")));
    server.run();
    CHECK(eventsOf(a, EventType::SessionStarted).size() == 1);
    REQUIRE(receivedTexts(b) == std::vector<std::string>{"hello bob"});
    CHECK(eventsOf(b, EventType::MessageReceived)[0].peer == "alice@example.org");
    CHECK(eventsOf(b, EventType::MessageReceived)[0].deviceId == alice.engine->deviceId());
    // The used one-time prekey was replaced and the bundle republished.
    CHECK(bob.engine->bundle().value().preKeys.size() == 100);

    for (int round = 0; round < 3; ++round) {
        const std::string reply = "reply " + std::to_string(round);
        server.submit(b, must(bob.engine->sendMessage("alice@example.org/laptop", reply)));
        server.run();
        CHECK(receivedTexts(a).back() == reply);
        const std::string next = "next " + std::to_string(round);
        server.submit(a, must(alice.engine->sendMessage("bob@example.org", next)));
        server.run();
        CHECK(receivedTexts(b).back() == next);
    }
    CHECK(receivedTexts(a).size() == 3);
    CHECK(receivedTexts(b).size() == 4);
    // Sent and received messages are both in each vault.
    CHECK(messageCount(*alice.vault) == 7);
    CHECK(messageCount(*bob.vault) == 7);
    auto latest = storage::MessageRepository(*bob.vault).latest("alice@example.org", 1).value();
    REQUIRE(latest.size() == 1);
    CHECK(latest[0].body == "next 2");
    CHECK(eventsOf(a, EventType::MessageRejected).empty());
    CHECK(eventsOf(b, EventType::MessageRejected).empty());
}

TEST_CASE("one sender reaches a recipient's three devices and its own second device") {
    OmemoPeer alice1("alice@example.org");
    OmemoPeer alice2("alice@example.org");
    OmemoPeer bob1("bob@example.org");
    OmemoPeer bob2("bob@example.org");
    OmemoPeer bob3("bob@example.org");
    FakeXmppServer server;
    FakeDevice& a1 = server.connect("alice@example.org/laptop", *alice1.engine);
    server.run();
    FakeDevice& a2 = server.connect("alice@example.org/phone", *alice2.engine);
    server.run();
    FakeDevice& b1 = server.connect("bob@example.org/1", *bob1.engine);
    server.run();
    FakeDevice& b2 = server.connect("bob@example.org/2", *bob2.engine);
    server.run();
    FakeDevice& b3 = server.connect("bob@example.org/3", *bob3.engine);
    server.run();

    server.submit(a1, must(alice1.engine->sendMessage("bob@example.org", "to all of bob")));
    server.run();
    CHECK(eventsOf(a1, EventType::SessionStarted).size() == 4); // 3 of bob's, 1 of ours
    for (FakeDevice* device : {&b1, &b2, &b3, &a2})
        CHECK(receivedTexts(*device) == std::vector<std::string>{"to all of bob"});
    // Alice's other device files its copy under the conversation with bob.
    CHECK(storage::MessageRepository(*alice2.vault).latest("bob@example.org", 5).value().size() ==
          1);

    server.submit(b2, must(bob2.engine->sendMessage("alice@example.org", "from bob 2")));
    server.run();
    for (FakeDevice* device : {&a1, &a2, &b1, &b3})
        CHECK(receivedTexts(*device).back() == "from bob 2");
    for (FakeDevice* device : {&a1, &a2, &b1, &b2, &b3})
        CHECK(eventsOf(*device, EventType::MessageRejected).empty());
}

TEST_CASE("out-of-order delivery decrypts, replays and tampering are rejected, nothing stored") {
    OmemoPeer alice("alice@example.org");
    OmemoPeer bob("bob@example.org");
    FakeXmppServer server;
    FakeDevice& a = server.connect("alice@example.org/laptop", *alice.engine);
    FakeDevice& b = server.connect("bob@example.org/laptop", *bob.engine);
    server.run();
    server.submit(a, must(alice.engine->sendMessage("bob@example.org", "first")));
    server.run();
    server.submit(b, must(bob.engine->sendMessage("alice@example.org", "ack")));
    server.run();
    REQUIRE(receivedTexts(a) == std::vector<std::string>{"ack"});

    server.holdMessages = true;
    for (int i = 1; i <= 5; ++i)
        server.submit(a,
                      must(alice.engine->sendMessage("bob@example.org", "m" + std::to_string(i))));
    server.run();
    REQUIRE(server.held.size() == 5);
    std::vector<std::string> held;
    for (auto& entry : server.held)
        held.push_back(entry.second);
    const std::int64_t before = messageCount(*bob.vault);

    SECTION("out of order within the skipped-key window") {
        for (int index : {2, 0, 4, 1, 3})
            server.deliver(b, held[static_cast<std::size_t>(index)]);
        CHECK(receivedTexts(b) == std::vector<std::string>{"first", "m3", "m1", "m5", "m2", "m4"});
        CHECK(messageCount(*bob.vault) == before + 5);
    }
    SECTION("a resent stanza is a duplicate, dropped before decrypting; a replay is rejected") {
        server.deliver(b, held[0]);
        server.deliver(b, held[0]);
        CHECK(receivedTexts(b).size() == 2);
        CHECK(eventsOf(b, EventType::MessageRejected).empty());
        auto duplicates = eventsOf(b, EventType::Duplicate);
        REQUIRE(duplicates.size() == 1);
        CHECK(duplicates[0].messageId == eventsOf(b, EventType::MessageReceived).back().messageId);
        CHECK(duplicates[0].peer == "alice@example.org");
        CHECK(duplicates[0].conversation == "alice@example.org");
        CHECK(messageCount(*bob.vault) == before + 1);
        // The same ciphertext under fresh ids is a replay, and the ratchet refuses it.
        server.deliver(b, withIds(held[0], "replayed-id"));
        CHECK(lastRejection(b).find("duplicate") != std::string::npos);
        CHECK(messageCount(*bob.vault) == before + 1);
    }
    SECTION("tampered payload, key, header or IV are rejected; the original still decrypts") {
        const std::string original = held[0];
        const std::string payload =
            alter(original, [](xml::Element& e) { flipBase64Byte(e.children.at(1).text, 0); });
        const std::string key = alter(
            original, [](xml::Element& e) { flipBase64Byte(headerOf(e).children.at(0).text, 20); });
        const std::string iv = alter(
            original, [](xml::Element& e) { flipBase64Byte(headerOf(e).children.back().text, 3); });
        const std::string sid =
            alter(original, [&](xml::Element& e) { headerOf(e).attributes[0].second = "12345"; });
        const std::string noIv =
            alter(original, [](xml::Element& e) { headerOf(e).children.pop_back(); });
        server.deliver(b, payload);
        CHECK(lastRejection(b).find("payload does not authenticate") != std::string::npos);
        server.deliver(b, key);
        CHECK_FALSE(lastRejection(b).empty());
        const std::size_t afterKey = eventsOf(b, EventType::MessageRejected).size();
        CHECK(afterKey == 2);
        server.deliver(b, iv);
        CHECK(lastRejection(b).find("payload does not authenticate") != std::string::npos);
        server.deliver(b, sid);
        CHECK(lastRejection(b).find("no session") != std::string::npos);
        server.deliver(b, noIv);
        CHECK(lastRejection(b).find("missing iv") != std::string::npos);
        CHECK(eventsOf(b, EventType::MessageRejected).size() == 5);
        CHECK(messageCount(*bob.vault) == before);
        server.deliver(b, original);
        CHECK(receivedTexts(b).back() == "m1");
        CHECK(messageCount(*bob.vault) == before + 1);
    }
}

TEST_CASE("a wrong GCM tag or key material shorter than 32 bytes is refused") {
    OmemoPeer alice("alice@example.org");
    OmemoPeer bob("bob@example.org");
    FakeXmppServer server;
    FakeDevice& a = server.connect("alice@example.org/laptop", *alice.engine);
    FakeDevice& b = server.connect("bob@example.org/laptop", *bob.engine);
    server.run();
    server.submit(a, must(alice.engine->sendMessage("bob@example.org", "first")));
    server.run();
    const std::int64_t before = messageCount(*bob.vault);

    // Alice's state, driven directly, to send what a faulty or hostile client would.
    storage::OmemoStore store(*alice.vault);
    auto context = SignalContext::create().value();
    auto signalStore = omemo::SignalStore::create(*context, store).value();
    omemo::SignalAdapter adapter(*context, *signalStore);
    auto craft = [&](const SecretBytes& material, ByteView payload, ByteView iv) {
        omemo::EncryptedElement e;
        e.sid = alice.engine->deviceId();
        auto key =
            adapter.encrypt("bob@example.org", bob.engine->deviceId(), material.view()).value();
        e.keys.push_back({bob.engine->deviceId(), key.data, key.preKey});
        e.iv.assign(iv.begin(), iv.end());
        e.payload = Bytes(payload.begin(), payload.end());
        xml::Element message = omemo::encryptedMessage("bob@example.org", "x", e);
        message.set("from", "alice@example.org/laptop");
        return xml::serialize(message);
    };
    const SecretBytes key = SecretBytes::random(16);
    const Bytes iv = randomBytes(12);
    auto sealed = aes128GcmEncrypt(key.view(), iv, asBytes("crafted")).value();

    SecretBytes shortMaterial = key.copy(); // the old 16-byte form, with no tag
    server.deliver(b, craft(shortMaterial, sealed.ciphertext, iv));
    CHECK(lastRejection(b).find("key material is 16 bytes") != std::string::npos);

    SecretBytes badTag(32);
    std::memcpy(badTag.data(), key.data(), 16);
    std::memcpy(badTag.data() + 16, sealed.tag.data(), 16);
    badTag.data()[31] ^= 0x80;
    server.deliver(b, craft(badTag, sealed.ciphertext, iv));
    CHECK(lastRejection(b).find("payload does not authenticate") != std::string::npos);
    CHECK(messageCount(*bob.vault) == before);

    SecretBytes good(32);
    std::memcpy(good.data(), key.data(), 16);
    std::memcpy(good.data() + 16, sealed.tag.data(), 16);
    server.deliver(b, craft(good, sealed.ciphertext, iv));
    CHECK(receivedTexts(b).back() == "crafted");
}

TEST_CASE("two compartments of one profile have separate identities and sessions") {
    TempDir dir;
    auto profile =
        Profile::create(dir / "profile", SecretBytes::fromString("pw"), Argon2idParams::light())
            .value();
    REQUIRE(profile->addCompartment("finance"));
    REQUIRE(profile->addCompartment("speeches"));
    storage::Vault* finance = profile->compartmentVault("finance").value();
    storage::Vault* speeches = profile->compartmentVault("speeches").value();
    auto financeEngine = omemo::OmemoEngine::open(*finance, "alice@finance.example").value();
    auto speechesEngine = omemo::OmemoEngine::open(*speeches, "alice@speeches.example").value();
    OmemoPeer bob("bob@example.org");

    FakeXmppServer server;
    FakeDevice& f = server.connect("alice@finance.example/laptop", *financeEngine);
    FakeDevice& s = server.connect("alice@speeches.example/laptop", *speechesEngine);
    FakeDevice& b = server.connect("bob@example.org/laptop", *bob.engine);
    server.run();
    server.submit(f, must(financeEngine->sendMessage("bob@example.org", "finance")));
    server.submit(s, must(speechesEngine->sendMessage("bob@example.org", "speeches")));
    server.run();
    CHECK(receivedTexts(b) == std::vector<std::string>{"finance", "speeches"});

    CHECK(financeEngine->identityKey() != speechesEngine->identityKey());
    CHECK(financeEngine->deviceId() != speechesEngine->deviceId());
    storage::OmemoStore financeStore(*finance);
    storage::OmemoStore speechesStore(*speeches);
    const auto financeSession = financeStore.session("bob@example.org", bob.engine->deviceId());
    const auto speechesSession = speechesStore.session("bob@example.org", bob.engine->deviceId());
    REQUIRE(financeSession.value());
    REQUIRE(speechesSession.value());
    CHECK_FALSE(financeSession.value()->equals(*speechesSession.value()));
    // Neither compartment knows the other's account.
    CHECK(financeStore.sessionDevices("alice@speeches.example").value().empty());
    CHECK(speechesStore.sessionDevices("alice@finance.example").value().empty());

    speechesEngine.reset();
    REQUIRE(profile->removeCompartment("speeches"));
    CHECK(financeStore.session("bob@example.org", bob.engine->deviceId()).value());
    server.submit(f, must(financeEngine->sendMessage("bob@example.org", "still here")));
    server.run();
    CHECK(receivedTexts(b).back() == "still here");
    server.submit(b, must(bob.engine->sendMessage("alice@finance.example", "reply")));
    server.run();
    CHECK(receivedTexts(f).back() == "reply");
}

TEST_CASE("first-contact PreKey messages decrypt in any order, each once") {
    OmemoPeer alice("alice@example.org");
    OmemoPeer bob("bob@example.org");
    FakeXmppServer server;
    FakeDevice& a = server.connect("alice@example.org/laptop", *alice.engine);
    FakeDevice& b = server.connect("bob@example.org/laptop", *bob.engine);
    server.run();
    server.holdMessages = true;
    for (const char* text : {"p1", "p2", "p3"})
        server.submit(a, must(alice.engine->sendMessage("bob@example.org", text)));
    server.run();
    REQUIRE(server.held.size() == 3);
    for (const auto& entry : server.held)
        CHECK(entry.second.find("prekey=\"true\"") != std::string::npos);
    const auto held = server.held;
    for (int index : {2, 0, 1, 2})
        server.deliver(b, held[static_cast<std::size_t>(index)].second);
    CHECK(receivedTexts(b) == std::vector<std::string>{"p3", "p1", "p2"});
    CHECK(eventsOf(b, EventType::MessageRejected).empty());
    CHECK(eventsOf(b, EventType::Duplicate).size() == 1);
    CHECK(messageCount(*bob.vault) == 3);
    CHECK(storage::OmemoStore(*bob.vault).preKeyIds().value().size() == 100);
}

namespace {

bool isReceipt(const std::string& stanza) {
    auto parsed = xml::parse(stanza);
    return parsed && parsed.value().child("received", omemo::kReceiptsNs) != nullptr;
}

std::size_t receiptsIn(const omemo::Output& output) {
    return static_cast<std::size_t>(
        std::count_if(output.stanzas.begin(), output.stanzas.end(), isReceipt));
}

bool receivedByPeer(storage::Vault& vault, const std::string& conversation,
                    const std::string& stanzaId) {
    for (const auto& message : storage::MessageRepository(vault).latest(conversation, 100).value())
        if (message.stanzaId == stanzaId)
            return message.receivedByPeer;
    return false;
}

// Alice has sent bob one message, and nothing has answered it yet.
struct SentToBob : Pair {
    std::string id;
    std::string stanza; // as bob's device gets it

    SentToBob() {
        server.holdMessages = true;
        server.submit(a, must(alice.engine->sendMessage("bob@example.org", "hello", "msg-1")));
        server.run();
        id = "msg-1";
        for (auto& [device, copy] : server.held)
            if (device == &b)
                stanza = copy;
        server.held.clear();
        server.holdMessages = false;
    }
};

} // namespace

TEST_CASE("a one-to-one message asks for a receipt and gets one once stored") {
    SentToBob s;
    const xml::Element message = xml::parse(s.stanza).value();
    REQUIRE(message.child("request", omemo::kReceiptsNs) != nullptr); // outside <encrypted>
    omemo::Output output = must(s.bob.engine->handleStanza(s.stanza));
    REQUIRE(
        eventsOf(FakeDevice{"", nullptr, output.events, {}}, EventType::MessageReceived).size() ==
        1);
    REQUIRE(receiptsIn(output) == 1);
    const xml::Element receipt =
        xml::parse(*std::find_if(output.stanzas.begin(), output.stanzas.end(), isReceipt)).value();
    CHECK(receipt.attribute("to") == std::optional<std::string_view>("alice@example.org/laptop"));
    CHECK(receipt.child("received", omemo::kReceiptsNs)->attribute("id") ==
          std::optional<std::string_view>(s.id));
    CHECK(receipt.child("store", "urn:xmpp:hints") != nullptr);
    CHECK_FALSE(receivedByPeer(*s.alice.vault, "bob@example.org", s.id));
    s.server.submit(s.b, std::move(output));
    s.server.run();
    auto confirmed = eventsOf(s.a, EventType::ReceivedByPeer);
    REQUIRE(confirmed.size() == 1);
    CHECK(confirmed[0].stanzaId == s.id);
    CHECK(confirmed[0].peer == "bob@example.org");
    CHECK(receivedByPeer(*s.alice.vault, "bob@example.org", s.id));

    // A copy delivered again is a duplicate: answered again (a lost receipt is covered), and
    // the second receipt changes nothing on alice's side.
    omemo::Output again = must(s.bob.engine->handleStanza(s.stanza));
    CHECK(receiptsIn(again) == 1);
    s.server.submit(s.b, std::move(again));
    s.server.run();
    CHECK(eventsOf(s.a, EventType::ReceivedByPeer).size() == 1);
}

TEST_CASE("a refused message and copies from a carbon or the archive get no receipt") {
    SentToBob s;
    const std::string tampered =
        alter(s.stanza, [](xml::Element& e) { flipBase64Byte(e.children.at(1).text, 0); });
    omemo::Output refused = must(s.bob.engine->handleStanza(tampered));
    CHECK(
        eventsOf(FakeDevice{"", nullptr, refused.events, {}}, EventType::MessageRejected).size() ==
        1);
    CHECK(receiptsIn(refused) == 0);

    SECTION("a carbon of it, stored, is not answered") {
        omemo::Output carbon = must(s.bob.engine->handleStanza(
            "<message from='bob@example.org' to='bob@example.org/laptop' type='chat'>"
            "<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>" +
            s.stanza + "</forwarded></received></message>"));
        CHECK(eventsOf(FakeDevice{"", nullptr, carbon.events, {}}, EventType::MessageReceived)
                  .size() == 1);
        CHECK(receiptsIn(carbon) == 0);
    }
    SECTION("the archive's copy, stored at catch-up, is not answered") {
        s.server.submit(s.b, s.bob.engine->catchUp());
        s.server.run();
        CHECK(receivedTexts(s.b) == std::vector<std::string>{"hello"});
        CHECK(std::none_of(s.a.received.begin(), s.a.received.end(), isReceipt));
        CHECK(eventsOf(s.a, EventType::ReceivedByPeer).empty());
    }
    SECTION("the live message itself is") {
        CHECK(receiptsIn(must(s.bob.engine->handleStanza(s.stanza))) == 1);
    }
}

namespace {

// How many ReceivedByPeer events alice's engine reports for this stanza.
std::size_t confirmations(SentToBob& s, const std::string& stanza) {
    omemo::Output output = must(s.alice.engine->handleStanza(stanza));
    return eventsOf(FakeDevice{"", nullptr, output.events, {}}, EventType::ReceivedByPeer).size();
}

std::string receiptFrom(const std::string& from, const std::string& inside,
                        const std::string& attributes = {}) {
    return "<message from='" + from + "' to='alice@example.org/laptop'" + attributes + ">" +
           inside + "</message>";
}

std::string received(const std::string& id) {
    return "<received xmlns='urn:xmpp:receipts' id='" + id + "'/>";
}

const std::string kBobPhone = "bob@example.org/phone";

// The receipt `make` writes for alice's message is ignored: no event, nothing recorded; and
// bob's own receipt still counts afterwards, once.
void ignoredThenRealCounts(const std::function<std::string(const std::string& id)>& make) {
    SentToBob s;
    CHECK(confirmations(s, make(s.id)) == 0);
    CHECK_FALSE(receivedByPeer(*s.alice.vault, "bob@example.org", s.id));
    CHECK(confirmations(s, receiptFrom(kBobPhone, received(s.id))) == 1);
    CHECK(receivedByPeer(*s.alice.vault, "bob@example.org", s.id));
    CHECK(confirmations(s, receiptFrom(kBobPhone, received(s.id))) == 0);
}

} // namespace

TEST_CASE("a receipt from a third account is ignored") {
    ignoredThenRealCounts(
        [](const std::string& id) { return receiptFrom("mallory@example.org/x", received(id)); });
}

TEST_CASE("a receipt from the recipient's server is ignored") {
    ignoredThenRealCounts(
        [](const std::string& id) { return receiptFrom("example.org", received(id)); });
}

TEST_CASE("a receipt for an id never sent to its sender is ignored") {
    ignoredThenRealCounts(
        [](const std::string&) { return receiptFrom(kBobPhone, received("msg-unknown")); });
}

TEST_CASE("a receipt without an id is ignored") {
    ignoredThenRealCounts([](const std::string&) {
        return receiptFrom(kBobPhone, "<received xmlns='urn:xmpp:receipts'/>");
    });
}

TEST_CASE("a receipt with an empty id is ignored") {
    ignoredThenRealCounts([](const std::string&) { return receiptFrom(kBobPhone, received("")); });
}

TEST_CASE("a receipt with an id over 128 bytes is ignored") {
    ignoredThenRealCounts([](const std::string& id) {
        return receiptFrom(kBobPhone, received(id + std::string(200, 'x')));
    });
}

TEST_CASE("a stanza with two received elements is ignored") {
    ignoredThenRealCounts(
        [](const std::string& id) { return receiptFrom(kBobPhone, received(id) + received(id)); });
}

TEST_CASE("a receipt inside an error stanza is ignored") {
    ignoredThenRealCounts([](const std::string& id) {
        return receiptFrom(kBobPhone, received(id), " type='error'");
    });
}

TEST_CASE("a receipt in a groupchat message is ignored") {
    ignoredThenRealCounts([](const std::string& id) {
        return receiptFrom(kBobPhone, received(id), " type='groupchat'");
    });
}

TEST_CASE("a receipt in a carbon copy is ignored") {
    ignoredThenRealCounts([](const std::string& id) {
        return "<message from='alice@example.org' to='alice@example.org/laptop' type='chat'>"
               "<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>" +
               receiptFrom(kBobPhone, received(id)) + "</forwarded></received></message>";
    });
}

TEST_CASE("a receipt in an archive result we did not ask for is ignored") {
    ignoredThenRealCounts([](const std::string& id) {
        return "<message from='room@conference.example.org' to='alice@example.org/laptop'>"
               "<result xmlns='urn:xmpp:mam:2' queryid='q1' id='a1'><forwarded "
               "xmlns='urn:xmpp:forward:0'>" +
               receiptFrom(kBobPhone, received(id)) + "</forwarded></result></message>";
    });
}

TEST_CASE("room messages ask for no receipt and a receipt naming one is ignored") {
    OmemoPeer alice("alice@example.org");
    OmemoPeer bob("bob@example.org");
    FakeXmppServer server;
    const std::string room = "team@conference.example.org";
    server.rooms[room].members = {"alice@example.org", "bob@example.org"};
    FakeDevice& a = server.connect("alice@example.org/laptop", *alice.engine);
    FakeDevice& b = server.connect("bob@example.org/laptop", *bob.engine);
    server.run();
    server.submit(a, must(alice.engine->joinRoom(room, "alice")));
    server.submit(b, must(bob.engine->joinRoom(room, "bob")));
    server.run();
    const std::size_t before = b.received.size();
    server.submit(a, must(alice.engine->sendRoomMessage(room, "to the room", "room-1")));
    server.run();
    REQUIRE(receivedTexts(b) == std::vector<std::string>{"to the room"});
    for (std::size_t i = before; i < b.received.size(); ++i)
        CHECK(b.received[i].find(omemo::kReceiptsNs) == std::string::npos);
    CHECK(std::none_of(a.received.begin(), a.received.end(), isReceipt));
    for (const std::string& from : {room + "/bob", std::string("bob@example.org/laptop")}) {
        omemo::Output output = must(alice.engine->handleStanza(
            "<message from='" + from +
            "' to='alice@example.org/laptop'><received xmlns='urn:xmpp:receipts' "
            "id='room-1'/></message>"));
        CHECK(eventsOf(FakeDevice{"", nullptr, output.events, {}}, EventType::ReceivedByPeer)
                  .empty());
    }
    CHECK_FALSE(receivedByPeer(*alice.vault, room, "room-1"));
}
