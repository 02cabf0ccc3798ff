// The provisioning documents exchanged between a member's client and the admin tool, all in
// the signed text container of SignedText.h:
//
//   enroll-request         member -> admin   the member's profile public keys and name,
//                                            self-signed with the member's signing key
//   invite                 admin -> member   a compartment definition and its account's
//                                            credentials, signed by the organisation key,
//                                            naming the recipient's box key, then sealed to
//                                            that key (crypto_box_seal) as a sealed-invite
//   certification-request  member -> admin   the compartment's new OMEMO device and the public
//                                            key of its key-event log, signed with the
//                                            member's signing key from the enrolment
//   device-roster          admin -> members  the certified and revoked devices of one
//                                            compartment (each with its log key, which the
//                                            roster thereby certifies for auditors),
//                                            versioned, signed by the org key
//
// Signing before sealing, with the recipient's key and the format version inside what is
// signed, means an invite cannot be re-sealed to another member unnoticed, and the sealing
// hides the password and the compartment from everyone else (including the server).
#pragma once

#include "client/provisioning/SignedText.h"
#include "client/xmpp/CompartmentService.h"
#include "crypto/Signing.h"

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cloison::provisioning {

constexpr std::size_t kBoxPublicKeyBytes = 32;
constexpr std::size_t kOmemoIdentityKeyBytes = 33;
constexpr std::size_t kMaxSealedInviteBytes = 64 * 1024;
constexpr std::size_t kMaxTrustedDomains = 100;
constexpr std::uint32_t kMaxRetentionDays = 36500;
constexpr std::uint64_t kMaxSharedDocumentBytes = 1ull << 40; // a policy's largest file
constexpr std::size_t kMaxDocumentTypes = 100;

// A member's long-term profile keys: an X25519 key pair that invites are sealed to and an
// Ed25519 key that signs what the member hands back. Kept in the profile vault, generated on
// first use; the secret halves live in guarded memory only.
class MemberKeys {
public:
    static constexpr const char* kBoxSecretKey = "provisioning.member.box-secret";
    static constexpr const char* kSigningSecretKey = "provisioning.member.signing-secret";

    [[nodiscard]] static Result<MemberKeys> loadOrCreate(storage::Vault& profileVault);
    // NotFound when the profile has never made an enrolment request.
    [[nodiscard]] static Result<MemberKeys> load(storage::Vault& profileVault);

    const Bytes& boxPublicKey() const { return m_boxPublic; }
    const SigningKey& signingKey() const { return m_signing; }
    // WrongKey when `sealed` was not sealed to this member's box key (or was altered).
    [[nodiscard]] Result<SecretBytes> openSealed(ByteView sealed) const;

private:
    MemberKeys(SecretBytes boxSecret, Bytes boxPublic, SigningKey signing)
        : m_boxSecret(std::move(boxSecret)), m_boxPublic(std::move(boxPublic)),
          m_signing(std::move(signing)) {}
    SecretBytes m_boxSecret;
    Bytes m_boxPublic;
    SigningKey m_signing;
};

struct EnrollRequest {
    std::string name; // the member's display name, 1..64 bytes
    Bytes boxKey;     // X25519
    Bytes signingKey; // Ed25519
};

[[nodiscard]] Result<std::string> makeEnrollRequest(const MemberKeys& keys,
                                                    const std::string& name);
// Verifies the self-signature. Corrupted / InvalidArgument on anything else.
[[nodiscard]] Result<EnrollRequest> parseEnrollRequest(std::string_view document);

struct CompartmentDefinition {
    std::string id;   // random, chosen by the admin; binds rosters to this compartment
    std::string name; // the compartment's name in every member's profile
    std::string host;
    std::uint16_t port = 5222;
    std::string pin;  // SHA-256 of the server's public key, 64 lowercase hex
    std::string room; // the members-only room's JID, or empty
    xmpp::TrustMode trust = xmpp::TrustMode::Strict;
    std::uint32_t retentionDays = 0; // 0: messages are kept
    std::string colour;              // "#rrggbb" or empty
    std::string label;               // shown with the colour band, or empty
    std::vector<std::string> trustedDomains;
    bool sealed = false; // the member must seal it behind its own security key touch
    // The admin account whose PEP node urn:cloison:device-roster:ID carries the roster, or
    // empty (definitions made before it was carried: members then fetch by hand). Written
    // last, and only when set, so that older documents read the same.
    std::string rosterOwner;
    // The document policy (issue 13): the largest document members may send or keep, in bytes
    // (0: the client's default), and the file-name extensions allowed (empty: any). Each is
    // written after the roster owner, and only when set, like it.
    std::uint64_t maxDocumentBytes = 0;
    std::vector<std::string> documentTypes;
};

// InvalidArgument naming what is wrong.
[[nodiscard]] Result<void> validateDefinition(const CompartmentDefinition& definition);
void writeDefinition(SignedTextWriter& writer, const CompartmentDefinition& definition);
[[nodiscard]] Result<CompartmentDefinition> readDefinition(FieldReader& reader);

// A decoy compartment's generated content (issue 14), carried inside the sealed invite: a
// history of messages between plausible colleagues and one watermarked canary document. The
// planted canary credentials are in the history's text: bait meant to be read, kept as the
// ordinary message text it imitates.
struct DecoyMessage {
    std::string conversation; // the peer's address
    std::string sender;
    std::int64_t sentAtMs = 0;
    std::string body; // at most kMaxDecoyMessageBytes
};
struct DecoyContent {
    std::vector<DecoyMessage> history;
    std::string documentName; // a file name, no '/'
    std::string document;     // at most kMaxDecoyDocumentBytes
    std::string documentFrom; // who sent it, one of the history's peers
    std::int64_t documentAtMs = 0;
};
constexpr std::size_t kMaxDecoyMessages = 200;
constexpr std::size_t kMaxDecoyMessageBytes = 768;
constexpr std::size_t kMaxDecoyDocumentBytes = 16 * 1024;
// Every invite's signed document is padded to this size before sealing, so that a decoy's
// (which carries its history and document) and a real one are the same size on disk.
constexpr std::size_t kPaddedInviteBytes = 40 * 1024;

struct Invite {
    Bytes orgKey;         // the signer, Ed25519
    Bytes recipient;      // the member's box key the invite was sealed to
    std::string inviteId; // random; the certification request names it
    std::int64_t issuedAt = 0;
    std::int64_t expiresAt = 0; // seconds since the epoch; 0: never (invites made before expiry)
    std::string memberName;
    CompartmentDefinition compartment;
    std::string account;  // the compartment's XMPP account for this member
    SecretBytes password; // printable ASCII, 8..256 bytes
    // Present for a decoy compartment: known only to whoever opens the seal.
    std::optional<DecoyContent> decoy;
};

// The sealed-invite file: "cloison-sealed-invite 1\n" BASE64(crypto_box_seal(signed invite))
// "\n". The signed invite exists in clear only in guarded memory. A decoy's content follows the
// password; padding fields then bring every invite to kPaddedInviteBytes.
[[nodiscard]] Result<std::string> sealInvite(const Invite& invite, const SigningKey& orgKey);
// Opens with the member's key, verifies the signature with the org key the invite names and
// checks that it names this member as its recipient. The caller still has to check that org
// key against the one it pinned. WrongKey: sealed to someone else. Corrupted: tampered.
[[nodiscard]] Result<Invite> openInvite(std::string_view file, const MemberKeys& keys);

struct CertificationRequest {
    Bytes memberKey; // the member's signing key, as enrolled
    std::string inviteId;
    std::string compartmentId;
    std::string compartment;
    std::string account;
    std::uint32_t deviceId = 0;
    Bytes identityKey; // OMEMO identity, 33 bytes
    // The public key of the compartment's key-event log (Ed25519). Requests made before logs
    // were certified have none; their device is certified without a log key.
    Bytes logKey;
};

[[nodiscard]] Result<std::string> makeCertificationRequest(const CertificationRequest& request,
                                                           const SigningKey& memberKey);
// Verifies the signature with the member key the request names; the admin checks that key
// against the enrolment of request.inviteId.
[[nodiscard]] Result<CertificationRequest> parseCertificationRequest(std::string_view document);

struct RosterDevice {
    std::string account;
    std::uint32_t deviceId = 0;
    Bytes identityKey; // 33 bytes
    // The device's key-event log key (Ed25519, 32 bytes), or empty: the org's signature on the
    // roster is the certificate an auditor checks an exported log against.
    Bytes logKey;
    auto operator<=>(const RosterDevice&) const = default;
};

struct DeviceRoster {
    Bytes orgKey;
    std::string compartmentId;
    std::string compartment;
    std::uint64_t version = 0; // 1 .. 2^63-1, strictly increasing
    std::int64_t issuedAt = 0;
    std::vector<RosterDevice> devices; // certified
    std::vector<RosterDevice> revoked;

    bool isCertified(const std::string& account, std::uint32_t deviceId,
                     ByteView identityKey) const;
    // The device, certified or revoked, whose log key is `logKey`; null when none.
    const RosterDevice* deviceWithLogKey(ByteView logKey) const;
};

// Sorts both lists; InvalidArgument on duplicates or a device both certified and revoked.
[[nodiscard]] Result<std::string> signRoster(DeviceRoster roster, const SigningKey& orgKey);
// Verifies the signature with `orgKey` (and that the roster names that key) before reading.
[[nodiscard]] Result<DeviceRoster> parseRoster(std::string_view document, ByteView orgKey);
// The org key a roster names as its signer, read before any signature is checked: only for
// comparing with a fingerprint the reader was given, before parseRoster() with that key.
[[nodiscard]] Result<Bytes> rosterSigner(std::string_view document);

// The organisation key an auditor was given: the key itself, or only its fingerprint.
struct ExpectedOrgKey {
    Bytes publicKey;         // 32 bytes, or empty
    std::string fingerprint; // keyFingerprint() form, when publicKey is empty
};

// The certificate of a compartment's key-event log key (issue 6) is the signed device roster
// that lists a device with that log key: checks the roster's signature with the expected org
// key and finds the device. Returns what it certifies, for a person. PolicyRefused: signed by
// another organisation key; Corrupted: not a valid roster; NotFound: it does not list the key.
[[nodiscard]] Result<std::string> checkLogKeyCertificate(std::string_view roster, ByteView logKey,
                                                         const ExpectedOrgKey& org);

// Lowercase or not, with or without spaces: the same fingerprint (keyFingerprint format).
[[nodiscard]] bool fingerprintMatches(std::string_view given, ByteView publicKey);
// A bare JID NAME@DOMAIN: no spaces, no resource, at most 256 bytes.
[[nodiscard]] bool isBareJid(std::string_view jid);

} // namespace cloison::provisioning
