#include "client/xmpp/CompartmentService.h"

#include "client/audit/AuditJson.h"
#include "client/audit/KeyEventLog.h"
#include "client/omemo/ManualVerification.h"
#include "client/omemo/OmemoAudit.h"
#include "client/omemo/OmemoEngine.h"
#include "client/omemo/Xml.h"
#include "client/xmpp/ServerAdmin.h"
#include "crypto/Hash.h"
#include "storage/OutboxRepository.h"

#include <atomic>
#include <map>
#include <random>
#include <set>

namespace cloison::xmpp {

namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kAckPrefix = "cloison-ack-";
constexpr const char* kRosterNoticeNs = "urn:cloison:roster-notice:0";

std::int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The id of a stanza the engine made (so well-formed); empty when it has none.
std::string idOf(const std::string& stanza) {
    auto parsed = xml::parse(stanza);
    return parsed ? std::string(parsed.value().attribute("id").value_or("")) : std::string();
}

std::string domainOf(const std::string& jid) {
    const auto at = jid.find('@');
    return at == std::string::npos ? jid : jid.substr(at + 1);
}

} // namespace

const char* trustModeName(TrustMode mode) {
    switch (mode) {
    case TrustMode::Strict:
        return "strict";
    case TrustMode::Manual:
        return "manual";
    case TrustMode::Blind:
        return "blind";
    }
    return "manual";
}

std::optional<TrustMode> parseTrustMode(std::string_view name) {
    for (TrustMode mode : {TrustMode::Strict, TrustMode::Manual, TrustMode::Blind})
        if (name == trustModeName(mode))
            return mode;
    return std::nullopt;
}

struct CompartmentService::Worker {
    storage::Vault& vault;
    AccountSettings account;
    ServiceOptions options;
    std::unique_ptr<XmppConnection> connection;
    std::unique_ptr<omemo::OmemoEngine> engine;
    std::optional<audit::KeyEventLog> log;
    storage::OutboxRepository outbox;

    // Commands and events cross threads here, and only here.
    std::mutex mutex;
    std::condition_variable eventArrived;
    std::deque<ServiceEvent> events;
    struct Command {
        enum class Kind { Message, VerifyDevice, UnverifyDevice };
        std::string to;   // a bare JID, or the room's
        std::string text; // the message; VerifyDevice: the fingerprint compared
        std::string stanzaId;
        bool isRoom = false;
        Kind kind = Kind::Message;
        std::uint32_t deviceId = 0; // VerifyDevice, UnverifyDevice
    };
    std::deque<Command> commands;
    struct Query {
        std::string stanza;
        std::string to;
        std::string id;
    };
    std::deque<Query> queries;
    struct VaultTask {
        std::function<Result<void>(storage::Vault&)> task;
        std::string id;
    };
    std::deque<VaultTask> vaultTasks;
    std::atomic<bool> stopping{false};

    // Network thread only.
    bool permanentFailure = false;
    Clock::time_point nextAttempt = Clock::now();
    int failures = 0;
    std::mt19937 jitter{std::random_device{}()};
    // Outbox entries by stanza id: waiting for their encrypted stanza, sent but not yet covered
    // by an acknowledging IQ, and covered by the one in flight. Exact sets, not a sequence
    // bound: a message that waited for a peer's keys goes out after later ones.
    std::set<std::string> awaitingStanza;
    // Our device is announced and the room's members are known: before that a new message
    // stays in the outbox unencrypted (it could reach nobody yet), and goes out on Announced.
    bool announced = false;
    std::vector<std::string> unacknowledged;
    std::vector<std::string> covered;
    std::string ackInFlight;                            // id of the acknowledging IQ we wait for
    std::map<std::string, std::string> queriesInFlight; // query id -> the address asked
    std::string rosterFetch;                            // id of the roster fetch we wait for
    bool rosterReport = false;   // it is the connection's first: report it whatever it says
    bool rosterAgain = false;    // a notice came while it was in flight: fetch once more
    std::string rosterLastError; // the last refusal reported (a timer repeats none)
    Clock::time_point rosterFetchedAt = Clock::now();
    Clock::time_point purgedAt = Clock::now();
    Clock::time_point keysMaintainedAt = Clock::now();
    std::string headPublish;          // id of the log-head publication we wait for
    std::int64_t headPublishing = -1; // the sequence number it publishes
    std::int64_t headPublished = -1;  // the last one the server took on this connection
    Clock::time_point headCheckedAt = Clock::now();
    Clock::time_point ackSentAt;
    std::uint64_t counter = 0;

