// What the app (or cloison-cli) and a compartment's worker process (cloison-compartment) say to
// each other over their socket pair (issue 11): the same value-type commands and events the
// in-process CompartmentService takes and gives, as versioned, length-prefixed frames.
//
// A frame: u32 length of what follows (big-endian, at most kMaxFrameBytes), u16 protocol
// version (kProtocolVersion), u16 message type, then the message's fields in a fixed order:
// integers big-endian, booleans one byte 0 or 1, strings and byte strings a u32 length then the
// bytes. Decoding is strict: an unknown version or type, a field cut short, a length past the
// frame, a boolean other than 0 or 1, an enum value out of range, a string that is not UTF-8 or
// holds a NUL, or bytes left over make the frame invalid, and a peer that sends one is treated
// as hostile (the app kills the worker; the worker exits).
#pragma once

#include "client/xmpp/CompartmentService.h"
#include "crypto/Bytes.h"
#include "crypto/Result.h"
#include "crypto/SecretBytes.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace cloison::worker {

inline constexpr std::uint16_t kProtocolVersion = 1;
// A message text, a query's answer or a key event is far smaller; anything bigger is hostile.
inline constexpr std::uint32_t kMaxFrameBytes = 1024 * 1024;
inline constexpr std::size_t kHeaderBytes = 8; // length, version, type

enum class MessageType : std::uint16_t {
    // App to worker.
    Open = 1, // the compartment to run: the first frame, and only once
    Send = 2, // a 1:1 message
    SendToRoom = 3,
    VerifyDevice = 4,
    UnverifyDevice = 5,
    Query = 6,
    Stop = 7, // disconnect cleanly and exit
    // Worker to app.
    Started = 100, // the vault is open and the sandbox entered: what it applied
    Event = 101,   // a ServiceEvent
    Failed = 102,  // the worker cannot go on: why (it exits after sending this)
};

// The compartment a worker runs. The vault key is the only key it ever receives.
struct Open {
    std::string vaultPath;
    SecretBytes vaultKey;
    std::string compartmentId; // the profile's id for it (names the key-event log)
    std::string compartmentName;
    std::string scratchDir; // the one directory beside its vault it may write to
};
struct Send {
    std::string to; // empty for SendToRoom
    std::string text;
    std::string stanzaId;
};
struct DeviceChange {
    std::string jid;
    std::uint32_t deviceId = 0;
    std::string fingerprint; // empty for UnverifyDevice
};
struct Query {
    std::string stanza;
    std::string to;
    std::string id;
};
struct Started {
    std::string sandbox; // sandbox::Report::describe()
};
struct Failed {
    Error error;
};
struct Stop {};

using Message =
    std::variant<Open, Send, DeviceChange, Query, Stop, Started, xmpp::ServiceEvent, Failed>;

// The frame for a message. `type` tells Send from SendToRoom and VerifyDevice from
// UnverifyDevice; for the others it must be the message's own type. The frame of an Open
// holds the vault key: the caller wipes it (sodium_memzero) once written.
[[nodiscard]] Result<Bytes> encode(MessageType type, const Message& message);

// How many bytes the frame starting at `header` (at least kHeaderBytes) has in all, header
// included; an error when its length field is zero or over kMaxFrameBytes, or the version is
// not ours (so a reader never waits for, or allocates, a hostile length).
[[nodiscard]] Result<std::size_t> frameSize(ByteView header);

struct Decoded {
    MessageType type;
    Message message;
};
// One whole frame (frameSize() bytes). The Open's key lands in guarded memory; the caller
// still wipes the frame buffer.
[[nodiscard]] Result<Decoded> decode(ByteView frame);

} // namespace cloison::worker
