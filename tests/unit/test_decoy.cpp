// Decoy compartments and watermarked canary documents (issue 14), without a server: the
// watermark survives what a leaked copy goes through and names only the device it was issued
// to; a decoy invite imports as a decoy with its history and document, and a tampered one adds
// nothing.
#include "client/documents/DocumentTransfer.h"
#include "client/provisioning/AdminVault.h"
#include "client/provisioning/Decoy.h"
#include "client/provisioning/MemberImport.h"
#include "client/provisioning/Watermark.h"
#include "crypto/Hash.h"
#include "storage/DocumentRepository.h"
#include "storage/MessageRepository.h"
#include "storage/SettingsRepository.h"
#include "tests/support/DecoyInvite.h"
#include "tests/support/Files.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace cloison;
using namespace cloison::provisioning;

namespace {

const SecretBytes& passphrase() {
    static const SecretBytes value = SecretBytes::fromString("decoy test passphrase");
    return value;
}

DocumentSetting setting() {
    return {"Grace Hughes", {"Anna Weber", "Marc Davies"}, "21 November 2026"};
}

WatermarkRecord recordFor(const std::string& member, const std::string& device) {
    WatermarkRecord record;
    record.member = member;
    record.memberName = member.substr(0, member.find('@'));
    record.device = device;
    record.compartment = "Donors";
    record.issuedAtMs = 1'790'000'000'000;
    return record;
}

// An admin vault with watermarks issued for two devices, A's and B's.
struct Issued {
    test::TempDir dir;
    std::unique_ptr<AdminVault> admin;
    SecretBytes key;
    WatermarkRecord a;
    WatermarkRecord b;
    std::vector<WatermarkRecord> records;

    Issued() {
        admin = AdminVault::create(dir / "admin", passphrase(), Argon2idParams::light()).value();
        a = issueWatermark(admin->vault(), recordFor("a@localhost", "AAAA 1111")).value();
        b = issueWatermark(admin->vault(), recordFor("b@localhost", "BBBB 2222")).value();
        key = watermarkKey(admin->vault()).value();
        records = loadWatermarks(admin->vault()).value();
    }
    std::string documentOf(const WatermarkRecord& record) const {
        return watermarkedDocument(key, record.marker, setting());
    }
    std::optional<Identification> identify(std::string_view text) const {
        return identifyDocument(text, key, records);
    }
};

std::string withoutReference(std::string text) {
    for (std::size_t at = text.find("Ref. "); at != std::string::npos; at = text.find("Ref. "))
        text.erase(at, text.find('\n', at) - at);
    return text;
}

// Every run of spaces and line breaks replaced, lines re-broken at another width.
std::string rewrapped(const std::string& text, std::size_t width) {
    std::istringstream words(text);
    std::string out;
    std::size_t line = 0;
    for (std::string word; words >> word;) {
        if (line + word.size() + 1 > width) {
            out += "\r\n";
            line = 0;
        } else if (line > 0) {
            out += "  \t";
        }
        out += word;
        line += word.size() + 1;
    }
    return out;
}

} // namespace

TEST_CASE("watermark: every phrasing place is found and the document names its device") {
    Issued issued;
    CHECK(issued.records.size() == 2);
    CHECK(issued.a.marker != issued.b.marker);
    // Many markers: each place shows each of its phrasings in some of them, and is found in
    // every one (a phrasing that occurred twice, or inside another, would not be).
    for (int i = 0; i < 24; ++i) {
        auto record = issueWatermark(issued.admin->vault(), recordFor("c@localhost", "CCCC"));
        REQUIRE(record);
        const std::string text = watermarkedDocument(issued.key, record.value().marker, setting());
        auto found = identifyDocument(withoutReference(text), issued.key,
                                      loadWatermarks(issued.admin->vault()).value());
        REQUIRE(found);
        CHECK(found->record.marker == record.value().marker);
        CHECK(found->choicesSeen == kWatermarkChoices);
        CHECK(found->choicesMatching == kWatermarkChoices);
    }
    const std::string text = issued.documentOf(issued.b);
    CHECK(text.find("Grace Hughes") != std::string::npos);
    CHECK(text.find("Ref. ") != std::string::npos);
    for (std::istringstream lines(text); !lines.eof();) {
        std::string line;
        std::getline(lines, line);
        CHECK(line.size() <= 72);
    }
    auto found = issued.identify(text);
    REQUIRE(found);
    CHECK(found->record.member == "b@localhost");
    CHECK(found->record.device == "BBBB 2222");
    CHECK(found->byReference);
}

