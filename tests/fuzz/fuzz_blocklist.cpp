// The phishing-bulletin parser. The first byte picks a mode: the input as a whole signed
// document (almost always refused at the signature), or the input as the body of a document
// that the fuzzer signs with a fixed organisation key, so that the format parser sees it.
// Invariants: an accepted list is in canonical form (its encoding is exactly the signed body,
// its domains canonical, sorted and unique, within the limits), and a guard takes it.
#include "client/linkguard/Blocklist.h"
#include "client/linkguard/LinkGuard.h"
#include "client/linkguard/PublicSuffixList.h"
#include "crypto/Signing.h"
#include "crypto/Sodium.h"
#include "tests/fuzz/FuzzCheck.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

using namespace cloison;
using namespace cloison::linkguard;

namespace {

void checkAccepted(const Blocklist& list, std::string_view body) {
    FUZZ_CHECK(list.version >= 1);
    FUZZ_CHECK(list.domains.size() <= kMaxBlocklistDomains);
    FUZZ_CHECK(std::is_sorted(list.domains.begin(), list.domains.end()));
    FUZZ_CHECK(std::adjacent_find(list.domains.begin(), list.domains.end()) == list.domains.end());
    for (const auto& domain : list.domains)
        FUZZ_CHECK(isCanonicalDomain(domain));
    auto encoded = encodeBlocklistBody(list);
    FUZZ_CHECK(encoded.ok());
    FUZZ_CHECK(encoded.value() == body);

    static const auto guard = [] {
        auto suffixes = PublicSuffixList::load();
        FUZZ_CHECK(suffixes.ok());
        auto created = LinkGuard::create(
            std::make_shared<const PublicSuffixList>(std::move(suffixes.value())));
        FUZZ_CHECK(created.ok());
        return std::make_unique<LinkGuard>(std::move(created.value()));
    }();
    guard->setBlocklist(list);
    // A plain ASCII domain on the list is blocked (punycode ones go through IDNA first).
    if (!list.domains.empty() && list.domains.front().find("xn--") == std::string::npos)
        FUZZ_CHECK(guard->check("https://" + list.domains.front() + "/").verdict ==
                   Verdict::Blocked);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool ready = (ensureSodium(), true);
    (void)ready;
    static const SigningKey orgKey = SigningKey::generate();
    if (size == 0)
        return 0;
    const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] & 1) {
        auto list = parseSignedBlocklist(input, orgKey.publicKey());
        FUZZ_CHECK(!list.ok()); // nothing the fuzzer writes carries this key's signature
        return 0;
    }
    const std::string document = signBlocklistBody(input, orgKey);
    if (auto list = parseSignedBlocklist(document, orgKey.publicKey()))
        checkAccepted(list.value(), input);
    return 0;
}
