// Provisioning documents, the admin vault, importing invites and applying rosters, and the
// retention purge. Every refusal leaves the profile as it was.
#include "client/audit/KeyEventLog.h"
#include "client/linkguard/LinkPolicyStore.h"
#include "client/omemo/OmemoEngine.h"
#include "client/provisioning/AdminVault.h"
#include "client/provisioning/MemberImport.h"
#include "client/provisioning/Retention.h"
#include "client/xmpp/AccountStore.h"
#include "crypto/Hash.h"
#include "storage/CertifiedDeviceRepository.h"
#include "storage/MessageRepository.h"
#include "storage/Schemas.h"
#include "storage/SettingsRepository.h"
#include "tests/support/Files.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>

using namespace cloison;
using namespace cloison::provisioning;

namespace {

const SecretBytes& passphrase() {
    static const SecretBytes value = SecretBytes::fromString("provisioning test passphrase");
    return value;
}

const std::string kPin(64, 'a');

CompartmentDefinition financeDefinition() {
    CompartmentDefinition d;
    d.name = "finance";
    d.host = "127.0.0.1";
    d.port = 15222;
    d.pin = kPin;
    d.room = "finance@conference.localhost";
    d.trust = xmpp::TrustMode::Strict;
    d.retentionDays = 30;
    d.colour = "#aa3300";
    d.label = "Finance";
    d.trustedDomains = {"en-marche.fr", "example.org"};
    return d;
}

std::unique_ptr<AdminVault> makeAdmin(const std::filesystem::path& dir) {
    auto admin = AdminVault::create(dir, passphrase(), Argon2idParams::light());
    REQUIRE(admin);
    REQUIRE(admin.value()->defineCompartment(financeDefinition()));
    return std::move(admin.value());
}

std::unique_ptr<Profile> makeMember(const std::filesystem::path& dir) {
    auto profile = Profile::create(dir, passphrase(), Argon2idParams::light());
    REQUIRE(profile);
    return std::move(profile.value());
}

std::string requestOf(Profile& member, const std::string& name) {
    auto request = enrollRequest(member, name);
    REQUIRE(request);
    return request.value();
}

std::string inviteFor(AdminVault& admin, Profile& member, const std::string& account,
                      const std::string& compartment = "finance") {
    auto invite = admin.writeInvite(compartment, requestOf(member, "Alice"), account,
                                    SecretBytes::fromString("r4ndom-Passw0rd"));
    REQUIRE(invite);
    return invite.value();
}

ImportOptions trusting(const AdminVault& admin) {
    ImportOptions options;
    options.orgFingerprint = admin.fingerprint();
    return options;
}

// The member imports its invite for `account`: the certification request it hands back.
std::string certificationRequestOf(AdminVault& admin, Profile& member, const std::string& account) {
    auto imported = importInvite(member, inviteFor(admin, member, account), trusting(admin));
    REQUIRE(imported);
    return imported.value().certificationRequest;
}

std::vector<std::string> names(Profile& profile) {
    std::vector<std::string> out;
    for (const auto& info : profile.compartments().value())
        out.push_back(info.name);
    return out;
}

std::optional<Bytes> pinnedOrgKey(Profile& profile) {
    return storage::SettingsRepository(*profile.profileVault().value()).get(kPinnedOrgKey).value();
}

// What an attacker who knows the member's public key can do: seal any text to it.
std::string resealed(std::string_view inner, ByteView recipient) {
    Bytes sealed(inner.size() + crypto_box_SEALBYTES);
    REQUIRE(crypto_box_seal(sealed.data(), reinterpret_cast<const std::uint8_t*>(inner.data()),
                            inner.size(), recipient.data()) == 0);
    return "cloison-sealed-invite 1\n" + toBase64(sealed) + "\n";
}

std::string openedText(std::string_view file, const MemberKeys& keys) {
    const std::string_view encoded = file.substr(24, file.size() - 25);
    auto plain = keys.openSealed(fromBase64(encoded).value());
    REQUIRE(plain);
    return std::string(reinterpret_cast<const char*>(plain.value().data()), plain.value().size());
}

MemberKeys keysOf(Profile& profile) {
    auto keys = MemberKeys::load(*profile.profileVault().value());
    REQUIRE(keys);
    return std::move(keys.value());
}

} // namespace

