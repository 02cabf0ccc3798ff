// Sealed compartments (issue 7) and the profile schema migration they need.
#include "client/audit/AuditVerifier.h"
#include "client/audit/KeyEventLog.h"
#include "client/profile/CompartmentSeal.h"
#include "client/profile/FidoSlots.h"
#include "client/profile/Profile.h"
#include "crypto/Aead.h"
#include "crypto/fido/SoftAuthenticator.h"
#include "storage/ProfileRepository.h"
#include "storage/Schemas.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

using namespace cloison;

namespace {

std::unique_ptr<FidoAuthenticator> newKey(const test::TempDir& tmp, const char* name) {
    const auto dir = tmp / name;
    REQUIRE(fido::SoftAuthenticator::create(dir, {}));
    auto opened = FidoAuthenticator::open({AuthenticatorChoice::Kind::Software, dir.string()});
    REQUIRE(opened);
    return std::move(opened.value());
}

std::vector<std::string> schemaOf(storage::Vault& vault) {
    auto stmt = vault.db().cached("SELECT name || ':' || sql FROM sqlite_master ORDER BY name");
    REQUIRE(stmt);
    std::vector<std::string> out;
    for (;;) {
        auto row = stmt.value()->step();
        REQUIRE(row);
        if (!row.value())
            break;
        out.push_back(stmt.value()->columnText(0));
    }
    stmt.value()->reset();
    return out;
}

} // namespace

TEST_CASE("sealed compartment stays closed after profile unlock and opens on its own touch") {
    test::TempDir tmp;
    auto sealKey = newKey(tmp, "seal-key");
    auto otherKey = newKey(tmp, "other-key");
    const SecretBytes passphrase = SecretBytes::fromString("a long enough passphrase");
    const auto dir = tmp / "profile";
    {
        auto profile = Profile::create(dir, passphrase, Argon2idParams::light());
        REQUIRE(profile);
        REQUIRE(profile.value()->addCompartment("finance"));
        REQUIRE(profile.value()->addCompartment("logistics"));
        auto vault = profile.value()->compartmentVault("finance");
        REQUIRE(vault);
        REQUIRE(
            vault.value()->db().exec("INSERT INTO settings (key, value) VALUES ('marker', x'2a')"));
        FidoAccess access{sealKey.get(), {}};
        REQUIRE(profile.value()->sealCompartment("finance", access, FidoVerification::Presence));
        // Sealing closes it at once, in this session too.
        auto closed = profile.value()->compartmentVault("finance");
        REQUIRE_FALSE(closed);
        CHECK(closed.error().code == ErrorCode::PolicyRefused);
        CHECK(profile.value()
                  ->sealCompartment("finance", access, FidoVerification::Presence)
                  .error()
                  .code == ErrorCode::PolicyRefused);
    }
    auto profile = Profile::unlock(dir, passphrase);
    REQUIRE(profile);
    auto list = profile.value()->compartments();
    REQUIRE(list);
    REQUIRE(list.value().size() == 2);
    CHECK(list.value()[0].name == "finance");
    CHECK(list.value()[0].sealed);
    CHECK_FALSE(list.value()[1].sealed);
    REQUIRE(profile.value()->compartmentVault("logistics"));
    auto refused = profile.value()->compartmentVault("finance");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::PolicyRefused);
    CHECK(refused.error().message.find("sealed") != std::string::npos);

    FidoAccess none;
    CHECK(profile.value()->openSealedCompartment("finance", none).error().code ==
          ErrorCode::NoAuthenticator);
    FidoAccess wrong{otherKey.get(), {}};
    CHECK(profile.value()->openSealedCompartment("finance", wrong).error().code ==
          ErrorCode::WrongAuthenticator);
    FidoAccess right{sealKey.get(), {}};
    auto opened = profile.value()->openSealedCompartment("finance", right);
    REQUIRE(opened);
    CHECK(opened.value()->db().queryInt64("SELECT value = x'2a' FROM settings").value() == 1);
    // The sealing is in the compartment's own key-event log, which verifies.
    auto log = audit::KeyEventLog::open(*opened.value(), "finance");
    REQUIRE(log);
    const std::string exported = log.value().exportJsonLines().value();
    CHECK(audit::verifyAuditLog(exported).ok);
    CHECK(exported.find("sealed behind its own security key credential") != std::string::npos);
    // Once touched it stays open until lock, like any other compartment.
    REQUIRE(profile.value()->compartmentVault("finance"));
    profile.value()->lock();

    // Removing a sealed compartment needs no touch: the key is destroyed either way.
    auto again = Profile::unlock(dir, passphrase);
    REQUIRE(again);
    REQUIRE(again.value()->removeCompartment("finance"));
    CHECK(again.value()->compartments().value().size() == 1);
}

