// The frames the app and a compartment's worker exchange (client/worker/WorkerProtocol): every
// message survives a round trip with all its fields, and every kind of malformed frame a
// hostile peer could send is refused as Corrupted, naming the field without echoing it.
#include "client/worker/WorkerProtocol.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

using namespace cloison;
using namespace cloison::worker;
using Type = xmpp::ServiceEvent::Type;

namespace {

Bytes encoded(MessageType type, const Message& message) {
    auto frame = encode(type, message);
    REQUIRE(frame.ok());
    return frame.value();
}

Decoded decoded(const Bytes& frame) {
    auto message = decode(frame);
    INFO((message.ok() ? std::string() : message.error().message));
    REQUIRE(message.ok());
    return std::move(message).value();
}

Error refusal(const Bytes& frame) {
    auto message = decode(frame);
    REQUIRE_FALSE(message.ok());
    CHECK(message.error().code == ErrorCode::Corrupted);
    return message.error();
}

void setU32(Bytes& frame, std::size_t at, std::uint32_t value) {
    for (int i = 0; i < 4; ++i)
        frame[at + i] = static_cast<std::uint8_t>(value >> (8 * (3 - i)));
}

// A frame with its length field made to match however many bytes it now has.
Bytes resized(Bytes frame) {
    setU32(frame, 0, static_cast<std::uint32_t>(frame.size() - 4));
    return frame;
}

xmpp::ServiceEvent fullEvent(Type type) {
    xmpp::ServiceEvent event(type);
    event.conversation = "finance@rooms.localhost";
    event.from = "b\xc3\xa9"
                 "atrice@localhost"; // béatrice
    event.device = 0xfedcba98;
    event.trusted = true;
    event.deviceTrust = omemo::DeviceTrust::KeyChanged;
    event.keyEvent = storage::KeyEventRow{-7,
                                          1764547200123,
                                          "device-verified",
                                          "alice@localhost/12345",
                                          std::string(64, 'a'),
                                          "{\"by\":\"hand\"}",
                                          Bytes{0x00, 0xff, 0x00, 0x80},
                                          Bytes(32, 0xc3),
                                          Bytes{0x00}};
    event.timeMs = -1764547200123;
    event.text = "the memo \xf0\x9f\x99\x82 \xef\xbf\xbd"; // an emoji and a real U+FFFD
    event.stanzaId = "stanza-1";
    event.count = 0x7fffffffffffffff;
    event.error = makeError(ErrorCode::ServerKeyMismatch, "the server's key changed");
    event.retrying = true;
    return event;
}

void requireSame(const xmpp::ServiceEvent& a, const xmpp::ServiceEvent& b) {
    REQUIRE(a.type == b.type);
    CHECK(a.conversation == b.conversation);
    CHECK(a.from == b.from);
    CHECK(a.device == b.device);
    CHECK(a.trusted == b.trusted);
    CHECK(a.deviceTrust == b.deviceTrust);
    REQUIRE(a.keyEvent.has_value() == b.keyEvent.has_value());
    if (a.keyEvent) {
        CHECK(a.keyEvent->seq == b.keyEvent->seq);
        CHECK(a.keyEvent->timeMs == b.keyEvent->timeMs);
        CHECK(a.keyEvent->type == b.keyEvent->type);
        CHECK(a.keyEvent->subject == b.keyEvent->subject);
        CHECK(a.keyEvent->fingerprint == b.keyEvent->fingerprint);
        CHECK(a.keyEvent->details == b.keyEvent->details);
        CHECK(a.keyEvent->prevHash == b.keyEvent->prevHash);
        CHECK(a.keyEvent->hash == b.keyEvent->hash);
        CHECK(a.keyEvent->signature == b.keyEvent->signature);
    }
    CHECK(a.timeMs == b.timeMs);
    CHECK(a.text == b.text);
    CHECK(a.stanzaId == b.stanzaId);
    CHECK(a.count == b.count);
    CHECK(a.error.code == b.error.code);
    CHECK(a.error.message == b.error.message);
    CHECK(a.retrying == b.retrying);
}

Open fullOpen() {
    return Open{"/home/alice/.local/share/cloison/compartments/0123",
                SecretBytes::copyOf(Bytes{0x00, 0x01, 0xfe, 0xff, 0x00, 0x42}), "c0ffee",
                "Finances \xc3\xa9lectorales", "/home/alice/.local/share/cloison/scratch/0123"};
}

// An event whose strings are empty, so that its fields sit at known offsets: type at 8,
// trusted at 22, deviceTrust at 23.
Bytes plainEventFrame() {
    return encoded(MessageType::Event, xmpp::ServiceEvent(Type::Online));
}

// A Send whose text is "#####" (at offset 16..20), to be overwritten.
Bytes sendFrame() {
    return encoded(MessageType::Send, Send{"", "#####", ""});
}

} // namespace

