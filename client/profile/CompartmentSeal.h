// Sealed compartments (issue 7): a compartment whose policy says "sealed" has its key wrapped
// under combineSecrets(the profile's compartment-wrapping key, hmac-secret of its own FIDO
// credential and salt). Unlocking the profile therefore does not open it; its own touch does.
// The seal's public parameters are stored beside the wrapped key in the profile vault.
//
// Encoding: u8 verification | hmac-secret salt (32) | u16 credential id length | credential id
//           | u8 relying-party id length | relying-party id
#pragma once

#include "crypto/fido/FidoAuthenticator.h"

namespace cloison {

struct CompartmentSeal {
    FidoVerification verification = FidoVerification::Presence;
    Bytes fidoSalt;
    Bytes credentialId;
    std::string rpId;

    FidoCredential credential() const { return {credentialId, rpId, verification}; }
    Bytes encode() const;
    static Result<CompartmentSeal> decode(ByteView data); // Corrupted on any damage
};

} // namespace cloison
