// The audit-log JSON parser and AuditVerifier. The first byte picks a mode:
//  - as is: the input is an exported log; verify it, and every line that parses as an event,
//    header or head must serialise to a line that parses to the same values;
//  - re-signed: the lines after the first are taken as events, re-chained and signed with a
//    fixed log key under a matching signed head, as a forger who holds the log key would;
//    the verifier must then accept exactly those entries.
#include "client/audit/AuditJson.h"
#include "client/audit/AuditVerifier.h"
#include "crypto/Signing.h"
#include "crypto/Sodium.h"
#include "tests/fuzz/FuzzCheck.h"

#include <cstdint>
#include <string>
#include <vector>

using namespace cloison;
using namespace cloison::audit;

namespace {

bool sameEvent(const KeyEvent& a, const KeyEvent& b) {
    return a.seq == b.seq && a.timeMs == b.timeMs && a.type == b.type && a.subject == b.subject &&
           a.fingerprint == b.fingerprint && a.details == b.details && a.prevHash == b.prevHash &&
           a.hash == b.hash && a.signature == b.signature;
}

bool sameHead(const LogHead& a, const LogHead& b) {
    return a.seq == b.seq && a.hash == b.hash && a.timeMs == b.timeMs && a.signature == b.signature;
}

std::vector<std::string_view> lines(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        const auto end = text.find('\n');
        if (const auto line = text.substr(0, end); !line.empty())
            out.push_back(line);
        if (end == std::string_view::npos)
            break;
        text.remove_prefix(end + 1);
    }
    return out;
}

void roundTrips(std::string_view text) {
    std::size_t count = 0;
    for (const auto line : lines(text)) {
        if (++count > 64)
            break;
        if (auto event = parseEventLine(line)) {
            auto again = parseEventLine(eventLine(event.value()));
            FUZZ_CHECK(again.ok());
            FUZZ_CHECK(sameEvent(event.value(), again.value()));
        }
        if (auto header = parseHeaderLine(line)) {
            auto again = parseHeaderLine(
                headerLine(header.value().logKey, header.value().head, header.value().certificate));
            FUZZ_CHECK(again.ok());
            FUZZ_CHECK(again.value().logKey == header.value().logKey);
            FUZZ_CHECK(again.value().certificate == header.value().certificate);
            FUZZ_CHECK(sameHead(again.value().head, header.value().head));
        }
        if (auto head = parseHeadLine(line)) {
            auto again = parseHeadLine(headLine(head.value().logKey, head.value().head));
            FUZZ_CHECK(again.ok());
            FUZZ_CHECK(again.value().logKey == head.value().logKey);
            FUZZ_CHECK(sameHead(again.value().head, head.value().head));
        }
    }
}

void resigned(std::string_view text) {
    static const SigningKey key = SigningKey::generate();
    std::vector<KeyEvent> events;
    Bytes previous = genesisHash();
    std::string body;
    for (const auto line : lines(text)) {
        if (events.size() >= 16)
            break;
        auto event = parseEventLine(line);
        if (!event)
            continue;
        KeyEvent e = std::move(event.value());
        e.seq = static_cast<std::int64_t>(events.size()) + 1;
        e.prevHash = previous;
        e.hash = e.computeHash();
        e.signature = key.sign(e.canonicalBytes());
        previous = e.hash;
        body += eventLine(e) + "\n";
        events.push_back(std::move(e));
    }
    LogHead head{static_cast<std::int64_t>(events.size()), previous, 1795000000000, {}};
    head.signature = key.sign(head.canonicalBytes());
    const std::string log = headerLine(key.publicKey(), head) + "\n" + body;
    VerifyOptions options;
    options.expectedLogKey = key.publicKey();
    options.publishedHeads.push_back(headLine(key.publicKey(), head));
    const VerifyReport report = verifyAuditLog(log, options);
    FUZZ_CHECK(report.ok);
    FUZZ_CHECK(report.entries == static_cast<std::int64_t>(events.size()));
    FUZZ_CHECK(report.events.size() == events.size());
    for (std::size_t i = 0; i < events.size(); ++i)
        FUZZ_CHECK(sameEvent(report.events[i], events[i]));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool ready = (ensureSodium(), true);
    (void)ready;
    if (size == 0)
        return 0;
    const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] & 1) {
        const VerifyReport report = verifyAuditLog(text);
        FUZZ_CHECK(report.ok || !report.problem.empty());
        FUZZ_CHECK(report.entries == static_cast<std::int64_t>(report.events.size()) || !report.ok);
        roundTrips(text);
    } else {
        resigned(text);
    }
    return 0;
}
