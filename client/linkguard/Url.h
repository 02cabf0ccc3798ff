// Splits a URL into the parts the link guard judges, the way a browser would (WHATWG URL
// rules where they matter for deception): the authority ends at "/", "\", "?" or "#", the
// user-info ends at the last "@", and the host is percent-decoded.
#pragma once

#include <string>
#include <string_view>

namespace cloison::linkguard {

struct UrlParts {
    std::string scheme;   // lowercase; empty for a bare domain ("en-marche.fr/login")
    std::string userInfo; // what precedes "@" in the authority, if anything
    bool hasUserInfo = false;
    std::string host; // percent-decoded, as written (Unicode allowed), without brackets
    std::string port;
    std::string rest;         // path, query and fragment
    bool isIpAddress = false; // IPv4 in any notation a browser accepts, or IPv6
};

// Never fails: an unparseable URL yields an empty host, which the guard reports.
UrlParts splitUrl(std::string_view url);

} // namespace cloison::linkguard
