#include "crypto/DocumentCipher.h"

#include <openssl/evp.h>
#include <sodium.h>
#include <unistd.h>

#include <fcntl.h>

#include <climits>
#include <cstring>

namespace cloison {
namespace {

// A sealed file starts with this, then secretstream's header: a file of another kind, or of a
// later format, is recognised before any key is tried.
constexpr char kSealedMagic[8] = {'c', 'l', 's', 'd', 'o', 'c', '1', '\n'};
constexpr std::size_t kSealedChunkBytes =
    kDocumentChunkBytes + crypto_secretstream_xchacha20poly1305_ABYTES;

EVP_CIPHER_CTX* ctxOf(void* ctx) {
    return static_cast<EVP_CIPHER_CTX*>(ctx);
}

Error gcmFailed(const char* what) {
    return makeError(ErrorCode::Crypto, std::string("AES-256-GCM: ") + what + " failed");
}

Result<void*> makeStream(ByteView key, ByteView iv, bool encrypt) {
    if (key.size() != kDocumentKeyBytes)
        return makeError(ErrorCode::InvalidArgument, "a document key is 32 bytes");
    if (iv.size() != kDocumentIvBytes && !(iv.size() == 16 && !encrypt))
        return makeError(ErrorCode::InvalidArgument, "a document IV is 12 bytes (or 16)");
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    if (!ctx)
        return gcmFailed("allocation");
    const int ok =
        EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr, encrypt ? 1 : 0) ==
            1 &&
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) ==
            1 &&
        EVP_CipherInit_ex(ctx, nullptr, nullptr, key.data(), iv.data(), encrypt ? 1 : 0) == 1;
    if (!ok) {
        EVP_CIPHER_CTX_free(ctx);
        return gcmFailed("setup");
    }
    return static_cast<void*>(ctx);
}

Error ioError(const std::filesystem::path& path, const char* what) {
    return makeError(ErrorCode::Io, std::string("cannot ") + what + " " + path.filename().string() +
                                        ": " + std::strerror(errno));
}

} // namespace

Result<AesGcmStream> AesGcmStream::encryptor(ByteView key, ByteView iv) {
    auto ctx = makeStream(key, iv, true);
    if (!ctx)
        return ctx.error();
    return AesGcmStream(ctx.value());
}

Result<AesGcmStream> AesGcmStream::decryptor(ByteView key, ByteView iv) {
    auto ctx = makeStream(key, iv, false);
    if (!ctx)
        return ctx.error();
    return AesGcmStream(ctx.value());
}

AesGcmStream::~AesGcmStream() {
    EVP_CIPHER_CTX_free(ctxOf(m_ctx)); // wipes the key schedule
}

AesGcmStream::AesGcmStream(AesGcmStream&& other) noexcept : m_ctx(other.m_ctx) {
    other.m_ctx = nullptr;
}

Result<void> AesGcmStream::update(ByteView in, std::uint8_t* out) {
    if (in.empty())
        return {};
    if (in.size() > static_cast<std::size_t>(INT_MAX))
        return makeError(ErrorCode::InvalidArgument, "AES-256-GCM: step too large");
    int written = 0;
    if (EVP_CipherUpdate(ctxOf(m_ctx), out, &written, in.data(), static_cast<int>(in.size())) !=
            1 ||
        static_cast<std::size_t>(written) != in.size())
        return gcmFailed("update");
    return {};
}

Result<Bytes> AesGcmStream::finishEncrypt() {
    int tail = 0;
    std::uint8_t none[16];
    Bytes tag(kDocumentTagBytes);
    if (EVP_EncryptFinal_ex(ctxOf(m_ctx), none, &tail) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctxOf(m_ctx), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag.size()),
                            tag.data()) != 1)
        return gcmFailed("finalisation");
    return tag;
}

Result<void> AesGcmStream::finishDecrypt(ByteView tag) {
    if (tag.size() != kDocumentTagBytes)
        return makeError(ErrorCode::Corrupted, "the document is shorter than its tag");
    Bytes copy(tag.begin(), tag.end()); // OpenSSL's ctrl takes a non-const pointer
    int tail = 0;
    std::uint8_t none[16];
    if (EVP_CIPHER_CTX_ctrl(ctxOf(m_ctx), EVP_CTRL_GCM_SET_TAG, static_cast<int>(copy.size()),
                            copy.data()) != 1)
        return gcmFailed("tag setup");
    if (EVP_DecryptFinal_ex(ctxOf(m_ctx), none, &tail) != 1)
        return makeError(ErrorCode::WrongKey,
                         "the document does not authenticate: it was altered, cut short, or the "
                         "key in its link is wrong");
    return {};
}

Result<SealedFileWriter> SealedFileWriter::create(const std::filesystem::path& path,
                                                  const SecretBytes& key) {
    if (key.size() != crypto_secretstream_xchacha20poly1305_KEYBYTES)
        return makeError(ErrorCode::InvalidArgument, "a sealed-file key is 32 bytes");
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return errno == EEXIST ? makeError(ErrorCode::AlreadyExists,
                                           path.filename().string() + " already exists")
                               : ioError(path, "create");
    SealedFileWriter writer;
    writer.m_path = path;
    writer.m_file = ::fdopen(fd, "wb");
    if (!writer.m_file) {
        ::close(fd);
        ::unlink(path.c_str());
        return ioError(path, "open");
    }
    writer.m_state =
        std::make_unique<SecretBytes>(crypto_secretstream_xchacha20poly1305_statebytes());
    writer.m_pending = SecretBytes(kDocumentChunkBytes);
    writer.m_sealed.resize(kSealedChunkBytes);
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    crypto_secretstream_xchacha20poly1305_init_push(
        reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(writer.m_state->data()),
        header, key.data());
    if (std::fwrite(kSealedMagic, 1, sizeof kSealedMagic, writer.m_file) != sizeof kSealedMagic ||
        std::fwrite(header, 1, sizeof header, writer.m_file) != sizeof header)
        return ioError(path, "write");
    return writer;
}

