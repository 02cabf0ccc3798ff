// The one type for secrets: libsodium guarded memory (guard pages, mlock, wiped on release).
// Move-only, so a secret is never copied by accident; explicit copy() when a copy is meant.
#pragma once

#include "crypto/Bytes.h"

#include <cstddef>
#include <cstdint>

namespace cloison {

class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(std::size_t size); // zero-filled
    ~SecretBytes();

    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;

    static SecretBytes random(std::size_t size);
    static SecretBytes copyOf(ByteView bytes);
    static SecretBytes fromString(std::string_view text);

    SecretBytes copy() const { return copyOf(view()); }
    std::uint8_t* data() { return m_data; }
    const std::uint8_t* data() const { return m_data; }
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    ByteView view() const { return {m_data, m_size}; }

    // Constant time: the comparison takes as long whatever the contents.
    [[nodiscard]] bool equals(const SecretBytes& other) const;
    // Shrinks the logical size without reallocating (the tail is wiped).
    void truncate(std::size_t size);
    void wipe(); // releases and wipes now, leaving an empty value

private:
    std::uint8_t* m_data = nullptr;
    std::size_t m_size = 0;
};

} // namespace cloison
