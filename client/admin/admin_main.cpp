// cloison-admin: the organisation's provisioning tool. Scripts (and `compartment create`)
// depend on its commands, output and exit codes.
#include "client/audit/AuditJson.h"
#include "client/audit/KeyEventLog.h"
#include "client/cli/CommandLine.h"
#include "client/cli/FidoCommands.h"
#include "client/cli/PassphraseSource.h"
#include "client/linkguard/Json.h"
#include "client/omemo/Stanzas.h"
#include "client/provisioning/AdminVault.h"
#include "client/provisioning/Canaries.h"
#include "client/provisioning/Decoy.h"
#include "client/provisioning/Watermark.h"
#include "client/xmpp/ServerAdmin.h"
#include "crypto/AtomicFile.h"
#include "crypto/Hash.h"
#include "crypto/TlsPin.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace cloison;
using provisioning::AdminVault;

constexpr const char* kUsage =
    R"(Usage: cloison-admin [--admin DIR] [--passphrase-fd N] COMMAND [ARGS]

Commands:
  org init [--kdf-memory-mib N] [--kdf-passes N]
                           create the admin vault in DIR with a new organisation signing key
                           (Ed25519) and print its fingerprint, for staff to compare
  org fingerprint          print the organisation key's fingerprint
  org public-key           print the organisation key (base64)
  compartment define NAME --server HOST[:PORT] --pin SHA256 [--room JID]
      [--trust strict|manual|blind] [--retention-days N] [--colour #rrggbb]
      [--label TEXT] [--trusted-domains DOMAIN,...] [--sealed] [--roster-owner JID]
      [--max-document-mib N] [--document-types EXT,...]
                           store a compartment's definition and policy in the admin vault,
                           with an empty device roster (version 1); trust defaults to strict,
                           retention to 0 (messages kept). --roster-owner names the admin
                           account that will publish the roster (invites carry it, and the
                           members' clients fetch the roster from it at every connection).
                           --max-document-mib and --document-types (file extensions such as
                           pdf,docx) limit the documents members send and keep (default:
                           1024 MiB, any type)
  compartment create NAME --server HOST[:PORT] --pin SHA256 --members REQ[,REQ...]
      (--room JID | --rooms-domain DOMAIN) --server-admin JID [--server-admin-password-fd N]
      --out-dir DIR [--valid-days N] [policy options as for define]
                           provision a compartment on the server: define it, create one
                           account per member (random name and password, XEP-0133 on the
                           server-admin account), the members-only non-anonymous room with
                           them as members (a random name on DOMAIN unless --room), publish
                           the roster, and write one invite per enrolment request REQ into
                           DIR (NAME-N.invite, mode 0600). The server-admin account is the
                           roster owner the invites name. The server-admin password comes
                           from --server-admin-password-fd N (else the terminal, else
                           $CLOISON_SERVER_ADMIN_PASSWORD). On a failure, what it made is
                           rolled back (accounts, room, invite files, definition) and listed
  publish --compartment NAME --server-admin JID [--server-admin-password-fd N]
                           publish the current signed roster on the server (PEP node
                           urn:cloison:device-roster:ID of the server-admin account, readable
                           by every account), and tell each member account with a certified
                           device, so that their running clients fetch it at once (others
                           fetch it at their next connection, or every 5 minutes); run it
                           after certify/revoke. JID must be the compartment's roster owner
  log-heads --compartment NAME --member JID --server-admin JID [--server-admin-password-fd N]
      [-o FILE]
                           fetch the signed key-event log heads that member account JID's
                           client published for the compartment (PEP node
                           urn:cloison:log-heads:ID, the most recent 64), one per line, for
                           'cloison-audit verify EXPORT --heads FILE'
  invite --compartment NAME --request FILE --account JID [--password-fd N]
      [--valid-days N] -o FILE
                           write the invite for the member whose enrolment request is FILE:
                           the definition and the account's credentials, signed with the
                           organisation key and sealed to the member's key. The password
                           comes from --password-fd N (else the terminal, else
                           $CLOISON_ACCOUNT_PASSWORD): 8 to 256 printable ASCII characters.
                           The invite can be imported for N days (default 14, 0: no expiry;
                           'cloison-cli import' refuses it after that with exit code 19)
  certify --compartment NAME REQUEST [-o FILE]
                           check a member's certification request against its invite and
                           add the device to the roster (next version); writes the signed
                           roster to FILE (else standard output)
  revoke --compartment NAME (--device JID:ID | --member JID) [-o FILE]
      [--server-admin JID [--server-admin-password-fd N]]
                           move a device, or every device of a member's account, to the
                           roster's revoked list (next version); a revoked member's later
                           certification requests are refused. With --server-admin, also on
                           the server: --member's account is deleted and its room
                           membership removed, then the new roster is published (as
                           'publish'); progress goes to standard error
  roster --compartment NAME [-o FILE]
                           write the current signed roster

  canary create --server HOST[:PORT] --pin SHA256 --server-admin JID [--count N]
      [--note TEXT] [--server-admin-password-fd N]
                           create N (default 1) canary accounts on the server: plausible names
                           and passwords that no one ever uses, kept in the admin vault; prints
                           "JID PASSWORD" per line, to plant where a thief would find them
  canary list [--show-passwords]
                           the canaries: "JID created=TIME [note=TEXT]" (and their passwords)
  canary watch --server HOST[:PORT] --pin SHA256 --server-admin JID [--interval SECONDS]
      [--once] [--server-admin-password-fd N]
                           ask the server every SECONDS (default 60) which canaries are logged
                           in (XEP-0133 user-stats); at the first one in use print
                           {"event":"canary-used","jid":...,"resources":[...],"addresses":[...],
                           "time":...} and exit 20. --once: one round; when none is in use print
                           {"event":"canaries-quiet","checked":N} and exit 0
  canary identify FILE     say whose decoy document FILE is a copy of (re-saved as plain text,
                           re-wrapped, its whitespace changed, edited or cut down, as long as
                           its reference number or enough of its text is left): prints
                           {"event":"canary-document","member":JID,"member-name":...,
                           "device":FINGERPRINT,"compartment":...,"issued":TIME,"marker":HEX,
                           "by-reference":true|false,"choices-seen":N,"choices-matching":M}
                           and exits 0; otherwise prints
                           {"event":"not-our-canary-document","file":FILE} and exits 22. Files
                           over 4 MiB are refused unread (exit 2)

  decoy create --name NAME --member JID --server HOST[:PORT] --pin SHA256 --server-admin JID
      -o FILE [--rooms-domain DOMAIN] [--valid-days N] [--server-admin-password-fd N]
                           write an invite for a decoy compartment NAME into the profile of
                           the member whose account (from an earlier invite) is JID: sealed to
                           that member's key like any invite, with inside the seal the decoy
                           flag, a history of a few dozen messages with plausible colleagues
                           over the past five weeks, and a canary document watermarked for the
                           member's device (their enrolment key fingerprint). Two canary
                           accounts are created and listed (note "decoy NAME of JID: ..."):
                           the decoy's own account, and one whose credentials are planted in
                           its history; 'canary watch' reports either in use. The document's
                           marker is recorded for 'canary identify'. --rooms-domain gives the
                           decoy a room address there (never created: a decoy never connects)

  fido enroll [--with-pin] [--keep-passphrase-slot]
                           put the admin vault (and so the organisation key) behind the security
                           key named by --authenticator (or --new-authenticator): from then on it
                           opens only with the passphrase and a touch of that key (the
                           passphrase slot is removed unless --keep-passphrase-slot)
  fido list | fido remove ID
                           the security keys enrolled; remove one (never the last one once the
                           passphrase slot is gone)
  fido soft-init           create the software authenticator of --authenticator soft:DIR, for
                           tests and demos only (NOT a hardware key)

Options:
  --admin DIR              the admin vault (default: $CLOISON_ADMIN, else
                           $XDG_DATA_HOME/cloison/admin, else ~/.local/share/cloison/admin)
  --passphrase-fd N        read the admin passphrase as one line from file descriptor N (else
                           the terminal, else $CLOISON_ADMIN_PASSPHRASE)
  -o, --output FILE        where a command writes its document (mode 0600, replaced whole)
  --authenticator SPEC     the security key: auto (the one plugged in), hid:PATH, or soft:DIR
                           (a software authenticator, never chosen unless named)
  --new-authenticator SPEC fido enroll: the key to add, when not --authenticator
  --pin-fd N               the security key's PIN from file descriptor N (else the terminal,
                           else $CLOISON_FIDO_PIN)
  --help, --version

Exit codes:
  0 success           4 refused: bad signature, tampered or malformed document
  1 other failure     5 not found (admin vault, compartment, invite)
  2 usage error       6 already exists (vault, compartment, certified device)
  3 wrong passphrase  7 written by a newer Cloison
  13 refused by policy (a revoked member or device)
  8 no security key       9 wrong security key     10 wrong PIN, PIN required or blocked
  11 not touched in time  12 the key lacks a needed feature (hmac-secret, PIN)
  15 the server could not be reached   16 the server's key does not match --pin
  17 the server refused the admin's login
  20 (canary watch) a canary account is in use
  22 (canary identify) not a canary document this admin vault issued
)";

