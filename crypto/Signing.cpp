#include "crypto/Signing.h"

#include "crypto/Hash.h"
#include "crypto/Sodium.h"

#include <sodium.h>

#include <utility>

namespace cloison {

SigningKey::SigningKey(SecretBytes secretKey, Bytes publicKey)
    : m_secretKey(std::move(secretKey)), m_publicKey(std::move(publicKey)) {}

SigningKey SigningKey::generate() {
    ensureSodium();
    SecretBytes secret(crypto_sign_SECRETKEYBYTES);
    Bytes pub(crypto_sign_PUBLICKEYBYTES);
    crypto_sign_keypair(pub.data(), secret.data());
    return SigningKey(std::move(secret), std::move(pub));
}

Result<SigningKey> SigningKey::fromSecretKey(SecretBytes secretKey) {
    ensureSodium();
    if (secretKey.size() != crypto_sign_SECRETKEYBYTES)
        return makeError(ErrorCode::InvalidArgument, "an Ed25519 secret key has 64 bytes");
    Bytes pub(crypto_sign_PUBLICKEYBYTES);
    crypto_sign_ed25519_sk_to_pk(pub.data(), secretKey.data());
    // The stored public half must be the one the seed yields, or the key was tampered with.
    SecretBytes seed(crypto_sign_SEEDBYTES);
    crypto_sign_ed25519_sk_to_seed(seed.data(), secretKey.data());
    Bytes derived(crypto_sign_PUBLICKEYBYTES);
    SecretBytes scratch(crypto_sign_SECRETKEYBYTES);
    crypto_sign_seed_keypair(derived.data(), scratch.data(), seed.data());
    if (derived != pub)
        return makeError(ErrorCode::Corrupted, "the Ed25519 secret key is inconsistent");
    return SigningKey(std::move(secretKey), std::move(pub));
}

Bytes SigningKey::sign(ByteView message) const {
    Bytes signature(crypto_sign_BYTES);
    crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                         m_secretKey.data());
    return signature;
}

bool verifySignature(ByteView publicKey, ByteView message, ByteView signature) {
    ensureSodium();
    if (publicKey.size() != crypto_sign_PUBLICKEYBYTES || signature.size() != crypto_sign_BYTES)
        return false;
    return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                       publicKey.data()) == 0;
}

std::string keyFingerprint(ByteView publicKey) {
    const std::string hex = toHex(blake2b(publicKey));
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 4) {
        if (i > 0)
            out += ' ';
        out += hex.substr(i, 4);
    }
    return out;
}

} // namespace cloison
