// Compartments in worker processes of their own (cloison-compartment, issue 11), through a real
// Prosody on loopback: they talk as in-process compartments do, survive a worker's death
// without losing a message, and a worker's code cannot reach another compartment.
#include "client/profile/FidoSlots.h"
#include "client/profile/Profile.h"
#include "client/profile/ProfileHeader.h"
#include "client/worker/RemoteCompartment.h"
#include "client/worker/StartCompartment.h"
#include "client/xmpp/AccountStore.h"
#include "crypto/fido/SoftAuthenticator.h"
#include "storage/Schemas.h"
#include "tests/support/Attacks.h"
#include "tests/support/ProsodyServer.h"
#include "tests/support/ServiceParty.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

using namespace cloison;
using namespace cloison::test;
using Type = xmpp::ServiceEvent::Type;

namespace {

// One compartment run by a worker: its vault (with a known key), its account on the server.
struct WorkerParty {
    std::string jid;
    TempDir dir;
    SecretBytes key = SecretBytes::random(32);
    std::filesystem::path vaultPath = dir / "compartments" / "chat.db";
    std::unique_ptr<worker::RemoteCompartment> remote;
    std::vector<xmpp::ServiceEvent> seen;

    WorkerParty(const std::string& user, const ProsodyServer& server) : jid(user + "@localhost") {
        std::filesystem::create_directories(vaultPath.parent_path());
        std::filesystem::create_directories(dir / "scratch");
        auto vault = storage::Vault::create(vaultPath, key, storage::compartmentSchema());
        REQUIRE(vault);
        xmpp::StoredAccount account;
        account.settings.jid = jid;
        account.settings.host = server.host();
        account.settings.port = server.port();
        account.settings.pin = server.spkiSha256Hex();
        account.password = SecretBytes::fromString(user + "-password");
        REQUIRE(xmpp::saveAccount(*vault.value(), account));
    }

    worker::Open open() const {
        return {vaultPath.string(), SecretBytes::copyOf({key.data(), key.size()}), "chat-" + jid,
                "chat", (dir / "scratch").string()};
    }

    void start(const std::filesystem::path& program = CLOISON_WORKER) {
        auto started = worker::RemoteCompartment::start({program}, open());
        INFO((started ? std::string() : started.error().message));
        REQUIRE(started);
        remote = std::move(started).value();
    }

    std::optional<xmpp::ServiceEvent> await(Type type, std::chrono::milliseconds wait = kWait) {
        return awaitEvent(*remote, seen, type, wait);
    }

    // Waits for the server's acknowledgement of message `id`.
    bool delivered(const std::string& id) {
        const auto deadline = std::chrono::steady_clock::now() + kWait;
        while (std::chrono::steady_clock::now() < deadline) {
            auto event = await(Type::MessageDelivered, std::chrono::milliseconds(500));
            if (event && event->stanzaId == id)
                return true;
        }
        WARN("no delivery of " << id << " among:\n" << describeEvents(seen));
        return false;
    }

    std::vector<std::string> received(std::size_t count) {
        return receivedTexts(*remote, seen, count);
    }
};

} // namespace

TEST_CASE("two compartments in sandboxed worker processes exchange messages") {
    auto server = serverFor({"alice", "bob"});
    WorkerParty alice("alice", *server), bob("bob", *server);
    alice.start();
    bob.start();
    CHECK_THAT(alice.remote->sandboxReport(), Catch::Contains("seccomp allowlist"));
    CHECK(alice.remote->workerPid() != bob.remote->workerPid());
    REQUIRE(alice.await(Type::Ready));
    REQUIRE(bob.await(Type::Ready));

    const std::string id = alice.remote->send(bob.jid, "through two sandboxes");
    CHECK(alice.delivered(id));
    CHECK(bob.received(1) == std::vector<std::string>{"through two sandboxes"});
    bob.remote->send(alice.jid, "and back");
    CHECK(alice.received(1) == std::vector<std::string>{"and back"});
}

