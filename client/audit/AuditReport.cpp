#include "client/audit/AuditReport.h"

#include "crypto/Signing.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

namespace cloison::audit {
namespace {

constexpr std::int64_t kBurstWindowMs = 10 * 60 * 1000;
constexpr int kBurstCount = 3;

bool isInvisible(char32_t c) {
    return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xad || (c >= 0x200b && c <= 0x200f) ||
           (c >= 0x202a && c <= 0x202e) || (c >= 0x2060 && c <= 0x2069) || c == 0xfeff ||
           c == 0x061c;
}

// Decodes one UTF-8 sequence; returns 0xFFFD (and consumes one byte) on anything malformed.
char32_t decode(std::string_view s, std::size_t& i) {
    const auto b = static_cast<unsigned char>(s[i]);
    int length = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
    if (length == 0 || i + static_cast<std::size_t>(length) > s.size()) {
        ++i;
        return 0xfffd;
    }
    char32_t c = length == 1 ? b : b & (0x7f >> length);
    for (int k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
        if ((next & 0xc0) != 0x80) {
            ++i;
            return 0xfffd;
        }
        c = (c << 6) | (next & 0x3f);
    }
    static constexpr char32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (c < kMin[length] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        ++i;
        return 0xfffd;
    }
    i += static_cast<std::size_t>(length);
    return c;
}

void appendUtf8(std::string& out, std::string_view s, std::size_t from, std::size_t to) {
    out.append(s.substr(from, to - from));
}

std::string timeLabel(std::int64_t ms) {
    std::string t = formatUtc(ms);
    t[10] = ' ';
    return t.substr(0, 19) + " UTC";
}

std::string number(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", v);
    return text;
}

bool isDeviceEvent(const KeyEvent& e) {
    return e.type.starts_with("device-") || e.type == event::kMessageRefused ||
           e.type == event::kRejectedUncertified || e.type == event::kSessionStarted ||
           e.type == event::kSessionReset || e.type == event::kIdentityCreated;
}

const char* colourOf(const std::string& type) {
    if (type == event::kMessageRefused || type == event::kRejectedUncertified ||
        type == event::kPinMismatch || type == event::kUnlockFailed)
        return "#c0392b";
    if (type == event::kDeviceRevoked || type == event::kDeviceTrustWithdrawn)
        return "#8e44ad";
    if (type == event::kDeviceTrustedManually)
        return "#d35400";
    if (type == event::kDeviceCertified || type == event::kIdentityCreated)
        return "#27ae60";
    return "#2c3e80";
}

// A failed unlock is logged when the profile is next unlocked; the attempt's own time is in
// the details ("at-ms=..."), which is what a burst is measured by.
std::int64_t failureTime(const KeyEvent& e) {
    const auto at = e.details.find("at-ms=");
    if (at == std::string::npos)
        return e.timeMs;
    std::int64_t t = 0;
    std::size_t digits = 0;
    for (std::size_t i = at + 6; i < e.details.size() && digits < 16; ++i, ++digits) {
        const char c = e.details[i];
        if (c < '0' || c > '9')
            break;
        t = t * 10 + (c - '0');
    }
    return digits == 0 ? e.timeMs : t;
}

} // namespace

std::string escapeHtml(std::string_view s, bool markup) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t start = i;
        const char32_t c = decode(s, i);
        switch (c) {
        case '&':
            out += "&amp;";
            continue;
        case '<':
            out += "&lt;";
            continue;
        case '>':
            out += "&gt;";
            continue;
        case '"':
            out += "&quot;";
            continue;
        case '\'':
            out += "&#39;";
            continue;
        default:
            break;
        }
        if (c == 0xfffd || isInvisible(c)) {
            char code[48];
            std::snprintf(code, sizeof code,
                          markup ? "<span class=\"cp\">[U+%04X]</span>" : "[U+%04X]",
                          static_cast<unsigned>(c));
            out += code;
        } else {
            appendUtf8(out, s, start, i);
        }
    }
    return out;
}

