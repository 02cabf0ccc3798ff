// One XMPP client connection on libstrophe: TLS always, the server key checked against the
// compartment's pin before anything of ours is sent, SCRAM login, stream management.
// Single-threaded: every call, and every callback, happens on the thread that calls runOnce()
// — the compartment's network thread. Only wake() may be called from another thread.
#pragma once

#include "crypto/Result.h"
#include "crypto/SecretBytes.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace cloison::xmpp {

struct AccountSettings {
    std::string jid;  // bare JID of the compartment's account
    std::string host; // where to connect (the JID's domain when empty)
    std::uint16_t port = 5222;
    // SHA-256 of the server's SubjectPublicKeyInfo, 64 lowercase hex characters. Empty only
    // with insecureLoopback, which is refused for anything but 127.0.0.1.
    std::string pin;
    bool insecureLoopback = false;
    std::string resource = "cloison";
};

struct ConnectionCallbacks {
    // Logged in, the server key checked: the place to send presence and the first stanzas.
    std::function<void()> online;
    // A stanza from the server, serialised (stream-management elements are libstrophe's own
    // business and never passed on). Returning from it counts it as handled (stream
    // management acknowledges it), so whatever must survive a crash is committed before then.
    std::function<void(std::string_view stanza)> stanza;
    // The connection is gone: why, and whether trying again can help.
    std::function<void(const Error& why, bool retryable)> offline;
    // When set: a socket already connected to the server, taken in place of the one libstrophe
    // would connect itself (a sandboxed worker's, whose connect() is never run); -1: none left.
    std::function<int()> connectedSocket = {};
};

class XmppConnection {
public:
    [[nodiscard]] static Result<std::unique_ptr<XmppConnection>>
    create(AccountSettings settings, SecretBytes password, ConnectionCallbacks callbacks);
    ~XmppConnection();
    XmppConnection(const XmppConnection&) = delete;
    XmppConnection& operator=(const XmppConnection&) = delete;

    // Starts a connection attempt; the outcome arrives through the callbacks.
    [[nodiscard]] Result<void> connect();
    void disconnect();
    bool online() const { return m_online; }
    // When the server last sent anything at all (stream-management answers included), or
    // when the connection came up.
    std::chrono::steady_clock::time_point lastHeard() const { return m_lastHeard; }
    // Queues one stanza, serialised, for sending. It must be a single well-formed element
    // (what xml::serialize or a literal of ours makes): it is sent as it is, not parsed again,
    // and stream management counts it as one stanza.
    [[nodiscard]] Result<void> send(std::string_view stanza);
    // Runs the event loop: waits at most timeoutMs for the network or wake(), then handles
    // whatever arrived.
    void runOnce(int timeoutMs);
    // Makes a runOnce() in progress on another thread return early. Thread-safe.
    void wake();

private:
    XmppConnection(AccountSettings settings, SecretBytes password, ConnectionCallbacks callbacks);
    struct Native;
    friend struct Native;

    void onConnectEvent(int event, int error, bool streamError);
    bool serverKeyAcceptable(const char* pem);
    void drain(); // libstrophe rounds without blocking while there is something to read

    AccountSettings m_settings;
    SecretBytes m_password;
    ConnectionCallbacks m_callbacks;
    std::unique_ptr<Native> m_native;
    bool m_online = false;
    bool m_connecting = false;
    bool m_keyMismatch = false;
    int m_socket = -1;
    int m_wakeFd = -1;
    int m_handledInLastRun = 0;
    std::chrono::steady_clock::time_point m_lastHeard{};
};

} // namespace cloison::xmpp