TEST_CASE("a worker killed mid-conversation comes back and delivers what it was given") {
    auto server = serverFor({"alice", "bob", "carol"});
    WorkerParty alice("alice", *server), bob("bob", *server), carol("carol", *server);
    alice.start();
    bob.start();
    carol.start();
    REQUIRE(alice.await(Type::Ready));
    REQUIRE(bob.await(Type::Ready));
    REQUIRE(carol.await(Type::Ready));
    CHECK(alice.delivered(alice.remote->send(bob.jid, "before")));
    CHECK(bob.received(1) == std::vector<std::string>{"before"});

    const pid_t first = alice.remote->workerPid();
    REQUIRE(::kill(first, SIGKILL) == 0);
    // Sent while it is dead or restarting: kept by the app until the new worker has it queued.
    const std::string during = alice.remote->send(bob.jid, "while it restarts");
    // The others go on.
    CHECK(bob.delivered(bob.remote->send(carol.jid, "bob to carol")));
    CHECK(carol.received(1) == std::vector<std::string>{"bob to carol"});

    const auto down = alice.await(Type::Offline);
    REQUIRE(down);
    CHECK(down->retrying);
    CHECK_THAT(down->error.message, Catch::Contains("worker stopped"));
    REQUIRE(alice.await(Type::Ready));
    CHECK(alice.remote->workerPid() != first);
    CHECK(alice.delivered(during));
    CHECK(bob.received(2) == std::vector<std::string>{"before", "while it restarts"});
    CHECK(alice.delivered(alice.remote->send(bob.jid, "after")));
    CHECK(bob.received(3) == std::vector<std::string>{"before", "while it restarts", "after"});
}

TEST_CASE("a compartment whose vault does not open with the key given starts no worker") {
    auto server = serverFor({"alice"});
    WorkerParty alice("alice", *server);
    worker::Open open = alice.open();
    open.vaultKey = SecretBytes::random(32);
    auto started = worker::RemoteCompartment::start({CLOISON_WORKER}, std::move(open));
    REQUIRE(!started);
    CHECK_THAT(started.error().message, Catch::Contains("does not open the vault"));
}

TEST_CASE("code run inside a compartment's worker reaches no other compartment or the profile") {
    auto server = serverFor({"alice", "bob"});
    WorkerParty alice("alice", *server), bob("bob", *server);
    TempDir profileDir;
    REQUIRE(Profile::create(profileDir / "profile", SecretBytes::fromString("pw"),
                            Argon2idParams::light()));
    bob.start();
    REQUIRE(bob.await(Type::Ready));
    const pid_t victim = bob.remote->workerPid();
    Listener elsewhere;
    const std::map<std::string, std::string> environment = {
        {"CLOISON_TEST_TARGETS",
         "other-vault=" + bob.vaultPath.string() +
             "\nprofile-vault=" + (profileDir / "profile" / Profile::kVaultFile).string() +
             "\nheader=" + (profileDir / "profile" / Profile::kHeaderFile).string()},
        {"CLOISON_TEST_VICTIM_PID", std::to_string(victim)},
        {"CLOISON_TEST_SERVER_PORT", std::to_string(server->port())},
        {"CLOISON_TEST_ELSEWHERE_PORT", std::to_string(elsewhere.port)}};
    for (const auto& [name, value] : environment)
        ::setenv(name.c_str(), value.c_str(), 1);
    alice.start(CLOISON_HOSTILE_WORKER); // inherits them
    for (const auto& [name, value] : environment)
        ::unsetenv(name.c_str());
    // The attempts ran before its service started; it then runs its compartment as usual.
    REQUIRE(alice.await(Type::Ready));
    std::ifstream file(alice.dir / "scratch" / "attempts");
    std::stringstream text;
    text << file.rdbuf();
    INFO(text.str());
    auto results = attemptResults(text.str());
    const std::string eperm = "refused " + std::to_string(EPERM);
    const std::string eacces = "refused " + std::to_string(EACCES);

    CHECK(results["own-file"] == "ok");
    // No connection of its own, even to its server's port: connect() is never run.
    const std::string inProgress = "refused " + std::to_string(EINPROGRESS);
    CHECK(results["server"] == inProgress);
    for (const char* target : {"other-vault", "profile-vault", "header"})
        CHECK(results[target] == eacces);
    CHECK(results["victim-mem"].starts_with("refused"));
    CHECK(results["process_vm_readv"] == eperm);
    CHECK(results["ptrace"].starts_with("refused"));
    CHECK(results["kill"].starts_with("refused"));
    CHECK(results["exec"] == eperm);
    CHECK(results["fork"] == eperm);
    CHECK(results["exec-memory"] == eperm);
    CHECK(results["elsewhere"] == inProgress);
    pollfd waiting{elsewhere.fd, POLLIN, 0};
    CHECK(::poll(&waiting, 1, 200) == 0); // it never saw a connection
    for (const char* socket : {"unix", "udp", "raw"})
        CHECK(results[socket] == eperm);
    CHECK(results["netlink"].starts_with("refused"));

    // B's worker is untouched and its compartment still works.
    CHECK(bob.remote->workerPid() == victim);
    CHECK(::kill(victim, 0) == 0);
    CHECK(bob.delivered(bob.remote->send(alice.jid, "still here")));
    CHECK(alice.received(1) == std::vector<std::string>{"still here"});
}

