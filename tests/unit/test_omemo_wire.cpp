// The OMEMO wire format against real stanzas captured from profanity (../shared/samples), the
// cross-implementation vector (bob's saved state decrypts alice's first message), and the
// XML layer's refusal of malformed or hostile input.
#include "client/audit/KeyEventLog.h"
#include "client/omemo/OmemoAudit.h"
#include "client/omemo/OmemoEngine.h"
#include "client/omemo/Stanzas.h"
#include "client/omemo/Xml.h"
#include "storage/OmemoStore.h"
#include "storage/Schemas.h"
#include "tests/support/OmemoPeer.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace cloison;
using namespace cloison::test;
using xml::Element;

namespace {

const std::filesystem::path kSamples = CLOISON_SAMPLES_DIR;

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    std::string out = text.str();
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
        out.pop_back();
    return out;
}

Element sample(const std::string& name) {
    auto parsed = xml::parse(readFile(kSamples / name));
    if (!parsed)
        throw std::runtime_error(name + ": " + parsed.error().message);
    return std::move(parsed.value());
}

// A GLib key file, as profanity writes its OMEMO state: group -> key -> value.
using KeyFile = std::map<std::string, std::map<std::string, std::string>>;
KeyFile readKeyFile(const std::filesystem::path& path) {
    KeyFile out;
    std::istringstream in(readFile(path));
    std::string line;
    std::string group;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#')
            continue;
        if (line.front() == '[' && line.back() == ']') {
            group = line.substr(1, line.size() - 2);
            continue;
        }
        const auto eq = line.find('=');
        if (eq != std::string::npos)
            out[group][line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
}

std::uint32_t toU32(const std::string& text) {
    return static_cast<std::uint32_t>(std::stoul(text));
}

// Imports a profanity OMEMO directory into a compartment vault.
void importProfanityState(const std::filesystem::path& dir, storage::Vault& vault) {
    storage::OmemoStore store(vault);
    KeyFile identity = readKeyFile(dir / "identity.txt");
    auto& id = identity.at("identity");
    REQUIRE(vault.transaction([&]() -> Result<void> {
        storage::OmemoIdentityRecord record;
        record.deviceId = toU32(id.at("device_id"));
        record.registrationId = toU32(id.at("registration_id"));
        record.publicKey = fromBase64(id.at("identity_key_public")).value();
        record.privateKey = SecretBytes::copyOf(fromBase64(id.at("identity_key_private")).value());
        std::uint32_t maxPreKey = 0;
        for (const auto& entry : identity["prekeys"])
            maxPreKey = std::max(maxPreKey, toU32(entry.first));
        std::uint32_t maxSigned = 0;
        for (const auto& entry : identity["signed_prekeys"])
            maxSigned = std::max(maxSigned, toU32(entry.first));
        record.nextPreKeyId = maxPreKey + 1;
        record.nextSignedPreKeyId = maxSigned + 1;
        if (auto saved = store.saveIdentity(record); !saved)
            return saved;
        for (const auto& [key, value] : identity["prekeys"]) {
            auto put = store.putPreKey(toU32(key), SecretBytes::copyOf(fromBase64(value).value()));
            if (!put)
                return put;
        }
        for (const auto& [key, value] : identity["signed_prekeys"]) {
            auto put = store.putSignedPreKey(toU32(key),
                                             SecretBytes::copyOf(fromBase64(value).value()), 0);
            if (!put)
                return put;
        }
        for (const auto& [jid, devices] : readKeyFile(dir / "sessions.txt")) {
            for (const auto& [device, record64] : devices) {
                auto put = store.putSession(jid, toU32(device), fromBase64(record64).value());
                if (!put)
                    return put;
            }
        }
        for (const auto& [jid, devices] : readKeyFile(dir / "trust.txt")) {
            for (const auto& [device, key] : devices) {
                auto put = store.savePeerIdentity(jid, toU32(device), fromBase64(key).value());
                if (!put)
                    return put;
            }
        }
        for (const auto& [jid, devices] : readKeyFile(dir / "known_devices.txt")) {
            std::vector<std::uint32_t> ids;
            for (const auto& entry : devices)
                ids.push_back(toU32(entry.first));
            auto put = store.setDeviceList(jid, ids);
            if (!put)
                return put;
        }
        return {};
    }));
}

std::string manifestPlaintext(const std::string& file) {
    const std::string manifest = readFile(kSamples / "manifest.json");
    const std::string key = "\"" + file + "\": \"";
    const auto at = manifest.find(key);
    REQUIRE(at != std::string::npos);
    const auto start = at + key.size();
    return manifest.substr(start, manifest.find('"', start) - start);
}

// Element paths with namespaces and attribute names: the structure, without the values.
void shapeInto(std::set<std::string>& out, const Element& e, const std::string& prefix,
               const std::string& parentNs) {
    const std::string ns = e.ns.empty() ? parentNs : e.ns;
    std::vector<std::string> names;
    for (const auto& attribute : e.attributes)
        names.push_back(attribute.first);
    std::sort(names.begin(), names.end());
    std::string path = prefix + "/" + e.name + "{" + ns + "}";
    std::string line = path;
    for (const auto& name : names)
        line += " @" + name;
    out.insert(line);
    for (const auto& child : e.children)
        shapeInto(out, child, path, ns);
}

std::set<std::string> shape(const Element& e, std::initializer_list<std::string> ignore = {}) {
    std::set<std::string> out;
    shapeInto(out, e, "", "");
    std::set<std::string> filtered;
    for (const auto& line : out) {
        bool skip = false;
        for (const auto& prefix : ignore)
            skip = skip || line.rfind(prefix, 0) == 0;
        if (!skip)
            filtered.insert(line);
    }
    return filtered;
}

const Element& publishedItem(const Element& iq) {
    return iq.child("pubsub")->child("publish")->child("item")->children.at(0);
}

} // namespace

