#include "storage/VerifiedDeviceRepository.h"

#include <algorithm>

namespace cloison::storage {
namespace {

VerifiedDevice readRow(const Statement& row) {
    return VerifiedDevice{row.columnText(0), static_cast<std::uint32_t>(row.columnInt64(1)),
                          row.columnBlob(2), row.columnInt64(3)};
}

} // namespace

Result<void> VerifiedDeviceRepository::add(const VerifiedDevice& device) {
    if (device.jid.empty() || device.deviceId == 0 || device.identityKey.empty())
        return makeError(ErrorCode::InvalidArgument,
                         "a verified device needs an account, a device id and a key");
    // SQLCipher 3.4's SQLite predates upsert.
    auto stmt = m_vault.db().cached("INSERT OR REPLACE INTO verified_devices"
                                    " (jid, device_id, identity_key, verified_at)"
                                    " VALUES (?, ?, ?, ?)");
    if (!stmt)
        return stmt.error();
    return stmt.value()
        ->bind(1, device.jid)
        .bind(2, std::int64_t{device.deviceId})
        .bind(3, ByteView(device.identityKey))
        .bind(4, device.verifiedAt)
        .run();
}

Result<bool> VerifiedDeviceRepository::remove(std::string_view jid, std::uint32_t deviceId) {
    auto stmt = m_vault.db().cached("DELETE FROM verified_devices WHERE jid = ? AND device_id = ?");
    if (!stmt)
        return stmt.error();
    if (auto done = stmt.value()->bind(1, jid).bind(2, std::int64_t{deviceId}).run(); !done)
        return done.error();
    return m_vault.db().changes() > 0;
}

Result<bool> VerifiedDeviceRepository::isVerified(std::string_view jid, std::uint32_t deviceId,
                                                  ByteView identityKey) {
    auto found = find(jid, deviceId);
    if (!found)
        return found.error();
    if (!found.value())
        return false;
    const Bytes& verified = found.value()->identityKey;
    return std::equal(verified.begin(), verified.end(), identityKey.begin(), identityKey.end());
}

Result<std::optional<VerifiedDevice>> VerifiedDeviceRepository::find(std::string_view jid,
                                                                     std::uint32_t deviceId) {
    auto stmt = m_vault.db().cached("SELECT jid, device_id, identity_key, verified_at"
                                    " FROM verified_devices WHERE jid = ? AND device_id = ?");
    if (!stmt)
        return stmt.error();
    return stmt.value()->bind(1, jid).bind(2, std::int64_t{deviceId}).optionalRow(readRow);
}

Result<std::vector<VerifiedDevice>> VerifiedDeviceRepository::forContact(std::string_view jid) {
    auto stmt = m_vault.db().cached("SELECT jid, device_id, identity_key, verified_at"
                                    " FROM verified_devices WHERE jid = ? ORDER BY device_id");
    if (!stmt)
        return stmt.error();
    return stmt.value()->bind(1, jid).allRows(readRow);
}

Result<std::vector<VerifiedDevice>> VerifiedDeviceRepository::list() {
    auto stmt = m_vault.db().cached("SELECT jid, device_id, identity_key, verified_at"
                                    " FROM verified_devices ORDER BY jid, device_id");
    if (!stmt)
        return stmt.error();
    return stmt.value()->allRows(readRow);
}

} // namespace cloison::storage
