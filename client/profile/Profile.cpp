#include "client/profile/Profile.h"

#include "client/audit/KeyEventLog.h"
#include "client/profile/FidoSlots.h"
#include "client/profile/ProfileHeader.h"
#include "client/profile/ProfileInternal.h"
#include "client/provisioning/Retention.h"
#include "crypto/Aead.h"
#include "crypto/AtomicFile.h"
#include "crypto/Hash.h"
#include "storage/DocumentRepository.h"
#include "storage/KeyEventRepository.h"
#include "storage/ProfileRepository.h"
#include "storage/Schemas.h"
#include "storage/SettingsRepository.h"

#include <sodium.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <optional>

namespace cloison {
namespace profile_detail {

Bytes compartmentKeyBinding(const std::string& id) {
    const std::string label = "cloison/compartment-key/v1/" + id;
    return Bytes(label.begin(), label.end());
}

bool findSlot(const ProfileHeader& header, const SecretBytes& slotKey, const FidoKeyRecord* fidoKey,
              OpenedSlot& out) {
    for (std::size_t i = 0; i < ProfileHeader::kSlotCount; ++i) {
        auto opened = header.open(i, slotKey, fidoKey);
        if (!opened)
            continue;
        out.index = i;
        out.content = opened.value().first;
        out.key = std::move(opened.value().second);
        return true;
    }
    return false;
}

Result<OpenedSlot> openSlot(const ProfileHeader& header, const SecretBytes& stretched,
                            FidoAccess* fido) {
    OpenedSlot out;
    if (findSlot(header, ProfileHeader::slotKey(stretched, nullptr), nullptr, out))
        return out;
    if (header.fidoKeys.empty())
        return makeError(ErrorCode::WrongPassphrase, "the passphrase is wrong");
    if (fido == nullptr)
        return makeError(ErrorCode::NoAuthenticator,
                         "this profile needs its FIDO security key as well as the passphrase");
    auto held = fidoSecretOfHeldKey(header.fidoKeys, *fido);
    if (!held)
        return held.error();
    const FidoKeyRecord& record = header.fidoKeys[held.value().first];
    if (!findSlot(header, ProfileHeader::slotKey(stretched, &held.value().second), &record, out))
        return makeError(ErrorCode::WrongPassphrase,
                         "the passphrase is wrong (the security key was accepted)");
    out.fidoKey = held.value().first;
    out.fidoSecret = std::move(held.value().second);
    return out;
}

Result<void> writeSpareVault(const std::filesystem::path& path) {
    if (auto destroyed = storage::destroyVaultFiles(path); !destroyed)
        return destroyed;
    auto vault =
        storage::Vault::create(path, SecretBytes::random(kKeyBytes), storage::profileSchema());
    if (!vault)
        return vault.error();
    return vault.value()->checkpoint();
}

} // namespace profile_detail

namespace {

using namespace profile_detail;

Result<void> makePrivateDirectory(const std::filesystem::path& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec)
        return makeError(ErrorCode::Io, "cannot create " + dir.string() + ": " + ec.message());
    if (::chmod(dir.c_str(), 0700) != 0)
        return makeError(ErrorCode::Io, "cannot restrict permissions of " + dir.string());
    return {};
}

// The index of the format-1 slot `passphrase` opens, with the profile key it unwraps.
Result<std::pair<std::size_t, SecretBytes>> openLegacySlot(const LegacyProfileHeader& header,
                                                           const SecretBytes& passphrase) {
    for (std::size_t i = 0; i < header.passphraseSlots.size(); ++i) {
        const PassphraseSlot& slot = header.passphraseSlots[i];
        auto kek = deriveArgon2id(passphrase, slot.salt, slot.params);
        if (!kek)
            return kek.error();
        auto key = unwrapKey(kek.value(), slot.wrappedKey, LegacyProfileHeader::slotBinding(slot));
        if (key)
            return std::pair<std::size_t, SecretBytes>(i, std::move(key.value()));
    }
    return makeError(ErrorCode::WrongPassphrase, "the passphrase is wrong");
}

std::int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string logHeadSetting(const std::string& id) {
    return "compartment." + id + ".log-head";
}

constexpr std::size_t kSeqBytes = 8;

Bytes encodeLogHead(std::int64_t seq, ByteView hash) {
    Bytes out(kSeqBytes);
    for (std::size_t i = 0; i < kSeqBytes; ++i)
        out[i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(seq) >> (8 * (7 - i)));
    out.insert(out.end(), hash.begin(), hash.end());
    return out;
}

// Failed unlocks: at most this many are kept, in the unauthenticated file and in the profile
// vault; older ones are counted, not itemised.
constexpr std::size_t kMaxUnlockFailures = 256;
constexpr const char* kUnlockFailuresSetting = "audit.unlock-failures"; // lines "INDEX TIME_MS"

std::string unlockFailuresSeenSetting(const std::string& id) {
    return "compartment." + id + ".unlock-failures-seen";
}

std::optional<std::int64_t> parseDecimal(std::string_view text) {
    if (text.empty() || text.size() > 18)
        return std::nullopt;
    std::int64_t out = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        out = out * 10 + (c - '0');
    }
    return out;
}

