// The auditor's check of an exported key-event log: chain, hashes, signatures, the signed
// head, and (when given) heads published earlier. It never needs message content.
#pragma once

#include "client/audit/KeyEvent.h"

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace cloison::audit {

// Checks the certificate an export carries (its header's "log_key_certificate") for the log
// key; returns what it certifies, for a person ("certified by ... for ..."), or why not.
using CertificateCheck =
    std::function<Result<std::string>(std::string_view certificate, ByteView logKey)>;

struct VerifyOptions {
    std::optional<Bytes> expectedLogKey;     // the key certified for this compartment
    std::vector<std::string> publishedHeads; // head lines, as published to the server
    // When set, the log key must carry a certificate that passes this check.
    CertificateCheck checkCertificate = {};
};

struct VerifyReport {
    bool ok = false;
    std::int64_t entries = 0;
    Bytes logKey;
    std::string certification; // what the certificate check said, when one was asked for
    std::optional<std::int64_t> firstBadSeq; // the first entry that does not verify
    std::string problem;                     // what is wrong there, for a person
    std::vector<KeyEvent> events;            // the entries that did verify, in order
};

VerifyReport verifyAuditLog(std::string_view jsonLines, const VerifyOptions& options = {});

} // namespace cloison::audit