// The codes specific to one kind of error come from cli::exitCodeFor.
enum Exit {
    kOk = 0,
    kUsageError = 2,
    kCanaryUsed = 20,
    kNotOurDocument = 22,
};

int exitFor(const Error& error) {
    std::cerr << "cloison-admin: " << error.message << '\n';
    return cli::exitCodeFor(error.code);
}

int usageError(const std::string& message) {
    std::cerr << "cloison-admin: " << message << "\nTry 'cloison-admin --help'.\n";
    return kUsageError;
}

struct Options {
    std::string adminDir = cli::defaultDataDir("CLOISON_ADMIN", "admin");
    std::optional<int> passphraseFd;
    std::optional<int> passwordFd;
    std::optional<long> kdfMemoryMib;
    std::optional<long> kdfPasses;
    std::string compartment;
    std::string output;
    std::string request;
    std::string account;
    std::string device;
    std::string member;
    provisioning::CompartmentDefinition definition;
    std::string server;
    std::string members;     // compartment create: enrolment request files, comma-separated
    std::string roomsDomain; // compartment create: where the room gets a random name
    std::string serverAdmin; // the server's admin account (XEP-0133, roster publication)
    std::optional<int> serverAdminPasswordFd;
    std::string outDir;
    std::optional<long> count;                                  // canary create
    std::string note;                                           // canary create
    std::optional<long> interval;                               // canary watch, seconds
    bool once = false;                                          // canary watch
    bool showPasswords = false;                                 // canary list
    std::string decoyName;                                      // decoy create --name
    std::uint32_t validDays = provisioning::kDefaultInviteDays; // invite, compartment create
    cli::FidoOptions fido; // --authenticator etc.: the organisation key behind a security key
    std::vector<std::string> words;
};

cli::FidoOptions fidoOptions(const Options& options) {
    cli::FidoOptions fido = options.fido;
    fido.profileDir = options.adminDir;
    fido.passphraseFd = options.passphraseFd;
    fido.passphraseEnvironment = "CLOISON_ADMIN_PASSPHRASE";
    return fido;
}

Result<std::unique_ptr<AdminVault>> unlock(const Options& options) {
    auto passphrase = cli::obtainPassphrase(
        {options.passphraseFd, "CLOISON_ADMIN_PASSPHRASE", "Admin passphrase", false});
    if (!passphrase)
        return passphrase.error();
    // With a security key enrolled, the vault opens only with it (and the passphrase).
    auto profile = cli::unlockProfile(fidoOptions(options), passphrase.value());
    if (!profile)
        return profile.error();
    return AdminVault::open(std::move(profile.value()));
}

int writeOutput(const Options& options, const std::string& document, const char* what) {
    if (options.output.empty()) {
        std::cout << document;
        return kOk;
    }
    if (auto written = writeFileAtomically(options.output, asBytes(document)); !written)
        return exitFor(written.error());
    std::cerr << "cloison-admin: wrote " << what << " to " << options.output << '\n';
    return kOk;
}

