// A cloison-compartment whose code, once sandboxed, does what an exploited parser would: the
// real worker (runWorker, the real sandbox) with attacker-style code in its test hook. Built
// for test_worker only, never installed. Its targets come from the environment
// (CLOISON_TEST_TARGETS: name=path lines of other compartments' files, CLOISON_TEST_VICTIM_PID,
// CLOISON_TEST_ELSEWHERE_PORT); what each attempt got goes to SCRATCH/attempts. With
// CLOISON_TEST_SEND_GARBAGE it then sends the app an invalid frame.
#include "client/worker/CompartmentWorker.h"
#include "tests/support/Attacks.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace {

const char* env(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

} // namespace

int main() {
    cloison::worker::WorkerHooks hooks;
    hooks.insideSandbox = [](const cloison::worker::Open& open) {
        cloison::test::AttackTargets targets;
        const std::filesystem::path scratch = open.scratchDir;
        targets.ownFile = scratch / "own";
        std::istringstream files(env("CLOISON_TEST_TARGETS"));
        for (std::string line; std::getline(files, line);) {
            const auto equals = line.find('=');
            targets.files.emplace_back(line.substr(0, equals), line.substr(equals + 1));
        }
        targets.victim = std::atoi(env("CLOISON_TEST_VICTIM_PID"));
        targets.serverPort = static_cast<std::uint16_t>(std::atoi(env("CLOISON_TEST_SERVER_PORT")));
        targets.elsewherePort =
            static_cast<std::uint16_t>(std::atoi(env("CLOISON_TEST_ELSEWHERE_PORT")));
        std::ofstream(scratch / "attempts") << cloison::test::attempt(targets);
        // A frame whose version is not the protocol's: the app must kill this worker.
        if (std::getenv("CLOISON_TEST_SEND_GARBAGE") != nullptr) {
            const unsigned char garbage[] = {0, 0, 0, 8, 0xde, 0xad, 0, 101, 1, 2, 3, 4};
            (void)!::write(3, garbage, sizeof garbage);
        }
    };
    return cloison::worker::runWorker(3, hooks);
}
