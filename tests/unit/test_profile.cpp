#include "client/audit/KeyEventLog.h"
#include "client/profile/Profile.h"
#include "client/profile/ProfileHeader.h"
#include "crypto/Hash.h"
#include "storage/MessageRepository.h"
#include "tests/support/Files.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <chrono>

using namespace cloison;

namespace {

const SecretBytes& passphrase() {
    static const SecretBytes value = SecretBytes::fromString("correct horse battery staple");
    return value;
}

std::unique_ptr<Profile> createProfile(const std::filesystem::path& dir,
                                       std::initializer_list<const char*> compartments = {}) {
    auto profile = Profile::create(dir, passphrase(), Argon2idParams::light());
    REQUIRE(profile);
    for (const char* name : compartments)
        REQUIRE(profile.value()->addCompartment(name));
    return std::move(profile.value());
}

std::unique_ptr<Profile> unlock(const std::filesystem::path& dir,
                                const SecretBytes& secret = passphrase()) {
    auto profile = Profile::unlock(dir, secret);
    if (!profile)
        FAIL("unlock failed: " << profile.error().message);
    return std::move(profile.value());
}

void writeMessages(Profile& profile, const std::string& compartment, int count,
                   const std::string& text) {
    auto vault = profile.compartmentVault(compartment);
    REQUIRE(vault);
    std::vector<storage::NewMessage> batch;
    for (int i = 0; i < count; ++i)
        batch.push_back({"peer@example.org", "me@example.org", i, text + " #" + std::to_string(i)});
    REQUIRE(storage::MessageRepository(*vault.value()).appendBatch(batch));
}

std::int64_t messageCount(Profile& profile, const std::string& compartment) {
    auto vault = profile.compartmentVault(compartment);
    REQUIRE(vault);
    return storage::MessageRepository(*vault.value()).count().value();
}

std::filesystem::path vaultFileOf(Profile& profile, const std::string& name) {
    for (const auto& c : profile.compartments().value())
        if (c.name == name)
            return profile.directory() / Profile::kCompartmentDir / (c.id + ".db");
    FAIL("no compartment " << name);
    return {};
}

} // namespace

TEST_CASE("create, lock and unlock a profile with compartments") {
    test::TempDir dir;
    auto profile = createProfile(dir / "p", {"finance", "speeches"});
    writeMessages(*profile, "finance", 3, "budget");
    profile->lock();
    CHECK_FALSE(profile->isUnlocked());
    CHECK(profile->compartments().error().message == "the profile is locked");

    auto again = unlock(dir / "p");
    auto list = again->compartments();
    REQUIRE(list);
    REQUIRE(list.value().size() == 2);
    CHECK(list.value()[0].name == "finance");
    CHECK(list.value()[1].name == "speeches");
    CHECK(list.value()[0].id != list.value()[1].id);
    CHECK(messageCount(*again, "finance") == 3);
    CHECK(messageCount(*again, "speeches") == 0);
}

TEST_CASE("compartment names are validated and unique") {
    test::TempDir dir;
    auto profile = createProfile(dir / "p", {"finance"});
    CHECK(profile->addCompartment("finance").error().code == ErrorCode::AlreadyExists);
    CHECK(profile->addCompartment("").error().code == ErrorCode::InvalidArgument);
    CHECK(profile->addCompartment("a\nb").error().code == ErrorCode::InvalidArgument);
    CHECK(profile->addCompartment(std::string(65, 'x')).error().code == ErrorCode::InvalidArgument);
    CHECK(profile->compartmentVault("nope").error().code == ErrorCode::NotFound);
    CHECK(profile->compartments().value().size() == 1);
}

TEST_CASE("a profile is only created in an empty directory") {
    test::TempDir dir;
    test::writeFile(dir / "something", asBytes("x"));
    auto profile = Profile::create(dir.path(), passphrase(), Argon2idParams::light());
    CHECK(profile.error().code == ErrorCode::AlreadyExists);
    CHECK(Profile::create(dir / "q", SecretBytes(), Argon2idParams::light()).error().code ==
          ErrorCode::InvalidArgument);
    CHECK(Profile::unlock(dir / "absent", passphrase()).error().code == ErrorCode::NotFound);
}

