// cloison-cli as scripts use it: commands, passphrase sources, output and exit codes.
#include "client/omemo/Stanzas.h"
#include "client/profile/Profile.h"
#include "storage/KeyEventRepository.h"
#include "storage/OmemoStore.h"
#include "tests/support/Files.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"
#include "tests/support/Terminal.h"

#include <catch2/catch.hpp>

using namespace cloison;
using test::ProcessOptions;
using test::ProcessResult;

namespace {

constexpr const char* kSecret = "cli test passphrase";

ProcessResult cli(const test::TempDir& dir, std::vector<std::string> args,
                  ProcessOptions options = {}) {
    args.insert(args.begin(), {CLOISON_CLI, "--profile", (dir / "p").string()});
    if (options.environment.find("CLOISON_PASSPHRASE") == options.environment.end() &&
        !options.fd3Input)
        options.environment["CLOISON_PASSPHRASE"] = kSecret;
    return test::runProcess(args, options);
}

void initProfile(const test::TempDir& dir) {
    auto created = cli(dir, {"init", "--kdf-memory-mib", "8", "--kdf-passes", "1"});
    REQUIRE(created.exitCode == 0);
    CHECK_THAT(created.err, Catch::Contains("weaker than the default"));
}

// A compartment with an account in `trust` mode, as `compartment add` makes it.
void addAccountCompartment(const test::TempDir& dir, const std::string& name,
                           const std::string& trust) {
    ProcessOptions options;
    options.environment["CLOISON_ACCOUNT_PASSWORD"] = "account password";
    REQUIRE(cli(dir,
                {"compartment", "add", name, "--jid", "alice@localhost", "--server",
                 "127.0.0.1:5222", "--insecure-loopback", "--trust", trust},
                options)
                .exitCode == 0);
}

// What the compartment would have learnt from bob: his device list and two identity keys.
void learnBobsDevices(const test::TempDir& dir, const std::string& name, const Bytes& key11,
                      const Bytes& key22) {
    auto profile = Profile::unlock(dir / "p", SecretBytes::fromString(kSecret)).value();
    storage::OmemoStore store(*profile->compartmentVault(name).value());
    REQUIRE(store.setDeviceList("bob@localhost", {11, 22}));
    REQUIRE(store.savePeerIdentity("bob@localhost", 11, key11));
    REQUIRE(store.savePeerIdentity("bob@localhost", 22, key22));
}

std::vector<storage::KeyEventRow> keyEvents(const test::TempDir& dir, const std::string& name) {
    auto profile = Profile::unlock(dir / "p", SecretBytes::fromString(kSecret)).value();
    return storage::KeyEventRepository(*profile->compartmentVault(name).value()).all().value();
}

Bytes identityKey(std::uint8_t fill) {
    Bytes key(33, fill);
    key[0] = 0x05;
    return key;
}

} // namespace

TEST_CASE("cloison-cli: init, add, list and remove compartments") {
    test::TempDir dir;
    initProfile(dir);
    CHECK(cli(dir, {"compartments"}).out.empty());
    CHECK(cli(dir, {"compartment", "add", "finance"}).exitCode == 0);
    CHECK(cli(dir, {"compartment", "add", "speeches"}).exitCode == 0);
    auto list = cli(dir, {"compartments"});
    CHECK(list.exitCode == 0);
    CHECK(list.out == "finance\nspeeches\n");
    CHECK(cli(dir, {"compartment", "remove", "finance"}).exitCode == 0);
    CHECK(cli(dir, {"compartments"}).out == "speeches\n");
}

