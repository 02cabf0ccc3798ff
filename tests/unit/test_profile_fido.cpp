// Profiles with FIDO slots (issue 7), against the software authenticator through libfido2.
#include "client/audit/AuditVerifier.h"
#include "client/audit/KeyEventLog.h"
#include "client/profile/FidoSlots.h"
#include "client/profile/Profile.h"
#include "crypto/Aead.h"
#include "crypto/Hash.h"
#include "crypto/fido/SoftAuthenticator.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <map>

using namespace cloison;

namespace {

const SecretBytes& passphrase() {
    static const SecretBytes value = SecretBytes::fromString("correct horse battery staple");
    return value;
}

std::unique_ptr<FidoAuthenticator> newKey(const test::TempDir& tmp, const char* name) {
    const auto dir = tmp / name;
    REQUIRE(fido::SoftAuthenticator::create(dir, {}));
    auto opened = FidoAuthenticator::open({AuthenticatorChoice::Kind::Software, dir.string()});
    REQUIRE(opened);
    return std::move(opened.value());
}

FidoAccess accessFor(FidoAuthenticator& key, const char* pin = nullptr) {
    FidoAccess access{&key, {}};
    if (pin != nullptr)
        access.pin = [pin]() -> Result<SecretBytes> {
            return SecretBytes::fromString(pin);
        };
    return access;
}

Bytes readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Every file of the profile and a hash of its contents.
std::map<std::string, Bytes> snapshot(const std::filesystem::path& dir) {
    std::map<std::string, Bytes> out;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
        if (entry.is_regular_file())
            out[entry.path().string()] = blake2b(readFile(entry.path()));
    return out;
}

bool contains(const Bytes& haystack, ByteView needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
           haystack.end();
}

// A profile whose only slot is passphrase + `key` (the policy requires FIDO).
std::filesystem::path enrolledProfile(const test::TempDir& tmp, FidoAuthenticator& key) {
    const auto dir = tmp / "profile";
    auto profile = Profile::create(dir, passphrase(), Argon2idParams::light());
    REQUIRE(profile);
    REQUIRE(profile.value()->addCompartment("finance"));
    FidoAccess access = accessFor(key);
    auto enrolled =
        profile.value()->enrolFido(passphrase(), access, FidoVerification::Presence, true);
    INFO((enrolled ? std::string() : enrolled.error().message));
    REQUIRE(enrolled);
    return dir;
}

} // namespace

TEST_CASE("FIDO slot: passphrase and touch unlock, either alone or another key does not") {
    test::TempDir tmp;
    auto key = newKey(tmp, "key1");
    const auto dir = enrolledProfile(tmp, *key);
    auto slots = Profile::fidoSlots(dir);
    REQUIRE(slots);
    REQUIRE(slots.value().size() == 1);
    CHECK(slots.value()[0].rpId == kFidoRpId);
    CHECK(slots.value()[0].verification == FidoVerification::Presence);

    FidoAccess access = accessFor(*key);
    auto unlocked = Profile::unlock(dir, passphrase(), access);
    REQUIRE(unlocked);
    auto names = unlocked.value()->compartments();
    REQUIRE(names);
    REQUIRE(names.value().size() == 1);
    CHECK(names.value()[0].name == "finance");
    REQUIRE(unlocked.value()->compartmentVault("finance"));
    unlocked.value()->lock();
    unlocked.value().reset();

    const auto before = snapshot(dir);
    auto alone = Profile::unlock(dir, passphrase());
    REQUIRE_FALSE(alone);
    CHECK(alone.error().code == ErrorCode::NoAuthenticator);
    CHECK(alone.error().message.find("security key") != std::string::npos);

    auto keyAlone = Profile::unlock(dir, SecretBytes::fromString("shoulder surfed? no"), access);
    REQUIRE_FALSE(keyAlone);
    CHECK(keyAlone.error().code == ErrorCode::WrongPassphrase);

    auto other = newKey(tmp, "other");
    FidoAccess otherAccess = accessFor(*other);
    auto wrongKey = Profile::unlock(dir, passphrase(), otherAccess);
    REQUIRE_FALSE(wrongKey);
    CHECK(wrongKey.error().code == ErrorCode::WrongAuthenticator);
    CHECK(wrongKey.error().message.find("not enrolled") != std::string::npos);

    FidoAccess none;
    auto noKey = Profile::unlock(dir, passphrase(), none);
    REQUIRE_FALSE(noKey);
    CHECK(noKey.error().code == ErrorCode::NoAuthenticator);
    CHECK(snapshot(dir) == before);
}

