// cloison-cli: the headless client. Scripts depend on its commands, output and exit codes.
#include "client/cli/AuditCommands.h"
#include "client/cli/CheckLinkCommand.h"
#include "client/cli/CommandLine.h"
#include "client/cli/DeviceCommands.h"
#include "client/cli/DocumentCommands.h"
#include "client/cli/FidoCommands.h"
#include "client/cli/MessagingCommands.h"
#include "client/cli/PassphraseSource.h"
#include "client/cli/ProvisioningCommands.h"
#include "client/profile/Profile.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace cloison;

constexpr const char* kUsage =
    R"(Usage: cloison-cli [--profile DIR] [--passphrase-fd N] COMMAND [ARGS]

Commands:
  init [--kdf-memory-mib N] [--kdf-passes N]
                           create a new profile in DIR (asks for a new passphrase)
  compartments             list the profile's compartments, one name per line; a decoy
                           compartment (provisioned by the admin as bait, see import) is
                           listed as "NAME<TAB>decoy"
  compartment add NAME     create a compartment with its own random key and vault
    [--jid JID --server HOST[:PORT] [--password-fd N] (--pin SHA256 | --insecure-loopback)
     [--trust strict|manual|blind] [--room-jid ROOM]]
                           with these, the compartment has its own XMPP account: the
                           account's password comes from --password-fd N (else the terminal,
                           else $CLOISON_ACCOUNT_PASSWORD) and is kept only in the
                           compartment's vault; --pin is the SHA-256 of the server's public
                           key (SubjectPublicKeyInfo), checked before anything is sent;
                           --insecure-loopback skips it and is accepted only for 127.0.0.1;
                           --trust says whose devices count as trusted (default manual)
  send --compartment NAME (--to JID [--wait-receipt] | --room) [--timeout S] TEXT
                           send TEXT, end-to-end encrypted (OMEMO) to every device of JID and
                           our own other devices; it is written to the compartment's outbox
                           first and prints "sent ID" once the server has it (waits up to S
                           seconds, default 30; otherwise it stays in the outbox for the next
                           connection and the exit code says why). A message to JID asks for
                           a delivery receipt (XEP-0184); --wait-receipt then also waits, within
                           the same S seconds, for JID's device to confirm it has stored the
                           message: prints "received ID", or exits with code 23
  listen --compartment NAME [--count N] [--timeout S]
                           connect and print each message received as one JSON object per
                           line: from, conversation (the peer or the room), device, trusted,
                           time (UTC, ISO 8601), text (non-ASCII as \u escapes); stops after
                           N messages or S seconds (default 30). A provisioned compartment
                           fetches the organisation's roster at connect, again every 5
                           minutes and when the admin publishes, and purges by its retention
                           policy at connect and hourly: each change is one line on standard
                           error ("cloison-cli: roster version N: C certified, R revoked",
                           "cloison-cli: retention policy: purged N messages")
                           A message that is a document link (aesgcm://, XEP-0454) is a
                           document: it is downloaded (HTTPS, the server's key pinned),
                           decrypted and verified as it streams, and kept sealed inside the
                           compartment; its line has "document": {id, name, size} instead of
                           "text", or "document": null and "error" when it was refused (altered,
                           cut short, wrong key, too large): then nothing is saved
  send-file --compartment NAME (--to JID | --room) [--timeout S] FILE
                           send FILE as an encrypted document: encrypted with a fresh
                           AES-256-GCM key while it is uploaded to the compartment's server
                           (XEP-0363 HTTP File Upload, HTTPS with the server's key pinned), and
                           the link with the key sent in an OMEMO message, as Conversations,
                           Dino and profanity do. The server sees a random file name, never the
                           document. Progress goes to standard error; prints "sent ID". A file
                           over the compartment's policy or the server's advertised maximum is
                           refused before anything is uploaded (exit code 13)
  documents --compartment NAME
                           list the documents received, one JSON object per line: id, from,
                           conversation, name, size, time
  save --compartment NAME --file ID -o PATH
                           export document ID in plaintext to PATH (which must not exist),
                           deliberately: received documents are otherwise kept only sealed
                           inside the compartment
  compartment remove NAME  destroy a compartment: its key, and its vault overwritten
  compartment trust-domains NAME [DOMAIN,...]
                           set the compartment's trusted domains for the link guard (each
                           trusts itself and its subdomains; replaces the list; "" clears
                           it); without DOMAINs, print them one per line
  check-link [--trusted DOMAIN,...] [--compartment NAME] [--org-key HEX]
             [--blocklist FILE] [--stdin] URL...
                           check links as the link guard would before one is opened, and
                           print one JSON object per link: url, verdict (trusted, unknown,
                           lookalike, blocked), host, ascii_host, imitated (the trusted
                           domain imitated, or null), reasons [{code, detail}], defanged.
                           --trusted adds trusted domains; --compartment adds that
                           compartment's (unlocks the profile) and, with --org-key, uses its
                           stored blocklist; --blocklist verifies a signed phishing bulletin
                           with --org-key (the organisation's Ed25519 public key, hex) and,
                           with --compartment, installs it there (an older version than the
                           one held is refused); --stdin also checks every link found in the
                           plain text on standard input. Options of check-link follow it.
  passwd [--new-passphrase-fd N]
                           change the profile passphrase
  duress set [--new-passphrase-fd N]
                           set (or replace) the profile's duress passphrase: unlocking with it
                           opens only the decoy compartments, shown as ordinary ones, records
                           duress-unlock in each decoy's key-event log and changes nothing
                           else; the decoys connect then, and their canary accounts logging in
                           is the silent alert. Refused (exit code 2) when it is the profile's
                           own passphrase. Asks for the profile passphrase first, then the
                           duress one ($CLOISON_DURESS_PASSPHRASE when not on a terminal)
  duress remove            remove it: its key slot and the decoys' duress list become random
                           bytes again (exit code 5 when none is set)
  export-audit --compartment NAME [--output FILE]
                           write the compartment's key-event log as JSON Lines (no message
                           content) for cloison-audit, with the org-signed roster that
                           certifies its log key when the compartment holds one (for
                           'cloison-audit verify --org-key'); the export is itself logged
  log-head --compartment NAME
                           print the compartment's signed log head (one JSON line); a running
                           compartment publishes these itself (cloison-admin log-heads)
  fido enroll [--with-pin] [--keep-passphrase-slot] [--new-authenticator SPEC]
                           add a FIDO2 security key (hmac-secret) to the profile: from then on
                           it opens with the passphrase AND a touch of that key (and its PIN
                           with --with-pin); without --keep-passphrase-slot the passphrase
                           alone no longer opens it. For a backup key, unlock with
                           --authenticator and name the new key with --new-authenticator.
  fido list                list the enrolled keys: ID, touch or touch+pin, relying party
  fido remove ID           remove a key; refused for the last one when FIDO is required
  fido seal NAME [--with-pin] [--new-authenticator SPEC]
                           seal compartment NAME behind its own credential on a security key:
                           unlocking the profile then no longer opens it
  fido open-sealed NAME    check that a sealed compartment opens with its key's touch
  fido set-pin             set the first PIN of the security key
  fido soft-init [--soft-no-hmac-secret]
                           create the software authenticator named by --authenticator soft:DIR
  enroll-request --name NAME [-o FILE]
                           write this profile's enrolment request for the admin: its public
                           keys (created on first use) and NAME, self-signed
  import INVITE [--org-fingerprint FP] [-o FILE]
                           verify an invite from the admin (signed by the organisation key
                           this profile pinned; the first time, the key must match
                           --org-fingerprint, or the person confirms its fingerprint on the
                           terminal), then create its compartment with its account, policy
                           and OMEMO identity, and write the certification request for the
                           admin to FILE (else standard output); then connect once (at most
                           20 s) to announce the new device, so that the other members can
                           reach it (a failure to connect is reported, not an error). An
                           invite past its expiry is refused (exit code 19). A decoy invite
                           (the admin's 'decoy create') makes a decoy compartment with the
                           history and document it carries; it is not announced, no
                           certification request is written, and it never connects (send,
                           listen, send-file, roster fetch refuse it, exit 13)
  roster apply --compartment NAME FILE
                           install the admin's signed device roster; a roster not newer than
                           the one held, for another compartment or badly signed is refused
  roster fetch --compartment NAME [--from ADMIN_JID]
                           fetch the roster the admin published on the server (PEP node
                           urn:cloison:device-roster:ID of ADMIN_JID) through the
                           compartment's own account, and install it as 'roster apply' does;
                           the roster already held is reported as current. ADMIN_JID
                           defaults to the roster owner the compartment's invite named
  purge --compartment NAME apply the compartment's retention policy now (it is also applied
                           whenever the compartment is opened) and print what is kept
  devices list --compartment NAME JID
                           print JID's devices known in this compartment, one per line: JID,
                           device id, state, fingerprint (8 groups of 8 hex digits). States:
                           certified (by the organisation's roster), verified (by hand, with
                           this key), untrusted, key-changed (verified under another key),
                           unverified-new (not verified, beside verified devices of JID),
                           blind (blind trust)
  devices verify --compartment NAME JID FINGERPRINT [--device ID]
                           record that you compared FINGERPRINT with the person, in person or
                           over another channel, and that it is the one of their device ID (or,
                           without --device, of the device of JID that has it); logged as a
                           device-trusted-manually key event. In manual trust a verified device
                           shows trusted, and once a contact has a verified device only its
                           verified devices get your messages. Spaces, colons and dashes in
                           FINGERPRINT are ignored (quote it). A fingerprint that is not the
                           device's is refused (exit code 21) and changes nothing
  devices unverify --compartment NAME JID (FINGERPRINT | --device ID)
                           withdraw that verification (a device-trust-withdrawn key event)

Options:
  --profile DIR            the profile directory (default: $CLOISON_PROFILE, else
                           $XDG_DATA_HOME/cloison/profile, else ~/.local/share/cloison/profile)
  --passphrase-fd N        read the passphrase as one line from file descriptor N
  --new-passphrase-fd N    (passwd) read the new passphrase from file descriptor N;
                           (duress set) the duress passphrase
  --kdf-memory-mib N       (init) Argon2id memory in MiB (default 256; less is weaker)
  --kdf-passes N           (init) Argon2id passes (default 3)
  --compartment NAME       the compartment a command works on
  --file ID                (save) the document, as listen and documents print its id
  -o, --output FILE        (export-audit, enroll-request, import) write to FILE instead of
                           standard output; (save) where the document goes
  --name NAME              (enroll-request) the display name the admin sees
  --org-fingerprint FP     (import) the organisation key's fingerprint, from the admin
  --device ID              (devices verify, unverify) the contact's OMEMO device id
  --authenticator SPEC     the FIDO authenticator: auto (the one security key plugged in,
                           the default), hid:PATH, or soft:DIR, a software authenticator for
                           tests and demos that is NOT a hardware key and is never used unless
                           named here
  --wait-for-key SECONDS   when no security key is there, wait up to SECONDS for one to be
                           plugged in (checking twice a second) instead of exiting at once
  --pin-fd N               read the security key PIN from file descriptor N (else the
                           terminal, else $CLOISON_FIDO_PIN)
  --help                   show this text
  --version                show the version

The passphrase comes from --passphrase-fd when given, else from the terminal (echo off) when
standard input is one, else from $CLOISON_PASSPHRASE ($CLOISON_NEW_PASSPHRASE for passwd).
Every command that unlocks also accepts the duress passphrase, and then sees only the decoys;
what would change key slots (passwd, fido, duress) is refused with exit code 13.

The commands that connect (send, listen, send-file, devices) run the compartment in a
sandboxed worker process of its own (cloison-compartment: it holds that compartment's key
only, and cannot open other files, start programs, read other processes or connect anywhere
but its server). $CLOISON_IN_PROCESS=1 runs it in this process instead (debugging);
$CLOISON_COMPARTMENT_WORKER names the worker program when it is not installed beside this one.

Exit codes:
  0 success           4 data corrupted or modified
  1 other failure     5 not found (profile or compartment)
  2 usage error       6 already exists
  3 wrong passphrase  7 written by a newer Cloison
  8 no security key (none plugged in, or no software authenticator in DIR)
  9 wrong security key (not one enrolled for this profile)
  10 wrong PIN, PIN required or PIN blocked
  11 the security key was not touched in time
  12 the security key lacks a needed feature (hmac-secret, PIN)
  13 refused by the profile's policy (e.g. removing its last security key, or connecting a
     decoy compartment: the commands that connect refuse a decoy), or (send-file)
     by the compartment's document policy or the server (file too large, type not allowed)
  14 (check-link) a link is lookalike or blocked
  15 the server could not be reached (send: the message stays in the outbox)
  16 the server's key does not match the compartment's pin (logged as a key event)
  17 the server refused the account's login
  18 (import) the invite is not for this profile (sealed to or signed for another member)
  19 (import) the invite has expired (ask the admin for a new one)
  21 (devices) the fingerprint typed is not the device's: nothing was verified
  23 (send --wait-receipt) the server has the message, but no delivery receipt came from
     the recipient within the timeout (it may still come: the app shows it)
)";