TEST_CASE("provisioning round trip: enrolment, invite, import, certification, roster") {
    test::TempDir dir;
    auto admin = makeAdmin(dir / "admin");
    auto member = makeMember(dir / "alice");
    const std::string invite = inviteFor(*admin, *member, "u1@localhost");
    CHECK(invite.find("r4ndom-Passw0rd") == std::string::npos);
    CHECK(invite.find("finance") == std::string::npos);

    auto imported = importInvite(*member, invite, trusting(*admin));
    REQUIRE(imported);
    CHECK(imported.value().pinnedNow);
    CHECK(imported.value().orgFingerprint == admin->fingerprint());
    CHECK(names(*member) == std::vector<std::string>{"finance"});
    CHECK(pinnedOrgKey(*member) == admin->orgKey().publicKey());

    storage::Vault& vault = *member->compartmentVault("finance").value();
    auto account = xmpp::loadAccount(vault);
    REQUIRE(account);
    CHECK(account.value().settings.jid == "u1@localhost");
    CHECK(account.value().settings.host == "127.0.0.1");
    CHECK(account.value().settings.port == 15222);
    CHECK(account.value().settings.pin == kPin);
    CHECK(account.value().password.equals(SecretBytes::fromString("r4ndom-Passw0rd")));
    CHECK(account.value().trust == xmpp::TrustMode::Strict);
    CHECK(account.value().room == "finance@conference.localhost");
    CHECK(retentionDays(vault).value() == std::optional<std::uint32_t>(30));
    CHECK(linkguard::LinkPolicyStore(vault).trustedDomains().value() ==
          std::vector<std::string>{"en-marche.fr", "example.org"});

    auto engine = omemo::OmemoEngine::open(vault, "u1@localhost");
    REQUIRE(engine);
    CHECK(engine.value()->deviceId() == imported.value().deviceId);
    auto request = parseCertificationRequest(imported.value().certificationRequest);
    REQUIRE(request);
    CHECK(request.value().identityKey == engine.value()->identityKey());

    auto roster = admin->certify("finance", imported.value().certificationRequest);
    REQUIRE(roster);
    auto applied = applyRoster(*member, "finance", roster.value());
    REQUIRE(applied);
    CHECK(applied.value().version == 2);
    CHECK(applied.value().isCertified("u1@localhost", engine.value()->deviceId(),
                                      engine.value()->identityKey()));
    auto held = currentRoster(vault);
    REQUIRE(held);
    REQUIRE(held.value());
    CHECK(held.value()->version == 2);
    // Strict trust reads the same devices.
    storage::CertifiedDeviceRepository certified(vault);
    CHECK(certified.version().value() == std::optional<std::uint64_t>(2));
    CHECK(
        certified
            .isCertified("u1@localhost", engine.value()->deviceId(), engine.value()->identityKey())
            .value());

    // The member's keys stay the same from one enrolment request to the next.
    CHECK(requestOf(*member, "Alice") == requestOf(*member, "Alice"));
    const std::string log = audit::KeyEventLog::open(vault, "x").value().exportJsonLines().value();
    CHECK(log.find("\"invite-imported\"") != std::string::npos);
    CHECK(log.find("\"device-certified\"") != std::string::npos);
}

TEST_CASE("an invite altered anywhere is refused and nothing changes") {
    test::TempDir dir;
    auto admin = makeAdmin(dir / "admin");
    auto member = makeMember(dir / "alice");
    const std::string invite = inviteFor(*admin, *member, "u1@localhost");
    const MemberKeys keys = keysOf(*member);
    const std::string inner = openedText(invite, keys);

    // The sealed file: magic, base64 body and line end.
    for (std::size_t at : {std::size_t{0}, std::size_t{10}, std::size_t{30}, invite.size() / 2,
                           invite.size() - 2, invite.size() - 1}) {
        std::string altered = invite;
        altered[at] = static_cast<char>(altered[at] == 'A' ? 'B' : 'A');
        auto refused = importInvite(*member, altered, trusting(*admin));
        REQUIRE_FALSE(refused);
        CHECK(!refused.error().message.empty());
    }
    // The signed text re-sealed to the member, one byte changed in every line (each field's
    // value, and the signature), as a forger who knows the member's public key could.
    std::size_t lineStart = 0;
    int lines = 0;
    while (lineStart < inner.size()) {
        const std::size_t end = inner.find('\n', lineStart);
        for (std::size_t at : {end - 1, (lineStart + end) / 2}) {
            std::string altered = inner;
            altered[at] = static_cast<char>(altered[at] == 'x' ? 'y' : 'x');
            auto refused =
                importInvite(*member, resealed(altered, keys.boxPublicKey()), trusting(*admin));
            REQUIRE_FALSE(refused);
            CHECK((refused.error().code == ErrorCode::Corrupted ||
                   refused.error().code == ErrorCode::InvalidArgument));
        }
        lineStart = end + 1;
        ++lines;
    }
    CHECK(lines > 15);
    // Truncated at every line and at every 7th byte.
    for (std::size_t size = 0; size < inner.size(); size += 7) {
        auto refused = importInvite(*member, resealed(inner.substr(0, size), keys.boxPublicKey()),
                                    trusting(*admin));
        CHECK_FALSE(refused);
    }
    for (std::size_t size = 0; size < invite.size(); size += 11)
        CHECK_FALSE(importInvite(*member, invite.substr(0, size), trusting(*admin)));
    // Bytes after the signature.
    CHECK(importInvite(*member, resealed(inner + "x\n", keys.boxPublicKey()), trusting(*admin))
              .error()
              .code == ErrorCode::Corrupted);
    CHECK(names(*member).empty());
    CHECK_FALSE(pinnedOrgKey(*member));
    // The unaltered one still imports.
    CHECK(importInvite(*member, resealed(inner, keys.boxPublicKey()), trusting(*admin)));
}

