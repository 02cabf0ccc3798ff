// Stanza ids, dedupe, carbons (XEP-0280) and archive catch-up (XEP-0313) in the OMEMO engine,
// offline through the fake server: every copy of a message is stored once, forged copies are
// refused, and catch-up resumes where the vault says it stopped.
#include "client/omemo/OmemoEngine.h"
#include "storage/MessageRepository.h"
#include "tests/support/FakeXmppServer.h"
#include "tests/support/OmemoPeer.h"

#include <catch2/catch.hpp>

#include <tuple>

using namespace cloison;
using namespace cloison::test;
using omemo::EventType;

namespace {

std::int64_t messageCount(storage::Vault& vault) {
    return storage::MessageRepository(vault).count().value();
}

// <message from=FROM><KIND xmlns=carbons><forwarded><INNER/></forwarded></KIND></message>
std::string carbon(const std::string& from, const std::string& kind, const std::string& inner) {
    xml::Element outer("message");
    outer.set("from", from).set("type", "chat");
    outer.add(xml::Element(kind, "urn:xmpp:carbons:2"))
        .add(xml::Element("forwarded", "urn:xmpp:forward:0"))
        .add(xml::parse(inner).value());
    return xml::serialize(outer);
}

} // namespace

TEST_CASE("a caller-chosen stanza id is the message id, a resend is stored once on each side") {
    Pair p;
    auto first = must(p.alice.engine->sendMessage("bob@example.org", "hello", "outbox-1"));
    p.server.submit(p.a, std::move(first));
    p.server.run();
    auto sent = eventsOf(p.a, EventType::MessageSent);
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].stanzaId == "outbox-1");
    std::string delivered;
    for (const auto& stanza : p.b.received) {
        if (stanza.rfind("<message", 0) == 0 && stanza.find("outbox-1") != std::string::npos)
            delivered = stanza;
    }
    CHECK(delivered.find("id=\"outbox-1\"") != std::string::npos);
    CHECK(delivered.find("<origin-id xmlns=\"urn:xmpp:sid:0\" id=\"outbox-1\"/>") !=
          std::string::npos);
    REQUIRE(eventsOf(p.b, EventType::MessageReceived).size() == 1);
    CHECK(eventsOf(p.b, EventType::MessageReceived)[0].stanzaId == "outbox-1");

    // The outbox did not learn that it went out, and sends it again under the same id.
    p.server.submit(p.a, must(p.alice.engine->sendMessage("bob@example.org", "hello", "outbox-1")));
    p.server.run();
    sent = eventsOf(p.a, EventType::MessageSent);
    REQUIRE(sent.size() == 2);
    CHECK(sent[1].messageId == sent[0].messageId);
    CHECK(messageCount(*p.alice.vault) == 1);
    CHECK(eventsOf(p.b, EventType::MessageReceived).size() == 1);
    CHECK(eventsOf(p.b, EventType::Duplicate).size() == 1);
    CHECK(eventsOf(p.b, EventType::MessageRejected).empty());
    CHECK(messageCount(*p.bob.vault) == 1);

    // Generated ids are random, not a counter another party could predict.
    p.server.submit(p.a, must(p.alice.engine->sendMessage("bob@example.org", "one")));
    p.server.submit(p.a, must(p.alice.engine->sendMessage("bob@example.org", "two")));
    p.server.run();
    sent = eventsOf(p.a, EventType::MessageSent);
    REQUIRE(sent.size() == 4);
    CHECK(sent[2].stanzaId.size() >= 16);
    CHECK(sent[2].stanzaId.substr(0, 20) != sent[3].stanzaId.substr(0, 20));
    CHECK(receivedTexts(p.b) == std::vector<std::string>{"hello", "one", "two"});

    for (const std::string& bad :
         {std::string("a\nb"), std::string(129, 'x'), std::string("\xc3\xa9")})
        CHECK(p.alice.engine->sendMessage("bob@example.org", "x", bad).error().code ==
              ErrorCode::InvalidArgument);
}

TEST_CASE("the same id from different senders or conversations is not a duplicate") {
    Pair p;
    p.server.submit(p.a, must(p.alice.engine->sendMessage("bob@example.org", "from alice", "x1")));
    p.server.run();
    p.server.submit(p.b, must(p.bob.engine->sendMessage("alice@example.org", "from bob", "x1")));
    p.server.run();
    // Bob's vault: alice's x1 and his own x1, in one conversation, both stored.
    CHECK(messageCount(*p.bob.vault) == 2);
    CHECK(messageCount(*p.alice.vault) == 2);
    CHECK(eventsOf(p.a, EventType::Duplicate).empty());
    CHECK(eventsOf(p.b, EventType::Duplicate).empty());
}

