#include "tests/support/ProsodyServer.h"

#include "tests/support/Process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace cloison::test {
namespace {

constexpr const char* kProsody = "/usr/bin/prosody";
constexpr const char* kProsodyctl = "/usr/bin/prosodyctl";
constexpr auto kStep = std::chrono::milliseconds(50);
constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr auto kStopTimeout = std::chrono::seconds(5);
constexpr int kLaunchAttempts = 4;

std::string readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void writeFile(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
}

// The kernel picks a free port; we release it for Prosody. Another process could take it in
// between, which is why launching retries on a fresh port.
std::uint16_t freeLoopbackPort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot bind 127.0.0.1:0");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool acceptsConnections(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

// waitpid with a deadline; true once the child is reaped.
bool reapWithin(pid_t pid, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD))
            return true;
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(kStep);
    }
}

std::string toHex(const unsigned char* data, std::size_t size) {
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(size * 2);
    for (std::size_t i = 0; i < size; ++i) {
        hex.push_back(digits[data[i] >> 4]);
        hex.push_back(digits[data[i] & 0xf]);
    }
    return hex;
}

std::string spkiSha256HexOfCert(X509* cert) {
    EVP_PKEY* key = X509_get0_pubkey(cert);
    unsigned char* der = nullptr;
    const int len = key ? i2d_PUBKEY(key, &der) : -1;
    if (len <= 0)
        throw std::runtime_error("cannot encode the certificate's public key");
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digestLen = 0;
    const int ok =
        EVP_Digest(der, static_cast<std::size_t>(len), digest, &digestLen, EVP_sha256(), nullptr);
    OPENSSL_free(der);
    if (!ok)
        throw std::runtime_error("SHA-256 failed");
    return toHex(digest, digestLen);
}

std::string bioToString(BIO* bio) {
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(len));
}

// A self-signed EC P-256 certificate for localhost and rooms.localhost, valid for a day.
// Returns the certificate PEM; the key is written beside it.
std::string makeCertificate(const std::filesystem::path& keyFile,
                            const std::filesystem::path& certFile) {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    if (!key || !cert) {
        EVP_PKEY_free(key);
        X509_free(cert);
        throw std::runtime_error("cannot generate an EC P-256 key");
    }
    bool ok = X509_set_version(cert, 2) == 1;
    unsigned char serial[16];
    std::ifstream("/dev/urandom", std::ios::binary)
        .read(reinterpret_cast<char*>(serial), sizeof serial);
    serial[0] &= 0x7f; // a positive serial number
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    ok = ok && bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
    BN_free(bn);
    ok = ok && X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    ok = ok && X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
    X509_NAME* name = X509_get_subject_name(cert);
    ok = ok &&
         X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                    reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    ok = ok && X509_set_issuer_name(cert, name) && X509_set_pubkey(cert, key);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name,
                                              "DNS:localhost,DNS:rooms.localhost,IP:127.0.0.1");
    ok = ok && san && X509_add_ext(cert, san, -1);
    X509_EXTENSION_free(san);
    ok = ok && X509_sign(cert, key, EVP_sha256()) > 0;

    BIO* keyBio = BIO_new(BIO_s_mem());
    BIO* certBio = BIO_new(BIO_s_mem());
    ok = ok && keyBio && certBio &&
         PEM_write_bio_PrivateKey(keyBio, key, nullptr, nullptr, 0, nullptr, nullptr) &&
         PEM_write_bio_X509(certBio, cert);
    std::string keyPem, certPem;
    if (ok) {
        keyPem = bioToString(keyBio);
        certPem = bioToString(certBio);
    }
    BIO_free(keyBio);
    BIO_free(certBio);
    X509_free(cert);
    EVP_PKEY_free(key);
    if (!ok)
        throw std::runtime_error("cannot make the test certificate");
    writeFile(keyFile, keyPem);
    ::chmod(keyFile.c_str(), 0600);
    writeFile(certFile, certPem);
    return certPem;
}

