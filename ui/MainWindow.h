// The window: the unlock screen while locked; once unlocked, the compartment rail and, across
// the whole window, the active compartment's colour and name, so that it cannot be mistaken.
// Locking (on demand, Ctrl+L, or after a time without input) destroys every view, service and
// key and goes back to the unlock screen.
#pragma once

#include "ui/ClipboardGuard.h"
#include "ui/CompartmentView.h"
#include "ui/ProvisioningDialogs.h"
#include "ui/Session.h"
#include "ui/UnlockScreen.h"

#include <QMainWindow>
#include <QPointer>
#include <QTimer>

#include <filesystem>
#include <map>
#include <memory>

class QAction;
class QFrame;
class QLabel;
class QListWidget;
class QPushButton;
class QStackedWidget;
class QSystemTrayIcon;

namespace cloison::ui {

struct WindowOptions {
    std::filesystem::path profile;
    std::string authenticator = "auto";
    int idleLockSeconds = 5 * 60; // 0: never
    int clipboardClearMs = ClipboardGuard::kDefaultClearMs;
};

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(WindowOptions options, QWidget* parent = nullptr);
    ~MainWindow() override;

    bool isLocked() const { return m_session == nullptr; }
    void lock();
    void unlockWith(std::unique_ptr<Profile> profile);

    UnlockScreen* unlockScreen() const { return m_unlock; }
    QListWidget* rail() const { return m_rail; }
    QLabel* banner() const { return m_banner; }
    QPushButton* lockButton() const { return m_lockButton; }
    CompartmentView* view(const std::string& name) const;
    CompartmentView* currentView() const;
    std::string currentCompartment() const;
    void selectCompartment(const std::string& name);
    // Re-reads a compartment's devices and key events (restarts its service).
    void refreshCompartment(const std::string& name);
    // Opens a sealed compartment with the security key (asks for a touch).
    void openSealed(const std::string& name);

    // "Import invite…" and "Enrolment request…" (the Profile menu; the first also under the
    // rail): window-modal dialogs, destroyed on lock before the session.
    void importInvite();
    void enrollRequest();
    QAction* importAction() const { return m_importAction; }
    QAction* enrollAction() const { return m_enrollAction; }
    ImportInviteDialog* importDialog() const { return m_importDialog; }
    EnrollRequestDialog* enrollDialog() const { return m_enrollDialog; }

    int notificationCount() const { return m_notifications; }
    const QString& lastNotification() const { return m_lastNotification; }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    struct Entry {
        CompartmentInfo info;
        QColor colour;
        CompartmentView* view = nullptr; // null while sealed or on error
        QWidget* placeholder = nullptr;  // shown instead of a view
    };
    QWidget* buildMainPage();
    void populate();
    Entry makeEntry(const CompartmentInfo& info, std::size_t index);
    void addImported(const QString& name);
    void addView(Entry& entry, const CompartmentSnapshot& snapshot);
    QWidget* makePlaceholder(const Entry& entry, const QString& why);
    void showCompartment(int row);
    void updateRail();
    void notify();

    WindowOptions m_options;
    std::unique_ptr<Session> m_session;
    std::vector<Entry> m_entries;
    QStackedWidget* m_pages;
    UnlockScreen* m_unlock;
    QFrame* m_frame = nullptr;
    QLabel* m_banner = nullptr;
    QPushButton* m_lockButton = nullptr;
    QListWidget* m_rail = nullptr;
    QStackedWidget* m_views = nullptr;
    QSystemTrayIcon* m_tray = nullptr;
    QAction* m_importAction = nullptr;
    QAction* m_enrollAction = nullptr;
    QPointer<ImportInviteDialog> m_importDialog;
    QPointer<EnrollRequestDialog> m_enrollDialog;
    ClipboardGuard m_clipboard;
    QTimer m_idle;
    int m_notifications = 0;
    QString m_lastNotification;
};

} // namespace cloison::ui