TEST_CASE("watermark: a re-saved re-wrapped or whitespace-mangled copy still names the device") {
    Issued issued;
    const std::string text = issued.documentOf(issued.b);
    std::string curly = text;
    for (std::size_t at = curly.find('\''); at != std::string::npos; at = curly.find('\'', at))
        curly.replace(at, 1, "\xe2\x80\x99");
    std::string upper = text;
    for (char& c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const std::string& copy : {rewrapped(text, 40), rewrapped(text, 200), curly, upper,
                                    withoutReference(rewrapped(text, 60))}) {
        auto found = issued.identify(copy);
        REQUIRE(found);
        CHECK(found->record.member == "b@localhost");
        CHECK(found->choicesMatching == found->choicesSeen);
    }
    // The reference alone (a retyped number) is enough.
    const std::string reference = text.substr(text.find("Ref. "), 24);
    auto byNumber = issued.identify("Can you check " + reference + " please");
    REQUIRE(byNumber);
    CHECK(byNumber->record.member == "b@localhost");
    CHECK(byNumber->choicesSeen == 0);
}

TEST_CASE("watermark: a partial or edited copy names its device while enough is left") {
    Issued issued;
    const std::string text = withoutReference(issued.documentOf(issued.a));
    // Two thirds of the text, the reference cut out.
    auto found = issued.identify(text.substr(0, text.size() * 2 / 3));
    REQUIRE(found);
    CHECK(found->record.member == "a@localhost");
    CHECK_FALSE(found->byReference);
    CHECK(found->choicesSeen >= kMinChoicesSeen);
    // One phrase reworded: one place no longer found, the rest still agree.
    std::string edited = text;
    const std::size_t at = edited.find("Press:");
    REQUIRE(at != std::string::npos);
    edited.replace(at, 6, "Media:");
    found = issued.identify(edited);
    REQUIRE(found);
    CHECK(found->record.member == "a@localhost");
    CHECK(found->choicesSeen == kWatermarkChoices - 1);
}

TEST_CASE("watermark: a truncated copy an unrelated text or another key's document is not ours") {
    Issued issued;
    const std::string text = withoutReference(issued.documentOf(issued.a));
    // A fifth of the text: too few places to tell.
    CHECK_FALSE(issued.identify(text.substr(text.size() / 3, text.size() / 5)));
    CHECK_FALSE(issued.identify("Minutes of the board meeting.\nNothing of note was decided.\n"));
    CHECK_FALSE(issued.identify(""));
    CHECK_FALSE(issued.identify(std::string(100000, '\0')));
    // The same marker under another admin vault's key picks other phrasings: not identified,
    // so no one without the key can make a document that names a device.
    const SecretBytes otherKey = SecretBytes::random(32);
    CHECK_FALSE(issued.identify(
        withoutReference(watermarkedDocument(otherKey, issued.a.marker, setting()))));
    // B's reference pasted into A's document: the text contradicts it; A's words still speak.
    const std::string bText = issued.documentOf(issued.b);
    const std::string bReference = bText.substr(bText.find("Ref. "), 24);
    auto found = issued.identify(bReference + "\n" + text);
    REQUIRE(found);
    CHECK(found->record.member == "a@localhost");
    CHECK_FALSE(found->byReference);
    // A reference to a marker never issued is not ours.
    CHECK_FALSE(issued.identify("Ref. 0123-4567-89AB-CDEF"));
}

TEST_CASE("watermark records: kept in the admin vault across unlocks") {
    test::TempDir dir;
    std::uint64_t marker = 0;
    {
        auto admin =
            AdminVault::create(dir / "admin", passphrase(), Argon2idParams::light()).value();
        auto issued = issueWatermark(admin->vault(), recordFor("a@localhost", "AAAA 1111"));
        REQUIRE(issued);
        marker = issued.value().marker;
        CHECK_FALSE(issueWatermark(admin->vault(), recordFor("a\nb@localhost", "x")));
    }
    auto admin = AdminVault::unlock(dir / "admin", passphrase()).value();
    auto records = loadWatermarks(admin->vault());
    REQUIRE(records);
    REQUIRE(records.value().size() == 1);
    CHECK(records.value()[0].marker == marker);
    CHECK(records.value()[0].member == "a@localhost");
    CHECK(records.value()[0].device == "AAAA 1111");
    CHECK(records.value()[0].compartment == "Donors");
    CHECK(records.value()[0].issuedAtMs == 1'790'000'000'000);
}

using test::Invited;

