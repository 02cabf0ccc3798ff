// Issue 5 end to end, as an admin and three staff do it, against a real Prosody: org init,
// enrolment, compartment create (accounts and room over XEP-0133 and XEP-0045, the roster on
// the admin's PEP node), import, certification, roster fetch, then a certified exchange in
// the compartment's room in strict mode.
#include "client/profile/Profile.h"
#include "client/xmpp/AccountStore.h"
#include "client/xmpp/CompartmentService.h"
#include "tests/support/Files.h"
#include "tests/support/Process.h"
#include "tests/support/ProsodyServer.h"
#include "tests/support/StaffTools.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <set>

using namespace cloison;
using test::admin;
using test::member;
using test::ProcessResult;
using test::require;
using Type = xmpp::ServiceEvent::Type;

namespace {

const std::vector<std::string> kStaff = {"alice", "bob", "carol"};

// One member's provisioned compartment, running in this process.
struct Running {
    std::unique_ptr<Profile> profile;
    std::unique_ptr<xmpp::CompartmentService> service;
    std::vector<xmpp::ServiceEvent> received;

    Running(const test::TempDir& dir, const std::string& who) {
        profile = Profile::unlock(dir / who, SecretBytes::fromString(who + " passphrase")).value();
        storage::Vault* vault = profile->compartmentVault("finance").value();
        auto account = xmpp::loadAccount(*vault);
        REQUIRE(account);
        CHECK(account.value().trust == xmpp::TrustMode::Strict);
        REQUIRE_FALSE(account.value().room.empty());
        xmpp::ServiceOptions options{profile->compartments().value().front().id,
                                     account.value().trust, account.value().room};
        auto started = xmpp::CompartmentService::start(*vault, account.value().settings,
                                                       std::move(account.value().password),
                                                       std::move(options));
        REQUIRE(started);
        service = std::move(started).value();
    }

    // Reads events for up to `wait`; true once `text` has been received.
    bool receives(const std::string& text, std::chrono::milliseconds wait) {
        const auto deadline = std::chrono::steady_clock::now() + wait;
        auto has = [&] {
            return std::any_of(received.begin(), received.end(),
                               [&](const auto& event) { return event.text == text; });
        };
        while (!has() && std::chrono::steady_clock::now() < deadline) {
            auto event = service->nextEvent(std::chrono::milliseconds(100));
            if (event && event->type == Type::MessageReceived)
                received.push_back(*event);
        }
        return has();
    }
};

// Sends to the room until every other member has the message: a member's device reaches the
// others' view of the room only once it has joined and published its keys.
bool roomExchange(std::vector<std::unique_ptr<Running>>& staff, std::size_t from,
                  const std::string& text) {
    for (int attempt = 0; attempt < 20; ++attempt) {
        const std::string numbered = text + " #" + std::to_string(attempt);
        staff[from]->service->sendToRoom(numbered);
        bool all = true;
        for (std::size_t i = 0; i < staff.size(); ++i)
            if (i != from)
                all = staff[i]->receives(numbered, std::chrono::seconds(3)) && all;
        if (all)
            return true;
    }
    return false;
}

} // namespace

TEST_CASE("org init, enrolment, compartment create, import: three staff talk in a certified room") {
    test::ProsodyOptions serverOptions;
    serverOptions.accounts.emplace_back("admin", "admin-password");
    auto server = test::ProsodyServer::start(serverOptions);
    test::TempDir dir;

    const auto organisation = test::createFinance(dir, *server, kStaff, {"--label", "Finance"});
    const std::string& fingerprint = organisation.fingerprint;
    const ProcessResult& created = organisation.created;
    CHECK_THAT(created.out, Catch::Contains("created compartment finance"));
    // Account names are random: none names the person it belongs to.
    for (const std::string& who : kStaff)
        CHECK(created.out.find("account " + who) == std::string::npos);

    test::importAndCertify(dir, fingerprint, kStaff);
    for (const std::string& who : kStaff) {
        auto fetched = member(
            dir, who, {"roster", "fetch", "--compartment", "finance", "--from", "admin@localhost"});
        require(fetched);
        CHECK(fetched.out == "roster version 4: 3 certified, 0 revoked\n");
        auto again = member(
            dir, who, {"roster", "fetch", "--compartment", "finance", "--from", "admin@localhost"});
        CHECK(again.out == "roster version 4 is current\n");
    }

    std::vector<std::unique_ptr<Running>> staff;
    for (const std::string& who : kStaff)
        staff.push_back(std::make_unique<Running>(dir, who));
    REQUIRE(roomExchange(staff, 0, "the budget is in the safe"));
    REQUIRE(roomExchange(staff, 1, "understood"));
    for (const auto& running : staff)
        for (const auto& event : running->received) {
            CHECK(event.trusted); // every sender's device is certified by the organisation
            CHECK(event.conversation.ends_with("@" + server->roomsDomain()));
        }
    // What the server archived of the room is ciphertext only.
    for (const std::string& stanza : server->archivedStanzas("muc_log"))
        CHECK(stanza.find("the budget is in the safe") == std::string::npos);
}
