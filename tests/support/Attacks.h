// What an attacker's code, running inside a compromised compartment's sandbox, tries: the
// tests run it in a sandboxed child (test_sandbox) and inside a real worker process through its
// test hook (test_worker). One line "what=outcome" per attempt, outcome "ok" or "refused ERRNO".
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace cloison::test {

struct AttackTargets {
    std::filesystem::path ownFile;                                    // its own: must work
    std::vector<std::pair<std::string, std::filesystem::path>> files; // others': name -> path
    pid_t victim = -1;               // another compartment's worker
    std::uint16_t serverPort = 0;    // its own server: must work
    std::uint16_t elsewherePort = 0; // anywhere else
};

std::string attempt(const AttackTargets& targets);

// The lines attempt() wrote, by name.
std::map<std::string, std::string> attemptResults(const std::string& lines);

// A listening TCP socket on 127.0.0.1 with a port of the kernel's choosing.
struct Listener {
    Listener();
    ~Listener();
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;
    int fd = -1;
    std::uint16_t port = 0;
};

} // namespace cloison::test
