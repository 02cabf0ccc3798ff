#include "crypto/SignalHandles.h"

#include "crypto/SignalProvider.h"

namespace cloison {

std::string signalErrorText(int rc) {
    switch (rc) {
    case SG_ERR_NOMEM:
        return "out of memory";
    case SG_ERR_INVAL:
        return "invalid argument";
    case SG_ERR_DUPLICATE_MESSAGE:
        return "duplicate message (already decrypted once: a replay)";
    case SG_ERR_INVALID_KEY:
        return "invalid key";
    case SG_ERR_INVALID_KEY_ID:
        return "unknown prekey or signed prekey id";
    case SG_ERR_INVALID_MAC:
        return "message authentication failed (altered or not for this session)";
    case SG_ERR_INVALID_MESSAGE:
        return "invalid message";
    case SG_ERR_INVALID_VERSION:
        return "unsupported protocol version";
    case SG_ERR_LEGACY_MESSAGE:
        return "legacy version-2 message refused";
    case SG_ERR_NO_SESSION:
        return "no session with this device";
    case SG_ERR_STALE_KEY_EXCHANGE:
        return "stale key exchange";
    case SG_ERR_UNTRUSTED_IDENTITY:
        return "untrusted identity key";
    case SG_ERR_VRF_SIG_VERIF_FAILED:
        return "signature verification failed";
    case SG_ERR_INVALID_PROTO_BUF:
        return "malformed protocol buffer";
    default:
        return "signal protocol error " + std::to_string(rc);
    }
}

Result<std::unique_ptr<SignalContext>> SignalContext::create() {
    std::unique_ptr<SignalContext> owner(new SignalContext());
    if (int rc = signal_context_create(&owner->m_context, owner.get()); rc != 0)
        return makeError(ErrorCode::Crypto, "signal context: " + signalErrorText(rc));
    if (int rc = signal_context_set_crypto_provider(owner->m_context, &signalCryptoProvider());
        rc != 0)
        return makeError(ErrorCode::Crypto, "signal crypto provider: " + signalErrorText(rc));
    if (int rc = signal_context_set_locking_functions(owner->m_context, &lock, &unlock); rc != 0)
        return makeError(ErrorCode::Crypto, "signal locking: " + signalErrorText(rc));
    return owner;
}

SignalContext::~SignalContext() {
    if (m_context != nullptr)
        signal_context_destroy(m_context);
}

void SignalContext::lock(void* self) {
    static_cast<SignalContext*>(self)->m_mutex.lock();
}

void SignalContext::unlock(void* self) {
    static_cast<SignalContext*>(self)->m_mutex.unlock();
}

} // namespace cloison
