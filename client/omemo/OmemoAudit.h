// What the OMEMO engine reports about keys, devices and sessions, recorded in the compartment's
// key-event log. Message events carry text and are never recorded.
#pragma once

#include "client/audit/KeyEventLog.h"
#include "client/omemo/OmemoEngine.h"

namespace cloison::omemo {

[[nodiscard]] Result<void> recordKeyEvents(audit::KeyEventLog& log,
                                           const std::vector<Event>& events);

} // namespace cloison::omemo
