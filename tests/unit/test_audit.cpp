// The key-event log and the auditor's verification: every kind of tampering is caught and the
// first bad entry named; the export never carries message content.
#include "client/audit/AuditJson.h"
#include "client/audit/AuditReport.h"
#include "client/audit/AuditVerifier.h"
#include "client/audit/KeyEventLog.h"
#include "client/linkguard/LinkAudit.h"
#include "client/omemo/OmemoAudit.h"
#include "client/omemo/Xml.h"
#include "client/profile/Profile.h"
#include "client/provisioning/Documents.h"
#include "crypto/Hash.h"
#include "storage/MessageRepository.h"
#include "tests/support/Files.h"
#include "tests/support/OmemoPeer.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <algorithm>

#include <set>
#include <sstream>

using namespace cloison;
using namespace cloison::audit;

namespace {

struct LogFixture {
    test::TempDir dir;
    std::unique_ptr<Profile> profile;
    storage::Vault* vault = nullptr;
    std::optional<KeyEventLog> log;

    LogFixture() {
        auto created =
            Profile::create(dir / "p", SecretBytes::fromString("pw"), Argon2idParams::light());
        REQUIRE(created);
        profile = std::move(created.value());
        auto info = profile->addCompartment("finance");
        REQUIRE(info);
        vault = profile->compartmentVault("finance").value();
        auto opened = KeyEventLog::open(*vault, info.value().id);
        REQUIRE(opened);
        log.emplace(std::move(opened.value()));
    }

    void recordScenario() {
        REQUIRE(log->record(event::kIdentityCreated, "device 1001", "05ab cdef"));
        REQUIRE(log->record(event::kDeviceSeen, "bob@example.org/2002", "05cd 1234"));
        REQUIRE(log->record(event::kDeviceCertified, "bob@example.org/2002", "05cd 1234"));
        REQUIRE(log->record(event::kSessionStarted, "bob@example.org/2002"));
        REQUIRE(log->record(event::kMessageRefused, "mallory@example.org/666", "05ee 0000",
                            "uncertified device"));
        REQUIRE(log->record(event::kDeviceRevoked, "bob@example.org/2002", "05cd 1234"));
    }

    std::vector<std::string> exportLines() {
        auto text = log->exportJsonLines();
        REQUIRE(text);
        std::vector<std::string> lines;
        std::istringstream in(text.value());
        for (std::string line; std::getline(in, line);)
            lines.push_back(line);
        return lines;
    }
};

std::string join(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& l : lines)
        out += l + "\n";
    return out;
}

// Re-signs entries [from, end) with another key, keeping the chain consistent.
std::vector<std::string> resignFrom(std::vector<std::string> lines, std::size_t from,
                                    const SigningKey& key) {
    // lines[0] is the header; lines[i] is entry i.
    Bytes previous = from == 1 ? genesisHash() : parseEventLine(lines[from - 1]).value().hash;
    for (std::size_t i = from; i < lines.size(); ++i) {
        KeyEvent e = parseEventLine(lines[i]).value();
        e.prevHash = previous;
        e.hash = e.computeHash();
        e.signature = key.sign(e.canonicalBytes());
        previous = e.hash;
        lines[i] = eventLine(e);
    }
    return lines;
}

} // namespace

TEST_CASE("a key-event log verifies, in order, with its own key") {
    LogFixture f;
    f.recordScenario();
    const auto lines = f.exportLines();
    REQUIRE(lines.size() == 1 + 7);
    const auto report = verifyAuditLog(join(lines), {f.log->publicKey(), {}});
    INFO(report.problem);
    CHECK(report.ok);
    CHECK(report.entries == 7);
    CHECK(report.events.front().type == event::kLogCreated);
    CHECK(report.events.back().type == event::kDeviceRevoked);
}

TEST_CASE("the vault itself refuses to change or delete a log entry") {
    LogFixture f;
    f.recordScenario();
    CHECK_FALSE(f.vault->db().exec("UPDATE key_events SET subject = 'x' WHERE seq = 2"));
    CHECK_FALSE(f.vault->db().exec("DELETE FROM key_events WHERE seq = 7"));
    CHECK(verifyAuditLog(join(f.exportLines())).ok);
}

