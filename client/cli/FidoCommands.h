// cloison-cli's FIDO commands (fido enroll|list|remove|seal|open-sealed|set-pin|soft-init) and the
// unlock path
// that asks for the security key when the profile has FIDO slots.
#pragma once

#include "client/profile/Profile.h"

#include <optional>
#include <string>
#include <vector>

namespace cloison::cli {

struct FidoOptions {
    std::string profileDir;
    std::string authenticator = "auto";          // --authenticator: auto, hid:PATH or soft:DIR
    std::optional<std::string> newAuthenticator; // enroll: the key to add, else --authenticator
    std::optional<int> passphraseFd;
    const char* passphraseEnvironment = "CLOISON_PASSPHRASE"; // cloison-admin: its own variable
    std::optional<int> pinFd;
    int waitSeconds = 0;         // --wait-for-key: how long to wait for a key to be plugged in
    bool withPin = false;        // enroll --with-pin: touch and PIN at every unlock
    bool keepPassphrase = false; // enroll --keep-passphrase-slot: FIDO stays optional
    bool softWithoutHmacSecret = false; // soft-init --soft-no-hmac-secret (to test old keys)
};

// Unlocks with the passphrase alone, or, when the profile has FIDO slots, together with the
// authenticator chosen by --authenticator (never a software one unless named).
[[nodiscard]] Result<std::unique_ptr<Profile>> unlockProfile(const FidoOptions& options,
                                                             const SecretBytes& passphrase);

// Changes the passphrase of the slot `current` opens; with FIDO slots, asks for the key again.
[[nodiscard]] Result<void> changePassphrase(const FidoOptions& options, Profile& profile,
                                            const SecretBytes& current, const SecretBytes& next);

// `words` is the command line after "fido".
[[nodiscard]] Result<void> runFido(const FidoOptions& options,
                                   const std::vector<std::string>& words);

} // namespace cloison::cli