// Lines of decimal numbers separated by spaces; lines out of form are passed over (the
// unauthenticated file is only ever a hint).
std::vector<std::vector<std::int64_t>> parseNumberLines(std::string_view text) {
    std::vector<std::vector<std::int64_t>> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        std::vector<std::int64_t> numbers;
        bool valid = !line.empty();
        while (valid && !line.empty()) {
            const auto space = line.find(' ');
            auto number = parseDecimal(line.substr(0, space));
            valid = number.has_value();
            if (valid)
                numbers.push_back(*number);
            line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
        }
        if (valid)
            lines.push_back(std::move(numbers));
        if (end == std::string_view::npos)
            break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

// The failures held in the profile vault: (index, time) pairs, oldest first.
Result<std::vector<std::pair<std::int64_t, std::int64_t>>>
storedUnlockFailures(storage::Vault& profileVault) {
    auto stored = storage::SettingsRepository(profileVault).get(kUnlockFailuresSetting);
    if (!stored)
        return stored.error();
    std::vector<std::pair<std::int64_t, std::int64_t>> out;
    if (!stored.value())
        return out;
    const std::string text(stored.value()->begin(), stored.value()->end());
    for (const auto& numbers : parseNumberLines(text))
        if (numbers.size() == 2)
            out.emplace_back(numbers[0], numbers[1]);
    return out;
}

} // namespace

void Profile::noteUnlockFailure(const std::filesystem::path& dir) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(dir / kHeaderFile, error))
        return; // not a profile: nothing to note
    const auto path = dir / kUnlockFailuresFile;
    auto previous = readFileLimited(path, 64 * 1024);
    std::vector<std::int64_t> times;
    if (previous)
        for (const auto& numbers : parseNumberLines(previous.value()))
            if (numbers.size() == 1)
                times.push_back(numbers[0]);
    times.push_back(audit::KeyEventLog::nowMs());
    if (times.size() > kMaxUnlockFailures)
        times.erase(times.begin(), times.end() - kMaxUnlockFailures);
    std::string text;
    for (std::int64_t t : times)
        text += std::to_string(t) + "\n";
    (void)writeFileAtomically(path, asBytes(text));
}

Result<void> Profile::collectUnlockFailures() {
    const auto path = m_dir / kUnlockFailuresFile;
    std::error_code error;
    if (!std::filesystem::exists(path, error))
        return {};
    auto noted = readFileLimited(path, 64 * 1024);
    std::vector<std::int64_t> times;
    if (noted) {
        for (const auto& numbers : parseNumberLines(noted.value()))
            if (numbers.size() == 1)
                times.push_back(numbers[0]);
    } else {
        times.push_back(audit::KeyEventLog::nowMs()); // unreadable: at least one failure
    }
    auto held = storedUnlockFailures(*m_profileVault);
    if (!held)
        return held.error();
    auto all = held.value();
    std::int64_t next = all.empty() ? 1 : all.back().first + 1;
    for (std::int64_t t : times)
        all.emplace_back(next++, t);
    if (all.size() > kMaxUnlockFailures)
        all.erase(all.begin(), all.end() - kMaxUnlockFailures);
    std::string text;
    for (const auto& [index, t] : all)
        text += std::to_string(index) + " " + std::to_string(t) + "\n";
    if (auto put =
            storage::SettingsRepository(*m_profileVault).put(kUnlockFailuresSetting, asBytes(text));
        !put)
        return put;
    // Only once they are in the vault: a crash in between notes them twice, never not at all.
    std::filesystem::remove(path, error);
    return {};
}

