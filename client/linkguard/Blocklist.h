// The phishing bulletin: a list of blocked domains published by the organisation's admins,
// signed with the organisation's Ed25519 key, versioned so that an older list cannot be
// replayed. Distributed like the device roster.
//
// Format (UTF-8 text, LF line ends, no blank lines; every byte before the signature line is
// signed, so there is exactly one canonical encoding of each list):
//
//   cloison-blocklist 1
//   version 42                  decimal, 1 .. 2^63-1, no leading zero
//   issued-at 1795000000        seconds since the epoch (UTC)
//   domain evil.example         zero or more, lowercase ASCII (IDNs in punycode),
//   domain xn--en-march-fya.fr  strictly ascending: sorted and unique
//   signature BASE64            Ed25519 over all preceding bytes, last line
//
// A domain blocks itself and all its subdomains. The parser treats input as hostile: the
// signature is checked before anything else is read, and size and count are bounded.
#pragma once

#include "crypto/Bytes.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cloison {
class SigningKey;
}

namespace cloison::linkguard {

constexpr std::size_t kMaxBlocklistBytes = 4u << 20;
constexpr std::size_t kMaxBlocklistDomains = 100000;
constexpr std::size_t kMaxDomainBytes = 253;

struct Blocklist {
    std::uint64_t version = 0;
    std::int64_t issuedAt = 0; // seconds since the epoch
    std::vector<std::string> domains;
};

// The canonical signed body (everything before the signature line). Sorts and de-duplicates
// the domains; InvalidArgument when a domain or the version is not acceptable.
Result<std::string> encodeBlocklistBody(const Blocklist& list);
// A complete signed document for `body` (used by the admin tool and by tests).
std::string signBlocklistBody(std::string_view body, const SigningKey& orgKey);
Result<std::string> signBlocklist(const Blocklist& list, const SigningKey& orgKey);

// Corrupted: bad or missing signature, or a signed document that breaks the format.
// InvalidArgument: larger than kMaxBlocklistBytes or not a blocklist at all.
Result<Blocklist> parseSignedBlocklist(std::string_view document, ByteView orgPublicKey);

// Lowercase ASCII letters, digits and hyphens in 1..63-byte labels, at least two labels, no
// label starting or ending with a hyphen, at most 253 bytes.
bool isCanonicalDomain(std::string_view domain);

} // namespace cloison::linkguard