    Worker(storage::Vault& v, AccountSettings a, ServiceOptions o)
        : vault(v), account(std::move(a)), options(std::move(o)), outbox(v) {}

    void emit(ServiceEvent event) {
        {
            std::lock_guard lock(mutex);
            events.push_back(std::move(event));
        }
        eventArrived.notify_all();
    }

    // From any thread: the command is queued and the network thread woken to run it.
    void post(Command command) {
        {
            std::lock_guard lock(mutex);
            commands.push_back(std::move(command));
        }
        connection->wake();
    }

    void fail(Error error) {
        ServiceEvent event{ServiceEvent::Type::Offline};
        event.error = std::move(error);
        emit(std::move(event));
    }

    void transmit(const std::string& stanza) {
        if (auto sent = connection->send(stanza); !sent)
            fail(sent.error());
    }

    // Sends what the engine produced; a message stanza that belongs to an outbox entry is
    // recorded there first, so that a resend after a crash sends the same bytes.
    void handleOutput(omemo::Output&& output) {
        if (log) {
            if (auto logged = omemo::recordKeyEvents(*log, output.events); !logged)
                fail(logged.error());
        }
        for (const std::string& stanza : output.stanzas) {
            if (!awaitingStanza.empty() && stanza.starts_with("<message")) {
                const std::string id = idOf(stanza);
                if (awaitingStanza.erase(id)) {
                    if (auto stored = outbox.setStanza(id, stanza); !stored)
                        fail(stored.error());
                    unacknowledged.push_back(id);
                }
            }
            transmit(stanza);
        }
        bool sentMessage = false;
        for (omemo::Event& event : output.events) {
            switch (event.type) {
            case omemo::EventType::MessageReceived: {
                ServiceEvent out{ServiceEvent::Type::MessageReceived};
                out.conversation = event.conversation.empty() ? event.peer : event.conversation;
                out.from = event.peer;
                out.device = event.deviceId;
                // Strict: only a device certified by the organisation, with its certified key.
                // Manual: one verified by hand (or certified), with the key that was verified.
                out.deviceTrust =
                    options.trust == TrustMode::Blind ? omemo::DeviceTrust::Blind : event.trust;
                out.trusted = options.trust == TrustMode::Blind ||
                              (options.trust == TrustMode::Strict && event.certified) ||
                              (options.trust == TrustMode::Manual && omemo::isTrusted(event.trust));
                out.timeMs = nowMs();
                out.text = std::move(event.text);
                emit(std::move(out));
                break;
            }
            case omemo::EventType::MessageRejected: {
                if (!event.stanzaId.empty()) {
                    undeliverable(event.peer, event.stanzaId, {ErrorCode::NotFound, event.reason});
                    break;
                }
                ServiceEvent out{ServiceEvent::Type::MessageRejected};
                out.from = event.peer;
                out.device = event.deviceId;
                out.error = {event.uncertified ? ErrorCode::PolicyRefused
                                               : ErrorCode::InvalidArgument,
                             event.reason};
                emit(std::move(out));
                break;
            }
            case omemo::EventType::MessageSent:
                sentMessage = true;
                break;
            case omemo::EventType::ReceivedByPeer: {
                ServiceEvent out{ServiceEvent::Type::MessageReceivedByPeer};
                out.conversation = event.conversation;
                out.from = event.peer;
                out.stanzaId = event.stanzaId;
                out.timeMs = nowMs();
                emit(std::move(out));
                break;
            }
            case omemo::EventType::Announced:
                // Peers can find this device now and the room's members are known: what the
                // outbox holds unencrypted goes out.
                announced = true;
                encryptWaiting();
                emit(ServiceEvent{ServiceEvent::Type::Ready});
                break;
            case omemo::EventType::CatchUpFinished: {
                ServiceEvent out{ServiceEvent::Type::CaughtUp};
                out.conversation = event.peer;
                out.device = static_cast<std::uint32_t>(event.count);
                emit(std::move(out));
                break;
            }
            default:
                break;
            }
        }
        if (sentMessage)
            requestAck();
    }