Result<void> Profile::markUnlockFailuresSeen(const std::string& id) {
    auto held = storedUnlockFailures(*m_profileVault);
    if (!held)
        return held.error();
    const std::int64_t last = held.value().empty() ? 0 : held.value().back().first;
    return storage::SettingsRepository(*m_profileVault)
        .put(unlockFailuresSeenSetting(id), asBytes(std::to_string(last)));
}

Result<void> Profile::recordUnlockFailures(const std::string& id, storage::Vault& vault) {
    auto held = storedUnlockFailures(*m_profileVault);
    if (!held)
        return held.error();
    if (held.value().empty())
        return {};
    storage::SettingsRepository settings(*m_profileVault);
    auto seenText = settings.get(unlockFailuresSeenSetting(id));
    if (!seenText)
        return seenText.error();
    std::int64_t seen = 0;
    if (seenText.value())
        seen = parseDecimal(std::string(seenText.value()->begin(), seenText.value()->end()))
                   .value_or(0);
    const auto& failures = held.value();
    if (failures.back().first <= seen)
        return {};
    auto log = audit::KeyEventLog::open(vault, id);
    if (!log)
        return log.error();
    auto recorded = vault.transaction([&]() -> Result<void> {
        if (failures.front().first > seen + 1) {
            const std::int64_t lost = failures.front().first - seen - 1;
            if (auto r = log.value().record(audit::event::kUnlockFailed, "profile", {},
                                            std::to_string(lost) +
                                                " earlier failed unlocks, no longer itemised");
                !r)
                return r.error();
        }
        for (const auto& [index, timeMs] : failures) {
            if (index <= seen)
                continue;
            // The entry is written now; when the attempt was made is in its details.
            if (auto r = log.value().record(audit::event::kUnlockFailed, "profile", {},
                                            "wrong passphrase at-ms=" + std::to_string(timeMs) +
                                                " (" + audit::formatUtc(timeMs) + ")");
                !r)
                return r.error();
        }
        return {};
    });
    if (!recorded)
        return recorded;
    return settings.put(unlockFailuresSeenSetting(id),
                        asBytes(std::to_string(failures.back().first)));
}

Profile::Profile(std::filesystem::path dir, SecretBytes profileKey, bool duress)
    : m_dir(std::move(dir)), m_profileKey(std::move(profileKey)), m_duress(duress) {}

Profile::~Profile() {
    lock();
}

SecretBytes Profile::subkey(std::uint64_t id) const {
    return deriveSubkey(m_profileKey, kProfileContext, id);
}

std::filesystem::path Profile::compartmentPath(const std::string& id) const {
    return m_dir / kCompartmentDir / (id + ".db");
}

Result<void> Profile::requireUnlocked() const {
    if (!isUnlocked())
        return makeError(ErrorCode::InvalidArgument, "the profile is locked");
    return {};
}

Result<void> Profile::openProfileVault(bool create) {
    const auto path = m_dir / (m_duress ? kDuressVaultFile : kVaultFile);
    const SecretBytes key = subkey(kProfileVaultKey);
    auto vault = create ? storage::Vault::create(path, key, storage::profileSchema())
                        : storage::Vault::open(path, key, storage::profileSchema());
    if (!vault) {
        // The key came out of an authenticated slot, so a refusal means the file is damaged.
        if (vault.error().code == ErrorCode::WrongKey || vault.error().code == ErrorCode::NotFound)
            return makeError(ErrorCode::Corrupted,
                             "the profile vault is damaged or missing: " + vault.error().message);
        return vault.error();
    }
    m_profileVault = std::move(vault.value());
    return {};
}

