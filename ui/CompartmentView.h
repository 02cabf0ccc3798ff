// One compartment's space: its conversations and room, the message list, the composer, and its
// devices and key events. A view talks only to its own compartment's ServiceBridge: the
// composer's draft lives in this view's own widget, so switching compartments shows another
// view with another composer and a message can only ever go out through the compartment it
// was typed in.
#pragma once

#include "client/linkguard/LinkGuard.h"
#include "ui/DeviceVerification.h"
#include "ui/ServiceBridge.h"
#include "ui/Session.h"

#include <QPointer>
#include <QWidget>

#include <map>
#include <memory>
#include <thread>
#include <vector>

class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;
class QTableWidget;

namespace cloison::ui {

class CompartmentView : public QWidget {
    Q_OBJECT
public:
    // ReceivedByPeer: the recipient's delivery receipt (XEP-0184) came back; one-to-one only.
    enum class Delivery { Received, Stored, Sending, Delivered, ReceivedByPeer, Failed };
    struct Message {
        std::string sender;
        std::int64_t timeMs = 0;
        std::string body;
        std::uint32_t device = 0;
        bool trusted = false;
        omemo::DeviceTrust trust = omemo::DeviceTrust::Untrusted; // why (not) trusted
        bool outgoing = false;
        Delivery delivery = Delivery::Received;
        std::string stanzaId;
        std::string error;
    };

    CompartmentView(const CompartmentSnapshot& snapshot, ServiceBridge* bridge,
                    const linkguard::LinkGuard* guard, QWidget* parent = nullptr);
    ~CompartmentView() override; // waits for document downloads in progress

    const std::string& name() const { return m_name; }
    int unreadTotal() const;
    bool online() const { return m_online; }

    // For tests and keyboard users alike: these are the widgets a person works with.
    QListWidget* conversationList() const { return m_conversations; }
    QPlainTextEdit* messageView() const { return m_messages; }
    QPlainTextEdit* composer() const { return m_composer; }
    QPushButton* sendButton() const { return m_send; }
    QLineEdit* newConversationField() const { return m_newConversation; }
    QLabel* untrustedWarning() const { return m_untrusted; }
    QLabel* statusLabel() const { return m_status; }
    QTabWidget* tabs() const { return m_tabs; }
    QTableWidget* keyEventTable() const { return m_keyEvents; }
    QTableWidget* deviceTable() const { return m_devices; }
    QLabel* qrCode() const { return m_qr; }
    QPushButton* verifyDeviceButton() const { return m_verifyDevice; }
    QPushButton* unverifyDeviceButton() const { return m_unverifyDevice; }
    QLabel* deviceStatus() const { return m_deviceStatus; }
    // The verification dialog open for the selected device, or null.
    VerifyDeviceDialog* verifyDialog() const { return m_verifyDialog; }
    // What Verify… and Unverify do for the device in the selected row of the devices table.
    void verifySelectedDevice();
    void unverifySelectedDevice();
    QString currentConversation() const;
    // What the view holds for a conversation (empty when none), oldest first.
    const std::vector<Message>& history(const std::string& conversation) const;
    void selectConversation(const QString& conversation);
    // Documents (issue 13): those held, oldest first; the list and its Save… button.
    const std::vector<storage::DocumentRecord>& documents() const { return m_documentRecords; }
    QListWidget* documentList() const { return m_documentList; }
    QPushButton* saveDocumentButton() const { return m_saveDocument; }
    // Exports a document in plaintext to `path` (never over an existing file), on the
    // compartment's thread; the status line says how it went. Save… asks for the path.
    void saveDocument(const std::string& id, const QString& path);

signals:
    void unreadChanged();
    void newMessage(); // something arrived: the window decides whether to notify (no content)
    void refreshRequested(const std::string& name); // re-read devices and key events

protected:
    void showEvent(QShowEvent* event) override;

private:
    void buildMessagesTab();
    void buildDevicesTab(const CompartmentSnapshot& snapshot);
    void buildKeyEventsTab(const CompartmentSnapshot& snapshot);
    void addKeyEventRow(int row, const storage::KeyEventRow& event);
    QString trustText(omemo::DeviceTrust trust) const;
    int selectedDeviceRow() const;
    void updateDeviceButtons();
    void onDeviceTrustChanged(const xmpp::ServiceEvent& event);
    void buildDocumentsTab(const CompartmentSnapshot& snapshot);
    void onEvent(const xmpp::ServiceEvent& event);
    // A document link arrived: fetched on a thread of its own, recorded through the vault's.
    void fetchDocument(const xmpp::ServiceEvent& event);
    void onDocumentFetched(const xmpp::ServiceEvent& event,
                           std::shared_ptr<Result<documents::ReceivedDocument>> fetched);
    void onVaultTaskDone(const xmpp::ServiceEvent& event);
    void addDocumentRow(const storage::DocumentRecord& record);
    void saveSelectedDocument();
    void sendDraft();
    void startConversation();
    void addConversation(const std::string& conversation, bool front);
    void render();
    void updateConversationLabels();
    QString conversationLabel(const std::string& conversation) const;
    QString headerLine(const Message& message) const;

    std::string m_name;
    std::string m_jid;
    std::string m_room;
    xmpp::TrustMode m_trust;
    QPointer<ServiceBridge> m_bridge;
    const linkguard::LinkGuard* m_guard;
    std::filesystem::path m_documentsDir;
    documents::DocumentPolicy m_documentPolicy;
    documents::TransferSecurity m_transfer;
    bool m_online = false;
    std::map<std::string, std::vector<Message>> m_history;
    std::map<std::string, int> m_unread;

    QTabWidget* m_tabs;
    QListWidget* m_conversations;
    QLineEdit* m_newConversation;
    QLabel* m_conversationTitle;
    QLabel* m_untrusted;
    QLabel* m_status;
    QProgressBar* m_catchUp;
    QPlainTextEdit* m_messages;
    QPlainTextEdit* m_composer;
    QPushButton* m_send;
    QTableWidget* m_devices = nullptr;
    QTableWidget* m_keyEvents = nullptr;
    QLabel* m_qr = nullptr;
    QPushButton* m_verifyDevice = nullptr;
    QPushButton* m_unverifyDevice = nullptr;
    QLabel* m_deviceStatus = nullptr;
    QPointer<VerifyDeviceDialog> m_verifyDialog;
    std::uint32_t m_ownDevice = 0; // 0: no device key yet
    std::string m_ownFingerprint;
    QListWidget* m_documentList = nullptr;
    QPushButton* m_saveDocument = nullptr;
    std::vector<storage::DocumentRecord> m_documentRecords;
    std::vector<std::thread> m_fetches;
    std::map<std::string, storage::DocumentRecord> m_recording; // vault task id -> document
    std::map<std::string, QString> m_saving;                    // vault task id -> where
};

} // namespace cloison::ui
