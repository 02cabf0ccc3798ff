// A compartment's key-event log as stored: append-only rows (the vault refuses updates and
// deletes of them) and the log's Ed25519 signing key.
#pragma once

#include "storage/Vault.h"

#include <optional>
#include <vector>

namespace cloison::storage {

struct KeyEventRow {
    std::int64_t seq = 0; // 1, 2, 3, ...
    std::int64_t timeMs = 0;
    std::string type;
    std::string subject;
    std::string fingerprint;
    std::string details;
    Bytes prevHash;
    Bytes hash;
    Bytes signature;
};

class KeyEventRepository {
public:
    explicit KeyEventRepository(Vault& vault) : m_vault(vault) {}

    [[nodiscard]] Result<void> append(const KeyEventRow& row);
    [[nodiscard]] Result<std::optional<KeyEventRow>> last();
    [[nodiscard]] Result<std::optional<KeyEventRow>> at(std::int64_t seq);
    [[nodiscard]] Result<std::vector<KeyEventRow>> all();

    // The log's signing key (64-byte libsodium form), created once per compartment.
    [[nodiscard]] Result<std::optional<SecretBytes>> signingKey();
    [[nodiscard]] Result<void> storeSigningKey(const SecretBytes& secretKey);

private:
    Vault& m_vault;
};

} // namespace cloison::storage
