// Public (non-secret) byte strings and their text encodings. Secrets use SecretBytes instead.
#pragma once

#include "crypto/Result.h"

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cloison {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView asBytes(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

std::string toHex(ByteView bytes);
Result<Bytes> fromHex(std::string_view hex);
std::string toBase64(ByteView bytes);
Result<Bytes> fromBase64(std::string_view base64);
// A decimal number in its one canonical form (no sign, no leading zero, at most `max`), as
// signed documents write versions and times.
[[nodiscard]] bool parseCanonicalDecimal(std::string_view text, std::uint64_t max,
                                         std::uint64_t& out);

} // namespace cloison