TEST_CASE("a wrong passphrase gives a clear error and modifies nothing on disk") {
    test::TempDir dir;
    {
        auto profile = createProfile(dir / "p", {"finance", "speeches"});
        writeMessages(*profile, "finance", 10, "numbers");
    }
    const auto before = test::hashTree(dir / "p");
    auto attempt =
        Profile::unlock(dir / "p", SecretBytes::fromString("Correct horse battery staple"));
    REQUIRE_FALSE(attempt);
    CHECK(attempt.error().code == ErrorCode::WrongPassphrase);
    CHECK(attempt.error().message == "the passphrase is wrong");
    CHECK(Profile::unlock(dir / "p", SecretBytes()).error().code == ErrorCode::WrongPassphrase);
    CHECK(test::hashTree(dir / "p") == before);
    CHECK(unlock(dir / "p")->compartments().value().size() == 2);
}

TEST_CASE("every damaged byte of the header is reported as corruption, not a wrong passphrase") {
    test::TempDir dir;
    createProfile(dir / "p", {"finance"});
    const auto header = dir / "p" / Profile::kHeaderFile;
    const Bytes original = test::readFile(header);
    for (std::size_t offset = 0; offset < original.size(); ++offset) {
        test::flipByte(header, offset);
        auto attempt = Profile::unlock(dir / "p", passphrase());
        REQUIRE_FALSE(attempt);
        INFO("offset " << offset);
        CHECK(attempt.error().code == ErrorCode::Corrupted);
        test::writeFile(header, original);
    }
    for (std::size_t length : {std::size_t{0}, std::size_t{10}, original.size() - 1}) {
        test::writeFile(header, ByteView(original).first(length));
        CHECK(Profile::unlock(dir / "p", passphrase()).error().code == ErrorCode::Corrupted);
    }
    test::writeFile(header, Bytes(ProfileHeader::kMaxBytes + 1, 0));
    CHECK(Profile::unlock(dir / "p", passphrase()).error().code == ErrorCode::Corrupted);
    test::writeFile(header, original);
    CHECK(unlock(dir / "p"));
}

TEST_CASE("a header modified with a valid checksum is caught by its MAC") {
    test::TempDir dir;
    createProfile(dir / "p");
    const auto path = dir / "p" / Profile::kHeaderFile;
    auto header = readProfileHeader(path);
    REQUIRE(header);
    // An attacker changes bytes that open nothing (an unused security key record) and fixes up
    // the unkeyed checksum.
    header.value().spareFidoKeys[0] ^= 1;
    Bytes body = header.value().encodeBody();
    const Bytes mac = header.value().mac;
    body.insert(body.end(), mac.begin(), mac.end());
    const Bytes checksum = blake2b(body);
    body.insert(body.end(), checksum.begin(), checksum.end());
    test::writeFile(path, body);
    auto attempt = Profile::unlock(dir / "p", passphrase());
    REQUIRE_FALSE(attempt);
    CHECK(attempt.error().code == ErrorCode::Corrupted);
    CHECK_THAT(attempt.error().message, Catch::Contains("modified"));
}

// Found by fuzz_profile_header (tests/fuzz/corpus/fuzz_profile_header/regression-*): a header
// that decodes must be the one encoding of its slots, so a reserved field and format 0 are
// damage even under a valid checksum.
TEST_CASE("a header in a form Cloison never writes is corruption even with a valid checksum") {
    test::TempDir dir;
    createProfile(dir / "p");
    const Bytes original = test::readFile(dir / "p" / Profile::kHeaderFile);
    const auto withChecksum = [](Bytes file) {
        file.erase(file.end() - kHashBytes, file.end());
        const Bytes checksum = blake2b(file);
        file.insert(file.end(), checksum.begin(), checksum.end());
        return file;
    };
    REQUIRE(ProfileHeader::decode(withChecksum(original)));
    // magic (8) | format (2) | reserved (2) | params (16) | salt (16) | u8 keys | reserved (3)
    const std::size_t offset = GENERATE(10u, 8u, 44u, 45u);
    Bytes changed = original;
    changed[offset] = offset == 8 ? 0x00 : 0x41;
    auto decoded = ProfileHeader::decode(withChecksum(changed));
    REQUIRE_FALSE(decoded);
    CHECK(decoded.error().code == ErrorCode::Corrupted);
}