TEST_CASE("carbons: only from our own account, and sent carbons file under the conversation") {
    OmemoPeer alice1("alice@example.org");
    OmemoPeer alice2("alice@example.org");
    OmemoPeer bob("bob@example.org");
    FakeXmppServer server;
    FakeDevice& a1 = server.connect("alice@example.org/laptop", *alice1.engine);
    server.run();
    FakeDevice& a2 = server.connect("alice@example.org/phone", *alice2.engine);
    server.run();
    FakeDevice& b = server.connect("bob@example.org/laptop", *bob.engine);
    server.run();

    // The fake server wraps the copy to alice's phone as a 'sent' carbon.
    server.submit(a1, must(alice1.engine->sendMessage("bob@example.org", "from the laptop")));
    server.run();
    CHECK(std::any_of(a2.received.begin(), a2.received.end(), [](const std::string& stanza) {
        return stanza.find("urn:xmpp:carbons:2") != std::string::npos;
    }));
    auto onPhone = eventsOf(a2, EventType::MessageReceived);
    REQUIRE(onPhone.size() == 1);
    CHECK(onPhone[0].text == "from the laptop");
    CHECK(onPhone[0].peer == "alice@example.org");
    CHECK(onPhone[0].conversation == "bob@example.org");
    auto stored = storage::MessageRepository(*alice2.vault).latest("bob@example.org", 5).value();
    REQUIRE(stored.size() == 1);
    CHECK(stored[0].sender == "alice@example.org");

    // Bob's reply, seen by the phone directly and by the laptop as a 'received' carbon.
    server.holdMessages = true;
    server.submit(b, must(bob.engine->sendMessage("alice@example.org", "reply")));
    server.run();
    REQUIRE(server.held.size() == 2);
    const std::string reply = server.held[0].second;
    server.held.clear();
    const std::size_t before = receivedTexts(a1).size();

    SECTION("a carbon from anyone but our bare JID is refused") {
        for (const char* forger : {"mallory@example.org", "alice@example.org/laptop",
                                   "bob@example.org", "example.org"}) {
            server.deliver(a1, carbon(forger, "received", reply));
            CHECK(eventsOf(a1, EventType::MessageRejected)
                      .back()
                      .reason.find("does not come from our own account") != std::string::npos);
        }
        // A forged 'sent' carbon would put words in our mouth.
        server.deliver(a1, carbon("mallory@example.org", "sent", reply));
        CHECK(receivedTexts(a1).size() == before);
        CHECK(messageCount(*alice1.vault) == 1);
        server.deliver(a1, carbon("alice@example.org", "received", reply));
        CHECK(receivedTexts(a1).back() == "reply");
    }
    SECTION("a 'sent' carbon must carry our own message") {
        server.deliver(a1, carbon("alice@example.org", "sent", reply));
        CHECK(eventsOf(a1, EventType::MessageRejected).back().reason.find("not ours") !=
              std::string::npos);
        CHECK(receivedTexts(a1).size() == before);
    }
    SECTION("a carbon and the message itself are stored once") {
        server.deliver(a1, carbon("alice@example.org", "received", reply));
        server.deliver(a1, reply);
        server.deliver(a1, carbon("alice@example.org", "received", reply));
        CHECK(receivedTexts(a1).size() == before + 1);
        CHECK(eventsOf(a1, EventType::Duplicate).size() == 2);
        CHECK(eventsOf(a1, EventType::MessageRejected).empty());
    }
}

