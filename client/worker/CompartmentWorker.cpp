#include "client/worker/CompartmentWorker.h"

#include "client/provisioning/ServiceSetup.h"
#include "client/sandbox/Sandbox.h"
#include "client/worker/WorkerChannel.h"
#include "client/xmpp/AccountStore.h"
#include "storage/DocumentRepository.h"
#include "storage/Schemas.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <thread>
#include <utility>

namespace cloison::worker {

namespace {

void tell(int fd, Error error) {
    (void)writeMessage(fd, MessageType::Failed, Failed{std::move(error)});
}

// The sandbox allows no DNS (no UDP, no resolver files): the server's name is resolved once,
// before it is entered. A server that moves is reached again when the worker restarts.
Result<std::string> resolve(const xmpp::AccountSettings& settings) {
    const std::string host =
        settings.host.empty() ? settings.jid.substr(settings.jid.find('@') + 1) : settings.host;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr)
        return makeError(ErrorCode::Unreachable, "the server " + host + " could not be found");
    char numeric[NI_MAXHOST] = {};
    const int named = ::getnameinfo(found->ai_addr, found->ai_addrlen, numeric, sizeof numeric,
                                    nullptr, 0, NI_NUMERICHOST);
    ::freeaddrinfo(found);
    if (named != 0)
        return makeError(ErrorCode::Unreachable, "the server " + host + " could not be found");
    return std::string(numeric);
}

// The worker's one connection, made before the sandbox, which runs no connect() at all: code
// in the worker can reach no address, not even another host on its server's port. Nothing is
// read from it yet. -1 when the server cannot be reached (the service then reports it offline,
// and the worker ends so that its app starts a new one, with back-off).
int connectTo(const std::string& address, std::uint16_t port) {
    addrinfo hints{};
    hints.ai_flags = AI_NUMERICHOST;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(address.c_str(), std::to_string(port).c_str(), &hints, &found) != 0)
        return -1;
    const int fd =
        ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_TCP);
    bool connected =
        fd >= 0 && (::connect(fd, found->ai_addr, found->ai_addrlen) == 0 || errno == EINPROGRESS);
    ::freeaddrinfo(found);
    if (connected) {
        pollfd wait{fd, POLLOUT, 0};
        int error = 0;
        socklen_t size = sizeof error;
        connected = ::poll(&wait, 1, 10000) == 1 &&
                    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error == 0;
    }
    if (!connected && fd >= 0)
        ::close(fd);
    return connected ? fd : -1;
}

// What the sandbox leaves writable: the vault with SQLite's WAL files beside it (all open by
// now, so they exist), the compartment's documents and the scratch directory.
sandbox::Policy policyFor(const Open& open, const storage::Vault& vault) {
    sandbox::Policy policy;
    for (const char* suffix : {"", "-wal", "-shm"}) {
        const std::filesystem::path file = open.vaultPath + suffix;
        std::error_code ignored;
        if (std::filesystem::exists(file, ignored))
            policy.readWrite.push_back(file);
    }
    policy.readWrite.push_back(storage::documentsDirOf(vault));
    if (!open.scratchDir.empty())
        policy.readWrite.push_back(open.scratchDir);
#if defined(CLOISON_SANITIZER_RUNTIME)
    // LeakSanitizer reads the worker's own maps and threads at exit.
    policy.readOnly.push_back("/proc/self");
#endif
    return policy;
}

// False for a frame the app has no business sending now (a second Open, a worker's message).
bool dispatch(xmpp::CompartmentService& service, const Decoded& decoded) {
    switch (decoded.type) {
    case MessageType::Send: {
        const auto& send = std::get<Send>(decoded.message);
        service.send(send.to, send.text, send.stanzaId);
        break;
    }
    case MessageType::SendToRoom:
        service.sendToRoom(std::get<Send>(decoded.message).text,
                           std::get<Send>(decoded.message).stanzaId);
        break;
    case MessageType::VerifyDevice: {
        const auto& change = std::get<DeviceChange>(decoded.message);
        service.verifyDevice(change.jid, change.deviceId, change.fingerprint);
        break;
    }
    case MessageType::UnverifyDevice: {
        const auto& change = std::get<DeviceChange>(decoded.message);
        service.unverifyDevice(change.jid, change.deviceId);
        break;
    }
    case MessageType::Query: {
        const auto& query = std::get<Query>(decoded.message);
        service.query(query.stanza, query.to, query.id);
        break;
    }
    default:
        return false;
    }
    return true;
}

} // namespace