Result<std::unique_ptr<Profile>> Profile::create(const std::filesystem::path& dir,
                                                 const SecretBytes& passphrase,
                                                 const Argon2idParams& params) {
    if (passphrase.empty())
        return makeError(ErrorCode::InvalidArgument, "the passphrase must not be empty");
    std::error_code ec;
    if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec))
        return makeError(ErrorCode::AlreadyExists,
                         dir.string() + " is not empty; a profile is created in a new directory");
    if (auto made = makePrivateDirectory(dir / kCompartmentDir); !made)
        return made.error();
    if (::chmod(dir.c_str(), 0700) != 0)
        return makeError(ErrorCode::Io, "cannot restrict permissions of " + dir.string());

    std::unique_ptr<Profile> profile(new Profile(dir, SecretBytes::random(kKeyBytes)));
    ProfileHeader header = ProfileHeader::fresh(params);
    auto stretched = header.stretch(passphrase);
    if (!stretched)
        return stretched.error();
    // Any slot: none is special, and which one is used says nothing.
    const std::size_t index = randombytes_uniform(ProfileHeader::kSlotCount);
    header.seal(index, ProfileHeader::slotKey(stretched.value(), nullptr), SlotContent::ProfileKey,
                profile->m_profileKey, nullptr);
    if (auto opened = profile->openProfileVault(true); !opened)
        return opened.error();
    std::vector<std::string> roles(ProfileHeader::kSlotCount, "-");
    roles[index] = "p";
    if (auto set = profile->setSlotRoles(roles); !set)
        return set.error();
    if (auto spare = writeSpareVault(dir / kDuressVaultFile); !spare)
        return spare.error();
    // The header is written last: a profile without one was never finished.
    if (auto written = profile->writeHeader(header); !written)
        return written.error();
    profile->rememberPassphrase(passphrase);
    return profile;
}

Result<std::unique_ptr<Profile>> Profile::unlock(const std::filesystem::path& dir,
                                                 const SecretBytes& passphrase) {
    return unlockWith(dir, passphrase, nullptr);
}

Result<std::unique_ptr<Profile>> Profile::unlock(const std::filesystem::path& dir,
                                                 const SecretBytes& passphrase, FidoAccess& fido) {
    return unlockWith(dir, passphrase, &fido);
}

Result<std::unique_ptr<Profile>> Profile::unlockWith(const std::filesystem::path& dir,
                                                     const SecretBytes& passphrase,
                                                     FidoAccess* fido) {
    auto header = readProfileHeader(dir / kHeaderFile);
    if (!header)
        return header.error();
    SecretBytes profileKey;
    bool duress = false;
    SecretBytes fidoSecret; // of a format-1 FIDO slot, to upgrade it
    if (const auto& legacy = header.value().legacy) {
        auto opened = openLegacySlot(*legacy, passphrase);
        if (!opened && opened.error().code == ErrorCode::WrongPassphrase &&
            !legacy->fidoSlots.empty()) {
            if (fido == nullptr)
                return makeError(
                    ErrorCode::NoAuthenticator,
                    "this profile needs its FIDO security key as well as the passphrase");
            opened = openFidoSlots(
                legacy->fidoSlots, passphrase, *fido,
                [](const FidoSlot&) { return LegacyProfileHeader::fidoSlotBinding(); },
                &fidoSecret);
        }
        if (!opened)
            return opened.error();
        profileKey = std::move(opened.value().second);
    } else {
        auto stretched = header.value().stretch(passphrase);
        if (!stretched)
            return stretched.error();
        auto opened = openSlot(header.value(), stretched.value(), fido);
        if (!opened)
            return opened.error();
        duress = opened.value().content == SlotContent::DuressKey;
        profileKey = std::move(opened.value().key);
    }
    std::unique_ptr<Profile> profile(new Profile(dir, std::move(profileKey), duress));
    // A duress session has no profile key to check the MAC with, and needs none: it trusts
    // nothing in the header but its own sealed slot, and writes nothing back.
    if (!duress && !header.value().macMatches(profile->subkey(kHeaderMacKey)))
        return makeError(ErrorCode::Corrupted,
                         "the profile header was modified (its authentication code does not "
                         "match); restore it from a backup or ask your admin for recovery");
    if (auto vault = profile->openProfileVault(false); !vault)
        return vault.error();
    profile->rememberPassphrase(passphrase);
    if (duress) {
        if (auto recorded = profile->recordDuressUnlock(); !recorded)
            return recorded.error();
        return profile;
    }
    // Best effort: notes not collected now stay in their file for the next unlock.
    (void)profile->collectUnlockFailures();
    // Best effort too: a header not upgraded now still opens, and is upgraded next time.
    if (header.value().legacy)
        (void)profile->upgradeHeader(*header.value().legacy, passphrase, fidoSecret);
    return profile;
}

