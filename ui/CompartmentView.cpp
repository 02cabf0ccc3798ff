#include "ui/CompartmentView.h"

#include "client/audit/KeyEvent.h"
#include "ui/DeviceVerification.h"
#include "ui/Qr.h"
#include "ui/TextDisplay.h"

#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPixmap>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <set>

namespace cloison::ui {

namespace {

constexpr int kConversationRole = Qt::UserRole + 1;
// On a devices table row's first cell: whose device, which, and how far it is trusted.
constexpr int kDeviceJidRole = Qt::UserRole + 2;
constexpr int kDeviceIdRole = Qt::UserRole + 3;
constexpr int kDeviceTrustRole = Qt::UserRole + 4;
constexpr int kStateColumn = 2;
constexpr int kFingerprintColumn = 3;

QString fromStd(const std::string& text) {
    return visibleText(QString::fromStdString(text));
}

QString timeText(std::int64_t ms) {
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QTableWidget* makeTable(QWidget* parent, const QStringList& headers) {
    auto* table = new QTableWidget(parent);
    table->setColumnCount(static_cast<int>(headers.size()));
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setDragEnabled(false);
    table->setAcceptDrops(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->setWordWrap(false);
    return table;
}

QTableWidgetItem* cell(const QString& text) {
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsSelectable | Qt::ItemIsEnabled);
    return item;
}

} // namespace

CompartmentView::CompartmentView(const CompartmentSnapshot& snapshot, ServiceBridge* bridge,
                                 const linkguard::LinkGuard* guard, QWidget* parent)
    : QWidget(parent), m_name(snapshot.info.name), m_jid(snapshot.jid), m_room(snapshot.room),
      m_trust(snapshot.trust), m_bridge(bridge), m_guard(guard),
      m_documentsDir(snapshot.documentsDir), m_documentPolicy(snapshot.documentPolicy),
      m_transfer(snapshot.transfer), m_tabs(new QTabWidget(this)),
      m_conversations(new QListWidget(this)), m_newConversation(new QLineEdit(this)),
      m_conversationTitle(new QLabel(this)), m_untrusted(new QLabel(this)),
      m_status(new QLabel(this)), m_catchUp(new QProgressBar(this)),
      m_messages(new QPlainTextEdit(this)), m_composer(new QPlainTextEdit(this)),
      m_send(new QPushButton(this)) {
    setObjectName(QString::fromStdString("compartment:" + m_name));
    // Nothing moves between compartments by drag and drop.
    setAcceptDrops(false);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    for (const auto& [conversation, stored] : snapshot.history) {
        auto& messages = m_history[conversation];
        for (const auto& message : stored) {
            Message shown;
            shown.sender = message.sender;
            shown.timeMs = message.sentAt;
            shown.body = message.body;
            shown.outgoing = message.sender == m_jid;
            shown.delivery = !shown.outgoing          ? Delivery::Received
                             : message.receivedByPeer ? Delivery::ReceivedByPeer
                                                      : Delivery::Stored;
            shown.stanzaId = message.stanzaId;
            shown.device = message.senderDevice;
            // As trusted as its device is now (the snapshot's devices carry today's trust);
            // a device no longer listed, or a message from before devices were recorded,
            // stays unverified unless everything is believed.
            shown.trusted = m_trust == xmpp::TrustMode::Blind;
            for (const auto& device : snapshot.devices)
                if (!device.own && device.jid == message.sender &&
                    device.device == message.senderDevice && message.senderDevice != 0) {
                    shown.trust = device.trust;
                    shown.trusted = omemo::isTrusted(device.trust);
                }
            messages.push_back(std::move(shown));
        }
    }
    buildMessagesTab();
    buildDevicesTab(snapshot);
    buildKeyEventsTab(snapshot);
    buildDocumentsTab(snapshot);

    if (!m_room.empty())
        addConversation(m_room, false);
    for (const auto& conversation : snapshot.conversations)
        addConversation(conversation, false);
    if (m_conversations->count() > 0)
        m_conversations->setCurrentRow(0);

    if (!snapshot.hasAccount || snapshot.info.decoy) {
        m_status->setText(snapshot.info.decoy
                              ? tr("Decoy compartment: bait your admin planted. It never "
                                   "connects to the server, and nothing can be sent from it.")
                              : tr("This compartment has no account yet: it is offline."));
        m_composer->setEnabled(false);
        m_send->setEnabled(false);
    } else {
        m_status->setText(tr("Connecting…"));
    }
    if (m_bridge)
        connect(m_bridge, &ServiceBridge::eventArrived, this, &CompartmentView::onEvent);
}

void CompartmentView::buildMessagesTab() {
    auto* page = new QWidget(this);
    auto* split = new QSplitter(Qt::Horizontal, page);
    auto* pageLayout = new QVBoxLayout(page);
    pageLayout->addWidget(split);

    auto* left = new QWidget(split);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    auto* listLabel = new QLabel(tr("&Conversations"), left);
    listLabel->setBuddy(m_conversations);
    leftLayout->addWidget(listLabel);
    leftLayout->addWidget(m_conversations);
    m_conversations->setAccessibleName(tr("Conversations"));
    m_conversations->setObjectName(QStringLiteral("conversations"));
    m_conversations->setDragEnabled(false);
    m_conversations->setAcceptDrops(false);
    m_newConversation->setPlaceholderText(tr("Start a conversation: name@server"));
    m_newConversation->setAccessibleName(tr("Address for a new conversation"));
    m_newConversation->setObjectName(QStringLiteral("newConversation"));
    m_newConversation->setAcceptDrops(false);
    leftLayout->addWidget(m_newConversation);
    connect(m_newConversation, &QLineEdit::returnPressed, this,
            &CompartmentView::startConversation);

    auto* right = new QWidget(split);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    m_conversationTitle->setTextFormat(Qt::PlainText);
    m_conversationTitle->setStyleSheet(QStringLiteral("font-weight: bold;"));
    rightLayout->addWidget(m_conversationTitle);
    m_untrusted->setTextFormat(Qt::PlainText);
    m_untrusted->setWordWrap(true);
    m_untrusted->setObjectName(QStringLiteral("untrustedWarning"));
    m_untrusted->setStyleSheet(QStringLiteral(
        "background: #fff3cd; color: #664d03; border: 1px solid #e0b000; padding: 4px;"));
    m_untrusted->setAccessibleName(tr("Device warning"));
    m_untrusted->hide();
    rightLayout->addWidget(m_untrusted);
    m_catchUp->setRange(0, 0); // busy until the archive catch-up reports
    m_catchUp->setTextVisible(false);
    m_catchUp->setMaximumHeight(6);
    m_catchUp->setAccessibleName(tr("Loading history"));
    m_catchUp->hide();
    rightLayout->addWidget(m_catchUp);

    // Plain text only: QPlainTextEdit never interprets markup, and visibleText() shows every
    // invisible or direction-changing character by name.
    m_messages->setReadOnly(true);
    m_messages->setObjectName(QStringLiteral("messages"));
    m_messages->setAccessibleName(tr("Messages"));
    m_messages->setAcceptDrops(false);
    m_messages->setUndoRedoEnabled(false);
    m_messages->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_messages->setFocusPolicy(Qt::StrongFocus);
    rightLayout->addWidget(m_messages, 1);

    m_composer->setObjectName(QStringLiteral("composer"));
    m_composer->setAccessibleName(tr("Message to send"));
    m_composer->setPlaceholderText(tr("Write a message (Ctrl+Enter sends)"));
    m_composer->setAcceptDrops(false);
    m_composer->setTabChangesFocus(true);
    m_composer->setMaximumHeight(90);
    auto* composerRow = new QHBoxLayout;
    composerRow->addWidget(m_composer, 1);
    m_send->setText(tr("&Send"));
    m_send->setAccessibleName(tr("Send"));
    m_send->setObjectName(QStringLiteral("send"));
    composerRow->addWidget(m_send);
    rightLayout->addLayout(composerRow);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setObjectName(QStringLiteral("compartmentStatus"));
    rightLayout->addWidget(m_status);

    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    connect(m_send, &QPushButton::clicked, this, &CompartmentView::sendDraft);
    auto* sendShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), m_composer);
    sendShortcut->setContext(Qt::WidgetShortcut);
    connect(sendShortcut, &QShortcut::activated, this, &CompartmentView::sendDraft);
    connect(m_conversations, &QListWidget::currentRowChanged, this, [this] { render(); });
    m_tabs->addTab(page, tr("&Messages"));
}

