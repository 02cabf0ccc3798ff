#include "client/xmpp/ServerAdmin.h"

#include "client/xmpp/CompartmentService.h"

#include "client/omemo/Stanzas.h"
#include "crypto/Hash.h"

#include <sodium.h>

#include <algorithm>
#include <deque>

namespace cloison::xmpp {

namespace {

using Clock = std::chrono::steady_clock;
using xml::Element;

constexpr const char* kCommandsNs = "http://jabber.org/protocol/commands";
constexpr const char* kAdminNs = "http://jabber.org/protocol/admin";
constexpr const char* kAddUserNode = "http://jabber.org/protocol/admin#add-user";
constexpr const char* kDeleteUserNode = "http://jabber.org/protocol/admin#delete-user";
constexpr const char* kUserStatsNode = "http://jabber.org/protocol/admin#user-stats";
constexpr const char* kDataFormsNs = "jabber:x:data";
constexpr const char* kMucNs = "http://jabber.org/protocol/muc";
constexpr const char* kMucUserNs = "http://jabber.org/protocol/muc#user";
constexpr const char* kMucOwnerNs = "http://jabber.org/protocol/muc#owner";
constexpr const char* kMucAdminNs = "http://jabber.org/protocol/muc#admin";
constexpr const char* kRoomConfigNs = "http://jabber.org/protocol/muc#roomconfig";
constexpr const char* kDiscoInfoNs = "http://jabber.org/protocol/disco#info";
constexpr const char* kPublishOptionsNs = "http://jabber.org/protocol/pubsub#publish-options";
constexpr const char* kStanzaErrorNs = "urn:ietf:params:xml:ns:xmpp-stanzas";
constexpr std::size_t kAccountNameChars = 16;
constexpr std::size_t kPasswordChars = 32; // ~190 bits
constexpr std::size_t kMaxInbox = 1000;

std::string domainOf(const std::string& jid) {
    const auto at = jid.find('@');
    return at == std::string::npos ? jid : jid.substr(at + 1);
}

bool plausibleJid(const std::string& jid) {
    const auto at = jid.find('@');
    return at != std::string::npos && at > 0 && at + 1 < jid.size() &&
           jid.find_first_of("/ <>'\"&", 0) == std::string::npos;
}

// Wipes a string that held a password on its way into a stanza.
void wipe(std::string& text) {
    sodium_memzero(text.data(), text.size());
    text.clear();
}

void wipe(Element& element) {
    wipe(element.text);
    for (Element& child : element.children)
        wipe(child);
}

// The error condition of an error answer and the server's explanation, when it gave one.
std::string describeError(const Element& stanza) {
    const Element* error = stanza.child("error");
    if (error == nullptr)
        return "an error without a reason";
    std::string condition = "unknown error";
    std::string text;
    for (const Element& child : error->children) {
        if (child.ns != kStanzaErrorNs)
            continue;
        if (child.name == "text")
            text = child.text;
        else
            condition = child.name;
    }
    return text.empty() ? condition : condition + " (" + text + ")";
}

bool hasCondition(const Element& stanza, std::string_view condition) {
    const Element* error = stanza.child("error");
    return error != nullptr && error->child(condition, kStanzaErrorNs) != nullptr;
}

Element formField(const std::string& var, std::string value, const char* type = nullptr) {
    Element field("field");
    field.set("var", var);
    if (type != nullptr)
        field.set("type", type);
    field.add(Element("value")).withText(std::move(value));
    return field;
}

// Random characters from `alphabet`, drawn without bias straight into guarded memory.
SecretBytes randomText(std::string_view alphabet, std::size_t length) {
    SecretBytes out(length);
    for (std::size_t i = 0; i < length; ++i)
        out.data()[i] = static_cast<std::uint8_t>(
            alphabet[randombytes_uniform(static_cast<std::uint32_t>(alphabet.size()))]);
    return out;
}

} // namespace

// One logged-in connection driven synchronously: send a request, run the connection until its
// answer arrives or the time is up.
struct ServerAdmin::Session {
    std::unique_ptr<XmppConnection> connection;
    std::string jid;
    std::chrono::milliseconds timeout;
    std::deque<std::string> inbox;
    std::optional<Error> failure;
    std::uint64_t counter = 0;

