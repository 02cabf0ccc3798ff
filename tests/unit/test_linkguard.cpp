// Verdicts of the link guard, table-driven: the attacks of issue 9 and the links that must not
// raise a false alarm.
#include "client/linkguard/LinkGuard.h"
#include "client/linkguard/Utf8.h"
#include "tests/support/LinkGuardFixture.h"

#include <catch2/catch.hpp>

using namespace cloison;
using namespace cloison::linkguard;

namespace {

const std::vector<std::string> kTrusted{
    "en-marche.fr", "microsoft.com", "live.com",          "paypal.com", "google.com",
    "lemonde.fr",   "apple.com",     "interieur.gouv.fr", "bbc.co.uk",  "campaign.github.io",
};

struct Case {
    const char* url;
    Verdict verdict;
    const char* imitated; // "" when none is expected
    const char* reason;   // a reason code that must be present, "" for none in particular
};

constexpr Verdict T = Verdict::Trusted;
constexpr Verdict U = Verdict::Unknown;
constexpr Verdict L = Verdict::Lookalike;
constexpr Verdict B = Verdict::Blocked;

const Case kCases[] = {
    // The campaign's own examples.
    {"https://onedrive-en-marche.fr/login", L, "en-marche.fr", "separator-swap"},
    {"https://en-marche.fr.login-secure.io/", L, "en-marche.fr", "embedded-name"},
    {"https://en-marche.fr@evil.tld/", L, "en-marche.fr", "user-info"},
    // Cyrillic and Greek homoglyphs.
    {"https://\u0435n-marche.fr/", L, "en-marche.fr", "confusable"},
    {"https://xn--pypal-4ve.com/", L, "paypal.com", "confusable"},
    {"https://\u0430\u0440\u0440le.com/", L, "apple.com", "confusable"},
    {"https://\u0430\u0440\u0440\u04cf\u0435.com/", L, "apple.com", "edit-distance"},
    {"https://micr\u03bfsoft.com/", L, "microsoft.com", "confusable"},
    {"https://g\u03bf\u03bfgle.com/", L, "google.com", "confusable"},
    {"https://\u0440aypal.com/signin", L, "paypal.com", "mixed-script"},
    // Digits and "rn" for letters.
    {"https://rnicrosoft.com/", L, "microsoft.com", "confusable"},
    {"https://en-rnarche.fr/", L, "en-marche.fr", "confusable"},
    {"https://paypa1.com/", L, "paypal.com", "confusable"},
    {"https://micros0ft.com/", L, "microsoft.com", "confusable"},
    {"https://1ive.com/", L, "live.com", "confusable"},
    {"https://g00gle.com/", L, "google.com", "confusable"},
    // Added or removed hyphens, dots swapped for hyphens.
    {"https://enmarche.fr/", L, "en-marche.fr", "separator-swap"},
    {"https://en-mar-che.fr/", L, "en-marche.fr", "separator-swap"},
    {"https://le-monde.fr/", L, "lemonde.fr", "separator-swap"},
    {"https://micro-soft.com/", L, "microsoft.com", "separator-swap"},
    {"https://secure-en-marche.fr/", L, "en-marche.fr", "separator-swap"},
    {"https://interieur-gouv.fr/", L, "interieur.gouv.fr", "separator-swap"},
    {"https://bbc-co.uk/news", L, "bbc.co.uk", "separator-swap"},
    // Subdomain tricks: a trusted name in front of an untrusted domain.
    {"https://en-marche.fr.evil.tld/", L, "en-marche.fr", "embedded-name"},
    {"https://login.en-marche-fr.com/", L, "en-marche.fr", "embedded-name"},
    {"https://paypal.com.secure-login.net/", L, "paypal.com", "embedded-name"},
    {"https://www.microsoft.com-account.info/", L, "microsoft.com", "embedded-name"},
    {"https://en-marche.fr-secure.org/", L, "en-marche.fr", "embedded-name"},
    {"http://onedrive.en-marche.fr.evil.tld/", L, "en-marche.fr", "embedded-name"},
    {"https://bbc.co.uk.evil.tld/", L, "bbc.co.uk", "embedded-name"},
    {"https://mypaypalaccount.com/", L, "paypal.com", "embedded-name"},
    // User-info tricks.
    {"https://www.paypal.com:login@login-check.net/", L, "paypal.com", "user-info"},
    {"https://EN-MARCHE.FR@evil.tld/", L, "en-marche.fr", "user-info"},
    {"https://someone@evil.tld/", U, "", "user-info"},
    // IDNs of trusted domains, shown decoded.
    {"https://en-march\u00e9.fr/", L, "en-marche.fr", "accents"},
    {"https://xn--en-march-i1a.fr/", L, "en-marche.fr", "punycode"},
    {"https://micros\u00f6ft.com/", L, "microsoft.com", "accents"},
    // Small edit distances: transpositions, insertions, deletions, substitutions.
    {"https://en-marhce.fr/", L, "en-marche.fr", "edit-distance"},
    {"https://en-marchee.fr/", L, "en-marche.fr", "edit-distance"},
    {"https://en-mrche.fr/", L, "en-marche.fr", "edit-distance"},
    {"https://paypall.com/", L, "paypal.com", "edit-distance"},
    {"https://microsfot.com/", L, "microsoft.com", "edit-distance"},
    {"https://gooogle.com/", L, "google.com", "edit-distance"},
    {"https://lemondee.fr/", L, "lemonde.fr", "edit-distance"},
    {"https://campaing.github.io/", L, "campaign.github.io", "edit-distance"},
    {"https://paypaI.com/", L, "paypal.com", ""},
    // The trusted name under another public suffix.
    {"https://en-marche.com/", L, "en-marche.fr", "other-suffix"},
    {"https://paypal.co.uk/", L, "paypal.com", "other-suffix"},
    // Links hidden or disguised with invisible characters.
    {"https://en-marche.fr\u200b.evil.tld/", L, "en-marche.fr", "hidden-characters"},
    {"https://evil.tld/\u202erf.ehcram-ne", L, "", "bidi-control"},
    {"https://ev\u200bil.tld/", L, "", "hidden-characters"},
    // Blocked by the phishing bulletin, whatever they look like.
    {"https://phish.example/login", B, "", "blocklisted"},
    {"https://a.b.phish.example/", B, "", "blocklisted"},
    {"https://en-marche.co/", B, "", "blocklisted"},
    // Suspicious but imitating nothing trusted: reported, not alarmed.
    {"https://w\u0456kipedia.org/", U, "", "mixed-script"},
    {"http://192.168.1.1/admin", U, "", "ip-address"},
    {"http://0x7f.1/", U, "", "ip-address"},
    {"javascript:alert(1)", U, "", "no-host"},
    {"https://evil.github.io/", U, "", ""},

    // Legitimate links: the trusted domains and their own subdomains stay trusted...
    {"https://en-marche.fr", T, "", ""},
    {"https://www.en-marche.fr/", T, "", ""},
    {"https://onedrive.en-marche.fr/", T, "", ""},
    {"https://EN-MARCHE.FR/Path", T, "", ""},
    {"https://dons.en-marche.fr/?a=1#x", T, "", ""},
    {"https://en-marche.fr./", T, "", ""},
    {"en-marche.fr/login", T, "", ""},
    {"https://\uff45\uff4e-marche.fr/", T, "", ""}, // full-width, mapped by IDNA
    {"https://user:pass@en-marche.fr/", T, "", ""},
    {"https://en-mar\u200bche.fr/", T, "", "hidden-characters"},
    {"https://account.live.com/", T, "", ""},
    {"https://www.paypal.com/signin", T, "", ""},
    {"https://mail.google.com/mail/u/0/", T, "", ""},
    {"https://www.lemonde.fr/politique/", T, "", ""},
    {"https://www.interieur.gouv.fr/", T, "", ""},
    {"https://www.bbc.co.uk/news", T, "", ""},
    {"https://campaign.github.io/docs", T, "", ""},
    {"https://www.apple.com/fr", T, "", ""},
    {"https://en-marche.fr:443/", T, "", ""},
    // ...and unrelated sites stay unknown.
    {"https://www.wikipedia.org/wiki/Foo_(bar)", U, "", ""},
    {"https://www.service-public.fr/", U, "", ""},
    {"https://www.lefigaro.fr/", U, "", ""},
    {"https://github.com/org/repo", U, "", ""},
    {"https://www.marche.fr/", U, "", ""},
    {"https://www.amazon.fr/", U, "", ""},
    {"https://duckduckgo.com/", U, "", ""},
    {"https://mail.protonmail.com/", U, "", ""},
    {"https://outlook.office365.com/", U, "", ""},
    {"https://www.youtube.com/watch?v=x", U, "", ""},
    {"https://www.legifrance.gouv.fr/", U, "", ""},
    {"https://other.gouv.fr/", U, "", ""},
    {"https://www.economie.gouv.fr/", U, "", ""},
    {"https://twitter.com/EnMarche", U, "", ""},
    {"https://www.liberation.fr/", U, "", ""},
    {"https://www.mozilla.org/", U, "", ""},
};

Blocklist testBlocklist() {
    Blocklist list;
    list.version = 7;
    list.domains = {"en-marche.co", "phish.example"};
    return list;
}

} // namespace