TEST_CASE("cloison-cli: exit codes tell usage, passphrase, corruption and state apart") {
    test::TempDir dir;
    CHECK(cli(dir, {"compartments"}).exitCode == 5); // no profile yet
    initProfile(dir);
    CHECK(cli(dir, {"init"}).exitCode == 6);
    CHECK(cli(dir, {}).exitCode == 2);
    CHECK(cli(dir, {"frobnicate"}).exitCode == 2);
    CHECK(cli(dir, {"compartment", "add"}).exitCode == 2);
    CHECK(cli(dir, {"compartments", "extra"}).exitCode == 2);
    CHECK(cli(dir, {"--passphrase-fd", "x", "compartments"}).exitCode == 2);
    CHECK(cli(dir, {"--bogus"}).exitCode == 2);
    CHECK(cli(dir, {"compartment", "remove", "nope"}).exitCode == 5);
    REQUIRE(cli(dir, {"compartment", "add", "finance"}).exitCode == 0);
    CHECK(cli(dir, {"compartment", "add", "finance"}).exitCode == 6);

    const auto before = test::hashTree(dir / "p");
    ProcessOptions wrong;
    wrong.environment["CLOISON_PASSPHRASE"] = "not it";
    auto refused = cli(dir, {"compartments"}, wrong);
    CHECK(refused.exitCode == 3);
    CHECK_THAT(refused.err, Catch::Contains("the passphrase is wrong"));
    CHECK(refused.out.empty());
    // Nothing changed but the note of the failure, for the key-event logs (issue 6).
    auto after = test::hashTree(dir / "p");
    CHECK(after.erase("unlock-failures") == 1);
    CHECK(after == before);

    test::flipByte(dir / "p" / "header", 20);
    auto damaged = cli(dir, {"compartments"});
    CHECK(damaged.exitCode == 4);
    CHECK_THAT(damaged.err, Catch::Contains("damaged"));
}

TEST_CASE("cloison-cli: no passphrase source is a usage error, not a hang") {
    test::TempDir dir;
    ProcessOptions none;
    none.unsetEnvironment = {"CLOISON_PASSPHRASE"};
    none.environment["CLOISON_PASSPHRASE_UNUSED"] = "";
    auto result = test::runProcess({CLOISON_CLI, "--profile", (dir / "p").string(), "init"}, none);
    CHECK(result.exitCode == 2);
    CHECK_THAT(result.err, Catch::Contains("--passphrase-fd"));
}

TEST_CASE("cloison-cli: --passphrase-fd is read and preferred over the environment") {
    test::TempDir dir;
    initProfile(dir);
    ProcessOptions viaFd;
    viaFd.fd3Input = std::string(kSecret) + "\n";
    viaFd.environment["CLOISON_PASSPHRASE"] = "a wrong one in the environment";
    CHECK(cli(dir, {"--passphrase-fd", "3", "compartments"}, viaFd).exitCode == 0);
    ProcessOptions wrongFd;
    wrongFd.fd3Input = "wrong\n";
    CHECK(cli(dir, {"--passphrase-fd", "3", "compartments"}, wrongFd).exitCode == 3);
}

TEST_CASE("cloison-cli: passwd changes the passphrase and keeps the compartments") {
    test::TempDir dir;
    initProfile(dir);
    REQUIRE(cli(dir, {"compartment", "add", "finance"}).exitCode == 0);
    ProcessOptions change;
    change.input = std::string(kSecret) + "\n" + "the new one\n";
    auto changed = cli(dir,
                       {"passwd", "--passphrase-fd", "0", "--new-passphrase-fd", "0",
                        "--kdf-memory-mib", "8", "--kdf-passes", "1"},
                       change);
    CHECK(changed.exitCode == 0);
    CHECK(cli(dir, {"compartments"}).exitCode == 3);
    ProcessOptions fresh;
    fresh.environment["CLOISON_PASSPHRASE"] = "the new one";
    CHECK(cli(dir, {"compartments"}, fresh).out == "finance\n");
}

TEST_CASE("cloison-cli: duress set and remove") {
    test::TempDir dir;
    initProfile(dir);
    REQUIRE(cli(dir, {"compartment", "add", "finance"}).exitCode == 0);
    {
        auto profile = Profile::unlock(dir / "p", SecretBytes::fromString(kSecret)).value();
        REQUIRE(profile->addCompartment("press", CompartmentKind::Decoy));
    }
    ProcessOptions same;
    same.input = std::string(kSecret) + "\n" + kSecret + "\n";
    auto refused =
        cli(dir, {"duress", "set", "--passphrase-fd", "0", "--new-passphrase-fd", "0"}, same);
    CHECK(refused.exitCode == 2);
    CHECK_THAT(refused.err, Catch::Contains("must differ"));
    ProcessOptions set;
    set.input = std::string(kSecret) + "\n" + "tulips in the rain\n";
    auto done =
        cli(dir, {"duress", "set", "--passphrase-fd", "0", "--new-passphrase-fd", "0"}, set);
    CHECK(done.exitCode == 0);
    CHECK(done.out == "duress passphrase set\n");

    ProcessOptions duress;
    duress.environment["CLOISON_PASSPHRASE"] = "tulips in the rain";
    CHECK(cli(dir, {"compartments"}, duress).out == "press\n");
    ProcessOptions change;
    change.input = "tulips in the rain\nanother\n";
    auto passwd = cli(dir, {"passwd", "--passphrase-fd", "0", "--new-passphrase-fd", "0"}, change);
    CHECK(passwd.exitCode == 13);
    CHECK(cli(dir, {"duress", "remove"}, duress).exitCode == 13);
    // The owner's list (which marks the decoy) is unchanged by the duress session.
    CHECK_THAT(cli(dir, {"compartments"}).out, Catch::StartsWith("finance\npress"));

    CHECK(cli(dir, {"duress"}).exitCode == 2);
    CHECK(cli(dir, {"duress", "remove"}).out == "duress passphrase removed\n");
    CHECK(cli(dir, {"duress", "remove"}).exitCode == 5);
    CHECK(cli(dir, {"compartments"}, duress).exitCode == 3);
}

