#include "client/provisioning/MemberImport.h"

#include "client/audit/KeyEventLog.h"
#include "client/documents/DocumentTransfer.h"
#include "client/linkguard/LinkPolicyStore.h"
#include "client/omemo/OmemoEngine.h"
#include "client/provisioning/Decoy.h"
#include "client/provisioning/Retention.h"
#include "client/xmpp/AccountStore.h"
#include "client/xmpp/ServerAdmin.h"
#include "storage/CertifiedDeviceRepository.h"
#include "storage/SettingsRepository.h"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace cloison::provisioning {
namespace {

std::string_view asText(const Bytes& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

std::int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string utcDate(std::int64_t seconds) {
    const auto time = static_cast<std::time_t>(seconds);
    std::tm utc{};
    gmtime_r(&time, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc);
    return text;
}

std::string deviceName(const RosterDevice& device) {
    return device.account + ":" + std::to_string(device.deviceId);
}

// Everything of the invite that goes into the new compartment's vault.
Result<ImportResult> provision(Profile& profile, const CompartmentInfo& info, const Invite& invite,
                               const MemberKeys& keys) {
    auto vault = profile.compartmentVault(info.name);
    if (!vault)
        return vault.error();
    storage::Vault& v = *vault.value();
    const CompartmentDefinition& d = invite.compartment;

    xmpp::StoredAccount account;
    account.settings.jid = invite.account;
    account.settings.host = d.host;
    account.settings.port = d.port;
    account.settings.pin = d.pin;
    account.password = invite.password.copy();
    account.trust = d.trust;
    account.room = d.room;
    if (auto saved = xmpp::saveAccount(v, account); !saved)
        return saved.error();
    if (auto domains = linkguard::LinkPolicyStore(v).setTrustedDomains(d.trustedDomains); !domains)
        return domains.error();
    storage::SettingsRepository settings(v);
    if (auto stored = settings.atomically([&]() -> Result<void> {
            const std::pair<const char*, std::string> values[] = {
                {kPinnedOrgKey, std::string(asText(invite.orgKey))},
                {kCompartmentIdKey, d.id},
                {kInviteIdKey, invite.inviteId},
                {kRetentionDaysKey, std::to_string(d.retentionDays)},
                {"policy.colour", d.colour},
                {"policy.label", d.label},
                {"policy.sealed", d.sealed ? "yes" : "no"},
            };
            for (const auto& [key, value] : values) {
                if (auto put = settings.put(key, asBytes(value)); !put)
                    return put;
            }
            if (d.maxDocumentBytes != 0 || !d.documentTypes.empty()) {
                documents::DocumentPolicy policy;
                if (d.maxDocumentBytes != 0)
                    policy.maxBytes = d.maxDocumentBytes;
                policy.extensions = d.documentTypes;
                if (auto set = documents::setDocumentPolicy(v, policy); !set)
                    return set;
            }
            if (!d.rosterOwner.empty())
                return settings.put(kRosterOwnerKey, asBytes(d.rosterOwner));
            return {};
        });
        !stored)
        return stored.error();

    auto engine = omemo::OmemoEngine::open(v, invite.account);
    if (!engine)
        return engine.error();
    auto log = audit::KeyEventLog::open(v, info.id);
    if (!log)
        return log.error();
    if (auto recorded = log.value().record(
            audit::event::kInviteImported, invite.account, keyFingerprint(invite.orgKey),
            "compartment-id=" + d.id + " invite-id=" + invite.inviteId);
        !recorded)
        return recorded.error();

    CertificationRequest request;
    request.memberKey = keys.signingKey().publicKey();
    request.inviteId = invite.inviteId;
    request.compartmentId = d.id;
    request.compartment = d.name;
    request.account = invite.account;
    request.deviceId = engine.value()->deviceId();
    request.identityKey = engine.value()->identityKey();
    request.logKey = log.value().publicKey();
    auto document = makeCertificationRequest(request, keys.signingKey());
    if (!document)
        return document.error();
    ImportResult out;
    out.compartment = d.name;
    out.orgFingerprint = keyFingerprint(invite.orgKey);
    out.mustSeal = d.sealed;
    out.deviceId = request.deviceId;
    out.certificationRequest = std::move(document.value());
    return out;
}

} // namespace

Result<std::string> enrollRequest(Profile& profile, const std::string& name) {
    auto vault = profile.profileVault();
    if (!vault)
        return vault.error();
    auto keys = MemberKeys::loadOrCreate(*vault.value());
    if (!keys)
        return keys.error();
    return makeEnrollRequest(keys.value(), name);
}

Result<ImportResult> importInvite(Profile& profile, std::string_view file,
                                  const ImportOptions& options) {
    auto vault = profile.profileVault();
    if (!vault)
        return vault.error();
    auto keys = MemberKeys::load(*vault.value());
    if (!keys)
        return keys.error();
    auto invite = openInvite(file, keys.value());
    if (!invite)
        return invite.error();
    const Invite& in = invite.value();
    const std::string fingerprint = keyFingerprint(in.orgKey);
    const std::int64_t now = options.nowSeconds != 0 ? options.nowSeconds : nowSeconds();
    if (in.expiresAt != 0 && now >= in.expiresAt)
        return makeError(ErrorCode::Expired, "this invite expired on " + utcDate(in.expiresAt) +
                                                 ": ask your admin for a new one; nothing "
                                                 "imported");

    storage::SettingsRepository profileSettings(*vault.value());
    auto pinned = profileSettings.get(kPinnedOrgKey);
    if (!pinned)
        return pinned.error();
    const bool pinNow = !pinned.value().has_value();
    if (!pinNow && *pinned.value() != in.orgKey)
        return makeError(ErrorCode::PolicyRefused,
                         "this invite is signed by organisation key " + fingerprint +
                             ", not by the one this profile pinned (" +
                             keyFingerprint(*pinned.value()) + "): refused");
    // A fingerprint given is always checked, pinned key or not: it is what the person expects.
    if (options.orgFingerprint && !fingerprintMatches(*options.orgFingerprint, in.orgKey))
        return makeError(ErrorCode::PolicyRefused,
                         "the invite's organisation key has fingerprint " + fingerprint +
                             ", not the one given with --org-fingerprint: refused");
    if (pinNow && !options.orgFingerprint) {
        if (!options.confirm || !options.confirm(fingerprint)) {
            return makeError(ErrorCode::PolicyRefused,
                             "the organisation key's fingerprint was not confirmed (compare it "
                             "with your admin's, or pass --org-fingerprint): nothing imported");
        }
    }

    auto list = profile.compartments();
    if (!list)
        return list.error();
    for (const CompartmentInfo& existing : list.value()) {
        if (existing.name == in.compartment.name)
            return makeError(ErrorCode::AlreadyExists,
                             "a compartment named \"" + existing.name + "\" already exists");
    }
    auto added = profile.addCompartment(in.compartment.name,
                                        in.decoy ? CompartmentKind::Decoy : CompartmentKind::Real);
    if (!added)
        return added.error();
    auto result = provision(profile, added.value(), in, keys.value());
    if (result && in.decoy) {
        auto decoyVault = profile.compartmentVault(in.compartment.name);
        auto stored = decoyVault ? storeDecoyContent(*decoyVault.value(), *in.decoy)
                                 : Result<void>(decoyVault.error());
        if (!stored)
            result = stored.error();
        else
            result.value().decoy = true;
    }
    if (result && pinNow) {
        if (auto put = profileSettings.put(kPinnedOrgKey, in.orgKey); !put)
            result = put.error();
    }
    if (!result) {
        (void)profile.removeCompartment(in.compartment.name);
        return result.error();
    }
    result.value().pinnedNow = pinNow;
    return result;
}

Result<std::optional<DeviceRoster>> currentRoster(storage::Vault& vault) {
    storage::SettingsRepository settings(vault);
    auto orgKey = settings.get(kPinnedOrgKey);
    if (!orgKey)
        return orgKey.error();
    if (!orgKey.value())
        return makeError(ErrorCode::NotFound,
                         "this compartment was not provisioned from an invite: it has no roster");
    auto document = settings.get(kRosterKey);
    if (!document)
        return document.error();
    if (!document.value())
        return std::optional<DeviceRoster>{};
    auto roster = parseRoster(asText(*document.value()), *orgKey.value());
    if (!roster)
        return roster.error();
    return std::optional<DeviceRoster>{std::move(roster.value())};
}

Result<std::string> logHeadsNode(storage::Vault& vault) {
    auto id = storage::SettingsRepository(vault).get(kCompartmentIdKey);
    if (!id)
        return id.error();
    if (!id.value())
        return std::string();
    return xmpp::kLogHeadsNodePrefix + std::string(asText(*id.value()));
}

Result<DeviceRoster> applyRoster(Profile& profile, const std::string& compartment,
                                 std::string_view document) {
    auto vault = profile.compartmentVault(compartment);
    if (!vault)
        return vault.error();
    auto localId = profile.compartmentId(compartment);
    if (!localId)
        return localId.error();
    auto applied = applyRoster(*vault.value(), localId.value(), document);
    if (!applied && applied.error().code == ErrorCode::NotFound)
        return makeError(ErrorCode::NotFound,
                         "compartment \"" + compartment + "\" was not provisioned from an invite");
    return applied;
}

std::string describeRoster(const DeviceRoster& roster) {
    return "roster version " + std::to_string(roster.version) + ": " +
           std::to_string(roster.devices.size()) + " certified, " +
           std::to_string(roster.revoked.size()) + " revoked";
}

Result<DeviceRoster> applyRoster(storage::Vault& vault, const std::string& localId,
                                 std::string_view document) {
    storage::SettingsRepository settings(vault);
    auto orgKey = settings.get(kPinnedOrgKey);
    auto compartmentId = orgKey ? settings.get(kCompartmentIdKey) : orgKey;
    if (!compartmentId)
        return compartmentId.error();
    if (!orgKey.value() || !compartmentId.value())
        return makeError(ErrorCode::NotFound,
                         "this compartment was not provisioned from an invite");
    auto roster = parseRoster(document, *orgKey.value());
    if (!roster)
        return roster.error();
    if (roster.value().compartmentId != asText(*compartmentId.value()))
        return makeError(ErrorCode::Corrupted, "this roster is for another compartment (" +
                                                   roster.value().compartment + "): refused");
    auto previous = currentRoster(vault);
    if (!previous)
        return previous.error();
    const std::uint64_t held = previous.value() ? previous.value()->version : 0;
    if (roster.value().version <= held)
        return makeError(ErrorCode::Corrupted,
                         "this roster is version " + std::to_string(roster.value().version) +
                             ", not newer than the version " + std::to_string(held) +
                             " held (a replay or rollback): refused");
    // The certified devices first: they are what strict trust enforces. Should storing the
    // document fail afterwards, applying the same roster again repairs it (the table accepts
    // its own version again); the other order could leave a newer document than the table.
    std::vector<storage::CertifiedDevice> certified;
    for (const RosterDevice& device : roster.value().devices)
        certified.push_back({device.account, device.deviceId, device.identityKey});
    if (auto replaced =
            storage::CertifiedDeviceRepository(vault).replaceAll(roster.value().version, certified);
        !replaced)
        return replaced.error();
    if (auto stored = settings.put(kRosterKey, asBytes(document)); !stored)
        return stored.error();

    auto log = audit::KeyEventLog::open(vault, localId);
    if (!log)
        return log.error();
    // Each device that enters a list is a key event: certified, or revoked.
    const std::vector<RosterDevice> none;
    const std::string version = "roster-version=" + std::to_string(roster.value().version);
    const std::pair<const std::vector<RosterDevice>*, const std::vector<RosterDevice>*> lists[] = {
        {&roster.value().devices, previous.value() ? &previous.value()->devices : &none},
        {&roster.value().revoked, previous.value() ? &previous.value()->revoked : &none}};
    for (const auto& [now, before] : lists) {
        const char* type = now == &roster.value().devices ? audit::event::kDeviceCertified
                                                          : audit::event::kDeviceRevoked;
        for (const RosterDevice& device : *now) {
            if (std::find(before->begin(), before->end(), device) != before->end())
                continue;
            if (auto recorded = log.value().record(
                    type, deviceName(device), omemo::omemoFingerprint(device.identityKey), version);
                !recorded)
                return recorded.error();
        }
    }
    return roster;
}

} // namespace cloison::provisioning
