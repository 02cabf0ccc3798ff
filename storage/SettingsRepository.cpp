#include "storage/SettingsRepository.h"

namespace cloison::storage {

Result<std::optional<Bytes>> SettingsRepository::get(const std::string& key) {
    auto stmt = m_vault.db().cached("SELECT value FROM settings WHERE key = ?");
    if (!stmt)
        return stmt.error();
    stmt.value()->bind(1, key);
    return stmt.value()->optionalRow([](const Statement& row) { return row.columnBlob(0); });
}

Result<std::optional<SecretBytes>> SettingsRepository::getSecret(const std::string& key) {
    auto stmt = m_vault.db().cached("SELECT value FROM settings WHERE key = ?");
    if (!stmt)
        return stmt.error();
    stmt.value()->bind(1, key);
    return stmt.value()->optionalRow([](const Statement& row) { return row.columnSecret(0); });
}

Result<void> SettingsRepository::put(const std::string& key, ByteView value) {
    auto stmt = m_vault.db().cached("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)");
    if (!stmt)
        return stmt.error();
    stmt.value()->bind(1, key).bind(2, value);
    return stmt.value()->run();
}

Result<std::vector<std::string>> SettingsRepository::keysWithPrefix(const std::string& prefix) {
    // substr rather than LIKE: a prefix's '%' and '_' are plain characters.
    auto stmt = m_vault.db().cached(
        "SELECT key FROM settings WHERE substr(key, 1, length(?1)) = ?1 ORDER BY key");
    if (!stmt)
        return stmt.error();
    stmt.value()->bind(1, prefix);
    return stmt.value()->allRows([](const Statement& row) { return row.columnText(0); });
}

Result<void> SettingsRepository::remove(const std::string& key) {
    auto stmt = m_vault.db().cached("DELETE FROM settings WHERE key = ?");
    if (!stmt)
        return stmt.error();
    stmt.value()->bind(1, key);
    return stmt.value()->run();
}

} // namespace cloison::storage
