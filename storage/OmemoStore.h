// A compartment's OMEMO state in its vault: its own identity (device id, registration id,
// identity key pair), one-time and signed prekeys, sessions with peer devices, the identity
// keys seen for those devices, and peers' device lists. Records are the opaque protobufs of
// the Signal library; the ones that hold private keys come and go as SecretBytes.
// No method starts a transaction: callers wrap the writes that belong together (a message and
// the session change it caused) in one vault.transaction().
#pragma once

#include "storage/Vault.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cloison::storage {

struct OmemoIdentityRecord {
    std::uint32_t deviceId = 0;
    std::uint32_t registrationId = 0;
    Bytes publicKey;        // 33 bytes, 0x05-prefixed Curve25519
    SecretBytes privateKey; // 32 bytes
    std::uint32_t nextPreKeyId = 1;
    std::uint32_t nextSignedPreKeyId = 1;
};

struct OmemoSignedPreKeyInfo {
    std::uint32_t id = 0;
    std::int64_t createdAt = 0; // seconds since the epoch
};

class OmemoStore {
public:
    explicit OmemoStore(Vault& vault) : m_vault(vault) {}
    Vault& vault() { return m_vault; }

    // Own identity: none until the compartment first sets up OMEMO.
    [[nodiscard]] Result<std::optional<OmemoIdentityRecord>> identity();
    [[nodiscard]] Result<void> saveIdentity(const OmemoIdentityRecord& identity);
    [[nodiscard]] Result<void> setDeviceId(std::uint32_t deviceId);
    [[nodiscard]] Result<void> setNextPreKeyIds(std::uint32_t preKey, std::uint32_t signedPreKey);

    // One-time prekeys. A used one is not deleted at once: two peers that fetched the same
    // bundle may both pick it before the bundle without it is on the server (XEP-0384's race),
    // and the second message would be lost. It is marked used (never published again), kept
    // for a grace period, then deleted (secure_delete wipes it).
    [[nodiscard]] Result<std::optional<SecretBytes>> preKey(std::uint32_t id);
    [[nodiscard]] Result<void> putPreKey(std::uint32_t id, const SecretBytes& record);
    [[nodiscard]] Result<bool> hasPreKey(std::uint32_t id);
    [[nodiscard]] Result<void> markPreKeyUsed(std::uint32_t id);
    // Stamps newly used prekeys with `now` and deletes those used `grace` seconds or more ago.
    [[nodiscard]] Result<void> forgetUsedPreKeys(std::int64_t now, std::int64_t grace);
    // Unused prekeys only: what the bundle offers.
    [[nodiscard]] Result<std::vector<std::uint32_t>> preKeyIds();
    [[nodiscard]] Result<std::int64_t> usedPreKeyCount();

    // Signed prekeys.
    [[nodiscard]] Result<std::optional<SecretBytes>> signedPreKey(std::uint32_t id);
    [[nodiscard]] Result<void> putSignedPreKey(std::uint32_t id, const SecretBytes& record,
                                               std::int64_t createdAt);
    [[nodiscard]] Result<bool> hasSignedPreKey(std::uint32_t id);
    [[nodiscard]] Result<void> removeSignedPreKey(std::uint32_t id);
    // Oldest first.
    [[nodiscard]] Result<std::vector<OmemoSignedPreKeyInfo>> signedPreKeys();

    // Sessions with peer devices (a peer is a bare JID).
    [[nodiscard]] Result<std::optional<SecretBytes>> session(std::string_view jid,
                                                             std::uint32_t deviceId);
    // Hands the record to `reader` in place (no copy); false when there is none. For the hot
    // path: every message loads its session once.
    [[nodiscard]] Result<bool> readSession(std::string_view jid, std::uint32_t deviceId,
                                           const std::function<void(ByteView)>& reader);
    [[nodiscard]] Result<void> putSession(std::string_view jid, std::uint32_t deviceId,
                                          ByteView record);
    [[nodiscard]] Result<bool> hasSession(std::string_view jid, std::uint32_t deviceId);
    [[nodiscard]] Result<void> removeSession(std::string_view jid, std::uint32_t deviceId);
    [[nodiscard]] Result<void> removeSessions(std::string_view jid);
    [[nodiscard]] Result<std::vector<std::uint32_t>> sessionDevices(std::string_view jid);

    // Identity keys seen for peer devices (trust decisions live elsewhere).
    [[nodiscard]] Result<std::optional<Bytes>> peerIdentity(std::string_view jid,
                                                            std::uint32_t deviceId);
    [[nodiscard]] Result<void> savePeerIdentity(std::string_view jid, std::uint32_t deviceId,
                                                ByteView publicKey);

    // Device lists as last published by each peer: devices not in the new list turn inactive.
    [[nodiscard]] Result<void> setDeviceList(std::string_view jid,
                                             const std::vector<std::uint32_t>& devices);
    [[nodiscard]] Result<std::vector<std::uint32_t>> activeDevices(std::string_view jid);

private:
    Result<std::optional<SecretBytes>> loadSecret(const char* sql, std::uint32_t id);
    Result<bool> exists(const char* sql, std::uint32_t id);
    Result<void> runWithId(const char* sql, std::uint32_t id);
    Result<std::vector<std::uint32_t>> idList(const char* sql, std::string_view jid);

    Vault& m_vault;
};

} // namespace cloison::storage
