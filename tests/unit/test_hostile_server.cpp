// A server that attacks its own users (tests/support/prosody/mod_cloison_hostile.lua): replays,
// forgeries, hostile XML, cut connections and withheld acknowledgements. In each case the
// client stays up, stores nothing forged and loses nothing genuine.
#include "client/audit/AuditVerifier.h"
#include "client/audit/KeyEventLog.h"
#include "client/omemo/Xml.h"
#include "client/xmpp/XmppConnection.h"
#include "storage/MessageRepository.h"
#include "storage/OutboxRepository.h"
#include "tests/support/XmppParty.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace cloison;
using namespace cloison::test;
using Type = xmpp::ServiceEvent::Type;

namespace {

constexpr auto kQuiet = std::chrono::seconds(2);

// The test's hand on the hostile module: commands go as messages from mallory@localhost.
class HostileServer {
public:
    explicit HostileServer(const ProsodyServer& server) {
        auto created = xmpp::XmppConnection::create(
            {"mallory@localhost", server.host(), server.port(), server.spkiSha256Hex(), false,
             "control"},
            SecretBytes::fromString("mallory-password"),
            {[this] { m_online = true; },
             [this](std::string_view stanza) { m_answers.emplace_back(stanza); },
             [](const Error&, bool) {
             }});
        REQUIRE(created);
        m_connection = std::move(created).value();
        REQUIRE(m_connection->connect());
        REQUIRE(runUntil([this] { return m_online; }));
    }
    ~HostileServer() { m_connection->disconnect(); }

    // attributes: e.g. "to='bob@localhost'"; content: XML (inject) or escaped text (raw).
    void command(const std::string& action, const std::string& attributes,
                 const std::string& content = {}) {
        const std::string id = "hostile-" + std::to_string(++m_counter);
        REQUIRE(m_connection->send("<message to='localhost' id='" + id +
                                   "'><hostile xmlns='urn:cloison:test:hostile' action='" + action +
                                   "' " + attributes + ">" + content + "</hostile></message>"));
        REQUIRE(runUntil([&] {
            return std::any_of(m_answers.begin(), m_answers.end(), [&](const std::string& answer) {
                return answer.find("id=\"" + id + "\"") != std::string::npos;
            });
        }));
    }

private:
    template <typename Done> bool runUntil(Done done) {
        for (int i = 0; i < 400 && !done(); ++i)
            m_connection->runOnce(25);
        return done();
    }

    std::unique_ptr<xmpp::XmppConnection> m_connection;
    std::vector<std::string> m_answers;
    bool m_online = false;
    int m_counter = 0;
};

std::unique_ptr<ProsodyServer> hostileServerFor(std::initializer_list<const char*> users) {
    ProsodyOptions options;
    options.hostileController = "mallory";
    options.accounts.emplace_back("mallory", "mallory-password");
    return serverFor(users, options);
}

std::int64_t storedCount(XmppParty& party) {
    return storage::MessageRepository(*party.vault).count().value();
}

std::vector<audit::KeyEvent> logOf(XmppParty& party) {
    party.service.reset(); // the vault belongs to the service's thread while it runs
    auto log = audit::KeyEventLog::open(*party.vault, party.compartmentId);
    REQUIRE(log);
    const auto report = audit::verifyAuditLog(log.value().exportJsonLines().value());
    REQUIRE(report.ok);
    return report.events;
}

// Alice and Bob online, with a session between them and `count` messages delivered.
void startExchange(const ProsodyServer& server, XmppParty& alice, XmppParty& bob, int count,
                   xmpp::ServiceOptions aliceOptions = {}) {
    bob.connect(server);
    alice.connect(server, aliceOptions);
    REQUIRE(bob.await(Type::Ready));
    REQUIRE(alice.await(Type::Ready));
    std::vector<std::string> sent;
    for (int i = 0; i < count; ++i) {
        sent.push_back("genuine " + std::to_string(i));
        REQUIRE(alice.sendUntilDelivered(bob.jid, sent.back()));
    }
    REQUIRE(bob.received(sent.size()) == sent);
}

} // namespace

TEST_CASE("messages the server replays are not stored or shown twice") {
    auto server = hostileServerFor({"alice", "bob"});
    HostileServer hostile(*server);
    XmppParty alice("alice"), bob("bob");
    startExchange(*server, alice, bob, 3);

    hostile.command("replay", "to='bob@localhost'");
    alice.service->send(bob.jid, "after the replay");
    REQUIRE(bob.received(4).back() == "after the replay");
    CHECK_FALSE(bob.await(Type::MessageReceived, kQuiet));
    CHECK(storedCount(bob) == 4);
}

