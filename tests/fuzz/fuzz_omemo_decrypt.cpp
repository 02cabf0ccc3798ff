// The OMEMO decrypt path, with a real established session: alice@example.org and
// bob@example.org (fresh vaults per process, started through the fake server, one message
// each way). The first byte picks what the rest of the input is:
//  0  an <encrypted> message to bob from alice's device: u8 flags (1: prekey, 2: payload),
//     u16 key length, the key element's bytes (a (PreKey)SignalMessage), a 12-byte IV and the
//     payload; bob's engine takes it as a stanza;
//  1  a device list <list> element (parsed, then rebuilt and parsed again: same devices);
//  2  a <bundle> element (parsed, rebuilt and parsed again: same bundle; then an X3DH session
//     started from it for a third party, which must then encrypt);
//  3  edits to a real message alice has just sent (byte flips, truncation, prekey flag):
//     bob gets the edited copy, then the original; he must end with the text exactly once
//     and never with any other text;
//  4  raw bytes to libsignal-protocol-c's protobuf deserialisers.
// Engine state carries over between inputs (bob only changes state on a message that
// authenticates), so the session stays established for the whole run.
#include "client/omemo/SignalAdapter.h"
#include "client/omemo/SignalStore.h"
#include "client/omemo/Stanzas.h"
#include "tests/fuzz/FuzzEngine.h"
#include "tests/support/FakeXmppServer.h"

#include <signal/protocol.h>
#include <signal/session_pre_key.h>
#include <signal/session_record.h>

#include <cstdint>
#include <string>

using namespace cloison;
using namespace cloison::fuzz;
using omemo::EventType;

namespace {

struct Fixture {
    test::TempDir dir;
    FuzzParty alice{dir / "alice.db", "alice@example.org"};
    FuzzParty bob{dir / "bob.db", "bob@example.org"};
    test::FakeXmppServer server;
    test::FakeDevice* a = nullptr;
    test::FakeDevice* b = nullptr;
    std::unique_ptr<SignalContext> context;
    std::unique_ptr<storage::OmemoStore> scratchStore;
    std::unique_ptr<omemo::SignalStore> scratchSignal;
    std::unique_ptr<omemo::SignalAdapter> scratch;
    std::uint64_t sent = 0;

