// XEP-0454 links: what an OMEMO message carries for a file on an HTTP upload server,
//   aesgcm://HOST[:PORT]/PATH#IVKEY
// the HTTPS URL of the ciphertext with its scheme replaced, and in the fragment the 12-byte
// (legacy: 16-byte) IV then the 32-byte AES-256-GCM key, in hex. Conversations, Dino, Gajim
// and profanity send the link alone as the message body.
#pragma once

#include "crypto/SecretBytes.h"

#include <optional>
#include <string>

namespace cloison::documents {

struct DocumentLink {
    std::string url;      // https://HOST[:PORT]/PATH (the fragment removed)
    std::string fileName; // the last path segment, decoded and made safe to show and save
    SecretBytes iv;
    SecretBytes key;
};

// Whether a message body is a document link (one aesgcm:// URL, nothing else).
bool isDocumentLink(std::string_view body);
// InvalidArgument with the reason for anything else: another scheme, no host, a fragment that
// is not 44 or 48 bytes of hex, control characters or spaces.
[[nodiscard]] Result<DocumentLink> parseDocumentLink(std::string_view body);
// The link for a ciphertext at `httpsUrl` (must start with https://). It holds the key: it goes
// only into an OMEMO message and the compartment's vault, never into a log or a plain file.
[[nodiscard]] Result<std::string> formatDocumentLink(const std::string& httpsUrl,
                                                     const SecretBytes& iv, const SecretBytes& key);
// A name safe to show and to save under: no directory parts, no control or bidi characters,
// at most 200 bytes; "document" when nothing is left.
std::string safeFileName(std::string_view name);

} // namespace cloison::documents
