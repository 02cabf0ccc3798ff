#include "storage/CertifiedDeviceRepository.h"
#include "storage/MessageRepository.h"
#include "storage/ProfileRepository.h"
#include "storage/Schemas.h"
#include "tests/support/Files.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <sstream>

using namespace cloison;
using namespace cloison::storage;

namespace {

std::vector<NewMessage> someMessages(int count,
                                     const std::string& conversation = "peer@example.org") {
    std::vector<NewMessage> out;
    for (int i = 0; i < count; ++i)
        out.push_back({conversation, "me@example.org", 1000 + i,
                       "message number " + std::to_string(i) + std::string(150, '.')});
    return out;
}

// A closed vault of many pages, everything checkpointed into the main file.
void writeCheckpointedVault(const std::filesystem::path& path, const SecretBytes& key) {
    auto vault = Vault::create(path, key, compartmentSchema());
    REQUIRE(vault);
    REQUIRE(MessageRepository(*vault.value()).appendBatch(someMessages(400)));
    REQUIRE(vault.value()->checkpoint());
}

std::string schemaDump(Vault& vault) {
    // Reads the schema through a repository-free query: the storage layer's own test.
    auto stmt = vault.db().cached(
        "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master ORDER BY name");
    REQUIRE(stmt);
    std::string out;
    while (stmt.value()->step().value())
        out += stmt.value()->columnText(0) + "\n";
    stmt.value()->reset();
    return out;
}

} // namespace

TEST_CASE("a vault keeps its data across close and reopen") {
    test::TempDir dir;
    const SecretBytes key = SecretBytes::random(32);
    {
        auto vault = Vault::create(dir / "v.db", key, compartmentSchema());
        REQUIRE(vault);
        MessageRepository messages(*vault.value());
        REQUIRE(messages.appendBatch(someMessages(10)));
        REQUIRE(messages.append({"other@example.org", "me", 5, "hello"}));
        REQUIRE(messages.append({"other@example.org", "peer", 6, "hi", "s1", "a1", 4242}));
    }
    auto vault = Vault::open(dir / "v.db", key, compartmentSchema());
    REQUIRE(vault);
    CHECK(vault.value()->schemaVersion() == compartmentSchema().latestVersion());
    MessageRepository messages(*vault.value());
    CHECK(messages.count().value() == 12);
    auto last = messages.latest("peer@example.org", 3);
    REQUIRE(last);
    REQUIRE(last.value().size() == 3);
    CHECK(last.value().front().body.starts_with("message number 7"));
    CHECK(last.value().back().body.starts_with("message number 9"));
    const auto other = messages.latest("other@example.org", 50).value();
    REQUIRE(other.size() == 2);
    CHECK(other.front().senderDevice == 0); // unknown: ours, or stored before devices were
    CHECK(other.back().senderDevice == 4242);
}

TEST_CASE("a vault is never silently replaced, and a missing one is reported") {
    test::TempDir dir;
    const SecretBytes key = SecretBytes::random(32);
    REQUIRE(Vault::create(dir / "v.db", key, compartmentSchema()));
    auto again = Vault::create(dir / "v.db", key, compartmentSchema());
    CHECK(again.error().code == ErrorCode::AlreadyExists);
    CHECK(Vault::open(dir / "missing.db", key, compartmentSchema()).error().code ==
          ErrorCode::NotFound);
    CHECK(Vault::create(dir / "short.db", SecretBytes::random(16), compartmentSchema())
              .error()
              .code == ErrorCode::InvalidArgument);
}

TEST_CASE("a vault opened with another vault's key fails and changes nothing") {
    test::TempDir dir;
    const SecretBytes keyA = SecretBytes::random(32);
    const SecretBytes keyB = SecretBytes::random(32);
    {
        auto a = Vault::create(dir / "a.db", keyA, compartmentSchema());
        auto b = Vault::create(dir / "b.db", keyB, compartmentSchema());
        REQUIRE(a);
        REQUIRE(b);
        REQUIRE(MessageRepository(*a.value()).appendBatch(someMessages(5)));
    }
    const auto before = test::hashTree(dir.path());
    auto wrong = Vault::open(dir / "a.db", keyB, compartmentSchema());
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code == ErrorCode::WrongKey);
    CHECK(test::hashTree(dir.path()) == before);
    CHECK(Vault::open(dir / "a.db", keyA, compartmentSchema()));
}