TEST_CASE("stanzas captured from profanity parse") {
    const Element published = sample("devicelist-publish.xml");
    CHECK(omemo::parseDeviceList(publishedItem(published)).value() ==
          std::vector<std::uint32_t>{2044880896});
    CHECK(omemo::parseDeviceList(publishedItem(sample("devicelist-publish-empty.xml")))
              .value()
              .empty());
    const Element fetched = sample("devicelist-fetch-result.xml");
    const Element& list = fetched.child("pubsub")->child("items")->child("item")->children.at(0);
    CHECK(omemo::parseDeviceList(list).value() == std::vector<std::uint32_t>{2114127410});

    auto bundle = omemo::parseBundle(publishedItem(sample("bundle-publish.xml")));
    REQUIRE(bundle);
    CHECK(bundle.value().preKeys.size() == 100);
    CHECK(bundle.value().signedPreKeyId == 1);
    const Element result = sample("bundle-fetch-result.xml");
    auto fetchedBundle =
        omemo::parseBundle(result.child("pubsub")->child("items")->child("item")->children.at(0));
    REQUIRE(fetchedBundle);
    CHECK(omemo::omemoFingerprint(fetchedBundle.value().identityKey) ==
          "cd7efb9f e5bd6870 9eedfbbf 072f73be 52e38d51 92ad57b2 4dda07d8 c77d111d");

    for (const char* name :
         {"encrypted-message-prekey.xml", "encrypted-message-prekey-delivered.xml",
          "encrypted-message-normal.xml", "encrypted-message-offline-delivered.xml",
          "encrypted-message-aesgcm-link.xml"}) {
        INFO(name);
        const Element message = sample(name);
        auto encrypted = omemo::parseEncrypted(*message.child("encrypted", omemo::kOmemoNs));
        REQUIRE(encrypted);
        CHECK(encrypted.value().keys.size() == 1);
        CHECK(encrypted.value().iv.size() == 12);
        CHECK(encrypted.value().payload.has_value());
        CHECK(encrypted.value().keys[0].preKey ==
              (std::string(name).find("prekey") != std::string::npos));
        CHECK(message.child("body")->text == omemo::kFallbackBody);
    }
    // The rest parse as XML too.
    for (const char* name : {"devicelist-pep-notification.xml", "devicelist-fetch-request.xml",
                             "bundle-fetch-request.xml", "http-upload-slot-request.xml",
                             "http-upload-slot-result.xml"})
        CHECK(xml::parse(readFile(kSamples / name)));
}