TEST_CASE("an invite for another member is refused, sealed or re-sealed") {
    test::TempDir dir;
    auto admin = makeAdmin(dir / "admin");
    auto alice = makeMember(dir / "alice");
    auto bob = makeMember(dir / "bob");
    (void)requestOf(*bob, "Bob");
    const std::string forAlice = inviteFor(*admin, *alice, "u1@localhost");

    auto sealedToAlice = importInvite(*bob, forAlice, trusting(*admin));
    REQUIRE_FALSE(sealedToAlice);
    CHECK(sealedToAlice.error().code == ErrorCode::WrongKey);
    CHECK_THAT(sealedToAlice.error().message, Catch::Contains("not sealed to this profile"));

    // Alice (or whoever opened her invite) re-seals it to Bob: the signature binds Alice's key.
    const std::string inner = openedText(forAlice, keysOf(*alice));
    auto resealedToBob =
        importInvite(*bob, resealed(inner, keysOf(*bob).boxPublicKey()), trusting(*admin));
    REQUIRE_FALSE(resealedToBob);
    CHECK(resealedToBob.error().code == ErrorCode::WrongKey);
    CHECK_THAT(resealedToBob.error().message, Catch::Contains("another member"));
    CHECK(names(*bob).empty());
    CHECK_FALSE(pinnedOrgKey(*bob));

    // A profile that never made an enrolment request has nothing to open invites with.
    auto carol = makeMember(dir / "carol");
    CHECK(importInvite(*carol, forAlice, trusting(*admin)).error().code == ErrorCode::NotFound);
}

TEST_CASE("the org key is pinned on first use, and another org key is refused afterwards") {
    test::TempDir dir;
    auto admin = makeAdmin(dir / "admin");
    auto rogue = makeAdmin(dir / "rogue");
    auto member = makeMember(dir / "alice");
    const std::string genuine = inviteFor(*admin, *member, "u1@localhost");

    ImportOptions wrongFingerprint;
    wrongFingerprint.orgFingerprint = rogue->fingerprint();
    CHECK(importInvite(*member, genuine, wrongFingerprint).error().code ==
          ErrorCode::PolicyRefused);
    ImportOptions declined;
    std::string shown;
    declined.confirm = [&](const std::string& shownFingerprint) {
        shown = shownFingerprint;
        return false;
    };
    CHECK(importInvite(*member, genuine, declined).error().code == ErrorCode::PolicyRefused);
    CHECK(shown == admin->fingerprint());
    CHECK(importInvite(*member, genuine, ImportOptions{}).error().code == ErrorCode::PolicyRefused);
    CHECK(names(*member).empty());
    CHECK_FALSE(pinnedOrgKey(*member));

    ImportOptions confirmed;
    confirmed.confirm = [](const std::string&) {
        return true;
    };
    REQUIRE(importInvite(*member, genuine, confirmed));

    // A second organisation's invite, even with its own fingerprint given, is refused now.
    auto otherDefinition = financeDefinition();
    otherDefinition.name = "speeches";
    REQUIRE(rogue->defineCompartment(otherDefinition));
    const std::string rogueInvite = inviteFor(*rogue, *member, "u2@localhost", "speeches");
    auto refused = importInvite(*member, rogueInvite, trusting(*rogue));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::PolicyRefused);
    CHECK_THAT(refused.error().message, Catch::Contains("pinned"));
    CHECK(names(*member) == std::vector<std::string>{"finance"});
    CHECK(pinnedOrgKey(*member) == admin->orgKey().publicKey());

    // The same compartment twice is refused too, and leaves the first one alone.
    const std::string again = inviteFor(*admin, *member, "u1@localhost");
    CHECK(importInvite(*member, again, ImportOptions{}).error().code == ErrorCode::AlreadyExists);
    CHECK(names(*member) == std::vector<std::string>{"finance"});
}

