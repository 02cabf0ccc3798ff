// The auditor's check of an exported key-event log: chain, hashes, signatures, the signed
// head, and (when given) heads published earlier. It never needs message content.
#pragma once

#include "client/audit/KeyEvent.h"

#include <optional>
#include <string_view>
#include <vector>

namespace cloison::audit {

struct VerifyOptions {
    std::optional<Bytes> expectedLogKey;     // the key certified for this compartment
    std::vector<std::string> publishedHeads; // head lines, as published to the server
};

struct VerifyReport {
    bool ok = false;
    std::int64_t entries = 0;
    Bytes logKey;
    std::optional<std::int64_t> firstBadSeq; // the first entry that does not verify
    std::string problem;                     // what is wrong there, for a person
    std::vector<KeyEvent> events;            // the entries that did verify, in order
};

VerifyReport verifyAuditLog(std::string_view jsonLines, const VerifyOptions& options = {});

} // namespace cloison::audit
