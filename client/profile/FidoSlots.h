// Key slots that need a passphrase and a FIDO key's hmac-secret together (issue 7). Used for the
// profile header's slots and for sealed compartments; neither secret alone opens a slot.
#pragma once

#include "client/profile/ProfileHeader.h"

#include <functional>

namespace cloison {

// The relying-party id of Cloison's credentials. A credential made for another id is useless
// to Cloison, and Cloison's credentials are useless to websites.
constexpr const char* kFidoRpId = "io.cloison.profile";

// What an unlock or enrolment may use: the authenticator chosen by the person, and a way to ask
// for its PIN that is called only when a slot (or the key) needs one.
struct FidoAccess {
    FidoAuthenticator* authenticator = nullptr;
    std::function<Result<SecretBytes>()> pin;
};

// A new credential on the key in `access`, for a format-2 header, with the hmac-secret of its
// fresh salt.
struct NewFidoKey {
    FidoKeyRecord record;
    SecretBytes secret;
};
[[nodiscard]] Result<NewFidoKey> makeFidoKey(FidoAccess& access, FidoVerification verification);

// Asks the key present for the hmac-secret of each enrolled record in turn (a silent probe
// first, so another key's record costs no touch): the index of the first it holds, with its
// secret. WrongAuthenticator when it holds none.
[[nodiscard]] Result<std::pair<std::size_t, SecretBytes>>
fidoSecretOfHeldKey(const std::vector<FidoKeyRecord>& keys, FidoAccess& access);

// Makes a credential on the key, asks it once for the hmac-secret of a fresh salt, and wraps
// `key` under combineSecrets(Argon2id(passphrase), hmac-secret). `binding` names what the
// wrapped key is (it is bound into the seal together with the slot's parameters).
[[nodiscard]] Result<FidoSlot> makeFidoSlot(const SecretBytes& passphrase,
                                            const Argon2idParams& params, const SecretBytes& key,
                                            ByteView binding, FidoAccess& access,
                                            FidoVerification verification);

// The index of the first slot the key present holds, with the key it unwraps. Slots of other
// keys are skipped; WrongAuthenticator when none is this key's, WrongPassphrase when the key
// matched but the passphrase did not.
// `fidoSecret`, when given, receives the slot's hmac-secret (for rewrapFidoSlot).
[[nodiscard]] Result<std::pair<std::size_t, SecretBytes>>
openFidoSlots(const std::vector<FidoSlot>& slots, const SecretBytes& passphrase, FidoAccess& access,
              const std::function<Bytes(const FidoSlot&)>& binding,
              SecretBytes* fidoSecret = nullptr);

// The same credential and hmac-secret salt with a new passphrase (fresh Argon2id salt).
[[nodiscard]] Result<FidoSlot> rewrapFidoSlot(const FidoSlot& slot, const SecretBytes& fidoSecret,
                                              const SecretBytes& passphrase,
                                              const Argon2idParams& params, const SecretBytes& key,
                                              ByteView binding);

} // namespace cloison