namespace {

// Which of `needles` occur in the memory of process `pid`, read through /proc/PID/mem (a
// worker is not dumpable: this needs root's CAP_SYS_PTRACE). Regions over 1 GiB are
// AddressSanitizer's shadow, reserved but never holding data: skipped.
std::vector<bool> memoryHolds(pid_t pid, const std::vector<ByteView>& needles) {
    std::vector<bool> found(needles.size(), false);
    std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
    const int mem = ::open(("/proc/" + std::to_string(pid) + "/mem").c_str(), O_RDONLY);
    REQUIRE(mem >= 0);
    constexpr std::size_t kChunk = 1 << 20, kOverlap = 64;
    std::vector<std::uint8_t> buffer(kChunk + kOverlap);
    for (std::string line; std::getline(maps, line);) {
        std::uint64_t start = 0, end = 0;
        char perms[5] = {};
        if (std::sscanf(line.c_str(), "%lx-%lx %4s", &start, &end, perms) != 3 || perms[0] != 'r' ||
            end - start > (1ULL << 30) || line.find("[vvar]") != std::string::npos ||
            line.find("[vsyscall]") != std::string::npos)
            continue;
        for (std::uint64_t at = start; at < end; at += kChunk) {
            const std::size_t want =
                static_cast<std::size_t>(std::min<std::uint64_t>(kChunk + kOverlap, end - at));
            const ssize_t got = ::pread(mem, buffer.data(), want, static_cast<off_t>(at));
            if (got <= 0)
                break;
            for (std::size_t i = 0; i < needles.size(); ++i)
                found[i] = found[i] ||
                           std::search(buffer.begin(), buffer.begin() + got, needles[i].begin(),
                                       needles[i].end()) != buffer.begin() + got;
        }
    }
    ::close(mem);
    return found;
}

SecretBytes profileKeyOf(const std::filesystem::path& dir, const SecretBytes& passphrase) {
    auto header = readProfileHeader(dir / Profile::kHeaderFile);
    REQUIRE(header);
    auto stretched = header.value().stretch(passphrase);
    REQUIRE(stretched);
    const SecretBytes slotKey = ProfileHeader::slotKey(stretched.value(), nullptr);
    for (std::size_t i = 0; i < ProfileHeader::kSlotCount; ++i)
        if (auto opened = header.value().open(i, slotKey, nullptr))
            return std::move(opened.value().second);
    FAIL("no slot of the header opens with the passphrase");
    return SecretBytes::random(32);
}

} // namespace

