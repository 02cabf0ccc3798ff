// Everything the OMEMO layer asks of the Signal library, in Cloison's own types. This is the
// only file (with SignalStore) that calls libsignal-protocol-c session and key functions;
// libomemo-c offers the same calls, so moving to it (and to OMEMO 2) replaces these two files.
#pragma once

#include "client/omemo/SignalStore.h"
#include "crypto/SignalHandles.h"
#include "storage/OmemoStore.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cloison::omemo {

struct PublicPreKey {
    std::uint32_t id = 0;
    Bytes publicKey; // 33 bytes, 0x05-prefixed
};

// What a device publishes so that others can start sessions with it.
struct Bundle {
    std::uint32_t signedPreKeyId = 0;
    Bytes signedPreKeyPublic;
    Bytes signedPreKeySignature;
    Bytes identityKey;
    std::vector<PublicPreKey> preKeys;
};

struct GeneratedKey {
    std::uint32_t id = 0;
    SecretBytes record; // serialized PreKeyRecord / SignedPreKeyRecord
};

struct EncryptedKey {
    Bytes data;
    bool preKey = false; // a PreKeySignalMessage (the session is not yet acknowledged)
};

class SignalAdapter {
public:
    SignalAdapter(SignalContext& context, SignalStore& store)
        : m_context(context), m_store(store) {}

    // A fresh identity key pair and registration id (device id chosen by the caller).
    [[nodiscard]] Result<storage::OmemoIdentityRecord> generateIdentity();
    [[nodiscard]] Result<std::vector<GeneratedKey>> generatePreKeys(std::uint32_t firstId,
                                                                    unsigned count);
    [[nodiscard]] Result<GeneratedKey> generateSignedPreKey(const storage::OmemoIdentityRecord& id,
                                                            std::uint32_t keyId,
                                                            std::uint64_t timestampMs);
    [[nodiscard]] Result<PublicPreKey> preKeyPublic(const SecretBytes& record);
    [[nodiscard]] Result<Bundle> signedPreKeyPublic(const SecretBytes& record);

    // X3DH from a peer's bundle, with one of its prekeys (chosen by the caller).
    [[nodiscard]] Result<void> startSession(const std::string& jid, std::uint32_t deviceId,
                                            const Bundle& bundle, const PublicPreKey& preKey);
    [[nodiscard]] Result<EncryptedKey> encrypt(const std::string& jid, std::uint32_t deviceId,
                                               ByteView keyMaterial);
    // usedPreKey: a one-time prekey of ours was consumed (replenish and republish).
    // The key material stays in libsignal's buffer, wiped when released.
    [[nodiscard]] Result<SignalBuffer> decrypt(const std::string& jid, std::uint32_t deviceId,
                                               ByteView data, bool preKey, bool& usedPreKey);

private:
    Error failure(const std::string& what, int rc) const;
    SignalContext& m_context;
    SignalStore& m_store;
};

} // namespace cloison::omemo
