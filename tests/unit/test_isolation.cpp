// DESIGN.md's isolation invariants, one test each, for one person with two compartments in one
// profile (two accounts on a real Prosody) and a colleague who talks to both. Invariant 3
// (nothing moves between compartments through the client) lives in the app: test_ui's draft
// and clipboard tests. Invariant 2's first half (a vault does not open with another
// compartment's key) is test_profile's swapped-vault test and test_trust's breach drill.
#include "client/audit/KeyEventLog.h"
#include "client/xmpp/AccountStore.h"
#include "storage/CertifiedDeviceRepository.h"
#include "storage/MessageRepository.h"
#include "storage/OmemoStore.h"
#include "tests/support/ServiceParty.h"

#include <catch2/catch.hpp>

#include <map>

using namespace cloison;
using namespace cloison::test;
using Type = xmpp::ServiceEvent::Type;

namespace {

const std::vector<std::string> kCompartments = {"finance", "speeches"};

// One person, one profile, compartments "finance" (account finance@localhost) and "speeches"
// (account speeches@localhost), each running its own service.
struct Person {
    TempDir dir;
    std::unique_ptr<Profile> profile;
    std::map<std::string, std::unique_ptr<Party>> compartments;

    explicit Person(const ProsodyServer& server) {
        profile =
            Profile::create(dir / "profile", SecretBytes::fromString("pw"), Argon2idParams::light())
                .value();
        for (const std::string& name : kCompartments) {
            auto party = std::make_unique<Party>(name);
            // The compartment lives in this person's profile, not in the Party's own.
            party->compartmentId = profile->addCompartment(name).value().id;
            party->vault = profile->compartmentVault(name).value();
            xmpp::StoredAccount account;
            account.settings = {party->jid, server.host(), server.port(), server.spkiSha256Hex()};
            account.password = SecretBytes::fromString(party->password);
            REQUIRE(xmpp::saveAccount(*party->vault, account));
            party->connect(server);
            compartments[name] = std::move(party);
        }
        for (auto& [name, party] : compartments)
            REQUIRE(party->await(Type::Ready));
    }
    Party& operator[](const std::string& name) { return *compartments.at(name); }
    void stop() {
        for (auto& [name, party] : compartments)
            party->service.reset(); // the vaults belong to the services' threads until then
    }
};

std::unique_ptr<ProsodyServer> serverForUs() {
    ProsodyOptions options;
    for (const char* user : {"finance", "speeches", "bob"})
        options.accounts.emplace_back(user, std::string(user) + "-password");
    return ProsodyServer::start(options);
}

storage::OmemoIdentityRecord identityOf(storage::Vault& vault) {
    auto identity = storage::OmemoStore(vault).identity();
    REQUIRE(identity);
    REQUIRE(identity.value());
    return std::move(*identity.value());
}

} // namespace

