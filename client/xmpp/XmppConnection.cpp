#include "client/xmpp/XmppConnection.h"

#include "crypto/TlsPin.h"

#include <strophe.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <mutex>

namespace cloison::xmpp {

namespace {

// libstrophe's certificate and socket callbacks have no user pointer; they run inside
// runOnce() or connect() on this thread, which set this first.
thread_local XmppConnection* t_running = nullptr;

std::once_flag g_initialised;

// Stanza texts never reach the log: only libstrophe's warnings and errors are looked at, and
// only to tell a refused login from a network failure.
struct LogState {
    bool authFailed = false;
};

void logHandler(void* userdata, xmpp_log_level_t level, const char* area, const char* message) {
    if (level < XMPP_LEVEL_ERROR || !area || !message)
        return;
    auto* state = static_cast<LogState*>(userdata);
    if (std::strcmp(area, "auth") == 0 || std::strstr(message, "authenticat"))
        state->authFailed = true;
}

bool isLoopback(const std::string& host) {
    return host == "127.0.0.1" || host == "::1";
}

} // namespace

struct XmppConnection::Native {
    LogState logState;
    xmpp_log_t log{logHandler, &logState};
    xmpp_ctx_t* ctx = nullptr;
    xmpp_conn_t* conn = nullptr;

