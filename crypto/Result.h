// Fallible operations return Result<T>: a value or a typed error with a message a person can
// act on. No exception crosses a library boundary.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace cloison {

enum class ErrorCode {
    InvalidArgument, // the caller asked for something malformed
    WrongPassphrase, // no key slot opens with what was given
    WrongKey,        // a key does not open this object
    Corrupted,       // data on disk is damaged or was modified
    SchemaTooNew,    // written by a newer Cloison than this one
    NotFound,
    AlreadyExists,
    Io,       // the operating system refused (disk full, permissions, ...)
    Crypto,   // a cryptographic primitive failed unexpectedly
    Internal, // a bug in Cloison
    // FIDO security keys.
    NoAuthenticator,          // no security key (or software authenticator) is there
    WrongAuthenticator,       // the key present is not one enrolled for this object
    AuthenticatorUnsupported, // the key lacks a needed feature (hmac-secret, PIN)
    WrongPin,                 // the key's PIN was wrong; the message says the retries left
    PinBlocked,               // too many wrong PINs: the key must be reset or power-cycled
    PinRequired,              // the key needs its PIN for this
    UserActionTimeout,        // nobody touched the key in time
    PolicyRefused,            // the profile's policy forbids the change asked for
    // The network.
    Unreachable,       // the server could not be reached (it may come back: retry later)
    ServerKeyMismatch, // the server's key is not the pinned one: never retried
    LoginRefused,      // the server refused the account's credentials
    TimedOut,          // the server did not answer in time
    Expired,           // a document past its validity (an invite)
    // What a person compared by hand does not match (a device's fingerprint): nothing changed.
    Mismatch,
};

const char* errorCodeName(ErrorCode code);

struct Error {
    ErrorCode code;
    std::string message;
};

template <typename T> class [[nodiscard]] Result {
public:
    Result(T value) : m_state(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_state(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(m_state); }
    const T& value() const& { return std::get<0>(m_state); }
    // By value, so that `for (x : f().value())` does not dangle.
    T value() && { return std::get<0>(std::move(m_state)); }
    const Error& error() const { return std::get<1>(m_state); }

private:
    std::variant<T, Error> m_state;
};

template <> class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_failed(true) {}

    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { return m_error; }

private:
    Error m_error{ErrorCode::Internal, {}};
    bool m_failed = false;
};

inline Error makeError(ErrorCode code, std::string message) {
    return Error{code, std::move(message)};
}

} // namespace cloison
