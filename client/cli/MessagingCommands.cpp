#include "client/cli/MessagingCommands.h"

#include "client/cli/CommandLine.h"

#include "client/cli/DocumentCommands.h"
#include "client/cli/PassphraseSource.h"
#include "client/documents/DocumentTransfer.h"
#include "client/linkguard/Json.h"
#include "client/provisioning/Decoy.h"
#include "client/worker/StartCompartment.h"
#include "client/xmpp/AccountStore.h"
#include "crypto/TlsPin.h"
#include "storage/DocumentRepository.h"

#include <ctime>
#include <iostream>

namespace cloison::cli {

namespace {

using xmpp::ServiceEvent;
using Clock = std::chrono::steady_clock;

Result<std::pair<std::string, std::uint16_t>> parseServer(const std::string& server) {
    std::string host = server;
    long port = 5222;
    if (const auto colon = server.rfind(':'); colon != std::string::npos) {
        host = server.substr(0, colon);
        char* end = nullptr;
        const std::string digits = server.substr(colon + 1);
        port = std::strtol(digits.c_str(), &end, 10);
        if (digits.empty() || *end != '\0' || port < 1 || port > 65535)
            return makeError(ErrorCode::InvalidArgument, "--server takes HOST[:PORT]");
    }
    if (host.empty())
        return makeError(ErrorCode::InvalidArgument, "--server takes HOST[:PORT]");
    return std::pair{host, static_cast<std::uint16_t>(port)};
}

} // namespace

Result<Running> startService(Profile& profile, const std::string& compartment) {
    if (auto allowed = provisioning::mayConnect(profile, compartment); !allowed)
        return allowed.error();
    auto vault = profile.compartmentVault(compartment);
    if (!vault)
        return vault.error();
    auto account = xmpp::loadAccount(*vault.value());
    if (!account)
        return account.error();
    auto policy = documents::documentPolicy(*vault.value());
    if (!policy)
        return policy.error();
    auto service = worker::startCompartment(profile, compartment);
    if (!service)
        return service.error();
    return Running{std::move(service).value(), account.value().room, account.value().settings,
                   storage::documentsDirOf(*vault.value()), policy.value()};
}

int exitForNetwork(const Error& error, std::ostream& err) {
    err << "cloison-cli: " << error.message << '\n';
    switch (error.code) {
    case ErrorCode::ServerKeyMismatch:
        return kExitServerKeyMismatch;
    case ErrorCode::LoginRefused:
        return kExitLoginRefused;
    default:
        return kExitUnreachable;
    }
}

bool hasAccountOptions(const MessagingOptions& options) {
    return !options.jid.empty() || !options.server.empty() || options.passwordFd ||
           !options.pin.empty() || options.insecureLoopback || !options.roomJid.empty();
}

Result<void> checkAccountOptions(const MessagingOptions& options) {
    if (options.jid.empty() || options.jid.find('@') == std::string::npos)
        return makeError(ErrorCode::InvalidArgument, "an account needs --jid NAME@DOMAIN");
    if (options.server.empty())
        return makeError(ErrorCode::InvalidArgument, "an account needs --server HOST[:PORT]");
    auto server = parseServer(options.server);
    if (!server)
        return server.error();
    if (options.pin.empty() == !options.insecureLoopback)
        return makeError(ErrorCode::InvalidArgument,
                         "give exactly one of --pin SHA256 and --insecure-loopback");
    if (options.insecureLoopback && server.value().first != "127.0.0.1")
        return makeError(ErrorCode::InvalidArgument,
                         "--insecure-loopback is only accepted for --server 127.0.0.1");
    if (!options.pin.empty()) {
        if (auto pin = normalisePin(options.pin); !pin)
            return pin.error();
    }
    if (!xmpp::parseTrustMode(options.trust))
        return makeError(ErrorCode::InvalidArgument, "--trust takes strict, manual or blind");
    return {};
}

Result<void> configureAccount(Profile& profile, const std::string& compartment,
                              const MessagingOptions& options) {
    if (auto checked = checkAccountOptions(options); !checked)
        return checked;
    auto password = obtainPassphrase(
        {options.passwordFd, "CLOISON_ACCOUNT_PASSWORD", "Account password", false});
    if (!password)
        return password.error();
    auto vault = profile.compartmentVault(compartment);
    if (!vault)
        return vault.error();
    xmpp::StoredAccount account;
    account.settings.jid = options.jid;
    auto server = parseServer(options.server).value();
    account.settings.host = server.first;
    account.settings.port = server.second;
    if (!options.pin.empty())
        account.settings.pin = normalisePin(options.pin).value();
    account.settings.insecureLoopback = options.insecureLoopback;
    account.password = std::move(password.value());
    account.trust = *xmpp::parseTrustMode(options.trust);
    account.room = options.roomJid;
    return xmpp::saveAccount(*vault.value(), account);
}

Result<int> runSend(Profile& profile, const std::string& compartment,
                    const MessagingOptions& options, const std::string& text, std::ostream& out) {
    auto running = startService(profile, compartment);
    if (!running)
        return running.error();
    if (options.toRoom && running.value().room.empty())
        return makeError(ErrorCode::InvalidArgument,
                         "this compartment has no room (set one with compartment add --room-jid)");
    return sendAndAwaitDelivery(running.value(), options, text, out);
}

Result<int> sendAndAwaitDelivery(Running& running, const MessagingOptions& options,
                                 const std::string& text, std::ostream& out) {
    const std::string id = options.toRoom ? running.service->sendToRoom(text)
                                          : running.service->send(options.to, text);
    const auto deadline = Clock::now() + std::chrono::seconds(options.timeoutSeconds);
    Error last{ErrorCode::Unreachable, "the server did not acknowledge the message in time"};
    bool delivered = false;
    bool receipt = false; // it may overtake the server's acknowledgement
    while (Clock::now() < deadline) {
        auto event = running.service->nextEvent(std::chrono::milliseconds(200));
        if (!event)
            continue;
        if (event->type == ServiceEvent::Type::MessageReceivedByPeer && event->stanzaId == id)
            receipt = true;
        if (event->type == ServiceEvent::Type::MessageDelivered && event->stanzaId == id) {
            out << "sent " << id << '\n';
            if (!options.waitReceipt)
                return 0;
            delivered = true;
        }
        if (delivered && receipt) {
            out << "received " << id << '\n';
            return 0;
        }
        if (event->type == ServiceEvent::Type::MessageUndeliverable && event->stanzaId == id)
            return event->error;
        if (event->type == ServiceEvent::Type::Offline) {
            last = event->error;
            if (!event->retrying)
                return exitForNetwork(last, std::cerr);
        }
    }
    if (delivered) {
        std::cerr << "cloison-cli: the server has the message, but " << options.to
                  << " sent no delivery receipt within " << options.timeoutSeconds << " seconds\n";
        return kExitNoReceipt;
    }
    last.message += "; the message stays in the outbox and goes out the next time this "
                    "compartment connects";
    return exitForNetwork(last, std::cerr);
}

Result<void> announceDevice(Profile& profile, const std::string& compartment,
                            std::chrono::seconds timeout) {
    auto running = startService(profile, compartment);
    if (!running)
        return running.error();
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        auto event = running.value().service->nextEvent(std::chrono::milliseconds(200));
        if (event && event->type == ServiceEvent::Type::Ready)
            return {};
        if (event && event->type == ServiceEvent::Type::Offline)
            return event->error;
    }
    return makeError(ErrorCode::TimedOut, "the server did not answer in time");
}