    void requestAck() {
        if (!ackInFlight.empty() || unacknowledged.empty() || !connection->online())
            return;
        covered = std::move(unacknowledged);
        unacknowledged.clear();
        sendPing();
    }

    // A server handles a session's stanzas in order: its answer to this IQ acknowledges every
    // stanza sent before it. It doubles as the keepalive ping.
    void sendPing() {
        ackInFlight = kAckPrefix + std::to_string(++counter);
        ackSentAt = Clock::now();
        transmit("<iq type='get' id='" + ackInFlight + "' to='" + domainOf(account.jid) +
                 "'><ping xmlns='urn:xmpp:ping'/></iq>");
    }

    void onAck() {
        ackInFlight.clear();
        if (auto done = outbox.acknowledge(covered); !done) {
            fail(done.error());
            return;
        }
        for (const std::string& id : covered) {
            ServiceEvent event{ServiceEvent::Type::MessageDelivered};
            event.stanzaId = id;
            emit(std::move(event));
        }
        covered.clear();
        requestAck();
    }

    void encrypt(const storage::OutboxEntry& entry) {
        auto output = entry.isRoom
                          ? engine->sendRoomMessage(entry.conversation, entry.body, entry.stanzaId)
                          : engine->sendMessage(entry.conversation, entry.body, entry.stanzaId);
        if (!output) {
            undeliverable(entry.conversation, entry.stanzaId, output.error());
            return;
        }
        handleOutput(std::move(output).value());
    }

    // Outbox entries never encrypted (queued while offline or before Announced).
    void encryptWaiting() {
        auto pending = outbox.pending();
        if (!pending) {
            fail(pending.error());
            return;
        }
        for (const auto& entry : pending.value()) {
            if (entry.stanza || awaitingStanza.contains(entry.stanzaId))
                continue;
            awaitingStanza.insert(entry.stanzaId);
            encrypt(entry);
        }
    }

    // No device of the peer can be reached (none published, or none whose keys we may read):
    // the sender is told, and the message leaves the outbox rather than being retried blindly
    // on every connection.
    void undeliverable(const std::string& peer, const std::string& stanzaId, Error why) {
        if (auto removed = outbox.remove(stanzaId); !removed)
            why.message += " (and it could not be removed from the outbox)";
        ServiceEvent event{ServiceEvent::Type::MessageUndeliverable};
        event.conversation = peer;
        event.stanzaId = stanzaId;
        event.error = std::move(why);
        emit(std::move(event));
    }

    void onOnline() {
        failures = 0;
        announced = false;
        // Whatever was not acknowledged on the last connection is sent again below.
        unacknowledged.clear();
        covered.clear();
        awaitingStanza.clear();
        queriesInFlight.clear(); // asked on the last connection: the caller's timeout says so
        ackInFlight.clear();
        emit(ServiceEvent{ServiceEvent::Type::Online});
        transmit("<presence/>");
        transmit("<iq type='set' id='cloison-carbons'><enable xmlns='urn:xmpp:carbons:2'/></iq>");
        handleOutput(engine->start());
        rosterFetch.clear();
        rosterAgain = false;
        fetchRoster(true);
        purgeExpired();
        maintainKeys();
        if (!options.room.empty()) {
            const std::string nick =
                options.nick.empty() ? account.jid.substr(0, account.jid.find('@')) : options.nick;
            auto joined = engine->joinRoom(options.room, nick);
            if (joined)
                handleOutput(std::move(joined).value());
            else
                fail(joined.error());
        }
        // What arrived while we were away, from our archive and the room's; duplicates of what
        // the server also delivers live are dropped by their ids.
        handleOutput(engine->catchUp());
        headPublish.clear();
        headPublished = -1;
        publishHead();
        // What the outbox still holds: the same stanza again where one was made (the receiver
        // drops a duplicate by its id), else encrypted now.
        auto pending = outbox.pending();
        if (!pending) {
            fail(pending.error());
            return;
        }
        bool resent = false;
        for (const auto& entry : pending.value()) {
            if (entry.stanza) {
                transmit(*entry.stanza);
                unacknowledged.push_back(entry.stanzaId);
                resent = true;
            } // the others are encrypted once Announced says there is someone to encrypt to
        }
        if (resent)
            requestAck();
    }