TEST_CASE("what Cloison publishes and sends has the structure profanity's stanzas have") {
    OmemoPeer alice("alice@localhost");
    OmemoPeer bob("bob@localhost");

    const Element ours = omemo::deviceListPublish({alice.engine->deviceId()}, "id1", false);
    CHECK(shape(ours) == shape(sample("devicelist-publish.xml")));
    CHECK(shape(omemo::deviceListPublish({}, "id2", false)) ==
          shape(sample("devicelist-publish-empty.xml")));
    // With publish-options, the same plus the access-model form.
    const Element open = omemo::deviceListPublish({1}, "id3", true);
    CHECK(shape(open, {"/iq{}/pubsub{http://jabber.org/protocol/pubsub}/publish-options"}) ==
          shape(sample("devicelist-publish.xml")));
    CHECK(xml::serialize(open).find("<field var=\"pubsub#access_model\"><value>open</value>") !=
          std::string::npos);
    CHECK(shape(omemo::deviceListFetch("bob@localhost", "x")) ==
          shape(sample("devicelist-fetch-request.xml")));
    CHECK(shape(omemo::bundleFetch("bob@localhost", 7, "x")) ==
          shape(sample("bundle-fetch-request.xml")));

    const omemo::Bundle bundle = alice.engine->bundle().value();
    CHECK(shape(omemo::bundlePublish(alice.engine->deviceId(), bundle, "id4", false)) ==
          shape(sample("bundle-publish.xml")));
    // Same encodings: base64 of 33-byte keys and a 64-byte signature, decimal ids.
    auto reparsed = omemo::parseBundle(publishedItem(
        xml::parse(xml::serialize(omemo::bundlePublish(7, bundle, "x", false))).value()));
    REQUIRE(reparsed);
    CHECK(reparsed.value().preKeys.size() == 100);

    FakeXmppServer server;
    FakeDevice& a = server.connect("alice@localhost/profanity", *alice.engine);
    FakeDevice& b = server.connect("bob@localhost/profanity", *bob.engine);
    server.run();
    server.holdMessages = true;
    server.submit(a, must(alice.engine->sendMessage("bob@localhost", "structure")));
    server.run();
    REQUIRE(server.held.size() == 1);
    Element sent = xml::parse(server.held[0].second).value();
    sent.attributes.erase(std::remove_if(sent.attributes.begin(), sent.attributes.end(),
                                         [](const auto& at) { return at.first == "from"; }),
                          sent.attributes.end());
    // profanity sends no XEP-0359 origin-id; we do, for dedupe. The fake server stamps its
    // stanza-id on delivery, as Prosody does. profanity asks for a delivery receipt (XEP-0184)
    // only of a contact whose capabilities (XEP-0115) announce receipts: none did here.
    const std::initializer_list<std::string> extras{
        "/message{}/encryption{urn:xmpp:eme:0}", "/message{}/active{",
        "/message{}/origin-id{urn:xmpp:sid:0}", "/message{}/stanza-id{urn:xmpp:sid:0}",
        "/message{}/request{urn:xmpp:receipts}"};
    CHECK(shape(sent, extras) == shape(sample("encrypted-message-prekey.xml"), extras));
    CHECK(sent.child("request", omemo::kReceiptsNs) != nullptr);
    server.deliver(b, server.held[0].second);
    server.run(); // bob's delivery receipt
    server.held.clear();
    server.submit(b, must(bob.engine->sendMessage("alice@localhost", "normal")));
    server.run();
    REQUIRE(server.held.size() == 1);
    Element reply = xml::parse(server.held[0].second).value();
    reply.attributes.erase(std::remove_if(reply.attributes.begin(), reply.attributes.end(),
                                          [](const auto& at) { return at.first == "from"; }),
                           reply.attributes.end());
    CHECK(shape(reply, extras) == shape(sample("encrypted-message-normal.xml"), extras));
    // The EME element names OMEMO's namespace; the store hint is there.
    CHECK(
        server.held[0].second.find(
            "<encryption xmlns=\"urn:xmpp:eme:0\" namespace=\"eu.siacs.conversations.axolotl\"") !=
        std::string::npos);
    CHECK(server.held[0].second.find("<store xmlns=\"urn:xmpp:hints\"/>") != std::string::npos);
    CHECK(server.held[0].second.find("structure") == std::string::npos);
}