TEST_CASE("every kind of tampering is detected and the first bad entry named") {
    LogFixture f;
    f.recordScenario();
    const auto lines = f.exportLines(); // header + entries 1..7
    VerifyOptions pinned{f.log->publicKey(), {}};

    SECTION("a flipped byte in an entry") {
        auto damaged = lines;
        const auto at = damaged[3].find("bob@");
        REQUIRE(at != std::string::npos);
        damaged[3][at] = 'B';
        const auto report = verifyAuditLog(join(damaged), pinned);
        CHECK_FALSE(report.ok);
        CHECK(report.firstBadSeq == 3);
        CHECK_THAT(report.problem, Catch::Contains("modified"));
    }
    SECTION("a flipped byte in a signature") {
        auto damaged = lines;
        const auto at = damaged[5].find("\"signature\":\"") + 14;
        damaged[5][at] = damaged[5][at] == 'A' ? 'B' : 'A';
        const auto report = verifyAuditLog(join(damaged), pinned);
        CHECK(report.firstBadSeq == 5);
    }
    SECTION("a deleted entry") {
        auto damaged = lines;
        damaged.erase(damaged.begin() + 4);
        const auto report = verifyAuditLog(join(damaged), pinned);
        CHECK(report.firstBadSeq == 4);
        CHECK_THAT(report.problem, Catch::Contains("missing or out of order"));
    }
    SECTION("two entries reordered") {
        auto damaged = lines;
        std::swap(damaged[2], damaged[3]);
        CHECK(verifyAuditLog(join(damaged), pinned).firstBadSeq == 2);
    }
    SECTION("the tail truncated mid-line") {
        std::string text = join(lines);
        text.resize(text.size() - 40);
        const auto report = verifyAuditLog(text, pinned);
        CHECK(report.firstBadSeq == 7);
        CHECK_THAT(report.problem, Catch::Contains("malformed"));
    }
    SECTION("whole entries cut from the tail") {
        auto damaged = lines;
        damaged.resize(damaged.size() - 2);
        const auto report = verifyAuditLog(join(damaged), pinned);
        CHECK(report.firstBadSeq == 6);
        CHECK_THAT(report.problem, Catch::Contains("truncated"));
    }
    SECTION("entries re-signed with another key") {
        const auto damaged = resignFrom(lines, 4, SigningKey::generate());
        const auto report = verifyAuditLog(join(damaged), pinned);
        CHECK(report.firstBadSeq == 4);
        CHECK_THAT(report.problem, Catch::Contains("signature"));
    }
    SECTION("the whole log re-signed with another key and a forged header") {
        const SigningKey forger = SigningKey::generate();
        auto damaged = resignFrom(lines, 1, forger);
        const KeyEvent last = parseEventLine(damaged.back()).value();
        LogHead head{last.seq, last.hash, last.timeMs, {}};
        head.signature = forger.sign(head.canonicalBytes());
        damaged[0] = headerLine(forger.publicKey(), head);
        CHECK(verifyAuditLog(join(damaged)).ok);                   // consistent in itself...
        const auto report = verifyAuditLog(join(damaged), pinned); // ...but not the certified key
        CHECK_FALSE(report.ok);
        CHECK(report.firstBadSeq == 1);
        CHECK_THAT(report.problem, Catch::Contains("not by the expected key"));
        auto head2 = f.log->head(KeyEventLog::nowMs());
        const auto published = verifyAuditLog(
            join(damaged), {std::nullopt, {headLine(f.log->publicKey(), head2.value())}});
        CHECK_FALSE(published.ok);
        CHECK_THAT(published.problem, Catch::Contains("another log key"));
    }
    SECTION("garbage and oversized lines are refused, not crashed on") {
        for (const std::string& bad : {std::string("not json"), std::string("[1,2]"),
                                       std::string(100000, '{'), std::string("{\"seq\":\"1\"}"),
                                       std::string("{\"seq\":-1}"), std::string("{\"seq\":1.5}")}) {
            auto damaged = lines;
            damaged[2] = bad;
            CHECK(verifyAuditLog(join(damaged), pinned).firstBadSeq == 2);
        }
        CHECK_FALSE(verifyAuditLog("", pinned).ok);
        CHECK_FALSE(verifyAuditLog("{}\n", pinned).ok);
    }
}

