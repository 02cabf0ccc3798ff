// Whose devices a compartment trusts, device by device (issue 8). Strict trust believes only
// what the organisation certified; blind trust believes every device; manual trust believes a
// device the organisation certified or that a person verified by hand, by comparing its
// fingerprint in person or over another channel. A verification holds for the identity key
// that was compared: another key under the same device id is no longer verified.
//
// Verifying and withdrawing are in ManualVerification.h.
//
// Manual trust follows "blind trust before verification": a contact nobody has vouched for
// gets our messages on every device, shown unverified; once one of the contact's devices is
// verified (or certified), only the contact's verified (or certified) devices get them, and a
// new device or a changed key has to be verified before it can read along.
#pragma once

#include "storage/Vault.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cloison::omemo {

enum class TrustMode { Strict, Manual, Blind };

enum class DeviceTrust {
    Untrusted,  // nothing vouches for it, and nothing vouches for its contact either
    Certified,  // the organisation's roster certifies this device with this identity key
    Verified,   // verified by hand with this identity key
    KeyChanged, // verified by hand, but under another identity key than the one it has now
    Unexpected, // not verified, beside devices of the same contact that are: may not be theirs
    Blind,      // blind trust: every device is believed
};

// "untrusted", "certified", "verified", "key-changed", "unverified-new", "blind": what
// cloison-cli prints. Scripts match on these.
const char* deviceTrustName(DeviceTrust trust);
// Certified, Verified or Blind: its messages show as trusted.
bool isTrusted(DeviceTrust trust);

// A fingerprint as a person types or pastes it: 64 hexadecimal digits of the identity key (or
// 66 with the key type byte 05 first), in any case, grouped by spaces, colons or dashes as
// clients show them. Returns the 64 lower-case digits, or InvalidArgument saying what is wrong.
[[nodiscard]] Result<std::string> normaliseFingerprint(std::string_view typed);

// What `mode` makes of one device whose identity key is `identityKey`.
[[nodiscard]] Result<DeviceTrust> deviceTrust(storage::Vault& vault, TrustMode mode,
                                              std::string_view jid, std::uint32_t deviceId,
                                              ByteView identityKey);
// Manual trust's view of one device whose identity key is `identityKey`.
[[nodiscard]] Result<DeviceTrust> manualDeviceTrust(storage::Vault& vault, std::string_view jid,
                                                    std::uint32_t deviceId, ByteView identityKey);
// Some device of `jid` is verified by hand (under any key) or certified: from then on only its
// verified or certified devices get our messages in manual trust.
[[nodiscard]] Result<bool> contactVouchedFor(storage::Vault& vault, std::string_view jid);

struct ContactDevice {
    std::string jid;
    std::uint32_t deviceId = 0;
    Bytes identityKey;
    std::string fingerprint; // omemoFingerprint(): 8 groups of 8 hex digits
    DeviceTrust trust = DeviceTrust::Untrusted;
};

// One device with its fingerprint and its trust in `mode`.
[[nodiscard]] Result<ContactDevice> contactDevice(storage::Vault& vault, TrustMode mode,
                                                  const std::string& jid, std::uint32_t deviceId,
                                                  const Bytes& identityKey);
// The contact's devices as last published whose identity key this compartment knows (from a
// session or a message), with their trust in `mode`, by device id.
[[nodiscard]] Result<std::vector<ContactDevice>>
contactDevices(storage::Vault& vault, TrustMode mode, std::string_view jid);

} // namespace cloison::omemo
