// The baseline for the OMEMO benchmark: libsignal-protocol-c with in-memory stores and our
// crypto provider, no XML, no payload cipher, no vault. What is left is the Signal protocol.
#pragma once

#include "crypto/SignalHandles.h"

#include <map>
#include <memory>
#include <string>
#include <utility>

namespace cloison::bench {

// Plain heap bytes, wiped when replaced or destroyed: the baseline keeps libsignal's records
// the way a minimal client would, without guarded pages.
struct WipedBytes {
    Bytes bytes;
    WipedBytes() = default;
    explicit WipedBytes(ByteView view) : bytes(view.begin(), view.end()) {}
    WipedBytes(WipedBytes&& other) noexcept = default;
    WipedBytes& operator=(WipedBytes&& other) noexcept {
        wipe();
        bytes = std::move(other.bytes);
        return *this;
    }
    ~WipedBytes() { wipe(); }
    void wipe();
    ByteView view() const { return bytes; }
};

class RawSignalParty {
public:
    static std::unique_ptr<RawSignalParty> create(std::uint32_t deviceId);
    ~RawSignalParty();
    RawSignalParty(const RawSignalParty&) = delete;
    RawSignalParty& operator=(const RawSignalParty&) = delete;

    // X3DH against `peer`'s keys (prekey 1, signed prekey 1).
    void startSessionWith(RawSignalParty& peer, const std::string& peerName);
    Bytes encrypt(const std::string& peerName, std::uint32_t peerDevice, ByteView plaintext,
                  bool& preKey);
    Bytes decrypt(const std::string& peerName, std::uint32_t peerDevice, ByteView message,
                  bool preKey);
    std::uint32_t deviceId() const { return m_deviceId; }

    // In-memory state, public for the C callbacks.
    Bytes identityPublic;
    WipedBytes identityPrivate;
    std::uint32_t registrationId = 0;
    std::map<std::pair<std::string, std::int32_t>, WipedBytes> sessions;
    std::map<std::uint32_t, WipedBytes> preKeys;
    std::map<std::uint32_t, WipedBytes> signedPreKeys;

private:
    RawSignalParty() = default;
    std::uint32_t m_deviceId = 0;
    std::unique_ptr<SignalContext> m_context;
    signal_protocol_store_context* m_store = nullptr;
};

} // namespace cloison::bench