TEST_CASE("FIDO slot: enrolment insists on the passphrase the profile was unlocked with") {
    test::TempDir tmp;
    auto key = newKey(tmp, "key1");
    auto profile = Profile::create(tmp / "profile", passphrase(), Argon2idParams::light());
    REQUIRE(profile);
    FidoAccess access = accessFor(*key);
    auto typo = profile.value()->enrolFido(SecretBytes::fromString("correct horse battery stapel"),
                                           access, FidoVerification::Presence, true);
    REQUIRE_FALSE(typo);
    CHECK(typo.error().code == ErrorCode::WrongPassphrase);
    CHECK(Profile::fidoSlots(tmp / "profile").value().empty());
}

TEST_CASE("FIDO slot: backup key enrols, unlocks and is removed, the last one stays") {
    test::TempDir tmp;
    auto primary = newKey(tmp, "primary");
    auto backup = newKey(tmp, "backup");
    const auto dir = enrolledProfile(tmp, *primary);
    FidoAccess primaryAccess = accessFor(*primary);
    FidoAccess backupAccess = accessFor(*backup);
    std::string primaryId;
    {
        auto profile = Profile::unlock(dir, passphrase(), primaryAccess);
        REQUIRE(profile);
        primaryId = Profile::fidoSlots(dir).value()[0].id;
        REQUIRE(profile.value()->enrolFido(passphrase(), backupAccess, FidoVerification::Presence,
                                           true));
    }
    REQUIRE(Profile::fidoSlots(dir).value().size() == 2);
    // The primary key's slot comes first; a silent probe skips it: one touch, on the backup.
    const auto touchesBefore = fido::SoftAuthenticator::touches(tmp / "backup").value();
    auto viaBackup = Profile::unlock(dir, passphrase(), backupAccess);
    REQUIRE(viaBackup);
    CHECK(fido::SoftAuthenticator::touches(tmp / "backup").value() == touchesBefore + 1);
    REQUIRE(viaBackup.value()->removeFido(primaryId));
    auto gone = Profile::unlock(dir, passphrase(), primaryAccess);
    REQUIRE_FALSE(gone);
    CHECK(gone.error().code == ErrorCode::WrongAuthenticator);

    const auto before = snapshot(dir);
    const std::string backupId = Profile::fidoSlots(dir).value()[0].id;
    auto refused = viaBackup.value()->removeFido(backupId);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::PolicyRefused);
    CHECK(snapshot(dir) == before);
    CHECK(viaBackup.value()->removeFido("0011223344").error().code == ErrorCode::NotFound);
}

TEST_CASE("FIDO slot: without the FIDO policy the passphrase slot stays and so may the key go") {
    test::TempDir tmp;
    auto key = newKey(tmp, "key");
    const auto dir = tmp / "profile";
    auto profile = Profile::create(dir, passphrase(), Argon2idParams::light());
    REQUIRE(profile);
    FidoAccess access = accessFor(*key);
    auto enrolled =
        profile.value()->enrolFido(passphrase(), access, FidoVerification::Presence, false);
    REQUIRE(enrolled);
    REQUIRE(Profile::unlock(dir, passphrase()));
    REQUIRE(Profile::unlock(dir, passphrase(), access));
    REQUIRE(profile.value()->removeFido(enrolled.value().id));
    CHECK(Profile::fidoSlots(dir).value().empty());
    REQUIRE(Profile::unlock(dir, passphrase()));
}