void CompartmentView::buildDevicesTab(const CompartmentSnapshot& snapshot) {
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    auto* own = new QLabel(page);
    own->setTextFormat(Qt::PlainText);
    own->setWordWrap(true);
    own->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_qr = new QLabel(page);
    m_qr->setObjectName(QStringLiteral("ownQrCode"));
    m_qr->setAccessibleName(tr("QR code of this device's fingerprint"));
    const DeviceInfo* mine = nullptr;
    for (const auto& device : snapshot.devices)
        if (device.own)
            mine = &device;
    if (mine) {
        m_ownDevice = mine->device;
        m_ownFingerprint = mine->fingerprint;
        own->setText(tr("This device (%1, device %2) in this compartment:\n%3\nOthers scan the "
                        "code below, or compare the fingerprint out loud, to verify it.")
                         .arg(fromStd(mine->jid))
                         .arg(mine->device)
                         .arg(fromStd(mine->fingerprint)));
        m_qr->setPixmap(QPixmap::fromImage(qrImage(mine->uri)));
    } else {
        own->setText(tr("This compartment has no device key yet: it is made the first time "
                        "the compartment connects."));
    }
    layout->addWidget(own);
    layout->addWidget(m_qr, 0, Qt::AlignLeft);

    m_devices = makeTable(page, {tr("Contact"), tr("Device"), tr("State"), tr("Fingerprint")});
    m_devices->setObjectName(QStringLiteral("devices"));
    m_devices->setAccessibleName(tr("Contacts' devices"));
    int row = 0;
    for (const auto& device : snapshot.devices) {
        if (device.own)
            continue;
        m_devices->insertRow(row);
        QTableWidgetItem* contact = cell(fromStd(device.jid));
        contact->setData(kDeviceJidRole, QString::fromStdString(device.jid));
        contact->setData(kDeviceIdRole, static_cast<qulonglong>(device.device));
        contact->setData(kDeviceTrustRole, static_cast<int>(device.trust));
        m_devices->setItem(row, 0, contact);
        m_devices->setItem(row, 1, cell(QString::number(device.device)));
        m_devices->setItem(row, kStateColumn, cell(trustText(device.trust)));
        m_devices->setItem(row, kFingerprintColumn, cell(fromStd(device.fingerprint)));
        ++row;
    }
    m_devices->resizeColumnsToContents();
    m_devices->setSelectionMode(QAbstractItemView::SingleSelection);
    layout->addWidget(m_devices, 1);

    // Manual trust: a device is verified by comparing fingerprints with its owner.
    m_deviceStatus = new QLabel(page);
    m_deviceStatus->setTextFormat(Qt::PlainText);
    m_deviceStatus->setWordWrap(true);
    m_deviceStatus->setObjectName(QStringLiteral("deviceStatus"));
    layout->addWidget(m_deviceStatus);
    auto* buttons = new QHBoxLayout;
    m_verifyDevice = new QPushButton(tr("&Verify…"), page);
    m_verifyDevice->setObjectName(QStringLiteral("verifyDevice"));
    m_verifyDevice->setAccessibleName(tr("Verify the selected device by comparing fingerprints"));
    m_unverifyDevice = new QPushButton(tr("&Unverify"), page);
    m_unverifyDevice->setObjectName(QStringLiteral("unverifyDevice"));
    m_unverifyDevice->setAccessibleName(tr("Withdraw the verification of the selected device"));
    auto* refresh = new QPushButton(tr("&Refresh"), page);
    refresh->setAccessibleName(tr("Refresh devices and key events"));
    connect(refresh, &QPushButton::clicked, this, [this] { emit refreshRequested(m_name); });
    buttons->addWidget(m_verifyDevice);
    buttons->addWidget(m_unverifyDevice);
    buttons->addWidget(refresh);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    // Strict trust believes the organisation only, blind trust every device: nothing to verify.
    const bool manual = m_trust == xmpp::TrustMode::Manual;
    m_verifyDevice->setVisible(manual);
    m_unverifyDevice->setVisible(manual);
    connect(m_verifyDevice, &QPushButton::clicked, this, &CompartmentView::verifySelectedDevice);
    connect(m_unverifyDevice, &QPushButton::clicked, this,
            &CompartmentView::unverifySelectedDevice);
    connect(m_devices, &QTableWidget::itemSelectionChanged, this,
            &CompartmentView::updateDeviceButtons);
    updateDeviceButtons();
    m_tabs->addTab(page, tr("&Devices"));
}

