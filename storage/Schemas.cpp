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

// OMEMO (legacy, XEP-0384 v0.3) state of the compartment's one device. Private keys, prekey
// records and sessions are secret; the vault encrypts them at rest like everything else.
Result<void> compartmentV2(Database& db) {
    return db.exec("CREATE TABLE omemo_identity ("
                   " id INTEGER PRIMARY KEY CHECK (id = 1),"
                   " device_id INTEGER NOT NULL,"
                   " registration_id INTEGER NOT NULL,"
                   " public_key BLOB NOT NULL,"
                   " private_key BLOB NOT NULL,"
                   " next_prekey_id INTEGER NOT NULL,"
                   " next_signed_prekey_id INTEGER NOT NULL,"
                   " created_at INTEGER NOT NULL);"
                   "CREATE TABLE omemo_prekeys ("
                   " id INTEGER PRIMARY KEY NOT NULL,"
                   " record BLOB NOT NULL);"
                   "CREATE TABLE omemo_signed_prekeys ("
                   " id INTEGER PRIMARY KEY NOT NULL,"
                   " record BLOB NOT NULL,"
                   " created_at INTEGER NOT NULL);"
                   "CREATE TABLE omemo_sessions ("
                   " jid TEXT NOT NULL,"
                   " device_id INTEGER NOT NULL,"
                   " record BLOB NOT NULL,"
                   " PRIMARY KEY (jid, device_id));"
                   "CREATE TABLE omemo_peer_identities ("
                   " jid TEXT NOT NULL,"
                   " device_id INTEGER NOT NULL,"
                   " public_key BLOB NOT NULL,"
                   " first_seen INTEGER NOT NULL,"
                   " PRIMARY KEY (jid, device_id));"
                   "CREATE TABLE omemo_devices ("
                   " jid TEXT NOT NULL,"
                   " device_id INTEGER NOT NULL,"
                   " active INTEGER NOT NULL,"
                   " PRIMARY KEY (jid, device_id));");
}

constexpr std::array kProfileMigrations{
    Migration{1, "compartments and settings", &profileV1},
};
constexpr std::array kCompartmentMigrations{
    Migration{1, "messages and settings", &compartmentV1},
    Migration{2, "omemo identity, prekeys and sessions", &compartmentV2},
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