int runOrg(const Options& options) {
    if (options.words.size() != 2)
        return usageError("expected 'org init', 'org fingerprint' or 'org public-key'");
    const std::string& sub = options.words[1];
    if (sub == "init") {
        auto passphrase = cli::obtainPassphrase(
            {options.passphraseFd, "CLOISON_ADMIN_PASSPHRASE", "New admin passphrase", true});
        if (!passphrase)
            return exitFor(passphrase.error());
        Argon2idParams params = Argon2idParams::strong();
        if (options.kdfMemoryMib)
            params.memoryBytes = static_cast<std::uint64_t>(*options.kdfMemoryMib) << 20;
        if (options.kdfPasses)
            params.passes = static_cast<std::uint64_t>(*options.kdfPasses);
        if (params.isWeakerThanStrong())
            std::cerr << "cloison-admin: warning: key derivation weaker than the default "
                         "(256 MiB, 3 passes)\n";
        auto vault = AdminVault::create(options.adminDir, passphrase.value(), params);
        if (!vault)
            return exitFor(vault.error());
        std::cout << "organisation key fingerprint: " << vault.value()->fingerprint() << '\n';
        return kOk;
    }
    if (sub != "fingerprint" && sub != "public-key")
        return usageError("expected 'org init', 'org fingerprint' or 'org public-key'");
    auto vault = unlock(options);
    if (!vault)
        return exitFor(vault.error());
    if (sub == "fingerprint")
        std::cout << vault.value()->fingerprint() << '\n';
    else
        std::cout << toBase64(vault.value()->orgKey().publicKey()) << '\n';
    return kOk;
}

// Fills in the definition's name, server and pin from the command line; a usage message when
// they are wrong.
std::optional<std::string> completeDefinition(Options& options) {
    provisioning::CompartmentDefinition& d = options.definition;
    d.name = options.words[2];
    if (options.server.empty())
        return "'compartment " + options.words[1] + "' needs --server HOST[:PORT]";
    const auto colon = options.server.rfind(':');
    d.host = options.server.substr(0, colon);
    if (colon != std::string::npos) {
        auto port = cli::parseNumber(options.server.substr(colon + 1), 1, 65535);
        if (!port)
            return "--server takes HOST[:PORT]";
        d.port = static_cast<std::uint16_t>(*port);
    }
    auto pin = normalisePin(d.pin);
    if (!pin)
        return "--pin takes the SHA-256 of the server's public key (64 hex digits)";
    d.pin = pin.value();
    if (!d.rosterOwner.empty() && !provisioning::isBareJid(d.rosterOwner))
        return "--roster-owner takes the admin account's bare JID";
    return std::nullopt;
}

Result<SecretBytes> serverAdminPassword(const Options& options) {
    return cli::obtainPassphrase({options.serverAdminPasswordFd, "CLOISON_SERVER_ADMIN_PASSWORD",
                                  "Server admin password (" + options.serverAdmin + ")", false});
}

// The server's admin account, logged in over TLS with the compartment's pinned server key.
Result<std::unique_ptr<xmpp::ServerAdmin>>
connectServerAdmin(const Options& options, const provisioning::CompartmentDefinition& d,
                   std::optional<SecretBytes> given = std::nullopt) {
    auto password = given ? Result<SecretBytes>(std::move(*given)) : serverAdminPassword(options);
    if (!password)
        return password.error();
    xmpp::AccountSettings account;
    account.jid = options.serverAdmin;
    account.host = d.host;
    account.port = d.port;
    account.pin = d.pin;
    account.resource = "cloison-admin";
    return xmpp::ServerAdmin::connect(account, std::move(password).value());
}

// The members' clients fetch the roster from the account the definition names; one published
// elsewhere would never be seen.
Result<void> checkRosterOwner(const provisioning::CompartmentDefinition& d,
                              const std::string& serverAdmin) {
    if (!d.rosterOwner.empty() && omemo::bareJid(serverAdmin) != d.rosterOwner)
        return makeError(ErrorCode::InvalidArgument,
                         "the roster of " + d.name + " is published by its roster owner " +
                             d.rosterOwner + " (the account its invites name), not by " +
                             serverAdmin);
    return {};
}

// Publishes the roster and tells each account with a certified device, so that their running
// clients fetch it now. Says what it did on `out`.
Result<void> publishRoster(xmpp::ServerAdmin& server, const AdminVault& vault,
                           const provisioning::CompartmentDefinition& d, const std::string& roster,
                           std::ostream& out) {
    auto parsed = provisioning::parseRoster(roster, vault.orgKey().publicKey());
    if (!parsed)
        return parsed.error();
    const std::string node = xmpp::kRosterNodePrefix + d.id;
    if (auto published = server.publishBlob(node, asBytes(roster)); !published)
        return published;
    out << "published the roster of " << d.name << " as " << server.jid() << " node " << node
        << '\n';
    std::vector<std::string> accounts;
    for (const auto& device : parsed.value().devices)
        if (std::find(accounts.begin(), accounts.end(), device.account) == accounts.end())
            accounts.push_back(device.account);
    if (accounts.empty())
        return {};
    // A failure here leaves the roster published: members fetch it at their next connection.
    if (auto told = server.sendRosterNotices(accounts, node); !told)
        return Error{told.error().code,
                     "the roster is published, but telling the members failed: " +
                         told.error().message};
    return {};
}

// What `compartment create` has made so far, undone when a later step fails: accounts, the
// room when this run created it, invite files, the definition (with its enrolments).
struct Provisioned {
    std::vector<std::string> accounts;
    std::vector<std::string> inviteIds;
    std::vector<std::string> files;
    bool defined = false;
};

int rollBack(const Error& error, const std::string& name, const std::string& room,
             Provisioned& made, AdminVault& vault, xmpp::ServerAdmin& server) {
    std::cerr << "cloison-admin: " << error.message << '\n'
              << "cloison-admin: compartment create failed; rolling back what it made:\n";
    auto report = [](const std::string& what, const Result<void>& done) {
        if (done)
            std::cerr << "  rolled back: " << what << '\n';
        else
            std::cerr << "  NOT rolled back: " << what << " (" << done.error().message
                      << "): remove it by hand\n";
    };
    for (const std::string& account : made.accounts)
        report("account " + account + " deleted on the server", server.deleteAccount(account));
    if (server.createdRoom(room))
        report("room " + room + " destroyed", server.destroyRoom(room));
    for (const std::string& file : made.files) {
        std::error_code ignored;
        report("invite file " + file + " removed",
               std::filesystem::remove(file, ignored)
                   ? Result<void>()
                   : Result<void>(makeError(ErrorCode::Io, "could not remove it")));
    }
    if (made.defined)
        report("definition of " + name + " removed from the admin vault",
               vault.forgetCompartment(name, made.inviteIds));
    return cli::exitCodeFor(error.code);
}

