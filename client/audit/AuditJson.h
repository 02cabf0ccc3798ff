// The JSON Lines form of a key-event log and of published log heads. Parsing treats its input
// as hostile: sizes are bounded and every field is checked for type and form.
#pragma once

#include "client/audit/KeyEvent.h"
#include "crypto/Signing.h"

#include <string_view>

namespace cloison::audit {

constexpr std::size_t kMaxLineBytes = 64 * 1024;
// The header line may carry the log key's certificate (a signed device roster, at most 1 MiB,
// JSON-escaped).
constexpr std::size_t kMaxCertificateBytes = 1u << 20;
constexpr std::size_t kMaxHeaderLineBytes = 2 * kMaxCertificateBytes + kMaxLineBytes;

// `certificate`: the organisation's certificate of the log key (provisioning's signed device
// roster), or empty when the compartment holds none.
std::string headerLine(const Bytes& logKey, const LogHead& head, std::string_view certificate = {});
std::string eventLine(const KeyEvent& event);
std::string headLine(const Bytes& logKey, const LogHead& head);

struct ParsedHeader {
    Bytes logKey;
    LogHead head;
    std::string certificate; // empty when the export carries none
};

[[nodiscard]] Result<ParsedHeader> parseHeaderLine(std::string_view line);
[[nodiscard]] Result<KeyEvent> parseEventLine(std::string_view line);
// A published head: {"cloison_log_head":1,"log_key":..., "seq":..., ...}
[[nodiscard]] Result<ParsedHeader> parseHeadLine(std::string_view line);

} // namespace cloison::audit
