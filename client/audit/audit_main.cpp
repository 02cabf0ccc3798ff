// cloison-audit: the auditor's tool. It verifies exported key-event logs without any message
// content. Scripts depend on its commands, output and exit codes.
#include "client/audit/AuditReport.h"
#include "client/audit/AuditVerifier.h"
#include "client/profile/ProfileHeader.h"
#include "client/provisioning/Documents.h"
#include "crypto/Signing.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

namespace {

using namespace cloison;

constexpr const char* kUsage = R"(Usage: cloison-audit COMMAND [ARGS]

Commands:
  verify FILE [--org-key FINGERPRINT|KEYFILE] [--log-key KEY] [--heads FILE]
        verify an exported key-event log (cloison-cli export-audit): hash chain, signatures,
        the export's signed head, the log key's certificate, and optionally the log heads
        published earlier.
        --org-key FINGERPRINT|KEYFILE
                        the organisation key, as its fingerprint ('cloison-admin org
                        fingerprint', quoted, spaces optional) or a file holding the key
                        ('cloison-admin org public-key'); the export must carry the
                        organisation's signed roster listing this log key (the member's
                        device certified with 'cloison-admin certify', roster fetched)
        --log-key KEY   the log key expected for this compartment (base64, as in the
                        export's "log_key"); a log signed by any other key fails
        --heads FILE    published log heads, one JSON object per line, as fetched with
                        'cloison-admin log-heads'; a log truncated or rewritten since any of
                        them fails

  report FILE --html OUT [--org-key FINGERPRINT|KEYFILE] [--log-key KEY] [--heads FILE]
        verify as above and write a self-contained HTML report to OUT: a timeline of key
        events per device, anomalies highlighted (unexpected devices, refused messages,
        trust given by hand, revocations, server key changes, unlock-failure bursts) and a
        summary. A log that fails verification still gets a report, headed by the failure.

Output: "verified: N entries, log key FINGERPRINT[, certified by organisation key ...]", or
        "FAILED at entry N: PROBLEM" naming the first entry that does not verify (entry 1
        when the log key itself is not the expected or certified one).

Exit codes: 0 verified, 1 verification failed, 2 usage error, 3 a file cannot be read
or written.
)";

constexpr std::size_t kMaxFileBytes = 256u << 20;

bool readFile(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return false;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    out = buffer.str();
    return out.size() <= kMaxFileBytes;
}

int usageError(const std::string& message) {
    std::cerr << "cloison-audit: " << message << "\nTry 'cloison-audit --help'.\n";
    return 2;
}

bool isFingerprint(const std::string& text) {
    std::string hex;
    for (char c : text)
        if (c != ' ' && c != ':')
            hex += c;
    return hex.size() == 64 && std::all_of(hex.begin(), hex.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
           });
}

// --org-key: a file holding the key (base64, as 'cloison-admin org public-key' prints it), or
// else its fingerprint. 0, or the exit code.
int readOrgKey(const std::string& value, provisioning::ExpectedOrgKey& org) {
    std::error_code error;
    if (!std::filesystem::is_regular_file(value, error) && isFingerprint(value)) {
        org.fingerprint = value;
        return 0;
    }
    std::string text;
    if (!readFile(value, text)) {
        std::cerr << "cloison-audit: cannot read " << value
                  << " (--org-key takes a fingerprint or a file holding the key)\n";
        return 3;
    }
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
        text.pop_back();
    auto key = fromBase64(text);
    if (!key || key.value().size() != kSigningPublicKeyBytes)
        return usageError("--org-key " + value +
                          ": the file does not hold an organisation key (base64 Ed25519, as "
                          "written by 'cloison-admin org public-key')");
    org.publicKey = key.value();
    return 0;
}

int run(const std::string& command, const std::vector<std::string>& args) {
    std::string file;
    std::string html;
    audit::VerifyOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--log-key" || arg == "--heads" || arg == "--html" || arg == "--org-key") {
            if (i + 1 >= args.size())
                return usageError(arg + " needs a value");
            const std::string value = args[++i];
            if (arg == "--html") {
                html = value;
            } else if (arg == "--org-key") {
                provisioning::ExpectedOrgKey org;
                if (int read = readOrgKey(value, org); read != 0)
                    return read;
                options.checkCertificate = [org](std::string_view certificate, ByteView logKey) {
                    return provisioning::checkLogKeyCertificate(certificate, logKey, org);
                };
            } else if (arg == "--log-key") {
                auto key = fromBase64(value);
                if (!key || key.value().size() != kSigningPublicKeyBytes)
                    return usageError("--log-key takes a base64 Ed25519 public key");
                options.expectedLogKey = key.value();
            } else {
                std::string heads;
                if (!readFile(value, heads)) {
                    std::cerr << "cloison-audit: cannot read " << value << '\n';
                    return 3;
                }
                std::istringstream lines(heads);
                for (std::string line; std::getline(lines, line);)
                    if (!line.empty())
                        options.publishedHeads.push_back(line);
            }
        } else if (arg.starts_with("--")) {
            return usageError("unknown option " + arg);
        } else if (file.empty()) {
            file = arg;
        } else {
            return usageError(command + " takes one file");
        }
    }
    if (file.empty())
        return usageError(command + " needs a file");
    if (command == "report" && html.empty())
        return usageError("report needs --html OUT");
    if (command == "verify" && !html.empty())
        return usageError("--html goes with report");
    std::string text;
    if (!readFile(file, text)) {
        std::cerr << "cloison-audit: cannot read " << file << '\n';
        return 3;
    }
    const auto report = audit::verifyAuditLog(text, options);
    if (!html.empty()) {
        const std::string page = audit::renderHtmlReport(report, file);
        if (!writeFileAtomically(html, asBytes(page))) {
            std::cerr << "cloison-audit: cannot write " << html << '\n';
            return 3;
        }
    }
    if (!report.ok) {
        std::cout << "FAILED at entry " << report.firstBadSeq.value_or(0) << ": " << report.problem
                  << '\n';
        return 1;
    }
    std::cout << "verified: " << report.entries << " entries, log key "
              << keyFingerprint(report.logKey)
              << (report.certification.empty() ? "" : ", " + report.certification) << '\n';
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty())
        return usageError("no command given");
    if (args[0] == "--help" || args[0] == "-h") {
        std::cout << kUsage;
        return 0;
    }
    if (args[0] == "--version") {
        std::cout << "cloison-audit " << CLOISON_VERSION << '\n';
        return 0;
    }
    if (args[0] == "verify" || args[0] == "report")
        return run(args[0], {args.begin() + 1, args.end()});
    return usageError("unknown command '" + args[0] + "'");
}