Result<void> Profile::upgradeHeader(const LegacyProfileHeader& legacy,
                                    const SecretBytes& passphrase, const SecretBytes& fidoSecret) {
    // Only the slot this unlock opened can be sealed again: another passphrase's or another
    // key's slot would be lost.
    if (legacy.passphraseSlots.size() + legacy.fidoSlots.size() != 1)
        return makeError(ErrorCode::PolicyRefused,
                         "a format-1 header with several slots is kept as it is");
    const bool viaFido = !legacy.fidoSlots.empty();
    ProfileHeader header = ProfileHeader::fresh(viaFido ? legacy.fidoSlots[0].params
                                                        : legacy.passphraseSlots[0].params);
    std::optional<FidoKeyRecord> record;
    if (viaFido) {
        const FidoSlot& slot = legacy.fidoSlots[0];
        if (slot.credentialId.size() > ProfileHeader::kMaxCredentialIdBytes ||
            slot.rpId.size() > ProfileHeader::kMaxRpIdBytes)
            return makeError(ErrorCode::PolicyRefused, "the credential does not fit format 2");
        record =
            header.addFidoKey({slot.verification, slot.fidoSalt, slot.credentialId, slot.rpId});
    }
    auto stretched = header.stretch(passphrase);
    if (!stretched)
        return stretched.error();
    const std::size_t index = randombytes_uniform(ProfileHeader::kSlotCount);
    header.seal(index, ProfileHeader::slotKey(stretched.value(), viaFido ? &fidoSecret : nullptr),
                SlotContent::ProfileKey, m_profileKey, record ? &*record : nullptr);
    std::vector<std::string> roles(ProfileHeader::kSlotCount, "-");
    roles[index] = viaFido ? "f:" + record->id() : "p";
    if (auto set = setSlotRoles(roles); !set)
        return set;
    std::error_code error;
    if (!std::filesystem::exists(m_dir / kDuressVaultFile, error))
        if (auto spare = writeSpareVault(m_dir / kDuressVaultFile); !spare)
            return spare;
    return writeHeader(header);
}

void Profile::rememberPassphrase(const SecretBytes& passphrase) {
    m_passphraseCheck = blake2bMac(subkey(kPassphraseCheckKey), passphrase.view());
}

bool Profile::isRememberedPassphrase(const SecretBytes& passphrase) const {
    return equalConstantTime(blake2bMac(subkey(kPassphraseCheckKey), passphrase.view()),
                             m_passphraseCheck);
}

SecretBytes Profile::headerMacKey() const {
    return subkey(kHeaderMacKey);
}

void Profile::lock() {
    for (auto& [id, vault] : m_openCompartments) {
        // Best effort: a head not remembered now is remembered at the next open, and an older
        // remembered head only makes the check weaker, never wrong.
        (void)rememberLogHead(id, *vault);
    }
    m_openCompartments.clear();
    m_sealedKeys.clear();
    m_profileVault.reset();
    m_profileKey.wipe();
    m_passphraseCheck.clear();
}

Result<void> Profile::changePassphrase(const SecretBytes& current, const SecretBytes& next) {
    return changePassphraseWith(current, next, nullptr);
}

Result<void> Profile::changePassphrase(const SecretBytes& current, const SecretBytes& next,
                                       FidoAccess& fido) {
    return changePassphraseWith(current, next, &fido);
}

