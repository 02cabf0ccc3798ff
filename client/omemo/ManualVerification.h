// Verifying a contact's device by hand, and withdrawing that (issue 8): the record in the
// compartment's vault and its key event, written together. Manual trust only (DeviceTrust.h).
#pragma once

#include "client/audit/KeyEventLog.h"
#include "client/omemo/DeviceTrust.h"

namespace cloison::omemo {

// Records that a person compared device `deviceId` of `jid` (when not given: the contact's
// device whose key has this fingerprint) and found `typedFingerprint`, and logs it as a
// `device-trusted-manually` key event, in one transaction. Refused, changing nothing: outside
// manual trust (PolicyRefused), a malformed fingerprint or JID (InvalidArgument), a device
// this compartment does not know (NotFound), a fingerprint that is not the device's (Mismatch),
// a device already verified with this key (AlreadyExists). Returns the device as now trusted.
[[nodiscard]] Result<ContactDevice> verifyDevice(storage::Vault& vault, audit::KeyEventLog& log,
                                                 TrustMode mode, std::string_view jid,
                                                 std::optional<std::uint32_t> deviceId,
                                                 std::string_view typedFingerprint);
// Withdraws the verification of device `deviceId` of `jid` (when not given: of its verified
// device whose key has `typedFingerprint`), logged as `device-trust-withdrawn`. A fingerprint,
// when given, must be the verified key's (Mismatch); a device not verified is NotFound.
// Returns the device as now trusted (its key is the one that had been verified).
[[nodiscard]] Result<ContactDevice> unverifyDevice(storage::Vault& vault, audit::KeyEventLog& log,
                                                   TrustMode mode, std::string_view jid,
                                                   std::optional<std::uint32_t> deviceId,
                                                   std::string_view typedFingerprint);

} // namespace cloison::omemo