TEST_CASE("frames are laid out as the header says") {
    CHECK(encoded(MessageType::Stop, Stop{}) == Bytes{0, 0, 0, 4, 0, 1, 0, 7});
    CHECK(encoded(MessageType::Started, Started{"ok"}) ==
          Bytes{0, 0, 0, 10, 0, 1, 0, 100, 0, 0, 0, 2, 'o', 'k'});
    CHECK(encoded(MessageType::UnverifyDevice, DeviceChange{"", 0x01020304, ""}) ==
          Bytes{0, 0, 0, 16, 0, 1, 0, 5, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0});
    const Bytes event = plainEventFrame();
    CHECK(event[9] == 0);  // ServiceEvent.type Online, u16
    CHECK(event[22] == 0); // trusted
    CHECK(event[24] == 0); // deviceTrust Untrusted, u16
    CHECK(event[25] == 0); // no key event
}

TEST_CASE("every app to worker message round-trips with all its fields") {
    const Decoded open = decoded(encoded(MessageType::Open, fullOpen()));
    REQUIRE(open.type == MessageType::Open);
    const auto& o = std::get<Open>(open.message);
    const Open expected = fullOpen();
    CHECK(o.vaultPath == expected.vaultPath);
    CHECK(o.vaultKey.equals(expected.vaultKey));
    CHECK(o.compartmentId == expected.compartmentId);
    CHECK(o.compartmentName == expected.compartmentName);
    CHECK(o.scratchDir == expected.scratchDir);

    for (MessageType type : {MessageType::Send, MessageType::SendToRoom}) {
        const Send send{type == MessageType::Send ? "bob@localhost" : "",
                        "line one\nline two \xe2\x80\xae", "s-42"};
        const Decoded d = decoded(encoded(type, send));
        CHECK(d.type == type);
        const auto& s = std::get<Send>(d.message);
        CHECK(s.to == send.to);
        CHECK(s.text == send.text);
        CHECK(s.stanzaId == send.stanzaId);
    }
    for (MessageType type : {MessageType::VerifyDevice, MessageType::UnverifyDevice}) {
        const DeviceChange change{"bob@localhost", 0xffffffff,
                                  type == MessageType::VerifyDevice ? std::string(64, 'f') : ""};
        const Decoded d = decoded(encoded(type, change));
        CHECK(d.type == type);
        const auto& c = std::get<DeviceChange>(d.message);
        CHECK(c.jid == change.jid);
        CHECK(c.deviceId == change.deviceId);
        CHECK(c.fingerprint == change.fingerprint);
    }
    const Query query{"<iq type='get'><request xmlns='urn:xmpp:http:upload:0'/></iq>",
                      "upload.localhost", "q-1"};
    const Decoded q = decoded(encoded(MessageType::Query, query));
    CHECK(q.type == MessageType::Query);
    CHECK(std::get<Query>(q.message).stanza == query.stanza);
    CHECK(std::get<Query>(q.message).to == query.to);
    CHECK(std::get<Query>(q.message).id == query.id);

    const Decoded stop = decoded(encoded(MessageType::Stop, Stop{}));
    CHECK(stop.type == MessageType::Stop);
    CHECK(std::holds_alternative<Stop>(stop.message));
}

TEST_CASE("every worker to app message round-trips with all its fields") {
    const Decoded started = decoded(encoded(MessageType::Started, Started{"landlock abi 6"}));
    CHECK(started.type == MessageType::Started);
    CHECK(std::get<Started>(started.message).sandbox == "landlock abi 6");

    const Failed failed{makeError(ErrorCode::Mismatch, "the vault did not open")};
    const Decoded f = decoded(encoded(MessageType::Failed, failed));
    CHECK(f.type == MessageType::Failed);
    CHECK(std::get<Failed>(f.message).error.code == ErrorCode::Mismatch);
    CHECK(std::get<Failed>(f.message).error.message == "the vault did not open");
}

TEST_CASE("a ServiceEvent of every type round-trips with its key event") {
    for (int raw = 0; raw <= static_cast<int>(Type::MessageReceivedByPeer); ++raw) {
        const auto type = static_cast<Type>(raw);
        INFO("type " << raw);
        const xmpp::ServiceEvent event = fullEvent(type);
        const Decoded d = decoded(encoded(MessageType::Event, event));
        CHECK(d.type == MessageType::Event);
        requireSame(std::get<xmpp::ServiceEvent>(d.message), event);
    }
    xmpp::ServiceEvent without = fullEvent(Type::MessageReceived);
    without.keyEvent.reset();
    requireSame(std::get<xmpp::ServiceEvent>(decoded(encoded(MessageType::Event, without)).message),
                without);
}

