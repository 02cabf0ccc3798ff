// The devices the organisation certified for this compartment (issue 5): what strict trust
// encrypts to and believes. Written only as a whole, from one signed device roster, so the
// table is always exactly one roster and never a mix of two.
#pragma once

#include "storage/Vault.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cloison::storage {

struct CertifiedDevice {
    std::string jid; // the member account's bare JID
    std::uint32_t deviceId = 0;
    Bytes identityKey; // the device's OMEMO identity public key, as the roster carries it

    bool operator==(const CertifiedDevice&) const = default;
};

class CertifiedDeviceRepository {
public:
    explicit CertifiedDeviceRepository(Vault& vault) : m_vault(vault) {}

    // Replaces every certified device by `devices`, the content of roster `version`, in one
    // transaction. A version older than the one stored is refused (no rollback to a roster
    // that still certified a since-revoked device); the same version again replaces it.
    // Duplicate (jid, device id) pairs, empty JIDs or keys, and device id 0 are refused.
    // On any error nothing changes.
    [[nodiscard]] Result<void> replaceAll(std::uint64_t version,
                                          const std::vector<CertifiedDevice>& devices);
    // Certified with exactly this identity key: a device whose key differs from the certified
    // one for its id is not certified.
    [[nodiscard]] Result<bool> isCertified(std::string_view jid, std::uint32_t deviceId,
                                           ByteView identityKey);
    // Some key is certified for this device id (the key itself is checked once it is known).
    [[nodiscard]] Result<bool> hasDevice(std::string_view jid, std::uint32_t deviceId);
    // Some device of this account is certified.
    [[nodiscard]] Result<bool> hasContact(std::string_view jid);
    // Ordered by JID, then device id.
    [[nodiscard]] Result<std::vector<CertifiedDevice>> list();
    // The version of the roster stored, or none before the first.
    [[nodiscard]] Result<std::optional<std::uint64_t>> version();

private:
    Vault& m_vault;
};

} // namespace cloison::storage