    static Result<std::unique_ptr<Session>> open(AccountSettings account, SecretBytes password,
                                                 std::chrono::milliseconds timeout) {
        auto session = std::make_unique<Session>();
        Session* s = session.get();
        s->jid = account.jid;
        s->timeout = timeout;
        auto connection = XmppConnection::create(std::move(account), std::move(password),
                                                 {[] {},
                                                  [s](std::string_view stanza) {
                                                      // Unrelated traffic (presence, messages) is
                                                      // not waited for: keep only the newest, so a
                                                      // long session cannot grow without bound.
                                                      if (s->inbox.size() >= kMaxInbox)
                                                          s->inbox.pop_front();
                                                      s->inbox.emplace_back(stanza);
                                                  },
                                                  [s](const Error& why, bool) {
                                                      s->failure = why;
                                                  }});
        if (!connection)
            return connection.error();
        s->connection = std::move(connection).value();
        if (auto started = s->connection->connect(); !started)
            return started.error();
        if (auto online = s->runUntil([s] { return s->connection->online(); }); !online)
            return online.error();
        // Presence is what makes a PEP service and rooms treat us as online.
        if (auto sent = s->connection->send("<presence/>"); !sent)
            return sent.error();
        return session;
    }

    ~Session() {
        if (connection && connection->online()) {
            connection->disconnect();
            for (int i = 0; i < 40 && connection->online(); ++i)
                connection->runOnce(25);
        }
    }

    template <typename Done> Result<void> runUntil(Done done) {
        const auto deadline = Clock::now() + timeout;
        while (!done()) {
            if (failure)
                return *failure;
            if (Clock::now() >= deadline)
                return makeError(ErrorCode::TimedOut, "the server did not answer in time");
            connection->runOnce(25);
        }
        return {};
    }

    std::string nextId() { return "cloison-admin-" + std::to_string(++counter); }

    Result<void> send(Element stanza) {
        std::string text = xml::serialize(stanza);
        auto sent = connection->send(text);
        wipe(text);
        wipe(stanza);
        return sent;
    }

    // The first stanza in the inbox that `match` accepts, taken out of it.
    template <typename Match> Result<Element> await(Match match) {
        std::optional<Element> found;
        auto done = runUntil([&] {
            for (auto it = inbox.begin(); it != inbox.end(); ++it) {
                auto parsed = xml::parse(*it);
                if (parsed && match(parsed.value())) {
                    found = std::move(parsed).value();
                    inbox.erase(it);
                    return true;
                }
            }
            return false;
        });
        if (!done)
            return done.error();
        return std::move(*found);
    }

    // Sends an IQ and returns its result; PolicyRefused with `refusal` and the server's reason
    // when the answer is an error.
    Result<Element> expectResult(Element iq, const std::string& refusal) {
        auto answer = request(std::move(iq));
        if (!answer)
            return answer.error();
        if (answer.value().attribute("type") != std::optional<std::string_view>("result"))
            return makeError(ErrorCode::PolicyRefused,
                             refusal + ": " + describeError(answer.value()));
        return answer;
    }

