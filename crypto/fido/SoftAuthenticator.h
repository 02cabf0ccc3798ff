// A software CTAP2 authenticator, for tests and demonstrations only: it is NOT a hardware
// security key (its secrets sit in a file on the same disk as the profile). libfido2 talks to it
// through its custom I/O hooks (softAuthenticatorIo), so the real CTAPHID framing, CBOR and PIN
// protocol code of libfido2 runs end to end.
//
// It implements authenticatorGetInfo, makeCredential (non-resident, ES256, packed self
// attestation, hmac-secret and credProtect), getAssertion (allow list, hmac-secret, user
// presence, pinAuth) and clientPIN protocol 1 (getRetries, getKeyAgreement, setPIN,
// getPINToken). Its state lives in DIR/kStateFile, mode 0600, in a 0700 directory.
#pragma once

#include "crypto/fido/SoftCrypto.h"

#include <filesystem>
#include <vector>

struct cbor_item_t;

namespace cloison::fido {

enum class SoftPresence : std::uint8_t {
    Touch = 1,   // every request for user presence is granted at once
    Timeout = 2, // nobody touches the key: requests for presence time out
};

struct SoftAuthenticatorOptions {
    bool hmacSecret = true; // false simulates an older key without the extension
    SoftPresence presence = SoftPresence::Touch;
};

class SoftAuthenticator {
public:
    static constexpr const char* kStateFile = "soft-authenticator.cbor";
    static constexpr std::uint64_t kMaxPinRetries = 8;
    static constexpr std::size_t kPinHashBytes = 16; // LEFT(SHA-256(PIN), 16)

    // Creates a new authenticator (fresh secrets) in `dir`; AlreadyExists when there is one.
    [[nodiscard]] static Result<void> create(const std::filesystem::path& dir,
                                             const SoftAuthenticatorOptions& options);
    // Changes the simulated behaviour of an existing authenticator.
    [[nodiscard]] static Result<void> configure(const std::filesystem::path& dir,
                                                const SoftAuthenticatorOptions& options);
    [[nodiscard]] static bool exists(const std::filesystem::path& dir);
    // How many times the simulated person has touched the key so far.
    [[nodiscard]] static Result<std::uint64_t> touches(const std::filesystem::path& dir);
    // One "power-on": a fresh PIN key agreement key and PIN token.
    [[nodiscard]] static Result<std::unique_ptr<SoftAuthenticator>>
    load(const std::filesystem::path& dir);
    ~SoftAuthenticator();

    // One CTAP2 request (command byte + CBOR) in, one response (status byte + CBOR) out.
    Bytes process(ByteView request);

private:
    struct Credential {
        Bytes id;
        Bytes rpIdHash;
        SecretBytes keyDer;
        std::uint64_t credProtect = 1;
    };
    struct Reply;

    SoftAuthenticator() = default;
    Result<void> save() const;
    Reply getInfo();
    Reply makeCredential(const cbor_item_t* params);
    Reply getAssertion(const cbor_item_t* params);
    Reply clientPin(const cbor_item_t* params);
    Reply pinToken(const cbor_item_t* params);
    Reply setPin(const cbor_item_t* params);
    Result<SecretBytes> sharedSecretWith(const cbor_item_t* coseKey);
    std::uint8_t checkPinAuth(const cbor_item_t* params, std::uint64_t authKey,
                              std::uint64_t protocolKey, ByteView clientDataHash, bool& verified);
    SecretBytes credRandom(const Credential& credential, bool verified) const;
    Bytes keyAgreementCose() const;

    std::filesystem::path m_dir;
    SoftAuthenticatorOptions m_options;
    Bytes m_aaguid;
    SecretBytes m_master;
    SecretBytes m_pinHash; // empty when no PIN is set
    std::uint64_t m_pinRetries = kMaxPinRetries;
    std::uint64_t m_signCount = 0;
    std::uint64_t m_touches = 0; // simulated touches so far, for tests
    std::vector<Credential> m_credentials;
    // Per power-on.
    Pkey m_keyAgreement;
    SecretBytes m_pinToken;
    unsigned m_consecutivePinFailures = 0;
};

} // namespace cloison::fido