    void onStanza(std::string_view stanza) {
        if (stanza.starts_with("<message") && stanza.find(kRosterNoticeNs) != stanza.npos &&
            onRosterNotice(stanza))
            return;
        if (stanza.starts_with("<iq")) {
            auto parsed = xml::parse(stanza);
            if (!parsed)
                return;
            const xml::Element& iq = parsed.value();
            const auto type = iq.attribute("type").value_or("");
            const std::string id(iq.attribute("id").value_or(""));
            if (!rosterFetch.empty() && id == rosterFetch &&
                omemo::bareJid(iq.attribute("from").value_or("")) ==
                    omemo::bareJid(options.rosterOwner)) {
                rosterFetch.clear();
                onRoster(iq);
                return;
            }
            if (!headPublish.empty() && id == headPublish) {
                headPublish.clear();
                onHeadPublished(iq);
                return;
            }
            if (auto asked = queriesInFlight.find(id);
                asked != queriesInFlight.end() && (type == "result" || type == "error") &&
                (omemo::bareJid(iq.attribute("from").value_or(domainOf(account.jid))) ==
                 omemo::bareJid(asked->second))) {
                queriesInFlight.erase(asked);
                ServiceEvent event{ServiceEvent::Type::QueryAnswered};
                event.stanzaId = id;
                event.text = std::string(stanza);
                emit(std::move(event));
                return;
            }
            if (!ackInFlight.empty() && id == ackInFlight) {
                onAck(); // an error answer (ping unsupported) acknowledges just as well
                return;
            }
            if (type == "get" || type == "set") {
                answerRequest(iq, id);
                return;
            }
        }
        auto output = engine->handleStanza(stanza);
        if (!output) {
            ServiceEvent event{ServiceEvent::Type::MessageRejected};
            event.error = output.error();
            emit(std::move(event));
            return;
        }
        handleOutput(std::move(output).value());
    }

    // Asks the roster owner's node for the roster; one request at a time (a notice that comes
    // meanwhile asks for one more after it).
    void fetchRoster(bool report) {
        rosterFetchedAt = Clock::now();
        if (options.rosterOwner.empty() || !options.applyRoster || !connection->online())
            return;
        if (!rosterFetch.empty()) {
            rosterAgain = true;
            return;
        }
        rosterReport = report;
        rosterFetch = "cloison-roster-" + std::to_string(++counter);
        transmit(xml::serialize(
            publishedBlobRequest(options.rosterOwner, options.rosterNode, rosterFetch)));
    }

    // A notice from the roster owner that it published a new roster (rosterNoticeMessage()).
    // Anyone else's, or one for another node, is not ours to act on. The notice itself proves
    // nothing: it only makes us fetch, and what we fetch is verified.
    bool onRosterNotice(std::string_view stanza) {
        auto parsed = xml::parse(stanza);
        if (!parsed || options.rosterOwner.empty())
            return false;
        const xml::Element* notice = parsed.value().child("roster-notice", kRosterNoticeNs);
        if (notice == nullptr)
            return false;
        if (omemo::bareJid(parsed.value().attribute("from").value_or("")) ==
                omemo::bareJid(options.rosterOwner) &&
            notice->attribute("node") == std::optional<std::string_view>(options.rosterNode))
            fetchRoster(false);
        return true;
    }

    // Whatever the roster says is applyRoster's to verify (signature, version); here only
    // whether it arrived. The connection's first fetch is always reported; later ones when the
    // roster changed, or when a refusal differs from the last one reported.
    void onRoster(const xml::Element& answer) {
        auto roster = parsePublishedBlob(answer);
        Result<RosterUpdate> applied = roster ? options.applyRoster(vault, roster.value())
                                              : Result<RosterUpdate>(roster.error());
        ServiceEvent event{applied ? ServiceEvent::Type::RosterApplied
                                   : ServiceEvent::Type::RosterRefused};
        bool report = rosterReport;
        if (applied) {
            report = report || applied.value().changed;
            event.text = applied.value().summary;
            rosterLastError.clear();
        } else {
            report = report || applied.error().message != rosterLastError;
            rosterLastError = applied.error().message;
            event.error = applied.error();
        }
        if (report)
            emit(std::move(event));
        if (rosterAgain) {
            rosterAgain = false;
            fetchRoster(false);
        }
    }