TEST_CASE("rosters: older or equal versions, other compartments and other keys are refused") {
    test::TempDir dir;
    auto admin = makeAdmin(dir / "admin");
    auto member = makeMember(dir / "alice");
    auto imported =
        importInvite(*member, inviteFor(*admin, *member, "u1@localhost"), trusting(*admin));
    REQUIRE(imported);
    auto v1 = admin->roster("finance");
    REQUIRE(v1);
    auto v2 = admin->certify("finance", imported.value().certificationRequest);
    REQUIRE(v2);
    auto v3 = admin->revokeDevice("finance", "u1@localhost", imported.value().deviceId);
    REQUIRE(v3);
    REQUIRE(applyRoster(*member, "finance", v1.value()));
    REQUIRE(applyRoster(*member, "finance", v3.value()));
    storage::Vault& vault = *member->compartmentVault("finance").value();
    auto before = storage::SettingsRepository(vault).get(kRosterKey).value();

    for (const std::string* replay : {&v1.value(), &v2.value(), &v3.value()}) {
        auto refused = applyRoster(*member, "finance", *replay);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().code == ErrorCode::Corrupted);
        CHECK_THAT(refused.error().message, Catch::Contains("not newer"));
    }
    // Another organisation's roster for a compartment of the same name and id shape.
    auto rogue = makeAdmin(dir / "rogue");
    auto rogueRoster = rogue->roster("finance");
    REQUIRE(rogueRoster);
    CHECK(applyRoster(*member, "finance", rogueRoster.value()).error().code ==
          ErrorCode::Corrupted);
    // The genuine org's roster of another compartment.
    auto other = financeDefinition();
    other.name = "speeches";
    REQUIRE(admin->defineCompartment(other));
    auto otherRoster = admin->revokeMember("speeches", "u9@localhost");
    REQUIRE(otherRoster);
    auto wrongCompartment = applyRoster(*member, "finance", otherRoster.value());
    REQUIRE_FALSE(wrongCompartment);
    CHECK_THAT(wrongCompartment.error().message, Catch::Contains("another compartment"));
    // Tampered: one byte in each line.
    const std::string& good = v3.value();
    for (std::size_t at = good.find('\n') + 3; at < good.size(); at = good.find('\n', at) + 3) {
        std::string altered = good;
        altered[at] = static_cast<char>(altered[at] == 'x' ? 'y' : 'x');
        CHECK_FALSE(applyRoster(*member, "finance", altered));
        if (good.find('\n', at) == std::string::npos)
            break;
    }
    for (std::size_t size = 0; size < good.size(); size += 5)
        CHECK_FALSE(applyRoster(*member, "finance", good.substr(0, size)));
    CHECK(storage::SettingsRepository(vault).get(kRosterKey).value() == before);
    CHECK(currentRoster(vault).value()->version == 3);
    storage::CertifiedDeviceRepository certified(vault);
    CHECK(certified.version().value() == std::optional<std::uint64_t>(3));
    CHECK(certified.list().value().empty()); // v3 revoked the one device v2 certified
}

TEST_CASE("the admin checks a certification request against its invite") {
    test::TempDir dir;
    auto admin = makeAdmin(dir / "admin");
    auto alice = makeMember(dir / "alice");
    auto mallory = makeMember(dir / "mallory");
    const std::string document = certificationRequestOf(*admin, *alice, "u1@localhost");
    auto request = parseCertificationRequest(document);
    REQUIRE(request);

    // Mallory signs a request naming Alice's invite with her own key.
    (void)requestOf(*mallory, "Mallory");
    CertificationRequest forged = request.value();
    forged.identityKey[5] ^= 1;
    auto forgedText = makeCertificationRequest(forged, keysOf(*mallory).signingKey());
    REQUIRE(forgedText);
    CHECK(admin->certify("finance", forgedText.value()).error().code == ErrorCode::Corrupted);
    // Alice's own key, but another account than her invite's.
    CertificationRequest otherAccount = request.value();
    otherAccount.account = "boss@localhost";
    CHECK(admin
              ->certify("finance",
                        makeCertificationRequest(otherAccount, keysOf(*alice).signingKey()).value())
              .error()
              .code == ErrorCode::Corrupted);
    // Tampered in transit.
    std::string tampered = document;
    tampered[tampered.find("device ") + 8] ^= 1;
    CHECK(admin->certify("finance", tampered).error().code == ErrorCode::Corrupted);
    CHECK(admin->roster("finance").value() == admin->roster("finance").value());
    CHECK(parseRoster(admin->roster("finance").value(), admin->orgKey().publicKey())
              .value()
              .version == 1);

    REQUIRE(admin->certify("finance", document));
    CHECK(admin->certify("finance", document).error().code == ErrorCode::AlreadyExists);
    auto revoked = admin->revokeMember("finance", "u1@localhost");
    REQUIRE(revoked);
    auto roster = parseRoster(revoked.value(), admin->orgKey().publicKey());
    REQUIRE(roster);
    CHECK(roster.value().version == 3);
    CHECK(roster.value().devices.empty());
    CHECK(roster.value().revoked.size() == 1);
    CHECK(admin->certify("finance", document).error().code == ErrorCode::PolicyRefused);
    CHECK(admin->certify("nope", document).error().code == ErrorCode::NotFound);
}

