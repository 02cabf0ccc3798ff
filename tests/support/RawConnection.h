// An account's bare XMPP connection on a test's Prosody: logged in, nothing else (no presence,
// no client logic), for tests that play someone who writes stanzas by hand.
#pragma once

#include "client/xmpp/XmppConnection.h"
#include "tests/support/ProsodyServer.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <memory>

namespace cloison::test {

// Connected and logged in as `jid`/`resource`; `online` follows the connection.
inline std::unique_ptr<xmpp::XmppConnection>
rawConnection(const ProsodyServer& server, const std::string& jid, const std::string& password,
              const std::string& resource, std::atomic<bool>& online) {
    auto created = xmpp::XmppConnection::create(
        {jid, server.host(), server.port(), server.spkiSha256Hex(), false, resource},
        SecretBytes::fromString(password),
        {[&online] { online = true; }, [](std::string_view) {},
         [&online](const Error&, bool) {
             online = false;
         }});
    REQUIRE(created);
    auto connection = std::move(created).value();
    REQUIRE(connection->connect());
    for (int i = 0; i < 200 && !online; ++i)
        connection->runOnce(50);
    REQUIRE(online);
    return connection;
}

// Sends the stanzas a test writes, on the test's own thread. Without presence the server
// delivers it nothing stored offline.
class RawClient {
public:
    RawClient(const ProsodyServer& server, const std::string& jid, const std::string& password)
        : m_connection(rawConnection(server, jid, password, "raw", m_online)) {}
    ~RawClient() {
        m_connection->disconnect();
        for (int i = 0; i < 20 && m_online; ++i)
            m_connection->runOnce(25);
    }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    void send(const std::string& stanza) {
        REQUIRE(m_connection->send(stanza));
        for (int i = 0; i < 4; ++i)
            m_connection->runOnce(25);
    }

private:
    std::atomic<bool> m_online{false};
    std::unique_ptr<xmpp::XmppConnection> m_connection;
};

} // namespace cloison::test