int runCreate(Options options) {
    if (auto wrong = completeDefinition(options))
        return usageError(*wrong);
    const auto requestFiles = cli::splitCommas(options.members);
    if (requestFiles.empty() || options.serverAdmin.empty() || options.outDir.empty() ||
        options.definition.room.empty() == options.roomsDomain.empty())
        return usageError("'compartment create' needs --members REQ[,REQ...], --server-admin "
                          "JID, --out-dir DIR and one of --room JID and --rooms-domain DOMAIN");
    // The invites name the account that publishes the roster: this one.
    if (!options.definition.rosterOwner.empty() &&
        options.definition.rosterOwner != omemo::bareJid(options.serverAdmin))
        return usageError("'compartment create' publishes the roster as --server-admin: "
                          "--roster-owner must be the same account, or left out");
    options.definition.rosterOwner = omemo::bareJid(options.serverAdmin);
    std::vector<std::string> requests;
    for (const std::string& file : requestFiles) {
        auto request = readFileLimited(file, 16 * 1024);
        if (!request)
            return exitFor(request.error());
        if (auto parsed = provisioning::parseEnrollRequest(request.value()); !parsed)
            return exitFor(Error{parsed.error().code, file + ": " + parsed.error().message});
        requests.push_back(std::move(request.value()));
    }
    if (options.definition.room.empty())
        options.definition.room = "c-" + toHex(randomBytes(8)) + "@" + options.roomsDomain;
    auto vault = unlock(options);
    if (!vault)
        return exitFor(vault.error());
    // Everything that can be checked is checked before the server is changed: the admin
    // vault, the requests, the server's key and the admin login, then the definition.
    auto server = connectServerAdmin(options, options.definition);
    if (!server)
        return exitFor(server.error());
    auto defined = vault.value()->defineCompartment(options.definition);
    if (!defined)
        return exitFor(defined.error());
    const provisioning::CompartmentDefinition& d = defined.value();
    Provisioned made;
    made.defined = true;
    auto failed = [&](const Error& error) {
        return rollBack(error, d.name, d.room, made, *vault.value(), *server.value());
    };
    std::error_code dirError;
    std::filesystem::create_directories(options.outDir, dirError);
    if (dirError)
        return failed(makeError(ErrorCode::Io, options.outDir + ": " + dirError.message()));
    for (std::size_t i = 0; i < requests.size(); ++i) {
        auto account = server.value()->createAccount();
        if (!account)
            return failed(account.error());
        made.accounts.push_back(account.value().jid);
        std::string inviteId;
        auto invite =
            vault.value()->writeInvite(d.name, requests[i], account.value().jid,
                                       account.value().password, options.validDays, &inviteId);
        if (!invite)
            return failed(invite.error());
        made.inviteIds.push_back(inviteId);
        const std::string file = (std::filesystem::path(options.outDir) /
                                  (d.name + "-" + std::to_string(i + 1) + ".invite"))
                                     .string();
        if (auto written = writeFileAtomically(file, asBytes(invite.value())); !written)
            return failed(Error{written.error().code, file + ": " + written.error().message});
        made.files.push_back(file);
        std::cout << "invite for " << requestFiles[i] << ": " << file << " (account "
                  << account.value().jid << ")\n";
    }
    if (auto room = server.value()->createRoom(d.room, made.accounts); !room)
        return failed(room.error());
    std::cout << "room " << d.room << " with " << made.accounts.size() << " members\n";
    auto roster = vault.value()->roster(d.name);
    if (!roster)
        return failed(roster.error());
    if (auto published =
            publishRoster(*server.value(), *vault.value(), d, roster.value(), std::cout);
        !published)
        return failed(published.error());
    std::cout << "created compartment " << d.name << " (id " << d.id << ")\n";
    return kOk;
}

// The admin vault, the compartment --compartment names, and the server's admin account logged
// in for it.
struct OnServer {
    std::unique_ptr<AdminVault> vault;
    provisioning::CompartmentDefinition definition;
    std::unique_ptr<xmpp::ServerAdmin> server;
};

Result<OnServer> openOnServer(const Options& options) {
    auto vault = unlock(options);
    if (!vault)
        return vault.error();
    auto d = vault.value()->compartment(options.compartment);
    if (!d)
        return d.error();
    auto server = connectServerAdmin(options, d.value());
    if (!server)
        return server.error();
    return OnServer{std::move(vault.value()), std::move(d.value()), std::move(server.value())};
}

int runPublish(const Options& options) {
    if (options.words.size() != 1 || options.compartment.empty() || options.serverAdmin.empty())
        return usageError("expected 'publish --compartment NAME --server-admin JID'");
    auto on = openOnServer(options);
    if (!on)
        return exitFor(on.error());
    if (auto owner = checkRosterOwner(on.value().definition, options.serverAdmin); !owner)
        return exitFor(owner.error());
    auto roster = on.value().vault->roster(options.compartment);
    if (!roster)
        return exitFor(roster.error());
    if (auto published = publishRoster(*on.value().server, *on.value().vault, on.value().definition,
                                       roster.value(), std::cout);
        !published)
        return exitFor(published.error());
    return kOk;
}

// An auditor's copy of what a member's client published of its log, fetched from the server
// rather than from the member: a log handed over later must agree with every one of them.
int runLogHeads(const Options& options) {
    if (options.words.size() != 1 || options.compartment.empty() || options.member.empty() ||
        options.serverAdmin.empty())
        return usageError(
            "expected 'log-heads --compartment NAME --member JID --server-admin JID'");
    if (!provisioning::isBareJid(options.member))
        return usageError("--member takes the member's account, a bare JID");
    auto on = openOnServer(options);
    if (!on)
        return exitFor(on.error());
    const std::string node = xmpp::kLogHeadsNodePrefix + on.value().definition.id;
    auto blobs = on.value().server->fetchBlobs(options.member, node);
    if (!blobs)
        return exitFor(
            Error{blobs.error().code, options.member + " " + node + ": " + blobs.error().message});
    std::string heads;
    for (const Bytes& blob : blobs.value()) {
        const std::string line(blob.begin(), blob.end());
        // Checked here only for form; whether they hold is cloison-audit's to say.
        if (auto parsed = audit::parseHeadLine(line); !parsed)
            return exitFor(
                Error{ErrorCode::Corrupted, "the server holds something other than a log head on " +
                                                node + ": " + parsed.error().message});
        heads += line + "\n";
    }
    std::cerr << "cloison-admin: " << blobs.value().size() << " log heads of " << options.member
              << '\n';
    return writeOutput(options, heads, "the log heads");
}

