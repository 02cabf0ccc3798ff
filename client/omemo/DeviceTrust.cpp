#include "client/omemo/DeviceTrust.h"

#include "client/omemo/Stanzas.h"
#include "storage/CertifiedDeviceRepository.h"
#include "storage/OmemoStore.h"
#include "storage/VerifiedDeviceRepository.h"

#include <algorithm>

namespace cloison::omemo {
namespace {

constexpr std::size_t kFingerprintDigits = 64;

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

Result<DeviceTrust> trustIn(storage::Vault& vault, TrustMode mode, std::string_view jid,
                            std::uint32_t deviceId, ByteView identityKey) {
    switch (mode) {
    case TrustMode::Blind:
        return DeviceTrust::Blind;
    case TrustMode::Strict: {
        auto certified =
            storage::CertifiedDeviceRepository(vault).isCertified(jid, deviceId, identityKey);
        if (!certified)
            return certified.error();
        return certified.value() ? DeviceTrust::Certified : DeviceTrust::Untrusted;
    }
    case TrustMode::Manual:
        break;
    }
    return manualDeviceTrust(vault, jid, deviceId, identityKey);
}

Result<ContactDevice> describe(storage::Vault& vault, TrustMode mode, const std::string& jid,
                               std::uint32_t deviceId, const Bytes& identityKey) {
    auto trust = trustIn(vault, mode, jid, deviceId, identityKey);
    if (!trust)
        return trust.error();
    return ContactDevice{jid, deviceId, identityKey, omemoFingerprint(identityKey), trust.value()};
}

} // namespace

const char* deviceTrustName(DeviceTrust trust) {
    switch (trust) {
    case DeviceTrust::Untrusted:
        return "untrusted";
    case DeviceTrust::Certified:
        return "certified";
    case DeviceTrust::Verified:
        return "verified";
    case DeviceTrust::KeyChanged:
        return "key-changed";
    case DeviceTrust::Unexpected:
        return "unverified-new";
    case DeviceTrust::Blind:
        return "blind";
    }
    return "untrusted";
}

bool isTrusted(DeviceTrust trust) {
    return trust == DeviceTrust::Certified || trust == DeviceTrust::Verified ||
           trust == DeviceTrust::Blind;
}

Result<std::string> normaliseFingerprint(std::string_view typed) {
    std::string digits;
    for (const char c : typed) {
        if (c == ' ' || c == ':' || c == '-' || c == '\t' || c == '\n' || c == '\r')
            continue;
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!hex)
            return makeError(ErrorCode::InvalidArgument,
                             "a fingerprint holds only hexadecimal digits (0-9, a-f), grouped by "
                             "spaces if you like");
        digits += static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
        if (digits.size() > kFingerprintDigits + 2)
            break;
    }
    // The 33-byte form some clients show keeps the key type byte (05) in front.
    if (digits.size() == kFingerprintDigits + 2 && digits.starts_with("05"))
        digits.erase(0, 2);
    if (digits.size() != kFingerprintDigits)
        return makeError(ErrorCode::InvalidArgument,
                         "a fingerprint is 64 hexadecimal digits; " +
                             std::string(digits.size() > kFingerprintDigits
                                             ? "more were"
                                             : "only " + std::to_string(digits.size()) + " were") +
                             " given");
    return digits;
}

Result<bool> contactVouchedFor(storage::Vault& vault, std::string_view jid) {
    auto verified = storage::VerifiedDeviceRepository(vault).forContact(jid);
    if (!verified)
        return verified.error();
    if (!verified.value().empty())
        return true;
    return storage::CertifiedDeviceRepository(vault).hasContact(jid);
}

Result<DeviceTrust> manualDeviceTrust(storage::Vault& vault, std::string_view jid,
                                      std::uint32_t deviceId, ByteView identityKey) {
    auto certified =
        storage::CertifiedDeviceRepository(vault).isCertified(jid, deviceId, identityKey);
    if (!certified)
        return certified.error();
    if (certified.value())
        return DeviceTrust::Certified;
    auto verified = storage::VerifiedDeviceRepository(vault).find(jid, deviceId);
    if (!verified)
        return verified.error();
    if (verified.value()) {
        const Bytes& key = verified.value()->identityKey;
        return std::equal(key.begin(), key.end(), identityKey.begin(), identityKey.end())
                   ? DeviceTrust::Verified
                   : DeviceTrust::KeyChanged;
    }
    auto vouched = contactVouchedFor(vault, jid);
    if (!vouched)
        return vouched.error();
    return vouched.value() ? DeviceTrust::Unexpected : DeviceTrust::Untrusted;
}

Result<std::vector<ContactDevice>> contactDevices(storage::Vault& vault, TrustMode mode,
                                                  std::string_view jid) {
    storage::OmemoStore store(vault);
    const std::string contact = bareJid(jid);
    auto active = store.activeDevices(contact);
    if (!active)
        return active.error();
    std::vector<ContactDevice> out;
    for (const std::uint32_t deviceId : active.value()) {
        auto key = store.peerIdentity(contact, deviceId);
        if (!key)
            return key.error();
        if (!key.value())
            continue; // announced, but its bundle was never fetched: no key to show or compare
        auto device = describe(vault, mode, contact, deviceId, *key.value());
        if (!device)
            return device.error();
        out.push_back(std::move(device).value());
    }
    std::sort(out.begin(), out.end(), [](const ContactDevice& a, const ContactDevice& b) {
        return a.deviceId < b.deviceId;
    });
    return out;
}

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
        auto described = describe(vault, mode, contact.value(), *deviceId, *key.value());
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
    return describe(vault, mode, record->jid, record->deviceId,
                    current.value() ? *current.value() : record->identityKey);
}

} // namespace cloison::omemo
