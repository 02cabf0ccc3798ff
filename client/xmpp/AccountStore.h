// Where a compartment keeps its account: inside its own vault, so that the password and the
// server pin are encrypted with the compartment's key and exist nowhere else.
#pragma once

#include "client/xmpp/CompartmentService.h"

namespace cloison::xmpp {

struct StoredAccount {
    AccountSettings settings;
    SecretBytes password;
    TrustMode trust = TrustMode::Manual;
    std::string room; // the compartment's room JID, if it has one
};

[[nodiscard]] Result<void> saveAccount(storage::Vault& vault, const StoredAccount& account);
// NotFound when the compartment has no account (created without --jid).
[[nodiscard]] Result<StoredAccount> loadAccount(storage::Vault& vault);

} // namespace cloison::xmpp
