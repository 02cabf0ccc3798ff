// Finds what a person would see as links in plain message text: URLs with a scheme
// (http, https, ftp), "www." addresses and bare domains whose top-level label is a real public
// suffix ("en-marche.fr/login"), including internationalised ones. Zero-width and bidi control
// characters are removed first, so a link split or disguised with them is still found; the
// link records that they were there. Trailing punctuation is not part of a link; a closing
// bracket is, when the link opened it ("wiki/Foo_(bar)").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cloison::linkguard {

class PublicSuffixList;

struct ExtractedLink {
    std::string url;        // what the link opens: UTF-8, invisible characters removed
    std::size_t offset = 0; // where it starts in the message, in bytes
    std::size_t length = 0; // its length in the message, in bytes, invisible characters included
    bool hadZeroWidth = false;
    bool hadBidiControl = false;
    std::string written; // as written, invisible characters included, when it had any
};

constexpr std::size_t kMaxLinksPerText = 256;
constexpr std::size_t kMaxLinkBytes = 8192;

// At most kMaxLinksPerText links, in order; a link longer than kMaxLinkBytes is cut there.
std::vector<ExtractedLink> extractLinks(std::string_view text, const PublicSuffixList& suffixes);

} // namespace cloison::linkguard
