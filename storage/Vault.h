// A vault: one SQLCipher file keyed with a raw 256-bit key (never SQLCipher's passphrase KDF),
// WAL journal, secure delete, temp data in memory only, and schema migrations by version.
// A vault is used from one thread at a time.
#pragma once

#include "crypto/SecretBytes.h"
#include "storage/Database.h"

#include <filesystem>
#include <memory>
#include <span>

namespace cloison::storage {

struct Migration {
    int version; // 1, 2, 3, ... in order, never renumbered or removed
    const char* summary;
    Result<void> (*apply)(Database& db);
};

struct Schema {
    const char* name;
    std::span<const Migration> migrations;
    int latestVersion() const { return migrations.empty() ? 0 : migrations.back().version; }
};

class Vault {
public:
    // Fails with AlreadyExists when the file is there: a vault is never silently replaced.
    static Result<std::unique_ptr<Vault>> create(const std::filesystem::path& path,
                                                 const SecretBytes& key, const Schema& schema);
    // WrongKey: the key does not open the file (or its first page is damaged; SQLCipher cannot
    // tell these apart, callers that hold an authenticated key report it as corruption).
    // Corrupted: a page fails its authentication. SchemaTooNew: written by a newer Cloison.
    static Result<std::unique_ptr<Vault>> open(const std::filesystem::path& path,
                                               const SecretBytes& key, const Schema& schema);

    Database& db() { return *m_db; }
    const std::filesystem::path& path() const { return m_path; }
    int schemaVersion() const { return m_schemaVersion; }

    // Runs `body` in one write transaction: committed if it succeeds, rolled back otherwise.
    // Inside another transaction it is a savepoint: its failure undoes only its own writes,
    // and nothing is durable before the outermost one commits (so callers can group work).
    template <typename Body> Result<void> transaction(Body&& body) {
        if (auto begun = begin(); !begun)
            return begun;
        Result<void> outcome = body();
        if (!outcome) {
            rollback();
            return outcome;
        }
        return commit();
    }
    // Moves everything from the WAL into the main file and truncates the WAL.
    [[nodiscard]] Result<void> checkpoint();

private:
    Vault(std::filesystem::path path, std::unique_ptr<Database> db);
    static Result<std::unique_ptr<Vault>> openWithKey(const std::filesystem::path& path,
                                                      const SecretBytes& key, const Schema& schema,
                                                      bool create);
    Result<void> migrate(const Schema& schema);
    Result<void> begin();
    Result<void> commit();
    void rollback();

    std::filesystem::path m_path;
    std::unique_ptr<Database> m_db;
    int m_schemaVersion = 0;
    int m_depth = 0; // transactions open: 1 is BEGIN, more are savepoints
};

// Overwrites a vault file and its WAL/SHM companions with random bytes, flushes, and unlinks
// them. The real guarantee is that the vault's key is destroyed too; overwriting is a second
// layer that helps on file systems that update in place.
[[nodiscard]] Result<void> destroyVaultFiles(const std::filesystem::path& path);

} // namespace cloison::storage
