#include "client/omemo/OmemoEngine.h"

#include "client/linkguard/Utf8.h"
#include "crypto/AesGcm.h"
#include "crypto/Hash.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <ctime>

namespace cloison::omemo {
namespace {

constexpr const char* kStanzaErrorNs = "urn:ietf:params:xml:ns:xmpp-stanzas";
constexpr const char* kCarbonsNs = "urn:xmpp:carbons:2";
constexpr const char* kForwardNs = "urn:xmpp:forward:0";
constexpr const char* kMamNs = "urn:xmpp:mam:2";
constexpr const char* kStanzaIdNs = "urn:xmpp:sid:0";
constexpr const char* kDelayNs = "urn:xmpp:delay";
constexpr const char* kRsmNs = "http://jabber.org/protocol/rsm";
constexpr const char* kDataFormsNs = "jabber:x:data";
constexpr const char* kMucNs = "http://jabber.org/protocol/muc";
constexpr const char* kMucUserNs = "http://jabber.org/protocol/muc#user";
constexpr const char* kMucAdminNs = "http://jabber.org/protocol/muc#admin";
constexpr std::size_t kMaxRoomOccupants = 1000;
constexpr std::size_t kMaxStanzaIdBytes = 128;
constexpr int kMaxArchivePages = 1000;                      // 100,000 messages per catch-up
constexpr std::int64_t kSessionResetIntervalSeconds = 3600; // per device
constexpr const char* kArchivePageSize = "100";

// Wipes the engine's scratch key buffer when a scope ends, however it ends.
struct WipeOnExit {
    SecretBytes& buffer;
    ~WipeOnExit() { sodium_memzero(buffer.data(), buffer.size()); }
};

// Ids come from other clients and servers: bounded, and no control characters (they end up in
// the vault and in events).
bool validStanzaId(std::string_view id) {
    if (id.empty() || id.size() > kMaxStanzaIdBytes)
        return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte >= 0x20 && byte != 0x7f;
    });
}

// The sender's id for a message: its XEP-0359 origin-id when present (rooms and some servers
// rewrite the id attribute), else the id attribute. Empty: none.
std::string senderStanzaId(const xml::Element& message) {
    if (const xml::Element* origin = message.child("origin-id", kStanzaIdNs))
        return std::string(origin->attribute("id").value_or(""));
    return std::string(message.attribute("id").value_or(""));
}

// The id our server gave the message (XEP-0359 <stanza-id by=our account>); others' claims
// are ignored, since anyone can add the element.
std::string serverStanzaId(const xml::Element& message, const std::string& by) {
    for (const xml::Element* element : message.childrenNamed("stanza-id", kStanzaIdNs)) {
        if (element->attribute("by") == std::optional<std::string_view>(by)) {
            const std::string id(element->attribute("id").value_or(""));
            return validStanzaId(id) ? id : std::string();
        }
    }
    return {};
}

bool parseNumber(std::string_view text, int& out) {
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end;
}

// XEP-0082 date-time (2026-11-30T22:05:13.250Z, or with a +hh:mm offset) in milliseconds
// since the epoch; nothing when it is not one.
std::optional<std::int64_t> parseStamp(std::string_view stamp) {
    if (stamp.size() < 20 || stamp.size() > 40 || stamp[4] != '-' || stamp[7] != '-' ||
        stamp[10] != 'T' || stamp[13] != ':' || stamp[16] != ':')
        return std::nullopt;
    std::tm tm{};
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!parseNumber(stamp.substr(0, 4), year) || !parseNumber(stamp.substr(5, 2), month) ||
        !parseNumber(stamp.substr(8, 2), day) || !parseNumber(stamp.substr(11, 2), hour) ||
        !parseNumber(stamp.substr(14, 2), minute) || !parseNumber(stamp.substr(17, 2), second))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    std::size_t pos = 19;
    int millis = 0;
    if (stamp[pos] == '.') {
        std::size_t digits = 0;
        for (++pos; pos < stamp.size() && stamp[pos] >= '0' && stamp[pos] <= '9'; ++pos, ++digits) {
            if (digits < 3)
                millis = millis * 10 + (stamp[pos] - '0');
        }
        if (digits == 0)
            return std::nullopt;
        for (; digits < 3; ++digits)
            millis *= 10;
    }
    std::int64_t offsetSeconds = 0;
    const std::string_view zone = stamp.substr(std::min(pos, stamp.size()));
    if (zone == "Z") {
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
        int zh = 0, zm = 0;
        if (!parseNumber(zone.substr(1, 2), zh) || !parseNumber(zone.substr(4, 2), zm) || zh > 23 ||
            zm > 59)
            return std::nullopt;
        offsetSeconds = (zh * 3600 + zm * 60) * (zone[0] == '+' ? 1 : -1);
    } else {
        return std::nullopt;
    }
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    const std::int64_t seconds = static_cast<std::int64_t>(timegm(&tm)) - offsetSeconds;
    return seconds * 1000 + millis;
}

// The message inside <forwarded>, if there is exactly the expected shape.
const xml::Element* forwardedMessage(const xml::Element& wrapper) {
    const xml::Element* forwarded = wrapper.child("forwarded", kForwardNs);
    return forwarded ? forwarded->child("message") : nullptr;
}

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
      m_messages(vault), m_certified(vault) {}

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

