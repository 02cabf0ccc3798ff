// Text copied out of Cloison does not stay on the clipboard: after a delay (30 s by default)
// the clipboard is cleared, if it still holds what Cloison put there. Only a digest of that
// text is kept to recognise it.
#pragma once

#include <QByteArray>
#include <QObject>
#include <QTimer>

namespace cloison::ui {

class ClipboardGuard : public QObject {
    Q_OBJECT
public:
    static constexpr int kDefaultClearMs = 30'000;

    explicit ClipboardGuard(int clearAfterMs = kDefaultClearMs, QObject* parent = nullptr);
    bool pending() const { return m_timer.isActive(); }
    // Clears now what we copied (on lock and on exit).
    void clearNow();

private:
    void changed();
    static QByteArray digestOfClipboard();
    static bool ours();
    QTimer m_timer;
    QByteArray m_digest;
};

} // namespace cloison::ui
