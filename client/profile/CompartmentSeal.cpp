#include "client/profile/CompartmentSeal.h"

#include "client/profile/FidoSlots.h"
#include "client/profile/Profile.h"

#include "client/audit/KeyEventLog.h"
#include "crypto/Aead.h"
#include "crypto/Hash.h"
#include "storage/ProfileRepository.h"

namespace cloison {
namespace {

constexpr std::string_view kSealLabel = "cloison/compartment-seal/v1";

Error damagedSeal() {
    return makeError(ErrorCode::Corrupted, "a compartment's seal is damaged");
}

Bytes sealedBinding(Bytes binding, const CompartmentSeal& seal) {
    const std::string_view marker = "/sealed/";
    binding.insert(binding.end(), marker.begin(), marker.end());
    const Bytes encoded = seal.encode();
    binding.insert(binding.end(), encoded.begin(), encoded.end());
    return binding;
}

// CTAP 2.0 keys with a PIN want it to make a credential even for a touch-only seal.
Result<SecretBytes> pinFor(const CompartmentSeal& seal, FidoAccess& fido, bool enrolling) {
    const bool needed =
        seal.verification == FidoVerification::Pin || (enrolling && fido.authenticator->hasPin());
    if (!needed)
        return SecretBytes();
    if (!fido.pin)
        return makeError(ErrorCode::PinRequired, "the security key needs its PIN");
    return fido.pin();
}

} // namespace

Bytes CompartmentSeal::encode() const {
    Bytes out;
    out.reserve(1 + fidoSalt.size() + 2 + credentialId.size() + 1 + rpId.size());
    out.push_back(static_cast<std::uint8_t>(verification));
    out.insert(out.end(), fidoSalt.begin(), fidoSalt.end());
    out.push_back(static_cast<std::uint8_t>(credentialId.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(credentialId.size()));
    out.insert(out.end(), credentialId.begin(), credentialId.end());
    out.push_back(static_cast<std::uint8_t>(rpId.size()));
    out.insert(out.end(), rpId.begin(), rpId.end());
    return out;
}

Result<CompartmentSeal> CompartmentSeal::decode(ByteView data) {
    if (data.size() < 1 + kFidoSaltBytes + 2)
        return damagedSeal();
    CompartmentSeal seal;
    if (data[0] != static_cast<std::uint8_t>(FidoVerification::Presence) &&
        data[0] != static_cast<std::uint8_t>(FidoVerification::Pin))
        return damagedSeal();
    seal.verification = static_cast<FidoVerification>(data[0]);
    seal.fidoSalt.assign(data.begin() + 1, data.begin() + 1 + kFidoSaltBytes);
    std::size_t at = 1 + kFidoSaltBytes;
    const std::size_t idLength = static_cast<std::size_t>(data[at] << 8 | data[at + 1]);
    at += 2;
    if (idLength == 0 || data.size() < at + idLength + 1)
        return damagedSeal();
    seal.credentialId.assign(data.begin() + static_cast<std::ptrdiff_t>(at),
                             data.begin() + static_cast<std::ptrdiff_t>(at + idLength));
    at += idLength;
    const std::size_t rpLength = data[at++];
    if (rpLength == 0 || data.size() != at + rpLength)
        return damagedSeal();
    seal.rpId.assign(data.begin() + static_cast<std::ptrdiff_t>(at), data.end());
    return seal;
}

Result<void> Profile::sealCompartment(const std::string& name, FidoAccess& fido,
                                      FidoVerification verification) {
    if (fido.authenticator == nullptr)
        return makeError(ErrorCode::NoAuthenticator, "sealing needs a security key");
    auto vault = compartmentVault(name); // refuses one already sealed
    if (!vault)
        return vault.error();
    storage::ProfileRepository repository(*m_profileVault);
    auto record = repository.compartmentNamed(name);
    if (!record || !record.value())
        return makeError(ErrorCode::NotFound, "no compartment named \"" + name + "\"");
    const std::string id = record.value()->id;
    auto key = unwrapKey(compartmentWrapKey(), record.value()->wrappedKey, compartmentBinding(id));
    if (!key)
        return makeError(ErrorCode::Corrupted, "the stored key of \"" + name + "\" is damaged");
    // Logged before sealing, while the log is still open to the profile key.
    auto log = audit::KeyEventLog::open(*vault.value(), id);
    if (!log)
        return log.error();
    if (auto logged = log.value().record(audit::event::kPolicyChanged, "compartment seal", {},
                                         "sealed behind its own security key credential");
        !logged)
        return logged.error();

    CompartmentSeal seal;
    seal.verification = verification;
    auto pin = pinFor(seal, fido, true);
    if (!pin)
        return pin.error();
    auto credential = fido.authenticator->makeCredential(kFidoRpId, verification, &pin.value());
    if (!credential)
        return credential.error();
    seal.fidoSalt = randomBytes(kFidoSaltBytes);
    seal.credentialId = credential.value().id;
    seal.rpId = credential.value().rpId;
    auto secret = fido.authenticator->hmacSecret(seal.credential(), seal.fidoSalt, &pin.value());
    if (!secret)
        return secret.error();
    const SecretBytes kek =
        combineSecrets(compartmentWrapKey(), secret.value(), asBytes(kSealLabel));
    const Bytes wrapped = wrapKey(kek, key.value(), sealedBinding(compartmentBinding(id), seal));
    if (auto updated = repository.updateCompartmentKey(id, wrapped, true, seal.encode()); !updated)
        return updated;
    // The unsealed wrapping must not linger in the vault or its write-ahead log.
    if (auto flushed = m_profileVault->checkpoint(); !flushed)
        return flushed;
    m_openCompartments.erase(id);
    return {};
}

Result<storage::Vault*> Profile::openSealedCompartment(const std::string& name, FidoAccess& fido) {
    if (auto unlocked = requireUnlocked(); !unlocked)
        return unlocked.error();
    if (fido.authenticator == nullptr)
        return makeError(ErrorCode::NoAuthenticator,
                         "compartment \"" + name + "\" is sealed: plug in its security key");
    auto record = storage::ProfileRepository(*m_profileVault).compartmentNamed(name);
    if (!record)
        return record.error();
    if (!record.value())
        return makeError(ErrorCode::NotFound, "no compartment named \"" + name + "\"");
    if (!record.value()->sealed)
        return compartmentVault(name);
    const std::string& id = record.value()->id;
    if (auto open = m_openCompartments.find(id); open != m_openCompartments.end())
        return open->second.get();
    auto seal = CompartmentSeal::decode(record.value()->sealSlot);
    if (!seal)
        return seal.error();
    auto pin = pinFor(seal.value(), fido, false);
    if (!pin)
        return pin.error();
    auto secret = fido.authenticator->hmacSecret(seal.value().credential(), seal.value().fidoSalt,
                                                 &pin.value());
    if (!secret)
        return secret.error();
    const SecretBytes kek =
        combineSecrets(compartmentWrapKey(), secret.value(), asBytes(kSealLabel));
    auto key = unwrapKey(kek, record.value()->wrappedKey,
                         sealedBinding(compartmentBinding(id), seal.value()));
    if (!key)
        return makeError(ErrorCode::Corrupted,
                         "the sealed key of compartment \"" + name + "\" is damaged");
    auto opened = openCompartmentVault(id, name, key.value());
    if (opened)
        m_sealedKeys[id] = std::move(key.value());
    return opened;
}

} // namespace cloison