TEST_CASE("cloison-audit exits 1 for every kind of tampering and names the first bad entry") {
    LogFixture f;
    f.recordScenario();
    const auto lines = f.exportLines(); // header + entries 1..7
    test::TempDir dir;
    auto verify = [&](const std::vector<std::string>& damaged) {
        test::writeFile(dir / "log.jsonl", asBytes(join(damaged)));
        return test::runProcess({CLOISON_AUDIT, "verify", (dir / "log.jsonl").string()});
    };
    CHECK(verify(lines).exitCode == 0);
    auto flipped = lines;
    flipped[3][flipped[3].find("bob@")] = 'B';
    auto deleted = lines;
    deleted.erase(deleted.begin() + 4);
    auto reordered = lines;
    std::swap(reordered[2], reordered[3]);
    auto truncated = lines;
    truncated.resize(truncated.size() - 2);
    const std::pair<std::vector<std::string>, int> cases[] = {
        {flipped, 3},
        {deleted, 4},
        {reordered, 2},
        {truncated, 6},
        {resignFrom(lines, 5, SigningKey::generate()), 5}};
    for (const auto& [damaged, firstBad] : cases) {
        const auto result = verify(damaged);
        CHECK(result.exitCode == 1);
        CHECK_THAT(result.out,
                   Catch::StartsWith("FAILED at entry " + std::to_string(firstBad) + ": "));
    }
}

TEST_CASE("a consistent but truncated log is caught by a head published earlier") {
    LogFixture f;
    f.recordScenario();
    const std::string early = join(f.exportLines()); // internally consistent, 7 entries
    REQUIRE(f.log->record(event::kDeviceSeen, "eve@example.org/7", "05ff"));
    REQUIRE(f.log->record(event::kDeviceTrustedManually, "eve@example.org/7", "05ff"));
    const auto head = f.log->head(KeyEventLog::nowMs());
    REQUIRE(head);
    const std::string published = headLine(f.log->publicKey(), head.value());

    CHECK(verifyAuditLog(early).ok); // alone it looks fine
    const auto report = verifyAuditLog(early, {std::nullopt, {published}});
    CHECK_FALSE(report.ok);
    CHECK(report.firstBadSeq == 8);
    CHECK_THAT(report.problem, Catch::Contains("truncated"));
    // The full log agrees with the same head.
    CHECK(verifyAuditLog(join(f.exportLines()), {std::nullopt, {published}}).ok);
}

TEST_CASE("the audit export contains no message text") {
    LogFixture f;
    const std::string canary = "CANARY-" + randomId();
    REQUIRE(storage::MessageRepository(*f.vault).append({"bob@example.org", "me", 1, canary}));
    f.recordScenario();
    const std::string text = join(f.exportLines());
    CHECK(text.find(canary) == std::string::npos);
    CHECK(text.find(canary.substr(7)) == std::string::npos);
}