std::vector<Anomaly> findAnomalies(const std::vector<KeyEvent>& events) {
    std::set<std::string> certified;
    for (const auto& e : events)
        if (e.type == event::kDeviceCertified)
            certified.insert(e.subject);
    std::vector<Anomaly> out;
    std::vector<std::int64_t> failures;
    for (const auto& e : events) {
        if (e.type == event::kDeviceSeen && !certified.count(e.subject))
            out.push_back({e.seq, "unexpected device",
                           "a device appeared that the organisation never certified"});
        else if (e.type == event::kMessageRefused || e.type == event::kRejectedUncertified)
            out.push_back(
                {e.seq, "refused message", "a message from an uncertified device was refused"});
        else if (e.type == event::kDeviceTrustedManually)
            out.push_back({e.seq, "manual trust",
                           "someone trusted a device by hand, outside the organisation's "
                           "certification"});
        else if (e.type == event::kDeviceTrustWithdrawn)
            out.push_back({e.seq, "trust withdrawn",
                           "someone withdrew by hand the verification of a device: it was "
                           "trusted until then"});
        else if (e.type == event::kDeviceRevoked)
            out.push_back({e.seq, "revocation", "a device's trust was revoked"});
        else if (e.type == event::kPinMismatch)
            out.push_back({e.seq, "server key changed",
                           "the server presented a key other than the pinned one"});
        else if (e.type == event::kUnlockFailed) {
            const std::int64_t at = failureTime(e);
            failures.push_back(at);
            const auto recent = std::count_if(failures.begin(), failures.end(), [&](auto t) {
                return at - t <= kBurstWindowMs && t - at <= kBurstWindowMs;
            });
            if (recent == kBurstCount)
                out.push_back(
                    {e.seq, "unlock-failure burst",
                     std::to_string(kBurstCount) + " or more failed unlocks within 10 minutes"});
        }
    }
    return out;
}

