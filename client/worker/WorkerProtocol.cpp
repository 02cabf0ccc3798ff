#include "client/worker/WorkerProtocol.h"

#include "client/linkguard/Utf8.h"

#include <type_traits>

namespace cloison::worker {
namespace {

Error corrupted(const std::string& what) {
    return makeError(ErrorCode::Corrupted, "worker protocol: " + what);
}

// The last value of each enum a frame carries: a value appended to one of them must be
// appended here too, or frames holding it are refused as out of range.
constexpr auto lastValue(xmpp::ServiceEvent::Type) {
    return xmpp::ServiceEvent::Type::MessageReceivedByPeer;
}
constexpr auto lastValue(omemo::DeviceTrust) {
    return omemo::DeviceTrust::Blind;
}
constexpr auto lastValue(ErrorCode) {
    return ErrorCode::Mismatch;
}

template <typename E> bool inRange(E value) {
    const auto raw = static_cast<long long>(value);
    return raw >= 0 && raw <= static_cast<long long>(lastValue(value));
}

bool isText(std::string_view text) {
    return linkguard::isValidUtf8(text) && text.find('\0') == std::string_view::npos;
}

// Counts (out == nullptr) or writes a frame, so that encode() can refuse an oversize message
// before allocating, and write the vault key into a buffer that never grows (a reallocation
// would leave a copy of the key in freed memory).
class Writer {
public:
    static constexpr bool writing = true;
    explicit Writer(Bytes* out) : m_out(out) {}

    void field(const char*, std::uint16_t value) { integer(value, 2); }
    void field(const char*, std::uint32_t value) { integer(value, 4); }
    void field(const char*, std::int64_t value) { integer(static_cast<std::uint64_t>(value), 8); }
    void field(const char*, bool value) { integer(value ? 1 : 0, 1); }
    void field(const char*, ByteView value) {
        integer(value.size(), 4);
        m_size += value.size();
        if (m_out)
            m_out->insert(m_out->end(), value.begin(), value.end());
    }
    void field(const char* name, const SecretBytes& value) { field(name, value.view()); }
    void field(const char* name, const std::string& value) {
        if (!isText(value))
            refuse(name, " is not UTF-8 or holds a NUL");
        field(name, asBytes(value));
    }
    template <typename E>
    requires std::is_enum_v<E>
    void field(const char* name, E value) {
        if (!inRange(value))
            refuse(name, " is out of range");
        field(name, static_cast<std::uint16_t>(value));
    }

    std::size_t size() const { return m_size; }
    const std::string& refused() const { return m_refused; }

private:
    void integer(std::uint64_t value, int width) {
        m_size += static_cast<std::size_t>(width);
        if (m_out)
            for (int i = width - 1; i >= 0; --i)
                m_out->push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
    void refuse(const char* name, const char* why) {
        if (m_refused.empty())
            m_refused = std::string(name) + why;
    }

    Bytes* m_out;
    std::size_t m_size = 0;
    std::string m_refused; // why the message cannot be sent; empty when it can
};

// Reads fields in order. After the first error every read yields a default value and moves
// nothing, so that a message's fields can be read in one go and the error checked once.
class Reader {
public:
    static constexpr bool writing = false;
    explicit Reader(ByteView in) : m_in(in) {}

    void field(const char* name, std::uint16_t& value) {
        value = static_cast<std::uint16_t>(integer(name, 2));
    }
    void field(const char* name, std::uint32_t& value) {
        value = static_cast<std::uint32_t>(integer(name, 4));
    }
    void field(const char* name, std::int64_t& value) {
        value = static_cast<std::int64_t>(integer(name, 8));
    }
    void field(const char* name, bool& value) {
        const std::uint64_t raw = integer(name, 1);
        if (raw > 1)
            fail(name, " is not 0 or 1");
        value = raw == 1;
    }
    void field(const char* name, Bytes& value) {
        const ByteView bytes = sized(name);
        value.assign(bytes.begin(), bytes.end());
    }
    void field(const char* name, SecretBytes& value) { value = SecretBytes::copyOf(sized(name)); }
    void field(const char* name, std::string& value) {
        const ByteView bytes = sized(name);
        const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        if (!isText(text))
            fail(name, " is not UTF-8 or holds a NUL");
        else
            value.assign(text);
    }
    template <typename E>
    requires std::is_enum_v<E>
    void field(const char* name, E& value) {
        const auto raw = static_cast<E>(integer(name, 2));
        if (!inRange(raw))
            fail(name, " is out of range");
        else
            value = raw;
    }

