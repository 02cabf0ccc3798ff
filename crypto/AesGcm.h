// AES-128-GCM as legacy OMEMO uses it for message payloads: a fresh 16-byte key and 12-byte IV
// per message, the 16-byte tag carried apart from the ciphertext (inside the per-device key
// material, after the key).
#pragma once

#include "crypto/SecretBytes.h"

namespace cloison {

constexpr std::size_t kAesGcmKeyBytes = 16;
constexpr std::size_t kAesGcmIvBytes = 12;
constexpr std::size_t kAesGcmTagBytes = 16;

struct AesGcmSealed {
    Bytes ciphertext; // same length as the plaintext
    Bytes tag;        // kAesGcmTagBytes
};

// `key` views secret memory the caller owns (SecretBytes or a wiped library buffer).
[[nodiscard]] Result<AesGcmSealed> aes128GcmEncrypt(ByteView key, ByteView iv, ByteView plaintext);
// WrongKey when the tag does not verify: key, IV, ciphertext or tag were altered.
[[nodiscard]] Result<Bytes> aes128GcmDecrypt(ByteView key, ByteView iv, ByteView ciphertext,
                                             ByteView tag);

} // namespace cloison
