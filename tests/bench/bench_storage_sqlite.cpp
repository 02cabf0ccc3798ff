// The plain SQLite 3.40 baseline, a separate executable because SQLCipher and SQLite export the
// same symbols. Prints one machine-readable line for bench_storage to read.
#include "tests/bench/StorageWorkload.h"

#include <sqlite3.h>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    using namespace cloison::bench;
    if (argc < 2)
        return 2;
    useWallClock() = argc > 2 && std::string(argv[2]) == "--wall";
    const auto rows = makeRows();
    Figures f;
    for (int round = 0; round < kRounds; ++round)
        f.keepBest(runRawWorkload(argv[1], rows, false));
    std::printf("sqlite %s %.6f %.6f %.3f\n", sqlite3_libversion(), f.batchedSeconds,
                f.singleSeconds, f.last50Micros);
    return 0;
}
