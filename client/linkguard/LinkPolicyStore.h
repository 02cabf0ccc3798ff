// The link guard's persistent state in a compartment's vault (settings table): the trusted
// domains of the compartment's policy, and the organisation's signed blocklist together with
// the highest version ever accepted, so that an older bulletin is refused even after the
// stored one is removed.
#pragma once

#include "client/linkguard/Blocklist.h"
#include "storage/SettingsRepository.h"

#include <optional>
#include <string>
#include <vector>

namespace cloison::linkguard {

class LinkPolicyStore {
public:
    static constexpr const char* kTrustedDomainsKey = "linkguard.trusted-domains";
    static constexpr const char* kBlocklistKey = "linkguard.blocklist";
    static constexpr const char* kBlocklistVersionKey = "linkguard.blocklist.highest-version";

    explicit LinkPolicyStore(storage::Vault& vault) : m_settings(vault) {}

    // Empty when none were set.
    [[nodiscard]] Result<std::vector<std::string>> trustedDomains();
    // Stores the list as given (one per line); validate it with a LinkGuard first.
    [[nodiscard]] Result<void> setTrustedDomains(const std::vector<std::string>& domains);

    // Verifies the signature, then refuses a version older than the highest held, or the same
    // version with different content (both Corrupted), then stores it. Re-installing the list
    // held is accepted.
    [[nodiscard]] Result<Blocklist> installBlocklist(std::string_view document,
                                                     ByteView orgPublicKey);
    // The stored blocklist, verified again; nullopt when none was installed.
    [[nodiscard]] Result<std::optional<Blocklist>> blocklist(ByteView orgPublicKey);
    // 0 when none was ever accepted.
    [[nodiscard]] Result<std::uint64_t> highestBlocklistVersion();

private:
    storage::SettingsRepository m_settings;
};

} // namespace cloison::linkguard
