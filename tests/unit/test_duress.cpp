// Duress passphrase (issue 14): a second passphrase that opens only the decoy compartments,
// looks like a normal unlock, and leaves every real file as it was.
#include "client/audit/KeyEventLog.h"
#include "client/profile/FidoSlots.h"
#include "client/profile/Profile.h"
#include "client/profile/ProfileHeader.h"
#include "crypto/Hash.h"
#include "crypto/fido/SoftAuthenticator.h"
#include "storage/KeyEventRepository.h"
#include "storage/MessageRepository.h"
#include "storage/Schemas.h"
#include "storage/SettingsRepository.h"
#include "tests/support/Files.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>

using namespace cloison;

namespace {

const SecretBytes& passphrase() {
    static const SecretBytes value = SecretBytes::fromString("correct horse battery staple");
    return value;
}

const SecretBytes& duressPassphrase() {
    static const SecretBytes value = SecretBytes::fromString("tulips in the rain");
    return value;
}

constexpr KdfContext kProfileContext = {'c', 'l', 'o', 'i', 's', 'o', 'n', 'p'};

std::unique_ptr<Profile> unlock(const std::filesystem::path& dir, const SecretBytes& secret) {
    auto profile = Profile::unlock(dir, secret);
    if (!profile)
        FAIL("unlock failed: " << profile.error().message);
    return std::move(profile.value());
}

void writeMessage(storage::Vault& vault, const std::string& text) {
    const std::vector<storage::NewMessage> batch{{"peer@example.org", "me@example.org", 1, text}};
    REQUIRE(storage::MessageRepository(vault).appendBatch(batch));
}

// Two real compartments and two decoys, with a message in each real one; with `duress` the
// duress passphrase is set before the second decoy is added (so both ways of registering a
// decoy are used).
std::filesystem::path makeProfile(const test::TempDir& tmp, bool duress) {
    const auto dir = tmp / "p";
    auto profile = Profile::create(dir, passphrase(), Argon2idParams::light());
    REQUIRE(profile);
    Profile& p = *profile.value();
    for (const char* name : {"finance", "speeches"}) {
        REQUIRE(p.addCompartment(name));
        auto vault = p.compartmentVault(name);
        REQUIRE(vault);
        writeMessage(*vault.value(), "real text");
    }
    REQUIRE(p.addCompartment("logistics", CompartmentKind::Decoy));
    if (duress)
        REQUIRE(p.setDuressPassphrase(duressPassphrase()));
    REQUIRE(p.addCompartment("press", CompartmentKind::Decoy));
    return dir;
}

std::vector<std::string> names(Profile& profile) {
    std::vector<std::string> out;
    for (const auto& c : profile.compartments().value())
        out.push_back(c.name);
    std::sort(out.begin(), out.end()); // listed by creation time, often within one second
    return out;
}

std::vector<std::string> eventTypes(Profile& profile, const std::string& name) {
    auto vault = profile.compartmentVault(name);
    REQUIRE(vault);
    std::vector<std::string> out;
    for (const auto& event : storage::KeyEventRepository(*vault.value()).all().value())
        out.push_back(event.type);
    return out;
}

// Every file of the profile except the decoys' own (their vaults, and the duress vault that
// lists them): what a duress session must leave byte for byte as it was.
std::map<std::string, std::string> realFiles(const std::filesystem::path& dir,
                                             const std::vector<std::string>& decoyIds) {
    auto files = test::hashTree(dir);
    std::erase_if(files, [&](const auto& entry) {
        if (entry.first.starts_with(Profile::kDuressVaultFile))
            return true;
        for (const std::string& id : decoyIds)
            if (entry.first.starts_with(std::string(Profile::kCompartmentDir) + "/" + id))
                return true;
        return false;
    });
    return files;
}

ProfileHeader headerOf(const std::filesystem::path& dir) {
    auto header = readProfileHeader(dir / Profile::kHeaderFile);
    REQUIRE(header);
    return std::move(header.value());
}

// What a parser sees of a header, leaving out the bytes that are random or secret.
std::string shapeOf(const std::filesystem::path& dir) {
    const Bytes file = test::readFile(dir / Profile::kHeaderFile);
    const ProfileHeader header = headerOf(dir);
    std::string out = std::to_string(file.size()) + " format " + (header.legacy ? "1" : "2") +
                      " passes " + std::to_string(header.params.passes) + " memory " +
                      std::to_string(header.params.memoryBytes) + " salt " +
                      std::to_string(header.salt.size()) + " keys " +
                      std::to_string(header.fidoKeys.size()) + " spare " +
                      std::to_string(header.spareFidoKeys.size()) + " slots";
    for (const Bytes& slot : header.keySlots)
        out += " " + std::to_string(slot.size());
    return out;
}

} // namespace

