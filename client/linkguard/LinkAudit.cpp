#include "client/linkguard/LinkAudit.h"

namespace cloison::linkguard {

Result<void> logLinkEvent(audit::KeyEventLog& log, const LinkEvent& event) {
    std::string details = std::string("action=") + linkActionName(event.action) +
                          " verdict=" + verdictName(event.verdict);
    if (!event.imitated.empty())
        details += " imitates=" + event.imitated;
    if (!event.reasonCodes.empty()) {
        details += " reasons=";
        for (std::size_t i = 0; i < event.reasonCodes.size(); ++i)
            details += (i ? "," : "") + event.reasonCodes[i];
    }
    auto recorded = log.record(audit::event::kLinkWarned, event.asciiHost, {}, details);
    if (!recorded)
        return recorded.error();
    return {};
}

Result<void> logBlocklistInstalled(audit::KeyEventLog& log, std::uint64_t version,
                                   std::size_t domains) {
    auto recorded =
        log.record(audit::event::kPolicyChanged, "phishing blocklist", {},
                   "version=" + std::to_string(version) + " domains=" + std::to_string(domains));
    if (!recorded)
        return recorded.error();
    return {};
}

} // namespace cloison::linkguard
