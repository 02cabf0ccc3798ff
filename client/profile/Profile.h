// A profile: one person on one laptop. A directory holding
//   header            key slots (the only unencrypted file)
//   profile.db        the profile vault: compartment names and their wrapped keys
//   profile-b.db      the duress vault (issue 14): the decoy compartments' names and keys,
//                     wrapped under the duress key; while no duress passphrase is set, a vault
//                     under a key nobody holds, so the directory looks the same either way
//   compartments/     one vault per compartment, named by a random id
// The profile key (random, 256-bit) is unwrapped from a slot; compartment keys are random and
// independent, each wrapped by a subkey of the profile key.
#pragma once

#include "crypto/Kdf.h"
#include "crypto/fido/FidoAuthenticator.h"
#include "storage/Vault.h"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cloison {

struct CompartmentInfo {
    std::string id;
    std::string name;
    std::int64_t createdAt = 0; // seconds since the epoch
    bool sealed = false;        // opens only with its own security key touch
    // Provisioned by the admin as a decoy (issue 14): plausible generated history and canary
    // credentials for a thief to find. Its vault looks like any other; the owner is always
    // shown which it is. A duress session reports none (it must look normal).
    bool decoy = false;
};

enum class CompartmentKind { Real, Decoy };

struct FidoAccess;
struct ProfileHeader;
struct LegacyProfileHeader;
namespace storage {
struct CompartmentRecord;
}

struct FidoSlotInfo {
    std::string id; // short hex name of the slot's credential
    std::string rpId;
    FidoVerification verification = FidoVerification::Presence;
};

class Profile {
public:
    static constexpr const char* kHeaderFile = "header";
    static constexpr const char* kVaultFile = "profile.db";
    static constexpr const char* kCompartmentDir = "compartments";
    static constexpr const char* kDuressVaultFile = "profile-b.db";

    // `dir` must not exist or be empty.
    static Result<std::unique_ptr<Profile>> create(const std::filesystem::path& dir,
                                                   const SecretBytes& passphrase,
                                                   const Argon2idParams& params);
    // WrongPassphrase, Corrupted (damaged or modified), NotFound, SchemaTooNew. A failed unlock
    // writes nothing. The duress passphrase unlocks a duress session (see isDuressSession()).
    // A format-1 header is rewritten as format 2 when its slots allow (see README).
    static Result<std::unique_ptr<Profile>> unlock(const std::filesystem::path& dir,
                                                   const SecretBytes& passphrase);
    // The same, where FIDO slots may be opened with the passphrase and the key in `fido`.
    // Also NoAuthenticator, WrongAuthenticator, WrongPin, PinBlocked, UserActionTimeout, ...
    static Result<std::unique_ptr<Profile>> unlock(const std::filesystem::path& dir,
                                                   const SecretBytes& passphrase, FidoAccess& fido);
    // The FIDO slots, read from the header alone (no unlock needed, nothing secret).
    static Result<std::vector<FidoSlotInfo>> fidoSlots(const std::filesystem::path& dir);
    // Notes a failed unlock (a wrong passphrase) for the key-event logs, as the unlock itself
    // writes nothing: one line with the time, appended to the file kUnlockFailuresFile beside
    // the header. Nothing can be authenticated without the key, so the file is not: it can be
    // deleted (hiding attempts made through Cloison, though never an offline attack on a
    // copied header, which no counter sees) or padded (false alarms), never used to read
    // anything. The next successful unlock moves the notes into the profile vault, and each
    // compartment logs them (unlock-failed) when it next opens. Best effort, bounded; callers
    // (cloison-cli, the app) call it on WrongPassphrase.
    static void noteUnlockFailure(const std::filesystem::path& dir);
    static constexpr const char* kUnlockFailuresFile = "unlock-failures";
    ~Profile();
    Profile(const Profile&) = delete;
    Profile& operator=(const Profile&) = delete;

    const std::filesystem::path& directory() const { return m_dir; }
    bool isUnlocked() const { return !m_profileKey.empty(); }
    // Closes every vault and wipes every key from memory. The profile must be unlocked again.
    void lock();

