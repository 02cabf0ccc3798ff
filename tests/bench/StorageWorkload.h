// The storage benchmark's workload, shared by the vault, raw SQLCipher and plain SQLite runs so
// that all three do exactly the same work.
#pragma once

#include <time.h>

#include <cstdint>
#include <string>
#include <vector>

namespace cloison::bench {

constexpr int kRows = 100000;
constexpr int kBatchRows = 1000;
constexpr int kConversations = 100;
constexpr int kQueries = 2000;
constexpr int kQueryLimit = 50;

struct Row {
    std::string conversation;
    std::string sender;
    std::int64_t sentAt;
    std::string body;
};

// Message-sized rows: about 200 bytes of text each, spread over 100 conversations.
inline std::vector<Row> makeRows() {
    std::vector<Row> rows;
    rows.reserve(kRows);
    for (int i = 0; i < kRows; ++i) {
        rows.push_back({"peer" + std::to_string(i % kConversations) + "@example.org",
                        "me@example.org", 1700000000000 + i,
                        "message " + std::to_string(i) + ": " + std::string(190, 'm')});
    }
    return rows;
}

inline std::string queryConversation(int i) {
    return "peer" + std::to_string((i * 37) % kConversations) + "@example.org";
}

struct Figures {
    double batchedSeconds = 0;
    double singleSeconds = 0;
    double last50Micros = 0;

    // The best of several rounds: the least disturbed by whatever else the machine is doing.
    void keepBest(const Figures& other) {
        auto best = [](double a, double b) {
            return a == 0 ? b : (b < a ? b : a);
        };
        batchedSeconds = best(batchedSeconds, other.batchedSeconds);
        singleSeconds = best(singleSeconds, other.singleSeconds);
        last50Micros = best(last50Micros, other.last50Micros);
    }
};

constexpr int kRounds = 3;

// By default the CPU time of the calling thread (user + system): the work done, not how long
// the two-core machine was busy with something else meanwhile (nothing here waits on a disk:
// no fsync). `--wall` switches every run in the process to wall-clock time.
inline bool& useWallClock() {
    static bool wall = false;
    return wall;
}

class Stopwatch {
public:
    Stopwatch() : m_start(now()) {}
    double seconds() const { return now() - m_start; }

private:
    static double now() {
        timespec t{};
        clock_gettime(useWallClock() ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &t);
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
    }
    double m_start;
};

// The schema and connection settings every run uses (the vault's own, spelled out for raw C).
constexpr const char* kSchemaSql =
    "CREATE TABLE messages (id INTEGER PRIMARY KEY, conversation TEXT NOT NULL,"
    " sender TEXT NOT NULL, sent_at INTEGER NOT NULL, body TEXT NOT NULL);"
    "CREATE INDEX messages_by_conversation ON messages (conversation, id);";
constexpr const char* kSettingsSql = "PRAGMA journal_mode = WAL; PRAGMA secure_delete = ON;"
                                     "PRAGMA temp_store = MEMORY; PRAGMA foreign_keys = ON;"
                                     "PRAGMA synchronous = NORMAL;";

// Runs the workload through the raw C API of whichever SQLite the file is compiled against;
// `prepare` applies the key (SQLCipher) or nothing (plain SQLite).
Figures runRawWorkload(const std::string& directory, const std::vector<Row>& rows, bool keyed);

} // namespace cloison::bench
