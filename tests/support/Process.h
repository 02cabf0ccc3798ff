// Runs a program for a test: arguments, extra environment, standard input, and optionally a
// second input on another file descriptor; collects its output and exit status.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cloison::test {

struct ProcessResult {
    int exitCode = -1; // -1 when killed by a signal
    std::string out;
    std::string err;
    long peakRssKb = 0; // the process's peak resident set (VmHWM), from wait4's rusage
};

struct ProcessOptions {
    std::map<std::string, std::string> environment; // added to (or replacing in) ours
    std::vector<std::string> unsetEnvironment;
    std::string input;                   // written to standard input, which is then closed
    std::optional<std::string> fd3Input; // when set, readable on file descriptor 3
    int timeoutSeconds = 120;
};

ProcessResult runProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Starts a program in the background with its output appended to `output` (both streams), for
// tests that kill it at a moment of their choosing. It dies with the test process. Options as
// above; timeoutSeconds is not used (the caller ends it).
pid_t startProcess(const std::vector<std::string>& argv, const ProcessOptions& options,
                   const std::filesystem::path& output);
// Waits up to `timeoutSeconds` for a process startProcess() started to end by itself (then
// SIGKILL); exitCode and peakRssKb are set, out and err are in its output file.
ProcessResult waitForProcess(pid_t pid, int timeoutSeconds);
// Sends `signal`, waits for the process and returns its wait status.
int stopProcess(pid_t pid, int signal);

// Runs `body` in a forked child of this (single-threaded) test process, for what must not touch
// the test itself (a resource limit, a sandbox); the child ends with _exit(0) after handing back
// what `body` returned, so that nothing of the test runs twice. exitCode -1: it died.
struct ForkedResult {
    int exitCode = -1;
    std::string output;
};
ForkedResult runForked(const std::function<std::string()>& body);

} // namespace cloison::test
