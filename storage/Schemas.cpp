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

// Issue 14: a decoy compartment, provisioned by the admin with generated history and canary
// credentials. Its vault is an ordinary compartment vault; only this flag, inside the
// encrypted profile vault, tells its owner what it is.
Result<void> profileV3(Database& db) {
    return db.exec("ALTER TABLE compartments ADD COLUMN decoy INTEGER NOT NULL DEFAULT 0;");
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

// Dedupe and history catch-up. stanza_id is the sender's id for a message (its XEP-0359
// origin-id, else the stanza's id attribute): a stanza delivered twice (resent, carbon and
// archive, live and archive) is stored once. It is unique per (conversation, sender) only,
// so a sender can collide with nobody's ids but its own. server_id is the archive's id for
// it (XEP-0359 stanza-id or the MAM result id), kept for reference. mam_cursors holds, per
// archive (our account or a room), the newest archive id already processed; it is written in
// the transaction of the message it belongs to, so a crash mid catch-up resumes there.
Result<void> compartmentV4(Database& db) {
    return db.exec("ALTER TABLE messages ADD COLUMN stanza_id TEXT;"
                   "ALTER TABLE messages ADD COLUMN server_id TEXT;"
                   "CREATE UNIQUE INDEX messages_by_stanza_id"
                   " ON messages (conversation, sender, stanza_id) WHERE stanza_id IS NOT NULL;"
                   "CREATE TABLE mam_cursors ("
                   " archive TEXT PRIMARY KEY NOT NULL,"
                   " last_id TEXT NOT NULL);");
}

// Issue 4: messages written here before they are sent leave only when the server has
// acknowledged them. `stanza` is the encrypted stanza once it exists: a resend after a crash
// sends the same bytes (the receiver drops the duplicate by its id) instead of encrypting again.
Result<void> compartmentOutbox(Database& db) {
    return db.exec("CREATE TABLE outbox ("
                   " seq INTEGER PRIMARY KEY,"
                   " stanza_id TEXT NOT NULL UNIQUE,"
                   " conversation TEXT NOT NULL,"
                   " is_room INTEGER NOT NULL,"
                   " body TEXT NOT NULL,"
                   " stanza TEXT,"
                   " created_at INTEGER NOT NULL);");
}

// Issue 5: the devices the organisation certified, from the newest signed device roster the
// compartment accepted. In strict trust only these (account, device id, identity key) receive
// our messages and are believed. certified_roster holds that roster's version (one row), so an
// older roster replayed by the server is refused.
Result<void> compartmentCertifiedDevices(Database& db) {
    return db.exec("CREATE TABLE certified_devices ("
                   " jid TEXT NOT NULL,"
                   " device_id INTEGER NOT NULL,"
                   " identity_key BLOB NOT NULL,"
                   " PRIMARY KEY (jid, device_id));"
                   "CREATE TABLE certified_roster ("
                   " id INTEGER PRIMARY KEY CHECK (id = 1),"
                   " version INTEGER NOT NULL);");
}

// A used one-time prekey is kept a while before it is deleted (OmemoStore::markPreKeyUsed).
Result<void> compartmentUsedPreKeys(Database& db) {
    return db.exec("ALTER TABLE omemo_prekeys ADD COLUMN used_at INTEGER;");
}

// Issue 8: devices a person verified by hand (manual trust), each with the identity key that
// was compared, so that another key under the same device id is not verified. One row per
// device: verifying a new key replaces the old one.
Result<void> compartmentVerifiedDevices(Database& db) {
    return db.exec("CREATE TABLE verified_devices ("
                   " jid TEXT NOT NULL,"
                   " device_id INTEGER NOT NULL,"
                   " identity_key BLOB NOT NULL,"
                   " verified_at INTEGER NOT NULL,"
                   " PRIMARY KEY (jid, device_id));");
}

// Issue 13: documents received inside the compartment. The plaintext is never in a plain file:
// it is sealed in a file beside the vault under `file_key`, which exists only here, so that
// destroying the row (retention, removal) leaves the file unreadable even before it is deleted.
Result<void> compartmentDocuments(Database& db) {
    return db.exec("CREATE TABLE documents ("
                   " id TEXT PRIMARY KEY NOT NULL,"
                   " conversation TEXT NOT NULL,"
                   " sender TEXT NOT NULL,"
                   " name TEXT NOT NULL,"
                   " size INTEGER NOT NULL,"
                   " received_at INTEGER NOT NULL,"
                   " file_key BLOB NOT NULL);");
}

// Which of the sender's devices wrote each received message, so that history read back from
// the vault shows the same device and trust as the message did when it arrived (0: unknown,
// for messages stored before, and for our own).
Result<void> compartmentSenderDevice(Database& db) {
    return db.exec("ALTER TABLE messages ADD COLUMN sender_device INTEGER NOT NULL DEFAULT 0;");
}

// XEP-0184 delivery receipts: a message of ours sent with a receipt request, and when its
// recipient confirmed having it. A receipt counts only for a row that asked for one, so the
// (conversation, stanza id) of each such row is the durable record of what we sent to whom.
Result<void> compartmentReceipts(Database& db) {
    return db.exec("ALTER TABLE messages ADD COLUMN receipt_requested INTEGER NOT NULL DEFAULT 0;"
                   "ALTER TABLE messages ADD COLUMN received_by_peer_at INTEGER;");
}

constexpr std::array kProfileMigrations{
    Migration{1, "compartments and settings", &profileV1},
    Migration{2, "sealed compartments", &profileV2},
    Migration{3, "decoy compartments", &profileV3},
};
constexpr std::array kCompartmentMigrations{
    Migration{1, "messages and settings", &compartmentV1},
    Migration{2, "omemo identity, prekeys and sessions", &compartmentV2},
    Migration{3, "key-event log", &compartmentV3},
    Migration{4, "message dedupe and archive cursors", &compartmentV4},
    Migration{5, "outbox", &compartmentOutbox},
    Migration{6, "certified devices", &compartmentCertifiedDevices},
    Migration{7, "used prekeys kept for a grace period", &compartmentUsedPreKeys},
    Migration{8, "devices verified by hand", &compartmentVerifiedDevices},
    Migration{9, "documents", &compartmentDocuments},
    Migration{10, "the sender's device of each message", &compartmentSenderDevice},
    Migration{11, "delivery receipts", &compartmentReceipts},
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
