// The legacy OMEMO wire format (XEP-0384 v0.3, eu.siacs.conversations.axolotl) exactly as
// Conversations, Dino, Gajim and profanity write it: device lists and bundles over PEP, and
// <encrypted> messages with a per-device key element, a 12-byte IV and an AES-128-GCM payload.
#pragma once

#include "client/omemo/SignalAdapter.h"
#include "client/omemo/Xml.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cloison::omemo {

inline constexpr const char* kOmemoNs = "eu.siacs.conversations.axolotl";
inline constexpr const char* kDeviceListNode = "eu.siacs.conversations.axolotl.devicelist";
inline constexpr const char* kBundleNodePrefix = "eu.siacs.conversations.axolotl.bundles:";
inline constexpr const char* kPubsubNs = "http://jabber.org/protocol/pubsub";
inline constexpr const char* kPubsubEventNs = "http://jabber.org/protocol/pubsub#event";
inline constexpr const char* kReceiptsNs = "urn:xmpp:receipts"; // XEP-0184
inline constexpr const char* kFallbackBody =
    "You received a message encrypted with OMEMO but your client doesn't support OMEMO.";
inline constexpr std::size_t kMaxDevices = 1000;
inline constexpr std::size_t kMaxPreKeys = 1000;
inline constexpr std::size_t kMinKeyMaterialBytes = 32; // 16-byte key + 16-byte GCM tag

struct KeyElement {
    std::uint32_t rid = 0;
    Bytes data; // a serialized (PreKey)SignalMessage
    bool preKey = false;
};

struct EncryptedElement {
    std::uint32_t sid = 0;
    std::vector<KeyElement> keys;
    Bytes iv;
    std::optional<Bytes> payload; // absent: a key transport element (no message text)
};

// Device ids are 31-bit positive integers written in decimal.
[[nodiscard]] Result<std::uint32_t> parseDeviceId(std::string_view text);
// Prekey and signed prekey ids: unsigned 32-bit decimal.
[[nodiscard]] Result<std::uint32_t> parseKeyId(std::string_view text);
[[nodiscard]] std::string bareJid(std::string_view jid);

// Builders. `openAccess` adds publish-options pubsub#access_model=open (so non-contacts can
// start sessions), as Conversations does; servers without publish-options get it without.
xml::Element deviceListPublish(const std::vector<std::uint32_t>& devices, const std::string& id,
                               bool openAccess);
xml::Element bundlePublish(std::uint32_t deviceId, const Bundle& bundle, const std::string& id,
                           bool openAccess);
xml::Element deviceListFetch(const std::string& jid, const std::string& id);
xml::Element bundleFetch(const std::string& jid, std::uint32_t deviceId, const std::string& id);
xml::Element encryptedMessage(const std::string& to, const std::string& id,
                              const EncryptedElement& encrypted);
// The delivery receipt (XEP-0184) for message `receivedId`, to the full JID that sent it; kept
// offline and archived by the server (a store hint: it has no body) so that a sender who is
// away still learns of it.
xml::Element receiptMessage(const std::string& to, const std::string& id,
                            const std::string& receivedId);

// Parsers: InvalidArgument saying what is wrong.
[[nodiscard]] Result<std::vector<std::uint32_t>> parseDeviceList(const xml::Element& list);
[[nodiscard]] Result<Bundle> parseBundle(const xml::Element& bundle);
[[nodiscard]] Result<EncryptedElement> parseEncrypted(const xml::Element& encrypted);

// "cd7efb9f e5bd6870 ..." — the identity key without its type byte, in lowercase hex groups of
// eight, as Conversations, Dino and Gajim show it.
std::string omemoFingerprint(ByteView identityKey);
// xmpp:bob@example.org?omemo-sid-123=cd7efb9f... — the URI the standard clients put in QR codes.
std::string verificationUri(const std::string& jid, std::uint32_t deviceId, ByteView identityKey);

} // namespace cloison::omemo