TEST_CASE("cross-implementation vector: bob's profanity state decrypts alice's first message") {
    TempDir dir;
    auto vault = storage::Vault::create(dir / "bob.db", SecretBytes::random(32),
                                        storage::compartmentSchema());
    REQUIRE(vault);
    importProfanityState(kSamples / "keys-before" / "bob", *vault.value());
    auto engine = omemo::OmemoEngine::open(*vault.value(), "bob@localhost");
    REQUIRE(engine);
    CHECK(engine.value()->deviceId() == 2114127410);
    CHECK(engine.value()->fingerprint() ==
          "cd7efb9f e5bd6870 9eedfbbf 072f73be 52e38d51 92ad57b2 4dda07d8 c77d111d");
    CHECK(engine.value()->verificationUri() ==
          "xmpp:bob@localhost?omemo-sid-2114127410="
          "cd7efb9fe5bd68709eedfbbf072f73be52e38d5192ad57b24dda07d8c77d111d");

    // As sent by alice's profanity; the server adds the sender's address.
    Element message = sample("encrypted-message-prekey.xml");
    message.set("from", "alice@localhost/profanity");
    auto out = engine.value()->handleStanza(xml::serialize(message));
    REQUIRE(out);
    REQUIRE(out.value().events.size() == 1);
    const omemo::Event& event = out.value().events[0];
    INFO(event.reason);
    REQUIRE(event.type == omemo::EventType::MessageReceived);
    CHECK(event.text == manifestPlaintext("encrypted-message-prekey.xml"));
    CHECK(event.peer == "alice@localhost");
    CHECK(event.deviceId == 2044880896);
    // The one-time prekey alice used is gone and replaced; the new bundle is published.
    REQUIRE(out.value().stanzas.size() == 1);
    CHECK(out.value().stanzas[0].find("axolotl.bundles:2114127410") != std::string::npos);
    storage::OmemoStore store(*vault.value());
    CHECK(store.preKeyIds().value().size() == 100);

    // The same message as the server delivered it has the same id: a duplicate, dropped before
    // decrypting, not stored twice.
    auto again =
        engine.value()->handleStanza(readFile(kSamples / "encrypted-message-prekey-delivered.xml"));
    REQUIRE(again);
    REQUIRE(again.value().events.size() == 1);
    CHECK(again.value().events[0].type == omemo::EventType::Duplicate);
    CHECK(storage::MessageRepository(*vault.value()).count().value() == 1);
}

