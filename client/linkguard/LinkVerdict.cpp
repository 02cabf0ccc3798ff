#include "client/linkguard/LinkVerdict.h"

#include "client/linkguard/Utf8.h"

#include <cstdio>

namespace cloison::linkguard {
namespace {

// Characters shown as "<U+XXXX>" in a defanged link: controls, invisible and bidi characters,
// and anything that is not a character.
bool mustShowAsCodePoint(char32_t c) {
    return c < 0x20 || (c >= 0x7F && c < 0xA0) || isInvisible(c) || c == 0x2028 || c == 0x2029 ||
           c == kReplacementCharacter;
}

void appendCodePoint(std::string& out, char32_t c) {
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "<U+%04X>", static_cast<unsigned>(c));
    out.append(buffer);
}

std::string defangText(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    for (std::size_t i = 0; i < text.size();) {
        const DecodedCodePoint decoded = decodeUtf8(text, i);
        const char32_t c = decoded.codePoint;
        i += decoded.length;
        if (c == '.')
            out.append("[.]");
        else if (c == '@')
            out.append("[@]");
        else if (mustShowAsCodePoint(c))
            appendCodePoint(out, c);
        else
            appendUtf8(out, c);
    }
    return out;
}

} // namespace

const char* verdictName(Verdict verdict) {
    switch (verdict) {
    case Verdict::Trusted:
        return "trusted";
    case Verdict::Unknown:
        return "unknown";
    case Verdict::Lookalike:
        return "lookalike";
    case Verdict::Blocked:
        return "blocked";
    }
    return "unknown";
}

const char* linkActionName(LinkAction action) {
    switch (action) {
    case LinkAction::Warned:
        return "warned";
    case LinkAction::Opened:
        return "opened";
    case LinkAction::Dismissed:
        return "dismissed";
    }
    return "warned";
}

bool LinkCheck::hasReason(std::string_view code) const {
    for (const Reason& reason : reasons) {
        if (reason.code == code)
            return true;
    }
    return false;
}

std::string defang(const LinkCheck& check) {
    std::string_view url = check.written.empty() ? check.url : check.written;
    std::string out;
    // "http" and "ftp" lose their meaning to a browser: "hxxps://", "fxp://".
    if (url.size() >= 4 && (url.substr(0, 4) == "http" || url.substr(0, 4) == "HTTP")) {
        out.append("hxxp");
        url.remove_prefix(4);
    } else if (url.size() >= 3 && (url.substr(0, 3) == "ftp" || url.substr(0, 3) == "FTP")) {
        out.append("fxp");
        url.remove_prefix(3);
    }
    out.append(defangText(url));
    if (!check.asciiHost.empty() && check.asciiHost != check.host)
        out.append(" (host " + defangText(check.host) + ", punycode " +
                   defangText(check.asciiHost) + ")");
    return out;
}

LinkEvent makeLinkEvent(const LinkCheck& check, LinkAction action, std::int64_t atMillis) {
    LinkEvent event;
    event.at = atMillis;
    event.action = action;
    event.verdict = check.verdict;
    event.url = check.url;
    event.asciiHost = check.asciiHost;
    event.imitated = check.imitated;
    for (const Reason& reason : check.reasons)
        event.reasonCodes.push_back(reason.code);
    return event;
}

} // namespace cloison::linkguard
