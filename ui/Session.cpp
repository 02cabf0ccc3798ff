#include "ui/Session.h"

#include "client/audit/KeyEvent.h"
#include "client/linkguard/LinkPolicyStore.h"
#include "client/omemo/Stanzas.h"
#include "client/provisioning/Decoy.h"
#include "client/worker/StartCompartment.h"
#include "client/xmpp/AccountStore.h"
#include "storage/OmemoStore.h"
#include "storage/VerifiedDeviceRepository.h"

#include <set>

namespace cloison::ui {

Session::Session(std::unique_ptr<Profile> profile)
    : m_directory(profile->directory()), m_profile(std::move(profile)) {
    if (auto suffixes = linkguard::PublicSuffixList::load())
        m_suffixes =
            std::make_shared<const linkguard::PublicSuffixList>(std::move(suffixes).value());
}

Session::~Session() {
    lock();
}

Result<std::vector<CompartmentInfo>> Session::compartments() {
    if (!m_profile)
        return makeError(ErrorCode::InvalidArgument, "the profile is locked");
    return m_profile->compartments();
}

void Session::lock() {
    m_bridges.clear(); // joins every network thread: they hold vault pointers
    m_guards.clear();
    if (m_profile) {
        m_profile->lock();
        m_profile.reset();
    }
}

ServiceBridge* Session::bridge(const std::string& name) {
    auto found = m_bridges.find(name);
    return found == m_bridges.end() ? nullptr : found->second.get();
}

const linkguard::LinkGuard* Session::linkGuard(const std::string& name) const {
    auto found = m_guards.find(name);
    return found == m_guards.end() ? nullptr : found->second.get();
}

Result<provisioning::ImportResult>
Session::importInvite(std::string_view file, const provisioning::ImportOptions& options) {
    if (!m_profile)
        return makeError(ErrorCode::InvalidArgument, "the profile is locked");
    return provisioning::importInvite(*m_profile, file, options);
}

Result<std::string> Session::enrollRequest(const std::string& name) {
    if (!m_profile)
        return makeError(ErrorCode::InvalidArgument, "the profile is locked");
    return provisioning::enrollRequest(*m_profile, name);
}

Result<void> Session::openSealed(const std::string& name, FidoAccess& fido) {
    if (!m_profile)
        return makeError(ErrorCode::InvalidArgument, "the profile is locked");
    auto vault = m_profile->openSealedCompartment(name, fido);
    if (!vault)
        return vault.error();
    return {};
}

Result<CompartmentSnapshot> Session::open(const std::string& name) {
    if (!m_profile)
        return makeError(ErrorCode::InvalidArgument, "the profile is locked");
    m_bridges.erase(name); // the vault belongs to the service's thread while it runs
    auto vault = m_profile->compartmentVault(name);
    if (!vault)
        return vault.error();
    auto snap = snapshot(name, *vault.value());
    if (!snap)
        return snap.error();

    if (m_suffixes) {
        auto guard = linkguard::LinkGuard::create(m_suffixes);
        if (guard) {
            auto domains = linkguard::LinkPolicyStore(*vault.value()).trustedDomains();
            if (domains && !domains.value().empty())
                (void)guard.value().setTrustedDomains(domains.value());
            m_guards[name] = std::make_unique<linkguard::LinkGuard>(std::move(guard).value());
        }
    }

    if (!snap.value().hasAccount || !provisioning::mayConnect(snap.value().info))
        return snap;
    auto service = worker::startCompartment(*m_profile, name);
    if (!service)
        return service.error();
    m_bridges[name] = std::make_unique<ServiceBridge>(std::move(service).value());
    return snap;
}

Result<CompartmentSnapshot> Session::snapshot(const std::string& name, storage::Vault& vault) {
    CompartmentSnapshot snap;
    auto list = m_profile->compartments();
    if (!list)
        return list.error();
    for (const auto& info : list.value())
        if (info.name == name)
            snap.info = info;

    auto account = xmpp::loadAccount(vault);
    if (account) {
        snap.hasAccount = true;
        snap.jid = account.value().settings.jid;
        snap.room = account.value().room;
        snap.trust = account.value().trust;
        snap.transfer = {account.value().settings.pin, account.value().settings.insecureLoopback};
    } else if (account.error().code != ErrorCode::NotFound) {
        return account.error();
    }

    storage::MessageRepository messages(vault);
    auto conversations = messages.conversations();
    if (!conversations)
        return conversations.error();
    snap.conversations = std::move(conversations).value();
    std::set<std::string> peers;
    for (const auto& conversation : snap.conversations) {
        auto latest = messages.latest(conversation, kHistoryPerConversation);
        if (!latest)
            return latest.error();
        for (const auto& message : latest.value())
            peers.insert(message.sender);
        if (conversation != snap.room)
            peers.insert(conversation);
        snap.history[conversation] = std::move(latest).value();
    }

    auto documents = storage::DocumentRepository(vault).list();
    if (!documents)
        return documents.error();
    snap.documents = std::move(documents).value();
    snap.documentsDir = storage::documentsDirOf(vault);
    auto policy = documents::documentPolicy(vault);
    if (!policy)
        return policy.error();
    snap.documentPolicy = std::move(policy).value();

    auto events = storage::KeyEventRepository(vault).all();
    if (!events)
        return events.error();
    snap.keyEvents = std::move(events).value();
    // The decoys' logs keep the duress unlocks for the auditor; the person holding the laptop
    // under duress must not see one on screen.
    if (m_profile->isDuressSession())
        std::erase_if(snap.keyEvents, [](const storage::KeyEventRow& event) {
            return event.type == audit::event::kDuressUnlock;
        });

    storage::OmemoStore omemo(vault);
    auto identity = omemo.identity();
    if (!identity)
        return identity.error();
    if (identity.value())
        snap.devices.push_back({snap.jid, identity.value()->deviceId,
                                omemo::omemoFingerprint(identity.value()->publicKey),
                                omemo::verificationUri(snap.jid, identity.value()->deviceId,
                                                       identity.value()->publicKey),
                                true});
    peers.erase(snap.jid);
    // Devices verified by hand belong on the list even when no message is on screen.
    auto verified = storage::VerifiedDeviceRepository(vault).list();
    if (!verified)
        return verified.error();
    for (const auto& device : verified.value())
        peers.insert(device.jid);
    for (const auto& peer : peers) {
        auto devices = omemo::contactDevices(vault, snap.trust, peer);
        if (!devices)
            return devices.error();
        for (const auto& device : devices.value())
            snap.devices.push_back(
                {peer, device.deviceId, device.fingerprint,
                 omemo::verificationUri(peer, device.deviceId, device.identityKey), false,
                 device.trust});
    }
    return snap;
}

} // namespace cloison::ui
