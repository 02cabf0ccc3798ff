#include "client/linkguard/TrustedDomainIndex.h"

#include "client/linkguard/Blocklist.h"
#include "client/linkguard/Icu.h"
#include "client/linkguard/PublicSuffixList.h"
#include "client/linkguard/Url.h"
#include "client/linkguard/Utf8.h"

#include <algorithm>

namespace cloison::linkguard {
namespace {

constexpr std::size_t kMinBrandTokens = 4;    // brands matched on token boundaries
constexpr std::size_t kMinBrandSubstring = 6; // brands matched anywhere inside a label

// Polynomial hashes of every string obtained by deleting up to `edits` (at most 2) code points
// from `word`, each in O(1) from prefix sums: hash(s) = sum of s[k] * P^k (mod 2^64). Hashes,
// not strings: a collision only costs one extra distance computation.
constexpr std::uint64_t kBase = 0x9E3779B97F4A7C15ull; // odd, so invertible mod 2^64

constexpr std::uint64_t inverseOf(std::uint64_t odd) {
    std::uint64_t inverse = odd; // Newton's iteration doubles the correct low bits each step
    for (int i = 0; i < 5; ++i)
        inverse *= 2 - odd * inverse;
    return inverse;
}
constexpr std::uint64_t kBaseInverse = inverseOf(kBase);
static_assert(kBase * kBaseInverse == 1);

std::uint64_t finish(std::uint64_t hash, std::size_t length) {
    hash ^= length * 0xff51afd7ed558ccdull;
    hash ^= hash >> 33;
    hash *= 0xc4ceb9fe1a85ec53ull;
    return hash ^ (hash >> 33);
}

template <typename Visit>
void forEachDeletion(const std::u32string& word, std::size_t edits, Visit&& visit) {
    const std::size_t n = word.size();
    std::vector<std::uint64_t> prefix(n + 1, 0); // prefix[i] = sum of word[k] * P^k, k < i
    std::uint64_t power = 1;
    for (std::size_t k = 0; k < n; ++k) {
        prefix[k + 1] = prefix[k] + word[k] * power;
        power *= kBase;
    }
    const auto range = [&](std::size_t from, std::size_t to) {
        return prefix[to] - prefix[from];
    };
    visit(finish(prefix[n], n));
    if (edits == 0)
        return;
    for (std::size_t a = 0; a < n; ++a) {
        // Deleting one of a run of equal characters gives the same string: once is enough.
        if (a > 0 && word[a] == word[a - 1])
            continue;
        const std::uint64_t head = prefix[a];
        visit(finish(head + range(a + 1, n) * kBaseInverse, n - 1));
        if (edits < 2)
            continue;
        for (std::size_t b = a + 1; b < n; ++b) {
            if (b > a + 1 && word[b] == word[b - 1])
                continue;
            visit(finish(head + range(a + 1, b) * kBaseInverse +
                             range(b + 1, n) * kBaseInverse * kBaseInverse,
                         n - 2));
        }
    }
}

std::uint64_t bytesHash(std::string_view text) {
    std::uint64_t hash = 0;
    std::uint64_t power = 1;
    for (char c : text) {
        hash += static_cast<unsigned char>(c) * power;
        power *= kBase;
    }
    return finish(hash, text.size());
}

std::string withoutSeparators(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c != '-' && c != '_' && c != '.')
            out.push_back(c);
    }
    return out;
}

template <typename Map, typename Key>
std::optional<std::size_t> find(const Map& map, const Key& key) {
    auto it = map.find(key);
    if (it == map.end())
        return std::nullopt;
    return it->second;
}

} // namespace

std::string canonicalTokens(std::string_view host) {
    std::string out;
    out.reserve(host.size());
    bool pendingSeparator = false;
    for (char c : host) {
        if (c == '.' || c == '-' || c == '_') {
            pendingSeparator = !out.empty();
            continue;
        }
        if (pendingSeparator)
            out.push_back('.');
        pendingSeparator = false;
        out.push_back(c);
    }
    return out;
}

std::size_t allowedEdits(std::size_t length) {
    if (length >= 10)
        return 2;
    return length >= 5 ? 1 : 0;
}

std::size_t editDistance(std::u32string_view a, std::u32string_view b) {
    const std::size_t n = a.size();
    const std::size_t m = b.size();
    std::vector<std::size_t> before(m + 1), previous(m + 1), current(m + 1);
    for (std::size_t j = 0; j <= m; ++j)
        previous[j] = j;
    for (std::size_t i = 1; i <= n; ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                current[j] = std::min(current[j], before[j - 2] + 1);
        }
        before.swap(previous);
        previous.swap(current);
    }
    return previous[m];
}

