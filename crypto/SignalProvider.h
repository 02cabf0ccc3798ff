// The crypto provider libsignal-protocol-c calls back into: libsodium for randomness,
// HMAC-SHA256 and SHA-512; OpenSSL EVP for AES-256-CBC with strict PKCS#7 padding checks.
// AES-CTR (the cipher of version-2 sessions) is refused. libomemo-c uses the same callback
// table, so this file is the whole crypto adapter for either library.
#pragma once

struct signal_crypto_provider;

namespace cloison {

// A filled table with no user data; the library copies it into its context.
const signal_crypto_provider& signalCryptoProvider();

} // namespace cloison
