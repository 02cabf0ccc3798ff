// Documents in and out of a compartment (issue 13), over XEP-0363 uploads and XEP-0454 links.
//
// Sending: the file is read from disk in chunks, encrypted with a fresh AES-256-GCM key and IV
// while it is uploaded (the tag follows the last chunk), and the link with the key goes into
// an OMEMO message. Receiving: the ciphertext is decrypted while it downloads, and each
// plaintext chunk is sealed at once into a file under a fresh key (SealedFileWriter) in the
// compartment's documents directory; only when the GCM tag has verified is that file given its
// final name and its key written to the vault. Refused downloads leave nothing: the sealed
// partial file is removed, and its key only ever existed in guarded memory. Memory use stays
// at a few chunks whatever the file's size.
#pragma once

#include "client/documents/DocumentLink.h"
#include "client/documents/HttpTransfer.h"
#include "client/documents/UploadSlot.h"
#include "client/xmpp/CompartmentService.h"
#include "crypto/DocumentCipher.h"
#include "storage/DocumentRepository.h"

#include <chrono>
#include <deque>
#include <filesystem>

namespace cloison::documents {

// Past this, a document is refused unless the compartment's policy says otherwise.
constexpr std::uint64_t kDefaultMaxDocumentBytes = 1ull << 30;
// The compartment's document policy, in its vault's settings: the largest document in bytes,
// and the file-name extensions allowed (comma-separated, lowercase; empty: any).
constexpr const char* kMaxDocumentBytesKey = "policy.max-document-bytes";
constexpr const char* kDocumentTypesKey = "policy.document-types";

struct DocumentPolicy {
    std::uint64_t maxBytes = kDefaultMaxDocumentBytes;
    std::vector<std::string> extensions; // empty: any
};
[[nodiscard]] Result<DocumentPolicy> documentPolicy(storage::Vault& vault);
[[nodiscard]] Result<void> setDocumentPolicy(storage::Vault& vault, const DocumentPolicy& policy);
// PolicyRefused, saying which limit, when a document of this name and size is not allowed.
[[nodiscard]] Result<void> checkDocumentPolicy(const DocumentPolicy& policy,
                                               const std::string& fileName, std::uint64_t size);

// The name asked for in the slot: random, keeping only the extension, so that the server (and
// whoever reads its disk or logs) does not learn what the document is called.
std::string uploadFileName(const std::filesystem::path& file);
// Ciphertext size for a plaintext of `size` bytes: the tag is appended.
constexpr std::uint64_t ciphertextSize(std::uint64_t size) {
    return size + kDocumentTagBytes;
}

// Through a running compartment: finds its server's upload service (disco#items on `domain`,
// disco#info of the domain and each item), refuses locally a file over the size the service
// advertises, and asks it for a slot for `size` bytes. Events that are not the answers are
// kept, in order, in `other` for the caller. PolicyRefused: too large or refused; NotFound: the
// server offers no upload service; TimedOut.
[[nodiscard]] Result<UploadSlot> requestUploadSlot(xmpp::Compartment& service,
                                                   const std::string& domain,
                                                   const std::string& fileName, std::uint64_t size,
                                                   std::chrono::seconds timeout,
                                                   std::deque<xmpp::ServiceEvent>& other);

// Encrypts `file` (exactly `size` bytes) while uploading it to `slot`; returns the link to
// send. The file changing size meanwhile is an error.
[[nodiscard]] Result<std::string> uploadDocument(const std::filesystem::path& file,
                                                 std::uint64_t size, const UploadSlot& slot,
                                                 const TransferSecurity& security,
                                                 const Progress& progress);

struct ReceivedDocument {
    storage::DocumentRecord record; // id, name, size (conversation and sender left to the caller)
    SecretBytes fileKey;            // for DocumentRepository::add
};

// Downloads and verifies `link` into `documentsDir` (created 0700 if missing) as described
// above; partial files a day old (downloads a crash cut off) are removed first. Errors: WrongKey
// when the tag does not verify (altered, truncated or wrong key), Corrupted when the download was
// cut short, PolicyRefused over `maxBytes`, NotFound when the server no longer has it,
// ServerKeyMismatch, Unreachable.
[[nodiscard]] Result<ReceivedDocument> downloadDocument(const DocumentLink& link,
                                                        const std::filesystem::path& documentsDir,
                                                        std::uint64_t maxBytes,
                                                        const TransferSecurity& security,
                                                        const Progress& progress);
// Keeps `content` as a document of the vault, sealed at rest like a downloaded one (a decoy's
// document, issue 14): `record`'s id and size are set here. Returns the record stored.
[[nodiscard]] Result<storage::DocumentRecord>
keepDocument(storage::Vault& vault, storage::DocumentRecord record, ByteView content);
// Removes a received document's file (when its row could not be written, or is purged).
void discardDocumentFile(const std::filesystem::path& documentsDir, const std::string& id);

// Writes document `id` in plaintext to `output`, which must not exist (AlreadyExists): through
// OUTPUT.partial (mode 0600), renamed only when the whole file read back authentic.
[[nodiscard]] Result<std::uint64_t> exportDocument(storage::Vault& vault, const std::string& id,
                                                   const std::filesystem::path& output);

// The retention policy for documents: rows received before `cutoffMs` and their files.
[[nodiscard]] Result<std::int64_t> purgeDocumentsBefore(storage::Vault& vault,
                                                        std::int64_t cutoffMs);

} // namespace cloison::documents