    Fixture() {
        a = &server.connect("alice@example.org/laptop", *alice.engine);
        b = &server.connect("bob@example.org/laptop", *bob.engine);
        server.run();
        server.submit(*a, alice.engine->sendMessage("bob@example.org", "hello").value());
        server.run();
        server.submit(*b, bob.engine->sendMessage("alice@example.org", "hi").value());
        server.run();
        FUZZ_CHECK(b->events.size() > 0 && a->events.size() > 0);
        server.holdMessages = true;

        auto created = SignalContext::create();
        FUZZ_CHECK(created.ok());
        context = std::move(created.value());
        scratchStore = std::make_unique<storage::OmemoStore>(*bob.vault);
        auto signalStore = omemo::SignalStore::create(*context, *scratchStore);
        FUZZ_CHECK(signalStore.ok());
        scratchSignal = std::move(signalStore.value());
        scratch = std::make_unique<omemo::SignalAdapter>(*context, *scratchSignal);
    }
};

Fixture& fixture() {
    static Fixture instance;
    return instance;
}

std::string messageTo(const std::string& from, const omemo::EncryptedElement& encrypted) {
    xml::Element message = omemo::encryptedMessage("bob@example.org", "m1", encrypted);
    message.set("from", from);
    return xml::serialize(message);
}

int received(const omemo::Output& out, const std::string& expected) {
    int count = 0;
    for (const auto& event : out.events) {
        if (event.type == EventType::MessageReceived) {
            FUZZ_CHECK(event.text == expected);
            ++count;
        }
    }
    return count;
}

void rawMessage(Fixture& f, ByteView in) {
    if (in.size() < 3)
        return;
    const std::uint8_t flags = in[0];
    const std::size_t keyLength = std::min<std::size_t>(in[1] | (in[2] << 8), in.size() - 3);
    in = in.subspan(3);
    omemo::EncryptedElement encrypted;
    encrypted.sid = f.alice.engine->deviceId();
    encrypted.keys.push_back(
        {f.bob.engine->deviceId(), Bytes(in.begin(), in.begin() + keyLength), (flags & 1) != 0});
    in = in.subspan(keyLength);
    const std::size_t ivLength = std::min<std::size_t>(12, in.size());
    encrypted.iv.assign(in.begin(), in.begin() + ivLength);
    if (flags & 2)
        encrypted.payload = Bytes(in.begin() + ivLength, in.end());
    auto out = f.bob.engine->handleStanza(messageTo("alice@example.org/laptop", encrypted));
    FUZZ_CHECK(out.ok());
    checkOutput(out.value());
    // Forging a message needs the session's keys: the fuzzer never has them.
    FUZZ_CHECK(received(out.value(), "") == 0);
}

// The payload of a PEP publish, as a receiver parses it.
const xml::Element* publishedItem(const xml::Element& iq) {
    const xml::Element* pubsub = iq.child("pubsub", omemo::kPubsubNs);
    FUZZ_CHECK(pubsub != nullptr);
    const xml::Element* publish = pubsub->child("publish", omemo::kPubsubNs);
    FUZZ_CHECK(publish != nullptr);
    const xml::Element* item = publish->child("item", omemo::kPubsubNs);
    FUZZ_CHECK(item != nullptr && !item->children.empty());
    return item;
}

void deviceList(ByteView in) {
    auto parsed = xml::parse(std::string_view(reinterpret_cast<const char*>(in.data()), in.size()));
    if (!parsed)
        return;
    auto devices = omemo::parseDeviceList(parsed.value());
    if (!devices)
        return;
    FUZZ_CHECK(devices.value().size() <= omemo::kMaxDevices);
    for (auto id : devices.value())
        FUZZ_CHECK(id >= 1 && id <= 0x7fffffffu);
    auto publish =
        xml::parse(xml::serialize(omemo::deviceListPublish(devices.value(), "id", false)));
    FUZZ_CHECK(publish.ok());
    const xml::Element* item = publishedItem(publish.value());
    auto again = omemo::parseDeviceList(item->children.front());
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again.value() == devices.value());
}

bool sameBundle(const omemo::Bundle& x, const omemo::Bundle& y) {
    if (x.signedPreKeyId != y.signedPreKeyId || x.signedPreKeyPublic != y.signedPreKeyPublic ||
        x.signedPreKeySignature != y.signedPreKeySignature || x.identityKey != y.identityKey ||
        x.preKeys.size() != y.preKeys.size())
        return false;
    for (std::size_t i = 0; i < x.preKeys.size(); ++i) {
        if (x.preKeys[i].id != y.preKeys[i].id || x.preKeys[i].publicKey != y.preKeys[i].publicKey)
            return false;
    }
    return true;
}

void bundle(Fixture& f, ByteView in) {
    auto parsed = xml::parse(std::string_view(reinterpret_cast<const char*>(in.data()), in.size()));
    if (!parsed)
        return;
    auto bundle = omemo::parseBundle(parsed.value());
    if (!bundle)
        return;
    FUZZ_CHECK(bundle.value().preKeys.size() <= omemo::kMaxPreKeys);
    auto publish = xml::parse(xml::serialize(omemo::bundlePublish(7, bundle.value(), "id", false)));
    FUZZ_CHECK(publish.ok());
    const xml::Element* item = publishedItem(publish.value());
    auto again = omemo::parseBundle(item->children.front());
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(sameBundle(again.value(), bundle.value()));
    if (bundle.value().preKeys.empty())
        return;
    auto started = f.scratch->startSession("mallory@example.org", 7, bundle.value(),
                                           bundle.value().preKeys.front());
    if (!started)
        return;
    const Bytes material(32, 0x5a);
    auto encrypted = f.scratch->encrypt("mallory@example.org", 7, material);
    FUZZ_CHECK(encrypted.ok());
    FUZZ_CHECK(encrypted.value().preKey);
}