TEST_CASE("every DeviceTrust and ErrorCode value round-trips") {
    for (int raw = 0; raw <= static_cast<int>(omemo::DeviceTrust::Blind); ++raw) {
        xmpp::ServiceEvent event(Type::DeviceTrustChanged);
        event.deviceTrust = static_cast<omemo::DeviceTrust>(raw);
        CHECK(std::get<xmpp::ServiceEvent>(decoded(encoded(MessageType::Event, event)).message)
                  .deviceTrust == event.deviceTrust);
    }
    for (int raw = 0; raw <= static_cast<int>(ErrorCode::Mismatch); ++raw) {
        const Failed failed{makeError(static_cast<ErrorCode>(raw), "")};
        CHECK(std::get<Failed>(decoded(encoded(MessageType::Failed, failed)).message).error.code ==
              failed.error.code);
    }
}

TEST_CASE("Open's vault key is read into guarded memory with its value") {
    Bytes frame = encoded(MessageType::Open, fullOpen());
    Decoded d = decoded(frame);
    // The caller wipes the frame once read: the key must not depend on it.
    std::fill(frame.begin(), frame.end(), 0);
    const SecretBytes& key = std::get<Open>(d.message).vaultKey;
    REQUIRE(key.size() == 6);
    CHECK(Bytes(key.view().begin(), key.view().end()) == Bytes{0x00, 0x01, 0xfe, 0xff, 0x00, 0x42});
    CHECK(key.equals(fullOpen().vaultKey));
}

TEST_CASE("a frame cut short at any byte is refused") {
    const Bytes frame = encoded(MessageType::Event, fullEvent(Type::DeviceTrustChanged));
    for (std::size_t size = 0; size < frame.size(); ++size) {
        INFO("cut at " << size);
        const Bytes cut(frame.begin(), frame.begin() + static_cast<std::ptrdiff_t>(size));
        refusal(cut);
        // The same cut with a length field that agrees: a field itself is cut short.
        if (size >= kHeaderBytes)
            refusal(resized(cut));
    }
    const Bytes open = encoded(MessageType::Open, fullOpen());
    for (std::size_t size = kHeaderBytes; size < open.size(); ++size)
        refusal(resized(Bytes(open.begin(), open.begin() + static_cast<std::ptrdiff_t>(size))));
}

TEST_CASE("a frame of another protocol version is refused") {
    for (int version : {0, 2, 255}) {
        Bytes frame = encoded(MessageType::Stop, Stop{});
        frame[5] = static_cast<std::uint8_t>(version);
        CHECK(refusal(frame).message.find("version") != std::string::npos);
        CHECK_FALSE(frameSize(frame).ok());
    }
}

TEST_CASE("an unknown message type is refused") {
    for (int type : {0, 8, 99, 103, 0xffff}) {
        Bytes frame = encoded(MessageType::Stop, Stop{});
        frame[6] = static_cast<std::uint8_t>(type >> 8);
        frame[7] = static_cast<std::uint8_t>(type);
        CHECK(refusal(frame).message.find("type") != std::string::npos);
    }
}

TEST_CASE("frameSize refuses a hostile length from the header alone") {
    Bytes header = encoded(MessageType::Stop, Stop{});
    for (std::uint32_t length : {0u, 3u, kMaxFrameBytes + 1, 0xffffffffu}) {
        setU32(header, 0, length);
        auto size = frameSize(header);
        REQUIRE_FALSE(size.ok());
        CHECK(size.error().code == ErrorCode::Corrupted);
        CHECK_FALSE(decode(header).ok());
    }
    setU32(header, 0, kMaxFrameBytes);
    REQUIRE(frameSize(header).ok());
    CHECK(frameSize(header).value() == kMaxFrameBytes + 4);
    CHECK_FALSE(frameSize(ByteView(header).first(kHeaderBytes - 1)).ok());
}

TEST_CASE("a string length past the frame is refused") {
    Bytes frame = sendFrame();
    setU32(frame, 12, 0xffffffff); // Send.text's length
    CHECK(refusal(frame).message.find("Send.text") != std::string::npos);
    setU32(frame, 12, 6); // one more than there is before Send.stanzaId's length
    refusal(frame);
}