    // The retention policy, applied on schedule while the compartment is open.
    void purgeExpired() {
        purgedAt = Clock::now();
        if (!options.purge)
            return;
        const std::int64_t now = options.clock ? options.clock() : nowMs();
        std::int64_t cutoff = 0;
        auto purged = options.purge(vault, now, cutoff);
        if (purged && purged.value() == 0)
            return;
        ServiceEvent event{purged ? ServiceEvent::Type::RetentionPurged
                                  : ServiceEvent::Type::RetentionFailed};
        if (purged) {
            event.count = purged.value();
            event.timeMs = cutoff;
        } else
            event.error = purged.error();
        emit(std::move(event));
    }

    // Signed prekey rotation and the end of used prekeys' grace period come due with time, not
    // only when a peer uses a prekey: at each connection and hourly.
    void maintainKeys() {
        keysMaintainedAt = Clock::now();
        auto maintained = engine->maintainKeys();
        if (maintained)
            handleOutput(std::move(maintained).value());
        else
            fail(maintained.error());
    }

    // The log's signed head, as item "SEQ" of our own node, when the server does not have it
    // yet: a later truncation or rewrite of the log handed to an auditor shows against it.
    void publishHead() {
        headCheckedAt = Clock::now();
        if (!log || options.logHeadsNode.empty() || !headPublish.empty() || !connection->online())
            return;
        auto head = log->head(nowMs());
        if (!head) {
            ServiceEvent event{ServiceEvent::Type::LogHeadRefused};
            event.error = head.error();
            emit(std::move(event));
            return;
        }
        if (head.value().seq == headPublished)
            return;
        headPublishing = head.value().seq;
        headPublish = "cloison-log-head-" + std::to_string(++counter);
        transmit(xml::serialize(
            blobPublishRequest(options.logHeadsNode, std::to_string(head.value().seq),
                               asBytes(audit::headLine(log->publicKey(), head.value())),
                               kMaxPublishedHeads, headPublish)));
    }

    void onHeadPublished(const xml::Element& answer) {
        const bool taken = answer.attribute("type") == std::optional<std::string_view>("result");
        ServiceEvent event{taken ? ServiceEvent::Type::LogHeadPublished
                                 : ServiceEvent::Type::LogHeadRefused};
        event.conversation = options.logHeadsNode;
        if (taken)
            headPublished = headPublishing;
        else
            event.error = {ErrorCode::PolicyRefused, "the server refused the log head"};
        emit(std::move(event));
    }

    // The server's pings are answered; any other request gets the error XMPP asks for.
    void answerRequest(const xml::Element& iq, const std::string& id) {
        const std::string from(iq.attribute("from").value_or(""));
        xml::Element reply("iq", "jabber:client");
        reply.set("id", id);
        if (!from.empty())
            reply.set("to", from);
        if (iq.child("ping", "urn:xmpp:ping")) {
            reply.set("type", "result");
        } else {
            reply.set("type", "error");
            xml::Element& error = reply.add(xml::Element("error"));
            error.set("type", "cancel");
            error.add(xml::Element("service-unavailable", "urn:ietf:params:xml:ns:xmpp-stanzas"));
        }
        transmit(xml::serialize(reply));
    }

    void onOffline(const Error& why, bool retryable) {
        ServiceEvent event{ServiceEvent::Type::Offline};
        event.error = why;
        event.retrying = retryable && !stopping;
        if (why.code == ErrorCode::ServerKeyMismatch && log) {
            // Details name the host, never anything the server sent.
            if (auto logged = log->record(audit::event::kPinMismatch, account.host, {},
                                          "server key differs from the pinned one");
                !logged)
                event.error.message += " (and the key event could not be written)";
        }
        if (!retryable) {
            permanentFailure = true;
        } else {
            // Exponential back-off with jitter: servers coming back are not stampeded, and an
            // unreachable server costs one attempt per interval, not a busy loop.
            const int base = std::min(options.maxBackoffSeconds, 1 << std::min(failures, 6));
            std::uniform_int_distribution<int> spread(base * 500, base * 1500);
            nextAttempt = Clock::now() + std::chrono::milliseconds(spread(jitter));
            ++failures;
        }
        emit(std::move(event));
    }

