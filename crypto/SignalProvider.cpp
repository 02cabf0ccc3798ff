#include "crypto/SignalProvider.h"

#include "crypto/Sodium.h"

#include <openssl/evp.h>
#include <signal/signal_protocol.h>
#include <sodium.h>

#include <climits>
#include <cstring>
#include <memory>
#include <new>

namespace cloison {
namespace {

constexpr std::size_t kAes256KeyBytes = 32;
constexpr std::size_t kAesBlockBytes = 16;

int randomBytes(std::uint8_t* data, std::size_t len, void*) {
    ensureSodium();
    randombytes_buf(data, len);
    return 0;
}

// Contexts hold key-derived state and are wiped on release. They live on the ordinary heap:
// libsignal creates several per message, and a guarded allocation (mmap, mprotect, mlock) for
// each would cost more than the cryptography itself.
template <typename State> State* allocState() {
    ensureSodium();
    return new (std::nothrow) State();
}

template <typename State> void freeState(void* context, void*) {
    if (context == nullptr)
        return;
    sodium_memzero(context, sizeof(State));
    delete static_cast<State*>(context);
}

int hmacInit(void** context, const std::uint8_t* key, std::size_t keyLen, void*) {
    auto* state = allocState<crypto_auth_hmacsha256_state>();
    if (state == nullptr)
        return SG_ERR_NOMEM;
    if (crypto_auth_hmacsha256_init(state, key, keyLen) != 0) {
        freeState<crypto_auth_hmacsha256_state>(state, nullptr);
        return SG_ERR_UNKNOWN;
    }
    *context = state;
    return 0;
}

int hmacUpdate(void* context, const std::uint8_t* data, std::size_t len, void*) {
    auto* state = static_cast<crypto_auth_hmacsha256_state*>(context);
    return crypto_auth_hmacsha256_update(state, data, len) == 0 ? 0 : SG_ERR_UNKNOWN;
}

int hmacFinal(void* context, signal_buffer** output, void*) {
    auto* state = static_cast<crypto_auth_hmacsha256_state*>(context);
    std::uint8_t mac[crypto_auth_hmacsha256_BYTES];
    if (crypto_auth_hmacsha256_final(state, mac) != 0)
        return SG_ERR_UNKNOWN;
    *output = signal_buffer_create(mac, sizeof mac);
    sodium_memzero(mac, sizeof mac);
    return *output == nullptr ? SG_ERR_NOMEM : 0;
}

int sha512Init(void** context, void*) {
    auto* state = allocState<crypto_hash_sha512_state>();
    if (state == nullptr)
        return SG_ERR_NOMEM;
    crypto_hash_sha512_init(state);
    *context = state;
    return 0;
}

int sha512Update(void* context, const std::uint8_t* data, std::size_t len, void*) {
    auto* state = static_cast<crypto_hash_sha512_state*>(context);
    return crypto_hash_sha512_update(state, data, len) == 0 ? 0 : SG_ERR_UNKNOWN;
}

int sha512Final(void* context, signal_buffer** output, void*) {
    auto* state = static_cast<crypto_hash_sha512_state*>(context);
    std::uint8_t digest[crypto_hash_sha512_BYTES];
    crypto_hash_sha512_final(state, digest);
    // libsignal reuses the context after final (HKDF rounds): start it afresh.
    crypto_hash_sha512_init(state);
    *output = signal_buffer_create(digest, sizeof digest);
    sodium_memzero(digest, sizeof digest);
    return *output == nullptr ? SG_ERR_NOMEM : 0;
}

struct CipherCtxFree {
    void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

int checkCbcArguments(int cipher, std::size_t keyLen, std::size_t ivLen, std::size_t dataLen) {
    if (cipher != SG_CIPHER_AES_CBC_PKCS5)
        return SG_ERR_INVALID_VERSION; // AES-CTR: version-2 sessions are not supported
    if (keyLen != kAes256KeyBytes || ivLen != kAesBlockBytes)
        return SG_ERR_INVAL;
    if (dataLen > static_cast<std::size_t>(INT_MAX) - kAesBlockBytes)
        return SG_ERR_INVAL;
    return 0;
}

int aesCbcEncrypt(signal_buffer** output, int cipher, const std::uint8_t* key, std::size_t keyLen,
                  const std::uint8_t* iv, std::size_t ivLen, const std::uint8_t* plaintext,
                  std::size_t plaintextLen, void*) {
    if (int rc = checkCbcArguments(cipher, keyLen, ivLen, plaintextLen); rc != 0)
        return rc;
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    signal_buffer* out = signal_buffer_alloc(plaintextLen + kAesBlockBytes);
    if (!ctx || out == nullptr) {
        signal_buffer_free(out);
        return SG_ERR_NOMEM;
    }
    std::uint8_t* data = signal_buffer_data(out);
    int written = 0;
    int tail = 0;
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key, iv) != 1 ||
        EVP_EncryptUpdate(ctx.get(), data, &written, plaintext, static_cast<int>(plaintextLen)) !=
            1 ||
        EVP_EncryptFinal_ex(ctx.get(), data + written, &tail) != 1) {
        signal_buffer_bzero_free(out);
        return SG_ERR_UNKNOWN;
    }
    // The buffer was allocated one block longer than needed: shrink to the real length.
    signal_buffer* exact = signal_buffer_create(data, static_cast<std::size_t>(written + tail));
    signal_buffer_bzero_free(out);
    if (exact == nullptr)
        return SG_ERR_NOMEM;
    *output = exact;
    return 0;
}

int aesCbcDecrypt(signal_buffer** output, int cipher, const std::uint8_t* key, std::size_t keyLen,
                  const std::uint8_t* iv, std::size_t ivLen, const std::uint8_t* ciphertext,
                  std::size_t ciphertextLen, void*) {
    if (int rc = checkCbcArguments(cipher, keyLen, ivLen, ciphertextLen); rc != 0)
        return rc;
    if (ciphertextLen == 0 || ciphertextLen % kAesBlockBytes != 0)
        return SG_ERR_INVALID_MESSAGE;
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    signal_buffer* out = signal_buffer_alloc(ciphertextLen);
    if (!ctx || out == nullptr) {
        signal_buffer_free(out);
        return SG_ERR_NOMEM;
    }
    std::uint8_t* data = signal_buffer_data(out);
    int written = 0;
    int tail = 0;
    // Padding is removed by hand below so that every byte of it is checked.
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_cbc(), nullptr, key, iv) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
        EVP_DecryptUpdate(ctx.get(), data, &written, ciphertext, static_cast<int>(ciphertextLen)) !=
            1 ||
        EVP_DecryptFinal_ex(ctx.get(), data + written, &tail) != 1 ||
        static_cast<std::size_t>(written + tail) != ciphertextLen) {
        signal_buffer_bzero_free(out);
        return SG_ERR_UNKNOWN;
    }
    // Strict PKCS#7, without branching on the padding bytes: 1..16 bytes, all equal to the count.
    const std::uint8_t pad = data[ciphertextLen - 1];
    unsigned bad = static_cast<unsigned>(pad == 0) | static_cast<unsigned>(pad > kAesBlockBytes);
    for (std::size_t i = 0; i < kAesBlockBytes; ++i) {
        const std::uint8_t byte = data[ciphertextLen - 1 - i];
        const unsigned inPad = static_cast<unsigned>(i < pad);
        bad |= inPad & static_cast<unsigned>(byte != pad);
    }
    if (bad != 0) {
        signal_buffer_bzero_free(out);
        return SG_ERR_INVALID_MESSAGE;
    }
    signal_buffer* exact = signal_buffer_create(data, ciphertextLen - pad);
    signal_buffer_bzero_free(out);
    if (exact == nullptr)
        return SG_ERR_NOMEM;
    *output = exact;
    return 0;
}

const signal_crypto_provider kProvider{
    randomBytes,
    hmacInit,
    hmacUpdate,
    hmacFinal,
    freeState<crypto_auth_hmacsha256_state>,
    sha512Init,
    sha512Update,
    sha512Final,
    freeState<crypto_hash_sha512_state>,
    aesCbcEncrypt,
    aesCbcDecrypt,
    nullptr,
};

} // namespace

const signal_crypto_provider& signalCryptoProvider() {
    return kProvider;
}

} // namespace cloison
