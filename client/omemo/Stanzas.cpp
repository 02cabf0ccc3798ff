#include "client/omemo/Stanzas.h"

#include "crypto/AesGcm.h"

#include <charconv>

namespace cloison::omemo {
namespace {

using xml::Element;

Error invalid(const std::string& what) {
    return makeError(ErrorCode::InvalidArgument, "invalid OMEMO element: " + what);
}

Element publishOptions() {
    Element options("publish-options");
    Element& form = options.add(Element("x", "jabber:x:data")).set("type", "submit");
    form.add(Element("field"))
        .set("var", "FORM_TYPE")
        .set("type", "hidden")
        .add(Element("value"))
        .withText("http://jabber.org/protocol/pubsub#publish-options");
    form.add(Element("field"))
        .set("var", "pubsub#access_model")
        .add(Element("value"))
        .withText("open");
    return options;
}

Element publishIq(const std::string& id, const std::string& node, Element payload,
                  bool openAccess) {
    Element iq("iq");
    iq.set("id", id).set("type", "set");
    Element& pubsub = iq.add(Element("pubsub", kPubsubNs));
    Element& publish = pubsub.add(Element("publish")).set("node", node);
    publish.add(Element("item")).set("id", "current").add(std::move(payload));
    if (openAccess)
        pubsub.add(publishOptions());
    return iq;
}

Element fetchIq(const std::string& jid, const std::string& id, const std::string& node) {
    Element iq("iq");
    iq.set("id", id).set("to", jid).set("type", "get");
    iq.add(Element("pubsub", kPubsubNs)).add(Element("items")).set("node", node);
    return iq;
}

Result<Bytes> base64Field(const Element* element, const char* what) {
    if (element == nullptr)
        return invalid(std::string("missing ") + what);
    auto bytes = fromBase64(element->text);
    if (!bytes)
        return invalid(std::string(what) + " is not base64");
    return bytes;
}

Result<Bytes> publicKeyField(const Element* element, const char* what) {
    auto key = base64Field(element, what);
    if (key && (key.value().size() != 33 || key.value()[0] != 0x05))
        return invalid(std::string(what) + " is not a 33-byte Curve25519 key");
    return key;
}

} // namespace

Result<std::uint32_t> parseDeviceId(std::string_view text) {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || value == 0 || value > 0x7fffffff)
        return invalid("device id '" + std::string(text.substr(0, 16)) +
                       "' is not a number in 1..2^31-1");
    return static_cast<std::uint32_t>(value);
}

Result<std::uint32_t> parseKeyId(std::string_view text) {
    std::uint64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end || value > 0xffffffff)
        return invalid("key id '" + std::string(text.substr(0, 16)) + "' is not a number");
    return static_cast<std::uint32_t>(value);
}

std::string bareJid(std::string_view jid) {
    return std::string(jid.substr(0, jid.find('/')));
}

Element deviceListPublish(const std::vector<std::uint32_t>& devices, const std::string& id,
                          bool openAccess) {
    Element list("list", kOmemoNs);
    for (std::uint32_t device : devices)
        list.add(Element("device")).set("id", std::to_string(device));
    return publishIq(id, kDeviceListNode, std::move(list), openAccess);
}

Element bundlePublish(std::uint32_t deviceId, const Bundle& bundle, const std::string& id,
                      bool openAccess) {
    Element payload("bundle", kOmemoNs);
    payload.add(Element("signedPreKeyPublic"))
        .set("signedPreKeyId", std::to_string(bundle.signedPreKeyId))
        .withText(toBase64(bundle.signedPreKeyPublic));
    payload.add(Element("signedPreKeySignature")).withText(toBase64(bundle.signedPreKeySignature));
    payload.add(Element("identityKey")).withText(toBase64(bundle.identityKey));
    Element& preKeys = payload.add(Element("prekeys"));
    for (const PublicPreKey& key : bundle.preKeys)
        preKeys.add(Element("preKeyPublic"))
            .set("preKeyId", std::to_string(key.id))
            .withText(toBase64(key.publicKey));
    return publishIq(id, kBundleNodePrefix + std::to_string(deviceId), std::move(payload),
                     openAccess);
}

Element deviceListFetch(const std::string& jid, const std::string& id) {
    return fetchIq(jid, id, kDeviceListNode);
}

Element bundleFetch(const std::string& jid, std::uint32_t deviceId, const std::string& id) {
    return fetchIq(jid, id, kBundleNodePrefix + std::to_string(deviceId));
}

Element encryptedMessage(const std::string& to, const std::string& id,
                         const EncryptedElement& encrypted) {
    Element message("message");
    message.set("id", id).set("to", to).set("type", "chat");
    Element& body = message.add(Element("encrypted", kOmemoNs));
    Element& header = body.add(Element("header"));
    header.set("sid", std::to_string(encrypted.sid));
    for (const KeyElement& key : encrypted.keys) {
        Element& element = header.add(Element("key")).set("rid", std::to_string(key.rid));
        if (key.preKey)
            element.set("prekey", "true");
        element.withText(toBase64(key.data));
    }
    header.add(Element("iv")).withText(toBase64(encrypted.iv));
    // A key-transport message has no payload and says nothing to a person: no fallback body.
    if (encrypted.payload) {
        body.add(Element("payload")).withText(toBase64(*encrypted.payload));
        message.add(Element("body")).withText(kFallbackBody);
    }
    message.add(Element("encryption", "urn:xmpp:eme:0"))
        .set("namespace", kOmemoNs)
        .set("name", "OMEMO");
    message.add(Element("store", "urn:xmpp:hints"));
    return message;
}

