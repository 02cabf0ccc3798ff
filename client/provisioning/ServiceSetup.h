// How a compartment runs: the ServiceOptions that cloison-cli (send, listen) and the app start
// a CompartmentService with, from what its vault holds: trust mode and room from its account,
// and for a compartment provisioned from an invite the organisation's roster (fetched from the
// invite's roster owner at every connection and applied as it changes), the log-heads node,
// and the retention policy purged on schedule.
#pragma once

#include "client/xmpp/AccountStore.h"
#include "client/xmpp/CompartmentService.h"

#include <string>

namespace cloison::provisioning {

// `compartmentId`: the profile's local id of the compartment (it names the key-event log).
[[nodiscard]] Result<xmpp::ServiceOptions> serviceOptions(storage::Vault& vault,
                                                          const std::string& compartmentId,
                                                          const xmpp::StoredAccount& account);

} // namespace cloison::provisioning
