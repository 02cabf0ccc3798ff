// The unlock screen: passphrase, then a visible "touch your security key" state when the
// profile has FIDO slots. Argon2id and the touch take seconds, so the unlock runs on a thread
// of its own and the screen stays responsive. After repeated failures the screen waits before
// it accepts another try, longer each time (a local back-off: the header's Argon2id cost is
// what protects against offline guessing).
#pragma once

#include "client/profile/Profile.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <filesystem>
#include <functional>
#include <memory>
#include <thread>

class QLabel;
class QLineEdit;
class QPushButton;

namespace cloison::ui {

class UnlockScreen : public QWidget {
    Q_OBJECT
public:
    static constexpr int kFreeTries = 3;
    static constexpr int kMaxBackoffSeconds = 60;

    // `authenticator`: "auto", "hid:PATH" or "soft:DIR" (see AuthenticatorChoice).
    UnlockScreen(std::filesystem::path profileDir, std::string authenticator,
                 QWidget* parent = nullptr);
    ~UnlockScreen() override; // waits for an unlock in progress

    // Called on the UI thread with the unlocked profile.
    void onUnlocked(std::function<void(std::unique_ptr<Profile>)> callback) {
        m_onUnlocked = std::move(callback);
    }
    void reset(); // back to an empty passphrase field, ready

    QLineEdit* passphraseField() const { return m_passphrase; }
    QPushButton* unlockButton() const { return m_unlock; }
    QLabel* statusLabel() const { return m_status; }
    QLabel* touchLabel() const { return m_touch; }
    int failures() const { return m_failures; }
    bool busy() const { return m_worker.joinable(); }

private:
    void startUnlock();
    void finish(Result<std::unique_ptr<Profile>> result);
    void tickBackoff();
    void retranslate();

    std::filesystem::path m_dir;
    std::string m_authenticator;
    std::function<void(std::unique_ptr<Profile>)> m_onUnlocked;
    QLineEdit* m_passphrase;
    QPushButton* m_unlock;
    QLabel* m_title;
    QLabel* m_profileLabel;
    QLabel* m_status;
    QLabel* m_touch;
    QTimer m_backoff;
    int m_failures = 0;
    int m_waitLeft = 0;
    std::thread m_worker;
};

} // namespace cloison::ui
