// Link-guard events in the compartment's key-event log. The log never holds message content,
// so an event names the link's host, the domain it imitates and why — not its path or query.
#pragma once

#include "client/audit/KeyEventLog.h"
#include "client/linkguard/LinkVerdict.h"

namespace cloison::linkguard {

[[nodiscard]] Result<void> logLinkEvent(audit::KeyEventLog& log, const LinkEvent& event);
[[nodiscard]] Result<void> logBlocklistInstalled(audit::KeyEventLog& log, std::uint64_t version,
                                                 std::size_t domains);

} // namespace cloison::linkguard
