#include "storage/Vault.h"

#include "crypto/Hash.h"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cloison::storage {
namespace {

// Page size is part of the file format: every vault is created and opened with it.
constexpr const char* kCipherSettings = "PRAGMA cipher_page_size = 4096;";
constexpr const char* kConnectionSettings = "PRAGMA secure_delete = ON;"
                                            "PRAGMA temp_store = MEMORY;"
                                            "PRAGMA foreign_keys = ON;"
                                            "PRAGMA synchronous = NORMAL;"
                                            // A compartment's worker process and its app
                                            // both write to it: one waits for the other.
                                            "PRAGMA busy_timeout = 5000;";

Result<void> applyRawKey(Database& db, const SecretBytes& key) {
    if (key.size() != 32)
        return makeError(ErrorCode::InvalidArgument, "a vault key has 32 bytes");
    // SQLCipher's raw-key form x'<64 hex digits>' skips its PBKDF2; built in guarded memory.
    static constexpr char kDigits[] = "0123456789abcdef";
    SecretBytes text(3 + 64 + 1);
    std::uint8_t* out = text.data();
    *out++ = 'x';
    *out++ = '\'';
    for (std::size_t i = 0; i < key.size(); ++i) {
        *out++ = static_cast<std::uint8_t>(kDigits[key.data()[i] >> 4]);
        *out++ = static_cast<std::uint8_t>(kDigits[key.data()[i] & 0xf]);
    }
    *out++ = '\'';
    const int rc = sqlite3_key(db.handle(), text.data(), static_cast<int>(text.size() - 1));
    if (rc != SQLITE_OK)
        return sqliteError(db.handle(), rc, "cannot apply the vault key");
    return {};
}

Result<void> createEmptyPrivateFile(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST)
            return makeError(ErrorCode::AlreadyExists,
                             "a vault already exists at " + path.string());
        return makeError(ErrorCode::Io,
                         "cannot create " + path.string() + ": " + std::strerror(errno));
    }
    ::close(fd);
    return {};
}

Result<void> overwriteAndUnlink(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (errno == ENOENT)
            return {};
        return makeError(ErrorCode::Io, "cannot open " + path.string() +
                                            " to destroy it: " + std::strerror(errno));
    }
    const off_t size = ::lseek(fd, 0, SEEK_END);
    ::lseek(fd, 0, SEEK_SET);
    const Bytes noise = randomBytes(64 * 1024);
    bool written = size >= 0;
    for (off_t done = 0; written && done < size;) {
        const auto chunk = static_cast<std::size_t>(
            std::min<off_t>(size - done, static_cast<off_t>(noise.size())));
        const ssize_t n = ::write(fd, noise.data(), chunk);
        written = n > 0;
        done += n > 0 ? n : 0;
    }
    written = written && ::fsync(fd) == 0;
    ::close(fd);
    if (!written)
        return makeError(ErrorCode::Io, "cannot overwrite " + path.string());
    if (::unlink(path.c_str()) != 0)
        return makeError(ErrorCode::Io,
                         "cannot remove " + path.string() + ": " + std::strerror(errno));
    return {};
}

} // namespace

Vault::Vault(std::filesystem::path path, std::unique_ptr<Database> db)
    : m_path(std::move(path)), m_db(std::move(db)) {}

Result<std::unique_ptr<Vault>> Vault::create(const std::filesystem::path& path,
                                             const SecretBytes& key, const Schema& schema) {
    if (auto created = createEmptyPrivateFile(path); !created)
        return created.error();
    auto vault = openWithKey(path, key, schema, true);
    if (!vault)
        (void)overwriteAndUnlink(path);
    return vault;
}

Result<std::unique_ptr<Vault>> Vault::open(const std::filesystem::path& path,
                                           const SecretBytes& key, const Schema& schema) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return makeError(ErrorCode::NotFound, "no vault at " + path.string());
    return openWithKey(path, key, schema, false);
}

