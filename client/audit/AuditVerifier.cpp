#include "client/audit/AuditVerifier.h"

#include "client/audit/AuditJson.h"
#include "crypto/Hash.h"
#include "crypto/Signing.h"

namespace cloison::audit {
namespace {

std::vector<std::string_view> splitLines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        if (!line.empty())
            lines.push_back(line);
        if (end == std::string_view::npos)
            break;
        text.remove_prefix(end + 1);
    }
    return lines;
}

VerifyReport fail(VerifyReport report, std::int64_t seq, std::string problem) {
    report.ok = false;
    report.firstBadSeq = seq;
    report.problem = std::move(problem);
    return report;
}

} // namespace

VerifyReport verifyAuditLog(std::string_view jsonLines, const VerifyOptions& options) {
    VerifyReport report;
    const auto lines = splitLines(jsonLines);
    if (lines.empty())
        return fail(report, 1, "the file is empty");
    auto header = parseHeaderLine(lines.front());
    if (!header)
        return fail(report, 1, "header: " + header.error().message);
    report.logKey = header.value().logKey;
    if (options.expectedLogKey && !equalConstantTime(*options.expectedLogKey, report.logKey))
        return fail(report, 1,
                    "the log is signed by key " + keyFingerprint(report.logKey) +
                        ", not by the expected key " + keyFingerprint(*options.expectedLogKey));
    if (options.checkCertificate) {
        if (header.value().certificate.empty())
            return fail(report, 1,
                        "the log key " + keyFingerprint(report.logKey) +
                            " carries no certificate from the organisation (the device was not "
                            "certified, or its roster not fetched, before the export)");
        auto certified = options.checkCertificate(header.value().certificate, report.logKey);
        if (!certified)
            return fail(report, 1,
                        "the log key's certificate does not hold: " + certified.error().message);
        report.certification = certified.value();
    }

    Bytes previous = genesisHash();
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const auto expectedSeq = static_cast<std::int64_t>(i);
        auto entry = parseEventLine(lines[i]);
        if (!entry)
            return fail(report, expectedSeq, entry.error().message);
        const KeyEvent& e = entry.value();
        if (e.seq != expectedSeq)
            return fail(report, expectedSeq,
                        "entry " + std::to_string(expectedSeq) +
                            " is missing or out of order (found " + std::to_string(e.seq) +
                            " in its place)");
        if (!equalConstantTime(e.prevHash, previous))
            return fail(report, e.seq, "does not chain to the entry before it");
        if (!equalConstantTime(e.computeHash(), e.hash))
            return fail(report, e.seq, "its content does not match its hash (modified)");
        if (!verifySignature(report.logKey, e.canonicalBytes(), e.signature))
            return fail(report, e.seq, "its signature is not by the log key");
        previous = e.hash;
        report.events.push_back(e);
    }
    report.entries = static_cast<std::int64_t>(report.events.size());

    // The signed head in the header says how long the log was when exported.
    auto checkHead = [&](const LogHead& head,
                         const std::string& source) -> std::optional<VerifyReport> {
        if (!verifySignature(report.logKey, head.canonicalBytes(), head.signature))
            return fail(report, std::min(head.seq, report.entries + 1),
                        source + " is not signed by the log key (log re-signed or head forged)");
        if (head.seq > report.entries)
            return fail(report, report.entries + 1,
                        source + " says the log had " + std::to_string(head.seq) +
                            " entries, but it ends at " + std::to_string(report.entries) +
                            " (truncated)");
        const Bytes& at = head.seq == 0
                              ? genesisHash()
                              : report.events[static_cast<std::size_t>(head.seq - 1)].hash;
        if (!equalConstantTime(at, head.hash))
            return fail(report, head.seq,
                        source + " does not match entry " + std::to_string(head.seq) +
                            " (rewritten)");
        return std::nullopt;
    };
    if (auto bad = checkHead(header.value().head, "the export's signed head"))
        return *bad;
    if (header.value().head.seq != report.entries)
        return fail(report, header.value().head.seq + 1,
                    "entries after the export's signed head (" +
                        std::to_string(header.value().head.seq) + ") were added");
    for (std::size_t i = 0; i < options.publishedHeads.size(); ++i) {
        auto published = parseHeadLine(options.publishedHeads[i]);
        const std::string source = "published head " + std::to_string(i + 1);
        if (!published)
            return fail(report, 1, source + ": " + published.error().message);
        if (!equalConstantTime(published.value().logKey, report.logKey))
            return fail(report, 1, source + " was signed by another log key (log re-signed)");
        if (auto bad = checkHead(published.value().head, source))
            return *bad;
    }
    report.ok = true;
    return report;
}

} // namespace cloison::audit
