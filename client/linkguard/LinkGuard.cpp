#include "client/linkguard/LinkGuard.h"

#include "client/linkguard/Url.h"
#include "client/linkguard/Utf8.h"

namespace cloison::linkguard {
namespace {

constexpr std::size_t kMaxBrandRunTokens = 5;

void addReason(LinkCheck& check, std::string code, std::string detail) {
    check.reasons.push_back({std::move(code), std::move(detail)});
}

void imitates(LinkCheck& check, const TrustedDomain& domain) {
    if (check.imitated.empty())
        check.imitated = domain.unicode;
}

std::vector<std::string_view> splitTokens(std::string_view canonical) {
    std::vector<std::string_view> tokens;
    std::size_t start = 0;
    while (start < canonical.size()) {
        std::size_t end = canonical.find('.', start);
        if (end == std::string_view::npos)
            end = canonical.size();
        tokens.push_back(canonical.substr(start, end - start));
        start = end + 1;
    }
    return tokens;
}

std::string withoutSeparators(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (c != '-' && c != '_')
            out.push_back(c);
    }
    return out;
}

// The skeleton without combining marks (U+0300..U+036F), or empty when it has none.
std::u32string withoutMarks(const std::u32string& skeleton) {
    std::u32string out;
    bool removed = false;
    for (char32_t c : skeleton) {
        if (c >= 0x0300 && c <= 0x036F)
            removed = true;
        else
            out.push_back(c);
    }
    return removed ? out : std::u32string();
}

} // namespace

Result<LinkGuard> LinkGuard::create(std::shared_ptr<const PublicSuffixList> suffixes) {
    if (!suffixes)
        return makeError(ErrorCode::InvalidArgument, "no public suffix list");
    auto spoof = SpoofChecker::open();
    if (!spoof)
        return spoof.error();
    auto idna = Idna::open();
    if (!idna)
        return idna.error();
    return LinkGuard(std::move(suffixes), std::move(spoof.value()), std::move(idna.value()));
}

LinkGuard::LinkGuard(std::shared_ptr<const PublicSuffixList> suffixes, SpoofChecker spoof,
                     Idna idna)
    : m_suffixes(std::move(suffixes)), m_spoof(std::move(spoof)), m_idna(std::move(idna)) {}

Result<void> LinkGuard::setTrustedDomains(const std::vector<std::string>& domains) {
    auto index = TrustedDomainIndex::build(domains, *m_suffixes, m_idna, m_spoof);
    if (!index)
        return index.error();
    m_trusted = std::move(index.value());
    return {};
}

void LinkGuard::setBlocklist(const Blocklist& blocklist) {
    m_blocked = StringSet(blocklist.domains.begin(), blocklist.domains.end());
    m_blocklistVersion = blocklist.version;
}

std::optional<std::string> LinkGuard::blockedBy(std::string_view asciiHost) const {
    if (m_blocked.empty())
        return std::nullopt;
    for (;;) {
        if (auto it = m_blocked.find(asciiHost); it != m_blocked.end())
            return *it;
        const std::size_t dot = asciiHost.find('.');
        if (dot == std::string_view::npos)
            return std::nullopt;
        asciiHost.remove_prefix(dot + 1);
    }
}

LinkCheck LinkGuard::check(std::string_view url) const {
    ExtractedLink link;
    link.length = url.size();
    for (std::size_t i = 0; i < url.size() && link.url.size() < kMaxLinkBytes;) {
        const DecodedCodePoint decoded = decodeUtf8(url, i);
        i += decoded.length;
        link.hadZeroWidth = link.hadZeroWidth || isZeroWidth(decoded.codePoint);
        link.hadBidiControl = link.hadBidiControl || isBidiControl(decoded.codePoint);
        if (!isInvisible(decoded.codePoint))
            appendUtf8(link.url, decoded.codePoint);
    }
    if (link.hadZeroWidth || link.hadBidiControl)
        link.written = std::string(url.substr(0, kMaxLinkBytes));
    return check(link);
}

std::vector<LinkCheck> LinkGuard::checkText(std::string_view text) const {
    std::vector<LinkCheck> checks;
    for (const ExtractedLink& link : extractLinks(text, *m_suffixes))
        checks.push_back(check(link));
    return checks;
}