TEST_CASE("a duress unlock lists and opens only the decoys and looks normal") {
    test::TempDir tmp;
    const auto dir = makeProfile(tmp, true);
    auto profile = unlock(dir, duressPassphrase());
    CHECK(profile->isDuressSession());
    CHECK(names(*profile) == std::vector<std::string>{"logistics", "press"});
    for (const auto& c : profile->compartments().value()) {
        CHECK_FALSE(c.decoy); // nothing for a UI to mark
        CHECK_FALSE(c.sealed);
        REQUIRE(profile->compartmentVault(c.name));
    }
    CHECK(profile->compartmentVault("finance").error().code == ErrorCode::NotFound);
    CHECK(profile->compartmentId("speeches").error().code == ErrorCode::NotFound);
    CHECK_FALSE(profile->hasDuressPassphrase().value());
    // The decoys work like any compartment: messages written there are there next time.
    {
        auto vault = profile->compartmentVault("press");
        writeMessage(*vault.value(), "decoy text");
    }
    profile->lock();
    auto again = unlock(dir, duressPassphrase());
    auto vault = again->compartmentVault("press");
    REQUIRE(vault);
    CHECK(storage::MessageRepository(*vault.value()).count().value() == 1);
}

TEST_CASE("a duress unlock records duress-unlock in each decoy's key-event log") {
    test::TempDir tmp;
    const auto dir = makeProfile(tmp, true);
    unlock(dir, duressPassphrase())->lock();
    // Seen by the owner's normal session (and the auditor's export of the decoys' logs), in
    // the decoys only.
    auto profile = unlock(dir, passphrase());
    CHECK_FALSE(profile->isDuressSession());
    CHECK(profile->hasDuressPassphrase().value());
    CHECK(names(*profile) == std::vector<std::string>{"finance", "logistics", "press", "speeches"});
    for (const char* decoy : {"logistics", "press"}) {
        const auto types = eventTypes(*profile, decoy);
        CHECK(std::count(types.begin(), types.end(), audit::event::kDuressUnlock) == 1);
    }
    for (const char* real : {"finance", "speeches"}) {
        const auto types = eventTypes(*profile, real);
        CHECK(std::count(types.begin(), types.end(), audit::event::kDuressUnlock) == 0);
    }
    for (const auto& c : profile->compartments().value())
        CHECK(c.decoy == (c.name == "logistics" || c.name == "press"));
}

TEST_CASE("a duress session leaves the header the profile vault and every real file as it was") {
    test::TempDir tmp;
    const auto dir = makeProfile(tmp, true);
    Profile::noteUnlockFailure(dir); // a pending note must stay for the real owner
    std::vector<std::string> decoyIds;
    {
        auto profile = unlock(dir, passphrase());
        for (const auto& c : profile->compartments().value())
            if (c.decoy)
                decoyIds.push_back(c.id);
    }
    Profile::noteUnlockFailure(dir);
    const auto before = realFiles(dir, decoyIds);
    REQUIRE(before.contains(Profile::kHeaderFile));
    REQUIRE(before.contains(Profile::kVaultFile));
    REQUIRE(before.contains(Profile::kUnlockFailuresFile));
    REQUIRE(before.size() == 5); // and the two real compartments' vaults
    {
        auto profile = unlock(dir, duressPassphrase());
        for (const char* name : {"logistics", "press"}) {
            auto vault = profile->compartmentVault(name);
            REQUIRE(vault);
            writeMessage(*vault.value(), "decoy");
        }
        // Whatever would write the header fails, plausibly for a managed profile.
        const SecretBytes next = SecretBytes::fromString("a new passphrase");
        CHECK(profile->changePassphrase(duressPassphrase(), next).error().code ==
              ErrorCode::PolicyRefused);
        CHECK(profile->setDuressPassphrase(next).error().code == ErrorCode::PolicyRefused);
        CHECK(profile->removeDuressPassphrase().error().code == ErrorCode::PolicyRefused);
        CHECK(profile->removeFido("0123456789ab").error().code == ErrorCode::PolicyRefused);
        CHECK(realFiles(dir, decoyIds) == before); // while open, too
    }
    CHECK(realFiles(dir, decoyIds) == before);
    // The real owner still has everything, the failure notes included.
    auto profile = unlock(dir, passphrase());
    const auto types = eventTypes(*profile, "finance");
    CHECK(std::count(types.begin(), types.end(), audit::event::kUnlockFailed) == 2);
}

