// The Public Suffix List (publicsuffix.org), read from Debian's publicsuffix package: it says
// where a domain's registrable part starts ("en-marche.fr", "evil.github.io", "bbc.co.uk"), so
// that the link guard never guesses by counting dots.
#pragma once

#include "client/linkguard/StringHash.h"
#include "crypto/Result.h"

#include <filesystem>
#include <string>
#include <string_view>

namespace cloison::linkguard {

class PublicSuffixList {
public:
    static constexpr const char* kDebianPath = "/usr/share/publicsuffix/public_suffix_list.dat";
    static constexpr std::size_t kMaxFileBytes = 8u << 20;

    // Both the ICANN and the private sections are used: "evil.github.io" and "good.github.io"
    // are different registrants.
    static Result<PublicSuffixList> load(const std::filesystem::path& path = kDebianPath);
    static Result<PublicSuffixList> parse(std::string_view text);

    // `host`: lowercase labels in Unicode (UTF-8), as produced by IDNA ToUnicode, no trailing
    // dot. Returns the number of trailing labels that form the public suffix (at least 1: the
    // implicit "*" rule).
    std::size_t suffixLabelCount(std::string_view host) const;
    // The public suffix plus one label ("en-marche.fr" for "www.en-marche.fr"), or empty when the
    // host is itself a public suffix.
    std::string_view registrableDomain(std::string_view host) const;
    // True when a rule names this exact top-level label (used to accept bare domains in text).
    bool isKnownTopLevel(std::string_view label) const;
    std::size_t ruleCount() const {
        return m_rules.size() + m_wildcards.size() + m_exceptions.size();
    }

private:
    StringSet m_rules;      // "co.uk"
    StringSet m_wildcards;  // "*.ck" stored as "ck"
    StringSet m_exceptions; // "!www.ck" stored as "www.ck"
    StringSet m_topLevel;   // last label of every rule
};

} // namespace cloison::linkguard