TEST_CASE("a damaged vault page is reported as corruption when the vault opens") {
    test::TempDir dir;
    const SecretBytes key = SecretBytes::random(32);
    writeCheckpointedVault(dir / "v.db", key);
    const auto size = std::filesystem::file_size(dir / "v.db");
    REQUIRE(size > 8 * 4096);
    const std::uintmax_t offset = GENERATE(4096u * 2 + 100, 4096u * 5 + 4000);
    test::flipByte(dir / "v.db", offset);
    auto vault = Vault::open(dir / "v.db", key, compartmentSchema());
    REQUIRE_FALSE(vault);
    CHECK(vault.error().code == ErrorCode::Corrupted);
    CHECK_THAT(vault.error().message, Catch::Contains("damaged"));
}

TEST_CASE("a truncated vault is reported as corruption") {
    test::TempDir dir;
    const SecretBytes key = SecretBytes::random(32);
    writeCheckpointedVault(dir / "v.db", key);
    std::filesystem::resize_file(dir / "v.db", 4096 * 3);
    auto vault = Vault::open(dir / "v.db", key, compartmentSchema());
    REQUIRE_FALSE(vault);
    CHECK(vault.error().code == ErrorCode::Corrupted);
}

TEST_CASE("a vault written by a newer schema is refused with a clear error") {
    test::TempDir dir;
    const SecretBytes key = SecretBytes::random(32);
    {
        auto vault = Vault::create(dir / "v.db", key, compartmentSchema());
        REQUIRE(vault);
        REQUIRE(vault.value()->db().exec("PRAGMA user_version = 999"));
    }
    auto vault = Vault::open(dir / "v.db", key, compartmentSchema());
    REQUIRE_FALSE(vault);
    CHECK(vault.error().code == ErrorCode::SchemaTooNew);
    CHECK_THAT(vault.error().message, Catch::Contains("newer"));
}

namespace {

Result<void> testV1(Database& db) {
    return db.exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);");
}
Result<void> testV2(Database& db) {
    return db.exec("ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;"
                   "CREATE INDEX notes_pinned ON notes (pinned);");
}
Result<void> failingV2(Database& db) {
    if (auto ok = db.exec("CREATE TABLE half_done (x);"); !ok)
        return ok;
    return db.exec("THIS IS NOT SQL");
}
constexpr std::array kV1{Migration{1, "notes", &testV1}};
constexpr std::array kV2{Migration{1, "notes", &testV1}, Migration{2, "pinned notes", &testV2}};
constexpr std::array kBroken{Migration{1, "notes", &testV1}, Migration{2, "broken", &failingV2}};

} // namespace

TEST_CASE("migrating from version 1 gives the same schema as creating fresh") {
    test::TempDir dir;
    const SecretBytes key = SecretBytes::random(32);
    const Schema v1{"test", kV1};
    const Schema v2{"test", kV2};
    REQUIRE(Vault::create(dir / "old.db", key, v1));
    auto migrated = Vault::open(dir / "old.db", key, v2);
    REQUIRE(migrated);
    CHECK(migrated.value()->schemaVersion() == 2);
    auto fresh = Vault::create(dir / "fresh.db", key, v2);
    REQUIRE(fresh);
    CHECK(schemaDump(*migrated.value()) == schemaDump(*fresh.value()));
}

TEST_CASE("a failing migration rolls back completely and keeps the old version") {
    test::TempDir dir;
    const SecretBytes key = SecretBytes::random(32);
    REQUIRE(Vault::create(dir / "v.db", key, Schema{"test", kV1}));
    auto broken = Vault::open(dir / "v.db", key, Schema{"test", kBroken});
    REQUIRE_FALSE(broken);
    CHECK_THAT(broken.error().message, Catch::Contains("migration to test schema 2"));
    auto reopened = Vault::open(dir / "v.db", key, Schema{"test", kV1});
    REQUIRE(reopened);
    CHECK(reopened.value()->schemaVersion() == 1);
    CHECK(schemaDump(*reopened.value()).find("half_done") == std::string::npos);
}

