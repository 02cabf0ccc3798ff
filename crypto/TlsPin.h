// Server certificate pinning. A compartment pins the SHA-256 of its server certificate's
// SubjectPublicKeyInfo (as HPKP did): the key, not the certificate, so that the server can renew
// its certificate with the same key without breaking every client.
#pragma once

#include "crypto/Result.h"

#include <string>
#include <string_view>

namespace cloison {

// The pin of a PEM certificate: lowercase hex SHA-256 of its DER SubjectPublicKeyInfo.
[[nodiscard]] Result<std::string> spkiPinFromPem(std::string_view pem);
// Accepts a pin as written by people and tools: hex with or without colons, any case.
// Returns the canonical form (64 lowercase hex characters) or InvalidArgument.
[[nodiscard]] Result<std::string> normalisePin(std::string_view pin);

} // namespace cloison
