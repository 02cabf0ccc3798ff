// The member's side of provisioning: the enrolment request, importing an invite into the
// profile (the org key pinned on first use), and applying device rosters (no rollback).
//
// Profile vault settings:    provisioning.org-key            the pinned org key (32 bytes)
// Compartment vault settings: provisioning.org-key, provisioning.compartment-id,
//   provisioning.invite-id, provisioning.roster-owner (when the invite named one),
//   provisioning.roster (the current signed roster document, whose
//   devices are also the vault's CertifiedDeviceRepository), policy.retention-days, policy.colour,
//   policy.label, policy.sealed ("yes"/"no"); trusted domains in the link guard's key; the
//   account in the AccountStore's keys.
#pragma once

#include "client/profile/Profile.h"
#include "client/provisioning/Documents.h"

#include <functional>
#include <optional>
#include <string>

namespace cloison::provisioning {

constexpr const char* kPinnedOrgKey = "provisioning.org-key";
constexpr const char* kCompartmentIdKey = "provisioning.compartment-id";
constexpr const char* kInviteIdKey = "provisioning.invite-id";
constexpr const char* kRosterKey = "provisioning.roster";
// The admin account whose PEP node carries the roster (the invite's roster-owner), when the
// invite named one: running compartments fetch the roster from it.
constexpr const char* kRosterOwnerKey = "provisioning.roster-owner";

// The enrolment request of this profile (its keys are created on first use).
[[nodiscard]] Result<std::string> enrollRequest(Profile& profile, const std::string& name);

struct ImportOptions {
    // When no org key is pinned yet: the fingerprint the person was given out of band. Without
    // it `confirm` is asked (shown the fingerprint); it returns whether the person confirmed.
    std::optional<std::string> orgFingerprint;
    std::function<bool(const std::string& fingerprint)> confirm;
    // Seconds since the epoch to check the invite's expiry against; 0: now.
    std::int64_t nowSeconds = 0;
};

struct ImportResult {
    std::string compartment;
    std::string orgFingerprint;
    bool pinnedNow = false;
    bool mustSeal = false; // the policy asks for the compartment to be sealed (fido seal)
    bool decoy = false;    // a decoy compartment (issue 14): it never connects
    std::uint32_t deviceId = 0;
    std::string certificationRequest; // to hand back to the admin
};

// Verifies, decrypts and creates the compartment with its account, policy and OMEMO
// identity; a decoy invite makes a decoy compartment holding its history and document. On any
// refusal nothing is changed (no compartment, no pin).
// WrongKey: sealed to or signed for another member. Corrupted: tampered or malformed.
// PolicyRefused: signed by an org key other than the pinned one, or the fingerprint was not
// confirmed. Expired: past the invite's expiry. AlreadyExists: a compartment of that name
// exists.
[[nodiscard]] Result<ImportResult> importInvite(Profile& profile, std::string_view file,
                                                const ImportOptions& options);

// Verifies a roster for a provisioned compartment with its pinned org key, its compartment id,
// and a version strictly above the one held; then makes its devices the compartment's
// certified devices (what strict trust enforces), stores it, and logs the certified and
// revoked devices that changed. Corrupted: bad signature, another compartment, or a version
// not newer (replay/rollback). Nothing is changed on refusal.
[[nodiscard]] Result<DeviceRoster> applyRoster(Profile& profile, const std::string& compartment,
                                               std::string_view document);
// The same on an open compartment vault whose key-event log is `compartmentId`'s (the
// profile's local id), for a running CompartmentService on its own thread.
[[nodiscard]] Result<DeviceRoster>
applyRoster(storage::Vault& vault, const std::string& compartmentId, std::string_view document);
// "roster version N: C certified, R revoked".
[[nodiscard]] std::string describeRoster(const DeviceRoster& roster);
// The roster held, if any.
[[nodiscard]] Result<std::optional<DeviceRoster>> currentRoster(storage::Vault& vault);

// Where a running compartment publishes its key-event log's heads (issue 6):
// xmpp::kLogHeadsNodePrefix + the organisation's compartment id. Empty for a compartment not
// provisioned from an invite: no organisation audits it.
[[nodiscard]] Result<std::string> logHeadsNode(storage::Vault& vault);

} // namespace cloison::provisioning
