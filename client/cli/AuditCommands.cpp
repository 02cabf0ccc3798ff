#include "client/cli/AuditCommands.h"

#include "client/audit/AuditJson.h"
#include "client/audit/KeyEventLog.h"
#include "client/profile/ProfileHeader.h"
#include "client/provisioning/MemberImport.h"
#include "storage/SettingsRepository.h"

#include <iostream>

namespace cloison::cli {
namespace {

Result<audit::KeyEventLog> openLog(Profile& profile, const std::string& compartment) {
    auto vault = profile.compartmentVault(compartment);
    if (!vault)
        return vault.error();
    auto id = profile.compartmentId(compartment);
    if (!id)
        return id.error();
    return audit::KeyEventLog::open(*vault.value(), id.value());
}

} // namespace

Result<void> exportAudit(Profile& profile, const std::string& compartment,
                         const std::string& output) {
    auto log = openLog(profile, compartment);
    if (!log)
        return log.error();
    if (auto recorded = log.value().record(audit::event::kExport, "audit log",
                                           keyFingerprint(log.value().publicKey()),
                                           output.empty() ? "to standard output" : "to a file");
        !recorded)
        return recorded.error();
    // The roster the organisation signed certifies the log key; a compartment not provisioned
    // from an invite, or whose roster was never fetched, has none and exports without.
    auto vault = profile.compartmentVault(compartment);
    if (!vault)
        return vault.error();
    auto roster = storage::SettingsRepository(*vault.value()).get(provisioning::kRosterKey);
    if (!roster)
        return roster.error();
    const std::string certificate =
        roster.value() ? std::string(roster.value()->begin(), roster.value()->end()) : "";
    auto lines = log.value().exportJsonLines(certificate);
    if (!lines)
        return lines.error();
    if (output.empty()) {
        std::cout << lines.value();
        return {};
    }
    return writeFileAtomically(output, asBytes(lines.value()));
}

Result<void> printLogHead(Profile& profile, const std::string& compartment) {
    auto log = openLog(profile, compartment);
    if (!log)
        return log.error();
    auto head = log.value().head(audit::KeyEventLog::nowMs());
    if (!head)
        return head.error();
    std::cout << audit::headLine(log.value().publicKey(), head.value()) << '\n';
    return {};
}

} // namespace cloison::cli
