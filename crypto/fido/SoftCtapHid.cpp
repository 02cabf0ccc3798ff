#include "crypto/fido/SoftCtapHid.h"

#include "crypto/Hash.h"
#include "crypto/fido/SoftAuthenticator.h"

#include <array>
#include <cstring>
#include <deque>

namespace cloison::fido {
namespace {

constexpr std::size_t kReportBytes = 64;
constexpr std::size_t kInitDataBytes = kReportBytes - 7;
constexpr std::size_t kContDataBytes = kReportBytes - 5;
constexpr std::size_t kMaxMessageBytes = 7609; // the CTAPHID limit for 64-byte reports
constexpr std::uint8_t kFrameInit = 0x80;
enum Command : std::uint8_t {
    kPing = 0x01,
    kInit = 0x06,
    kCbor = 0x10,
    kCancel = 0x11,
    kError = 0x3f,
};
constexpr std::uint8_t kErrInvalidCommand = 0x01;
constexpr std::uint8_t kErrInvalidSequence = 0x04;
constexpr std::uint8_t kCapabilityCbor = 0x04;
constexpr std::uint8_t kCapabilityNoMsg = 0x08;

using Report = std::array<std::uint8_t, kReportBytes>;

// One open "device": the authenticator plus the framing state of its one channel.
struct Handle {
    std::unique_ptr<SoftAuthenticator> authenticator;
    std::array<std::uint8_t, 4> channel{};
    std::deque<Report> outgoing;
    // The request being reassembled.
    std::array<std::uint8_t, 4> requestChannel{};
    std::uint8_t command = 0;
    std::size_t expected = 0;
    std::uint8_t nextSequence = 0;
    Bytes message;
    bool assembling = false;

    void send(const std::uint8_t* cid, std::uint8_t cmd, ByteView payload) {
        Report report{};
        std::memcpy(report.data(), cid, 4);
        report[4] = static_cast<std::uint8_t>(kFrameInit | cmd);
        report[5] = static_cast<std::uint8_t>(payload.size() >> 8);
        report[6] = static_cast<std::uint8_t>(payload.size());
        std::size_t done = std::min(payload.size(), kInitDataBytes);
        std::memcpy(report.data() + 7, payload.data(), done);
        outgoing.push_back(report);
        for (std::uint8_t sequence = 0; done < payload.size(); ++sequence) {
            report.fill(0);
            std::memcpy(report.data(), cid, 4);
            report[4] = sequence;
            const std::size_t n = std::min(payload.size() - done, kContDataBytes);
            std::memcpy(report.data() + 5, payload.data() + done, n);
            done += n;
            outgoing.push_back(report);
        }
    }

    void dispatch() {
        assembling = false;
        switch (command) {
        case kInit: {
            if (message.size() != 8)
                break;
            Bytes reply(message);
            const Bytes fresh = randomBytes(4);
            std::memcpy(channel.data(), fresh.data(), 4);
            reply.insert(reply.end(), channel.begin(), channel.end());
            reply.insert(reply.end(), {2, 0, 0, 0, kCapabilityCbor | kCapabilityNoMsg});
            send(requestChannel.data(), kInit, reply);
            return;
        }
        case kPing:
            send(requestChannel.data(), kPing, message);
            return;
        case kCbor:
            send(requestChannel.data(), kCbor, authenticator->process(message));
            return;
        case kCancel:
            return; // nothing runs in the background to cancel
        default:
            break;
        }
        const std::uint8_t error = kErrInvalidCommand;
        send(requestChannel.data(), kError, ByteView(&error, 1));
    }

    void receive(const std::uint8_t* report) {
        if (report[4] & kFrameInit) {
            std::memcpy(requestChannel.data(), report, 4);
            command = static_cast<std::uint8_t>(report[4] & ~kFrameInit);
            expected = static_cast<std::size_t>(report[5] << 8 | report[6]);
            if (expected > kMaxMessageBytes) {
                const std::uint8_t error = kErrInvalidCommand;
                send(requestChannel.data(), kError, ByteView(&error, 1));
                return;
            }
            message.assign(report + 7, report + 7 + std::min(expected, kInitDataBytes));
            nextSequence = 0;
            assembling = true;
        } else {
            if (!assembling || std::memcmp(report, requestChannel.data(), 4) != 0 ||
                report[4] != nextSequence) {
                assembling = false;
                const std::uint8_t error = kErrInvalidSequence;
                send(report, kError, ByteView(&error, 1));
                return;
            }
            ++nextSequence;
            const std::size_t n = std::min(expected - message.size(), kContDataBytes);
            message.insert(message.end(), report + 5, report + 5 + n);
        }
        if (message.size() == expected)
            dispatch();
    }
};

void* openDevice(const char* path) {
    try {
        auto loaded = SoftAuthenticator::load(path);
        if (!loaded)
            return nullptr;
        auto* handle = new Handle;
        handle->authenticator = std::move(loaded.value());
        return handle;
    } catch (...) {
        return nullptr;
    }
}

void closeDevice(void* handle) {
    delete static_cast<Handle*>(handle);
}

int readReport(void* opaque, unsigned char* buffer, std::size_t length, int /*ms*/) {
    auto* handle = static_cast<Handle*>(opaque);
    // Requests are answered synchronously, so an empty queue means no answer will ever come.
    if (length != kReportBytes || handle->outgoing.empty())
        return -1;
    std::memcpy(buffer, handle->outgoing.front().data(), kReportBytes);
    handle->outgoing.pop_front();
    return static_cast<int>(kReportBytes);
}

int writeReport(void* opaque, const unsigned char* buffer, std::size_t length) {
    auto* handle = static_cast<Handle*>(opaque);
    // libfido2 writes a report ID byte (0) before the 64-byte report.
    if (length != kReportBytes + 1)
        return -1;
    try {
        handle->receive(buffer + 1);
    } catch (...) {
        return -1;
    }
    return static_cast<int>(length);
}

} // namespace

const fido_dev_io_t& softAuthenticatorIo() {
    static const fido_dev_io_t io{&openDevice, &closeDevice, &readReport, &writeReport};
    return io;
}

} // namespace cloison::fido
