// Watermarked canary documents (issue 14): a decoy compartment's document names the device it
// was issued to, so that a leaked copy tells the admin whose data was taken.
//
// Each document gets a 64-bit marker, a MAC under a key that never leaves the admin vault (so
// no one else can make a marker that identifies, nor tell which device a copy names). The
// marker is carried twice, in ways a copy re-saved as plain text, re-wrapped or with its
// whitespace changed keeps:
//   - a reference number, "Ref. XXXX-XXXX-XXXX-XXXX" (the marker in hex), at the top and the
//     bottom, as document-control numbers look;
//   - word choices: the text is written from a template with kWatermarkChoices places that
//     each read one of two equivalent phrasings; the marker's MAC picks which. A copy whose
//     reference was cut or edited out still names its device when enough of the text is left.
// identifyDocument() looks for both after folding case and whitespace: a reference that is a
// marker we issued, or a document whose phrasings match one marker's at kMinChoicesSeen places
// with at most one disagreeing (a chance match of another marker is about 1 in 700,000).
#pragma once

#include "crypto/Result.h"
#include "crypto/SecretBytes.h"
#include "storage/Vault.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cloison::provisioning {

constexpr std::size_t kWatermarkChoices = 39;
constexpr std::size_t kMinChoicesSeen = 24;
// Larger files are not canary documents of ours: refused unread.
constexpr std::size_t kMaxIdentifyBytes = 4 * 1024 * 1024;

// What the admin vault records for each marker issued.
struct WatermarkRecord {
    std::uint64_t marker = 0;
    std::int64_t issuedAtMs = 0;
    std::string member;      // the member's account JID the admin named
    std::string memberName;  // the display name of their enrolment
    std::string device;      // the fingerprint of the enrolled profile's key
    std::string compartment; // the decoy compartment the document is in
};

// A marker as 16 lowercase hex digits, as records and `canary identify` show it.
[[nodiscard]] std::string markerHex(std::uint64_t marker);

// The admin vault's watermark key, made on first use.
[[nodiscard]] Result<SecretBytes> watermarkKey(storage::Vault& adminVault);
[[nodiscard]] Result<std::vector<WatermarkRecord>> loadWatermarks(storage::Vault& adminVault);
// Makes a fresh marker for `record` (its marker field is set), records it, and returns the
// record. InvalidArgument for fields with line breaks.
[[nodiscard]] Result<WatermarkRecord> issueWatermark(storage::Vault& adminVault,
                                                     WatermarkRecord record);

// The names and dates a document mentions around the watermarked text.
struct DocumentSetting {
    std::string author;
    std::vector<std::string> recipients;
    std::string date; // "14 November 2026"
};
// The plain-text document carrying `marker`, wrapped at 72 columns.
[[nodiscard]] std::string watermarkedDocument(const SecretBytes& key, std::uint64_t marker,
                                              const DocumentSetting& setting);

struct Identification {
    WatermarkRecord record;
    bool byReference = false;
    std::size_t choicesSeen = 0;     // template places found in the text
    std::size_t choicesMatching = 0; // of those, the ones that read as the marker says
};
// The record whose marker the text carries, or nothing when it carries none of ours (or too
// little of one is left to tell). A reference contradicted by the word choices is not taken.
[[nodiscard]] std::optional<Identification>
identifyDocument(std::string_view text, const SecretBytes& key,
                 const std::vector<WatermarkRecord>& records);

} // namespace cloison::provisioning
