#include "ui/UnlockScreen.h"

#include "client/profile/FidoSlots.h"

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace cloison::ui {

namespace {

QString messageFor(const Error& error) {
    switch (error.code) {
    case ErrorCode::WrongPassphrase:
        return UnlockScreen::tr("Wrong passphrase.");
    case ErrorCode::NotFound:
        return UnlockScreen::tr("No profile here.");
    case ErrorCode::Corrupted:
        return UnlockScreen::tr("The profile is damaged or was modified: it was not opened.");
    case ErrorCode::NoAuthenticator:
        return UnlockScreen::tr("No security key found. Plug in your key and try again.");
    case ErrorCode::WrongAuthenticator:
        return UnlockScreen::tr("This security key is not one enrolled for this profile.");
    case ErrorCode::UserActionTimeout:
        return UnlockScreen::tr("The key was not touched in time. Try again.");
    case ErrorCode::WrongPin:
    case ErrorCode::PinBlocked:
    case ErrorCode::PinRequired:
        return UnlockScreen::tr("Security key PIN: %1").arg(QString::fromStdString(error.message));
    default:
        return UnlockScreen::tr("Could not unlock: %1").arg(QString::fromStdString(error.message));
    }
}

} // namespace

UnlockScreen::UnlockScreen(std::filesystem::path profileDir, std::string authenticator,
                           QWidget* parent)
    : QWidget(parent), m_dir(std::move(profileDir)), m_authenticator(std::move(authenticator)),
      m_passphrase(new QLineEdit(this)), m_unlock(new QPushButton(this)), m_title(new QLabel(this)),
      m_profileLabel(new QLabel(this)), m_status(new QLabel(this)), m_touch(new QLabel(this)) {
    setObjectName(QStringLiteral("unlockScreen"));
    m_passphrase->setEchoMode(QLineEdit::Password);
    m_passphrase->setObjectName(QStringLiteral("passphrase"));
    m_unlock->setObjectName(QStringLiteral("unlock"));
    m_unlock->setDefault(true);
    for (QLabel* label : {m_title, m_profileLabel, m_status, m_touch})
        label->setTextFormat(Qt::PlainText);
    m_title->setStyleSheet(QStringLiteral("font-size: 20pt; font-weight: bold;"));
    m_status->setObjectName(QStringLiteral("unlockStatus"));
    m_status->setWordWrap(true);
    m_touch->setObjectName(QStringLiteral("touchYourKey"));
    m_touch->setStyleSheet(QStringLiteral("font-size: 14pt; color: #b35900; font-weight: bold;"));
    m_touch->hide();
    m_profileLabel->setText(QString::fromStdString(m_dir.string()));

    auto* layout = new QVBoxLayout(this);
    layout->addStretch(2);
    layout->addWidget(m_title, 0, Qt::AlignHCenter);
    layout->addWidget(m_profileLabel, 0, Qt::AlignHCenter);
    layout->addSpacing(16);
    auto* form = new QWidget(this);
    auto* formLayout = new QVBoxLayout(form);
    formLayout->addWidget(m_passphrase);
    formLayout->addWidget(m_unlock);
    formLayout->addWidget(m_touch);
    formLayout->addWidget(m_status);
    form->setMaximumWidth(420);
    layout->addWidget(form, 0, Qt::AlignHCenter);
    layout->addStretch(3);
    setFocusProxy(m_passphrase);

    connect(m_unlock, &QPushButton::clicked, this, &UnlockScreen::startUnlock);
    connect(m_passphrase, &QLineEdit::returnPressed, this, &UnlockScreen::startUnlock);
    m_backoff.setInterval(1000);
    connect(&m_backoff, &QTimer::timeout, this, &UnlockScreen::tickBackoff);
    retranslate();
}

UnlockScreen::~UnlockScreen() {
    if (m_worker.joinable())
        m_worker.join();
}

void UnlockScreen::retranslate() {
    m_title->setText(tr("Cloison is locked"));
    m_passphrase->setPlaceholderText(tr("Passphrase"));
    m_passphrase->setAccessibleName(tr("Passphrase"));
    m_unlock->setText(tr("&Unlock"));
    m_unlock->setAccessibleName(tr("Unlock"));
    m_touch->setText(tr("Touch your security key now"));
    m_touch->setAccessibleName(tr("Touch your security key now"));
    m_profileLabel->setAccessibleName(tr("Profile folder"));
}

void UnlockScreen::reset() {
    m_passphrase->clear();
    m_passphrase->setEnabled(m_waitLeft == 0);
    m_unlock->setEnabled(m_waitLeft == 0);
    m_touch->hide();
    m_status->clear();
}

void UnlockScreen::startUnlock() {
    if (m_worker.joinable() || m_waitLeft > 0)
        return;
    // The field's QString is ordinary memory: move the passphrase into guarded memory at once
    // and clear the field (Qt keeps no undo history for password fields).
    SecretBytes passphrase = SecretBytes::fromString(m_passphrase->text().toStdString());
    m_passphrase->clear();
    m_passphrase->setEnabled(false);
    m_unlock->setEnabled(false);
    m_status->setText(tr("Unlocking…"));

    auto keySlots = Profile::fidoSlots(m_dir);
    const bool fido = keySlots && !keySlots.value().empty();
    if (fido)
        m_touch->show();

    QPointer<UnlockScreen> self(this);
    m_worker = std::thread([self, dir = m_dir, spec = m_authenticator, fido,
                            passphrase = std::move(passphrase)]() mutable {
        Result<std::unique_ptr<Profile>> result =
            makeError(ErrorCode::Internal, "unlock did not run");
        if (!fido) {
            result = Profile::unlock(dir, passphrase);
        } else {
            auto choice = AuthenticatorChoice::parse(spec);
            if (!choice) {
                result = choice.error();
            } else {
                auto key = FidoAuthenticator::open(choice.value());
                if (!key) {
                    result = key.error();
                } else {
                    FidoAccess access{key.value().get(), [] {
                                          return Result<SecretBytes>(makeError(
                                              ErrorCode::PinRequired,
                                              "keys with a PIN are not supported by the app "
                                              "yet; use cloison-cli"));
                                      }};
                    result = Profile::unlock(dir, passphrase, access);
                }
            }
        }
        // Logged by every compartment once the profile is next unlocked (issue 6).
        if (!result && result.error().code == ErrorCode::WrongPassphrase)
            Profile::noteUnlockFailure(dir);
        // The screen outlives this thread (its destructor joins it), so `self` is valid here;
        // the queued call runs on the UI thread.
        QMetaObject::invokeMethod(
            self.data(),
            [self, shared = std::make_shared<Result<std::unique_ptr<Profile>>>(
                       std::move(result))]() mutable {
                if (self)
                    self->finish(std::move(*shared));
            },
            Qt::QueuedConnection);
    });
}

void UnlockScreen::finish(Result<std::unique_ptr<Profile>> result) {
    if (m_worker.joinable())
        m_worker.join();
    m_touch->hide();
    if (result) {
        m_failures = 0;
        m_status->clear();
        m_passphrase->setEnabled(true);
        m_unlock->setEnabled(true);
        if (m_onUnlocked)
            m_onUnlocked(std::move(result).value());
        return;
    }
    ++m_failures;
    QString message = messageFor(result.error());
    if (m_failures >= kFreeTries) {
        m_waitLeft = std::min(kMaxBackoffSeconds, 1 << std::min(m_failures - kFreeTries + 1, 6));
        m_backoff.start();
    }
    m_status->setText(message);
    m_passphrase->setEnabled(m_waitLeft == 0);
    m_unlock->setEnabled(m_waitLeft == 0);
    tickBackoff();
    if (m_waitLeft == 0)
        m_passphrase->setFocus();
}

void UnlockScreen::tickBackoff() {
    if (m_waitLeft <= 0)
        return;
    if (m_backoff.isActive() && sender() == &m_backoff)
        --m_waitLeft;
    if (m_waitLeft <= 0) {
        m_backoff.stop();
        m_waitLeft = 0;
        m_passphrase->setEnabled(true);
        m_unlock->setEnabled(true);
        m_passphrase->setFocus();
        m_status->setText(tr("You can try again."));
        return;
    }
    const QString first = m_status->text().section(u'\n', 0, 0);
    m_status->setText(first + u'\n' +
                      tr("Too many failed attempts: wait %n second(s).", nullptr, m_waitLeft));
}

} // namespace cloison::ui
