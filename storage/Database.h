// RAII owners for an SQLite/SQLCipher connection and its prepared statements. Used only inside
// storage/: no SQL outside this library.
#pragma once

#include "crypto/SecretBytes.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace cloison::storage {

// Translates an SQLite result code into a typed error; `what` says what we were doing.
Error sqliteError(sqlite3* db, int rc, std::string_view what);

class Statement {
public:
    Statement(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, ByteView blob);
    Statement& bindNull(int index);

    // true: a row is available; false: done. Errors leave the statement reset.
    [[nodiscard]] Result<bool> step();
    [[nodiscard]] Result<void> run(); // step to completion, expecting no rows
    // Steps once: what `read` makes of the row, or nothing when there is no row. The statement
    // is reset afterwards either way.
    template <typename Read>
    [[nodiscard]] auto optionalRow(Read&& read)
        -> Result<std::optional<decltype(read(std::declval<const Statement&>()))>> {
        using Value = decltype(read(std::declval<const Statement&>()));
        auto row = step();
        if (!row)
            return row.error();
        std::optional<Value> out;
        if (row.value())
            out.emplace(read(static_cast<const Statement&>(*this)));
        reset();
        return out;
    }
    // Steps to the end: what `read` makes of each row, in order. Reset afterwards either way.
    template <typename Read>
    [[nodiscard]] auto allRows(Read&& read)
        -> Result<std::vector<decltype(read(std::declval<const Statement&>()))>> {
        std::vector<decltype(read(std::declval<const Statement&>()))> out;
        for (;;) {
            auto row = step();
            if (!row)
                return row.error();
            if (!row.value())
                break;
            out.push_back(read(static_cast<const Statement&>(*this)));
        }
        reset();
        return out;
    }
    void reset(); // also clears bindings

    std::int64_t columnInt64(int column) const;
    std::string columnText(int column) const;
    Bytes columnBlob(int column) const;
    // The blob in place, valid until the next step() or reset(): for secrets handed on at once.
    ByteView columnView(int column) const;
    // For secret columns (private keys, session state): copied straight into guarded memory.
    SecretBytes columnSecret(int column) const;
    bool columnIsNull(int column) const;

private:
    sqlite3* m_db;
    sqlite3_stmt* m_stmt;
};

class Database {
public:
    // Opens (create: creates) the file; no key is applied yet.
    static Result<std::unique_ptr<Database>> open(const std::filesystem::path& path, bool create);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    [[nodiscard]] Result<void> exec(const char* sql);
    // Prepared once per connection and reused; `sql` must be a string literal (its address is
    // the cache key). The statement comes back reset, ready to bind.
    [[nodiscard]] Result<Statement*> cached(const char* sql);
    [[nodiscard]] Result<std::int64_t> queryInt64(const char* sql);
    std::int64_t lastInsertRowId() const;
    int changes() const;
    sqlite3* handle() const { return m_db; }

private:
    explicit Database(sqlite3* db) : m_db(db) {}
    sqlite3* m_db;
    std::unordered_map<const char*, std::unique_ptr<Statement>> m_cache;
};

} // namespace cloison::storage
