#include "client/xmpp/AccountStore.h"

#include "storage/SettingsRepository.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace cloison::xmpp {

namespace {
constexpr const char* kAccountKey = "xmpp.account";
constexpr const char* kPasswordKey = "xmpp.password";
} // namespace

Result<void> saveAccount(storage::Vault& vault, const StoredAccount& account) {
    QJsonObject object;
    object["jid"] = QString::fromStdString(account.settings.jid);
    object["host"] = QString::fromStdString(account.settings.host);
    object["port"] = account.settings.port;
    object["pin"] = QString::fromStdString(account.settings.pin);
    object["insecure_loopback"] = account.settings.insecureLoopback;
    object["trust"] = trustModeName(account.trust);
    object["room"] = QString::fromStdString(account.room);
    const QByteArray json = QJsonDocument(object).toJson(QJsonDocument::Compact);
    storage::SettingsRepository settings(vault);
    return settings.atomically([&]() -> Result<void> {
        if (auto put =
                settings.put(kAccountKey, asBytes(std::string_view(json.data(), json.size())));
            !put)
            return put;
        return settings.put(kPasswordKey, account.password.view());
    });
}

Result<StoredAccount> loadAccount(storage::Vault& vault) {
    storage::SettingsRepository settings(vault);
    auto json = settings.get(kAccountKey);
    if (!json)
        return json.error();
    if (!json.value())
        return makeError(ErrorCode::NotFound, "this compartment has no XMPP account (add one "
                                              "with 'compartment add NAME --jid ...')");
    auto password = settings.get(kPasswordKey);
    if (!password)
        return password.error();
    const Bytes& raw = *json.value();
    const QJsonDocument document = QJsonDocument::fromJson(
        QByteArray(reinterpret_cast<const char*>(raw.data()), static_cast<qsizetype>(raw.size())));
    if (!document.isObject() || !password.value())
        return makeError(ErrorCode::Corrupted, "the compartment's account settings are damaged");
    const QJsonObject object = document.object();
    StoredAccount account;
    account.settings.jid = object["jid"].toString().toStdString();
    account.settings.host = object["host"].toString().toStdString();
    const int port = object["port"].toInt(-1);
    if (port <= 0 || port > 65535)
        return makeError(ErrorCode::Corrupted, "the compartment's account settings are damaged");
    account.settings.port = static_cast<std::uint16_t>(port);
    account.settings.pin = object["pin"].toString().toStdString();
    account.settings.insecureLoopback = object["insecure_loopback"].toBool(false);
    account.trust =
        parseTrustMode(object["trust"].toString().toStdString()).value_or(TrustMode::Manual);
    account.room = object["room"].toString().toStdString();
    account.password = SecretBytes::copyOf(*password.value());
    return account;
}

} // namespace cloison::xmpp