TEST_CASE("link guard: table of attacks and legitimate links") {
    LinkGuard guard = test::makeGuard(kTrusted);
    guard.setBlocklist(testBlocklist());
    std::size_t legitimate = 0;
    for (const Case& c : kCases) {
        const LinkCheck check = guard.check(c.url);
        std::string reasons;
        for (const Reason& reason : check.reasons)
            reasons += reason.code + ": " + reason.detail + "\n";
        INFO("url: " << c.url << "\nverdict: " << verdictName(check.verdict)
                     << "\nimitated: " << check.imitated << "\nreasons:\n"
                     << reasons);
        CHECK(check.verdict == c.verdict);
        CHECK(check.imitated == c.imitated);
        if (*c.reason)
            CHECK(check.hasReason(c.reason));
        if (c.verdict == Verdict::Trusted || (c.verdict == Verdict::Unknown && !*c.reason))
            ++legitimate;
    }
    CHECK(std::size(kCases) >= 60);
    CHECK(legitimate >= 20);
}

TEST_CASE("link guard: a trusted subdomain does not trust its siblings") {
    LinkGuard guard = test::makeGuard({"onedrive.en-marche.fr"});
    CHECK(guard.check("https://onedrive.en-marche.fr/x").verdict == Verdict::Trusted);
    CHECK(guard.check("https://a.onedrive.en-marche.fr/").verdict == Verdict::Trusted);
    const LinkCheck sibling = guard.check("https://www.en-marche.fr/");
    CHECK(sibling.verdict == Verdict::Unknown);
    CHECK(sibling.hasReason("same-site"));
    const LinkCheck swapped = guard.check("https://onedrive-en-marche.fr/");
    CHECK(swapped.verdict == Verdict::Lookalike);
    CHECK(swapped.imitated == "onedrive.en-marche.fr");
    CHECK(swapped.hasReason("separator-swap"));
}

