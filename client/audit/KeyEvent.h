// Key events: what an auditor needs to know about keys and devices, never message content.
// One entry's canonical bytes are what its hash and signature cover; exporter and verifier
// share this code so they cannot disagree on it.
#pragma once

#include "crypto/Bytes.h"

#include <cstdint>
#include <string>

namespace cloison::audit {

// Event types, as they appear in the log. Scripts match on these strings.
namespace event {
inline constexpr const char* kLogCreated = "log-created";
inline constexpr const char* kIdentityCreated = "identity-created";
inline constexpr const char* kDeviceSeen = "device-seen";
inline constexpr const char* kDeviceCertified = "device-certified";
// A person compared a device's fingerprint and verified it by hand (manual trust, issue 8);
// the fingerprint is the key that was compared. Withdrawn: that verification was taken back.
inline constexpr const char* kDeviceTrustedManually = "device-trusted-manually";
inline constexpr const char* kDeviceTrustWithdrawn = "device-trust-withdrawn";
inline constexpr const char* kDeviceRevoked = "device-revoked";
inline constexpr const char* kSessionStarted = "session-started";
inline constexpr const char* kSessionReset = "session-reset";
inline constexpr const char* kMessageRefused = "message-refused";
// Strict trust refused a message from a device the organisation did not certify (issue 5).
inline constexpr const char* kRejectedUncertified = "rejected-uncertified";
inline constexpr const char* kPinMismatch = "pin-mismatch";
inline constexpr const char* kUnlockFailed = "unlock-failed";
inline constexpr const char* kFidoEnrolled = "fido-enrolled";
inline constexpr const char* kFidoRemoved = "fido-removed";
// The profile was unlocked with its duress passphrase (issue 14): recorded in each decoy
// compartment's log, which is all a duress session opens.
inline constexpr const char* kDuressUnlock = "duress-unlock";
inline constexpr const char* kPolicyChanged = "policy-changed";
inline constexpr const char* kRetentionPurge = "retention-purge";
inline constexpr const char* kInviteImported = "invite-imported";
inline constexpr const char* kExport = "export";
inline constexpr const char* kLinkWarned = "link-warned";
// Something a peer or the server sent went over one of the engine's resource limits (devices
// per contact, prekeys per bundle) and was refused whole: a sign of a hostile server.
inline constexpr const char* kLimitExceeded = "limit-exceeded";
} // namespace event

constexpr std::size_t kEventHashBytes = 32;
constexpr std::size_t kMaxEventFieldBytes = 4096;

struct KeyEvent {
    std::int64_t seq = 0;
    std::int64_t timeMs = 0;
    std::string type;
    std::string subject;     // a JID, a device id, a compartment id: never message text
    std::string fingerprint; // of the key concerned, if any
    std::string details;     // short, structured, no content
    Bytes prevHash;          // hash of entry seq-1; 32 zero bytes for the first
    Bytes hash;              // BLAKE2b-256 of canonicalBytes()
    Bytes signature;         // Ed25519 by the log key over canonicalBytes()

    Bytes canonicalBytes() const;
    Bytes computeHash() const;
};

// A signed statement "the log had `seq` entries, the last with `hash`", published to the
// server so that a later truncation or rewrite shows.
struct LogHead {
    std::int64_t seq = 0;
    Bytes hash;
    std::int64_t timeMs = 0;
    Bytes signature;

    Bytes canonicalBytes() const;
};

Bytes genesisHash();
std::string formatUtc(std::int64_t timeMs); // 2026-11-24T08:30:00.123Z

} // namespace cloison::audit