TEST_CASE("cloison-cli: --help documents every command and exit code") {
    auto help = test::runProcess({CLOISON_CLI, "--help"});
    CHECK(help.exitCode == 0);
    for (const char* word : {"init", "compartments", "compartment add", "compartment remove",
                             "passwd", "duress set", "duress remove", "CLOISON_DURESS_PASSPHRASE",
                             "--passphrase-fd", "CLOISON_PASSPHRASE", "Exit codes"})
        CHECK_THAT(help.out, Catch::Contains(word));
}

// The terminal path needs a real terminal: a pseudo-terminal, with echo checked to be off.
TEST_CASE("cloison-cli: the passphrase is read from the terminal with echo off") {
    test::TempDir dir;
    initProfile(dir);
    REQUIRE(cli(dir, {"compartment", "add", "finance"}).exitCode == 0);
    auto run = test::runOnTerminal({CLOISON_CLI, "--profile", (dir / "p").string(), "compartments"},
                                   {{"Passphrase: ", kSecret}}, {"CLOISON_PASSPHRASE"});
    CHECK(run.answered == 1);
    CHECK(run.exitCode == 0);
    CHECK_THAT(run.screen, Catch::Contains("finance"));
    CHECK(run.screen.find(kSecret) == std::string::npos); // not echoed
}

TEST_CASE("cloison-cli: devices list verify and unverify a contact's device by fingerprint") {
    test::TempDir dir;
    initProfile(dir);
    addAccountCompartment(dir, "finance", "manual");
    const Bytes key11 = identityKey(0xa1), key22 = identityKey(0xb2);
    learnBobsDevices(dir, "finance", key11, key22);
    const std::string fp11 = omemo::omemoFingerprint(key11);
    const std::string fp22 = omemo::omemoFingerprint(key22);

    auto list = cli(dir, {"devices", "list", "--compartment", "finance", "bob@localhost"});
    CHECK(list.exitCode == 0);
    CHECK(list.out ==
          "bob@localhost 11 untrusted " + fp11 + "\nbob@localhost 22 untrusted " + fp22 + "\n");

    // Typed in capitals with dashes, as another client may show it.
    std::string typed = fp11;
    for (char& c : typed)
        c = c == ' ' ? '-' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto verified = cli(dir, {"devices", "verify", "--compartment", "finance", "bob@localhost",
                              typed, "--device", "11"});
    CHECK(verified.exitCode == 0);
    CHECK_THAT(verified.out, Catch::StartsWith("verified device 11 of bob@localhost\n"));
    auto events = keyEvents(dir, "finance");
    REQUIRE_FALSE(events.empty());
    CHECK(events.back().type == "device-trusted-manually");
    CHECK(events.back().subject == "bob@localhost/11");
    CHECK(events.back().fingerprint == fp11);

    list = cli(dir, {"devices", "list", "--compartment", "finance", "bob@localhost"});
    CHECK(list.out ==
          "bob@localhost 11 verified " + fp11 + "\nbob@localhost 22 unverified-new " + fp22 + "\n");
    CHECK_THAT(list.err, Catch::Contains("device 22 of bob@localhost: not verified, beside"));

    // Without --device, the fingerprint names the device; unverify by fingerprint too.
    auto withdrawn =
        cli(dir, {"devices", "unverify", "--compartment", "finance", "bob@localhost", fp11});
    CHECK(withdrawn.exitCode == 0);
    CHECK_THAT(withdrawn.out, Catch::Contains("withdrew the verification of device 11"));
    CHECK(keyEvents(dir, "finance").back().type == "device-trust-withdrawn");
    CHECK(cli(dir, {"devices", "verify", "--compartment", "finance", "bob@localhost", fp22})
              .exitCode == 0);
    CHECK_THAT(cli(dir, {"devices", "list", "--compartment", "finance", "bob@localhost"}).out,
               Catch::Contains("bob@localhost 22 verified"));
    CHECK_THAT(cli(dir, {"--help"}).out, Catch::Contains("devices verify --compartment NAME"));
}

