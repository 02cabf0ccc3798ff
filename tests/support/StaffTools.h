// cloison-admin and cloison-cli run as an admin and staff run them, for end-to-end tests: the
// admin vault in DIR/admin (passphrase "admin passphrase", server admin password
// "admin-password"), each member's profile in DIR/WHO (passphrase "WHO passphrase"). The test
// target defines CLOISON_ADMIN and CLOISON_CLI.
#pragma once

#include "tests/support/Process.h"
#include "tests/support/ProsodyServer.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

namespace cloison::test {

inline ProcessResult admin(const TempDir& dir, std::vector<std::string> args) {
    args.insert(args.begin(), {CLOISON_ADMIN, "--admin", (dir / "admin").string()});
    ProcessOptions options;
    options.environment.emplace("CLOISON_ADMIN_PASSPHRASE", "admin passphrase");
    options.environment.emplace("CLOISON_SERVER_ADMIN_PASSWORD", "admin-password");
    return runProcess(args, options);
}

inline ProcessResult member(const TempDir& dir, const std::string& who,
                            std::vector<std::string> args) {
    args.insert(args.begin(), {CLOISON_CLI, "--profile", (dir / who).string()});
    ProcessOptions options;
    options.environment.emplace("CLOISON_PASSPHRASE", who + " passphrase");
    return runProcess(args, options);
}

inline void require(const ProcessResult& result) {
    INFO(result.err);
    REQUIRE(result.exitCode == 0);
}

struct Organisation {
    std::string fingerprint; // of the org key, as 'cloison-admin org fingerprint' prints it
    ProcessResult created;   // what 'compartment create' said
};

// org init; each member's profile and enrolment request; 'compartment create finance' on
// `server` (accounts, room, roster) with them as members, invites in DIR/invites
// (finance-N.invite, in the order of `staff`), and `extra` options.
inline Organisation createFinance(const TempDir& dir, const ProsodyServer& server,
                                  const std::vector<std::string>& staff,
                                  const std::vector<std::string>& extra = {}) {
    require(admin(dir, {"org", "init", "--kdf-memory-mib", "8", "--kdf-passes", "1"}));
    Organisation out;
    out.fingerprint = admin(dir, {"org", "fingerprint"}).out.substr(0, 79);
    std::string requests;
    for (const std::string& who : staff) {
        require(member(dir, who, {"init", "--kdf-memory-mib", "8", "--kdf-passes", "1"}));
        const std::string request = (dir / (who + ".req")).string();
        require(member(dir, who, {"enroll-request", "--name", who, "-o", request}));
        requests += (requests.empty() ? "" : ",") + request;
    }
    std::vector<std::string> args = {"compartment",
                                     "create",
                                     "finance",
                                     "--server",
                                     server.host() + ":" + std::to_string(server.port()),
                                     "--pin",
                                     server.spkiSha256Hex(),
                                     "--members",
                                     requests,
                                     "--rooms-domain",
                                     server.roomsDomain(),
                                     "--server-admin",
                                     "admin@localhost",
                                     "--out-dir",
                                     (dir / "invites").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    out.created = admin(dir, args);
    require(out.created);
    return out;
}

// Each member imports its invite (finance-N.invite, in the order of `staff`) and the admin
// certifies the device it announces (DIR/WHO.cert), then publishes the roster.
inline void importAndCertify(const TempDir& dir, const std::string& fingerprint,
                             const std::vector<std::string>& staff) {
    for (std::size_t i = 0; i < staff.size(); ++i) {
        const std::string& who = staff[i];
        const std::string invite =
            (dir / "invites" / ("finance-" + std::to_string(i + 1) + ".invite")).string();
        const std::string cert = (dir / (who + ".cert")).string();
        require(member(dir, who, {"import", invite, "--org-fingerprint", fingerprint, "-o", cert}));
        require(admin(
            dir, {"certify", "--compartment", "finance", cert, "-o", (dir / "roster").string()}));
    }
    require(
        admin(dir, {"publish", "--compartment", "finance", "--server-admin", "admin@localhost"}));
}

} // namespace cloison::test