TEST_CASE("a message the server copies into another compartment's account is refused there") {
    // Carol's compartment is another account; the server hands her a message that Alice
    // encrypted for Bob, addressed to Carol. She cannot read it, stores nothing, and logs it.
    auto server = hostileServerFor({"alice", "bob", "carol"});
    HostileServer hostile(*server);
    XmppParty alice("alice"), bob("bob"), carol("carol");
    startExchange(*server, alice, bob, 1);
    carol.connect(*server);
    REQUIRE(carol.await(Type::Ready));

    const auto archived = server->archivedStanzas();
    auto forMe = std::find_if(archived.rbegin(), archived.rend(), [](const std::string& stanza) {
        return stanza.find("<encrypted") != std::string::npos &&
               stanza.find("bob@localhost") != std::string::npos;
    });
    REQUIRE(forMe != archived.rend());
    std::string forged = *forMe;
    for (std::size_t at = forged.find("bob@localhost"); at != std::string::npos;
         at = forged.find("bob@localhost", at))
        forged.replace(at, 13, "carol@localhost");
    forged.replace(forged.find(" id="), 4, " id='forged' x-old-id=");
    hostile.command("inject", "to='carol@localhost'", forged);

    auto rejected = carol.await(Type::MessageRejected);
    REQUIRE(rejected);
    CHECK_FALSE(rejected->error.message.empty());
    CHECK_FALSE(carol.await(Type::MessageReceived, kQuiet));
    CHECK(storedCount(carol) == 0);
    const auto events = logOf(carol);
    CHECK(std::any_of(events.begin(), events.end(), [](const audit::KeyEvent& event) {
        return event.type == audit::event::kMessageRefused &&
               event.subject.starts_with("alice@localhost");
    }));
}

TEST_CASE("oversized and deeply nested XML from the server leaves the client up, storing nothing") {
    auto server = hostileServerFor({"alice", "bob"});
    HostileServer hostile(*server);
    XmppParty alice("alice"), bob("bob");
    startExchange(*server, alice, bob, 1);

    constexpr int kDepth = 2000;
    std::string deep = "<message from='alice@localhost/cloison' to='bob@localhost' id='deep'>";
    for (int i = 0; i < kDepth; ++i)
        deep += "<x>";
    for (int i = 0; i < kDepth; ++i)
        deep += "</x>";
    deep += "</message>";
    hostile.command("raw", "to='bob@localhost'", xml::escapeText(deep));
    const std::string big = "<message from='alice@localhost/cloison' to='bob@localhost' "
                            "id='big'><encrypted xmlns='eu.siacs.conversations.axolotl'><header "
                            "sid='1'><iv>AAAA</iv></header><payload>"
                            "@PAD@</payload></encrypted></message>";
    hostile.command("raw", "to='bob@localhost' pad='4194304'", xml::escapeText(big));

    alice.service->send(bob.jid, "still here");
    REQUIRE(bob.received(2).back() == "still here");
    CHECK(storedCount(bob) == 2);
    // Each was refused by name, with what was wrong with it.
    std::vector<std::string> reasons;
    for (const auto& event : bob.seen)
        if (event.type == Type::MessageRejected)
            reasons.push_back(event.error.message);
    REQUIRE(reasons.size() == 2);
    CHECK(reasons[0].find("deep") != std::string::npos);
    CHECK(reasons[1].find("bytes") != std::string::npos);
}

TEST_CASE("a connection the server cuts mid-stanza comes back and loses nothing") {
    auto server = hostileServerFor({"alice", "bob"});
    HostileServer hostile(*server);
    XmppParty alice("alice"), bob("bob");
    startExchange(*server, alice, bob, 1);

    hostile.command("raw", "to='bob@localhost' close='true'",
                    xml::escapeText("<message from='alice@localhost/cloison' to='bob@localhost' "
                                    "id='cut'><body>half a mess"));
    auto offline = bob.await(Type::Offline);
    REQUIRE(offline);
    CHECK(offline->retrying);
    alice.service->send(bob.jid, "after the cut");
    REQUIRE(bob.await(Type::Online));
    REQUIRE(bob.received(2).back() == "after the cut");
    CHECK_FALSE(bob.await(Type::MessageReceived, kQuiet));
    CHECK(storedCount(bob) == 2);
}

TEST_CASE("a message the server never acknowledges stays in the outbox until it does") {
    auto server = hostileServerFor({"alice", "bob"});
    HostileServer hostile(*server);
    XmppParty alice("alice"), bob("bob");
    xmpp::ServiceOptions impatient;
    impatient.ackTimeoutSeconds = 2;
    startExchange(*server, alice, bob, 1, impatient);

    hostile.command("withhold", "jid='alice@localhost' on='true'");
    const std::string id = alice.service->send(bob.jid, "withheld");
    REQUIRE(bob.received(2).back() == "withheld"); // the server did pass it on
    // Alice cannot know that: no acknowledgement, so the message stays hers to resend, and she
    // drops the silent connection.
    CHECK_FALSE(alice.await(Type::MessageDelivered, std::chrono::seconds(3)));
    CHECK(alice.await(Type::Offline));

    hostile.command("withhold", "jid='alice@localhost' on='false'");
    auto delivered = alice.await(Type::MessageDelivered);
    REQUIRE(delivered);
    CHECK(delivered->stanzaId == id);
    // The resend reached Bob as the same stanza: he keeps one copy.
    CHECK_FALSE(bob.await(Type::MessageReceived, kQuiet));
    CHECK(storedCount(bob) == 2);
    alice.service.reset();
    CHECK(storage::OutboxRepository(*alice.vault).pending().value().empty());
}
