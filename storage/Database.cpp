#include "storage/Database.h"

#include <sqlite3.h>

namespace cloison::storage {

Error sqliteError(sqlite3* db, int rc, std::string_view what) {
    const int primary = rc & 0xff;
    std::string message(what);
    message += ": ";
    message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    switch (primary) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return makeError(ErrorCode::Corrupted, message);
    case SQLITE_CONSTRAINT:
        return makeError(ErrorCode::AlreadyExists, message);
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_NOMEM:
        return makeError(ErrorCode::Io, message);
    default:
        return makeError(ErrorCode::Internal, message);
    }
}

Statement::~Statement() {
    sqlite3_finalize(m_stmt);
}

Statement& Statement::bind(int index, std::int64_t value) {
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    sqlite3_bind_text(m_stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    return *this;
}

Statement& Statement::bind(int index, ByteView blob) {
    // A zero-length blob still has to be a blob, not NULL.
    static const std::uint8_t kEmpty = 0;
    sqlite3_bind_blob(m_stmt, index, blob.empty() ? &kEmpty : blob.data(),
                      static_cast<int>(blob.size()), SQLITE_STATIC);
    return *this;
}

Statement& Statement::bindNull(int index) {
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

Result<bool> Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    Error error = sqliteError(m_db, rc, "storage query failed");
    reset();
    return error;
}

Result<void> Statement::run() {
    for (;;) {
        auto row = step();
        if (!row)
            return row.error();
        if (!row.value())
            break;
    }
    reset();
    return {};
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

std::int64_t Statement::columnInt64(int column) const {
    return sqlite3_column_int64(m_stmt, column);
}

std::string Statement::columnText(int column) const {
    const auto* text = sqlite3_column_text(m_stmt, column);
    const int size = sqlite3_column_bytes(m_stmt, column);
    return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text), size);
}

Bytes Statement::columnBlob(int column) const {
    const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(m_stmt, column));
    const int size = sqlite3_column_bytes(m_stmt, column);
    return blob == nullptr ? Bytes() : Bytes(blob, blob + size);
}

ByteView Statement::columnView(int column) const {
    const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(m_stmt, column));
    const int size = sqlite3_column_bytes(m_stmt, column);
    return blob == nullptr ? ByteView() : ByteView(blob, static_cast<std::size_t>(size));
}

SecretBytes Statement::columnSecret(int column) const {
    const auto* blob = static_cast<const std::uint8_t*>(sqlite3_column_blob(m_stmt, column));
    const int size = sqlite3_column_bytes(m_stmt, column);
    return blob == nullptr ? SecretBytes()
                           : SecretBytes::copyOf({blob, static_cast<std::size_t>(size)});
}

bool Statement::columnIsNull(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& path, bool create) {
    sqlite3* db = nullptr;
    const int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
        Error error = sqliteError(db, rc, "cannot open " + path.string());
        sqlite3_close(db);
        return error;
    }
    sqlite3_extended_result_codes(db, 1);
    return std::unique_ptr<Database>(new Database(db));
}

Database::~Database() {
    m_cache.clear(); // statements must be finalised before the connection closes
    sqlite3_close(m_db);
}

Result<void> Database::exec(const char* sql) {
    const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        return sqliteError(m_db, rc, "storage statement failed");
    return {};
}

Result<Statement*> Database::cached(const char* sql) {
    auto found = m_cache.find(sql);
    if (found != m_cache.end()) {
        // As documented: reset, so that a caller that stopped early cannot leave the
        // statement stepped (binding would then fail silently and the old values be used).
        found->second->reset();
        return found->second.get();
    }
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v2(m_db, sql, -1, &stmt, nullptr);
    if (rc != SQLITE_OK)
        return sqliteError(m_db, rc, "cannot prepare a storage query");
    auto owned = std::make_unique<Statement>(m_db, stmt);
    Statement* raw = owned.get();
    m_cache.emplace(sql, std::move(owned));
    return raw;
}

Result<std::int64_t> Database::queryInt64(const char* sql) {
    auto stmt = cached(sql);
    if (!stmt)
        return stmt.error();
    auto row = stmt.value()->step();
    if (!row)
        return row.error();
    const std::int64_t value = row.value() ? stmt.value()->columnInt64(0) : 0;
    stmt.value()->reset();
    return value;
}

std::int64_t Database::lastInsertRowId() const {
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const {
    return sqlite3_changes(m_db);
}

} // namespace cloison::storage
