// Just enough of an XMPP server for offline OMEMO tests: PEP publish and fetch (answering a
// missing node as Prosody does, item-not-found without code='404'), device-list notifications,
// and message routing to every device of the addressee plus XEP-0280 'sent' carbons to the
// sender's other devices, a XEP-0313 archive per account (every chat message to or from it,
// stamped with a XEP-0359 stanza-id) with paged queries. Stanzas go through a queue so that
// tests can hold, reorder, replay or alter messages.
#pragma once

#include "client/omemo/OmemoEngine.h"

#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace cloison::test {

struct FakeDevice {
    std::string fullJid; // bob@example.org/laptop
    omemo::OmemoEngine* engine = nullptr;
    std::vector<omemo::Event> events;
    std::vector<std::string> received; // every stanza delivered to this device
};

class FakeXmppServer {
public:
    FakeDevice& connect(const std::string& fullJid, omemo::OmemoEngine& engine);
    // Queues what a device produced, runs start() for it, and so on.
    void submit(FakeDevice& from, omemo::Output output);
    // Delivers queued stanzas until none is left. With holdMessages, chat messages are kept in
    // `held` instead of delivered.
    void run();
    // Hands a stanza to a device as the server would (stamping nothing).
    void deliver(FakeDevice& to, const std::string& stanza);

    bool holdMessages = false;
    std::vector<std::pair<FakeDevice*, std::string>> held;           // (recipient, stanza)
    std::map<std::string, std::map<std::string, std::string>> nodes; // bare jid -> node -> item
    int publishOptionsSeen = 0;
    bool rejectPublishOptions = false;
    bool wrapCarbons = true; // false: copies to the sender's devices go unwrapped

    struct Archived {
        std::string id;
        std::string stamp;
        std::string stanza; // the message as routed
    };
    std::map<std::string, std::vector<Archived>> archives; // bare jid -> messages, oldest first
    std::size_t archivePageLimit = 100;                    // the server's cap on <max>
    int archiveQueries = 0;

    // Members-only, non-anonymous rooms (XEP-0045): real JIDs in every presence, members as
    // affiliation 'member', messages reflected to every occupant and archived by the room.
    struct Room {
        std::set<std::string> members;                // bare JIDs
        std::map<std::string, FakeDevice*> occupants; // nick -> device
    };
    std::map<std::string, Room> rooms; // room bare JID -> room; tests create them

private:
    void route(FakeDevice& from, const std::string& stanza);
    void answer(FakeDevice& to, const std::string& stanza);
    void answerArchive(FakeDevice& from, const xml::Element& iq, const xml::Element& query);
    std::string archive(const std::string& owner, const xml::Element& message);
    void routeToRoom(FakeDevice& from, Room& room, const std::string& roomJid, xml::Element stanza);
    int m_archiveCounter = 0;
    std::deque<std::pair<FakeDevice*, std::string>> m_queue; // (sender, stanza)
    std::deque<std::unique_ptr<FakeDevice>> m_devices;
};

std::string bare(const std::string& jid);

} // namespace cloison::test
