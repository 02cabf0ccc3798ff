// Per-message cost of the OMEMO engine (XML in, XML out, AES-GCM payload, session state
// persisted to an SQLCipher vault in one transaction per message) next to raw
// libsignal-protocol-c session_cipher encrypt + decrypt of the same messages with in-memory
// stores, measured in the same run. Also the sender's cost of one message for 1, 10 and 100
// recipient devices. Prints figures and ratios; it is not a test and asserts nothing.
#include "client/omemo/OmemoEngine.h"
#include "storage/Schemas.h"
#include "tests/bench/RawSignal.h"
#include "tests/support/FakeXmppServer.h"
#include "tests/support/TempDir.h"

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

using namespace cloison;
using namespace cloison::bench;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kOneWay = 400;
constexpr int kAlternating = 200;
constexpr int kFanOutRounds = 10;

double microsSince(Clock::time_point start) {
    return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

std::vector<std::string> makeMessages(int count) {
    std::vector<std::string> out;
    for (int i = 0; i < count; ++i)
        out.push_back("message " + std::to_string(i) + ": " +
                      std::string(static_cast<std::size_t>(40 + (i * 37) % 160), 'x'));
    return out;
}

template <typename T> T must(Result<T> result) {
    if (!result)
        throw std::runtime_error(result.error().message);
    return std::move(result).value();
}

struct Device {
    std::unique_ptr<storage::Vault> vault;
    std::unique_ptr<omemo::OmemoEngine> engine;
};

Device makeDevice(const test::TempDir& dir, const std::string& jid) {
    static int counter = 0;
    Device device;
    device.vault =
        must(storage::Vault::create(dir / ("v" + std::to_string(++counter) + ".db"),
                                    SecretBytes::random(32), storage::compartmentSchema()));
    device.engine = must(omemo::OmemoEngine::open(*device.vault, jid));
    return device;
}

// The server's only change to a message: the sender's address.
std::string stamped(const std::string& stanza, const std::string& from) {
    return "<message from=\"" + from + "\"" + stanza.substr(8);
}

void expectReceived(const omemo::Output& out) {
    for (const auto& event : out.events) {
        if (event.type == omemo::EventType::MessageReceived)
            return;
    }
    throw std::runtime_error("engine did not decrypt a benchmark message");
}

struct Figures {
    double oneWay = 0;
    double alternating = 0;
    double setup = 0;
};

Figures measureRaw(const std::vector<std::string>& messages) {
    Figures f;
    auto alice = RawSignalParty::create(1);
    auto bob = RawSignalParty::create(2);
    bool preKey = false;
    auto start = Clock::now();
    alice->startSessionWith(*bob, "bob");
    Bytes first = alice->encrypt("bob", 2, asBytes("hello"), preKey);
    bob->decrypt("alice", 1, first, preKey);
    f.setup = microsSince(start);
    Bytes reply = bob->encrypt("alice", 1, asBytes("ack"), preKey);
    alice->decrypt("bob", 2, reply, preKey);

    start = Clock::now();
    for (int i = 0; i < kOneWay; ++i) {
        Bytes c = alice->encrypt("bob", 2, asBytes(messages[static_cast<std::size_t>(i)]), preKey);
        bob->decrypt("alice", 1, c, preKey);
    }
    f.oneWay = microsSince(start) / kOneWay;

    start = Clock::now();
    for (int i = 0; i < kAlternating; ++i) {
        const ByteView m = asBytes(messages[static_cast<std::size_t>(i)]);
        if (i % 2 == 0)
            bob->decrypt("alice", 1, alice->encrypt("bob", 2, m, preKey), preKey);
        else
            alice->decrypt("bob", 2, bob->encrypt("alice", 1, m, preKey), preKey);
    }
    f.alternating = microsSince(start) / kAlternating;
    return f;
}

Figures measureEngine(const std::vector<std::string>& messages) {
    Figures f;
    test::TempDir dir;
    Device alice = makeDevice(dir, "alice@bench");
    Device bob = makeDevice(dir, "bob@bench");
    test::FakeXmppServer server;
    auto& a = server.connect("alice@bench/1", *alice.engine);
    server.connect("bob@bench/1", *bob.engine);
    server.run();
    auto start = Clock::now();
    server.submit(a, must(alice.engine->sendMessage("bob@bench", "hello")));
    server.run();
    f.setup = microsSince(start);
    {
        auto out = must(bob.engine->sendMessage("alice@bench", "ack"));
        expectReceived(must(alice.engine->handleStanza(stamped(out.stanzas.at(0), "bob@bench/1"))));
    }

    start = Clock::now();
    for (int i = 0; i < kOneWay; ++i) {
        auto out =
            must(alice.engine->sendMessage("bob@bench", messages[static_cast<std::size_t>(i)]));
        expectReceived(must(bob.engine->handleStanza(stamped(out.stanzas.at(0), "alice@bench/1"))));
    }
    f.oneWay = microsSince(start) / kOneWay;

    start = Clock::now();
    for (int i = 0; i < kAlternating; ++i) {
        const std::string& m = messages[static_cast<std::size_t>(i)];
        if (i % 2 == 0) {
            auto out = must(alice.engine->sendMessage("bob@bench", m));
            expectReceived(
                must(bob.engine->handleStanza(stamped(out.stanzas.at(0), "alice@bench/1"))));
        } else {
            auto out = must(bob.engine->sendMessage("alice@bench", m));
            expectReceived(
                must(alice.engine->handleStanza(stamped(out.stanzas.at(0), "bob@bench/1"))));
        }
    }
    f.alternating = microsSince(start) / kAlternating;
    return f;
}

void measureFanOut() {
    test::TempDir dir;
    test::FakeXmppServer server;
    Device alice = makeDevice(dir, "alice@bench");
    auto& a = server.connect("alice@bench/1", *alice.engine);
    server.run();
    std::vector<Device> devices;
    devices.reserve(111);
    const int groups[] = {1, 10, 100};
    for (int size : groups) {
        const std::string jid = "group" + std::to_string(size) + "@bench";
        for (int i = 0; i < size; ++i) {
            devices.push_back(makeDevice(dir, jid));
            server.connect(jid + "/" + std::to_string(i), *devices.back().engine);
            server.run();
        }
        server.submit(a, must(alice.engine->sendMessage(jid, "set up sessions")));
        server.run();
    }
    std::printf("\nfan-out: one message from one device (encrypt only, vault write included)\n");
    std::printf("  %-10s %14s %16s %12s\n", "devices", "per message", "per device", "vs 1 device");
    double single = 0;
    for (int size : groups) {
        const std::string jid = "group" + std::to_string(size) + "@bench";
        const auto start = Clock::now();
        for (int i = 0; i < kFanOutRounds; ++i) {
            auto out = must(alice.engine->sendMessage(jid, "fan-out message " + std::to_string(i)));
            if (out.stanzas.size() != 1)
                throw std::runtime_error("fan-out message not sent");
        }
        const double perMessage = microsSince(start) / kFanOutRounds;
        if (size == 1)
            single = perMessage;
        std::printf("  %-10d %11.1f us %13.1f us %11.1fx\n", size, perMessage, perMessage / size,
                    perMessage / single);
    }
}

} // namespace

