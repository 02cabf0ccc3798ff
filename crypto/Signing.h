// Ed25519 signatures (organisation keys, log keys, rosters, blocklists).
#pragma once

#include "crypto/SecretBytes.h"

#include <string>

namespace cloison {

constexpr std::size_t kSigningPublicKeyBytes = 32;
constexpr std::size_t kSigningSecretKeyBytes = 64;
constexpr std::size_t kSignatureBytes = 64;

class SigningKey {
public:
    static SigningKey generate();
    // From the 64-byte libsodium secret key (seed || public key), as stored in a vault.
    static Result<SigningKey> fromSecretKey(SecretBytes secretKey);

    const Bytes& publicKey() const { return m_publicKey; }
    const SecretBytes& secretKey() const { return m_secretKey; }
    [[nodiscard]] Bytes sign(ByteView message) const;

private:
    SigningKey(SecretBytes secretKey, Bytes publicKey);
    SecretBytes m_secretKey;
    Bytes m_publicKey;
};

[[nodiscard]] bool verifySignature(ByteView publicKey, ByteView message, ByteView signature);

// "3f2a 91c0 ..." — BLAKE2b-256 of the key in hex groups of four, so a person can compare it
// aloud.
std::string keyFingerprint(ByteView publicKey);

} // namespace cloison
