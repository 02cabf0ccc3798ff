#include "client/documents/DocumentTransfer.h"

#include "crypto/DocumentCipher.h"
#include "crypto/Hash.h"
#include "storage/SettingsRepository.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace cloison::documents {
namespace {

constexpr const char* kSealedSuffix = ".doc";
constexpr const char* kPartialSuffix = ".part";

std::string lowercase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    });
    return text;
}

std::string extensionOf(const std::string& fileName) {
    const auto dot = fileName.rfind('.');
    return dot == std::string::npos || dot + 1 == fileName.size()
               ? std::string()
               : lowercase(fileName.substr(dot + 1));
}

struct FileCloser {
    void operator()(std::FILE* file) const { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

Error ioError(const std::string& what, const std::filesystem::path& path) {
    return makeError(ErrorCode::Io,
                     "cannot " + what + " " + path.string() + ": " + std::strerror(errno));
}

// A download cut off by a crash or a kill leaves its partial file, sealed under a key that
// only that process held: noise. One a day old is no live download's; it goes.
void removeAbandonedDownloads(const std::filesystem::path& documentsDir) {
    std::error_code error;
    const auto dayAgo = std::filesystem::file_time_type::clock::now() - std::chrono::hours(24);
    for (const auto& entry : std::filesystem::directory_iterator(documentsDir, error)) {
        std::error_code ignored;
        if (entry.path().extension() == kPartialSuffix && entry.last_write_time(ignored) < dayAgo &&
            !ignored)
            std::filesystem::remove(entry.path(), ignored);
    }
}

} // namespace

Result<DocumentPolicy> documentPolicy(storage::Vault& vault) {
    storage::SettingsRepository settings(vault);
    DocumentPolicy policy;
    auto max = settings.get(kMaxDocumentBytesKey);
    if (!max)
        return max.error();
    if (max.value()) {
        const std::string text(max.value()->begin(), max.value()->end());
        std::uint64_t bytes = 0;
        if (!parseCanonicalDecimal(text, UINT64_MAX / 2, bytes) || bytes == 0)
            return makeError(ErrorCode::Corrupted, "the compartment's document policy is damaged");
        policy.maxBytes = bytes;
    }
    auto types = settings.get(kDocumentTypesKey);
    if (!types)
        return types.error();
    if (types.value()) {
        const std::string text(types.value()->begin(), types.value()->end());
        std::size_t start = 0;
        while (start < text.size()) {
            const auto comma = std::min(text.find(',', start), text.size());
            if (comma > start)
                policy.extensions.push_back(text.substr(start, comma - start));
            start = comma + 1;
        }
    }
    return policy;
}

Result<void> setDocumentPolicy(storage::Vault& vault, const DocumentPolicy& policy) {
    std::string types;
    for (const std::string& extension : policy.extensions) {
        const std::string clean =
            lowercase(extension.starts_with('.') ? extension.substr(1) : extension);
        if (clean.empty() || clean.find_first_of(",./ ") != std::string::npos)
            return makeError(ErrorCode::InvalidArgument,
                             "a document type is a file extension such as pdf or docx");
        types += (types.empty() ? "" : ",") + clean;
    }
    if (policy.maxBytes == 0)
        return makeError(ErrorCode::InvalidArgument, "the largest document must be over 0 bytes");
    storage::SettingsRepository settings(vault);
    return settings.atomically([&]() -> Result<void> {
        if (auto put = settings.put(kMaxDocumentBytesKey, asBytes(std::to_string(policy.maxBytes)));
            !put)
            return put;
        return types.empty() ? settings.remove(kDocumentTypesKey)
                             : settings.put(kDocumentTypesKey, asBytes(types));
    });
}

Result<void> checkDocumentPolicy(const DocumentPolicy& policy, const std::string& fileName,
                                 std::uint64_t size) {
    if (size > policy.maxBytes)
        return makeError(ErrorCode::PolicyRefused, "the document is " + std::to_string(size) +
                                                       " bytes; this compartment allows at most " +
                                                       std::to_string(policy.maxBytes));
    if (!policy.extensions.empty() && std::find(policy.extensions.begin(), policy.extensions.end(),
                                                extensionOf(fileName)) == policy.extensions.end()) {
        std::string allowed;
        for (const std::string& extension : policy.extensions)
            allowed += (allowed.empty() ? "" : ", ") + extension;
        return makeError(ErrorCode::PolicyRefused,
                         "this compartment accepts only documents of these types: " + allowed);
    }
    return {};
}

std::string uploadFileName(const std::filesystem::path& file) {
    const std::string extension = extensionOf(file.filename().string());
    const bool plain = !extension.empty() && extension.size() <= 8 &&
                       std::all_of(extension.begin(), extension.end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
                       });
    return randomId().substr(0, 16) + (plain ? "." + extension : std::string());
}

