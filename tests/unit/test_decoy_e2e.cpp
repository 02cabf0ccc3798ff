// Decoy compartments and watermarked canary documents (issue 14) end to end, as an admin and
// two staff do it against a real Prosody: decoy create for each member, import, the decoy
// shown as one, a leaked document traced to its device, and a thief's use of the decoy's
// credentials reported by canary watch.
#include "client/profile/Profile.h"
#include "client/xmpp/AccountStore.h"
#include "storage/MessageRepository.h"
#include "tests/support/Files.h"
#include "tests/support/StaffTools.h"
#include "tests/support/TempDir.h"
#include "tests/support/Thief.h"

#include <catch2/catch.hpp>

#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

using namespace cloison;
using test::admin;
using test::member;
using test::ProcessResult;
using test::require;

namespace {

const std::vector<std::string> kStaff = {"alice", "bob"};

std::string readText(const std::filesystem::path& path) {
    const Bytes bytes = test::readFile(path);
    return {bytes.begin(), bytes.end()};
}

void writeText(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// "invite for DIR/WHO.req: FILE (account JID)" of compartment create: WHO's finance account.
std::string accountOf(const std::string& created, const std::string& who) {
    const std::regex line(who + R"(\.req: \S+ \(account (\S+)\))");
    std::smatch match;
    REQUIRE(std::regex_search(created, match, line));
    return match[1];
}

// The fingerprint of WHO's enrolment key, as their client tells them to hand to the admin.
std::string deviceOf(const test::TempDir& dir, const std::string& who) {
    auto made =
        member(dir, who, {"enroll-request", "--name", who, "-o", (dir / (who + ".req2")).string()});
    require(made);
    const std::string marker = "enrolment key fingerprint ";
    const auto at = made.err.find(marker);
    REQUIRE(at != std::string::npos);
    return made.err.substr(at + marker.size(), made.err.find(" (", at) - at - marker.size());
}

// What a thief who has the member's profile and passphrase reads in the decoy: its own
// account, and the credentials planted in its history ("JID / PASSWORD").
struct Loot {
    std::string account;
    std::string accountPassword;
    std::string plantedJid;
    std::string plantedPassword;
};

Loot loot(const test::TempDir& dir, const std::string& who) {
    auto profile = Profile::unlock(dir / who, SecretBytes::fromString(who + " passphrase"));
    REQUIRE(profile);
    storage::Vault* vault = profile.value()->compartmentVault("Donors").value();
    Loot out;
    auto account = xmpp::loadAccount(*vault);
    REQUIRE(account);
    out.account = account.value().settings.jid;
    out.accountPassword.assign(reinterpret_cast<const char*>(account.value().password.data()),
                               account.value().password.size());
    storage::MessageRepository messages(*vault);
    const std::regex planted(R"((\S+@localhost) / (\S+) - please)");
    for (const std::string& conversation : messages.conversations().value()) {
        for (const auto& message : messages.latest(conversation, 100).value()) {
            std::smatch match;
            if (std::regex_search(message.body, match, planted)) {
                out.plantedJid = match[1];
                out.plantedPassword = match[2];
            }
        }
    }
    REQUIRE_FALSE(out.plantedJid.empty());
    return out;
}

// cloison-admin with the server's flags after `args`.
ProcessResult onServer(const test::TempDir& dir, const test::ProsodyServer& server,
                       std::vector<std::string> args) {
    args.insert(args.end(), {"--server", server.host() + ":" + std::to_string(server.port()),
                             "--pin", server.spkiSha256Hex(), "--server-admin", "admin@localhost"});
    return admin(dir, args);
}

// A real Prosody on loopback and the finance organisation on it, its staff's invites imported
// and their devices certified.
struct Organised {
    std::unique_ptr<test::ProsodyServer> server = [] {
        test::ProsodyOptions options;
        options.accounts.emplace_back("admin", "admin-password");
        return test::ProsodyServer::start(options);
    }();
    test::TempDir dir;
    test::Organisation organisation = test::createFinance(dir, *server, kStaff);

    Organised() { test::importAndCertify(dir, organisation.fingerprint, kStaff); }
};

// cloison-cli on WHO's profile unlocked with `passphrase` (the owner's, or a duress one).
ProcessResult holding(const test::TempDir& dir, const std::string& who,
                      const std::string& passphrase, std::vector<std::string> args,
                      std::string input = {}) {
    args.insert(args.begin(), {CLOISON_CLI, "--profile", (dir / who).string()});
    test::ProcessOptions options;
    options.environment.emplace("CLOISON_PASSPHRASE", passphrase);
    options.input = std::move(input);
    return test::runProcess(args, options);
}

} // namespace

TEST_CASE("decoy compartments for two staff: shown as decoys and a leaked document names B's "
          "device and a thief's login is reported") {
    Organised scene;
    const auto& server = scene.server;
    const test::TempDir& dir = scene.dir;
    const test::Organisation& organisation = scene.organisation;
    auto withServer = [&](std::vector<std::string> args) {
        return onServer(dir, *server, std::move(args));
    };

    std::map<std::string, std::string> accounts;
    for (const std::string& who : kStaff) {
        accounts[who] = accountOf(organisation.created.out, who);
        const std::string invite = (dir / ("decoy-" + who + ".invite")).string();
        auto created = withServer({"decoy", "create", "--name", "Donors", "--member", accounts[who],
                                   "--rooms-domain", server->roomsDomain(), "-o", invite});
        INFO(created.err);
        REQUIRE(created.exitCode == 0);
        CHECK_THAT(created.out, Catch::Contains("decoy compartment Donors for " + accounts[who]));
        // Sealed like any invite: nothing in the file says decoy.
        CHECK(readText(invite).find("decoy") == std::string::npos);
        CHECK(readText(invite).size() == readText(dir / "invites" / "finance-1.invite").size());

        auto imported = member(dir, who,
                               {"import", invite, "--org-fingerprint", organisation.fingerprint,
                                "-o", (dir / (who + "-decoy.cert")).string()});
        INFO(imported.err);
        REQUIRE(imported.exitCode == 0);
        CHECK_THAT(imported.err, Catch::Contains("imported decoy compartment Donors"));
        CHECK_FALSE(std::filesystem::exists(dir / (who + "-decoy.cert")));
        // The owner can always tell.
        auto listed = member(dir, who, {"compartments"});
        require(listed);
        // (Listed by creation time, then name: the two may share a second.)
        CHECK_THAT(listed.out, Catch::Contains("Donors\tdecoy\n") && Catch::Contains("finance\n"));
        CHECK(listed.out.size() == std::string("finance\nDonors\tdecoy\n").size());
    }
    // Four canaries, each noted with the decoy it belongs to; none in use yet.
    auto canaries = admin(dir, {"canary", "list"});
    require(canaries);
    CHECK_THAT(canaries.out, Catch::Contains("note=decoy Donors of " + accounts["bob"] +
                                             ": planted in its history"));
    auto quiet = withServer({"canary", "watch", "--once"});
    CHECK(quiet.exitCode == 0);
    CHECK(quiet.out == "{\"event\":\"canaries-quiet\",\"checked\":4}\n");

    // A decoy never connects: the owner is told why.
    auto send =
        member(dir, "bob", {"send", "--compartment", "Donors", "--to", "x@localhost", "hello"});
    CHECK(send.exitCode == 13);
    CHECK_THAT(send.err, Catch::Contains("is a decoy compartment: it never connects"));
    CHECK(member(dir, "bob", {"listen", "--compartment", "Donors", "--timeout", "1"}).exitCode ==
          13);

    // B's document is taken out of B's profile and leaks.
    auto documents = member(dir, "bob", {"documents", "--compartment", "Donors"});
    require(documents);
    std::smatch id;
    REQUIRE(std::regex_search(documents.out, id, std::regex(R"re("id":"([0-9a-f]{32})")re")));
    const auto leaked = dir / "leaked.txt";
    require(member(dir, "bob",
                   {"save", "--compartment", "Donors", "--file", id[1], "-o", leaked.string()}));
    const std::string bobDevice = deviceOf(dir, "bob");
    auto expectBob = [&](const ProcessResult& identified) {
        INFO(identified.out << identified.err);
        REQUIRE(identified.exitCode == 0);
        CHECK_THAT(identified.out,
                   Catch::StartsWith("{\"event\":\"canary-document\",\"member\":\"" +
                                     accounts["bob"] + "\""));
        CHECK_THAT(identified.out, Catch::Contains("\"member-name\":\"bob\""));
        CHECK_THAT(identified.out, Catch::Contains("\"device\":\"" + bobDevice + "\""));
        CHECK_THAT(identified.out, Catch::Contains("\"compartment\":\"Donors\""));
        CHECK_THAT(identified.out, Catch::Contains("\"issued\":\"20"));
    };
    expectBob(admin(dir, {"canary", "identify", leaked.string()}));

    // Re-saved as plain text by another program: lines re-wrapped, spaces doubled, CRLF, the
    // reference number cut out. Its phrasing still names B's device.
    std::string text = readText(leaked);
    std::string mangled;
    for (std::istringstream words(text); !words.eof();) {
        std::string word;
        words >> word;
        mangled += word + (mangled.size() % 50 < 8 ? "\r\n" : "  ");
    }
    mangled = std::regex_replace(mangled, std::regex(R"(Ref\.\s+\S+)"), "");
    CHECK(mangled.find("Ref.") == std::string::npos);
    writeText(dir / "mangled.txt", mangled);
    expectBob(admin(dir, {"canary", "identify", (dir / "mangled.txt").string()}));
    CHECK(deviceOf(dir, "alice") != bobDevice);

    // An unrelated file and a copy cut down to a few lines are not ours.
    writeText(dir / "unrelated.txt", "Agenda for Monday\n1. Budget\n2. Travel\n");
    writeText(dir / "truncated.txt", text.substr(text.size() / 3, 300));
    for (const char* file : {"unrelated.txt", "truncated.txt"}) {
        auto refused = admin(dir, {"canary", "identify", (dir / file).string()});
        INFO(refused.err);
        CHECK(refused.exitCode == 22);
        CHECK(refused.out == "{\"event\":\"not-our-canary-document\",\"file\":\"" +
                                 (dir / file).string() + "\"}\n");
        CHECK_THAT(refused.err, Catch::Contains("not a canary document this admin vault issued"));
    }
    // Unreadable or oversized: a clear error, not a verdict.
    auto missing = admin(dir, {"canary", "identify", (dir / "nowhere.txt").string()});
    CHECK(missing.exitCode != 0);
    CHECK(missing.exitCode != 22);
    writeText(dir / "huge.txt", std::string(5 * 1024 * 1024, 'x'));
    auto huge = admin(dir, {"canary", "identify", (dir / "huge.txt").string()});
    CHECK(huge.exitCode == 2);
    CHECK_THAT(huge.err, Catch::Contains("larger than"));

    // A thief with B's profile reads the decoy and uses what it finds: both are reported.
    const Loot found = loot(dir, "bob");
    CHECK(found.account != found.plantedJid);
    for (const auto& [jid, password] : {std::pair{found.plantedJid, found.plantedPassword},
                                        std::pair{found.account, found.accountPassword}}) {
        test::Thief thief(*server, jid, password);
        auto alert = withServer({"canary", "watch", "--once"});
        INFO(alert.out << alert.err);
        CHECK(alert.exitCode == 20);
        CHECK_THAT(alert.out,
                   Catch::StartsWith("{\"event\":\"canary-used\",\"jid\":\"" + jid + "\""));
    }

    // The invite cannot be written after the canaries were made: they stay, and it says so.
    auto unwritable =
        withServer({"decoy", "create", "--name", "Other", "--member", accounts["alice"], "-o",
                    (dir / "no-such-dir" / "other.invite").string()});
    CHECK(unwritable.exitCode != 0);
    CHECK_THAT(unwritable.err, Catch::Contains("were made and stay"));
    CHECK(admin(dir, {"canary", "list"}).out.find("note=decoy Other of " + accounts["alice"]) !=
          std::string::npos);
}

TEST_CASE("decoy create: usage errors and a member no invite went to") {
    test::ProsodyOptions serverOptions;
    serverOptions.accounts.emplace_back("admin", "admin-password");
    serverOptions.withRooms = false;
    auto server = test::ProsodyServer::start(serverOptions);
    test::TempDir dir;
    require(admin(dir, {"org", "init", "--kdf-memory-mib", "8", "--kdf-passes", "1"}));
    auto withServer = [&](std::vector<std::string> args) {
        return onServer(dir, *server, std::move(args));
    };
    const std::string out = (dir / "d.invite").string();
    CHECK(withServer({"decoy", "create", "--member", "x@localhost", "-o", out}).exitCode == 2);
    CHECK(withServer({"decoy", "create", "--name", "D", "-o", out}).exitCode == 2);
    CHECK(withServer({"decoy", "create", "--name", "D", "--member", "not a jid", "-o", out})
              .exitCode == 2);
    CHECK(withServer({"decoy", "make", "--name", "D", "--member", "x@localhost", "-o", out})
              .exitCode == 2);
    auto unknown =
        withServer({"decoy", "create", "--name", "D", "--member", "x@localhost", "-o", out});
    CHECK(unknown.exitCode == 5);
    CHECK_THAT(unknown.err, Catch::Contains("no invite from this admin vault went to x@localhost"));
    CHECK_FALSE(std::filesystem::exists(out));
    // Nothing was made: no canary account, no document.
    CHECK(admin(dir, {"canary", "list"}).out.empty());
    CHECK(admin(dir, {"canary", "identify"}).exitCode == 2);
}

// The duress passphrase's silent alert (issue 14): the person forced to unlock gives the duress
// passphrase; the app and the cli then show the decoy as an ordinary compartment, and using it
// connects with the decoy's own canary account, which canary watch reports to the admins.
TEST_CASE("under duress a decoy looks ordinary and connects: its canary login is the silent "
          "alert") {
    Organised scene;
    const auto& server = scene.server;
    const test::TempDir& dir = scene.dir;
    const test::Organisation& organisation = scene.organisation;
    const std::string bob = accountOf(organisation.created.out, "bob");
    const std::string invite = (dir / "decoy-bob.invite").string();
    require(onServer(dir, *server,
                     {"decoy", "create", "--name", "Donors", "--member", bob, "--rooms-domain",
                      server->roomsDomain(), "-o", invite}));
    require(member(dir, "bob",
                   {"import", invite, "--org-fingerprint", organisation.fingerprint, "-o",
                    (dir / "bob-decoy.cert").string()}));
    const std::string decoyAccount = loot(dir, "bob").account;
    require(holding(dir, "bob", "bob passphrase",
                    {"duress", "set", "--passphrase-fd", "0", "--new-passphrase-fd", "0"},
                    "bob passphrase\nunder pressure\n"));
    auto quiet = onServer(dir, *server, {"canary", "watch", "--once"});
    CHECK(quiet.exitCode == 0);

    // What the one holding the laptop sees: one ordinary compartment.
    auto listed = holding(dir, "bob", "under pressure", {"compartments"});
    require(listed);
    CHECK(listed.out == "Donors\n");

    // They open it and wait for messages: it goes online with its canary account.
    test::ProcessOptions duress;
    duress.environment.emplace("CLOISON_PASSPHRASE", "under pressure");
    const pid_t listening =
        test::startProcess({CLOISON_CLI, "--profile", (dir / "bob").string(), "listen",
                            "--compartment", "Donors", "--timeout", "60"},
                           duress, dir / "listen.out");
    test::ProcessResult alert;
    for (int round = 0; round < 30 && alert.exitCode != 20; ++round) {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        alert = onServer(dir, *server, {"canary", "watch", "--once"});
    }
    test::stopProcess(listening, SIGTERM);
    INFO(alert.out << alert.err);
    CHECK(alert.exitCode == 20);
    CHECK_THAT(alert.out,
               Catch::StartsWith("{\"event\":\"canary-used\",\"jid\":\"" + decoyAccount + "\""));

    // The owner's own unlock still marks it, and keeps it offline.
    auto owner = member(dir, "bob", {"compartments"});
    require(owner);
    CHECK_THAT(owner.out, Catch::Contains("Donors\tdecoy\n") && Catch::Contains("finance\n"));
    CHECK(member(dir, "bob", {"listen", "--compartment", "Donors", "--timeout", "1"}).exitCode ==
          13);
}
