// What the command-line tools (cloison-cli, cloison-admin) share: number arguments, default
// directories and the exit code of each kind of error, so that scripts see one convention.
#pragma once

#include "crypto/Result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cloison::cli {

// A decimal argument in [min, max], or nothing.
std::optional<long> parseNumber(const std::string& text, long min, long max);
// "a,b,,c" -> {"a", "b", "c"}: a comma-separated list argument, empty items dropped.
// Milliseconds since the epoch as ISO 8601 UTC with milliseconds: 2026-12-01T07:30:00.123Z.
std::string isoTime(std::int64_t ms);
std::vector<std::string> splitCommas(const std::string& text);
// $VARIABLE, else $XDG_DATA_HOME/cloison/LEAF, else ~/.local/share/cloison/LEAF.
std::string defaultDataDir(const char* variable, const char* leaf);
// The exit code documented for an error of this kind (1 when none is specific).
int exitCodeFor(ErrorCode code);

} // namespace cloison::cli