QString CompartmentView::trustText(omemo::DeviceTrust trust) const {
    switch (trust) {
    case omemo::DeviceTrust::Blind:
        return tr("trusted blindly");
    case omemo::DeviceTrust::Certified:
        return tr("✓ certified by the organisation");
    case omemo::DeviceTrust::Verified:
        return tr("✓ verified by hand");
    case omemo::DeviceTrust::KeyChanged:
        return tr("⚠ key changed since it was verified");
    case omemo::DeviceTrust::Unexpected:
        return tr("⚠ new device, not verified (others of this contact are)");
    case omemo::DeviceTrust::Untrusted:
        break;
    }
    return tr("⚠ not verified (not certified by the organisation)");
}

int CompartmentView::selectedDeviceRow() const {
    const auto rows = m_devices->selectionModel()->selectedRows();
    return rows.isEmpty() ? -1 : rows.front().row();
}

void CompartmentView::updateDeviceButtons() {
    if (!m_verifyDevice)
        return;
    const int row = selectedDeviceRow();
    const auto trust = row < 0 ? omemo::DeviceTrust::Untrusted
                               : static_cast<omemo::DeviceTrust>(
                                     m_devices->item(row, 0)->data(kDeviceTrustRole).toInt());
    const bool usable = row >= 0 && m_bridge && m_ownDevice != 0;
    m_verifyDevice->setEnabled(usable && trust != omemo::DeviceTrust::Verified &&
                               trust != omemo::DeviceTrust::Certified);
    m_unverifyDevice->setEnabled(usable && (trust == omemo::DeviceTrust::Verified ||
                                            trust == omemo::DeviceTrust::KeyChanged));
}

