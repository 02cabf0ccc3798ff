// A compartment's outgoing messages between "the person pressed send" and "the server has
// them". Rows are in send order (seq).
#pragma once

#include "storage/Vault.h"

#include <optional>
#include <string>
#include <vector>

namespace cloison::storage {

struct OutboxEntry {
    std::int64_t seq = 0;
    std::string stanzaId;
    std::string conversation; // the peer's bare JID or the room's
    bool isRoom = false;
    std::string body;
    std::optional<std::string> stanza; // the encrypted stanza, once made
    std::int64_t createdAt = 0;        // milliseconds since the epoch
};

class OutboxRepository {
public:
    explicit OutboxRepository(Vault& vault) : m_vault(vault) {}

    // The entry's sequence number; 0 when one with its stanza id is queued already (nothing
    // changes: the message is not queued twice).
    [[nodiscard]] Result<std::int64_t> add(const OutboxEntry& entry);
    [[nodiscard]] Result<void> setStanza(const std::string& stanzaId, const std::string& stanza);
    // Given up on: the sender was told it could not be sent.
    [[nodiscard]] Result<void> remove(const std::string& stanzaId);
    // The server has these (by stanza id): they leave the outbox, in one transaction.
    [[nodiscard]] Result<void> acknowledge(const std::vector<std::string>& stanzaIds);
    [[nodiscard]] Result<std::vector<OutboxEntry>> pending();

private:
    Vault& m_vault;
};

} // namespace cloison::storage
