#include "storage/DocumentRepository.h"

namespace cloison::storage {
namespace {

constexpr const char* kColumns = "id, conversation, sender, name, size, received_at";

DocumentRecord readRecord(const Statement& row) {
    return DocumentRecord{row.columnText(0), row.columnText(1),  row.columnText(2),
                          row.columnText(3), row.columnInt64(4), row.columnInt64(5)};
}

} // namespace

Result<void> DocumentRepository::add(const DocumentRecord& document, const SecretBytes& fileKey) {
    auto stmt = m_vault.db().cached(
        "INSERT INTO documents (id, conversation, sender, name, size, received_at, file_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!stmt)
        return stmt.error();
    stmt.value()
        ->bind(1, document.id)
        .bind(2, document.conversation)
        .bind(3, document.sender)
        .bind(4, document.name)
        .bind(5, document.size)
        .bind(6, document.receivedAt)
        .bind(7, fileKey.view());
    return stmt.value()->run();
}

Result<std::vector<DocumentRecord>> DocumentRepository::list() {
    static const std::string sql =
        std::string("SELECT ") + kColumns + " FROM documents ORDER BY received_at, rowid";
    auto stmt = m_vault.db().cached(sql.c_str());
    if (!stmt)
        return stmt.error();
    return stmt.value()->allRows(readRecord);
}

Result<DocumentRecord> DocumentRepository::find(const std::string& id) {
    static const std::string sql =
        std::string("SELECT ") + kColumns + " FROM documents WHERE id = ?";
    auto stmt = m_vault.db().cached(sql.c_str());
    if (!stmt)
        return stmt.error();
    stmt.value()->bind(1, id);
    auto row = stmt.value()->optionalRow(readRecord);
    if (!row)
        return row.error();
    if (!row.value())
        return makeError(ErrorCode::NotFound, "no document " + id + " in this compartment");
    return std::move(*row.value());
}

Result<SecretBytes> DocumentRepository::fileKey(const std::string& id) {
    auto stmt = m_vault.db().cached("SELECT file_key FROM documents WHERE id = ?");
    if (!stmt)
        return stmt.error();
    stmt.value()->bind(1, id);
    auto row = stmt.value()->optionalRow([](const Statement& r) { return r.columnSecret(0); });
    if (!row)
        return row.error();
    if (!row.value())
        return makeError(ErrorCode::NotFound, "no document " + id + " in this compartment");
    return std::move(*row.value());
}

Result<std::vector<std::string>> DocumentRepository::purgeReceivedBefore(std::int64_t cutoffMs) {
    std::vector<std::string> ids;
    auto done = m_vault.transaction([&]() -> Result<void> {
        auto select = m_vault.db().cached("SELECT id FROM documents WHERE received_at < ?");
        if (!select)
            return select.error();
        select.value()->bind(1, cutoffMs);
        auto found = select.value()->allRows([](const Statement& r) { return r.columnText(0); });
        if (!found)
            return found.error();
        ids = std::move(found.value());
        auto remove = m_vault.db().cached("DELETE FROM documents WHERE received_at < ?");
        if (!remove)
            return remove.error();
        remove.value()->bind(1, cutoffMs);
        return remove.value()->run();
    });
    if (!done)
        return done.error();
    return ids;
}

std::filesystem::path documentsDirOf(const std::filesystem::path& vaultPath) {
    std::filesystem::path dir = vaultPath;
    dir.replace_extension(".documents");
    return dir;
}

std::filesystem::path documentsDirOf(const Vault& vault) {
    return documentsDirOf(vault.path());
}

} // namespace cloison::storage