void CompartmentView::verifySelectedDevice() {
    const int row = selectedDeviceRow();
    if (row < 0 || !m_bridge || m_ownDevice == 0 || m_verifyDialog)
        return;
    const QTableWidgetItem* contact = m_devices->item(row, 0);
    VerifyDeviceDialog::Side own{QString::fromStdString(m_jid), m_ownDevice,
                                 QString::fromStdString(m_ownFingerprint)};
    VerifyDeviceDialog::Side theirs{
        contact->data(kDeviceJidRole).toString(),
        static_cast<std::uint32_t>(contact->data(kDeviceIdRole).toULongLong()),
        m_devices->item(row, kFingerprintColumn)->text()};
    const bool keyChanged =
        static_cast<omemo::DeviceTrust>(contact->data(kDeviceTrustRole).toInt()) ==
        omemo::DeviceTrust::KeyChanged;
    m_verifyDialog = new VerifyDeviceDialog(own, theirs, keyChanged, this);
    m_verifyDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_verifyDialog, &QDialog::accepted, this, [this, theirs] {
        if (!m_bridge)
            return;
        // The service checks the fingerprint shown against the key it holds before recording.
        m_bridge->verifyDevice(theirs.jid.toStdString(), theirs.device,
                               theirs.fingerprint.toStdString());
        m_deviceStatus->setText(tr("Recording the verification…"));
    });
    m_verifyDialog->open();
}

void CompartmentView::unverifySelectedDevice() {
    const int row = selectedDeviceRow();
    if (row < 0 || !m_bridge)
        return;
    const QTableWidgetItem* contact = m_devices->item(row, 0);
    m_bridge->unverifyDevice(
        contact->data(kDeviceJidRole).toString().toStdString(),
        static_cast<std::uint32_t>(contact->data(kDeviceIdRole).toULongLong()));
}

void CompartmentView::onDeviceTrustChanged(const xmpp::ServiceEvent& event) {
    for (int row = 0; row < m_devices->rowCount(); ++row) {
        QTableWidgetItem* contact = m_devices->item(row, 0);
        if (contact->data(kDeviceJidRole).toString().toStdString() != event.from ||
            contact->data(kDeviceIdRole).toULongLong() != event.device)
            continue;
        contact->setData(kDeviceTrustRole, static_cast<int>(event.deviceTrust));
        m_devices->item(row, kStateColumn)->setText(trustText(event.deviceTrust));
    }
    // Messages on screen from that device came with the key just compared (a session is
    // bound to one identity key): they are as trustworthy as the device now is.
    for (auto& [conversation, messages] : m_history)
        for (auto& message : messages)
            if (!message.outgoing && message.sender == event.from &&
                message.device == event.device) {
                message.trusted = event.trusted;
                message.trust = event.deviceTrust;
            }
    if (event.keyEvent) {
        m_keyEvents->insertRow(0);
        addKeyEventRow(0, *event.keyEvent);
    }
    const bool withdrawn =
        event.keyEvent && event.keyEvent->type == audit::event::kDeviceTrustWithdrawn;
    m_deviceStatus->setText(
        withdrawn ? tr("The verification of device %1 of %2 is withdrawn.")
                        .arg(event.device)
                        .arg(fromStd(event.from))
                  : tr("Device %1 of %2 is verified: its messages show as trusted, and from now "
                       "on only the devices of %2 you verified receive your messages.")
                        .arg(event.device)
                        .arg(fromStd(event.from)));
    updateDeviceButtons();
    render();
}

