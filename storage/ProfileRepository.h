// The profile vault's records: which compartments exist and their wrapped keys.
#pragma once

#include "storage/Vault.h"

#include <optional>
#include <string>
#include <vector>

namespace cloison::storage {

struct CompartmentRecord {
    std::string id;   // random; also the vault's file name
    std::string name; // chosen by a person; lives only inside the profile vault
    Bytes wrappedKey; // the compartment key, sealed with the profile's wrapping key
    std::int64_t createdAt = 0;
    // Sealed: wrappedKey also needs the hmac-secret of the FIDO credential described by
    // sealSlot, so the profile key alone does not open the compartment.
    bool sealed = false;
    Bytes sealSlot;
    bool decoy = false; // provisioned as a decoy (issue 14); never a real conversation
};

class ProfileRepository {
public:
    explicit ProfileRepository(Vault& vault) : m_vault(vault) {}

    [[nodiscard]] Result<void> insertCompartment(const CompartmentRecord& record);
    [[nodiscard]] Result<void> removeCompartment(const std::string& id);
    // Replaces the wrapped key and seal of a compartment (sealing or unsealing it).
    [[nodiscard]] Result<void> updateCompartmentKey(const std::string& id, ByteView wrappedKey,
                                                    bool sealed, ByteView sealSlot);
    [[nodiscard]] Result<std::vector<CompartmentRecord>> compartments();
    [[nodiscard]] Result<std::optional<CompartmentRecord>>
    compartmentNamed(const std::string& name);

private:
    Vault& m_vault;
};

} // namespace cloison::storage