TEST_CASE("a boolean other than 0 or 1 is refused") {
    for (int value : {2, 0x80, 0xff}) {
        Bytes frame = plainEventFrame();
        frame[22] = static_cast<std::uint8_t>(value);
        CHECK(refusal(frame).message.find("ServiceEvent.trusted") != std::string::npos);
        frame = plainEventFrame();
        frame[25] = static_cast<std::uint8_t>(value);
        CHECK(refusal(frame).message.find("ServiceEvent.keyEvent") != std::string::npos);
    }
}

TEST_CASE("an enum value out of range is refused") {
    Bytes frame = plainEventFrame();
    frame[9] = static_cast<std::uint8_t>(Type::MessageReceivedByPeer) + 1;
    CHECK(refusal(frame).message.find("ServiceEvent.type") != std::string::npos);
    frame = plainEventFrame();
    frame[8] = 0x80; // a negative value if it were read as signed
    refusal(frame);
    frame = plainEventFrame();
    frame[24] = static_cast<std::uint8_t>(omemo::DeviceTrust::Blind) + 1;
    CHECK(refusal(frame).message.find("ServiceEvent.deviceTrust") != std::string::npos);
    frame = encoded(MessageType::Failed, Failed{makeError(ErrorCode::Io, "")});
    frame[9] = static_cast<std::uint8_t>(ErrorCode::Mismatch) + 1;
    CHECK(refusal(frame).message.find("error.code") != std::string::npos);
}

TEST_CASE("a string that is not UTF-8 or holds a NUL is refused without echoing it") {
    // A stray continuation byte, an overlong '/', a surrogate, a truncated sequence, a NUL
    // (as a byte and as an overlong form), a code point past U+10FFFF.
    for (const std::string& bad :
         {std::string("ab\x80\x41\x41"), std::string("\xc0\xaf###"), std::string("\xed\xa0\x80##"),
          std::string("####\xe2"), std::string("se\0et", 5), std::string("\xc0\x80###"),
          std::string("\xf4\x90\x80\x80#")}) {
        Bytes frame = sendFrame();
        std::copy(bad.begin(), bad.end(), frame.begin() + 16);
        const Error error = refusal(frame);
        CHECK(error.message.find("Send.text") != std::string::npos);
        CHECK(error.message.find(bad) == std::string::npos);
        // The sender learns it before the peer would treat it as hostile.
        auto refused = encode(MessageType::Send, Send{"", bad, ""});
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == ErrorCode::InvalidArgument);
    }
    // Byte strings are bytes: a NUL and 0xff in a key event's hash are no error.
    xmpp::ServiceEvent event(Type::DeviceTrustChanged);
    event.keyEvent = storage::KeyEventRow{1, 2, "t", "s", "f", "d", {0xff}, {0x00}, {0xc0, 0x80}};
    requireSame(std::get<xmpp::ServiceEvent>(decoded(encoded(MessageType::Event, event)).message),
                event);
}

TEST_CASE("bytes left over after the message are refused") {
    Bytes inside = encoded(MessageType::Started, Started{"ok"});
    inside.push_back('!');
    CHECK(refusal(resized(inside)).message.find("left over") != std::string::npos);
    Bytes after = encoded(MessageType::Stop, Stop{});
    after.push_back(0);
    refusal(after);
}

TEST_CASE("encode refuses a message that does not match its type") {
    const auto refused = [](MessageType type, const Message& message) {
        auto frame = encode(type, message);
        return !frame.ok() && frame.error().code == ErrorCode::InvalidArgument;
    };
    CHECK(refused(MessageType::Send, Stop{}));
    CHECK(refused(MessageType::Event, Send{}));
    CHECK(refused(MessageType::Failed, Started{}));
    CHECK(refused(MessageType::Open, DeviceChange{}));
    CHECK(refused(MessageType::Stop, fullOpen()));
    CHECK(refused(static_cast<MessageType>(8), Stop{}));
    xmpp::ServiceEvent outOfRange(
        static_cast<Type>(static_cast<int>(Type::MessageReceivedByPeer) + 1));
    CHECK(refused(MessageType::Event, outOfRange));
}

TEST_CASE("encode refuses a frame over kMaxFrameBytes") {
    // Version, type and the three length fields take 16 bytes of the frame's length.
    const std::size_t largest = kMaxFrameBytes - 16;
    const Bytes frame = encoded(MessageType::Send, Send{"", std::string(largest, 'x'), ""});
    CHECK(frame.size() == kMaxFrameBytes + 4);
    CHECK(std::get<Send>(decoded(frame).message).text.size() == largest);
    auto tooBig = encode(MessageType::Send, Send{"", std::string(largest + 1, 'x'), ""});
    REQUIRE_FALSE(tooBig.ok());
    CHECK(tooBig.error().code == ErrorCode::InvalidArgument);
}
