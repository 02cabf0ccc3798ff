#include "ui/ClipboardGuard.h"

#include <QClipboard>
#include <QCryptographicHash>
#include <QGuiApplication>

namespace cloison::ui {

ClipboardGuard::ClipboardGuard(int clearAfterMs, QObject* parent) : QObject(parent) {
    m_timer.setSingleShot(true);
    m_timer.setInterval(clearAfterMs);
    connect(&m_timer, &QTimer::timeout, this, &ClipboardGuard::clearNow);
    connect(QGuiApplication::clipboard(), &QClipboard::dataChanged, this, &ClipboardGuard::changed);
}

QByteArray ClipboardGuard::digestOfClipboard() {
    return QCryptographicHash::hash(QGuiApplication::clipboard()->text().toUtf8(),
                                    QCryptographicHash::Sha256);
}

bool ClipboardGuard::ours() {
    // X11 and Wayland say who owns the clipboard; platforms that cannot (offscreen) leave it
    // to the focus: a copy made while Cloison is the active application came from Cloison.
    return QGuiApplication::clipboard()->ownsClipboard() ||
           QGuiApplication::applicationState() == Qt::ApplicationActive;
}

void ClipboardGuard::changed() {
    // Another application's copy is not ours to clear.
    if (!ours()) {
        m_timer.stop();
        m_digest.clear();
        return;
    }
    const QByteArray digest = digestOfClipboard();
    if (digest == m_digest && m_timer.isActive())
        return;
    if (QGuiApplication::clipboard()->text().isEmpty())
        return; // our own clear
    m_digest = digest;
    m_timer.start();
}

void ClipboardGuard::clearNow() {
    m_timer.stop();
    if (m_digest.isEmpty())
        return;
    if (ours() && digestOfClipboard() == m_digest)
        QGuiApplication::clipboard()->clear();
    m_digest.clear();
}

} // namespace cloison::ui
