// The ProsodyServer fixture against the real Prosody: a TLS client (libstrophe, as the client
// will use) pins the server's key by its SPKI hash, logs in, and the fixture's restart and stop
// behave as integration tests will rely on.
#include "tests/support/ProsodyServer.h"

#include <catch2/catch.hpp>
#include <signal.h>
#include <strophe.h>

#include <chrono>
#include <thread>
#include <vector>

using cloison::test::ProsodyOptions;
using cloison::test::ProsodyServer;

namespace {

enum class Outcome { Pending, LoggedIn, Failed };

struct Login {
    std::string expectedPin;
    std::string seenPin;
    Outcome outcome = Outcome::Pending;
    std::string sendTo, body; // a chat message to send once logged in, if any
    bool finished = false;    // the connection is closed
};

// The server handles a session's stanzas in order: once the ping is answered, the message sent
// before it has been routed and archived, and the session can close.
int onPong(xmpp_conn_t* conn, xmpp_stanza_t*, void*) {
    xmpp_disconnect(conn);
    return 0;
}

void onConnection(xmpp_conn_t* conn, xmpp_conn_event_t status, int, xmpp_stream_error_t*,
                  void* userdata) {
    auto& login = *static_cast<Login*>(userdata);
    if (status == XMPP_CONN_CONNECT) {
        // TLS verification is off (XMPP_CONN_FLAG_TRUST_TLS): the pin is the check, as in the
        // client, so a session is refused unless the server's key is the pinned one.
        if (xmpp_tlscert_t* cert = xmpp_conn_get_peer_cert(conn)) {
            login.seenPin = ProsodyServer::spkiSha256HexOfPem(xmpp_tlscert_get_pem(cert));
            xmpp_tlscert_free(cert);
        }
        login.outcome = xmpp_conn_is_secured(conn) && login.seenPin == login.expectedPin
                            ? Outcome::LoggedIn
                            : Outcome::Failed;
        if (login.outcome == Outcome::LoggedIn && !login.sendTo.empty()) {
            xmpp_stanza_t* message =
                xmpp_message_new(xmpp_conn_get_context(conn), "chat", login.sendTo.c_str(), "m1");
            xmpp_message_set_body(message, login.body.c_str());
            xmpp_send(conn, message);
            xmpp_stanza_release(message);
            xmpp_stanza_t* ping = xmpp_iq_new(xmpp_conn_get_context(conn), "get", "ping1");
            xmpp_stanza_t* child = xmpp_stanza_new(xmpp_conn_get_context(conn));
            xmpp_stanza_set_name(child, "ping");
            xmpp_stanza_set_ns(child, "urn:xmpp:ping");
            xmpp_stanza_add_child(ping, child);
            xmpp_stanza_release(child);
            xmpp_id_handler_add(conn, onPong, "ping1", &login);
            xmpp_send(conn, ping);
            xmpp_stanza_release(ping);
            return;
        }
        xmpp_disconnect(conn);
    } else {
        login.finished = true;
        if (login.outcome == Outcome::Pending)
            login.outcome = Outcome::Failed; // disconnected or failed before authenticating
    }
}

// Connects to the fixture with TLS required, authenticates and disconnects.
Login logIn(const ProsodyServer& server, const std::string& user, const std::string& password,
            const std::string& sendTo = {}, const std::string& body = {}) {
    Login login{server.spkiSha256Hex(), {}, Outcome::Pending, sendTo, body};
    xmpp_ctx_t* ctx = xmpp_ctx_new(nullptr, nullptr);
    xmpp_conn_t* conn = xmpp_conn_new(ctx);
    xmpp_conn_set_flags(conn, XMPP_CONN_FLAG_MANDATORY_TLS | XMPP_CONN_FLAG_TRUST_TLS);
    const std::string jid = user + "@" + server.domain() + "/test";
    xmpp_conn_set_jid(conn, jid.c_str());
    xmpp_conn_set_pass(conn, password.c_str());
    if (xmpp_connect_client(conn, server.host().c_str(), server.port(), onConnection, &login) ==
        XMPP_EOK) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!login.finished && std::chrono::steady_clock::now() < deadline)
            xmpp_run_once(ctx, 50);
    } else {
        login.outcome = Outcome::Failed;
    }
    xmpp_conn_release(conn);
    xmpp_ctx_free(ctx);
    return login;
}

} // namespace

TEST_CASE("Prosody fixture: TLS login with the pinned key, restart, stop") {
    xmpp_initialize();
    const auto started = std::chrono::steady_clock::now();
    auto server = ProsodyServer::start({{{"alice", "alice-pw"}, {"bob", "bob-pw"}}, true});
    const auto startMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - started)
                             .count();
    INFO("start took " << startMs << " ms; log:\n" << server->logTail());
    WARN("Prosody fixture started in " << startMs << " ms on port " << server->port());

    REQUIRE(server->spkiSha256Hex().size() == 64);
    REQUIRE(server->certificatePem().find("BEGIN CERTIFICATE") != std::string::npos);

    auto alice = logIn(*server, "alice", "alice-pw");
    CHECK(alice.seenPin == server->spkiSha256Hex());
    CHECK(alice.outcome == Outcome::LoggedIn);
    CHECK(logIn(*server, "bob", "bob-pw").outcome == Outcome::LoggedIn);
    CHECK(logIn(*server, "alice", "wrong").outcome == Outcome::Failed);
    CHECK(logIn(*server, "mallory", "alice-pw").outcome == Outcome::Failed);

    server->createAccount("carol", "carol-pw");
    CHECK(logIn(*server, "carol", "carol-pw").outcome == Outcome::LoggedIn);

    // Only SCRAM-SHA-256 is offered (as in packaging/server/prosody.cfg.lua); the debug log shows
    // it.
    const auto log = server->logTail(std::size_t{1} << 24);
    CHECK(log.find("SCRAM-SHA-256") != std::string::npos);
    CHECK(log.find("mechanism='PLAIN'") == std::string::npos);

    // Nothing was sent yet, but the archive is readable (the table may not exist yet).
    CHECK(server->archivedStanzas().empty());
    REQUIRE(logIn(*server, "alice", "alice-pw", "bob@localhost", "archived-marker").outcome ==
            Outcome::LoggedIn);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    std::vector<std::string> archived;
    while (archived.empty() && std::chrono::steady_clock::now() < deadline) {
        archived = server->archivedStanzas();
        if (archived.empty())
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE_FALSE(archived.empty());
    CHECK(archived.front().find("archived-marker") != std::string::npos);

    const auto port = server->port();
    const auto oldPid = server->pid();
    server->restart();
    CHECK(server->port() == port);
    CHECK(server->pid() != oldPid);
    CHECK(logIn(*server, "alice", "alice-pw").outcome == Outcome::LoggedIn);
    CHECK(logIn(*server, "carol", "carol-pw").outcome == Outcome::LoggedIn);

    server->kill9();
    CHECK_FALSE(server->running());
    CHECK(logIn(*server, "alice", "alice-pw").outcome == Outcome::Failed);
    server->restart();
    CHECK(logIn(*server, "alice", "alice-pw").outcome == Outcome::LoggedIn);

    const auto pid = server->pid();
    server->stop();
    CHECK_FALSE(server->running());
    CHECK(::kill(pid, 0) == -1); // reaped: no process (not even a zombie) is left
    xmpp_shutdown();
}
