// What one process per compartment costs (issue 11): the time to start 10 compartments of an
// unlocked profile until each is Ready (connected, its device announced) through a local
// Prosody, and the memory each takes, with every compartment in a sandboxed worker process and,
// in the same run, all of them in this process (CLOISON_IN_PROCESS=1). Prints figures and
// ratios; it is not a test and asserts nothing.
//   cloison-bench-workers [COMPARTMENTS]     (default 10)
#include "client/worker/RemoteCompartment.h"
#include "client/worker/StartCompartment.h"
#include "client/xmpp/AccountStore.h"
#include "tests/support/ProsodyServer.h"
#include "tests/support/TempDir.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

using namespace cloison;
using Clock = std::chrono::steady_clock;

namespace {

template <typename T> T must(Result<T> result) {
    if (!result)
        throw std::runtime_error(result.error().message);
    return std::move(result).value();
}

// A field of /proc/PID/FILE in KiB: VmRSS from status, Pss (resident memory with each shared
// page divided among the processes sharing it) from smaps_rollup. 0 when it cannot be read (a
// worker is not dumpable: reading its smaps needs root).
double memoryKb(pid_t pid, const char* file, const std::string& field) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/" + file);
    for (std::string line; std::getline(in, line);)
        if (line.starts_with(field + ":"))
            return std::atof(line.c_str() + field.size() + 1);
    return 0;
}

struct Run {
    double startMs = 0;      // from the first start until the last Ready
    double appGrowthKb = 0;  // this process' resident memory, after minus before
    double workersKb = 0;    // the workers' resident memory, summed
    double workersPssKb = 0; // and their proportional share of it
};

Run startAll(Profile& profile, int count, bool inProcess) {
    if (inProcess)
        ::setenv("CLOISON_IN_PROCESS", "1", 1);
    else
        ::unsetenv("CLOISON_IN_PROCESS");
    Run run;
    const double before = memoryKb(::getpid(), "status", "VmRSS");
    const auto started = Clock::now();
    std::vector<std::unique_ptr<xmpp::Compartment>> running;
    for (int i = 0; i < count; ++i)
        running.push_back(must(worker::startCompartment(profile, "c" + std::to_string(i))));
    for (auto& compartment : running) {
        const auto deadline = Clock::now() + std::chrono::seconds(60);
        for (;;) {
            if (Clock::now() > deadline)
                throw std::runtime_error("a compartment did not become Ready in 60 s");
            auto event = compartment->nextEvent(std::chrono::milliseconds(100));
            if (event && event->type == xmpp::ServiceEvent::Type::Ready)
                break;
        }
    }
    run.startMs = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    run.appGrowthKb = memoryKb(::getpid(), "status", "VmRSS") - before;
    for (auto& compartment : running) {
        if (auto* remote = dynamic_cast<worker::RemoteCompartment*>(compartment.get())) {
            run.workersKb += memoryKb(remote->workerPid(), "status", "VmRSS");
            run.workersPssKb += memoryKb(remote->workerPid(), "smaps_rollup", "Pss");
        }
    }
    return run; // stops them all
}

} // namespace

int main(int argc, char** argv) {
    const int count = argc > 1 ? std::atoi(argv[1]) : 10;
    if (count < 1 || count > 100) {
        std::fprintf(stderr, "usage: cloison-bench-workers [COMPARTMENTS: 1 to 100]\n");
        return 2;
    }
    ::setenv("CLOISON_COMPARTMENT_WORKER", CLOISON_WORKER, 0); // this build's, unless named
    try {
        test::ProsodyOptions options;
        options.debugLog = false;
        options.withRooms = false;
        for (int i = 0; i < count; ++i)
            options.accounts.emplace_back("user" + std::to_string(i),
                                          "password" + std::to_string(i));
        auto server = test::ProsodyServer::start(options);
        test::TempDir dir;
        const SecretBytes passphrase = SecretBytes::fromString("bench passphrase");
        {
            auto profile =
                must(Profile::create(dir / "profile", passphrase, Argon2idParams::light()));
            for (int i = 0; i < count; ++i) {
                const std::string name = "c" + std::to_string(i);
                (void)must(profile->addCompartment(name));
                xmpp::StoredAccount account;
                account.settings = {"user" + std::to_string(i) + "@localhost", server->host(),
                                    server->port(), server->spkiSha256Hex()};
                account.password = SecretBytes::fromString("password" + std::to_string(i));
                auto saved = xmpp::saveAccount(*must(profile->compartmentVault(name)), account);
                if (!saved)
                    throw std::runtime_error(saved.error().message);
            }
        }
        const auto unlockStarted = Clock::now();
        auto profile = must(Profile::unlock(dir / "profile", passphrase));
        const double unlockMs =
            std::chrono::duration<double, std::milli>(Clock::now() - unlockStarted).count();
        // Memory from the first run of each (the allocator has nothing to reuse yet), times
        // from a second (the server's first-login work done).
        const Run coldInProcess = startAll(*profile, count, true);
        const Run coldWorkers = startAll(*profile, count, false);
        const Run inProcess = startAll(*profile, count, true);
        const Run workers = startAll(*profile, count, false);
        ::unsetenv("CLOISON_IN_PROCESS");
        const double n = count;
        const auto mib = [n](double kb) {
            return kb / n / 1024.0;
        };
        std::printf("workers: profile unlock (Argon2id light) %.1f ms\n", unlockMs);
        std::printf("workers: start %d compartments until Ready: in process %.0f ms, in workers "
                    "%.0f ms (x%.2f)\n",
                    count, inProcess.startMs, workers.startMs, workers.startMs / inProcess.startMs);
        std::printf("workers: memory per compartment: in process %.1f MiB (the app's growth); in "
                    "workers %.1f MiB proportional (%.1f MiB resident, shared libraries counted "
                    "in full) + %.1f MiB in the app\n",
                    mib(coldInProcess.appGrowthKb), mib(coldWorkers.workersPssKb),
                    mib(coldWorkers.workersKb), mib(coldWorkers.appGrowthKb));
        std::printf("workers: proportional memory, workers / in process: x%.1f\n",
                    (coldWorkers.workersPssKb + coldWorkers.appGrowthKb) /
                        std::max(1.0, coldInProcess.appGrowthKb));
    } catch (const std::exception& error) {
        std::fprintf(stderr, "cloison-bench-workers: %s\n", error.what());
        return 1;
    }
    return 0;
}