TEST_CASE("cloison-cli export-audit and cloison-audit verify, as scripts use them") {
    test::TempDir dir;
    test::ProcessOptions env;
    env.environment["CLOISON_PASSPHRASE"] = "pw";
    const std::string profile = (dir / "p").string();
    auto cli = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {CLOISON_CLI, "--profile", profile});
        return test::runProcess(args, env);
    };
    REQUIRE(cli({"init", "--kdf-memory-mib", "8", "--kdf-passes", "1"}).exitCode == 0);
    REQUIRE(cli({"compartment", "add", "finance"}).exitCode == 0);
    CHECK(cli({"export-audit"}).exitCode == 2);
    CHECK(cli({"export-audit", "--compartment", "nope"}).exitCode == 5);
    const std::string file = (dir / "finance.jsonl").string();
    REQUIRE(cli({"export-audit", "--compartment", "finance", "--output", file}).exitCode == 0);
    auto head = cli({"log-head", "--compartment", "finance"});
    REQUIRE(head.exitCode == 0);
    test::writeFile(dir / "heads.jsonl", asBytes(head.out));

    auto verified = test::runProcess(
        {CLOISON_AUDIT, "verify", file, "--heads", (dir / "heads.jsonl").string()});
    CHECK(verified.exitCode == 0);
    CHECK_THAT(verified.out, Catch::StartsWith("verified: 2 entries, log key "));

    Bytes text = test::readFile(file);
    text[text.size() - 30] ^= 0x01;
    test::writeFile(file, text);
    auto failed = test::runProcess({CLOISON_AUDIT, "verify", file});
    CHECK(failed.exitCode == 1);
    CHECK_THAT(failed.out, Catch::StartsWith("FAILED at entry 2: "));
    CHECK(test::runProcess({CLOISON_AUDIT, "verify", (dir / "absent").string()}).exitCode == 3);
    CHECK(test::runProcess({CLOISON_AUDIT, "verify"}).exitCode == 2);
    CHECK(test::runProcess({CLOISON_AUDIT, "verify", file, "--log-key", "xyz"}).exitCode == 2);
    CHECK_THAT(test::runProcess({CLOISON_AUDIT, "--help"}).out, Catch::Contains("Exit codes"));
}

TEST_CASE("the HTML report of a scripted scenario shows each anomaly and escapes everything") {
    test::TempDir dir;
    const std::string log = (dir / "scenario.jsonl").string();
    const std::string html = (dir / "scenario.html").string();
    REQUIRE(test::runProcess({CLOISON_AUDIT_SCENARIO, (dir / "p").string(), log}).exitCode == 0);
    auto made = test::runProcess({CLOISON_AUDIT, "report", log, "--html", html});
    CHECK(made.exitCode == 0);
    const Bytes bytes = test::readFile(html);
    const std::string page(bytes.begin(), bytes.end());
    // The three things the scenario did, each flagged.
    CHECK_THAT(page, Catch::Contains(
                         "<strong>unexpected device</strong></td><td>bob@campaign.example/6666"));
    CHECK_THAT(page, Catch::Contains(
                         "<strong>refused message</strong></td><td>bob@campaign.example/6666"));
    CHECK_THAT(page,
               Catch::Contains("<strong>manual trust</strong></td><td>carol@partner.example/3003"));
    CHECK_THAT(page,
               Catch::Contains("<strong>revocation</strong></td><td>bob@campaign.example/2002"));
    CHECK_THAT(page, Catch::Contains(
                         "<strong>trust withdrawn</strong></td><td>carol@partner.example/3003"));
    CHECK_THAT(page, Catch::Contains("<strong>unlock-failure burst</strong>"));
    CHECK_THAT(page, Catch::Contains("The log verifies."));
    CHECK_THAT(page, Catch::Contains("<svg"));
    // Hostile text is inert: no markup of its own, the bidi override made visible.
    CHECK(page.find("<script>") == std::string::npos);
    CHECK_THAT(
        page,
        Catch::Contains(
            "&lt;script&gt;alert(1)&lt;/script&gt;<span class=\"cp\">[U+202E]</span>gnp.exe"));
    CHECK(page.find("\u202E") == std::string::npos);
    // Self-contained: nothing loaded from anywhere.
    CHECK(page.find("http://") == page.find("http://www.w3.org/2000/svg"));
    CHECK(page.find("https://") == std::string::npos);
    CHECK(page.find("src=") == std::string::npos);

    // A tampered log still gets a report, headed by the failure; the exit code says so.
    Bytes text = test::readFile(log);
    text[text.size() - 100] ^= 0x02;
    test::writeFile(log, text);
    auto failed = test::runProcess({CLOISON_AUDIT, "report", log, "--html", html});
    CHECK(failed.exitCode == 1);
    const Bytes again = test::readFile(html);
    CHECK_THAT(std::string(again.begin(), again.end()), Catch::Contains("does NOT verify"));
}

