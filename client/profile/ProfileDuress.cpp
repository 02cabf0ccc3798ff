// The duress passphrase (issue 14): its slot, the duress vault that lists the decoys, and the
// record of which header slot holds what. Kept apart from Profile.cpp like ProfileFido.cpp.
#include "client/profile/Profile.h"

#include "client/audit/KeyEventLog.h"
#include "client/profile/ProfileHeader.h"
#include "client/profile/ProfileInternal.h"
#include "crypto/Aead.h"
#include "storage/ProfileRepository.h"
#include "storage/Schemas.h"
#include "storage/SettingsRepository.h"

#include <sodium.h>

#include <algorithm>

namespace cloison {
namespace {

using namespace profile_detail;

constexpr const char* kSlotRolesSetting = "header.slot-roles";
constexpr const char* kDuressKeySetting = "duress.key";

} // namespace

Result<std::vector<std::string>> Profile::slotRoles() {
    auto stored = storage::SettingsRepository(*m_profileVault).get(kSlotRolesSetting);
    if (!stored)
        return stored.error();
    std::vector<std::string> roles;
    if (stored.value()) {
        std::string_view text(reinterpret_cast<const char*>(stored.value()->data()),
                              stored.value()->size());
        while (!text.empty()) {
            const auto space = text.find(' ');
            roles.emplace_back(text.substr(0, space));
            text = space == std::string_view::npos ? std::string_view() : text.substr(space + 1);
        }
    }
    // Unknown (e.g. a profile vault restored from before format 2): in use, never overwritten.
    if (roles.size() != ProfileHeader::kSlotCount)
        roles.assign(ProfileHeader::kSlotCount, "?");
    return roles;
}

Result<void> Profile::setSlotRoles(const std::vector<std::string>& roles) {
    std::string text;
    for (const std::string& role : roles)
        text += (text.empty() ? "" : " ") + role;
    return storage::SettingsRepository(*m_profileVault).put(kSlotRolesSetting, asBytes(text));
}

Result<std::size_t> Profile::freeSlot() {
    auto roles = slotRoles();
    if (!roles)
        return roles.error();
    std::vector<std::size_t> free;
    for (std::size_t i = 0; i < roles.value().size(); ++i)
        if (roles.value()[i] == "-")
            free.push_back(i);
    if (free.empty())
        return makeError(ErrorCode::PolicyRefused,
                         "all " + std::to_string(ProfileHeader::kSlotCount) +
                             " key slots of the profile header are in use; remove one first");
    return free[randombytes_uniform(static_cast<std::uint32_t>(free.size()))];
}

Result<std::optional<SecretBytes>> Profile::duressKey() {
    auto stored = storage::SettingsRepository(*m_profileVault).get(kDuressKeySetting);
    if (!stored)
        return stored.error();
    if (!stored.value())
        return std::optional<SecretBytes>();
    if (stored.value()->size() != kKeyBytes)
        return makeError(ErrorCode::Corrupted, "the profile's duress key is damaged");
    return std::optional<SecretBytes>(SecretBytes::copyOf(*stored.value()));
}

Result<std::unique_ptr<storage::Vault>> Profile::openDuressVault(const SecretBytes& duressKey) {
    auto vault = storage::Vault::open(m_dir / kDuressVaultFile,
                                      deriveSubkey(duressKey, kProfileContext, kProfileVaultKey),
                                      storage::profileSchema());
    if (!vault &&
        (vault.error().code == ErrorCode::WrongKey || vault.error().code == ErrorCode::NotFound))
        return makeError(ErrorCode::Corrupted, "the duress vault is damaged or missing");
    return vault;
}

Result<void> Profile::registerDecoy(const storage::CompartmentRecord& record,
                                    const SecretBytes& key) {
    auto duress = duressKey();
    if (!duress)
        return duress.error();
    if (!duress.value())
        return {};
    auto vault = openDuressVault(*duress.value());
    if (!vault)
        return vault.error();
    // Not marked decoy in there: a duress session must show it as an ordinary compartment.
    storage::CompartmentRecord copy{record.id, record.name, {}, record.createdAt, false, {}, false};
    copy.wrappedKey = wrapKey(deriveSubkey(*duress.value(), kProfileContext, kCompartmentWrapKey),
                              key, compartmentKeyBinding(record.id));
    return storage::ProfileRepository(*vault.value()).insertCompartment(copy);
}

Result<void> Profile::forgetDecoy(const std::string& id) {
    auto duress = duressKey();
    if (!duress)
        return duress.error();
    if (!duress.value())
        return {};
    auto vault = openDuressVault(*duress.value());
    if (!vault)
        return vault.error();
    if (auto removed = storage::ProfileRepository(*vault.value()).removeCompartment(id); !removed)
        return removed;
    return vault.value()->checkpoint();
}

Result<bool> Profile::hasDuressPassphrase() {
    if (auto unlocked = requireUnlocked(); !unlocked)
        return unlocked.error();
    if (m_duress)
        return false;
    auto key = duressKey();
    if (!key)
        return key.error();
    return key.value().has_value();
}

Result<void> Profile::setDuressPassphrase(const SecretBytes& duress) {
    if (auto unlocked = requireUnlocked(); !unlocked)
        return unlocked;
    if (duress.empty())
        return makeError(ErrorCode::InvalidArgument, "the duress passphrase must not be empty");
    auto read = readAuthenticHeader(duress);
    if (!read)
        return read.error();
    ProfileHeader& header = read.value().first;
    const SecretBytes& stretched = read.value().second;
    const SecretBytes slotKey = ProfileHeader::slotKey(stretched, nullptr);
    auto roles = slotRoles();
    if (!roles)
        return roles.error();
    OpenedSlot existing;
    // The profile's own passphrase, also behind a security key (the one it was unlocked with).
    if (isRememberedPassphrase(duress) ||
        (findSlot(header, slotKey, nullptr, existing) && roles.value()[existing.index] != "d"))
        return makeError(ErrorCode::InvalidArgument,
                         "the duress passphrase must differ from the profile's passphrase");
    auto current = duressKey();
    if (!current)
        return current.error();
    SecretBytes key =
        current.value() ? std::move(*current.value()) : SecretBytes::random(kKeyBytes);
    std::size_t index = 0;
    auto slot = std::find(roles.value().begin(), roles.value().end(), "d");
    if (slot != roles.value().end()) {
        index = static_cast<std::size_t>(slot - roles.value().begin());
    } else {
        auto free = freeSlot();
        if (!free)
            return free.error();
        index = free.value();
        // A new duress vault holding the decoys there are now; the key is kept before the
        // header names it, so that a crash in between leaves a vault nobody can open.
        if (auto destroyed = storage::destroyVaultFiles(m_dir / kDuressVaultFile); !destroyed)
            return destroyed;
        auto vault = storage::Vault::create(m_dir / kDuressVaultFile,
                                            deriveSubkey(key, kProfileContext, kProfileVaultKey),
                                            storage::profileSchema());
        if (!vault)
            return vault.error();
        vault.value().reset();
        if (auto kept =
                storage::SettingsRepository(*m_profileVault).put(kDuressKeySetting, key.view());
            !kept)
            return kept;
        auto records = storage::ProfileRepository(*m_profileVault).compartments();
        if (!records)
            return records.error();
        for (const auto& record : records.value()) {
            if (!record.decoy)
                continue;
            auto decoyKey = unwrapKey(subkey(kCompartmentWrapKey), record.wrappedKey,
                                      compartmentKeyBinding(record.id));
            if (!decoyKey)
                return makeError(ErrorCode::Corrupted, "the stored key of compartment \"" +
                                                           record.name + "\" is damaged");
            if (auto registered = registerDecoy(record, decoyKey.value()); !registered)
                return registered;
        }
        roles.value()[index] = "d";
        if (auto set = setSlotRoles(roles.value()); !set)
            return set;
    }
    header.seal(index, slotKey, SlotContent::DuressKey, key, nullptr);
    return writeHeader(header);
}

Result<void> Profile::removeDuressPassphrase() {
    if (auto unlocked = requireUnlocked(); !unlocked)
        return unlocked;
    auto header = readAuthenticHeader();
    if (!header)
        return header.error();
    auto roles = slotRoles();
    if (!roles)
        return roles.error();
    auto slot = std::find(roles.value().begin(), roles.value().end(), "d");
    if (slot == roles.value().end())
        return makeError(ErrorCode::NotFound, "no duress passphrase is set");
    header.value().clear(static_cast<std::size_t>(slot - roles.value().begin()));
    if (auto written = writeHeader(header.value()); !written)
        return written;
    *slot = "-";
    if (auto set = setSlotRoles(roles.value()); !set)
        return set;
    if (auto forgotten = storage::SettingsRepository(*m_profileVault).remove(kDuressKeySetting);
        !forgotten)
        return forgotten;
    if (auto flushed = m_profileVault->checkpoint(); !flushed)
        return flushed;
    return writeSpareVault(m_dir / kDuressVaultFile);
}

Result<void> Profile::recordDuressUnlock() {
    auto list = compartments();
    if (!list)
        return list.error();
    for (const CompartmentInfo& compartment : list.value()) {
        auto vault = compartmentVault(compartment.name);
        if (!vault)
            continue; // a damaged decoy must not give the session away by failing it
        auto log = audit::KeyEventLog::open(*vault.value(), compartment.id);
        if (log)
            (void)log.value().record(audit::event::kDuressUnlock, "profile", {}, {});
    }
    return {};
}

} // namespace cloison
