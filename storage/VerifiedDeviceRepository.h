// Devices a person verified by hand in this compartment (manual trust, issue 8): the contact's
// identity key, compared in person or over another channel, recorded with the device. A
// verification holds for exactly that key: once the device presents another key under the
// same id, it no longer counts as verified.
#pragma once

#include "storage/Vault.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cloison::storage {

struct VerifiedDevice {
    std::string jid; // the contact's bare JID
    std::uint32_t deviceId = 0;
    Bytes identityKey;           // the OMEMO identity public key that was compared
    std::int64_t verifiedAt = 0; // milliseconds since the epoch

    bool operator==(const VerifiedDevice&) const = default;
};

class VerifiedDeviceRepository {
public:
    explicit VerifiedDeviceRepository(Vault& vault) : m_vault(vault) {}

    // Records (or replaces, for a new key under the same device id) a verification. An empty
    // JID or key, or device id 0, is refused.
    [[nodiscard]] Result<void> add(const VerifiedDevice& device);
    // Forgets the device's verification; false when there was none.
    [[nodiscard]] Result<bool> remove(std::string_view jid, std::uint32_t deviceId);
    // Verified with exactly this identity key.
    [[nodiscard]] Result<bool> isVerified(std::string_view jid, std::uint32_t deviceId,
                                          ByteView identityKey);
    // The verification recorded for the device, whatever key it was for.
    [[nodiscard]] Result<std::optional<VerifiedDevice>> find(std::string_view jid,
                                                             std::uint32_t deviceId);
    // The contact's verified devices, by device id.
    [[nodiscard]] Result<std::vector<VerifiedDevice>> forContact(std::string_view jid);
    // Every verification, ordered by JID, then device id.
    [[nodiscard]] Result<std::vector<VerifiedDevice>> list();

private:
    Vault& m_vault;
};

} // namespace cloison::storage
