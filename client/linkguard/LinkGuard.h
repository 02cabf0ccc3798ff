// The link guard: every link in a message gets a verdict against the compartment's trusted
// domains and the organisation's signed blocklist before it can be opened.
//
// Checks on an untrusted host, each citing the trusted domain it imitates:
//   confusable      same UTS #39 skeleton as a trusted registrable label (homoglyphs, "rn"/"m")
//   accents         same once combining marks are removed (an IDN of a trusted name)
//   other-suffix    the trusted name under another public suffix
//   separator-swap  the same tokens with dots and hyphens moved ("onedrive-en-marche.fr")
//   embedded-name   a trusted name inside an untrusted domain ("en-marche.fr.login-secure.io")
//   edit-distance   one or two inserted, deleted, changed or swapped characters
//   user-info       a trusted name before "@", where it is not the destination
// and, without a target, hidden-characters / bidi-control (which make a link lookalike by
// themselves), mixed-script and punycode (which are reported).
// A guard is used from one thread at a time.
#pragma once

#include "client/linkguard/Blocklist.h"
#include "client/linkguard/Icu.h"
#include "client/linkguard/LinkExtractor.h"
#include "client/linkguard/LinkVerdict.h"
#include "client/linkguard/PublicSuffixList.h"
#include "client/linkguard/TrustedDomainIndex.h"

#include <memory>

namespace cloison::linkguard {

class LinkGuard {
public:
    // The public suffix list is shared by all compartments' guards.
    static Result<LinkGuard> create(std::shared_ptr<const PublicSuffixList> suffixes);

    // Replaces the trusted domains ("en-marche.fr" trusts it and its subdomains).
    [[nodiscard]] Result<void> setTrustedDomains(const std::vector<std::string>& domains);
    // Replaces the blocklist; only a verified one (see parseSignedBlocklist) should reach here.
    void setBlocklist(const Blocklist& blocklist);

    LinkCheck check(const ExtractedLink& link) const;
    LinkCheck check(std::string_view url) const;
    // Extracts every link from a message's plain text and checks each.
    std::vector<LinkCheck> checkText(std::string_view text) const;

    const PublicSuffixList& suffixes() const { return *m_suffixes; }
    const TrustedDomainIndex& trusted() const { return m_trusted; }

private:
    LinkGuard(std::shared_ptr<const PublicSuffixList> suffixes, SpoofChecker spoof, Idna idna);
    std::optional<std::string> blockedBy(std::string_view asciiHost) const;
    void checkUntrusted(LinkCheck& check, const std::string& unicodeHost) const;
    void checkUserInfo(LinkCheck& check, const std::string& userInfo) const;

    std::shared_ptr<const PublicSuffixList> m_suffixes;
    SpoofChecker m_spoof;
    Idna m_idna;
    TrustedDomainIndex m_trusted;
    StringSet m_blocked;
    std::uint64_t m_blocklistVersion = 0;
};

} // namespace cloison::linkguard
