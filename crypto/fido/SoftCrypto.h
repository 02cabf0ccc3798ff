// OpenSSL primitives the software authenticator needs (CTAP2 fixes them: P-256 ECDSA and ECDH,
// SHA-256, HMAC-SHA-256, AES-256-CBC with a zero IV for PIN protocol 1). Internal to crypto/.
#pragma once

#include "crypto/SecretBytes.h"

#include <openssl/evp.h>

#include <memory>

namespace cloison::fido {

constexpr std::size_t kP256CoordinateBytes = 32;

struct PkeyDeleter {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
// The owner of an OpenSSL key.
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

struct EcPoint {
    Bytes x; // 32 bytes, big-endian
    Bytes y;
};

[[nodiscard]] Result<Pkey> generateP256();
[[nodiscard]] Result<EcPoint> publicPoint(EVP_PKEY* key);
[[nodiscard]] Result<Pkey> p256FromPoint(const EcPoint& point);
// DER (PKCS#8) form of a private key, for the authenticator's state file.
[[nodiscard]] Result<SecretBytes> privateKeyDer(EVP_PKEY* key);
[[nodiscard]] Result<Pkey> privateKeyFromDer(const SecretBytes& der);

// PIN protocol 1 shared secret: SHA-256 of the ECDH x coordinate.
[[nodiscard]] Result<SecretBytes> ecdhSharedSecret(EVP_PKEY* own, const EcPoint& peer);
// DER-encoded ECDSA signature over SHA-256(message).
[[nodiscard]] Result<Bytes> signEs256(EVP_PKEY* key, ByteView message);

[[nodiscard]] Bytes sha256(ByteView data);
[[nodiscard]] SecretBytes hmacSha256(ByteView key, ByteView data);
// AES-256-CBC, zero IV, no padding: `data` is a multiple of 16 bytes.
[[nodiscard]] Result<SecretBytes> aes256CbcEncrypt(const SecretBytes& key, ByteView data);
[[nodiscard]] Result<SecretBytes> aes256CbcDecrypt(const SecretBytes& key, ByteView data);

} // namespace cloison::fido