Element receiptMessage(const std::string& to, const std::string& id,
                       const std::string& receivedId) {
    Element message("message");
    message.set("to", to).set("id", id);
    message.add(Element("received", kReceiptsNs)).set("id", receivedId);
    message.add(Element("store", "urn:xmpp:hints"));
    return message;
}

Result<std::vector<std::uint32_t>> parseDeviceList(const Element& list) {
    if (list.name != "list" || list.ns != kOmemoNs)
        return invalid("expected <list xmlns='" + std::string(kOmemoNs) + "'>");
    std::vector<std::uint32_t> devices;
    for (const Element* device : list.childrenNamed("device", kOmemoNs)) {
        if (devices.size() >= kMaxDevices)
            return invalid("more than " + std::to_string(kMaxDevices) + " devices");
        auto id = device->attribute("id");
        if (!id)
            return invalid("device without id");
        auto parsed = parseDeviceId(*id);
        if (!parsed)
            return parsed.error();
        devices.push_back(parsed.value());
    }
    return devices;
}

Result<Bundle> parseBundle(const Element& bundle) {
    if (bundle.name != "bundle" || bundle.ns != kOmemoNs)
        return invalid("expected <bundle xmlns='" + std::string(kOmemoNs) + "'>");
    Bundle out;
    const Element* signedPreKey = bundle.child("signedPreKeyPublic", kOmemoNs);
    auto signedPublic = publicKeyField(signedPreKey, "signedPreKeyPublic");
    if (!signedPublic)
        return signedPublic.error();
    out.signedPreKeyPublic = std::move(signedPublic.value());
    auto signedId = signedPreKey->attribute("signedPreKeyId");
    auto parsedId = parseKeyId(signedId ? *signedId : std::string_view());
    if (!parsedId)
        return invalid("signedPreKeyId missing or not a number");
    out.signedPreKeyId = parsedId.value();
    auto signature =
        base64Field(bundle.child("signedPreKeySignature", kOmemoNs), "signedPreKeySignature");
    if (!signature)
        return signature.error();
    if (signature.value().size() != 64)
        return invalid("signedPreKeySignature is not 64 bytes");
    out.signedPreKeySignature = std::move(signature.value());
    auto identity = publicKeyField(bundle.child("identityKey", kOmemoNs), "identityKey");
    if (!identity)
        return identity.error();
    out.identityKey = std::move(identity.value());
    const Element* preKeys = bundle.child("prekeys", kOmemoNs);
    if (preKeys == nullptr)
        return invalid("missing prekeys");
    for (const Element* preKey : preKeys->childrenNamed("preKeyPublic", kOmemoNs)) {
        if (out.preKeys.size() >= kMaxPreKeys)
            return invalid("more than " + std::to_string(kMaxPreKeys) + " prekeys");
        auto id = preKey->attribute("preKeyId");
        auto parsed = parseKeyId(id ? *id : std::string_view());
        if (!parsed)
            return invalid("preKeyId missing or not a number");
        auto key = publicKeyField(preKey, "preKeyPublic");
        if (!key)
            return key.error();
        out.preKeys.push_back({parsed.value(), std::move(key.value())});
    }
    if (out.preKeys.empty())
        return invalid("bundle without prekeys");
    return out;
}

Result<EncryptedElement> parseEncrypted(const Element& encrypted) {
    if (encrypted.name != "encrypted" || encrypted.ns != kOmemoNs)
        return invalid("expected <encrypted xmlns='" + std::string(kOmemoNs) + "'>");
    const Element* header = encrypted.child("header", kOmemoNs);
    if (header == nullptr)
        return invalid("missing header");
    auto sidText = header->attribute("sid");
    auto sid = parseDeviceId(sidText ? *sidText : std::string_view());
    if (!sid)
        return invalid("header sid missing or not a device id");
    EncryptedElement out;
    out.sid = sid.value();
    for (const Element* key : header->childrenNamed("key", kOmemoNs)) {
        if (out.keys.size() >= kMaxDevices)
            return invalid("more than " + std::to_string(kMaxDevices) + " keys");
        auto ridText = key->attribute("rid");
        auto rid = parseDeviceId(ridText ? *ridText : std::string_view());
        if (!rid)
            return invalid("key rid missing or not a device id");
        auto data = base64Field(key, "key");
        if (!data)
            return data.error();
        auto prekey = key->attribute("prekey");
        out.keys.push_back({rid.value(), std::move(data.value()),
                            prekey && (*prekey == "true" || *prekey == "1")});
    }
    auto iv = base64Field(header->child("iv", kOmemoNs), "iv");
    if (!iv)
        return iv.error();
    if (iv.value().size() != kAesGcmIvBytes)
        return invalid("iv is " + std::to_string(iv.value().size()) + " bytes, not 12");
    out.iv = std::move(iv.value());
    if (const Element* payload = encrypted.child("payload", kOmemoNs)) {
        auto bytes = base64Field(payload, "payload");
        if (!bytes)
            return bytes.error();
        out.payload = std::move(bytes.value());
    }
    return out;
}

std::string omemoFingerprint(ByteView identityKey) {
    const ByteView key = identityKey.size() == 33 ? identityKey.subspan(1) : identityKey;
    const std::string hex = toHex(key);
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 8) {
        if (i != 0)
            out += ' ';
        out += hex.substr(i, 8);
    }
    return out;
}

std::string verificationUri(const std::string& jid, std::uint32_t deviceId, ByteView identityKey) {
    const ByteView key = identityKey.size() == 33 ? identityKey.subspan(1) : identityKey;
    return "xmpp:" + jid + "?omemo-sid-" + std::to_string(deviceId) + "=" + toHex(key);
}

} // namespace cloison::omemo