    void run() {
        while (!stopping) {
            if (!connection->online() && !permanentFailure && Clock::now() >= nextAttempt) {
                if (auto started = connection->connect(); !started)
                    onOffline(started.error(), true);
                else
                    nextAttempt = Clock::now() + std::chrono::hours(24); // until it resolves
            }
            connection->runOnce(50);
            drainCommands();
            keepAlive();
            if (Clock::now() - headCheckedAt >=
                std::chrono::seconds(options.logHeadsIntervalSeconds))
                publishHead();
            if (options.rosterRefreshSeconds > 0 &&
                Clock::now() - rosterFetchedAt >=
                    std::chrono::seconds(options.rosterRefreshSeconds))
                fetchRoster(false);
            if (options.purgeIntervalSeconds > 0 &&
                Clock::now() - purgedAt >= std::chrono::seconds(options.purgeIntervalSeconds))
                purgeExpired();
            if (connection->online() && Clock::now() - keysMaintainedAt >= std::chrono::hours(1))
                maintainKeys();
        }
        connection->disconnect();
        for (int i = 0; i < 20 && connection->online(); ++i)
            connection->runOnce(10);
    }

    // New messages, as many as are queued: each is added to the outbox, encrypted and its
    // stanza recorded, all in one vault transaction (a burst costs one commit, not three per
    // message). Nothing is sent before that commit: stanzas are handed to the connection after
    // it, and libstrophe writes only on the next runOnce() anyway.
    // Queries and vault tasks from the caller, in the order they came.
    void drainRequests() {
        std::deque<Query> asked;
        std::deque<VaultTask> tasks;
        {
            std::lock_guard lock(mutex);
            asked.swap(queries);
            tasks.swap(vaultTasks);
        }
        for (Query& query : asked) {
            if (!connection->online()) {
                ServiceEvent event{ServiceEvent::Type::QueryAnswered};
                event.stanzaId = query.id;
                event.error = {ErrorCode::Unreachable, "the compartment is not connected"};
                emit(std::move(event));
                continue;
            }
            queriesInFlight[query.id] = query.to;
            transmit(query.stanza);
        }
        for (VaultTask& task : tasks) {
            ServiceEvent event{ServiceEvent::Type::VaultTaskDone};
            event.stanzaId = task.id;
            if (auto done = task.task(vault); !done)
                event.error = done.error();
            emit(std::move(event));
        }
    }

    void drainCommands() {
        drainRequests();
        std::deque<Command> todo;
        {
            std::lock_guard lock(mutex);
            todo.swap(commands);
        }
        std::erase_if(todo, [this](const Command& command) {
            if (command.kind == Command::Kind::Message)
                return false;
            changeDeviceTrust(command);
            return true;
        });
        if (todo.empty())
            return;
        struct Prepared {
            const Command* command;
            std::optional<omemo::Output> output; // none: encrypted once connected and announced
            std::optional<Error> refused;        // nothing of it was kept
            bool stanzaMade = false;
        };
        std::vector<Prepared> prepared;
        prepared.reserve(todo.size());
        auto done = vault.transaction([&]() -> Result<void> {
            for (const Command& command : todo) {
                Prepared one{&command, std::nullopt, std::nullopt};
                // A savepoint each: a message the engine refuses leaves no trace, the others
                // stay in the burst.
                auto kept = vault.transaction(
                    [&]() -> Result<void> { return prepare(command, one.output, one.stanzaMade); });
                if (!kept)
                    one.refused = kept.error();
                prepared.push_back(std::move(one));
            }
            return {};
        });
        for (Prepared& one : prepared) {
            const Command& command = *one.command;
            if (!done || one.refused) {
                ServiceEvent event{ServiceEvent::Type::MessageUndeliverable};
                event.conversation = omemo::bareJid(command.to);
                event.stanzaId = command.stanzaId;
                event.error = done ? *one.refused : done.error();
                emit(std::move(event));
                continue;
            }
            ServiceEvent queued{ServiceEvent::Type::MessageQueued};
            queued.conversation = omemo::bareJid(command.to);
            queued.stanzaId = command.stanzaId;
            emit(std::move(queued));
            if (!one.output)
                continue; // kept for encryptWaiting() once announced: not awaited yet
            if (one.stanzaMade)
                unacknowledged.push_back(command.stanzaId);
            else
                awaitingStanza.insert(command.stanzaId); // the engine waits for a peer's keys
            handleOutput(std::move(*one.output));
        }
    }