    // The Argon2id parameters are the header's, chosen when the profile was created.
    [[nodiscard]] Result<void> changePassphrase(const SecretBytes& current,
                                                const SecretBytes& next);
    // Changes the passphrase of the slot `current` opens: a passphrase slot, or else the FIDO
    // slot of the key in `fido` (one more touch). Like LUKS key slots, other keys' slots keep
    // their passphrase until changed with their own key.
    [[nodiscard]] Result<void> changePassphrase(const SecretBytes& current, const SecretBytes& next,
                                                FidoAccess& fido);

    // Adds a slot opened by `passphrase` (the one this profile was unlocked with) together with
    // the key in `fido`. With `requireFido` the passphrase-only slots are removed, so that from
    // then on the passphrase alone no longer opens the profile: the policy requires FIDO for as
    // long as the profile has no passphrase-only slot.
    // At most ProfileHeader::kFidoKeyCount keys, each taking one of the header's slots.
    [[nodiscard]] Result<FidoSlotInfo> enrolFido(const SecretBytes& passphrase, FidoAccess& fido,
                                                 FidoVerification verification, bool requireFido);
    // Refused (PolicyRefused) for the last FIDO slot when the policy requires FIDO.
    [[nodiscard]] Result<void> removeFido(const std::string& slotId);

    [[nodiscard]] Result<std::vector<CompartmentInfo>> compartments();
    // The local id of the compartment named `name` (it names its key-event log). NotFound.
    [[nodiscard]] Result<std::string> compartmentId(const std::string& name);
    [[nodiscard]] Result<CompartmentInfo>
    addCompartment(const std::string& name, CompartmentKind kind = CompartmentKind::Real);
    // Destroys the compartment's key and overwrites its vault file before removing it.
    [[nodiscard]] Result<void> removeCompartment(const std::string& name);
    // Opened on first use and kept open until lock(); the pointer is invalid after lock() or
    // removeCompartment() of that compartment.
    [[nodiscard]] Result<storage::Vault*> compartmentVault(const std::string& name);
    // What a compartment's worker process is handed (issue 11): its vault's path and key, and
    // its id; never the profile key. The vault is opened here first, with the checks
    // compartmentVault() makes; a sealed compartment only once openSealedCompartment() has
    // opened it (else PolicyRefused, as compartmentVault()).
    struct CompartmentAccess {
        std::string id;
        std::filesystem::path vaultPath;
        SecretBytes key;
    };
    [[nodiscard]] Result<CompartmentAccess> compartmentAccess(const std::string& name);

    // Seals a compartment behind its own FIDO credential on the key in `fido` (its own
    // hmac-secret and salt): from then on unlocking the profile does not open it, and
    // compartmentVault() refuses it (PolicyRefused) until openSealedCompartment().
    [[nodiscard]] Result<void> sealCompartment(const std::string& name, FidoAccess& fido,
                                               FidoVerification verification);
    [[nodiscard]] Result<storage::Vault*> openSealedCompartment(const std::string& name,
                                                                FidoAccess& fido);

    // Duress passphrase (issue 14). Unlocking with it opens a duress session: the profile looks
    // the same, but lists and opens only the decoy compartments (reported as ordinary ones),
    // records duress-unlock in each decoy's key-event log, and writes nothing else: not the
    // header, the profile vault, the unlock-failures file nor any real compartment. Anything
    // that would write the header (passphrase, security keys, duress) fails there with
    // PolicyRefused. Setting one registers the existing decoys; decoys added or removed later
    // are kept in step. InvalidArgument when `duress` opens the profile already.
    [[nodiscard]] Result<void> setDuressPassphrase(const SecretBytes& duress);
    // Its slot and the duress vault become random again. NotFound when none is set.
    [[nodiscard]] Result<void> removeDuressPassphrase();
    [[nodiscard]] Result<bool> hasDuressPassphrase();
    // The one question for code that must tell the sessions apart. Whether a compartment
    // connects is decided from its decoy mark (a decoy never connects: its account is a
    // canary); under duress no compartment carries the mark, so the decoys connect, and their
    // canary accounts logging in is the silent alert (cloison-admin canary watch).
    bool isDuressSession() const { return m_duress; }

    // The profile vault itself, for profile-wide settings owned by other components (the
    // member's provisioning keys, the pinned organisation key). Invalid after lock().
    [[nodiscard]] Result<storage::Vault*> profileVault();