TEST_CASE("the header has the same size and shape with or without duress or security keys") {
    test::TempDir tmp;
    const auto plain = makeProfile(tmp, false);
    test::TempDir tmp2;
    const auto withDuress = makeProfile(tmp2, true);
    test::TempDir tmp3;
    const auto withKeys = makeProfile(tmp3, true);
    REQUIRE(fido::SoftAuthenticator::create(tmp3 / "key", {}));
    auto key =
        FidoAuthenticator::open({AuthenticatorChoice::Kind::Software, (tmp3 / "key").string()});
    REQUIRE(key);
    {
        auto profile = unlock(withKeys, passphrase());
        FidoAccess access{key.value().get(), {}};
        REQUIRE(profile->enrolFido(passphrase(), access, FidoVerification::Presence, false));
    }
    const std::string shape = shapeOf(plain);
    CHECK(shape == "2120 format 2 passes 1 memory 8388608 salt 16 keys 0 spare 1424 slots 73 73 "
                   "73 73 73 73 73 73");
    CHECK(shapeOf(withDuress) == shape);
    // A security key's record is in clear (the unlock must know to ask for a touch); it fills
    // a record that was random, so the size is still the same.
    CHECK(test::readFile(withKeys / Profile::kHeaderFile).size() == ProfileHeader::kBytes);
    CHECK(headerOf(withKeys).fidoKeys.size() == 1);
    // The duress vault is there either way, and of the same size.
    CHECK(std::filesystem::file_size(plain / Profile::kDuressVaultFile) ==
          std::filesystem::file_size(withDuress / Profile::kDuressVaultFile));
    CHECK(test::hashTree(plain).size() == test::hashTree(withDuress).size());
    // And the key still opens the profile with its duress slot in the header.
    FidoAccess access{key.value().get(), {}};
    CHECK(Profile::unlock(withKeys, passphrase(), access));
    CHECK(Profile::unlock(withKeys, duressPassphrase(), access).value()->isDuressSession());
}

TEST_CASE("a wrong passphrase is still WrongPassphrase with a duress slot and is noted") {
    test::TempDir tmp;
    const auto dir = makeProfile(tmp, true);
    const auto before = test::hashTree(dir);
    auto attempt = Profile::unlock(dir, SecretBytes::fromString("tulips in the sun"));
    REQUIRE_FALSE(attempt);
    CHECK(attempt.error().code == ErrorCode::WrongPassphrase);
    CHECK(attempt.error().message == "the passphrase is wrong");
    CHECK(test::hashTree(dir) == before);
    Profile::noteUnlockFailure(dir);
    auto profile = unlock(dir, passphrase());
    const auto types = eventTypes(*profile, "speeches");
    CHECK(std::count(types.begin(), types.end(), audit::event::kUnlockFailed) == 1);
}

TEST_CASE("the duress passphrase must differ from the profile's own") {
    test::TempDir tmp;
    const auto dir = makeProfile(tmp, true);
    auto profile = unlock(dir, passphrase());
    CHECK(profile->setDuressPassphrase(passphrase()).error().code == ErrorCode::InvalidArgument);
    CHECK(profile->setDuressPassphrase(SecretBytes()).error().code == ErrorCode::InvalidArgument);
    CHECK(profile->changePassphrase(passphrase(), duressPassphrase()).error().code ==
          ErrorCode::InvalidArgument);
    CHECK(profile->changePassphrase(duressPassphrase(), passphrase()).error().code ==
          ErrorCode::InvalidArgument);
    // Setting it again replaces it, in the same slot.
    const SecretBytes next = SecretBytes::fromString("daffodils");
    REQUIRE(profile->setDuressPassphrase(next));
    profile->lock();
    CHECK(Profile::unlock(dir, duressPassphrase()).error().code == ErrorCode::WrongPassphrase);
    CHECK(names(*unlock(dir, next)) == std::vector<std::string>{"logistics", "press"});
    // The real passphrase can change and the duress one stays.
    const SecretBytes changed = SecretBytes::fromString("a brand new passphrase");
    REQUIRE(unlock(dir, passphrase())->changePassphrase(passphrase(), changed));
    CHECK(unlock(dir, next)->isDuressSession());
    CHECK_FALSE(unlock(dir, changed)->isDuressSession());
}