    // Sends an IQ and returns the answer, result or error, from the entity it was sent to.
    Result<Element> request(Element iq) {
        std::string id(iq.attribute("id").value_or(""));
        if (id.empty()) {
            id = nextId();
            iq.set("id", id);
        }
        const std::string to = omemo::bareJid(iq.attribute("to").value_or(jid));
        if (auto sent = send(std::move(iq)); !sent)
            return sent.error();
        return await([&](const Element& answer) {
            return answer.name == "iq" && answer.attribute("id") == std::optional(id) &&
                   omemo::bareJid(answer.attribute("from").value_or(jid)) == to;
        });
    }
};

ServerAdmin::ServerAdmin(std::unique_ptr<Session> session) : m_session(std::move(session)) {}
ServerAdmin::~ServerAdmin() = default;

Result<std::unique_ptr<ServerAdmin>> ServerAdmin::connect(AccountSettings admin,
                                                          SecretBytes password,
                                                          std::chrono::milliseconds timeout) {
    auto session = Session::open(std::move(admin), std::move(password), timeout);
    if (!session)
        return session.error();
    return std::unique_ptr<ServerAdmin>(new ServerAdmin(std::move(session).value()));
}

const std::string& ServerAdmin::jid() const {
    return m_session->jid;
}

namespace {

// Runs an XEP-0133 command in its two steps: execute (the server answers with its form),
// then submit our fields. The completed command comes back; its notes say how it went.
Result<Element> runCommand(ServerAdmin::Session& session, const char* node,
                           std::vector<Element> fields) {
    const std::string domain = domainOf(session.jid);
    auto refused = [&](const Element& answer) -> Error {
        if (hasCondition(answer, "forbidden") || hasCondition(answer, "not-authorized"))
            return {ErrorCode::PolicyRefused, session.jid + " is not an administrator of " +
                                                  domain + ": " + describeError(answer)};
        // ejabberd (mod_configure) answers an existing account with an error; Prosody with a
        // note in the completed command (see createAccount).
        if (hasCondition(answer, "conflict"))
            return {ErrorCode::AlreadyExists, "already exists: " + describeError(answer)};
        if (hasCondition(answer, "item-not-found") || hasCondition(answer, "service-unavailable"))
            return {ErrorCode::NotFound, domain +
                                             " does not offer XEP-0133 service administration "
                                             "(Prosody: load mod_admin_adhoc; ejabberd: "
                                             "mod_adhoc and mod_configure): " +
                                             describeError(answer)};
        return {ErrorCode::InvalidArgument,
                std::string("the server refused ") + node + ": " + describeError(answer)};
    };
    Element execute("iq");
    execute.set("type", "set").set("to", domain);
    execute.add(Element("command", kCommandsNs)).set("node", node).set("action", "execute");
    auto form = session.request(std::move(execute));
    if (!form)
        return form.error();
    if (form.value().attribute("type") != std::optional<std::string_view>("result"))
        return refused(form.value());
    const Element* started = form.value().child("command", kCommandsNs);
    const std::string sessionId(started ? started->attribute("sessionid").value_or("") : "");
    if (sessionId.empty())
        return makeError(ErrorCode::InvalidArgument,
                         std::string("the server started ") + node + " without a session");

    Element submit("iq");
    submit.set("type", "set").set("to", domain);
    Element& command = submit.add(Element("command", kCommandsNs));
    command.set("node", node).set("sessionid", sessionId).set("action", "complete");
    Element& x = command.add(Element("x", kDataFormsNs));
    x.set("type", "submit");
    x.add(formField("FORM_TYPE", kAdminNs, "hidden"));
    for (Element& field : fields)
        x.add(std::move(field));
    for (Element& field : fields)
        wipe(field);
    auto done = session.request(std::move(submit));
    if (!done)
        return done.error();
    if (done.value().attribute("type") != std::optional<std::string_view>("result"))
        return refused(done.value());
    const Element* completed = done.value().child("command", kCommandsNs);
    if (completed == nullptr ||
        completed->attribute("status") != std::optional<std::string_view>("completed"))
        return makeError(ErrorCode::InvalidArgument,
                         std::string("the server did not complete ") + node);
    return Element(*completed);
}

std::string noteText(const Element& command, std::string_view type) {
    for (const Element* note : command.childrenNamed("note", kCommandsNs)) {
        if (note->attribute("type").value_or("info") == type)
            return note->text;
    }
    return {};
}

} // namespace

Result<ProvisionedAccount> ServerAdmin::createAccount() {
    // Lower-case letters and digits only: valid in any node part, and nothing in the name
    // says who the member is or which compartment it serves.
    constexpr std::string_view kNameAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    constexpr std::string_view kPasswordAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    const SecretBytes name = randomText(kNameAlphabet, kAccountNameChars);
    ProvisionedAccount account{"m" + std::string(name.view().begin(), name.view().end()) + "@" +
                                   domainOf(m_session->jid),
                               randomText(kPasswordAlphabet, kPasswordChars)};
    if (auto created = createAccount(account.jid, account.password); !created)
        return created.error();
    return account;
}

Result<void> ServerAdmin::createAccount(const std::string& jid, const SecretBytes& password) {
    if (!plausibleJid(jid) || domainOf(jid) != domainOf(m_session->jid))
        return makeError(ErrorCode::InvalidArgument,
                         "an account is created on the admin's own domain, as name@" +
                             domainOf(m_session->jid));
    if (password.empty())
        return makeError(ErrorCode::InvalidArgument, "an account needs a password");
    std::string secret(password.view().begin(), password.view().end());
    std::vector<Element> fields;
    fields.push_back(formField("accountjid", jid, "jid-single"));
    fields.push_back(formField("password", secret, "text-private"));
    fields.push_back(formField("password-verify", secret, "text-private"));
    wipe(secret);
    auto done = runCommand(*m_session, kAddUserNode, std::move(fields));
    if (!done && done.error().code == ErrorCode::AlreadyExists)
        return makeError(ErrorCode::AlreadyExists, "the account " + jid + " already exists");
    if (!done)
        return done.error();
    const std::string error = noteText(done.value(), "error");
    if (error.find("already exists") != std::string::npos)
        return makeError(ErrorCode::AlreadyExists, "the account " + jid + " already exists");
    if (!error.empty())
        return makeError(ErrorCode::InvalidArgument,
                         "the server did not create " + jid + ": " + error);
    return {};
}

Result<void> ServerAdmin::deleteAccount(const std::string& jid) {
    if (!plausibleJid(jid))
        return makeError(ErrorCode::InvalidArgument, "not an account JID: " + jid);
    std::vector<Element> fields;
    fields.push_back(formField("accountjids", jid, "jid-multi"));
    auto done = runCommand(*m_session, kDeleteUserNode, std::move(fields));
    if (!done)
        return done.error();
    // Prosody reports per account in an info note; a failure names the account under "could
    // not be deleted".
    const std::string info = noteText(done.value(), "info");
    const std::string error = noteText(done.value(), "error");
    if (!error.empty() || info.find("could not be deleted") != std::string::npos)
        return makeError(ErrorCode::NotFound,
                         "the server did not delete " + jid + " (no such account?)");
    return {};
}

Result<ServerAdmin::Sessions> ServerAdmin::sessionsOf(const std::string& jid) {
    if (!plausibleJid(jid))
        return makeError(ErrorCode::InvalidArgument, "not an account JID: " + jid);
    std::vector<Element> fields;
    fields.push_back(formField("accountjid", jid, "jid-single"));
    auto done = runCommand(*m_session, kUserStatsNode, std::move(fields));
    if (!done)
        return done.error();
    if (const std::string error = noteText(done.value(), "error"); !error.empty())
        return makeError(ErrorCode::NotFound,
                         "the server has no statistics for " + jid + ": " + error);
    // Values are lines: one <value> each, or (as some servers send) one value with newlines.
    auto lines = [&](std::string_view var) {
        std::vector<std::string> out;
        const Element* form = done.value().child("x", kDataFormsNs);
        if (form == nullptr)
            return out;
        for (const Element* field : form->childrenNamed("field", kDataFormsNs)) {
            if (field->attribute("var") != std::optional<std::string_view>(var))
                continue;
            for (const Element* value : field->childrenNamed("value", kDataFormsNs)) {
                std::string_view text = value->text;
                while (!text.empty()) {
                    const auto end = text.find('\n');
                    const std::string_view line = text.substr(0, end);
                    if (!line.empty())
                        out.emplace_back(line.substr(0, 256));
                    if (end == std::string_view::npos || out.size() >= 64)
                        break;
                    text.remove_prefix(end + 1);
                }
            }
        }
        return out;
    };
    return Sessions{lines("onlineresources"), lines("ipaddresses")};
}

Result<void> ServerAdmin::createRoom(const std::string& roomJid,
                                     const std::vector<std::string>& members) {
    const std::string room = omemo::bareJid(roomJid);
    if (!plausibleJid(room))
        return makeError(ErrorCode::InvalidArgument, "a room needs a JID like name@rooms.domain");
    // Entering a room that does not exist creates it, locked until the owner configures it.
    if (auto entered = enterRoom(room); !entered)
        return entered;
    Element configure("iq");
    configure.set("type", "set").set("to", room);
    Element& form = configure.add(Element("query", kMucOwnerNs)).add(Element("x", kDataFormsNs));
    form.set("type", "submit");
    form.add(formField("FORM_TYPE", kRoomConfigNs, "hidden"));
    form.add(formField("muc#roomconfig_persistentroom", "1"));
    form.add(formField("muc#roomconfig_membersonly", "1"));
    // Non-anonymous: OMEMO in a room encrypts to the occupants' real JIDs.
    form.add(formField("muc#roomconfig_whois", "anyone"));
    form.add(formField("muc#roomconfig_publicroom", "0"));
    auto configured =
        m_session->expectResult(std::move(configure), "the room " + room + " refused its settings");
    if (!configured)
        return configured.error();
    for (const std::string& member : members) {
        if (auto added = addMember(room, member); !added)
            return added;
    }
    return leaveRoom(room);
}

Result<void> ServerAdmin::enterRoom(const std::string& roomJid) {
    const std::string room = omemo::bareJid(roomJid);
    if (!plausibleJid(room))
        return makeError(ErrorCode::InvalidArgument, "a room needs a JID like name@rooms.domain");
    const std::string occupant = room + "/admin-" + randomId().substr(0, 8);
    Element join("presence");
    join.set("to", occupant);
    join.add(Element("x", kMucNs)).add(Element("history")).set("maxstanzas", "0");
    if (auto sent = m_session->send(std::move(join)); !sent)
        return sent;
    auto joined = m_session->await([&](const Element& presence) {
        return presence.name == "presence" &&
               presence.attribute("from") == std::optional<std::string_view>(occupant);
    });
    if (!joined)
        return joined.error();
    if (joined.value().attribute("type") == std::optional<std::string_view>("error"))
        return makeError(ErrorCode::PolicyRefused,
                         "cannot enter the room " + room + ": " + describeError(joined.value()));
    m_occupying[room] = occupant;
    // Status 201: the room did not exist, our entering created it.
    if (const Element* x = joined.value().child("x", kMucUserNs)) {
        for (const Element* status : x->childrenNamed("status", kMucUserNs))
            if (status->attribute("code") == std::optional<std::string_view>("201") &&
                !createdRoom(room))
                m_created.push_back(room);
    }
    return {};
}

bool ServerAdmin::createdRoom(const std::string& roomJid) const {
    return std::find(m_created.begin(), m_created.end(), omemo::bareJid(roomJid)) !=
           m_created.end();
}

Result<void> ServerAdmin::destroyRoom(const std::string& roomJid) {
    const std::string room = omemo::bareJid(roomJid);
    if (!plausibleJid(room))
        return makeError(ErrorCode::InvalidArgument, "a room needs a JID like name@rooms.domain");
    Element iq("iq");
    iq.set("type", "set").set("to", room);
    iq.add(Element("query", kMucOwnerNs)).add(Element("destroy"));
    if (auto destroyed =
            m_session->expectResult(std::move(iq), "the room " + room + " was not destroyed");
        !destroyed)
        return destroyed.error();
    m_occupying.erase(room);
    m_created.erase(std::remove(m_created.begin(), m_created.end(), room), m_created.end());
    return {};
}

Result<std::vector<std::string>> ServerAdmin::roomMembers(const std::string& roomJid) {
    Element iq("iq");
    iq.set("type", "get").set("to", omemo::bareJid(roomJid));
    iq.add(Element("query", kMucAdminNs)).add(Element("item")).set("affiliation", "member");
    auto answer = m_session->expectResult(std::move(iq), "the room " + omemo::bareJid(roomJid) +
                                                             " did not list its members");
    if (!answer)
        return answer.error();
    std::vector<std::string> members;
    if (const Element* query = answer.value().child("query", kMucAdminNs))
        for (const Element* item : query->childrenNamed("item", kMucAdminNs))
            if (auto jid = item->attribute("jid"))
                members.push_back(omemo::bareJid(*jid));
    return members;
}

Result<void> ServerAdmin::sendRosterNotices(const std::vector<std::string>& members,
                                            const std::string& node) {
    for (const std::string& member : members) {
        if (!plausibleJid(member))
            return makeError(ErrorCode::InvalidArgument, "not an account JID: " + member);
        if (auto sent = m_session->connection->send(rosterNoticeMessage(member, node)); !sent)
            return sent;
    }
    // The server handles a session's stanzas in order: its answer covers the notices.
    Element ping("iq");
    ping.set("type", "get").set("to", domainOf(m_session->jid));
    ping.add(Element("ping", "urn:xmpp:ping"));
    auto answer = m_session->request(std::move(ping));
    if (!answer)
        return answer.error();
    return {};
}

Result<void> ServerAdmin::leaveRoom(const std::string& roomJid) {
    auto found = m_occupying.find(omemo::bareJid(roomJid));
    if (found == m_occupying.end())
        return {};
    Element leave("presence");
    leave.set("to", found->second).set("type", "unavailable");
    m_occupying.erase(found);
    return m_session->send(std::move(leave));
}

Result<void> ServerAdmin::addMember(const std::string& roomJid, const std::string& jid) {
    return affiliate(roomJid, jid, "member");
}

Result<void> ServerAdmin::removeMember(const std::string& roomJid, const std::string& jid) {
    return affiliate(roomJid, jid, "none");
}

Result<void> ServerAdmin::affiliate(const std::string& roomJid, const std::string& jid,
                                    const char* affiliation) {
    const std::string member = omemo::bareJid(jid);
    if (!plausibleJid(member))
        return makeError(ErrorCode::InvalidArgument, "not an account JID: " + jid);
    // One item per request: with several items in one set, Prosody 0.12 was seen to apply only
    // the first.
    Element iq("iq");
    iq.set("type", "set").set("to", omemo::bareJid(roomJid));
    iq.add(Element("query", kMucAdminNs))
        .add(Element("item"))
        .set("affiliation", affiliation)
        .set("jid", member);
    if (auto answer = m_session->expectResult(std::move(iq), "the room refused to make " + member +
                                                                 " " + affiliation);
        !answer)
        return answer.error();
    return {};
}

Result<std::vector<std::string>> ServerAdmin::roomFeatures(const std::string& roomJid) {
    Element iq("iq");
    iq.set("type", "get").set("to", omemo::bareJid(roomJid));
    iq.add(Element("query", kDiscoInfoNs));
    auto answer = m_session->request(std::move(iq));
    if (!answer)
        return answer.error();
    const Element* query = answer.value().child("query", kDiscoInfoNs);
    if (answer.value().attribute("type") != std::optional<std::string_view>("result") || !query)
        return makeError(ErrorCode::NotFound,
                         "no such room " + roomJid + ": " + describeError(answer.value()));
    std::vector<std::string> features;
    for (const Element* feature : query->childrenNamed("feature"))
        features.emplace_back(feature->attribute("var").value_or(""));
    return features;
}

Element blobPublishRequest(const std::string& node, const std::string& itemId, ByteView blob,
                           int maxItems, const std::string& id) {
    Element iq("iq");
    iq.set("type", "set");
    if (!id.empty())
        iq.set("id", id);
    Element& pubsub = iq.add(Element("pubsub", omemo::kPubsubNs));
    pubsub.add(Element("publish"))
        .set("node", node)
        .add(Element("item"))
        .set("id", itemId)
        .add(Element("blob", kBlobNs))
        .withText(toBase64(blob));
    // Open access, as for OMEMO bundles: every account reads it without being our contact.
    // No fallback without publish-options: a node only contacts can read would leave its
    // readers silently without updates. pubsub#max_items only where more than one item is
    // kept: a fixed item id already keeps one, and ejabberd 23.01 refuses publish-options
    // fields other than these (resource-constraint, "Unknown field").
    Element& options = pubsub.add(Element("publish-options")).add(Element("x", kDataFormsNs));
    options.set("type", "submit");
    options.add(formField("FORM_TYPE", kPublishOptionsNs, "hidden"));
    options.add(formField("pubsub#access_model", "open"));
    options.add(formField("pubsub#persist_items", "true"));
    if (maxItems > 1)
        options.add(formField("pubsub#max_items", std::to_string(maxItems)));
    return iq;
}

Result<void> ServerAdmin::publishBlob(const std::string& node, ByteView blob) {
    if (node.empty() || node.size() > 256)
        return makeError(ErrorCode::InvalidArgument, "a node name is 1 to 256 characters");
    if (blob.size() > kMaxBlobBytes)
        return makeError(ErrorCode::InvalidArgument,
                         "the blob is larger than " + std::to_string(kMaxBlobBytes) + " bytes");
    if (auto answer = m_session->expectResult(blobPublishRequest(node, "current", blob, 1, {}),
                                              "the server refused the publication on " + node);
        !answer)
        return answer.error();
    return {};
}

Result<std::vector<Bytes>> ServerAdmin::fetchBlobs(const std::string& owner,
                                                   const std::string& node) {
    auto answer = m_session->request(publishedBlobRequest(owner, node, m_session->nextId(), true));
    if (!answer)
        return answer.error();
    return parsePublishedBlobs(answer.value());
}

Element publishedBlobRequest(const std::string& owner, const std::string& node,
                             const std::string& id, bool all) {
    Element iq("iq");
    iq.set("type", "get").set("to", omemo::bareJid(owner)).set("id", id);
    Element& items = iq.add(Element("pubsub", omemo::kPubsubNs)).add(Element("items"));
    items.set("node", node);
    if (!all)
        items.set("max_items", "1");
    return iq;
}

Result<std::vector<Bytes>> parsePublishedBlobs(const Element& answer) {
    if (answer.attribute("type") == std::optional<std::string_view>("error")) {
        if (hasCondition(answer, "item-not-found"))
            return makeError(ErrorCode::NotFound, "nothing is published there");
        // Prosody answers a node that does not exist with forbidden, so as not to say which
        // nodes exist; an open node is readable by every account.
        if (hasCondition(answer, "forbidden"))
            return makeError(ErrorCode::NotFound,
                             "nothing is published there that this account may read");
        return makeError(ErrorCode::InvalidArgument,
                         "the fetch was refused: " + describeError(answer));
    }
    const Element* pubsub = answer.child("pubsub", omemo::kPubsubNs);
    const Element* items = pubsub ? pubsub->child("items") : nullptr;
    const auto found = items ? items->childrenNamed("item") : std::vector<const Element*>{};
    if (items == nullptr)
        return makeError(ErrorCode::InvalidArgument, "the answer holds no items");
    if (found.empty())
        return makeError(ErrorCode::NotFound, "nothing is published there");
    std::vector<Bytes> out;
    std::size_t total = 0;
    for (const Element* item : found) {
        const Element* blob = item->child("blob", kBlobNs);
        if (blob == nullptr)
            return makeError(ErrorCode::InvalidArgument, "an item holds no Cloison blob");
        total += blob->text.size();
        if (total > (kMaxBlobBytes + 2) / 3 * 4)
            return makeError(ErrorCode::InvalidArgument, "the blob is too large");
        auto bytes = fromBase64(blob->text);
        if (!bytes)
            return makeError(ErrorCode::InvalidArgument, "the blob is not base64");
        out.push_back(std::move(bytes.value()));
    }
    return out;
}

Result<Bytes> parsePublishedBlob(const Element& answer) {
    auto blobs = parsePublishedBlobs(answer);
    if (!blobs)
        return blobs.error();
    if (blobs.value().size() != 1)
        return makeError(ErrorCode::InvalidArgument, "the node holds more than one item");
    return std::move(blobs.value().front());
}

Result<Bytes> fetchPublishedBlob(AccountSettings account, SecretBytes password,
                                 const std::string& owner, const std::string& node,
                                 std::chrono::milliseconds timeout) {
    auto session = ServerAdmin::Session::open(std::move(account), std::move(password), timeout);
    if (!session)
        return session.error();
    auto answer =
        session.value()->request(publishedBlobRequest(owner, node, session.value()->nextId()));
    if (!answer)
        return answer.error();
    return parsePublishedBlob(answer.value());
}

} // namespace cloison::xmpp