Result<bool> OmemoEngine::certified(const std::string& jid, std::uint32_t deviceId, ByteView key) {
    if (!m_options.strictTrust)
        return true;
    return key.empty() ? m_certified.hasDevice(jid, deviceId)
                       : m_certified.isCertified(jid, deviceId, key);
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

bool OmemoEngine::announcing(const PendingIq& pending) const {
    // A room joined right after start() counts too: until its member list is in, a message to
    // the room would have nobody to go to.
    return pending.kind == IqKind::OwnDeviceList || pending.kind == IqKind::OwnBundle ||
           pending.kind == IqKind::Members ||
           (pending.kind == IqKind::Publish && pending.jid == m_jid);
}

Output OmemoEngine::start() {
    Output out;
    // Announcements of an earlier connection will never be answered: this one starts afresh.
    std::erase_if(m_pendingIqs, [&](const auto& p) { return announcing(p.second); });
    m_announcing = true;
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
    if (root.name == "presence")
        handlePresence(root);
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
        const xml::Element* list = ok ? itemPayload(iq, "list") : nullptr;
        if (list != nullptr && pending.kind == IqKind::DeviceList &&
            overDeviceLimit(out, pending.jid, *list)) {
            // Refused whole: the devices known before stay, and waiting messages go to them.
            auto known = m_store.activeDevices(pending.jid);
            if (!known)
                return known.error();
            if (auto updated = onDeviceList(out, pending.jid, known.value(), true); !updated)
                return updated.error();
            break;
        }
        if (list != nullptr) {
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
    case IqKind::Archive: {
        auto query = m_archiveQueries.find(pending.queryId);
        if (query == m_archiveQueries.end())
            break;
        const xml::Element* fin = ok ? iq.child("fin", kMamNs) : nullptr;
        if (fin == nullptr) {
            finishArchive(out, pending.queryId,
                          ok ? "the archive answered without <fin>"
                             : "the archive query failed: " + errorCondition(iq));
            break;
        }
        if (fin->attribute("complete") == std::optional<std::string_view>("true")) {
            finishArchive(out, pending.queryId, {});
            break;
        }
        const xml::Element* set = fin->child("set", kRsmNs);
        const xml::Element* last = set ? set->child("last") : nullptr;
        const std::string next = last ? last->text : std::string();
        // A server that does not move forward, or pages forever, is not followed.
        if (!validStanzaId(next) || next == query->second.after)
            finishArchive(out, pending.queryId, "the archive did not say where to continue");
        else if (query->second.pages >= kMaxArchivePages)
            finishArchive(out, pending.queryId,
                          "stopped after " + std::to_string(kMaxArchivePages) + " pages");
        else
            queryArchive(out, pending.jid, pending.queryId, next);
        break;
    }
    case IqKind::Members: {
        auto room = m_rooms.find(pending.jid);
        const xml::Element* query = ok ? iq.child("query", kMucAdminNs) : nullptr;
        if (room == m_rooms.end() || query == nullptr)
            break;
        for (const xml::Element* item : query->childrenNamed("item")) {
            const std::string member = bareJid(item->attribute("jid").value_or(""));
            if (!member.empty() && room->second.members.size() < kMaxRoomOccupants)
                room->second.members.insert(member);
        }
        break;
    }
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
    if (m_announcing && std::none_of(m_pendingIqs.begin(), m_pendingIqs.end(),
                                     [&](const auto& p) { return announcing(p.second); })) {
        m_announcing = false;
        out.events.push_back({EventType::Announced, m_jid, m_deviceId, {}, {}});
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
        if (!pending.awaiting.count({jid, 0}))
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

bool OmemoEngine::overDeviceLimit(Output& out, const std::string& jid, const xml::Element& list) {
    if (list.childrenNamed("device", kOmemoNs).size() <= kMaxDevices)
        return false;
    out.events.push_back(
        {EventType::LimitExceeded,
         jid,
         0,
         {},
         "a device list of more than " + std::to_string(kMaxDevices) + " devices was refused"});
    return true;
}

Result<void> OmemoEngine::onBundle(Output& out, const std::string& jid, std::uint32_t deviceId,
                                   const xml::Element* element) {
    m_fetching.erase({jid, deviceId});
    const xml::Element* preKeys = element ? element->child("prekeys", kOmemoNs) : nullptr;
    if (preKeys != nullptr &&
        preKeys->childrenNamed("preKeyPublic", kOmemoNs).size() > kMaxPreKeys) {
        const std::string why =
            "a bundle of more than " + std::to_string(kMaxPreKeys) + " prekeys was refused";
        out.events.push_back({EventType::LimitExceeded, jid, deviceId, {}, why});
        out.events.push_back({EventType::DeviceUnreachable, jid, deviceId, {}, why});
        resolve(out, jid, deviceId);
        return {};
    }
    if (element != nullptr) {
        auto parsed = parseBundle(*element);
        Result<void> started = parsed ? Result<void>() : Result<void>(parsed.error());
        if (parsed) {
            auto allowed = certified(jid, deviceId, parsed.value().identityKey);
            if (!allowed)
                return allowed.error();
            if (!allowed.value()) {
                // A device the server lists but the organisation did not certify (or under a
                // key other than the certified one) gets no session and no message.
                Event refused{EventType::DeviceUnreachable,
                              jid,
                              deviceId,
                              {},
                              "the organisation did not certify this device's identity key"};
                refused.uncertified = true;
                refused.fingerprint = omemoFingerprint(parsed.value().identityKey);
                out.events.push_back(std::move(refused));
                resolve(out, jid, deviceId);
                return {};
            }
        }
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
        auto allowed = certified(jid, device);
        if (!allowed)
            return allowed.error();
        if (!allowed.value())
            continue; // strict trust: not even its bundle is fetched
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
        auto sent = encryptNow(message);
        if (sent)
            out.append(std::move(sent.value()));
        else // our own message: the stanza id lets the sender's outbox report it
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
    const std::string peer = bareJid(peerJid);
    if (peer.empty() || peer == m_jid)
        return makeError(ErrorCode::InvalidArgument, "a message needs a peer other than us");
    if (stanzaId.empty())
        stanzaId = nextId();
    else if (!validStanzaId(stanzaId) || std::any_of(stanzaId.begin(), stanzaId.end(), [](char c) {
                 return static_cast<unsigned char>(c) > 0x7e;
             }))
        return makeError(ErrorCode::InvalidArgument,
                         "a stanza id is 1 to 128 printable ASCII characters");
    Output out;
    auto missing = missingSessions(peer, out);
    if (!missing)
        return missing.error();
    Outgoing message{peer, text, std::move(missing.value()), std::move(stanzaId), {peer}, false};
    if (message.awaiting.empty())
        return encryptNow(message);
    m_outbox.push_back(std::move(message));
    return out;
}

// XEP-0384: the message that arrived on a broken session is lost, but the sender's next ones
// need not be. A new session from its bundle, announced by an empty key-transport message,
// replaces the sender's broken one (and ours).
void OmemoEngine::resetSession(Output& out, const std::string& jid, std::uint32_t deviceId) {
    const auto device = std::make_pair(jid, deviceId);
    auto last = m_resetAt.find(device);
    if (last != m_resetAt.end() && now() - last->second < kSessionResetIntervalSeconds)
        return;
    m_resetAt[device] = now();
    // The session we hold, if any, is not removed: libsignal keeps it as a previous state of
    // the new one, so messages already sent on it still decrypt (the trigger may be forged).
    Outgoing transport{jid, {}, {device}, nextId(), {jid}, false};
    transport.keyTransportTo = deviceId;
    m_outbox.push_back(std::move(transport));
    if (m_fetching.insert(device).second)
        sendIq(out, bundleFetch(jid, deviceId, nextId()), {IqKind::Bundle, jid, deviceId, {}});
}

// Fresh key material for one device and no payload: it only carries the new session.
Output OmemoEngine::sendKeyTransport(const Outgoing& message) {
    Output out;
    EncryptedElement encrypted;
    encrypted.sid = m_deviceId;
    encrypted.iv = randomBytes(kAesGcmIvBytes);
    auto done = m_vault.transaction([&]() -> Result<void> {
        SecretBytes& material = m_keyScratch;
        WipeOnExit wipe{material};
        randombytes_buf(material.data(), kMinKeyMaterialBytes);
        auto sealedKey = m_adapter->encrypt(message.peer, message.keyTransportTo,
                                            material.view().first(kMinKeyMaterialBytes));
        if (!sealedKey)
            return sealedKey.error();
        encrypted.keys.push_back(
            {message.keyTransportTo, std::move(sealedKey.value().data), sealedKey.value().preKey});
        return {};
    });
    if (!done) {
        out.events.push_back({EventType::DeviceUnreachable,
                              message.peer,
                              message.keyTransportTo,
                              {},
                              "no new session could be started: " + done.error().message});
        return out;
    }
    out.stanzas.push_back(
        xml::serialize(encryptedMessage(message.peer, message.stanzaId, encrypted)));
    out.events.push_back({EventType::SessionReset,
                          message.peer,
                          message.keyTransportTo,
                          {},
                          "the sender's session was broken; a new one was sent"});
    return out;
}

Result<Output> OmemoEngine::encryptNow(const Outgoing& message) {
    if (message.keyTransportTo != 0)
        return sendKeyTransport(message);
    const std::string& peer = message.peer;
    const std::string& text = message.text;
    const std::string& stanzaId = message.stanzaId;
    std::vector<std::pair<std::string, std::uint32_t>> targets;
    std::vector<std::string> jids = message.recipients;
    jids.push_back(m_jid);
    const bool manual = m_options.manualTrust && !m_options.strictTrust;
    std::set<std::string> vouchedFor; // manual trust: only their trusted devices get it
    for (const std::string& jid : jids) {
        if (manual) {
            auto vouched = contactVouchedFor(m_vault, jid);
            if (!vouched)
                return vouched.error();
            if (vouched.value())
                vouchedFor.insert(jid);
        }
        auto devices = m_store.sessionDevices(jid);
        if (!devices)
            return devices.error();
        auto active = m_store.activeDevices(jid);
        if (!active)
            return active.error();
        for (std::uint32_t device : devices.value()) {
            const bool listed = std::find(active.value().begin(), active.value().end(), device) !=
                                active.value().end();
            if (!listed || (jid == m_jid && device == m_deviceId))
                continue;
            if (m_options.strictTrust) {
                auto key = m_store.peerIdentity(jid, device);
                if (!key)
                    return key.error();
                if (!key.value())
                    continue;
                auto allowed = m_certified.isCertified(jid, device, *key.value());
                if (!allowed)
                    return allowed.error();
                if (!allowed.value())
                    continue;
            } else if (vouchedFor.contains(jid)) {
                // A new device, or a verified one under another key, waits for a verification.
                auto key = m_store.peerIdentity(jid, device);
                if (!key)
                    return key.error();
                if (!key.value())
                    continue;
                auto trust = manualDeviceTrust(m_vault, jid, device, *key.value());
                if (!trust)
                    return trust.error();
                if (!isTrusted(trust.value()))
                    continue;
            }
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
        WipeOnExit wipe{material};
        randombytes_buf(material.data(), kAesGcmKeyBytes);
        auto sealed =
            aes128GcmEncrypt(material.view().first(kAesGcmKeyBytes), encrypted.iv, asBytes(text));
        if (!sealed)
            return sealed.error();
        std::memcpy(material.data() + kAesGcmKeyBytes, sealed.value().tag.data(), kAesGcmTagBytes);
        std::set<std::string> reached;
        std::string failures;
        for (const auto& [jid, device] : targets) {
            auto sealedKey = m_adapter->encrypt(jid, device, material.view());
            if (!sealedKey) {
                failures += "; device " + std::to_string(device) + ": " + sealedKey.error().message;
                out.events.push_back(
                    {EventType::DeviceUnreachable, jid, device, {}, sealedKey.error().message});
                continue;
            }
            reached.insert(jid);
            encrypted.keys.push_back(
                {device, std::move(sealedKey.value().data), sealedKey.value().preKey});
        }
        // Every recipient must be able to read it: in a room, a member left out would see
        // the others answer a message it never got.
        for (const std::string& recipient : message.recipients) {
            if (!reached.count(recipient))
                return makeError(ErrorCode::NotFound,
                                 std::string(m_options.strictTrust ? "no certified"
                                             : vouchedFor.contains(recipient)
                                                 ? "no verified (or certified)"
                                                 : "no") +
                                     " OMEMO device of " + recipient + " can receive this message" +
                                     (vouchedFor.contains(recipient)
                                          ? " (its other devices wait for a verification)"
                                          : "") +
                                     failures);
        }
        encrypted.payload = std::move(sealed.value().ciphertext);
        // A resend of a stored message (the caller's outbox after a crash) is not stored again.
        auto existing = m_messages.findByStanzaId(peer, m_jid, stanzaId);
        if (!existing)
            return existing.error();
        if (existing.value()) {
            messageId = *existing.value();
            return {};
        }
        storage::NewMessage row{peer, m_jid, now() * 1000, text, stanzaId};
        row.receiptRequested = !message.groupchat;
        auto stored = m_messages.append(row);
        if (!stored)
            return stored.error();
        messageId = stored.value();
        return {};
    });
    if (!done)
        return done.error();
    xml::Element stanza = encryptedMessage(peer, stanzaId, encrypted);
    if (message.groupchat) {
        for (auto& attribute : stanza.attributes) {
            if (attribute.first == "type")
                attribute.second = "groupchat";
        }
    }
    stanza.add(xml::Element("origin-id", kStanzaIdNs)).set("id", stanzaId);
    // Outside <encrypted>, as Conversations and profanity put it. A room has no single
    // recipient whose receipt would mean anything.
    if (!message.groupchat)
        stanza.add(xml::Element("request", kReceiptsNs));
    out.stanzas.push_back(xml::serialize(stanza));
    Event sent{EventType::MessageSent, peer, 0, {}, {}, messageId};
    sent.stanzaId = stanzaId;
    out.events.push_back(std::move(sent));
    return out;
}

Result<Output> OmemoEngine::handleMessage(const xml::Element& message) {
    Output out;
    const std::optional<std::string_view> fromAttribute = message.attribute("from");
    for (const char* kind : {"received", "sent"}) {
        const xml::Element* carbon = message.child(kind, kCarbonsNs);
        if (carbon == nullptr)
            continue;
        // Only our own server speaks for our account: anyone else's "carbon" is a forgery
        // meant to make us file their words under someone else's name.
        auto reject = [&](std::string reason) {
            out.events.push_back({EventType::MessageRejected,
                                  bareJid(fromAttribute.value_or("")),
                                  0,
                                  {},
                                  std::move(reason)});
            return std::move(out);
        };
        if (fromAttribute != std::optional<std::string_view>(m_jid))
            return reject("a carbon copy that does not come from our own account");
        const xml::Element* inner = forwardedMessage(*carbon);
        if (inner == nullptr)
            return reject("a carbon copy without a forwarded message");
        Inbound inbound;
        inbound.via = std::string_view(kind) == "sent" ? Inbound::Via::CarbonSent
                                                       : Inbound::Via::CarbonReceived;
        inbound.serverId = serverStanzaId(*inner, m_jid);
        return processMessage(*inner, inbound);
    }
    if (const xml::Element* result = message.child("result", kMamNs))
        return handleArchived(message, *result);
    const std::string from = bareJid(fromAttribute.value_or(m_jid));
    if (const xml::Element* event = message.child("event", kPubsubEventNs)) {
        const xml::Element* items = event->child("items");
        if (items != nullptr &&
            items->attribute("node") == std::optional<std::string_view>(kDeviceListNode)) {
            const xml::Element* item = items->child("item");
            const xml::Element* list = item ? item->child("list", kOmemoNs) : nullptr;
            if (list != nullptr && from != m_jid && overDeviceLimit(out, from, *list))
                return out;
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
    Inbound inbound;
    inbound.serverId = serverStanzaId(message, m_jid);
    return processMessage(message, inbound);
}

Result<Output> OmemoEngine::handleArchived(const xml::Element& message,
                                           const xml::Element& result) {
    Output out;
    const std::string queryId(result.attribute("queryid").value_or(""));
    auto query = m_archiveQueries.find(queryId);
    const std::optional<std::string_view> from = message.attribute("from");
    auto reject = [&](std::string reason) {
        out.events.push_back(
            {EventType::MessageRejected, bareJid(from.value_or("")), 0, {}, std::move(reason)});
        return std::move(out);
    };
    if (query == m_archiveQueries.end())
        return reject("an archive result for a query we did not make");
    // Our account's archive answers from our bare JID (or without a from); a room's from the
    // room. Results for one archive cannot be slipped into another's query.
    const std::string archive = query->second.archive;
    const bool fromArchive = from ? *from == archive : archive == m_jid;
    if (!fromArchive)
        return reject("an archive result that does not come from the archive we asked");
    const std::string archiveId(result.attribute("id").value_or(""));
    const xml::Element* inner = forwardedMessage(result);
    if (!validStanzaId(archiveId) || inner == nullptr)
        return reject("a malformed archive result");
    Inbound inbound;
    inbound.via = Inbound::Via::Archive;
    inbound.queryId = queryId;
    inbound.archiveId = archiveId;
    inbound.serverId = archiveId;
    inbound.archive = archive;
    const xml::Element* forwarded = result.child("forwarded", kForwardNs);
    if (const xml::Element* delay = forwarded->child("delay", kDelayNs)) {
        if (auto stamp = parseStamp(delay->attribute("stamp").value_or("")))
            inbound.sentAtMs = *stamp;
    }
    return processMessage(*inner, inbound);
}

void OmemoEngine::advanceCursor(Output& out, const Inbound& inbound) {
    if (inbound.via != Inbound::Via::Archive)
        return;
    auto query = m_archiveQueries.find(inbound.queryId);
    if (query == m_archiveQueries.end())
        return;
    if (auto stored = m_messages.setArchiveCursor(query->second.archive, inbound.archiveId);
        !stored)
        out.events.push_back({EventType::MessageRejected,
                              query->second.archive,
                              0,
                              {},
                              "the archive position was not saved: " + stored.error().message});
}

Output OmemoEngine::processMessage(const xml::Element& message, const Inbound& inbound) {
    Output out;
    const bool forwarded = inbound.via != Inbound::Via::Direct;
    const std::optional<std::string_view> fromAttribute = message.attribute("from");
    std::string from = bareJid(fromAttribute.value_or(forwarded ? "" : m_jid));
    const std::string to = bareJid(message.attribute("to").value_or(m_jid));
    const bool groupchat =
        message.attribute("type") == std::optional<std::string_view>("groupchat");
    auto reject = [&](std::uint32_t sid, std::string reason) {
        out.events.push_back({EventType::MessageRejected, from, sid, {}, std::move(reason)});
        advanceCursor(out, inbound);
        return std::move(out);
    };
    const xml::Element* element = message.child("encrypted", kOmemoNs);
    if (element == nullptr) {
        acceptReceipt(out, message, from, inbound);
        advanceCursor(out, inbound);
        return out;
    }
    if (from.empty())
        return reject(0, "a forwarded message without a sender");
    std::string conversation = from;
    if (groupchat) {
        // A room message: from the room itself (live) or from the room's own archive, by an
        // occupant whose real JID the room told us. The sender is then proven by the OMEMO
        // session with that JID, not by the room's word.
        auto room = m_rooms.find(from);
        const bool fromRoom = room != m_rooms.end() &&
                              (inbound.via == Inbound::Via::Direct ||
                               (inbound.via == Inbound::Via::Archive && inbound.archive == from));
        if (!fromRoom)
            return reject(0, "a groupchat message that does not come from a room we are in");
        const std::string full(fromAttribute.value_or(""));
        const std::size_t slash = full.find('/');
        const std::string nick =
            slash == std::string::npos ? std::string() : full.substr(slash + 1);
        auto occupant = room->second.occupants.find(nick);
        std::string real = occupant != room->second.occupants.end() ? occupant->second : "";
        if (real.empty() && inbound.via == Inbound::Via::Archive) {
            const xml::Element* x = message.child("x", kMucUserNs);
            const xml::Element* item = x ? x->child("item") : nullptr;
            real = bareJid(item ? item->attribute("jid").value_or("") : "");
        }
        if (real.empty())
            return reject(0, "a room message from an occupant whose JID the room did not give");
        conversation = from;
        from = real;
    } else if (from == m_jid)
        conversation = to;
    else if (forwarded && to != m_jid)
        return reject(0, "a forwarded message that is neither to nor from us");
    if (groupchat && inbound.via != Inbound::Via::Direct && inbound.via != Inbound::Via::Archive)
        return reject(0, "a carbon of a room message");
    if (inbound.via == Inbound::Via::CarbonSent && from != m_jid)
        return reject(0, "a sent carbon of a message that is not ours");
    if (inbound.via == Inbound::Via::CarbonReceived && from == m_jid)
        return reject(0, "a received carbon of our own message");
    auto encrypted = parseEncrypted(*element);
    if (!encrypted)
        return reject(0, encrypted.error().message);
    const std::uint32_t sid = encrypted.value().sid;
    if (from == m_jid && sid == m_deviceId) {
        advanceCursor(out, inbound); // our own message reflected back: stored when sent
        return out;
    }
    const std::string stanzaId = senderStanzaId(message);
    if (!stanzaId.empty() && !validStanzaId(stanzaId))
        return reject(sid, "a stanza id longer than 128 bytes or with control characters");
    // A live one-to-one message that asks for a receipt (XEP-0184) gets one, to the full JID
    // that sent it and naming its id attribute, once it is stored. Not a room's, a carbon's or
    // the archive's: those are copies, and their sender was answered by the device it reached.
    const std::string sender(fromAttribute.value_or(""));
    const std::string id(message.attribute("id").value_or(""));
    const bool receiptWanted =
        inbound.via == Inbound::Via::Direct && !groupchat && from != m_jid &&
        message.child("request", kReceiptsNs) != nullptr &&
        message.attribute("type") != std::optional<std::string_view>("error") &&
        sender.find('/') != std::string::npos && validStanzaId(id);
    // Dedupe before decrypting: a second copy would otherwise fail in the ratchet as a replay
    // and look like an attack.
    if (!stanzaId.empty()) {
        auto existing = m_messages.findByStanzaId(conversation, from, stanzaId);
        if (!existing)
            return reject(sid, existing.error().message);
        if (existing.value()) {
            Event duplicate{EventType::Duplicate, from, sid, {}, "already stored",
                            *existing.value()};
            duplicate.stanzaId = stanzaId;
            duplicate.conversation = conversation;
            out.events.push_back(std::move(duplicate));
            advanceCursor(out, inbound);
            // Stored already: the receipt again covers one that was lost on the way.
            if (receiptWanted)
                out.stanzas.push_back(xml::serialize(receiptMessage(sender, nextId(), id)));
            return out;
        }
    }
    out.append(decrypt(from, conversation, encrypted.value(), stanzaId, inbound));
    // Only once the message is committed: a sender told of a message we refused, or lost in a
    // crash, would believe it arrived.
    const bool stored = std::any_of(out.events.begin(), out.events.end(), [](const Event& event) {
        return event.type == EventType::MessageReceived;
    });
    if (receiptWanted && stored)
        out.stanzas.push_back(xml::serialize(receiptMessage(sender, nextId(), id)));
    return out;
}

// A delivery receipt counts only when it comes live (or from our own archive) from the bare
// JID we sent that message to, names one id, and that id is a message of ours to that JID
// that asked for a receipt. Anything else is ignored: no event, nothing stored.
void OmemoEngine::acceptReceipt(Output& out, const xml::Element& message, const std::string& from,
                                const Inbound& inbound) {
    const auto receipts = message.childrenNamed("received", kReceiptsNs);
    if (receipts.size() != 1 || from.empty() || from == m_jid)
        return;
    const bool live = inbound.via == Inbound::Via::Direct ||
                      (inbound.via == Inbound::Via::Archive && inbound.archive == m_jid);
    const auto type = message.attribute("type").value_or("normal");
    if (!live || type == "error" || type == "groupchat")
        return;
    const std::string id(receipts.front()->attribute("id").value_or(""));
    if (!validStanzaId(id))
        return;
    auto marked = m_messages.markReceivedByPeer(from, m_jid, id, now() * 1000);
    if (!marked || !marked.value())
        return;
    Event received{EventType::ReceivedByPeer, from, 0, {}, {}};
    received.stanzaId = id;
    received.conversation = from;
    out.events.push_back(std::move(received));
}

Output OmemoEngine::catchUp() {
    Output out;
    std::vector<std::string> archives{m_jid};
    for (const auto& room : m_rooms)
        archives.push_back(room.first);
    for (const std::string& archive : archives) {
        const std::string queryId = nextId();
        m_archiveQueries[queryId] = {archive, {}, 0, 0};
        auto cursor = m_messages.archiveCursor(archive);
        if (!cursor)
            finishArchive(out, queryId, "the archive position could not be read");
        else
            queryArchive(out, archive, queryId, cursor.value().value_or(""));
    }
    return out;
}

Result<Output> OmemoEngine::joinRoom(const std::string& roomJid, const std::string& nick) {
    const std::string room = bareJid(roomJid);
    if (room.empty() || room.find('@') == std::string::npos || room == m_jid || nick.empty() ||
        nick.size() > 64 || nick.find('/') != std::string::npos)
        return makeError(ErrorCode::InvalidArgument, "a room needs a JID and a nickname");
    Output out;
    m_rooms[room] = Room{nick, {}, {}};
    xml::Element presence("presence");
    presence.set("to", room + "/" + nick).set("id", nextId());
    presence.add(xml::Element("x", kMucNs)).add(xml::Element("history")).set("maxstanzas", "0");
    out.stanzas.push_back(xml::serialize(presence));
    // Members only: a provisioned room's owner is the organisation's admin account, which has
    // no OMEMO device and takes no part in the conversation. An owner or admin who does is an
    // occupant, and gets messages while present.
    xml::Element iq("iq");
    iq.set("type", "get").set("to", room).set("id", nextId());
    iq.add(xml::Element("query", kMucAdminNs))
        .add(xml::Element("item"))
        .set("affiliation", "member");
    sendIq(out, iq, {IqKind::Members, room, 0, {}, {}});
    return out;
}

void OmemoEngine::handlePresence(const xml::Element& presence) {
    const std::string full(presence.attribute("from").value_or(""));
    auto room = m_rooms.find(bareJid(full));
    const std::size_t slash = full.find('/');
    if (room == m_rooms.end() || slash == std::string::npos)
        return;
    const std::string nick = full.substr(slash + 1);
    if (presence.attribute("type") == std::optional<std::string_view>("unavailable")) {
        room->second.occupants.erase(nick);
        return;
    }
    const xml::Element* x = presence.child("x", kMucUserNs);
    const xml::Element* item = x ? x->child("item") : nullptr;
    const std::string real = bareJid(item ? item->attribute("jid").value_or("") : "");
    // Without a real JID the room is not the non-anonymous kind we encrypt for.
    if (real.empty() || nick.size() > 256 || room->second.occupants.size() >= kMaxRoomOccupants)
        return;
    room->second.occupants[nick] = real;
}

std::vector<std::string> OmemoEngine::roomRecipients(const Room& room) const {
    std::set<std::string> jids = room.members;
    for (const auto& occupant : room.occupants)
        jids.insert(occupant.second);
    jids.erase(m_jid);
    return {jids.begin(), jids.end()};
}

Result<Output> OmemoEngine::sendRoomMessage(const std::string& roomJid, const std::string& text,
                                            std::string stanzaId) {
    const std::string room = bareJid(roomJid);
    auto found = m_rooms.find(room);
    if (found == m_rooms.end())
        return makeError(ErrorCode::InvalidArgument, "not in the room " + room);
    if (stanzaId.empty())
        stanzaId = nextId();
    else if (!validStanzaId(stanzaId) || std::any_of(stanzaId.begin(), stanzaId.end(), [](char c) {
                 return static_cast<unsigned char>(c) > 0x7e;
             }))
        return makeError(ErrorCode::InvalidArgument,
                         "a stanza id is 1 to 128 printable ASCII characters");
    std::vector<std::string> recipients = roomRecipients(found->second);
    if (recipients.empty())
        return makeError(ErrorCode::NotFound, "the room " + room + " has no other member yet");
    Output out;
    Outgoing message{room, text, {}, std::move(stanzaId), recipients, true};
    for (const std::string& member : recipients) {
        auto missing = missingSessions(member, out);
        if (!missing)
            return missing.error();
        message.awaiting.insert(missing.value().begin(), missing.value().end());
    }
    if (message.awaiting.empty()) {
        auto sent = encryptNow(message);
        if (!sent)
            return sent.error();
        out.append(std::move(sent.value()));
        return out;
    }
    m_outbox.push_back(std::move(message));
    return out;
}

void OmemoEngine::queryArchive(Output& out, const std::string& archive, const std::string& queryId,
                               const std::string& after) {
    ArchiveQuery& query = m_archiveQueries[queryId];
    query.after = after;
    ++query.pages;
    xml::Element iq("iq");
    iq.set("type", "set").set("id", nextId());
    if (archive != m_jid)
        iq.set("to", archive);
    xml::Element& request = iq.add(xml::Element("query", kMamNs)).set("queryid", queryId);
    xml::Element& form = request.add(xml::Element("x", kDataFormsNs)).set("type", "submit");
    form.add(xml::Element("field"))
        .set("var", "FORM_TYPE")
        .set("type", "hidden")
        .add(xml::Element("value"))
        .withText(kMamNs);
    xml::Element& set = request.add(xml::Element("set", kRsmNs));
    set.add(xml::Element("max")).withText(kArchivePageSize);
    if (!after.empty())
        set.add(xml::Element("after")).withText(after);
    sendIq(out, iq, {IqKind::Archive, archive, 0, {}, queryId});
}

void OmemoEngine::finishArchive(Output& out, const std::string& queryId, std::string reason) {
    auto query = m_archiveQueries.find(queryId);
    if (query == m_archiveQueries.end())
        return;
    Event finished{EventType::CatchUpFinished, query->second.archive, 0, {}, std::move(reason)};
    finished.count = query->second.stored;
    out.events.push_back(std::move(finished));
    m_archiveQueries.erase(query);
}

Output OmemoEngine::decrypt(const std::string& from, const std::string& conversation,
                            const EncryptedElement& encrypted, const std::string& stanzaId,
                            const Inbound& inbound) {
    Output out;
    const std::uint32_t sid = encrypted.sid;
    auto reject = [&](std::string reason) {
        out.events.push_back({EventType::MessageRejected, from, sid, {}, std::move(reason)});
        advanceCursor(out, inbound);
        return std::move(out);
    };
    auto refuseUncertified = [&](std::string fingerprint) {
        Event refused{EventType::MessageRejected,
                      from,
                      sid,
                      {},
                      "device " + std::to_string(sid) + " of " + from +
                          " is not certified by the organisation: message refused unread"};
        refused.uncertified = true;
        refused.fingerprint = std::move(fingerprint);
        out.events.push_back(std::move(refused));
        advanceCursor(out, inbound);
        return std::move(out);
    };
    // Strict trust: a device the organisation did not certify is refused before its message
    // touches the ratchet.
    auto listed = certified(from, sid);
    if (!listed)
        return reject(listed.error().message);
    if (!listed.value())
        return refuseUncertified({});
    auto mine = std::find_if(encrypted.keys.begin(), encrypted.keys.end(),
                             [&](const KeyElement& key) { return key.rid == m_deviceId; });
    if (mine == encrypted.keys.end()) {
        if (inbound.via == Inbound::Via::Archive) {
            // The archive holds messages from before this device existed: not an event.
            advanceCursor(out, inbound);
            return out;
        }
        return reject("not encrypted for this device");
    }

    std::string text;
    std::int64_t messageId = 0;
    bool bundleChanged = false;
    bool sessionStarted = false;
    std::optional<std::string> uncertifiedKey;
    bool brokenSession = false;
    auto done = m_vault.transaction([&]() -> Result<void> {
        bool usedPreKey = false;
        // A sender repeats its PreKey message until we answer; only the first starts a session.
        auto hadSession = m_store.hasSession(from, sid);
        if (!hadSession)
            return hadSession.error();
        auto material = m_adapter->decrypt(from, sid, mine->data, mine->preKey, usedPreKey);
        if (!material) {
            brokenSession = material.error().code == ErrorCode::NotFound;
            return material.error();
        }
        if (material.value().view().size() < kMinKeyMaterialBytes)
            return makeError(ErrorCode::InvalidArgument,
                             "key material is " + std::to_string(material.value().view().size()) +
                                 " bytes; 32 (AES key and GCM tag) are required");
        if (material.value().view().size() != kMinKeyMaterialBytes)
            return makeError(ErrorCode::InvalidArgument, "key material is not 32 bytes");
        if (m_options.strictTrust) {
            // The sender's identity key is known now (a new session carries it): it must be
            // the certified one. Failing here rolls the new session back with everything else.
            auto key = m_store.peerIdentity(from, sid);
            if (!key)
                return key.error();
            auto allowed = key.value() ? certified(from, sid, *key.value()) : Result<bool>(false);
            if (!allowed)
                return allowed.error();
            if (!allowed.value()) {
                uncertifiedKey = key.value() ? omemoFingerprint(*key.value()) : std::string();
                return makeError(ErrorCode::PolicyRefused, "uncertified identity key");
            }
        }
        if (usedPreKey) {
            sessionStarted = !hadSession.value();
            auto changed = m_keys->maintain(now());
            if (!changed)
                return changed.error();
            bundleChanged = changed.value();
        }
        auto archive = m_archiveQueries.find(inbound.queryId);
        if (inbound.via == Inbound::Via::Archive && archive != m_archiveQueries.end()) {
            if (auto moved =
                    m_messages.setArchiveCursor(archive->second.archive, inbound.archiveId);
                !moved)
                return moved.error();
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
        // Text is stored and shown as is; bytes that are not text are an error of the sender's
        // client or an attempt on ours, and are not stored.
        if (!linkguard::isValidUtf8(text)) {
            sodium_memzero(text.data(), text.size());
            text.clear();
            return makeError(ErrorCode::InvalidArgument, "the message text is not valid UTF-8");
        }
        const std::int64_t sentAt = inbound.sentAtMs != 0 ? inbound.sentAtMs : now() * 1000;
        storage::NewMessage message{conversation,     from, sentAt, text, stanzaId,
                                    inbound.serverId, sid};
        auto stored = m_messages.append(message);
        if (!stored)
            return stored.error();
        messageId = stored.value();
        if (archive != m_archiveQueries.end())
            ++archive->second.stored;
        return {};
    });
    if (uncertifiedKey)
        return refuseUncertified(std::move(*uncertifiedKey));
    if (!done) {
        if (brokenSession)
            resetSession(out, from, sid);
        return reject(done.error().message);
    }
    if (sessionStarted)
        out.events.push_back({EventType::SessionStarted, from, sid, {}, {}});
    if (bundleChanged) {
        if (auto published = publishBundle(out); !published)
            out.events.push_back(
                {EventType::PublishFailed, m_jid, m_deviceId, {}, published.error().message});
    }
    if (encrypted.payload) {
        Event received{EventType::MessageReceived, from, sid, std::move(text), {}, messageId};
        received.certified = m_options.strictTrust; // strict: only certified devices get here
        if (m_options.strictTrust) {
            received.trust = DeviceTrust::Certified;
        } else if (m_options.manualTrust) {
            // Decrypting stored the sender's identity key (a new session carries it).
            auto key = m_store.peerIdentity(from, sid);
            auto trust = key && key.value() ? manualDeviceTrust(m_vault, from, sid, *key.value())
                                            : Result<DeviceTrust>(DeviceTrust::Untrusted);
            received.trust = trust ? trust.value() : DeviceTrust::Untrusted;
        }
        received.stanzaId = stanzaId;
        received.conversation = conversation;
        out.events.push_back(std::move(received));
    }
    return out;
}

} // namespace cloison::omemo
