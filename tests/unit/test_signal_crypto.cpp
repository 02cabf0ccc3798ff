// Known-answer tests for the crypto provider libsignal-protocol-c calls (RFC 4231 HMAC-SHA256,
// FIPS 180-4 SHA-512, SP 800-38A AES-256-CBC) and for the AES-128-GCM payload cipher.
#include "crypto/AesGcm.h"
#include "crypto/SignalHandles.h"
#include "crypto/SignalProvider.h"

#include <catch2/catch.hpp>

#include <string>

using namespace cloison;

namespace {

Bytes hex(std::string_view text) {
    return fromHex(text).value();
}

Bytes hmac(ByteView key, ByteView data) {
    const signal_crypto_provider& p = signalCryptoProvider();
    void* ctx = nullptr;
    REQUIRE(p.hmac_sha256_init_func(&ctx, key.data(), key.size(), nullptr) == 0);
    // Fed in two pieces, as libsignal does, to exercise update.
    const std::size_t half = data.size() / 2;
    REQUIRE(p.hmac_sha256_update_func(ctx, data.data(), half, nullptr) == 0);
    REQUIRE(p.hmac_sha256_update_func(ctx, data.data() + half, data.size() - half, nullptr) == 0);
    SignalBuffer out;
    REQUIRE(p.hmac_sha256_final_func(ctx, out.out(), nullptr) == 0);
    p.hmac_sha256_cleanup_func(ctx, nullptr);
    return out.bytes();
}

Bytes sha512(ByteView data) {
    const signal_crypto_provider& p = signalCryptoProvider();
    void* ctx = nullptr;
    REQUIRE(p.sha512_digest_init_func(&ctx, nullptr) == 0);
    REQUIRE(p.sha512_digest_update_func(ctx, data.data(), data.size(), nullptr) == 0);
    SignalBuffer out;
    REQUIRE(p.sha512_digest_final_func(ctx, out.out(), nullptr) == 0);
    p.sha512_digest_cleanup_func(ctx, nullptr);
    return out.bytes();
}

int cbc(bool encrypt, int cipher, ByteView key, ByteView iv, ByteView in, Bytes& out) {
    const signal_crypto_provider& p = signalCryptoProvider();
    SignalBuffer buffer;
    auto fn = encrypt ? p.encrypt_func : p.decrypt_func;
    int rc = fn(buffer.out(), cipher, key.data(), key.size(), iv.data(), iv.size(), in.data(),
                in.size(), nullptr);
    out = buffer.bytes();
    return rc;
}

} // namespace