// Options chosen for tests; packaging/server/prosody.cfg.lua explains each for deployment.
// @DIR@, @PORT@ are filled in; @ROOMS@ is the MUC component or nothing; @LEVEL@ the log level.
constexpr const char* kConfigTemplate = R"(-- Generated by tests/support/ProsodyServer.cpp
run_as_root = true -- tests run as root in CI containers
pidfile = "@DIR@/prosody.pid"
data_path = "@DIR@/data"
certificates = "@DIR@" -- otherwise Prosody logs an error about a missing certs/ directory
-- Debug level (the default) so that a test can see every stanza that reached the server.
log = { @LEVEL@ = "@DIR@/prosody.log" }

interfaces = { "127.0.0.1" }
c2s_ports = { @PORT@ }
c2s_direct_tls_ports = { }
s2s_ports = { }
http_ports = { }
https_ports = { @HTTPS_PORTS@ }
-- TCP_NODELAY on every connection (epoll backend)@READ_SIZE@
network_settings = { nagle = false@READ_SIZE_SETTING@ }

c2s_require_encryption = true
allow_registration = false
authentication = "internal_hashed"
-- As in production: credentials stored for SCRAM-SHA-256, the only mechanism offered.
password_hash = "SHA-256"
disable_sasl_mechanisms = { "PLAIN"; "LOGIN"; "DIGEST-MD5"; "SCRAM-SHA-1"; "SCRAM-SHA-1-PLUS" }
admins = { "admin@localhost" }

-- Prosody's default file storage degrades badly beyond ~10k archived messages.
storage = "sql"
sql = { driver = "SQLite3", database = "prosody.sqlite" }

archive_expires_after = "never" -- tests inspect the archive; nothing may disappear meanwhile
smacks_hibernation_time = 60

modules_enabled = {
  "roster"; "saslauth"; "tls"; "disco"; "pep"; "carbons"; @MAM@"smacks"; "ping";
  "admin_adhoc"; "private"; "blocklist"; @HOSTILE_MODULE@
}
modules_disabled = { "s2s" }
@HOSTILE@
VirtualHost "localhost"
  ssl = { key = "@DIR@/localhost.key"; certificate = "@DIR@/localhost.crt" }
@ROOMS@@UPLOADS@)";

constexpr const char* kRoomsComponent = R"(
Component "rooms.localhost" "muc"
  modules_enabled = { "muc_mam" }
  restrict_room_creation = "local"
  muc_log_expires_after = "never"
  muc_room_default_members_only = true
  muc_room_default_public = false
  muc_room_default_public_jids = true -- non-anonymous: OMEMO in rooms needs real JIDs
  muc_room_default_persistent = true
  ssl = { key = "@DIR@/localhost.key"; certificate = "@DIR@/localhost.crt" }
)";

// mod_http_file_share serves at https://127.0.0.1:PORT/file_share/SLOT/NAME: `http_host` makes
// both the URLs it hands out and the Host its routes answer to the loopback address, so no
// name has to resolve. Its daily quota defaults to ten times the size limit: tests upload more.
constexpr const char* kUploadsComponent = R"(
https_interfaces = { "127.0.0.1" }
https_ssl = { key = "@DIR@/localhost.key"; certificate = "@DIR@/localhost.crt" }
Component "upload.localhost" "http_file_share"
  http_host = "127.0.0.1"
  http_file_share_size_limit = @UPLOAD_LIMIT@
  http_file_share_daily_quota = @UPLOAD_LIMIT@ * 100
  ssl = { key = "@DIR@/localhost.key"; certificate = "@DIR@/localhost.crt" }
)";

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

} // namespace

