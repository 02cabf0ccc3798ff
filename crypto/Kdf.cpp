#include "crypto/Kdf.h"

#include "crypto/Sodium.h"

#include <sodium.h>

namespace cloison {

bool Argon2idParams::isWeakerThanStrong() const {
    const auto s = strong();
    return passes < s.passes || memoryBytes < s.memoryBytes;
}

Result<void> validateArgon2idParams(const Argon2idParams& params) {
    constexpr std::uint64_t kMaxPasses = 64;
    constexpr std::uint64_t kMaxMemory = 8ull << 30;
    if (params.passes < crypto_pwhash_argon2id_OPSLIMIT_MIN || params.passes > kMaxPasses)
        return makeError(ErrorCode::InvalidArgument, "Argon2id pass count is out of range");
    if (params.memoryBytes < crypto_pwhash_argon2id_MEMLIMIT_MIN || params.memoryBytes > kMaxMemory)
        return makeError(ErrorCode::InvalidArgument, "Argon2id memory size is out of range");
    return {};
}

Result<SecretBytes> deriveArgon2id(const SecretBytes& passphrase, ByteView salt,
                                   const Argon2idParams& params, std::size_t outputBytes) {
    ensureSodium();
    if (salt.size() != kArgon2SaltBytes)
        return makeError(ErrorCode::InvalidArgument, "Argon2id salt must be 16 bytes");
    if (auto valid = validateArgon2idParams(params); !valid)
        return valid.error();
    SecretBytes out(outputBytes);
    const char* password = reinterpret_cast<const char*>(passphrase.data());
    static const char kEmpty = '\0';
    if (crypto_pwhash(out.data(), out.size(), passphrase.empty() ? &kEmpty : password,
                      passphrase.size(), salt.data(), params.passes,
                      static_cast<std::size_t>(params.memoryBytes),
                      crypto_pwhash_ALG_ARGON2ID13) != 0)
        return makeError(ErrorCode::Io, "not enough memory for the passphrase key derivation");
    return out;
}

SecretBytes deriveSubkey(const SecretBytes& master, const KdfContext& context,
                         std::uint64_t subkeyId, std::size_t outputBytes) {
    ensureSodium();
    SecretBytes out(outputBytes);
    // Sizes are fixed by our own callers; a mismatch is a programming error caught by tests.
    if (master.size() != crypto_kdf_KEYBYTES ||
        crypto_kdf_derive_from_key(out.data(), out.size(), subkeyId, context.data(),
                                   master.data()) != 0)
        std::abort();
    return out;
}

SecretBytes combineSecrets(const SecretBytes& first, const SecretBytes& second, ByteView label) {
    ensureSodium();
    SecretBytes out(kKeyBytes);
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, out.size());
    const std::uint64_t lengths[2] = {first.size(), second.size()};
    crypto_generichash_update(&state, label.data(), label.size());
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(lengths),
                              sizeof lengths);
    crypto_generichash_update(&state, first.data(), first.size());
    crypto_generichash_update(&state, second.data(), second.size());
    crypto_generichash_final(&state, out.data(), out.size());
    sodium_memzero(&state, sizeof state);
    return out;
}

} // namespace cloison
