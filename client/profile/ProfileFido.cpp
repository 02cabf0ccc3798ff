// The profile's FIDO key slots: listing, enrolling and removing security keys (issue 7).
// Kept apart from Profile.cpp so that the core profile code stays small.
#include "client/profile/FidoSlots.h"
#include "client/profile/Profile.h"

#include "client/audit/KeyEventLog.h"
#include "client/profile/ProfileHeader.h"

#include <algorithm>

namespace cloison {

Result<ProfileHeader> Profile::readAuthenticHeader() const {
    if (m_duress)
        return makeError(ErrorCode::PolicyRefused,
                         "your organisation's policy does not allow changing the key slots of this "
                         "profile on this device; ask your admin");
    auto header = readProfileHeader(m_dir / kHeaderFile);
    if (!header)
        return header.error();
    if (!header.value().macMatches(headerMacKey()))
        return makeError(ErrorCode::Corrupted, "the profile header was modified since unlock");
    if (header.value().legacy)
        return makeError(ErrorCode::PolicyRefused,
                         "the profile header is in the format of an older Cloison and has several "
                         "key slots, which this version cannot convert; see the README (Duress "
                         "passphrase, known limits)");
    return header;
}

Result<std::pair<ProfileHeader, SecretBytes>>
Profile::readAuthenticHeader(const SecretBytes& passphrase) const {
    auto header = readAuthenticHeader();
    if (!header)
        return header.error();
    auto stretched = header.value().stretch(passphrase);
    if (!stretched)
        return stretched.error();
    return std::pair<ProfileHeader, SecretBytes>(std::move(header.value()),
                                                 std::move(stretched.value()));
}

Result<void> Profile::writeHeader(const ProfileHeader& header) {
    return writeFileAtomically(m_dir / kHeaderFile, header.encode(headerMacKey()));
}

Result<std::vector<FidoSlotInfo>> Profile::fidoSlots(const std::filesystem::path& dir) {
    auto header = readProfileHeader(dir / kHeaderFile);
    if (!header)
        return header.error();
    std::vector<FidoSlotInfo> out;
    if (header.value().legacy) {
        for (const FidoSlot& slot : header.value().legacy->fidoSlots)
            out.push_back({slot.id(), slot.rpId, slot.verification});
        return out;
    }
    for (const FidoKeyRecord& key : header.value().fidoKeys)
        out.push_back({key.id(), key.rpId, key.verification});
    return out;
}

Result<FidoSlotInfo> Profile::enrolFido(const SecretBytes& passphrase, FidoAccess& fido,
                                        FidoVerification verification, bool requireFido) {
    if (auto unlocked = requireUnlocked(); !unlocked)
        return unlocked.error();
    // A typo here would make a slot nobody can open: insist on the passphrase just proven.
    if (!isRememberedPassphrase(passphrase))
        return makeError(ErrorCode::WrongPassphrase,
                         "the passphrase is not the one this profile was unlocked with");
    auto read = readAuthenticHeader(passphrase);
    if (!read)
        return read.error();
    ProfileHeader& header = read.value().first;
    const SecretBytes& stretched = read.value().second;
    if (header.fidoKeys.size() == ProfileHeader::kFidoKeyCount)
        return makeError(ErrorCode::PolicyRefused,
                         "the profile has " + std::to_string(ProfileHeader::kFidoKeyCount) +
                             " security keys already, as many as its header holds");
    auto index = freeSlot();
    if (!index)
        return index.error();
    auto made = makeFidoKey(fido, verification);
    if (!made)
        return made.error();
    const FidoKeyRecord& record = made.value().record;
    const FidoSlotInfo info{record.id(), record.rpId, verification};
    for (const FidoKeyRecord& existing : header.fidoKeys)
        if (existing.id() == info.id)
            return makeError(ErrorCode::AlreadyExists, "this credential is already enrolled");
    const FidoKeyRecord& added = header.addFidoKey(record);
    header.seal(index.value(), ProfileHeader::slotKey(stretched, &made.value().secret),
                SlotContent::ProfileKey, m_profileKey, &added);
    auto roles = slotRoles();
    if (!roles)
        return roles.error();
    // Marked in use before the header is written: a crash in between wastes a slot, never
    // overwrites one.
    roles.value()[index.value()] = "f:" + info.id;
    if (auto set = setSlotRoles(roles.value()); !set)
        return set.error();
    if (requireFido)
        for (std::size_t i = 0; i < ProfileHeader::kSlotCount; ++i)
            if (roles.value()[i] == "p")
                header.clear(i);
    if (auto written = writeHeader(header); !written)
        return written.error();
    if (requireFido) {
        for (std::string& role : roles.value())
            if (role == "p")
                role = "-";
        if (auto set = setSlotRoles(roles.value()); !set)
            return set.error();
    }
    const std::string details =
        "rp=" + info.rpId + (verification == FidoVerification::Pin ? " touch+pin" : " touch") +
        (requireFido ? " passphrase-only slots removed" : " passphrase slot kept");
    if (auto logged =
            recordInEveryLog(audit::event::kFidoEnrolled, "security key " + info.id, details);
        !logged)
        return logged.error();
    return info;
}

Result<void> Profile::removeFido(const std::string& slotId) {
    if (auto unlocked = requireUnlocked(); !unlocked)
        return unlocked;
    auto header = readAuthenticHeader();
    if (!header)
        return header.error();
    auto& keys = header.value().fidoKeys;
    auto found = std::find_if(keys.begin(), keys.end(),
                              [&](const FidoKeyRecord& key) { return key.id() == slotId; });
    if (found == keys.end())
        return makeError(ErrorCode::NotFound, "no FIDO slot " + slotId);
    auto roles = slotRoles();
    if (!roles)
        return roles.error();
    auto& r = roles.value();
    if (keys.size() == 1 && std::find(r.begin(), r.end(), "p") == r.end())
        return makeError(ErrorCode::PolicyRefused,
                         "this is the profile's last security key and its policy requires one; "
                         "enrol another key before removing this one");
    header.value().removeFidoKey(static_cast<std::size_t>(found - keys.begin()));
    auto slot = std::find(r.begin(), r.end(), "f:" + slotId);
    if (slot != r.end())
        header.value().clear(static_cast<std::size_t>(slot - r.begin()));
    if (auto written = writeHeader(header.value()); !written)
        return written;
    if (slot != r.end()) {
        *slot = "-";
        if (auto set = setSlotRoles(r); !set)
            return set;
    }
    return recordInEveryLog(audit::event::kFidoRemoved, "security key " + slotId, {});
}

Result<void> Profile::recordInEveryLog(const std::string& type, const std::string& subject,
                                       const std::string& details) {
    auto list = compartments();
    if (!list)
        return list.error();
    for (const CompartmentInfo& compartment : list.value()) {
        if (compartment.sealed)
            continue;
        auto vault = compartmentVault(compartment.name);
        auto log = vault ? audit::KeyEventLog::open(*vault.value(), compartment.id)
                         : Result<audit::KeyEventLog>(vault.error());
        auto recorded = log ? log.value().record(type, subject, {}, details)
                            : Result<audit::KeyEvent>(log.error());
        if (!recorded)
            return makeError(recorded.error().code,
                             "the change was made, but the key-event log of \"" + compartment.name +
                                 "\" could not record it: " + recorded.error().message);
    }
    return {};
}

} // namespace cloison
