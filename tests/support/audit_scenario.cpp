// Test helper: writes the key-event log of a scripted scenario to a file — a device added by
// the server and refused, a manual trust and its withdrawal, a revocation, a burst of failed
// unlocks, and a subject carrying HTML and a bidi override — as a real profile exports it.
#include "client/audit/KeyEventLog.h"
#include "client/profile/Profile.h"
#include "client/profile/ProfileHeader.h"

#include <cstdio>
#include <filesystem>

int main(int argc, char** argv) {
    using namespace cloison;
    using namespace cloison::audit;
    if (argc != 3)
        return 2;
    const std::filesystem::path dir = argv[1];
    auto profile =
        Profile::create(dir, SecretBytes::fromString("scenario"), Argon2idParams::light());
    if (!profile)
        return 3;
    auto info = profile.value()->addCompartment("finance");
    auto vault = profile.value()->compartmentVault("finance");
    if (!info || !vault)
        return 3;
    auto log = KeyEventLog::open(*vault.value(), info.value().id);
    if (!log)
        return 3;
    KeyEventLog& l = log.value();
    const char* bob = "bob@campaign.example/2002";
    const char* rogue = "bob@campaign.example/6666";
    bool ok = l.record(event::kIdentityCreated, "alice@campaign.example/1001", "05aa 1111") &&
              l.record(event::kDeviceSeen, bob, "05bb 2222") &&
              l.record(event::kDeviceCertified, bob, "05bb 2222", "certified by the org key") &&
              l.record(event::kSessionStarted, bob) &&
              l.record(event::kDeviceSeen, rogue, "05ee 6666", "added to bob's device list") &&
              l.record(event::kMessageRefused, rogue, "05ee 6666", "uncertified device") &&
              l.record(event::kDeviceSeen, "carol@partner.example/3003", "05cc 3333") &&
              l.record(event::kDeviceTrustedManually, "carol@partner.example/3003", "05cc 3333",
                       "QR code scanned") &&
              l.record(event::kDeviceRevoked, bob, "05bb 2222", "laptop reported stolen") &&
              l.record(event::kDeviceTrustWithdrawn, "carol@partner.example/3003", "05cc 3333",
                       "verification withdrawn by hand") &&
              l.record(event::kUnlockFailed, "profile") &&
              l.record(event::kUnlockFailed, "profile") &&
              l.record(event::kUnlockFailed, "profile") &&
              l.record(event::kDeviceSeen, "<script>alert(1)</script>\u202Egnp.exe", "05dd");
    if (!ok)
        return 4;
    auto text = l.exportJsonLines();
    if (!text || !writeFileAtomically(argv[2], asBytes(text.value())))
        return 5;
    return 0;
}
