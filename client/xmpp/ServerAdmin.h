// The organisation's admin talking to its XMPP server (issue 5): accounts through XEP-0133
// service administration (Prosody's mod_admin_adhoc), the compartment's members-only,
// non-anonymous room (XEP-0045) and the signed device roster published on the admin's PEP
// node. Synchronous, for the admin's command-line tool: each call sends one request and waits
// for its answer, at most the timeout given at connect. Not thread-safe.
//
// The member's side, fetching that roster, is here too: publishedBlobRequest() and
// parsePublishedBlob() for a running CompartmentService, fetchPublishedBlob() for a one-shot
// command.
#pragma once

#include "client/omemo/Xml.h"
#include "client/xmpp/XmppConnection.h"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cloison::xmpp {

inline constexpr const char* kBlobNs = "urn:cloison:blob:0";
// Where the admin publishes a compartment's device roster: this prefix and the compartment id.
inline constexpr const char* kRosterNodePrefix = "urn:cloison:device-roster:";
// Where a member's compartment publishes the signed heads of its key-event log (issue 6): this
// prefix and the organisation's compartment id, on the member's own account, one item per head
// (item id: the head's sequence number), the most recent kMaxPublishedHeads kept.
inline constexpr const char* kLogHeadsNodePrefix = "urn:cloison:log-heads:";
inline constexpr int kMaxPublishedHeads = 64;
inline constexpr std::size_t kMaxBlobBytes = 256 * 1024;

struct ProvisionedAccount {
    std::string jid;      // random, pseudonymous: nothing in it names the person
    SecretBytes password; // random; no human ever types it
};

class ServerAdmin {
public:
    // Logs in (TLS with the pinned server key, as every compartment does). LoginRefused,
    // ServerKeyMismatch, Unreachable or TimedOut when that fails.
    [[nodiscard]] static Result<std::unique_ptr<ServerAdmin>>
    connect(AccountSettings admin, SecretBytes password,
            std::chrono::milliseconds timeout = std::chrono::seconds(20));
    ~ServerAdmin(); // disconnects
    ServerAdmin(const ServerAdmin&) = delete;
    ServerAdmin& operator=(const ServerAdmin&) = delete;

    const std::string& jid() const;

    // A new account on the admin's domain with a random name and password (XEP-0133
    // add-user). PolicyRefused when the server says we are not its admin; AlreadyExists when
    // the name is taken; the server's own words otherwise.
    [[nodiscard]] Result<ProvisionedAccount> createAccount();
    [[nodiscard]] Result<void> createAccount(const std::string& jid, const SecretBytes& password);
    // Removes the account and everything the server holds for it (XEP-0133 delete-user): a
    // revoked member can no longer log in. NotFound when there is no such account.
    [[nodiscard]] Result<void> deleteAccount(const std::string& jid);

    // The account's sessions on the server right now (XEP-0133 user-stats): each online
    // resource and the address it connected from. Empty when nobody is logged in with it.
    struct Sessions {
        std::vector<std::string> resources;
        std::vector<std::string> addresses;
    };
    [[nodiscard]] Result<Sessions> sessionsOf(const std::string& jid);
    // Creates (or reconfigures) a persistent, members-only, non-anonymous, unlisted room owned
    // by the admin, and makes each of `members` a member. The admin leaves the room after.
    [[nodiscard]] Result<void> createRoom(const std::string& roomJid,
                                          const std::vector<std::string>& members);
    // Whether the room did not exist before this session entered it (the server said it
    // created it): what a rollback may destroy.
    bool createdRoom(const std::string& roomJid) const;
    // Destroys the room (XEP-0045 owner destroy): its affiliations and configuration go.
    [[nodiscard]] Result<void> destroyRoom(const std::string& roomJid);
    // The room's members (affiliation member), as the admin account sees them.
    [[nodiscard]] Result<std::vector<std::string>> roomMembers(const std::string& roomJid);
    // Enters the room as an occupant with a random nickname (and no history), as any client
    // joins: PolicyRefused with the room's reason when it refuses us (a members-only room
    // refuses non-members with registration-required). leaveRoom() leaves it again.
    [[nodiscard]] Result<void> enterRoom(const std::string& roomJid);
    [[nodiscard]] Result<void> leaveRoom(const std::string& roomJid);
    [[nodiscard]] Result<void> addMember(const std::string& roomJid, const std::string& jid);
    // Takes the member's affiliation away: a members-only room then refuses its joins.
    [[nodiscard]] Result<void> removeMember(const std::string& roomJid, const std::string& jid);
    // The room's disco#info features (muc_membersonly, muc_nonanonymous, muc_persistent, ...).
    [[nodiscard]] Result<std::vector<std::string>> roomFeatures(const std::string& roomJid);

    // Publishes `blob` (at most kMaxBlobBytes) as the one item of the admin's PEP node `node`,
    // readable by every account (pubsub#access_model=open), replacing what was there.
    [[nodiscard]] Result<void> publishBlob(const std::string& node, ByteView blob);
    // Every item of `owner`'s node `node` (oldest first, as the server keeps them). NotFound
    // when nothing is published there.
    [[nodiscard]] Result<std::vector<Bytes>> fetchBlobs(const std::string& owner,
                                                        const std::string& node);
    // Tells each member account that `node` holds a new roster (rosterNoticeMessage()): their
    // running compartments fetch it at once. Returns once the server has handled them (a ping
    // after them is answered); an account offline misses it and fetches at its next connection.
    [[nodiscard]] Result<void> sendRosterNotices(const std::vector<std::string>& members,
                                                 const std::string& node);

    struct Session;

private:
    explicit ServerAdmin(std::unique_ptr<Session> session);
    [[nodiscard]] Result<void> affiliate(const std::string& roomJid, const std::string& jid,
                                         const char* affiliation);
    std::unique_ptr<Session> m_session;
    std::map<std::string, std::string> m_occupying; // room -> our occupant JID there
    std::vector<std::string> m_created;             // rooms this session brought into being
};

// The request publishing `blob` as item `itemId` of our own PEP node `node`, readable by every
// account (pubsub#access_model=open), the node keeping at most `maxItems` items.
xml::Element blobPublishRequest(const std::string& node, const std::string& itemId, ByteView blob,
                                int maxItems, const std::string& id);
// The request for the item of `owner`'s node `node`, with IQ id `id`; with `all`, for every
// item it holds.
xml::Element publishedBlobRequest(const std::string& owner, const std::string& node,
                                  const std::string& id, bool all = false);
// The blob in the answer to that request. NotFound when the node or item does not exist;
// InvalidArgument when the answer is malformed or the blob too large.
[[nodiscard]] Result<Bytes> parsePublishedBlob(const xml::Element& answer);
// Every blob in the answer, in the order the server gave them; the same errors.
[[nodiscard]] Result<std::vector<Bytes>> parsePublishedBlobs(const xml::Element& answer);
// Logs in as `account`, fetches the blob of `owner`'s node `node`, and logs out.
[[nodiscard]] Result<Bytes>
fetchPublishedBlob(AccountSettings account, SecretBytes password, const std::string& owner,
                   const std::string& node,
                   std::chrono::milliseconds timeout = std::chrono::seconds(20));

} // namespace cloison::xmpp
