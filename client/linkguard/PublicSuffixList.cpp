#include "client/linkguard/PublicSuffixList.h"

#include <fstream>
#include <sstream>
#include <vector>

namespace cloison::linkguard {
namespace {

// Offsets where each label starts, so suffixes are views into `host`.
std::vector<std::size_t> labelStarts(std::string_view host) {
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 0; i < host.size(); ++i) {
        if (host[i] == '.')
            starts.push_back(i + 1);
    }
    return starts;
}

bool contains(const StringSet& set, std::string_view key) {
    return set.find(key) != set.end();
}

} // namespace

Result<PublicSuffixList> PublicSuffixList::load(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return makeError(ErrorCode::NotFound, "cannot read the public suffix list " +
                                                  path.string() +
                                                  " (install Debian's publicsuffix package)");
    std::string text;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > kMaxFileBytes)
            return makeError(ErrorCode::Corrupted,
                             "public suffix list " + path.string() + " is larger than 8 MiB");
    }
    return parse(text);
}

Result<PublicSuffixList> PublicSuffixList::parse(std::string_view text) {
    PublicSuffixList list;
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        // A rule is the first whitespace-delimited word; comments start with "//".
        const std::size_t space = line.find_first_of(" \t\r");
        if (space != std::string_view::npos)
            line = line.substr(0, space);
        if (line.empty() || line.starts_with("//"))
            continue;
        std::string rule;
        for (char c : line)
            rule.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
        const std::size_t lastDot = rule.rfind('.');
        list.m_topLevel.insert(lastDot == std::string::npos ? rule : rule.substr(lastDot + 1));
        if (rule.starts_with("!"))
            list.m_exceptions.insert(rule.substr(1));
        else if (rule.starts_with("*."))
            list.m_wildcards.insert(rule.substr(2));
        else
            list.m_rules.insert(std::move(rule));
    }
    if (list.m_rules.empty())
        return makeError(ErrorCode::Corrupted, "the public suffix list has no rules");
    return list;
}

std::size_t PublicSuffixList::suffixLabelCount(std::string_view host) const {
    const std::vector<std::size_t> starts = labelStarts(host);
    const std::size_t labels = starts.size();
    // From the longest suffix to the shortest: the first match is the prevailing rule, and an
    // exception beats a wildcard of the same length.
    for (std::size_t i = 0; i < labels; ++i) {
        const std::string_view suffix = host.substr(starts[i]);
        const std::size_t count = labels - i;
        if (contains(m_exceptions, suffix))
            return count - 1;
        if (contains(m_rules, suffix))
            return count;
        if (i + 1 < labels && contains(m_wildcards, host.substr(starts[i + 1])))
            return count;
    }
    return 1;
}

std::string_view PublicSuffixList::registrableDomain(std::string_view host) const {
    const std::vector<std::size_t> starts = labelStarts(host);
    const std::size_t suffixLabels = suffixLabelCount(host);
    if (suffixLabels >= starts.size())
        return {};
    return host.substr(starts[starts.size() - suffixLabels - 1]);
}

bool PublicSuffixList::isKnownTopLevel(std::string_view label) const {
    return contains(m_topLevel, label);
}

} // namespace cloison::linkguard