Result<TrustedDomainIndex> TrustedDomainIndex::build(const std::vector<std::string>& domains,
                                                     const PublicSuffixList& suffixes,
                                                     const Idna& idna, const SpoofChecker& spoof) {
    if (domains.size() > kMaxDomains)
        return makeError(ErrorCode::InvalidArgument, "more than 10000 trusted domains");
    TrustedDomainIndex index;
    for (std::string given : domains) {
        if (given.starts_with("*."))
            given.erase(0, 2);
        const UrlParts parts = splitUrl(given);
        const IdnaHost host = idna.convert(parts.host);
        if (parts.host.empty() || !host.valid || !isCanonicalDomain(host.ascii) ||
            parts.isIpAddress || !parts.rest.empty() || parts.hasUserInfo)
            return makeError(ErrorCode::InvalidArgument,
                             "not a domain name: '" + given.substr(0, 80) + "'");
        const std::string_view registrable = suffixes.registrableDomain(host.unicode);
        if (registrable.empty())
            return makeError(ErrorCode::InvalidArgument,
                             "'" + host.unicode +
                                 "' is a public suffix: trusting it would trust every "
                                 "registrant under it");
        if (index.m_byAscii.contains(host.ascii))
            continue;
        TrustedDomain entry;
        entry.ascii = host.ascii;
        entry.unicode = host.unicode;
        entry.registrable = std::string(registrable);
        const std::size_t dot = entry.registrable.find('.');
        entry.label = entry.registrable.substr(0, dot);
        entry.suffix = entry.registrable.substr(dot + 1);
        entry.skeleton = spoof.skeleton(entry.label);

        const std::size_t id = index.m_domains.size();
        index.m_byAscii.emplace(entry.ascii, id);
        index.m_registrables.insert(entry.registrable);
        index.m_bySkeleton.emplace(entry.skeleton, id);
        index.m_byCanonical.emplace(canonicalTokens(entry.unicode), id);
        index.m_byCanonical.emplace(canonicalTokens(entry.registrable), id);
        const std::string brand = withoutSeparators(entry.label);
        if (toUtf32(brand).size() >= kMinBrandTokens) {
            index.m_byBrand.emplace(brand, id);
            if (toUtf32(brand).size() >= kMinBrandSubstring) {
                if (std::find(index.m_brandLengths.begin(), index.m_brandLengths.end(),
                              brand.size()) == index.m_brandLengths.end())
                    index.m_brandLengths.push_back(brand.size());
                index.m_brandHashes.insert(bytesHash(brand));
            }
        }
        std::u32string skeleton32 = toUtf32(entry.skeleton);
        if (const std::size_t edits = allowedEdits(skeleton32.size()); edits > 0) {
            forEachDeletion(skeleton32, edits, [&](std::uint64_t hash) {
                std::vector<std::size_t>& ids = index.m_deletions[hash];
                if (ids.empty() || ids.back() != id)
                    ids.push_back(id);
            });
        }
        index.m_skeletons32.push_back(std::move(skeleton32));
        index.m_domains.push_back(std::move(entry));
    }
    return index;
}

std::optional<std::size_t> TrustedDomainIndex::trustedFor(std::string_view asciiHost) const {
    for (;;) {
        if (auto it = m_byAscii.find(asciiHost); it != m_byAscii.end())
            return it->second;
        const std::size_t dot = asciiHost.find('.');
        if (dot == std::string_view::npos)
            return std::nullopt;
        asciiHost.remove_prefix(dot + 1);
    }
}

bool TrustedDomainIndex::isTrustedRegistrable(std::string_view registrable) const {
    return m_registrables.contains(registrable);
}

std::optional<std::size_t> TrustedDomainIndex::bySkeleton(std::string_view skeleton) const {
    return find(m_bySkeleton, skeleton);
}

std::optional<std::size_t> TrustedDomainIndex::byCanonical(std::string_view canonical) const {
    return find(m_byCanonical, canonical);
}

std::optional<std::size_t> TrustedDomainIndex::byBrand(std::string_view brand) const {
    return find(m_byBrand, brand);
}

std::optional<std::size_t> TrustedDomainIndex::brandInside(std::string_view flat) const {
    if (m_brandHashes.empty())
        return std::nullopt;
    const std::size_t n = flat.size();
    std::vector<std::uint64_t> prefix(n + 1, 0);
    std::vector<std::uint64_t> inversePower(n + 1, 1);
    std::uint64_t power = 1;
    for (std::size_t k = 0; k < n; ++k) {
        prefix[k + 1] = prefix[k] + static_cast<unsigned char>(flat[k]) * power;
        power *= kBase;
        inversePower[k + 1] = inversePower[k] * kBaseInverse;
    }
    for (std::size_t length : m_brandLengths) {
        for (std::size_t i = 0; i + length <= n; ++i) {
            const std::uint64_t hash =
                finish((prefix[i + length] - prefix[i]) * inversePower[i], length);
            if (!m_brandHashes.contains(hash))
                continue;
            if (auto id = byBrand(flat.substr(i, length)))
                return id;
        }
    }
    return std::nullopt;
}

std::optional<EditMatch> TrustedDomainIndex::nearestByEdits(const std::u32string& skeleton) const {
    const std::size_t edits = allowedEdits(skeleton.size());
    if (edits == 0 || m_deletions.empty())
        return std::nullopt;
    std::optional<EditMatch> best;
    std::vector<std::size_t> tried;
    forEachDeletion(skeleton, edits, [&](std::uint64_t hash) {
        auto it = m_deletions.find(hash);
        if (it == m_deletions.end())
            return;
        for (std::size_t id : it->second) {
            if (std::find(tried.begin(), tried.end(), id) != tried.end())
                continue;
            tried.push_back(id);
            const std::u32string& trusted = m_skeletons32[id];
            const std::size_t limit = std::min(edits, allowedEdits(trusted.size()));
            const std::size_t distance = editDistance(skeleton, trusted);
            if (distance > 0 && distance <= limit && (!best || distance < best->distance))
                best = EditMatch{id, distance};
        }
    });
    return best;
}

} // namespace cloison::linkguard