TEST_CASE("HTML escaping shows invisible and malformed text for what it is") {
    CHECK(escapeHtml("a&b<c>\"d'") == "a&amp;b&lt;c&gt;&quot;d&#39;");
    CHECK(escapeHtml("caf\xc3\xa9") == "caf\xc3\xa9");
    CHECK(escapeHtml("x\xe2\x80\x8by") == "x<span class=\"cp\">[U+200B]</span>y");
    CHECK(escapeHtml("\xff") == "<span class=\"cp\">[U+FFFD]</span>");
    CHECK(escapeHtml("\xc0\xaf") ==
          "<span class=\"cp\">[U+FFFD]</span><span class=\"cp\">[U+FFFD]</span>");
    CHECK(escapeHtml("\xed\xa0\x80").find("U+FFFD") != std::string::npos); // a lone surrogate
}

TEST_CASE("a link warning is logged by host and verdict, never with the link's path") {
    LogFixture f;
    linkguard::LinkEvent warning;
    warning.action = linkguard::LinkAction::Opened;
    warning.verdict = linkguard::Verdict::Lookalike;
    warning.url = "https://onedrive-en-marche.fr/reset?token=PRIVATE-" + randomId();
    warning.asciiHost = "onedrive-en-marche.fr";
    warning.imitated = "onedrive.en-marche.fr";
    warning.reasonCodes = {"separator-swap"};
    REQUIRE(linkguard::logLinkEvent(*f.log, warning));
    const std::string text = join(f.exportLines());
    CHECK_THAT(text, Catch::Contains("\"subject\":\"onedrive-en-marche.fr\""));
    CHECK_THAT(text,
               Catch::Contains("action=opened verdict=lookalike imitates=onedrive.en-marche.fr "
                               "reasons=separator-swap"));
    CHECK(text.find("PRIVATE") == std::string::npos);
    CHECK(text.find("reset") == std::string::npos);
}

TEST_CASE("the log of a real OMEMO exchange verifies and records what the auditor needs") {
    test::OmemoPeer alice("alice@example.org");
    test::OmemoPeer bob("bob@example.org");
    auto compartmentId = [](test::OmemoPeer& peer) {
        return peer.profile->compartments().value().front().id;
    };
    auto aliceLog = KeyEventLog::open(*alice.vault, compartmentId(alice));
    auto bobLog = KeyEventLog::open(*bob.vault, compartmentId(bob));
    REQUIRE(aliceLog);
    REQUIRE(bobLog);
    test::FakeXmppServer server;
    test::FakeDevice& a = server.connect("alice@example.org/laptop", *alice.engine);
    test::FakeDevice& b = server.connect("bob@example.org/laptop", *bob.engine);
    server.run();
    const std::string secret = "text-" + randomId();
    server.submit(a, test::must(alice.engine->sendMessage("bob@example.org", secret)));
    server.run();
    server.submit(b, test::must(bob.engine->sendMessage("alice@example.org", "reply " + secret)));
    server.run();
    // A replayed copy of bob's last delivery is refused, and that is a key event too.
    REQUIRE_FALSE(b.received.empty());
    const std::vector<std::string> delivered = b.received; // delivering appends to it
    // Under a fresh id, so that it is not dropped as a duplicate before the ratchet sees it.
    for (const auto& stanza : delivered) {
        if (stanza.find("encrypted") == std::string::npos)
            continue;
        xml::Element replay = xml::parse(stanza).value();
        for (auto& attribute : replay.attributes) {
            if (attribute.first == "id")
                attribute.second = "replayed";
        }
        replay.children.erase(
            std::remove_if(replay.children.begin(), replay.children.end(),
                           [](const xml::Element& child) { return child.name == "origin-id"; }),
            replay.children.end());
        server.deliver(b, xml::serialize(replay));
    }
    REQUIRE(recordKeyEvents(aliceLog.value(), a.events));
    REQUIRE(recordKeyEvents(bobLog.value(), b.events));

    const std::string exported = bobLog.value().exportJsonLines().value();
    const auto report = verifyAuditLog(exported, {bobLog.value().publicKey(), {}});
    INFO(report.problem);
    CHECK(report.ok);
    CHECK(exported.find(secret) == std::string::npos);
    std::set<std::string> types;
    for (const auto& e : report.events)
        types.insert(e.type);
    CHECK(types.count(event::kMessageRefused) == 1);
    CHECK(types.count(event::kDeviceSeen) == 1);
    const std::string aliceExport = aliceLog.value().exportJsonLines().value();
    CHECK(verifyAuditLog(aliceExport).ok);
    CHECK_THAT(aliceExport, Catch::Contains("\"type\":\"session-started\""));
    CHECK_THAT(aliceExport,
               Catch::Contains("bob@example.org/" + std::to_string(bob.engine->deviceId())));
    CHECK(aliceExport.find(secret) == std::string::npos);
}

