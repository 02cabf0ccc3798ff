// Storage benchmark (issue 2): 100,000 message-sized rows inserted in batches and one per
// transaction, then the last 50 messages of a conversation read 2,000 times — through the
// vault's own API, through raw SQLCipher C calls, and (in a child process) through plain SQLite.
// Prints the figures and the ratios against their targets.
#include "crypto/Hash.h"
#include "storage/MessageRepository.h"
#include "storage/Schemas.h"
#include "tests/bench/StorageWorkload.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

using namespace cloison;
using namespace cloison::bench;

namespace {

std::filesystem::path g_workDir; // removed on every exit, failures included

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "bench_storage: %s\n", what.c_str());
    std::error_code ignored;
    std::filesystem::remove_all(g_workDir, ignored);
    std::exit(1);
}

Figures runVaultWorkload(const std::filesystem::path& dir, const std::vector<Row>& rows) {
    std::vector<storage::NewMessage> messages;
    messages.reserve(rows.size());
    for (const Row& row : rows)
        messages.push_back({row.conversation, row.sender, row.sentAt, row.body});
    const SecretBytes key = SecretBytes::random(32);
    Figures figures;
    {
        auto vault = storage::Vault::create(dir / ("vault-batched-" + randomId() + ".db"), key,
                                            storage::compartmentSchema());
        if (!vault)
            fail(vault.error().message);
        storage::MessageRepository repository(*vault.value());
        Stopwatch watch;
        for (std::size_t start = 0; start < messages.size(); start += kBatchRows) {
            const std::span<const storage::NewMessage> batch(
                messages.data() + start,
                std::min<std::size_t>(kBatchRows, messages.size() - start));
            if (auto added = repository.appendBatch(batch); !added)
                fail(added.error().message);
        }
        figures.batchedSeconds = watch.seconds();
        std::size_t seen = 0;
        Stopwatch queries;
        for (int q = 0; q < kQueries; ++q)
            seen += repository.latest(queryConversation(q), kQueryLimit).value().size();
        figures.last50Micros = queries.seconds() * 1e6 / kQueries;
        if (seen != static_cast<std::size_t>(kQueries) * kQueryLimit)
            fail("the vault returned the wrong number of messages");
    }
    {
        auto vault = storage::Vault::create(dir / ("vault-single-" + randomId() + ".db"), key,
                                            storage::compartmentSchema());
        if (!vault)
            fail(vault.error().message);
        storage::MessageRepository repository(*vault.value());
        Stopwatch watch;
        for (const auto& message : messages)
            if (auto added = repository.append(message); !added)
                fail(added.error().message);
        figures.singleSeconds = watch.seconds();
    }
    return figures;
}

Figures runPlainSqlite(const std::filesystem::path& dir, std::string& version) {
    std::filesystem::create_directories(dir / "plain");
    const std::string command = std::string(CLOISON_BENCH_SQLITE) + " " + (dir / "plain").string() +
                                (useWallClock() ? " --wall" : "");
    FILE* child = ::popen(command.c_str(), "r");
    Figures f;
    char name[16] = {}, versionText[32] = {};
    if (child == nullptr ||
        std::fscanf(child, "%15s %31s %lf %lf %lf", name, versionText, &f.batchedSeconds,
                    &f.singleSeconds, &f.last50Micros) != 5 ||
        ::pclose(child) != 0) {
        fail("the plain SQLite run failed");
    }
    version = versionText;
    return f;
}

void printRatio(const char* what, double value, double baseline, double target) {
    const double ratio = value / baseline;
    std::printf("  %-44s %6.2fx  (target <= %.1fx: %s)\n", what, ratio, target,
                ratio <= target ? "met" : "MISSED");
}

} // namespace

int main(int argc, char** argv) {
    const std::string option = argc > 1 ? argv[1] : "";
    if (option == "--help" || (argc > 1 && option != "--wall")) {
        std::printf("usage: cloison-bench-storage [--wall]\n"
                    "  measures thread CPU time by default; --wall measures wall-clock time\n");
        return option == "--help" ? 0 : 2;
    }
    useWallClock() = option == "--wall";
    const auto dir = std::filesystem::temp_directory_path() / ("cloison-bench-" + randomId());
    g_workDir = dir;
    std::filesystem::create_directories(dir);
    const auto rows = makeRows();

    std::printf(
        "storage benchmark: %d rows (~200-byte bodies), batches of %d, %d last-%d queries;\n"
        "%s, best of %d rounds\n",
        kRows, kBatchRows, kQueries, kQueryLimit,
        useWallClock() ? "wall-clock time" : "thread CPU time", kRounds);
    // Vault and raw runs alternate, so that a slow moment of the machine hits both alike.
    Figures vault;
    Figures raw;
    for (int round = 0; round < kRounds; ++round) {
        vault.keepBest(runVaultWorkload(dir, rows));
        raw.keepBest(runRawWorkload(dir.string(), rows, true));
    }
    std::string sqliteVersion;
    const Figures plain = runPlainSqlite(dir, sqliteVersion);
    std::filesystem::remove_all(dir);

    std::printf("\n%-26s %14s %14s %14s\n", "", "batched (s)", "single-tx (s)", "last-50 (us)");
    auto row = [](const char* name, const Figures& f) {
        std::printf("%-26s %14.3f %14.3f %14.1f\n", name, f.batchedSeconds, f.singleSeconds,
                    f.last50Micros);
    };
    row("vault API (SQLCipher)", vault);
    row("raw SQLCipher C calls", raw);
    row(("plain SQLite " + sqliteVersion).c_str(), plain);

    std::printf("\nratios:\n");
    printRatio("vault / raw SQLCipher, batched insert", vault.batchedSeconds, raw.batchedSeconds,
               1.1);
    printRatio("vault / raw SQLCipher, single-tx insert", vault.singleSeconds, raw.singleSeconds,
               1.1);
    printRatio("vault / raw SQLCipher, last-50 query", vault.last50Micros, raw.last50Micros, 1.1);
    printRatio("vault / plain SQLite, batched insert", vault.batchedSeconds, plain.batchedSeconds,
               1.6);
    printRatio("vault / plain SQLite, last-50 query", vault.last50Micros, plain.last50Micros, 1.3);
    std::printf("  %-44s %6.2fx  (orientation only)\n", "vault / plain SQLite, single-tx insert",
                vault.singleSeconds / plain.singleSeconds);
    return 0;
}
