// The compartment's trusted domains, indexed for the lookalike checks so that each check costs
// a few hash lookups however long the list is: exact and parent-domain match, UTS #39 skeleton
// of the registrable label, separator-free "brand" names, canonical token sequences (for
// dot/hyphen swaps), and a deletion neighbourhood of each skeleton for small edit distances.
#pragma once

#include "client/linkguard/StringHash.h"
#include "crypto/Result.h"

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace cloison::linkguard {

class Idna;
class PublicSuffixList;
class SpoofChecker;

struct TrustedDomain {
    std::string ascii;       // "xn--en-march-fya.fr", as given, normalised
    std::string unicode;     // what a person reads
    std::string registrable; // public suffix + one label, Unicode
    std::string label;       // the registrable label: "en-marche"
    std::string suffix;      // its public suffix: "fr"
    std::string skeleton;    // UTS #39 skeleton of the label
};

struct EditMatch {
    std::size_t index;
    std::size_t distance;
};

// Host text split at dots, hyphens and underscores, tokens joined with ".": "en.marche.fr".
std::string canonicalTokens(std::string_view host);
// Edits allowed for a skeleton of this many code points: none below 5, 1 up to 9, then 2.
std::size_t allowedEdits(std::size_t length);
// Optimal string alignment distance (insertions, deletions, substitutions, transpositions).
std::size_t editDistance(std::u32string_view a, std::u32string_view b);

class TrustedDomainIndex {
public:
    static constexpr std::size_t kMaxDomains = 10000;

    // InvalidArgument names the first entry that is not a domain, is an IP address, or is a
    // public suffix ("fr", "gouv.fr", "github.io": trusting those trusts strangers).
    static Result<TrustedDomainIndex> build(const std::vector<std::string>& domains,
                                            const PublicSuffixList& suffixes, const Idna& idna,
                                            const SpoofChecker& spoof);

    std::size_t size() const { return m_domains.size(); }
    const TrustedDomain& at(std::size_t index) const { return m_domains[index]; }
    const std::vector<TrustedDomain>& domains() const { return m_domains; }

    // The trusted domain that `asciiHost` equals or is a subdomain of.
    std::optional<std::size_t> trustedFor(std::string_view asciiHost) const;
    bool isTrustedRegistrable(std::string_view registrable) const;
    std::optional<std::size_t> bySkeleton(std::string_view skeleton) const;
    std::optional<std::size_t> byCanonical(std::string_view canonical) const;
    std::optional<std::size_t> byBrand(std::string_view brand) const;
    // A trusted name of 6 or more characters anywhere inside `flat` (a host without
    // separators): a rolling hash per name length, then an exact comparison.
    std::optional<std::size_t> brandInside(std::string_view flat) const;
    std::optional<EditMatch> nearestByEdits(const std::u32string& skeleton) const;

private:
    std::vector<TrustedDomain> m_domains;
    StringMap<std::size_t> m_byAscii;
    StringSet m_registrables;
    StringMap<std::size_t> m_bySkeleton;
    StringMap<std::size_t> m_byCanonical;
    StringMap<std::size_t> m_byBrand;
    std::vector<std::size_t> m_brandLengths; // byte lengths of brands long enough to search
    std::unordered_set<std::uint64_t> m_brandHashes;
    std::unordered_map<std::uint64_t, std::vector<std::size_t>> m_deletions; // by hash
    std::vector<std::u32string> m_skeletons32;
};

} // namespace cloison::linkguard
