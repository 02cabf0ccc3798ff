// cloison-cli check-link and compartment trust-domains, run as the built binary: the output
// and exit codes scripts depend on.
#include "client/linkguard/Blocklist.h"
#include "crypto/Signing.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <sys/wait.h>

using namespace cloison;

namespace {

struct Run {
    int exit;
    std::string output; // standard output and error
};

std::string quote(const std::string& word) {
    std::string out = "'";
    for (char c : word)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

Run cli(const std::vector<std::string>& args, const std::string& stdinFile = "/dev/null") {
    std::string command = "CLOISON_PASSPHRASE=test-passphrase " + quote(CLOISON_CLI_PATH);
    for (const std::string& arg : args)
        command += " " + quote(arg);
    command += " <" + quote(stdinFile) + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    REQUIRE(pipe);
    std::string output;
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        output.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

std::size_t countLines(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

} // namespace

TEST_CASE("check-link: one JSON object per URL, exit 14 when one is flagged") {
    Run run = cli({"check-link", "--trusted", "en-marche.fr,lemonde.fr",
                   "https://onedrive-en-marche.fr/x", "https://www.en-marche.fr/",
                   "https://example.org/\"quoted\"\u202e"});
    INFO(run.output);
    CHECK(run.exit == 14);
    CHECK(countLines(run.output) == 3);
    CHECK(run.output.find("{\"url\":\"https://onedrive-en-marche.fr/x\",\"written\":null,"
                          "\"verdict\":\"lookalike\"") == 0);
    CHECK(run.output.find("\"imitated\":\"en-marche.fr\"") != std::string::npos);
    CHECK(run.output.find("\"verdict\":\"trusted\"") != std::string::npos);
    CHECK(run.output.find("\\\"quoted\\\"") != std::string::npos);
    CHECK(run.output.find("\\u202e") != std::string::npos);

    Run clean = cli({"check-link", "--trusted", "en-marche.fr", "https://en-marche.fr/"});
    CHECK(clean.exit == 0);
    Run noTrust = cli({"check-link", "https://example.org/"});
    CHECK(noTrust.exit == 0);
    CHECK(noTrust.output.find("\"verdict\":\"unknown\"") != std::string::npos);
}

TEST_CASE("check-link: usage errors") {
    CHECK(cli({"check-link"}).exit == 2);
    CHECK(cli({"check-link", "--trusted"}).exit == 2);
    CHECK(cli({"check-link", "--bogus", "x", "https://a.example"}).exit == 2);
    CHECK(cli({"check-link", "--trusted", "gouv.fr", "https://a.example"}).exit == 2);
    CHECK(cli({"check-link", "--blocklist", "/nonexistent", "https://a.example"}).exit == 2);
}

TEST_CASE("check-link: reads message text, blocklists, and a compartment's policy") {
    test::TempDir dir;
    const std::string profile = (dir / "profile").string();
    REQUIRE(
        cli({"--profile", profile, "init", "--kdf-memory-mib", "8", "--kdf-passes", "1"}).exit ==
        0);
    REQUIRE(cli({"--profile", profile, "compartment", "add", "finance"}).exit == 0);
    CHECK(cli({"--profile", profile, "compartment", "trust-domains", "finance", "gouv.fr"}).exit ==
          2);
    Run set = cli({"--profile", profile, "compartment", "trust-domains", "finance",
                   "en-marche.fr,Paypal.com"});
    INFO(set.output);
    REQUIRE(set.exit == 0);
    Run list = cli({"--profile", profile, "compartment", "trust-domains", "finance"});
    CHECK(list.output == "en-marche.fr\npaypal.com\n");

    const std::string message = (dir / "message.txt").string();
    std::ofstream(message) << "Please sign in at paypa1.com/login, then see www.en-marche.fr.\n";
    Run text =
        cli({"--profile", profile, "check-link", "--compartment", "finance", "--stdin"}, message);
    INFO(text.output);
    CHECK(text.exit == 14);
    CHECK(countLines(text.output) == 2);
    CHECK(text.output.find("\"imitated\":\"paypal.com\"") != std::string::npos);

    const SigningKey org = SigningKey::generate();
    const std::string orgKey = toHex(org.publicKey());
    const auto writeList = [&](std::uint64_t version, const std::string& path) {
        linkguard::Blocklist bulletin;
        bulletin.version = version;
        bulletin.domains = {"phish.example"};
        std::ofstream(path, std::ios::binary) << linkguard::signBlocklist(bulletin, org).value();
    };
    const std::string v2 = (dir / "v2.txt").string();
    const std::string v1 = (dir / "v1.txt").string();
    writeList(2, v2);
    writeList(1, v1);
    Run blocked = cli({"--profile", profile, "check-link", "--compartment", "finance", "--org-key",
                       orgKey, "--blocklist", v2, "https://login.phish.example/"});
    INFO(blocked.output);
    CHECK(blocked.exit == 14);
    CHECK(blocked.output.find("\"verdict\":\"blocked\"") != std::string::npos);
    // The compartment now holds version 2: its stored list applies, and version 1 is refused.
    Run stored = cli({"--profile", profile, "check-link", "--compartment", "finance", "--org-key",
                      orgKey, "https://phish.example/"});
    CHECK(stored.output.find("\"verdict\":\"blocked\"") != std::string::npos);
    Run rollback = cli({"--profile", profile, "check-link", "--compartment", "finance", "--org-key",
                        orgKey, "--blocklist", v1, "https://phish.example/"});
    CHECK(rollback.exit == 4);
    CHECK(rollback.output.find("older") != std::string::npos);
    // Installing the bulletin is a policy change in the compartment's key-event log.
    Run audit = cli({"--profile", profile, "export-audit", "--compartment", "finance"});
    CHECK(audit.exit == 0);
    CHECK(audit.output.find("\"type\":\"policy-changed\"") != std::string::npos);
    CHECK(audit.output.find("version=2 domains=1") != std::string::npos);
    CHECK(audit.output.find("version=1") == std::string::npos);
    const std::string otherKey = toHex(SigningKey::generate().publicKey());
    Run forged = cli({"check-link", "--org-key", otherKey, "--blocklist", v2, "https://a.example"});
    CHECK(forged.exit == 4);
}
