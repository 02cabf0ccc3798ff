// Non-copyable owners for libsignal-protocol-c handles: the global context (with our crypto
// provider and a recursive lock), reference-counted objects, and buffers (wiped on release,
// since most of them carry key material or session state).
#pragma once

#include "crypto/SecretBytes.h"

#include <signal/signal_protocol.h>

#include <memory>
#include <mutex>
#include <string>

namespace cloison {

// Translates a libsignal return code into words a person can act on.
std::string signalErrorText(int rc);

class SignalContext {
public:
    static Result<std::unique_ptr<SignalContext>> create();
    ~SignalContext();
    SignalContext(const SignalContext&) = delete;
    SignalContext& operator=(const SignalContext&) = delete;

    signal_context* get() const { return m_context; }

private:
    SignalContext() = default;
    static void lock(void* self);
    static void unlock(void* self);

    signal_context* m_context = nullptr;
    std::recursive_mutex m_mutex;
};

// Any SIGNAL_REF-counted object: session_record, ec_public_key, session_pre_key, ...
template <typename T> class SignalRef {
public:
    SignalRef() = default;
    explicit SignalRef(T* object) : m_object(object) {}
    ~SignalRef() { reset(); }
    SignalRef(const SignalRef&) = delete;
    SignalRef& operator=(const SignalRef&) = delete;
    SignalRef(SignalRef&& other) noexcept : m_object(other.release()) {}
    SignalRef& operator=(SignalRef&& other) noexcept {
        if (this != &other) {
            reset();
            m_object = other.release();
        }
        return *this;
    }

    T* get() const { return m_object; }
    T** out() { // for C out-parameters; drops what was held
        reset();
        return &m_object;
    }
    T* release() {
        T* object = m_object;
        m_object = nullptr;
        return object;
    }
    void reset() {
        if (m_object != nullptr)
            signal_type_unref(reinterpret_cast<signal_type_base*>(m_object));
        m_object = nullptr;
    }
    explicit operator bool() const { return m_object != nullptr; }

private:
    T* m_object = nullptr;
};

class SignalBuffer {
public:
    SignalBuffer() = default;
    explicit SignalBuffer(signal_buffer* buffer) : m_buffer(buffer) {}
    ~SignalBuffer() { signal_buffer_bzero_free(m_buffer); }
    SignalBuffer(const SignalBuffer&) = delete;
    SignalBuffer& operator=(const SignalBuffer&) = delete;
    SignalBuffer(SignalBuffer&& other) noexcept : m_buffer(other.m_buffer) {
        other.m_buffer = nullptr;
    }

    signal_buffer** out() {
        signal_buffer_bzero_free(m_buffer);
        m_buffer = nullptr;
        return &m_buffer;
    }
    signal_buffer* get() const { return m_buffer; }
    ByteView view() const {
        return m_buffer == nullptr
                   ? ByteView{}
                   : ByteView{signal_buffer_data(m_buffer), signal_buffer_len(m_buffer)};
    }
    Bytes bytes() const { return Bytes(view().begin(), view().end()); }
    SecretBytes secret() const { return SecretBytes::copyOf(view()); }

private:
    signal_buffer* m_buffer = nullptr;
};

} // namespace cloison
