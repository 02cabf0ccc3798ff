#include "storage/OmemoStore.h"

#include <ctime>

namespace cloison::storage {
namespace {

std::int64_t now() {
    return static_cast<std::int64_t>(std::time(nullptr));
}

std::uint32_t toId(std::int64_t value) {
    return static_cast<std::uint32_t>(value);
}

} // namespace

Result<std::optional<OmemoIdentityRecord>> OmemoStore::identity() {
    auto stmt = m_vault.db().cached(
        "SELECT device_id, registration_id, public_key, private_key, next_prekey_id,"
        " next_signed_prekey_id FROM omemo_identity WHERE id = 1");
    if (!stmt)
        return stmt.error();
    return stmt.value()->optionalRow([](const Statement& row) {
        OmemoIdentityRecord record;
        record.deviceId = toId(row.columnInt64(0));
        record.registrationId = toId(row.columnInt64(1));
        record.publicKey = row.columnBlob(2);
        record.privateKey = row.columnSecret(3);
        record.nextPreKeyId = toId(row.columnInt64(4));
        record.nextSignedPreKeyId = toId(row.columnInt64(5));
        return record;
    });
}

Result<void> OmemoStore::saveIdentity(const OmemoIdentityRecord& identity) {
    auto stmt = m_vault.db().cached(
        "INSERT OR REPLACE INTO omemo_identity (id, device_id, registration_id, public_key,"
        " private_key, next_prekey_id, next_signed_prekey_id, created_at)"
        " VALUES (1, ?, ?, ?, ?, ?, ?, ?)");
    if (!stmt)
        return stmt.error();
    Statement& insert = *stmt.value();
    insert.bind(1, std::int64_t{identity.deviceId})
        .bind(2, std::int64_t{identity.registrationId})
        .bind(3, ByteView(identity.publicKey))
        .bind(4, identity.privateKey.view())
        .bind(5, std::int64_t{identity.nextPreKeyId})
        .bind(6, std::int64_t{identity.nextSignedPreKeyId})
        .bind(7, now());
    return insert.run();
}

Result<void> OmemoStore::setDeviceId(std::uint32_t deviceId) {
    auto stmt = m_vault.db().cached("UPDATE omemo_identity SET device_id = ? WHERE id = 1");
    if (!stmt)
        return stmt.error();
    return stmt.value()->bind(1, std::int64_t{deviceId}).run();
}

Result<void> OmemoStore::setNextPreKeyIds(std::uint32_t preKey, std::uint32_t signedPreKey) {
    auto stmt = m_vault.db().cached("UPDATE omemo_identity SET next_prekey_id = ?,"
                                    " next_signed_prekey_id = ? WHERE id = 1");
    if (!stmt)
        return stmt.error();
    return stmt.value()->bind(1, std::int64_t{preKey}).bind(2, std::int64_t{signedPreKey}).run();
}

Result<std::optional<SecretBytes>> OmemoStore::loadSecret(const char* sql, std::uint32_t id) {
    auto stmt = m_vault.db().cached(sql);
    if (!stmt)
        return stmt.error();
    Statement& query = *stmt.value();
    query.bind(1, std::int64_t{id});
    return query.optionalRow([](const Statement& row) { return row.columnSecret(0); });
}

Result<bool> OmemoStore::exists(const char* sql, std::uint32_t id) {
    auto stmt = m_vault.db().cached(sql);
    if (!stmt)
        return stmt.error();
    Statement& query = *stmt.value();
    query.bind(1, std::int64_t{id});
    auto row = query.step();
    if (!row)
        return row.error();
    const bool found = row.value();
    query.reset();
    return found;
}

Result<void> OmemoStore::runWithId(const char* sql, std::uint32_t id) {
    auto stmt = m_vault.db().cached(sql);
    if (!stmt)
        return stmt.error();
    return stmt.value()->bind(1, std::int64_t{id}).run();
}

Result<std::optional<SecretBytes>> OmemoStore::preKey(std::uint32_t id) {
    return loadSecret("SELECT record FROM omemo_prekeys WHERE id = ?", id);
}

Result<void> OmemoStore::putPreKey(std::uint32_t id, const SecretBytes& record) {
    auto stmt = m_vault.db().cached("INSERT OR REPLACE INTO omemo_prekeys (id, record)"
                                    " VALUES (?, ?)");
    if (!stmt)
        return stmt.error();
    return stmt.value()->bind(1, std::int64_t{id}).bind(2, record.view()).run();
}

Result<bool> OmemoStore::hasPreKey(std::uint32_t id) {
    return exists("SELECT 1 FROM omemo_prekeys WHERE id = ?", id);
}

Result<void> OmemoStore::markPreKeyUsed(std::uint32_t id) {
    // 0: used, time not yet known (libsignal's callback has no clock); stamped by
    // forgetUsedPreKeys in the same transaction.
    return runWithId("UPDATE omemo_prekeys SET used_at = 0 WHERE id = ? AND used_at IS NULL", id);
}

Result<void> OmemoStore::forgetUsedPreKeys(std::int64_t now, std::int64_t grace) {
    auto stamp = m_vault.db().cached("UPDATE omemo_prekeys SET used_at = ? WHERE used_at = 0");
    if (!stamp)
        return stamp.error();
    if (auto done = stamp.value()->bind(1, now).run(); !done)
        return done;
    auto forget = m_vault.db().cached("DELETE FROM omemo_prekeys WHERE used_at > 0 AND"
                                      " used_at <= ?");
    if (!forget)
        return forget.error();
    return forget.value()->bind(1, now - grace).run();
}

Result<std::int64_t> OmemoStore::usedPreKeyCount() {
    return m_vault.db().queryInt64("SELECT count(*) FROM omemo_prekeys WHERE used_at IS NOT NULL");
}

Result<std::vector<std::uint32_t>> OmemoStore::preKeyIds() {
    auto stmt =
        m_vault.db().cached("SELECT id FROM omemo_prekeys WHERE used_at IS NULL ORDER BY id");
    if (!stmt)
        return stmt.error();
    Statement& query = *stmt.value();
    std::vector<std::uint32_t> ids;
    for (;;) {
        auto row = query.step();
        if (!row)
            return row.error();
        if (!row.value())
            break;
        ids.push_back(toId(query.columnInt64(0)));
    }
    query.reset();
    return ids;
}

Result<std::optional<SecretBytes>> OmemoStore::signedPreKey(std::uint32_t id) {
    return loadSecret("SELECT record FROM omemo_signed_prekeys WHERE id = ?", id);
}

Result<void> OmemoStore::putSignedPreKey(std::uint32_t id, const SecretBytes& record,
                                         std::int64_t createdAt) {
    auto stmt = m_vault.db().cached("INSERT OR REPLACE INTO omemo_signed_prekeys"
                                    " (id, record, created_at) VALUES (?, ?, ?)");
    if (!stmt)
        return stmt.error();
    return stmt.value()->bind(1, std::int64_t{id}).bind(2, record.view()).bind(3, createdAt).run();
}

Result<bool> OmemoStore::hasSignedPreKey(std::uint32_t id) {
    return exists("SELECT 1 FROM omemo_signed_prekeys WHERE id = ?", id);
}

Result<void> OmemoStore::removeSignedPreKey(std::uint32_t id) {
    return runWithId("DELETE FROM omemo_signed_prekeys WHERE id = ?", id);
}

Result<std::vector<OmemoSignedPreKeyInfo>> OmemoStore::signedPreKeys() {
    auto stmt = m_vault.db().cached("SELECT id, created_at FROM omemo_signed_prekeys"
                                    " ORDER BY created_at, id");
    if (!stmt)
        return stmt.error();
    Statement& query = *stmt.value();
    std::vector<OmemoSignedPreKeyInfo> out;
    for (;;) {
        auto row = query.step();
        if (!row)
            return row.error();
        if (!row.value())
            break;
        out.push_back({toId(query.columnInt64(0)), query.columnInt64(1)});
    }
    query.reset();
    return out;
}

Result<std::optional<SecretBytes>> OmemoStore::session(std::string_view jid,
                                                       std::uint32_t deviceId) {
    auto stmt =
        m_vault.db().cached("SELECT record FROM omemo_sessions WHERE jid = ? AND device_id = ?");
    if (!stmt)
        return stmt.error();
    Statement& query = *stmt.value();
    query.bind(1, jid).bind(2, std::int64_t{deviceId});
    return query.optionalRow([](const Statement& row) { return row.columnSecret(0); });
}

Result<bool> OmemoStore::readSession(std::string_view jid, std::uint32_t deviceId,
                                     const std::function<void(ByteView)>& reader) {
    auto stmt =
        m_vault.db().cached("SELECT record FROM omemo_sessions WHERE jid = ? AND device_id = ?");
    if (!stmt)
        return stmt.error();
    Statement& query = *stmt.value();
    query.bind(1, jid).bind(2, std::int64_t{deviceId});
    auto row = query.step();
    if (!row)
        return row.error();
    if (row.value())
        reader(query.columnView(0));
    query.reset();
    return row.value();
}

Result<void> OmemoStore::putSession(std::string_view jid, std::uint32_t deviceId, ByteView record) {
    // Every message rewrites its session: updating in place dirties fewer pages than
    // INSERT OR REPLACE (a delete, a secure-delete wipe and an insert), a third of the commit.
    auto update =
        m_vault.db().cached("UPDATE omemo_sessions SET record = ? WHERE jid = ? AND device_id = ?");
    if (!update)
        return update.error();
    if (auto done =
            update.value()->bind(1, record).bind(2, jid).bind(3, std::int64_t{deviceId}).run();
        !done)
        return done;
    if (m_vault.db().changes() > 0)
        return {};
    auto insert =
        m_vault.db().cached("INSERT INTO omemo_sessions (jid, device_id, record) VALUES (?, ?, ?)");
    if (!insert)
        return insert.error();
    return insert.value()->bind(1, jid).bind(2, std::int64_t{deviceId}).bind(3, record).run();
}

Result<bool> OmemoStore::hasSession(std::string_view jid, std::uint32_t deviceId) {
    auto stmt = m_vault.db().cached("SELECT 1 FROM omemo_sessions WHERE jid = ? AND device_id = ?");
    if (!stmt)
        return stmt.error();
    Statement& query = *stmt.value();
    query.bind(1, jid).bind(2, std::int64_t{deviceId});
    auto row = query.step();
    if (!row)
        return row.error();
    const bool found = row.value();
    query.reset();
    return found;
}

Result<void> OmemoStore::removeSession(std::string_view jid, std::uint32_t deviceId) {
    auto stmt = m_vault.db().cached("DELETE FROM omemo_sessions WHERE jid = ? AND device_id = ?");
    if (!stmt)
        return stmt.error();
    return stmt.value()->bind(1, jid).bind(2, std::int64_t{deviceId}).run();
}

Result<void> OmemoStore::removeSessions(std::string_view jid) {
    auto stmt = m_vault.db().cached("DELETE FROM omemo_sessions WHERE jid = ?");
    if (!stmt)
        return stmt.error();
    return stmt.value()->bind(1, jid).run();
}

Result<std::vector<std::uint32_t>> OmemoStore::idList(const char* sql, std::string_view jid) {
    auto stmt = m_vault.db().cached(sql);
    if (!stmt)
        return stmt.error();
    Statement& query = *stmt.value();
    query.bind(1, jid);
    std::vector<std::uint32_t> ids;
    for (;;) {
        auto row = query.step();
        if (!row)
            return row.error();
        if (!row.value())
            break;
        ids.push_back(toId(query.columnInt64(0)));
    }
    query.reset();
    return ids;
}

Result<std::vector<std::uint32_t>> OmemoStore::sessionDevices(std::string_view jid) {
    return idList("SELECT device_id FROM omemo_sessions WHERE jid = ? ORDER BY device_id", jid);
}

Result<std::optional<Bytes>> OmemoStore::peerIdentity(std::string_view jid,
                                                      std::uint32_t deviceId) {
    auto stmt = m_vault.db().cached(
        "SELECT public_key FROM omemo_peer_identities WHERE jid = ? AND device_id = ?");
    if (!stmt)
        return stmt.error();
    Statement& query = *stmt.value();
    query.bind(1, jid).bind(2, std::int64_t{deviceId});
    return query.optionalRow([](const Statement& row) { return row.columnBlob(0); });
}

Result<void> OmemoStore::savePeerIdentity(std::string_view jid, std::uint32_t deviceId,
                                          ByteView publicKey) {
    // SQLCipher 3.4's SQLite has no upsert: insert when new, else replace a changed key only
    // (so first_seen says when this key was first seen).
    auto insert = m_vault.db().cached(
        "INSERT OR IGNORE INTO omemo_peer_identities (jid, device_id, public_key, first_seen)"
        " VALUES (?, ?, ?, ?)");
    if (!insert)
        return insert.error();
    if (auto done = insert.value()
                        ->bind(1, jid)
                        .bind(2, std::int64_t{deviceId})
                        .bind(3, publicKey)
                        .bind(4, now())
                        .run();
        !done)
        return done;
    auto update =
        m_vault.db().cached("UPDATE omemo_peer_identities SET public_key = ?, first_seen = ?"
                            " WHERE jid = ? AND device_id = ? AND public_key != ?");
    if (!update)
        return update.error();
    return update.value()
        ->bind(1, publicKey)
        .bind(2, now())
        .bind(3, jid)
        .bind(4, std::int64_t{deviceId})
        .bind(5, publicKey)
        .run();
}

Result<void> OmemoStore::setDeviceList(std::string_view jid,
                                       const std::vector<std::uint32_t>& devices) {
    auto clear = m_vault.db().cached("UPDATE omemo_devices SET active = 0 WHERE jid = ?");
    if (!clear)
        return clear.error();
    if (auto done = clear.value()->bind(1, jid).run(); !done)
        return done;
    for (std::uint32_t device : devices) {
        auto stmt = m_vault.db().cached(
            "INSERT OR REPLACE INTO omemo_devices (jid, device_id, active) VALUES (?, ?, 1)");
        if (!stmt)
            return stmt.error();
        if (auto done = stmt.value()->bind(1, jid).bind(2, std::int64_t{device}).run(); !done)
            return done;
    }
    return {};
}

Result<std::vector<std::uint32_t>> OmemoStore::activeDevices(std::string_view jid) {
    return idList("SELECT device_id FROM omemo_devices WHERE jid = ? AND active = 1"
                  " ORDER BY device_id",
                  jid);
}

} // namespace cloison::storage
