#include "ui/ServiceBridge.h"

namespace cloison::ui {

ServiceBridge::ServiceBridge(std::unique_ptr<xmpp::Compartment> service, QObject* parent)
    : QObject(parent), m_service(std::move(service)) {
    m_timer.setInterval(kPollMs);
    connect(&m_timer, &QTimer::timeout, this, &ServiceBridge::drain);
    m_timer.start();
}

ServiceBridge::~ServiceBridge() {
    m_timer.stop();
    m_service.reset();
}

std::string ServiceBridge::send(const std::string& to, const std::string& text) {
    return m_service->send(to, text);
}

std::string ServiceBridge::sendToRoom(const std::string& text) {
    return m_service->sendToRoom(text);
}

void ServiceBridge::verifyDevice(const std::string& jid, std::uint32_t device,
                                 const std::string& fingerprint) {
    m_service->verifyDevice(jid, device, fingerprint);
}

void ServiceBridge::unverifyDevice(const std::string& jid, std::uint32_t device) {
    m_service->unverifyDevice(jid, device);
}

std::string ServiceBridge::withVault(std::function<Result<void>(storage::Vault& vault)> task) {
    return m_service->withVault(std::move(task));
}

void ServiceBridge::drain() {
    for (int i = 0; i < kMaxEventsPerPoll; ++i) {
        auto event = m_service->nextEvent(std::chrono::milliseconds(0));
        if (!event)
            return;
        emit eventArrived(*event);
    }
}

} // namespace cloison::ui