// The codes specific to one kind of error come from cli::exitCodeFor.
enum Exit {
    kOk = 0,
    kUsageError = 2,
};

int exitFor(const Error& error) {
    std::cerr << "cloison-cli: " << error.message << '\n';
    return cli::exitCodeFor(error.code);
}

int usageError(const std::string& message) {
    std::cerr << "cloison-cli: " << message << "\nTry 'cloison-cli --help'.\n";
    return kUsageError;
}

struct Options {
    std::string profileDir = cli::defaultDataDir("CLOISON_PROFILE", "profile");
    std::optional<int> passphraseFd;
    std::optional<int> newPassphraseFd;
    std::optional<long> kdfMemoryMib;
    std::optional<long> kdfPasses;
    std::string compartment;
    std::string output;
    cli::FidoOptions fido;           // --authenticator, --pin-fd and the fido command flags
    cli::MessagingOptions messaging; // account, send and listen flags
    cli::ProvisioningOptions provisioning;
    std::optional<std::uint32_t> deviceId; // devices verify, unverify
    std::vector<std::string> words;        // command and its arguments
};

cli::FidoOptions fidoOptions(const Options& options) {
    cli::FidoOptions out = options.fido;
    out.profileDir = options.profileDir;
    out.passphraseFd = options.passphraseFd;
    return out;
}

