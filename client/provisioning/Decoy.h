// Decoy compartments (issue 14): provisioned by the admin into a member's profile with a
// plausible generated history, canary credentials and a watermarked canary document. On disk a
// decoy is an ordinary compartment vault; only the profile's own (encrypted) list marks it,
// and its owner is always shown which it is.
#pragma once

#include "client/profile/Profile.h"
#include "client/provisioning/Documents.h"

#include <string>
#include <vector>

namespace cloison::provisioning {

// The one place that decides whether a compartment may connect to its server. A decoy does
// not: its account is a canary, and its owner logging in with it would raise the alarm the
// canary exists for.
[[nodiscard]] Result<void> mayConnect(const CompartmentInfo& compartment);
// The same for a compartment named in `profile`; NotFound when there is none.
[[nodiscard]] Result<void> mayConnect(Profile& profile, const std::string& compartment);

// "anna.weber" -> "Anna Weber", "aweber12" -> "A. Weber": how a colleague's name reads.
[[nodiscard]] std::string displayNameOf(const std::string& jid);

// A few dozen messages between `owner` and `colleagues` over the past five weeks before
// `nowMs`, in working hours; one of them, to the owner, hands over `plantedCredentials`.
[[nodiscard]] std::vector<DecoyMessage> plausibleHistory(const std::string& owner,
                                                         const std::vector<std::string>& colleagues,
                                                         const std::string& plantedCredentials,
                                                         std::int64_t nowMs);

// Writes a decoy's history into the compartment vault's messages and its document into its
// documents, as if they had been received.
[[nodiscard]] Result<void> storeDecoyContent(storage::Vault& vault, const DecoyContent& content);

} // namespace cloison::provisioning
