// The profile header: the only unencrypted file of a profile. It holds key slots and nothing
// else (no names, no counts of anything a person chose).
//
// Format 2 (issue 14, integers little-endian), always exactly ProfileHeader::kBytes long:
//   magic "CLOISONH" | u16 format | u16 reserved (0)
//   u64 passes | u64 memory | Argon2id salt        one derivation for the whole header
//   u8 security keys enrolled | 3 reserved (0)
//   kFidoKeyCount records of kFidoKeyBytes: the enrolled keys first, then random bytes
//     u8 verification | u8 reserved | hmac-secret salt (32) | u16 credential id length |
//     credential id, zero-padded to kMaxCredentialIdBytes | u8 relying-party id length |
//     relying-party id, zero-padded to kMaxRpIdBytes
//   kSlotCount slots of kSlotBytes: each either a sealed (u8 kind | key) or random bytes
//   32-byte MAC (BLAKE2b keyed with a subkey of the profile key) over everything before it
//   32-byte checksum (unkeyed BLAKE2b) over everything before it
// Why this shape: a slot sealed with XChaCha20-Poly1305 cannot be told from random bytes, and
// every slot has the same size wherever it sits, so neither the size nor the bytes say how
// many slots are used or whether one holds a duress key (its kind is inside the seal). One
// Argon2id per unlock attempt (not one per slot) keeps unlocking as fast as with format 1;
// each slot then costs one AEAD attempt. The security keys' credentials are in clear because
// the unlock must know before any secret is typed whether to ask for a touch; they only say
// that the owner uses a key, which the key on their keychain says anyway. A duress slot is
// never a FIDO slot, so the credential records tell nothing about it.
// The checksum tells accidental damage ("corrupted") apart from a wrong passphrase; the MAC
// tells deliberate modification apart once the profile key is known. A duress unlock never
// has the profile key, so it neither checks nor rewrites the MAC (it writes no header).
//
// Format 1 (read only, to upgrade it): a variable list of slots, one Argon2id each:
//   magic "CLOISONH" | u16 format | u16 slot count
//   per slot: u8 kind | u8 reserved (0) | u16 payload length | payload
//     passphrase: u64 passes | u64 memory | Argon2id salt | wrapped key
//     FIDO: u8 verification (1 touch, 2 touch+PIN) | u8 reserved | u64 passes | u64 memory |
//           Argon2id salt | hmac-secret salt (32) | u16 credential id length | credential id |
//           u8 relying-party id length | relying-party id | wrapped key
//   MAC | checksum, as in format 2
#pragma once

#include "crypto/AtomicFile.h"
#include "crypto/Kdf.h"
#include "crypto/fido/FidoAuthenticator.h"

#include "crypto/Aead.h"

#include <filesystem>
#include <optional>
#include <vector>

namespace cloison {

enum class SlotKind : std::uint8_t {
    Passphrase = 1,
    Fido = 2, // passphrase and a FIDO key's hmac-secret, both needed
};

struct PassphraseSlot {
    Argon2idParams params;
    Bytes salt;       // kArgon2SaltBytes
    Bytes wrappedKey; // the profile key sealed with the Argon2id output
};

// A slot opened by the passphrase together with a FIDO key: the slot key is
// combineSecrets(Argon2id(passphrase, salt), hmac-secret(credential, fidoSalt)).
struct FidoSlot {
    FidoVerification verification = FidoVerification::Presence;
    Argon2idParams params;
    Bytes salt;     // kArgon2SaltBytes
    Bytes fidoSalt; // kFidoSaltBytes, sent to the key
    Bytes credentialId;
    std::string rpId;
    Bytes wrappedKey; // the protected key sealed with the slot key

    FidoCredential credential() const { return {credentialId, rpId, verification}; }
    // Short and stable, for listing and removing: hex of a hash of the credential id.
    std::string id() const;
    // Everything but the wrapped key, as bound into it and stored.
    Bytes encodeParameters() const;
    Bytes encode() const;
    static Result<FidoSlot> decode(ByteView payload); // Corrupted on any damage
};

// A format-1 header, as read from an older profile. Written only by tests and the fuzz target
// (to check the reader); Cloison rewrites it as format 2 at the first unlock that can.
struct LegacyProfileHeader {
    static constexpr std::uint16_t kFormat = 1;

    std::vector<PassphraseSlot> passphraseSlots;
    std::vector<FidoSlot> fidoSlots; // written after the passphrase slots