    // Inside drainCommands' transaction: the outbox entry, and when online its encryption and
    // stanza. stanzaMade: the stanza is stored (else the engine waits for a peer's keys).
    Result<void> prepare(const Command& command, std::optional<omemo::Output>& output,
                         bool& stanzaMade) {
        storage::OutboxEntry entry{0,
                                   command.stanzaId,
                                   omemo::bareJid(command.to),
                                   command.isRoom,
                                   command.text,
                                   std::nullopt,
                                   nowMs()};
        auto added = outbox.add(entry);
        if (!added)
            return added.error();
        // Already queued (handed over again after a worker restart): it goes out as the
        // outbox's other entries do, once.
        if (added.value() == 0 || !connection->online() || !announced)
            return {};
        auto encrypted =
            entry.isRoom ? engine->sendRoomMessage(entry.conversation, entry.body, entry.stanzaId)
                         : engine->sendMessage(entry.conversation, entry.body, entry.stanzaId);
        if (!encrypted)
            return encrypted.error();
        for (const std::string& stanza : encrypted.value().stanzas) {
            if (stanza.starts_with("<message") && idOf(stanza) == entry.stanzaId) {
                if (auto stored = outbox.setStanza(entry.stanzaId, stanza); !stored)
                    return stored;
                stanzaMade = true;
            }
        }
        output = std::move(encrypted).value();
        return {};
    }

    // A verification by hand, or its withdrawal, with its key event in the same transaction.
    // The engine reads the verified devices afresh for every message, so the next message
    // received or sent already follows it.
    void changeDeviceTrust(const Command& command) {
        auto changed =
            !log ? Result<omemo::ContactDevice>(makeError(
                       ErrorCode::PolicyRefused,
                       "this compartment keeps no key-event log: nothing is verified unlogged"))
            : command.kind == Command::Kind::VerifyDevice
                ? omemo::verifyDevice(vault, *log, options.trust, command.to, command.deviceId,
                                      command.text)
                : omemo::unverifyDevice(vault, *log, options.trust, command.to, command.deviceId,
                                        {});
        ServiceEvent event{changed ? ServiceEvent::Type::DeviceTrustChanged
                                   : ServiceEvent::Type::DeviceTrustRefused};
        event.from = omemo::bareJid(command.to);
        event.device = command.deviceId;
        if (!changed) {
            event.error = changed.error();
            emit(std::move(event));
            return;
        }
        event.deviceTrust = changed.value().trust;
        event.trusted = omemo::isTrusted(changed.value().trust);
        event.text = changed.value().fingerprint;
        if (auto last = storage::KeyEventRepository(vault).last(); last && last.value())
            event.keyEvent = std::move(*last.value());
        emit(std::move(event));
    }

    void keepAlive() {
        if (!connection->online())
            return;
        const auto now = Clock::now();
        // A server working through a backlog of ours before it reaches the ping still talks
        // (stream-management answers at least); one silent for the whole timeout since the
        // ping is gone: drop the connection, the outbox is resent.
        const auto lastHeard = connection->lastHeard();
        if (!ackInFlight.empty() && now - std::max(ackSentAt, lastHeard) >
                                        std::chrono::seconds(options.ackTimeoutSeconds)) {
            connection->disconnect();
            return;
        }
        if (ackInFlight.empty() &&
            now - lastHeard > std::chrono::seconds(options.keepaliveSeconds)) {
            sendPing(); // covers nothing: `covered` is empty while no ping is in flight
        }
    }
};

std::string rosterNoticeMessage(const std::string& to, const std::string& node) {
    xml::Element message("message", "jabber:client");
    message.set("to", to).set("type", "headline").set("id", "cloison-roster-notice-" + randomId());
    message.add(xml::Element("roster-notice", kRosterNoticeNs)).set("node", node);
    return xml::serialize(message);
}

