#include "client/worker/RemoteCompartment.h"

#include "client/worker/WorkerChannel.h"
#include "crypto/Hash.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace cloison::worker {

namespace {

constexpr int kWorkerFd = 3;

// Waits up to `timeout` for `pid` to end, then kills it.
void reap(pid_t pid, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (::waitpid(pid, nullptr, WNOHANG) == pid)
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
}

xmpp::ServiceEvent offline(Error error, bool retrying) {
    xmpp::ServiceEvent event{xmpp::ServiceEvent::Type::Offline};
    event.error = std::move(error);
    event.retrying = retrying;
    return event;
}

} // namespace

RemoteCompartment::RemoteCompartment(WorkerSettings settings, Open open)
    : m_settings(std::move(settings)), m_open(std::move(open)) {}

Result<RemoteCompartment::Worker> RemoteCompartment::spawn() {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
        return makeError(ErrorCode::Io,
                         std::string("no socket pair for the worker: ") + std::strerror(errno));
    // dup2 onto itself would keep close-on-exec: the child's end must not already be 3.
    if (pair[1] == kWorkerFd) {
        const int moved = ::fcntl(pair[1], F_DUPFD_CLOEXEC, kWorkerFd + 1);
        ::close(pair[1]);
        pair[1] = moved;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pair[1], kWorkerFd);
    const std::string program = m_settings.program.string();
    char fdFlag[] = "--fd";
    char fdValue[] = "3";
    char* argv[] = {const_cast<char*>(program.c_str()), fdFlag, fdValue, nullptr};
    pid_t pid = -1;
    const int spawned = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pair[1]);
    if (spawned != 0) {
        ::close(pair[0]);
        return makeError(ErrorCode::NotFound,
                         "the compartment worker " + program +
                             " could not be started: " + std::strerror(spawned));
    }
    Worker worker{pid, pair[0]};
    // The compartment, then its answer: Started once it is sandboxed, or Failed.
    // A copy of the key for the frame (guarded memory, wiped when it goes): m_open stays for
    // the next restart.
    const Message open = Open{m_open.vaultPath,
                              SecretBytes::copyOf({m_open.vaultKey.data(), m_open.vaultKey.size()}),
                              m_open.compartmentId, m_open.compartmentName, m_open.scratchDir};
    auto opened = writeMessage(worker.fd, MessageType::Open, open);
    auto answer = opened ? readMessage(worker.fd) : Result<Decoded>(opened.error());
    if (answer && answer.value().type == MessageType::Started) {
        std::lock_guard lock(m_mutex);
        m_sandbox = std::get<Started>(answer.value().message).sandbox;
        return worker;
    }
    Error why =
        !answer ? answer.error()
        : answer.value().type == MessageType::Failed
            ? std::get<Failed>(answer.value().message).error
            : makeError(ErrorCode::Corrupted, "the compartment worker answered out of turn");
    bury(worker);
    return why;
}

void RemoteCompartment::bury(Worker& worker) {
    if (worker.fd >= 0)
        ::close(worker.fd);
    if (worker.pid > 0)
        reap(worker.pid, std::chrono::milliseconds(0));
    worker = {};
}

Result<std::unique_ptr<RemoteCompartment>>
RemoteCompartment::start(WorkerSettings settings, Open open, storage::Vault* localVault) {
    std::unique_ptr<RemoteCompartment> remote(
        new RemoteCompartment(std::move(settings), std::move(open)));
    remote->m_localVault = localVault;
    auto worker = remote->spawn();
    if (!worker)
        return worker.error();
    {
        std::lock_guard lock(remote->m_mutex);
        remote->m_worker = worker.value();
    }
    remote->m_supervisor = std::thread([r = remote.get(), w = worker.value()] { r->supervise(w); });
    return remote;
}

