#include "client/provisioning/Retention.h"

#include "client/audit/KeyEventLog.h"
#include "client/documents/DocumentTransfer.h"
#include "client/provisioning/SignedText.h"
#include "storage/MessageRepository.h"
#include "storage/SettingsRepository.h"

namespace cloison::provisioning {

Result<std::optional<std::uint32_t>> retentionDays(storage::Vault& vault) {
    auto stored = storage::SettingsRepository(vault).get(kRetentionDaysKey);
    if (!stored)
        return stored.error();
    if (!stored.value())
        return std::optional<std::uint32_t>{};
    const Bytes& raw = *stored.value();
    std::uint64_t days = 0;
    if (!parseCanonicalDecimal(
            std::string_view(reinterpret_cast<const char*>(raw.data()), raw.size()), 36500, days))
        return makeError(ErrorCode::Corrupted, "the compartment's retention policy is damaged");
    if (days == 0)
        return std::optional<std::uint32_t>{};
    return std::optional<std::uint32_t>{static_cast<std::uint32_t>(days)};
}

Result<void> setRetentionDays(storage::Vault& vault, std::uint32_t days) {
    if (days > 36500)
        return makeError(ErrorCode::InvalidArgument, "retention is at most 36500 days");
    return storage::SettingsRepository(vault).put(kRetentionDaysKey, asBytes(std::to_string(days)));
}

Result<std::int64_t> applyRetention(storage::Vault& vault, const std::string& compartmentId,
                                    std::int64_t nowMs, std::int64_t* cutoffMs) {
    auto days = retentionDays(vault);
    if (!days)
        return days.error();
    if (!days.value())
        return std::int64_t{0};
    const std::int64_t cutoff = nowMs - static_cast<std::int64_t>(*days.value()) * 86'400'000;
    if (cutoffMs != nullptr)
        *cutoffMs = cutoff;
    auto purged = storage::MessageRepository(vault).purgeSentBefore(cutoff);
    if (!purged)
        return purged.error();
    // Documents go by the same rule, by the time they were received: rows, keys and files.
    auto documents = documents::purgeDocumentsBefore(vault, cutoff);
    if (!documents)
        return documents.error();
    if (purged.value() == 0 && documents.value() == 0)
        return purged;
    // secure_delete zeroed the rows in the pages; the checkpoint takes the WAL's copies too.
    if (auto flushed = vault.checkpoint(); !flushed)
        return flushed.error();
    auto log = audit::KeyEventLog::open(vault, compartmentId);
    if (!log)
        return log.error();
    if (auto recorded = log.value().record(audit::event::kRetentionPurge, compartmentId, {},
                                           "messages=" + std::to_string(purged.value()) +
                                               " documents=" + std::to_string(documents.value()) +
                                               " days=" + std::to_string(*days.value()) +
                                               " cutoff-ms=" + std::to_string(cutoff));
        !recorded)
        return recorded.error();
    return purged.value() + documents.value();
}

} // namespace cloison::provisioning
