// Streaming ciphers for documents, so that a file of any size passes through a fixed amount of
// memory.
//
// AesGcmStream: AES-256-GCM as XEP-0454 (OMEMO media sharing) uses it for files on an HTTP
// upload server: a fresh 32-byte key and a 12-byte IV per file (16-byte IVs, which older
// Conversations sent, are accepted for decryption), the 16-byte tag appended to the ciphertext.
// A decryptor's output is NOT authentic until finishDecrypt() accepts the tag: callers keep it
// sealed (SealedFileWriter) and release nothing before then.
//
// SealedFileWriter/Reader: how a compartment keeps a received document at rest: libsodium's
// secretstream (XChaCha20-Poly1305) in 64 KiB chunks under a random per-document key kept in
// the compartment's vault. Every chunk is authenticated and the last one is marked final, so a
// file that was altered, reordered or cut short reads as Corrupted.
#pragma once

#include "crypto/SecretBytes.h"

#include <cstdio>
#include <filesystem>
#include <memory>

namespace cloison {

constexpr std::size_t kDocumentKeyBytes = 32;
constexpr std::size_t kDocumentIvBytes = 12;
constexpr std::size_t kDocumentTagBytes = 16;
// Plaintext per sealed chunk and per I/O step: memory use does not grow with the file.
constexpr std::size_t kDocumentChunkBytes = 64 * 1024;

class AesGcmStream {
public:
    // `key` is 32 bytes; `iv` 12 bytes (or 16 when decrypting a legacy link).
    [[nodiscard]] static Result<AesGcmStream> encryptor(ByteView key, ByteView iv);
    [[nodiscard]] static Result<AesGcmStream> decryptor(ByteView key, ByteView iv);
    ~AesGcmStream();
    AesGcmStream(AesGcmStream&& other) noexcept;
    AesGcmStream& operator=(AesGcmStream&&) = delete;
    AesGcmStream(const AesGcmStream&) = delete;

    // Transforms `in` into `out` (at least in.size() bytes).
    [[nodiscard]] Result<void> update(ByteView in, std::uint8_t* out);
    // Encryptor: the tag to append.
    [[nodiscard]] Result<Bytes> finishEncrypt();
    // Decryptor: WrongKey when the tag does not verify (key, IV, ciphertext or tag altered).
    [[nodiscard]] Result<void> finishDecrypt(ByteView tag);

private:
    explicit AesGcmStream(void* ctx) : m_ctx(ctx) {}
    void* m_ctx; // EVP_CIPHER_CTX, kept out of this header
};

class SealedFileWriter {
public:
    // Creates `path` (mode 0600; AlreadyExists if it is there).
    [[nodiscard]] static Result<SealedFileWriter> create(const std::filesystem::path& path,
                                                         const SecretBytes& key);
    ~SealedFileWriter(); // an unfinished file is removed
    SealedFileWriter(SealedFileWriter&& other) noexcept;
    SealedFileWriter& operator=(SealedFileWriter&&) = delete;
    SealedFileWriter(const SealedFileWriter&) = delete;

    [[nodiscard]] Result<void> write(ByteView plaintext);
    // Seals the last chunk as final and flushes the file to disk.
    [[nodiscard]] Result<void> finish();
    std::uint64_t plaintextBytes() const { return m_total; }

private:
    SealedFileWriter() = default;
    Result<void> sealChunk(bool final);
    std::filesystem::path m_path;
    std::FILE* m_file = nullptr;
    std::unique_ptr<SecretBytes> m_state; // crypto_secretstream state: secret, so guarded
    SecretBytes m_pending;                // plaintext waiting for a full chunk
    std::size_t m_pendingBytes = 0;
    Bytes m_sealed;
    std::uint64_t m_total = 0;
};

class SealedFileReader {
public:
    [[nodiscard]] static Result<SealedFileReader> open(const std::filesystem::path& path,
                                                       const SecretBytes& key);
    ~SealedFileReader();
    SealedFileReader(SealedFileReader&& other) noexcept;
    SealedFileReader& operator=(SealedFileReader&&) = delete;
    SealedFileReader(const SealedFileReader&) = delete;

    // The next chunk's plaintext into `out` (kDocumentChunkBytes at least); 0 once the final
    // chunk has been read. Corrupted when a chunk does not authenticate, the file ends before
    // its final chunk, or anything follows it.
    [[nodiscard]] Result<std::size_t> read(SecretBytes& out);

private:
    SealedFileReader() = default;
    std::FILE* m_file = nullptr;
    std::unique_ptr<SecretBytes> m_state;
    Bytes m_sealed;
    bool m_finished = false;
};

} // namespace cloison