TEST_CASE("FIDO slot with PIN: correct, wrong (retries counted down), blocked") {
    test::TempDir tmp;
    auto key = newKey(tmp, "key");
    REQUIRE(key->setPin(SecretBytes::fromString("246810")));
    const auto dir = tmp / "profile";
    {
        auto profile = Profile::create(dir, passphrase(), Argon2idParams::light());
        REQUIRE(profile);
        FidoAccess access = accessFor(*key, "246810");
        REQUIRE(profile.value()->enrolFido(passphrase(), access, FidoVerification::Pin, true));
    }
    CHECK(Profile::fidoSlots(dir).value()[0].verification == FidoVerification::Pin);
    FidoAccess right = accessFor(*key, "246810");
    REQUIRE(Profile::unlock(dir, passphrase(), right));

    const auto before = snapshot(dir);
    FidoAccess noPin = accessFor(*key);
    CHECK(Profile::unlock(dir, passphrase(), noPin).error().code == ErrorCode::PinRequired);
    FidoAccess wrong = accessFor(*key, "111111");
    auto refused = Profile::unlock(dir, passphrase(), wrong);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::WrongPin);
    CHECK(refused.error().message.find("7 attempts left") != std::string::npos);
    CHECK(key->pinRetries().value() == 7);
    CHECK(snapshot(dir) == before);

    // Blocked: every further attempt, right PIN included, is refused with a plain message.
    const auto keyDir = (tmp / "key").string();
    for (int attempt = 0; attempt < 7; ++attempt) {
        auto fresh = FidoAuthenticator::open({AuthenticatorChoice::Kind::Software, keyDir});
        REQUIRE(fresh);
        FidoAccess bad = accessFor(*fresh.value(), "111111");
        (void)Profile::unlock(dir, passphrase(), bad);
    }
    auto fresh = FidoAuthenticator::open({AuthenticatorChoice::Kind::Software, keyDir});
    REQUIRE(fresh);
    FidoAccess good = accessFor(*fresh.value(), "246810");
    auto blocked = Profile::unlock(dir, passphrase(), good);
    REQUIRE_FALSE(blocked);
    CHECK(blocked.error().code == ErrorCode::PinBlocked);
    CHECK(snapshot(dir) == before);
}

TEST_CASE("FIDO slot: profile files hold neither the hmac-secret nor any unwrapped key") {
    test::TempDir tmp;
    auto key = newKey(tmp, "key");
    const auto dir = enrolledProfile(tmp, *key);
    {
        FidoAccess access = accessFor(*key);
        auto profile = Profile::unlock(dir, passphrase(), access);
        REQUIRE(profile);
        REQUIRE(profile.value()->addCompartment("speeches"));
    }
    // Re-derive every secret of the slot independently of Profile.
    auto header = readProfileHeader(dir / Profile::kHeaderFile);
    REQUIRE(header);
    REQUIRE(header.value().fidoKeys.size() == 1);
    const FidoKeyRecord& record = header.value().fidoKeys[0];
    auto secret = key->hmacSecret(record.credential(), record.fidoSalt, nullptr);
    REQUIRE(secret);
    auto stretched = deriveArgon2id(passphrase(), header.value().salt, header.value().params);
    REQUIRE(stretched);
    const SecretBytes kek =
        combineSecrets(stretched.value(), secret.value(), asBytes("cloison/header-fido-slot/v2"));
    const SecretBytes passphraseOnly =
        deriveSubkey(stretched.value(), {'c', 'l', 'o', 'i', 's', 'o', 'n', 's'}, 1);
    Result<SecretBytes> profileKey = makeError(ErrorCode::NotFound, "no slot");
    for (std::size_t i = 0; i < ProfileHeader::kSlotCount; ++i) {
        CHECK_FALSE(header.value().open(i, passphraseOnly, nullptr)); // FIDO is required
        if (auto opened = header.value().open(i, kek, &record)) {
            CHECK(opened.value().first == SlotContent::ProfileKey);
            profileKey = std::move(opened.value().second);
        }
    }
    REQUIRE(profileKey);
    const KdfContext context = {'c', 'l', 'o', 'i', 's', 'o', 'n', 'p'};

    std::vector<SecretBytes> secrets;
    secrets.push_back(secret.value().copy());
    secrets.push_back(stretched.value().copy());
    secrets.push_back(kek.copy());
    secrets.push_back(profileKey.value().copy());
    for (std::uint64_t id = 1; id <= 4; ++id)
        secrets.push_back(deriveSubkey(profileKey.value(), context, id));
    secrets.push_back(SecretBytes::fromString("correct horse battery staple"));
    std::size_t scanned = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file())
            continue;
        const Bytes contents = readFile(entry.path());
        ++scanned;
        for (const SecretBytes& needle : secrets)
            CHECK_FALSE(contains(contents, needle.view().first(16)));
    }
    CHECK(scanned >= 4); // header, profile vault and two compartment vaults
}