TEST_CASE("link guard: punycode is shown decoded and flagged") {
    LinkGuard guard = test::makeGuard(kTrusted);
    const LinkCheck check = guard.check("https://xn--pypal-4ve.com/");
    CHECK(check.host == "p\u0430ypal.com");
    CHECK(check.asciiHost == "xn--pypal-4ve.com");
    CHECK(check.hasReason("punycode"));
    CHECK(defang(check).find("p\u0430ypal[.]com") != std::string::npos);
}

TEST_CASE("link guard: the registrable domain comes from the public suffix list") {
    const auto& suffixes = *test::publicSuffixes();
    CHECK(suffixes.registrableDomain("www.en-marche.fr") == "en-marche.fr");
    CHECK(suffixes.registrableDomain("news.bbc.co.uk") == "bbc.co.uk");
    CHECK(suffixes.registrableDomain("evil.github.io") == "evil.github.io");
    CHECK(suffixes.registrableDomain("a.b.interieur.gouv.fr") == "interieur.gouv.fr");
    CHECK(suffixes.registrableDomain("co.uk").empty());
    CHECK(suffixes.registrableDomain("example.unknowntld") == "example.unknowntld");

    auto rules = PublicSuffixList::parse("// comment\ncom\n*.ck\n!www.ck\n");
    REQUIRE(rules);
    CHECK(rules.value().registrableDomain("a.b.example.com") == "example.com");
    CHECK(rules.value().registrableDomain("a.b.ck") == "a.b.ck");
    CHECK(rules.value().registrableDomain("x.www.ck") == "www.ck");
}