std::string ProsodyServer::spkiSha256HexOfPem(const std::string& certificatePem) {
    BIO* bio = BIO_new_mem_buf(certificatePem.data(), static_cast<int>(certificatePem.size()));
    X509* cert = bio ? PEM_read_bio_X509(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    if (!cert)
        throw std::runtime_error("not a PEM certificate");
    try {
        std::string hex = spkiSha256HexOfCert(cert);
        X509_free(cert);
        return hex;
    } catch (...) {
        X509_free(cert);
        throw;
    }
}

void ProsodyServer::writeConfig(const ProsodyOptions& options) {
    std::string config = kConfigTemplate;
    replaceAll(config, "@ROOMS@", options.withRooms ? kRoomsComponent : "");
    replaceAll(config, "@UPLOADS@", options.uploadLimit ? kUploadsComponent : "");
    // Prosody's epoll loop reads 8 KiB per round by default, and what TLS has buffered waits
    // for a timer of at least 1 ms: an upload crawls. 256 KiB reads halved a 50 MB upload here
    // (19.5 s to 10.6 s); the rest is the same per-round cost, at about 5 MB/s.
    replaceAll(config, "@READ_SIZE@",
               options.uploadLimit ? "; larger reads for uploads (see ProsodyServer.cpp)" : "");
    replaceAll(config, "@READ_SIZE_SETTING@", options.uploadLimit ? "; read_size = 262144" : "");
    replaceAll(config, "@HTTPS_PORTS@", options.uploadLimit ? std::to_string(m_httpsPort) : "");
    if (options.uploadLimit)
        replaceAll(config, "@UPLOAD_LIMIT@", std::to_string(*options.uploadLimit));
    replaceAll(config, "@LEVEL@", options.debugLog ? "debug" : "info");
    replaceAll(config, "@MAM@", options.archive ? "\"mam\"; " : "");
    const bool hostile = !options.hostileController.empty();
    replaceAll(config, "@HOSTILE_MODULE@", hostile ? "\"cloison_hostile\";" : "");
    replaceAll(config, "@HOSTILE@",
               hostile ? "plugin_paths = { \"" CLOISON_TEST_PROSODY_PLUGINS "\" }\n"
                         "cloison_hostile_controller = \"" +
                             options.hostileController + "@localhost\"\n"
                       : std::string());
    replaceAll(config, "@DIR@", m_dir.path().string());
    replaceAll(config, "@PORT@", std::to_string(m_port));
    writeFile(configFile(), config);
}

std::unique_ptr<ProsodyServer> ProsodyServer::start(const ProsodyOptions& options) {
    std::unique_ptr<ProsodyServer> server(new ProsodyServer());
    server->m_withRooms = options.withRooms;
    std::filesystem::create_directories(server->dataDir());
    ::chmod(server->m_dir.path().c_str(), 0700);
    server->m_certificatePem =
        makeCertificate(server->m_dir / "localhost.key", server->m_dir / "localhost.crt");
    server->m_spkiSha256Hex = spkiSha256HexOfPem(server->m_certificatePem);

    std::string failure;
    for (int attempt = 0; attempt < kLaunchAttempts; ++attempt) {
        server->m_port = freeLoopbackPort();
        if (options.uploadLimit)
            server->m_httpsPort = freeLoopbackPort();
        server->writeConfig(options);
        // Registered offline before the first start: prosodyctl writes to the same SQLite file.
        if (attempt == 0)
            for (const auto& [user, password] : options.accounts)
                server->createAccount(user, password);
        if (server->launch(failure))
            return server;
    }
    throw std::runtime_error("Prosody did not start: " + failure);
}

bool ProsodyServer::launch(std::string& failure) {
    const std::string out = (m_dir / "prosody.out").string();
    const std::string config = configFile().string();
    // Only log lines written by this launch count (restart() appends to the same log).
    const std::size_t logStart = readFile(logFile()).size();
    const pid_t pid = ::fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        const int null = ::open("/dev/null", O_RDONLY);
        if (fd >= 0) {
            ::dup2(fd, 1);
            ::dup2(fd, 2);
        }
        if (null >= 0)
            ::dup2(null, 0);
        // If the test process dies (crash, timeout kill), Prosody goes with it instead of
        // holding its port and temporary directory forever.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::execl(kProsody, kProsody, "-F", "--config", config.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    m_pid = pid;
    const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            m_pid = -1;
            failure = "Prosody exited (status " + std::to_string(status) + ") on port " +
                      std::to_string(m_port) + "\n" + readFile(out) + logTail();
            return false;
        }
        // Listening is not enough if another process holds the port: check it is ours by
        // waiting for Prosody's own log line as well.
        if (acceptsConnections(m_port) &&
            readFile(logFile()).find("Activated service 'c2s'", logStart) != std::string::npos)
            return true;
        std::this_thread::sleep_for(kStep);
    }
    kill9();
    failure = "Prosody did not listen on 127.0.0.1:" + std::to_string(m_port) + " within 10 s\n" +
              logTail();
    return false;
}