TEST_CASE("invariant 1: no key, password, identity or session is shared between compartments") {
    auto server = serverForUs();
    Person alice(*server);
    Party bob("bob");
    bob.connect(*server);
    REQUIRE(bob.await(Type::Ready));
    for (const std::string& name : kCompartments) {
        REQUIRE(sendAndConfirm(bob, alice[name].jid, "to " + name));
        REQUIRE(alice[name].received(1) == std::vector<std::string>{"to " + name});
    }
    alice.stop();

    storage::Vault& finance = *alice["finance"].vault;
    storage::Vault& speeches = *alice["speeches"].vault;
    const auto financeIdentity = identityOf(finance);
    const auto speechesIdentity = identityOf(speeches);
    CHECK(financeIdentity.publicKey != speechesIdentity.publicKey);
    CHECK(financeIdentity.deviceId != speechesIdentity.deviceId);
    CHECK(financeIdentity.registrationId != speechesIdentity.registrationId);
    CHECK_FALSE(
        equalConstantTime(financeIdentity.privateKey.view(), speechesIdentity.privateKey.view()));
    // The key-event logs are signed by different keys.
    CHECK(audit::KeyEventLog::open(finance, alice["finance"].compartmentId).value().publicKey() !=
          audit::KeyEventLog::open(speeches, alice["speeches"].compartmentId).value().publicKey());
    // Each holds its own account and password, and only its own.
    auto financeAccount = xmpp::loadAccount(finance);
    auto speechesAccount = xmpp::loadAccount(speeches);
    REQUIRE(financeAccount);
    REQUIRE(speechesAccount);
    CHECK(financeAccount.value().settings.jid == "finance@localhost");
    CHECK(speechesAccount.value().settings.jid == "speeches@localhost");
    CHECK_FALSE(equalConstantTime(financeAccount.value().password.view(),
                                  speechesAccount.value().password.view()));
    // Bob's sessions: one per compartment, with different state, each only in its own vault.
    bob.service.reset();
    const std::uint32_t bobDevice = identityOf(*bob.vault).deviceId;
    auto financeSession = storage::OmemoStore(finance).session(bob.jid, bobDevice);
    auto speechesSession = storage::OmemoStore(speeches).session(bob.jid, bobDevice);
    REQUIRE(financeSession);
    REQUIRE(speechesSession);
    REQUIRE(financeSession.value());
    REQUIRE(speechesSession.value());
    CHECK_FALSE(equalConstantTime(financeSession.value()->view(), speechesSession.value()->view()));
}

TEST_CASE("invariant 2: a message that arrives on compartment A's account is stored only in A") {
    auto server = serverForUs();
    Person alice(*server);
    Party bob("bob");
    bob.connect(*server);
    REQUIRE(bob.await(Type::Ready));
    REQUIRE(sendAndConfirm(bob, alice["finance"].jid, "finance only"));
    REQUIRE(alice["finance"].received(1) == std::vector<std::string>{"finance only"});
    CHECK_FALSE(alice["speeches"].await(Type::MessageReceived, std::chrono::seconds(2)));
    alice.stop();
    CHECK(storage::MessageRepository(*alice["finance"].vault).count().value() == 1);
    CHECK(storage::MessageRepository(*alice["speeches"].vault).count().value() == 0);
}

TEST_CASE("invariant 4: the same person in two compartments is two unrelated identities") {
    auto server = serverForUs();
    Person alice(*server);
    Party bob("bob");
    bob.connect(*server);
    REQUIRE(bob.await(Type::Ready));
    for (const std::string& name : kCompartments)
        REQUIRE(sendAndConfirm(alice[name], bob.jid, "from " + name));
    const auto bobReceived = bob.received(2);
    INFO("bob saw:\n" << bob.describeSeen());
    REQUIRE(bobReceived.size() == 2);
    alice.stop();
    bob.service.reset();

    // What bob's client knows of her: two accounts, two devices, two identity keys, and
    // nothing that links them (the account names are all the server and bob see).
    storage::OmemoStore bobStore(*bob.vault);
    std::vector<Bytes> keysBobHolds;
    for (const std::string& name : kCompartments) {
        const auto identity = identityOf(*alice[name].vault);
        auto held = bobStore.peerIdentity(alice[name].jid, identity.deviceId);
        REQUIRE(held);
        REQUIRE(held.value());
        CHECK(*held.value() == identity.publicKey);
        keysBobHolds.push_back(*held.value());
    }
    CHECK(keysBobHolds[0] != keysBobHolds[1]);
    // Trust is per compartment: certifying bob's device in finance certifies nothing in
    // speeches.
    const auto bobIdentity = identityOf(*bob.vault);
    REQUIRE(storage::CertifiedDeviceRepository(*alice["finance"].vault)
                .replaceAll(2, {{bob.jid, bobIdentity.deviceId, bobIdentity.publicKey}}));
    CHECK(storage::CertifiedDeviceRepository(*alice["finance"].vault)
              .isCertified(bob.jid, bobIdentity.deviceId, bobIdentity.publicKey)
              .value());
    CHECK_FALSE(storage::CertifiedDeviceRepository(*alice["speeches"].vault)
                    .isCertified(bob.jid, bobIdentity.deviceId, bobIdentity.publicKey)
                    .value());
}
