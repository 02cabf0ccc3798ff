// Compiled twice: against SQLCipher (keyed) and against Debian's plain SQLite 3.40.
#include "tests/bench/StorageWorkload.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace cloison::bench {
namespace {

void check(sqlite3* db, int rc, const char* what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
        std::exit(1);
    }
}

sqlite3* openDatabase(const std::string& path, bool keyed) {
    sqlite3* db = nullptr;
    check(db, sqlite3_open(path.c_str(), &db), "open");
#ifdef SQLITE_HAS_CODEC
    if (keyed) {
        // A fixed raw key in the same x'..' form the vault uses: the cost is what matters here.
        const std::string key = "x'" + std::string(64, 'a') + "'";
        check(db, sqlite3_key(db, key.data(), static_cast<int>(key.size())), "key");
        check(db, sqlite3_exec(db, "PRAGMA cipher_page_size = 4096;", nullptr, nullptr, nullptr),
              "page size");
    }
#else
    (void)keyed;
    check(db, sqlite3_exec(db, "PRAGMA page_size = 4096;", nullptr, nullptr, nullptr), "page size");
#endif
    check(db, sqlite3_exec(db, kSettingsSql, nullptr, nullptr, nullptr), "settings");
    check(db, sqlite3_exec(db, kSchemaSql, nullptr, nullptr, nullptr), "schema");
    return db;
}

sqlite3_stmt* prepare(sqlite3* db, const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    check(db, sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), "prepare");
    return stmt;
}

void insertRow(sqlite3* db, sqlite3_stmt* insert, const Row& row) {
    sqlite3_bind_text(insert, 1, row.conversation.data(), static_cast<int>(row.conversation.size()),
                      SQLITE_STATIC);
    sqlite3_bind_text(insert, 2, row.sender.data(), static_cast<int>(row.sender.size()),
                      SQLITE_STATIC);
    sqlite3_bind_int64(insert, 3, row.sentAt);
    sqlite3_bind_text(insert, 4, row.body.data(), static_cast<int>(row.body.size()), SQLITE_STATIC);
    check(db, sqlite3_step(insert), "insert");
    sqlite3_reset(insert);
    sqlite3_clear_bindings(insert);
}

constexpr const char* kInsertSql =
    "INSERT INTO messages (conversation, sender, sent_at, body) VALUES (?, ?, ?, ?)";

} // namespace

Figures runRawWorkload(const std::string& directory, const std::vector<Row>& rows, bool keyed) {
    Figures figures;
    const std::string round = std::to_string(std::rand());
    {
        sqlite3* db = openDatabase(directory + "/raw-batched-" + round + ".db", keyed);
        sqlite3_stmt* insert = prepare(db, kInsertSql);
        Stopwatch watch;
        for (std::size_t start = 0; start < rows.size(); start += kBatchRows) {
            check(db, sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), "begin");
            for (std::size_t i = start; i < std::min(rows.size(), start + kBatchRows); ++i)
                insertRow(db, insert, rows[i]);
            check(db, sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), "commit");
        }
        figures.batchedSeconds = watch.seconds();
        sqlite3_finalize(insert);

        struct Message {
            std::int64_t id;
            std::string conversation, sender;
            std::int64_t sentAt;
            std::string body;
        };
        sqlite3_stmt* query =
            prepare(db, "SELECT id, conversation, sender, sent_at, body FROM messages"
                        " WHERE conversation = ? ORDER BY id DESC LIMIT ?");
        std::size_t seen = 0;
        Stopwatch queries;
        for (int q = 0; q < kQueries; ++q) {
            const std::string conversation = queryConversation(q);
            sqlite3_bind_text(query, 1, conversation.data(), static_cast<int>(conversation.size()),
                              SQLITE_STATIC);
            sqlite3_bind_int64(query, 2, kQueryLimit);
            std::vector<Message> out;
            out.reserve(kQueryLimit);
            while (sqlite3_step(query) == SQLITE_ROW) {
                auto text = [&](int c) {
                    return std::string(reinterpret_cast<const char*>(sqlite3_column_text(query, c)),
                                       static_cast<std::size_t>(sqlite3_column_bytes(query, c)));
                };
                out.push_back({sqlite3_column_int64(query, 0), text(1), text(2),
                               sqlite3_column_int64(query, 3), text(4)});
            }
            sqlite3_reset(query);
            sqlite3_clear_bindings(query);
            std::reverse(out.begin(), out.end());
            seen += out.size();
        }
        figures.last50Micros = queries.seconds() * 1e6 / kQueries;
        if (seen != static_cast<std::size_t>(kQueries) * kQueryLimit)
            std::exit(1);
        sqlite3_finalize(query);
        sqlite3_close(db);
    }
    {
        sqlite3* db = openDatabase(directory + "/raw-single-" + round + ".db", keyed);
        sqlite3_stmt* insert = prepare(db, kInsertSql);
        Stopwatch watch;
        for (const Row& row : rows)
            insertRow(db, insert, row);
        figures.singleSeconds = watch.seconds();
        sqlite3_finalize(insert);
        sqlite3_close(db);
    }
    return figures;
}

} // namespace cloison::bench
