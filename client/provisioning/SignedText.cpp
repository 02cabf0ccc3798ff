#include "client/provisioning/SignedText.h"

#include "crypto/Signing.h"

namespace cloison::provisioning {
namespace {

constexpr std::string_view kSignaturePrefix = "signature ";

bool isKey(std::string_view key) {
    if (key.empty() || key.size() > 32)
        return false;
    for (char c : key) {
        if (!((c >= 'a' && c <= 'z') || c == '-'))
            return false;
    }
    return true;
}

bool isValue(std::string_view value) {
    if (value.size() > kMaxValueBytes)
        return false;
    if (!value.empty() && (value.front() == ' ' || value.back() == ' '))
        return false;
    for (unsigned char c : value) {
        if (c < 0x20 || c == 0x7f)
            return false;
    }
    return true;
}

std::string magicLine(std::string_view kind) {
    return "cloison-" + std::string(kind) + " 1";
}

} // namespace

SignedTextWriter::SignedTextWriter(std::string_view kind) : m_body(magicLine(kind) + "\n") {}

SignedTextWriter& SignedTextWriter::add(std::string_view key, std::string_view value) {
    if (!m_error.empty())
        return *this;
    if (!isKey(key) || key == "signature") {
        m_error = "a field name must be lowercase letters and hyphens";
    } else if (!isValue(value)) {
        m_error = "field '" + std::string(key) +
                  "' must have at most 1024 bytes, no control characters and no leading or "
                  "trailing space";
    } else {
        m_body.append(key);
        if (!value.empty())
            m_body.append(" ").append(value);
        m_body.append("\n");
    }
    return *this;
}

Result<std::string> SignedTextWriter::body() const {
    if (!m_error.empty())
        return makeError(ErrorCode::InvalidArgument, m_error);
    return m_body;
}

std::string appendSignature(std::string_view body, const SigningKey& key) {
    std::string document(body);
    document.append(kSignaturePrefix).append(toBase64(key.sign(asBytes(body)))).append("\n");
    return document;
}

Result<void> SignedText::verify(ByteView publicKey, std::string_view what) const {
    if (!verifySignature(publicKey, asBytes(body), signature))
        return makeError(ErrorCode::Corrupted, std::string(what) +
                                                   ": the signature does not verify (tampered, or "
                                                   "signed by another key): refused");
    return {};
}

Result<SignedText> splitSignedText(std::string_view document, std::string_view kind,
                                   std::size_t maxBytes) {
    const std::string what(kind);
    if (document.size() > maxBytes)
        return makeError(ErrorCode::InvalidArgument, what + " is larger than " +
                                                         std::to_string(maxBytes) +
                                                         " bytes: refused unread");
    const std::string magic = magicLine(kind) + "\n";
    if (!document.starts_with(magic))
        return makeError(ErrorCode::InvalidArgument, "not a Cloison " + what +
                                                         " (it must start with '" +
                                                         magic.substr(0, magic.size() - 1) + "')");
    if (!document.ends_with('\n'))
        return makeError(ErrorCode::Corrupted, what + " is truncated (no final line end)");
    SignedText out;
    std::size_t pos = magic.size();
    while (pos < document.size()) {
        const std::size_t end = document.find('\n', pos);
        const std::string_view line = document.substr(pos, end - pos);
        if (line.size() > kMaxValueBytes + 40)
            return makeError(ErrorCode::Corrupted, what + ": a line is too long");
        if (line.starts_with(kSignaturePrefix)) {
            if (end + 1 != document.size())
                return makeError(ErrorCode::Corrupted,
                                 what + ": bytes after the signature line: refused");
            const std::string_view encoded = line.substr(kSignaturePrefix.size());
            auto signature = encoded.size() <= 100 ? fromBase64(encoded) : Result<Bytes>(Bytes{});
            if (!signature || signature.value().size() != kSignatureBytes)
                return makeError(ErrorCode::Corrupted,
                                 what + ": the signature is not 64 bytes of base64");
            out.body = document.substr(0, pos);
            out.signature = std::move(signature.value());
            return out;
        }
        const std::size_t space = line.find(' ');
        const std::string_view key = line.substr(0, space);
        const std::string_view value =
            space == std::string_view::npos ? std::string_view{} : line.substr(space + 1);
        if (!isKey(key) || !isValue(value) || (space != std::string_view::npos && value.empty()))
            return makeError(ErrorCode::Corrupted, what + ": a line is out of form");
        if (out.fields.size() >= kMaxFields)
            return makeError(ErrorCode::Corrupted, what + ": too many fields");
        out.fields.push_back({key, value});
        pos = end + 1;
    }
    return makeError(ErrorCode::Corrupted, what + " is not signed (no final signature line)");
}

Result<std::string_view> FieldReader::next(std::string_view key) {
    if (!at(key))
        return malformed("expected field '" + std::string(key) + "'");
    return m_text.fields[m_index++].value;
}

bool FieldReader::at(std::string_view key) const {
    return m_index < m_text.fields.size() && m_text.fields[m_index].key == key;
}

Result<void> FieldReader::finish() const {
    if (m_index != m_text.fields.size())
        return malformed("unexpected field '" + std::string(m_text.fields[m_index].key) + "'");
    return {};
}

Error FieldReader::malformed(const std::string& detail) const {
    return makeError(ErrorCode::Corrupted, m_what + ": " + detail);
}

Result<Bytes> decodeKey(std::string_view base64, std::size_t size) {
    auto decoded = base64.size() <= 2 * size + 8 ? fromBase64(base64) : Result<Bytes>(Bytes{});
    if (!decoded || decoded.value().size() != size || toBase64(decoded.value()) != base64)
        return makeError(ErrorCode::Corrupted,
                         "a key is not " + std::to_string(size) + " bytes of canonical base64");
    return decoded;
}

bool isRandomId(std::string_view text) {
    if (text.size() != 32)
        return false;
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

} // namespace cloison::provisioning
