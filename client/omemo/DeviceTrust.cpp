#include "client/omemo/DeviceTrust.h"

#include "client/omemo/Stanzas.h"
#include "storage/CertifiedDeviceRepository.h"
#include "storage/OmemoStore.h"
#include "storage/VerifiedDeviceRepository.h"

#include <algorithm>

namespace cloison::omemo {
namespace {

constexpr std::size_t kFingerprintDigits = 64;

} // namespace

Result<DeviceTrust> deviceTrust(storage::Vault& vault, TrustMode mode, std::string_view jid,
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

Result<ContactDevice> contactDevice(storage::Vault& vault, TrustMode mode, const std::string& jid,
                                    std::uint32_t deviceId, const Bytes& identityKey) {
    auto trust = deviceTrust(vault, mode, jid, deviceId, identityKey);
    if (!trust)
        return trust.error();
    return ContactDevice{jid, deviceId, identityKey, omemoFingerprint(identityKey), trust.value()};
}

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
        auto device = contactDevice(vault, mode, contact, deviceId, *key.value());
        if (!device)
            return device.error();
        out.push_back(std::move(device).value());
    }
    std::sort(out.begin(), out.end(), [](const ContactDevice& a, const ContactDevice& b) {
        return a.deviceId < b.deviceId;
    });
    return out;
}

} // namespace cloison::omemo
