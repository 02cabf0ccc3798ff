// A test participant: a profile with one compartment and the OMEMO engine over its vault.
#pragma once

#include "client/omemo/OmemoEngine.h"
#include "client/profile/Profile.h"
#include "tests/support/FakeXmppServer.h"
#include "tests/support/TempDir.h"

#include <memory>
#include <string>

namespace cloison::test {

struct OmemoPeer {
    TempDir dir;
    std::unique_ptr<Profile> profile;
    storage::Vault* vault = nullptr;
    std::unique_ptr<omemo::OmemoEngine> engine;

    explicit OmemoPeer(const std::string& jid, omemo::EngineOptions options = {}) {
        auto created = Profile::create(dir / "profile", SecretBytes::fromString("pw"),
                                       Argon2idParams::light());
        if (!created)
            throw std::runtime_error(created.error().message);
        profile = std::move(created.value());
        if (auto added = profile->addCompartment("chat"); !added)
            throw std::runtime_error(added.error().message);
        vault = profile->compartmentVault("chat").value();
        auto opened = omemo::OmemoEngine::open(*vault, jid, std::move(options));
        if (!opened)
            throw std::runtime_error(opened.error().message);
        engine = std::move(opened.value());
    }
};

// Alice and bob, one device each, connected to one fake server and announced.
struct Pair {
    OmemoPeer alice{"alice@example.org"};
    OmemoPeer bob{"bob@example.org"};
    FakeXmppServer server;
    FakeDevice& a = server.connect("alice@example.org/laptop", *alice.engine);
    FakeDevice& b = server.connect("bob@example.org/laptop", *bob.engine);
    Pair() { server.run(); }
};

// The value of a result, or a test failure that says why.
template <typename T> T must(Result<T> result) {
    if (!result)
        throw std::runtime_error(result.error().message);
    return std::move(result).value();
}

// The events of one type a device has seen, oldest first.
inline std::vector<omemo::Event> eventsOf(const FakeDevice& device, omemo::EventType type) {
    std::vector<omemo::Event> out;
    for (const auto& event : device.events) {
        if (event.type == type)
            out.push_back(event);
    }
    return out;
}

inline std::vector<std::string> receivedTexts(const FakeDevice& device) {
    std::vector<std::string> out;
    for (const auto& event : eventsOf(device, omemo::EventType::MessageReceived))
        out.push_back(event.text);
    return out;
}

} // namespace cloison::test
