#include "client/audit/AuditJson.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace cloison::audit {
namespace {

QString text(std::string_view s) {
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}
QString hex(const Bytes& b) {
    return text(toHex(b));
}
QString base64(const Bytes& b) {
    return text(toBase64(b));
}

std::string compact(const QJsonObject& object) {
    return QJsonDocument(object).toJson(QJsonDocument::Compact).toStdString();
}

QJsonObject headObject(const LogHead& head) {
    return {{"seq", static_cast<double>(head.seq)},
            {"hash", hex(head.hash)},
            {"time_ms", static_cast<double>(head.timeMs)},
            {"signature", base64(head.signature)}};
}

Error malformed(const std::string& why) {
    return makeError(ErrorCode::Corrupted, "malformed line: " + why);
}

Result<QJsonObject> parseObject(std::string_view line, std::size_t maxBytes = kMaxLineBytes) {
    if (line.size() > maxBytes)
        return malformed("longer than any line Cloison writes");
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(
        QByteArray(line.data(), static_cast<qsizetype>(line.size())), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return malformed("not a JSON object");
    return document.object();
}

Result<std::int64_t> integerField(const QJsonObject& o, const char* name) {
    const QJsonValue v = o.value(QLatin1String(name));
    const double d = v.toDouble(-1);
    if (!v.isDouble() || d < 0 || d > 9007199254740991.0 || std::floor(d) != d)
        return malformed(std::string("\"") + name + "\" is not a non-negative integer");
    return static_cast<std::int64_t>(d);
}

Result<std::string> stringField(const QJsonObject& o, const char* name) {
    const QJsonValue v = o.value(QLatin1String(name));
    if (!v.isString())
        return malformed(std::string("\"") + name + "\" is not a string");
    std::string out = v.toString().toStdString();
    if (out.size() > kMaxEventFieldBytes)
        return malformed(std::string("\"") + name + "\" is too long");
    return out;
}

Result<Bytes> encodedField(const QJsonObject& o, const char* name, bool isHex, std::size_t size) {
    auto s = stringField(o, name);
    if (!s)
        return s.error();
    auto bytes = isHex ? fromHex(s.value()) : fromBase64(s.value());
    if (!bytes || bytes.value().size() != size)
        return malformed(std::string("\"") + name + "\" has the wrong encoding or length");
    return bytes;
}

Result<LogHead> parseHead(const QJsonObject& o) {
    LogHead head;
    auto seq = integerField(o, "seq");
    auto time = integerField(o, "time_ms");
    auto hash = encodedField(o, "hash", true, kEventHashBytes);
    auto signature = encodedField(o, "signature", false, kSignatureBytes);
    for (const Error* e :
         {seq ? nullptr : &seq.error(), time ? nullptr : &time.error(),
          hash ? nullptr : &hash.error(), signature ? nullptr : &signature.error()})
        if (e)
            return *e;
    return LogHead{seq.value(), hash.value(), time.value(), signature.value()};
}

} // namespace

std::string headerLine(const Bytes& logKey, const LogHead& head, std::string_view certificate) {
    QJsonObject o{{"cloison_audit_log", 1},
                  {"log_key", base64(logKey)},
                  {"log_key_fingerprint", text(keyFingerprint(logKey))},
                  {"head", headObject(head)}};
    if (!certificate.empty())
        o.insert("log_key_certificate", text(certificate));
    return compact(o);
}

std::string headLine(const Bytes& logKey, const LogHead& head) {
    QJsonObject o = headObject(head);
    o.insert("cloison_log_head", 1);
    o.insert("log_key", base64(logKey));
    return compact(o);
}

std::string eventLine(const KeyEvent& e) {
    return compact({{"seq", static_cast<double>(e.seq)},
                    {"time_ms", static_cast<double>(e.timeMs)},
                    {"time", text(formatUtc(e.timeMs))},
                    {"type", text(e.type)},
                    {"subject", text(e.subject)},
                    {"fingerprint", text(e.fingerprint)},
                    {"details", text(e.details)},
                    {"prev_hash", hex(e.prevHash)},
                    {"hash", hex(e.hash)},
                    {"signature", base64(e.signature)}});
}

Result<ParsedHeader> parseHeaderLine(std::string_view line) {
    auto o = parseObject(line, kMaxHeaderLineBytes);
    if (!o)
        return o.error();
    if (o.value().value("cloison_audit_log").toInt() != 1)
        return malformed("not a Cloison audit log (version 1) header");
    auto key = encodedField(o.value(), "log_key", false, kSigningPublicKeyBytes);
    if (!key)
        return key.error();
    if (!o.value().value("head").isObject())
        return malformed("the header has no signed head");
    auto head = parseHead(o.value().value("head").toObject());
    if (!head)
        return head.error();
    std::string certificate;
    if (o.value().contains("log_key_certificate")) {
        const QJsonValue v = o.value().value("log_key_certificate");
        if (!v.isString())
            return malformed("\"log_key_certificate\" is not a string");
        certificate = v.toString().toStdString();
        if (certificate.empty() || certificate.size() > kMaxCertificateBytes)
            return malformed("\"log_key_certificate\" is empty or too long");
    }
    return ParsedHeader{key.value(), head.value(), std::move(certificate)};
}

Result<ParsedHeader> parseHeadLine(std::string_view line) {
    auto o = parseObject(line);
    if (!o)
        return o.error();
    if (o.value().value("cloison_log_head").toInt() != 1)
        return malformed("not a Cloison log head (version 1)");
    auto key = encodedField(o.value(), "log_key", false, kSigningPublicKeyBytes);
    if (!key)
        return key.error();
    auto head = parseHead(o.value());
    if (!head)
        return head.error();
    return ParsedHeader{key.value(), head.value(), {}};
}

Result<KeyEvent> parseEventLine(std::string_view line) {
    auto parsed = parseObject(line);
    if (!parsed)
        return parsed.error();
    const QJsonObject& o = parsed.value();
    KeyEvent e;
    auto seq = integerField(o, "seq");
    if (!seq)
        return seq.error();
    auto time = integerField(o, "time_ms");
    if (!time)
        return time.error();
    e.seq = seq.value();
    e.timeMs = time.value();
    for (auto [name, target] :
         {std::pair{"type", &e.type}, std::pair{"subject", &e.subject},
          std::pair{"fingerprint", &e.fingerprint}, std::pair{"details", &e.details}}) {
        auto value = stringField(o, name);
        if (!value)
            return value.error();
        *target = value.value();
    }
    auto prev = encodedField(o, "prev_hash", true, kEventHashBytes);
    auto hash = encodedField(o, "hash", true, kEventHashBytes);
    auto signature = encodedField(o, "signature", false, kSignatureBytes);
    if (!prev)
        return prev.error();
    if (!hash)
        return hash.error();
    if (!signature)
        return signature.error();
    e.prevHash = prev.value();
    e.hash = hash.value();
    e.signature = signature.value();
    return e;
}

} // namespace cloison::audit