void CompartmentView::buildKeyEventsTab(const CompartmentSnapshot& snapshot) {
    m_keyEvents = makeTable(
        this, {tr("#"), tr("Time"), tr("Event"), tr("Subject"), tr("Fingerprint"), tr("Details")});
    m_keyEvents->setObjectName(QStringLiteral("keyEvents"));
    m_keyEvents->setAccessibleName(tr("Key events"));
    int row = 0;
    for (auto it = snapshot.keyEvents.rbegin(); it != snapshot.keyEvents.rend(); ++it) {
        m_keyEvents->insertRow(row);
        addKeyEventRow(row, *it);
        ++row;
    }
    m_keyEvents->resizeColumnsToContents();
    m_tabs->addTab(m_keyEvents, tr("&Key events"));
}

void CompartmentView::addKeyEventRow(int row, const storage::KeyEventRow& event) {
    m_keyEvents->setItem(row, 0, cell(QString::number(event.seq)));
    m_keyEvents->setItem(row, 1, cell(timeText(event.timeMs)));
    m_keyEvents->setItem(row, 2, cell(fromStd(event.type)));
    m_keyEvents->setItem(row, 3, cell(fromStd(event.subject)));
    m_keyEvents->setItem(row, 4, cell(fromStd(event.fingerprint)));
    m_keyEvents->setItem(row, 5, cell(fromStd(event.details)));
}

CompartmentView::~CompartmentView() {
    for (std::thread& fetch : m_fetches)
        if (fetch.joinable())
            fetch.join();
}

void CompartmentView::buildDocumentsTab(const CompartmentSnapshot& snapshot) {
    auto* page = new QWidget(this);
    auto* layout = new QVBoxLayout(page);
    m_documentList = new QListWidget(page);
    m_documentList->setObjectName(QStringLiteral("documents"));
    m_documentList->setAccessibleName(tr("Documents"));
    m_saveDocument = new QPushButton(tr("&Save…"), page);
    m_saveDocument->setAccessibleName(tr("Save the selected document"));
    m_saveDocument->setEnabled(false);
    auto* note = new QLabel(tr("Documents stay sealed inside this compartment; Save… writes a "
                               "plain copy where you choose."),
                            page);
    note->setWordWrap(true);
    note->setTextFormat(Qt::PlainText);
    layout->addWidget(m_documentList);
    layout->addWidget(note);
    layout->addWidget(m_saveDocument);
    connect(m_documentList, &QListWidget::currentRowChanged, this,
            [this](int row) { m_saveDocument->setEnabled(row >= 0 && m_bridge); });
    connect(m_saveDocument, &QPushButton::clicked, this, &CompartmentView::saveSelectedDocument);
    for (const auto& record : snapshot.documents)
        addDocumentRow(record);
    m_tabs->addTab(page, tr("D&ocuments"));
}

void CompartmentView::addDocumentRow(const storage::DocumentRecord& record) {
    m_documentRecords.push_back(record);
    m_documentList->addItem(tr("%1 — %2 bytes — from %3 — %4")
                                .arg(fromStd(record.name))
                                .arg(record.size)
                                .arg(fromStd(record.sender))
                                .arg(timeText(record.receivedAt)));
}

void CompartmentView::saveSelectedDocument() {
    const int row = m_documentList->currentRow();
    if (row < 0 || row >= static_cast<int>(m_documentRecords.size()))
        return;
    const auto& record = m_documentRecords[static_cast<std::size_t>(row)];
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save document"), fromStd(record.name));
    if (!path.isEmpty())
        saveDocument(record.id, path);
}

void CompartmentView::saveDocument(const std::string& id, const QString& path) {
    if (!m_bridge)
        return;
    const std::filesystem::path target = path.toStdString();
    const std::string task = m_bridge->withVault([id, target](storage::Vault& vault) {
        auto saved = documents::exportDocument(vault, id, target);
        return saved ? Result<void>() : Result<void>(saved.error());
    });
    m_saving[task] = path;
}

void CompartmentView::fetchDocument(const xmpp::ServiceEvent& event) {
    auto link =
        std::make_shared<Result<documents::DocumentLink>>(documents::parseDocumentLink(event.text));
    if (!link->ok()) {
        m_status->setText(tr("Refused a document from %1: %2")
                              .arg(fromStd(event.from), fromStd(link->error().message)));
        return;
    }
    // Off the UI thread: a large document takes seconds. Only the result comes back.
    m_fetches.emplace_back([this, event, link, dir = m_documentsDir,
                            max = m_documentPolicy.maxBytes, transfer = m_transfer] {
        auto fetched = std::make_shared<Result<documents::ReceivedDocument>>(
            documents::downloadDocument(link->value(), dir, max, transfer, {}));
        QMetaObject::invokeMethod(
            this, [this, event, fetched] { onDocumentFetched(event, fetched); },
            Qt::QueuedConnection);
    });
}

