// One person's compartment talking through a real Prosody in a test: a fresh profile with one
// compartment, its CompartmentService, and every event it has produced so far.
#pragma once

#include "client/profile/Profile.h"
#include "client/xmpp/CompartmentService.h"
#include "tests/support/ProsodyServer.h"
#include "tests/support/TempDir.h"

#include <chrono>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cloison::test {

struct XmppParty {
    using Type = xmpp::ServiceEvent::Type;
    static constexpr std::chrono::seconds kWait{20};

    std::string user; // the account is USER@localhost with the password "USER-password"
    std::string jid;
    TempDir dir;
    std::unique_ptr<Profile> profile;
    storage::Vault* vault = nullptr;
    std::string compartmentId;
    std::unique_ptr<xmpp::CompartmentService> service;
    std::vector<xmpp::ServiceEvent> seen;

    explicit XmppParty(std::string name);
    // Starts the service against `server`; `options.compartmentId` is filled in.
    void connect(const ProsodyServer& server, xmpp::ServiceOptions options = {});
    // Waits for an event of this type, keeping every event seen on the way.
    std::optional<xmpp::ServiceEvent> await(Type type, std::chrono::milliseconds wait = kWait);
    // The texts received so far, waiting for more until there are `count` (or kWait passes).
    std::vector<std::string> received(std::size_t count);
    // The peer's device announcement may still be on its way when a test starts: a send before
    // it lands is refused as undeliverable (and leaves the outbox), so try again as a person
    // would. Returns whether the server took the message.
    bool sendUntilDelivered(const std::string& to, const std::string& text);
};

// A server with USER@localhost / "USER-password" for each user.
std::unique_ptr<ProsodyServer> serverFor(std::initializer_list<const char*> users,
                                         ProsodyOptions options = {});

} // namespace cloison::test
