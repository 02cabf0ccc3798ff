#include "client/linkguard/LinkExtractor.h"

#include "client/linkguard/PublicSuffixList.h"
#include "client/linkguard/Utf8.h"

#include <unicode/uchar.h>

#include <algorithm>
#include <array>

namespace cloison::linkguard {
namespace {

struct Cell {
    char32_t c;
    std::size_t offset; // byte offset of this code point in the original text
    std::size_t end;    // byte offset just past it
};

char32_t lower(char32_t c) {
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

bool isHostDot(char32_t c) {
    return c == '.' || c == 0x3002 || c == 0xFF0E || c == 0xFF61;
}

bool isWordChar(char32_t c) {
    if (c < 0x80)
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    const auto uc = static_cast<UChar32>(c);
    return u_isalnum(uc) || (U_GET_GC_MASK(uc) & U_GC_M_MASK) != 0;
}

bool isHostChar(char32_t c) {
    return isWordChar(c) || c == '-' || c == '_' || isHostDot(c);
}

// Where a link stops no matter what: white space, controls, and the delimiters that plain
// text uses around links.
bool endsLink(char32_t c) {
    if (c <= 0x20 || c == 0x7F || c == kReplacementCharacter)
        return true;
    switch (c) {
    case '<':
    case '>':
    case '"':
    case '`':
    case '{':
    case '}':
    case '|':
    case '^':
    case 0x00AB: // «
    case 0x00BB: // »
    case 0x201C: // “
    case 0x201D: // ”
    case 0x2018: // ‘
    case 0x2019: // ’
    case 0x3001: // 、
    case 0xFF0C: // ，
        return true;
    default:
        break;
    }
    if (c < 0x80)
        return false;
    const auto uc = static_cast<UChar32>(c);
    return u_isUWhiteSpace(uc) || (U_GET_GC_MASK(uc) & (U_GC_Z_MASK | U_GC_C_MASK)) != 0;
}

bool isTrailingPunctuation(char32_t c) {
    switch (c) {
    case '.':
    case ',':
    case ':':
    case ';':
    case '!':
    case '?':
    case '\'':
    case '*':
    case '-':
    case 0x2026: // …
    case 0x3002: // 。
    case 0xFF0E:
    case 0xFF61:
        return true;
    default:
        return false;
    }
}

class Scanner {
public:
    Scanner(std::string_view text, const PublicSuffixList& suffixes)
        : m_text(text), m_suffixes(suffixes) {
        for (std::size_t i = 0; i < text.size();) {
            const DecodedCodePoint decoded = decodeUtf8(text, i);
            if (isInvisible(decoded.codePoint)) {
                m_invisible.push_back({decoded.codePoint, i, i + decoded.length});
            } else {
                m_cells.push_back({decoded.codePoint, i, i + decoded.length});
            }
            i += decoded.length;
        }
    }

    std::vector<ExtractedLink> run() {
        std::vector<ExtractedLink> links;
        std::size_t i = 0;
        while (i < m_cells.size() && links.size() < kMaxLinksPerText) {
            std::size_t end = matchAt(i);
            if (end == 0) {
                ++i;
                continue;
            }
            links.push_back(makeLink(i, end));
            i = end;
        }
        return links;
    }

private:
    char32_t at(std::size_t i) const { return i < m_cells.size() ? m_cells[i].c : 0; }

    bool startsWithAt(std::size_t i, std::u32string_view word) const {
        for (std::size_t k = 0; k < word.size(); ++k) {
            if (lower(at(i + k)) != word[k])
                return false;
        }
        return true;
    }

    // End (exclusive) of a link starting at cell i, or 0 when none starts there.
    std::size_t matchAt(std::size_t i) const {
        static constexpr std::array<std::u32string_view, 3> kSchemes{U"https://", U"http://",
                                                                     U"ftp://"};
        const bool boundary = i == 0 || !isWordChar(at(i - 1));
        for (std::u32string_view scheme : kSchemes) {
            if (startsWithAt(i, scheme)) {
                const std::size_t end = extend(i + scheme.size());
                return end > i + scheme.size() ? end : 0;
            }
        }
        if (!boundary || !isWordChar(at(i)))
            return 0;
        const char32_t before = i == 0 ? 0 : at(i - 1);
        // "bob@en-marche.fr" is an e-mail address, "x/en-marche.fr" part of a path.
        if (before == '@' || before == '/' || before == '.' || before == '-' || before == '_' ||
            before == ':' || before == '\\' || isHostDot(before))
            return 0;
        std::size_t hostEnd = i;
        while (hostEnd < m_cells.size() && isHostChar(at(hostEnd)))
            ++hostEnd;
        if (at(hostEnd) == '@')
            return 0;
        if (!hasPublicTopLevel(i, hostEnd))
            return 0;
        const char32_t next = at(hostEnd);
        if (next == ':' || next == '/' || next == '?' || next == '#' || next == '\\')
            return extend(hostEnd);
        return trim(i, hostEnd);
    }

    // True when the host run [begin, end) has a dot and its last label is a known top-level
    // label ("fr", "com", "рф"), so "file.txt" or "e.g" is not taken for a link.
    bool hasPublicTopLevel(std::size_t begin, std::size_t end) const {
        while (end > begin && (isTrailingPunctuation(at(end - 1)) || at(end - 1) == '_'))
            --end;
        std::size_t lastDot = end;
        for (std::size_t k = begin; k < end; ++k) {
            if (isHostDot(at(k)))
                lastDot = k;
        }
        if (lastDot == end || lastDot + 1 >= end || lastDot == begin)
            return false;
        std::u32string label;
        for (std::size_t k = lastDot + 1; k < end; ++k)
            label.push_back(lower(at(k)));
        if (label.size() < 2)
            return false;
        std::string utf8 = toUtf8(label);
        if (m_suffixes.isKnownTopLevel(utf8))
            return true;
        // Punycode top-level labels ("xn--p1ai") are listed in Unicode; they are links too.
        return utf8.starts_with("xn--");
    }

    std::size_t extend(std::size_t from) const {
        std::size_t end = from;
        while (end < m_cells.size() && !endsLink(at(end)))
            ++end;
        return trim(from, end);
    }

    // Drops trailing punctuation, and closing brackets the link did not open.
    std::size_t trim(std::size_t begin, std::size_t end) const {
        static constexpr std::array<std::pair<char32_t, char32_t>, 3> kBrackets{
            {{'(', ')'}, {'[', ']'}, {'{', '}'}}};
        while (end > begin) {
            const char32_t last = at(end - 1);
            if (isTrailingPunctuation(last) || last == '"') {
                --end;
                continue;
            }
            bool unbalanced = false;
            for (auto [open, close] : kBrackets) {
                if (last != close)
                    continue;
                int depth = 0;
                for (std::size_t k = begin; k < end; ++k)
                    depth += at(k) == open ? 1 : (at(k) == close ? -1 : 0);
                unbalanced = depth < 0;
            }
            if (!unbalanced)
                break;
            --end;
        }
        return end;
    }

    ExtractedLink makeLink(std::size_t begin, std::size_t end) const {
        ExtractedLink link;
        link.offset = m_cells[begin].offset;
        link.length = m_cells[end - 1].end - link.offset;
        for (std::size_t k = begin; k < end && link.url.size() < kMaxLinkBytes; ++k)
            appendUtf8(link.url, m_cells[k].c);
        // Invisible characters inside the link, or right before it (an override that reverses it).
        const std::size_t from = begin == 0 ? 0 : m_cells[begin - 1].end;
        auto hidden = std::lower_bound(
            m_invisible.begin(), m_invisible.end(), from,
            [](const Cell& cell, std::size_t offset) { return cell.offset < offset; });
        for (; hidden != m_invisible.end() && hidden->offset < link.offset + link.length;
             ++hidden) {
            link.hadZeroWidth = link.hadZeroWidth || isZeroWidth(hidden->c);
            link.hadBidiControl = link.hadBidiControl || isBidiControl(hidden->c);
        }
        if (link.hadZeroWidth || link.hadBidiControl)
            link.written = std::string(
                m_text.substr(from, link.offset + link.length - from).substr(0, kMaxLinkBytes));
        return link;
    }

    std::string_view m_text;
    const PublicSuffixList& m_suffixes;
    std::vector<Cell> m_cells;
    std::vector<Cell> m_invisible;
};

} // namespace

std::vector<ExtractedLink> extractLinks(std::string_view text, const PublicSuffixList& suffixes) {
    return Scanner(text, suffixes).run();
}

} // namespace cloison::linkguard