Result<void> Profile::changePassphraseWith(const SecretBytes& current, const SecretBytes& next,
                                           FidoAccess* fido) {
    if (auto unlocked = requireUnlocked(); !unlocked)
        return unlocked;
    if (next.empty())
        return makeError(ErrorCode::InvalidArgument, "the new passphrase must not be empty");
    auto read = readAuthenticHeader(current);
    if (!read)
        return read.error();
    ProfileHeader& header = read.value().first;
    const SecretBytes& stretched = read.value().second;
    auto opened = openSlot(header, stretched, fido);
    if (!opened)
        return opened.error();
    if (opened.value().content == SlotContent::DuressKey)
        return makeError(ErrorCode::InvalidArgument,
                         "that is the duress passphrase; change it with cloison-cli duress set");
    if (!opened.value().key.equals(m_profileKey))
        return makeError(ErrorCode::Corrupted, "the profile header belongs to another profile");
    auto nextStretched = header.stretch(next);
    if (!nextStretched)
        return nextStretched.error();
    const SecretBytes nextKey = ProfileHeader::slotKey(nextStretched.value(), nullptr);
    OpenedSlot clash;
    // Two slots opened by one passphrase would make the unlock pick one by position.
    if (!opened.value().fidoKey && findSlot(header, nextKey, nullptr, clash) &&
        clash.index != opened.value().index)
        return makeError(ErrorCode::InvalidArgument,
                         "the new passphrase already opens this profile (or is its duress "
                         "passphrase); choose another");
    const FidoKeyRecord* record =
        opened.value().fidoKey ? &header.fidoKeys[*opened.value().fidoKey] : nullptr;
    const SecretBytes sealKey =
        record ? ProfileHeader::slotKey(nextStretched.value(), &opened.value().fidoSecret)
               : nextKey.copy();
    header.seal(opened.value().index, sealKey, SlotContent::ProfileKey, m_profileKey, record);
    if (auto written = writeHeader(header); !written)
        return written;
    rememberPassphrase(next);
    return {};
}

Result<storage::Vault*> Profile::profileVault() {
    if (auto unlocked = requireUnlocked(); !unlocked)
        return unlocked.error();
    return m_profileVault.get();
}

Result<void> Profile::validateCompartmentName(const std::string& name) {
    if (name.empty() || name.size() > 64)
        return makeError(ErrorCode::InvalidArgument,
                         "a compartment name has 1 to 64 bytes of text");
    for (unsigned char c : name) {
        if (c < 0x20 || c == 0x7f)
            return makeError(ErrorCode::InvalidArgument,
                             "a compartment name must not contain control characters");
    }
    return {};
}

Result<std::vector<CompartmentInfo>> Profile::compartments() {
    if (auto unlocked = requireUnlocked(); !unlocked)
        return unlocked.error();
    auto records = storage::ProfileRepository(*m_profileVault).compartments();
    if (!records)
        return records.error();
    std::vector<CompartmentInfo> out;
    for (const auto& record : records.value())
        out.push_back({record.id, record.name, record.createdAt, record.sealed, record.decoy});
    return out;
}

Result<std::string> Profile::compartmentId(const std::string& name) {
    auto list = compartments();
    if (!list)
        return list.error();
    for (const CompartmentInfo& info : list.value())
        if (info.name == name)
            return info.id;
    return makeError(ErrorCode::NotFound, "no compartment named \"" + name + "\"");
}

Result<CompartmentInfo> Profile::addCompartment(const std::string& name, CompartmentKind kind) {
    if (auto unlocked = requireUnlocked(); !unlocked)
        return unlocked.error();
    if (auto valid = validateCompartmentName(name); !valid)
        return valid.error();
    storage::ProfileRepository repository(*m_profileVault);
    auto existing = repository.compartmentNamed(name);
    if (!existing)
        return existing.error();
    if (existing.value())
        return makeError(ErrorCode::AlreadyExists,
                         "a compartment named \"" + name + "\" already exists");

    const bool decoy = kind == CompartmentKind::Decoy;
    storage::CompartmentRecord record{randomId(), name, {}, nowSeconds(), false, {}, decoy};
    const SecretBytes compartmentKey = SecretBytes::random(kKeyBytes);
    record.wrappedKey =
        wrapKey(subkey(kCompartmentWrapKey), compartmentKey, compartmentKeyBinding(record.id));
    const auto path = compartmentPath(record.id);
    auto vault = storage::Vault::create(path, compartmentKey, storage::compartmentSchema());
    if (!vault)
        return vault.error();
    // The compartment's key-event log starts with the compartment.
    auto log = audit::KeyEventLog::open(*vault.value(), record.id);
    auto inserted = log ? repository.insertCompartment(record) : Result<void>(log.error());
    if (!inserted) {
        vault.value().reset();
        (void)storage::destroyVaultFiles(path);
        return inserted.error();
    }
    if (auto remembered = rememberLogHead(record.id, *vault.value()); !remembered)
        return remembered.error();
    if (auto seen = markUnlockFailuresSeen(record.id); !seen)
        return seen.error();
    if (decoy)
        if (auto registered = registerDecoy(record, compartmentKey); !registered)
            return registered.error();
    m_openCompartments[record.id] = std::move(vault.value());
    return CompartmentInfo{record.id, record.name, record.createdAt, false, decoy};
}