TEST_CASE("decoys added or removed in a normal session are kept in step for duress") {
    test::TempDir tmp;
    const auto dir = makeProfile(tmp, true);
    {
        auto profile = unlock(dir, passphrase());
        REQUIRE(profile->removeCompartment("logistics"));
        REQUIRE(profile->addCompartment("archive", CompartmentKind::Decoy));
        REQUIRE(profile->addCompartment("payroll")); // real: not for duress
    }
    CHECK(names(*unlock(dir, duressPassphrase())) == std::vector<std::string>{"archive", "press"});
}

TEST_CASE("removing the duress passphrase makes its slot and vault random again") {
    test::TempDir tmp;
    const auto dir = makeProfile(tmp, true);
    const ProfileHeader before = headerOf(dir);
    const Bytes vaultBefore = test::readFile(dir / Profile::kDuressVaultFile);
    {
        auto profile = unlock(dir, passphrase());
        REQUIRE(profile->removeDuressPassphrase());
        CHECK(profile->removeDuressPassphrase().error().code == ErrorCode::NotFound);
        CHECK_FALSE(profile->hasDuressPassphrase().value());
    }
    CHECK(Profile::unlock(dir, duressPassphrase()).error().code == ErrorCode::WrongPassphrase);
    const ProfileHeader after = headerOf(dir);
    std::size_t changed = 0;
    for (std::size_t i = 0; i < ProfileHeader::kSlotCount; ++i)
        changed += before.keySlots[i] != after.keySlots[i];
    CHECK(changed == 1); // the duress slot, now random bytes
    CHECK(after.salt == before.salt);
    const Bytes vaultAfter = test::readFile(dir / Profile::kDuressVaultFile);
    CHECK(vaultAfter != vaultBefore);
    test::TempDir fresh;
    CHECK(shapeOf(dir) == shapeOf(makeProfile(fresh, false)));
    CHECK(std::filesystem::file_size(dir / Profile::kDuressVaultFile) ==
          std::filesystem::file_size(fresh / "p" / Profile::kDuressVaultFile));
    // The decoys are still the owner's, and a new duress passphrase registers them again.
    auto profile = unlock(dir, passphrase());
    REQUIRE(profile->setDuressPassphrase(duressPassphrase()));
    profile->lock();
    CHECK(names(*unlock(dir, duressPassphrase())) ==
          std::vector<std::string>{"logistics", "press"});
}

TEST_CASE("a damaged or truncated format-2 header is corruption and nothing is written") {
    test::TempDir tmp;
    const auto dir = makeProfile(tmp, true);
    const auto header = dir / Profile::kHeaderFile;
    const Bytes original = test::readFile(header);
    const auto before = test::hashTree(dir);
    // Bytes in the fixed part, a security key record, a slot, the MAC and the checksum.
    for (std::size_t offset : {0u, 9u, 20u, 44u, 100u, 1500u, 1900u, 2100u, 2119u}) {
        INFO("offset " << offset);
        test::flipByte(header, offset);
        for (const SecretBytes* secret : {&passphrase(), &duressPassphrase()})
            CHECK(Profile::unlock(dir, *secret).error().code == ErrorCode::Corrupted);
        test::writeFile(header, original);
    }
    for (std::size_t length : {std::size_t{0}, std::size_t{60}, original.size() - 1}) {
        test::writeFile(header, ByteView(original).first(length));
        CHECK(Profile::unlock(dir, duressPassphrase()).error().code == ErrorCode::Corrupted);
    }
    // Tampered with the checksum fixed up: the MAC catches it for the owner.
    Bytes tampered = original;
    tampered[ProfileHeader::kBytes - 2 * kHashBytes - 1] ^= 1;
    tampered.resize(tampered.size() - kHashBytes);
    const Bytes checksum = blake2b(tampered);
    tampered.insert(tampered.end(), checksum.begin(), checksum.end());
    test::writeFile(header, tampered);
    CHECK(Profile::unlock(dir, passphrase()).error().code == ErrorCode::Corrupted);
    test::writeFile(header, original);
    CHECK(test::hashTree(dir) == before);
}

