#include "crypto/Bytes.h"

#include "crypto/Sodium.h"

#include <sodium.h>

#include <charconv>

namespace cloison {

std::string toHex(ByteView bytes) {
    std::string out(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
    out.pop_back();
    return out;
}

Result<Bytes> fromHex(std::string_view hex) {
    Bytes out(hex.size() / 2 + 1);
    std::size_t length = 0;
    const char* end = nullptr;
    if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &length, &end) !=
            0 ||
        end != hex.data() + hex.size())
        return makeError(ErrorCode::InvalidArgument, "not a hexadecimal string");
    out.resize(length);
    return out;
}

std::string toBase64(ByteView bytes) {
    ensureSodium();
    const auto variant = sodium_base64_VARIANT_ORIGINAL;
    std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), variant);
    out.resize(out.size() - 1);
    return out;
}

Result<Bytes> fromBase64(std::string_view base64) {
    ensureSodium();
    Bytes out(base64.size() / 4 * 3 + 3);
    std::size_t length = 0;
    const char* end = nullptr;
    // Whitespace is tolerated because XML pretty-printers wrap long base64 text.
    if (sodium_base642bin(out.data(), out.size(), base64.data(), base64.size(), " \t\r\n", &length,
                          &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        end != base64.data() + base64.size())
        return makeError(ErrorCode::InvalidArgument, "not valid base64");
    out.resize(length);
    return out;
}

bool parseCanonicalDecimal(std::string_view text, std::uint64_t max, std::uint64_t& out) {
    if (text.empty() || text.size() > 19 || (text.size() > 1 && text[0] == '0'))
        return false;
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value > max)
        return false;
    out = value;
    return true;
}

} // namespace cloison