TEST_CASE("the shipped schemas migrate to the same result as a fresh vault") {
    test::TempDir dir;
    const SecretBytes key = SecretBytes::random(32);
    for (const Schema* schema : {&profileSchema(), &compartmentSchema()}) {
        const std::string name = schema->name;
        auto fresh = Vault::create(dir / (name + "-fresh.db"), key, *schema);
        REQUIRE(fresh);
        const Schema firstOnly{schema->name, schema->migrations.first(1)};
        REQUIRE(Vault::create(dir / (name + "-old.db"), key, firstOnly));
        auto migrated = Vault::open(dir / (name + "-old.db"), key, *schema);
        REQUIRE(migrated);
        CHECK(schemaDump(*migrated.value()) == schemaDump(*fresh.value()));
    }
}

TEST_CASE("a failed transaction leaves nothing behind") {
    test::TempDir dir;
    auto vault = Vault::create(dir / "v.db", SecretBytes::random(32), compartmentSchema());
    REQUIRE(vault);
    MessageRepository messages(*vault.value());
    auto outcome = vault.value()->transaction([&]() -> Result<void> {
        if (auto added = messages.append({"a", "b", 1, "kept?"}); !added)
            return added.error();
        return makeError(ErrorCode::Internal, "simulated failure after the first write");
    });
    CHECK_FALSE(outcome);
    CHECK(messages.count().value() == 0);
}

TEST_CASE("a transaction inside another is a savepoint: it fails alone, commits with the outer") {
    test::TempDir dir;
    auto vault = Vault::create(dir / "v.db", SecretBytes::random(32), compartmentSchema());
    REQUIRE(vault);
    Vault& v = *vault.value();
    MessageRepository messages(v);
    auto add = [&](const char* body) -> Result<void> {
        if (auto added = messages.append({"a", "b", 1, body}); !added)
            return added.error();
        return {};
    };
    auto outcome = v.transaction([&]() -> Result<void> {
        REQUIRE(add("outer"));
        CHECK(v.transaction([&] { return add("inner kept"); }));
        CHECK_FALSE(v.transaction([&]() -> Result<void> {
            REQUIRE(add("inner undone"));
            return makeError(ErrorCode::Internal, "simulated failure inside");
        }));
        return add("outer again");
    });
    REQUIRE(outcome);
    CHECK(messages.count().value() == 3);
    // A failing outer transaction takes its committed-looking inner ones with it.
    CHECK_FALSE(v.transaction([&]() -> Result<void> {
        CHECK(v.transaction([&] { return add("inner of a failed outer"); }));
        return makeError(ErrorCode::Internal, "simulated failure outside");
    }));
    CHECK(messages.count().value() == 3);
    // And the vault is back to plain transactions afterwards.
    CHECK(v.transaction([&] { return add("after"); }));
    CHECK(messages.count().value() == 4);
}

TEST_CASE("the profile repository keeps names unique") {
    test::TempDir dir;
    auto vault = Vault::create(dir / "p.db", SecretBytes::random(32), profileSchema());
    REQUIRE(vault);
    ProfileRepository repository(*vault.value());
    REQUIRE(repository.insertCompartment({"id1", "finance", Bytes(72, 1), 1, false, {}}));
    auto duplicate = repository.insertCompartment({"id2", "finance", Bytes(72, 2), 2, false, {}});
    CHECK(duplicate.error().code == ErrorCode::AlreadyExists);
    CHECK(repository.compartments().value().size() == 1);
    CHECK(repository.compartmentNamed("finance").value()->id == "id1");
    CHECK_FALSE(repository.compartmentNamed("nope").value().has_value());
    CHECK(repository.removeCompartment("nope").error().code == ErrorCode::NotFound);
    CHECK(repository.removeCompartment("id1"));
}

