// Key derivation: Argon2id for passphrases (parameters stored beside the salt) and BLAKE2b-based
// subkeys so that one master key never keys two different things.
#pragma once

#include "crypto/SecretBytes.h"

#include <array>
#include <cstdint>

namespace cloison {

constexpr std::size_t kArgon2SaltBytes = 16;
constexpr std::size_t kKeyBytes = 32;

struct Argon2idParams {
    std::uint64_t passes = 0;
    std::uint64_t memoryBytes = 0;

    // The default for real profiles: 256 MiB, 3 passes.
    static Argon2idParams strong() { return {3, 256ull << 20}; }
    // For tests and benchmarks only: fast, and far too weak for a real passphrase.
    static Argon2idParams light() { return {1, 8ull << 20}; }
    bool isWeakerThanStrong() const;
    bool operator==(const Argon2idParams&) const = default;
};

// Parameters read from disk are bounded so that a tampered header cannot ask for terabytes.
[[nodiscard]] Result<void> validateArgon2idParams(const Argon2idParams& params);

[[nodiscard]] Result<SecretBytes> deriveArgon2id(const SecretBytes& passphrase, ByteView salt,
                                                 const Argon2idParams& params,
                                                 std::size_t outputBytes = kKeyBytes);

// A named subkey of a 32-byte master key. The context is exactly 8 characters.
using KdfContext = std::array<char, 8>;
[[nodiscard]] SecretBytes deriveSubkey(const SecretBytes& master, const KdfContext& context,
                                       std::uint64_t subkeyId, std::size_t outputBytes = kKeyBytes);

// Combines independent secrets (e.g. passphrase and FIDO output) so neither alone yields the key.
[[nodiscard]] SecretBytes combineSecrets(const SecretBytes& first, const SecretBytes& second,
                                         ByteView label);

} // namespace cloison
