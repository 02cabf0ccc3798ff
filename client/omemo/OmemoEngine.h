// The OMEMO engine of one compartment: pure logic over stanzas, no sockets. Feed it a stanza
// (or a command) and it returns events for the UI and stanzas to send. Every change to keys
// and sessions is written to the compartment's vault in the same transaction as the message
// it belongs to, so a crash or a rejected message never leaves half a ratchet step behind.
// The engine does crypto and disk work: it runs on the compartment's worker thread, never on
// the UI thread. One engine per compartment vault; not thread-safe.
#pragma once

#include "client/omemo/DeviceTrust.h"
#include "client/omemo/KeyManager.h"
#include "client/omemo/Stanzas.h"
#include "storage/CertifiedDeviceRepository.h"
#include "storage/MessageRepository.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace cloison::omemo {

enum class EventType {
    MessageReceived,   // text holds the plaintext, messageId its row in the vault
    MessageRejected,   // reason says why; nothing was stored
    MessageSent,       // messageId: the stored copy
    DeviceListUpdated, // peer published a device list
    SessionStarted,    // with peer/deviceId, from its bundle
    DeviceUnreachable, // no bundle for peer/deviceId: it will not get the message
    DeviceIdChanged,   // our device id collided with another device's and was replaced
    PublishFailed,     // reason: the server's error
    // The stanza's (sender, stanza id) is stored already: a resend, a carbon or archive copy
    // of a message we have. Dropped before decrypting, so it neither rejects nor moves a
    // ratchet; messageId is the row it is stored as, stanzaId the id.
    Duplicate,
    // A history catch-up (catchUp) of the archive `peer` ended: count messages stored; reason
    // empty when complete, else why it stopped.
    CatchUpFinished,
    // After start(): the server has answered every publish of our device list and bundle
    // (PublishFailed says when one failed), so peers can now find this device.
    Announced,
    // A device list or bundle from peer went over a resource limit (reason names it) and was
    // refused whole: the devices known before stay, the device gets no session.
    LimitExceeded,
    // A message from peer/deviceId could not be read because its session rests on a prekey we
    // no longer hold, or on a session we do not have: a new session was started from its
    // bundle and an empty key-transport message sent, so that its next messages can be read.
    SessionReset,
    // peer confirmed with a delivery receipt (XEP-0184) that it has our message stanzaId; the
    // vault records it. Only the first receipt for a message we sent peer asking for one.
    ReceivedByPeer,
};

struct Event {
    EventType type;
    std::string peer; // bare JID
    std::uint32_t deviceId = 0;
    std::string text;
    std::string reason;
    std::int64_t messageId = 0;
    std::string stanzaId{};     // MessageSent, MessageReceived, Duplicate: the message's stanza id
    std::string conversation{}; // MessageReceived, Duplicate: the peer or room it belongs to
    std::int64_t count = 0;     // CatchUpFinished: messages stored
    // MessageReceived: the sending device and its identity key are certified by the
    // organisation (strict trust only; never true otherwise).
    bool certified = false;
    // MessageRejected, DeviceUnreachable: strict trust refused the device because the
    // organisation did not certify it (or certified another key under its id).
    bool uncertified = false;
    std::string fingerprint{}; // with uncertified: the refused identity key's, when known
    // MessageReceived: what vouches for the sending device (strict: Certified; manual trust:
    // certified, verified by hand, or why not; otherwise Untrusted).
    DeviceTrust trust = DeviceTrust::Untrusted;
};

struct Output {
    std::vector<Event> events;
    std::vector<std::string> stanzas;
    void append(Output&& other);
};

struct EngineOptions {
    KeyPolicy keys;
    bool openAccess = true;              // publish with pubsub#access_model=open
    std::function<std::int64_t()> clock; // seconds since the epoch; default: the system clock
    xml::Limits xmlLimits;
    // Strict trust (issue 5): only devices in the vault's CertifiedDeviceRepository, with
    // exactly the certified identity key, receive our messages (our own other devices too) and
    // are believed; a message from any other device is rejected before it is decrypted or, for
    // a new session, before anything of it is kept.
    bool strictTrust = false;
    // Manual trust (issue 8, DeviceTrust.h): a message received says whether its device is
    // verified by hand (or certified); once a contact has a verified (or certified) device,
    // only its verified (or certified) devices receive our messages. Ignored with strictTrust.
    bool manualTrust = false;
};