Result<SecretBytes> currentPassphrase(const Options& options) {
    return cli::obtainPassphrase({options.passphraseFd, "CLOISON_PASSPHRASE", "Passphrase", false});
}

Result<std::unique_ptr<Profile>> unlockProfile(const Options& options) {
    auto passphrase = currentPassphrase(options);
    if (!passphrase)
        return passphrase.error();
    return cli::unlockProfile(fidoOptions(options), passphrase.value());
}

Argon2idParams kdfParams(const Options& options) {
    Argon2idParams params = Argon2idParams::strong();
    if (options.kdfMemoryMib)
        params.memoryBytes = static_cast<std::uint64_t>(*options.kdfMemoryMib) << 20;
    if (options.kdfPasses)
        params.passes = static_cast<std::uint64_t>(*options.kdfPasses);
    if (params.isWeakerThanStrong())
        std::cerr << "cloison-cli: warning: key derivation weaker than the default "
                     "(256 MiB, 3 passes)\n";
    return params;
}

int runInit(const Options& options) {
    auto passphrase =
        cli::obtainPassphrase({options.passphraseFd, "CLOISON_PASSPHRASE", "New passphrase", true});
    if (!passphrase)
        return exitFor(passphrase.error());
    auto profile = Profile::create(options.profileDir, passphrase.value(), kdfParams(options));
    if (!profile)
        return exitFor(profile.error());
    std::cout << "created profile " << options.profileDir << '\n';
    return kOk;
}

