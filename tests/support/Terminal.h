// Runs a program on a pseudo-terminal, as a person at a terminal would: for prompts read with
// echo off or answers typed in (the passphrase, a fingerprint confirmation).
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace cloison::test {

struct TerminalRun {
    int exitCode = -1;        // -1 when killed by a signal
    std::string screen;       // everything the program wrote to the terminal
    std::size_t answered = 0; // how many of the answers were typed
};

// Each answer is typed, followed by a line end, once its prompt has appeared (in order). The
// run ends when the program closes the terminal, or after 60 s at the most.
TerminalRun runOnTerminal(const std::vector<std::string>& argv,
                          const std::vector<std::pair<std::string, std::string>>& answers,
                          const std::vector<std::string>& unsetEnvironment = {});

} // namespace cloison::test
