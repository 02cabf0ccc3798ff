#include "client/linkguard/Json.h"

#include "client/linkguard/Utf8.h"

#include <cstdio>

namespace cloison::linkguard {
namespace {

void appendEscape(std::string& out, unsigned unit) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "\\u%04x", unit);
    out.append(buffer);
}

} // namespace

std::string jsonString(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size() + 2);
    out.push_back('"');
    for (std::size_t i = 0; i < utf8.size();) {
        const DecodedCodePoint decoded = decodeUtf8(utf8, i);
        const char32_t c = decoded.codePoint;
        i += decoded.length;
        switch (c) {
        case '"':
            out.append("\\\"");
            continue;
        case '\\':
            out.append("\\\\");
            continue;
        case '\n':
            out.append("\\n");
            continue;
        case '\r':
            out.append("\\r");
            continue;
        case '\t':
            out.append("\\t");
            continue;
        default:
            break;
        }
        if (c >= 0x20 && c < 0x7F) {
            out.push_back(static_cast<char>(c));
        } else if (c < 0x10000) {
            appendEscape(out, static_cast<unsigned>(c));
        } else {
            const char32_t v = c - 0x10000;
            appendEscape(out, static_cast<unsigned>(0xD800 + (v >> 10)));
            appendEscape(out, static_cast<unsigned>(0xDC00 + (v & 0x3FF)));
        }
    }
    out.push_back('"');
    return out;
}

std::string toJson(const LinkCheck& check) {
    std::string out = "{\"url\":" + jsonString(check.url);
    out += ",\"written\":" + (check.written.empty() ? "null" : jsonString(check.written));
    out += ",\"verdict\":" + jsonString(verdictName(check.verdict));
    out += ",\"host\":" + jsonString(check.host);
    out += ",\"ascii_host\":" + jsonString(check.asciiHost);
    out += ",\"imitated\":" + (check.imitated.empty() ? "null" : jsonString(check.imitated));
    out += ",\"reasons\":[";
    for (std::size_t i = 0; i < check.reasons.size(); ++i) {
        if (i > 0)
            out += ',';
        out += "{\"code\":" + jsonString(check.reasons[i].code) +
               ",\"detail\":" + jsonString(check.reasons[i].detail) + '}';
    }
    out += "],\"defanged\":" +
           (needsConfirmation(check.verdict) ? jsonString(defang(check)) : std::string("null"));
    out += '}';
    return out;
}

} // namespace cloison::linkguard
