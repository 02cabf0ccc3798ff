#include "ui/DeviceVerification.h"

#include "ui/TextDisplay.h"

#include <QCheckBox>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace cloison::ui {

QString groupedFingerprint(const QString& fingerprint) {
    QStringList groups = fingerprint.split(u' ', Qt::SkipEmptyParts);
    QStringList lines;
    for (qsizetype i = 0; i < groups.size(); i += 4)
        lines << groups.mid(i, 4).join(u' ');
    return lines.join(u'\n');
}

VerifyDeviceDialog::VerifyDeviceDialog(const Side& own, const Side& contact, bool keyChanged,
                                       QWidget* parent)
    : QDialog(parent), m_contact(contact), m_ownFingerprint(new QLabel(this)),
      m_contactFingerprint(new QLabel(this)), m_compared(new QCheckBox(this)),
      m_verify(new QPushButton(this)), m_cancel(new QPushButton(this)) {
    setObjectName(QStringLiteral("verifyDeviceDialog"));
    setWindowTitle(tr("Verify a device"));
    setAcceptDrops(false);
    auto* layout = new QVBoxLayout(this);

    auto* intro = new QLabel(this);
    intro->setTextFormat(Qt::PlainText);
    intro->setWordWrap(true);
    QString text =
        tr("Compare these two fingerprints with %1 in person, or over another channel you "
           "trust (a phone call, not this chat). Their screen must show the same two, digit "
           "by digit. If any digit differs, someone may be reading along: do not verify.")
            .arg(visibleText(contact.jid));
    if (keyChanged)
        text += u'\n' + tr("⚠ This device had another key when it was verified before. A new "
                           "key can mean a reinstalled app, or someone else's device.");
    intro->setText(text);
    layout->addWidget(intro);

    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    auto* grid = new QGridLayout;
    auto addSide = [&](int column, const QString& title, const Side& side, QLabel* label,
                       const QString& accessible) {
        auto* heading = new QLabel(title.arg(visibleText(side.jid)).arg(side.device), this);
        heading->setTextFormat(Qt::PlainText);
        heading->setWordWrap(true);
        grid->addWidget(heading, 0, column);
        label->setTextFormat(Qt::PlainText);
        label->setFont(mono);
        label->setText(groupedFingerprint(side.fingerprint));
        label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        label->setAccessibleName(accessible);
        label->setStyleSheet(QStringLiteral("padding: 6px; border: 1px solid #999;"));
        grid->addWidget(label, 1, column);
    };
    addSide(0, tr("Yours (%1, device %2)"), own, m_ownFingerprint, tr("Your fingerprint"));
    addSide(1, tr("Theirs (%1, device %2)"), contact, m_contactFingerprint,
            tr("Their device's fingerprint"));
    m_ownFingerprint->setObjectName(QStringLiteral("ownFingerprint"));
    m_contactFingerprint->setObjectName(QStringLiteral("contactFingerprint"));
    layout->addLayout(grid);

    m_compared->setText(
        tr("I &compared both with %1 and they match").arg(visibleText(contact.jid)));
    m_compared->setAccessibleName(tr("I compared both fingerprints and they match"));
    m_compared->setObjectName(QStringLiteral("comparedCheck"));
    layout->addWidget(m_compared);

    m_verify->setText(tr("&Verify this device"));
    m_verify->setAccessibleName(tr("Verify this device: the fingerprints match"));
    m_verify->setObjectName(QStringLiteral("confirmVerify"));
    m_verify->setEnabled(false);
    m_verify->setAutoDefault(false);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setAccessibleName(tr("Cancel: do not verify this device"));
    m_cancel->setObjectName(QStringLiteral("cancelVerify"));
    // Enter must never verify: the default is to change nothing.
    m_cancel->setDefault(true);
    m_cancel->setFocus();
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_verify);
    buttons->addWidget(m_cancel);
    layout->addLayout(buttons);

    connect(m_compared, &QCheckBox::toggled, m_verify, &QPushButton::setEnabled);
    connect(m_verify, &QPushButton::clicked, this, [this] {
        if (m_compared->isChecked())
            accept();
    });
    connect(m_cancel, &QPushButton::clicked, this, &QDialog::reject);
}

} // namespace cloison::ui
