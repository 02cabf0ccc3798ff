// cloison-cli's messaging commands: an account for a compartment, send, listen.
#pragma once

#include <chrono>

#include "client/profile/Profile.h"

#include <iosfwd>
#include <optional>
#include <string>

namespace cloison::cli {

struct MessagingOptions {
    // compartment add
    std::string jid;
    std::string server; // HOST[:PORT]
    std::optional<int> passwordFd;
    std::string pin;
    bool insecureLoopback = false;
    std::string trust = "manual";
    std::string roomJid;
    // send / listen
    std::string to;
    bool toRoom = false;
    std::optional<long> count;
    long timeoutSeconds = 30;
};

// Exit codes of the messaging commands, beyond those of main.cpp.
constexpr int kExitUnreachable = 15;
constexpr int kExitServerKeyMismatch = 16;
constexpr int kExitLoginRefused = 17;

// Whether `compartment add` was given account options.
bool hasAccountOptions(const MessagingOptions& options);
// Validates the account options before anything is created.
[[nodiscard]] Result<void> checkAccountOptions(const MessagingOptions& options);
[[nodiscard]] Result<void> configureAccount(Profile& profile, const std::string& compartment,
                                            const MessagingOptions& options);
// Return the exit code.
[[nodiscard]] Result<int> runSend(Profile& profile, const std::string& compartment,
                                  const MessagingOptions& options, const std::string& text,
                                  std::ostream& out);
// Connects the compartment until its device is announced on the server (Ready), the connection
// fails, or `timeout` passes: members can then encrypt to it before this person first opens it.
[[nodiscard]] Result<void> announceDevice(Profile& profile, const std::string& compartment,
                                          std::chrono::seconds timeout);
[[nodiscard]] Result<int> runListen(Profile& profile, const std::string& compartment,
                                    const MessagingOptions& options, std::ostream& out);

} // namespace cloison::cli
