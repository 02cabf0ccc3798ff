// The signed phishing bulletin: format, signature, hostile input, and rollback refusal.
#include "client/linkguard/Blocklist.h"
#include "client/linkguard/LinkPolicyStore.h"
#include "crypto/Signing.h"
#include "storage/Schemas.h"
#include "storage/SettingsRepository.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

using namespace cloison;
using namespace cloison::linkguard;

namespace {

Blocklist sample(std::uint64_t version) {
    Blocklist list;
    list.version = version;
    list.issuedAt = 1795000000;
    list.domains = {"phish.example", "en-marche.co", "xn--en-march-i1a.fr"};
    return list;
}

std::string signedSample(const SigningKey& key, std::uint64_t version) {
    auto document = signBlocklist(sample(version), key);
    REQUIRE(document);
    return document.value();
}

std::unique_ptr<storage::Vault> makeVault(const test::TempDir& dir) {
    auto vault =
        storage::Vault::create(dir / "c.db", SecretBytes::random(32), storage::compartmentSchema());
    REQUIRE(vault);
    return std::move(vault.value());
}

} // namespace

TEST_CASE("blocklist: a signed list round-trips in its canonical form") {
    const SigningKey org = SigningKey::generate();
    const std::string document = signedSample(org, 3);
    CHECK(document.starts_with("cloison-blocklist 1\nversion 3\nissued-at 1795000000\n"
                               "domain en-marche.co\ndomain phish.example\n"
                               "domain xn--en-march-i1a.fr\nsignature "));
    auto parsed = parseSignedBlocklist(document, org.publicKey());
    REQUIRE(parsed);
    CHECK(parsed.value().version == 3);
    CHECK(parsed.value().issuedAt == 1795000000);
    CHECK(parsed.value().domains ==
          std::vector<std::string>{"en-marche.co", "phish.example", "xn--en-march-i1a.fr"});
    Blocklist empty;
    empty.version = 1;
    auto emptyDocument = signBlocklist(empty, org);
    REQUIRE(emptyDocument);
    CHECK(parseSignedBlocklist(emptyDocument.value(), org.publicKey()));
}

TEST_CASE("blocklist: a bad signature is refused") {
    const SigningKey org = SigningKey::generate();
    const std::string document = signedSample(org, 3);

    SECTION("signed by another key") {
        const SigningKey other = SigningKey::generate();
        auto parsed = parseSignedBlocklist(signedSample(other, 3), org.publicKey());
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().code == ErrorCode::Corrupted);
    }
    SECTION("a domain removed after signing") {
        std::string tampered = document;
        const std::string line = "domain phish.example\n";
        tampered.erase(tampered.find(line), line.size());
        CHECK_FALSE(parseSignedBlocklist(tampered, org.publicKey()));
    }
    SECTION("the version raised after signing") {
        std::string tampered = document;
        tampered.replace(tampered.find("version 3"), 9, "version 9");
        CHECK_FALSE(parseSignedBlocklist(tampered, org.publicKey()));
    }
    SECTION("one signature bit flipped") {
        std::string tampered = document;
        const std::size_t at = tampered.find("signature ") + 12;
        tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
        CHECK_FALSE(parseSignedBlocklist(tampered, org.publicKey()));
    }
    SECTION("no signature, or garbage in its place") {
        const std::string body = document.substr(0, document.find("signature "));
        CHECK_FALSE(parseSignedBlocklist(body, org.publicKey()));
        CHECK_FALSE(parseSignedBlocklist(body + "signature !!!\n", org.publicKey()));
        CHECK_FALSE(parseSignedBlocklist(body + "signature " + std::string(5000, 'A') + "\n",
                                         org.publicKey()));
        CHECK_FALSE(parseSignedBlocklist(document + "domain late.example\n", org.publicKey()));
    }
    SECTION("a wrong-sized organisation key") {
        CHECK_FALSE(parseSignedBlocklist(document, Bytes(31, 1)));
    }
}