Result<void> Profile::removeCompartment(const std::string& name) {
    if (auto unlocked = requireUnlocked(); !unlocked)
        return unlocked;
    storage::ProfileRepository repository(*m_profileVault);
    auto record = repository.compartmentNamed(name);
    if (!record)
        return record.error();
    if (!record.value())
        return makeError(ErrorCode::NotFound, "no compartment named \"" + name + "\"");
    const std::string id = record.value()->id;
    m_openCompartments.erase(id);
    m_sealedKeys.erase(id);
    if (record.value()->decoy)
        if (auto forgotten = forgetDecoy(id); !forgotten)
            return forgotten;
    if (auto removed = repository.removeCompartment(id); !removed)
        return removed;
    if (auto forgotten = storage::SettingsRepository(*m_profileVault).remove(logHeadSetting(id));
        !forgotten)
        return forgotten;
    // With secure_delete the wrapped key's bytes are zeroed in the vault; the checkpoint also
    // clears them out of the write-ahead log.
    if (auto flushed = m_profileVault->checkpoint(); !flushed)
        return flushed;
    if (auto destroyed = storage::destroyVaultFiles(compartmentPath(id)); !destroyed)
        return destroyed;
    // Its documents' files were sealed under keys that lived only in that vault: noise now,
    // and removed with it.
    std::error_code ignored;
    std::filesystem::remove_all(storage::documentsDirOf(compartmentPath(id)), ignored);
    return {};
}

Result<storage::Vault*> Profile::compartmentVault(const std::string& name) {
    if (auto unlocked = requireUnlocked(); !unlocked)
        return unlocked.error();
    auto record = storage::ProfileRepository(*m_profileVault).compartmentNamed(name);
    if (!record)
        return record.error();
    if (!record.value())
        return makeError(ErrorCode::NotFound, "no compartment named \"" + name + "\"");
    const std::string& id = record.value()->id;
    if (auto open = m_openCompartments.find(id); open != m_openCompartments.end())
        return open->second.get();
    if (record.value()->sealed)
        return makeError(ErrorCode::PolicyRefused,
                         "compartment \"" + name +
                             "\" is sealed: it opens only with its own security key touch");

    auto key = unwrapKey(subkey(kCompartmentWrapKey), record.value()->wrappedKey,
                         compartmentKeyBinding(id));
    if (!key)
        return makeError(ErrorCode::Corrupted,
                         "the stored key of compartment \"" + name + "\" is damaged");
    return openCompartmentVault(id, name, key.value());
}

Result<Profile::CompartmentAccess> Profile::compartmentAccess(const std::string& name) {
    auto vault = compartmentVault(name); // refuses a sealed one not opened by its touch
    if (!vault)
        return vault.error();
    auto record = storage::ProfileRepository(*m_profileVault).compartmentNamed(name);
    if (!record || !record.value())
        return record ? makeError(ErrorCode::NotFound, "no compartment named \"" + name + "\"")
                      : record.error();
    const std::string& id = record.value()->id;
    if (record.value()->sealed) {
        auto kept = m_sealedKeys.find(id);
        if (kept == m_sealedKeys.end())
            return makeError(ErrorCode::PolicyRefused,
                             "compartment \"" + name +
                                 "\" is sealed: it opens only with its own security key touch");
        return CompartmentAccess{id, compartmentPath(id), kept->second.copy()};
    }
    auto key = unwrapKey(subkey(kCompartmentWrapKey), record.value()->wrappedKey,
                         compartmentKeyBinding(id));
    if (!key)
        return makeError(ErrorCode::Corrupted,
                         "the stored key of compartment \"" + name + "\" is damaged");
    return CompartmentAccess{id, compartmentPath(id), std::move(key.value())};
}