TEST_CASE("FIDO slots wrap any key: e.g. the admin's organisation key") {
    test::TempDir tmp;
    auto key = newKey(tmp, "admin-key");
    auto other = newKey(tmp, "other-key");
    const SecretBytes orgKey = SecretBytes::random(kKeyBytes);
    const Bytes binding(asBytes("cloison/org-key/v1").begin(), asBytes("cloison/org-key/v1").end());
    FidoAccess access = accessFor(*key);
    auto slot = makeFidoSlot(passphrase(), Argon2idParams::light(), orgKey, binding, access,
                             FidoVerification::Presence);
    REQUIRE(slot);
    // Stored and read back as bytes, as a provisioning vault would.
    auto decoded = FidoSlot::decode(slot.value().encode());
    REQUIRE(decoded);
    const std::vector<FidoSlot> slots{std::move(decoded.value())};
    const auto bindingOf = [&](const FidoSlot&) {
        return binding;
    };
    auto opened = openFidoSlots(slots, passphrase(), access, bindingOf);
    REQUIRE(opened);
    CHECK(opened.value().second.equals(orgKey));
    FidoAccess wrongKey = accessFor(*other);
    CHECK(openFidoSlots(slots, passphrase(), wrongKey, bindingOf).error().code ==
          ErrorCode::WrongAuthenticator);
    CHECK(openFidoSlots(slots, SecretBytes::fromString("guess"), access, bindingOf).error().code ==
          ErrorCode::WrongPassphrase);
    const auto otherBinding = [](const FidoSlot&) {
        return Bytes{1, 2, 3};
    };
    CHECK_FALSE(openFidoSlots(slots, passphrase(), access, otherBinding));
}

TEST_CASE("FIDO slot: header round trip, damage and tampering are caught") {
    FidoKeyRecord record{FidoVerification::Pin, randomBytes(kFidoSaltBytes), randomBytes(48),
                         kFidoRpId};
    ProfileHeader header = ProfileHeader::fresh(Argon2idParams::light());
    header.addFidoKey(record);
    const SecretBytes slotKey = SecretBytes::random(kKeyBytes);
    const SecretBytes profileKey = SecretBytes::random(kKeyBytes);
    header.seal(5, slotKey, SlotContent::ProfileKey, profileKey, &header.fidoKeys[0]);
    const SecretBytes macKey = SecretBytes::random(kKeyBytes);
    const Bytes file = header.encode(macKey);
    CHECK(file.size() == ProfileHeader::kBytes);
    auto decoded = ProfileHeader::decode(file);
    REQUIRE(decoded);
    REQUIRE(decoded.value().fidoKeys.size() == 1);
    const FidoKeyRecord& back = decoded.value().fidoKeys[0];
    CHECK(back.credentialId == record.credentialId);
    CHECK(back.fidoSalt == record.fidoSalt);
    CHECK(back.rpId == record.rpId);
    CHECK(back.verification == FidoVerification::Pin);
    CHECK(back.id() == record.id());
    CHECK(decoded.value().macMatches(macKey));
    CHECK(decoded.value().open(5, slotKey, &back).value().second.equals(profileKey));

    // Any change to a key's record, with the checksum fixed up, fails the MAC, and the slot
    // sealed under the record no longer opens.
    ProfileHeader tampered = decoded.value();
    tampered.fidoKeys[0].verification = FidoVerification::Presence;
    CHECK_FALSE(tampered.open(5, slotKey, &tampered.fidoKeys[0]));
    Bytes body = tampered.encodeBody();
    const Bytes mac = blake2bMac(SecretBytes::random(kKeyBytes), body);
    body.insert(body.end(), mac.begin(), mac.end());
    const Bytes checksum = blake2b(body);
    body.insert(body.end(), checksum.begin(), checksum.end());
    auto reread = ProfileHeader::decode(body);
    REQUIRE(reread);
    CHECK_FALSE(reread.value().macMatches(macKey));

    FidoSlot slot;
    slot.verification = FidoVerification::Pin;
    slot.params = Argon2idParams::light();
    slot.salt = randomBytes(kArgon2SaltBytes);
    slot.fidoSalt = randomBytes(kFidoSaltBytes);
    slot.credentialId = randomBytes(48);
    slot.rpId = kFidoRpId;
    slot.wrappedKey = randomBytes(kAeadOverheadBytes + kKeyBytes);
    CHECK(FidoSlot::decode(slot.encode()));
    CHECK(FidoSlot::decode(Bytes(10, 0)).error().code == ErrorCode::Corrupted);
    Bytes unknownChoice = slot.encode();
    unknownChoice[0] = 7;
    CHECK(FidoSlot::decode(unknownChoice).error().code == ErrorCode::Corrupted);
    Bytes longer = slot.encode();
    longer.push_back(0);
    CHECK(FidoSlot::decode(longer).error().code == ErrorCode::Corrupted);
}

