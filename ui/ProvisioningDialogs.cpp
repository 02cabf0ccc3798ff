#include "ui/ProvisioningDialogs.h"

#include "crypto/AtomicFile.h"
#include "crypto/Signing.h"
#include "ui/Session.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <initializer_list>
#include <memory>

namespace cloison::ui {

namespace {

QLabel* plainLabel(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    return label;
}

QPushButton* button(const QString& text, const QString& accessibleName, QWidget* parent) {
    auto* made = new QPushButton(text, parent);
    made->setAccessibleName(accessibleName);
    return made;
}

// The buttons at the bottom right of a page.
QHBoxLayout* buttonRow(std::initializer_list<QPushButton*> buttons) {
    auto* row = new QHBoxLayout;
    row->addStretch();
    for (QPushButton* each : buttons)
        row->addWidget(each);
    return row;
}

// A new page at the end of `pages`, and its layout.
QVBoxLayout* addPage(QStackedWidget* pages) {
    auto* page = new QWidget(pages);
    pages->addWidget(page);
    return new QVBoxLayout(page);
}

QString fromStd(const std::string& text) {
    return QString::fromStdString(text);
}

// What went wrong, in words a person can act on; nothing was imported in every case.
QString refusal(const Error& error, std::size_t size) {
    switch (error.code) {
    case ErrorCode::WrongKey:
        return ImportInviteDialog::tr(
            "This invite is not for this profile: it was made for another member's enrolment "
            "request, or it was altered on the way. Nothing was imported.");
    case ErrorCode::Corrupted:
        return ImportInviteDialog::tr("This invite is damaged or was tampered with. Nothing was "
                                      "imported.\n(%1)")
            .arg(fromStd(error.message));
    case ErrorCode::PolicyRefused:
        return ImportInviteDialog::tr(
                   "This invite is signed by another organisation key than the one this profile "
                   "trusts. Nothing was imported: ask your admin, in person or by phone.\n(%1)")
            .arg(fromStd(error.message));
    case ErrorCode::InvalidArgument:
        if (size > provisioning::kMaxSealedInviteBytes)
            return ImportInviteDialog::tr(
                "This is larger than 64 KiB: it is not an invite. Nothing was imported.");
        return ImportInviteDialog::tr("This is not a Cloison invite (an invite starts with "
                                      "\"cloison-sealed-invite 1\"). Nothing was imported.");
    case ErrorCode::NotFound:
        return ImportInviteDialog::tr(
            "This profile has not made an enrolment request yet, so no invite can be for it. "
            "Make one (Enrolment request…) and send it to your admin first.");
    case ErrorCode::AlreadyExists:
        return ImportInviteDialog::tr("%1 Nothing was imported.").arg(fromStd(error.message));
    default:
        return ImportInviteDialog::tr("Could not import the invite: %1")
            .arg(fromStd(error.message));
    }
}

// A pasted invite may have lost or gained spaces and line ends around it; its one line of
// base64 and the signature inside decide the rest.
std::string normalised(const QString& text) {
    return text.trimmed().toStdString() + "\n";
}

} // namespace

DocumentBox::DocumentBox(QWidget* parent)
    : QWidget(parent), m_text(new QPlainTextEdit(this)), m_save(new QPushButton(this)),
      m_copy(new QPushButton(this)), m_status(plainLabel(QString(), this)) {
    m_text->setReadOnly(true);
    m_text->setAcceptDrops(false);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setAccessibleName(tr("Document for your admin"));
    m_save->setText(tr("&Save…"));
    m_save->setAccessibleName(tr("Save the document to a file"));
    m_copy->setText(tr("&Copy"));
    m_copy->setAccessibleName(tr("Copy the document"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_text, 1);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_save);
    buttons->addWidget(m_copy);
    buttons->addStretch();
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    connect(m_save, &QPushButton::clicked, this, &DocumentBox::save);
    connect(m_copy, &QPushButton::clicked, this, &DocumentBox::copy);
}

void DocumentBox::setDocument(const std::string& text, const QString& suggestedName) {
    m_text->setPlainText(fromStd(text));
    m_suggestedName = suggestedName;
    m_status->clear();
}

Result<void> DocumentBox::saveTo(const QString& path) {
    const std::string text = m_text->toPlainText().toStdString();
    auto written = writeFileAtomically(path.toStdString(), asBytes(text));
    m_status->setText(written ? tr("Saved to %1").arg(path)
                              : tr("Not saved: %1").arg(fromStd(written.error().message)));
    return written;
}

void DocumentBox::save() {
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save for your admin"), m_suggestedName);
    if (!path.isEmpty())
        (void)saveTo(path);
}

void DocumentBox::copy() {
    QGuiApplication::clipboard()->setText(m_text->toPlainText());
    m_status->setText(tr("Copied (cleared from the clipboard in 30 seconds)."));
}

ImportInviteDialog::ImportInviteDialog(Session& session, QWidget* parent)
    : QDialog(parent), m_session(session), m_pages(new QStackedWidget(this)) {
    setWindowTitle(tr("Import an invite"));
    setAcceptDrops(false);
    setObjectName(QStringLiteral("importInvite"));

    // 0: the invite, from a file or pasted.
    QVBoxLayout* inputLayout = addPage(m_pages);
    QWidget* input = inputLayout->parentWidget();
    inputLayout->addWidget(plainLabel(
        tr("Your admin sent you an invite (a .invite file) for a new compartment. Choose the "
           "file, or paste its text below."),
        input));
    m_chooseFile = button(tr("Choose a &file…"), tr("Choose an invite file"), input);
    inputLayout->addWidget(m_chooseFile, 0, Qt::AlignLeft);
    m_paste = new QPlainTextEdit(input);
    m_paste->setAcceptDrops(false);
    m_paste->setPlaceholderText(tr("cloison-sealed-invite 1 …"));
    m_paste->setAccessibleName(tr("Invite text"));
    m_paste->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    inputLayout->addWidget(m_paste, 1);
    m_error = plainLabel(QString(), input);
    m_error->setObjectName(QStringLiteral("importError"));
    m_error->setStyleSheet(QStringLiteral("color: #b00020; font-weight: bold;"));
    m_error->setAccessibleName(tr("Why the invite was refused"));
    inputLayout->addWidget(m_error);
    m_import = button(tr("&Import the pasted text"), tr("Import the pasted invite"), input);
    auto* close = button(tr("Cl&ose"), tr("Close"), input);
    inputLayout->addLayout(buttonRow({m_import, close}));

    // 1: working.
    QVBoxLayout* workingLayout = addPage(m_pages);
    QWidget* working = workingLayout->parentWidget();
    workingLayout->addStretch();
    workingLayout->addWidget(plainLabel(tr("Opening and checking the invite…"), working), 0,
                             Qt::AlignHCenter);
    workingLayout->addStretch();

    // 2: the organisation key, seen for the first time.
    QVBoxLayout* confirmLayout = addPage(m_pages);
    QWidget* confirm = confirmLayout->parentWidget();
    confirmLayout->addWidget(plainLabel(
        tr("This is the first invite this profile receives. It is signed by the organisation key "
           "with this fingerprint:"),
        confirm));
    m_fingerprint = plainLabel(QString(), confirm);
    m_fingerprint->setObjectName(QStringLiteral("orgFingerprint"));
    m_fingerprint->setAccessibleName(tr("Organisation key fingerprint"));
    m_fingerprint->setTextInteractionFlags(Qt::TextSelectableByMouse |
                                           Qt::TextSelectableByKeyboard);
    QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    fixed.setPointSize(fixed.pointSize() + 3);
    fixed.setBold(true);
    m_fingerprint->setFont(fixed);
    confirmLayout->addWidget(m_fingerprint);
    confirmLayout->addWidget(plainLabel(
        tr("Compare every group with the fingerprint your admin gave you in person or by phone "
           "(not by e-mail or chat). If one differs, press Cancel and call your admin: someone "
           "may be impersonating your organisation. Once trusted, this key is the only one "
           "whose invites this profile accepts."),
        confirm));
    m_compared = new QCheckBox(tr("I compared it: it is the &same as my admin's"), confirm);
    m_compared->setAccessibleName(tr("I compared the fingerprint with my admin's"));
    confirmLayout->addWidget(m_compared);
    confirmLayout->addStretch();
    m_trust = button(tr("&Trust this organisation and import"),
                     tr("Trust this organisation key and import the invite"), confirm);
    m_trust->setEnabled(false);
    m_trust->setAutoDefault(false);
    m_cancelTrust = button(tr("Cancel"), tr("Cancel: do not trust this key"), confirm);
    confirmLayout->addLayout(buttonRow({m_trust, m_cancelTrust}));

    // 3: imported; the certification request for the admin.
    QVBoxLayout* doneLayout = addPage(m_pages);
    QWidget* done = doneLayout->parentWidget();
    m_result = plainLabel(QString(), done);
    m_result->setObjectName(QStringLiteral("importResult"));
    doneLayout->addWidget(m_result);
    m_request = new DocumentBox(done);
    doneLayout->addWidget(m_request, 1);
    auto* finished = button(tr("&Done"), tr("Done"), done);
    doneLayout->addLayout(buttonRow({finished}));

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);
    resize(640, 460);