TEST_CASE("malformed, oversized and hostile XML is refused with a clear error") {
    auto refused = [](std::string_view text, const std::string& expected, xml::Limits limits = {}) {
        auto parsed = xml::parse(text, limits);
        INFO(text.substr(0, 80));
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().code == ErrorCode::InvalidArgument);
        CHECK(parsed.error().message.find(expected) != std::string::npos);
    };
    refused("<message><body>unclosed</message>", "malformed XML stanza");
    refused("<a/><b/>", "malformed XML stanza");
    refused("", "malformed XML stanza");
    refused("<!DOCTYPE lol [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>"
            "<message>&lol2;</message>",
            "DTD");
    refused(std::string(600 * 1024, ' '), "larger than");
    std::string deep;
    for (int i = 0; i < 40; ++i)
        deep += "<a>";
    for (int i = 0; i < 40; ++i)
        deep += "</a>";
    refused(deep, "nested deeper than 32");
    std::string wide = "<a>";
    for (int i = 0; i < 100; ++i)
        wide += "<b/>";
    wide += "</a>";
    refused(wide, "more than 50 elements", {512 * 1024, 32, 50});

    auto list = xml::parse("<list xmlns='eu.siacs.conversations.axolotl'><device id='0'/></list>");
    REQUIRE(list);
    CHECK_FALSE(omemo::parseDeviceList(list.value()));
    for (const char* bad : {"-5", "2147483648", "12x", "", "99999999999999999999"})
        CHECK_FALSE(omemo::parseDeviceId(bad));
    CHECK(omemo::parseDeviceId("2147483647").value() == 2147483647u);

    auto noHeader =
        xml::parse("<encrypted xmlns='eu.siacs.conversations.axolotl'><payload>AA==</payload>"
                   "</encrypted>");
    CHECK(omemo::parseEncrypted(noHeader.value()).error().message.find("missing header") !=
          std::string::npos);
    auto shortIv = xml::parse("<encrypted xmlns='eu.siacs.conversations.axolotl'><header "
                              "sid='1'><iv>AAAA</iv></header></encrypted>");
    CHECK(omemo::parseEncrypted(shortIv.value()).error().message.find("not 12") !=
          std::string::npos);
    auto badBase64 = xml::parse("<encrypted xmlns='eu.siacs.conversations.axolotl'><header "
                                "sid='1'><key rid='2'>*</key><iv>AAAAAAAAAAAAAAAA</iv></header>"
                                "</encrypted>");
    CHECK(omemo::parseEncrypted(badBase64.value()).error().message.find("base64") !=
          std::string::npos);

    OmemoPeer bob("bob@localhost");
    auto out = bob.engine->handleStanza("<message><encrypted>");
    REQUIRE_FALSE(out);
    CHECK(out.error().message.find("malformed XML stanza") != std::string::npos);
}

namespace {

std::string deviceListEvent(const std::string& from, int devices) {
    std::string list;
    for (int i = 1; i <= devices; ++i)
        list += "<device id='" + std::to_string(i) + "'/>";
    return "<message from='" + from +
           "' to='alice@localhost'><event "
           "xmlns='http://jabber.org/protocol/pubsub#event'><items "
           "node='eu.siacs.conversations.axolotl.devicelist'><item id='current'><list "
           "xmlns='eu.siacs.conversations.axolotl'>" +
           list + "</list></item></items></event></message>";
}

} // namespace

TEST_CASE("a device list over the engine's limit is refused whole and logged as limit-exceeded") {
    OmemoPeer alice("alice@localhost");
    auto log = audit::KeyEventLog::open(*alice.vault, "chat");
    REQUIRE(log);
    auto known = alice.engine->handleStanza(deviceListEvent("bob@localhost", 2));
    REQUIRE(known);
    REQUIRE(omemo::recordKeyEvents(log.value(), known.value().events));

    // A server inflating bob's device list past any real account's.
    auto flooded = alice.engine->handleStanza(
        deviceListEvent("bob@localhost", static_cast<int>(omemo::kMaxDevices) + 1));
    REQUIRE(flooded);
    const auto& events = flooded.value().events;
    auto limit = std::find_if(events.begin(), events.end(), [](const omemo::Event& event) {
        return event.type == omemo::EventType::LimitExceeded;
    });
    REQUIRE(limit != events.end());
    CHECK(limit->peer == "bob@localhost");
    CHECK_THAT(limit->reason, Catch::Contains("more than 1000 devices"));
    CHECK(std::none_of(events.begin(), events.end(), [](const omemo::Event& event) {
        return event.type == omemo::EventType::DeviceListUpdated;
    }));
    // The devices known before stay; nothing of the flood was kept.
    CHECK(storage::OmemoStore(*alice.vault).activeDevices("bob@localhost").value() ==
          std::vector<std::uint32_t>{1, 2});
    REQUIRE(omemo::recordKeyEvents(log.value(), events));
    const std::string exported = log.value().exportJsonLines().value();
    CHECK_THAT(exported, Catch::Contains("\"limit-exceeded\""));
    CHECK_THAT(exported, Catch::Contains("more than 1000 devices"));

    // At the limit it is still a device list.
    auto full = alice.engine->handleStanza(
        deviceListEvent("bob@localhost", static_cast<int>(omemo::kMaxDevices)));
    REQUIRE(full);
    CHECK(storage::OmemoStore(*alice.vault).activeDevices("bob@localhost").value().size() ==
          omemo::kMaxDevices);
}