TEST_CASE("FIDO slot: a passphrase change re-wraps the slot of the key present") {
    test::TempDir tmp;
    auto primary = newKey(tmp, "primary");
    auto backup = newKey(tmp, "backup");
    const auto dir = enrolledProfile(tmp, *primary);
    FidoAccess primaryAccess = accessFor(*primary);
    FidoAccess backupAccess = accessFor(*backup);
    const SecretBytes next = SecretBytes::fromString("a brand new passphrase");
    auto profile = Profile::unlock(dir, passphrase(), primaryAccess);
    REQUIRE(profile);
    REQUIRE(
        profile.value()->enrolFido(passphrase(), backupAccess, FidoVerification::Presence, true));
    CHECK(profile.value()->changePassphrase(passphrase(), next).error().code ==
          ErrorCode::NoAuthenticator);
    CHECK(profile.value()->changePassphrase(next, next, primaryAccess).error().code ==
          ErrorCode::WrongPassphrase);
    REQUIRE(profile.value()->changePassphrase(passphrase(), next, primaryAccess));
    profile.value().reset();

    REQUIRE(Profile::unlock(dir, next, primaryAccess));
    CHECK(Profile::unlock(dir, passphrase(), primaryAccess).error().code ==
          ErrorCode::WrongPassphrase);
    // The backup key's slot keeps its passphrase until changed with that key.
    REQUIRE(Profile::unlock(dir, passphrase(), backupAccess));
    CHECK(Profile::fidoSlots(dir).value().size() == 2);
}

TEST_CASE(
    "FIDO slot: enrolling and removing a key are recorded in the compartment's key-event log") {
    test::TempDir tmp;
    auto primary = newKey(tmp, "primary");
    auto backup = newKey(tmp, "backup");
    const auto dir = enrolledProfile(tmp, *primary);
    FidoAccess primaryAccess = accessFor(*primary);
    auto profile = Profile::unlock(dir, passphrase(), primaryAccess);
    REQUIRE(profile);
    FidoAccess backupAccess = accessFor(*backup);
    auto added =
        profile.value()->enrolFido(passphrase(), backupAccess, FidoVerification::Presence, true);
    REQUIRE(added);
    REQUIRE(profile.value()->removeFido(added.value().id));

    auto vault = profile.value()->compartmentVault("finance");
    REQUIRE(vault);
    const std::string id = profile.value()->compartments().value().front().id;
    auto log = audit::KeyEventLog::open(*vault.value(), id);
    REQUIRE(log);
    const auto report = audit::verifyAuditLog(log.value().exportJsonLines().value());
    CHECK(report.ok);
    std::vector<std::string> types;
    for (const auto& e : report.events)
        types.push_back(e.type + " " + e.subject);
    CHECK(std::count(types.begin(), types.end(),
                     "fido-enrolled security key " + added.value().id) == 1);
    CHECK(std::count(types.begin(), types.end(), "fido-removed security key " + added.value().id) ==
          1);
    // The first key, enrolled when the profile was made, is in the log too.
    CHECK(std::count_if(types.begin(), types.end(),
                        [](const std::string& t) { return t.starts_with("fido-enrolled"); }) == 2);
}
