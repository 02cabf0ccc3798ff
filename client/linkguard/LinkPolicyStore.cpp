#include "client/linkguard/LinkPolicyStore.h"

#include <charconv>

namespace cloison::linkguard {
namespace {

std::string asText(const Bytes& bytes) {
    return std::string(bytes.begin(), bytes.end());
}

} // namespace

Result<std::vector<std::string>> LinkPolicyStore::trustedDomains() {
    auto stored = m_settings.get(kTrustedDomainsKey);
    if (!stored)
        return stored.error();
    std::vector<std::string> domains;
    if (!stored.value())
        return domains;
    const std::string text = asText(*stored.value());
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        if (end > start)
            domains.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return domains;
}

Result<void> LinkPolicyStore::setTrustedDomains(const std::vector<std::string>& domains) {
    std::string text;
    for (const std::string& domain : domains) {
        if (domain.empty() || domain.find('\n') != std::string::npos)
            return makeError(ErrorCode::InvalidArgument, "a trusted domain is empty or has a line "
                                                         "break");
        text.append(domain).push_back('\n');
    }
    return m_settings.put(kTrustedDomainsKey, asBytes(text));
}

Result<std::uint64_t> LinkPolicyStore::highestBlocklistVersion() {
    auto stored = m_settings.get(kBlocklistVersionKey);
    if (!stored)
        return stored.error();
    if (!stored.value())
        return std::uint64_t{0};
    const std::string text = asText(*stored.value());
    std::uint64_t version = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
    if (ec != std::errc() || end != text.data() + text.size())
        return makeError(ErrorCode::Corrupted, "the stored blocklist version is damaged");
    return version;
}

Result<Blocklist> LinkPolicyStore::installBlocklist(std::string_view document,
                                                    ByteView orgPublicKey) {
    auto parsed = parseSignedBlocklist(document, orgPublicKey);
    if (!parsed)
        return parsed.error();
    auto held = highestBlocklistVersion();
    if (!held)
        return held.error();
    const std::uint64_t version = parsed.value().version;
    if (version < held.value())
        return makeError(ErrorCode::Corrupted,
                         "blocklist version " + std::to_string(version) +
                             " is older than version " + std::to_string(held.value()) +
                             " already held: refused (a rollback to an older bulletin)");
    if (version == held.value()) {
        auto current = m_settings.get(kBlocklistKey);
        if (!current)
            return current.error();
        if (!current.value() || asText(*current.value()) != document)
            return makeError(ErrorCode::Corrupted, "a different blocklist with the same version " +
                                                       std::to_string(version) +
                                                       " is already held: refused");
        return std::move(parsed.value());
    }
    auto stored = m_settings.atomically([&]() -> Result<void> {
        if (auto put = m_settings.put(kBlocklistKey, asBytes(document)); !put)
            return put;
        return m_settings.put(kBlocklistVersionKey, asBytes(std::to_string(version)));
    });
    if (!stored)
        return stored.error();
    return std::move(parsed.value());
}

Result<std::optional<Blocklist>> LinkPolicyStore::blocklist(ByteView orgPublicKey) {
    auto stored = m_settings.get(kBlocklistKey);
    if (!stored)
        return stored.error();
    if (!stored.value())
        return std::optional<Blocklist>();
    auto parsed = parseSignedBlocklist(asText(*stored.value()), orgPublicKey);
    if (!parsed)
        return parsed.error();
    return std::optional<Blocklist>(std::move(parsed.value()));
}

} // namespace cloison::linkguard