TEST_CASE("destroying a vault overwrites and removes its files") {
    test::TempDir dir;
    {
        auto vault = Vault::create(dir / "v.db", SecretBytes::random(32), compartmentSchema());
        REQUIRE(vault);
        REQUIRE(MessageRepository(*vault.value()).appendBatch(someMessages(20)));
    }
    REQUIRE(destroyVaultFiles(dir / "v.db"));
    CHECK(std::filesystem::is_empty(dir.path()));
}

// The failing device: a child process whose file-size limit makes the disk "full" partway
// through. Every write it reported as committed must be there afterwards; nothing else.
TEST_CASE("a disk that fills up mid-write loses no committed message") {
    test::TempDir dir;
    const SecretBytes key = SecretBytes::random(32);
    REQUIRE(Vault::create(dir / "v.db", key, compartmentSchema()));

    const auto child = test::runForked([&]() -> std::string {
        std::signal(SIGXFSZ, SIG_IGN); // writes past the limit fail with EFBIG instead
        rlimit limit{256 * 1024, 256 * 1024};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        auto vault = Vault::open(dir / "v.db", key, compartmentSchema());
        if (!vault)
            return "no vault";
        int committed = 0;
        bool sawError = false;
        MessageRepository messages(*vault.value());
        for (int batch = 0; batch < 200; ++batch) {
            if (!messages.appendBatch(someMessages(10))) {
                sawError = true;
                break;
            }
            committed += 10;
            (void)vault.value()->checkpoint();
        }
        return std::to_string(committed) + (sawError ? " full" : " never full");
    });
    REQUIRE(child.exitCode == 0);
    int committed = -1;
    std::string full;
    std::istringstream(child.output) >> committed >> full;
    INFO(child.output);
    CHECK(full == "full"); // the limit was really hit
    CHECK(committed > 0);

    auto vault = Vault::open(dir / "v.db", key, compartmentSchema());
    REQUIRE(vault);
    CHECK(MessageRepository(*vault.value()).count().value() == committed);
}

TEST_CASE("shipped migrations are numbered 1, 2, 3, ... in order") {
    for (const Schema* schema : {&profileSchema(), &compartmentSchema()}) {
        int expected = 1;
        for (const Migration& migration : schema->migrations)
            CHECK(migration.version == expected++);
    }
}

TEST_CASE("certified devices are replaced as a whole and checked with their exact key") {
    test::TempDir dir;
    auto vault = Vault::create(dir / "c.db", SecretBytes::random(32), compartmentSchema());
    REQUIRE(vault);
    CertifiedDeviceRepository certified(*vault.value());
    const Bytes keyA(33, 0x05), keyB(33, 0x06);
    CHECK(certified.version().value() == std::nullopt);
    CHECK_FALSE(certified.isCertified("a@x", 1, keyA).value());

    REQUIRE(certified.replaceAll(3, {{"a@x", 1, keyA}, {"b@x", 7, keyB}}));
    CHECK(certified.version().value() == 3u);
    CHECK(certified.isCertified("a@x", 1, keyA).value());
    CHECK(certified.hasDevice("b@x", 7).value());
    // The same device id with another key is not the certified device.
    CHECK_FALSE(certified.isCertified("a@x", 1, keyB).value());
    CHECK_FALSE(certified.isCertified("a@x", 1, Bytes(keyA.begin(), keyA.end() - 1)).value());
    CHECK_FALSE(certified.isCertified("a@x", 2, keyA).value());
    CHECK_FALSE(certified.isCertified("b@x", 1, keyA).value());

    // A newer roster replaces everything: b's device is revoked.
    REQUIRE(certified.replaceAll(4, {{"a@x", 1, keyA}}));
    CHECK(certified.list().value() == std::vector<CertifiedDevice>{{"a@x", 1, keyA}});
    CHECK_FALSE(certified.hasDevice("b@x", 7).value());
}

