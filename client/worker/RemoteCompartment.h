// A compartment run in its own worker process (cloison-compartment), seen from the app or
// cloison-cli: the same commands and events as the in-process CompartmentService, carried over
// a socket pair (WorkerProtocol.h). The worker holds only this compartment's vault key.
//
// A worker that dies, or sends anything that is not a valid frame (then it is killed), is
// restarted with back-off, and an Offline event (retrying) says so. Nothing is lost: a message
// is kept here until the worker reports it queued in the vault's outbox (MessageQueued), and
// handed over again after a restart; the outbox, which the restarted worker sends, and its
// stanza id make sure it goes out once.
#pragma once

#include "client/worker/WorkerProtocol.h"

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

namespace cloison::worker {

struct WorkerSettings {
    std::filesystem::path program; // cloison-compartment
    std::chrono::milliseconds firstBackoff{250};
    std::chrono::milliseconds maxBackoff{30000};
};

class RemoteCompartment : public xmpp::Compartment {
public:
    // Starts the worker and waits until it runs in its sandbox; a compartment that cannot be
    // opened (wrong key, no account, no sandbox) is an error here, and no worker is left.
    // `localVault`: this process' own handle on the same vault, for withVault() (SQLite keeps
    // the two processes' writes apart); none: withVault() reports an error.
    [[nodiscard]] static Result<std::unique_ptr<RemoteCompartment>>
    start(WorkerSettings settings, Open open, storage::Vault* localVault = nullptr);
    ~RemoteCompartment() override; // stops the worker (Stop, then SIGKILL after 5 s)
    RemoteCompartment(const RemoteCompartment&) = delete;
    RemoteCompartment& operator=(const RemoteCompartment&) = delete;

    std::string send(const std::string& to, const std::string& text) override;
    std::string sendToRoom(const std::string& text) override;
    void verifyDevice(const std::string& jid, std::uint32_t deviceId,
                      const std::string& fingerprint) override;
    void unverifyDevice(const std::string& jid, std::uint32_t deviceId) override;
    void query(std::string stanza, std::string to, std::string id) override;
    // Runs `task` now, on the calling thread, with this process' handle on the vault.
    std::string withVault(std::function<Result<void>(storage::Vault& vault)> task) override;
    std::optional<xmpp::ServiceEvent> nextEvent(std::chrono::milliseconds wait) override;

    pid_t workerPid() const;           // the running worker's (-1 while it restarts)
    std::string sandboxReport() const; // what its sandbox applied (sandbox::Report::describe)

private:
    struct Worker {
        pid_t pid = -1;
        int fd = -1;
    };
    RemoteCompartment(WorkerSettings settings, Open open);
    Result<Worker> spawn();
    void supervise(Worker worker);
    void command(MessageType type, Message message, const std::string& pendingId = {});
    void emit(xmpp::ServiceEvent event);
    void bury(Worker& worker);

    WorkerSettings m_settings;
    Open m_open;
    storage::Vault* m_localVault = nullptr;
    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    Worker m_worker;         // under m_mutex
    std::string m_sandbox;   // under m_mutex
    bool m_stopping = false; // under m_mutex
    // Messages not yet reported queued by a worker, by stanza id, in the order sent.
    std::vector<std::pair<std::string, std::pair<MessageType, Message>>> m_pending;
    std::deque<xmpp::ServiceEvent> m_events;
    std::thread m_supervisor;
};

} // namespace cloison::worker