TEST_CASE("link guard: trusted domains are validated") {
    auto guard = LinkGuard::create(test::publicSuffixes());
    REQUIRE(guard);
    CHECK_FALSE(guard.value().setTrustedDomains({"gouv.fr"}));   // a public suffix
    CHECK_FALSE(guard.value().setTrustedDomains({"github.io"})); // a private public suffix
    CHECK_FALSE(guard.value().setTrustedDomains({"10.0.0.1"}));  // an address
    CHECK_FALSE(guard.value().setTrustedDomains({"not a domain"}));
    CHECK_FALSE(guard.value().setTrustedDomains({"https://x.fr/path"}));
    REQUIRE(guard.value().setTrustedDomains({"*.En-Marche.FR", "en-march\u00e9.fr"}));
    CHECK(guard.value().trusted().size() == 2);
    CHECK(guard.value().trusted().at(0).ascii == "en-marche.fr");
    CHECK(guard.value().trusted().at(1).ascii == "xn--en-march-i1a.fr");
}

TEST_CASE("link guard: edit distance and canonical tokens") {
    CHECK(editDistance(U"en-marche", U"en-marhce") == 1);
    CHECK(editDistance(U"paypal", U"paypall") == 1);
    CHECK(editDistance(U"abc", U"") == 3);
    CHECK(editDistance(U"google", U"gogole") == 1);
    CHECK(canonicalTokens("onedrive-en-marche.fr") == "onedrive.en.marche.fr");
    CHECK(canonicalTokens("-a--b_.c.") == "a.b.c");
    CHECK(allowedEdits(4) == 0);
    CHECK(allowedEdits(5) == 1);
    CHECK(allowedEdits(10) == 2);
}

TEST_CASE("link guard: defanged links and link events") {
    LinkGuard guard = test::makeGuard(kTrusted);
    const LinkCheck check = guard.check("https://en-marche.fr@evil.tld/a\u202eb");
    REQUIRE(needsConfirmation(check.verdict));
    CHECK(defang(check) == "hxxps://en-marche[.]fr[@]evil[.]tld/a<U+202E>b");
    const LinkCheck ftp = guard.check("ftp://\u0435n-marche.fr/");
    CHECK(defang(ftp) == "fxp://\u0435n-marche[.]fr/ (host \u0435n-marche[.]fr, punycode "
                         "xn--n-marche-b8g[.]fr)");

    const LinkEvent event = makeLinkEvent(check, LinkAction::Opened, 1234);
    CHECK(event.at == 1234);
    CHECK(event.verdict == Verdict::Lookalike);
    CHECK(event.imitated == "en-marche.fr");
    CHECK(event.asciiHost == "evil.tld");
    CHECK(std::string(linkActionName(event.action)) == "opened");
    CHECK(std::find(event.reasonCodes.begin(), event.reasonCodes.end(), "user-info") !=
          event.reasonCodes.end());
    CHECK_FALSE(needsConfirmation(guard.check("https://en-marche.fr/").verdict));
    CHECK_FALSE(needsConfirmation(guard.check("https://example.org/").verdict));
}

TEST_CASE("link guard: checkText checks every link in a message") {
    LinkGuard guard = test::makeGuard(kTrusted);
    const auto checks = guard.checkText(
        "Le lien: https://onedrive-en-marche.fr/doc, sinon www.en-marche.fr. Merci!");
    REQUIRE(checks.size() == 2);
    CHECK(checks[0].verdict == Verdict::Lookalike);
    CHECK(checks[0].url == "https://onedrive-en-marche.fr/doc");
    CHECK(checks[1].verdict == Verdict::Trusted);
    CHECK(checks[1].url == "www.en-marche.fr");
}

TEST_CASE("strict UTF-8: every malformed sequence is refused and real text is not") {
    CHECK(isValidUtf8(""));
    CHECK(isValidUtf8("plain ascii"));
    CHECK(isValidUtf8("\xc3\xa9t\xc3\xa9 \xe2\x80\xae \xf0\x9f\x94\x92"));
    CHECK(isValidUtf8("\xef\xbf\xbd")); // U+FFFD itself is text
    for (const char* bad : {"\x80", "a\xbf", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                            "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\xe2\x82", "\xff"})
        CHECK_FALSE(isValidUtf8(bad));
}