TEST_CASE("profile schema: migrated from v1 equals created fresh") {
    test::TempDir tmp;
    const SecretBytes key = SecretBytes::random(kKeyBytes);
    const storage::Schema& latest = storage::profileSchema();
    REQUIRE(latest.latestVersion() >= 2);
    const storage::Schema v1{"profile", latest.migrations.first(1)};
    {
        auto old = storage::Vault::create(tmp / "old.db", key, v1);
        REQUIRE(old);
        REQUIRE(old.value()->db().exec("INSERT INTO compartments (id, name, wrapped_key, "
                                       "created_at) VALUES ('id1', 'finance', x'07', 5)"));
    }
    auto migrated = storage::Vault::open(tmp / "old.db", key, latest);
    REQUIRE(migrated);
    CHECK(migrated.value()->schemaVersion() == latest.latestVersion());
    auto fresh = storage::Vault::create(tmp / "fresh.db", key, latest);
    REQUIRE(fresh);
    CHECK(schemaOf(*migrated.value()) == schemaOf(*fresh.value()));
    auto records = storage::ProfileRepository(*migrated.value()).compartments();
    REQUIRE(records);
    REQUIRE(records.value().size() == 1);
    CHECK_FALSE(records.value()[0].sealed);
    CHECK(records.value()[0].sealSlot.empty());
}

TEST_CASE("profile files hold neither a sealed compartment's hmac-secret nor its key") {
    test::TempDir tmp;
    auto sealKey = newKey(tmp, "seal-key");
    const SecretBytes passphrase = SecretBytes::fromString("another long passphrase");
    const auto dir = tmp / "profile";
    {
        auto profile = Profile::create(dir, passphrase, Argon2idParams::light());
        REQUIRE(profile);
        REQUIRE(profile.value()->addCompartment("finance"));
        FidoAccess access{sealKey.get(), {}};
        REQUIRE(profile.value()->sealCompartment("finance", access, FidoVerification::Presence));
    }
    // Re-derive the secrets independently: profile key, vault key, seal secret, compartment key.
    auto header = readProfileHeader(dir / Profile::kHeaderFile);
    REQUIRE(header);
    auto stretched = deriveArgon2id(passphrase, header.value().salt, header.value().params);
    REQUIRE(stretched);
    const SecretBytes kek =
        deriveSubkey(stretched.value(), {'c', 'l', 'o', 'i', 's', 'o', 'n', 's'}, 1);
    Result<SecretBytes> profileKey = makeError(ErrorCode::NotFound, "no slot");
    for (std::size_t i = 0; i < ProfileHeader::kSlotCount && !profileKey; ++i)
        if (auto opened = header.value().open(i, kek, nullptr))
            profileKey = std::move(opened.value().second);
    REQUIRE(profileKey);
    const KdfContext context = {'c', 'l', 'o', 'i', 's', 'o', 'n', 'p'};
    const SecretBytes vaultKey = deriveSubkey(profileKey.value(), context, 1);
    const SecretBytes wrapKeyOfProfile = deriveSubkey(profileKey.value(), context, 3);
    std::vector<SecretBytes> needles;
    {
        auto vault =
            storage::Vault::open(dir / Profile::kVaultFile, vaultKey, storage::profileSchema());
        REQUIRE(vault);
        auto record = storage::ProfileRepository(*vault.value()).compartmentNamed("finance");
        REQUIRE(record);
        REQUIRE(record.value());
        REQUIRE(record.value()->sealed);
        auto seal = CompartmentSeal::decode(record.value()->sealSlot);
        REQUIRE(seal);
        auto secret =
            sealKey->hmacSecret(seal.value().credential(), seal.value().fidoSalt, nullptr);
        REQUIRE(secret);
        const SecretBytes sealKek = combineSecrets(wrapKeyOfProfile, secret.value(),
                                                   asBytes("cloison/compartment-seal/v1"));
        const std::string label = "cloison/compartment-key/v1/" + record.value()->id + "/sealed/";
        Bytes binding(label.begin(), label.end());
        const Bytes encoded = seal.value().encode();
        binding.insert(binding.end(), encoded.begin(), encoded.end());
        auto compartmentKey = unwrapKey(sealKek, record.value()->wrappedKey, binding);
        REQUIRE(compartmentKey);
        // Without the touch, the profile's own wrapping key does not open it.
        CHECK_FALSE(unwrapKey(wrapKeyOfProfile, record.value()->wrappedKey, binding));
        needles.push_back(secret.value().copy());
        needles.push_back(sealKek.copy());
        needles.push_back(compartmentKey.value().copy());
    }
    needles.push_back(profileKey.value().copy());
    needles.push_back(vaultKey.copy());
    needles.push_back(wrapKeyOfProfile.copy());
    std::size_t scanned = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file())
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        const Bytes contents((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
        ++scanned;
        for (const SecretBytes& needle : needles) {
            const ByteView prefix = needle.view().first(16);
            CHECK(std::search(contents.begin(), contents.end(), prefix.begin(), prefix.end()) ==
                  contents.end());
        }
    }
    CHECK(scanned >= 3);
}
