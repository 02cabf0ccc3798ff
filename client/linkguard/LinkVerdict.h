// What the link guard says about one link, as plain values the UI, the command-line tool and
// (later) the key-event log can carry across the compartment boundary.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cloison::linkguard {

enum class Verdict {
    Trusted,   // the host is a trusted domain or one of its subdomains
    Unknown,   // nothing known against it; opened normally
    Lookalike, // imitates a trusted domain, or disguises itself: defanged, confirm to open
    Blocked,   // on the organisation's signed phishing bulletin: defanged, confirm to open
};

const char* verdictName(Verdict verdict);

struct Reason {
    std::string code;   // stable, for scripts: "confusable", "separator-swap", ...
    std::string detail; // one sentence a person can act on
};

struct LinkCheck {
    std::string url;       // the link as extracted (invisible characters removed)
    std::string written;   // as written, when it hid invisible characters; else empty
    std::string host;      // the host a person should read: IDNs decoded to Unicode
    std::string asciiHost; // the host DNS resolves (punycode)
    Verdict verdict = Verdict::Unknown;
    std::string imitated; // the trusted domain it imitates (lookalike), if one is known
    std::vector<Reason> reasons;

    bool hasReason(std::string_view code) const;
};

// Lookalike and blocked links are never opened by a single click.
inline bool needsConfirmation(Verdict verdict) {
    return verdict == Verdict::Lookalike || verdict == Verdict::Blocked;
}

// Renders a link so that it cannot be clicked or pasted into a browser by accident and shows
// what it hides: "hxxps://en-marche[.]fr[@]evil[.]tld/", IDNs as "en-marché[.]fr (punycode
// xn--en-march-fya[.]fr)", and any control, invisible or bidi character as "<U+202E>".
std::string defang(const LinkCheck& check);

enum class LinkAction {
    Warned,    // a lookalike or blocked link was shown, defanged
    Opened,    // the person confirmed and opened it anyway
    Dismissed, // the person declined to open it
};

const char* linkActionName(LinkAction action);

// One entry for the compartment's key-event log (the log itself is another component): what was
// decided about which link, and what the person did. Carries no message text.
struct LinkEvent {
    std::int64_t at = 0; // milliseconds since the epoch
    LinkAction action = LinkAction::Warned;
    Verdict verdict = Verdict::Unknown;
    std::string url;
    std::string asciiHost;
    std::string imitated;
    std::vector<std::string> reasonCodes;
};

LinkEvent makeLinkEvent(const LinkCheck& check, LinkAction action, std::int64_t atMillis);

} // namespace cloison::linkguard
