#include "client/omemo/ManualVerification.h"

#include "client/omemo/Stanzas.h"
#include "storage/OmemoStore.h"
#include "storage/VerifiedDeviceRepository.h"

#include <algorithm>

namespace cloison::omemo {
namespace {

// The identity key's fingerprint digits, without the key type byte and without grouping.
std::string digitsOf(ByteView identityKey) {
    return toHex(identityKey.size() == 33 ? identityKey.subspan(1) : identityKey);
}

std::string subjectOf(const std::string& jid, std::uint32_t deviceId) {
    return jid + "/" + std::to_string(deviceId);
}

std::string deviceName(const std::string& jid, std::uint32_t deviceId) {
    return "device " + std::to_string(deviceId) + " of " + jid;
}

Result<std::string> contactOf(std::string_view jid) {
    std::string bare = bareJid(jid);
    if (bare.empty() || bare.find('@') == std::string::npos || bare.front() == '@' ||
        bare.find_first_of(" \t\r\n") != std::string::npos)
        return makeError(ErrorCode::InvalidArgument, "'" + std::string(jid.substr(0, 100)) +
                                                         "' is not an address (name@server)");
    return bare;
}

} // namespace

Result<ContactDevice> verifyDevice(storage::Vault& vault, audit::KeyEventLog& log, TrustMode mode,
                                   std::string_view jid, std::optional<std::uint32_t> deviceId,
                                   std::string_view typedFingerprint) {
    if (mode != TrustMode::Manual)
        return makeError(ErrorCode::PolicyRefused,
                         mode == TrustMode::Strict
                             ? "this compartment trusts only devices the organisation certified "
                               "(strict trust): devices are not verified by hand here"
                             : "this compartment trusts every device (blind trust): verifying one "
                               "by hand would change nothing");
    auto contact = contactOf(jid);
    if (!contact)
        return contact.error();
    auto typed = normaliseFingerprint(typedFingerprint);
    if (!typed)
        return typed.error();

    std::optional<ContactDevice> target;
    if (deviceId) {
        auto key = storage::OmemoStore(vault).peerIdentity(contact.value(), *deviceId);
        if (!key)
            return key.error();
        if (!key.value())
            return makeError(ErrorCode::NotFound,
                             deviceName(contact.value(), *deviceId) +
                                 " is not known in this compartment (its key is learnt once a "
                                 "message goes to or comes from it)");
        if (digitsOf(*key.value()) != typed.value())
            return makeError(ErrorCode::Mismatch,
                             "the fingerprint typed is not the one of " +
                                 deviceName(contact.value(), *deviceId) +
                                 ": nothing was verified. Compare it again with the person, "
                                 "digit by digit, in person or over another channel");
        auto described = contactDevice(vault, mode, contact.value(), *deviceId, *key.value());
        if (!described)
            return described.error();
        target = std::move(described).value();
    } else {
        auto devices = contactDevices(vault, mode, contact.value());
        if (!devices)
            return devices.error();
        if (devices.value().empty())
            return makeError(ErrorCode::NotFound,
                             "no device of " + contact.value() +
                                 " is known in this compartment yet (its keys are learnt once a "
                                 "message goes to or comes from it)");
        for (ContactDevice& device : devices.value())
            if (digitsOf(device.identityKey) == typed.value())
                target = std::move(device);
        if (!target)
            return makeError(ErrorCode::Mismatch,
                             "none of the devices of " + contact.value() +
                                 " has the fingerprint typed: nothing was verified. Compare it "
                                 "again with the person, digit by digit");
    }
    if (target->trust == DeviceTrust::Verified)
        return makeError(ErrorCode::AlreadyExists, deviceName(target->jid, target->deviceId) +
                                                       " is already verified with this key");
    const bool replacesOtherKey = target->trust == DeviceTrust::KeyChanged;
    auto done = vault.transaction([&]() -> Result<void> {
        if (auto added = storage::VerifiedDeviceRepository(vault).add(
                {target->jid, target->deviceId, target->identityKey, audit::KeyEventLog::nowMs()});
            !added)
            return added;
        auto logged =
            log.record(audit::event::kDeviceTrustedManually,
                       subjectOf(target->jid, target->deviceId), target->fingerprint,
                       replacesOtherKey ? "fingerprint compared by hand; replaces the verification "
                                          "of an earlier key"
                                        : "fingerprint compared by hand");
        if (!logged)
            return logged.error();
        return {};
    });
    if (!done)
        return done.error();
    // Certified stays certified; otherwise the device is now verified.
    if (target->trust != DeviceTrust::Certified)
        target->trust = DeviceTrust::Verified;
    return std::move(*target);
}

Result<ContactDevice> unverifyDevice(storage::Vault& vault, audit::KeyEventLog& log, TrustMode mode,
                                     std::string_view jid, std::optional<std::uint32_t> deviceId,
                                     std::string_view typedFingerprint) {
    auto contact = contactOf(jid);
    if (!contact)
        return contact.error();
    std::optional<std::string> typed;
    if (!typedFingerprint.empty()) {
        auto normal = normaliseFingerprint(typedFingerprint);
        if (!normal)
            return normal.error();
        typed = std::move(normal).value();
    }
    if (!deviceId && !typed)
        return makeError(ErrorCode::InvalidArgument,
                         "say which device: its device id or its fingerprint");
    storage::VerifiedDeviceRepository verified(vault);
    auto all = verified.forContact(contact.value());
    if (!all)
        return all.error();
    std::optional<storage::VerifiedDevice> record;
    for (storage::VerifiedDevice& one : all.value())
        if ((!deviceId || one.deviceId == *deviceId) &&
            (!typed || digitsOf(one.identityKey) == *typed))
            record = std::move(one);
    if (!record) {
        const bool idKnownOnly =
            deviceId && typed &&
            std::any_of(all.value().begin(), all.value().end(),
                        [&](const auto& one) { return one.deviceId == *deviceId; });
        if (idKnownOnly)
            return makeError(ErrorCode::Mismatch,
                             "the fingerprint typed is not the verified one of " +
                                 deviceName(contact.value(), *deviceId) + ": nothing was changed");
        return makeError(ErrorCode::NotFound,
                         deviceId ? deviceName(contact.value(), *deviceId) + " is not verified"
                                  : "no verified device of " + contact.value() +
                                        " has the fingerprint typed");
    }
    auto done = vault.transaction([&]() -> Result<void> {
        auto removed = verified.remove(record->jid, record->deviceId);
        if (!removed)
            return removed.error();
        auto logged = log.record(
            audit::event::kDeviceTrustWithdrawn, subjectOf(record->jid, record->deviceId),
            omemoFingerprint(record->identityKey), "verification withdrawn by hand");
        if (!logged)
            return logged.error();
        return {};
    });
    if (!done)
        return done.error();
    // Described with the key it has now, which may not be the one that had been verified.
    auto current = storage::OmemoStore(vault).peerIdentity(record->jid, record->deviceId);
    if (!current)
        return current.error();
    return contactDevice(vault, mode, record->jid, record->deviceId,
                         current.value() ? *current.value() : record->identityKey);
}

} // namespace cloison::omemo
