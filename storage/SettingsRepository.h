// Small named values in a vault's `settings` table (both the profile and the compartment schema
// have one): policy entries, the highest version of a signed list held, and the like. Keys are
// dotted names owned by the component that writes them ("linkguard.trusted-domains").
#pragma once

#include "storage/Vault.h"

#include <optional>
#include <string>
#include <vector>

namespace cloison::storage {

class SettingsRepository {
public:
    explicit SettingsRepository(Vault& vault) : m_vault(vault) {}

    [[nodiscard]] Result<std::optional<Bytes>> get(const std::string& key);
    // For secret values (private keys, passwords): read straight into guarded memory.
    [[nodiscard]] Result<std::optional<SecretBytes>> getSecret(const std::string& key);
    // Inserts or replaces.
    [[nodiscard]] Result<void> put(const std::string& key, ByteView value);
    // The keys that start with `prefix`, sorted: records kept one per key (the admin vault's
    // enrolments).
    [[nodiscard]] Result<std::vector<std::string>> keysWithPrefix(const std::string& prefix);
    // Removing a key that is not there is not an error.
    [[nodiscard]] Result<void> remove(const std::string& key);
    // Several values in one transaction: all written or none.
    template <typename Body> Result<void> atomically(Body&& body) {
        return m_vault.transaction(std::forward<Body>(body));
    }

private:
    Vault& m_vault;
};

} // namespace cloison::storage