    static void onConnect(xmpp_conn_t*, xmpp_conn_event_t event, int error,
                          xmpp_stream_error_t* streamError, void* userdata) {
        static_cast<XmppConnection*>(userdata)->onConnectEvent(static_cast<int>(event), error,
                                                               streamError != nullptr);
    }
    static int onStanza(xmpp_conn_t*, xmpp_stanza_t* stanza, void* userdata) {
        auto* self = static_cast<XmppConnection*>(userdata);
        ++self->m_handledInLastRun;
        self->m_lastHeard = std::chrono::steady_clock::now();
        // Acknowledgement requests and answers (one or two per stanza we send) are handled by
        // libstrophe; serialising and parsing them again would only cost time.
        const char* ns = xmpp_stanza_get_ns(stanza);
        if (ns && std::strcmp(ns, XMPP_NS_SM) == 0)
            return 1;
        char* text = nullptr;
        std::size_t length = 0;
        if (xmpp_stanza_to_text(stanza, &text, &length) == XMPP_EOK && text) {
            if (self->m_callbacks.stanza && self->m_online)
                self->m_callbacks.stanza(std::string_view(text, length));
            xmpp_free(self->m_native->ctx, text);
        }
        return 1; // keep the handler
    }
    static int onCertificateFailure(const xmpp_tlscert_t* cert, const char*) {
        // Called when the certificate does not chain to a trusted CA (self-signed servers).
        // The pin decides; without a pin, only an explicitly insecure loopback account goes on.
        return t_running && t_running->serverKeyAcceptable(xmpp_tlscert_get_pem(cert)) ? 1 : 0;
    }
    static int onSocket(xmpp_conn_t* conn, void* socket) {
        XmppConnection* self = t_running;
        const int fd = *static_cast<int*>(socket);
        // libstrophe calls this between socket() and connect(): the connected socket takes the
        // new one's place under its number, and the connect() that follows is never run.
        if (self && self->m_callbacks.connectedSocket) {
            const int connected = self->m_callbacks.connectedSocket();
            if (connected < 0)
                return -1;
            const bool moved = ::dup2(connected, fd) == fd;
            ::close(connected);
            if (!moved)
                return -1;
        }
        const int on = 1;
        // Nagle costs tens of milliseconds per round trip on small stanzas.
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        if (self)
            self->m_socket = fd;
        return xmpp_sockopt_cb_keepalive(conn, socket);
    }
};

Result<std::unique_ptr<XmppConnection>> XmppConnection::create(AccountSettings settings,
                                                               SecretBytes password,
                                                               ConnectionCallbacks callbacks) {
    if (settings.jid.empty() || settings.jid.find('@') == std::string::npos)
        return makeError(ErrorCode::InvalidArgument, "the account needs a JID like name@domain");
    if (settings.host.empty())
        settings.host = settings.jid.substr(settings.jid.find('@') + 1);
    if (settings.pin.empty() && !settings.insecureLoopback)
        return makeError(ErrorCode::InvalidArgument,
                         "the account needs the server's key pin (or --insecure-loopback for a "
                         "test server on 127.0.0.1)");
    if (settings.insecureLoopback && !isLoopback(settings.host))
        return makeError(ErrorCode::InvalidArgument,
                         "an unpinned (insecure) connection is only allowed to 127.0.0.1");
    if (!settings.pin.empty()) {
        auto pin = normalisePin(settings.pin);
        if (!pin)
            return pin.error();
        settings.pin = pin.value();
    }
    std::call_once(g_initialised, [] {
        // libstrophe writes with plain send(): a server that closed the connection must give
        // an error there, not a SIGPIPE that ends the whole process.
        std::signal(SIGPIPE, SIG_IGN);
        xmpp_initialize();
    });
    std::unique_ptr<XmppConnection> connection(
        new XmppConnection(std::move(settings), std::move(password), std::move(callbacks)));
    Native& native = *connection->m_native;
    native.ctx = xmpp_ctx_new(nullptr, &native.log);
    connection->m_wakeFd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (!native.ctx || connection->m_wakeFd < 0)
        return makeError(ErrorCode::Internal, "cannot set up the network layer");
    return connection;
}

XmppConnection::XmppConnection(AccountSettings settings, SecretBytes password,
                               ConnectionCallbacks callbacks)
    : m_settings(std::move(settings)), m_password(std::move(password)),
      m_callbacks(std::move(callbacks)), m_native(std::make_unique<Native>()) {}

XmppConnection::~XmppConnection() {
    if (m_native->conn) {
        xmpp_conn_release(m_native->conn);
        m_native->conn = nullptr;
    }
    if (m_native->ctx)
        xmpp_ctx_free(m_native->ctx);
    if (m_wakeFd >= 0)
        close(m_wakeFd);
}

Result<void> XmppConnection::connect() {
    if (m_online || m_connecting)
        return {};
    Native& native = *m_native;
    xmpp_sm_state_t* resumable = nullptr;
    if (native.conn) {
        // Stream management state moves to the new connection, so the server can resume the
        // session and resend what it had not seen us acknowledge.
        resumable = xmpp_conn_get_sm_state(native.conn);
        xmpp_conn_release(native.conn);
    }
    native.conn = xmpp_conn_new(native.ctx);
    if (!native.conn)
        return makeError(ErrorCode::Internal, "cannot create a connection");
    if (resumable && xmpp_conn_set_sm_state(native.conn, resumable) != XMPP_EOK)
        xmpp_free_sm_state(resumable);
    xmpp_conn_set_flags(native.conn, XMPP_CONN_FLAG_MANDATORY_TLS);
    xmpp_conn_set_certfail_handler(native.conn, &Native::onCertificateFailure);
    xmpp_conn_set_sockopt_callback(native.conn, &Native::onSocket);
    const std::string fullJid = m_settings.jid + "/" + m_settings.resource;
    xmpp_conn_set_jid(native.conn, fullJid.c_str());
    const std::string password(m_password.view().begin(), m_password.view().end());
    xmpp_conn_set_pass(native.conn, password.c_str());
    xmpp_handler_add(native.conn, &Native::onStanza, nullptr, nullptr, nullptr, this);
    m_keyMismatch = false;
    native.logState.authFailed = false;
    m_socket = -1;
    t_running = this;
    const int started = xmpp_connect_client(native.conn, m_settings.host.c_str(), m_settings.port,
                                            &Native::onConnect, this);
    t_running = nullptr;
    if (started != XMPP_EOK)
        return makeError(ErrorCode::Unreachable, "cannot connect to " + m_settings.host);
    m_connecting = true;
    return {};
}

void XmppConnection::disconnect() {
    if (m_native->conn && (m_online || m_connecting))
        xmpp_disconnect(m_native->conn);
}

Result<void> XmppConnection::send(std::string_view stanza) {
    if (!m_online)
        return makeError(ErrorCode::Unreachable, "not connected");
    if (!stanza.starts_with('<') || !stanza.ends_with('>'))
        return makeError(ErrorCode::InvalidArgument, "refusing to send something not a stanza");
    // Raw, without parsing it into a libstrophe stanza and serialising that again: stream
    // management counts every queued item, raw or not, as one stanza.
    xmpp_send_raw(m_native->conn, stanza.data(), stanza.size());
    return {};
}

bool XmppConnection::serverKeyAcceptable(const char* pem) {
    if (m_settings.pin.empty())
        return m_settings.insecureLoopback && isLoopback(m_settings.host);
    auto pin = pem ? spkiPinFromPem(pem) : Result<std::string>(makeError(ErrorCode::Crypto, ""));
    if (pin && pin.value() == m_settings.pin)
        return true;
    m_keyMismatch = true;
    return false;
}

void XmppConnection::onConnectEvent(int event, int error, bool streamError) {
    Native& native = *m_native;
    if (event == XMPP_CONN_CONNECT) {
        m_connecting = false;
        // A certificate that chains to a system CA never reaches the certificate callback,
        // so the pin is checked here too, before anything of ours is sent.
        bool acceptable = xmpp_conn_is_secured(native.conn) != 0;
        if (acceptable) {
            xmpp_tlscert_t* cert = xmpp_conn_get_peer_cert(native.conn);
            acceptable = cert && serverKeyAcceptable(xmpp_tlscert_get_pem(cert));
            if (cert)
                xmpp_tlscert_free(cert);
        }
        if (!acceptable) {
            m_keyMismatch = true;
            xmpp_disconnect(native.conn);
            return;
        }
        m_online = true;
        m_lastHeard = std::chrono::steady_clock::now();
        if (m_callbacks.online)
            m_callbacks.online();
        return;
    }
    if (event == XMPP_CONN_RAW_CONNECT)
        return;
    const bool wasOnline = m_online;
    m_online = false;
    m_connecting = false;
    m_socket = -1;
    Error why{ErrorCode::Unreachable, {}};
    bool retryable = true;
    if (m_keyMismatch) {
        why = {ErrorCode::ServerKeyMismatch,
               "the server's key does not match the pin for " + m_settings.host +
                   ": refusing to talk to it (someone may be intercepting the connection)"};
        retryable = false;
    } else if (native.logState.authFailed && !wasOnline) {
        why = {ErrorCode::LoginRefused, "the server refused the login for " + m_settings.jid};
        retryable = false;
    } else if (wasOnline) {
        why.message =
            "connection to " + m_settings.host + " lost" + (streamError ? " (stream error)" : "");
    } else {
        why.message = "cannot reach " + m_settings.host + ":" + std::to_string(m_settings.port) +
                      (error ? std::string(": ") + std::strerror(error) : std::string());
    }
    if (m_callbacks.offline)
        m_callbacks.offline(why, retryable);
}

void XmppConnection::runOnce(int timeoutMs) {
    t_running = this;
    // Writes queued by the previous round, timers, and whatever TLS already holds decrypted.
    m_handledInLastRun = 0;
    drain();
    if (m_handledInLastRun == 0) {
        pollfd fds[2] = {{m_wakeFd, POLLIN, 0}, {-1, 0, 0}};
        nfds_t count = 1;
        if (m_socket >= 0) {
            short events = POLLIN;
            if (m_native->conn && xmpp_conn_send_queue_len(m_native->conn) > 0)
                events |= POLLOUT;
            fds[1] = {m_socket, events, 0};
            count = 2;
        }
        // While a connection is being set up libstrophe needs its own select() on the
        // half-open socket; poll in short steps then.
        const int wait = m_socket >= 0 ? timeoutMs : std::min(timeoutMs, 10);
        if (poll(fds, count, wait) > 0 && (fds[0].revents & POLLIN)) {
            std::uint64_t drained = 0;
            [[maybe_unused]] auto n = read(m_wakeFd, &drained, sizeof drained);
        }
        drain();
    }
    t_running = nullptr;
}

void XmppConnection::drain() {
    // libstrophe reads at most 4 KiB per round, and what OpenSSL has already decrypted (a TLS
    // record is up to 16 KiB) is invisible to poll(): a stanza split across rounds would wait
    // for the next packet or the poll timeout. So rounds go on without blocking while they
    // handle stanzas, and for a whole record's worth after the last one did.
    constexpr int kRoundsPerRecord = 4;
    constexpr int kMaxStanzas = 256; // then commands and timers get their turn
    for (int quiet = 0; quiet < kRoundsPerRecord && m_handledInLastRun < kMaxStanzas;) {
        const int before = m_handledInLastRun;
        xmpp_run_once(m_native->ctx, 0);
        quiet = m_handledInLastRun > before ? 0 : quiet + 1;
    }
}

void XmppConnection::wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] auto n = write(m_wakeFd, &one, sizeof one);
}

} // namespace cloison::xmpp
