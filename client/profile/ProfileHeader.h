// The profile header: the only unencrypted file of a profile. It holds key slots and nothing
// else (no names, no counts of anything a person chose).
//
// Layout (integers little-endian):
//   magic "CLOISONH" | u16 format | u16 slot count
//   per slot: u8 kind | u8 reserved (0) | u16 payload length | payload
//     passphrase: u64 passes | u64 memory | Argon2id salt | wrapped key
//     FIDO: u8 verification (1 touch, 2 touch+PIN) | u8 reserved | u64 passes | u64 memory |
//           Argon2id salt | hmac-secret salt (32) | u16 credential id length | credential id |
//           u8 relying-party id length | relying-party id | wrapped key
//   32-byte MAC (BLAKE2b keyed with a subkey of the profile key) over everything before it
//   32-byte checksum (unkeyed BLAKE2b) over everything before it
// The checksum tells accidental damage ("corrupted") apart from a wrong passphrase; the MAC
// tells deliberate modification apart once the profile key is known.
#pragma once

#include "crypto/AtomicFile.h"
#include "crypto/Kdf.h"
#include "crypto/fido/FidoAuthenticator.h"

#include <filesystem>
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

struct ProfileHeader {
    static constexpr std::uint16_t kFormat = 1;
    static constexpr std::size_t kMaxBytes = 64 * 1024;

    std::vector<PassphraseSlot> passphraseSlots;
    std::vector<FidoSlot> fidoSlots; // written after the passphrase slots
    Bytes body;                      // the bytes the MAC covers, as read
    Bytes mac;                       // as read; recomputed on write

    // Associated data binding a slot's wrapped key to its parameters and salt.
    static Bytes slotBinding(const PassphraseSlot& slot);
    // Prefix of the associated data of a FIDO slot's wrapped key (its parameters follow).
    static Bytes fidoSlotBinding();
    Bytes encodeBody() const; // everything the MAC covers
    Bytes encode(const SecretBytes& macKey) const;
    static Result<ProfileHeader> decode(ByteView file); // Corrupted on any damage
    [[nodiscard]] bool macMatches(const SecretBytes& macKey) const;
};

[[nodiscard]] Result<ProfileHeader> readProfileHeader(const std::filesystem::path& path);

} // namespace cloison
