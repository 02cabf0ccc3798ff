#include "crypto/AesGcm.h"

#include <openssl/evp.h>

#include <algorithm>
#include <climits>
#include <memory>

namespace cloison {
namespace {

struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

Result<void> checkSizes(ByteView key, ByteView iv, std::size_t dataLen) {
    if (key.size() != kAesGcmKeyBytes)
        return makeError(ErrorCode::InvalidArgument, "AES-128-GCM needs a 16-byte key");
    if (iv.size() != kAesGcmIvBytes)
        return makeError(ErrorCode::InvalidArgument, "AES-128-GCM needs a 12-byte IV");
    if (dataLen > static_cast<std::size_t>(INT_MAX))
        return makeError(ErrorCode::InvalidArgument, "AES-128-GCM input too long");
    return {};
}

Error failed(const char* what) {
    return makeError(ErrorCode::Crypto, std::string("AES-128-GCM: ") + what + " failed");
}

} // namespace

Result<AesGcmSealed> aes128GcmEncrypt(ByteView key, ByteView iv, ByteView plaintext) {
    if (auto sizes = checkSizes(key, iv, plaintext.size()); !sizes)
        return sizes.error();
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!ctx)
        return failed("allocation");
    AesGcmSealed out{Bytes(plaintext.size()), Bytes(kAesGcmTagBytes)};
    int written = 0;
    int tail = 0;
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()),
                            nullptr) != 1 ||
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), iv.data()) != 1)
        return failed("setup");
    if (!plaintext.empty() &&
        EVP_EncryptUpdate(ctx.get(), out.ciphertext.data(), &written, plaintext.data(),
                          static_cast<int>(plaintext.size())) != 1)
        return failed("encryption");
    if (EVP_EncryptFinal_ex(ctx.get(), out.ciphertext.data() + written, &tail) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kAesGcmTagBytes),
                            out.tag.data()) != 1)
        return failed("finalisation");
    return out;
}

Result<Bytes> aes128GcmDecrypt(ByteView key, ByteView iv, ByteView ciphertext, ByteView tag) {
    if (auto sizes = checkSizes(key, iv, ciphertext.size()); !sizes)
        return sizes.error();
    if (tag.size() != kAesGcmTagBytes)
        return makeError(ErrorCode::InvalidArgument, "AES-128-GCM needs a 16-byte tag");
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    if (!ctx)
        return failed("allocation");
    Bytes plaintext(ciphertext.size());
    int written = 0;
    int tail = 0;
    Bytes tagCopy(tag.begin(), tag.end()); // OpenSSL's ctrl takes a non-const pointer
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()),
                            nullptr) != 1 ||
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key.data(), iv.data()) != 1)
        return failed("setup");
    if (!ciphertext.empty() &&
        EVP_DecryptUpdate(ctx.get(), plaintext.data(), &written, ciphertext.data(),
                          static_cast<int>(ciphertext.size())) != 1)
        return failed("decryption");
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kAesGcmTagBytes),
                            tagCopy.data()) != 1)
        return failed("tag setup");
    if (EVP_DecryptFinal_ex(ctx.get(), plaintext.data() + written, &tail) != 1) {
        std::fill(plaintext.begin(), plaintext.end(), std::uint8_t{0});
        return makeError(ErrorCode::WrongKey,
                         "the payload does not authenticate (key, IV, payload or tag altered)");
    }
    return plaintext;
}

} // namespace cloison
