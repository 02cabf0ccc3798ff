#include "storage/CertifiedDeviceRepository.h"

#include <algorithm>
#include <limits>
#include <set>
#include <utility>

namespace cloison::storage {

Result<void> CertifiedDeviceRepository::replaceAll(std::uint64_t version,
                                                   const std::vector<CertifiedDevice>& devices) {
    if (version > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return makeError(ErrorCode::InvalidArgument, "the roster version is out of range");
    std::set<std::pair<std::string, std::uint32_t>> seen;
    for (const CertifiedDevice& device : devices) {
        if (device.jid.empty() || device.deviceId == 0 || device.identityKey.empty())
            return makeError(ErrorCode::InvalidArgument,
                             "a certified device needs an account, a device id and a key");
        if (!seen.insert({device.jid, device.deviceId}).second)
            return makeError(ErrorCode::InvalidArgument, "the roster certifies device " +
                                                             std::to_string(device.deviceId) +
                                                             " of " + device.jid + " twice");
    }
    return m_vault.transaction([&]() -> Result<void> {
        auto current = this->version();
        if (!current)
            return current.error();
        if (current.value() && *current.value() > version)
            return makeError(ErrorCode::InvalidArgument,
                             "device roster version " + std::to_string(version) +
                                 " is older than the one applied (" +
                                 std::to_string(*current.value()) + "): refusing a rollback");
        if (auto cleared = m_vault.db().exec("DELETE FROM certified_devices"); !cleared)
            return cleared;
        for (const CertifiedDevice& device : devices) {
            auto stmt = m_vault.db().cached(
                "INSERT INTO certified_devices (jid, device_id, identity_key) VALUES (?, ?, ?)");
            if (!stmt)
                return stmt.error();
            stmt.value()->bind(1, device.jid).bind(2, std::int64_t{device.deviceId});
            if (auto done = stmt.value()->bind(3, ByteView(device.identityKey)).run(); !done)
                return done;
        }
        // SQLCipher 3.4's SQLite predates upsert.
        auto stmt = m_vault.db().cached(
            "INSERT OR REPLACE INTO certified_roster (id, version) VALUES (1, ?)");
        if (!stmt)
            return stmt.error();
        return stmt.value()->bind(1, static_cast<std::int64_t>(version)).run();
    });
}

Result<bool> CertifiedDeviceRepository::isCertified(std::string_view jid, std::uint32_t deviceId,
                                                    ByteView identityKey) {
    auto stmt = m_vault.db().cached(
        "SELECT identity_key FROM certified_devices WHERE jid = ? AND device_id = ?");
    if (!stmt)
        return stmt.error();
    auto key = stmt.value()
                   ->bind(1, jid)
                   .bind(2, std::int64_t{deviceId})
                   .optionalRow([&](const Statement& row) {
                       const ByteView certified = row.columnView(0);
                       return std::equal(certified.begin(), certified.end(), identityKey.begin(),
                                         identityKey.end());
                   });
    if (!key)
        return key.error();
    return key.value().value_or(false);
}

Result<bool> CertifiedDeviceRepository::hasDevice(std::string_view jid, std::uint32_t deviceId) {
    auto stmt =
        m_vault.db().cached("SELECT 1 FROM certified_devices WHERE jid = ? AND device_id = ?");
    if (!stmt)
        return stmt.error();
    auto found = stmt.value()
                     ->bind(1, jid)
                     .bind(2, std::int64_t{deviceId})
                     .optionalRow([](const Statement&) { return true; });
    if (!found)
        return found.error();
    return found.value().has_value();
}

Result<bool> CertifiedDeviceRepository::hasContact(std::string_view jid) {
    auto stmt = m_vault.db().cached("SELECT 1 FROM certified_devices WHERE jid = ? LIMIT 1");
    if (!stmt)
        return stmt.error();
    auto found = stmt.value()->bind(1, jid).optionalRow([](const Statement&) { return true; });
    if (!found)
        return found.error();
    return found.value().has_value();
}

Result<std::vector<CertifiedDevice>> CertifiedDeviceRepository::list() {
    auto stmt = m_vault.db().cached("SELECT jid, device_id, identity_key FROM certified_devices"
                                    " ORDER BY jid, device_id");
    if (!stmt)
        return stmt.error();
    return stmt.value()->allRows([](const Statement& row) {
        return CertifiedDevice{row.columnText(0), static_cast<std::uint32_t>(row.columnInt64(1)),
                               row.columnBlob(2)};
    });
}

Result<std::optional<std::uint64_t>> CertifiedDeviceRepository::version() {
    auto stmt = m_vault.db().cached("SELECT version FROM certified_roster WHERE id = 1");
    if (!stmt)
        return stmt.error();
    return stmt.value()->optionalRow(
        [](const Statement& row) { return static_cast<std::uint64_t>(row.columnInt64(0)); });
}

} // namespace cloison::storage
