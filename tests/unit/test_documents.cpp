// Encrypted documents inside a compartment (issue 13): the streaming ciphers, XEP-0454 links,
// XEP-0363 slot answers, and documents sent and received through a real Prosody's
// mod_http_file_share over pinned HTTPS on loopback, by cloison-cli as people run it.
#include "client/documents/DocumentLink.h"
#include "client/documents/DocumentTransfer.h"
#include "client/documents/HttpTransfer.h"
#include "client/documents/UploadSlot.h"
#include "client/provisioning/Retention.h"
#include "crypto/DocumentCipher.h"
#include "crypto/Hash.h"
#include "storage/DocumentRepository.h"
#include "tests/support/Files.h"
#include "tests/support/Process.h"
#include "tests/support/ProsodyServer.h"
#include "tests/support/ServiceParty.h"
#include "tests/support/StaffTools.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

using namespace cloison;
using namespace cloison::test;
using xmpp::ServiceEvent;

namespace {

Bytes pseudoRandom(std::size_t size, std::uint32_t seed) {
    std::mt19937 generator(seed);
    Bytes out(size);
    for (auto& byte : out)
        byte = static_cast<std::uint8_t>(generator());
    return out;
}

// Ciphertext and tag of `plain` through the streaming encryptor, in uneven steps.
Bytes encryptInSteps(ByteView plain, const SecretBytes& key, const SecretBytes& iv) {
    auto cipher = AesGcmStream::encryptor(key.view(), iv.view()).value();
    Bytes out(plain.size());
    std::size_t at = 0;
    for (std::size_t step = 1; at < plain.size(); step = step * 3 + 7) {
        const std::size_t n = std::min(step, plain.size() - at);
        REQUIRE(cipher.update(plain.subspan(at, n), out.data() + at));
        at += n;
    }
    Bytes tag = cipher.finishEncrypt().value();
    out.insert(out.end(), tag.begin(), tag.end());
    return out;
}

Result<Bytes> decryptWhole(ByteView sealed, ByteView key, ByteView iv) {
    if (sealed.size() < kDocumentTagBytes)
        return makeError(ErrorCode::Corrupted, "short");
    auto cipher = AesGcmStream::decryptor(key, iv);
    if (!cipher)
        return cipher.error();
    const std::size_t body = sealed.size() - kDocumentTagBytes;
    Bytes out(body);
    if (auto done = cipher.value().update(sealed.first(body), out.data()); !done)
        return done.error();
    if (auto done = cipher.value().finishDecrypt(sealed.subspan(body)); !done)
        return done.error();
    return out;
}

} // namespace

