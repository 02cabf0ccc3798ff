// Link extraction from plain message text: what a person would see as a link, and links hidden
// with invisible characters.
#include "client/linkguard/Json.h"
#include "client/linkguard/LinkExtractor.h"
#include "tests/support/LinkGuardFixture.h"

#include <catch2/catch.hpp>

using namespace cloison;
using namespace cloison::linkguard;

namespace {

std::vector<std::string> urlsIn(std::string_view text) {
    std::vector<std::string> urls;
    for (const ExtractedLink& link : extractLinks(text, *test::publicSuffixes()))
        urls.push_back(link.url);
    return urls;
}

using Urls = std::vector<std::string>;

} // namespace

TEST_CASE("extraction: schemes, bare domains and IDNs") {
    CHECK(urlsIn("see https://en-marche.fr/a?b=c#d now") == Urls{"https://en-marche.fr/a?b=c#d"});
    CHECK(urlsIn("HTTP://EXAMPLE.COM") == Urls{"HTTP://EXAMPLE.COM"});
    CHECK(urlsIn("ftp://files.example.org/x") == Urls{"ftp://files.example.org/x"});
    CHECK(urlsIn("go to en-marche.fr/login") == Urls{"en-marche.fr/login"});
    CHECK(urlsIn("www.en-marche.fr") == Urls{"www.en-marche.fr"});
    CHECK(urlsIn("onedrive-en-marche.fr:8443/x") == Urls{"onedrive-en-marche.fr:8443/x"});
    CHECK(urlsIn("visit en-march\u00e9.fr today") == Urls{"en-march\u00e9.fr"});
    CHECK(urlsIn("\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444") ==
          Urls{"\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444"});
    CHECK(urlsIn("xn--pypal-4ve.com") == Urls{"xn--pypal-4ve.com"});
    CHECK(urlsIn("https://a.example https://b.example") ==
          Urls{"https://a.example", "https://b.example"});
    CHECK(urlsIn("https://en-marche.fr@evil.tld/") == Urls{"https://en-marche.fr@evil.tld/"});
}

TEST_CASE("extraction: what is not a link") {
    CHECK(urlsIn("mail bob@en-marche.fr please").empty());
    CHECK(urlsIn("open file.txt or notes.docx").empty());
    CHECK(urlsIn("e.g. this, i.e. that").empty());
    CHECK(urlsIn("version 1.2.3 and 10.5").empty());
    CHECK(urlsIn("https://").empty());
    CHECK(urlsIn("").empty());
    CHECK(urlsIn("path/to/en-marche.fr").empty());
}

TEST_CASE("extraction: trailing punctuation and brackets") {
    CHECK(urlsIn("Look: https://en-marche.fr.") == Urls{"https://en-marche.fr"});
    CHECK(urlsIn("(https://en-marche.fr/x)") == Urls{"https://en-marche.fr/x"});
    CHECK(urlsIn("https://en.wikipedia.org/wiki/Foo_(bar)!") ==
          Urls{"https://en.wikipedia.org/wiki/Foo_(bar)"});
    CHECK(urlsIn("\"https://en-marche.fr/\",") == Urls{"https://en-marche.fr/"});
    CHECK(urlsIn("en-marche.fr, lemonde.fr; apple.com?") ==
          Urls{"en-marche.fr", "lemonde.fr", "apple.com"});
    CHECK(urlsIn("\u00abhttps://en-marche.fr\u00bb") == Urls{"https://en-marche.fr"});
    CHECK(urlsIn("<https://en-marche.fr/>") == Urls{"https://en-marche.fr/"});
    CHECK(urlsIn("https://example.com/a...") == Urls{"https://example.com/a"});
}