TEST_CASE("a sealed compartment opened by its own touch runs in a worker of its own") {
    ::setenv("CLOISON_COMPARTMENT_WORKER", CLOISON_WORKER, 1);
    ::unsetenv("CLOISON_IN_PROCESS");
    auto server = serverFor({"alice", "bob"});
    TempDir dir;
    REQUIRE(fido::SoftAuthenticator::create(dir / "seal-key", {}));
    auto sealKey =
        FidoAuthenticator::open({AuthenticatorChoice::Kind::Software, (dir / "seal-key").string()});
    REQUIRE(sealKey);
    FidoAccess touch{sealKey.value().get(), {}};
    const SecretBytes passphrase = SecretBytes::fromString("correct horse battery staple");
    {
        auto profile = Profile::create(dir / "profile", passphrase, Argon2idParams::light());
        REQUIRE(profile);
        REQUIRE(profile.value()->addCompartment("finance"));
        auto vault = profile.value()->compartmentVault("finance");
        REQUIRE(vault);
        xmpp::StoredAccount account;
        account.settings = {"alice@localhost", server->host(), server->port(),
                            server->spkiSha256Hex()};
        account.password = SecretBytes::fromString("alice-password");
        REQUIRE(xmpp::saveAccount(*vault.value(), account));
        REQUIRE(profile.value()->sealCompartment("finance", touch, FidoVerification::Presence));
    }
    auto profile = Profile::unlock(dir / "profile", passphrase);
    REQUIRE(profile);
    // Not touched open yet: no key to hand to a worker, and no compartment started in process.
    CHECK(profile.value()->compartmentAccess("finance").error().code == ErrorCode::PolicyRefused);
    CHECK(worker::startCompartment(*profile.value(), "finance").error().code ==
          ErrorCode::PolicyRefused);

    REQUIRE(profile.value()->openSealedCompartment("finance", touch));
    auto started = worker::startCompartment(*profile.value(), "finance");
    INFO((started ? std::string() : started.error().message));
    REQUIRE(started);
    auto* remote = dynamic_cast<worker::RemoteCompartment*>(started.value().get());
    REQUIRE(remote != nullptr);
    CHECK_THAT(remote->sandboxReport(), Catch::Contains("seccomp allowlist"));

    WorkerParty bob("bob", *server);
    bob.start();
    std::vector<xmpp::ServiceEvent> seen;
    REQUIRE(awaitEvent(*remote, seen, Type::Ready));
    REQUIRE(bob.await(Type::Ready));
    remote->send(bob.jid, "from the sealed compartment");
    CHECK(bob.received(1) == std::vector<std::string>{"from the sealed compartment"});
    bob.remote->send("alice@localhost", "back to it");
    CHECK(receivedTexts(*remote, seen, 1) == std::vector<std::string>{"back to it"});

    // A restarted worker gets the key again without another touch, until the profile locks.
    const pid_t first = remote->workerPid();
    REQUIRE(::kill(first, SIGKILL) == 0);
    REQUIRE(awaitEvent(*remote, seen, Type::Offline));
    REQUIRE(awaitEvent(*remote, seen, Type::Ready));
    CHECK(remote->workerPid() != first);
    started.value().reset();
    profile.value()->lock();
    CHECK_FALSE(profile.value()->compartmentAccess("finance"));
}