    connect(m_chooseFile, &QPushButton::clicked, this, &ImportInviteDialog::chooseFile);
    connect(m_import, &QPushButton::clicked, this, &ImportInviteDialog::importPasted);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    connect(finished, &QPushButton::clicked, this, &QDialog::accept);
    connect(m_compared, &QCheckBox::toggled, m_trust, &QPushButton::setEnabled);
    connect(m_cancelTrust, &QPushButton::clicked, this, [this] {
        refuse(tr("The organisation key was not confirmed. Nothing was imported."));
    });
    connect(m_trust, &QPushButton::clicked, this, [this] {
        if (m_compared->isChecked())
            start(m_file, m_fingerprint->text().toStdString());
    });
}

ImportInviteDialog::~ImportInviteDialog() {
    if (m_worker.joinable())
        m_worker.join();
}

void ImportInviteDialog::reject() {
    if (!busy())
        QDialog::reject();
}

int ImportInviteDialog::page() const {
    return m_pages->currentIndex();
}

void ImportInviteDialog::chooseFile() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Choose an invite"), QString(),
                                                      tr("Invites (*.invite);;All files (*)"));
    if (!path.isEmpty())
        importFile(path);
}

void ImportInviteDialog::importFile(const QString& path) {
    // Refused unread past the size an invite may have.
    auto read = readFileLimited(path.toStdString(), provisioning::kMaxSealedInviteBytes);
    if (!read) {
        refuse(read.error().code == ErrorCode::InvalidArgument
                   ? refusal(read.error(), provisioning::kMaxSealedInviteBytes + 1)
                   : tr("Could not read %1. Nothing was imported.").arg(path));
        return;
    }
    start(normalised(QString::fromStdString(read.value())), std::nullopt);
}

