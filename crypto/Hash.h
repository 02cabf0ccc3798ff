// BLAKE2b hashes and MACs, and random values.
#pragma once

#include "crypto/SecretBytes.h"

#include <string>

namespace cloison {

constexpr std::size_t kHashBytes = 32;

[[nodiscard]] Bytes blake2b(ByteView data, std::size_t outputBytes = kHashBytes);
[[nodiscard]] Bytes blake2bMac(const SecretBytes& key, ByteView data,
                               std::size_t outputBytes = kHashBytes);
// Constant-time comparison of two MACs or hashes.
[[nodiscard]] bool equalConstantTime(ByteView a, ByteView b);

[[nodiscard]] Bytes randomBytes(std::size_t size);
// 128 random bits as 32 lowercase hex characters: file names, record ids.
[[nodiscard]] std::string randomId();

} // namespace cloison