TEST_CASE("the certification request names the log key, and the roster certifies it once") {
    test::TempDir dir;
    auto admin = makeAdmin(dir / "admin");
    auto alice = makeMember(dir / "alice");
    auto bob = makeMember(dir / "bob");
    const std::string document = certificationRequestOf(*admin, *alice, "u1@localhost");
    auto request = parseCertificationRequest(document);
    REQUIRE(request);
    storage::Vault& vault = *alice->compartmentVault("finance").value();
    const Bytes logKey = audit::KeyEventLog::open(vault, "x").value().publicKey();
    CHECK(request.value().logKey == logKey);

    auto roster = admin->certify("finance", document);
    REQUIRE(roster);
    CHECK_THAT(roster.value(), Catch::Contains(" " + toBase64(logKey) + "\n"));
    const auto parsed = parseRoster(roster.value(), admin->orgKey().publicKey()).value();
    REQUIRE(parsed.deviceWithLogKey(logKey) != nullptr);
    CHECK(parsed.deviceWithLogKey(logKey)->account == "u1@localhost");
    CHECK(parsed.deviceWithLogKey(Bytes(32, 1)) == nullptr);
    const provisioning::ExpectedOrgKey org{{}, admin->fingerprint()};
    CHECK_THAT(checkLogKeyCertificate(roster.value(), logKey, org).value(),
               Catch::Contains("device u1@localhost/"));
    CHECK(checkLogKeyCertificate(roster.value(), Bytes(32, 1), org).error().code ==
          ErrorCode::NotFound);

    // Bob's request naming Alice's log key is refused: one log, one device.
    const std::string bobDocument = certificationRequestOf(*admin, *bob, "u2@localhost");
    CertificationRequest stolen = parseCertificationRequest(bobDocument).value();
    stolen.logKey = logKey;
    auto refused = admin->certify(
        "finance", makeCertificationRequest(stolen, keysOf(*bob).signingKey()).value());
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::PolicyRefused);
    // A request without a log key (made before logs were certified) is still accepted.
    CertificationRequest older = parseCertificationRequest(bobDocument).value();
    older.logKey.clear();
    auto accepted = admin->certify(
        "finance", makeCertificationRequest(older, keysOf(*bob).signingKey()).value());
    REQUIRE(accepted);
    CHECK(parseRoster(accepted.value(), admin->orgKey().publicKey()).value().devices.size() == 2);
}

TEST_CASE("oversized and malformed documents and fields are refused") {
    test::TempDir dir;
    auto admin = makeAdmin(dir / "admin");
    auto member = makeMember(dir / "alice");
    CHECK(enrollRequest(*member, std::string(65, 'a')).error().code == ErrorCode::InvalidArgument);
    CHECK(enrollRequest(*member, "").error().code == ErrorCode::InvalidArgument);
    CHECK(enrollRequest(*member, "tab\there").error().code == ErrorCode::InvalidArgument);
    const std::string request = requestOf(*member, "Alice");
    CHECK(parseEnrollRequest(request));

    // Passwords and definitions the admin cannot issue.
    for (const char* password : {"short", "has space inside", "\x01\x02\x03\x04\x05\x06\x07\x08"}) {
        CHECK(
            admin
                ->writeInvite("finance", request, "u1@localhost", SecretBytes::fromString(password))
                .error()
                .code == ErrorCode::InvalidArgument);
    }
    CHECK(admin
              ->writeInvite("finance", request, "u1@localhost",
                            SecretBytes::fromString(std::string(257, 'p')))
              .error()
              .code == ErrorCode::InvalidArgument);
    CHECK(admin->writeInvite("finance", request, "not-a-jid", SecretBytes::fromString("password1"))
              .error()
              .code == ErrorCode::InvalidArgument);
    auto bad = financeDefinition();
    bad.name = "bad";
    bad.label = std::string(65, 'l');
    CHECK(admin->defineCompartment(bad).error().code == ErrorCode::InvalidArgument);
    bad = financeDefinition();
    bad.name = "bad";
    bad.trustedDomains = {"Not A Domain"};
    CHECK(admin->defineCompartment(bad).error().code == ErrorCode::InvalidArgument);
    bad = financeDefinition();
    bad.name = "bad";
    bad.pin = "1234";
    CHECK(admin->defineCompartment(bad).error().code == ErrorCode::InvalidArgument);
    bad = financeDefinition();
    bad.name = "bad";
    bad.retentionDays = 40000;
    CHECK(admin->defineCompartment(bad).error().code == ErrorCode::InvalidArgument);
    CHECK(admin->defineCompartment(financeDefinition()).error().code == ErrorCode::AlreadyExists);

    // Oversized documents are refused before they are read.
    CHECK(importInvite(*member, std::string(kMaxSealedInviteBytes + 1, 'A'), trusting(*admin))
              .error()
              .code == ErrorCode::InvalidArgument);
    CHECK(parseRoster(std::string(kMaxDocumentBytes + 1, 'A'), admin->orgKey().publicKey())
              .error()
              .code == ErrorCode::InvalidArgument);
    // An oversized field in a well-signed enrolment request.
    const std::string body = "cloison-enroll-request 1\nname " + std::string(2000, 'n') + "\n";
    CHECK(parseEnrollRequest(appendSignature(body, SigningKey::generate())).error().code ==
          ErrorCode::Corrupted);
    // Self-signature checked; truncation at every byte refused.
    std::string forged = request;
    forged[forged.find("name ") + 5] = 'M';
    CHECK(parseEnrollRequest(forged).error().code == ErrorCode::Corrupted);
    for (std::size_t size = 0; size < request.size(); ++size)
        CHECK_FALSE(parseEnrollRequest(request.substr(0, size)));
    CHECK(admin->writeInvite("finance", forged, "u1@localhost", SecretBytes::fromString("pw123456"))
              .error()
              .code == ErrorCode::Corrupted);

    // A signed roster with duplicate or unsorted devices is refused however well signed.
    auto roster = parseRoster(admin->roster("finance").value(), admin->orgKey().publicKey());
    REQUIRE(roster);
    const RosterDevice device{"u1@localhost", 7, Bytes(33, 5), {}};
    DeviceRoster twice = roster.value();
    twice.devices = {device, device};
    CHECK(signRoster(twice, admin->orgKey()).error().code == ErrorCode::InvalidArgument);
    DeviceRoster both = roster.value();
    both.devices = {device};
    both.revoked = {device};
    CHECK(signRoster(both, admin->orgKey()).error().code == ErrorCode::InvalidArgument);
    // Found by fuzz_provisioning: a well-signed roster naming a compartment no admin could
    // define (over 64 bytes) was read; it is refused as the writer refuses it.
    std::string strangeName = admin->roster("finance").value();
    strangeName = strangeName.substr(0, strangeName.rfind("signature "));
    strangeName.replace(strangeName.find("compartment finance"), 19,
                        "compartment " + std::string(65, 'f'));
    auto strange =
        parseRoster(appendSignature(strangeName, admin->orgKey()), admin->orgKey().publicKey());
    REQUIRE_FALSE(strange);
    CHECK(strange.error().code == ErrorCode::Corrupted);
    CHECK_THAT(strange.error().message, Catch::Contains("compartment name"));
}

