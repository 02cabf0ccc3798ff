#include "client/cli/DocumentCommands.h"

#include "client/cli/CommandLine.h"
#include "client/documents/DocumentTransfer.h"
#include "client/linkguard/Json.h"
#include "client/omemo/Stanzas.h"
#include "client/xmpp/AccountStore.h"

#include <sys/stat.h>

#include <iostream>

namespace cloison::cli {
namespace {

using xmpp::ServiceEvent;
using Clock = std::chrono::steady_clock;

// Progress on standard error, one line per tenth, so that it reads in a log as on a terminal.
documents::Progress progressTo(std::ostream& err, const std::string& what) {
    auto lastTenth = std::make_shared<int>(-1);
    return [&err, what, lastTenth](std::uint64_t done, std::uint64_t total) {
        if (total == 0)
            return;
        const int tenth = static_cast<int>(done * 10 / total);
        if (tenth == *lastTenth)
            return;
        *lastTenth = tenth;
        err << "cloison-cli: " << what << ": " << tenth * 10 << "% (" << done << " of " << total
            << " bytes)\n";
    };
}

documents::TransferSecurity securityOf(const xmpp::AccountSettings& account) {
    return {account.pin, account.insecureLoopback};
}

std::string domainOf(const std::string& jid) {
    const auto at = jid.find('@');
    return at == std::string::npos ? jid : jid.substr(at + 1);
}

void printMessageFields(const ServiceEvent& event, std::ostream& out) {
    out << "{\"from\":" << linkguard::jsonString(event.from)
        << ",\"conversation\":" << linkguard::jsonString(event.conversation)
        << ",\"device\":" << event.device << ",\"trusted\":" << (event.trusted ? "true" : "false")
        << ",\"time\":" << linkguard::jsonString(cli::isoTime(event.timeMs));
}

} // namespace

Result<int> runSendFile(Profile& profile, const std::string& compartment,
                        const MessagingOptions& options, const std::filesystem::path& file,
                        std::ostream& out) {
    struct stat info {};
    if (::stat(file.c_str(), &info) != 0 || !S_ISREG(info.st_mode))
        return makeError(ErrorCode::NotFound, file.string() + " is not a readable file");
    const auto size = static_cast<std::uint64_t>(info.st_size);
    auto running = startService(profile, compartment);
    if (!running)
        return running.error();
    // Refused here, before anything is asked of the server.
    if (auto allowed = documents::checkDocumentPolicy(running.value().documentPolicy,
                                                      file.filename().string(), size);
        !allowed)
        return allowed.error();
    if (options.toRoom && running.value().room.empty())
        return makeError(ErrorCode::InvalidArgument,
                         "this compartment has no room (set one with compartment add --room-jid)");
    xmpp::Compartment& service = *running.value().service;
    // The slot is asked for once the account is online; the link is sent once OMEMO is ready.
    const auto deadline = Clock::now() + std::chrono::seconds(options.timeoutSeconds);
    bool ready = false;
    while (!ready) {
        if (Clock::now() >= deadline)
            return exitForNetwork({ErrorCode::Unreachable,
                                   "the compartment did not connect in time; nothing was sent"},
                                  std::cerr);
        auto event = service.nextEvent(std::chrono::milliseconds(200));
        if (!event)
            continue;
        if (event->type == ServiceEvent::Type::Ready)
            ready = true;
        if (event->type == ServiceEvent::Type::Offline && !event->retrying)
            return exitForNetwork(event->error, std::cerr);
    }
    std::deque<ServiceEvent> other;
    auto slot = documents::requestUploadSlot(
        service, domainOf(running.value().account.jid), documents::uploadFileName(file),
        documents::ciphertextSize(size), std::chrono::seconds(options.timeoutSeconds), other);
    if (!slot)
        return slot.error();
    auto link =
        documents::uploadDocument(file, size, slot.value(), securityOf(running.value().account),
                                  progressTo(std::cerr, "uploading " + file.filename().string()));
    if (!link)
        return link.error();
    return sendAndAwaitDelivery(running.value(), options, link.value(), out);
}

Result<int> runDocuments(Profile& profile, const std::string& compartment, std::ostream& out) {
    auto vault = profile.compartmentVault(compartment);
    if (!vault)
        return vault.error();
    auto list = storage::DocumentRepository(*vault.value()).list();
    if (!list)
        return list.error();
    for (const storage::DocumentRecord& document : list.value())
        out << "{\"id\":" << linkguard::jsonString(document.id)
            << ",\"from\":" << linkguard::jsonString(document.sender)
            << ",\"conversation\":" << linkguard::jsonString(document.conversation)
            << ",\"name\":" << linkguard::jsonString(document.name) << ",\"size\":" << document.size
            << ",\"time\":" << linkguard::jsonString(cli::isoTime(document.receivedAt)) << "}\n";
    return 0;
}

Result<int> runSave(Profile& profile, const std::string& compartment, const std::string& id,
                    const std::filesystem::path& output, std::ostream& out) {
    auto vault = profile.compartmentVault(compartment);
    if (!vault)
        return vault.error();
    auto saved = documents::exportDocument(*vault.value(), id, output);
    if (!saved)
        return saved.error();
    out << "saved " << id << " to " << output.string() << " (" << saved.value() << " bytes)\n";
    return 0;
}

ListenDocuments::Outcome ListenDocuments::onMessage(const ServiceEvent& event, std::ostream& out) {
    if (!documents::isDocumentLink(event.text))
        return Outcome::NotADocument;
    auto refuse = [&](const Error& error) {
        // The link holds the key: it is never printed, only what became of it.
        std::cerr << "cloison-cli: refused a document from " << event.from << ": " << error.message
                  << "; nothing was saved\n";
        printMessageFields(event, out);
        out << ",\"document\":null,\"error\":" << linkguard::jsonString(error.message) << "}\n";
        out.flush();
        return Outcome::Printed;
    };
    auto link = documents::parseDocumentLink(event.text);
    if (!link)
        return refuse(link.error());
    auto received = documents::downloadDocument(
        link.value(), m_running.documentsDir, m_running.documentPolicy.maxBytes,
        securityOf(m_running.account), progressTo(std::cerr, "receiving " + link.value().fileName));
    if (!received)
        return refuse(received.error());
    storage::DocumentRecord record = std::move(received.value().record);
    record.conversation = event.conversation;
    record.sender = event.from;
    record.receivedAt = event.timeMs;
    auto key = std::make_shared<SecretBytes>(std::move(received.value().fileKey));
    const std::string task =
        m_running.service->withVault([record, key](storage::Vault& vault) -> Result<void> {
            auto policy = documents::documentPolicy(vault);
            if (!policy)
                return policy.error();
            if (auto allowed = documents::checkDocumentPolicy(
                    policy.value(), record.name, static_cast<std::uint64_t>(record.size));
                !allowed)
                return allowed;
            return storage::DocumentRepository(vault).add(record, *key);
        });
    m_pending.emplace(task, Pending{event, std::move(record)});
    return Outcome::Pending;
}

bool ListenDocuments::onTaskDone(const ServiceEvent& event, std::ostream& out) {
    auto found = m_pending.find(event.stanzaId);
    if (found == m_pending.end())
        return false;
    Pending pending = std::move(found->second);
    m_pending.erase(found);
    if (!event.error.message.empty()) { // VaultTaskDone carries an error only on failure
        documents::discardDocumentFile(m_running.documentsDir, pending.record.id);
        std::cerr << "cloison-cli: refused a document from " << pending.message.from << ": "
                  << event.error.message << "; nothing was saved\n";
        printMessageFields(pending.message, out);
        out << ",\"document\":null,\"error\":" << linkguard::jsonString(event.error.message)
            << "}\n";
        out.flush();
        return true;
    }
    printMessageFields(pending.message, out);
    out << ",\"document\":{\"id\":" << linkguard::jsonString(pending.record.id)
        << ",\"name\":" << linkguard::jsonString(pending.record.name)
        << ",\"size\":" << pending.record.size << "}}\n";
    out.flush();
    return true;
}

} // namespace cloison::cli