Result<storage::Vault*> Profile::openCompartmentVault(const std::string& id,
                                                      const std::string& name,
                                                      const SecretBytes& key) {
    auto vault = storage::Vault::open(compartmentPath(id), key, storage::compartmentSchema());
    if (!vault) {
        if (vault.error().code == ErrorCode::WrongKey || vault.error().code == ErrorCode::NotFound)
            return makeError(ErrorCode::Corrupted, "the vault of compartment \"" + name +
                                                       "\" is damaged, missing or replaced");
        if (vault.error().code == ErrorCode::Corrupted)
            return makeError(ErrorCode::Corrupted, "the vault of compartment \"" + name +
                                                       "\" is damaged: " + vault.error().message);
        return vault.error();
    }
    if (auto current = checkLogNotRolledBack(id, name, *vault.value()); !current)
        return current.error();
    // The retention policy is applied whenever the vault is opened: what is not kept cannot
    // leak from a stolen laptop even if nobody asked for a purge.
    if (auto purged = provisioning::applyRetention(*vault.value(), id, audit::KeyEventLog::nowMs());
        !purged)
        return purged.error();
    if (auto failures = recordUnlockFailures(id, *vault.value()); !failures)
        return failures.error();
    if (auto remembered = rememberLogHead(id, *vault.value()); !remembered)
        return remembered.error();
    storage::Vault* raw = vault.value().get();
    m_openCompartments[id] = std::move(vault.value());
    return raw;
}

Result<void> Profile::checkLogNotRolledBack(const std::string& id, const std::string& name,
                                            storage::Vault& vault) {
    auto remembered = storage::SettingsRepository(*m_profileVault).get(logHeadSetting(id));
    if (!remembered)
        return remembered.error();
    if (!remembered.value())
        return {};
    const Bytes& value = *remembered.value();
    if (value.size() <= kSeqBytes)
        return makeError(ErrorCode::Corrupted,
                         "the profile's record of compartment \"" + name + "\" is damaged");
    std::uint64_t seq = 0;
    for (std::size_t i = 0; i < kSeqBytes; ++i)
        seq = (seq << 8) | value[i];
    const ByteView hash = ByteView(value).subspan(kSeqBytes);
    auto entry = storage::KeyEventRepository(vault).at(static_cast<std::int64_t>(seq));
    if (!entry)
        return entry.error();
    if (!entry.value())
        return makeError(ErrorCode::Corrupted,
                         "the vault of compartment \"" + name +
                             "\" is an older copy: its key-event log ends before entry " +
                             std::to_string(seq) + ", which this profile has already seen");
    if (!equalConstantTime(entry.value()->hash, hash))
        return makeError(ErrorCode::Corrupted, "the vault of compartment \"" + name +
                                                   "\" has a rewritten key-event log: entry " +
                                                   std::to_string(seq) +
                                                   " differs from the one this profile saw");
    return {};
}

Result<void> Profile::rememberLogHead(const std::string& id, storage::Vault& vault) {
    auto last = storage::KeyEventRepository(vault).last();
    if (!last)
        return last.error();
    if (!last.value())
        return {};
    const Bytes head = encodeLogHead(last.value()->seq, last.value()->hash);
    storage::SettingsRepository settings(*m_profileVault);
    auto remembered = settings.get(logHeadSetting(id));
    if (!remembered)
        return remembered.error();
    if (remembered.value() && *remembered.value() == head)
        return {};
    return settings.put(logHeadSetting(id), head);
}

SecretBytes Profile::compartmentWrapKey() const {
    return subkey(kCompartmentWrapKey);
}

Bytes Profile::compartmentBinding(const std::string& id) {
    return compartmentKeyBinding(id);
}

} // namespace cloison