int runDefine(Options options) {
    if (options.words.size() != 3 || options.words[1] != "define")
        return usageError("expected 'compartment define NAME --server HOST[:PORT] --pin SHA256 "
                          "...'");
    if (auto wrong = completeDefinition(options))
        return usageError(*wrong);
    const provisioning::CompartmentDefinition& d = options.definition;
    auto vault = unlock(options);
    if (!vault)
        return exitFor(vault.error());
    auto defined = vault.value()->defineCompartment(d);
    if (!defined)
        return exitFor(defined.error());
    std::cout << "defined compartment " << defined.value().name << " (id " << defined.value().id
              << ")\n";
    return kOk;
}

int runInvite(const Options& options) {
    if (options.words.size() != 1 || options.compartment.empty() || options.request.empty() ||
        options.account.empty() || options.output.empty())
        return usageError("expected 'invite --compartment NAME --request FILE --account JID "
                          "[--password-fd N] -o FILE'");
    auto request = readFileLimited(options.request, 16 * 1024);
    if (!request)
        return exitFor(request.error());
    auto vault = unlock(options);
    if (!vault)
        return exitFor(vault.error());
    auto password = cli::obtainPassphrase(
        {options.passwordFd, "CLOISON_ACCOUNT_PASSWORD", "Account password", false});
    if (!password)
        return exitFor(password.error());
    auto invite = vault.value()->writeInvite(options.compartment, request.value(), options.account,
                                             password.value(), options.validDays);
    if (!invite)
        return exitFor(invite.error());
    // Anyone can make a self-signed request: the admin compares this with the member's own.
    auto member = provisioning::parseEnrollRequest(request.value());
    if (member)
        std::cerr << "cloison-admin: invite for \"" << member.value().name
                  << "\", enrolment key fingerprint " << keyFingerprint(member.value().signingKey)
                  << '\n';
    return writeOutput(options, invite.value(), "the invite");
}

// After the roster revoked them: the member's account goes (it can no longer log in), then its
// room membership (the account name could be created again), then the new roster is published.
// Each step says how it went; running the same revoke again finishes what failed.
int revokeOnServer(xmpp::ServerAdmin& server, const AdminVault& vault,
                   const provisioning::CompartmentDefinition& d, const std::string& member,
                   const std::string& roster) {
    if (!member.empty()) {
        auto deleted = server.deleteAccount(member);
        if (!deleted && deleted.error().code != ErrorCode::NotFound)
            return exitFor(
                Error{deleted.error().code, "revoked in the roster, but the account " + member +
                                                " was not deleted: " + deleted.error().message});
        std::cerr << "cloison-admin: "
                  << (deleted ? "deleted the account " + member + " on the server"
                              : "the server has no account " + member + " (already deleted)")
                  << '\n';
        if (!d.room.empty()) {
            if (auto removed = server.removeMember(d.room, member); !removed)
                return exitFor(
                    Error{removed.error().code, "revoked in the roster, account deleted, but " +
                                                    member + " is still a member of " + d.room +
                                                    ": " + removed.error().message});
            std::cerr << "cloison-admin: removed " << member << " from the room " << d.room << '\n';
        }
    }
    std::ostringstream said;
    if (auto published = publishRoster(server, vault, d, roster, said); !published)
        return exitFor(Error{published.error().code,
                             "revoked, but the new roster is not published (run 'publish'): " +
                                 published.error().message});
    std::cerr << "cloison-admin: " << said.str();
    return kOk;
}

int runRosterCommand(const Options& options, const std::string& command) {
    if (options.compartment.empty())
        return usageError("'" + command + "' needs --compartment NAME");
    const std::size_t words = command == "certify" ? 2 : 1;
    if (options.words.size() != words)
        return usageError(command == "certify" ? "expected 'certify --compartment NAME REQUEST'"
                                               : "'" + command + "' takes no arguments");
    std::string account;
    std::uint32_t deviceId = 0;
    if (command == "revoke") {
        if (options.device.empty() == options.member.empty())
            return usageError("'revoke' needs exactly one of --device JID:ID and --member JID");
        if (!options.device.empty()) {
            const auto colon = options.device.rfind(':');
            auto id = colon == std::string::npos
                          ? std::nullopt
                          : cli::parseNumber(options.device.substr(colon + 1), 1, 0x7fffffff);
            if (!id)
                return usageError("--device takes JID:ID");
            account = options.device.substr(0, colon);
            deviceId = static_cast<std::uint32_t>(*id);
        }
    }
    std::string request;
    if (command == "certify") {
        auto read = readFileLimited(options.words[1], 16 * 1024);
        if (!read)
            return exitFor(read.error());
        request = std::move(read.value());
    }
    auto vault = unlock(options);
    if (!vault)
        return exitFor(vault.error());
    AdminVault& admin = *vault.value();
    // Revoking on the server too: logged in before anything changes, so that an unreachable
    // server or a wrong password changes nothing.
    std::unique_ptr<xmpp::ServerAdmin> server;
    provisioning::CompartmentDefinition definition;
    if (command == "revoke" && !options.serverAdmin.empty()) {
        auto defined = admin.compartment(options.compartment);
        if (!defined)
            return exitFor(defined.error());
        definition = std::move(defined.value());
        if (auto owner = checkRosterOwner(definition, options.serverAdmin); !owner)
            return exitFor(owner.error());
        auto connected = connectServerAdmin(options, definition);
        if (!connected)
            return exitFor(connected.error());
        server = std::move(connected.value());
    }
    Result<std::string> roster = command == "certify"  ? admin.certify(options.compartment, request)
                                 : command == "roster" ? admin.roster(options.compartment)
                                 : deviceId != 0
                                     ? admin.revokeDevice(options.compartment, account, deviceId)
                                     : admin.revokeMember(options.compartment, options.member);
    if (!roster)
        return exitFor(roster.error());
    if (int written = writeOutput(options, roster.value(), "the roster"); written != kOk)
        return written;
    if (!server)
        return kOk;
    return revokeOnServer(*server, admin, definition, options.member, roster.value());
}