TEST_CASE("catch-up pages through the archive, keeps delay times, and resumes from the vault") {
    Pair p;
    p.server.archivePageLimit = 2;
    p.server.holdMessages = true; // bob is "offline": messages reach only the archive
    for (int i = 1; i <= 5; ++i)
        p.server.submit(
            p.a, must(p.alice.engine->sendMessage("bob@example.org", "m" + std::to_string(i))));
    p.server.run();
    auto live = p.server.held;
    p.server.held.clear();
    p.server.holdMessages = false;
    REQUIRE(p.server.archives["bob@example.org"].size() == 5);

    p.server.submit(p.b, p.bob.engine->catchUp());
    p.server.run();
    CHECK(p.server.archiveQueries == 3);
    CHECK(receivedTexts(p.b) == std::vector<std::string>{"m1", "m2", "m3", "m4", "m5"});
    auto finished = eventsOf(p.b, EventType::CatchUpFinished);
    REQUIRE(finished.size() == 1);
    CHECK(finished[0].count == 5);
    CHECK(finished[0].reason.empty());
    CHECK(finished[0].peer == "bob@example.org");
    const auto& archived = p.server.archives["bob@example.org"];
    CHECK(storage::MessageRepository(*p.bob.vault).archiveCursor("bob@example.org").value() ==
          archived.back().id);
    // The time is the archive's, not the time of catching up.
    auto stored = storage::MessageRepository(*p.bob.vault).latest("alice@example.org", 5).value();
    REQUIRE(stored.size() == 5);
    CHECK(stored[0].sentAt == 1796032801001); // 2026-11-30T10:00:01.001Z

    // The live copies arrive late: all duplicates, no replay rejections.
    for (const auto& entry : live)
        p.server.deliver(p.b, entry.second);
    CHECK(eventsOf(p.b, EventType::Duplicate).size() == 5);
    CHECK(eventsOf(p.b, EventType::MessageRejected).empty());

    // Two more while offline, then a catch-up that asks only for what is after the cursor.
    p.server.holdMessages = true;
    p.server.submit(p.a, must(p.alice.engine->sendMessage("bob@example.org", "m6")));
    p.server.submit(p.b, must(p.bob.engine->sendMessage("alice@example.org", "mine")));
    p.server.run();
    p.server.held.clear();
    p.server.holdMessages = false;
    p.server.submit(p.b, p.bob.engine->catchUp());
    p.server.run();
    CHECK(receivedTexts(p.b).back() == "m6");
    finished = eventsOf(p.b, EventType::CatchUpFinished);
    REQUIRE(finished.size() == 2);
    CHECK(finished[1].count == 1); // bob's own "mine" is his own message, stored when sent
    CHECK(messageCount(*p.bob.vault) == 7);
    CHECK(eventsOf(p.b, EventType::MessageRejected).empty());
}

TEST_CASE("archive results are accepted only for our queries and from the archive asked") {
    Pair p;
    p.server.holdMessages = true;
    p.server.submit(p.a, must(p.alice.engine->sendMessage("bob@example.org", "archived")));
    p.server.run();
    p.server.held.clear();
    p.server.holdMessages = false;
    const auto& entry = p.server.archives["bob@example.org"].at(0);
    auto result = [&](const std::string& from, const std::string& queryId) {
        xml::Element outer("message");
        if (!from.empty())
            outer.set("from", from);
        xml::Element& forwarded = outer.add(xml::Element("result", "urn:xmpp:mam:2"))
                                      .set("queryid", queryId)
                                      .set("id", entry.id)
                                      .add(xml::Element("forwarded", "urn:xmpp:forward:0"));
        forwarded.add(xml::parse(entry.stanza).value());
        return xml::serialize(outer);
    };
    p.server.deliver(p.b, result("bob@example.org", "not-ours"));
    CHECK(eventsOf(p.b, EventType::MessageRejected).back().reason.find("did not make") !=
          std::string::npos);
    // Start a query and let forged results for it arrive before the server answers.
    omemo::Output query = p.bob.engine->catchUp();
    REQUIRE(query.stanzas.size() == 1);
    const std::string queryXml = query.stanzas[0];
    const auto start = queryXml.find("queryid=\"") + 9;
    const std::string queryId = queryXml.substr(start, queryXml.find('"', start) - start);
    CHECK(queryXml.find("<value>urn:xmpp:mam:2</value>") != std::string::npos);
    CHECK(queryXml.find("<max>100</max>") != std::string::npos);
    p.server.deliver(p.b, result("mallory@example.org", queryId));
    CHECK(eventsOf(p.b, EventType::MessageRejected).back().reason.find("archive we asked") !=
          std::string::npos);
    CHECK(receivedTexts(p.b).empty());
    p.server.deliver(p.b, result("", queryId)); // no from: our own server
    CHECK(receivedTexts(p.b) == std::vector<std::string>{"archived"});
}

TEST_CASE("decrypted text that is not UTF-8 is refused") {
    // Covered through the repository-independent helper: a peer's client that sends bytes
    // which are not text gets a MessageRejected and nothing is stored.
    Pair p;
    p.server.submit(p.a,
                    must(p.alice.engine->sendMessage("bob@example.org", "ok \xf0\x9f\x94\x92")));
    p.server.run();
    CHECK(receivedTexts(p.b).size() == 1);
    p.server.submit(p.a, must(p.alice.engine->sendMessage("bob@example.org", "bad \xc0\xaf")));
    p.server.run();
    CHECK(receivedTexts(p.b).size() == 1);
    CHECK(eventsOf(p.b, EventType::MessageRejected).back().reason ==
          "the message text is not valid UTF-8");
    CHECK(messageCount(*p.bob.vault) == 1);
}