int runCompartments(const Options& options) {
    auto profile = unlockProfile(options);
    if (!profile)
        return exitFor(profile.error());
    auto list = profile.value()->compartments();
    if (!list)
        return exitFor(list.error());
    for (const CompartmentInfo& compartment : list.value())
        std::cout << compartment.name << (compartment.decoy ? "\tdecoy\n" : "\n");
    return kOk;
}

int runTrustDomains(const Options& options) {
    std::optional<std::string> domains;
    if (options.words.size() == 4)
        domains = options.words[3];
    auto done = cli::runTrustDomains(
        options.words[2], domains, [&] { return unlockProfile(options); }, std::cout);
    return done ? done.value() : exitFor(done.error());
}

int runCheckLink(const Options& options) {
    const std::vector<std::string> args(options.words.begin() + 1, options.words.end());
    auto done = cli::runCheckLink(
        args, [&] { return unlockProfile(options); }, std::cin, std::cout);
    return done ? done.value() : exitFor(done.error());
}

int runCompartment(const Options& options) {
    if (options.words.size() >= 2 && options.words[1] == "trust-domains") {
        if (options.words.size() != 3 && options.words.size() != 4)
            return usageError("expected 'compartment trust-domains NAME [DOMAIN,...]'");
        return runTrustDomains(options);
    }
    if (options.words.size() != 3 || (options.words[1] != "add" && options.words[1] != "remove"))
        return usageError("expected 'compartment add NAME' or 'compartment remove NAME'");
    auto profile = unlockProfile(options);
    if (!profile)
        return exitFor(profile.error());
    const std::string& name = options.words[2];
    if (options.words[1] == "add") {
        const bool withAccount = cli::hasAccountOptions(options.messaging);
        if (withAccount) {
            if (auto checked = cli::checkAccountOptions(options.messaging); !checked)
                return usageError(checked.error().message);
        }
        auto added = profile.value()->addCompartment(name);
        if (!added)
            return exitFor(added.error());
        if (withAccount) {
            if (auto configured = cli::configureAccount(*profile.value(), name, options.messaging);
                !configured) {
                // Nothing half-made stays behind.
                (void)profile.value()->removeCompartment(name);
                return exitFor(configured.error());
            }
        }
        std::cout << "added compartment " << name << '\n';
        return kOk;
    }
    if (auto removed = profile.value()->removeCompartment(name); !removed)
        return exitFor(removed.error());
    std::cout << "removed compartment " << name << '\n';
    return kOk;
}

