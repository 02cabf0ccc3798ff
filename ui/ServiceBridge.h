// Carries a compartment's events from its network thread to the UI thread. A QTimer on the UI
// thread drains the service's event queue without waiting (nextEvent(0)), so the UI never
// blocks on the network and the core needs no Qt.
#pragma once

#include "client/xmpp/CompartmentService.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace cloison::ui {

class ServiceBridge : public QObject {
    Q_OBJECT
public:
    static constexpr int kPollMs = 50;
    static constexpr int kMaxEventsPerPoll = 64; // then yield to the event loop

    explicit ServiceBridge(std::unique_ptr<xmpp::Compartment> service, QObject* parent = nullptr);
    ~ServiceBridge() override; // disconnects and joins the compartment's thread

    std::string send(const std::string& to, const std::string& text);
    std::string sendToRoom(const std::string& text);
    // Manual verification (CompartmentService::verifyDevice): the answer comes as an event.
    void verifyDevice(const std::string& jid, std::uint32_t device, const std::string& fingerprint);
    void unverifyDevice(const std::string& jid, std::uint32_t device);
    // Runs `task` on the compartment's thread, which owns the vault (VaultTaskDone reports it).
    std::string withVault(std::function<Result<void>(storage::Vault& vault)> task);

signals:
    void eventArrived(const cloison::xmpp::ServiceEvent& event);

private:
    void drain();
    std::unique_ptr<xmpp::Compartment> m_service;
    QTimer m_timer;
};

} // namespace cloison::ui