SealedFileWriter::SealedFileWriter(SealedFileWriter&& other) noexcept
    : m_path(std::move(other.m_path)), m_file(other.m_file), m_state(std::move(other.m_state)),
      m_pending(std::move(other.m_pending)), m_pendingBytes(other.m_pendingBytes),
      m_sealed(std::move(other.m_sealed)), m_total(other.m_total) {
    other.m_file = nullptr;
    other.m_path.clear();
}

SealedFileWriter::~SealedFileWriter() {
    if (m_file) {
        std::fclose(m_file);
        ::unlink(m_path.c_str()); // never finished: not a document
    }
}

Result<void> SealedFileWriter::sealChunk(bool final) {
    unsigned long long sealedLen = 0;
    crypto_secretstream_xchacha20poly1305_push(
        reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(m_state->data()),
        m_sealed.data(), &sealedLen, m_pending.data(), m_pendingBytes, nullptr, 0,
        final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
    sodium_memzero(m_pending.data(), m_pendingBytes);
    m_pendingBytes = 0;
    if (std::fwrite(m_sealed.data(), 1, sealedLen, m_file) != sealedLen)
        return ioError(m_path, "write");
    return {};
}

Result<void> SealedFileWriter::write(ByteView plaintext) {
    if (!m_file)
        return makeError(ErrorCode::Internal, "the sealed file is already finished");
    while (!plaintext.empty()) {
        // A full chunk is sealed only once more data comes: the last one must be marked final.
        if (m_pendingBytes == kDocumentChunkBytes)
            if (auto sealed = sealChunk(false); !sealed)
                return sealed;
        const std::size_t take = std::min(plaintext.size(), kDocumentChunkBytes - m_pendingBytes);
        std::memcpy(m_pending.data() + m_pendingBytes, plaintext.data(), take);
        m_pendingBytes += take;
        m_total += take;
        plaintext = plaintext.subspan(take);
    }
    return {};
}

Result<void> SealedFileWriter::finish() {
    if (!m_file)
        return makeError(ErrorCode::Internal, "the sealed file is already finished");
    if (auto sealed = sealChunk(true); !sealed)
        return sealed;
    const bool flushed = std::fflush(m_file) == 0 && ::fsync(::fileno(m_file)) == 0;
    const bool closed = std::fclose(m_file) == 0;
    m_file = nullptr;
    if (!flushed || !closed) {
        ::unlink(m_path.c_str());
        return ioError(m_path, "flush");
    }
    return {};
}

Result<SealedFileReader> SealedFileReader::open(const std::filesystem::path& path,
                                                const SecretBytes& key) {
    if (key.size() != crypto_secretstream_xchacha20poly1305_KEYBYTES)
        return makeError(ErrorCode::InvalidArgument, "a sealed-file key is 32 bytes");
    SealedFileReader reader;
    reader.m_file = std::fopen(path.c_str(), "rbe");
    if (!reader.m_file)
        return errno == ENOENT
                   ? makeError(ErrorCode::NotFound,
                               "the document's file " + path.filename().string() + " is missing")
                   : ioError(path, "open");
    char magic[sizeof kSealedMagic];
    unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
    if (std::fread(magic, 1, sizeof magic, reader.m_file) != sizeof magic ||
        std::memcmp(magic, kSealedMagic, sizeof magic) != 0 ||
        std::fread(header, 1, sizeof header, reader.m_file) != sizeof header)
        return makeError(ErrorCode::Corrupted, "the document's file is not a sealed document");
    reader.m_state =
        std::make_unique<SecretBytes>(crypto_secretstream_xchacha20poly1305_statebytes());
    if (crypto_secretstream_xchacha20poly1305_init_pull(
            reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(reader.m_state->data()),
            header, key.data()) != 0)
        return makeError(ErrorCode::Corrupted, "the document's file has a damaged header");
    reader.m_sealed.resize(kSealedChunkBytes);
    return reader;
}

SealedFileReader::SealedFileReader(SealedFileReader&& other) noexcept
    : m_file(other.m_file), m_state(std::move(other.m_state)), m_sealed(std::move(other.m_sealed)),
      m_finished(other.m_finished) {
    other.m_file = nullptr;
}

SealedFileReader::~SealedFileReader() {
    if (m_file)
        std::fclose(m_file);
}

Result<std::size_t> SealedFileReader::read(SecretBytes& out) {
    if (out.size() < kDocumentChunkBytes)
        return makeError(ErrorCode::InvalidArgument, "the read buffer is smaller than a chunk");
    const Error damaged =
        makeError(ErrorCode::Corrupted, "the stored document was altered or cut short");
    if (m_finished) {
        if (std::fgetc(m_file) != EOF)
            return damaged; // something after the final chunk
        return std::size_t{0};
    }
    const std::size_t got = std::fread(m_sealed.data(), 1, m_sealed.size(), m_file);
    if (got < crypto_secretstream_xchacha20poly1305_ABYTES)
        return damaged; // ends before its final chunk
    unsigned long long plainLen = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(
            reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(m_state->data()),
            out.data(), &plainLen, &tag, m_sealed.data(), got, nullptr, 0) != 0)
        return damaged;
    if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)
        m_finished = true;
    else if (got != m_sealed.size())
        return damaged; // a short chunk that is not the final one
    if (plainLen == 0 && m_finished)
        return read(out); // an empty final chunk: check the end, report the end
    return static_cast<std::size_t>(plainLen);
}

} // namespace cloison