ProsodyServer::~ProsodyServer() {
    try {
        stop();
    } catch (...) {
        // A destructor must not throw; stop() already fell back to SIGKILL.
    }
}

void ProsodyServer::stop() {
    if (m_pid <= 0)
        return;
    ::kill(m_pid, SIGTERM);
    if (!reapWithin(m_pid, kStopTimeout)) {
        ::kill(m_pid, SIGKILL);
        reapWithin(m_pid, kStopTimeout);
    }
    m_pid = -1;
}

void ProsodyServer::kill9() {
    if (m_pid <= 0)
        return;
    ::kill(m_pid, SIGKILL);
    reapWithin(m_pid, kStopTimeout);
    m_pid = -1;
}

void ProsodyServer::restart() {
    stop();
    // The same port: clients reconnect where they were. Prosody binds with SO_REUSEADDR, so
    // connections left in TIME_WAIT do not block it; a short retry covers the rest.
    std::string failure;
    for (int attempt = 0; attempt < kLaunchAttempts; ++attempt) {
        if (launch(failure))
            return;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    throw std::runtime_error("Prosody did not restart: " + failure);
}

void ProsodyServer::createAccount(const std::string& user, const std::string& password) {
    const auto result = runProcess(
        {kProsodyctl, "--config", configFile().string(), "register", user, domain(), password}, [] {
            ProcessOptions o;
            o.timeoutSeconds = 30;
            return o;
        }());
    if (result.exitCode != 0)
        throw std::runtime_error("prosodyctl register " + user + " failed: " + result.out +
                                 result.err);
}

std::vector<std::string> ProsodyServer::archivedStanzas(const std::string& store) const {
    // Prosody writes while we read: a read that a write interrupts (busy past the timeout on a
    // loaded machine) is tried again, a few times, before it counts as a failure.
    std::string why;
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (attempt > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        auto stanzas = readArchive(store, why);
        if (stanzas)
            return *stanzas;
    }
    throw std::runtime_error("reading the archive failed: " + why);
}

std::optional<std::vector<std::string>> ProsodyServer::readArchive(const std::string& store,
                                                                   std::string& why) const {
    const std::string file = (dataDir() / "prosody.sqlite").string();
    sqlite3* db = nullptr;
    // Read-only and without a key: SQLCipher (linked for the vaults) reads plain SQLite files.
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        std::string message = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close(db);
        throw std::runtime_error("cannot open " + file + ": " + message);
    }
    sqlite3_busy_timeout(db, 5000);
    const char* sql = store.empty()
                          ? "SELECT value FROM prosodyarchive ORDER BY sort_id"
                          : "SELECT value FROM prosodyarchive WHERE store = ?1 ORDER BY sort_id";
    sqlite3_stmt* stmt = nullptr;
    std::vector<std::string> stanzas;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) != SQLITE_OK) {
        std::string message = sqlite3_errmsg(db);
        sqlite3_close(db);
        // Prosody creates the table on first use; before that there is nothing archived.
        if (message.find("no such table") != std::string::npos)
            return stanzas;
        throw std::runtime_error("cannot read the archive: " + message);
    }
    if (!store.empty())
        sqlite3_bind_text(stmt, 1, store.c_str(), -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        stanzas.emplace_back(text ? text : "");
    }
    if (rc != SQLITE_DONE)
        why = sqlite3_errmsg(db);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    if (rc != SQLITE_DONE)
        return std::nullopt;
    return stanzas;
}

std::string ProsodyServer::logTail(std::size_t maxBytes) const {
    const std::string log = readFile(logFile());
    if (log.size() <= maxBytes)
        return log;
    return "..." + log.substr(log.size() - maxBytes);
}

} // namespace cloison::test