TEST_CASE("the admin vault keeps the org key and refuses a wrong passphrase") {
    test::TempDir dir;
    std::string orgFingerprint;
    {
        auto admin = makeAdmin(dir / "admin");
        orgFingerprint = admin->fingerprint();
        CHECK(orgFingerprint.size() == 79); // 16 groups of 4 hex digits
    }
    auto again = AdminVault::unlock(dir / "admin", passphrase());
    REQUIRE(again);
    CHECK(again.value()->fingerprint() == orgFingerprint);
    CHECK(again.value()->compartment("finance").value().name == "finance");
    CHECK(AdminVault::unlock(dir / "admin", SecretBytes::fromString("wrong")).error().code ==
          ErrorCode::WrongPassphrase);
    CHECK(AdminVault::create(dir / "admin", passphrase(), Argon2idParams::light()).error().code ==
          ErrorCode::AlreadyExists);
    // A member's profile is not an admin vault.
    (void)makeMember(dir / "alice");
    CHECK(AdminVault::unlock(dir / "alice", passphrase()).error().code == ErrorCode::Corrupted);
    CHECK(fingerprintMatches(orgFingerprint, again.value()->orgKey().publicKey()));
    std::string compact = orgFingerprint;
    compact.erase(std::remove(compact.begin(), compact.end(), ' '), compact.end());
    std::transform(compact.begin(), compact.end(), compact.begin(), ::toupper);
    CHECK(fingerprintMatches(compact, again.value()->orgKey().publicKey()));
    CHECK_FALSE(fingerprintMatches(compact.substr(1), again.value()->orgKey().publicKey()));
}

namespace {

// SQLCipher 3.4's pages, decrypted with the vault's raw key: AES-256-CBC over each page but
// its reserved tail (16-byte IV, then the HMAC, 48 bytes in all); page 1 starts with the
// 16-byte salt. This reads every byte the file holds, free pages included.
std::string decryptVaultFile(const std::filesystem::path& path, const SecretBytes& key) {
    constexpr std::size_t kPage = 4096;
    constexpr std::size_t kReserve = 48;
    const Bytes file = test::readFile(path);
    REQUIRE(file.size() % kPage == 0);
    std::string plain;
    for (std::size_t page = 0; page * kPage < file.size(); ++page) {
        const std::uint8_t* base = file.data() + page * kPage;
        const std::size_t offset = page == 0 ? 16 : 0;
        const std::uint8_t* iv = base + kPage - kReserve;
        EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
        REQUIRE(EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, key.data(), iv) == 1);
        EVP_CIPHER_CTX_set_padding(ctx, 0);
        std::string out(kPage - kReserve - offset, '\0');
        int written = 0;
        REQUIRE(EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &written,
                                  base + offset, static_cast<int>(out.size())) == 1);
        EVP_CIPHER_CTX_free(ctx);
        plain += out;
    }
    return plain;
}

} // namespace

