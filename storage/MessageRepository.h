// A compartment's messages.
#pragma once

#include "storage/Vault.h"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cloison::storage {

struct NewMessage {
    std::string conversation; // the peer's or the room's address
    std::string sender;
    std::int64_t sentAt = 0;        // milliseconds since the epoch
    std::string body;               // plain text, never interpreted
    std::string stanzaId{};         // the sender's id (origin-id or id attribute); empty: none
    std::string serverId{};         // the archive's id for it; empty: none
    std::uint32_t senderDevice = 0; // the OMEMO device that wrote it; 0: unknown or ours
    bool receiptRequested = false;  // ours, sent asking the recipient for a delivery receipt
};

struct StoredMessage {
    std::int64_t id = 0;
    std::string conversation;
    std::string sender;
    std::int64_t sentAt = 0;
    std::string body;
    std::uint32_t senderDevice = 0;
    std::string stanzaId{};
    bool receivedByPeer = false; // ours, and its recipient sent a delivery receipt for it
};

class MessageRepository {
public:
    explicit MessageRepository(Vault& vault) : m_vault(vault) {}

    // One message, one transaction.
    [[nodiscard]] Result<std::int64_t> append(const NewMessage& message);
    // Messages that arrive together go in one transaction: all or none.
    [[nodiscard]] Result<void> appendBatch(std::span<const NewMessage> messages);
    // The newest `limit` messages of a conversation, oldest first.
    [[nodiscard]] Result<std::vector<StoredMessage>> latest(std::string_view conversation,
                                                            int limit);
    [[nodiscard]] Result<std::int64_t> count();
    // Deletes every message sent before `cutoffMs` (milliseconds since the epoch) in one
    // transaction and returns how many went. With the vault's secure_delete their bytes are
    // zeroed in the pages; a checkpoint afterwards clears them from the write-ahead log too.
    [[nodiscard]] Result<std::int64_t> purgeSentBefore(std::int64_t cutoffMs);
    // Every conversation that has messages, the most recently active first (for the app's
    // conversation list).
    [[nodiscard]] Result<std::vector<std::string>> conversations();
    // The row of a message already stored under this sender's stanza id, if any.
    [[nodiscard]] Result<std::optional<std::int64_t>> findByStanzaId(std::string_view conversation,
                                                                     std::string_view sender,
                                                                     std::string_view stanzaId);
    // Records the recipient's delivery receipt for our message `stanzaId` to `conversation`,
    // when we sent it as `sender` asking for one. False when no such message waits for one
    // (unknown, not ours, never asked, or confirmed already).
    [[nodiscard]] Result<bool> markReceivedByPeer(std::string_view conversation,
                                                  std::string_view sender,
                                                  std::string_view stanzaId, std::int64_t atMs);
    // The newest id processed from an archive (our account's or a room's), if any.
    [[nodiscard]] Result<std::optional<std::string>> archiveCursor(std::string_view archive);
    [[nodiscard]] Result<void> setArchiveCursor(std::string_view archive, std::string_view lastId);

private:
    Result<void> insert(const NewMessage& message);
    Vault& m_vault;
};

} // namespace cloison::storage
