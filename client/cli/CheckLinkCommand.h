// cloison-cli's link guard commands, kept out of main.cpp:
//   check-link [--trusted DOMAIN,...] [--compartment NAME] [--org-key HEX]
//              [--blocklist FILE] [--stdin] URL...
//   compartment trust-domains NAME [DOMAIN,...]
#pragma once

#include "client/profile/Profile.h"

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cloison::cli {

// Exit code when at least one link is lookalike or blocked.
constexpr int kExitLinkFlagged = 14;

using ProfileUnlocker = std::function<Result<std::unique_ptr<Profile>>()>;

// `args` follow the word "check-link". Prints one JSON object per link on `out`. Returns the
// exit code (0, or kExitLinkFlagged); errors (InvalidArgument for usage) are for the caller to
// report.
Result<int> runCheckLink(const std::vector<std::string>& args, const ProfileUnlocker& unlock,
                         std::istream& in, std::ostream& out);

// With `domains` (comma-separated): validates and stores them as the compartment's trusted
// domains. Without: prints the current ones, one per line.
Result<int> runTrustDomains(const std::string& compartment,
                            const std::optional<std::string>& domains,
                            const ProfileUnlocker& unlock, std::ostream& out);

} // namespace cloison::cli
