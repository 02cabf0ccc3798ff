// cloison-cli's messaging commands: an account for a compartment, send, listen.
#pragma once

#include "client/documents/DocumentTransfer.h"
#include "client/profile/Profile.h"
#include "client/xmpp/CompartmentService.h"

#include <chrono>
#include <filesystem>

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
    bool waitReceipt = false; // send --to: wait for the recipient's delivery receipt too
    // send-file, save
    std::string file;
};

// A compartment connected for one command.
struct Running {
    std::unique_ptr<xmpp::Compartment> service; // in its worker process, or in this one
    std::string room;
    xmpp::AccountSettings account; // its server, pin and whether it is an insecure loopback
    std::filesystem::path documentsDir;
    documents::DocumentPolicy documentPolicy;
};
[[nodiscard]] Result<Running> startService(Profile& profile, const std::string& compartment);
// Says `error` on `err` and returns the exit code of a network failure (15, 16 or 17).
int exitForNetwork(const Error& error, std::ostream& err);
// Sends `text` to --to or --room and waits for the server to have it: prints "sent ID". With
// waitReceipt, then waits for the recipient's delivery receipt: prints "received ID", else
// returns kExitNoReceipt once the timeout has passed.
[[nodiscard]] Result<int> sendAndAwaitDelivery(Running& running, const MessagingOptions& options,
                                               const std::string& text, std::ostream& out);

// Exit codes of the messaging commands, beyond those of main.cpp.
constexpr int kExitUnreachable = 15;
constexpr int kExitServerKeyMismatch = 16;
constexpr int kExitLoginRefused = 17;
constexpr int kExitNoReceipt = 23; // send --wait-receipt: the server has it, no receipt came

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