TEST_CASE(
    "a bundle over the engine's prekey limit gets no session and is logged as limit-exceeded") {
    OmemoPeer alice("alice@localhost");
    // The IQ the engine sent last of the given kind, found by the node it asks for.
    auto idOfFetch = [](const omemo::Output& out, const std::string& node) {
        for (const std::string& stanza : out.stanzas) {
            if (stanza.find(node) != std::string::npos && stanza.starts_with("<iq"))
                return std::string(xml::parse(stanza).value().attribute("id").value_or(""));
        }
        return std::string();
    };
    auto sent = alice.engine->sendMessage("bob@localhost", "hello", "m1");
    REQUIRE(sent);
    const std::string listFetch = idOfFetch(sent.value(), omemo::kDeviceListNode);
    REQUIRE_FALSE(listFetch.empty());
    auto listed = alice.engine->handleStanza(
        "<iq type='result' from='bob@localhost' to='alice@localhost/cloison' id='" + listFetch +
        "'><pubsub xmlns='http://jabber.org/protocol/pubsub'><items node='" +
        omemo::kDeviceListNode +
        "'><item id='current'><list xmlns='eu.siacs.conversations.axolotl'><device "
        "id='2114127410'/></list></item></items></pubsub></iq>");
    REQUIRE(listed);
    const std::string bundleFetch =
        idOfFetch(listed.value(), std::string(omemo::kBundleNodePrefix) + "2114127410");
    REQUIRE_FALSE(bundleFetch.empty());

    // profanity's real bundle, its 100 prekeys repeated past the limit.
    std::string bundle = readFile(kSamples / "bundle-fetch-result.xml");
    const auto open = bundle.find("<prekeys>") + 9;
    const auto close = bundle.find("</prekeys>");
    const std::string preKeys = bundle.substr(open, close - open);
    std::string many;
    for (std::size_t i = 0; i <= omemo::kMaxPreKeys / 100; ++i)
        many += preKeys;
    bundle.replace(open, close - open, many);
    const auto idAt = bundle.find("id='") + 4;
    bundle.replace(idAt, bundle.find('\'', idAt) - idAt, bundleFetch);
    auto answered = alice.engine->handleStanza(bundle);
    REQUIRE(answered);
    const auto& events = answered.value().events;
    auto limit = std::find_if(events.begin(), events.end(), [](const omemo::Event& event) {
        return event.type == omemo::EventType::LimitExceeded;
    });
    REQUIRE(limit != events.end());
    CHECK(limit->deviceId == 2114127410u);
    CHECK_THAT(limit->reason, Catch::Contains("more than 1000 prekeys"));
    CHECK(std::none_of(events.begin(), events.end(), [](const omemo::Event& event) {
        return event.type == omemo::EventType::SessionStarted;
    }));
    // With its only device refused, the message reaches no one and the sender is told.
    CHECK(std::any_of(events.begin(), events.end(), [](const omemo::Event& event) {
        return event.type == omemo::EventType::MessageRejected && event.stanzaId == "m1";
    }));
}