TEST_CASE("a format-1 header opens and is rewritten as format 2") {
    test::TempDir tmp;
    const auto dir = makeProfile(tmp, false);
    // Turn the profile back into what an older Cloison wrote: a format-1 header with one
    // passphrase slot, no duress vault, no record of the slots in the profile vault.
    const ProfileHeader current = headerOf(dir);
    auto stretched = current.stretch(passphrase());
    REQUIRE(stretched);
    const SecretBytes slotKey = ProfileHeader::slotKey(stretched.value(), nullptr);
    Result<SecretBytes> profileKey = makeError(ErrorCode::NotFound, "no slot");
    for (std::size_t i = 0; i < ProfileHeader::kSlotCount && !profileKey; ++i)
        if (auto opened = current.open(i, slotKey, nullptr))
            profileKey = std::move(opened.value().second);
    REQUIRE(profileKey);
    LegacyProfileHeader legacy;
    PassphraseSlot slot{Argon2idParams::light(), randomBytes(kArgon2SaltBytes), {}};
    auto kek = deriveArgon2id(passphrase(), slot.salt, slot.params);
    REQUIRE(kek);
    slot.wrappedKey =
        wrapKey(kek.value(), profileKey.value(), LegacyProfileHeader::slotBinding(slot));
    legacy.passphraseSlots.push_back(std::move(slot));
    const Bytes oldHeader = legacy.encode(deriveSubkey(profileKey.value(), kProfileContext, 2));
    test::writeFile(dir / Profile::kHeaderFile, oldHeader);
    REQUIRE(headerOf(dir).legacy);
    std::filesystem::remove(dir / Profile::kDuressVaultFile);
    {
        auto vault = storage::Vault::open(dir / Profile::kVaultFile,
                                          deriveSubkey(profileKey.value(), kProfileContext, 1),
                                          storage::profileSchema());
        REQUIRE(vault);
        REQUIRE(storage::SettingsRepository(*vault.value()).remove("header.slot-roles"));
    }
    CHECK(Profile::unlock(dir, duressPassphrase()).error().code == ErrorCode::WrongPassphrase);
    CHECK(test::readFile(dir / Profile::kHeaderFile) == oldHeader); // a failure writes nothing

    {
        auto profile = unlock(dir, passphrase());
        CHECK(names(*profile).size() == 4);
    }
    const ProfileHeader upgraded = headerOf(dir);
    CHECK_FALSE(upgraded.legacy);
    CHECK(test::readFile(dir / Profile::kHeaderFile).size() == ProfileHeader::kBytes);
    CHECK(upgraded.params == Argon2idParams::light());
    CHECK(std::filesystem::exists(dir / Profile::kDuressVaultFile));
    // Like any format-2 profile from then on: it opens, and takes a duress passphrase.
    auto profile = unlock(dir, passphrase());
    REQUIRE(profile->setDuressPassphrase(duressPassphrase()));
    profile->lock();
    CHECK(names(*unlock(dir, duressPassphrase())) ==
          std::vector<std::string>{"logistics", "press"});
}

// Figures for the report, not a check: tests/test_duress "[.bench]".
TEST_CASE("unlock time with header format 2", "[.bench]") {
    for (const Argon2idParams& params : {Argon2idParams::light(), Argon2idParams::strong()}) {
        test::TempDir tmp;
        const auto dir = tmp / "p";
        {
            auto profile = Profile::create(dir, passphrase(), params).value();
            REQUIRE(profile->addCompartment("press", CompartmentKind::Decoy));
            REQUIRE(profile->setDuressPassphrase(duressPassphrase()));
        }
        const auto time = [&](const SecretBytes& secret) {
            const auto start = std::chrono::steady_clock::now();
            (void)Profile::unlock(dir, secret);
            return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                             start)
                .count();
        };
        const auto argon = [&] {
            const auto start = std::chrono::steady_clock::now();
            (void)deriveArgon2id(passphrase(), randomBytes(kArgon2SaltBytes), params);
            return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                             start)
                .count();
        };
        std::cout << params.memoryBytes / (1 << 20) << " MiB " << params.passes
                  << " passes: one Argon2id " << argon() << " ms; unlock " << time(passphrase())
                  << " ms, duress " << time(duressPassphrase()) << " ms, wrong "
                  << time(SecretBytes::fromString("wrong")) << " ms\n";
    }
}
