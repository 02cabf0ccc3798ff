// UTF-8 decoding and encoding for hostile text (the link guard, received messages, worker
// frames): invalid bytes decode to U+FFFD and never stop a scan.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cloison::linkguard {

constexpr char32_t kReplacementCharacter = 0xFFFD;

struct DecodedCodePoint {
    char32_t codePoint;
    std::size_t length; // bytes consumed, at least 1
};

// Decodes the code point that starts at `offset` (which must be < text.size()).
DecodedCodePoint decodeUtf8(std::string_view text, std::size_t offset);
// Strict UTF-8 throughout: no stray or missing continuation bytes, overlong forms, surrogates,
// or code points above U+10FFFF.
bool isValidUtf8(std::string_view text);
void appendUtf8(std::string& out, char32_t codePoint);
std::u32string toUtf32(std::string_view text);
std::string toUtf8(std::u32string_view text);

// Characters a person cannot see: zero-width characters, soft hyphen, invisible operators and
// the byte order mark. Bidirectional controls are reported separately.
bool isZeroWidth(char32_t c);
// Characters that reorder what is displayed (LRM/RLM/ALM, embeddings, overrides, isolates).
bool isBidiControl(char32_t c);
inline bool isInvisible(char32_t c) {
    return isZeroWidth(c) || isBidiControl(c);
}

} // namespace cloison::linkguard
