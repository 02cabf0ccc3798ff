// A real Prosody (Debian 12, 0.12) on 127.0.0.1 for integration tests: its own temporary
// directory, a fresh self-signed EC P-256 certificate, SQL (SQLite) storage and a debug log,
// so that a test can talk to the same server software a deployment runs, restart it
// mid-stream, and read back what it archived. Failures throw std::runtime_error: this is test
// code, and Catch2 reports the message (which includes the tail of Prosody's log).
#pragma once

#include "tests/support/TempDir.h"

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cloison::test {

struct ProsodyOptions {
    std::vector<std::pair<std::string, std::string>> accounts; // (user, password) @localhost
    bool withRooms = true; // the MUC component rooms.localhost (with muc_mam)
    bool debugLog = true;  // every stanza in the log; false (info) for benchmarks
    // The message archive (mod_mam). Off only for benchmarks that measure the clients: here
    // it costs Prosody ~0.9 ms of CPU per message, whatever its storage, which would make the
    // server the bottleneck of any throughput figure.
    bool archive = true;
    // Loads tests/support/prosody/mod_cloison_hostile.lua: the server then obeys commands from
    // this account (register it in `accounts`) to forge, replay and withhold. See the module.
    std::string hostileController = {};
    // XEP-0363 uploads: mod_http_file_share as the component upload.localhost, served over
    // HTTPS (the same certificate and key as c2s, so the compartment's pin covers it) on a free
    // loopback port as https://127.0.0.1:PORT/file_share/..., with files up to this many bytes
    // kept in uploadStorageDir(). None: no upload service.
    std::optional<std::uint64_t> uploadLimit = {};
};

class ProsodyServer {
public:
    // Registers the accounts, starts Prosody and returns once its c2s port accepts
    // connections (at most ~10 s per attempt, a few attempts on a port taken meanwhile).
    static std::unique_ptr<ProsodyServer> start(const ProsodyOptions& options = {});
    ~ProsodyServer(); // stop()
    ProsodyServer(const ProsodyServer&) = delete;
    ProsodyServer& operator=(const ProsodyServer&) = delete;

    // SIGTERM, a bounded wait, then SIGKILL. Does nothing when not running.
    void stop();
    // SIGKILL at once: a crash, not a shutdown (no stream closes are sent).
    void kill9();
    // stop() (if running) and start again on the same port with the same data and certificate.
    void restart();
    bool running() const { return m_pid > 0; }
    pid_t pid() const { return m_pid; }

    std::uint16_t port() const { return m_port; }
    std::string host() const { return "127.0.0.1"; }
    std::string domain() const { return "localhost"; }
    std::string roomsDomain() const { return "rooms.localhost"; }
    const std::string& certificatePem() const { return m_certificatePem; }
    // SHA-256 of the certificate's SubjectPublicKeyInfo (DER), lowercase hex: what clients pin.
    const std::string& spkiSha256Hex() const { return m_spkiSha256Hex; }
    std::filesystem::path dataDir() const { return m_dir / "data"; }
    // Where mod_http_file_share keeps the uploaded files (SLOT.bin) and the HTTPS port.
    std::filesystem::path uploadStorageDir() const {
        return dataDir() / "upload%2elocalhost" / "http_file_share";
    }
    std::uint16_t httpsPort() const { return m_httpsPort; }
    std::filesystem::path logFile() const { return m_dir / "prosody.log"; }
    std::filesystem::path configFile() const { return m_dir / "prosody.cfg.lua"; }

    // With prosodyctl; works whether or not the server is running (SQL storage).
    void createAccount(const std::string& user, const std::string& password);
    // The raw stanzas in Prosody's archive (prosodyarchive), oldest first; store is "archive"
    // for personal MAM, "muc_log" for rooms, or empty for every store.
    std::vector<std::string> archivedStanzas(const std::string& store = "archive") const;
    // The last lines of the log, for failure messages.
    std::string logTail(std::size_t maxBytes = 4000) const;

    // SHA-256 of the SubjectPublicKeyInfo of a PEM certificate, lowercase hex.
    static std::string spkiSha256HexOfPem(const std::string& certificatePem);

private:
    // One read of the archive; none (and `why`) when a concurrent write got in the way.
    std::optional<std::vector<std::string>> readArchive(const std::string& store,
                                                        std::string& why) const;
    ProsodyServer() = default;
    void writeConfig(const ProsodyOptions& options);
    bool launch(std::string& failure); // false: Prosody exited or never listened

    TempDir m_dir;
    std::uint16_t m_port = 0;
    std::uint16_t m_httpsPort = 0;
    pid_t m_pid = -1;
    std::string m_certificatePem;
    std::string m_spkiSha256Hex;
    bool m_withRooms = true;
};

} // namespace cloison::test
