// Someone who found a canary's credentials (issue 14), logged in with them on a test's Prosody
// until destroyed: what `cloison-admin canary watch` must notice.
#pragma once

#include "tests/support/RawConnection.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

namespace cloison::test {

class Thief {
public:
    Thief(const ProsodyServer& server, const std::string& jid, const std::string& password)
        : m_connection(rawConnection(server, jid, password, "stolen", m_online)) {
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
    std::atomic<bool> m_online{false}; // before the connection, which reports into it
    std::unique_ptr<xmpp::XmppConnection> m_connection;
    std::atomic<bool> m_stop{false};
    std::thread m_pump;
};

} // namespace cloison::test