TEST_CASE("blocklist: oversized and malformed documents are refused") {
    const SigningKey org = SigningKey::generate();
    SECTION("larger than 4 MiB, refused unread") {
        std::string huge = "cloison-blocklist 1\n" + std::string(kMaxBlocklistBytes, 'x') + "\n";
        auto parsed = parseSignedBlocklist(huge, org.publicKey());
        REQUIRE_FALSE(parsed);
        CHECK(parsed.error().code == ErrorCode::InvalidArgument);
    }
    SECTION("too many domains cannot even be encoded") {
        Blocklist many;
        many.version = 1;
        for (std::size_t i = 0; i <= kMaxBlocklistDomains; ++i)
            many.domains.push_back("d" + std::to_string(i) + ".example");
        CHECK_FALSE(encodeBlocklistBody(many));
    }
    SECTION("not a blocklist") {
        CHECK_FALSE(parseSignedBlocklist("", org.publicKey()));
        CHECK_FALSE(parseSignedBlocklist("cloison-roster 1\n", org.publicKey()));
    }
    // Validly signed bodies that break the format: the signature alone does not make them
    // acceptable.
    const char* bodies[] = {
        "cloison-blocklist 1\nversion 0\nissued-at 1\n",
        "cloison-blocklist 1\nversion 01\nissued-at 1\n",
        "cloison-blocklist 1\nversion -1\nissued-at 1\n",
        "cloison-blocklist 1\nversion 99999999999999999999\nissued-at 1\n",
        "cloison-blocklist 1\nissued-at 1\nversion 1\n",
        "cloison-blocklist 1\nversion 1\n",
        "cloison-blocklist 1\nversion 1\nissued-at 1\ndomain Evil.example\n",
        "cloison-blocklist 1\nversion 1\nissued-at 1\ndomain b.example\ndomain a.example\n",
        "cloison-blocklist 1\nversion 1\nissued-at 1\ndomain a.example\ndomain a.example\n",
        "cloison-blocklist 1\nversion 1\nissued-at 1\ndomain a.example\r\n",
        "cloison-blocklist 1\nversion 1\nissued-at 1\ndomain  a.example\n",
        "cloison-blocklist 1\nversion 1\nissued-at 1\ndomain example\n",
        "cloison-blocklist 1\nversion 1\nissued-at 1\ndomain -a.example\n",
        "cloison-blocklist 1\nversion 1\nissued-at 1\ndomain \xd0\xb5n-marche.fr\n",
        "cloison-blocklist 1\nversion 1\nissued-at 1\n\ndomain a.example\n",
        "cloison-blocklist 1\nversion 1\nissued-at 1\nurl https://a.example\n",
        "cloison-blocklist 2\nversion 1\nissued-at 1\n",
    };
    for (const char* body : bodies) {
        INFO(body);
        auto parsed = parseSignedBlocklist(signBlocklistBody(body, org), org.publicKey());
        REQUIRE_FALSE(parsed);
        CHECK_FALSE(parsed.error().message.empty());
    }
}

TEST_CASE("blocklist store: older versions are refused, the highest is remembered") {
    test::TempDir dir;
    auto vault = makeVault(dir);
    const SigningKey org = SigningKey::generate();
    LinkPolicyStore store(*vault);
    CHECK(store.highestBlocklistVersion().value() == 0);
    CHECK_FALSE(store.blocklist(org.publicKey()).value());

    REQUIRE(store.installBlocklist(signedSample(org, 5), org.publicKey()));
    CHECK(store.highestBlocklistVersion().value() == 5);

    auto older = store.installBlocklist(signedSample(org, 4), org.publicKey());
    REQUIRE_FALSE(older);
    CHECK(older.error().code == ErrorCode::Corrupted);
    CHECK(older.error().message.find("older") != std::string::npos);

    // The same version again is fine; the same version with other content is not.
    const std::string current = std::string(
        reinterpret_cast<const char*>(storage::SettingsRepository(*vault)
                                          .get(LinkPolicyStore::kBlocklistKey)
                                          .value()
                                          ->data()),
        storage::SettingsRepository(*vault).get(LinkPolicyStore::kBlocklistKey).value()->size());
    CHECK(store.installBlocklist(current, org.publicKey()));
    Blocklist changed = sample(5);
    changed.domains.push_back("another.example");
    CHECK_FALSE(store.installBlocklist(signBlocklist(changed, org).value(), org.publicKey()));

    // A bad signature never reaches the version check or the vault.
    const SigningKey attacker = SigningKey::generate();
    CHECK_FALSE(store.installBlocklist(signedSample(attacker, 100), org.publicKey()));
    CHECK(store.highestBlocklistVersion().value() == 5);

    REQUIRE(store.installBlocklist(signedSample(org, 6), org.publicKey()));
    auto held = store.blocklist(org.publicKey());
    REQUIRE(held);
    REQUIRE(held.value());
    CHECK(held.value()->version == 6);

    // Removing the stored list does not reset the version held.
    REQUIRE(storage::SettingsRepository(*vault).remove(LinkPolicyStore::kBlocklistKey));
    CHECK_FALSE(store.installBlocklist(signedSample(org, 5), org.publicKey()));
}

TEST_CASE("settings repository and trusted domains in a compartment vault") {
    test::TempDir dir;
    auto vault = makeVault(dir);
    storage::SettingsRepository settings(*vault);
    CHECK_FALSE(settings.get("missing").value());
    REQUIRE(settings.put("k", asBytes("one")));
    REQUIRE(settings.put("k", asBytes("two")));
    CHECK(*settings.get("k").value() == Bytes{'t', 'w', 'o'});
    REQUIRE(settings.remove("k"));
    REQUIRE(settings.remove("k"));
    CHECK_FALSE(settings.get("k").value());

    LinkPolicyStore store(*vault);
    CHECK(store.trustedDomains().value().empty());
    REQUIRE(store.setTrustedDomains({"en-marche.fr", "lemonde.fr"}));
    CHECK(store.trustedDomains().value() == std::vector<std::string>{"en-marche.fr", "lemonde.fr"});
    CHECK_FALSE(store.setTrustedDomains({"a.fr\nb.fr"}));
    REQUIRE(store.setTrustedDomains({}));
    CHECK(store.trustedDomains().value().empty());
}