void editedMessage(Fixture& f, ByteView in) {
    const std::string text = "message " + std::to_string(++f.sent);
    auto out = f.alice.engine->sendMessage("bob@example.org", text);
    FUZZ_CHECK(out.ok());
    f.server.submit(*f.a, std::move(out.value()));
    f.server.run();
    FUZZ_CHECK(f.server.held.size() == 1);
    const std::string original = f.server.held.front().second;
    f.server.held.clear();

    xml::Element edited = xml::parse(original).value();
    xml::Element* encrypted = nullptr;
    for (auto& child : edited.children) {
        if (child.name == "encrypted")
            encrypted = &child;
    }
    FUZZ_CHECK(encrypted != nullptr);
    auto element = omemo::parseEncrypted(*encrypted);
    FUZZ_CHECK(element.ok());
    omemo::EncryptedElement e = std::move(element.value());
    FUZZ_CHECK(e.keys.size() == 1 && e.payload.has_value());
    for (std::size_t i = 0; i + 2 <= in.size() && i < 16; i += 2) {
        const std::uint8_t where = in[i];
        const std::uint8_t what = in[i + 1];
        Bytes* target = (where & 0xc0) == 0x00   ? &e.keys[0].data
                        : (where & 0xc0) == 0x40 ? &e.iv
                                                 : &*e.payload;
        const std::size_t at = where & 0x3f;
        if ((where & 0xc0) == 0xc0 && what == 0) {
            e.keys[0].preKey = !e.keys[0].preKey;
        } else if (what == 0xff) {
            if (at < target->size())
                target->resize(at);
        } else if (at < target->size()) {
            (*target)[at] ^= what;
        }
    }
    std::string from(edited.attribute("from").value_or(""));
    auto first = f.bob.engine->handleStanza(messageTo(from, e));
    FUZZ_CHECK(first.ok());
    auto second = f.bob.engine->handleStanza(original);
    FUZZ_CHECK(second.ok());
    FUZZ_CHECK(received(first.value(), text) + received(second.value(), text) == 1);
}

void protobufs(Fixture& f, ByteView in) {
    signal_context* context = f.context->get();
    const std::uint8_t* data = in.data();
    const std::size_t size = in.size();
    signal_message* message = nullptr;
    if (signal_message_deserialize(&message, data, size, context) == 0)
        SIGNAL_UNREF(message);
    pre_key_signal_message* preKeyMessage = nullptr;
    if (pre_key_signal_message_deserialize(&preKeyMessage, data, size, context) == 0)
        SIGNAL_UNREF(preKeyMessage);
    session_record* record = nullptr;
    if (session_record_deserialize(&record, data, size, context) == 0)
        SIGNAL_UNREF(record);
    session_pre_key* preKey = nullptr;
    if (session_pre_key_deserialize(&preKey, data, size, context) == 0)
        SIGNAL_UNREF(preKey);
    session_signed_pre_key* signedPreKey = nullptr;
    if (session_signed_pre_key_deserialize(&signedPreKey, data, size, context) == 0)
        SIGNAL_UNREF(signedPreKey);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0 || size > 64 * 1024)
        return 0;
    Fixture& f = fixture();
    const ByteView in(data + 1, size - 1);
    switch (data[0] % 5) {
    case 0:
        rawMessage(f, in);
        break;
    case 1:
        deviceList(in);
        break;
    case 2:
        bundle(f, in);
        break;
    case 3:
        editedMessage(f, in);
        break;
    default:
        protobufs(f, in);
        break;
    }
    return 0;
}
