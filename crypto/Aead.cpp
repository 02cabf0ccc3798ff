#include "crypto/Aead.h"

#include "crypto/Sodium.h"

#include <sodium.h>

namespace cloison {
namespace {

bool keyFits(const SecretBytes& key) {
    return key.size() == crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
}

template <typename Output>
Result<Output> openInto(const SecretBytes& key, ByteView sealed, ByteView associatedData) {
    ensureSodium();
    if (!keyFits(key))
        return makeError(ErrorCode::InvalidArgument, "AEAD key must be 32 bytes");
    if (sealed.size() < kAeadOverheadBytes)
        return makeError(ErrorCode::Corrupted, "sealed data is too short");
    Output out(sealed.size() - kAeadOverheadBytes);
    unsigned long long length = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            out.data(), &length, nullptr, sealed.data() + kAeadNonceBytes,
            sealed.size() - kAeadNonceBytes, associatedData.data(), associatedData.size(),
            sealed.data(), key.data()) != 0)
        return makeError(ErrorCode::WrongKey,
                         "authentication failed: wrong key, or the data was modified");
    return out;
}

} // namespace

Bytes aeadSeal(const SecretBytes& key, ByteView plaintext, ByteView associatedData) {
    ensureSodium();
    if (!keyFits(key))
        std::abort(); // our callers only pass keys they made; a wrong size is a bug
    Bytes out(kAeadNonceBytes + plaintext.size() + kAeadTagBytes);
    randombytes_buf(out.data(), kAeadNonceBytes);
    unsigned long long length = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        out.data() + kAeadNonceBytes, &length, plaintext.data(), plaintext.size(),
        associatedData.data(), associatedData.size(), nullptr, out.data(), key.data());
    return out;
}

Result<Bytes> aeadOpen(const SecretBytes& key, ByteView sealed, ByteView associatedData) {
    return openInto<Bytes>(key, sealed, associatedData);
}

Result<SecretBytes> aeadOpenSecret(const SecretBytes& key, ByteView sealed,
                                   ByteView associatedData) {
    return openInto<SecretBytes>(key, sealed, associatedData);
}

} // namespace cloison
