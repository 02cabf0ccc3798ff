// Canary accounts (issue 14): accounts on the organisation's server with plausible names and
// passwords that no person ever uses. Their credentials are planted where a thief looks (a
// decoy compartment, a document, a phishing page's form); any login with them means the
// place they were planted has been read. The admin vault keeps the list, passwords included
// (the admin needs them to plant them), in guarded memory when read.
#pragma once

#include "crypto/Result.h"
#include "crypto/SecretBytes.h"
#include "storage/Vault.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cloison::provisioning {

struct Canary {
    std::string jid;
    SecretBytes password;
    std::int64_t createdAtMs = 0;
    std::string note; // where the admin means to plant it; may be empty
};

// "firstname.lastname" or "flastname" with a few digits sometimes, as staff accounts look.
std::string plausibleAccountName();
// A password of the kind people choose (two words, digits, a sign): a thief trying it on a
// phishing page must not be able to tell it from a real one.
SecretBytes plausiblePassword();

// The admin vault's canaries, oldest first.
[[nodiscard]] Result<std::vector<Canary>> loadCanaries(storage::Vault& adminVault);
// AlreadyExists when the JID is a canary already; InvalidArgument for a note with a line break.
[[nodiscard]] Result<void> addCanary(storage::Vault& adminVault, const Canary& canary);

} // namespace cloison::provisioning