    [[nodiscard]] Result<void> finish() const {
        if (!m_error.empty())
            return corrupted(m_error);
        if (m_at != m_in.size())
            return corrupted("bytes are left over after the message");
        return {};
    }

private:
    ByteView take(const char* name, std::size_t count, const char* why) {
        if (!m_error.empty())
            return {};
        if (count > m_in.size() - m_at) {
            fail(name, why);
            return {};
        }
        const ByteView out = m_in.subspan(m_at, count);
        m_at += count;
        return out;
    }
    std::uint64_t integer(const char* name, std::size_t width) {
        std::uint64_t value = 0;
        for (std::uint8_t byte : take(name, width, " is cut short"))
            value = (value << 8) | byte;
        return value;
    }
    ByteView sized(const char* name) {
        const std::uint64_t length = integer(name, 4);
        return take(name, static_cast<std::size_t>(length), "'s length runs past the frame");
    }
    void fail(const char* name, const char* why) {
        if (m_error.empty())
            m_error = std::string(name) + why;
    }

    ByteView m_in;
    std::size_t m_at = 0;
    std::string m_error; // the first field found wrong, and how; empty while none is
};

// Each message's fields in their order, once for both directions: Io is a Writer (the message
// is const) or a Reader (it is filled in).
template <typename T, typename Io> using Like = std::conditional_t<Io::writing, const T, T>;

template <typename Io> void fields(Io& io, Like<Open, Io>& m) {
    io.field("Open.vaultPath", m.vaultPath);
    io.field("Open.vaultKey", m.vaultKey);
    io.field("Open.compartmentId", m.compartmentId);
    io.field("Open.compartmentName", m.compartmentName);
    io.field("Open.scratchDir", m.scratchDir);
}
template <typename Io> void fields(Io& io, Like<Send, Io>& m) {
    io.field("Send.to", m.to);
    io.field("Send.text", m.text);
    io.field("Send.stanzaId", m.stanzaId);
}
template <typename Io> void fields(Io& io, Like<DeviceChange, Io>& m) {
    io.field("DeviceChange.jid", m.jid);
    io.field("DeviceChange.deviceId", m.deviceId);
    io.field("DeviceChange.fingerprint", m.fingerprint);
}
template <typename Io> void fields(Io& io, Like<Query, Io>& m) {
    io.field("Query.stanza", m.stanza);
    io.field("Query.to", m.to);
    io.field("Query.id", m.id);
}
template <typename Io> void fields(Io&, Like<Stop, Io>&) {}
template <typename Io> void fields(Io& io, Like<Started, Io>& m) {
    io.field("Started.sandbox", m.sandbox);
}
template <typename Io> void fields(Io& io, Like<Error, Io>& m) {
    io.field("error.code", m.code);
    io.field("error.message", m.message);
}
template <typename Io> void fields(Io& io, Like<Failed, Io>& m) {
    fields(io, m.error);
}
template <typename Io> void fields(Io& io, Like<storage::KeyEventRow, Io>& m) {
    io.field("keyEvent.seq", m.seq);
    io.field("keyEvent.timeMs", m.timeMs);
    io.field("keyEvent.type", m.type);
    io.field("keyEvent.subject", m.subject);
    io.field("keyEvent.fingerprint", m.fingerprint);
    io.field("keyEvent.details", m.details);
    io.field("keyEvent.prevHash", m.prevHash);
    io.field("keyEvent.hash", m.hash);
    io.field("keyEvent.signature", m.signature);
}
template <typename Io> void fields(Io& io, Like<xmpp::ServiceEvent, Io>& m) {
    io.field("ServiceEvent.type", m.type);
    io.field("ServiceEvent.conversation", m.conversation);
    io.field("ServiceEvent.from", m.from);
    io.field("ServiceEvent.device", m.device);
    io.field("ServiceEvent.trusted", m.trusted);
    io.field("ServiceEvent.deviceTrust", m.deviceTrust);
    bool hasKeyEvent = m.keyEvent.has_value();
    io.field("ServiceEvent.keyEvent", hasKeyEvent);
    if (hasKeyEvent) {
        if constexpr (!Io::writing)
            m.keyEvent.emplace();
        fields(io, *m.keyEvent);
    }
    io.field("ServiceEvent.timeMs", m.timeMs);
    io.field("ServiceEvent.text", m.text);
    io.field("ServiceEvent.stanzaId", m.stanzaId);
    io.field("ServiceEvent.count", m.count);
    fields(io, m.error);
    io.field("ServiceEvent.retrying", m.retrying);
}

// An empty message of the kind `type` carries; none for a type this version does not know.
std::optional<Message> blank(MessageType type) {
    switch (type) {
    case MessageType::Open:
        return Open{};
    case MessageType::Send:
    case MessageType::SendToRoom:
        return Send{};
    case MessageType::VerifyDevice:
    case MessageType::UnverifyDevice:
        return DeviceChange{};
    case MessageType::Query:
        return Query{};
    case MessageType::Stop:
        return Stop{};
    case MessageType::Started:
        return Started{};
    case MessageType::Event:
        return xmpp::ServiceEvent(xmpp::ServiceEvent::Type::Online);
    case MessageType::Failed:
        return Failed{};
    }
    return std::nullopt;
}

void writeFrame(Writer& writer, MessageType type, const Message& message, std::uint32_t length) {
    writer.field("length", length);
    writer.field("version", kProtocolVersion);
    writer.field("type", static_cast<std::uint16_t>(type));
    std::visit([&](const auto& m) { fields(writer, m); }, message);
}

} // namespace

Result<Bytes> encode(MessageType type, const Message& message) {
    const std::optional<Message> expected = blank(type);
    if (!expected || expected->index() != message.index())
        return makeError(ErrorCode::InvalidArgument,
                         "worker protocol: the message does not match its type");
    Writer counter(nullptr);
    writeFrame(counter, type, message, 0);
    if (!counter.refused().empty())
        return makeError(ErrorCode::InvalidArgument, "worker protocol: " + counter.refused());
    const std::size_t length = counter.size() - 4;
    if (length > kMaxFrameBytes)
        return makeError(ErrorCode::InvalidArgument,
                         "worker protocol: the message is larger than a frame may be");
    Bytes frame;
    frame.reserve(counter.size());
    Writer writer(&frame);
    writeFrame(writer, type, message, static_cast<std::uint32_t>(length));
    return frame;
}

Result<std::size_t> frameSize(ByteView header) {
    if (header.size() < kHeaderBytes)
        return corrupted("the frame header is cut short");
    Reader reader(header.first(kHeaderBytes));
    std::uint32_t length = 0;
    std::uint16_t version = 0;
    reader.field("length", length);
    reader.field("version", version);
    // The length covers the version and the type at least.
    if (length < kHeaderBytes - 4 || length > kMaxFrameBytes)
        return corrupted("the frame length is out of range");
    if (version != kProtocolVersion)
        return corrupted("the frame's protocol version is not " + std::to_string(kProtocolVersion));
    return std::size_t{4} + length;
}

Result<Decoded> decode(ByteView frame) {
    auto size = frameSize(frame);
    if (!size)
        return size.error();
    if (frame.size() < size.value())
        return corrupted("the frame is cut short");
    if (frame.size() > size.value())
        return corrupted("bytes are left over after the frame");
    Reader reader(frame.subspan(6, 2));
    std::uint16_t rawType = 0;
    reader.field("type", rawType);
    const auto type = static_cast<MessageType>(rawType);
    std::optional<Message> message = blank(type);
    if (!message)
        return corrupted("unknown message type " + std::to_string(rawType));
    Reader body(frame.subspan(kHeaderBytes));
    std::visit([&](auto& m) { fields(body, m); }, *message);
    if (auto done = body.finish(); !done)
        return done.error();
    return Decoded{type, std::move(*message)};
}

} // namespace cloison::worker
