#include "crypto/SecretBytes.h"

#include "crypto/Sodium.h"

#include <sodium.h>

#include <cstring>
#include <new>
#include <utility>

namespace cloison {

SecretBytes::SecretBytes(std::size_t size) : m_size(size) {
    ensureSodium();
    if (size == 0)
        return;
    m_data = static_cast<std::uint8_t*>(sodium_malloc(size));
    if (m_data == nullptr)
        throw std::bad_alloc();
    sodium_memzero(m_data, size);
}

SecretBytes::~SecretBytes() {
    wipe();
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : m_data(std::exchange(other.m_data, nullptr)), m_size(std::exchange(other.m_size, 0)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        wipe();
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

SecretBytes SecretBytes::random(std::size_t size) {
    SecretBytes out(size);
    if (size > 0)
        randombytes_buf(out.m_data, size);
    return out;
}

SecretBytes SecretBytes::copyOf(ByteView bytes) {
    SecretBytes out(bytes.size());
    if (!bytes.empty())
        std::memcpy(out.m_data, bytes.data(), bytes.size());
    return out;
}

SecretBytes SecretBytes::fromString(std::string_view text) {
    return copyOf(asBytes(text));
}

bool SecretBytes::equals(const SecretBytes& other) const {
    if (m_size != other.m_size)
        return false;
    if (m_size == 0)
        return true;
    return sodium_memcmp(m_data, other.m_data, m_size) == 0;
}

void SecretBytes::truncate(std::size_t size) {
    if (size >= m_size)
        return;
    sodium_memzero(m_data + size, m_size - size);
    m_size = size;
}

void SecretBytes::wipe() {
    if (m_data != nullptr)
        sodium_free(m_data); // wipes before unmapping
    m_data = nullptr;
    m_size = 0;
}

} // namespace cloison
