#include "client/profile/FidoSlots.h"

#include "crypto/Aead.h"
#include "crypto/Hash.h"

#include <optional>

namespace cloison {
namespace {

constexpr std::string_view kCombineLabel = "cloison/fido-slot/v1";

Result<SecretBytes> slotKey(const FidoSlot& slot, const SecretBytes& passphrase,
                            const SecretBytes& fidoSecret) {
    auto stretched = deriveArgon2id(passphrase, slot.salt, slot.params);
    if (!stretched)
        return stretched.error();
    return combineSecrets(stretched.value(), fidoSecret, asBytes(kCombineLabel));
}

Result<SecretBytes> askPin(FidoAccess& access) {
    if (!access.pin)
        return makeError(ErrorCode::PinRequired, "the security key needs its PIN");
    return access.pin();
}

} // namespace

Result<NewFidoKey> makeFidoKey(FidoAccess& access, FidoVerification verification) {
    if (access.authenticator == nullptr)
        return makeError(ErrorCode::NoAuthenticator, "no security key was given");
    FidoAuthenticator& authenticator = *access.authenticator;
    if (!authenticator.supportsHmacSecret())
        return makeError(ErrorCode::AuthenticatorUnsupported,
                         "the " + authenticator.description() +
                             " lacks the hmac-secret extension Cloison needs");
    SecretBytes pin;
    // CTAP 2.0 keys with a PIN want it for makeCredential even when unlocking will be touch-only.
    if (authenticator.hasPin() || verification == FidoVerification::Pin) {
        auto asked = askPin(access);
        if (!asked)
            return asked.error();
        pin = std::move(asked.value());
    }
    auto credential = authenticator.makeCredential(kFidoRpId, verification, &pin);
    if (!credential)
        return credential.error();
    if (credential.value().id.size() > ProfileHeader::kMaxCredentialIdBytes ||
        credential.value().rpId.size() > ProfileHeader::kMaxRpIdBytes)
        return makeError(ErrorCode::AuthenticatorUnsupported,
                         "the " + authenticator.description() +
                             " makes credential ids longer than the profile header holds (" +
                             std::to_string(ProfileHeader::kMaxCredentialIdBytes) + " bytes)");
    NewFidoKey out;
    out.record.verification = verification;
    out.record.fidoSalt = randomBytes(kFidoSaltBytes);
    out.record.credentialId = credential.value().id;
    out.record.rpId = credential.value().rpId;
    auto secret = authenticator.hmacSecret(credential.value(), out.record.fidoSalt, &pin);
    if (!secret)
        return secret.error();
    out.secret = std::move(secret.value());
    return out;
}

Result<FidoSlot> makeFidoSlot(const SecretBytes& passphrase, const Argon2idParams& params,
                              const SecretBytes& key, ByteView binding, FidoAccess& access,
                              FidoVerification verification) {
    auto made = makeFidoKey(access, verification);
    if (!made)
        return made.error();
    FidoSlot slot;
    slot.verification = verification;
    slot.params = params;
    slot.salt = randomBytes(kArgon2SaltBytes);
    slot.fidoSalt = made.value().record.fidoSalt;
    slot.credentialId = made.value().record.credentialId;
    slot.rpId = made.value().record.rpId;
    auto kek = slotKey(slot, passphrase, made.value().secret);
    if (!kek)
        return kek.error();
    Bytes associated(binding.begin(), binding.end());
    const Bytes parameters = slot.encodeParameters();
    associated.insert(associated.end(), parameters.begin(), parameters.end());
    slot.wrappedKey = wrapKey(kek.value(), key, associated);
    return slot;
}

Result<FidoSlot> rewrapFidoSlot(const FidoSlot& slot, const SecretBytes& fidoSecret,
                                const SecretBytes& passphrase, const Argon2idParams& params,
                                const SecretBytes& key, ByteView binding) {
    FidoSlot out = slot;
    out.params = params;
    out.salt = randomBytes(kArgon2SaltBytes);
    auto kek = slotKey(out, passphrase, fidoSecret);
    if (!kek)
        return kek.error();
    Bytes associated(binding.begin(), binding.end());
    const Bytes parameters = out.encodeParameters();
    associated.insert(associated.end(), parameters.begin(), parameters.end());
    out.wrappedKey = wrapKey(kek.value(), key, associated);
    return out;
}

namespace {

// The hmac-secret of `credential` if the key present holds it; nothing if it is another key's.
// The PIN is asked once, when the first credential that needs it comes up.
Result<std::optional<SecretBytes>> secretIfHeld(FidoAccess& access,
                                                const FidoCredential& credential, ByteView fidoSalt,
                                                SecretBytes& pin, bool& pinAsked) {
    if (credential.verification == FidoVerification::Pin && !pinAsked) {
        auto asked = askPin(access);
        if (!asked)
            return asked.error();
        pin = std::move(asked.value());
        pinAsked = true;
    }
    // A silent probe first, so another key's slot costs no touch.
    auto held = access.authenticator->holdsCredential(credential);
    if (!held)
        return held.error();
    if (!held.value())
        return std::optional<SecretBytes>();
    auto secret = access.authenticator->hmacSecret(credential, fidoSalt, &pin);
    if (!secret) {
        if (secret.error().code == ErrorCode::WrongAuthenticator)
            return std::optional<SecretBytes>(); // another enrolled key's slot
        return secret.error();
    }
    return std::optional<SecretBytes>(std::move(secret.value()));
}

Error noAuthenticator() {
    return makeError(ErrorCode::NoAuthenticator,
                     "this needs its FIDO security key as well as the passphrase; plug it "
                     "in (cloison-cli: --authenticator)");
}

Error notEnrolled(FidoAccess& access) {
    return makeError(ErrorCode::WrongAuthenticator,
                     "the " + access.authenticator->description() +
                         " is not enrolled here; use a key you enrolled");
}

} // namespace

Result<std::pair<std::size_t, SecretBytes>>
fidoSecretOfHeldKey(const std::vector<FidoKeyRecord>& keys, FidoAccess& access) {
    if (access.authenticator == nullptr)
        return noAuthenticator();
    SecretBytes pin;
    bool pinAsked = false;
    for (std::size_t i = 0; i < keys.size(); ++i) {
        auto secret = secretIfHeld(access, keys[i].credential(), keys[i].fidoSalt, pin, pinAsked);
        if (!secret)
            return secret.error();
        if (secret.value())
            return std::pair<std::size_t, SecretBytes>(i, std::move(*secret.value()));
    }
    return notEnrolled(access);
}

Result<std::pair<std::size_t, SecretBytes>>
openFidoSlots(const std::vector<FidoSlot>& slots, const SecretBytes& passphrase, FidoAccess& access,
              const std::function<Bytes(const FidoSlot&)>& binding, SecretBytes* fidoSecret) {
    if (access.authenticator == nullptr)
        return noAuthenticator();
    SecretBytes pin;
    bool pinAsked = false;
    for (std::size_t i = 0; i < slots.size(); ++i) {
        const FidoSlot& slot = slots[i];
        auto secret = secretIfHeld(access, slot.credential(), slot.fidoSalt, pin, pinAsked);
        if (!secret)
            return secret.error();
        if (!secret.value())
            continue;
        auto kek = slotKey(slot, passphrase, *secret.value());
        if (!kek)
            return kek.error();
        Bytes associated = binding(slot);
        const Bytes parameters = slot.encodeParameters();
        associated.insert(associated.end(), parameters.begin(), parameters.end());
        auto key = unwrapKey(kek.value(), slot.wrappedKey, associated);
        if (!key)
            return makeError(ErrorCode::WrongPassphrase,
                             "the passphrase is wrong (the security key was accepted)");
        if (fidoSecret != nullptr)
            *fidoSecret = std::move(*secret.value());
        return std::pair<std::size_t, SecretBytes>(i, std::move(key.value()));
    }
    return notEnrolled(access);
}

} // namespace cloison
