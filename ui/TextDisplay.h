// How message text reaches the screen: as characters, never as markup. Everything that would
// change how the text reads without being seen (bidi overrides, zero-width characters, other
// format and control characters) is shown by name, e.g. "⟨U+202E⟩", and links the link guard
// finds suspicious are shown defanged.
#pragma once

#include "client/linkguard/LinkGuard.h"

#include <QString>

#include <string>

namespace cloison::ui {

// True for a code point that is shown as "⟨U+XXXX⟩" instead of being drawn (or applied).
bool isHiddenCharacter(char32_t codePoint);

// The text with every hidden character replaced by "⟨U+XXXX⟩". Newlines and tabs stay.
QString visibleText(const QString& text);

struct RenderedBody {
    QString text;
    int suspiciousLinks = 0;
};

// A message body for the message list: visibleText(), and each lookalike or blocked link
// replaced by its defanged form with a warning. `guard` may be null (no link checking).
RenderedBody renderBody(const std::string& utf8, const linkguard::LinkGuard* guard);

} // namespace cloison::ui