Result<std::unique_ptr<CompartmentService>> CompartmentService::start(storage::Vault& vault,
                                                                      AccountSettings account,
                                                                      SecretBytes password,
                                                                      ServiceOptions options) {
    auto worker = std::make_unique<Worker>(vault, account, std::move(options));
    Worker* w = worker.get();
    auto connection = XmppConnection::create(
        std::move(account), std::move(password),
        {[w] { w->onOnline(); }, [w](std::string_view stanza) { w->onStanza(stanza); },
         [w](const Error& why, bool retryable) { w->onOffline(why, retryable); },
         w->options.connectedSocket});
    if (!connection)
        return connection.error();
    worker->connection = std::move(connection).value();
    omemo::EngineOptions engineOptions;
    engineOptions.strictTrust = worker->options.trust == TrustMode::Strict;
    engineOptions.manualTrust = worker->options.trust == TrustMode::Manual;
    auto engine = omemo::OmemoEngine::open(vault, worker->account.jid, engineOptions);
    if (!engine)
        return engine.error();
    worker->engine = std::move(engine).value();
    if (!worker->options.compartmentId.empty()) {
        auto log = audit::KeyEventLog::open(vault, worker->options.compartmentId);
        if (!log)
            return log.error();
        worker->log.emplace(std::move(log).value());
    }
    std::unique_ptr<CompartmentService> service(new CompartmentService(std::move(worker)));
    service->m_thread = std::thread([w] { w->run(); });
    return service;
}

CompartmentService::CompartmentService(std::unique_ptr<Worker> worker)
    : m_worker(std::move(worker)) {}

CompartmentService::~CompartmentService() {
    m_worker->stopping = true;
    m_worker->connection->wake();
    if (m_thread.joinable())
        m_thread.join();
    // A connection still being set up or torn down reports its end from its destructor, into
    // the worker: release it while the rest of the worker (its event queue) is still alive.
    m_worker->connection.reset();
}

std::string CompartmentService::send(const std::string& to, const std::string& text,
                                     std::string stanzaId) {
    return queue(to, text, false, std::move(stanzaId));
}

std::string CompartmentService::sendToRoom(const std::string& text, std::string stanzaId) {
    return queue(m_worker->options.room, text, true, std::move(stanzaId));
}

std::string CompartmentService::queue(const std::string& to, const std::string& text, bool isRoom,
                                      std::string stanzaId) {
    if (stanzaId.empty())
        stanzaId = newStanzaId();
    m_worker->post({to, text, stanzaId, isRoom});
    return stanzaId;
}

std::string newStanzaId() {
    return "cloison-" + randomId();
}

void CompartmentService::verifyDevice(const std::string& jid, std::uint32_t deviceId,
                                      const std::string& fingerprint) {
    m_worker->post({jid, fingerprint, {}, false, Worker::Command::Kind::VerifyDevice, deviceId});
}

void CompartmentService::unverifyDevice(const std::string& jid, std::uint32_t deviceId) {
    m_worker->post({jid, {}, {}, false, Worker::Command::Kind::UnverifyDevice, deviceId});
}

void CompartmentService::query(std::string stanza, std::string to, std::string id) {
    {
        std::lock_guard lock(m_worker->mutex);
        m_worker->queries.push_back({std::move(stanza), std::move(to), std::move(id)});
    }
    m_worker->connection->wake();
}

std::string CompartmentService::withVault(std::function<Result<void>(storage::Vault&)> task) {
    std::string id = "cloison-task-" + randomId();
    {
        std::lock_guard lock(m_worker->mutex);
        m_worker->vaultTasks.push_back({std::move(task), id});
    }
    m_worker->connection->wake();
    return id;
}

std::optional<ServiceEvent> CompartmentService::nextEvent(std::chrono::milliseconds wait) {
    std::unique_lock lock(m_worker->mutex);
    if (!m_worker->eventArrived.wait_for(lock, wait, [&] { return !m_worker->events.empty(); }))
        return std::nullopt;
    ServiceEvent event = std::move(m_worker->events.front());
    m_worker->events.pop_front();
    return event;
}

} // namespace cloison::xmpp
