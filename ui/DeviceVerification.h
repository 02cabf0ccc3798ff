// Verifying a contact's device by hand: both fingerprints side by side, for the two people to
// compare in person or over another channel they trust (a call, not the chat itself). Nothing
// is recorded unless the person says they match; Cancel is the default.
#pragma once

#include <QDialog>

class QCheckBox;
class QLabel;
class QPushButton;

namespace cloison::ui {

class VerifyDeviceDialog : public QDialog {
    Q_OBJECT
public:
    struct Side {
        QString jid;
        std::uint32_t device = 0;
        QString fingerprint; // omemoFingerprint(): 8 groups of 8 hex digits
    };
    // keyChanged: the contact's device was verified before under another key.
    VerifyDeviceDialog(const Side& own, const Side& contact, bool keyChanged,
                       QWidget* parent = nullptr);

    const Side& contact() const { return m_contact; }
    QLabel* ownFingerprintLabel() const { return m_ownFingerprint; }
    QLabel* contactFingerprintLabel() const { return m_contactFingerprint; }
    QCheckBox* comparedCheck() const { return m_compared; }
    QPushButton* verifyButton() const { return m_verify; }
    QPushButton* cancelButton() const { return m_cancel; }

private:
    Side m_contact;
    QLabel* m_ownFingerprint;
    QLabel* m_contactFingerprint;
    QCheckBox* m_compared;
    QPushButton* m_verify;
    QPushButton* m_cancel;
};

// A fingerprint as two lines of four groups, easier to read out and compare than one line.
QString groupedFingerprint(const QString& fingerprint);

} // namespace cloison::ui
