#include "client/documents/DocumentLink.h"

#include "crypto/DocumentCipher.h"

#include <algorithm>

namespace cloison::documents {
namespace {

constexpr std::string_view kScheme = "aesgcm://";
constexpr std::size_t kMaxLinkBytes = 4096;
constexpr std::size_t kMaxNameBytes = 200;

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

std::string percentDecode(std::string_view text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 &&
            hexValue(text[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2])));
            i += 2;
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// The fragment's hex straight into guarded memory: no std::string copy of the key is made.
Result<SecretBytes> secretFromHex(std::string_view hex) {
    SecretBytes out(hex.size() / 2);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const int high = hexValue(hex[2 * i]);
        const int low = hexValue(hex[2 * i + 1]);
        if (high < 0 || low < 0)
            return makeError(ErrorCode::InvalidArgument,
                             "the document link's key is not hexadecimal");
        out.data()[i] = static_cast<std::uint8_t>(high * 16 + low);
    }
    return out;
}

} // namespace

bool isDocumentLink(std::string_view body) {
    return body.size() > kScheme.size() && body.size() <= kMaxLinkBytes &&
           body.substr(0, kScheme.size()) == kScheme &&
           std::none_of(body.begin(), body.end(),
                        [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; });
}

Result<DocumentLink> parseDocumentLink(std::string_view body) {
    if (!isDocumentLink(body))
        return makeError(ErrorCode::InvalidArgument,
                         "not a document link (aesgcm://HOST/PATH#KEY on a line of its own)");
    const std::string_view rest = body.substr(kScheme.size());
    const auto hash = rest.find('#');
    if (hash == std::string_view::npos)
        return makeError(ErrorCode::InvalidArgument, "the document link carries no key");
    const std::string_view address = rest.substr(0, hash);
    const std::string_view fragment = rest.substr(hash + 1);
    const std::size_t keyHex = 2 * kDocumentKeyBytes;
    if (fragment.size() != keyHex + 2 * 12 && fragment.size() != keyHex + 2 * 16)
        return makeError(ErrorCode::InvalidArgument,
                         "the document link's key has the wrong length (expected 88 or 96 hex "
                         "characters)");
    const auto slash = address.find('/');
    if (slash == 0 || slash == std::string_view::npos || address.find('@') < slash ||
        address.find_first_of("?") != std::string_view::npos)
        return makeError(ErrorCode::InvalidArgument, "the document link has no host or path");
    std::string_view path = address.substr(slash + 1);
    const auto lastSlash = path.rfind('/');
    const std::string_view last =
        lastSlash == std::string_view::npos ? path : path.substr(lastSlash + 1);
    DocumentLink link;
    link.url = "https://" + std::string(address);
    link.fileName = safeFileName(percentDecode(last));
    const std::size_t ivHex = fragment.size() - keyHex;
    auto iv = secretFromHex(fragment.substr(0, ivHex));
    if (!iv)
        return iv.error();
    auto key = secretFromHex(fragment.substr(ivHex));
    if (!key)
        return key.error();
    link.iv = std::move(iv.value());
    link.key = std::move(key.value());
    return link;
}

Result<std::string> formatDocumentLink(const std::string& httpsUrl, const SecretBytes& iv,
                                       const SecretBytes& key) {
    constexpr std::string_view kHttps = "https://";
    if (!httpsUrl.starts_with(kHttps))
        return makeError(ErrorCode::InvalidArgument,
                         "a document link is made from an https:// address");
    if (iv.size() != kDocumentIvBytes || key.size() != kDocumentKeyBytes)
        return makeError(ErrorCode::InvalidArgument, "a document link takes a 12-byte IV and a "
                                                     "32-byte key");
    std::string link = std::string(kScheme) + httpsUrl.substr(kHttps.size()) + "#";
    static const char digits[] = "0123456789abcdef";
    for (const SecretBytes* part : {&iv, &key})
        for (std::uint8_t byte : part->view()) {
            link.push_back(digits[byte >> 4]);
            link.push_back(digits[byte & 0xf]);
        }
    return link;
}

std::string safeFileName(std::string_view name) {
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        // U+200B..U+200F, U+202A..U+202E, U+2066..U+2069 (zero-width and bidi controls) are
        // E2 80 8B..8F, E2 80 AA..AE, E2 81 A6..A9 in UTF-8: a name must read as it is.
        if (c == 0xe2 && i + 2 < name.size()) {
            const auto b1 = static_cast<unsigned char>(name[i + 1]);
            const auto b2 = static_cast<unsigned char>(name[i + 2]);
            if ((b1 == 0x80 && ((b2 >= 0x8b && b2 <= 0x8f) || (b2 >= 0xaa && b2 <= 0xae))) ||
                (b1 == 0x81 && b2 >= 0xa6 && b2 <= 0xa9)) {
                out.push_back('_');
                i += 2;
                continue;
            }
        }
        out.push_back(c < 0x20 || c == 0x7f || c == '/' || c == '\\' ? '_' : static_cast<char>(c));
    }
    while (!out.empty() && (out.front() == '.' || out.front() == ' '))
        out.erase(out.begin()); // no hidden files, no "..", no leading blank
    if (out.size() > kMaxNameBytes) {
        std::size_t cut = kMaxNameBytes;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xc0) == 0x80)
            --cut; // not inside a UTF-8 sequence
        out.resize(cut);
    }
    return out.empty() ? "document" : out;
}

} // namespace cloison::documents