TEST_CASE("retention: purged messages are gone from the raw vault file, and logged") {
    test::TempDir dir;
    const SecretBytes key = SecretBytes::random(kKeyBytes);
    const auto path = dir / "c.db";
    const std::string oldCanary = "OLD-" + randomId();
    const std::string newCanary = "NEW-" + randomId();
    const std::int64_t now = audit::KeyEventLog::nowMs();
    const std::int64_t day = 86'400'000;
    {
        auto vault = storage::Vault::create(path, key, storage::compartmentSchema());
        REQUIRE(vault);
        std::vector<storage::NewMessage> messages;
        for (int i = 0; i < 200; ++i)
            messages.push_back({"bob@localhost", "bob@localhost", now - 40 * day + i,
                                oldCanary + " " + std::to_string(i)});
        for (int i = 0; i < 5; ++i)
            messages.push_back({"bob@localhost", "bob@localhost", now - day, newCanary});
        REQUIRE(storage::MessageRepository(*vault.value()).appendBatch(messages));
        REQUIRE(vault.value()->checkpoint());
        // Without a policy nothing goes.
        CHECK(applyRetention(*vault.value(), "c", now).value() == 0);
        CHECK(decryptVaultFile(path, key).find(oldCanary) != std::string::npos);

        REQUIRE(setRetentionDays(*vault.value(), 30));
        CHECK(applyRetention(*vault.value(), "c", now).value() == 200);
        CHECK(storage::MessageRepository(*vault.value()).count().value() == 5);
        CHECK(applyRetention(*vault.value(), "c", now).value() == 0);
        const std::string log =
            audit::KeyEventLog::open(*vault.value(), "c").value().exportJsonLines().value();
        CHECK(log.find("\"retention-purge\"") != std::string::npos);
        CHECK(log.find("messages=200") != std::string::npos);
        CHECK(log.find(oldCanary) == std::string::npos);
        REQUIRE(vault.value()->checkpoint());
        const std::string plain = decryptVaultFile(path, key);
        CHECK(plain.find(newCanary) != std::string::npos); // the decryption is right
        CHECK(plain.find(oldCanary) == std::string::npos);
    }
    CHECK_FALSE(std::filesystem::exists(path.string() + "-wal"));
    CHECK(decryptVaultFile(path, key).find(oldCanary) == std::string::npos);
}

TEST_CASE("retention is applied when a profile opens the compartment") {
    test::TempDir dir;
    const std::int64_t now = audit::KeyEventLog::nowMs();
    {
        auto profile = makeMember(dir / "p");
        REQUIRE(profile->addCompartment("finance"));
        storage::Vault& vault = *profile->compartmentVault("finance").value();
        REQUIRE(storage::MessageRepository(vault).append(
            {"bob@localhost", "bob@localhost", now - 10 * 86'400'000, "old"}));
        REQUIRE(storage::MessageRepository(vault).append(
            {"bob@localhost", "bob@localhost", now, "new"}));
        REQUIRE(setRetentionDays(vault, 7));
    }
    auto profile = Profile::unlock(dir / "p", passphrase());
    REQUIRE(profile);
    storage::Vault& vault = *profile.value()->compartmentVault("finance").value();
    CHECK(storage::MessageRepository(vault).count().value() == 1);
    CHECK(setRetentionDays(vault, 40000).error().code == ErrorCode::InvalidArgument);
    REQUIRE(storage::SettingsRepository(vault).put(kRetentionDaysKey, asBytes("-1")));
    CHECK(retentionDays(vault).error().code == ErrorCode::Corrupted);
}

TEST_CASE("the invite names the roster owner, and the member's compartment keeps it") {
    test::TempDir dir;
    auto admin = AdminVault::create(dir / "admin", passphrase(), Argon2idParams::light());
    REQUIRE(admin);
    CompartmentDefinition d = financeDefinition();
    d.rosterOwner = "admin@localhost";
    auto defined = admin.value()->defineCompartment(d);
    REQUIRE(defined);
    CHECK(admin.value()->compartment("finance").value().rosterOwner == "admin@localhost");
    auto member = makeMember(dir / "alice");
    const std::string invite = inviteFor(*admin.value(), *member, "u1@localhost");
    CHECK_THAT(
        openedText(invite, keysOf(*member)),
        Catch::Contains("\nsealed no\nroster-owner admin@localhost\naccount u1@localhost\n"));
    REQUIRE(importInvite(*member, invite, trusting(*admin.value())));
    storage::Vault& vault = *member->compartmentVault("finance").value();
    CHECK(storage::SettingsRepository(vault).get(kRosterOwnerKey).value() ==
          std::optional<Bytes>(
              Bytes{asBytes("admin@localhost").begin(), asBytes("admin@localhost").end()}));

    // A definition without one is written as before the field existed, and reads back empty.
    SignedTextWriter writer("compartment-definition");
    CompartmentDefinition old = financeDefinition();
    old.id = randomId();
    writeDefinition(writer, old);
    const std::string body = writer.body().value();
    CHECK(body.ends_with("\nsealed no\n"));
    const SigningKey key = SigningKey::generate();
    const std::string signed_ = appendSignature(body, key);
    auto text = splitSignedText(signed_, "compartment-definition");
    REQUIRE(text);
    FieldReader reader(text.value(), "definition");
    auto read = readDefinition(reader);
    REQUIRE(read);
    CHECK(read.value().rosterOwner.empty());
    CHECK(reader.finish());

    // An empty or malformed owner is refused, not read as absent.
    for (const char* bad : {"roster-owner\n", "roster-owner not-a-jid\n"}) {
        const std::string altered = appendSignature(body + bad, key);
        auto split = splitSignedText(altered, "compartment-definition");
        REQUIRE(split);
        FieldReader badReader(split.value(), "definition");
        CHECK_FALSE(readDefinition(badReader));
    }
}