std::string renderHtmlReport(const VerifyReport& report, const std::string& sourceName) {
    const auto anomalies = findAnomalies(report.events);
    std::map<std::int64_t, const Anomaly*> anomalyAt;
    for (const auto& a : anomalies)
        anomalyAt[a.seq] = &a;
    std::map<std::string, int> counts;
    for (const auto& e : report.events)
        ++counts[e.type];

    std::string h;
    h += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'\">"
         "<title>Cloison key-event audit</title><style>"
         "body{font-family:sans-serif;margin:2em;color:#222;max-width:70em}"
         "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}"
         ".ok{background:#e8f6ec;border-left:6px solid #27ae60;padding:.8em}"
         ".bad{background:#fdecea;border-left:6px solid #c0392b;padding:.8em}"
         "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3em "
         ".5em;text-align:left;font-size:.9em;vertical-align:top}"
         "tr.anomaly td{background:#fff3cd}.cp{color:#c0392b;font-family:monospace}"
         ".mono{font-family:monospace;font-size:.85em}"
         "</style></head><body>\n<h1>Key-event audit: ";
    h += escapeHtml(sourceName);
    h += "</h1>\n";
    if (report.ok)
        h += "<p class=\"ok\"><strong>The log verifies.</strong> " +
             std::to_string(report.entries) +
             " entries, each chained to the one before and signed by the log key.</p>\n";
    else
        h += "<p class=\"bad\"><strong>The log does NOT verify.</strong> First bad entry: " +
             std::to_string(report.firstBadSeq.value_or(0)) + ": " + escapeHtml(report.problem) +
             ". Only the entries before it are shown.</p>\n";
    h += "<p>Log key: <span class=\"mono\">" + escapeHtml(keyFingerprint(report.logKey)) +
         "</span>" +
         (report.certification.empty() ? std::string()
                                       : " &mdash; " + escapeHtml(report.certification)) +
         "</p>\n";

    h += "<h2>Anomalies (" + std::to_string(anomalies.size()) + ")</h2>\n";
    if (anomalies.empty()) {
        h += "<p>None found.</p>\n";
    } else {
        h += "<table><tr><th>Entry</th><th>What</th><th>Device or subject</th><th>Why it "
             "matters</th></tr>\n";
        for (const auto& a : anomalies) {
            const KeyEvent& e = report.events[static_cast<std::size_t>(a.seq - 1)];
            h += "<tr class=\"anomaly\"><td>" + std::to_string(a.seq) + "</td><td><strong>" +
                 escapeHtml(a.kind) + "</strong></td><td>" + escapeHtml(e.subject) + "</td><td>" +
                 escapeHtml(a.explanation) + "</td></tr>\n";
        }
        h += "</table>\n";
    }

    // Timeline: one row per device or subject, one mark per event, anomalies ringed in red.
    std::vector<std::string> rows;
    for (const auto& e : report.events)
        if (isDeviceEvent(e) && std::find(rows.begin(), rows.end(), e.subject) == rows.end())
            rows.push_back(e.subject);
    h += "<h2>Timeline of key events per device</h2>\n";
    if (rows.empty() || report.events.empty()) {
        h += "<p>No device events.</p>\n";
    } else {
        const std::int64_t first = report.events.front().timeMs;
        const std::int64_t last = std::max(report.events.back().timeMs, first + 1);
        // A log written within a minute reads better by entry order than by clock.
        const bool byTime = last - first >= 60 * 1000;
        const auto position = [&](const KeyEvent& e) {
            return byTime
                       ? static_cast<double>(e.timeMs - first) / static_cast<double>(last - first)
                       : static_cast<double>(e.seq - 1) /
                             static_cast<double>(std::max<std::int64_t>(1, report.entries - 1));
        };
        const double left = 260, width = 560, rowHeight = 28;
        const double height = 40 + rowHeight * static_cast<double>(rows.size());
        h += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(left + width + 20) +
             "\" height=\"" + number(height) + "\" role=\"img\" aria-label=\"timeline\">\n";
        for (std::size_t r = 0; r < rows.size(); ++r) {
            const double y = 30 + rowHeight * static_cast<double>(r);
            std::string label = rows[r].size() > 32 ? rows[r].substr(0, 30) + "..." : rows[r];
            h += "<text x=\"4\" y=\"" + number(y + 4) + "\" font-size=\"12\">" +
                 escapeHtml(label, false) + "</text><line x1=\"" + number(left) + "\" x2=\"" +
                 number(left + width) + "\" y1=\"" + number(y) + "\" y2=\"" + number(y) +
                 "\" stroke=\"#ddd\"/>\n";
        }
        for (const auto& e : report.events) {
            const auto row = std::find(rows.begin(), rows.end(), e.subject);
            if (!isDeviceEvent(e) || row == rows.end())
                continue;
            const double x = left + width * position(e);
            const double y = 30 + rowHeight * static_cast<double>(row - rows.begin());
            const bool anomalous = anomalyAt.count(e.seq) > 0;
            h += "<circle cx=\"" + number(x) + "\" cy=\"" + number(y) + "\" r=\"6\" fill=\"" +
                 colourOf(e.type) + "\"" +
                 (anomalous ? " stroke=\"#c0392b\" stroke-width=\"3\"" : "") + "><title>" +
                 std::to_string(e.seq) + " " + escapeHtml(e.type, false) + " " +
                 escapeHtml(timeLabel(e.timeMs), false) + "</title></circle>\n";
        }
        const std::string from = byTime ? timeLabel(first) : "entry 1, " + timeLabel(first);
        const std::string to = byTime ? timeLabel(last)
                                      : "entry " + std::to_string(report.entries) + ", " +
                                            timeLabel(report.events.back().timeMs);
        h += "<text x=\"" + number(left) + "\" y=\"14\" font-size=\"11\">" +
             escapeHtml(from, false) + "</text><text x=\"" + number(left + width) +
             "\" y=\"14\" font-size=\"11\" text-anchor=\"end\">" + escapeHtml(to, false) +
             "</text></svg>\n<p>Green: created or certified. Blue: seen or session. Orange: "
             "trusted by hand. Purple: revoked or trust withdrawn. Red: refused or failed. A red "
             "ring marks an "
             "anomaly.</p>\n";
    }

    h += "<h2>Summary</h2>\n<table><tr><th>Event type</th><th>Count</th></tr>\n";
    for (const auto& [type, count] : counts)
        h += "<tr><td>" + escapeHtml(type) + "</td><td>" + std::to_string(count) + "</td></tr>\n";
    h += "</table>\n<h2>All entries</h2>\n<table><tr><th>#</th><th>Time</th><th>Event</th>"
         "<th>Subject</th><th>Fingerprint</th><th>Details</th></tr>\n";
    for (const auto& e : report.events) {
        h += std::string("<tr") + (anomalyAt.count(e.seq) ? " class=\"anomaly\"" : "") + "><td>" +
             std::to_string(e.seq) + "</td><td>" + escapeHtml(timeLabel(e.timeMs)) + "</td><td>" +
             escapeHtml(e.type) + "</td><td>" + escapeHtml(e.subject) + "</td><td class=\"mono\">" +
             escapeHtml(e.fingerprint) + "</td><td>" + escapeHtml(e.details) + "</td></tr>\n";
    }
    h += "</table>\n</body></html>\n";
    return h;
}

} // namespace cloison::audit
