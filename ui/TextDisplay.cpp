#include "ui/TextDisplay.h"

#include "client/documents/DocumentLink.h"

#include <QChar>
#include <QCoreApplication>

namespace cloison::ui {

bool isHiddenCharacter(char32_t c) {
    if (c == U'\n' || c == U'\t')
        return false;
    switch (QChar::category(c)) {
    case QChar::Other_Control:       // C0/C1 controls
    case QChar::Other_Format:        // bidi embeddings/overrides/isolates, ZWSP, ZWJ, soft hyphen
    case QChar::Other_Surrogate:     // a lone surrogate
    case QChar::Other_NotAssigned:   // nothing a font should draw
    case QChar::Separator_Line:      // U+2028
    case QChar::Separator_Paragraph: // U+2029
        return true;
    default:
        break;
    }
    // Characters that draw as nothing although Unicode files them as letters or marks: the
    // Hangul fillers, the combining grapheme joiner, variation selectors, the Braille blank.
    return c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0 || c == 0x034F ||
           (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0xE0100 && c <= 0xE01EF) || c == 0x2800 ||
           c == 0x180B || c == 0x180C || c == 0x180D || c == 0x180F;
}

QString visibleText(const QString& text) {
    QString out;
    out.reserve(text.size());
    for (const char32_t c : text.toUcs4()) {
        if (isHiddenCharacter(c))
            out += QStringLiteral("⟨U+%1⟩").arg(
                QString::number(static_cast<unsigned>(c), 16).toUpper().rightJustified(4, u'0'));
        else
            out += QString::fromUcs4(&c, 1);
    }
    return out;
}

RenderedBody renderBody(const std::string& utf8, const linkguard::LinkGuard* guard) {
    RenderedBody body;
    // A document link carries the document's key: it is never shown. The document itself is
    // fetched into the compartment and listed under Documents.
    if (documents::isDocumentLink(utf8)) {
        auto link = documents::parseDocumentLink(utf8);
        const QString name =
            link ? visibleText(QString::fromStdString(link.value().fileName)) : QStringLiteral("?");
        body.text =
            QCoreApplication::translate("cloison::ui", "📄 Document %1 (see Documents)").arg(name);
        return body;
    }
    if (!guard) {
        body.text = visibleText(QString::fromStdString(utf8));
        return body;
    }
    std::size_t at = 0;
    for (const auto& link : linkguard::extractLinks(utf8, guard->suffixes())) {
        if (link.offset < at || link.offset + link.length > utf8.size())
            continue; // the extractor promises ordered links inside the text; never trust blindly
        const linkguard::LinkCheck check = guard->check(link);
        if (!linkguard::needsConfirmation(check.verdict))
            continue;
        body.text += visibleText(QString::fromStdString(utf8.substr(at, link.offset - at)));
        const QString imitated = QString::fromStdString(check.imitated);
        body.text += QStringLiteral("⚠ ") + QString::fromStdString(linkguard::defang(check));
        body.text +=
            check.verdict == linkguard::Verdict::Blocked
                ? QCoreApplication::translate("cloison::ui", " [blocked: on the phishing list]")
            : imitated.isEmpty()
                ? QCoreApplication::translate("cloison::ui", " [suspicious link]")
                : QCoreApplication::translate("cloison::ui", " [suspicious: imitates %1]")
                      .arg(visibleText(imitated));
        ++body.suspiciousLinks;
        at = link.offset + link.length;
    }
    body.text += visibleText(QString::fromStdString(utf8.substr(at)));
    return body;
}

} // namespace cloison::ui
