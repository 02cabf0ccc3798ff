// JSON output for link checks. Every string is escaped to pure ASCII: quotes, backslashes,
// control characters and every non-ASCII character (bidi controls included) become escapes,
// so a hostile URL cannot break the JSON or reorder a terminal's display. Invalid UTF-8 becomes
// U+FFFD.
#pragma once

#include "client/linkguard/LinkVerdict.h"

#include <string>
#include <string_view>

namespace cloison::linkguard {

std::string jsonString(std::string_view utf8);
// {"url":...,"written":...|null,"verdict":...,"host":...,"ascii_host":...,"imitated":...|null,
//  "reasons":[{"code":...,"detail":...}],"defanged":...|null} on one line.
std::string toJson(const LinkCheck& check);

} // namespace cloison::linkguard