TEST_CASE("a damaged compartment vault is reported and the others still open") {
    test::TempDir dir;
    std::filesystem::path damaged;
    {
        auto profile = createProfile(dir / "p", {"finance", "speeches", "logistics"});
        for (const char* name : {"finance", "speeches", "logistics"})
            writeMessages(*profile, name, 300, std::string("text of ") + name);
        for (const char* name : {"finance", "speeches", "logistics"})
            REQUIRE(profile->compartmentVault(name).value()->checkpoint());
        damaged = vaultFileOf(*profile, "speeches");
    }
    const std::uintmax_t offset = GENERATE(100u, 4096u * 3 + 17);
    test::flipByte(damaged, offset);
    auto profile = unlock(dir / "p");
    auto speeches = profile->compartmentVault("speeches");
    REQUIRE_FALSE(speeches);
    CHECK(speeches.error().code == ErrorCode::Corrupted);
    CHECK_THAT(speeches.error().message, Catch::Contains("\"speeches\" is damaged"));
    CHECK(messageCount(*profile, "finance") == 300);
    CHECK(messageCount(*profile, "logistics") == 300);
}

TEST_CASE("a compartment vault swapped for another one's does not open") {
    test::TempDir dir;
    auto profile = createProfile(dir / "p", {"finance", "speeches"});
    writeMessages(*profile, "finance", 5, "finance text");
    const auto finance = vaultFileOf(*profile, "finance");
    const auto speeches = vaultFileOf(*profile, "speeches");
    profile->lock();
    std::filesystem::copy_file(finance, speeches,
                               std::filesystem::copy_options::overwrite_existing);
    auto again = unlock(dir / "p");
    auto opened = again->compartmentVault("speeches");
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code == ErrorCode::Corrupted);
    CHECK(messageCount(*again, "finance") == 5);
}

namespace {

void recordEvents(Profile& profile, const std::string& compartment, int count) {
    auto vault = profile.compartmentVault(compartment);
    REQUIRE(vault);
    std::string id;
    for (const auto& c : profile.compartments().value())
        if (c.name == compartment)
            id = c.id;
    auto log = audit::KeyEventLog::open(*vault.value(), id);
    REQUIRE(log);
    for (int i = 0; i < count; ++i)
        REQUIRE(log.value().record(audit::event::kDeviceRevoked,
                                   "mallory@example.org/" + std::to_string(i)));
}

void copyVaultFiles(const std::filesystem::path& vault, const std::filesystem::path& to) {
    std::filesystem::create_directories(to);
    for (const auto& entry : std::filesystem::directory_iterator(vault.parent_path()))
        if (entry.path().filename().string().starts_with(vault.filename().string()))
            std::filesystem::copy_file(entry.path(), to / entry.path().filename());
}

void restoreVaultFiles(const std::filesystem::path& from, const std::filesystem::path& vault) {
    for (const auto& entry : std::filesystem::directory_iterator(vault.parent_path()))
        if (entry.path().filename().string().starts_with(vault.filename().string()))
            std::filesystem::remove(entry.path());
    for (const auto& entry : std::filesystem::directory_iterator(from))
        std::filesystem::copy_file(entry.path(), vault.parent_path() / entry.path().filename());
}

} // namespace

TEST_CASE("an older copy of a compartment's vault put back in place is refused") {
    // E.g. to undo a revocation: the copy is genuine, opens with the right key, and would
    // otherwise be used silently.
    test::TempDir dir;
    std::filesystem::path financeFile;
    {
        auto profile = createProfile(dir / "p", {"finance", "speeches"});
        writeMessages(*profile, "finance", 3, "kept");
        recordEvents(*profile, "finance", 2);
        financeFile = vaultFileOf(*profile, "finance");
    }
    copyVaultFiles(financeFile, dir / "old");
    {
        auto profile = unlock(dir / "p");
        recordEvents(*profile, "finance", 3);
    }
    restoreVaultFiles(dir / "old", financeFile);
    const auto before = test::hashTree(dir / "p");

    auto profile = unlock(dir / "p");
    auto opened = profile->compartmentVault("finance");
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code == ErrorCode::Corrupted);
    CHECK(opened.error().message.find("older copy") != std::string::npos);
    CHECK(messageCount(*profile, "speeches") == 0); // the other compartments still open
    profile->lock();
    CHECK(test::hashTree(dir / "p") == before); // the refusal changed nothing
    // It stays refused: the profile still remembers where the log stood.
    CHECK_FALSE(unlock(dir / "p")->compartmentVault("finance"));
}

TEST_CASE("a compartment's vault opened again as it was left is accepted") {
    test::TempDir dir;
    {
        auto profile = createProfile(dir / "p", {"finance"});
        recordEvents(*profile, "finance", 2);
    }
    for (int round = 0; round < 3; ++round) {
        auto profile = unlock(dir / "p");
        recordEvents(*profile, "finance", 1);
    }
    CHECK(unlock(dir / "p")->compartmentVault("finance"));
}