int runPasswd(const Options& options) {
    auto current = currentPassphrase(options);
    if (!current)
        return exitFor(current.error());
    auto profile = cli::unlockProfile(fidoOptions(options), current.value());
    if (!profile)
        return exitFor(profile.error());
    auto next = cli::obtainPassphrase(
        {options.newPassphraseFd, "CLOISON_NEW_PASSPHRASE", "New passphrase", true});
    if (!next)
        return exitFor(next.error());
    if (auto changed = cli::changePassphrase(fidoOptions(options), *profile.value(),
                                             current.value(), next.value());
        !changed)
        return exitFor(changed.error());
    std::cout << "passphrase changed\n";
    return kOk;
}

int runDuress(const Options& options) {
    const bool set = options.words.size() == 2 && options.words[1] == "set";
    if (!set && !(options.words.size() == 2 && options.words[1] == "remove"))
        return usageError("usage: duress set | duress remove");
    auto profile = unlockProfile(options);
    if (!profile)
        return exitFor(profile.error());
    if (!set) {
        if (auto removed = profile.value()->removeDuressPassphrase(); !removed)
            return exitFor(removed.error());
        std::cout << "duress passphrase removed\n";
        return kOk;
    }
    auto duress = cli::obtainPassphrase(
        {options.newPassphraseFd, "CLOISON_DURESS_PASSPHRASE", "Duress passphrase", true});
    if (!duress)
        return exitFor(duress.error());
    if (auto done = profile.value()->setDuressPassphrase(duress.value()); !done)
        return exitFor(done.error());
    std::cout << "duress passphrase set\n";
    return kOk;
}

