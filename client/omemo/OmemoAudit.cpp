#include "client/omemo/OmemoAudit.h"

namespace cloison::omemo {
namespace {

constexpr std::size_t kMaxReasonBytes = 200;

std::string deviceOf(const Event& event) {
    return event.deviceId == 0 ? event.peer : event.peer + "/" + std::to_string(event.deviceId);
}

} // namespace

Result<void> recordKeyEvents(audit::KeyEventLog& log, const std::vector<Event>& events) {
    for (const Event& event : events) {
        Result<audit::KeyEvent> recorded = makeError(ErrorCode::Internal, "");
        switch (event.type) {
        case EventType::DeviceListUpdated:
            recorded =
                log.record(audit::event::kDeviceSeen, deviceOf(event), {}, "device list published");
            break;
        case EventType::SessionStarted:
            recorded = log.record(audit::event::kSessionStarted, deviceOf(event));
            break;
        case EventType::SessionReset:
            recorded = log.record(audit::event::kSessionReset, deviceOf(event), {}, event.reason);
            break;
        case EventType::MessageRejected:
            // The reason names what failed (tag, key, replay), never what the message said.
            recorded =
                event.uncertified
                    ? log.record(audit::event::kRejectedUncertified, deviceOf(event),
                                 event.fingerprint, "device not certified by the organisation")
                    : log.record(audit::event::kMessageRefused, deviceOf(event), {},
                                 event.reason.substr(0, kMaxReasonBytes));
            break;
        case EventType::LimitExceeded:
            recorded = log.record(audit::event::kLimitExceeded, deviceOf(event), {},
                                  event.reason.substr(0, kMaxReasonBytes));
            break;
        case EventType::DeviceIdChanged:
            recorded = log.record(audit::event::kIdentityCreated, deviceOf(event), {},
                                  "device id replaced after a collision");
            break;
        case EventType::DeviceUnreachable:
        case EventType::PublishFailed:
        case EventType::MessageReceived:
        case EventType::MessageSent:
        case EventType::Duplicate:
        case EventType::CatchUpFinished:
        case EventType::Announced:
        case EventType::ReceivedByPeer:
            continue;
        }
        if (!recorded)
            return recorded.error();
    }
    return {};
}

} // namespace cloison::omemo
