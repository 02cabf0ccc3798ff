#include "tests/support/XmppParty.h"

#include <catch2/catch.hpp>

#include <thread>

namespace cloison::test {

XmppParty::XmppParty(std::string name) : user(name), jid(name + "@localhost") {
    profile =
        Profile::create(dir / "profile", SecretBytes::fromString("pw"), Argon2idParams::light())
            .value();
    compartmentId = profile->addCompartment("chat").value().id;
    vault = profile->compartmentVault("chat").value();
}

void XmppParty::connect(const ProsodyServer& server, xmpp::ServiceOptions options) {
    xmpp::AccountSettings account;
    account.jid = jid;
    account.host = server.host();
    account.port = server.port();
    account.pin = server.spkiSha256Hex();
    options.compartmentId = compartmentId;
    auto started = xmpp::CompartmentService::start(
        *vault, account, SecretBytes::fromString(user + "-password"), std::move(options));
    REQUIRE(started);
    service = std::move(started).value();
}

std::optional<xmpp::ServiceEvent> XmppParty::await(Type type, std::chrono::milliseconds wait) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < deadline) {
        auto event = service->nextEvent(std::chrono::milliseconds(100));
        if (!event)
            continue;
        seen.push_back(*event);
        if (event->type == type)
            return event;
    }
    return std::nullopt;
}

std::vector<std::string> XmppParty::received(std::size_t count) {
    std::vector<std::string> texts;
    for (const auto& event : seen)
        if (event.type == Type::MessageReceived)
            texts.push_back(event.text);
    while (texts.size() < count) {
        auto event = await(Type::MessageReceived);
        if (!event)
            break;
        texts.push_back(event->text);
    }
    return texts;
}

bool XmppParty::sendUntilDelivered(const std::string& to, const std::string& text) {
    for (int attempt = 0; attempt < 50; ++attempt) {
        const std::string id = service->send(to, text);
        auto event = await(Type::MessageDelivered, std::chrono::seconds(2));
        bool refused = false;
        for (const auto& earlier : seen)
            refused =
                refused || (earlier.type == Type::MessageUndeliverable && earlier.stanzaId == id);
        if (event && event->stanzaId == id && !refused)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

std::unique_ptr<ProsodyServer> serverFor(std::initializer_list<const char*> users,
                                         ProsodyOptions options) {
    for (const char* user : users)
        options.accounts.emplace_back(user, std::string(user) + "-password");
    return ProsodyServer::start(options);
}

} // namespace cloison::test
