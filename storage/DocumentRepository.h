// A compartment's received documents (issue 13): one row per document, holding what a person
// sees (name, size, sender) and the random key that seals its file at rest. The file itself
// (crypto/DocumentCipher.h's SealedFile) lives beside the vault in documentsDirOf(vault), named
// by the row's id; without the row's key it is noise.
#pragma once

#include "storage/Vault.h"

#include <optional>
#include <string>
#include <vector>

namespace cloison::storage {

struct DocumentRecord {
    std::string id; // 32 hex characters: the file's name and what `save --file` takes
    std::string conversation;
    std::string sender;
    std::string name; // from the link's last path segment, made safe for a file name
    std::int64_t size = 0;
    std::int64_t receivedAt = 0; // milliseconds since the epoch
};

class DocumentRepository {
public:
    explicit DocumentRepository(Vault& vault) : m_vault(vault) {}

    [[nodiscard]] Result<void> add(const DocumentRecord& document, const SecretBytes& fileKey);
    // Every document, oldest first.
    [[nodiscard]] Result<std::vector<DocumentRecord>> list();
    // NotFound when there is no such document.
    [[nodiscard]] Result<DocumentRecord> find(const std::string& id);
    [[nodiscard]] Result<SecretBytes> fileKey(const std::string& id);
    // Deletes the rows of documents received before `cutoffMs` in one transaction and returns
    // their ids, for the caller to destroy their files.
    [[nodiscard]] Result<std::vector<std::string>> purgeReceivedBefore(std::int64_t cutoffMs);

private:
    Vault& m_vault;
};

// Where a compartment vault's document files live: beside it, "ID.db" -> "ID.documents".
std::filesystem::path documentsDirOf(const Vault& vault);
std::filesystem::path documentsDirOf(const std::filesystem::path& vaultPath);

} // namespace cloison::storage
