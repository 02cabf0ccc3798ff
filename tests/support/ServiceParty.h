// A compartment of its own (profile, vault, CompartmentService) for tests against a real
// Prosody: connects as `user`@localhost, keeps every event it has seen, and waits for events
// in bounded loops.
#pragma once

#include "client/profile/Profile.h"
#include "client/xmpp/CompartmentService.h"
#include "crypto/Hash.h"
#include "storage/Schemas.h"
#include "tests/support/ProsodyServer.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace cloison::test {

inline constexpr auto kWait = std::chrono::seconds(20);

// A Prosody with these accounts, each with the password USER-password (as Party uses).
inline std::unique_ptr<ProsodyServer> serverFor(std::initializer_list<const char*> users) {
    ProsodyOptions options;
    for (const char* user : users)
        options.accounts.emplace_back(user, std::string(user) + "-password");
    return ProsodyServer::start(options);
}

// Waits for an event of this type from `compartment`, keeping every event seen on the way.
inline std::optional<xmpp::ServiceEvent> awaitEvent(xmpp::Compartment& compartment,
                                                    std::vector<xmpp::ServiceEvent>& seen,
                                                    xmpp::ServiceEvent::Type type,
                                                    std::chrono::milliseconds wait = kWait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
        auto event = compartment.nextEvent(std::chrono::milliseconds(100));
        if (!event)
            continue;
        seen.push_back(*event);
        if (event->type == type)
            return event;
    }
    return std::nullopt;
}

// Events seen, for a failure message: types, peers, ids and errors, never message text.
inline std::string describeEvents(const std::vector<xmpp::ServiceEvent>& seen) {
    std::string out;
    for (const auto& event : seen)
        out += std::to_string(static_cast<int>(event.type)) + " from=" + event.from +
               " id=" + event.stanzaId +
               (event.error.message.empty() ? "" : " error=" + event.error.message) + "\n";
    return out;
}

// The texts of the messages received among `seen`, then awaited until there are `count`.
inline std::vector<std::string> receivedTexts(xmpp::Compartment& compartment,
                                              std::vector<xmpp::ServiceEvent>& seen,
                                              std::size_t count) {
    std::vector<std::string> texts;
    for (const auto& event : seen)
        if (event.type == xmpp::ServiceEvent::Type::MessageReceived)
            texts.push_back(event.text);
    while (texts.size() < count) {
        auto event = awaitEvent(compartment, seen, xmpp::ServiceEvent::Type::MessageReceived);
        if (!event)
            break;
        texts.push_back(event->text);
    }
    return texts;
}

struct Party {
    std::string user;
    std::string jid;
    TempDir dir;
    std::unique_ptr<Profile> profile;
    std::unique_ptr<storage::Vault> ownVault; // a vault outside any profile, with a known key
    storage::Vault* vault = nullptr;
    std::string compartmentId;
    std::unique_ptr<xmpp::CompartmentService> service;
    std::vector<xmpp::ServiceEvent> seen;

    std::string password;
    xmpp::TrustMode trust = xmpp::TrustMode::Manual;
    std::string resource = "cloison"; // another device of the same account needs another
    int ackTimeoutSeconds = 30;

    explicit Party(std::string name)
        : user(name), jid(name + "@localhost"), password(name + "-password") {
        profile =
            Profile::create(dir / "profile", SecretBytes::fromString("pw"), Argon2idParams::light())
                .value();
        compartmentId = profile->addCompartment("chat").value().id;
        vault = profile->compartmentVault("chat").value();
    }

    // A compartment vault of its own, keyed with `vaultKey`, outside any profile: for tests
    // that hand a compartment's key to an attacker.
    Party(std::string name, const SecretBytes& vaultKey)
        : user(name), jid(name + "@localhost"), password(name + "-password") {
        ownVault =
            storage::Vault::create(dir / "compartment.db", vaultKey, storage::compartmentSchema())
                .value();
        vault = ownVault.get();
        compartmentId = randomId();
    }

    void connect(const ProsodyServer& server, std::string pin = {}, std::string room = {}) {
        xmpp::ServiceOptions options{compartmentId, trust, room};
        options.ackTimeoutSeconds = ackTimeoutSeconds;
        connectWith(server, std::move(options), std::move(pin));
    }

    // The same with options of the test's own making (roster, retention, clock).
    void connectWith(const ProsodyServer& server, xmpp::ServiceOptions options,
                     std::string pin = {}) {
        xmpp::AccountSettings account;
        account.jid = jid;
        account.host = server.host();
        account.port = server.port();
        account.pin = pin.empty() ? server.spkiSha256Hex() : pin;
        account.resource = resource;
        auto started = xmpp::CompartmentService::start(
            *vault, account, SecretBytes::fromString(password), std::move(options));
        REQUIRE(started);
        service = std::move(started).value();
    }

    // Waits for an event of this type, keeping every event seen on the way.
    std::optional<xmpp::ServiceEvent> await(xmpp::ServiceEvent::Type type,
                                            std::chrono::milliseconds wait = kWait) {
        return awaitEvent(*service, seen, type, wait);
    }
    std::string describeSeen() const { return describeEvents(seen); }
    std::vector<std::string> received(std::size_t count) {
        return receivedTexts(*service, seen, count);
    }
};

// Connects each party and waits until each has announced its device (Ready).
inline void connectReady(const ProsodyServer& server, std::initializer_list<Party*> parties) {
    for (Party* party : parties)
        party->connect(server);
    for (Party* party : parties)
        REQUIRE(party->await(xmpp::ServiceEvent::Type::Ready));
}

// Sends one message and waits until the server has it; false when it is refused (the peer has
// no reachable device) or not acknowledged in time.
inline bool sendAndConfirm(Party& from, const std::string& to, const std::string& text,
                           std::chrono::milliseconds wait = kWait) {
    const std::string id = from.service->send(to, text);
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
        auto event = from.service->nextEvent(std::chrono::milliseconds(100));
        if (!event)
            continue;
        from.seen.push_back(*event);
        if (event->stanzaId == id && event->type == xmpp::ServiceEvent::Type::MessageDelivered)
            return true;
        if (event->stanzaId == id && event->type == xmpp::ServiceEvent::Type::MessageUndeliverable)
            return false;
    }
    return false;
}

// For a peer whose Ready the test cannot see (a separate process): until its device
// announcement has landed, a message to it is refused; try again as a person would.
inline bool sendUntilDelivered(Party& from, const std::string& to, const std::string& text) {
    for (int attempt = 0; attempt < 50; ++attempt) {
        if (sendAndConfirm(from, to, text, std::chrono::seconds(2)))
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

} // namespace cloison::test
