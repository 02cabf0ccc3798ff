#include "storage/MessageRepository.h"

#include <algorithm>

namespace cloison::storage {

Result<void> MessageRepository::insert(const NewMessage& message) {
    auto stmt = m_vault.db().cached(
        "INSERT INTO messages (conversation, sender, sent_at, body, stanza_id, server_id,"
        " sender_device, receipt_requested) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!stmt)
        return stmt.error();
    Statement& insert = *stmt.value();
    insert.bind(1, message.conversation).bind(2, message.sender).bind(3, message.sentAt);
    insert.bind(4, message.body);
    if (message.stanzaId.empty())
        insert.bindNull(5);
    else
        insert.bind(5, message.stanzaId);
    if (message.serverId.empty())
        insert.bindNull(6);
    else
        insert.bind(6, message.serverId);
    insert.bind(7, static_cast<std::int64_t>(message.senderDevice));
    insert.bind(8, static_cast<std::int64_t>(message.receiptRequested ? 1 : 0));
    return insert.run();
}

Result<std::int64_t> MessageRepository::append(const NewMessage& message) {
    if (auto inserted = insert(message); !inserted)
        return inserted.error();
    return m_vault.db().lastInsertRowId();
}

Result<void> MessageRepository::appendBatch(std::span<const NewMessage> messages) {
    return m_vault.transaction([&]() -> Result<void> {
        for (const NewMessage& message : messages) {
            if (auto inserted = insert(message); !inserted)
                return inserted;
        }
        return {};
    });
}

Result<std::vector<StoredMessage>> MessageRepository::latest(std::string_view conversation,
                                                             int limit) {
    auto stmt = m_vault.db().cached(
        "SELECT id, conversation, sender, sent_at, body, sender_device, stanza_id,"
        " received_by_peer_at IS NOT NULL FROM messages"
        " WHERE conversation = ? ORDER BY id DESC LIMIT ?");
    if (!stmt)
        return stmt.error();
    Statement& query = *stmt.value();
    query.bind(1, conversation).bind(2, static_cast<std::int64_t>(limit));
    auto out = query.allRows([](const Statement& row) {
        return StoredMessage{row.columnInt64(0), row.columnText(1),
                             row.columnText(2),  row.columnInt64(3),
                             row.columnText(4),  static_cast<std::uint32_t>(row.columnInt64(5)),
                             row.columnText(6),  row.columnInt64(7) != 0};
    });
    if (out)
        std::reverse(out.value().begin(), out.value().end());
    return out;
}

Result<std::int64_t> MessageRepository::count() {
    return m_vault.db().queryInt64("SELECT count(*) FROM messages");
}

Result<std::int64_t> MessageRepository::purgeSentBefore(std::int64_t cutoffMs) {
    std::int64_t removed = 0;
    auto done = m_vault.transaction([&]() -> Result<void> {
        auto stmt = m_vault.db().cached("DELETE FROM messages WHERE sent_at < ?");
        if (!stmt)
            return stmt.error();
        stmt.value()->bind(1, cutoffMs);
        if (auto ran = stmt.value()->run(); !ran)
            return ran;
        removed = m_vault.db().changes();
        return {};
    });
    if (!done)
        return done.error();
    return removed;
}

Result<std::vector<std::string>> MessageRepository::conversations() {
    auto stmt = m_vault.db().cached(
        "SELECT conversation FROM messages GROUP BY conversation ORDER BY max(id) DESC");
    if (!stmt)
        return stmt.error();
    return stmt.value()->allRows([](const Statement& row) { return row.columnText(0); });
}

Result<std::optional<std::int64_t>> MessageRepository::findByStanzaId(std::string_view conversation,
                                                                      std::string_view sender,
                                                                      std::string_view stanzaId) {
    auto stmt = m_vault.db().cached("SELECT id FROM messages"
                                    " WHERE conversation = ? AND sender = ? AND stanza_id = ?");
    if (!stmt)
        return stmt.error();
    Statement& query = *stmt.value();
    query.bind(1, conversation).bind(2, sender).bind(3, stanzaId);
    return query.optionalRow([](const Statement& row) { return row.columnInt64(0); });
}

Result<bool> MessageRepository::markReceivedByPeer(std::string_view conversation,
                                                   std::string_view sender,
                                                   std::string_view stanzaId, std::int64_t atMs) {
    auto stmt = m_vault.db().cached(
        "UPDATE messages SET received_by_peer_at = ? WHERE conversation = ? AND sender = ?"
        " AND stanza_id = ? AND receipt_requested = 1 AND received_by_peer_at IS NULL");
    if (!stmt)
        return stmt.error();
    Statement& update = *stmt.value();
    update.bind(1, atMs).bind(2, conversation).bind(3, sender).bind(4, stanzaId);
    if (auto ran = update.run(); !ran)
        return ran.error();
    return m_vault.db().changes() > 0;
}

Result<std::optional<std::string>> MessageRepository::archiveCursor(std::string_view archive) {
    auto stmt = m_vault.db().cached("SELECT last_id FROM mam_cursors WHERE archive = ?");
    if (!stmt)
        return stmt.error();
    Statement& query = *stmt.value();
    query.bind(1, archive);
    return query.optionalRow([](const Statement& row) { return row.columnText(0); });
}

Result<void> MessageRepository::setArchiveCursor(std::string_view archive,
                                                 std::string_view lastId) {
    auto stmt =
        m_vault.db().cached("INSERT OR REPLACE INTO mam_cursors (archive, last_id) VALUES (?, ?)");
    if (!stmt)
        return stmt.error();
    Statement& query = *stmt.value();
    query.bind(1, archive).bind(2, lastId);
    return query.run();
}

} // namespace cloison::storage
