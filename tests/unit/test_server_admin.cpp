// The organisation's admin against a real Prosody on loopback (issue 5): accounts through
// XEP-0133, the compartment's room, and the device roster published for members to fetch.
#include "client/xmpp/ServerAdmin.h"
#include "tests/support/Files.h"
#include "tests/support/ProsodyServer.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace cloison;
using namespace cloison::test;

namespace {

std::unique_ptr<ProsodyServer> serverWith(std::vector<std::pair<std::string, std::string>> users) {
    ProsodyOptions options;
    options.accounts = std::move(users);
    return ProsodyServer::start(options);
}

xmpp::AccountSettings accountOn(const ProsodyServer& server, const std::string& jid) {
    return {jid, server.host(), server.port(), server.spkiSha256Hex(), false, "admin-test"};
}

Result<std::unique_ptr<xmpp::ServerAdmin>>
login(const ProsodyServer& server, const std::string& jid, const std::string& password) {
    return xmpp::ServerAdmin::connect(accountOn(server, jid), SecretBytes::fromString(password));
}

Result<std::unique_ptr<xmpp::ServerAdmin>> login(const ProsodyServer& server,
                                                 const xmpp::ProvisionedAccount& account) {
    return xmpp::ServerAdmin::connect(accountOn(server, account.jid), account.password.copy());
}

bool hasFeature(const std::vector<std::string>& features, const std::string& feature) {
    return std::find(features.begin(), features.end(), feature) != features.end();
}

} // namespace

TEST_CASE("the admin creates pseudonymous accounts that log in, and the compartment's room") {
    auto server = serverWith({{"admin", "admin-password"}});
    auto admin = login(*server, "admin@localhost", "admin-password");
    REQUIRE(admin);

    std::vector<xmpp::ProvisionedAccount> members;
    for (int i = 0; i < 3; ++i) {
        auto created = admin.value()->createAccount();
        REQUIRE(created);
        members.push_back(std::move(created).value());
    }
    for (const auto& member : members) {
        // Random names on the admin's domain, random passwords, all different.
        CHECK(member.jid.size() == std::string("m@localhost").size() + 16);
        CHECK(member.jid.ends_with("@localhost"));
        CHECK(member.password.size() == 32);
        CHECK(std::count_if(members.begin(), members.end(),
                            [&](const auto& other) { return other.jid == member.jid; }) == 1);
        CHECK(std::count_if(members.begin(), members.end(), [&](const auto& other) {
                  return other.password.equals(member.password);
              }) == 1);
        // Each account logs in with its password.
        REQUIRE(login(*server, member));
    }

    const std::string room = "finance@" + server->roomsDomain();
    std::vector<std::string> jids;
    for (const auto& member : members)
        jids.push_back(member.jid);
    REQUIRE(admin.value()->createRoom(room, jids));
    auto features = admin.value()->roomFeatures(room);
    REQUIRE(features);
    CHECK(hasFeature(features.value(), "muc_membersonly"));
    CHECK(hasFeature(features.value(), "muc_nonanonymous"));
    CHECK(hasFeature(features.value(), "muc_persistent"));
    CHECK(hasFeature(features.value(), "muc_hidden"));

    // A member enters; an account that is no member is refused, and so is a member whose
    // affiliation was taken away.
    auto first = login(*server, members[0]);
    REQUIRE(first);
    REQUIRE(first.value()->enterRoom(room));
    auto outsider = admin.value()->createAccount();
    REQUIRE(outsider);
    auto stranger = login(*server, outsider.value());
    REQUIRE(stranger);
    auto refused = stranger.value()->enterRoom(room);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::PolicyRefused);
    CHECK(refused.error().message.find("registration-required") != std::string::npos);
    // Only the owner configures the room.
    CHECK_FALSE(first.value()->createRoom(room, {}));
    REQUIRE(admin.value()->removeMember(room, members[1].jid));
    auto removed = login(*server, members[1]);
    REQUIRE(removed);
    CHECK_FALSE(removed.value()->enterRoom(room));

    // No password reached the server's log (Prosody logs at debug level here).
    const Bytes logBytes = readFile(server->logFile());
    const std::string log(logBytes.begin(), logBytes.end());
    for (const auto& member : members)
        CHECK(log.find(std::string(member.password.view().begin(), member.password.view().end())) ==
              std::string::npos);
}

TEST_CASE("a non-admin cannot create or delete accounts, and is told why") {
    auto server = serverWith({{"admin", "admin-password"}, {"mallory", "mallory-password"}});
    auto mallory = login(*server, "mallory@localhost", "mallory-password");
    REQUIRE(mallory);
    auto created = mallory.value()->createAccount();
    REQUIRE_FALSE(created);
    CHECK(created.error().code == ErrorCode::PolicyRefused);
    CHECK(created.error().message.find("not an administrator") != std::string::npos);
    auto deleted = mallory.value()->deleteAccount("admin@localhost");
    REQUIRE_FALSE(deleted);
    CHECK(deleted.error().code == ErrorCode::PolicyRefused);
    // The admin's account is untouched.
    CHECK(login(*server, "admin@localhost", "admin-password"));
}

