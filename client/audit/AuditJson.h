// The JSON Lines form of a key-event log and of published log heads. Parsing treats its input
// as hostile: sizes are bounded and every field is checked for type and form.
#pragma once

#include "client/audit/KeyEvent.h"
#include "crypto/Signing.h"

#include <string_view>

namespace cloison::audit {

constexpr std::size_t kMaxLineBytes = 64 * 1024;

std::string headerLine(const Bytes& logKey, const LogHead& head);
std::string eventLine(const KeyEvent& event);
std::string headLine(const Bytes& logKey, const LogHead& head);

struct ParsedHeader {
    Bytes logKey;
    LogHead head;
};

[[nodiscard]] Result<ParsedHeader> parseHeaderLine(std::string_view line);
[[nodiscard]] Result<KeyEvent> parseEventLine(std::string_view line);
// A published head: {"cloison_log_head":1,"log_key":..., "seq":..., ...}
[[nodiscard]] Result<ParsedHeader> parseHeadLine(std::string_view line);

} // namespace cloison::audit
