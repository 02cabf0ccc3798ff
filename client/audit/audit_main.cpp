// cloison-audit: the auditor's tool. It verifies exported key-event logs without any message
// content. Scripts depend on its commands, output and exit codes.
#include "client/audit/AuditReport.h"
#include "client/audit/AuditVerifier.h"
#include "client/profile/ProfileHeader.h"
#include "crypto/Signing.h"

#include <fstream>
#include <iostream>
#include <sstream>

namespace {

using namespace cloison;

constexpr const char* kUsage = R"(Usage: cloison-audit COMMAND [ARGS]

Commands:
  verify FILE [--log-key KEY] [--heads FILE]
        verify an exported key-event log (cloison-cli export-audit): hash chain, signatures,
        the export's signed head, and optionally the log heads published earlier.
        --log-key KEY   the log key certified for this compartment (base64, as in the
                        export's "log_key"); a log signed by any other key fails
        --heads FILE    published log heads, one JSON object per line; a log truncated or
                        rewritten since any of them fails

  report FILE --html OUT [--log-key KEY] [--heads FILE]
        verify as above and write a self-contained HTML report to OUT: a timeline of key
        events per device, anomalies highlighted (unexpected devices, refused messages,
        trust given by hand, revocations, server key changes, unlock-failure bursts) and a
        summary. A log that fails verification still gets a report, headed by the failure.

Output: "verified: N entries, log key FINGERPRINT", or
        "FAILED at entry N: PROBLEM" naming the first entry that does not verify.

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

int run(const std::string& command, const std::vector<std::string>& args) {
    std::string file;
    std::string html;
    audit::VerifyOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--log-key" || arg == "--heads" || arg == "--html") {
            if (i + 1 >= args.size())
                return usageError(arg + " needs a value");
            const std::string value = args[++i];
            if (arg == "--html") {
                html = value;
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
              << keyFingerprint(report.logKey) << '\n';
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
