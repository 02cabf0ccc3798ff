#include "crypto/fido/SoftCrypto.h"

#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

namespace cloison::fido {
namespace {

Error openSslFailed(const char* what) {
    return makeError(ErrorCode::Crypto, std::string("software authenticator: ") + what + " failed");
}

struct CtxDeleter {
    void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
    void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
    void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
    void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
    void operator()(PKCS8_PRIV_KEY_INFO* info) const { PKCS8_PRIV_KEY_INFO_free(info); }
};
template <typename T> using Owned = std::unique_ptr<T, CtxDeleter>;

Result<SecretBytes> aes256Cbc(const SecretBytes& key, ByteView data, bool encrypt) {
    if (key.size() != 32 || data.size() % 16 != 0 || data.empty())
        return makeError(ErrorCode::InvalidArgument, "AES-256-CBC needs whole blocks");
    Owned<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
    const unsigned char iv[16] = {};
    SecretBytes out(data.size());
    int length = 0;
    if (!ctx ||
        EVP_CipherInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key.data(), iv, encrypt ? 1 : 0) !=
            1 ||
        EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
        EVP_CipherUpdate(ctx.get(), out.data(), &length, data.data(),
                         static_cast<int>(data.size())) != 1 ||
        static_cast<std::size_t>(length) != data.size())
        return openSslFailed("AES-256-CBC");
    return out;
}

} // namespace

Result<Pkey> generateP256() {
    Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key)
        return openSslFailed("P-256 key generation");
    return key;
}

Result<EcPoint> publicPoint(EVP_PKEY* key) {
    unsigned char buffer[1 + 2 * kP256CoordinateBytes];
    std::size_t length = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, buffer, sizeof buffer,
                                        &length) != 1 ||
        length != sizeof buffer || buffer[0] != 0x04)
        return openSslFailed("reading a public key");
    return EcPoint{Bytes(buffer + 1, buffer + 1 + kP256CoordinateBytes),
                   Bytes(buffer + 1 + kP256CoordinateBytes, buffer + sizeof buffer)};
}

Result<Pkey> p256FromPoint(const EcPoint& point) {
    if (point.x.size() != kP256CoordinateBytes || point.y.size() != kP256CoordinateBytes)
        return makeError(ErrorCode::InvalidArgument, "a P-256 coordinate has 32 bytes");
    Bytes encoded{0x04};
    encoded.insert(encoded.end(), point.x.begin(), point.x.end());
    encoded.insert(encoded.end(), point.y.begin(), point.y.end());
    Owned<OSSL_PARAM_BLD> builder(OSSL_PARAM_BLD_new());
    if (!builder ||
        OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1",
                                        0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, encoded.data(),
                                         encoded.size()) != 1)
        return openSslFailed("building a public key");
    Owned<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(builder.get()));
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        return makeError(ErrorCode::InvalidArgument, "not a point on P-256");
    Pkey key(raw);
    // fromdata does not check that the point is on the curve.
    Owned<EVP_PKEY_CTX> check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1)
        return makeError(ErrorCode::InvalidArgument, "not a point on P-256");
    return key;
}

Result<SecretBytes> privateKeyDer(EVP_PKEY* key) {
    Owned<PKCS8_PRIV_KEY_INFO> info(EVP_PKEY2PKCS8(key));
    if (!info)
        return openSslFailed("encoding a private key");
    const int length = i2d_PKCS8_PRIV_KEY_INFO(info.get(), nullptr);
    if (length <= 0)
        return openSslFailed("encoding a private key");
    SecretBytes out(static_cast<std::size_t>(length));
    unsigned char* cursor = out.data();
    if (i2d_PKCS8_PRIV_KEY_INFO(info.get(), &cursor) != length)
        return openSslFailed("encoding a private key");
    return out;
}

Result<Pkey> privateKeyFromDer(const SecretBytes& der) {
    const unsigned char* cursor = der.data();
    Owned<PKCS8_PRIV_KEY_INFO> info(
        d2i_PKCS8_PRIV_KEY_INFO(nullptr, &cursor, static_cast<long>(der.size())));
    if (!info)
        return makeError(ErrorCode::Corrupted, "software authenticator: a stored key is damaged");
    Pkey key(EVP_PKCS82PKEY(info.get()));
    if (!key)
        return makeError(ErrorCode::Corrupted, "software authenticator: a stored key is damaged");
    return key;
}

Result<SecretBytes> ecdhSharedSecret(EVP_PKEY* own, const EcPoint& peer) {
    auto peerKey = p256FromPoint(peer);
    if (!peerKey)
        return peerKey.error();
    Owned<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, own, nullptr));
    SecretBytes z(kP256CoordinateBytes);
    std::size_t length = z.size();
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
        EVP_PKEY_derive_set_peer(ctx.get(), peerKey.value().get()) != 1 ||
        EVP_PKEY_derive(ctx.get(), z.data(), &length) != 1 || length != z.size())
        return openSslFailed("ECDH");
    SecretBytes out(32);
    if (EVP_Digest(z.data(), z.size(), out.data(), nullptr, EVP_sha256(), nullptr) != 1)
        return openSslFailed("SHA-256");
    return out;
}

Result<Bytes> signEs256(EVP_PKEY* key, ByteView message) {
    Owned<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
    std::size_t length = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &length, message.data(), message.size()) != 1)
        return openSslFailed("ECDSA signing");
    Bytes signature(length);
    if (EVP_DigestSign(ctx.get(), signature.data(), &length, message.data(), message.size()) != 1)
        return openSslFailed("ECDSA signing");
    signature.resize(length);
    return signature;
}

Bytes sha256(ByteView data) {
    Bytes out(32);
    EVP_Digest(data.data(), data.size(), out.data(), nullptr, EVP_sha256(), nullptr);
    return out;
}

SecretBytes hmacSha256(ByteView key, ByteView data) {
    SecretBytes out(32);
    unsigned int length = 32;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), data.data(), data.size(),
         out.data(), &length);
    return out;
}

Result<SecretBytes> aes256CbcEncrypt(const SecretBytes& key, ByteView data) {
    return aes256Cbc(key, data, true);
}

Result<SecretBytes> aes256CbcDecrypt(const SecretBytes& key, ByteView data) {
    return aes256Cbc(key, data, false);
}

} // namespace cloison::fido
