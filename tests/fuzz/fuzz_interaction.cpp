// Interaction fuzzer, in the spirit of libsignal's `interaction` target: the input drives two
// or three parties (alice, bob and, when the first byte is odd, carol, each a laptop device)
// through the fake server, starting every input from the same snapshot of published vaults.
// Chat messages are held by the server; each following pair of bytes (at most kMaxActions)
// is an action:
//   send       a device sends a new, unique text to another party
//   deliver    a held message (any one: reordering) goes to its device
//   newest     the newest held message goes to its device
//   drop       a held message is lost
//   duplicate  a message delivered before is delivered again
//   restart    a device's engine and vault are closed and opened again from the file
//   add        a new device for one of the parties (at most two per input)
//   flush      everything held is delivered in order
// Invariants: the first delivery of a message decrypts, to exactly the text sent; a repeated
// delivery decrypts to nothing; no engine refuses a stanza the server hands it.
#include "tests/fuzz/FuzzEngine.h"
#include "tests/fuzz/FuzzSnapshot.h"
#include "tests/support/FakeXmppServer.h"

#include <cstdint>
#include <string>
#include <vector>

using namespace cloison;
using namespace cloison::fuzz;
using omemo::EventType;

namespace {

constexpr std::size_t kMaxActions = 48;
constexpr std::size_t kMaxAddedDevices = 2;
const char* const kJids[] = {"alice@example.org", "bob@example.org", "carol@example.org"};

struct Fixture {
    test::TempDir dir;
    std::filesystem::path pristine = dir / "pristine";
    std::filesystem::path work = dir / "work";
    std::map<std::string, std::map<std::string, std::string>> nodes;

    Fixture() {
        std::filesystem::create_directories(pristine);
        test::FakeXmppServer server;
        std::vector<std::unique_ptr<FuzzParty>> parties;
        for (const char* jid : kJids) {
            parties.push_back(
                std::make_unique<FuzzParty>(pristine / (std::string(jid) + ".db"), jid));
            server.connect(std::string(jid) + "/laptop", *parties.back()->engine);
            server.run();
        }
        nodes = server.nodes;
    }
};

struct Held {
    test::FakeDevice* device;
    std::string stanza;
    std::string text; // empty: a message without text (key transport)
};

struct Run {
    test::FakeXmppServer server;
    std::vector<std::unique_ptr<FuzzParty>> parties;
    std::vector<test::FakeDevice*> devices; // parallel to parties
    std::vector<Held> held;
    std::vector<Held> delivered;
    std::uint64_t texts = 0;

    // Moves what the server held into `held`, tagged with the text it carries.
    void collect(const std::string& text) {
        for (auto& [device, stanza] : server.held)
            held.push_back({device, std::move(stanza), text});
        server.held.clear();
    }

    void settle(const std::string& text = {}) {
        try {
            server.run();
        } catch (const std::exception&) {
            FUZZ_CHECK(false && "an engine refused a stanza from the server");
        }
        collect(text);
    }

    std::vector<std::string> receivedSince(test::FakeDevice& device, std::size_t from) {
        std::vector<std::string> out;
        for (std::size_t i = from; i < device.events.size(); ++i) {
            if (device.events[i].type == EventType::MessageReceived)
                out.push_back(device.events[i].text);
        }
        return out;
    }

    void deliver(Held message, bool again) {
        test::FakeDevice& device = *message.device;
        const std::size_t before = device.events.size();
        try {
            server.deliver(device, message.stanza);
        } catch (const std::exception&) {
            FUZZ_CHECK(false && "an engine refused a message from the server");
        }
        settle();
        const auto got = receivedSince(device, before);
        if (again || message.text.empty()) {
            FUZZ_CHECK(got.empty()); // nothing decrypts twice
        } else {
            FUZZ_CHECK(got.size() == 1);             // a delivered message decrypts
            FUZZ_CHECK(got.front() == message.text); // to what was sent
        }
        delivered.push_back(std::move(message));
    }

    void addDevice(const Fixture& fixture, std::size_t party, const std::string& name) {
        const std::string jid = kJids[party];
        parties.push_back(std::make_unique<FuzzParty>(fixture.work / (name + ".db"), jid));
        devices.push_back(&server.connect(jid + "/" + name, *parties.back()->engine));
        settle();
    }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Fixture fixture;
    if (size == 0)
        return 0;
    copyTree(fixture.pristine, fixture.work);
    const std::size_t partyCount = (data[0] & 1) ? 3 : 2;
    Run run;
    run.server.nodes = fixture.nodes;
    run.server.holdMessages = true;
    for (std::size_t i = 0; i < partyCount; ++i) {
        const std::string jid = kJids[i];
        run.parties.push_back(std::make_unique<FuzzParty>(fixture.work / (jid + ".db"), jid, true));
        run.devices.push_back(&run.server.connect(jid + "/laptop", *run.parties.back()->engine));
        run.settle();
    }
    std::size_t added = 0;
    for (std::size_t i = 1, actions = 0; i + 1 < size && actions < kMaxActions; i += 2, ++actions) {
        const std::uint8_t op = data[i];
        const std::uint8_t arg = data[i + 1];
        switch (op % 8) {
        case 0: { // send
            const std::size_t from = arg % run.devices.size();
            const std::string& fromJid = run.parties[from]->jid;
            std::size_t to = (arg / 8) % partyCount;
            if (kJids[to] == fromJid)
                to = (to + 1) % partyCount;
            const std::string text = "text " + std::to_string(++run.texts);
            auto out = run.parties[from]->engine->sendMessage(kJids[to], text);
            FUZZ_CHECK(out.ok());
            run.server.submit(*run.devices[from], std::move(out.value()));
            run.settle(text);
            break;
        }
        case 1:
        case 6: { // deliver one (any, or the newest)
            if (run.held.empty())
                break;
            const std::size_t at = op % 8 == 1 ? arg % run.held.size() : run.held.size() - 1;
            Held message = std::move(run.held[at]);
            run.held.erase(run.held.begin() + static_cast<std::ptrdiff_t>(at));
            run.deliver(std::move(message), false);
            break;
        }
        case 2: // drop
            if (!run.held.empty())
                run.held.erase(run.held.begin() +
                               static_cast<std::ptrdiff_t>(arg % run.held.size()));
            break;
        case 3: { // duplicate
            if (run.delivered.empty())
                break;
            Held copy = run.delivered[arg % run.delivered.size()];
            run.deliver(std::move(copy), true);
            break;
        }
        case 4: { // restart
            const std::size_t which = arg % run.devices.size();
            run.parties[which]->restart();
            run.devices[which]->engine = run.parties[which]->engine.get();
            run.server.submit(*run.devices[which], run.devices[which]->engine->start());
            run.settle();
            break;
        }
        case 5: // add a device
            if (added < kMaxAddedDevices) {
                ++added;
                run.addDevice(fixture, arg % partyCount, "device" + std::to_string(added));
            }
            break;
        default: { // flush
            std::vector<Held> all = std::move(run.held);
            run.held.clear();
            for (auto& message : all)
                run.deliver(std::move(message), false);
            break;
        }
        }
    }
    return 0;
}
