// XChaCha20-Poly1305 authenticated encryption and key wrapping. Sealed form: nonce || ciphertext
// || tag, with a fresh random 24-byte nonce each time.
#pragma once

#include "crypto/SecretBytes.h"

namespace cloison {

constexpr std::size_t kAeadNonceBytes = 24;
constexpr std::size_t kAeadTagBytes = 16;
constexpr std::size_t kAeadOverheadBytes = kAeadNonceBytes + kAeadTagBytes;

[[nodiscard]] Bytes aeadSeal(const SecretBytes& key, ByteView plaintext, ByteView associatedData);
// Fails with ErrorCode::WrongKey when the key, the data or the associated data do not match:
// the cipher cannot tell which.
[[nodiscard]] Result<Bytes> aeadOpen(const SecretBytes& key, ByteView sealed,
                                     ByteView associatedData);
[[nodiscard]] Result<SecretBytes> aeadOpenSecret(const SecretBytes& key, ByteView sealed,
                                                 ByteView associatedData);

// Key wrapping is sealing a key; the associated data binds the wrapped key to its purpose.
[[nodiscard]] inline Bytes wrapKey(const SecretBytes& kek, const SecretBytes& key,
                                   ByteView associatedData) {
    return aeadSeal(kek, key.view(), associatedData);
}
[[nodiscard]] inline Result<SecretBytes> unwrapKey(const SecretBytes& kek, ByteView wrapped,
                                                   ByteView associatedData) {
    return aeadOpenSecret(kek, wrapped, associatedData);
}

} // namespace cloison
