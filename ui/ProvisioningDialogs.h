// The member's side of provisioning in the app, as `cloison-cli import` and `enroll-request` do
// it (client/provisioning/MemberImport):
//   ImportInviteDialog   a .invite file chosen or its text pasted; opened and verified on a
//                        worker thread; the first time an organisation key is seen its
//                        fingerprint must be confirmed explicitly (Cancel is the default); the
//                        certification request to hand back, with Save… and Copy
//   EnrollRequestDialog  the display name, then the enrolment request with Save… and Copy
// Nothing is written when an import is refused or cancelled.
#pragma once

#include "client/provisioning/MemberImport.h"

#include <QDialog>
#include <QPointer>

#include <optional>
#include <string>
#include <thread>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;

namespace cloison::ui {

class Session;

// A document to hand to the admin: shown read-only, saved to a file (mode 0600) or copied
// (the clipboard guard clears it later, like any text copied from Cloison).
class DocumentBox : public QWidget {
    Q_OBJECT
public:
    explicit DocumentBox(QWidget* parent = nullptr);
    void setDocument(const std::string& text, const QString& suggestedName);
    [[nodiscard]] Result<void> saveTo(const QString& path);

    QPlainTextEdit* textView() const { return m_text; }
    QPushButton* saveButton() const { return m_save; }
    QPushButton* copyButton() const { return m_copy; }
    QLabel* statusLabel() const { return m_status; }

private:
    void save();
    void copy();
    QPlainTextEdit* m_text;
    QPushButton* m_save;
    QPushButton* m_copy;
    QLabel* m_status;
    QString m_suggestedName;
};

class ImportInviteDialog : public QDialog {
    Q_OBJECT
public:
    ImportInviteDialog(Session& session, QWidget* parent = nullptr);
    ~ImportInviteDialog() override; // waits for an import in progress

    // What the file button does once a file is chosen: reads it (at most 64 KiB) and imports.
    void importFile(const QString& path);
    // Imports the text of the paste field.
    void importPasted();

    bool busy() const { return m_worker.joinable(); }
    QPlainTextEdit* pasteField() const { return m_paste; }
    QPushButton* chooseFileButton() const { return m_chooseFile; }
    QPushButton* importButton() const { return m_import; }
    QLabel* errorLabel() const { return m_error; }
    QLabel* fingerprintLabel() const { return m_fingerprint; }
    QCheckBox* comparedCheck() const { return m_compared; }
    QPushButton* trustButton() const { return m_trust; }
    QPushButton* cancelTrustButton() const { return m_cancelTrust; }
    QLabel* resultLabel() const { return m_result; }
    DocumentBox* requestBox() const { return m_request; }
    // 0: input, 1: working, 2: confirm the organisation key, 3: imported.
    int page() const;

    // Escape and the window's close button do nothing while an import runs: its result (the
    // certification request) would be lost.
    void reject() override;

signals:
    // On the UI thread, once the compartment exists.
    void imported(const QString& compartment);

private:
    void start(std::string file, std::optional<std::string> confirmedFingerprint);
    void finish(Result<provisioning::ImportResult> result, const std::string& askedFingerprint);
    void refuse(const QString& why);
    void chooseFile();

    Session& m_session;
    std::string m_file; // the sealed invite being imported (ciphertext)
    QStackedWidget* m_pages;
    QPlainTextEdit* m_paste;
    QPushButton* m_chooseFile;
    QPushButton* m_import;
    QLabel* m_error;
    QLabel* m_fingerprint;
    QCheckBox* m_compared;
    QPushButton* m_trust;
    QPushButton* m_cancelTrust;
    QLabel* m_result;
    DocumentBox* m_request;
    std::thread m_worker;
};

class EnrollRequestDialog : public QDialog {
    Q_OBJECT
public:
    EnrollRequestDialog(Session& session, QWidget* parent = nullptr);

    void makeRequest();
    QLineEdit* nameField() const { return m_name; }
    QPushButton* makeButton() const { return m_make; }
    QLabel* statusLabel() const { return m_status; }
    DocumentBox* requestBox() const { return m_request; }

private:
    Session& m_session;
    QLineEdit* m_name;
    QPushButton* m_make;
    QLabel* m_status;
    DocumentBox* m_request;
};

} // namespace cloison::ui
