#include "crypto/Hash.h"

#include "crypto/Sodium.h"

#include <sodium.h>

namespace cloison {

Bytes blake2b(ByteView data, std::size_t outputBytes) {
    ensureSodium();
    Bytes out(outputBytes);
    crypto_generichash(out.data(), out.size(), data.data(), data.size(), nullptr, 0);
    return out;
}

Bytes blake2bMac(const SecretBytes& key, ByteView data, std::size_t outputBytes) {
    ensureSodium();
    Bytes out(outputBytes);
    crypto_generichash(out.data(), out.size(), data.data(), data.size(), key.data(), key.size());
    return out;
}

bool equalConstantTime(ByteView a, ByteView b) {
    ensureSodium();
    if (a.size() != b.size())
        return false;
    return a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Bytes randomBytes(std::size_t size) {
    ensureSodium();
    Bytes out(size);
    randombytes_buf(out.data(), out.size());
    return out;
}

std::string randomId() {
    return toHex(randomBytes(16));
}

} // namespace cloison