// Canaries (issue 14): accounts no one uses, so that any login with one is a theft made visible.

std::string jsonList(const std::vector<std::string>& items) {
    std::string out = "[";
    for (const std::string& item : items)
        out += (out.size() > 1 ? "," : "") + linkguard::jsonString(item);
    return out + "]";
}

// A canary account with a plausible name on the server admin's domain, kept in the admin vault
// with `note`.
Result<provisioning::Canary> createCanary(xmpp::ServerAdmin& server, AdminVault& vault,
                                          const std::string& note) {
    const std::string domain = server.jid().substr(server.jid().find('@') + 1);
    provisioning::Canary canary;
    Result<void> created = makeError(ErrorCode::AlreadyExists, "");
    // A plausible name may be taken (by a person, or an earlier canary): draw again.
    for (int attempt = 0;
         attempt < 8 && !created && created.error().code == ErrorCode::AlreadyExists; ++attempt) {
        canary.jid = provisioning::plausibleAccountName() + "@" + domain;
        canary.password = provisioning::plausiblePassword();
        created = server.createAccount(canary.jid, canary.password);
    }
    if (!created)
        return created.error();
    canary.createdAtMs = audit::KeyEventLog::nowMs();
    canary.note = note;
    if (auto kept = provisioning::addCanary(vault.vault(), canary); !kept) {
        // An account the vault does not know would never be watched: take it back.
        (void)server.deleteAccount(canary.jid);
        return kept.error();
    }
    return canary;
}

// A planted canary's password is bait meant to be read: it goes into message text as it is.
std::string passwordText(const SecretBytes& password) {
    return {reinterpret_cast<const char*>(password.data()), password.size()};
}

// Which device's decoy document a leaked copy is: one JSON line, exit 0, or kNotOurDocument.
int runIdentify(const Options& options) {
    if (options.words.size() != 3)
        return usageError("expected 'canary identify FILE'");
    const std::string& file = options.words[2];
    auto text = readFileLimited(file, provisioning::kMaxIdentifyBytes);
    if (!text)
        return exitFor(text.error());
    auto vault = unlock(options);
    if (!vault)
        return exitFor(vault.error());
    auto key = provisioning::watermarkKey(vault.value()->vault());
    if (!key)
        return exitFor(key.error());
    auto records = provisioning::loadWatermarks(vault.value()->vault());
    if (!records)
        return exitFor(records.error());
    auto found = provisioning::identifyDocument(text.value(), key.value(), records.value());
    if (!found) {
        std::cout << "{\"event\":\"not-our-canary-document\",\"file\":"
                  << linkguard::jsonString(file) << "}" << std::endl;
        std::cerr << "cloison-admin: " << file
                  << " is not a canary document this admin vault issued (or too little of one "
                     "is left to tell)\n";
        return kNotOurDocument;
    }
    const provisioning::Identification& id = found.value();
    std::cout << "{\"event\":\"canary-document\",\"member\":"
              << linkguard::jsonString(id.record.member)
              << ",\"member-name\":" << linkguard::jsonString(id.record.memberName)
              << ",\"device\":" << linkguard::jsonString(id.record.device)
              << ",\"compartment\":" << linkguard::jsonString(id.record.compartment)
              << ",\"issued\":" << linkguard::jsonString(cli::isoTime(id.record.issuedAtMs))
              << ",\"marker\":\"" << provisioning::markerHex(id.record.marker)
              << "\",\"by-reference\":" << (id.byReference ? "true" : "false")
              << ",\"choices-seen\":" << id.choicesSeen
              << ",\"choices-matching\":" << id.choicesMatching << "}" << std::endl;
    return kOk;
}

int runCanary(Options options) {
    const std::string verb = options.words.size() >= 2 ? options.words[1] : std::string();
    if (verb == "identify")
        return runIdentify(options);
    if (options.words.size() != 2 || (verb != "create" && verb != "list" && verb != "watch"))
        return usageError(
            "expected 'canary create', 'canary list', 'canary watch' or 'canary identify FILE'");
    if (verb == "list") {
        auto vault = unlock(options);
        if (!vault)
            return exitFor(vault.error());
        auto canaries = provisioning::loadCanaries(vault.value()->vault());
        if (!canaries)
            return exitFor(canaries.error());
        for (const provisioning::Canary& canary : canaries.value()) {
            std::cout << canary.jid << " created=" << cli::isoTime(canary.createdAtMs);
            if (!canary.note.empty())
                std::cout << " note=" << canary.note;
            if (options.showPasswords)
                std::cout << " password="
                          << std::string_view(reinterpret_cast<const char*>(canary.password.data()),
                                              canary.password.size());
            std::cout << '\n';
        }
        return kOk;
    }
    if (options.serverAdmin.empty() || options.server.empty())
        return usageError("'canary " + verb +
                          "' needs --server HOST[:PORT], --pin SHA256 and "
                          "--server-admin JID");
    options.words.push_back("canaries"); // completeDefinition reads a name at words[2]
    if (auto wrong = completeDefinition(options))
        return usageError(*wrong);
    auto vault = unlock(options);
    if (!vault)
        return exitFor(vault.error());
    auto password = serverAdminPassword(options);
    if (!password)
        return exitFor(password.error());
    auto server = connectServerAdmin(options, options.definition, password.value().copy());
    if (!server)
        return exitFor(server.error());
    if (verb == "create") {
        for (long i = 0; i < options.count.value_or(1); ++i) {
            auto made = createCanary(*server.value(), *vault.value(), options.note);
            if (!made)
                return exitFor(made.error());
            const provisioning::Canary& canary = made.value();
            std::cout << canary.jid << ' '
                      << std::string_view(reinterpret_cast<const char*>(canary.password.data()),
                                          canary.password.size())
                      << std::endl;
        }
        return kOk;
    }
    auto canaries = provisioning::loadCanaries(vault.value()->vault());
    if (!canaries)
        return exitFor(canaries.error());
    if (canaries.value().empty())
        return exitFor(Error{ErrorCode::NotFound, "the admin vault holds no canaries"});
    const auto interval = std::chrono::seconds(options.interval.value_or(60));
    for (bool first = true;; first = false) {
        if (!first) {
            // A fresh login each round: an idle admin connection may have been dropped.
            server.value().reset();
            std::this_thread::sleep_for(interval);
            server = connectServerAdmin(options, options.definition, password.value().copy());
            if (!server)
                return exitFor(server.error());
        }
        for (const provisioning::Canary& canary : canaries.value()) {
            auto sessions = server.value()->sessionsOf(canary.jid);
            if (!sessions)
                return exitFor(sessions.error());
            if (sessions.value().resources.empty())
                continue;
            std::cout << "{\"event\":\"canary-used\",\"jid\":" << linkguard::jsonString(canary.jid)
                      << ",\"resources\":" << jsonList(sessions.value().resources)
                      << ",\"addresses\":" << jsonList(sessions.value().addresses) << ",\"time\":"
                      << linkguard::jsonString(cli::isoTime(audit::KeyEventLog::nowMs())) << "}"
                      << std::endl;
            std::cerr << "cloison-admin: canary " << canary.jid
                      << " is logged in: where it was planted has been read\n";
            return kCanaryUsed;
        }
        if (options.once) {
            std::cout << "{\"event\":\"canaries-quiet\",\"checked\":" << canaries.value().size()
                      << "}" << std::endl;
            return kOk;
        }
    }
}