void ImportInviteDialog::importPasted() {
    start(normalised(m_paste->toPlainText()), std::nullopt);
}

void ImportInviteDialog::refuse(const QString& why) {
    m_file.clear();
    m_compared->setChecked(false);
    m_error->setText(why);
    m_pages->setCurrentIndex(0);
    m_paste->setFocus();
}

void ImportInviteDialog::start(std::string file, std::optional<std::string> confirmedFingerprint) {
    if (m_worker.joinable())
        return;
    m_file = std::move(file);
    m_error->clear();
    m_pages->setCurrentIndex(1);
    // Opening the invite (an X25519 unseal and a signature check) and creating the compartment
    // with its OMEMO identity run off the UI thread. The first pass never pins a new key: it
    // only learns the fingerprint to show; the second imports with the fingerprint the person
    // confirmed, which MemberImport checks against the invite again.
    QPointer<ImportInviteDialog> self(this);
    m_worker = std::thread(
        [self, session = &m_session, file = m_file, fingerprint = std::move(confirmedFingerprint)] {
            std::string asked;
            provisioning::ImportOptions options;
            options.orgFingerprint = fingerprint;
            options.confirm = [&asked](const std::string& shown) {
                asked = shown;
                return false;
            };
            auto result = std::make_shared<Result<provisioning::ImportResult>>(
                session->importInvite(file, options));
            // The dialog outlives this thread (its destructor joins it); the call runs on the UI
            // thread.
            QMetaObject::invokeMethod(
                self.data(),
                [self, result, asked] {
                    if (self)
                        self->finish(std::move(*result), asked);
                },
                Qt::QueuedConnection);
        });
}

