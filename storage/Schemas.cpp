#include "storage/Schemas.h"

#include <array>

namespace cloison::storage {
namespace {

Result<void> profileV1(Database& db) {
    return db.exec("CREATE TABLE compartments ("
                   " id TEXT PRIMARY KEY NOT NULL,"
                   " name TEXT NOT NULL UNIQUE,"
                   " wrapped_key BLOB NOT NULL,"
                   " created_at INTEGER NOT NULL);"
                   "CREATE TABLE settings ("
                   " key TEXT PRIMARY KEY NOT NULL,"
                   " value BLOB NOT NULL);");
}

// Issue 7: a compartment may be sealed behind its own FIDO touch. Its key is then wrapped with
// the profile's wrapping key combined with the hmac-secret of its own credential and salt, and
// seal_slot holds that credential's public parameters (client/profile/CompartmentSeal.h).
Result<void> profileV2(Database& db) {
    return db.exec("ALTER TABLE compartments ADD COLUMN sealed INTEGER NOT NULL DEFAULT 0;"
                   "ALTER TABLE compartments ADD COLUMN seal_slot BLOB;");
}

Result<void> compartmentV1(Database& db) {
    return db.exec("CREATE TABLE messages ("
                   " id INTEGER PRIMARY KEY,"
                   " conversation TEXT NOT NULL,"
                   " sender TEXT NOT NULL,"
                   " sent_at INTEGER NOT NULL,"
                   " body TEXT NOT NULL);"
                   "CREATE INDEX messages_by_conversation ON messages (conversation, id);"
                   "CREATE TABLE settings ("
                   " key TEXT PRIMARY KEY NOT NULL,"
                   " value BLOB NOT NULL);");
}

Result<void> compartmentV3(Database& db) {
    // Append-only in the vault itself, not only by convention of the code that writes it.
    return db.exec("CREATE TABLE key_events ("
                   " seq INTEGER PRIMARY KEY,"
                   " time_ms INTEGER NOT NULL,"
                   " type TEXT NOT NULL,"
                   " subject TEXT NOT NULL,"
                   " fingerprint TEXT NOT NULL,"
                   " details TEXT NOT NULL,"
                   " prev_hash BLOB NOT NULL,"
                   " hash BLOB NOT NULL,"
                   " signature BLOB NOT NULL);"
                   "CREATE TRIGGER key_events_no_update BEFORE UPDATE ON key_events"
                   " BEGIN SELECT RAISE(ABORT, 'the key-event log is append-only'); END;"
                   "CREATE TRIGGER key_events_no_delete BEFORE DELETE ON key_events"
                   " BEGIN SELECT RAISE(ABORT, 'the key-event log is append-only'); END;"
                   "CREATE TABLE key_log_signing_key ("
                   " id INTEGER PRIMARY KEY CHECK (id = 1),"
                   " secret_key BLOB NOT NULL);");
}

constexpr std::array kProfileMigrations{
    Migration{1, "compartments and settings", &profileV1},
    Migration{2, "sealed compartments", &profileV2},
};
constexpr std::array kCompartmentMigrations{
    Migration{1, "messages and settings", &compartmentV1},
    Migration{3, "key-event log", &compartmentV3},
};

} // namespace

const Schema& profileSchema() {
    static const Schema schema{"profile", kProfileMigrations};
    return schema;
}

const Schema& compartmentSchema() {
    static const Schema schema{"compartment", kCompartmentMigrations};
    return schema;
}

} // namespace cloison::storage