TEST_CASE("AES-256-GCM streams in chunks and refuses a changed byte or cut or wrong key") {
    const Bytes plain = pseudoRandom(300'001, 1);
    const SecretBytes key = SecretBytes::random(kDocumentKeyBytes);
    const SecretBytes iv = SecretBytes::random(kDocumentIvBytes);
    Bytes sealed = encryptInSteps(plain, key, iv);
    REQUIRE(sealed.size() == plain.size() + kDocumentTagBytes);
    CHECK(decryptWhole(sealed, key.view(), iv.view()).value() == plain);

    Bytes changed = sealed;
    changed[12345] ^= 0x01;
    CHECK(decryptWhole(changed, key.view(), iv.view()).error().code == ErrorCode::WrongKey);
    const Bytes cut(sealed.begin(), sealed.end() - 100);
    CHECK(!decryptWhole(cut, key.view(), iv.view()));
    const SecretBytes otherKey = SecretBytes::random(kDocumentKeyBytes);
    CHECK(decryptWhole(sealed, otherKey.view(), iv.view()).error().code == ErrorCode::WrongKey);
    // A 16-byte IV (older Conversations) decrypts; a 16-byte IV is never made for sending.
    const SecretBytes longIv = SecretBytes::random(16);
    CHECK(AesGcmStream::decryptor(key.view(), longIv.view()));
    CHECK(!AesGcmStream::encryptor(key.view(), longIv.view()));
    CHECK(!AesGcmStream::encryptor(iv.view(), iv.view())); // a 12-byte key
}

TEST_CASE("a sealed document file reads back and a changed or cut or extended file is refused") {
    TempDir dir;
    const SecretBytes key = SecretBytes::random(kDocumentKeyBytes);
    auto readAll = [&](const std::filesystem::path& path) -> Result<Bytes> {
        auto reader = SealedFileReader::open(path, key);
        if (!reader)
            return reader.error();
        SecretBytes chunk(kDocumentChunkBytes);
        Bytes out;
        for (;;) {
            auto got = reader.value().read(chunk);
            if (!got)
                return got.error();
            if (got.value() == 0)
                return out;
            out.insert(out.end(), chunk.data(), chunk.data() + got.value());
        }
    };
    // Empty, one byte, exactly one chunk, and chunks and a bit.
    for (std::size_t size :
         {std::size_t{0}, std::size_t{1}, kDocumentChunkBytes, 3 * kDocumentChunkBytes + 17}) {
        const Bytes plain = pseudoRandom(size, static_cast<std::uint32_t>(size));
        const auto path = dir / ("doc-" + std::to_string(size));
        auto writer = SealedFileWriter::create(path, key).value();
        REQUIRE(writer.write(ByteView(plain).first(size / 2)));
        REQUIRE(writer.write(ByteView(plain).subspan(size / 2)));
        REQUIRE(writer.finish());
        INFO(size);
        CHECK(readAll(path).value() == plain);
    }
    const auto path = dir / ("doc-" + std::to_string(3 * kDocumentChunkBytes + 17));
    const Bytes good = readFile(path);
    flipByte(path, good.size() / 2);
    CHECK(readAll(path).error().code == ErrorCode::Corrupted);
    // Cut at a chunk boundary: every chunk left is authentic, but the final one is missing.
    writeFile(path, ByteView(good).first(good.size() - 17 - 17));
    CHECK(readAll(path).error().code == ErrorCode::Corrupted);
    Bytes extended = good;
    extended.push_back(0);
    writeFile(path, extended);
    CHECK(readAll(path).error().code == ErrorCode::Corrupted);
    // An unfinished writer leaves nothing behind.
    {
        auto writer = SealedFileWriter::create(dir / "abandoned", key).value();
        REQUIRE(writer.write(asBytes("secret text")));
    }
    CHECK(!std::filesystem::exists(dir / "abandoned"));
}

TEST_CASE("document links parse as XEP-0454 and malformed links are refused") {
    const std::string hex88(88, 'a');
    auto link = documents::parseDocumentLink(
        "aesgcm://127.0.0.1:5281/file_share/Ab/My%20Plan.pdf#" + hex88);
    REQUIRE(link);
    CHECK(link.value().url == "https://127.0.0.1:5281/file_share/Ab/My%20Plan.pdf");
    CHECK(link.value().fileName == "My Plan.pdf");
    CHECK(link.value().iv.size() == 12);
    CHECK(link.value().key.size() == 32);
    const auto legacy = documents::parseDocumentLink("aesgcm://h/p/x.bin#" + std::string(96, '0'));
    CHECK(legacy.value().iv.size() == 16);
    for (const std::string& bad : std::vector<std::string>{
             "https://h/p/x#" + hex88, "aesgcm://h/p/x", "aesgcm://h/p/x#" + std::string(87, 'a'),
             "aesgcm://h/p/x#" + std::string(87, 'a') + "g", "aesgcm:///p/x#" + hex88,
             "aesgcm://h/p/x#" + hex88 + " and text", "aesgcm://hostonly#" + hex88}) {
        INFO(bad);
        CHECK(documents::parseDocumentLink(bad).error().code == ErrorCode::InvalidArgument);
    }
    CHECK(documents::safeFileName("../../etc/passwd") == "_.._etc_passwd");
    CHECK(documents::safeFileName("invoice\xe2\x80\xaegpj.exe") == "invoice_gpj.exe");
    CHECK(documents::safeFileName("") == "document");
    CHECK(documents::safeFileName(std::string(300, 'x')).size() == 200);
    const SecretBytes iv = SecretBytes::random(12), key = SecretBytes::random(32);
    auto made = documents::formatDocumentLink("https://h:1/a/b.pdf", iv, key).value();
    auto back = documents::parseDocumentLink(made).value();
    CHECK(back.key.equals(key));
    CHECK(back.iv.equals(iv));
    CHECK(!documents::formatDocumentLink("http://h/a", iv, key));
}

TEST_CASE("upload service discovery and slot answers are read as XEP-0363 says") {
    auto parse = [](const std::string& text) {
        return xml::parse(text).value();
    };
    auto service = documents::uploadServiceFrom(
        parse("<iq type='result' from='upload.localhost' xmlns='jabber:client'><query "
              "xmlns='http://jabber.org/protocol/disco#info'><identity category='store' "
              "type='file'/><feature var='urn:xmpp:http:upload:0'/><x xmlns='jabber:x:data' "
              "type='result'><field var='FORM_TYPE' type='hidden'><value>urn:xmpp:http:upload:0"
              "</value></field><field var='max-file-size'><value>1048576</value></field></x>"
              "</query></iq>"),
        "upload.localhost");
    REQUIRE(service);
    CHECK(service->maxFileSize == std::optional<std::uint64_t>(1048576));
    CHECK(!documents::uploadServiceFrom(
        parse("<iq type='result' xmlns='jabber:client'><query "
              "xmlns='http://jabber.org/protocol/disco#info'><feature var='urn:xmpp:ping'/>"
              "</query></iq>"),
        "localhost"));
    auto slot = documents::slotFrom(
        parse("<iq type='result' xmlns='jabber:client'><slot xmlns='urn:xmpp:http:upload:0'>"
              "<put url='https://h/put'><header name='Authorization'>Bearer x</header>"
              "<header name='Host'>evil</header></put><get url='https://h/get'/></slot></iq>"));
    REQUIRE(slot);
    CHECK(slot.value().putUrl == "https://h/put");
    CHECK(slot.value().getUrl == "https://h/get");
    REQUIRE(slot.value().putHeaders.size() == 1); // Host is not a header a slot may set
    CHECK(slot.value().putHeaders[0].first == "Authorization");
    auto tooLarge = documents::slotFrom(
        parse("<iq type='error' xmlns='jabber:client'><error type='modify'><not-acceptable "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><file-too-large "
              "xmlns='urn:xmpp:http:upload:0'><max-file-size>100</max-file-size></file-too-large>"
              "</error></iq>"));
    CHECK(tooLarge.error().code == ErrorCode::PolicyRefused);
    CHECK_THAT(tooLarge.error().message, Catch::Contains("too large") && Catch::Contains("100"));
    auto forbidden = documents::slotFrom(
        parse("<iq type='error' xmlns='jabber:client'><error type='auth'><forbidden "
              "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"));
    CHECK(forbidden.error().code == ErrorCode::PolicyRefused);
    CHECK_THAT(forbidden.error().message, Catch::Contains("refused the upload slot"));
}

TEST_CASE("transfers go only over pinned https unless insecure loopback allows 127.0.0.1") {
    const documents::TransferSecurity pinned{std::string(64, 'a'), false};
    const documents::TransferSecurity loopback{{}, true};
    CHECK(documents::checkTransferUrl("https://example.org/a", pinned));
    CHECK(!documents::checkTransferUrl("http://example.org/a", pinned));
    CHECK(!documents::checkTransferUrl("http://127.0.0.1/a", pinned));
    CHECK(!documents::checkTransferUrl("ftp://example.org/a", pinned));
    CHECK(!documents::checkTransferUrl("file:///etc/passwd", pinned));
    CHECK(documents::checkTransferUrl("http://127.0.0.1:5280/a", loopback));
    CHECK(!documents::checkTransferUrl("https://example.org/a", loopback));
    CHECK(!documents::checkTransferUrl("http://example.org/a", loopback));
}

TEST_CASE("a compartment's document policy limits size and types") {
    documents::DocumentPolicy policy;
    policy.maxBytes = 1000;
    policy.extensions = {"pdf", "docx"};
    CHECK(documents::checkDocumentPolicy(policy, "plan.PDF", 1000));
    CHECK(documents::checkDocumentPolicy(policy, "plan.pdf", 1001).error().code ==
          ErrorCode::PolicyRefused);
    CHECK_THAT(documents::checkDocumentPolicy(policy, "run.exe", 10).error().message,
               Catch::Contains("pdf, docx"));
    CHECK(!documents::checkDocumentPolicy(policy, "noextension", 10));
    CHECK(documents::uploadFileName("Secret budget.xlsx").ends_with(".xlsx"));
    CHECK(documents::uploadFileName("Secret budget.xlsx").find("budget") == std::string::npos);
}

namespace {

constexpr const char* kCompartment = "docs";

// A person with a profile and the compartment "docs" on `server`, driven through cloison-cli.
struct Member {
    std::string name;
    TempDir dir;
    std::string jid() const { return name + "@localhost"; }
    std::filesystem::path profile() const { return dir / "profile"; }

    std::vector<std::string> argv(std::vector<std::string> args) const {
        args.insert(args.begin(), {CLOISON_CLI, "--profile", profile().string()});
        return args;
    }
    ProcessOptions environment(int timeoutSeconds = 120) const {
        ProcessOptions options;
        options.environment["CLOISON_PASSPHRASE"] = name + " passphrase";
        options.environment["CLOISON_ACCOUNT_PASSWORD"] = name + "-password";
        options.timeoutSeconds = timeoutSeconds;
#if defined(CLOISON_TEST_UNDER_ASAN)
        // AddressSanitizer keeps freed memory in a quarantine of 256 MB by default, so every
        // buffer OpenSSL frees per TLS record stays resident: the memory figures would measure
        // the sanitizer. A small quarantine still catches use-after-free of recent frees.
        const char* asan = std::getenv("ASAN_OPTIONS");
        options.environment["ASAN_OPTIONS"] =
            std::string(asan ? asan : "") + (asan && *asan ? ":" : "") + "quarantine_size_mb=8";
#endif
        return options;
    }
    ProcessResult run(std::vector<std::string> args) const {
        return runProcess(argv(std::move(args)), environment());
    }
    // In the background (output in DIR/NAME.out), for a listener that must be there first.
    pid_t start(std::vector<std::string> args, const std::string& outputName) const {
        return startProcess(argv(std::move(args)), environment(), dir / outputName);
    }

    Member(std::string who, const ProsodyServer& server) : name(std::move(who)) {
        auto require = [](const ProcessResult& r) {
            INFO(r.err);
            REQUIRE(r.exitCode == 0);
        };
        require(run({"init", "--kdf-memory-mib", "8", "--kdf-passes", "1"}));
        require(run({"compartment", "add", kCompartment, "--jid", jid(), "--server",
                     server.host() + ":" + std::to_string(server.port()), "--pin",
                     server.spkiSha256Hex()}));
        // Connect once, so that the device is on the server for others to encrypt to.
        require(run({"listen", "--compartment", kCompartment, "--timeout", "2"}));
    }

    std::vector<std::filesystem::path> documentFiles() const {
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(profile()))
            if (entry.is_regular_file() && entry.path().parent_path().extension() == ".documents")
                files.push_back(entry.path());
        return files;
    }
};

std::string readText(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The value of "key":"..." in a JSON line (our own output: no escapes in these values).
std::string jsonValue(const std::string& line, const std::string& key) {
    const std::string marker = "\"" + key + "\":\"";
    const auto at = line.find(marker);
    if (at == std::string::npos)
        return {};
    const auto start = at + marker.size();
    return line.substr(start, line.find('"', start) - start);
}

// A file of random bytes with a canary text at its start, middle and end: a scan for it finds
// any plaintext copy of the document.
std::string writeDocument(const std::filesystem::path& path, std::size_t size, std::uint32_t seed) {
    const std::string canary = "CLOISON-DOC-CANARY-" + randomId();
    Bytes data = pseudoRandom(size, seed);
    for (std::size_t at : {std::size_t{0}, size / 2, size - canary.size()})
        std::copy(canary.begin(), canary.end(), data.begin() + static_cast<std::ptrdiff_t>(at));
    writeFile(path, data);
    return canary;
}

std::vector<std::filesystem::path> uploadedFiles(const ProsodyServer& server) {
    std::vector<std::filesystem::path> files;
    if (std::filesystem::exists(server.uploadStorageDir()))
        for (const auto& entry : std::filesystem::directory_iterator(server.uploadStorageDir()))
            if (entry.path().extension() == ".bin")
                files.push_back(entry.path());
    return files;
}

std::unique_ptr<ProsodyServer> uploadServer(std::uint64_t limit,
                                            std::vector<std::string> users = {"alice", "bob"}) {
    ProsodyOptions options;
    for (const std::string& user : users)
        options.accounts.emplace_back(user, user + "-password");
    options.withRooms = false;
    options.debugLog = false; // a debug log of a 50 MB upload is itself slow
    options.uploadLimit = limit;
    return ProsodyServer::start(options);
}

double mib(long kb) {
    return static_cast<double>(kb) / 1024.0;
}

} // namespace

TEST_CASE("a 50 MB document round-trips between two compartments in bounded memory") {
    constexpr std::size_t kSize = 50 * 1000 * 1000;
    auto server = uploadServer(kSize + 1024 * 1024);
    Member alice("alice", *server), bob("bob", *server);

    // At rest: the same two commands with a text message, for the memory baseline.
    pid_t listener =
        bob.start({"listen", "--compartment", kCompartment, "--count", "1"}, "rest.out");
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const auto restSend =
        alice.run({"send", "--compartment", kCompartment, "--to", bob.jid(), "hello"});
    INFO(restSend.err);
    REQUIRE(restSend.exitCode == 0);
    const auto restListen = waitForProcess(listener, 60);
    REQUIRE(restListen.exitCode == 0);

    const auto file = alice.dir / "Campaign plan.pdf";
    const std::string canary = writeDocument(file, kSize, 50);
    listener =
        bob.start({"listen", "--compartment", kCompartment, "--count", "1", "--timeout", "300"},
                  "listen.out");
    std::this_thread::sleep_for(std::chrono::seconds(1));
    const auto started = std::chrono::steady_clock::now();
    const auto sent = runProcess(alice.argv({"send-file", "--compartment", kCompartment, "--to",
                                             bob.jid(), "--timeout", "300", file.string()}),
                                 alice.environment(300));
    const auto uploaded = std::chrono::steady_clock::now();
    INFO(sent.err);
    REQUIRE(sent.exitCode == 0);
    CHECK_THAT(sent.err, Catch::Contains("uploading Campaign plan.pdf: 100%"));
    const auto listened = waitForProcess(listener, 300);
    const auto received = std::chrono::steady_clock::now();
    const std::string output = readText(bob.dir / "listen.out");
    INFO(output);
    REQUIRE(listened.exitCode == 0);
    const std::string id = jsonValue(output, "id");
    REQUIRE(id.size() == 32);
    CHECK(output.find("\"size\":" + std::to_string(kSize)) != std::string::npos);
    CHECK(output.find("aesgcm://") == std::string::npos); // the key is never printed

    // The server holds only ciphertext, under a random name.
    const auto onServer = uploadedFiles(*server);
    REQUIRE(onServer.size() == 1);
    CHECK(std::filesystem::file_size(onServer[0]) == kSize + kDocumentTagBytes);

    const auto listed = bob.run({"documents", "--compartment", kCompartment}).out;
    CHECK(jsonValue(listed, "id") == id);
    CHECK(jsonValue(listed, "from") == alice.jid());
    CHECK(jsonValue(listed, "name").ends_with(".pdf"));
    CHECK(jsonValue(listed, "name").find("Campaign") == std::string::npos); // never told
    const auto saved = bob.dir / "saved.pdf";
    const auto save =
        bob.run({"save", "--compartment", kCompartment, "--file", id, "-o", saved.string()});
    INFO(save.err);
    REQUIRE(save.exitCode == 0);
    CHECK(blake2b(readFile(saved)) == blake2b(readFile(file)));
    // Saving again does not overwrite.
    CHECK(bob.run({"save", "--compartment", kCompartment, "--file", id, "-o", saved.string()})
              .exitCode == 6);

    // No plaintext of the document on the server's disk or in either profile.
    CHECK(filesContaining(server->dataDir(), canary).empty());
    CHECK(filesContaining(bob.profile(), canary).empty());
    CHECK(filesContaining(alice.profile(), canary).empty());
    CHECK(filesContaining(bob.dir.path(), canary).size() == 1); // the export asked for

    const long senderGrowth = sent.peakRssKb - restSend.peakRssKb;
    const long receiverGrowth = listened.peakRssKb - restListen.peakRssKb;
    const auto seconds = [](auto d) {
        return std::chrono::duration<double>(d).count();
    };
    std::printf("documents: 50 MB: send-file %.1f s, received %.1f s after; peak memory "
                "sender %.1f MiB (at rest %.1f, +%.1f), receiver %.1f MiB (at rest %.1f, "
                "+%.1f)\n",
                seconds(uploaded - started), seconds(received - uploaded), mib(sent.peakRssKb),
                mib(restSend.peakRssKb), mib(senderGrowth), mib(listened.peakRssKb),
                mib(restListen.peakRssKb), mib(receiverGrowth));
    CHECK(senderGrowth < 64 * 1024);
    CHECK(receiverGrowth < 64 * 1024);
}

namespace {

// The line `listen` printed for the one document it was sent, after checking that it was
// refused: no document, an error, nothing in the vault and no file left in the compartment.
std::string refusedDocumentError(const Member& member, const std::string& outputName) {
    const std::string output = readText(member.dir / outputName);
    INFO(output);
    CHECK(output.find("\"document\":null") != std::string::npos);
    CHECK(member.run({"documents", "--compartment", kCompartment}).out.empty());
    CHECK(member.documentFiles().empty());
    return jsonValue(output, "error");
}

} // namespace

TEST_CASE("a document altered on the server is refused and nothing is saved") {
    auto server = uploadServer(4 * 1024 * 1024);
    Member alice("alice", *server), bob("bob", *server);
    const auto file = alice.dir / "speech.docx";
    const std::string canary = writeDocument(file, 300'000, 7);
    const auto sent =
        alice.run({"send-file", "--compartment", kCompartment, "--to", bob.jid(), file.string()});
    INFO(sent.err);
    REQUIRE(sent.exitCode == 0);
    const auto onServer = uploadedFiles(*server);
    REQUIRE(onServer.size() == 1);
    flipByte(onServer[0], 150'000);

    const auto listened = runProcess(
        bob.argv({"listen", "--compartment", kCompartment, "--count", "1", "--timeout", "30"}),
        bob.environment());
    writeFile(bob.dir / "listen.out", asBytes(listened.out));
    CHECK(listened.exitCode == 0);
    CHECK_THAT(refusedDocumentError(bob, "listen.out"), Catch::Contains("does not authenticate"));
    CHECK_THAT(listened.err, Catch::Contains("refused a document from alice@localhost") &&
                                 Catch::Contains("nothing was saved"));
    CHECK(filesContaining(bob.profile(), canary).empty());
    CHECK(filesContaining(server->dataDir(), canary).empty());
}

TEST_CASE("a file over the server's advertised maximum is refused before it is uploaded") {
    auto server = uploadServer(1024 * 1024);
    Member alice("alice", *server);
    const auto file = alice.dir / "scan.pdf";
    writeDocument(file, 1024 * 1024, 3); // with the tag, 16 bytes over
    const auto sent = alice.run(
        {"send-file", "--compartment", kCompartment, "--to", "bob@localhost", file.string()});
    CHECK(sent.exitCode == 13);
    CHECK_THAT(sent.err,
               Catch::Contains("too large for the server") && Catch::Contains("at most 1048576"));
    CHECK(uploadedFiles(*server).empty());
    // A file that is not there, and usage errors.
    CHECK(alice
              .run({"send-file", "--compartment", kCompartment, "--to", "bob@localhost",
                    (alice.dir / "missing.pdf").string()})
              .exitCode == 5);
    CHECK(alice.run({"send-file", "--compartment", kCompartment, file.string()}).exitCode == 2);
    CHECK(alice.run({"save", "--compartment", kCompartment, "--file", "x"}).exitCode == 2);
    CHECK(alice
              .run({"save", "--compartment", kCompartment, "--file", std::string(32, 'a'), "-o",
                    (alice.dir / "out").string()})
              .exitCode == 5);
}

TEST_CASE("a wrong key in the link and a truncated download are refused and nothing is saved") {
    auto server = uploadServer(4 * 1024 * 1024, {"alice", "bob", "carol"});
    Member bob("bob", *server);
    // Carol sends from a compartment in this process, so that the test holds the link.
    Party carol("carol");
    carol.connect(*server);
    REQUIRE(carol.await(ServiceEvent::Type::Ready));
    const auto file = carol.dir / "budget.xlsx";
    const std::string canary = writeDocument(file, 200'000, 11);
    std::deque<ServiceEvent> other;
    auto slot = documents::requestUploadSlot(*carol.service, "localhost", "budget.xlsx",
                                             documents::ciphertextSize(200'000),
                                             std::chrono::seconds(20), other);
    REQUIRE(slot);
    CHECK_THAT(slot.value().getUrl,
               Catch::StartsWith("https://127.0.0.1:" + std::to_string(server->httpsPort())));
    const documents::TransferSecurity pinned{server->spkiSha256Hex(), false};
    auto link = documents::uploadDocument(file, 200'000, slot.value(), pinned, {});
    REQUIRE(link);

    // The pin decides the HTTPS server too: another key is refused before anything is read.
    const documents::TransferSecurity otherPin{std::string(64, 'b'), false};
    const auto parsed = documents::parseDocumentLink(link.value()).value();
    TempDir scratch;
    CHECK(documents::downloadDocument(parsed, scratch / "documents", 1 << 30, otherPin, {})
              .error()
              .code == ErrorCode::ServerKeyMismatch);
    // The link as sent works; a partial file a crash left a day ago goes, a fresh one stays.
    const auto abandoned = scratch / "documents" / "abandoned.part";
    const auto inProgress = scratch / "documents" / "in-progress.part";
    writeFile(abandoned, asBytes("sealed noise"));
    writeFile(inProgress, asBytes("sealed noise"));
    std::filesystem::last_write_time(abandoned, std::filesystem::file_time_type::clock::now() -
                                                    std::chrono::hours(25));
    auto good = documents::downloadDocument(parsed, scratch / "documents", 1 << 30, pinned, {});
    REQUIRE(good);
    CHECK(!std::filesystem::exists(abandoned));
    CHECK(std::filesystem::exists(inProgress));
    CHECK(good.value().record.size == 200'000);

    // One hex digit of the key changed: the tag cannot verify.
    std::string wrongKey = link.value();
    wrongKey.back() = wrongKey.back() == '0' ? '1' : '0';
    REQUIRE(sendUntilDelivered(carol, bob.jid(), wrongKey));
    auto listened = runProcess(
        bob.argv({"listen", "--compartment", kCompartment, "--count", "1", "--timeout", "30"}),
        bob.environment());
    writeFile(bob.dir / "wrong-key.out", asBytes(listened.out));
    CHECK(listened.exitCode == 0);
    CHECK_THAT(refusedDocumentError(bob, "wrong-key.out"),
               Catch::Contains("key in its link is wrong"));

    // The ciphertext cut in half on the server: the download ends short of its tag.
    const auto onServer = uploadedFiles(*server);
    REQUIRE(onServer.size() == 1);
    std::filesystem::resize_file(onServer[0], 100'000);
    REQUIRE(sendAndConfirm(carol, bob.jid(), link.value()));
    listened = runProcess(
        bob.argv({"listen", "--compartment", kCompartment, "--count", "1", "--timeout", "30"}),
        bob.environment());
    writeFile(bob.dir / "truncated.out", asBytes(listened.out));
    CHECK(listened.exitCode == 0);
    const std::string error = refusedDocumentError(bob, "truncated.out");
    INFO(error);
    INFO(listened.err);
    CHECK_THAT(error, Catch::Contains("cut short"));
    CHECK(filesContaining(bob.profile(), canary).empty());
}

TEST_CASE("retention purges documents with their keys and files as it purges messages") {
    Party holder("holder");
    storage::Vault& vault = *holder.vault;
    const auto dir = storage::documentsDirOf(vault);
    std::filesystem::create_directories(dir);
    const std::int64_t day = 86'400'000;
    const std::int64_t now = 400 * day;
    auto keep = [&](const std::string& name, std::int64_t receivedAt) {
        storage::DocumentRecord record{randomId(), "peer@localhost", "peer@localhost", name,
                                       5,          receivedAt};
        const SecretBytes key = SecretBytes::random(kDocumentKeyBytes);
        auto writer = SealedFileWriter::create(dir / (record.id + ".doc"), key).value();
        REQUIRE(writer.write(asBytes("hello")));
        REQUIRE(writer.finish());
        REQUIRE(storage::DocumentRepository(vault).add(record, key));
        return record.id;
    };
    const std::string old = keep("old.pdf", now - 40 * day);
    const std::string recent = keep("recent.pdf", now - 2 * day);
    REQUIRE(provisioning::setRetentionDays(vault, 30));
    auto purged = provisioning::applyRetention(vault, holder.compartmentId, now);
    REQUIRE(purged);
    CHECK(purged.value() == 1);
    auto left = storage::DocumentRepository(vault).list().value();
    REQUIRE(left.size() == 1);
    CHECK(left[0].id == recent);
    CHECK(!std::filesystem::exists(dir / (old + ".doc")));
    CHECK(std::filesystem::exists(dir / (recent + ".doc")));
    CHECK(storage::DocumentRepository(vault).fileKey(old).error().code == ErrorCode::NotFound);
    // What is left exports; a document that is gone does not.
    TempDir out;
    CHECK(documents::exportDocument(vault, recent, out / "recent.pdf").value() == 5);
    CHECK(documents::exportDocument(vault, old, out / "old.pdf").error().code ==
          ErrorCode::NotFound);
    // A stored file altered on disk is refused on export, and nothing is written.
    flipByte(dir / (recent + ".doc"), 40);
    CHECK(documents::exportDocument(vault, recent, out / "again.pdf").error().code ==
          ErrorCode::Corrupted);
    CHECK(!std::filesystem::exists(out / "again.pdf"));
    CHECK(!std::filesystem::exists(out / "again.pdf.partial"));
    // Removing the compartment removes its documents directory.
    REQUIRE(holder.profile->removeCompartment("chat"));
    CHECK(!std::filesystem::exists(dir));
}

TEST_CASE("the document policy an invite carries refuses a type or a size before any upload") {
    ProsodyOptions options;
    options.accounts.emplace_back("admin", "admin-password");
    options.debugLog = false;
    options.uploadLimit = 8 * 1024 * 1024;
    auto server = ProsodyServer::start(options);
    TempDir dir;
    const auto org = createFinance(dir, *server, {"alice", "bob"},
                                   {"--max-document-mib", "1", "--document-types", "pdf,docx"});
    importAndCertify(dir, org.fingerprint, {"alice", "bob"});
    writeDocument(dir / "notes.txt", 1000, 1);
    auto sent =
        member(dir, "alice",
               {"send-file", "--compartment", "finance", "--room", (dir / "notes.txt").string()});
    CHECK(sent.exitCode == 13);
    CHECK_THAT(sent.err, Catch::Contains("accepts only documents of these types: pdf, docx"));
    writeDocument(dir / "big.pdf", 1024 * 1024 + 1, 2);
    sent = member(dir, "alice",
                  {"send-file", "--compartment", "finance", "--room", (dir / "big.pdf").string()});
    CHECK(sent.exitCode == 13);
    CHECK_THAT(sent.err, Catch::Contains("allows at most 1048576"));
    CHECK(uploadedFiles(*server).empty());
    // Within the policy it goes to the room.
    writeDocument(dir / "small.pdf", 1000, 3);
    sent =
        member(dir, "alice",
               {"send-file", "--compartment", "finance", "--room", (dir / "small.pdf").string()});
    INFO(sent.err);
    CHECK(sent.exitCode == 0);
    CHECK(uploadedFiles(*server).size() == 1);
}
