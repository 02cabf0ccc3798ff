#include "crypto/Result.h"

namespace cloison {

const char* errorCodeName(ErrorCode code) {
    switch (code) {
    case ErrorCode::InvalidArgument:
        return "invalid-argument";
    case ErrorCode::WrongPassphrase:
        return "wrong-passphrase";
    case ErrorCode::WrongKey:
        return "wrong-key";
    case ErrorCode::Corrupted:
        return "corrupted";
    case ErrorCode::SchemaTooNew:
        return "schema-too-new";
    case ErrorCode::NotFound:
        return "not-found";
    case ErrorCode::AlreadyExists:
        return "already-exists";
    case ErrorCode::Io:
        return "io";
    case ErrorCode::Crypto:
        return "crypto";
    case ErrorCode::Internal:
        return "internal";
    case ErrorCode::NoAuthenticator:
        return "no-authenticator";
    case ErrorCode::WrongAuthenticator:
        return "wrong-authenticator";
    case ErrorCode::AuthenticatorUnsupported:
        return "authenticator-unsupported";
    case ErrorCode::WrongPin:
        return "wrong-pin";
    case ErrorCode::PinBlocked:
        return "pin-blocked";
    case ErrorCode::PinRequired:
        return "pin-required";
    case ErrorCode::UserActionTimeout:
        return "user-action-timeout";
    case ErrorCode::PolicyRefused:
        return "policy-refused";
    case ErrorCode::Unreachable:
        return "unreachable";
    case ErrorCode::ServerKeyMismatch:
        return "server-key-mismatch";
    case ErrorCode::LoginRefused:
        return "login-refused";
    case ErrorCode::TimedOut:
        return "timed-out";
    case ErrorCode::Expired:
        return "expired";
    case ErrorCode::Mismatch:
        return "mismatch";
    }
    return "unknown";
}

} // namespace cloison