// Decoy compartments (issue 14): a member's profile gets a compartment that looks lived in, so
// that whoever takes the profile and opens it reads bait: its own account and the credentials
// in its history are canaries, its document names the member's device.
int runDecoy(Options options) {
    if (options.words.size() != 2 || options.words[1] != "create" || options.decoyName.empty() ||
        options.member.empty() || options.server.empty() || options.serverAdmin.empty() ||
        options.output.empty())
        return usageError("expected 'decoy create --name NAME --member JID --server HOST[:PORT] "
                          "--pin SHA256 --server-admin JID -o FILE'");
    if (!provisioning::isBareJid(options.member))
        return usageError("--member takes the member's account, a bare JID");
    options.words.push_back(options.decoyName); // completeDefinition reads the name at words[2]
    if (auto wrong = completeDefinition(options))
        return usageError(*wrong);
    provisioning::CompartmentDefinition d = options.definition;
    d.rosterOwner = omemo::bareJid(options.serverAdmin);
    if (!options.roomsDomain.empty())
        d.room = "c-" + toHex(randomBytes(8)) + "@" + options.roomsDomain;
    d.id = randomId(); // checked now; the invite gets its own
    if (auto valid = provisioning::validateDefinition(d); !valid)
        return usageError(valid.error().message);
    auto vault = unlock(options);
    if (!vault)
        return exitFor(vault.error());
    AdminVault& admin = *vault.value();
    auto enrolment = admin.enrolmentOf(options.member);
    if (!enrolment)
        return exitFor(enrolment.error());
    auto server = connectServerAdmin(options, d);
    if (!server)
        return exitFor(server.error());
    const std::string about = "decoy " + d.name + " of " + options.member + ": ";
    auto own = createCanary(*server.value(), admin, about + "its account");
    if (!own)
        return exitFor(own.error());
    auto planted = createCanary(*server.value(), admin, about + "planted in its history");
    // A canary made before a failure stays, account and entry: still watched, and harmless.
    if (!planted)
        return exitFor(Error{planted.error().code, planted.error().message + " (canary " +
                                                       own.value().jid + " was made and stays)"});
    auto failed = [&](const Error& error) {
        return exitFor(Error{error.code, error.message + " (canaries " + own.value().jid + " and " +
                                             planted.value().jid + " were made and stay)"});
    };

    const std::int64_t now = audit::KeyEventLog::nowMs();
    const std::string domain = own.value().jid.substr(own.value().jid.find('@') + 1);
    std::vector<std::string> colleagues;
    while (colleagues.size() < 3) {
        const std::string jid = provisioning::plausibleAccountName() + "@" + domain;
        if (jid != own.value().jid && jid != planted.value().jid &&
            std::find(colleagues.begin(), colleagues.end(), jid) == colleagues.end())
            colleagues.push_back(jid);
    }
    provisioning::WatermarkRecord record;
    record.issuedAtMs = now;
    record.member = options.member;
    record.memberName = enrolment.value().memberName;
    record.device = keyFingerprint(enrolment.value().memberKey);
    record.compartment = d.name;
    auto issued = provisioning::issueWatermark(admin.vault(), record);
    auto key =
        issued ? provisioning::watermarkKey(admin.vault()) : Result<SecretBytes>(issued.error());
    if (!key)
        return failed(key.error());
    provisioning::DecoyContent content;
    content.documentFrom = colleagues[0];
    content.documentAtMs = now - 10 * 86'400'000LL;
    const auto written = static_cast<std::time_t>(content.documentAtMs / 1000);
    std::tm utc{};
    gmtime_r(&written, &utc);
    char date[32];
    std::strftime(date, sizeof date, "%d %B %Y", &utc);
    content.documentName = "Donor briefing - arrangements.txt";
    content.document = provisioning::watermarkedDocument(
        key.value(), issued.value().marker,
        {provisioning::displayNameOf(colleagues[0]),
         {provisioning::displayNameOf(own.value().jid), provisioning::displayNameOf(colleagues[1])},
         date});
    content.history = provisioning::plausibleHistory(
        own.value().jid, colleagues,
        planted.value().jid + " / " + passwordText(planted.value().password), now);
    auto invite =
        admin.writeDecoyInvite(enrolment.value(), d, own.value().jid, own.value().password,
                               std::move(content), options.validDays);
    if (!invite)
        return failed(invite.error());
    if (auto saved = writeFileAtomically(options.output, asBytes(invite.value())); !saved)
        return failed(Error{saved.error().code, options.output + ": " + saved.error().message});
    std::cout << "decoy compartment " << d.name << " for " << options.member << " (device "
              << record.device << "): invite " << options.output << '\n'
              << "its account (canary): " << own.value().jid << '\n'
              << "planted in its history (canary): " << planted.value().jid << '\n'
              << "its document's marker: " << provisioning::markerHex(issued.value().marker)
              << '\n';
    return kOk;
}

} // namespace

