#include "crypto/fido/FidoAuthenticator.h"

#include "crypto/Hash.h"
#include "crypto/fido/SoftAuthenticator.h"
#include "crypto/fido/SoftCtapHid.h"

#include <fido.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <thread>

namespace cloison {
namespace {

constexpr std::uint8_t kFlagUserPresent = 0x01;
constexpr std::uint8_t kFlagUserVerified = 0x04;
constexpr std::size_t kMaxDevices = 16;

void ensureFido() {
    static std::once_flag once;
    std::call_once(once, [] { fido_init(0); });
}

template <typename T, void (*Free)(T**)> struct FidoFree {
    void operator()(T* p) const { Free(&p); }
};
using Cred = std::unique_ptr<fido_cred_t, FidoFree<fido_cred_t, &fido_cred_free>>;
using Assert = std::unique_ptr<fido_assert_t, FidoFree<fido_assert_t, &fido_assert_free>>;
using Info = std::unique_ptr<fido_cbor_info_t, FidoFree<fido_cbor_info_t, &fido_cbor_info_free>>;

struct DeviceList {
    fido_dev_info_t* list = fido_dev_info_new(kMaxDevices);
    ~DeviceList() { fido_dev_info_free(&list, kMaxDevices); }
};

// libfido2 takes the PIN as a NUL-terminated string; this copy stays in guarded memory.
SecretBytes pinString(const SecretBytes& pin) {
    SecretBytes out(pin.size() + 1);
    if (!pin.empty())
        std::memcpy(out.data(), pin.data(), pin.size());
    return out;
}

const char* pinArgument(const SecretBytes* pin) {
    return pin != nullptr && !pin->empty() ? reinterpret_cast<const char*>(pin->data()) : nullptr;
}

bool listed(char** names, std::size_t count, const char* wanted) {
    for (std::size_t i = 0; i < count; ++i)
        if (std::strcmp(names[i], wanted) == 0)
            return true;
    return false;
}

} // namespace

const char* fidoVerificationName(FidoVerification verification) {
    return verification == FidoVerification::Pin ? "touch+pin" : "touch";
}

Result<AuthenticatorChoice> AuthenticatorChoice::parse(std::string_view spec) {
    if (spec.empty() || spec == "auto")
        return AuthenticatorChoice{};
    if (spec.starts_with("hid:") && spec.size() > 4)
        return AuthenticatorChoice{Kind::Hardware, std::string(spec.substr(4))};
    if (spec.starts_with("soft:") && spec.size() > 5)
        return AuthenticatorChoice{Kind::Software, std::string(spec.substr(5))};
    return makeError(ErrorCode::InvalidArgument,
                     "an authenticator is 'auto', 'hid:PATH' or 'soft:DIR', not '" +
                         std::string(spec) + "'");
}

void FidoAuthenticator::DeviceDeleter::operator()(fido_dev_t* dev) const {
    fido_dev_close(dev);
    fido_dev_free(&dev);
}

FidoAuthenticator::~FidoAuthenticator() = default;

Result<std::unique_ptr<FidoAuthenticator>>
FidoAuthenticator::open(const AuthenticatorChoice& choice, int touchTimeoutMs) {
    ensureFido();
    std::unique_ptr<FidoAuthenticator> self(new FidoAuthenticator);
    self->m_dev.reset(fido_dev_new());
    if (!self->m_dev)
        return makeError(ErrorCode::Internal, "out of memory for a FIDO device");
    std::string path = choice.path;
    if (choice.kind == AuthenticatorChoice::Kind::Software) {
        if (!fido::SoftAuthenticator::exists(path))
            return makeError(ErrorCode::NoAuthenticator,
                             "no software authenticator in " + path +
                                 " (create one with 'cloison-cli fido soft-init')");
        if (fido_dev_set_io_functions(self->m_dev.get(), &fido::softAuthenticatorIo()) != FIDO_OK)
            return makeError(ErrorCode::Internal, "cannot attach the software authenticator");
        self->m_software = true;
        self->m_description =
            "software authenticator in " + path + " (NOT a hardware security key)";
    } else {
        std::string product;
        if (path.empty()) {
            DeviceList devices;
            std::size_t found = 0;
            if (devices.list == nullptr ||
                fido_dev_info_manifest(devices.list, kMaxDevices, &found) != FIDO_OK || found == 0)
                return makeError(ErrorCode::NoAuthenticator,
                                 "no FIDO security key is plugged in; plug in your key and try "
                                 "again");
            const fido_dev_info_t* first = fido_dev_info_ptr(devices.list, 0);
            path = fido_dev_info_path(first);
            const char* maker = fido_dev_info_manufacturer_string(first);
            const char* model = fido_dev_info_product_string(first);
            product = std::string(" (") + (maker ? maker : "?") + " " + (model ? model : "?") + ")";
        }
        self->m_description = "security key " + path + product;
    }
    const int opened = fido_dev_open(self->m_dev.get(), path.c_str());
    if (opened != FIDO_OK)
        return makeError(ErrorCode::NoAuthenticator,
                         "cannot open the " + self->m_description +
                             " (is it plugged in?): " + fido_strerr(opened));
    if (!fido_dev_is_fido2(self->m_dev.get()))
        return makeError(ErrorCode::AuthenticatorUnsupported,
                         "the " + self->m_description +
                             " is a U2F-only key; Cloison needs a FIDO2 key with hmac-secret");
    if (touchTimeoutMs > 0)
        (void)fido_dev_set_timeout(self->m_dev.get(), touchTimeoutMs);
    if (auto info = self->refreshInfo(); !info)
        return info.error();
    return self;
}

Result<std::unique_ptr<FidoAuthenticator>>
FidoAuthenticator::openWhenPresent(const AuthenticatorChoice& choice,
                                   std::chrono::milliseconds wait,
                                   const std::function<void()>& waiting, int touchTimeoutMs) {
    using Clock = std::chrono::steady_clock;
    constexpr std::chrono::milliseconds kInterval{500};
    const auto deadline = Clock::now() + wait;
    bool announced = false;
    for (;;) {
        auto opened = open(choice, touchTimeoutMs);
        const auto now = Clock::now();
        if (opened || opened.error().code != ErrorCode::NoAuthenticator || now >= deadline)
            return opened;
        if (!announced && waiting)
            waiting();
        announced = true;
        std::this_thread::sleep_for(std::min<Clock::duration>(kInterval, deadline - now));
    }
}

Result<void> FidoAuthenticator::refreshInfo() {
    Info info(fido_cbor_info_new());
    if (!info)
        return makeError(ErrorCode::Internal, "out of memory for FIDO device information");
    if (int r = fido_dev_get_cbor_info(m_dev.get(), info.get()); r != FIDO_OK)
        return translate(r, "reading what the key supports");
    char** extensions = fido_cbor_info_extensions_ptr(info.get());
    const std::size_t count = fido_cbor_info_extensions_len(info.get());
    m_hmacSecret = listed(extensions, count, "hmac-secret");
    m_credProtect = listed(extensions, count, "credProtect");
    m_hasPin = fido_dev_has_pin(m_dev.get());
    return {};
}

Error FidoAuthenticator::translate(int status, const std::string& doing) {
    const std::string where = " (" + doing + " with the " + m_description + ")";
    switch (status) {
    case FIDO_ERR_NO_CREDENTIALS:
    case FIDO_ERR_INVALID_CREDENTIAL:
        return makeError(ErrorCode::WrongAuthenticator,
                         "this security key is not one enrolled here; use the key you enrolled" +
                             where);
    case FIDO_ERR_PIN_INVALID: {
        std::string left;
        if (auto retries = pinRetries())
            left = "; " + std::to_string(retries.value()) + " attempts left before the key blocks";
        return makeError(ErrorCode::WrongPin, "wrong PIN for the security key" + left + where);
    }
    case FIDO_ERR_PIN_BLOCKED:
        return makeError(ErrorCode::PinBlocked,
                         "the security key's PIN is blocked after too many wrong attempts; the "
                         "key must be reset (which destroys its credentials): use your backup "
                         "key or ask your admin for recovery" +
                             where);
    case FIDO_ERR_PIN_AUTH_BLOCKED:
        return makeError(ErrorCode::PinBlocked,
                         "too many wrong PINs in a row: unplug the security key, plug it in "
                         "again and retry" +
                             where);
    case FIDO_ERR_PIN_REQUIRED:
        return makeError(ErrorCode::PinRequired, "the security key needs its PIN" + where);
    case FIDO_ERR_PIN_NOT_SET:
        return makeError(ErrorCode::AuthenticatorUnsupported,
                         "the security key has no PIN; set one first or choose touch only" + where);
    case FIDO_ERR_PIN_POLICY_VIOLATION:
        return makeError(ErrorCode::InvalidArgument,
                         "the security key refuses this PIN (too short or too long)" + where);
    case FIDO_ERR_ACTION_TIMEOUT:
    case FIDO_ERR_USER_ACTION_TIMEOUT:
    case FIDO_ERR_RX:
        return makeError(ErrorCode::UserActionTimeout,
                         "the security key was not touched in time (or stopped answering); "
                         "touch it when it blinks and try again" +
                             where);
    case FIDO_ERR_UNSUPPORTED_EXTENSION:
    case FIDO_ERR_UNSUPPORTED_OPTION:
    case FIDO_ERR_UNSUPPORTED_ALGORITHM:
        return makeError(ErrorCode::AuthenticatorUnsupported,
                         std::string("the security key does not support what Cloison needs: ") +
                             fido_strerr(status) + where);
    case FIDO_ERR_OPERATION_DENIED:
    case FIDO_ERR_NOT_ALLOWED:
        return makeError(ErrorCode::PolicyRefused,
                         std::string("the security key refused: ") + fido_strerr(status) + where);
    default:
        return makeError(ErrorCode::Io,
                         std::string("the security key failed: ") + fido_strerr(status) + where);
    }
}

Result<FidoCredential> FidoAuthenticator::makeCredential(const std::string& rpId,
                                                         FidoVerification verification,
                                                         const SecretBytes* pin) {
    if (!m_hmacSecret)
        return makeError(ErrorCode::AuthenticatorUnsupported,
                         "the " + m_description +
                             " lacks the hmac-secret extension Cloison needs; use a FIDO2 key "
                             "that has it");
    if (verification == FidoVerification::Pin && !m_hasPin)
        return makeError(ErrorCode::AuthenticatorUnsupported,
                         "the " + m_description +
                             " has no PIN; set one first or choose touch "
                             "only");
    if ((m_hasPin || verification == FidoVerification::Pin) && pinArgument(pin) == nullptr)
        return makeError(ErrorCode::PinRequired, "the security key needs its PIN to enrol");
    Cred cred(fido_cred_new());
    if (!cred)
        return makeError(ErrorCode::Internal, "out of memory for a FIDO credential");
    const Bytes clientDataHash = randomBytes(32);
    const Bytes userId = randomBytes(32);
    int r = fido_cred_set_type(cred.get(), COSE_ES256);
    if (r == FIDO_OK)
        r = fido_cred_set_clientdata_hash(cred.get(), clientDataHash.data(), clientDataHash.size());
    if (r == FIDO_OK)
        r = fido_cred_set_rp(cred.get(), rpId.c_str(), "Cloison");
    if (r == FIDO_OK)
        r = fido_cred_set_user(cred.get(), userId.data(), userId.size(), "cloison", nullptr,
                               nullptr);
    if (r == FIDO_OK)
        r = fido_cred_set_extensions(cred.get(), FIDO_EXT_HMAC_SECRET);
    // credProtect: with a PIN choice the credential is unusable without the PIN (level 3);
    // otherwise it is only usable by whoever knows its id (level 2).
    if (r == FIDO_OK && m_credProtect)
        r = fido_cred_set_prot(cred.get(), verification == FidoVerification::Pin
                                               ? FIDO_CRED_PROT_UV_REQUIRED
                                               : FIDO_CRED_PROT_UV_OPTIONAL_WITH_ID);
    if (r == FIDO_OK)
        r = fido_cred_set_rk(cred.get(), FIDO_OPT_FALSE);
    if (r != FIDO_OK)
        return makeError(ErrorCode::Internal,
                         std::string("preparing a FIDO credential: ") + fido_strerr(r));
    const bool withPin = pinArgument(pin) != nullptr;
    const SecretBytes pinText = withPin ? pinString(*pin) : SecretBytes();
    r = fido_dev_make_cred(m_dev.get(), cred.get(), withPin ? pinArgument(&pinText) : nullptr);
    if (r != FIDO_OK)
        return translate(r, "making a credential");
    // Whether hmac-secret was granted shows in the first assertion, which enrolment makes next.
    if (!(fido_cred_flags(cred.get()) & kFlagUserPresent))
        return makeError(ErrorCode::AuthenticatorUnsupported,
                         "the " + m_description + " made a credential without a touch");
    const unsigned char* id = fido_cred_id_ptr(cred.get());
    return FidoCredential{Bytes(id, id + fido_cred_id_len(cred.get())), rpId, verification};
}

Result<SecretBytes> FidoAuthenticator::hmacSecret(const FidoCredential& credential, ByteView salt,
                                                  const SecretBytes* pin) {
    if (salt.size() != kFidoSaltBytes)
        return makeError(ErrorCode::InvalidArgument, "an hmac-secret salt has 32 bytes");
    if (!m_hmacSecret)
        return makeError(ErrorCode::AuthenticatorUnsupported,
                         "the " + m_description + " lacks the hmac-secret extension");
    const bool withPin = credential.verification == FidoVerification::Pin;
    if (withPin && pinArgument(pin) == nullptr)
        return makeError(ErrorCode::PinRequired, "the security key needs its PIN to unlock");
    Assert assert(fido_assert_new());
    if (!assert)
        return makeError(ErrorCode::Internal, "out of memory for a FIDO assertion");
    const Bytes clientDataHash = randomBytes(32);
    int r =
        fido_assert_set_clientdata_hash(assert.get(), clientDataHash.data(), clientDataHash.size());
    if (r == FIDO_OK)
        r = fido_assert_set_rp(assert.get(), credential.rpId.c_str());
    if (r == FIDO_OK)
        r = fido_assert_allow_cred(assert.get(), credential.id.data(), credential.id.size());
    if (r == FIDO_OK)
        r = fido_assert_set_extensions(assert.get(), FIDO_EXT_HMAC_SECRET);
    if (r == FIDO_OK)
        r = fido_assert_set_hmac_salt(assert.get(), salt.data(), salt.size());
    if (r == FIDO_OK)
        r = fido_assert_set_up(assert.get(), FIDO_OPT_TRUE);
    if (r != FIDO_OK)
        return makeError(ErrorCode::Internal,
                         std::string("preparing a FIDO assertion: ") + fido_strerr(r));
    const SecretBytes pinText = withPin ? pinString(*pin) : SecretBytes();
    r = fido_dev_get_assert(m_dev.get(), assert.get(), withPin ? pinArgument(&pinText) : nullptr);
    if (r != FIDO_OK)
        return translate(r, "unlocking");
    const std::uint8_t flags = fido_assert_flags(assert.get(), 0);
    // The secret depends on whether the key verified the user: insist on the stored choice.
    if (!(flags & kFlagUserPresent) || static_cast<bool>(flags & kFlagUserVerified) != withPin)
        return makeError(ErrorCode::WrongAuthenticator,
                         "the security key answered without the expected touch/PIN check");
    if (fido_assert_hmac_secret_len(assert.get(), 0) != kFidoSecretBytes)
        return makeError(ErrorCode::AuthenticatorUnsupported,
                         "the " + m_description + " returned no hmac-secret");
    return SecretBytes::copyOf(
        ByteView(fido_assert_hmac_secret_ptr(assert.get(), 0), kFidoSecretBytes));
}

Result<bool> FidoAuthenticator::holdsCredential(const FidoCredential& credential) {
    if (credential.verification == FidoVerification::Pin)
        return true;
    Assert assert(fido_assert_new());
    if (!assert)
        return makeError(ErrorCode::Internal, "out of memory for a FIDO assertion");
    const Bytes clientDataHash = randomBytes(32);
    int r =
        fido_assert_set_clientdata_hash(assert.get(), clientDataHash.data(), clientDataHash.size());
    if (r == FIDO_OK)
        r = fido_assert_set_rp(assert.get(), credential.rpId.c_str());
    if (r == FIDO_OK)
        r = fido_assert_allow_cred(assert.get(), credential.id.data(), credential.id.size());
    if (r == FIDO_OK)
        r = fido_assert_set_up(assert.get(), FIDO_OPT_FALSE);
    if (r != FIDO_OK)
        return makeError(ErrorCode::Internal,
                         std::string("preparing a FIDO probe: ") + fido_strerr(r));
    r = fido_dev_get_assert(m_dev.get(), assert.get(), nullptr);
    if (r == FIDO_OK)
        return true;
    if (r == FIDO_ERR_NO_CREDENTIALS || r == FIDO_ERR_INVALID_CREDENTIAL)
        return false;
    return translate(r, "looking for a credential");
}

Result<int> FidoAuthenticator::pinRetries() {
    int retries = 0;
    if (int r = fido_dev_get_retry_count(m_dev.get(), &retries); r != FIDO_OK)
        return makeError(ErrorCode::Io,
                         std::string("cannot read the PIN retry counter: ") + fido_strerr(r));
    return retries;
}

Result<void> FidoAuthenticator::setPin(const SecretBytes& pin) {
    const SecretBytes pinText = pinString(pin);
    if (int r = fido_dev_set_pin(m_dev.get(), pinArgument(&pinText), nullptr); r != FIDO_OK)
        return translate(r, "setting the PIN");
    return refreshInfo();
}

} // namespace cloison