TEST_CASE("an existing account is not overwritten, and a deleted member can no longer log in") {
    auto server = serverWith({{"admin", "admin-password"}, {"bob", "bob-password"}});
    auto admin = login(*server, "admin@localhost", "admin-password");
    REQUIRE(admin);
    auto exists = admin.value()->createAccount("bob@localhost", SecretBytes::fromString("other"));
    REQUIRE_FALSE(exists);
    CHECK(exists.error().code == ErrorCode::AlreadyExists);
    CHECK(login(*server, "bob@localhost", "bob-password")); // bob's password did not change
    CHECK_FALSE(
        admin.value()->createAccount("bob@elsewhere.example", SecretBytes::fromString("x")));
    CHECK_FALSE(admin.value()->createAccount("<bad>@localhost", SecretBytes::fromString("x")));

    REQUIRE(admin.value()->deleteAccount("bob@localhost"));
    auto gone = login(*server, "bob@localhost", "bob-password");
    REQUIRE_FALSE(gone);
    CHECK(gone.error().code == ErrorCode::LoginRefused);
    auto again = admin.value()->deleteAccount("bob@localhost");
    REQUIRE_FALSE(again);
    CHECK(again.error().code == ErrorCode::NotFound);
}

TEST_CASE("the admin's roster blob reaches members, and nobody else can overwrite it") {
    auto server = serverWith({{"admin", "admin-password"}, {"bob", "bob-password"}});
    const std::string node = std::string(xmpp::kRosterNodePrefix) + "finance";
    auto admin = login(*server, "admin@localhost", "admin-password");
    REQUIRE(admin);

    // Nothing published yet: a clear NotFound.
    auto none =
        xmpp::fetchPublishedBlob(accountOn(*server, "bob@localhost"),
                                 SecretBytes::fromString("bob-password"), "admin@localhost", node);
    REQUIRE_FALSE(none);
    INFO(none.error().message);
    CHECK(none.error().code == ErrorCode::NotFound);

    Bytes blob(5000);
    for (std::size_t i = 0; i < blob.size(); ++i)
        blob[i] = static_cast<std::uint8_t>(i * 7);
    REQUIRE(admin.value()->publishBlob(node, blob));
    auto fetched =
        xmpp::fetchPublishedBlob(accountOn(*server, "bob@localhost"),
                                 SecretBytes::fromString("bob-password"), "admin@localhost", node);
    REQUIRE(fetched);
    CHECK(fetched.value() == blob);

    // A newer version replaces the old one: one item, the latest.
    const Bytes second{1, 2, 3};
    REQUIRE(admin.value()->publishBlob(node, second));
    CHECK(xmpp::fetchPublishedBlob(accountOn(*server, "bob@localhost"),
                                   SecretBytes::fromString("bob-password"), "admin@localhost", node)
              .value() == second);

    // Bob publishing "to" the admin's node writes nothing there (PEP nodes belong to their
    // account): refused, and the admin's blob stays.
    auto bob = login(*server, "bob@localhost", "bob-password");
    REQUIRE(bob);
    REQUIRE(bob.value()->publishBlob(node, Bytes{6, 6, 6})); // his own node of that name
    CHECK(xmpp::fetchPublishedBlob(accountOn(*server, "bob@localhost"),
                                   SecretBytes::fromString("bob-password"), "admin@localhost", node)
              .value() == second);

    CHECK_FALSE(admin.value()->publishBlob(node, Bytes(xmpp::kMaxBlobBytes + 1)));
}

TEST_CASE("a published blob answer that is malformed is refused clearly") {
    auto parse = [](const std::string& text) {
        return xmpp::parsePublishedBlob(xml::parse(text).value());
    };
    const std::string head = "<iq type='result' xmlns='jabber:client'><pubsub "
                             "xmlns='http://jabber.org/protocol/pubsub'><items node='n'>";
    const std::string tail = "</items></pubsub></iq>";
    CHECK(parse(head + "<item id='current'><blob xmlns='urn:cloison:blob:0'>AQID</blob></item>" +
                tail)
              .value() == Bytes{1, 2, 3});
    CHECK(parse(head + tail).error().code == ErrorCode::NotFound);
    CHECK(
        parse(head + "<item id='current'><blob xmlns='urn:cloison:blob:0'>!!</blob></item>" + tail)
            .error()
            .message.find("base64") != std::string::npos);
    CHECK(parse(head + "<item id='current'><other/></item>" + tail).error().code ==
          ErrorCode::InvalidArgument);
    CHECK(parse(head + "<item id='a'><blob xmlns='urn:cloison:blob:0'>AQID</blob></item>" +
                "<item id='b'><blob xmlns='urn:cloison:blob:0'>AQID</blob></item>" + tail)
              .error()
              .code == ErrorCode::InvalidArgument);
    CHECK(parse(head + "<item id='current'><blob xmlns='urn:cloison:blob:0'>" +
                std::string(xmpp::kMaxBlobBytes / 3 * 4 + 8, 'A') + "</blob></item>" + tail)
              .error()
              .message.find("too large") != std::string::npos);
    CHECK(parse("<iq type='error' xmlns='jabber:client'><error type='cancel'><item-not-found "
                "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
              .error()
              .code == ErrorCode::NotFound);
    CHECK(parse("<iq type='error' xmlns='jabber:client'><error type='auth'><forbidden "
                "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
              .error()
              .code == ErrorCode::NotFound);
    CHECK(parse("<iq type='error' xmlns='jabber:client'><error type='wait'><resource-constraint "
                "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>")
              .error()
              .code == ErrorCode::InvalidArgument);
}