class OmemoEngine {
public:
    // Creates the compartment's OMEMO identity on first use.
    static Result<std::unique_ptr<OmemoEngine>> open(storage::Vault& vault, std::string ownJid,
                                                     EngineOptions options = {});
    ~OmemoEngine();
    OmemoEngine(const OmemoEngine&) = delete;
    OmemoEngine& operator=(const OmemoEngine&) = delete;

    const std::string& jid() const { return m_jid; }
    std::uint32_t deviceId() const { return m_deviceId; }
    const Bytes& identityKey() const { return m_identityKey; }
    std::string fingerprint() const { return omemoFingerprint(m_identityKey); }
    std::string verificationUri() const {
        return omemo::verificationUri(m_jid, m_deviceId, m_identityKey);
    }

    // After connecting: fetches our device list, then announces this device and its bundle;
    // Announced follows once the server has answered (and has given the member list of any
    // room joined before that).
    Output start();
    // A stanza from the server. Malformed XML is an error; an OMEMO message that fails to
    // decrypt is a MessageRejected event (it says nothing about our own state).
    [[nodiscard]] Result<Output> handleStanza(std::string_view stanza);
    // Encrypts `text` for every device of `peer` and our own other devices. Devices without a
    // session get their bundles fetched first; the message goes out when they have answered.
    // `stanzaId` (at most 128 printable ASCII bytes) becomes the message's id and origin-id, so
    // an outbox can key on it; empty: a random one. Sending an id already stored for `peer`
    // again is a resend: it goes out freshly encrypted, is not stored twice, and MessageSent
    // names the existing row.
    [[nodiscard]] Result<Output> sendMessage(const std::string& peer, const std::string& text,
                                             std::string stanzaId = {});
    // Asks our account's archive (XEP-0313), and each joined room's, for everything after the
    // newest archive id stored, a page of 100 at a time; archived messages go through the same
    // dedupe and decryption as live ones. Each archive ends with a CatchUpFinished event.
    Output catchUp();
    // Joins a members-only, non-anonymous room (XEP-0045) as `nick`, without the room's
    // history (the archive has it), and asks for its member list. Occupants' real JIDs come
    // from the room's presence.
    [[nodiscard]] Result<Output> joinRoom(const std::string& roomJid, const std::string& nick);
    // Encrypts `text` for every member's devices and our own other devices and sends it to the
    // room as type='groupchat'; stored under the room. Every member must have a device.
    [[nodiscard]] Result<Output>
    sendRoomMessage(const std::string& roomJid, const std::string& text, std::string stanzaId = {});
    // Rotates the signed prekey when due, tops up prekeys, republishes the bundle if changed.
    [[nodiscard]] Result<Output> maintainKeys();
    [[nodiscard]] Result<Bundle> bundle() { return m_keys->bundle(); }

private:
    enum class IqKind { DeviceList, OwnDeviceList, OwnBundle, Bundle, Publish, Archive, Members };
    struct PendingIq {
        IqKind kind;
        std::string jid;
        std::uint32_t deviceId = 0;
        std::string retryWithoutOptions; // for publishes with publish-options
        std::string queryId{};           // archive queries
    };
    struct Outgoing {
        std::string peer;
        std::string text;
        std::set<std::pair<std::string, std::uint32_t>> awaiting; // device 0: its device list
        std::string stanzaId;
        std::vector<std::string> recipients; // bare JIDs other than ours
        bool groupchat = false;              // `peer` is a room
        // Non-zero: an empty key-transport message to this one device of `peer` (resetSession).
        std::uint32_t keyTransportTo = 0;
    };
    struct Room {
        std::string nick;
        std::map<std::string, std::string> occupants; // nick -> real bare JID
        std::set<std::string> members;                // affiliated bare JIDs, from the room
    };
    struct ArchiveQuery {
        std::string archive; // bare JID of the archive: ours or a room's
        std::string after;   // the RSM cursor of the page asked for
        std::int64_t stored = 0;
        int pages = 0;
    };
    // Where a message came from, beyond its own attributes.
    struct Inbound {
        enum class Via { Direct, CarbonReceived, CarbonSent, Archive } via = Via::Direct;
        std::string queryId;       // Archive: the query it answers
        std::string archiveId;     // Archive: its id in the archive
        std::string serverId;      // the server's XEP-0359 stanza-id, or the archive id
        std::string archive;       // Archive: whose archive (ours or a room's)
        std::int64_t sentAtMs = 0; // from <delay>; 0: now
    };