void CompartmentView::onDocumentFetched(
    const xmpp::ServiceEvent& event, std::shared_ptr<Result<documents::ReceivedDocument>> fetched) {
    if (!fetched->ok()) {
        m_status->setText(tr("Refused a document from %1: %2; nothing was saved")
                              .arg(fromStd(event.from), fromStd(fetched->error().message)));
        return;
    }
    if (!m_bridge) {
        documents::discardDocumentFile(m_documentsDir, fetched->value().record.id);
        return;
    }
    storage::DocumentRecord record = fetched->value().record;
    record.conversation = event.conversation;
    record.sender = event.from;
    record.receivedAt = event.timeMs;
    const auto policy = m_documentPolicy;
    const std::string task = m_bridge->withVault([record, fetched, policy](storage::Vault& vault) {
        if (auto allowed = documents::checkDocumentPolicy(policy, record.name,
                                                          static_cast<std::uint64_t>(record.size));
            !allowed)
            return allowed;
        return storage::DocumentRepository(vault).add(record, fetched->value().fileKey);
    });
    m_recording[task] = record;
}

void CompartmentView::onVaultTaskDone(const xmpp::ServiceEvent& event) {
    const bool failed = !event.error.message.empty(); // VaultTaskDone carries one only then
    if (auto recorded = m_recording.find(event.stanzaId); recorded != m_recording.end()) {
        const storage::DocumentRecord record = recorded->second;
        m_recording.erase(recorded);
        if (failed) {
            documents::discardDocumentFile(m_documentsDir, record.id);
            m_status->setText(tr("Refused a document from %1: %2; nothing was saved")
                                  .arg(fromStd(record.sender), fromStd(event.error.message)));
            return;
        }
        addDocumentRow(record);
        m_status->setText(tr("Document received: %1").arg(fromStd(record.name)));
        return;
    }
    if (auto saving = m_saving.find(event.stanzaId); saving != m_saving.end()) {
        const QString path = saving->second;
        m_saving.erase(saving);
        m_status->setText(
            failed ? tr("The document was not saved: %1").arg(fromStd(event.error.message))
                   : tr("Document saved to %1").arg(visibleText(path)));
    }
}

QString CompartmentView::conversationLabel(const std::string& conversation) const {
    QString label =
        conversation == m_room ? tr("Room: %1").arg(fromStd(conversation)) : fromStd(conversation);
    auto unread = m_unread.find(conversation);
    if (unread != m_unread.end() && unread->second > 0)
        label += QStringLiteral("  (%1)").arg(unread->second);
    return label;
}

void CompartmentView::addConversation(const std::string& conversation, bool front) {
    for (int i = 0; i < m_conversations->count(); ++i)
        if (m_conversations->item(i)->data(kConversationRole).toString().toStdString() ==
            conversation)
            return;
    auto* item = new QListWidgetItem(conversationLabel(conversation));
    item->setData(kConversationRole, QString::fromStdString(conversation));
    m_conversations->insertItem(front ? 0 : m_conversations->count(), item);
}

void CompartmentView::updateConversationLabels() {
    for (int i = 0; i < m_conversations->count(); ++i) {
        auto* item = m_conversations->item(i);
        item->setText(conversationLabel(item->data(kConversationRole).toString().toStdString()));
    }
}

QString CompartmentView::currentConversation() const {
    auto* item = m_conversations->currentItem();
    return item ? item->data(kConversationRole).toString() : QString();
}

void CompartmentView::selectConversation(const QString& conversation) {
    addConversation(conversation.toStdString(), true);
    for (int i = 0; i < m_conversations->count(); ++i)
        if (m_conversations->item(i)->data(kConversationRole).toString() == conversation)
            m_conversations->setCurrentRow(i);
}

const std::vector<CompartmentView::Message>&
CompartmentView::history(const std::string& conversation) const {
    static const std::vector<Message> kNone;
    auto found = m_history.find(conversation);
    return found == m_history.end() ? kNone : found->second;
}

int CompartmentView::unreadTotal() const {
    int total = 0;
    for (const auto& [conversation, count] : m_unread)
        total += count;
    return total;
}

void CompartmentView::startConversation() {
    const QString jid = m_newConversation->text().trimmed();
    if (jid.isEmpty() || !jid.contains(u'@') || jid.contains(u' ')) {
        m_status->setText(tr("An address looks like name@server."));
        return;
    }
    m_newConversation->clear();
    selectConversation(jid);
    m_composer->setFocus();
}