TEST_CASE("an older roster, or a malformed one, is refused and changes nothing") {
    test::TempDir dir;
    auto vault = Vault::create(dir / "c.db", SecretBytes::random(32), compartmentSchema());
    REQUIRE(vault);
    CertifiedDeviceRepository certified(*vault.value());
    const Bytes key(33, 0x05);
    REQUIRE(certified.replaceAll(5, {{"a@x", 1, key}}));
    const auto before = certified.list().value();

    auto older = certified.replaceAll(4, {{"a@x", 1, key}, {"rogue@x", 9, key}});
    REQUIRE_FALSE(older);
    CHECK(older.error().message.find("older") != std::string::npos);
    CHECK_FALSE(certified.replaceAll(6, {{"a@x", 1, key}, {"a@x", 1, key}}));
    CHECK_FALSE(certified.replaceAll(6, {{"", 1, key}}));
    CHECK_FALSE(certified.replaceAll(6, {{"a@x", 0, key}}));
    CHECK_FALSE(certified.replaceAll(6, {{"a@x", 2, {}}}));
    CHECK_FALSE(certified.replaceAll(std::uint64_t{1} << 63, {{"a@x", 2, key}}));

    CHECK(certified.list().value() == before);
    CHECK(certified.version().value() == 5u);
}

TEST_CASE("a delivery receipt marks only a message of ours that asked for one, once") {
    test::TempDir dir;
    auto vault = Vault::create(dir / "v.db", SecretBytes::random(32), compartmentSchema());
    REQUIRE(vault);
    MessageRepository messages(*vault.value());
    const std::string bob = "bob@example.org", me = "me@example.org";
    REQUIRE(messages.append({bob, me, 1, "asked", "id-1", {}, 0, true}));
    REQUIRE(messages.append({bob, me, 2, "not asked", "id-2", {}, 0, false}));
    REQUIRE(messages.append({bob, bob, 3, "theirs", "id-3", {}, 7, false}));
    CHECK_FALSE(messages.markReceivedByPeer("mallory@example.org", me, "id-1", 10).value());
    CHECK_FALSE(messages.markReceivedByPeer(bob, me, "id-unknown", 10).value());
    CHECK_FALSE(messages.markReceivedByPeer(bob, me, "id-2", 10).value());
    CHECK_FALSE(messages.markReceivedByPeer(bob, bob, "id-3", 10).value());
    CHECK(messages.markReceivedByPeer(bob, me, "id-1", 10).value());
    CHECK_FALSE(messages.markReceivedByPeer(bob, me, "id-1", 11).value()); // once
    const auto stored = messages.latest(bob, 10).value();
    REQUIRE(stored.size() == 3);
    CHECK(stored[0].stanzaId == "id-1");
    CHECK(stored[0].receivedByPeer);
    CHECK_FALSE(stored[1].receivedByPeer);
    CHECK_FALSE(stored[2].receivedByPeer);
}

TEST_CASE("compartment schema: messages stored before receipts (v10) migrate unconfirmed") {
    test::TempDir dir;
    const SecretBytes key = SecretBytes::random(32);
    const Schema& latest = compartmentSchema();
    REQUIRE(latest.latestVersion() == 11);
    {
        const Schema v10{"compartment", latest.migrations.first(10)};
        auto old = Vault::create(dir / "v.db", key, v10);
        REQUIRE(old);
        REQUIRE(old.value()->db().exec(
            "INSERT INTO messages (conversation, sender, sent_at, body, stanza_id) VALUES"
            " ('bob@example.org', 'me@example.org', 1, 'old', 'id-old')"));
    }
    auto vault = Vault::open(dir / "v.db", key, latest);
    REQUIRE(vault);
    CHECK(vault.value()->schemaVersion() == 11);
    MessageRepository messages(*vault.value());
    // Sent before anyone asked for receipts: none counts for it.
    CHECK_FALSE(
        messages.markReceivedByPeer("bob@example.org", "me@example.org", "id-old", 5).value());
    const auto stored = messages.latest("bob@example.org", 10).value();
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].body == "old");
    CHECK_FALSE(stored[0].receivedByPeer);
}