    // Associated data binding a slot's wrapped key to its parameters and salt.
    static Bytes slotBinding(const PassphraseSlot& slot);
    // Prefix of the associated data of a FIDO slot's wrapped key (its parameters follow).
    static Bytes fidoSlotBinding();
    Bytes encodeBody() const; // everything the MAC covers
    Bytes encode(const SecretBytes& macKey) const;
    static Result<LegacyProfileHeader> decodeBody(ByteView body); // the MAC's input
};

// What a sealed format-2 slot holds, inside the seal.
enum class SlotContent : std::uint8_t {
    ProfileKey = 1,
    DuressKey = 2, // opens the duress vault (decoy compartments only)
};

// An enrolled security key: what the unlock needs to ask it for its hmac-secret.
struct FidoKeyRecord {
    FidoVerification verification = FidoVerification::Presence;
    Bytes fidoSalt; // kFidoSaltBytes
    Bytes credentialId;
    std::string rpId;

    FidoCredential credential() const { return {credentialId, rpId, verification}; }
    std::string id() const; // as FidoSlot::id()
};

struct ProfileHeader {
    static constexpr std::uint16_t kFormat = 2;
    static constexpr std::size_t kMaxBytes = 64 * 1024;
    static constexpr std::size_t kSlotCount = 8;
    static constexpr std::size_t kFidoKeyCount = 4;
    static constexpr std::size_t kMaxCredentialIdBytes = 256;
    static constexpr std::size_t kMaxRpIdBytes = 63;
    static constexpr std::size_t kSlotBytes = kAeadOverheadBytes + 1 + kKeyBytes;
    static constexpr std::size_t kFidoKeyBytes =
        2 + kFidoSaltBytes + 2 + kMaxCredentialIdBytes + 1 + kMaxRpIdBytes;
    static constexpr std::size_t kBytes = 8 + 4 + 16 + kArgon2SaltBytes + 4 +
                                          kFidoKeyCount * kFidoKeyBytes + kSlotCount * kSlotBytes +
                                          2 * 32;

    Argon2idParams params;
    Bytes salt;                          // kArgon2SaltBytes
    std::vector<FidoKeyRecord> fidoKeys; // at most kFidoKeyCount
    Bytes spareFidoKeys; // the records not in use: random, (kFidoKeyCount - used) records long
    std::vector<Bytes> keySlots; // kSlotCount, each kSlotBytes
    Bytes body;                  // the bytes the MAC covers, as read
    Bytes mac;                   // as read; recomputed on write
    // Set (and nothing else) when the file is format 1.
    std::optional<LegacyProfileHeader> legacy;

    // A header with no slot in use: fresh salt, random slots and records.
    static ProfileHeader fresh(const Argon2idParams& params);

    // The Argon2id output every slot's key is derived from (the one costly step).
    [[nodiscard]] Result<SecretBytes> stretch(const SecretBytes& passphrase) const;
    // A slot's key: from the stretched passphrase alone, or with a security key's hmac-secret.
    static SecretBytes slotKey(const SecretBytes& stretched, const SecretBytes* fidoSecret);
    // `fidoKey` is the record of the security key whose secret went into `slotKey`, if any.
    void seal(std::size_t index, const SecretBytes& slotKey, SlotContent content,
              const SecretBytes& key, const FidoKeyRecord* fidoKey);
    // WrongKey when `slotKey` does not open slot `index` (or it is unused).
    [[nodiscard]] Result<std::pair<SlotContent, SecretBytes>>
    open(std::size_t index, const SecretBytes& slotKey, const FidoKeyRecord* fidoKey) const;
    void clear(std::size_t index); // random bytes again
    // Into the first unused record (there must be one), and back to random bytes.
    const FidoKeyRecord& addFidoKey(FidoKeyRecord key);
    void removeFidoKey(std::size_t index);

    Bytes encodeBody() const; // everything the MAC covers
    Bytes encode(const SecretBytes& macKey) const;
    // Corrupted on any damage, SchemaTooNew for a newer format.
    static Result<ProfileHeader> decode(ByteView file);
    [[nodiscard]] bool macMatches(const SecretBytes& macKey) const;

private:
    Bytes slotBinding(std::size_t index, const FidoKeyRecord* fidoKey) const;
};

[[nodiscard]] Result<ProfileHeader> readProfileHeader(const std::filesystem::path& path);

} // namespace cloison
