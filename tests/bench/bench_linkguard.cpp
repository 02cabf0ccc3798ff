// Link guard throughput: 100,000 URLs against 500 trusted domains, with the ratio to a simple
// baseline measured in the same run (split the URL and look the host up in an exact-match set,
// which is the least any link check costs). Not a test: it prints figures.
//   cloison-bench-linkguard [URLS] [TRUSTED]
#include "client/linkguard/LinkGuard.h"
#include "client/linkguard/Url.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <unordered_set>

using namespace cloison;
using namespace cloison::linkguard;

namespace {

using Clock = std::chrono::steady_clock;

// Unrelated sites are drawn from other syllables than trusted ones, as real unrelated names are
// not near-misses of the trusted list.
std::string unrelatedName(std::mt19937_64& rng, int syllables) {
    static const char* kSyllables[] = {"xu",  "wy",  "jo",  "ky",  "hu",  "phe",
                                       "zy",  "qua", "gro", "bly", "sku", "wha",
                                       "jex", "cry", "vu",  "thi", "oz"};
    std::string name;
    for (int i = 0; i < syllables; ++i)
        name += kSyllables[rng() % std::size(kSyllables)];
    return name;
}

std::string randomName(std::mt19937_64& rng, int syllables) {
    static const char* kSyllables[] = {"ma", "ri", "ne",  "lo",  "ta",  "vi",  "so",  "ke",  "du",
                                       "pa", "ro", "li",  "sa",  "mon", "car", "tel", "ber", "gan",
                                       "fi", "zo", "bra", "que", "pol", "nor", "est", "ven", "dor"};
    std::string name;
    for (int i = 0; i < syllables; ++i)
        name += kSyllables[rng() % std::size(kSyllables)];
    return name;
}

std::string randomSuffix(std::mt19937_64& rng) {
    static const char* kSuffixes[] = {"fr",    "com",     "org", "net", "de",
                                      "co.uk", "gouv.fr", "io",  "eu",  "info"};
    return kSuffixes[rng() % std::size(kSuffixes)];
}

// A lookalike of a trusted domain, made the ways phishers do.
std::string mutate(std::mt19937_64& rng, const std::string& domain) {
    const std::size_t dot = domain.find('.');
    std::string label = domain.substr(0, dot);
    const std::string rest = domain.substr(dot);
    switch (rng() % 6) {
    case 0:
        return "login-" + label + rest; // separator swap of login.label
    case 1:
        return label + rest + ".secure-" + unrelatedName(rng, 2) + ".com"; // embedded
    case 2: {
        const std::size_t at = rng() % (label.size() - 1);
        std::swap(label[at], label[at + 1]); // transposition
        return label + rest;
    }
    case 3: { // a Latin letter replaced by its Cyrillic twin
        static const std::pair<char, const char*> kTwins[] = {
            {'a', "\u0430"}, {'o', "\u043e"}, {'e', "\u0435"}, {'i', "\u0456"}, {'p', "\u0440"}};
        for (auto [latin, cyrillic] : kTwins) {
            if (const std::size_t at = label.find(latin); at != std::string::npos)
                return label.replace(at, 1, cyrillic) + rest;
        }
        return "x" + label + rest;
    }
    case 4:
        return label + label.back() + rest; // doubled letter
    default:
        return label + "-" + unrelatedName(rng, 1) + rest; // added word
    }
}

template <typename Body> double millis(Body&& body) {
    const auto start = Clock::now();
    body();
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

} // namespace

int main(int argc, char** argv) {
    const std::size_t urlCount = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100000;
    const std::size_t trustedCount = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 500;
    std::mt19937_64 rng(20171);

    std::vector<std::string> trusted;
    std::unordered_set<std::string> seen;
    while (trusted.size() < trustedCount) {
        std::string domain = randomName(rng, 2 + static_cast<int>(rng() % 3));
        if (rng() % 3 == 0)
            domain += "-" + randomName(rng, 2);
        domain += "." + randomSuffix(rng);
        if (seen.insert(domain).second)
            trusted.push_back(domain);
    }
    std::vector<std::string> urls;
    std::vector<int> kinds; // what each URL was made as: 0 unknown, 1 trusted, 2 lookalike
    urls.reserve(urlCount);
    for (std::size_t i = 0; i < urlCount; ++i) {
        const std::string& some = trusted[rng() % trusted.size()];
        const std::uint64_t kind = rng() % 100;
        std::string host;
        kinds.push_back(kind < 55 ? 0 : (kind < 80 ? 1 : 2));
        if (kind < 55)
            host = "www." + unrelatedName(rng, 2 + static_cast<int>(rng() % 4)) + "." +
                   randomSuffix(rng); // unknown
        else if (kind < 80)
            host = (rng() % 2 ? "www." : "mail.") + some; // trusted subdomain
        else
            host = mutate(rng, some); // lookalike
        urls.push_back("https://" + host + "/path/" + std::to_string(i) +
                       "?q=" + randomName(rng, 2));
    }

    auto suffixes = PublicSuffixList::load();
    if (!suffixes) {
        std::fprintf(stderr, "%s\n", suffixes.error().message.c_str());
        return 1;
    }
    auto shared = std::make_shared<const PublicSuffixList>(std::move(suffixes.value()));
    auto guard = LinkGuard::create(shared);
    if (!guard)
        return 1;
    Result<void> set;
    const double indexMs = millis([&] { set = guard.value().setTrustedDomains(trusted); });
    if (!set) {
        std::fprintf(stderr, "%s\n", set.error().message.c_str());
        return 1;
    }

    // Baseline: split the URL and look its host and parents up in an exact-match set.
    const std::unordered_set<std::string> exact(trusted.begin(), trusted.end());
    std::size_t exactHits = 0;
    const double baselineMs = millis([&] {
        for (const std::string& url : urls) {
            std::string_view host;
            const UrlParts parts = splitUrl(url);
            host = parts.host;
            while (!host.empty()) {
                if (exact.contains(std::string(host))) {
                    ++exactHits;
                    break;
                }
                const std::size_t dot = host.find('.');
                host = dot == std::string_view::npos ? std::string_view() : host.substr(dot + 1);
            }
        }
    });

    std::size_t counts[4] = {0, 0, 0, 0};
    std::size_t byKind[3][4] = {};
    const double guardMs = millis([&] {
        for (std::size_t i = 0; i < urls.size(); ++i) {
            const int verdict = static_cast<int>(guard.value().check(urls[i]).verdict);
            ++counts[verdict];
            ++byKind[kinds[i]][verdict];
            if (std::getenv("BENCH_SHOW_MISSES") && kinds[i] != 1 &&
                (kinds[i] == 2) != (verdict == 2))
                std::printf("    %s -> %s\n", urls[i].c_str(),
                            verdictName(static_cast<Verdict>(verdict)));
        }
    });

    // In messages: extraction plus verdicts, against extraction alone.
    std::vector<std::string> messages;
    for (std::size_t i = 0; i < urls.size(); i += 4)
        messages.push_back("Bonjour, voici le document: " + urls[i] + " et aussi " + urls[i + 1] +
                           ", puis " + urls[i + 2] + " (merci) " +
                           urls[std::min(i + 3, urls.size() - 1)] + ".");
    std::size_t extracted = 0;
    const double extractMs = millis([&] {
        for (const std::string& message : messages)
            extracted += extractLinks(message, *shared).size();
    });
    std::size_t checkedInText = 0;
    const double textMs = millis([&] {
        for (const std::string& message : messages)
            checkedInText += guard.value().checkText(message).size();
    });

    const double perUrlUs = guardMs * 1000.0 / static_cast<double>(urls.size());
    std::printf("link guard benchmark: %zu URLs, %zu trusted domains\n", urls.size(),
                trusted.size());
    std::printf("  index build (%zu domains)            %9.1f ms\n", trusted.size(), indexMs);
    std::printf("  baseline: split + exact-match lookup %9.1f ms  (%zu exact hits)\n", baselineMs,
                exactHits);
    std::printf("  link guard verdicts                  %9.1f ms  %.2f us/URL  %.0f URLs/s\n",
                guardMs, perUrlUs, 1000.0 * static_cast<double>(urls.size()) / guardMs);
    std::printf("  ratio verdicts / baseline            %9.1f x\n", guardMs / baselineMs);
    std::printf("  verdicts: trusted %zu, unknown %zu, lookalike %zu, blocked %zu\n", counts[0],
                counts[1], counts[2], counts[3]);
    static const char* kKinds[] = {"made unknown  ", "made trusted  ", "made lookalike"};
    for (int kind = 0; kind < 3; ++kind)
        std::printf("    %s -> trusted %zu, unknown %zu, lookalike %zu\n", kKinds[kind],
                    byKind[kind][0], byKind[kind][1], byKind[kind][2]);
    std::printf("  generated lookalikes flagged %.1f%%, unrelated sites flagged %.2f%%\n",
                100.0 * static_cast<double>(byKind[2][2]) /
                    static_cast<double>(byKind[2][0] + byKind[2][1] + byKind[2][2]),
                100.0 * static_cast<double>(byKind[0][2]) /
                    static_cast<double>(byKind[0][0] + byKind[0][1] + byKind[0][2]));
    std::printf("  messages: extraction only            %9.1f ms  (%zu links in %zu messages)\n",
                extractMs, extracted, messages.size());
    std::printf("  messages: extraction + verdicts      %9.1f ms  (%zu links)\n", textMs,
                checkedInText);
    std::printf("  ratio (extraction + verdicts) / extraction  %.1f x\n", textMs / extractMs);
    return 0;
}
