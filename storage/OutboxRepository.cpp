#include "storage/OutboxRepository.h"

namespace cloison::storage {

Result<std::int64_t> OutboxRepository::add(const OutboxEntry& entry) {
    // OR IGNORE: a message handed over twice (its sender did not hear that it was queued, and
    // asked again) is queued once.
    auto stmt =
        m_vault.db().cached("INSERT OR IGNORE INTO outbox (stanza_id, conversation,"
                            " is_room, body, stanza, created_at) VALUES (?, ?, ?, ?, ?, ?)");
    if (!stmt)
        return stmt.error();
    Statement& insert = *stmt.value();
    insert.bind(1, entry.stanzaId).bind(2, entry.conversation);
    insert.bind(3, std::int64_t{entry.isRoom ? 1 : 0}).bind(4, entry.body);
    if (entry.stanza)
        insert.bind(5, *entry.stanza);
    else
        insert.bindNull(5);
    insert.bind(6, entry.createdAt);
    if (auto done = insert.run(); !done)
        return done.error();
    return m_vault.db().changes() == 0 ? 0 : m_vault.db().lastInsertRowId();
}

Result<void> OutboxRepository::setStanza(const std::string& stanzaId, const std::string& stanza) {
    auto stmt = m_vault.db().cached("UPDATE outbox SET stanza = ? WHERE stanza_id = ?");
    if (!stmt)
        return stmt.error();
    return stmt.value()->bind(1, stanza).bind(2, stanzaId).run();
}

Result<void> OutboxRepository::remove(const std::string& stanzaId) {
    auto stmt = m_vault.db().cached("DELETE FROM outbox WHERE stanza_id = ?");
    if (!stmt)
        return stmt.error();
    return stmt.value()->bind(1, stanzaId).run();
}

Result<void> OutboxRepository::acknowledge(const std::vector<std::string>& stanzaIds) {
    return m_vault.transaction([&]() -> Result<void> {
        for (const std::string& id : stanzaIds) {
            auto stmt = m_vault.db().cached(
                "DELETE FROM outbox WHERE stanza_id = ? AND stanza IS NOT NULL");
            if (!stmt)
                return stmt.error();
            if (auto done = stmt.value()->bind(1, id).run(); !done)
                return done;
        }
        return {};
    });
}

Result<std::vector<OutboxEntry>> OutboxRepository::pending() {
    auto stmt = m_vault.db().cached("SELECT seq, stanza_id, conversation, is_room, body, stanza,"
                                    " created_at FROM outbox ORDER BY seq");
    if (!stmt)
        return stmt.error();
    Statement& query = *stmt.value();
    std::vector<OutboxEntry> out;
    for (;;) {
        auto row = query.step();
        if (!row)
            return row.error();
        if (!row.value())
            break;
        OutboxEntry entry{query.columnInt64(0),      query.columnText(1), query.columnText(2),
                          query.columnInt64(3) != 0, query.columnText(4), std::nullopt,
                          query.columnInt64(6)};
        if (!query.columnIsNull(5))
            entry.stanza = query.columnText(5);
        out.push_back(std::move(entry));
    }
    query.reset();
    return out;
}

} // namespace cloison::storage