TEST_CASE("a damaged profile vault is reported as corruption") {
    test::TempDir dir;
    createProfile(dir / "p", {"finance"});
    test::flipByte(dir / "p" / Profile::kVaultFile, 50);
    auto attempt = Profile::unlock(dir / "p", passphrase());
    REQUIRE_FALSE(attempt);
    CHECK(attempt.error().code == ErrorCode::Corrupted);
}

TEST_CASE("change passphrase: the old one fails, the new one works, nothing is lost") {
    test::TempDir dir;
    const SecretBytes next = SecretBytes::fromString("a new and longer passphrase");
    {
        auto profile = createProfile(dir / "p", {"finance", "speeches"});
        writeMessages(*profile, "finance", 25, "budget line");
        writeMessages(*profile, "speeches", 7, "draft");
        CHECK(profile->changePassphrase(SecretBytes::fromString("wrong"), next).error().code ==
              ErrorCode::WrongPassphrase);
        REQUIRE(profile->changePassphrase(passphrase(), next));
    }
    CHECK(Profile::unlock(dir / "p", passphrase()).error().code == ErrorCode::WrongPassphrase);
    auto profile = unlock(dir / "p", next);
    CHECK(profile->compartments().value().size() == 2);
    CHECK(messageCount(*profile, "finance") == 25);
    CHECK(messageCount(*profile, "speeches") == 7);
    CHECK_FALSE(std::filesystem::exists(dir / "p" / "header.new"));
}

TEST_CASE("removing a compartment destroys its vault and leaves the others intact") {
    test::TempDir dir;
    auto profile = createProfile(dir / "p", {"finance", "speeches"});
    writeMessages(*profile, "finance", 5, "finance text");
    writeMessages(*profile, "speeches", 5, "speech text");
    const auto financeFile = vaultFileOf(*profile, "finance");
    REQUIRE(profile->removeCompartment("finance"));
    CHECK_FALSE(std::filesystem::exists(financeFile));
    CHECK_FALSE(std::filesystem::exists(financeFile.string() + "-wal"));
    CHECK(profile->removeCompartment("finance").error().code == ErrorCode::NotFound);
    profile->lock();
    auto again = unlock(dir / "p");
    REQUIRE(again->compartments().value().size() == 1);
    CHECK(messageCount(*again, "speeches") == 5);
    REQUIRE(again->addCompartment("finance")); // the name is free again, with a new vault
    CHECK(messageCount(*again, "finance") == 0);
}

TEST_CASE("no plaintext of a message or a compartment name reaches the disk") {
    // Anything this test writes is newer than this (with a margin for coarse timestamps).
    const auto started = std::filesystem::file_time_type::clock::now() - std::chrono::seconds(2);
    test::TempDir dir;
    // Made at run time so the string is not in this binary or anywhere else on disk.
    const std::string canary = "CANARY-" + randomId();
    const std::string secretName = "NAME-" + randomId().substr(0, 20);
    auto profile = createProfile(dir / "p", {"finance"});
    REQUIRE(profile->addCompartment(secretName));
    writeMessages(*profile, "finance", 50, canary);
    writeMessages(*profile, secretName, 1, canary);
    const auto temp = std::filesystem::temp_directory_path();

    // While open (WAL files present), after a checkpoint, and after lock.
    CHECK(test::filesContaining(dir / "p", canary).empty());
    CHECK(test::filesContaining(dir / "p", secretName).empty());
    REQUIRE(profile->compartmentVault("finance").value()->checkpoint());
    CHECK(test::filesContaining(dir / "p", canary).empty());
    profile->lock();
    CHECK(test::filesContaining(dir / "p", canary).empty());
    CHECK(test::filesContaining(dir / "p", secretName).empty());
    CHECK(test::filesContaining(temp, canary, started).empty());
    CHECK(test::filesContaining(temp, secretName, started).empty());

    // The scan itself must be able to find the canary, or the checks above prove nothing.
    test::writeFile(dir / "control-utf16", asBytes(std::string("\0C\0A", 4)));
    const std::string wide = [&] {
        std::string out;
        for (char c : canary) {
            out += c;
            out += '\0';
        }
        return out;
    }();
    test::writeFile(dir / "control-utf16le", asBytes(wide));
    CHECK(test::filesContaining(dir.path(), canary).size() == 1);
}