TEST_CASE("a definition carries the document policy only when set and refuses a bad one") {
    const SigningKey key = SigningKey::generate();
    auto roundTrip = [&](const CompartmentDefinition& d, const std::string& extra = {}) {
        SignedTextWriter writer("compartment-definition");
        writeDefinition(writer, d);
        const std::string signed_ = appendSignature(writer.body().value() + extra, key);
        auto text = splitSignedText(signed_, "compartment-definition");
        if (!text) // refused as a document already (an empty value, say)
            return Result<CompartmentDefinition>(text.error());
        FieldReader reader(text.value(), "definition");
        auto read = readDefinition(reader);
        if (read && !reader.finish())
            return Result<CompartmentDefinition>(makeError(ErrorCode::Corrupted, "trailing"));
        return read;
    };
    CompartmentDefinition d = financeDefinition();
    d.id = randomId();
    d.maxDocumentBytes = 5u << 20;
    d.documentTypes = {"pdf", "docx"};
    auto read = roundTrip(d);
    REQUIRE(read);
    CHECK(read.value().maxDocumentBytes == (5u << 20));
    CHECK(read.value().documentTypes == std::vector<std::string>{"pdf", "docx"});
    // Without a policy nothing is written, as before the fields existed.
    CompartmentDefinition plain = financeDefinition();
    plain.id = randomId();
    SignedTextWriter writer("compartment-definition");
    writeDefinition(writer, plain);
    CHECK(writer.body().value().find("document") == std::string::npos);
    CHECK(roundTrip(plain).value().documentTypes.empty());
    for (const char* bad :
         {"max-document-bytes 0\n", "max-document-bytes 01\n", "document-types \n",
          "document-types pdf,,doc\n", "document-types PDF\n", "document-types ../x\n"}) {
        INFO(bad);
        CHECK_FALSE(roundTrip(plain, bad));
    }
    d.documentTypes = {"p df"};
    CHECK_FALSE(validateDefinition(d));
    d.documentTypes = {};
    d.maxDocumentBytes = (1ull << 40) + 1;
    CHECK_FALSE(validateDefinition(d));
}

TEST_CASE("an invite past its expiry is refused at import and nothing changes") {
    test::TempDir dir;
    auto admin = makeAdmin(dir / "admin");
    auto member = makeMember(dir / "alice");
    auto invite = admin->writeInvite("finance", requestOf(*member, "Alice"), "u1@localhost",
                                     SecretBytes::fromString("r4ndom-Passw0rd"), 2);
    REQUIRE(invite);
    const std::string inner = openedText(invite.value(), keysOf(*member));
    CHECK_THAT(inner, Catch::Contains("\nexpires-at "));
    const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();

    ImportOptions late = trusting(*admin);
    late.nowSeconds = now + 3 * 86'400;
    auto refused = importInvite(*member, invite.value(), late);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::Expired);
    CHECK_THAT(refused.error().message, Catch::Contains("expired on"));
    CHECK(names(*member).empty());
    CHECK_FALSE(pinnedOrgKey(*member));

    ImportOptions inTime = trusting(*admin);
    inTime.nowSeconds = now + 86'400;
    CHECK(importInvite(*member, invite.value(), inTime));

    // --valid-days 0: no expiry field at all, as invites made before expiry existed.
    auto bob = makeMember(dir / "bob");
    auto forever = admin->writeInvite("finance", requestOf(*bob, "Bob"), "u2@localhost",
                                      SecretBytes::fromString("r4ndom-Passw0rd"), 0);
    REQUIRE(forever);
    CHECK(openedText(forever.value(), keysOf(*bob)).find("expires-at") == std::string::npos);
    ImportOptions muchLater = trusting(*admin);
    muchLater.nowSeconds = now + 3650 * 86'400;
    CHECK(importInvite(*bob, forever.value(), muchLater));
    CHECK_FALSE(admin->writeInvite("finance", requestOf(*bob, "Bob"), "u3@localhost",
                                   SecretBytes::fromString("r4ndom-Passw0rd"), 3651));
}

TEST_CASE("the admin vault forgets a compartment whose creation failed") {
    test::TempDir dir;
    auto admin = makeAdmin(dir / "admin");
    auto member = makeMember(dir / "alice");
    std::string inviteId;
    REQUIRE(admin->writeInvite("finance", requestOf(*member, "Alice"), "u1@localhost",
                               SecretBytes::fromString("r4ndom-Passw0rd"), 14, &inviteId));
    CHECK(isRandomId(inviteId));
    REQUIRE(admin->forgetCompartment("finance", {inviteId}));
    CHECK(admin->compartment("finance").error().code == ErrorCode::NotFound);
    CHECK(admin->roster("finance").error().code == ErrorCode::NotFound);
    CHECK(admin->forgetCompartment("finance", {}).error().code == ErrorCode::NotFound);
    // The name can be defined again.
    CHECK(admin->defineCompartment(financeDefinition()));
}
