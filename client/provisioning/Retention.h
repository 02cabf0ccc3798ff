// A compartment's retention policy: messages older than its number of days are purged with
// secure delete (zeroed in the vault's pages, then checkpointed out of the write-ahead log),
// when the compartment's vault is opened and on demand. Each purge that removes anything is a
// retention-purge key event (a count and the cutoff, never content).
#pragma once

#include "storage/Vault.h"

#include <optional>
#include <string>

namespace cloison::provisioning {

constexpr const char* kRetentionDaysKey = "policy.retention-days";

// nullopt when the compartment keeps messages (no policy, or 0 days).
[[nodiscard]] Result<std::optional<std::uint32_t>> retentionDays(storage::Vault& vault);
[[nodiscard]] Result<void> setRetentionDays(storage::Vault& vault, std::uint32_t days);
// Returns how many messages and documents (by the time received) were purged. `nowMs`:
// milliseconds since the epoch. `cutoffMs`, when given, receives the time before which they
// were purged (unchanged without a policy).
[[nodiscard]] Result<std::int64_t> applyRetention(storage::Vault& vault,
                                                  const std::string& compartmentId,
                                                  std::int64_t nowMs,
                                                  std::int64_t* cutoffMs = nullptr);

} // namespace cloison::provisioning
