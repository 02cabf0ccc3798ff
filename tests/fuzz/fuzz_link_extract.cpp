// URL extraction from message text and the link guard's verdict on each link found.
// Invariants: bounded count and length, links in order and inside the text, and each
// extracted URL, checked on its own, is still one link.
#include "client/linkguard/LinkExtractor.h"
#include "client/linkguard/LinkGuard.h"
#include "client/linkguard/PublicSuffixList.h"
#include "tests/fuzz/FuzzCheck.h"

#include <cstdint>
#include <memory>
#include <string>

using namespace cloison;
using namespace cloison::linkguard;

namespace {

const LinkGuard& guard() {
    static const auto instance = [] {
        auto suffixes = PublicSuffixList::load();
        FUZZ_CHECK(suffixes.ok());
        auto created = LinkGuard::create(
            std::make_shared<const PublicSuffixList>(std::move(suffixes.value())));
        FUZZ_CHECK(created.ok());
        auto set = created.value().setTrustedDomains({"en-marche.fr", "example.org", "paypal.com"});
        FUZZ_CHECK(set.ok());
        return std::make_unique<LinkGuard>(std::move(created.value()));
    }();
    return *instance;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024)
        return 0;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto links = extractLinks(text, guard().suffixes());
    FUZZ_CHECK(links.size() <= kMaxLinksPerText);
    std::size_t end = 0;
    for (const auto& link : links) {
        FUZZ_CHECK(!link.url.empty());
        FUZZ_CHECK(link.url.size() <= kMaxLinkBytes);
        FUZZ_CHECK(link.offset >= end);
        FUZZ_CHECK(link.length > 0 && link.offset + link.length <= text.size());
        FUZZ_CHECK(link.written.empty() || link.hadZeroWidth || link.hadBidiControl);
        end = link.offset + link.length;
        const LinkCheck check = guard().check(link);
        FUZZ_CHECK(!check.url.empty());
    }
    (void)guard().checkText(text);
    return 0;
}
