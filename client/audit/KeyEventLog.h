// The writing side of a compartment's key-event log: hash-chained, signed entries in the
// compartment's vault, exported as JSON Lines for auditors.
#pragma once

#include "client/audit/KeyEvent.h"
#include "crypto/Signing.h"
#include "storage/Vault.h"

#include <optional>

namespace cloison::audit {

class KeyEventLog {
public:
    // Creates the log key and the first entry on first use.
    static Result<KeyEventLog> open(storage::Vault& vault, const std::string& compartmentId);

    const Bytes& publicKey() const { return m_key.publicKey(); }
    // Appends one entry. Field text is limited in size; it must never hold message content.
    [[nodiscard]] Result<KeyEvent> record(const std::string& type, const std::string& subject,
                                          const std::string& fingerprint = {},
                                          const std::string& details = {});
    [[nodiscard]] Result<LogHead> head(std::int64_t timeMs);
    // The whole log: a header line with the log key, a signed head and, when the compartment
    // holds one, `certificate` (the org-signed roster that certifies the log key), then one
    // line per entry.
    [[nodiscard]] Result<std::string> exportJsonLines(std::string_view certificate = {});

    static std::int64_t nowMs();

private:
    KeyEventLog(storage::Vault& vault, SigningKey key) : m_vault(&vault), m_key(std::move(key)) {}
    storage::Vault* m_vault;
    SigningKey m_key;
};

} // namespace cloison::audit
