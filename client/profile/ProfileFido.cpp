// The profile's FIDO key slots: listing, enrolling and removing security keys (issue 7).
// Kept apart from Profile.cpp so that the core profile code stays small.
#include "client/profile/FidoSlots.h"
#include "client/profile/Profile.h"

#include "client/audit/KeyEventLog.h"
#include "client/profile/ProfileHeader.h"

#include <algorithm>

namespace cloison {

Result<ProfileHeader> Profile::readAuthenticHeader() const {
    auto header = readProfileHeader(m_dir / kHeaderFile);
    if (!header)
        return header.error();
    if (!header.value().macMatches(headerMacKey()))
        return makeError(ErrorCode::Corrupted, "the profile header was modified since unlock");
    return header;
}

Result<std::vector<FidoSlotInfo>> Profile::fidoSlots(const std::filesystem::path& dir) {
    auto header = readProfileHeader(dir / kHeaderFile);
    if (!header)
        return header.error();
    std::vector<FidoSlotInfo> out;
    for (const FidoSlot& slot : header.value().fidoSlots)
        out.push_back({slot.id(), slot.rpId, slot.verification});
    return out;
}

Result<FidoSlotInfo> Profile::enrolFido(const SecretBytes& passphrase, const Argon2idParams& params,
                                        FidoAccess& fido, FidoVerification verification,
                                        bool requireFido) {
    if (auto unlocked = requireUnlocked(); !unlocked)
        return unlocked.error();
    // A typo here would make a slot nobody can open: insist on the passphrase just proven.
    if (!isRememberedPassphrase(passphrase))
        return makeError(ErrorCode::WrongPassphrase,
                         "the passphrase is not the one this profile was unlocked with");
    auto header = readAuthenticHeader();
    if (!header)
        return header.error();
    auto slot = makeFidoSlot(passphrase, params, m_profileKey, ProfileHeader::fidoSlotBinding(),
                             fido, verification);
    if (!slot)
        return slot.error();
    const FidoSlotInfo info{slot.value().id(), slot.value().rpId, verification};
    for (const FidoSlot& existing : header.value().fidoSlots)
        if (existing.id() == info.id)
            return makeError(ErrorCode::AlreadyExists, "this credential is already enrolled");
    header.value().fidoSlots.push_back(std::move(slot.value()));
    if (requireFido)
        header.value().passphraseSlots.clear();
    if (auto written =
            writeFileAtomically(m_dir / kHeaderFile, header.value().encode(headerMacKey()));
        !written)
        return written.error();
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
    auto& slots = header.value().fidoSlots;
    auto found = std::find_if(slots.begin(), slots.end(),
                              [&](const FidoSlot& slot) { return slot.id() == slotId; });
    if (found == slots.end())
        return makeError(ErrorCode::NotFound, "no FIDO slot " + slotId);
    if (slots.size() == 1 && header.value().passphraseSlots.empty())
        return makeError(ErrorCode::PolicyRefused,
                         "this is the profile's last security key and its policy requires one; "
                         "enrol another key before removing this one");
    slots.erase(found);
    if (auto written =
            writeFileAtomically(m_dir / kHeaderFile, header.value().encode(headerMacKey()));
        !written)
        return written;
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
