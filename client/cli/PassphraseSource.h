// Where the command-line tools get a passphrase from: the terminal (echo off), a file
// descriptor, or an environment variable. The value goes straight into guarded memory.
#pragma once

#include "crypto/SecretBytes.h"

#include <optional>
#include <string>

namespace cloison::cli {

constexpr std::size_t kMaxPassphraseBytes = 1024;

// Reads one line (without its newline) from `fd`.
[[nodiscard]] Result<SecretBytes> readPassphraseFromFd(int fd);
// Prompts on the terminal with echo off; `confirm` asks twice and requires the same answer.
[[nodiscard]] Result<SecretBytes> readPassphraseFromTerminal(const std::string& prompt,
                                                             bool confirm);
// Takes the variable's value and wipes it from this process's environment.
[[nodiscard]] std::optional<SecretBytes> takePassphraseFromEnvironment(const char* name);

struct PassphraseOptions {
    std::optional<int> fd;   // --passphrase-fd
    const char* environment; // e.g. CLOISON_PASSPHRASE
    std::string prompt;
    bool confirm = false;
};

// An explicit --passphrase-fd wins; otherwise the terminal when standard input is one;
// otherwise the environment variable.
[[nodiscard]] Result<SecretBytes> obtainPassphrase(const PassphraseOptions& options);

} // namespace cloison::cli