Result<int> runListen(Profile& profile, const std::string& compartment,
                      const MessagingOptions& options, std::ostream& out) {
    auto running = startService(profile, compartment);
    if (!running)
        return running.error();
    const auto deadline = Clock::now() + std::chrono::seconds(options.timeoutSeconds);
    long received = 0;
    std::optional<Error> offline;
    ListenDocuments documents(running.value());
    while (Clock::now() < deadline && (!options.count || received < *options.count)) {
        auto event = running.value().service->nextEvent(std::chrono::milliseconds(200));
        if (!event)
            continue;
        switch (event->type) {
        case ServiceEvent::Type::VaultTaskDone:
            if (documents.onTaskDone(*event, out))
                ++received;
            break;
        case ServiceEvent::Type::MessageReceived: {
            const auto outcome = documents.onMessage(*event, out);
            if (outcome == ListenDocuments::Outcome::Printed)
                ++received;
            if (outcome != ListenDocuments::Outcome::NotADocument)
                break;
            out << "{\"from\":" << linkguard::jsonString(event->from)
                << ",\"conversation\":" << linkguard::jsonString(event->conversation)
                << ",\"device\":" << event->device
                << ",\"trusted\":" << (event->trusted ? "true" : "false")
                << ",\"time\":" << linkguard::jsonString(cli::isoTime(event->timeMs))
                << ",\"text\":" << linkguard::jsonString(event->text) << "}\n";
            out.flush();
            ++received;
            break;
        }
        case ServiceEvent::Type::MessageRejected:
            std::cerr << "cloison-cli: refused a message from "
                      << (event->from.empty() ? "the server" : event->from) << ": "
                      << event->error.message << '\n';
            break;
        case ServiceEvent::Type::Offline:
            offline = event->error;
            if (!event->retrying)
                return exitForNetwork(event->error, std::cerr);
            break;
        case ServiceEvent::Type::Online:
            offline.reset();
            break;
        // What the organisation's roster and the retention policy change while listening is
        // said on standard error, like the refusals: standard output stays messages only.
        case ServiceEvent::Type::RosterApplied:
            std::cerr << "cloison-cli: " << event->text << '\n';
            break;
        case ServiceEvent::Type::RosterRefused:
            std::cerr << "cloison-cli: the organisation's roster was not applied: "
                      << event->error.message << '\n';
            break;
        case ServiceEvent::Type::RetentionPurged:
            std::cerr << "cloison-cli: retention policy: purged " << event->count << " messages\n";
            break;
        case ServiceEvent::Type::RetentionFailed:
            std::cerr << "cloison-cli: retention purge failed: " << event->error.message << '\n';
            break;
        default:
            break;
        }
    }
    if (options.count && received < *options.count) {
        if (offline)
            return exitForNetwork(*offline, std::cerr);
        std::cerr << "cloison-cli: timed out after " << options.timeoutSeconds << " s with "
                  << received << " of " << *options.count << " messages\n";
        return 1;
    }
    return 0;
}

} // namespace cloison::cli