TEST_CASE("cloison-cli: devices verify refuses a wrong fingerprint and bad input") {
    test::TempDir dir;
    initProfile(dir);
    addAccountCompartment(dir, "finance", "manual");
    addAccountCompartment(dir, "strictly", "strict");
    const Bytes key11 = identityKey(0xa1), key22 = identityKey(0xb2);
    learnBobsDevices(dir, "finance", key11, key22);
    learnBobsDevices(dir, "strictly", key11, key22);
    const std::string fp11 = omemo::omemoFingerprint(key11);
    const std::string fp22 = omemo::omemoFingerprint(key22);
    // The log's first entries are written when a command first opens it.
    REQUIRE(cli(dir, {"log-head", "--compartment", "finance"}).exitCode == 0);
    const std::size_t logged = keyEvents(dir, "finance").size();

    auto verify = [&](std::vector<std::string> more) {
        std::vector<std::string> args{"devices", "verify", "--compartment", "finance",
                                      "bob@localhost"};
        args.insert(args.end(), more.begin(), more.end());
        return cli(dir, args);
    };
    // Device 11 with device 22's fingerprint: refused with its own exit code.
    auto wrong = verify({fp22, "--device", "11"});
    CHECK(wrong.exitCode == 21);
    CHECK_THAT(wrong.err, Catch::Contains("nothing was verified"));
    CHECK(wrong.out.empty());
    auto none = verify({std::string(64, '7')});
    CHECK(none.exitCode == 21);
    CHECK_THAT(none.err, Catch::Contains("none of the devices of bob@localhost"));
    // A malformed fingerprint is a usage error, found before the profile is unlocked.
    auto malformed = verify({"1234 5678"});
    CHECK(malformed.exitCode == 2);
    CHECK_THAT(malformed.err, Catch::Contains("a fingerprint is 64 hexadecimal digits"));
    CHECK(verify({fp11.substr(0, 70) + "zz"}).exitCode == 2);
    // A device the compartment does not know, or a contact it knows nothing of.
    auto unknown = verify({fp11, "--device", "99"});
    CHECK(unknown.exitCode == 5);
    CHECK_THAT(unknown.err, Catch::Contains("device 99 of bob@localhost is not known"));
    CHECK(cli(dir, {"devices", "verify", "--compartment", "finance", "carol@localhost", fp11})
              .exitCode == 5);
    CHECK(verify({fp11, "--device", "0"}).exitCode == 2);
    CHECK(verify({}).exitCode == 2);
    CHECK(cli(dir, {"devices", "verify", "bob@localhost", fp11}).exitCode == 2);
    CHECK(cli(dir, {"devices", "frob", "--compartment", "finance"}).exitCode == 2);
    CHECK(cli(dir, {"devices", "unverify", "--compartment", "finance", "bob@localhost"}).exitCode ==
          2);
    CHECK(cli(dir, {"devices", "unverify", "--compartment", "finance", "bob@localhost", "--device",
                    "11"})
              .exitCode == 5);
    CHECK(keyEvents(dir, "finance").size() == logged);
    CHECK_THAT(cli(dir, {"devices", "list", "--compartment", "finance", "bob@localhost"}).out,
               !Catch::Contains("verified"));
    // A strict compartment trusts the organisation's roster only.
    auto strict = cli(dir, {"devices", "verify", "--compartment", "strictly", "bob@localhost", fp11,
                            "--device", "11"});
    CHECK(strict.exitCode == 13);
    CHECK_THAT(strict.err, Catch::Contains("strict trust"));
}