TEST_CASE("a worker's memory never holds the profile key or another compartment's key") {
    if (::geteuid() != 0) {
        WARN("reading a worker's memory needs root (workers are not dumpable): not checked here");
        return;
    }
    auto server = serverFor({"alice", "bob"});
    TempDir dir;
    const SecretBytes passphrase = SecretBytes::fromString("correct horse battery staple");
    auto profile = Profile::create(dir / "profile", passphrase, Argon2idParams::light());
    REQUIRE(profile);
    std::map<std::string, std::unique_ptr<worker::RemoteCompartment>> workers;
    std::map<std::string, Profile::CompartmentAccess> access;
    for (const std::string user : {"alice", "bob"}) {
        REQUIRE(profile.value()->addCompartment(user));
        auto vault = profile.value()->compartmentVault(user);
        REQUIRE(vault);
        xmpp::StoredAccount account;
        account.settings = {user + "@localhost", server->host(), server->port(),
                            server->spkiSha256Hex()};
        account.password = SecretBytes::fromString(user + "-password");
        REQUIRE(xmpp::saveAccount(*vault.value(), account));
        auto granted = profile.value()->compartmentAccess(user);
        REQUIRE(granted);
        std::filesystem::create_directories(dir / (user + "-scratch"));
        worker::Open open{granted.value().vaultPath.string(),
                          SecretBytes::copyOf(granted.value().key.view()), granted.value().id, user,
                          (dir / (user + "-scratch")).string()};
        auto started = worker::RemoteCompartment::start({CLOISON_WORKER}, std::move(open));
        REQUIRE(started);
        workers[user] = std::move(started).value();
        access.emplace(user, std::move(granted).value());
    }
    // A conversation each way, so that sessions and message keys are in use.
    std::vector<xmpp::ServiceEvent> seen;
    const auto awaitType = [&seen](worker::RemoteCompartment& remote, Type type) {
        return awaitEvent(remote, seen, type).has_value();
    };
    REQUIRE(awaitType(*workers.at("alice"), Type::Ready));
    REQUIRE(awaitType(*workers.at("bob"), Type::Ready));
    workers.at("alice")->send("bob@localhost", "to bob");
    REQUIRE(awaitType(*workers.at("bob"), Type::MessageReceived));
    workers.at("bob")->send("alice@localhost", "to alice");
    REQUIRE(awaitType(*workers.at("alice"), Type::MessageReceived));
    const SecretBytes profileKey = profileKeyOf(dir / "profile", passphrase);
    const std::vector<ByteView> needles = {access.at("alice").key.view(),
                                           access.at("bob").key.view(), profileKey.view(),
                                           passphrase.view()};
    const auto inAlice = memoryHolds(workers.at("alice")->workerPid(), needles);
    const auto inBob = memoryHolds(workers.at("bob")->workerPid(), needles);
    CHECK(inAlice == std::vector<bool>{true, false, false, false}); // its own key: the scan works
    CHECK(inBob == std::vector<bool>{false, true, false, false});
}

TEST_CASE("a worker that sends an invalid frame is killed and restarted and the user told") {
    auto server = serverFor({"alice"});
    WorkerParty alice("alice", *server);
    Listener elsewhere;
    const std::map<std::string, std::string> environment = {
        {"CLOISON_TEST_TARGETS", ""},
        {"CLOISON_TEST_VICTIM_PID", std::to_string(::getpid())},
        {"CLOISON_TEST_SERVER_PORT", std::to_string(server->port())},
        {"CLOISON_TEST_ELSEWHERE_PORT", std::to_string(elsewhere.port)},
        {"CLOISON_TEST_SEND_GARBAGE", "1"}};
    for (const auto& [name, value] : environment)
        ::setenv(name.c_str(), value.c_str(), 1);
    alice.start(CLOISON_HOSTILE_WORKER);
    const pid_t first = alice.remote->workerPid();
    auto down = alice.await(Type::Offline);
    REQUIRE(down);
    CHECK(down->retrying);
    CHECK_THAT(down->error.message, Catch::Contains("sent an invalid frame") &&
                                        Catch::Contains("was stopped") &&
                                        Catch::Contains("restarted"));
    // The killed worker is gone (reaped); one started in its place (which sends no garbage)
    // runs the compartment.
    CHECK(::kill(first, 0) != 0);
    ::unsetenv("CLOISON_TEST_SEND_GARBAGE");
    CHECK(alice.await(Type::Ready));
    CHECK(alice.remote->workerPid() != first);
    for (const auto& [name, value] : environment)
        ::unsetenv(name.c_str());
}
