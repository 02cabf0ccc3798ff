// cloison-compartment: one compartment's worker process, started by cloison (the app) and
// cloison-cli, never by a person. See client/worker/CompartmentWorker.h.
#include "client/worker/CompartmentWorker.h"

#include <sys/prctl.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>

namespace {

constexpr const char* kUsage =
    "Usage: cloison-compartment [--fd N]\n"
    "One compartment's worker process, started by cloison and cloison-cli: it runs that\n"
    "compartment's connection, encryption and vault in a sandbox of its own, and speaks the\n"
    "worker protocol with its starter on file descriptor N (default 3), a socket pair end.\n"
    "It is not meant to be started by hand.\n"
    "\n"
    "Exit status: 0 stopped by its starter, 2 usage, 3 the compartment could not be opened,\n"
    "4 the sandbox could not be entered, 5 its starter sent an invalid frame.\n";

} // namespace

int main(int argc, char** argv) {
    int fd = 3;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return 0;
        }
        if (arg == "--fd" && i + 1 < argc) {
            char* end = nullptr;
            const long value = std::strtol(argv[++i], &end, 10);
            if (*end != '\0' || value < 0 || value > 1024) {
                std::cerr << kUsage;
                return 2;
            }
            fd = static_cast<int>(value);
            continue;
        }
        std::cerr << kUsage;
        return 2;
    }
    // The worker never outlives its starter.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    return cloison::worker::runWorker(fd);
}