    OmemoEngine(storage::Vault& vault, std::string jid, EngineOptions options);
    std::int64_t now() const;
    std::string nextId();
    std::string sendIq(Output& out, const xml::Element& iq, PendingIq pending);
    void publishOwn(Output& out, std::vector<std::uint32_t> devices);
    bool announcing(const PendingIq& pending) const; // one of start()'s requests
    Result<void> publishBundle(Output& out);

    Result<Output> handleIq(const xml::Element& iq);
    Result<Output> handleMessage(const xml::Element& message);
    Result<Output> handleArchived(const xml::Element& message, const xml::Element& result);
    Output processMessage(const xml::Element& message, const Inbound& inbound);
    void acceptReceipt(Output& out, const xml::Element& message, const std::string& from,
                       const Inbound& inbound);
    void advanceCursor(Output& out, const Inbound& inbound);
    void queryArchive(Output& out, const std::string& archive, const std::string& queryId,
                      const std::string& after);
    void finishArchive(Output& out, const std::string& queryId, std::string reason);
    Result<void> onDeviceList(Output& out, const std::string& jid,
                              std::vector<std::uint32_t> devices, bool fromFetch);
    // A peer's device list longer than kMaxDevices: LimitExceeded, and true (refused whole).
    bool overDeviceLimit(Output& out, const std::string& jid, const xml::Element& list);
    Result<void> onBundle(Output& out, const std::string& jid, std::uint32_t deviceId,
                          const xml::Element* bundle);
    void onOwnBundle(Output& out, const xml::Element* bundle);
    Output decrypt(const std::string& from, const std::string& conversation,
                   const EncryptedElement& encrypted, const std::string& stanzaId,
                   const Inbound& inbound);

    Result<std::set<std::pair<std::string, std::uint32_t>>> missingSessions(const std::string& peer,
                                                                            Output& out);
    void resolve(Output& out, const std::string& jid, std::uint32_t deviceId);
    Result<Output> encryptNow(const Outgoing& message);
    void resetSession(Output& out, const std::string& jid, std::uint32_t deviceId);
    Output sendKeyTransport(const Outgoing& message);
    void handlePresence(const xml::Element& presence);
    // Strict trust: may this device receive and be believed? Always true otherwise. `key`
    // empty: any certified key for the device id will do (the key is checked once known).
    [[nodiscard]] Result<bool> certified(const std::string& jid, std::uint32_t deviceId,
                                         ByteView key = {});
    std::vector<std::string> roomRecipients(const Room& room) const;

    storage::Vault& m_vault;
    std::string m_jid;
    EngineOptions m_options;
    storage::OmemoStore m_store;
    storage::MessageRepository m_messages;
    storage::CertifiedDeviceRepository m_certified;
    std::unique_ptr<SignalContext> m_context;
    std::unique_ptr<SignalStore> m_signalStore;
    std::unique_ptr<SignalAdapter> m_adapter;
    std::unique_ptr<KeyManager> m_keys;
    SecretBytes m_keyScratch; // payload key and tag of the message being encrypted
    std::uint32_t m_deviceId = 0;
    Bytes m_identityKey;
    std::vector<std::uint32_t> m_ownDevices;
    std::map<std::string, PendingIq> m_pendingIqs;
    std::set<std::pair<std::string, std::uint32_t>> m_fetching;
    std::vector<Outgoing> m_outbox;
    // When each device's session was last reset (seconds): at most once an hour, since what
    // triggers a reset (an unreadable message) can be forged by anyone.
    std::map<std::pair<std::string, std::uint32_t>, std::int64_t> m_resetAt;
    std::map<std::string, ArchiveQuery> m_archiveQueries; // by queryid
    std::map<std::string, Room> m_rooms;                  // by room bare JID
    std::uint64_t m_counter = 0;
    bool m_announcing = false; // start() called, its publishes not all answered yet
};

} // namespace cloison::omemo