int runWorker(int fd, const WorkerHooks& hooks) {
    auto first = readMessage(fd);
    if (!first || first.value().type != MessageType::Open) {
        tell(fd, first ? makeError(ErrorCode::InvalidArgument, "the first frame must be Open")
                       : first.error());
        return kWorkerOpenFailed;
    }
    const Open& open = std::get<Open>(first.value().message);
    auto vault = storage::Vault::open(open.vaultPath, open.vaultKey, storage::compartmentSchema());
    if (!vault) {
        tell(fd, vault.error());
        return kWorkerOpenFailed;
    }
    auto account = xmpp::loadAccount(*vault.value());
    if (!account) {
        tell(fd, account.error());
        return kWorkerOpenFailed;
    }
    auto options =
        provisioning::serviceOptions(*vault.value(), open.compartmentId, account.value());
    if (!options) {
        tell(fd, options.error());
        return kWorkerOpenFailed;
    }
    auto address = resolve(account.value().settings);
    if (!address) {
        tell(fd, address.error());
        return kWorkerOpenFailed;
    }
    xmpp::AccountSettings settings = account.value().settings;
    settings.host = address.value();
    std::error_code ignored;
    std::filesystem::create_directories(storage::documentsDirOf(*vault.value()), ignored);

    std::shared_ptr<int> socket(new int(connectTo(settings.host, settings.port)), [](int* owned) {
        if (*owned >= 0)
            ::close(*owned);
        delete owned;
    });
    auto confined = sandbox::enter(policyFor(open, *vault.value()));
    if (!confined) {
        tell(fd, confined.error());
        return kWorkerSandboxFailed;
    }
    // The log (standard error, shared with the app): which confinement this kernel gave.
    std::fprintf(stderr, "cloison-compartment[%d]: sandboxed: %s\n", static_cast<int>(::getpid()),
                 confined.value().describe().c_str());
    if (auto told = writeMessage(fd, MessageType::Started, Started{confined.value().describe()});
        !told)
        return 0; // the app is gone
    if (hooks.insideSandbox)
        hooks.insideSandbox(open);

    options.value().connectedSocket = [socket] {
        return std::exchange(*socket, -1);
    };
    auto service = xmpp::CompartmentService::start(
        *vault.value(), settings, std::move(account.value().password), std::move(options).value());
    if (!service) {
        tell(fd, service.error());
        return kWorkerOpenFailed;
    }
    std::atomic<bool> stopping{false};
    std::thread relay([&] {
        while (!stopping) {
            auto event = service.value()->nextEvent(std::chrono::milliseconds(200));
            if (event && !writeMessage(fd, MessageType::Event, *event)) {
                // The app is gone, or an event could not be framed (a bug): either way both
                // ends learn it now, and the app restarts the worker rather than miss events.
                ::shutdown(fd, SHUT_RDWR);
                return;
            }
            // Its one connection is lost and it cannot make another: it ends, and its app
            // starts a new worker (with back-off), which connects before its sandbox.
            if (event && event->type == xmpp::ServiceEvent::Type::Offline && event->retrying) {
                ::shutdown(fd, SHUT_RDWR);
                return;
            }
        }
    });
    int exitCode = 0;
    for (;;) {
        auto decoded = readMessage(fd);
        if (!decoded) {
            // NotFound: the app closed the connection, it is going away.
            if (decoded.error().code != ErrorCode::NotFound)
                exitCode = kWorkerBadFrame;
            break;
        }
        if (decoded.value().type == MessageType::Stop)
            break;
        if (!dispatch(*service.value(), decoded.value())) {
            exitCode = kWorkerBadFrame;
            break;
        }
    }
    stopping = true;
    relay.join();
    service.value().reset(); // disconnects cleanly
    return exitCode;
}

} // namespace cloison::worker