Result<UploadSlot> requestUploadSlot(xmpp::Compartment& service, const std::string& domain,
                                     const std::string& fileName, std::uint64_t size,
                                     std::chrono::seconds timeout,
                                     std::deque<xmpp::ServiceEvent>& other) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    // One request at a time; the answer, or an error saying why there is none.
    auto ask = [&](const xml::Element& request, const std::string& to) -> Result<xml::Element> {
        const std::string id(request.attribute("id").value_or(""));
        service.query(xml::serialize(request), to, id);
        while (std::chrono::steady_clock::now() < deadline) {
            auto event = service.nextEvent(std::chrono::milliseconds(100));
            if (!event)
                continue;
            if (event->type != xmpp::ServiceEvent::Type::QueryAnswered || event->stanzaId != id) {
                other.push_back(std::move(*event));
                continue;
            }
            if (event->text.empty())
                return event->error;
            return xml::parse(event->text);
        }
        return makeError(ErrorCode::TimedOut, "the server did not answer the upload request");
    };
    auto items = ask(discoItemsRequest(domain, "cloison-disco-" + randomId()), domain);
    if (!items)
        return items.error();
    std::vector<std::string> candidates{domain};
    for (std::string& jid : discoItems(items.value()))
        candidates.push_back(std::move(jid));
    std::optional<UploadService> found;
    for (const std::string& jid : candidates) {
        auto info = ask(discoInfoRequest(jid, "cloison-disco-" + randomId()), jid);
        if (!info)
            return info.error();
        if ((found = uploadServiceFrom(info.value(), jid)))
            break;
    }
    if (!found)
        return makeError(ErrorCode::NotFound,
                         "the compartment's server offers no HTTP file upload (XEP-0363)");
    if (found->maxFileSize && size > *found->maxFileSize)
        return makeError(ErrorCode::PolicyRefused,
                         "the file is too large for the server: " + std::to_string(size) +
                             " bytes encrypted, the server accepts at most " +
                             std::to_string(*found->maxFileSize));
    auto answer = ask(slotRequest(*found, fileName, size, "application/octet-stream",
                                  "cloison-slot-" + randomId()),
                      found->jid);
    if (!answer)
        return answer.error();
    return slotFrom(answer.value());
}

Result<std::string> uploadDocument(const std::filesystem::path& file, std::uint64_t size,
                                   const UploadSlot& slot, const TransferSecurity& security,
                                   const Progress& progress) {
    File in(std::fopen(file.c_str(), "rbe"));
    if (!in)
        return ioError("read", file);
    SecretBytes key = SecretBytes::random(kDocumentKeyBytes);
    SecretBytes iv = SecretBytes::random(kDocumentIvBytes);
    auto cipher = AesGcmStream::encryptor(key.view(), iv.view());
    if (!cipher)
        return cipher.error();
    // Plaintext passes through guarded memory; the ciphertext goes straight to libcurl.
    SecretBytes plain(kDocumentChunkBytes);
    std::uint64_t sent = 0;
    Bytes tag;
    std::size_t tagSent = 0;
    Source source = [&](std::uint8_t* buffer, std::size_t capacity) -> Result<std::size_t> {
        if (sent < size) {
            const std::size_t want = static_cast<std::size_t>(
                std::min<std::uint64_t>({capacity, plain.size(), size - sent}));
            const std::size_t got = std::fread(plain.data(), 1, want, in.get());
            if (got != want)
                return makeError(ErrorCode::Io, "the file changed or could not be read while "
                                                "it was being sent");
            if (auto done = cipher.value().update(ByteView(plain.data(), got), buffer); !done)
                return done.error();
            sent += got;
            return got;
        }
        if (tag.empty()) {
            if (std::fgetc(in.get()) != EOF)
                return makeError(ErrorCode::Io, "the file grew while it was being sent");
            auto finished = cipher.value().finishEncrypt();
            if (!finished)
                return finished.error();
            tag = std::move(finished.value());
        }
        const std::size_t n = std::min(capacity, tag.size() - tagSent);
        std::memcpy(buffer, tag.data() + tagSent, n);
        tagSent += n;
        return n;
    };
    if (auto put = httpPut(slot.putUrl, slot.putHeaders, "application/octet-stream",
                           ciphertextSize(size), source, security, progress);
        !put)
        return put.error();
    return formatDocumentLink(slot.getUrl, iv, key);
}