LinkCheck LinkGuard::check(const ExtractedLink& link) const {
    LinkCheck check;
    check.url = link.url;
    check.written = link.written;
    const UrlParts parts = splitUrl(link.url);
    if (link.hadZeroWidth)
        addReason(check, "hidden-characters",
                  "zero-width characters were hidden in the link as written");
    if (link.hadBidiControl)
        addReason(check, "bidi-control",
                  "bidirectional control characters change the order in which the link is shown");
    if (!parts.scheme.empty() && parts.scheme != "http" && parts.scheme != "https" &&
        parts.scheme != "ftp")
        addReason(check, "unsupported-scheme", "'" + parts.scheme + ":' links are not web links");
    if (parts.host.empty()) {
        addReason(check, "no-host", "the link names no host");
        check.verdict =
            link.hadZeroWidth || link.hadBidiControl ? Verdict::Lookalike : Verdict::Unknown;
        return check;
    }
    const IdnaHost host = m_idna.convert(parts.host);
    check.host = host.unicode;
    check.asciiHost = host.ascii;
    const bool forbidden = host.ascii.find_first_not_of(
                               "abcdefghijklmnopqrstuvwxyz0123456789-._:") != std::string::npos;
    if (!host.valid || forbidden)
        addReason(check, "invalid-host", "the host is not a valid (internationalised) domain name");
    if (host.ascii.find("xn--") != std::string::npos)
        addReason(check, "punycode",
                  "internationalised domain: '" + host.ascii + "' is shown as '" + host.unicode +
                      "'");
    if (auto blocked = blockedBy(host.ascii)) {
        check.verdict = Verdict::Blocked;
        addReason(check, "blocklisted",
                  "'" + *blocked + "' is on the organisation's phishing bulletin (version " +
                      std::to_string(m_blocklistVersion) + ")");
        return check;
    }
    if (!parts.isIpAddress) {
        if (auto trusted = m_trusted.trustedFor(host.ascii)) {
            check.verdict = Verdict::Trusted;
            return check;
        }
    }
    if (parts.isIpAddress)
        addReason(check, "ip-address", "the link uses a numeric IP address instead of a name");
    else
        checkUntrusted(check, host.unicode);
    if (parts.hasUserInfo)
        checkUserInfo(check, parts.userInfo);
    if (!check.imitated.empty() || link.hadZeroWidth || link.hadBidiControl)
        check.verdict = Verdict::Lookalike;
    return check;
}