void CompartmentView::sendDraft() {
    const std::string conversation = currentConversation().toStdString();
    const QString draft = m_composer->toPlainText();
    if (draft.trimmed().isEmpty())
        return;
    if (conversation.empty()) {
        m_status->setText(tr("Choose a conversation first."));
        return;
    }
    if (!m_bridge) {
        m_status->setText(tr("This compartment is not connected: nothing was sent."));
        return;
    }
    Message message;
    message.sender = m_jid;
    message.timeMs = QDateTime::currentMSecsSinceEpoch();
    message.body = draft.toStdString();
    message.outgoing = true;
    message.trusted = true;
    message.delivery = Delivery::Sending;
    message.stanzaId = conversation == m_room ? m_bridge->sendToRoom(message.body)
                                              : m_bridge->send(conversation, message.body);
    m_history[conversation].push_back(std::move(message));
    m_composer->clear();
    render();
}

void CompartmentView::onEvent(const xmpp::ServiceEvent& event) {
    using Type = xmpp::ServiceEvent::Type;
    switch (event.type) {
    case Type::Online:
        m_online = true;
        m_status->setText(tr("Online as %1").arg(fromStd(m_jid)));
        m_catchUp->show();
        break;
    case Type::Ready:
        m_status->setText(tr("Online as %1").arg(fromStd(m_jid)));
        break;
    case Type::Offline:
        m_online = false;
        m_catchUp->hide();
        m_status->setText((event.retrying ? tr("Offline, retrying: %1") : tr("Offline: %1"))
                              .arg(fromStd(event.error.message)));
        break;
    case Type::CaughtUp:
        m_catchUp->hide();
        break;
    case Type::MessageReceived: {
        if (documents::isDocumentLink(event.text))
            fetchDocument(event);
        Message message;
        message.sender = event.from;
        message.timeMs = event.timeMs;
        message.body = event.text;
        message.device = event.device;
        message.trusted = event.trusted;
        message.trust = event.deviceTrust;
        m_history[event.conversation].push_back(std::move(message));
        addConversation(event.conversation, false);
        if (currentConversation().toStdString() != event.conversation || !isVisible())
            ++m_unread[event.conversation];
        updateConversationLabels();
        if (currentConversation().isEmpty())
            m_conversations->setCurrentRow(0);
        render();
        emit unreadChanged();
        emit newMessage();
        break;
    }
    case Type::RosterApplied:
        m_status->setText(
            tr("The organisation's device list is up to date (%1)").arg(fromStd(event.text)));
        break;
    case Type::RetentionPurged:
        // Gone from the vault: gone from the screen too.
        for (auto& [conversation, messages] : m_history)
            std::erase_if(messages,
                          [&](const Message& message) { return message.timeMs < event.timeMs; });
        render();
        m_status->setText(tr("Retention policy: older messages deleted from this compartment: %1")
                              .arg(event.count));
        break;
    case Type::RetentionFailed:
        m_status->setText(tr("The retention purge failed: %1").arg(fromStd(event.error.message)));
        break;
    case Type::RosterRefused:
        m_status->setText(
            tr("Refused the device list the server offered: %1").arg(fromStd(event.error.message)));
        break;
    case Type::LogHeadPublished:
    case Type::LogHeadRefused: // for auditors; tried again at the next interval
        break;
    case Type::QueryAnswered: // the app asks no queries
    case Type::MessageQueued: // in the outbox: shown as pending until delivered, as before
        break;
    case Type::VaultTaskDone:
        onVaultTaskDone(event);
        break;
    case Type::MessageRejected:
        m_status->setText(tr("Refused a message from %1: %2")
                              .arg(event.from.empty() ? tr("the server") : fromStd(event.from),
                                   fromStd(event.error.message)));
        break;
    case Type::DeviceTrustChanged:
        onDeviceTrustChanged(event);
        break;
    case Type::DeviceTrustRefused:
        m_deviceStatus->setText(tr("Nothing was changed for device %1 of %2: %3")
                                    .arg(event.device)
                                    .arg(fromStd(event.from), fromStd(event.error.message)));
        break;
    case Type::MessageDelivered:
    case Type::MessageUndeliverable:
        for (auto& [conversation, messages] : m_history)
            for (auto& message : messages)
                // A receipt may overtake the server's acknowledgement: it says more.
                if (message.outgoing && message.stanzaId == event.stanzaId &&
                    message.delivery != Delivery::ReceivedByPeer) {
                    message.delivery = event.type == Type::MessageDelivered ? Delivery::Delivered
                                                                            : Delivery::Failed;
                    message.error = event.error.message;
                }
        render();
        break;
    case Type::MessageReceivedByPeer:
        if (auto found = m_history.find(event.from); found != m_history.end())
            for (auto& message : found->second)
                if (message.outgoing && message.stanzaId == event.stanzaId)
                    message.delivery = Delivery::ReceivedByPeer;
        render();
        break;
    }
}