namespace {

CertificateCheck certificateCheck(provisioning::ExpectedOrgKey org) {
    return [org](std::string_view certificate, ByteView logKey) {
        return provisioning::checkLogKeyCertificate(certificate, logKey, org);
    };
}

provisioning::DeviceRoster rosterListing(const Bytes& logKey) {
    provisioning::DeviceRoster roster;
    roster.compartmentId = randomId();
    roster.compartment = "finance";
    roster.version = 3;
    roster.issuedAt = 1;
    roster.devices.push_back({"alice@example.org", 1001, Bytes(33, 5), logKey});
    roster.devices.push_back({"bob@example.org", 2002, Bytes(33, 6), Bytes(32, 7)});
    return roster;
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t count = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
        ++count;
    return count;
}

} // namespace

TEST_CASE("the log key's certificate is the org-signed roster that lists it") {
    LogFixture f;
    f.recordScenario();
    const SigningKey org = SigningKey::generate();
    const std::string orgPrint = keyFingerprint(org.publicKey());
    const std::string certificate =
        provisioning::signRoster(rosterListing(f.log->publicKey()), org).value();
    const std::string exported = f.log->exportJsonLines(certificate).value();
    VerifyOptions options;

    SECTION("it holds, given the org key or only its fingerprint, in any case and spacing") {
        std::string compact = orgPrint;
        compact.erase(std::remove(compact.begin(), compact.end(), ' '), compact.end());
        std::transform(compact.begin(), compact.end(), compact.begin(),
                       [](char c) { return static_cast<char>(std::toupper(c)); });
        for (const auto& expected : {provisioning::ExpectedOrgKey{org.publicKey(), {}},
                                     provisioning::ExpectedOrgKey{{}, orgPrint},
                                     provisioning::ExpectedOrgKey{{}, compact}}) {
            options.checkCertificate = certificateCheck(expected);
            const auto report = verifyAuditLog(exported, options);
            INFO(report.problem);
            CHECK(report.ok);
            CHECK_THAT(report.certification,
                       Catch::Contains("certified by organisation key " + orgPrint) &&
                           Catch::Contains("alice@example.org/1001") &&
                           Catch::Contains("roster version 3"));
        }
    }
    SECTION("another organisation's key") {
        options.checkCertificate = certificateCheck({SigningKey::generate().publicKey(), {}});
        const auto report = verifyAuditLog(exported, options);
        CHECK_FALSE(report.ok);
        CHECK(report.firstBadSeq == 1);
        CHECK_THAT(report.problem, Catch::Contains("certificate does not hold") &&
                                       Catch::Contains("signed by organisation key " + orgPrint));
    }
    SECTION("no certificate in the export") {
        options.checkCertificate = certificateCheck({{}, orgPrint});
        const auto report = verifyAuditLog(f.log->exportJsonLines().value(), options);
        CHECK_FALSE(report.ok);
        CHECK_THAT(report.problem, Catch::Contains("carries no certificate"));
        CHECK(verifyAuditLog(f.log->exportJsonLines().value()).ok); // fine when not asked for
    }
    SECTION("a roster that does not list this log key") {
        auto roster = rosterListing(SigningKey::generate().publicKey());
        options.checkCertificate = certificateCheck({{}, orgPrint});
        const auto report = verifyAuditLog(
            f.log->exportJsonLines(provisioning::signRoster(roster, org).value()).value(), options);
        CHECK_FALSE(report.ok);
        CHECK_THAT(report.problem, Catch::Contains("does not list this log key"));
    }
    SECTION("a certificate altered, or forged by a key naming the org") {
        std::string altered = certificate;
        altered.replace(altered.find("example.org 1001") + 12, 4, "1002");
        options.checkCertificate = certificateCheck({{}, orgPrint});
        auto report = verifyAuditLog(f.log->exportJsonLines(altered).value(), options);
        CHECK_FALSE(report.ok);
        CHECK_THAT(report.problem, Catch::Contains("certificate does not hold"));
        // A forger's roster that names the org key is still signed by the forger.
        const SigningKey forger = SigningKey::generate();
        std::string forged =
            provisioning::signRoster(rosterListing(f.log->publicKey()), forger).value();
        forged.replace(forged.find(toBase64(forger.publicKey())), 44, toBase64(org.publicKey()));
        report = verifyAuditLog(f.log->exportJsonLines(forged).value(), options);
        CHECK_FALSE(report.ok);
        CHECK_THAT(report.problem, Catch::Contains("certificate does not hold"));
    }
}

