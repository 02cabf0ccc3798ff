// Invariant checks for the fuzz targets: a broken invariant is a finding, reported by name
// (never with the input's content) and turned into a crash so that libFuzzer keeps the input.
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(condition)                                                                      \
    do {                                                                                           \
        if (!(condition)) {                                                                        \
            std::fprintf(stderr, "fuzz invariant broken: %s (%s:%d)\n", #condition, __FILE__,      \
                         __LINE__);                                                                \
            std::abort();                                                                          \
        }                                                                                          \
    } while (0)

// Defines LLVMFuzzerInitialize so that, run with CLOISON_FUZZ_WRITE_SEEDS=DIR, the target
// writes its seed corpus into DIR with `writer` (a function taking the directory as a const
// char*) and exits instead of fuzzing: seeds made by the real writers, never by hand.
#define FUZZ_SEEDS_WRITTEN_BY(writer)                                                              \
    extern "C" int LLVMFuzzerInitialize(int*, char***) {                                           \
        if (const char* seedDir = std::getenv("CLOISON_FUZZ_WRITE_SEEDS")) {                       \
            writer(seedDir);                                                                       \
            std::exit(0);                                                                          \
        }                                                                                          \
        return 0;                                                                                  \
    }