TEST_CASE("provider HMAC-SHA256 matches RFC 4231") {
    CHECK(hmac(Bytes(20, 0x0b), asBytes("Hi There")) ==
          hex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"));
    CHECK(hmac(asBytes("Jefe"), asBytes("what do ya want for nothing?")) ==
          hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"));
    CHECK(hmac(Bytes(20, 0xaa), Bytes(50, 0xdd)) ==
          hex("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"));
    CHECK(
        hmac(Bytes(131, 0xaa), asBytes("Test Using Larger Than Block-Size Key - Hash Key First")) ==
        hex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"));
    CHECK(hmac(Bytes(131, 0xaa),
               asBytes("This is a test using a larger than block-size key and a larger than "
                       "block-size data. The key needs to be hashed before being used by the "
                       "HMAC algorithm.")) ==
          hex("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"));
}

TEST_CASE("provider SHA-512 matches FIPS 180-4") {
    CHECK(sha512({}) == hex("cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
                            "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"));
    CHECK(sha512(asBytes("abc")) ==
          hex("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
              "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));
    CHECK(sha512(asBytes("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                         "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")) ==
          hex("8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
              "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"));
}

TEST_CASE("provider AES-256-CBC matches SP 800-38A F.2.5 and checks PKCS#7 strictly") {
    const Bytes key = hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
    const Bytes iv = hex("000102030405060708090a0b0c0d0e0f");
    const Bytes plain = hex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
                            "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
    const Bytes expected = hex("f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
                               "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b");
    Bytes sealed;
    REQUIRE(cbc(true, SG_CIPHER_AES_CBC_PKCS5, key, iv, plain, sealed) == 0);
    REQUIRE(sealed.size() == plain.size() + 16); // a whole block of padding
    CHECK(Bytes(sealed.begin(), sealed.begin() + 64) == expected);

    Bytes opened;
    REQUIRE(cbc(false, SG_CIPHER_AES_CBC_PKCS5, key, iv, sealed, opened) == 0);
    CHECK(opened == plain);

    // The raw vector ends in ...3710: "0x10" padding whose other bytes are not 0x10.
    CHECK(cbc(false, SG_CIPHER_AES_CBC_PKCS5, key, iv, expected, opened) == SG_ERR_INVALID_MESSAGE);
    // Not a whole number of blocks, empty, wrong key or IV size.
    CHECK(cbc(false, SG_CIPHER_AES_CBC_PKCS5, key, iv, ByteView(sealed).first(70), opened) != 0);
    CHECK(cbc(false, SG_CIPHER_AES_CBC_PKCS5, key, iv, {}, opened) != 0);
    CHECK(cbc(true, SG_CIPHER_AES_CBC_PKCS5, ByteView(key).first(16), iv, plain, opened) != 0);
    CHECK(cbc(true, SG_CIPHER_AES_CBC_PKCS5, key, ByteView(iv).first(12), plain, opened) != 0);

    // Every padding length 0..16 round-trips; a flipped last byte never opens.
    for (std::size_t n = 0; n <= 17; ++n) {
        const Bytes message(n, 0x42);
        REQUIRE(cbc(true, SG_CIPHER_AES_CBC_PKCS5, key, iv, message, sealed) == 0);
        REQUIRE(cbc(false, SG_CIPHER_AES_CBC_PKCS5, key, iv, sealed, opened) == 0);
        CHECK(opened == message);
    }
}

TEST_CASE("provider refuses AES-CTR, the cipher of version-2 sessions") {
    const Bytes key(32, 1);
    const Bytes iv(16, 2);
    Bytes out;
    CHECK(cbc(true, SG_CIPHER_AES_CTR_NOPADDING, key, iv, asBytes("x"), out) ==
          SG_ERR_INVALID_VERSION);
    CHECK(cbc(false, SG_CIPHER_AES_CTR_NOPADDING, key, iv, asBytes("x"), out) ==
          SG_ERR_INVALID_VERSION);
}

TEST_CASE("AES-128-GCM matches the GCM specification's test case 3 and rejects tampering") {
    const SecretBytes key = SecretBytes::copyOf(hex("feffe9928665731c6d6a8f9467308308"));
    const Bytes iv = hex("cafebabefacedbaddecaf888");
    const Bytes plain = hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
                            "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255");
    auto sealed = aes128GcmEncrypt(key.view(), iv, plain);
    REQUIRE(sealed);
    CHECK(sealed.value().ciphertext ==
          hex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
              "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985"));
    CHECK(sealed.value().tag == hex("4d5c2af327cd64a62cf35abd2ba6fab4"));
    auto opened = aes128GcmDecrypt(key.view(), iv, sealed.value().ciphertext, sealed.value().tag);
    REQUIRE(opened);
    CHECK(opened.value() == plain);

    Bytes tag = sealed.value().tag;
    tag[3] ^= 1;
    auto bad = aes128GcmDecrypt(key.view(), iv, sealed.value().ciphertext, tag);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == ErrorCode::WrongKey);
    Bytes ct = sealed.value().ciphertext;
    ct[0] ^= 1;
    CHECK_FALSE(aes128GcmDecrypt(key.view(), iv, ct, sealed.value().tag));
    CHECK_FALSE(aes128GcmDecrypt(key.view(), ByteView(iv).first(8), sealed.value().ciphertext,
                                 sealed.value().tag));
}

TEST_CASE("signal context owner sets up libsignal with our provider") {
    auto context = SignalContext::create();
    REQUIRE(context);
    CHECK(context.value()->get() != nullptr);
}