int main(int argc, char** argv) {
    Options options;
    options.definition.trust = xmpp::TrustMode::Strict;
    std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto value = [&]() -> std::optional<std::string> {
            if (i + 1 >= args.size())
                return std::nullopt;
            return args[++i];
        };
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return kOk;
        }
        if (arg == "--version") {
            std::cout << "cloison-admin " << CLOISON_VERSION << '\n';
            return kOk;
        }
        if (arg == "--sealed") {
            options.definition.sealed = true;
            continue;
        }
        if (arg == "--once" || arg == "--show-passwords") {
            (arg == "--once" ? options.once : options.showPasswords) = true;
            continue;
        }
        if (arg == "--with-pin" || arg == "--keep-passphrase-slot") {
            (arg == "--with-pin" ? options.fido.withPin : options.fido.keepPassphrase) = true;
            continue;
        }
        if (!arg.starts_with("-")) {
            options.words.push_back(arg);
            continue;
        }
        auto text = value();
        if (!text)
            return usageError(arg + " needs a value");
        if (arg == "--passphrase-fd" || arg == "--password-fd") {
            auto fd = cli::parseNumber(*text, 0, 1 << 20);
            if (!fd)
                return usageError(arg + " takes a file descriptor number");
            (arg == "--passphrase-fd" ? options.passphraseFd : options.passwordFd) =
                static_cast<int>(*fd);
        } else if (arg == "--kdf-memory-mib" || arg == "--kdf-passes") {
            const bool memory = arg == "--kdf-memory-mib";
            auto number = cli::parseNumber(*text, 1, memory ? 8192 : 64);
            if (!number)
                return usageError(arg + (memory ? " takes 1 to 8192" : " takes 1 to 64"));
            (memory ? options.kdfMemoryMib : options.kdfPasses) = number;
        } else if (arg == "--count" || arg == "--interval") {
            const bool count = arg == "--count";
            auto number = cli::parseNumber(*text, 1, count ? 100 : 86400);
            if (!number)
                return usageError(arg + (count ? " takes 1 to 100" : " takes 1 to 86400"));
            (count ? options.count : options.interval) = number;
        } else if (arg == "--retention-days") {
            auto days = cli::parseNumber(*text, 0, provisioning::kMaxRetentionDays);
            if (!days)
                return usageError("--retention-days takes 0 to 36500");
            options.definition.retentionDays = static_cast<std::uint32_t>(*days);
        } else if (arg == "--max-document-mib") {
            auto mib = cli::parseNumber(*text, 1, 1 << 20);
            if (!mib)
                return usageError("--max-document-mib takes 1 to 1048576");
            options.definition.maxDocumentBytes = static_cast<std::uint64_t>(*mib) << 20;
        } else if (arg == "--document-types") {
            options.definition.documentTypes = cli::splitCommas(*text);
        } else if (arg == "--valid-days") {
            auto days = cli::parseNumber(*text, 0, provisioning::kMaxInviteDays);
            if (!days)
                return usageError("--valid-days takes 0 (no expiry) to 3650");
            options.validDays = static_cast<std::uint32_t>(*days);
        } else if (arg == "--trust") {
            auto mode = xmpp::parseTrustMode(*text);
            if (!mode)
                return usageError("--trust takes strict, manual or blind");
            options.definition.trust = *mode;
        } else if (arg == "--trusted-domains") {
            options.definition.trustedDomains = cli::splitCommas(*text);
        } else if (arg == "--authenticator") {
            options.fido.authenticator = *text;
        } else if (arg == "--new-authenticator") {
            options.fido.newAuthenticator = *text;
        } else if (arg == "--pin-fd") {
            auto fd = cli::parseNumber(*text, 0, 1 << 20);
            if (!fd)
                return usageError(arg + " takes a file descriptor number");
            options.fido.pinFd = static_cast<int>(*fd);
        } else if (arg == "--server-admin-password-fd") {
            auto fd = cli::parseNumber(*text, 0, 1 << 20);
            if (!fd)
                return usageError(arg + " takes a file descriptor number");
            options.serverAdminPasswordFd = static_cast<int>(*fd);
        } else {
            std::string* target = arg == "--admin"                   ? &options.adminDir
                                  : arg == "--compartment"           ? &options.compartment
                                  : arg == "-o" || arg == "--output" ? &options.output
                                  : arg == "--request"               ? &options.request
                                  : arg == "--account"               ? &options.account
                                  : arg == "--device"                ? &options.device
                                  : arg == "--member"                ? &options.member
                                  : arg == "--server"                ? &options.server
                                  : arg == "--pin"                   ? &options.definition.pin
                                  : arg == "--room"                  ? &options.definition.room
                                  : arg == "--roster-owner" ? &options.definition.rosterOwner
                                  : arg == "--colour"       ? &options.definition.colour
                                  : arg == "--label"        ? &options.definition.label
                                  : arg == "--members"      ? &options.members
                                  : arg == "--rooms-domain" ? &options.roomsDomain
                                  : arg == "--server-admin" ? &options.serverAdmin
                                  : arg == "--out-dir"      ? &options.outDir
                                  : arg == "--note"         ? &options.note
                                  : arg == "--name"         ? &options.decoyName
                                                            : nullptr;
            if (target == nullptr)
                return usageError("unknown option " + arg);
            *target = *text;
        }
    }
    if (options.words.empty())
        return usageError("no command given");
    const std::string& command = options.words.front();
    if (command == "org")
        return runOrg(options);
    if (command == "compartment" && options.words.size() == 3 && options.words[1] == "create")
        return runCreate(options);
    if (command == "compartment")
        return runDefine(options);
    if (command == "publish")
        return runPublish(options);
    if (command == "log-heads")
        return runLogHeads(options);
    if (command == "fido") {
        const std::vector<std::string> words(options.words.begin() + 1, options.words.end());
        if (words.empty() || (words[0] != "enroll" && words[0] != "list" && words[0] != "remove" &&
                              words[0] != "soft-init"))
            return usageError("expected 'fido enroll', 'fido list', 'fido remove ID' or 'fido "
                              "soft-init'");
        auto done = cli::runFido(fidoOptions(options), words);
        return done ? kOk : exitFor(done.error());
    }
    if (command == "invite")
        return runInvite(options);
    if (command == "canary")
        return runCanary(options);
    if (command == "decoy")
        return runDecoy(options);
    if (command == "certify" || command == "revoke" || command == "roster")
        return runRosterCommand(options, command);
    return usageError("unknown command '" + command + "'");
}
