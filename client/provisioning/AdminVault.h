// The admin's side of provisioning: an admin profile (the same header, key slots and
// encrypted vault as a member's profile, in a directory of its own) that holds the
// organisation's Ed25519 signing key, the compartment definitions, the enrolments behind the
// invites issued, and the current signed device roster of each compartment.
//
// Records live in the admin vault's settings, each as a document signed by the org key (the
// SignedText container): what the vault returns is checked again before it is used.
//   admin.org-key                    the org key's 64-byte secret
//   admin.compartment.NAME           compartment-definition document
//   admin.roster.NAME                the current device-roster document (version 1 at define)
//   admin.enrolment.INVITE-ID        enrolment document: who an invite went to
//   admin.revoked.COMPARTMENT-ID.JID a revoked member's account (no further certification)
#pragma once

#include "client/profile/Profile.h"
#include "client/provisioning/Documents.h"

#include <filesystem>
#include <memory>

namespace cloison::provisioning {

// How long an invite can be imported, unless the admin says otherwise.
constexpr std::uint32_t kDefaultInviteDays = 14;
constexpr std::uint32_t kMaxInviteDays = 3650;

struct Enrolment {
    std::string inviteId;
    std::string compartmentId;
    std::string compartment;
    std::string account;
    std::string memberName;
    Bytes memberKey; // Ed25519, from the enrolment request
    Bytes boxKey;
};

class AdminVault {
public:
    // `dir` must not exist or be empty. Creates the org key.
    static Result<std::unique_ptr<AdminVault>> create(const std::filesystem::path& dir,
                                                      const SecretBytes& passphrase,
                                                      const Argon2idParams& params);
    // WrongPassphrase, Corrupted, NotFound like a profile; Corrupted when it holds no org key.
    static Result<std::unique_ptr<AdminVault>> unlock(const std::filesystem::path& dir,
                                                      const SecretBytes& passphrase);
    // The admin vault of a directory already unlocked as a profile (with its security key,
    // when the organisation key lives behind one).
    static Result<std::unique_ptr<AdminVault>> open(std::unique_ptr<Profile> profile);

    const SigningKey& orgKey() const { return m_orgKey; }
    // The admin vault itself, for records kept beside the organisation's (canaries).
    storage::Vault& vault() { return m_vault; }
    std::string fingerprint() const { return keyFingerprint(m_orgKey.publicKey()); }

    // Stores a new compartment (definition.id is assigned here) and its empty roster, version
    // 1. AlreadyExists for a name already defined.
    [[nodiscard]] Result<CompartmentDefinition> defineCompartment(CompartmentDefinition definition);
    [[nodiscard]] Result<CompartmentDefinition> compartment(const std::string& name);

    // Removes a compartment's definition, roster and the enrolments of `inviteIds`: what
    // `compartment create` undoes when it fails half-way. NotFound when it is not defined.
    [[nodiscard]] Result<void> forgetCompartment(const std::string& name,
                                                 const std::vector<std::string>& inviteIds);

    // The sealed invite file for the member of `enrollRequest` (verified), with this account
    // and password, valid for `validDays` days (0: no expiry); the enrolment is recorded so
    // that the certification request can be checked against it. `inviteId`, when given,
    // receives the new invite's id.
    [[nodiscard]] Result<std::string>
    writeInvite(const std::string& compartment, std::string_view enrollRequest,
                const std::string& account, const SecretBytes& password,
                std::uint32_t validDays = kDefaultInviteDays, std::string* inviteId = nullptr);

    // The enrolment behind the invite that went to `account` (in any compartment): who the
    // member is and their profile's keys. NotFound when no invite went to that account.
    [[nodiscard]] Result<Enrolment> enrolmentOf(const std::string& account);
    // A decoy compartment's invite (issue 14) for the member of `enrolment`: sealed to their key
    // like a real invite, with `decoy` inside the seal. `definition.id` is assigned here. No
    // enrolment is recorded: a decoy's device is never certified.
    [[nodiscard]] Result<std::string> writeDecoyInvite(const Enrolment& enrolment,
                                                       CompartmentDefinition definition,
                                                       const std::string& account,
                                                       const SecretBytes& password,
                                                       DecoyContent decoy, std::uint32_t validDays);

    // Checks a certification request against its enrolment (member key, compartment, account,
    // not revoked) and publishes the next roster version with the device added. Returns it.
    [[nodiscard]] Result<std::string> certify(const std::string& compartment,
                                              std::string_view request);
    // Moves a device, or every device of an account, to the revoked list in a new roster
    // version; revoking an account also refuses its future certification requests.
    [[nodiscard]] Result<std::string> revokeDevice(const std::string& compartment,
                                                   const std::string& account,
                                                   std::uint32_t deviceId);
    [[nodiscard]] Result<std::string> revokeMember(const std::string& compartment,
                                                   const std::string& account);
    // The current signed roster document.
    [[nodiscard]] Result<std::string> roster(const std::string& compartment);

private:
    AdminVault(std::unique_ptr<Profile> profile, storage::Vault& vault, SigningKey orgKey)
        : m_profile(std::move(profile)), m_vault(vault), m_orgKey(std::move(orgKey)) {}
    Result<DeviceRoster> currentRoster(const CompartmentDefinition& definition);
    Result<std::string> publish(DeviceRoster roster);
    Result<Enrolment> enrolment(const std::string& inviteId);

    std::unique_ptr<Profile> m_profile;
    storage::Vault& m_vault;
    SigningKey m_orgKey;
};

} // namespace cloison::provisioning
