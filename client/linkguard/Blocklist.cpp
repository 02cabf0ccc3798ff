#include "client/linkguard/Blocklist.h"

#include "crypto/Signing.h"

#include <algorithm>

namespace cloison::linkguard {
namespace {

constexpr std::string_view kMagicLine = "cloison-blocklist 1";
constexpr std::string_view kSignaturePrefix = "signature ";

Error malformed(std::size_t line, const std::string& what) {
    return makeError(ErrorCode::Corrupted, "blocklist line " + std::to_string(line) + ": " + what);
}

} // namespace

bool isCanonicalDomain(std::string_view domain) {
    if (domain.empty() || domain.size() > kMaxDomainBytes)
        return false;
    std::size_t labels = 0;
    std::size_t start = 0;
    while (start <= domain.size()) {
        std::size_t end = domain.find('.', start);
        if (end == std::string_view::npos)
            end = domain.size();
        const std::string_view label = domain.substr(start, end - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
            return false;
        for (char c : label) {
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
                return false;
        }
        ++labels;
        start = end + 1;
    }
    return labels >= 2;
}

Result<std::string> encodeBlocklistBody(const Blocklist& list) {
    if (list.version == 0 || list.version > static_cast<std::uint64_t>(INT64_MAX))
        return makeError(ErrorCode::InvalidArgument, "blocklist version must be 1 or more");
    if (list.issuedAt < 0)
        return makeError(ErrorCode::InvalidArgument, "blocklist issue time is before 1970");
    std::vector<std::string> domains = list.domains;
    std::sort(domains.begin(), domains.end());
    domains.erase(std::unique(domains.begin(), domains.end()), domains.end());
    if (domains.size() > kMaxBlocklistDomains)
        return makeError(ErrorCode::InvalidArgument, "blocklist has more than 100000 domains");
    std::string body;
    body.append(kMagicLine).append("\nversion ").append(std::to_string(list.version));
    body.append("\nissued-at ").append(std::to_string(list.issuedAt)).append("\n");
    for (const std::string& domain : domains) {
        if (!isCanonicalDomain(domain))
            return makeError(ErrorCode::InvalidArgument,
                             "not a lowercase ASCII domain name: " + domain.substr(0, 64));
        body.append("domain ").append(domain).append("\n");
    }
    if (body.size() > kMaxBlocklistBytes - 200)
        return makeError(ErrorCode::InvalidArgument, "blocklist is larger than 4 MiB");
    return body;
}

std::string signBlocklistBody(std::string_view body, const SigningKey& orgKey) {
    std::string document(body);
    document.append(kSignaturePrefix).append(toBase64(orgKey.sign(asBytes(body)))).append("\n");
    return document;
}

Result<std::string> signBlocklist(const Blocklist& list, const SigningKey& orgKey) {
    auto body = encodeBlocklistBody(list);
    if (!body)
        return body.error();
    return signBlocklistBody(body.value(), orgKey);
}

Result<Blocklist> parseSignedBlocklist(std::string_view document, ByteView orgPublicKey) {
    if (document.size() > kMaxBlocklistBytes)
        return makeError(ErrorCode::InvalidArgument, "blocklist is larger than 4 MiB (" +
                                                         std::to_string(document.size()) +
                                                         " bytes): refused unread");
    if (!document.starts_with(kMagicLine) || !document.ends_with('\n'))
        return makeError(ErrorCode::InvalidArgument,
                         "not a Cloison blocklist (it must start with 'cloison-blocklist 1')");
    if (orgPublicKey.size() != kSigningPublicKeyBytes)
        return makeError(ErrorCode::InvalidArgument, "the organisation key must be 32 bytes");

    // 1. The signature, before any other byte is interpreted.
    const std::size_t lastLine = document.rfind('\n', document.size() - 2);
    const std::size_t signatureStart = lastLine == std::string_view::npos ? 0 : lastLine + 1;
    const std::string_view signatureLine =
        document.substr(signatureStart, document.size() - 1 - signatureStart);
    if (!signatureLine.starts_with(kSignaturePrefix))
        return makeError(ErrorCode::Corrupted, "blocklist is not signed (no final signature line)");
    const std::string_view encoded = signatureLine.substr(kSignaturePrefix.size());
    auto signature = encoded.size() <= 100 ? fromBase64(encoded) : Result<Bytes>(Bytes{});
    if (!signature || signature.value().size() != kSignatureBytes)
        return makeError(ErrorCode::Corrupted, "blocklist signature is not 64 bytes of base64");
    const std::string_view body = document.substr(0, signatureStart);
    if (!verifySignature(orgPublicKey, asBytes(body), signature.value()))
        return makeError(ErrorCode::Corrupted,
                         "blocklist signature does not verify with the organisation key: "
                         "refused (tampered, or signed by another key)");

    // 2. The signed body, strictly: one canonical form only.
    Blocklist list;
    std::size_t lineNumber = 0;
    std::size_t pos = 0;
    std::string_view previousDomain;
    while (pos < body.size()) {
        const std::size_t end = body.find('\n', pos);
        const std::string_view line = body.substr(pos, end - pos);
        pos = end + 1;
        ++lineNumber;
        if (lineNumber == 1) {
            if (line != kMagicLine)
                return malformed(lineNumber, "expected 'cloison-blocklist 1'");
        } else if (lineNumber == 2) {
            if (!line.starts_with("version ") ||
                !parseCanonicalDecimal(line.substr(8), INT64_MAX, list.version) ||
                list.version == 0)
                return malformed(lineNumber, "expected 'version N' with N from 1");
        } else if (lineNumber == 3) {
            std::uint64_t issuedAt = 0;
            if (!line.starts_with("issued-at ") ||
                !parseCanonicalDecimal(line.substr(10), INT64_MAX, issuedAt))
                return malformed(lineNumber, "expected 'issued-at SECONDS'");
            list.issuedAt = static_cast<std::int64_t>(issuedAt);
        } else {
            if (!line.starts_with("domain "))
                return malformed(lineNumber, "expected 'domain NAME'");
            const std::string_view domain = line.substr(7);
            if (!isCanonicalDomain(domain))
                return malformed(lineNumber, "not a lowercase ASCII domain name");
            if (!previousDomain.empty() && domain <= previousDomain)
                return malformed(lineNumber, "domains must be sorted and unique");
            if (list.domains.size() >= kMaxBlocklistDomains)
                return malformed(lineNumber, "more than 100000 domains");
            list.domains.emplace_back(domain);
            previousDomain = domain;
        }
    }
    if (lineNumber < 3)
        return malformed(lineNumber, "missing version or issued-at line");
    return list;
}

} // namespace cloison::linkguard