TEST_CASE("failed unlocks are logged by each compartment when it next opens, a burst flagged") {
    test::TempDir dir;
    const std::string profile = (dir / "p").string();
    auto cli = [&](std::vector<std::string> args, const std::string& passphrase = "pw") {
        test::ProcessOptions env;
        env.environment["CLOISON_PASSPHRASE"] = passphrase;
        args.insert(args.begin(), {CLOISON_CLI, "--profile", profile});
        return test::runProcess(args, env);
    };
    REQUIRE(cli({"init", "--kdf-memory-mib", "8", "--kdf-passes", "1"}).exitCode == 0);
    REQUIRE(cli({"compartment", "add", "finance"}).exitCode == 0);
    for (int i = 0; i < 3; ++i)
        REQUIRE(cli({"compartments"}, "guess " + std::to_string(i)).exitCode == 3);
    // A compartment made after the failures does not inherit them.
    REQUIRE(cli({"compartment", "add", "speeches"}).exitCode == 0);
    const std::string file = (dir / "finance.jsonl").string();
    REQUIRE(cli({"export-audit", "--compartment", "finance", "--output", file}).exitCode == 0);
    const Bytes bytes = test::readFile(file);
    const std::string text(bytes.begin(), bytes.end());
    CHECK(occurrences(text, "\"type\":\"unlock-failed\"") == 3);
    CHECK(occurrences(text, "wrong passphrase at-ms=") == 3);
    CHECK(text.find("guess") == std::string::npos); // what was typed is never kept

    // Logged once: a later open does not log them again.
    REQUIRE(cli({"export-audit", "--compartment", "finance", "--output", file}).exitCode == 0);
    const Bytes again = test::readFile(file);
    CHECK(occurrences(std::string(again.begin(), again.end()), "\"unlock-failed\"") == 3);
    auto speeches = cli({"export-audit", "--compartment", "speeches"});
    REQUIRE(speeches.exitCode == 0);
    CHECK(speeches.out.find("unlock-failed") == std::string::npos);

    const std::string html = (dir / "report.html").string();
    auto report = test::runProcess({CLOISON_AUDIT, "report", file, "--html", html});
    CHECK(report.exitCode == 0);
    const Bytes page = test::readFile(html);
    CHECK_THAT(std::string(page.begin(), page.end()),
               Catch::Contains("<strong>unlock-failure burst</strong>"));
}
