#include "ui/CompartmentView.h"

#include "client/audit/KeyEvent.h"
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
            shown.delivery = shown.outgoing ? Delivery::Stored : Delivery::Received;
            shown.trusted = m_trust == xmpp::TrustMode::Blind;
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

    if (!snapshot.hasAccount) {
        m_status->setText(tr("This compartment has no account yet: it is offline."));
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
        m_devices->setItem(row, 0, cell(fromStd(device.jid)));
        m_devices->setItem(row, 1, cell(QString::number(device.device)));
        m_devices->setItem(row, 2,
                           cell(m_trust == xmpp::TrustMode::Blind
                                    ? tr("trusted blindly")
                                    : tr("⚠ not verified (not certified by the organisation)")));
        m_devices->setItem(row, 3, cell(fromStd(device.fingerprint)));
        ++row;
    }
    m_devices->resizeColumnsToContents();
    layout->addWidget(m_devices, 1);
    auto* refresh = new QPushButton(tr("&Refresh"), page);
    refresh->setAccessibleName(tr("Refresh devices and key events"));
    connect(refresh, &QPushButton::clicked, this, [this] { emit refreshRequested(m_name); });
    layout->addWidget(refresh, 0, Qt::AlignLeft);
    m_tabs->addTab(page, tr("&Devices"));
}

void CompartmentView::buildKeyEventsTab(const CompartmentSnapshot& snapshot) {
    m_keyEvents = makeTable(
        this, {tr("#"), tr("Time"), tr("Event"), tr("Subject"), tr("Fingerprint"), tr("Details")});
    m_keyEvents->setObjectName(QStringLiteral("keyEvents"));
    m_keyEvents->setAccessibleName(tr("Key events"));
    int row = 0;
    for (auto it = snapshot.keyEvents.rbegin(); it != snapshot.keyEvents.rend(); ++it) {
        m_keyEvents->insertRow(row);
        m_keyEvents->setItem(row, 0, cell(QString::number(it->seq)));
        m_keyEvents->setItem(row, 1, cell(timeText(it->timeMs)));
        m_keyEvents->setItem(row, 2, cell(fromStd(it->type)));
        m_keyEvents->setItem(row, 3, cell(fromStd(it->subject)));
        m_keyEvents->setItem(row, 4, cell(fromStd(it->fingerprint)));
        m_keyEvents->setItem(row, 5, cell(fromStd(it->details)));
        ++row;
    }
    m_keyEvents->resizeColumnsToContents();
    m_tabs->addTab(m_keyEvents, tr("&Key events"));
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
        break;
    case Type::VaultTaskDone:
        onVaultTaskDone(event);
        break;
    case Type::MessageRejected:
        m_status->setText(tr("Refused a message from %1: %2")
                              .arg(event.from.empty() ? tr("the server") : fromStd(event.from),
                                   fromStd(event.error.message)));
        break;
    case Type::MessageDelivered:
    case Type::MessageUndeliverable:
        for (auto& [conversation, messages] : m_history)
            for (auto& message : messages)
                if (message.outgoing && message.stanzaId == event.stanzaId) {
                    message.delivery = event.type == Type::MessageDelivered ? Delivery::Delivered
                                                                            : Delivery::Failed;
                    message.error = event.error.message;
                }
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
        line += QStringLiteral("  ") +
                (message.trusted ? tr("[trusted]") : tr("[⚠ unverified device]"));
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
    std::set<std::string> untrusted;
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
            if (!message.outgoing && !message.trusted)
                untrusted.insert(message.sender + " (" + std::to_string(message.device) + ")");
        }
    }
    m_messages->setPlainText(text);
    m_messages->moveCursor(QTextCursor::End);
    QStringList warnings;
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