int main(int argc, char** argv) {
    const bool fanOut = !(argc > 1 && std::string(argv[1]) == "--no-fan-out");
    try {
        const auto messages = makeMessages(std::max(kOneWay, kAlternating));
        std::printf("OMEMO engine vs raw libsignal-protocol-c (same messages, same run)\n");
        std::printf(
            "  one-direction: %d messages; alternating: %d turns (a DH ratchet step each)\n\n",
            kOneWay, kAlternating);
        const Figures raw = measureRaw(messages);
        const Figures engine = measureEngine(messages);
        std::printf("  %-28s %12s %12s %8s %8s\n", "encrypt + decrypt", "raw", "engine", "ratio",
                    "target");
        std::printf("  %-28s %9.1f us %9.1f us %7.2fx %7s\n", "one-direction (symmetric)",
                    raw.oneWay, engine.oneWay, engine.oneWay / raw.oneWay, "<= 3x");
        std::printf("  %-28s %9.1f us %9.1f us %7.2fx %7s\n", "alternating (DH ratchet)",
                    raw.alternating, engine.alternating, engine.alternating / raw.alternating,
                    "<= 1.3x");
        std::printf("  %-28s %9.1f us %9.1f us %7.2fx\n", "session setup + 1st message", raw.setup,
                    engine.setup, engine.setup / raw.setup);
        std::printf("  (engine setup includes device list and bundle fetch through the fake "
                    "server,\n   prekey replacement and bundle republication)\n");
        if (fanOut)
            measureFanOut();
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "benchmark failed: %s\n", e.what());
        return 1;
    }
}