// Relays the worker's events; when it dies or misbehaves, restarts it with back-off and hands
// it what it had not queued yet.
void RemoteCompartment::supervise(Worker worker) {
    auto backoff = m_settings.firstBackoff;
    for (;;) {
        const auto startedAt = std::chrono::steady_clock::now();
        Error why{ErrorCode::Unreachable, "the compartment's worker stopped"};
        for (;;) {
            auto decoded = readMessage(worker.fd);
            if (!decoded) {
                if (decoded.error().code == ErrorCode::Corrupted)
                    why.message = "the compartment's worker sent an invalid frame (" +
                                  decoded.error().message + ") and was stopped";
                break;
            }
            if (decoded.value().type == MessageType::Failed) {
                why = std::get<Failed>(decoded.value().message).error;
                break;
            }
            if (decoded.value().type != MessageType::Event) {
                why.message = "the compartment's worker sent a frame out of turn and was stopped";
                break;
            }
            auto& event = std::get<xmpp::ServiceEvent>(decoded.value().message);
            using Type = xmpp::ServiceEvent::Type;
            if (event.type == Type::MessageQueued || event.type == Type::MessageDelivered ||
                event.type == Type::MessageUndeliverable) {
                std::lock_guard lock(m_mutex);
                std::erase_if(m_pending,
                              [&](const auto& pending) { return pending.first == event.stanzaId; });
            }
            emit(std::move(event));
        }
        bool stopping = false;
        {
            std::lock_guard lock(m_mutex);
            m_worker = {};
            stopping = m_stopping;
        }
        if (stopping) { // it was told to stop and is exiting: let it disconnect cleanly
            ::close(worker.fd);
            reap(worker.pid, std::chrono::seconds(5));
            return;
        }
        ::kill(worker.pid, SIGKILL);
        bury(worker);
        {
            std::unique_lock lock(m_mutex);
            if (m_stopping)
                return;
            if (std::chrono::steady_clock::now() - startedAt > std::chrono::seconds(30))
                backoff = m_settings.firstBackoff;
            why.message += "; it is restarted";
            lock.unlock();
            emit(offline(why, true));
            lock.lock();
            m_changed.wait_for(lock, backoff, [this] { return m_stopping; });
            if (m_stopping)
                return;
        }
        backoff = std::min(backoff * 2, m_settings.maxBackoff);
        auto again = spawn();
        if (!again) {
            worker = {};
            emit(offline(again.error(), true));
            continue; // waits its back-off, then tries again
        }
        worker = again.value();
        std::lock_guard lock(m_mutex);
        m_worker = worker;
        if (m_stopping) { // stopped while it started: it ends, and its end ends the loop
            (void)writeMessage(worker.fd, MessageType::Stop, Stop{});
            continue;
        }
        for (const auto& [id, pending] : m_pending)
            (void)writeMessage(worker.fd, pending.first, pending.second);
    }
}

void RemoteCompartment::command(MessageType type, Message message, const std::string& pendingId) {
    std::lock_guard lock(m_mutex);
    if (m_worker.fd >= 0)
        (void)writeMessage(m_worker.fd, type, message); // a failure shows as the worker's end
    if (!pendingId.empty())
        m_pending.emplace_back(pendingId, std::make_pair(type, std::move(message)));
}

std::string RemoteCompartment::send(const std::string& to, const std::string& text) {
    std::string id = xmpp::newStanzaId();
    command(MessageType::Send, Send{to, text, id}, id);
    return id;
}

std::string RemoteCompartment::sendToRoom(const std::string& text) {
    std::string id = xmpp::newStanzaId();
    command(MessageType::SendToRoom, Send{{}, text, id}, id);
    return id;
}

void RemoteCompartment::verifyDevice(const std::string& jid, std::uint32_t deviceId,
                                     const std::string& fingerprint) {
    command(MessageType::VerifyDevice, DeviceChange{jid, deviceId, fingerprint});
}

void RemoteCompartment::unverifyDevice(const std::string& jid, std::uint32_t deviceId) {
    command(MessageType::UnverifyDevice, DeviceChange{jid, deviceId, {}});
}

void RemoteCompartment::query(std::string stanza, std::string to, std::string id) {
    command(MessageType::Query, Query{std::move(stanza), std::move(to), std::move(id)});
}

std::string RemoteCompartment::withVault(std::function<Result<void>(storage::Vault& vault)> task) {
    xmpp::ServiceEvent done{xmpp::ServiceEvent::Type::VaultTaskDone};
    done.stanzaId = "cloison-task-" + randomId();
    if (!m_localVault)
        done.error = makeError(ErrorCode::Internal, "this compartment's vault is not open here");
    else if (auto ran = task(*m_localVault); !ran)
        done.error = ran.error();
    std::string id = done.stanzaId;
    emit(std::move(done));
    return id;
}

void RemoteCompartment::emit(xmpp::ServiceEvent event) {
    {
        std::lock_guard lock(m_mutex);
        m_events.push_back(std::move(event));
    }
    m_changed.notify_all();
}

std::optional<xmpp::ServiceEvent> RemoteCompartment::nextEvent(std::chrono::milliseconds wait) {
    std::unique_lock lock(m_mutex);
    if (!m_changed.wait_for(lock, wait, [this] { return !m_events.empty(); }))
        return std::nullopt;
    xmpp::ServiceEvent event = std::move(m_events.front());
    m_events.pop_front();
    return event;
}

pid_t RemoteCompartment::workerPid() const {
    std::lock_guard lock(m_mutex);
    return m_worker.pid;
}

std::string RemoteCompartment::sandboxReport() const {
    std::lock_guard lock(m_mutex);
    return m_sandbox;
}

RemoteCompartment::~RemoteCompartment() {
    pid_t pid = -1;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        if (m_worker.fd >= 0) {
            (void)writeMessage(m_worker.fd, MessageType::Stop, Stop{});
            pid = m_worker.pid;
        }
    }
    m_changed.notify_all();
    // The worker disconnects and exits; its end closing ends the supervisor's read. One that
    // does not within 5 s is killed, which ends it too.
    std::thread killer([pid, this] {
        std::unique_lock lock(m_mutex);
        if (!m_changed.wait_for(lock, std::chrono::seconds(5),
                                [this] { return m_worker.fd < 0; }) &&
            pid > 0)
            ::kill(pid, SIGKILL);
    });
    if (m_supervisor.joinable())
        m_supervisor.join();
    m_changed.notify_all();
    killer.join();
}

} // namespace cloison::worker