void LinkGuard::checkUntrusted(LinkCheck& check, const std::string& unicodeHost) const {
    std::string registrable(m_suffixes->registrableDomain(unicodeHost));
    if (registrable.empty())
        registrable = unicodeHost;
    const std::size_t dot = registrable.find('.');
    const std::string label = registrable.substr(0, dot);
    const std::string suffix =
        dot == std::string::npos ? std::string() : registrable.substr(dot + 1);
    if (m_spoof.isMixedScript(label))
        addReason(check, "mixed-script",
                  "'" + label + "' mixes writing systems (for example Latin and Cyrillic)");
    if (m_trusted.isTrustedRegistrable(registrable)) {
        addReason(check, "same-site",
                  "belongs to '" + registrable +
                      "' like a trusted domain, but this host is not itself trusted");
        return;
    }
    if (m_trusted.size() == 0)
        return;

    // Homoglyphs, "rn" for "m", digits for letters: identical UTS #39 skeletons.
    const std::string skeleton = m_spoof.skeleton(label);
    if (auto id = m_trusted.bySkeleton(skeleton)) {
        const TrustedDomain& domain = m_trusted.at(*id);
        imitates(check, domain);
        if (label == domain.label)
            addReason(check, "other-suffix",
                      "the trusted name '" + domain.label + "' under '." + suffix +
                          "' instead of '." + domain.suffix + "'");
        else
            addReason(check, "confusable",
                      "'" + label + "' looks like '" + domain.label +
                          "' (same Unicode confusable skeleton)");
    }
    const std::u32string skeleton32 = toUtf32(skeleton);
    if (const std::u32string bare = withoutMarks(skeleton32); !bare.empty()) {
        if (auto id = m_trusted.bySkeleton(toUtf8(bare))) {
            imitates(check, m_trusted.at(*id));
            addReason(check, "accents",
                      "'" + label + "' is '" + m_trusted.at(*id).label + "' with accents added");
        }
    }

    // Dots and hyphens moved: the host's tokens end with a trusted domain's tokens.
    const std::string canonical = canonicalTokens(unicodeHost);
    const std::vector<std::string_view> tokens = splitTokens(canonical);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::string_view tail(tokens[i].data(),
                                    canonical.data() + canonical.size() - tokens[i].data());
        if (auto id = m_trusted.byCanonical(tail)) {
            imitates(check, m_trusted.at(*id));
            addReason(check, "separator-swap",
                      "'" + unicodeHost + "' reads like '" + m_trusted.at(*id).unicode +
                          "' with dots and hyphens moved, but is a different domain");
            break;
        }
    }

    // Hyphens added or removed inside the registrable label: "enmarche.fr", "en-mar-che.fr".
    if (auto id = m_trusted.byBrand(withoutSeparators(label));
        id && label != m_trusted.at(*id).label) {
        imitates(check, m_trusted.at(*id));
        addReason(check, "separator-swap",
                  "'" + label + "' is '" + m_trusted.at(*id).label +
                      "' with hyphens added or removed");
    }

    // A trusted name inside an untrusted domain, on token boundaries or inside a long label.
    bool embedded = !check.imitated.empty();
    for (std::size_t i = 0; i < tokens.size() && !embedded; ++i) {
        std::string run;
        std::string dotted;
        for (std::size_t k = i; k < tokens.size() && k < i + kMaxBrandRunTokens; ++k) {
            run.append(tokens[k]);
            dotted.append(k == i ? "" : ".").append(tokens[k]);
            auto id = m_trusted.byBrand(run);
            if (!id)
                id = m_trusted.byCanonical(dotted); // "bbc.co.uk.evil.tld"
            if (id) {
                imitates(check, m_trusted.at(*id));
                addReason(check, "embedded-name",
                          "contains the trusted name '" + m_trusted.at(*id).label +
                              "' inside the untrusted domain '" + registrable + "'");
                embedded = true;
                break;
            }
        }
    }

    // Typos an eye skips over: small edit distances between skeletons.
    if (!check.imitated.empty())
        return;
    if (auto match = m_trusted.nearestByEdits(skeleton32)) {
        const TrustedDomain& domain = m_trusted.at(match->index);
        imitates(check, domain);
        addReason(check, "edit-distance",
                  "'" + label + "' is " + std::to_string(match->distance) +
                      (match->distance == 1 ? " character edit" : " character edits") +
                      " away from '" + domain.label + "'");
    }

    // A long trusted name inside a label: "mypaypalaccount.com".
    if (check.imitated.empty()) {
        std::string flat;
        for (std::string_view token : tokens)
            flat.append(token);
        if (auto id = m_trusted.brandInside(flat)) {
            imitates(check, m_trusted.at(*id));
            addReason(check, "embedded-name",
                      "contains the trusted name '" + m_trusted.at(*id).label +
                          "' inside the untrusted domain '" + registrable + "'");
        }
    }
}

void LinkGuard::checkUserInfo(LinkCheck& check, const std::string& userInfo) const {
    std::string lowered;
    for (char c : userInfo)
        lowered.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
    const std::string canonical = canonicalTokens(lowered);
    for (const TrustedDomain& domain : m_trusted.domains()) {
        if (lowered.find(domain.ascii) != std::string::npos ||
            lowered.find(domain.unicode) != std::string::npos ||
            canonical.find(canonicalTokens(domain.registrable)) != std::string::npos) {
            imitates(check, domain);
            addReason(check, "user-info",
                      "'" + domain.unicode + "' appears before '@', but the link opens '" +
                          check.host + "'");
            return;
        }
    }
    addReason(check, "user-info",
              "the link carries a user name before '@'; it opens '" + check.host + "'");
}

} // namespace cloison::linkguard
