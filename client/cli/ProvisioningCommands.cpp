#include "client/cli/ProvisioningCommands.h"

#include "client/cli/MessagingCommands.h"
#include "client/provisioning/Decoy.h"
#include "client/provisioning/MemberImport.h"
#include "client/provisioning/Retention.h"
#include "client/xmpp/AccountStore.h"
#include "client/xmpp/ServerAdmin.h"
#include "crypto/AtomicFile.h"
#include "storage/MessageRepository.h"
#include "storage/SettingsRepository.h"

#include <unistd.h>

#include <iostream>

namespace cloison::cli {
namespace {

Result<void> writeDocument(const std::string& path, const std::string& document,
                           std::ostream& out) {
    if (path.empty()) {
        out << document;
        return {};
    }
    return writeFileAtomically(path, asBytes(document));
}

// The person compares the fingerprint with the one the admin gave them and types "yes".
bool confirmOnTerminal(const std::string& fingerprint, std::ostream& err) {
    if (!::isatty(STDIN_FILENO))
        return false;
    err << "This invite is signed by the organisation key with fingerprint\n\n    " << fingerprint
        << "\n\nCompare it with the one your admin gave you (in person or by phone). Type 'yes' "
           "if it is the same: ";
    err.flush();
    std::string answer;
    if (!std::getline(std::cin, answer))
        return false;
    return answer == "yes";
}

Result<int> runEnrollRequest(const ProvisioningOptions& options, const UnlockFn& unlock,
                             std::ostream& out, std::ostream& err) {
    auto profile = unlock();
    if (!profile)
        return profile.error();
    auto request = provisioning::enrollRequest(*profile.value(), options.name);
    if (!request)
        return request.error();
    if (auto written = writeDocument(options.output, request.value(), out); !written)
        return written.error();
    // The request travels over any channel: the admin compares this fingerprint with the
    // person (like the org key's the other way) before issuing an invite for it.
    auto parsed = provisioning::parseEnrollRequest(request.value());
    if (!parsed)
        return parsed.error();
    err << "cloison-cli: enrolment key fingerprint " << keyFingerprint(parsed.value().signingKey)
        << " (tell your admin)\n";
    return 0;
}

Result<int> runImport(const std::string& file, const ProvisioningOptions& options,
                      const UnlockFn& unlock, std::ostream& out, std::ostream& err) {
    auto document = readFileLimited(file, provisioning::kMaxSealedInviteBytes);
    if (!document)
        return document.error();
    auto profile = unlock();
    if (!profile)
        return profile.error();
    provisioning::ImportOptions importOptions;
    importOptions.orgFingerprint = options.orgFingerprint;
    importOptions.confirm = [&](const std::string& fingerprint) {
        return confirmOnTerminal(fingerprint, err);
    };
    auto imported = provisioning::importInvite(*profile.value(), document.value(), importOptions);
    if (!imported) {
        if (imported.error().code == ErrorCode::WrongKey) {
            err << "cloison-cli: " << imported.error().message << '\n';
            return kExitNotForThisProfile;
        }
        return imported.error();
    }
    const provisioning::ImportResult& result = imported.value();
    if (result.pinnedNow)
        err << "cloison-cli: pinned organisation key " << result.orgFingerprint << '\n';
    if (result.decoy) {
        err << "cloison-cli: imported decoy compartment " << result.compartment
            << ": it holds bait your admin planted and never connects to the server; "
               "'compartments' lists it as a decoy. Its device is never certified: no "
               "certification request is written\n";
        return 0;
    }
    if (auto written = writeDocument(options.output, result.certificationRequest, out); !written) {
        // The compartment exists; the request can be made again from it later only by a new
        // import, so say plainly what failed.
        return written.error();
    }
    // Announced now, the new device can receive from the other members before this person
    // first opens the compartment. Not being able to is not a failure of the import.
    if (auto announced =
            announceDevice(*profile.value(), result.compartment, std::chrono::seconds(20));
        !announced)
        err << "cloison-cli: the new device is not announced on the server yet ("
            << announced.error().message << "); it will be when the compartment first connects\n";
    err << "cloison-cli: imported compartment " << result.compartment << " (device "
        << result.deviceId << "); hand the certification request to your admin\n";
    if (result.mustSeal)
        err << "cloison-cli: the policy asks for this compartment to be sealed behind its own "
               "security key: run 'cloison-cli fido seal "
            << result.compartment << "'\n";
    return 0;
}

Result<int> applyAndReport(Profile& profile, const std::string& compartment,
                           std::string_view document, std::ostream& out) {
    auto roster = provisioning::applyRoster(profile, compartment, document);
    if (!roster)
        return roster.error();
    out << "roster version " << roster.value().version << ": " << roster.value().devices.size()
        << " certified, " << roster.value().revoked.size() << " revoked\n";
    return 0;
}

Result<int> runRosterApply(const std::string& file, const ProvisioningOptions& options,
                           const UnlockFn& unlock, std::ostream& out) {
    auto document = readFileLimited(file, provisioning::kMaxDocumentBytes);
    if (!document)
        return document.error();
    auto profile = unlock();
    if (!profile)
        return profile.error();
    return applyAndReport(*profile.value(), options.compartment, document.value(), out);
}

Result<int> runRosterFetch(const ProvisioningOptions& options, const UnlockFn& unlock,
                           std::ostream& out) {
    auto profile = unlock();
    if (!profile)
        return profile.error();
    if (auto allowed = provisioning::mayConnect(*profile.value(), options.compartment); !allowed)
        return allowed.error();
    auto vault = profile.value()->compartmentVault(options.compartment);
    if (!vault)
        return vault.error();
    auto account = xmpp::loadAccount(*vault.value());
    if (!account)
        return account.error();
    auto compartmentId =
        storage::SettingsRepository(*vault.value()).get(provisioning::kCompartmentIdKey);
    if (!compartmentId)
        return compartmentId.error();
    if (!compartmentId.value())
        return makeError(ErrorCode::NotFound, "compartment \"" + options.compartment +
                                                  "\" was not provisioned from an invite");
    auto held = provisioning::currentRoster(*vault.value());
    if (!held)
        return held.error();
    // Without --from: the roster owner the invite named.
    std::string owner = options.rosterOwner;
    if (owner.empty()) {
        auto stored =
            storage::SettingsRepository(*vault.value()).get(provisioning::kRosterOwnerKey);
        if (!stored)
            return stored.error();
        if (!stored.value())
            return makeError(ErrorCode::InvalidArgument,
                             "this compartment's invite named no roster owner: give --from "
                             "ADMIN_JID");
        owner.assign(stored.value()->begin(), stored.value()->end());
    }
    auto fetched = xmpp::fetchPublishedBlob(
        account.value().settings, std::move(account.value().password), owner,
        xmpp::kRosterNodePrefix +
            std::string(compartmentId.value()->begin(), compartmentId.value()->end()));
    if (!fetched)
        return fetched.error();
    const std::string document(fetched.value().begin(), fetched.value().end());
    auto stored = storage::SettingsRepository(*vault.value()).get(provisioning::kRosterKey);
    if (!stored)
        return stored.error();
    if (stored.value() && std::string(stored.value()->begin(), stored.value()->end()) == document) {
        out << "roster version " << held.value()->version << " is current\n";
        return 0;
    }
    return applyAndReport(*profile.value(), options.compartment, document, out);
}

Result<int> runPurge(const ProvisioningOptions& options, const UnlockFn& unlock,
                     std::ostream& out) {
    auto profile = unlock();
    if (!profile)
        return profile.error();
    // Opening the vault applies the policy already; this says what it is and what is left.
    auto vault = profile.value()->compartmentVault(options.compartment);
    if (!vault)
        return vault.error();
    auto days = provisioning::retentionDays(*vault.value());
    if (!days)
        return days.error();
    auto kept = storage::MessageRepository(*vault.value()).count();
    if (!kept)
        return kept.error();
    if (days.value())
        out << "retention " << *days.value() << " days: " << kept.value() << " messages kept\n";
    else
        out << "no retention policy: " << kept.value() << " messages kept\n";
    return 0;
}

} // namespace

Result<int> runProvisioning(const std::vector<std::string>& words,
                            const ProvisioningOptions& options, const UnlockFn& unlock,
                            std::ostream& out, std::ostream& err) {
    const std::string& command = words.front();
    auto usage = [](const char* text) {
        return makeError(ErrorCode::InvalidArgument, text);
    };
    if (command == "enroll-request") {
        if (words.size() != 1 || options.name.empty())
            return usage("expected 'enroll-request --name NAME [-o FILE]'");
        return runEnrollRequest(options, unlock, out, err);
    }
    if (command == "import") {
        if (words.size() != 2)
            return usage("expected 'import INVITE [--org-fingerprint FP] [-o FILE]'");
        return runImport(words[1], options, unlock, out, err);
    }
    if (command == "roster") {
        if (words.size() == 2 && words[1] == "fetch" && !options.compartment.empty())
            return runRosterFetch(options, unlock, out);
        if (words.size() != 3 || words[1] != "apply" || options.compartment.empty())
            return usage("expected 'roster apply --compartment NAME FILE' or 'roster fetch "
                         "--compartment NAME [--from ADMIN_JID]'");
        return runRosterApply(words[2], options, unlock, out);
    }
    if (words.size() != 1 || options.compartment.empty())
        return usage("expected 'purge --compartment NAME'");
    return runPurge(options, unlock, out);
}

} // namespace cloison::cli
