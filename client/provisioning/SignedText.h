// The one container of every provisioning document (enrolment request, invite, certification
// request, device roster, and the admin vault's own records): canonical UTF-8 text, signed
// with Ed25519, strictly parsed. One document has exactly one encoding, so what is signed is
// what is read.
//
//   cloison-KIND 1              magic line: the kind and the format version
//   KEY VALUE                   fields in the order the kind defines; KEY is [a-z-]+, VALUE
//   KEY                         has no control characters and no leading or trailing space;
//                               an empty value is written as the bare key
//   signature BASE64            Ed25519 over every byte before this line; the last line
//
// LF line ends, nothing after the signature line. The parser treats input as hostile: size,
// line length and field count are bounded before anything else is looked at, and no field is
// interpreted before the caller has checked the signature (verify()).
#pragma once

#include "crypto/SecretBytes.h"

#include <string>
#include <string_view>
#include <vector>

namespace cloison {
class SigningKey;
}

namespace cloison::provisioning {

constexpr std::size_t kMaxDocumentBytes = 1u << 20;
constexpr std::size_t kMaxValueBytes = 1024;
constexpr std::size_t kMaxFields = 10000;

// Builds a document's signed body. The first invalid field (bad key, control characters,
// oversized value) is remembered and reported by body().
class SignedTextWriter {
public:
    explicit SignedTextWriter(std::string_view kind);
    SignedTextWriter& add(std::string_view key, std::string_view value);
    // InvalidArgument naming the first bad field.
    [[nodiscard]] Result<std::string> body() const;

private:
    std::string m_body;
    std::string m_error;
};

// body + "signature BASE64\n".
std::string appendSignature(std::string_view body, const SigningKey& key);

struct TextField {
    std::string_view key;
    std::string_view value;
};

// A document split into lines, its signature not yet checked. Views point into the input.
struct SignedText {
    std::string_view body; // the signed bytes
    Bytes signature;
    std::vector<TextField> fields;

    // Corrupted when the signature does not verify with `publicKey`.
    [[nodiscard]] Result<void> verify(ByteView publicKey, std::string_view what) const;
};

// InvalidArgument: too large, or not a document of this kind (wrong magic line). Corrupted:
// anything else out of form (line too long, bad key, missing or malformed signature line).
[[nodiscard]] Result<SignedText> splitSignedText(std::string_view document, std::string_view kind,
                                                 std::size_t maxBytes = kMaxDocumentBytes);

// Reads a verified document's fields in their defined order.
class FieldReader {
public:
    FieldReader(const SignedText& text, std::string_view what) : m_text(text), m_what(what) {}
    // Corrupted unless the next field is `key`.
    [[nodiscard]] Result<std::string_view> next(std::string_view key);
    // Whether the next field is `key` (for repeated fields).
    bool at(std::string_view key) const;
    // Corrupted when fields are left over.
    [[nodiscard]] Result<void> finish() const;
    Error malformed(const std::string& detail) const;

private:
    const SignedText& m_text;
    std::string m_what;
    std::size_t m_index = 0;
};

// Field value helpers shared by the documents.
// Exactly `size` bytes of base64.
[[nodiscard]] Result<Bytes> decodeKey(std::string_view base64, std::size_t size);
// 32 lowercase hex characters (randomId()).
[[nodiscard]] bool isRandomId(std::string_view text);
} // namespace cloison::provisioning