    static Result<void> validateCompartmentName(const std::string& name);

private:
    Profile(std::filesystem::path dir, SecretBytes profileKey, bool duress = false);
    static Result<std::unique_ptr<Profile>>
    unlockWith(const std::filesystem::path& dir, const SecretBytes& passphrase, FidoAccess* fido);
    // The header as last written by this profile (MAC checked); refused under duress and for a
    // format-1 header that could not be upgraded.
    Result<ProfileHeader> readAuthenticHeader() const;
    // The same, with `passphrase` through the header's Argon2id.
    Result<std::pair<ProfileHeader, SecretBytes>>
    readAuthenticHeader(const SecretBytes& passphrase) const;
    Result<void> writeHeader(const ProfileHeader& header);
    // Which slot holds what, kept in the profile vault (the header cannot say): "-" unused,
    // "p" passphrase, "d" duress, "f:ID" the security key ID, "?" in use by something unknown.
    Result<std::vector<std::string>> slotRoles();
    Result<void> setSlotRoles(const std::vector<std::string>& roles);
    Result<std::size_t> freeSlot();
    // Upgrades a format-1 header whose only slot this unlock opened.
    Result<void> upgradeHeader(const LegacyProfileHeader& legacy, const SecretBytes& passphrase,
                               const SecretBytes& fidoSecret);
    Result<std::optional<SecretBytes>> duressKey();
    Result<std::unique_ptr<storage::Vault>> openDuressVault(const SecretBytes& duressKey);
    // Keeps the duress vault's list of decoys in step with the profile vault's.
    Result<void> registerDecoy(const storage::CompartmentRecord& record, const SecretBytes& key);
    Result<void> forgetDecoy(const std::string& id);
    Result<void> recordDuressUnlock();
    void rememberPassphrase(const SecretBytes& passphrase);
    bool isRememberedPassphrase(const SecretBytes& passphrase) const;
    SecretBytes headerMacKey() const;
    Result<void> changePassphraseWith(const SecretBytes& current, const SecretBytes& next,
                                      FidoAccess* fido);
    Result<storage::Vault*> openCompartmentVault(const std::string& id, const std::string& name,
                                                 const SecretBytes& key);
    SecretBytes compartmentWrapKey() const;
    static Bytes compartmentBinding(const std::string& id);
    // Where each compartment's key-event log stood when last used, kept in the profile vault:
    // a vault whose log no longer reaches that point, or reaches it by another path, is an
    // older copy put back (to undo a revocation or hide an event) and is refused.
    Result<void> checkLogNotRolledBack(const std::string& id, const std::string& name,
                                       storage::Vault& vault);
    Result<void> rememberLogHead(const std::string& id, storage::Vault& vault);
    // At unlock: the failures noted since the last one, moved into the profile vault.
    Result<void> collectUnlockFailures();
    // At a compartment's open: the failures its log has not recorded yet, recorded.
    Result<void> recordUnlockFailures(const std::string& id, storage::Vault& vault);
    // At a compartment's creation: the failures before it are not its own.
    Result<void> markUnlockFailuresSeen(const std::string& id);
    Result<void> openProfileVault(bool create);
    Result<void> requireUnlocked() const;
    SecretBytes subkey(std::uint64_t id) const;
    std::filesystem::path compartmentPath(const std::string& id) const;
    // A profile-wide key event (a security key enrolled or removed) goes into the log of every
    // compartment that is open to the profile key; sealed ones are passed over.
    Result<void> recordInEveryLog(const std::string& type, const std::string& subject,
                                  const std::string& details);

    std::filesystem::path m_dir;
    SecretBytes m_profileKey; // under duress: the duress key
    bool m_duress = false;
    Bytes m_passphraseCheck; // keyed hash of the passphrase last proven, to confirm enrolments
    std::unique_ptr<storage::Vault> m_profileVault;
    std::map<std::string, std::unique_ptr<storage::Vault>> m_openCompartments; // by id
    // By id: the keys of sealed compartments opened by their touch, kept until lock() for
    // compartmentAccess(): the touch cannot be asked for again when a worker restarts.
    std::map<std::string, SecretBytes> m_sealedKeys;
};

} // namespace cloison
