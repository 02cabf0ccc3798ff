// The auditor's HTML report: a self-contained page (no scripts, no external assets) with a
// timeline of key events per device, anomalies highlighted, and a summary a person who is not
// a cryptographer can read.
#pragma once

#include "client/audit/AuditVerifier.h"

#include <string>
#include <vector>

namespace cloison::audit {

struct Anomaly {
    std::int64_t seq = 0;
    std::string kind; // "unexpected device", "manual trust", ...
    std::string explanation;
};

std::vector<Anomaly> findAnomalies(const std::vector<KeyEvent>& events);
std::string renderHtmlReport(const VerifyReport& report, const std::string& sourceName);

// Text as HTML, with every markup character escaped and every invisible or direction-changing
// character (bidi overrides, zero-width, controls) shown as a visible code point.
// `markup` wraps those code points in a styled span; without it (inside SVG text) they are
// shown as plain "[U+XXXX]".
std::string escapeHtml(std::string_view utf8, bool markup = true);

} // namespace cloison::audit