void discardDocumentFile(const std::filesystem::path& documentsDir, const std::string& id) {
    std::error_code ignored;
    std::filesystem::remove(documentsDir / (id + kSealedSuffix), ignored);
    std::filesystem::remove(documentsDir / (id + kPartialSuffix), ignored);
}

Result<ReceivedDocument> downloadDocument(const DocumentLink& link,
                                          const std::filesystem::path& documentsDir,
                                          std::uint64_t maxBytes, const TransferSecurity& security,
                                          const Progress& progress) {
    if (auto allowed = checkTransferUrl(link.url, security); !allowed)
        return allowed.error();
    if (::mkdir(documentsDir.c_str(), 0700) != 0 && errno != EEXIST)
        return ioError("create", documentsDir);
    removeAbandonedDownloads(documentsDir);
    auto cipher = AesGcmStream::decryptor(link.key.view(), link.iv.view());
    if (!cipher)
        return cipher.error();
    ReceivedDocument out;
    out.record.id = randomId();
    out.record.name = link.fileName;
    out.fileKey = SecretBytes::random(kDocumentKeyBytes);
    const std::filesystem::path partial = documentsDir / (out.record.id + kPartialSuffix);
    auto writer = SealedFileWriter::create(partial, out.fileKey);
    if (!writer)
        return writer.error();
    // The last 16 bytes received are the tag, not ciphertext: they are held back until the
    // next bytes arrive or the download ends.
    Bytes held;
    held.reserve(kDocumentTagBytes);
    // Both buffers are made once: a transfer allocates nothing per chunk.
    Bytes window;
    window.reserve(kDocumentChunkBytes + kDocumentTagBytes);
    SecretBytes plain(kDocumentChunkBytes + kDocumentTagBytes);
    std::uint64_t received = 0;
    const std::uint64_t limit = ciphertextSize(maxBytes);
    Sink sink = [&](ByteView bytes) -> Result<void> {
        received += bytes.size();
        if (received > limit)
            return makeError(ErrorCode::PolicyRefused,
                             "the document is larger than this compartment accepts (" +
                                 std::to_string(maxBytes) + " bytes)");
        while (!bytes.empty()) {
            // Ciphertext is what comes before the last 16 bytes seen so far.
            const std::size_t step = std::min(bytes.size(), kDocumentChunkBytes);
            window.assign(held.begin(), held.end());
            window.insert(window.end(), bytes.begin(), bytes.begin() + step);
            bytes = bytes.subspan(step);
            const std::size_t ready =
                window.size() > kDocumentTagBytes ? window.size() - kDocumentTagBytes : 0;
            if (ready > 0) {
                if (auto done = cipher.value().update(ByteView(window.data(), ready), plain.data());
                    !done)
                    return done;
                if (auto sealed = writer.value().write(ByteView(plain.data(), ready)); !sealed)
                    return sealed;
            }
            held.assign(window.begin() + static_cast<std::ptrdiff_t>(ready), window.end());
        }
        return {};
    };
    auto fetched = httpGet(link.url, limit, sink, security, progress);
    if (!fetched)
        return fetched.error(); // the writer's destructor removes the partial file
    if (auto verified = cipher.value().finishDecrypt(held); !verified)
        return verified.error();
    if (auto finished = writer.value().finish(); !finished)
        return finished.error();
    out.record.size = static_cast<std::int64_t>(writer.value().plaintextBytes());
    if (std::rename(partial.c_str(), (documentsDir / (out.record.id + kSealedSuffix)).c_str()) !=
        0) {
        discardDocumentFile(documentsDir, out.record.id);
        return ioError("store", partial);
    }
    return out;
}

