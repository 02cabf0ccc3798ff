// The app/worker frames (client/worker/WorkerProtocol), as a hostile worker or app would send
// them: the input is one frame. Invariants: frameSize never claims more than a frame may hold,
// and a frame that decodes is exactly the frame its message encodes to with its decoded type
// (so that nothing is dropped, defaulted or read two ways).
// CLOISON_FUZZ_WRITE_SEEDS=DIR writes one frame of each message type made by encode(), then
// exits.
#include "client/worker/WorkerProtocol.h"
#include "tests/fuzz/FuzzCheck.h"

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

using namespace cloison;
using namespace cloison::worker;

namespace {

void put(const std::string& dir, const std::string& name, MessageType type,
         const Message& message) {
    auto frame = encode(type, message);
    FUZZ_CHECK(frame.ok());
    std::ofstream(dir + "/" + name, std::ios::binary)
        .write(reinterpret_cast<const char*>(frame.value().data()),
               static_cast<std::streamsize>(frame.value().size()));
}

void writeSeeds(const std::string& dir) {
    put(dir, "open", MessageType::Open,
        Open{"/home/alice/.local/share/cloison/compartments/0123",
             SecretBytes::copyOf(Bytes(32, 0x5a)), "c0ffee", "finance",
             "/home/alice/.local/share/cloison/scratch/0123"});
    put(dir, "send", MessageType::Send, Send{"bob@localhost", "the memo is in", "s-1"});
    put(dir, "send-to-room", MessageType::SendToRoom, Send{"", "hello \xc3\xa9quipe", "s-2"});
    put(dir, "verify-device", MessageType::VerifyDevice,
        DeviceChange{"bob@localhost", 1234567, std::string(64, 'a')});
    put(dir, "unverify-device", MessageType::UnverifyDevice,
        DeviceChange{"bob@localhost", 1234567, ""});
    put(dir, "query", MessageType::Query,
        Query{"<iq type='get' id='q-1'><request xmlns='urn:xmpp:http:upload:0' "
              "filename='memo.txt' size='42'/></iq>",
              "upload.localhost", "q-1"});
    put(dir, "stop", MessageType::Stop, Stop{});
    put(dir, "started", MessageType::Started, Started{"landlock abi 6, seccomp"});
    xmpp::ServiceEvent event(xmpp::ServiceEvent::Type::DeviceTrustChanged);
    event.conversation = "bob@localhost";
    event.from = "bob@localhost";
    event.device = 1234567;
    event.trusted = true;
    event.deviceTrust = omemo::DeviceTrust::Verified;
    event.keyEvent =
        storage::KeyEventRow{3,           1764547200000, "device-verified", "bob@localhost/1234567",
                             "aa",        "{}",          Bytes(32, 1),      Bytes(32, 2),
                             Bytes(64, 3)};
    event.timeMs = 1764547200000;
    event.text = std::string(64, 'a');
    event.stanzaId = "s-3";
    event.count = 1;
    event.error = makeError(ErrorCode::Mismatch, "the fingerprint does not match");
    put(dir, "event-key", MessageType::Event, event);
    xmpp::ServiceEvent received(xmpp::ServiceEvent::Type::MessageReceived);
    received.conversation = "finance@rooms.localhost";
    received.text = "see you at 9";
    put(dir, "event-message", MessageType::Event, received);
    put(dir, "failed", MessageType::Failed,
        Failed{makeError(ErrorCode::WrongKey, "the vault did not open")});
}

} // namespace

FUZZ_SEEDS_WRITTEN_BY(writeSeeds)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView input(data, size);
    auto frameBytes = frameSize(input);
    if (frameBytes)
        FUZZ_CHECK(frameBytes.value() >= kHeaderBytes && frameBytes.value() <= kMaxFrameBytes + 4);
    auto decoded = decode(input);
    if (!decoded) {
        FUZZ_CHECK(decoded.error().code == ErrorCode::Corrupted);
        return 0;
    }
    FUZZ_CHECK(frameBytes && frameBytes.value() == size);
    auto again = encode(decoded.value().type, decoded.value().message);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again.value() == Bytes(input.begin(), input.end()));
    return 0;
}
