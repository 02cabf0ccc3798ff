// cloison-cli's provisioning commands: enroll-request, import, roster apply, purge.
#pragma once

#include "client/profile/Profile.h"

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cloison::cli {

// The invite is not for this profile: sealed to, or signed for, another member.
constexpr int kExitNotForThisProfile = 18;

struct ProvisioningOptions {
    std::string name;                          // enroll-request --name
    std::optional<std::string> orgFingerprint; // import --org-fingerprint
    std::string output;                        // -o / --output
    std::string compartment;                   // --compartment
    std::string rosterOwner;                   // roster fetch --from
};

using UnlockFn = std::function<Result<std::unique_ptr<Profile>>()>;

// `words` are the command and its arguments. Returns the exit code; errors that map to the
// common exit codes come back as errors.
[[nodiscard]] Result<int> runProvisioning(const std::vector<std::string>& words,
                                          const ProvisioningOptions& options,
                                          const UnlockFn& unlock, std::ostream& out,
                                          std::ostream& err);

} // namespace cloison::cli
