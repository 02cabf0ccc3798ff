#include "client/omemo/OmemoEngine.h"

#include "crypto/AesGcm.h"
#include "crypto/Hash.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <ctime>

namespace cloison::omemo {
namespace {

constexpr const char* kStanzaErrorNs = "urn:ietf:params:xml:ns:xmpp-stanzas";

// The payload element of the first item of a pubsub result, or null when there is none.
const xml::Element* itemPayload(const xml::Element& iq, std::string_view name) {
    const xml::Element* pubsub = iq.child("pubsub", kPubsubNs);
    const xml::Element* items = pubsub ? pubsub->child("items") : nullptr;
    const xml::Element* item = items ? items->child("item") : nullptr;
    return item ? item->child(name, kOmemoNs) : nullptr;
}

// Prosody answers a missing node with item-not-found and no legacy code='404'; older servers
// send only the code. Both mean "nothing published".
bool isItemNotFound(const xml::Element& iq) {
    const xml::Element* error = iq.child("error");
    if (error == nullptr)
        return false;
    return error->child("item-not-found", kStanzaErrorNs) != nullptr ||
           error->attribute("code") == std::optional<std::string_view>("404");
}

std::string errorCondition(const xml::Element& iq) {
    const xml::Element* error = iq.child("error");
    if (error != nullptr) {
        for (const xml::Element& condition : error->children) {
            if (condition.ns == kStanzaErrorNs && condition.name != "text")
                return condition.name;
        }
    }
    return "unknown error";
}

} // namespace

void Output::append(Output&& other) {
    std::move(other.events.begin(), other.events.end(), std::back_inserter(events));
    std::move(other.stanzas.begin(), other.stanzas.end(), std::back_inserter(stanzas));
}

OmemoEngine::OmemoEngine(storage::Vault& vault, std::string jid, EngineOptions options)
    : m_vault(vault), m_jid(std::move(jid)), m_options(std::move(options)), m_store(vault),
      m_messages(vault) {}

OmemoEngine::~OmemoEngine() = default;

Result<std::unique_ptr<OmemoEngine>> OmemoEngine::open(storage::Vault& vault, std::string ownJid,
                                                       EngineOptions options) {
    if (ownJid.empty() || ownJid.find('/') != std::string::npos)
        return makeError(ErrorCode::InvalidArgument, "the engine needs our bare JID");
    std::unique_ptr<OmemoEngine> engine(new OmemoEngine(vault, std::move(ownJid), options));
    auto context = SignalContext::create();
    if (!context)
        return context.error();
    engine->m_context = std::move(context.value());
    auto store = SignalStore::create(*engine->m_context, engine->m_store);
    if (!store)
        return store.error();
    engine->m_signalStore = std::move(store.value());
    engine->m_adapter = std::make_unique<SignalAdapter>(*engine->m_context, *engine->m_signalStore);
    engine->m_keys =
        std::make_unique<KeyManager>(*engine->m_adapter, engine->m_store, engine->m_options.keys);
    if (auto created = KeyManager::ensureIdentity(*engine->m_adapter, engine->m_store,
                                                  engine->m_options.keys, engine->now());
        !created)
        return created.error();
    auto identity = engine->m_store.identity();
    if (!identity)
        return identity.error();
    engine->m_keyScratch = SecretBytes(kMinKeyMaterialBytes);
    engine->m_deviceId = identity.value()->deviceId;
    engine->m_identityKey = identity.value()->publicKey;
    return engine;
}

std::int64_t OmemoEngine::now() const {
    return m_options.clock ? m_options.clock() : static_cast<std::int64_t>(std::time(nullptr));
}

std::string OmemoEngine::nextId() {
    return "omemo-" + randomId().substr(0, 16) + "-" + std::to_string(++m_counter);
}

std::string OmemoEngine::sendIq(Output& out, const xml::Element& iq, PendingIq pending) {
    const std::string id(iq.attribute("id").value_or(""));
    out.stanzas.push_back(xml::serialize(iq));
    m_pendingIqs[id] = std::move(pending);
    return id;
}

void OmemoEngine::publishOwn(Output& out, std::vector<std::uint32_t> devices) {
    if (std::find(devices.begin(), devices.end(), m_deviceId) == devices.end())
        devices.push_back(m_deviceId);
    m_ownDevices = devices;
    PendingIq pending{IqKind::Publish, m_jid, 0, {}};
    if (m_options.openAccess)
        pending.retryWithoutOptions = xml::serialize(deviceListPublish(devices, nextId(), false));
    sendIq(out, deviceListPublish(devices, nextId(), m_options.openAccess), std::move(pending));
}

Result<void> OmemoEngine::publishBundle(Output& out) {
    auto current = m_keys->bundle();
    if (!current)
        return current.error();
    PendingIq pending{IqKind::Publish, m_jid, m_deviceId, {}};
    if (m_options.openAccess)
        pending.retryWithoutOptions =
            xml::serialize(bundlePublish(m_deviceId, current.value(), nextId(), false));
    sendIq(out, bundlePublish(m_deviceId, current.value(), nextId(), m_options.openAccess),
           std::move(pending));
    return {};
}

Output OmemoEngine::start() {
    Output out;
    sendIq(out, deviceListFetch(m_jid, nextId()), {IqKind::OwnDeviceList, m_jid, 0, {}});
    return out;
}

Result<Output> OmemoEngine::maintainKeys() {
    bool changed = false;
    auto done = m_vault.transaction([&]() -> Result<void> {
        auto maintained = m_keys->maintain(now());
        if (!maintained)
            return maintained.error();
        changed = maintained.value();
        return {};
    });
    if (!done)
        return done.error();
    Output out;
    if (changed) {
        if (auto published = publishBundle(out); !published)
            return published.error();
    }
    return out;
}

Result<Output> OmemoEngine::handleStanza(std::string_view stanza) {
    auto parsed = xml::parse(stanza, m_options.xmlLimits);
    if (!parsed)
        return parsed.error();
    const xml::Element& root = parsed.value();
    if (root.name == "iq")
        return handleIq(root);
    if (root.name == "message")
        return handleMessage(root);
    return Output{};
}

Result<Output> OmemoEngine::handleIq(const xml::Element& iq) {
    Output out;
    const std::string type(iq.attribute("type").value_or(""));
    auto found = m_pendingIqs.find(std::string(iq.attribute("id").value_or("")));
    if ((type != "result" && type != "error") || found == m_pendingIqs.end())
        return out; // not an answer to us: the XMPP layer deals with it
    // Answers about a peer's nodes must come from that peer's account.
    const std::string from = bareJid(iq.attribute("from").value_or(m_jid));
    if (from != found->second.jid)
        return out;
    const PendingIq pending = found->second;
    m_pendingIqs.erase(found);
    const bool ok = type == "result";

    switch (pending.kind) {
    case IqKind::DeviceList:
    case IqKind::OwnDeviceList: {
        std::vector<std::uint32_t> devices;
        if (const xml::Element* list = ok ? itemPayload(iq, "list") : nullptr) {
            auto parsed = parseDeviceList(*list);
            if (!parsed)
                return parsed.error();
            devices = std::move(parsed.value());
        } else if (!ok && !isItemNotFound(iq) && pending.kind == IqKind::DeviceList) {
            out.events.push_back({EventType::DeviceUnreachable,
                                  pending.jid,
                                  0,
                                  {},
                                  "device list fetch failed: " + errorCondition(iq)});
        }
        if (pending.kind == IqKind::OwnDeviceList) {
            if (auto stored = m_store.setDeviceList(m_jid, devices); !stored)
                return stored.error();
            m_ownDevices = devices;
            if (std::find(devices.begin(), devices.end(), m_deviceId) != devices.end()) {
                // Listed already: ours, or another device that drew the same id?
                sendIq(out, bundleFetch(m_jid, m_deviceId, nextId()),
                       {IqKind::OwnBundle, m_jid, m_deviceId, {}});
            } else {
                publishOwn(out, devices);
                if (auto published = publishBundle(out); !published)
                    return published.error();
            }
        } else if (auto updated = onDeviceList(out, pending.jid, devices, true); !updated) {
            return updated.error();
        }
        break;
    }
    case IqKind::OwnBundle:
        onOwnBundle(out, ok ? itemPayload(iq, "bundle") : nullptr);
        if (auto published = publishBundle(out); !published)
            return published.error();
        break;
    case IqKind::Bundle:
        if (!ok)
            out.events.push_back({EventType::DeviceUnreachable,
                                  pending.jid,
                                  pending.deviceId,
                                  {},
                                  "bundle fetch failed: " + errorCondition(iq)});
        if (auto built = onBundle(out, pending.jid, pending.deviceId,
                                  ok ? itemPayload(iq, "bundle") : nullptr);
            !built)
            return built.error();
        break;
    case IqKind::Publish:
        if (!ok && !pending.retryWithoutOptions.empty()) {
            // The server does not do publish-options: publish with its default access model.
            auto retry = xml::parse(pending.retryWithoutOptions);
            if (!retry)
                return retry.error();
            sendIq(out, retry.value(), {IqKind::Publish, pending.jid, pending.deviceId, {}});
        } else if (!ok) {
            out.events.push_back({EventType::PublishFailed,
                                  m_jid,
                                  pending.deviceId,
                                  {},
                                  "publishing failed: " + errorCondition(iq)});
        }
        break;
    }
    return out;
}

void OmemoEngine::onOwnBundle(Output& out, const xml::Element* element) {
    if (element == nullptr)
        return; // listed without a bundle: ours, from a run that stopped before publishing
    auto published = parseBundle(*element);
    if (published && published.value().identityKey == m_identityKey)
        return;
    // Another device of this account uses our id: take a fresh one, keep theirs listed.
    const std::uint32_t old = m_deviceId;
    std::vector<std::uint32_t> taken = m_ownDevices;
    const std::uint32_t fresh = KeyManager::newDeviceId(taken);
    if (auto changed = m_store.setDeviceId(fresh); !changed) {
        out.events.push_back({EventType::PublishFailed, m_jid, old, {}, changed.error().message});
        return;
    }
    m_deviceId = fresh;
    out.events.push_back({EventType::DeviceIdChanged,
                          m_jid,
                          fresh,
                          {},
                          "device id " + std::to_string(old) + " is used by another device"});
    publishOwn(out, taken);
}

Result<void> OmemoEngine::onDeviceList(Output& out, const std::string& jid,
                                       std::vector<std::uint32_t> devices, bool fromFetch) {
    if (auto stored = m_store.setDeviceList(jid, devices); !stored)
        return stored;
    if (jid == m_jid) {
        m_ownDevices = devices;
        if (std::find(devices.begin(), devices.end(), m_deviceId) == devices.end())
            publishOwn(out, devices); // someone dropped us from our own list: back in
        return {};
    }
    out.events.push_back({EventType::DeviceListUpdated, jid, 0, {}, {}});
    if (!fromFetch)
        return {};
    // Messages waiting for this list now wait for the bundles of its new devices.
    for (Outgoing& pending : m_outbox) {
        if (pending.peer != jid || !pending.awaiting.count({jid, 0}))
            continue;
        auto missing = missingSessions(jid, out);
        if (!missing)
            return missing.error();
        for (const auto& device : missing.value()) {
            if (device.second != 0)
                pending.awaiting.insert(device);
        }
    }
    resolve(out, jid, 0);
    return {};
}

Result<void> OmemoEngine::onBundle(Output& out, const std::string& jid, std::uint32_t deviceId,
                                   const xml::Element* element) {
    m_fetching.erase({jid, deviceId});
    if (element != nullptr) {
        auto parsed = parseBundle(*element);
        Result<void> started = parsed ? Result<void>() : Result<void>(parsed.error());
        if (parsed) {
            const Bundle& bundle = parsed.value();
            const PublicPreKey& preKey = bundle.preKeys[randombytes_uniform(
                static_cast<std::uint32_t>(bundle.preKeys.size()))];
            started = m_vault.transaction([&]() -> Result<void> {
                return m_adapter->startSession(jid, deviceId, bundle, preKey);
            });
        }
        if (started)
            out.events.push_back({EventType::SessionStarted, jid, deviceId, {}, {}});
        else
            out.events.push_back(
                {EventType::DeviceUnreachable, jid, deviceId, {}, started.error().message});
    }
    resolve(out, jid, deviceId);
    return {};
}

Result<std::set<std::pair<std::string, std::uint32_t>>>
OmemoEngine::missingSessions(const std::string& peer, Output& out) {
    std::set<std::pair<std::string, std::uint32_t>> missing;
    auto peerDevices = m_store.activeDevices(peer);
    if (!peerDevices)
        return peerDevices.error();
    if (peerDevices.value().empty()) {
        missing.insert({peer, 0});
        if (m_fetching.insert({peer, 0}).second)
            sendIq(out, deviceListFetch(peer, nextId()), {IqKind::DeviceList, peer, 0, {}});
    }
    auto ownDevices = m_store.activeDevices(m_jid);
    if (!ownDevices)
        return ownDevices.error();
    std::vector<std::pair<std::string, std::uint32_t>> targets;
    for (std::uint32_t device : peerDevices.value())
        targets.emplace_back(peer, device);
    for (std::uint32_t device : ownDevices.value()) {
        if (device != m_deviceId)
            targets.emplace_back(m_jid, device);
    }
    for (const auto& [jid, device] : targets) {
        auto has = m_store.hasSession(jid, device);
        if (!has)
            return has.error();
        if (has.value())
            continue;
        missing.insert({jid, device});
        if (m_fetching.insert({jid, device}).second)
            sendIq(out, bundleFetch(jid, device, nextId()), {IqKind::Bundle, jid, device, {}});
    }
    return missing;
}

void OmemoEngine::resolve(Output& out, const std::string& jid, std::uint32_t deviceId) {
    if (deviceId == 0)
        m_fetching.erase({jid, 0});
    std::vector<Outgoing> ready;
    for (auto it = m_outbox.begin(); it != m_outbox.end();) {
        it->awaiting.erase({jid, deviceId});
        if (it->awaiting.empty()) {
            ready.push_back(std::move(*it));
            it = m_outbox.erase(it);
        } else {
            ++it;
        }
    }
    for (const Outgoing& message : ready) {
        auto sent = encryptNow(message.peer, message.text, message.stanzaId);
        if (sent)
            out.append(std::move(sent.value()));
        else
            out.events.push_back({EventType::MessageRejected,
                                  message.peer,
                                  0,
                                  {},
                                  sent.error().message,
                                  0,
                                  message.stanzaId});
    }
}

Result<Output> OmemoEngine::sendMessage(const std::string& peerJid, const std::string& text,
                                        std::string stanzaId) {
    if (stanzaId.empty())
        stanzaId = nextId();
    const std::string peer = bareJid(peerJid);
    if (peer.empty() || peer == m_jid)
        return makeError(ErrorCode::InvalidArgument, "a message needs a peer other than us");
    Output out;
    auto missing = missingSessions(peer, out);
    if (!missing)
        return missing.error();
    if (missing.value().empty())
        return encryptNow(peer, text, stanzaId);
    m_outbox.push_back({peer, text, std::move(stanzaId), std::move(missing.value())});
    return out;
}

Result<Output> OmemoEngine::encryptNow(const std::string& peer, const std::string& text,
                                       const std::string& stanzaId) {
    std::vector<std::pair<std::string, std::uint32_t>> targets;
    for (const std::string& jid : {peer, m_jid}) {
        auto devices = m_store.sessionDevices(jid);
        if (!devices)
            return devices.error();
        auto active = m_store.activeDevices(jid);
        if (!active)
            return active.error();
        for (std::uint32_t device : devices.value()) {
            const bool listed = std::find(active.value().begin(), active.value().end(), device) !=
                                active.value().end();
            if (listed && !(jid == m_jid && device == m_deviceId))
                targets.emplace_back(jid, device);
        }
    }
    Output out;
    EncryptedElement encrypted;
    encrypted.sid = m_deviceId;
    encrypted.iv = randomBytes(kAesGcmIvBytes);
    std::int64_t messageId = 0;
    auto done = m_vault.transaction([&]() -> Result<void> {
        // The engine's guarded scratch buffer: the fresh AES key, then the GCM tag once the
        // payload is sealed; wiped below whatever happens. (A guarded allocation per message
        // would cost more than the whole ratchet step.)
        SecretBytes& material = m_keyScratch;
        struct Wipe {
            SecretBytes& buffer;
            ~Wipe() { sodium_memzero(buffer.data(), buffer.size()); }
        } wipe{material};
        randombytes_buf(material.data(), kAesGcmKeyBytes);
        auto sealed =
            aes128GcmEncrypt(material.view().first(kAesGcmKeyBytes), encrypted.iv, asBytes(text));
        if (!sealed)
            return sealed.error();
        std::memcpy(material.data() + kAesGcmKeyBytes, sealed.value().tag.data(), kAesGcmTagBytes);
        bool reachedPeer = false;
        std::string failures;
        for (const auto& [jid, device] : targets) {
            auto sealedKey = m_adapter->encrypt(jid, device, material.view());
            if (!sealedKey) {
                failures += "; device " + std::to_string(device) + ": " + sealedKey.error().message;
                out.events.push_back(
                    {EventType::DeviceUnreachable, jid, device, {}, sealedKey.error().message});
                continue;
            }
            reachedPeer = reachedPeer || jid == peer;
            encrypted.keys.push_back(
                {device, std::move(sealedKey.value().data), sealedKey.value().preKey});
        }
        if (!reachedPeer)
            return makeError(ErrorCode::NotFound,
                             "no OMEMO device of " + peer + " can receive this message" + failures);
        encrypted.payload = std::move(sealed.value().ciphertext);
        auto stored = m_messages.append({peer, m_jid, now() * 1000, text});
        if (!stored)
            return stored.error();
        messageId = stored.value();
        return {};
    });
    if (!done)
        return done.error();
    out.stanzas.push_back(xml::serialize(encryptedMessage(peer, stanzaId, encrypted)));
    out.events.push_back({EventType::MessageSent, peer, 0, {}, {}, messageId, stanzaId});
    return out;
}

Result<Output> OmemoEngine::handleMessage(const xml::Element& message) {
    Output out;
    const std::string from = bareJid(message.attribute("from").value_or(m_jid));
    if (const xml::Element* event = message.child("event", kPubsubEventNs)) {
        const xml::Element* items = event->child("items");
        if (items != nullptr &&
            items->attribute("node") == std::optional<std::string_view>(kDeviceListNode)) {
            const xml::Element* item = items->child("item");
            const xml::Element* list = item ? item->child("list", kOmemoNs) : nullptr;
            std::vector<std::uint32_t> devices;
            if (list != nullptr) {
                auto parsed = parseDeviceList(*list);
                if (!parsed)
                    return parsed.error();
                devices = std::move(parsed.value());
            }
            if (auto updated = onDeviceList(out, from, devices, false); !updated)
                return updated.error();
        }
        return out;
    }
    const xml::Element* element = message.child("encrypted", kOmemoNs);
    if (element == nullptr)
        return out;
    auto encrypted = parseEncrypted(*element);
    if (!encrypted) {
        out.events.push_back({EventType::MessageRejected, from, 0, {}, encrypted.error().message});
        return out;
    }
    // A copy of what another device of ours sent belongs to the conversation it was sent to.
    std::string conversation = from;
    if (from == m_jid) {
        if (encrypted.value().sid == m_deviceId)
            return out; // our own message reflected back
        conversation = bareJid(message.attribute("to").value_or(m_jid));
    }
    out.append(decrypt(from, conversation, encrypted.value()));
    return out;
}

Output OmemoEngine::decrypt(const std::string& from, const std::string& conversation,
                            const EncryptedElement& encrypted) {
    Output out;
    const std::uint32_t sid = encrypted.sid;
    auto reject = [&](std::string reason) {
        out.events.push_back({EventType::MessageRejected, from, sid, {}, std::move(reason)});
        return std::move(out);
    };
    auto mine = std::find_if(encrypted.keys.begin(), encrypted.keys.end(),
                             [&](const KeyElement& key) { return key.rid == m_deviceId; });
    if (mine == encrypted.keys.end())
        return reject("not encrypted for this device");

    std::string text;
    std::int64_t messageId = 0;
    bool bundleChanged = false;
    auto done = m_vault.transaction([&]() -> Result<void> {
        bool usedPreKey = false;
        auto material = m_adapter->decrypt(from, sid, mine->data, mine->preKey, usedPreKey);
        if (!material)
            return material.error();
        if (material.value().view().size() < kMinKeyMaterialBytes)
            return makeError(ErrorCode::InvalidArgument,
                             "key material is " + std::to_string(material.value().view().size()) +
                                 " bytes; 32 (AES key and GCM tag) are required");
        if (material.value().view().size() != kMinKeyMaterialBytes)
            return makeError(ErrorCode::InvalidArgument, "key material is not 32 bytes");
        if (usedPreKey) {
            auto changed = m_keys->maintain(now());
            if (!changed)
                return changed.error();
            bundleChanged = changed.value();
        }
        if (!encrypted.payload)
            return {}; // key transport: it only moved the ratchet forward
        const ByteView key = material.value().view().first(kAesGcmKeyBytes);
        const ByteView tag = material.value().view().subspan(kAesGcmKeyBytes, kAesGcmTagBytes);
        auto plain = aes128GcmDecrypt(key, encrypted.iv, *encrypted.payload, tag);
        if (!plain)
            return plain.error();
        text.assign(plain.value().begin(), plain.value().end());
        sodium_memzero(plain.value().data(), plain.value().size());
        auto stored = m_messages.append({conversation, from, now() * 1000, text});
        if (!stored)
            return stored.error();
        messageId = stored.value();
        return {};
    });
    if (!done)
        return reject(done.error().message);
    if (bundleChanged) {
        if (auto published = publishBundle(out); !published)
            out.events.push_back(
                {EventType::PublishFailed, m_jid, m_deviceId, {}, published.error().message});
    }
    if (encrypted.payload)
        out.events.push_back(
            {EventType::MessageReceived, from, sid, std::move(text), {}, messageId});
    return out;
}

} // namespace cloison::omemo
