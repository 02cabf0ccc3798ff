#include "client/audit/KeyEventLog.h"

#include "client/audit/AuditJson.h"
#include "storage/KeyEventRepository.h"

#include <chrono>

namespace cloison::audit {
namespace {

storage::KeyEventRow toRow(const KeyEvent& e) {
    return {e.seq,     e.timeMs,   e.type, e.subject,  e.fingerprint,
            e.details, e.prevHash, e.hash, e.signature};
}

KeyEvent fromRow(const storage::KeyEventRow& r) {
    return {r.seq,     r.timeMs,   r.type, r.subject,  r.fingerprint,
            r.details, r.prevHash, r.hash, r.signature};
}

} // namespace

std::int64_t KeyEventLog::nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Result<KeyEventLog> KeyEventLog::open(storage::Vault& vault, const std::string& compartmentId) {
    storage::KeyEventRepository repository(vault);
    auto stored = repository.signingKey();
    if (!stored)
        return stored.error();
    if (stored.value()) {
        auto key = SigningKey::fromSecretKey(std::move(*stored.value()));
        if (!key)
            return key.error();
        return KeyEventLog(vault, std::move(key.value()));
    }
    KeyEventLog log(vault, SigningKey::generate());
    auto created = vault.transaction([&]() -> Result<void> {
        if (auto saved = repository.storeSigningKey(log.m_key.secretKey()); !saved)
            return saved;
        auto first = log.record(event::kLogCreated, compartmentId,
                                keyFingerprint(log.m_key.publicKey()), "ed25519 log key");
        if (!first)
            return first.error();
        return {};
    });
    if (!created)
        return created.error();
    return log;
}

Result<KeyEvent> KeyEventLog::record(const std::string& type, const std::string& subject,
                                     const std::string& fingerprint, const std::string& details) {
    for (const std::string* field : {&type, &subject, &fingerprint, &details}) {
        if (field->size() > kMaxEventFieldBytes)
            return makeError(ErrorCode::InvalidArgument, "a key-event field is too long");
    }
    storage::KeyEventRepository repository(*m_vault);
    auto previous = repository.last();
    if (!previous)
        return previous.error();
    KeyEvent entry;
    entry.seq = previous.value() ? previous.value()->seq + 1 : 1;
    entry.prevHash = previous.value() ? previous.value()->hash : genesisHash();
    entry.timeMs = nowMs();
    entry.type = type;
    entry.subject = subject;
    entry.fingerprint = fingerprint;
    entry.details = details;
    const Bytes canonical = entry.canonicalBytes();
    entry.hash = entry.computeHash();
    entry.signature = m_key.sign(canonical);
    if (auto appended = repository.append(toRow(entry)); !appended)
        return appended.error();
    return entry;
}

Result<LogHead> KeyEventLog::head(std::int64_t timeMs) {
    auto last = storage::KeyEventRepository(*m_vault).last();
    if (!last)
        return last.error();
    LogHead out;
    out.seq = last.value() ? last.value()->seq : 0;
    out.hash = last.value() ? last.value()->hash : genesisHash();
    out.timeMs = timeMs;
    out.signature = m_key.sign(out.canonicalBytes());
    return out;
}

Result<std::string> KeyEventLog::exportJsonLines(std::string_view certificate) {
    auto rows = storage::KeyEventRepository(*m_vault).all();
    if (!rows)
        return rows.error();
    auto logHead = head(nowMs());
    if (!logHead)
        return logHead.error();
    std::string out = headerLine(m_key.publicKey(), logHead.value(), certificate) + "\n";
    for (const auto& row : rows.value())
        out += eventLine(fromRow(row)) + "\n";
    return out;
}

} // namespace cloison::audit