TEST_CASE("a three-member room: encrypted to every member, reflections and archive deduped") {
    const std::string team = "team@rooms.example.org";
    OmemoPeer alice("alice@example.org");
    OmemoPeer bob("bob@example.org");
    OmemoPeer carol("carol@example.org");
    FakeXmppServer server;
    server.rooms[team].members = {"alice@example.org", "bob@example.org", "carol@example.org"};
    FakeDevice& a = server.connect("alice@example.org/laptop", *alice.engine);
    FakeDevice& b = server.connect("bob@example.org/laptop", *bob.engine);
    FakeDevice& c = server.connect("carol@example.org/laptop", *carol.engine);
    server.run();
    for (auto [device, peer, nick] : {std::tuple{&a, &alice, "Alice"}, std::tuple{&b, &bob, "Bob"},
                                      std::tuple{&c, &carol, "Carol"}}) {
        omemo::Output joined = must(peer->engine->joinRoom(team, nick));
        CHECK(joined.stanzas.at(0).find("<history maxstanzas=\"0\"/>") != std::string::npos);
        server.submit(*device, std::move(joined));
        server.run();
    }

    server.submit(a, must(alice.engine->sendRoomMessage(team, "hello team", "room-1")));
    server.run();
    for (FakeDevice* device : {&b, &c}) {
        auto received = eventsOf(*device, EventType::MessageReceived);
        REQUIRE(received.size() == 1);
        CHECK(received[0].text == "hello team");
        CHECK(received[0].peer == "alice@example.org");
        CHECK(received[0].conversation == team);
        CHECK(received[0].stanzaId == "room-1");
    }
    // Alice's own reflection is not decrypted as someone else's message.
    CHECK(receivedTexts(a).empty());
    CHECK(eventsOf(a, EventType::MessageRejected).empty());
    CHECK(storage::MessageRepository(*alice.vault).latest(team, 5).value().size() == 1);

    server.submit(b, must(bob.engine->sendRoomMessage(team, "hi alice")));
    server.run();
    CHECK(receivedTexts(a) == std::vector<std::string>{"hi alice"});
    CHECK(receivedTexts(c) == std::vector<std::string>{"hello team", "hi alice"});

    // Carol is away for one message; the room's archive gives it to her, once.
    server.holdMessages = true;
    server.submit(a, must(alice.engine->sendRoomMessage(team, "while you were away")));
    server.run();
    server.held.clear();
    server.holdMessages = false;
    server.submit(c, carol.engine->catchUp());
    server.run();
    CHECK(receivedTexts(c) ==
          std::vector<std::string>{"hello team", "hi alice", "while you were away"});
    auto finished = eventsOf(c, EventType::CatchUpFinished);
    REQUIRE(finished.size() == 2);
    for (const auto& event : finished) {
        CHECK(event.reason.empty());
        CHECK(event.count == (event.peer == team ? 1 : 0));
    }
    CHECK(eventsOf(c, EventType::Duplicate).size() == 2);
    for (FakeDevice* device : {&a, &b, &c})
        CHECK(eventsOf(*device, EventType::MessageRejected).empty());
    CHECK(storage::MessageRepository(*carol.vault).latest(team, 10).value().size() == 3);

    // A groupchat message from a room we are not in, or from an unknown nick, is refused.
    std::string stray = b.received.back();
    for (const auto& stanza : c.received) {
        if (stanza.find("type=\"groupchat\"") != std::string::npos &&
            stanza.find("urn:xmpp:mam:2") == std::string::npos)
            stray = stanza;
    }
    auto retarget = [&](const std::string& from) {
        xml::Element root = xml::parse(stray).value();
        for (auto& attribute : root.attributes) {
            if (attribute.first == "from")
                attribute.second = from;
        }
        return xml::serialize(root);
    };
    server.deliver(c, retarget("other@rooms.example.org/Alice"));
    CHECK(eventsOf(c, EventType::MessageRejected).back().reason.find("room we are in") !=
          std::string::npos);
    server.deliver(c, retarget(team + "/Mallory"));
    CHECK(eventsOf(c, EventType::MessageRejected).back().reason.find("did not give") !=
          std::string::npos);
    CHECK(receivedTexts(c).size() == 3);
}
