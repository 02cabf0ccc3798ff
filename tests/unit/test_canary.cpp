// Canary accounts (issue 14) against a real Prosody: cloison-admin creates them over XEP-0133,
// keeps them in the admin vault, and `canary watch` notices a login with one, as an admin's
// script would run it.
#include "tests/support/Process.h"
#include "tests/support/ProsodyServer.h"
#include "tests/support/TempDir.h"
#include "tests/support/Thief.h"

#include <catch2/catch.hpp>

#include <sstream>

using namespace cloison;
using test::ProcessOptions;
using test::ProcessResult;
using test::Thief;

namespace {

ProcessResult admin(const test::TempDir& dir, std::vector<std::string> args) {
    args.insert(args.begin(), {CLOISON_ADMIN, "--admin", (dir / "admin").string()});
    ProcessOptions options;
    options.environment.emplace("CLOISON_ADMIN_PASSPHRASE", "admin passphrase");
    options.environment.emplace("CLOISON_SERVER_ADMIN_PASSWORD", "admin-password");
    return test::runProcess(args, options);
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

} // namespace

TEST_CASE("canary accounts: created on the server, listed, and a login with one is reported") {
    auto server = test::ProsodyServer::start({{{"admin", "admin-password"}}, false});
    test::TempDir dir;
    REQUIRE(admin(dir, {"org", "init", "--kdf-memory-mib", "8", "--kdf-passes", "1"}).exitCode ==
            0);
    const std::vector<std::string> on = {
        "--server",       "127.0.0.1:" + std::to_string(server->port()),
        "--pin",          server->spkiSha256Hex(),
        "--server-admin", "admin@localhost"};
    auto withServer = [&](std::vector<std::string> args) {
        args.insert(args.end(), on.begin(), on.end());
        return admin(dir, args);
    };

    auto created = withServer({"canary", "create", "--count", "2", "--note", "phishing form"});
    REQUIRE(created.exitCode == 0);
    const auto printed = lines(created.out);
    REQUIRE(printed.size() == 2);
    const std::string jid = printed[0].substr(0, printed[0].find(' '));
    const std::string password = printed[0].substr(printed[0].find(' ') + 1);
    CHECK(jid.ends_with("@localhost"));
    CHECK((jid[0] >= 'a' && jid[0] <= 'z')); // a person's kind of name, not an m+random id
    CHECK(password.size() >= 10);

    // Listed without passwords unless asked.
    auto listed = admin(dir, {"canary", "list"});
    REQUIRE(listed.exitCode == 0);
    CHECK(lines(listed.out).size() == 2);
    CHECK(listed.out.find(jid + " created=") != std::string::npos);
    CHECK(listed.out.find("note=phishing form") != std::string::npos);
    CHECK(listed.out.find(password) == std::string::npos);
    CHECK(admin(dir, {"canary", "list", "--show-passwords"}).out.find("password=" + password) !=
          std::string::npos);

    // Nobody uses them yet.
    auto quiet = withServer({"canary", "watch", "--once"});
    CHECK(quiet.exitCode == 0);
    CHECK(quiet.out == "{\"event\":\"canaries-quiet\",\"checked\":2}\n");

    // The credentials planted on the phishing form are used: the account exists and logs in.
    {
        Thief thief(*server, jid, password);
        auto alert = withServer({"canary", "watch", "--once"});
        INFO(alert.out << alert.err);
        CHECK(alert.exitCode == 20);
        CHECK(alert.out.starts_with("{\"event\":\"canary-used\",\"jid\":\"" + jid + "\""));
        CHECK(alert.out.find("\"resources\":[\"stolen\"]") != std::string::npos);
        CHECK(alert.out.find("\"addresses\":[\"127.0.0.1\"]") != std::string::npos);
        CHECK(alert.err.find("is logged in") != std::string::npos);
        // Watching without --once stops at the first use as well.
        auto watching = withServer({"canary", "watch", "--interval", "1"});
        INFO(watching.out << watching.err);
        CHECK(watching.exitCode == 20);
    }
}

TEST_CASE("canary commands: usage errors and a server admin that is not one") {
    auto server =
        test::ProsodyServer::start({{{"admin", "admin-password"}, {"someone", "x"}}, false});
    test::TempDir dir;
    REQUIRE(admin(dir, {"org", "init", "--kdf-memory-mib", "8", "--kdf-passes", "1"}).exitCode ==
            0);
    CHECK(admin(dir, {"canary"}).exitCode == 2);
    CHECK(admin(dir, {"canary", "watch", "--once"}).exitCode == 2);
    CHECK(admin(dir, {"canary", "create", "--count", "0", "--server", "127.0.0.1:1", "--pin",
                      server->spkiSha256Hex(), "--server-admin", "admin@localhost"})
              .exitCode == 2);
    // No canaries yet: nothing to watch is a clear "not found", not a silent success.
    auto none = admin(dir, {"canary", "watch", "--once", "--server",
                            "127.0.0.1:" + std::to_string(server->port()), "--pin",
                            server->spkiSha256Hex(), "--server-admin", "admin@localhost"});
    CHECK(none.exitCode == 5);
    CHECK(none.err.find("no canaries") != std::string::npos);
    // An account without admin rights cannot create accounts.
    std::vector<std::string> args = {CLOISON_ADMIN,
                                     "--admin",
                                     (dir / "admin").string(),
                                     "canary",
                                     "create",
                                     "--server",
                                     "127.0.0.1:" + std::to_string(server->port()),
                                     "--pin",
                                     server->spkiSha256Hex(),
                                     "--server-admin",
                                     "someone@localhost"};
    ProcessOptions options;
    options.environment.emplace("CLOISON_ADMIN_PASSPHRASE", "admin passphrase");
    options.environment.emplace("CLOISON_SERVER_ADMIN_PASSWORD", "x");
    auto refused = test::runProcess(args, options);
    CHECK(refused.exitCode == 13);
    CHECK(admin(dir, {"canary", "list"}).out.empty());
}
