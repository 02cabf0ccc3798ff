// A FIDO2 authenticator reached through libfido2: a hardware security key, or the software
// authenticator (crypto/fido/SoftAuthenticator.h) when it is chosen explicitly. Used for the
// hmac-secret extension: a credential is made once, and each later assertion with the same salt
// yields the same 32-byte secret, only on that key and only after a touch (and PIN if chosen).
#pragma once

#include "crypto/SecretBytes.h"

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

struct fido_dev;

namespace cloison {

constexpr std::size_t kFidoSaltBytes = 32;
constexpr std::size_t kFidoSecretBytes = 32;
constexpr int kFidoTouchTimeoutMs = 30'000;

// How the person proves presence. The hmac-secret differs with and without user verification,
// so the same choice must be used at enrolment and at every unlock: it is stored in the slot.
enum class FidoVerification : std::uint8_t {
    Presence = 1, // a touch (user presence) only
    Pin = 2,      // a touch and the key's PIN (user verification); credProtect level 3
};
const char* fidoVerificationName(FidoVerification verification);

struct AuthenticatorChoice {
    enum class Kind : std::uint8_t { Hardware, Software };
    Kind kind = Kind::Hardware;
    // Hardware: the device path (e.g. /dev/hidraw3), empty for "the one plugged in".
    // Software: the authenticator's state directory.
    std::string path;

    // "auto" (or empty), "hid:PATH" or "soft:DIR". The software authenticator is only ever
    // used when asked for by name: nothing falls back to it.
    static Result<AuthenticatorChoice> parse(std::string_view spec);
};

struct FidoCredential {
    Bytes id;
    std::string rpId;
    FidoVerification verification = FidoVerification::Presence;
};

class FidoAuthenticator {
public:
    // NoAuthenticator when nothing is plugged in (or no software authenticator is in DIR).
    static Result<std::unique_ptr<FidoAuthenticator>>
    open(const AuthenticatorChoice& choice, int touchTimeoutMs = kFidoTouchTimeoutMs);
    // The same, but while nothing is there, checks again twice a second (sleeping in between,
    // never spinning) until `wait` has passed; `waiting` is called once, when waiting starts.
    static Result<std::unique_ptr<FidoAuthenticator>>
    openWhenPresent(const AuthenticatorChoice& choice, std::chrono::milliseconds wait,
                    const std::function<void()>& waiting, int touchTimeoutMs = kFidoTouchTimeoutMs);
    ~FidoAuthenticator();
    FidoAuthenticator(const FidoAuthenticator&) = delete;
    FidoAuthenticator& operator=(const FidoAuthenticator&) = delete;

    bool isSoftware() const { return m_software; }
    // For messages: "security key /dev/hidraw3 (Yubico ...)" or the software label.
    const std::string& description() const { return m_description; }
    bool supportsHmacSecret() const { return m_hmacSecret; }
    bool hasPin() const { return m_hasPin; }

    // A non-resident credential with hmac-secret (and credProtect where supported). `pin` is
    // needed when the key has a PIN (CTAP 2.0 requires it for makeCredential) or the choice is
    // Pin; nullptr otherwise.
    [[nodiscard]] Result<FidoCredential>
    makeCredential(const std::string& rpId, FidoVerification verification, const SecretBytes* pin);
    // The hmac-secret output for `salt` (kFidoSaltBytes). WrongAuthenticator when this key does
    // not hold the credential.
    [[nodiscard]] Result<SecretBytes> hmacSecret(const FidoCredential& credential, ByteView salt,
                                                 const SecretBytes* pin);
    // Asks the key, without a touch (up=false), whether it holds a touch-only credential, so
    // that a profile with several enrolled keys asks for one touch only. Credentials made with
    // the PIN choice (credProtect 3) cannot be probed this way: the answer is then true.
    [[nodiscard]] Result<bool> holdsCredential(const FidoCredential& credential);
    [[nodiscard]] Result<int> pinRetries();
    // Sets the first PIN of a key that has none.
    [[nodiscard]] Result<void> setPin(const SecretBytes& pin);

private:
    struct DeviceDeleter {
        void operator()(::fido_dev* dev) const;
    };
    FidoAuthenticator() = default;
    Error translate(int status, const std::string& doing);
    Result<void> refreshInfo();

    std::unique_ptr<::fido_dev, DeviceDeleter> m_dev;
    bool m_software = false;
    bool m_hmacSecret = false;
    bool m_credProtect = false;
    bool m_hasPin = false;
    std::string m_description;
};

} // namespace cloison
