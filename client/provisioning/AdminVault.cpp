#include "client/provisioning/AdminVault.h"

#include "crypto/Hash.h"
#include "storage/SettingsRepository.h"

#include <algorithm>
#include <array>
#include <chrono>

namespace cloison::provisioning {
namespace {

constexpr const char* kOrgKey = "admin.org-key";

std::string definitionKey(const std::string& name) {
    return "admin.compartment." + name;
}
std::string rosterKey(const std::string& name) {
    return "admin.roster." + name;
}
std::string enrolmentKey(const std::string& inviteId) {
    return "admin.enrolment." + inviteId;
}
std::string revokedKey(const std::string& compartmentId, const std::string& account) {
    return "admin.revoked." + compartmentId + "." + account;
}

std::int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string_view asText(const Bytes& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

Result<std::string> getText(storage::SettingsRepository& settings, const std::string& key,
                            const std::string& missing) {
    auto value = settings.get(key);
    if (!value)
        return value.error();
    if (!value.value())
        return makeError(ErrorCode::NotFound, missing);
    return std::string(asText(*value.value()));
}

Result<void> putText(storage::SettingsRepository& settings, const std::string& key,
                     std::string_view text) {
    return settings.put(key, asBytes(text));
}

// A record of the admin vault, its signature checked again, read by `parse`.
template <typename Parse>
auto readRecord(storage::Vault& vault, const SigningKey& orgKey, const std::string& key,
                std::string_view kind, const std::string& missing, Parse&& parse)
    -> decltype(parse(std::declval<const SignedText&>())) {
    storage::SettingsRepository settings(vault);
    auto document = getText(settings, key, missing);
    if (!document)
        return document.error();
    auto text = splitSignedText(document.value(), kind);
    if (!text)
        return text.error();
    if (auto verified = text.value().verify(orgKey.publicKey(), "stored " + std::string(kind));
        !verified)
        return verified.error();
    return parse(text.value());
}

Invite newInvite(const SigningKey& orgKey, const Bytes& recipient, const std::string& memberName,
                 const CompartmentDefinition& definition, const std::string& account,
                 const SecretBytes& password, std::uint32_t validDays) {
    Invite invite;
    invite.orgKey = orgKey.publicKey();
    invite.recipient = recipient;
    invite.inviteId = randomId();
    invite.issuedAt = nowSeconds();
    if (validDays != 0)
        invite.expiresAt = invite.issuedAt + static_cast<std::int64_t>(validDays) * 86'400;
    invite.memberName = memberName;
    invite.compartment = definition;
    invite.account = account;
    invite.password = password.copy();
    return invite;
}

} // namespace

Result<std::unique_ptr<AdminVault>> AdminVault::create(const std::filesystem::path& dir,
                                                       const SecretBytes& passphrase,
                                                       const Argon2idParams& params) {
    auto profile = Profile::create(dir, passphrase, params);
    if (!profile)
        return profile.error();
    auto vault = profile.value()->profileVault();
    if (!vault)
        return vault.error();
    SigningKey orgKey = SigningKey::generate();
    if (auto put =
            storage::SettingsRepository(*vault.value()).put(kOrgKey, orgKey.secretKey().view());
        !put)
        return put.error();
    return std::unique_ptr<AdminVault>(
        new AdminVault(std::move(profile.value()), *vault.value(), std::move(orgKey)));
}

Result<std::unique_ptr<AdminVault>> AdminVault::unlock(const std::filesystem::path& dir,
                                                       const SecretBytes& passphrase) {
    auto profile = Profile::unlock(dir, passphrase);
    if (!profile)
        return profile.error();
    return open(std::move(profile.value()));
}

Result<std::unique_ptr<AdminVault>> AdminVault::open(std::unique_ptr<Profile> profile) {
    auto vault = profile->profileVault();
    if (!vault)
        return vault.error();
    auto secret = storage::SettingsRepository(*vault.value()).getSecret(kOrgKey);
    if (!secret)
        return secret.error();
    if (!secret.value())
        return makeError(ErrorCode::Corrupted,
                         profile->directory().string() +
                             " is a profile without an organisation key, not an admin vault");
    auto key = SigningKey::fromSecretKey(std::move(*secret.value()));
    if (!key)
        return makeError(ErrorCode::Corrupted,
                         "the organisation key in the admin vault is damaged");
    return std::unique_ptr<AdminVault>(
        new AdminVault(std::move(profile), *vault.value(), std::move(key.value())));
}

Result<CompartmentDefinition> AdminVault::defineCompartment(CompartmentDefinition definition) {
    definition.id = randomId();
    if (auto valid = validateDefinition(definition); !valid)
        return valid.error();
    storage::SettingsRepository settings(m_vault);
    auto existing = settings.get(definitionKey(definition.name));
    if (!existing)
        return existing.error();
    if (existing.value())
        return makeError(ErrorCode::AlreadyExists,
                         "a compartment named \"" + definition.name + "\" is already defined");
    SignedTextWriter writer("compartment-definition");
    writeDefinition(writer, definition);
    auto body = writer.body();
    if (!body)
        return body.error();
    auto roster = signRoster(
        DeviceRoster{m_orgKey.publicKey(), definition.id, definition.name, 1, nowSeconds(), {}, {}},
        m_orgKey);
    if (!roster)
        return roster.error();
    if (auto stored = settings.atomically([&]() -> Result<void> {
            if (auto put = putText(settings, definitionKey(definition.name),
                                   appendSignature(body.value(), m_orgKey));
                !put)
                return put;
            return putText(settings, rosterKey(definition.name), roster.value());
        });
        !stored)
        return stored.error();
    return definition;
}

Result<CompartmentDefinition> AdminVault::compartment(const std::string& name) {
    return readRecord(m_vault, m_orgKey, definitionKey(name), "compartment-definition",
                      "no compartment named \"" + name + "\" is defined",
                      [](const SignedText& text) -> Result<CompartmentDefinition> {
                          FieldReader reader(text, "stored definition");
                          auto definition = readDefinition(reader);
                          if (!definition)
                              return definition.error();
                          if (auto done = reader.finish(); !done)
                              return done.error();
                          return definition;
                      });
}

Result<void> AdminVault::forgetCompartment(const std::string& name,
                                           const std::vector<std::string>& inviteIds) {
    if (auto defined = compartment(name); !defined)
        return defined.error();
    storage::SettingsRepository settings(m_vault);
    return settings.atomically([&]() -> Result<void> {
        for (const std::string& inviteId : inviteIds)
            if (auto removed = settings.remove(enrolmentKey(inviteId)); !removed)
                return removed;
        if (auto removed = settings.remove(rosterKey(name)); !removed)
            return removed;
        return settings.remove(definitionKey(name));
    });
}

Result<std::string> AdminVault::writeInvite(const std::string& compartmentName,
                                            std::string_view enrollRequest,
                                            const std::string& account, const SecretBytes& password,
                                            std::uint32_t validDays, std::string* inviteId) {
    if (validDays > kMaxInviteDays)
        return makeError(ErrorCode::InvalidArgument, "an invite is valid for at most 3650 days");
    auto definition = compartment(compartmentName);
    if (!definition)
        return definition.error();
    auto request = parseEnrollRequest(enrollRequest);
    if (!request)
        return request.error();
    Invite invite = newInvite(m_orgKey, request.value().boxKey, request.value().name,
                              definition.value(), account, password, validDays);
    auto sealed = sealInvite(invite, m_orgKey);
    if (!sealed)
        return sealed.error();
    auto body = SignedTextWriter("enrolment")
                    .add("invite-id", invite.inviteId)
                    .add("compartment-id", definition.value().id)
                    .add("compartment", definition.value().name)
                    .add("account", account)
                    .add("member", request.value().name)
                    .add("member-key", toBase64(request.value().signingKey))
                    .add("box-key", toBase64(request.value().boxKey))
                    .body();
    if (!body)
        return body.error();
    storage::SettingsRepository settings(m_vault);
    if (auto put = putText(settings, enrolmentKey(invite.inviteId),
                           appendSignature(body.value(), m_orgKey));
        !put)
        return put.error();
    if (inviteId != nullptr)
        *inviteId = invite.inviteId;
    return sealed;
}

Result<Enrolment> AdminVault::enrolment(const std::string& inviteId) {
    return readRecord(
        m_vault, m_orgKey, enrolmentKey(inviteId), "enrolment",
        "no invite with this id was issued from this admin vault",
        [](const SignedText& text) -> Result<Enrolment> {
            const auto& f = text.fields;
            constexpr std::array<std::string_view, 7> kFields = {
                "invite-id", "compartment-id", "compartment", "account",
                "member",    "member-key",     "box-key"};
            if (f.size() != kFields.size() ||
                !std::equal(
                    kFields.begin(), kFields.end(), f.begin(),
                    [](std::string_view key, const TextField& field) { return field.key == key; }))
                return makeError(ErrorCode::Corrupted, "a stored enrolment is malformed");
            auto memberKey = decodeKey(f[5].value, kSigningPublicKeyBytes);
            auto boxKey = decodeKey(f[6].value, kBoxPublicKeyBytes);
            if (!memberKey || !boxKey)
                return makeError(ErrorCode::Corrupted, "a stored enrolment is malformed");
            return Enrolment{std::string(f[0].value),  std::string(f[1].value),
                             std::string(f[2].value),  std::string(f[3].value),
                             std::string(f[4].value),  std::move(memberKey.value()),
                             std::move(boxKey.value())};
        });
}

Result<Enrolment> AdminVault::enrolmentOf(const std::string& account) {
    auto keys = storage::SettingsRepository(m_vault).keysWithPrefix(enrolmentKey(""));
    if (!keys)
        return keys.error();
    for (const std::string& key : keys.value()) {
        auto enrolled = enrolment(key.substr(enrolmentKey("").size()));
        if (!enrolled || enrolled.value().account == account)
            return enrolled;
    }
    return makeError(ErrorCode::NotFound, "no invite from this admin vault went to " + account);
}

Result<std::string> AdminVault::writeDecoyInvite(const Enrolment& enrolment,
                                                 CompartmentDefinition definition,
                                                 const std::string& account,
                                                 const SecretBytes& password, DecoyContent decoy,
                                                 std::uint32_t validDays) {
    if (validDays > kMaxInviteDays)
        return makeError(ErrorCode::InvalidArgument, "an invite is valid for at most 3650 days");
    definition.id = randomId();
    Invite invite = newInvite(m_orgKey, enrolment.boxKey, enrolment.memberName, definition, account,
                              password, validDays);
    invite.decoy = std::move(decoy);
    return sealInvite(invite, m_orgKey);
}

Result<DeviceRoster> AdminVault::currentRoster(const CompartmentDefinition& definition) {
    storage::SettingsRepository settings(m_vault);
    auto document = getText(settings, rosterKey(definition.name), "the compartment has no roster");
    if (!document)
        return document.error();
    auto roster = parseRoster(document.value(), m_orgKey.publicKey());
    if (!roster)
        return roster.error();
    if (roster.value().compartmentId != definition.id)
        return makeError(ErrorCode::Corrupted, "the stored roster belongs to another compartment");
    return roster;
}

Result<std::string> AdminVault::publish(DeviceRoster roster) {
    roster.version += 1;
    roster.issuedAt = nowSeconds();
    const std::string name = roster.compartment;
    auto document = signRoster(std::move(roster), m_orgKey);
    if (!document)
        return document.error();
    storage::SettingsRepository settings(m_vault);
    if (auto put = putText(settings, rosterKey(name), document.value()); !put)
        return put.error();
    return document;
}

Result<std::string> AdminVault::certify(const std::string& compartmentName,
                                        std::string_view requestText) {
    auto definition = compartment(compartmentName);
    if (!definition)
        return definition.error();
    auto request = parseCertificationRequest(requestText);
    if (!request)
        return request.error();
    const CertificationRequest& r = request.value();
    auto enrolled = enrolment(r.inviteId);
    if (!enrolled)
        return enrolled.error();
    const Enrolment& e = enrolled.value();
    if (e.memberKey != r.memberKey)
        return makeError(ErrorCode::Corrupted,
                         "the certification request is not signed by the member the invite was "
                         "issued to: refused");
    if (e.compartmentId != definition.value().id || r.compartmentId != e.compartmentId ||
        r.compartment != definition.value().name)
        return makeError(ErrorCode::InvalidArgument,
                         "the certification request is for another compartment");
    if (r.account != e.account)
        return makeError(ErrorCode::Corrupted,
                         "the certification request names another account than its invite");
    storage::SettingsRepository settings(m_vault);
    auto revoked = settings.get(revokedKey(e.compartmentId, e.account));
    if (!revoked)
        return revoked.error();
    if (revoked.value())
        return makeError(ErrorCode::PolicyRefused, "member " + e.account + " was revoked");
    auto roster = currentRoster(definition.value());
    if (!roster)
        return roster.error();
    const RosterDevice device{r.account, r.deviceId, r.identityKey, r.logKey};
    for (const auto* list : {&roster.value().devices, &roster.value().revoked}) {
        for (const RosterDevice& known : *list) {
            if (known.account == device.account && known.deviceId == device.deviceId)
                return makeError(list == &roster.value().devices ? ErrorCode::AlreadyExists
                                                                 : ErrorCode::PolicyRefused,
                                 list == &roster.value().devices
                                     ? "this device is already in the roster"
                                     : "this device was revoked");
            // One log, one device: a request naming another device's log key would make that
            // device's log look certified for this one.
            if (!device.logKey.empty() && known.logKey == device.logKey)
                return makeError(ErrorCode::PolicyRefused,
                                 "this log key is already certified for another device");
        }
    }
    roster.value().devices.push_back(device);
    return publish(std::move(roster.value()));
}

Result<std::string> AdminVault::revokeDevice(const std::string& compartmentName,
                                             const std::string& account, std::uint32_t deviceId) {
    auto definition = compartment(compartmentName);
    if (!definition)
        return definition.error();
    auto roster = currentRoster(definition.value());
    if (!roster)
        return roster.error();
    auto& devices = roster.value().devices;
    const auto found = std::find_if(devices.begin(), devices.end(), [&](const RosterDevice& d) {
        return d.account == account && d.deviceId == deviceId;
    });
    if (found == devices.end())
        return makeError(ErrorCode::NotFound, "no certified device " + account + ":" +
                                                  std::to_string(deviceId) + " in the roster");
    roster.value().revoked.push_back(*found);
    devices.erase(found);
    return publish(std::move(roster.value()));
}

Result<std::string> AdminVault::revokeMember(const std::string& compartmentName,
                                             const std::string& account) {
    if (!isBareJid(account))
        return makeError(ErrorCode::InvalidArgument, "--member takes a bare JID");
    auto definition = compartment(compartmentName);
    if (!definition)
        return definition.error();
    auto roster = currentRoster(definition.value());
    if (!roster)
        return roster.error();
    auto& devices = roster.value().devices;
    for (auto it = devices.begin(); it != devices.end();) {
        if (it->account == account) {
            roster.value().revoked.push_back(*it);
            it = devices.erase(it);
        } else {
            ++it;
        }
    }
    storage::SettingsRepository settings(m_vault);
    std::string published;
    if (auto done = settings.atomically([&]() -> Result<void> {
            if (auto put = settings.put(revokedKey(definition.value().id, account), asBytes("1"));
                !put)
                return put;
            auto document = publish(std::move(roster.value()));
            if (!document)
                return document.error();
            published = std::move(document.value());
            return {};
        });
        !done)
        return done.error();
    return published;
}

Result<std::string> AdminVault::roster(const std::string& compartmentName) {
    auto definition = compartment(compartmentName);
    if (!definition)
        return definition.error();
    storage::SettingsRepository settings(m_vault);
    auto document = getText(settings, rosterKey(compartmentName), "the compartment has no roster");
    if (!document)
        return document.error();
    if (auto checked = currentRoster(definition.value()); !checked)
        return checked.error();
    return document;
}

} // namespace cloison::provisioning