void CompartmentView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    render();
}

QString CompartmentView::headerLine(const Message& message) const {
    QString line = timeText(message.timeMs) + QStringLiteral("  ");
    line += message.outgoing ? tr("me") : fromStd(message.sender);
    if (!message.outgoing && message.device != 0)
        line += QStringLiteral("  ") + tr("device %1").arg(message.device);
    if (!message.outgoing)
        line += QStringLiteral("  ") + (message.trusted ? tr("[trusted]")
                                        : message.trust == omemo::DeviceTrust::KeyChanged
                                            ? tr("[⚠ key changed since verified]")
                                        : message.trust == omemo::DeviceTrust::Unexpected
                                            ? tr("[⚠ new unverified device]")
                                            : tr("[⚠ unverified device]"));
    switch (message.delivery) {
    case Delivery::Received:
        break;
    case Delivery::Stored:
        line += QStringLiteral("  ") + tr("[sent]");
        break;
    case Delivery::Sending:
        line += QStringLiteral("  ") + tr("[sending…]");
        break;
    case Delivery::Delivered:
        line += QStringLiteral("  ") + tr("[✓ on the server]");
        break;
    case Delivery::ReceivedByPeer:
        line += QStringLiteral("  ") + tr("[✓✓ received by the recipient's device]");
        break;
    case Delivery::Failed:
        line += QStringLiteral("  ") + tr("[✗ not sent: %1]").arg(fromStd(message.error));
        break;
    }
    return line;
}

void CompartmentView::render() {
    const std::string conversation = currentConversation().toStdString();
    if (isVisible() && m_unread.erase(conversation)) {
        updateConversationLabels();
        emit unreadChanged();
    }
    m_conversationTitle->setText(conversation.empty() ? tr("No conversation yet")
                                                      : conversationLabel(conversation));
    QString text;
    std::set<std::string> untrusted, changedKey, unexpected;
    int suspicious = 0;
    auto found = m_history.find(conversation);
    if (found != m_history.end()) {
        for (const auto& message : found->second) {
            const RenderedBody body = renderBody(message.body, m_guard);
            suspicious += body.suspiciousLinks;
            text += headerLine(message) + u'\n';
            for (const QString& line : body.text.split(u'\n'))
                text += QStringLiteral("    ") + line + u'\n';
            text += u'\n';
            if (!message.outgoing && !message.trusted) {
                const std::string device =
                    message.sender + " (" + std::to_string(message.device) + ")";
                (message.trust == omemo::DeviceTrust::KeyChanged   ? changedKey
                 : message.trust == omemo::DeviceTrust::Unexpected ? unexpected
                                                                   : untrusted)
                    .insert(device);
            }
        }
    }
    m_messages->setPlainText(text);
    m_messages->moveCursor(QTextCursor::End);
    QStringList warnings;
    const auto joined = [](const std::set<std::string>& devices) {
        QStringList names;
        for (const auto& device : devices)
            names << fromStd(device);
        return names.join(QStringLiteral(", "));
    };
    // A changed key or a stranger beside verified devices is what an attacker's device looks
    // like: said first, and plainly.
    if (!changedKey.empty())
        warnings << tr("⚠ The key of %1 changed since you verified it: it may not be the same "
                       "person any more. It no longer receives your messages; compare its new "
                       "fingerprint (Devices tab) before trusting what it says.")
                        .arg(joined(changedKey));
    if (!unexpected.empty())
        warnings << tr("⚠ A device you have not verified wrote here: %1, beside devices of the "
                       "same contact that you verified. It may not be theirs: it does not "
                       "receive your messages until you compare its fingerprint (Devices tab).")
                        .arg(joined(unexpected));
    if (!untrusted.empty()) {
        QStringList devices;
        for (const auto& device : untrusted)
            devices << fromStd(device);
        warnings << tr("⚠ Unverified devices wrote here: %1. Nobody has verified their keys; "
                       "compare fingerprints (Devices tab) before trusting what they say.")
                        .arg(devices.join(QStringLiteral(", ")));
    }
    if (suspicious > 0)
        warnings << tr("⚠ %n suspicious link(s) shown defanged: do not open them.", nullptr,
                       suspicious);
    m_untrusted->setText(warnings.join(u'\n'));
    m_untrusted->setVisible(!warnings.isEmpty());
}

} // namespace cloison::ui
