// A compartment at run time: its XMPP connection, OMEMO engine, outbox and key-event log on one
// network thread of its own. Other threads (the UI, the command line) talk to it only through
// value-type commands and events; nothing of the compartment's state is shared with them.
//
// Durability: send() lands in the vault's outbox before the stanza leaves, and an entry leaves
// the outbox only once the server has answered an IQ sent after it (a server handles a
// session's stanzas in order, so the answer acknowledges everything before it). An incoming
// message is committed to the vault inside the stanza callback, before stream management can
// acknowledge it to the server.
#pragma once

#include "client/omemo/DeviceTrust.h"
#include "client/xmpp/XmppConnection.h"
#include "storage/KeyEventRepository.h"
#include "storage/Vault.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace cloison::xmpp {

using TrustMode = omemo::TrustMode;
const char* trustModeName(TrustMode mode);
std::optional<TrustMode> parseTrustMode(std::string_view name);

// What applying a fetched roster did: `changed` false when it is the version already held;
// `summary` says what it holds ("roster version 4: 3 certified, 1 revoked"), for a person.
struct RosterUpdate {
    bool changed = false;
    std::string summary;
};

struct ServiceOptions {
    std::string compartmentId; // names the key-event log
    TrustMode trust = TrustMode::Manual;
    std::string room = {}; // the compartment's room JID, joined after connecting; or none
    std::string nick = {}; // our nickname there (default: the account's local part)
    // The organisation's device roster (issue 5): at every connection the blob on
    // `rosterOwner`'s PEP node `rosterNode` (ServerAdmin::publishBlob) is fetched and handed,
    // on the network thread, to applyRoster, which verifies it and writes the certified devices
    // (storage::CertifiedDeviceRepository); its error is reported as RosterRefused. While
    // connected it is fetched again every `rosterRefreshSeconds` (0: never), and at once when
    // `rosterOwner` sends us a roster notice (rosterNoticeMessage(): `cloison-admin publish`
    // sends one to each member); a fetch then reports RosterApplied only when the roster changed.
    std::string rosterOwner = {};
    std::string rosterNode = {};
    std::function<Result<RosterUpdate>(storage::Vault& vault, ByteView roster)> applyRoster = {};
    int rosterRefreshSeconds = 300;
    // The retention policy (issue 5): `purge` runs on the network thread at every connection
    // and then every `purgeIntervalSeconds`, with the time from `clock` (milliseconds since the
    // epoch; the system clock when unset); it returns how many messages it removed, and sets
    // `cutoffMs` to the time before which it removed them. None: no scheduled purge.
    std::function<Result<std::int64_t>(storage::Vault& vault, std::int64_t nowMs,
                                       std::int64_t& cutoffMs)>
        purge = {};
    int purgeIntervalSeconds = 3600;
    std::function<std::int64_t()> clock = {};
    // The key-event log's signed heads (issue 6) are published on our own PEP node
    // `logHeadsNode` (kLogHeadsNodePrefix + the organisation's compartment id) at every
    // connection and then, when the log has grown, at most once per `logHeadsIntervalSeconds`;
    // an auditor compares them with the log handed over later. Empty: not published.
    std::string logHeadsNode = {};
    int logHeadsIntervalSeconds = 60;
    int keepaliveSeconds = 60;
    int maxBackoffSeconds = 60;
    int ackTimeoutSeconds = 30; // a server that leaves our ping unanswered this long is dropped
    // A sandboxed worker's socket, connected before it entered the sandbox (see
    // ConnectionCallbacks::connectedSocket); unset: the connection connects itself.
    std::function<int()> connectedSocket = {};
};

struct ServiceEvent {
    enum class Type {
        Online,               // connected, logged in, server key checked
        Offline,              // error says why; retrying says whether it will try again
        MessageReceived,      // conversation, from, device, trusted, timeMs, text
        MessageRejected,      // an incoming message that could not be accepted: error says why
        MessageDelivered,     // the server has the message stanzaId
        MessageUndeliverable, // stanzaId could not be encrypted for anyone: error says why
        Ready,         // after Online: own device list and bundle on the server, room members known
                       // (a peer can encrypt to us now), outbox resent
        CaughtUp,      // conversation's archive read up to now; device = messages stored
        RosterApplied, // a device roster fetched was applied: text says what it holds
        RosterRefused, // it was not (none published, unreadable, or refused): error
        LogHeadPublished, // the log's signed head is on the server (ServiceOptions::logHeadsNode)
        LogHeadRefused,   // the server refused it: error (tried again at the next interval)
        RetentionPurged,  // the retention policy removed `count` messages stored before timeMs
        RetentionFailed,  // the scheduled purge failed: error (tried again at the next interval)
        // verifyDevice/unverifyDevice recorded it: device `device` of `from`, its fingerprint
        // in text, deviceTrust now, and keyEvent the key event written.
        DeviceTrustChanged,
        DeviceTrustRefused, // they changed nothing: error says why (from, device as asked)
        QueryAnswered,      // the answer to query() stanzaId, serialised in text; or error
        VaultTaskDone,      // withVault() task stanzaId ran: error when it failed
        MessageQueued,      // message stanzaId is in the vault's outbox: it survives a crash
        // `from` (a bare JID) confirmed with a delivery receipt (XEP-0184) that it has our
        // message stanzaId; the vault records it. Once per message, for one-to-one messages only.
        MessageReceivedByPeer,
        // Append only, and name the new last one in client/worker/WorkerProtocol.cpp.
    };
    explicit ServiceEvent(Type eventType) : type(eventType) {}
    Type type;
    std::string conversation;
    std::string from;
    std::uint32_t device = 0;
    bool trusted = false;
    // MessageReceived, DeviceTrustChanged: what vouches for the device (DeviceTrust.h); in blind
    // trust Blind, in strict trust Certified for every message that gets through.
    omemo::DeviceTrust deviceTrust = omemo::DeviceTrust::Untrusted;
    std::optional<storage::KeyEventRow> keyEvent;
    std::int64_t timeMs = 0;
    std::string text;
    std::string stanzaId;
    std::int64_t count = 0;
    Error error{ErrorCode::Internal, {}};
    bool retrying = false;
};

