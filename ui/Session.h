// An unlocked profile as the app holds it: the profile, and for each opened compartment its
// network service (behind a ServiceBridge) and its link guard. UI thread only. lock() destroys
// the services (joining their threads) before the profile wipes its keys, so nothing keyed is
// left in memory once the app shows the unlock screen again.
#pragma once

#include "client/documents/DocumentTransfer.h"
#include "client/linkguard/LinkGuard.h"
#include "client/profile/FidoSlots.h"
#include "client/profile/Profile.h"
#include "client/provisioning/MemberImport.h"
#include "client/xmpp/CompartmentService.h"
#include "storage/KeyEventRepository.h"
#include "storage/MessageRepository.h"
#include "ui/ServiceBridge.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace cloison::ui {

struct DeviceInfo {
    std::string jid;
    std::uint32_t device = 0;
    std::string fingerprint; // omemoFingerprint()
    std::string uri;         // verificationUri(), what standard clients put in QR codes
    bool own = false;
    omemo::DeviceTrust trust =
        omemo::DeviceTrust::Untrusted; // a contact's, in the compartment's mode
};

// What a compartment's view shows, read from its vault while no service holds it.
struct CompartmentSnapshot {
    CompartmentInfo info;
    bool hasAccount = false;
    std::string jid;
    std::string room;
    xmpp::TrustMode trust = xmpp::TrustMode::Manual;
    std::vector<std::string> conversations; // most recent first
    std::map<std::string, std::vector<storage::StoredMessage>> history;
    std::vector<storage::KeyEventRow> keyEvents;
    std::vector<DeviceInfo> devices; // ours first
    // Documents (issue 13): those held, where their sealed files go, the policy, and how the
    // compartment's server is reached for downloads (its pin, as for XMPP).
    std::vector<storage::DocumentRecord> documents;
    std::filesystem::path documentsDir;
    documents::DocumentPolicy documentPolicy;
    documents::TransferSecurity transfer;
};

class Session {
public:
    static constexpr int kHistoryPerConversation = 500;

    explicit Session(std::unique_ptr<Profile> profile);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    bool isUnlocked() const { return m_profile != nullptr; }
    const std::filesystem::path& directory() const { return m_directory; }
    [[nodiscard]] Result<std::vector<CompartmentInfo>> compartments();

    // Stops the compartment's service if it runs, reads its snapshot, then starts the service
    // again (when the compartment has an account). A sealed compartment must have been opened
    // with openSealed() first.
    [[nodiscard]] Result<CompartmentSnapshot> open(const std::string& name);
    [[nodiscard]] Result<void> openSealed(const std::string& name, FidoAccess& fido);
    // Null when the compartment has no account or is not open.
    ServiceBridge* bridge(const std::string& name);
    // Null when the public suffix list could not be read (then links are not checked).
    const linkguard::LinkGuard* linkGuard(const std::string& name) const;

    // The member's side of provisioning, as cloison-cli does it (MemberImport). importInvite
    // may run on a worker thread: the UI must not use the session until it returns (the import
    // dialog is modal, and MainWindow::lock() destroys it, joining its thread, first).
    [[nodiscard]] Result<provisioning::ImportResult>
    importInvite(std::string_view file, const provisioning::ImportOptions& options);
    [[nodiscard]] Result<std::string> enrollRequest(const std::string& name);

    // Destroys every service, then locks the profile (its keys wiped) and lets it go.
    void lock();

private:
    Result<CompartmentSnapshot> snapshot(const std::string& name, storage::Vault& vault);
    std::filesystem::path m_directory;
    std::unique_ptr<Profile> m_profile;
    std::shared_ptr<const linkguard::PublicSuffixList> m_suffixes;
    std::map<std::string, std::unique_ptr<ServiceBridge>> m_bridges;
    std::map<std::string, std::unique_ptr<linkguard::LinkGuard>> m_guards;
};

} // namespace cloison::ui