Result<std::unique_ptr<Vault>> Vault::openWithKey(const std::filesystem::path& path,
                                                  const SecretBytes& key, const Schema& schema,
                                                  bool create) {
    auto db = Database::open(path, false);
    if (!db)
        return db.error();
    if (auto keyed = applyRawKey(*db.value(), key); !keyed)
        return keyed.error();
    if (auto configured = db.value()->exec(kCipherSettings); !configured)
        return configured.error();

    // The first read decrypts page 1: this is where a wrong key shows.
    if (auto probe = db.value()->queryInt64("SELECT count(*) FROM sqlite_master"); !probe) {
        // NOTADB: page 1 failed its authentication. CORRUPT: page 1 is fine, the rest is not.
        if ((sqlite3_errcode(db.value()->handle()) & 0xff) == SQLITE_NOTADB)
            return makeError(ErrorCode::WrongKey,
                             "the key does not open the vault " + path.string() +
                                 " (wrong key, or the start of the file is damaged)");
        if (probe.error().code == ErrorCode::Corrupted)
            return makeError(ErrorCode::Corrupted, "the vault " + path.string() +
                                                       " is damaged: " + probe.error().message);
        return probe.error();
    }
    if (auto wal = db.value()->queryInt64("PRAGMA journal_mode = WAL"); !wal)
        return wal.error();
    if (auto configured = db.value()->exec(kConnectionSettings); !configured)
        return configured.error();

    if (!create) {
        // Reads every page, so that a damaged page is reported now rather than mid-conversation.
        auto check = db.value()->cached("PRAGMA quick_check");
        if (!check)
            return check.error();
        auto row = check.value()->step();
        if (!row)
            return makeError(ErrorCode::Corrupted,
                             "the vault " + path.string() + " is damaged: " + row.error().message);
        const std::string verdict = row.value() ? check.value()->columnText(0) : "";
        check.value()->reset();
        if (verdict != "ok")
            return makeError(ErrorCode::Corrupted,
                             "the vault " + path.string() + " is damaged (integrity check failed)");
    }

    std::unique_ptr<Vault> vault(new Vault(path, std::move(db.value())));
    if (auto migrated = vault->migrate(schema); !migrated)
        return migrated.error();
    return vault;
}

Result<void> Vault::migrate(const Schema& schema) {
    auto current = m_db->queryInt64("PRAGMA user_version");
    if (!current)
        return current.error();
    m_schemaVersion = static_cast<int>(current.value());
    if (m_schemaVersion > schema.latestVersion())
        return makeError(ErrorCode::SchemaTooNew, std::string("this ") + schema.name +
                                                      " vault was written by a newer "
                                                      "Cloison (schema " +
                                                      std::to_string(m_schemaVersion) +
                                                      ", this build knows up to " +
                                                      std::to_string(schema.latestVersion()) +
                                                      "); update Cloison to open it");
    if (m_schemaVersion == schema.latestVersion())
        return {};
    auto migrated = transaction([&]() -> Result<void> {
        for (const Migration& migration : schema.migrations) {
            if (migration.version <= m_schemaVersion)
                continue;
            if (auto applied = migration.apply(*m_db); !applied)
                return makeError(applied.error().code,
                                 std::string("migration to ") + schema.name + " schema " +
                                     std::to_string(migration.version) + " (" + migration.summary +
                                     ") failed: " + applied.error().message);
        }
        // PRAGMA takes no parameters; the number comes from our own table, not from input.
        const std::string setVersion =
            "PRAGMA user_version = " + std::to_string(schema.latestVersion());
        return m_db->exec(setVersion.c_str());
    });
    if (migrated)
        m_schemaVersion = schema.latestVersion();
    return migrated;
}

Result<void> Vault::begin() {
    auto begun = m_db->exec(m_depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT nested");
    if (begun)
        ++m_depth;
    return begun;
}

Result<void> Vault::commit() {
    if (m_depth > 1) {
        --m_depth;
        return m_db->exec("RELEASE nested"); // the innermost savepoint of that name
    }
    auto committed = m_db->exec("COMMIT");
    if (!committed) {
        rollback();
        return committed;
    }
    m_depth = 0;
    return committed;
}

void Vault::rollback() {
    if (m_depth > 1) {
        (void)m_db->exec("ROLLBACK TO nested");
        (void)m_db->exec("RELEASE nested");
        --m_depth;
        return;
    }
    (void)m_db->exec("ROLLBACK");
    m_depth = 0;
}

Result<void> Vault::checkpoint() {
    return m_db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

Result<void> destroyVaultFiles(const std::filesystem::path& path) {
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
        if (auto gone = overwriteAndUnlink(path.string() + suffix); !gone)
            return gone;
    }
    return overwriteAndUnlink(path);
}

} // namespace cloison::storage
