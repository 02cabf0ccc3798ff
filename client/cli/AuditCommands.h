// cloison-cli's key-event log commands.
#pragma once

#include "client/profile/Profile.h"

#include <optional>
#include <string>

namespace cloison::cli {

// Writes the compartment's log as JSON Lines to `output` (standard output when empty); the
// export itself is recorded in the log first, so the export shows it.
[[nodiscard]] Result<void> exportAudit(Profile& profile, const std::string& compartment,
                                       const std::string& output);
// Prints the compartment's current signed log head, one JSON line, for publishing.
[[nodiscard]] Result<void> printLogHead(Profile& profile, const std::string& compartment);

} // namespace cloison::cli
