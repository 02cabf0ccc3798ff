// The four libsignal-protocol-c stores (identity, prekey, signed prekey, session) as callbacks
// onto a compartment's OmemoStore. The callbacks run inside whatever vault transaction the
// caller opened, so the session change a message causes commits or rolls back with it.
#pragma once

#include "crypto/SignalHandles.h"
#include "storage/OmemoStore.h"

#include <string>

namespace cloison::omemo {

class SignalStore {
public:
    // The identity must already be in `store`.
    static Result<std::unique_ptr<SignalStore>> create(SignalContext& context,
                                                       storage::OmemoStore& store);
    ~SignalStore();
    SignalStore(const SignalStore&) = delete;
    SignalStore& operator=(const SignalStore&) = delete;

    signal_protocol_store_context* get() const { return m_context; }
    storage::OmemoStore& store() { return m_store; }
    // The vault error behind the last failed callback, to make "unknown error" concrete.
    const std::string& lastError() const { return m_lastError; }
    void clearError() { m_lastError.clear(); }
    void setError(std::string message) { m_lastError = std::move(message); }
    // How many of our one-time prekeys libsignal has taken so far: a PreKey message names one
    // each time it is repeated, but only the first that starts a session takes it.
    std::uint64_t preKeysTaken() const { return m_preKeysTaken; }
    void countPreKeyTaken() { ++m_preKeysTaken; }

private:
    explicit SignalStore(storage::OmemoStore& store) : m_store(store) {}

    storage::OmemoStore& m_store;
    signal_protocol_store_context* m_context = nullptr;
    std::string m_lastError;
    std::uint64_t m_preKeysTaken = 0;
};

} // namespace cloison::omemo