int runAuditCommand(const Options& options, const std::string& command) {
    if (options.compartment.empty())
        return usageError("'" + command + "' needs --compartment NAME");
    auto profile = unlockProfile(options);
    if (!profile)
        return exitFor(profile.error());
    auto done = command == "export-audit"
                    ? cli::exportAudit(*profile.value(), options.compartment, options.output)
                    : cli::printLogHead(*profile.value(), options.compartment);
    return done ? kOk : exitFor(done.error());
}

int runMessaging(const Options& options, const std::string& command) {
    if (options.compartment.empty())
        return usageError("'" + command + "' needs --compartment NAME");
    const cli::MessagingOptions& messaging = options.messaging;
    std::string text;
    if (command == "send") {
        if (options.words.size() != 2)
            return usageError("expected 'send --compartment NAME (--to JID | --room) TEXT'");
        if (messaging.to.empty() == !messaging.toRoom)
            return usageError("'send' needs exactly one of --to JID and --room");
        if (messaging.waitReceipt && messaging.toRoom)
            return usageError("--wait-receipt is for --to JID: room messages get no receipts");
        text = options.words[1];
    } else if (options.words.size() != 1) {
        return usageError("'listen' takes no arguments");
    }
    auto profile = unlockProfile(options);
    if (!profile)
        return exitFor(profile.error());
    auto done =
        command == "send"
            ? cli::runSend(*profile.value(), options.compartment, messaging, text, std::cout)
            : cli::runListen(*profile.value(), options.compartment, messaging, std::cout);
    return done ? done.value() : exitFor(done.error());
}

int runDocumentCommand(const Options& options, const std::string& command) {
    if (options.compartment.empty())
        return usageError("'" + command + "' needs --compartment NAME");
    const cli::MessagingOptions& messaging = options.messaging;
    if (command == "send-file") {
        if (options.words.size() != 2)
            return usageError("expected 'send-file --compartment NAME (--to JID | --room) FILE'");
        if (messaging.to.empty() == !messaging.toRoom)
            return usageError("'send-file' needs exactly one of --to JID and --room");
    } else if (options.words.size() != 1) {
        return usageError("'" + command + "' takes no arguments");
    }
    if (command == "save" && (messaging.file.empty() || options.output.empty()))
        return usageError("expected 'save --compartment NAME --file ID -o PATH'");
    auto profile = unlockProfile(options);
    if (!profile)
        return exitFor(profile.error());
    Profile& unlocked = *profile.value();
    auto done = command == "send-file" ? cli::runSendFile(unlocked, options.compartment, messaging,
                                                          options.words[1], std::cout)
                : command == "documents"
                    ? cli::runDocuments(unlocked, options.compartment, std::cout)
                    : cli::runSave(unlocked, options.compartment, messaging.file, options.output,
                                   std::cout);
    return done ? done.value() : exitFor(done.error());
}

