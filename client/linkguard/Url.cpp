#include "client/linkguard/Url.h"

namespace cloison::linkguard {
namespace {

bool isAsciiAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool isAsciiDigit(char c) {
    return c >= '0' && c <= '9';
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

int hexValue(char c) {
    if (isAsciiDigit(c))
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

std::string percentDecode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            const int high = hexValue(text[i + 1]);
            const int low = hexValue(text[i + 2]);
            if (high >= 0 && low >= 0) {
                out.push_back(static_cast<char>(high * 16 + low));
                i += 2;
                continue;
            }
        }
        out.push_back(text[i]);
    }
    return out;
}

// WHATWG: a host whose last label is a number ("1", "0x7f", "017") is an IPv4 address.
bool endsInNumber(std::string_view host) {
    if (host.ends_with('.'))
        host.remove_suffix(1);
    const std::size_t dot = host.rfind('.');
    std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
    if (last.empty())
        return false;
    if (last.size() >= 2 && last[0] == '0' && lower(last[1]) == 'x') {
        last.remove_prefix(2);
        for (char c : last) {
            if (hexValue(c) < 0)
                return false;
        }
        return true;
    }
    for (char c : last) {
        if (!isAsciiDigit(c))
            return false;
    }
    return true;
}

} // namespace

UrlParts splitUrl(std::string_view url) {
    UrlParts parts;
    std::string_view remaining = url;
    // Scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
    std::size_t colon = 0;
    while (colon < remaining.size() &&
           (isAsciiAlpha(remaining[colon]) ||
            (colon > 0 && (isAsciiDigit(remaining[colon]) || remaining[colon] == '+' ||
                           remaining[colon] == '-' || remaining[colon] == '.'))))
        ++colon;
    if (colon > 0 && colon < remaining.size() && remaining[colon] == ':' &&
        remaining.substr(colon + 1).starts_with("//")) {
        for (char c : remaining.substr(0, colon))
            parts.scheme.push_back(lower(c));
        remaining.remove_prefix(colon + 1);
        // Browsers accept any number of slashes or backslashes after a special scheme.
        while (!remaining.empty() && (remaining.front() == '/' || remaining.front() == '\\'))
            remaining.remove_prefix(1);
    } else if (colon > 0 && colon < remaining.size() && remaining[colon] == ':' &&
               !(colon + 1 < remaining.size() && isAsciiDigit(remaining[colon + 1]))) {
        // "javascript:...", "mailto:...": a scheme without an authority, so no host.
        for (char c : remaining.substr(0, colon))
            parts.scheme.push_back(lower(c));
        parts.rest = std::string(remaining.substr(colon + 1));
        return parts;
    }
    const std::size_t authorityEnd = remaining.find_first_of("/\\?#");
    std::string_view authority = remaining.substr(0, authorityEnd);
    if (authorityEnd != std::string_view::npos)
        parts.rest = std::string(remaining.substr(authorityEnd));
    if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) {
        parts.hasUserInfo = true;
        parts.userInfo = percentDecode(authority.substr(0, at));
        authority.remove_prefix(at + 1);
    }
    if (authority.starts_with('[')) {
        const std::size_t close = authority.find(']');
        parts.host = std::string(authority.substr(
            1, close == std::string_view::npos ? std::string_view::npos : close - 1));
        parts.isIpAddress = true;
        if (close != std::string_view::npos && authority.substr(close + 1).starts_with(':'))
            parts.port = std::string(authority.substr(close + 2));
        return parts;
    }
    if (const std::size_t portColon = authority.rfind(':'); portColon != std::string_view::npos) {
        parts.port = std::string(authority.substr(portColon + 1));
        authority = authority.substr(0, portColon);
    }
    parts.host = percentDecode(authority);
    while (parts.host.ends_with('.'))
        parts.host.pop_back();
    parts.isIpAddress = endsInNumber(parts.host);
    return parts;
}

} // namespace cloison::linkguard