TEST_CASE("a decoy invite is the size of a real one and imports as a decoy with its content") {
    Invited invited(passphrase());
    CHECK(invited.enrolment.memberName == "Bea");
    CHECK_FALSE(invited.admin->enrolmentOf("nobody@localhost"));
    auto real = invited.admin->writeInvite("finance", enrollRequest(*invited.member, "Bea").value(),
                                           "bea2@localhost", SecretBytes::fromString("x1y2z3w4v5"));
    REQUIRE(real);
    const std::string decoy = invited.decoyInvite();
    // Padded alike: the file does not tell a decoy from a real invite.
    CHECK(decoy.size() == real.value().size());
    CHECK(decoy.find("decoy") == std::string::npos);

    const DecoyContent content = invited.content();
    CHECK(content.history.size() >= 30);
    CHECK(std::any_of(content.history.begin(), content.history.end(), [](const DecoyMessage& m) {
        return m.body.find("felix.moreau@localhost / Summerriver123!") != std::string::npos;
    }));
    CHECK(std::is_sorted(
        content.history.begin(), content.history.end(),
        [](const DecoyMessage& x, const DecoyMessage& y) { return x.sentAtMs < y.sentAtMs; }));
    CHECK(content.history.front().sentAtMs > 1'790'000'000'000 - 40LL * 86'400'000);

    auto imported = importInvite(*invited.member, decoy, invited.trusting());
    REQUIRE(imported);
    CHECK(imported.value().decoy);
    CHECK(imported.value().compartment == "Donors");
    auto list = invited.member->compartments();
    REQUIRE(list);
    REQUIRE(list.value().size() == 1);
    CHECK(list.value()[0].decoy);
    CHECK(mayConnect(list.value()[0]).error().code == ErrorCode::PolicyRefused);
    CHECK(mayConnect(*invited.member, "Donors").error().message.find("decoy") != std::string::npos);

    storage::Vault& vault = *invited.member->compartmentVault("Donors").value();
    CHECK(storage::MessageRepository(vault).count().value() ==
          static_cast<std::int64_t>(content.history.size()));
    auto documents = storage::DocumentRepository(vault).list();
    REQUIRE(documents);
    REQUIRE(documents.value().size() == 1);
    CHECK(documents.value()[0].name == content.documentName);
    CHECK(documents.value()[0].sender == "grace.hughes@localhost");
    const auto saved = invited.dir / "saved.txt";
    REQUIRE(documents::exportDocument(vault, documents.value()[0].id, saved));
    const Bytes savedBytes = test::readFile(saved);
    CHECK(std::string(savedBytes.begin(), savedBytes.end()) == content.document);

    // A real invite still imports as a real compartment, which may connect.
    auto realImported = importInvite(*invited.member, real.value(), invited.trusting());
    REQUIRE(realImported);
    CHECK_FALSE(realImported.value().decoy);
    CHECK(mayConnect(*invited.member, "finance"));
}

TEST_CASE("a tampered decoy invite or one signed by another key is refused and adds nothing") {
    Invited invited(passphrase());
    const std::string decoy = invited.decoyInvite();
    // One base64 character of the sealed part changed.
    std::string tampered = decoy;
    const std::size_t at = tampered.size() / 2;
    tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
    auto refused = importInvite(*invited.member, tampered, invited.trusting());
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::WrongKey);
    // Cut short.
    refused =
        importInvite(*invited.member, decoy.substr(0, decoy.size() / 2) + "\n", invited.trusting());
    REQUIRE_FALSE(refused);
    // Sealed to this member, but signed by another organisation than the one given.
    test::TempDir other;
    auto forger =
        AdminVault::create(other / "admin", passphrase(), Argon2idParams::light()).value();
    auto forged = forger->writeDecoyInvite(
        invited.enrolment, Invited::definition("Donors"), "anna.weber@localhost",
        SecretBytes::fromString("Maplecoffee42?"), invited.content(), 14);
    REQUIRE(forged);
    refused = importInvite(*invited.member, forged.value(), invited.trusting());
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::PolicyRefused);

    CHECK(invited.member->compartments().value().empty());
    auto pinned =
        storage::SettingsRepository(*invited.member->profileVault().value()).get(kPinnedOrgKey);
    REQUIRE(pinned);
    CHECK_FALSE(pinned.value());
    // The genuine one still imports afterwards.
    CHECK(importInvite(*invited.member, decoy, invited.trusting()));
}

TEST_CASE("a decoy's content that is malformed or too large for an invite is refused") {
    Invited invited(passphrase());
    DecoyContent content = invited.content();
    content.document = std::string(kMaxDecoyDocumentBytes + 1, 'x');
    auto refused = invited.admin->writeDecoyInvite(
        invited.enrolment, Invited::definition("D"), "anna@localhost",
        SecretBytes::fromString("Maplecoffee42?"), content, 14);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::InvalidArgument);
    content = invited.content();
    content.history[0].sender = "not a jid";
    CHECK_FALSE(invited.admin->writeDecoyInvite(
        invited.enrolment, Invited::definition("D"), "anna@localhost",
        SecretBytes::fromString("Maplecoffee42?"), content, 14));
    // Content that passes each limit but not the invite's size.
    content = invited.content();
    content.document = std::string(kMaxDecoyDocumentBytes, 'x');
    while (content.history.size() < kMaxDecoyMessages)
        content.history.push_back({"a@localhost", "b@localhost", 1, std::string(700, 'y')});
    refused = invited.admin->writeDecoyInvite(
        invited.enrolment, Invited::definition("D"), "anna@localhost",
        SecretBytes::fromString("Maplecoffee42?"), content, 14);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find("does not fit") != std::string::npos);
}