void ImportInviteDialog::finish(Result<provisioning::ImportResult> result,
                                const std::string& askedFingerprint) {
    if (m_worker.joinable())
        m_worker.join();
    if (!result && !askedFingerprint.empty()) {
        // A key seen for the first time: nothing is written until the person confirms it.
        m_fingerprint->setText(fromStd(askedFingerprint));
        m_compared->setChecked(false);
        m_trust->setEnabled(false);
        m_pages->setCurrentIndex(2);
        m_cancelTrust->setDefault(true);
        m_cancelTrust->setFocus();
        return;
    }
    if (!result) {
        refuse(refusal(result.error(), m_file.size()));
        return;
    }
    const provisioning::ImportResult& done = result.value();
    m_file.clear();
    m_paste->clear();
    QString text = done.decoy ? tr("Imported the DECOY compartment \"%1\": it holds bait your "
                                   "admin planted, is marked Decoy wherever it is shown, and "
                                   "never connects to the server.")
                                    .arg(fromStd(done.compartment))
                              : tr("Imported the compartment \"%1\" (device %2).")
                                    .arg(fromStd(done.compartment))
                                    .arg(done.deviceId);
    if (done.pinnedNow)
        text += u'\n' + tr("This profile now trusts the organisation key %1.")
                            .arg(fromStd(done.orgFingerprint));
    if (!done.decoy)
        text += u'\n' + tr("Hand this certification request to your admin: until they certify "
                           "this device, the other members cannot trust it. Save or copy it "
                           "now: it is not shown again.");
    if (done.mustSeal)
        text += u'\n' + tr("The policy asks for this compartment to be sealed behind its own "
                           "security key: run 'cloison-cli fido seal %1'.")
                            .arg(fromStd(done.compartment));
    m_result->setText(text);
    m_request->setDocument(done.certificationRequest,
                           fromStd(done.compartment) + QStringLiteral(".cert"));
    m_request->setVisible(!done.decoy); // a decoy's device is never certified
    m_pages->setCurrentIndex(3);
    emit imported(fromStd(done.compartment));
}

EnrollRequestDialog::EnrollRequestDialog(Session& session, QWidget* parent)
    : QDialog(parent), m_session(session), m_name(new QLineEdit(this)),
      m_make(button(tr("&Make the request"), tr("Make the enrolment request"), this)),
      m_status(plainLabel(QString(), this)), m_request(new DocumentBox(this)) {
    setWindowTitle(tr("Enrolment request"));
    setAcceptDrops(false);
    setObjectName(QStringLiteral("enrollRequest"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(plainLabel(
        tr("Your admin needs this profile's enrolment request (its public keys) to send you "
           "invites. It holds no secret. Enter the name your admin knows you by:"),
        this));
    m_name->setAccessibleName(tr("Your name"));
    m_name->setPlaceholderText(tr("Your name"));
    auto* row = new QHBoxLayout;
    row->addWidget(m_name, 1);
    row->addWidget(m_make);
    layout->addLayout(row);
    m_status->setObjectName(QStringLiteral("enrollStatus"));
    layout->addWidget(m_status);
    layout->addWidget(m_request, 1);
    m_request->setEnabled(false);
    auto* close = button(tr("Cl&ose"), tr("Close"), this);
    layout->addLayout(buttonRow({close}));
    resize(640, 420);
    connect(m_make, &QPushButton::clicked, this, &EnrollRequestDialog::makeRequest);
    connect(m_name, &QLineEdit::returnPressed, this, &EnrollRequestDialog::makeRequest);
    connect(close, &QPushButton::clicked, this, &QDialog::accept);
}

void EnrollRequestDialog::makeRequest() {
    const std::string name = m_name->text().trimmed().toStdString();
    auto request = m_session.enrollRequest(name);
    auto parsed = request ? provisioning::parseEnrollRequest(request.value())
                          : Result<provisioning::EnrollRequest>(request.error());
    if (!parsed) {
        m_request->setDocument({}, {});
        m_request->setEnabled(false);
        m_status->setText(
            parsed.error().code == ErrorCode::InvalidArgument
                ? tr("The name must be 1 to 64 bytes, without control characters.")
                : tr("Could not make the request: %1").arg(fromStd(parsed.error().message)));
        return;
    }
    // The admin compares this fingerprint with the person before issuing an invite for it.
    m_status->setText(tr("Your enrolment key fingerprint is %1. Tell it to your admin in person "
                         "or by phone; send them the request below (Save… or Copy).")
                          .arg(fromStd(keyFingerprint(parsed.value().signingKey))));
    m_request->setEnabled(true);
    m_request->setDocument(request.value(), QStringLiteral("enrolment.req"));
}

} // namespace cloison::ui