Result<storage::DocumentRecord> keepDocument(storage::Vault& vault, storage::DocumentRecord record,
                                             ByteView content) {
    const std::filesystem::path dir = storage::documentsDirOf(vault);
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return ioError("create", dir);
    record.id = randomId();
    record.size = static_cast<std::int64_t>(content.size());
    const SecretBytes key = SecretBytes::random(kDocumentKeyBytes);
    auto writer = SealedFileWriter::create(dir / (record.id + kSealedSuffix), key);
    if (!writer)
        return writer.error();
    for (std::size_t at = 0; at < content.size(); at += kDocumentChunkBytes) {
        const std::size_t step = std::min(kDocumentChunkBytes, content.size() - at);
        if (auto written = writer.value().write(content.subspan(at, step)); !written)
            return written.error();
    }
    if (auto finished = writer.value().finish(); !finished)
        return finished.error();
    if (auto added = storage::DocumentRepository(vault).add(record, key); !added) {
        discardDocumentFile(dir, record.id);
        return added.error();
    }
    return record;
}

Result<std::uint64_t> exportDocument(storage::Vault& vault, const std::string& id,
                                     const std::filesystem::path& output) {
    storage::DocumentRepository documents(vault);
    auto record = documents.find(id);
    if (!record)
        return record.error();
    auto key = documents.fileKey(id);
    if (!key)
        return key.error();
    std::error_code exists;
    if (std::filesystem::exists(output, exists))
        return makeError(ErrorCode::AlreadyExists,
                         output.string() + " already exists; nothing was written");
    auto reader =
        SealedFileReader::open(storage::documentsDirOf(vault) / (id + kSealedSuffix), key.value());
    if (!reader)
        return reader.error();
    std::filesystem::path partial = output;
    partial += ".partial";
    const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return ioError("create", partial);
    File out(::fdopen(fd, "wb"));
    if (!out) {
        ::close(fd);
        ::unlink(partial.c_str());
        return ioError("open", partial);
    }
    SecretBytes chunk(kDocumentChunkBytes);
    std::uint64_t total = 0;
    auto fail = [&](Error error) -> Result<std::uint64_t> {
        out.reset();
        ::unlink(partial.c_str());
        return error;
    };
    for (;;) {
        auto got = reader.value().read(chunk);
        if (!got)
            return fail(got.error());
        if (got.value() == 0)
            break;
        if (std::fwrite(chunk.data(), 1, got.value(), out.get()) != got.value())
            return fail(ioError("write", partial));
        total += got.value();
    }
    if (std::fflush(out.get()) != 0 || ::fsync(::fileno(out.get())) != 0)
        return fail(ioError("write", partial));
    out.reset();
    // Never over a file that appeared meanwhile: the export loses nothing of anyone's.
    if (::renameat2(AT_FDCWD, partial.c_str(), AT_FDCWD, output.c_str(), RENAME_NOREPLACE) != 0) {
        const bool taken = errno == EEXIST;
        ::unlink(partial.c_str());
        if (taken)
            return makeError(ErrorCode::AlreadyExists,
                             output.string() + " already exists; nothing was written");
        return ioError("write", output);
    }
    return total;
}

Result<std::int64_t> purgeDocumentsBefore(storage::Vault& vault, std::int64_t cutoffMs) {
    auto purged = storage::DocumentRepository(vault).purgeReceivedBefore(cutoffMs);
    if (!purged)
        return purged.error();
    // The rows (and so the keys) are gone; the files are noise now, and removed as well.
    for (const std::string& id : purged.value())
        discardDocumentFile(storage::documentsDirOf(vault), id);
    return static_cast<std::int64_t>(purged.value().size());
}

} // namespace cloison::documents
