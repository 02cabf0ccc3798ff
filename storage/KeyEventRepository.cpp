#include "storage/KeyEventRepository.h"

namespace cloison::storage {
namespace {

KeyEventRow readRow(const Statement& s) {
    return {s.columnInt64(0), s.columnInt64(1), s.columnText(2), s.columnText(3), s.columnText(4),
            s.columnText(5),  s.columnBlob(6),  s.columnBlob(7), s.columnBlob(8)};
}

constexpr const char* kColumns =
    "seq, time_ms, type, subject, fingerprint, details, prev_hash, hash, signature";

} // namespace

Result<void> KeyEventRepository::append(const KeyEventRow& row) {
    auto stmt = m_vault.db().cached(
        "INSERT INTO key_events (seq, time_ms, type, subject, fingerprint, details, prev_hash,"
        " hash, signature) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!stmt)
        return stmt.error();
    Statement& insert = *stmt.value();
    insert.bind(1, row.seq).bind(2, row.timeMs).bind(3, row.type).bind(4, row.subject);
    insert.bind(5, row.fingerprint).bind(6, row.details).bind(7, row.prevHash);
    insert.bind(8, row.hash).bind(9, row.signature);
    return insert.run();
}

Result<std::optional<KeyEventRow>> KeyEventRepository::last() {
    static const std::string sql =
        std::string("SELECT ") + kColumns + " FROM key_events ORDER BY seq DESC LIMIT 1";
    auto stmt = m_vault.db().cached(sql.c_str());
    if (!stmt)
        return stmt.error();
    return stmt.value()->optionalRow(readRow);
}

Result<std::optional<KeyEventRow>> KeyEventRepository::at(std::int64_t seq) {
    static const std::string sql =
        std::string("SELECT ") + kColumns + " FROM key_events WHERE seq = ?";
    auto stmt = m_vault.db().cached(sql.c_str());
    if (!stmt)
        return stmt.error();
    stmt.value()->bind(1, seq);
    return stmt.value()->optionalRow(readRow);
}

Result<std::vector<KeyEventRow>> KeyEventRepository::all() {
    static const std::string sql =
        std::string("SELECT ") + kColumns + " FROM key_events ORDER BY seq";
    auto stmt = m_vault.db().cached(sql.c_str());
    if (!stmt)
        return stmt.error();
    std::vector<KeyEventRow> out;
    for (;;) {
        auto row = stmt.value()->step();
        if (!row)
            return row.error();
        if (!row.value())
            break;
        out.push_back(readRow(*stmt.value()));
    }
    stmt.value()->reset();
    return out;
}

Result<std::optional<SecretBytes>> KeyEventRepository::signingKey() {
    auto stmt = m_vault.db().cached("SELECT secret_key FROM key_log_signing_key WHERE id = 1");
    if (!stmt)
        return stmt.error();
    return stmt.value()->optionalRow([](const Statement& row) { return row.columnSecret(0); });
}

Result<void> KeyEventRepository::storeSigningKey(const SecretBytes& secretKey) {
    auto stmt =
        m_vault.db().cached("INSERT INTO key_log_signing_key (id, secret_key) VALUES (1, ?)");
    if (!stmt)
        return stmt.error();
    stmt.value()->bind(1, secretKey.view());
    return stmt.value()->run();
}

} // namespace cloison::storage
