// Someone who found a canary's credentials (issue 14), logged in with them on a test's Prosody
// until destroyed: what `cloison-admin canary watch` must notice.
#pragma once

#include "client/xmpp/XmppConnection.h"
#include "tests/support/ProsodyServer.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

namespace cloison::test {

class Thief {
public:
    Thief(const ProsodyServer& server, const std::string& jid, const std::string& password) {
        auto created = xmpp::XmppConnection::create(
            {jid, server.host(), server.port(), server.spkiSha256Hex(), false, "stolen"},
            SecretBytes::fromString(password),
            {[this] { m_online = true; }, [](std::string_view) {},
             [this](const Error&, bool) {
                 m_online = false;
             }});
        REQUIRE(created);
        m_connection = std::move(created).value();
        REQUIRE(m_connection->connect());
        for (int i = 0; i < 200 && !m_online; ++i)
            m_connection->runOnce(50);
        REQUIRE(m_online);
        REQUIRE(m_connection->send("<presence/>"));
        m_pump = std::thread([this] {
            while (!m_stop)
                m_connection->runOnce(50);
            m_connection->disconnect();
            for (int i = 0; i < 20 && m_online; ++i)
                m_connection->runOnce(25);
        });
    }
    ~Thief() {
        m_stop = true;
        m_connection->wake();
        m_pump.join();
    }
    Thief(const Thief&) = delete;
    Thief& operator=(const Thief&) = delete;

private:
    std::unique_ptr<xmpp::XmppConnection> m_connection;
    std::atomic<bool> m_online{false};
    std::atomic<bool> m_stop{false};
    std::thread m_pump;
};

} // namespace cloison::test