TEST_CASE("extraction: links hidden with zero-width or bidi characters") {
    const std::string text = "h\u200bttps://ev\u200dil.tld/x and en-marche.fr\u200b.evil.io";
    const auto links = extractLinks(text, *test::publicSuffixes());
    REQUIRE(links.size() == 2);
    CHECK(links[0].url == "https://evil.tld/x");
    CHECK(links[0].hadZeroWidth);
    CHECK_FALSE(links[0].hadBidiControl);
    CHECK(links[0].offset == 0);
    CHECK(text.substr(links[0].offset, links[0].length) == "h\u200bttps://ev\u200dil.tld/x");
    CHECK(links[1].url == "en-marche.fr.evil.io");
    CHECK(links[1].hadZeroWidth);

    const auto reversed =
        extractLinks("\u202ehttps://evil.tld/rf.ehcram-ne", *test::publicSuffixes());
    REQUIRE(reversed.size() == 1);
    CHECK(reversed[0].hadBidiControl);
    CHECK(reversed[0].written.starts_with("\u202e"));

    const auto clean = extractLinks("https://en-marche.fr", *test::publicSuffixes());
    REQUIRE(clean.size() == 1);
    CHECK_FALSE(clean[0].hadZeroWidth);
    CHECK(clean[0].written.empty());
}

TEST_CASE("extraction: hostile input is bounded") {
    std::string many;
    for (int i = 0; i < 1000; ++i)
        many += "a" + std::to_string(i) + ".com ";
    CHECK(extractLinks(many, *test::publicSuffixes()).size() == kMaxLinksPerText);
    const std::string longLink = "https://example.com/" + std::string(100000, 'a');
    const auto links = extractLinks(longLink, *test::publicSuffixes());
    REQUIRE(links.size() == 1);
    CHECK(links[0].url.size() == kMaxLinkBytes);
    const std::string invalid = "\xff\xfe https://ex\xc3\x28.com \xe2\x82";
    CHECK(extractLinks(invalid, *test::publicSuffixes()).size() == 1);
}

TEST_CASE("JSON output escapes quotes, controls, bidi and invalid UTF-8") {
    CHECK(jsonString("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(jsonString("\n\t\x01\x7f") == "\"\\n\\t\\u0001\\u007f\"");
    CHECK(jsonString("\u202e\u00e9") == "\"\\u202e\\u00e9\"");
    CHECK(jsonString("\U0001F600") == "\"\\ud83d\\ude00\"");
    CHECK(jsonString("\xff") == "\"\\ufffd\"");

    LinkGuard guard = test::makeGuard({"en-marche.fr"});
    const std::string json = toJson(guard.check("https://evil.tld/\"}\u202e{"));
    CHECK(json.find("\"url\":\"https://evil.tld/\\\"}{\"") != std::string::npos);
    CHECK(json.find("\"verdict\":\"lookalike\"") != std::string::npos);
    for (char c : json)
        CHECK((c >= 0x20 && c < 0x7f));
}

TEST_CASE("hostile text: random fragments never break extraction, verdicts or JSON") {
    LinkGuard guard = test::makeGuard({"en-marche.fr", "paypal.com", "bbc.co.uk"});
    const char* fragments[] = {
        "https://", "http://", "www.",   "en-marche", ".fr",  ".",   "-",      "@",
        ":",        "/",       "?",      "#",         "(",    ")",   "\"",     " ",
        "\n",       "\u200b",  "\u202e", "\u0435",    "xn--", "%40", "\\",     "\xff",
        "\xe2\x82", "1",       "paypal", "co.uk",     "[",    "]",   "\u3002", "\u00e9"};
    std::uint64_t state = 0x2017;
    const auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return static_cast<std::size_t>(state >> 33);
    };
    std::size_t links = 0;
    for (int round = 0; round < 2000; ++round) {
        std::string text;
        const std::size_t parts = 1 + next() % 24;
        for (std::size_t i = 0; i < parts; ++i)
            text += fragments[next() % std::size(fragments)];
        for (const LinkCheck& check : guard.checkText(text)) {
            ++links;
            const std::string json = toJson(check);
            REQUIRE(json.front() == '{');
            for (char c : json)
                REQUIRE((c >= 0x20 && c < 0x7f));
        }
        const std::string json = toJson(guard.check(text));
        REQUIRE(json.back() == '}');
    }
    CHECK(links > 100);
}
