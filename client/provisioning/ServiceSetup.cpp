#include "client/provisioning/ServiceSetup.h"

#include "client/provisioning/MemberImport.h"
#include "client/provisioning/Retention.h"
#include "client/xmpp/ServerAdmin.h"
#include "storage/SettingsRepository.h"

namespace cloison::provisioning {

Result<xmpp::ServiceOptions> serviceOptions(storage::Vault& vault, const std::string& compartmentId,
                                            const xmpp::StoredAccount& account) {
    xmpp::ServiceOptions options{compartmentId, account.trust, account.room};
    auto headsNode = logHeadsNode(vault);
    if (!headsNode)
        return headsNode.error();
    options.logHeadsNode = headsNode.value();

    storage::SettingsRepository settings(vault);
    auto owner = settings.get(kRosterOwnerKey);
    auto orgId = owner ? settings.get(kCompartmentIdKey) : owner;
    if (!orgId)
        return orgId.error();
    if (owner.value() && orgId.value()) {
        options.rosterOwner.assign(owner.value()->begin(), owner.value()->end());
        options.rosterNode =
            xmpp::kRosterNodePrefix + std::string(orgId.value()->begin(), orgId.value()->end());
        options.applyRoster = [compartmentId](storage::Vault& v,
                                              ByteView blob) -> Result<xmpp::RosterUpdate> {
            const std::string_view document(reinterpret_cast<const char*>(blob.data()),
                                            blob.size());
            // The roster held, fetched again: nothing to apply (applyRoster would refuse it as
            // not newer).
            auto held = storage::SettingsRepository(v).get(kRosterKey);
            if (!held)
                return held.error();
            if (held.value() &&
                std::string_view(reinterpret_cast<const char*>(held.value()->data()),
                                 held.value()->size()) == document) {
                auto current = currentRoster(v);
                if (!current)
                    return current.error();
                return xmpp::RosterUpdate{false, describeRoster(*current.value()) + " (current)"};
            }
            auto applied = applyRoster(v, compartmentId, document);
            if (!applied)
                return applied.error();
            return xmpp::RosterUpdate{true, describeRoster(applied.value())};
        };
    }

    options.purge = [compartmentId](storage::Vault& v, std::int64_t nowMs, std::int64_t& cutoffMs) {
        return applyRetention(v, compartmentId, nowMs, &cutoffMs);
    };
    return options;
}

} // namespace cloison::provisioning
