// cloison-cli's devices commands: a contact's devices with their fingerprints and trust, and
// manual verification by fingerprint (omemo/DeviceTrust.h).
#pragma once

#include "client/profile/Profile.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace cloison::cli {

struct DeviceCommandOptions {
    std::string compartment;
    std::optional<std::uint32_t> deviceId; // --device
};

// `words` starts with "devices": list JID | verify JID FINGERPRINT | unverify JID [FINGERPRINT].
// Returns the exit code (usage errors are 2, with the message on `err`).
[[nodiscard]] Result<int>
runDevices(const std::vector<std::string>& words, const DeviceCommandOptions& options,
           const std::function<Result<std::unique_ptr<Profile>>()>& unlock, std::ostream& out,
           std::ostream& err);

} // namespace cloison::cli
