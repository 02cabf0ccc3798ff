#include "client/cli/DeviceCommands.h"

#include "client/audit/KeyEventLog.h"
#include "client/omemo/ManualVerification.h"
#include "client/xmpp/AccountStore.h"

namespace cloison::cli {
namespace {

constexpr int kUsageError = 2;

int usage(std::ostream& err, const std::string& message) {
    err << "cloison-cli: " << message << "\nTry 'cloison-cli --help'.\n";
    return kUsageError;
}

// What a person should make of a state that is not plainly trusted.
const char* adviceFor(omemo::DeviceTrust trust) {
    switch (trust) {
    case omemo::DeviceTrust::KeyChanged:
        return "its key changed since it was verified: it gets no messages until its new "
               "fingerprint is compared and verified";
    case omemo::DeviceTrust::Unexpected:
        return "not verified, beside verified devices of the same contact: it may not be "
               "theirs, and gets no messages until it is verified";
    default:
        return nullptr;
    }
}

void printDevice(std::ostream& out, std::ostream& err, const omemo::ContactDevice& device) {
    out << device.jid << ' ' << device.deviceId << ' ' << omemo::deviceTrustName(device.trust)
        << ' ' << device.fingerprint << '\n';
    if (const char* advice = adviceFor(device.trust))
        err << "cloison-cli: device " << device.deviceId << " of " << device.jid << ": " << advice
            << '\n';
}

} // namespace

Result<int> runDevices(const std::vector<std::string>& words, const DeviceCommandOptions& options,
                       const std::function<Result<std::unique_ptr<Profile>>()>& unlock,
                       std::ostream& out, std::ostream& err) {
    const std::string action = words.size() >= 2 ? words[1] : "";
    if (action != "list" && action != "verify" && action != "unverify")
        return usage(err, "expected 'devices list|verify|unverify --compartment NAME JID ...'");
    if (options.compartment.empty())
        return usage(err, "'devices " + action + "' needs --compartment NAME");
    if (action == "list" && (words.size() != 3 || options.deviceId))
        return usage(err, "expected 'devices list --compartment NAME JID'");
    if (action == "verify" && words.size() != 4)
        return usage(err, "expected 'devices verify --compartment NAME JID FINGERPRINT "
                          "[--device ID]' (the fingerprint as one argument: quote it)");
    if (action == "unverify" &&
        (words.size() > 4 || (words.size() == 3 && !options.deviceId) || words.size() < 3))
        return usage(err, "expected 'devices unverify --compartment NAME JID (FINGERPRINT | "
                          "--device ID)'");
    // Checked before the profile is unlocked: a typing error costs no passphrase.
    if (action == "verify" || words.size() == 4) {
        if (auto typed = omemo::normaliseFingerprint(words[3]); !typed)
            return usage(err, typed.error().message);
    }

    auto profile = unlock();
    if (!profile)
        return profile.error();
    auto vault = profile.value()->compartmentVault(options.compartment);
    if (!vault)
        return vault.error();
    auto account = xmpp::loadAccount(*vault.value());
    if (!account) {
        if (account.error().code == ErrorCode::NotFound)
            return makeError(ErrorCode::NotFound, "compartment " + options.compartment +
                                                      " has no account, so no contacts' devices");
        return account.error();
    }
    const omemo::TrustMode mode = account.value().trust;
    const std::string& jid = words[2];
    if (action == "list") {
        auto devices = omemo::contactDevices(*vault.value(), mode, jid);
        if (!devices)
            return devices.error();
        if (devices.value().empty())
            err << "cloison-cli: no device of " << jid
                << " is known in this compartment yet (its keys are learnt once a message goes "
                   "to or comes from it)\n";
        for (const auto& device : devices.value())
            printDevice(out, err, device);
        return 0;
    }
    auto id = profile.value()->compartmentId(options.compartment);
    if (!id)
        return id.error();
    auto log = audit::KeyEventLog::open(*vault.value(), id.value());
    if (!log)
        return log.error();
    const std::string fingerprint = words.size() == 4 ? words[3] : "";
    auto changed = action == "verify" ? omemo::verifyDevice(*vault.value(), log.value(), mode, jid,
                                                            options.deviceId, fingerprint)
                                      : omemo::unverifyDevice(*vault.value(), log.value(), mode,
                                                              jid, options.deviceId, fingerprint);
    if (!changed)
        return changed.error();
    out << (action == "verify" ? "verified" : "withdrew the verification of") << " device "
        << changed.value().deviceId << " of " << changed.value().jid << '\n';
    printDevice(out, err, changed.value());
    return 0;
}

} // namespace cloison::cli