// A running compartment as its app or cloison-cli sees it, wherever it runs: in this process
// (CompartmentService) or in a worker process of its own (worker::RemoteCompartment).
class Compartment {
public:
    virtual ~Compartment() = default;
    // Queues a message; returns its stanza id, which MessageDelivered names later.
    virtual std::string send(const std::string& to, const std::string& text) = 0;
    // The same, to every member of the compartment's room (ServiceOptions::room).
    virtual std::string sendToRoom(const std::string& text) = 0;
    // Manual trust: records that the person compared device `deviceId` of `jid` and read
    // `fingerprint` (omemo::verifyDevice), or withdraws that (omemo::unverifyDevice), with its
    // key event; DeviceTrustChanged or DeviceTrustRefused follows. Needs the key-event log
    // (ServiceOptions::compartmentId).
    virtual void verifyDevice(const std::string& jid, std::uint32_t deviceId,
                              const std::string& fingerprint) = 0;
    virtual void unverifyDevice(const std::string& jid, std::uint32_t deviceId) = 0;
    // Sends one IQ request (type get or set, addressed with `to`, with the id `id`) that the
    // caller built, such as an XEP-0363 upload slot request; its answer comes back as
    // QueryAnswered with stanzaId == id (the answer in text), or with an error when the
    // connection is not up. Only an answer from the address asked is taken as the answer.
    virtual void query(std::string stanza, std::string to, std::string id) = 0;
    // Runs `task` with the compartment's vault, in turn with the compartment's own writes (a
    // document received by the caller is recorded this way); VaultTaskDone says how it went.
    virtual std::string withVault(std::function<Result<void>(storage::Vault& vault)> task) = 0;
    // The next event, waiting up to `wait`.
    virtual std::optional<ServiceEvent> nextEvent(std::chrono::milliseconds wait) = 0;
};

class CompartmentService : public Compartment {
public:
    // The vault belongs to the service's thread from here until the service is destroyed.
    [[nodiscard]] static Result<std::unique_ptr<CompartmentService>> start(storage::Vault& vault,
                                                                           AccountSettings account,
                                                                           SecretBytes password,
                                                                           ServiceOptions options);
    ~CompartmentService() override; // disconnects and joins the thread
    CompartmentService(const CompartmentService&) = delete;
    CompartmentService& operator=(const CompartmentService&) = delete;

    // `stanzaId` when given (a worker process is handed the id its app chose), else a new one.
    std::string send(const std::string& to, const std::string& text, std::string stanzaId);
    std::string sendToRoom(const std::string& text, std::string stanzaId);
    std::string send(const std::string& to, const std::string& text) override {
        return send(to, text, {});
    }
    std::string sendToRoom(const std::string& text) override { return sendToRoom(text, {}); }
    void verifyDevice(const std::string& jid, std::uint32_t deviceId,
                      const std::string& fingerprint) override;
    void unverifyDevice(const std::string& jid, std::uint32_t deviceId) override;
    void query(std::string stanza, std::string to, std::string id) override;
    // Runs `task` on the network thread, which owns the vault while the service runs.
    std::string withVault(std::function<Result<void>(storage::Vault& vault)> task) override;
    std::optional<ServiceEvent> nextEvent(std::chrono::milliseconds wait) override;

private:
    struct Worker;
    explicit CompartmentService(std::unique_ptr<Worker> worker);
    std::string queue(const std::string& to, const std::string& text, bool isRoom,
                      std::string stanzaId);
    std::unique_ptr<Worker> m_worker;
    std::thread m_thread;
};

// A new random id for a message of ours ("cloison-" and 32 hex digits).
std::string newStanzaId();

// The notice the roster owner sends a member's account when it has published a new roster:
// a headline message (not archived, not stored offline) that only makes a running compartment
// fetch the roster again; what it fetches is verified as always.
std::string rosterNoticeMessage(const std::string& to, const std::string& node);

} // namespace cloison::xmpp