int runProvisioning(const Options& options) {
    cli::ProvisioningOptions provisioning = options.provisioning;
    provisioning.output = options.output;
    provisioning.compartment = options.compartment;
    auto done = cli::runProvisioning(
        options.words, provisioning, [&] { return unlockProfile(options); }, std::cout, std::cerr);
    return done ? done.value() : exitFor(done.error());
}

int runDevices(const Options& options) {
    cli::DeviceCommandOptions devices{options.compartment, options.deviceId};
    auto done = cli::runDevices(
        options.words, devices, [&] { return unlockProfile(options); }, std::cout, std::cerr);
    return done ? done.value() : exitFor(done.error());
}

int runFido(const Options& options) {
    cli::FidoOptions fido = fidoOptions(options);
    const std::vector<std::string> words(options.words.begin() + 1, options.words.end());
    if (auto done = cli::runFido(fido, words); !done)
        return exitFor(done.error());
    return kOk;
}

} // namespace

int main(int argc, char** argv) {
    Options options;
    std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (!options.words.empty() && options.words.front() == "check-link") {
            options.words.push_back(arg); // check-link parses its own options
            continue;
        }
        auto value = [&](const char* flag) -> std::optional<std::string> {
            if (i + 1 >= args.size()) {
                usageError(std::string(flag) + " needs a value");
                return std::nullopt;
            }
            return args[++i];
        };
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return kOk;
        }
        if (arg == "--version") {
            std::cout << "cloison-cli " << CLOISON_VERSION << '\n';
            return kOk;
        }
        if (arg == "--profile") {
            auto dir = value("--profile");
            if (!dir)
                return kUsageError;
            options.profileDir = *dir;
        } else if (arg == "--passphrase-fd" || arg == "--new-passphrase-fd") {
            auto text = value(arg.c_str());
            if (!text)
                return kUsageError;
            auto fd = cli::parseNumber(*text, 0, 1 << 20);
            if (!fd)
                return usageError(arg + " takes a file descriptor number");
            (arg == "--passphrase-fd" ? options.passphraseFd : options.newPassphraseFd) =
                static_cast<int>(*fd);
        } else if (arg == "--kdf-memory-mib" || arg == "--kdf-passes") {
            auto text = value(arg.c_str());
            if (!text)
                return kUsageError;
            const bool memory = arg == "--kdf-memory-mib";
            auto number = cli::parseNumber(*text, 1, memory ? 8192 : 64);
            if (!number)
                return usageError(arg + (memory ? " takes 1 to 8192" : " takes 1 to 64"));
            (memory ? options.kdfMemoryMib : options.kdfPasses) = number;
        } else if (arg == "--compartment" || arg == "--output" || arg == "-o") {
            auto text = value(arg.c_str());
            if (!text)
                return kUsageError;
            (arg == "--compartment" ? options.compartment : options.output) = *text;
        } else if (arg == "--file") {
            auto text = value(arg.c_str());
            if (!text)
                return kUsageError;
            options.messaging.file = *text;
        } else if (arg == "--from") {
            auto text = value(arg.c_str());
            if (!text)
                return kUsageError;
            options.provisioning.rosterOwner = *text;
        } else if (arg == "--name" || arg == "--org-fingerprint") {
            auto text = value(arg.c_str());
            if (!text)
                return kUsageError;
            if (arg == "--name")
                options.provisioning.name = *text;
            else
                options.provisioning.orgFingerprint = *text;
        } else if (arg == "--authenticator" || arg == "--new-authenticator") {
            auto spec = value(arg.c_str());
            if (!spec)
                return kUsageError;
            if (arg == "--authenticator")
                options.fido.authenticator = *spec;
            else
                options.fido.newAuthenticator = *spec;
        } else if (arg == "--device") {
            auto text = value("--device");
            auto id = text ? cli::parseNumber(*text, 1, 0xffffffffL) : std::nullopt;
            if (!id)
                return usageError("--device takes a device id (1 to 4294967295)");
            options.deviceId = static_cast<std::uint32_t>(*id);
        } else if (arg == "--pin-fd") {
            auto text = value("--pin-fd");
            auto fd = text ? cli::parseNumber(*text, 0, 1 << 20) : std::nullopt;
            if (!fd)
                return usageError("--pin-fd takes a file descriptor number");
            options.fido.pinFd = static_cast<int>(*fd);
        } else if (arg == "--wait-for-key") {
            auto text = value("--wait-for-key");
            auto seconds = text ? cli::parseNumber(*text, 0, 3600) : std::nullopt;
            if (!seconds)
                return usageError("--wait-for-key takes 0 to 3600 seconds");
            options.fido.waitSeconds = static_cast<int>(*seconds);
        } else if (arg == "--jid" || arg == "--server" || arg == "--pin" || arg == "--trust" ||
                   arg == "--room-jid" || arg == "--to") {
            auto text = value(arg.c_str());
            if (!text)
                return kUsageError;
            cli::MessagingOptions& m = options.messaging;
            (arg == "--jid"        ? m.jid
             : arg == "--server"   ? m.server
             : arg == "--pin"      ? m.pin
             : arg == "--trust"    ? m.trust
             : arg == "--room-jid" ? m.roomJid
                                   : m.to) = *text;
        } else if (arg == "--password-fd") {
            auto text = value("--password-fd");
            auto fd = text ? cli::parseNumber(*text, 0, 1 << 20) : std::nullopt;
            if (!fd)
                return usageError("--password-fd takes a file descriptor number");
            options.messaging.passwordFd = static_cast<int>(*fd);
        } else if (arg == "--count" || arg == "--timeout") {
            auto text = value(arg.c_str());
            auto number = text ? cli::parseNumber(*text, 1, 1000000) : std::nullopt;
            if (!number)
                return usageError(arg + " takes a number from 1 to 1000000");
            if (arg == "--count")
                options.messaging.count = *number;
            else
                options.messaging.timeoutSeconds = *number;
        } else if (arg == "--insecure-loopback") {
            options.messaging.insecureLoopback = true;
        } else if (arg == "--room") {
            options.messaging.toRoom = true;
        } else if (arg == "--wait-receipt") {
            options.messaging.waitReceipt = true;
        } else if (arg == "--with-pin") {
            options.fido.withPin = true;
        } else if (arg == "--keep-passphrase-slot") {
            options.fido.keepPassphrase = true;
        } else if (arg == "--soft-no-hmac-secret") {
            options.fido.softWithoutHmacSecret = true;
        } else if (arg.starts_with("--")) {
            return usageError("unknown option " + arg);
        } else {
            options.words.push_back(arg);
        }
    }
    if (options.words.empty())
        return usageError("no command given");
    const std::string& command = options.words.front();
    if (options.messaging.waitReceipt && command != "send")
        return usageError("--wait-receipt is an option of 'send'");
    const bool takesNoArguments =
        command == "init" || command == "compartments" || command == "passwd";
    if (takesNoArguments && options.words.size() != 1)
        return usageError("'" + command + "' takes no arguments");
    if (command == "init")
        return runInit(options);
    if (command == "compartments")
        return runCompartments(options);
    if (command == "compartment")
        return runCompartment(options);
    if (command == "passwd")
        return runPasswd(options);
    if (command == "duress")
        return runDuress(options);
    if (command == "export-audit" || command == "log-head")
        return runAuditCommand(options, command);
    if (command == "check-link")
        return runCheckLink(options);
    if (command == "fido")
        return runFido(options);
    if (command == "devices")
        return runDevices(options);
    if (command == "send" || command == "listen")
        return runMessaging(options, command);
    if (command == "send-file" || command == "documents" || command == "save")
        return runDocumentCommand(options, command);
    if (command == "enroll-request" || command == "import" || command == "roster" ||
        command == "purge")
        return runProvisioning(options);
    return usageError("unknown command '" + command + "'");
}
