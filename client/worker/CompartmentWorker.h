// The body of a compartment's worker process (cloison-compartment, issue 11): it receives the
// compartment to run from its app over the socket pair, opens that compartment's vault (the only
// key it ever holds), resolves its server, sandboxes itself (client/sandbox), and only then
// starts the CompartmentService that talks to the network; from there it relays the app's
// commands to the service and the service's events to the app.
#pragma once

#include "client/worker/WorkerProtocol.h"

#include <functional>

namespace cloison::worker {

// Exit codes: 0 after Stop or the app closing the connection, else what went wrong.
inline constexpr int kWorkerOpenFailed = 3; // the first frame, the vault or the account
inline constexpr int kWorkerSandboxFailed = 4;
inline constexpr int kWorkerBadFrame = 5; // the app sent a frame that is not valid

struct WorkerHooks {
    // Runs inside the sandbox before the service starts. For tests only: a test build's worker
    // runs attacker-style code here, as an exploited parser would.
    std::function<void(const Open& open)> insideSandbox;
};

// Serves the app on `fd` until it says Stop or goes away; returns the process' exit code.
int runWorker(int fd, const WorkerHooks& hooks = {});

} // namespace cloison::worker
