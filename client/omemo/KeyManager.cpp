#include "client/omemo/KeyManager.h"

#include <sodium.h>

#include <algorithm>

namespace cloison::omemo {
namespace {

constexpr std::uint32_t kMaxPreKeyId = 0xfffffe; // libsignal's "medium" 24-bit ids

std::uint32_t nextId(std::uint32_t id, unsigned step) {
    return static_cast<std::uint32_t>((std::uint64_t{id} - 1 + step) % kMaxPreKeyId) + 1;
}

} // namespace

std::uint32_t KeyManager::newDeviceId(const std::vector<std::uint32_t>& taken) {
    for (;;) {
        const std::uint32_t id = randombytes_uniform(0x7fffffff) + 1;
        if (std::find(taken.begin(), taken.end(), id) == taken.end())
            return id;
    }
}

Result<void> KeyManager::ensureIdentity(SignalAdapter& adapter, storage::OmemoStore& store,
                                        const KeyPolicy& policy, std::int64_t now) {
    auto existing = store.identity();
    if (!existing)
        return existing.error();
    if (existing.value())
        return {};
    return store.vault().transaction([&]() -> Result<void> {
        auto identity = adapter.generateIdentity();
        if (!identity)
            return identity.error();
        identity.value().deviceId = newDeviceId({});
        if (auto saved = store.saveIdentity(identity.value()); !saved)
            return saved;
        if (auto added = addSignedPreKey(adapter, store, now); !added)
            return added;
        if (auto filled = replenish(adapter, store, policy); !filled)
            return filled.error();
        return {};
    });
}

Result<void> KeyManager::addSignedPreKey(SignalAdapter& adapter, storage::OmemoStore& store,
                                         std::int64_t now) {
    auto identity = store.identity();
    if (!identity)
        return identity.error();
    if (!identity.value())
        return makeError(ErrorCode::NotFound, "no OMEMO identity in this compartment");
    const storage::OmemoIdentityRecord& id = *identity.value();
    auto key = adapter.generateSignedPreKey(id, id.nextSignedPreKeyId,
                                            static_cast<std::uint64_t>(now) * 1000);
    if (!key)
        return key.error();
    if (auto put = store.putSignedPreKey(key.value().id, key.value().record, now); !put)
        return put;
    return store.setNextPreKeyIds(id.nextPreKeyId, nextId(id.nextSignedPreKeyId, 1));
}

Result<bool> KeyManager::replenish(SignalAdapter& adapter, storage::OmemoStore& store,
                                   const KeyPolicy& policy) {
    auto ids = store.preKeyIds();
    if (!ids)
        return ids.error();
    if (ids.value().size() >= policy.preKeyCount)
        return false;
    auto identity = store.identity();
    if (!identity)
        return identity.error();
    const std::uint32_t first = identity.value()->nextPreKeyId;
    const auto missing = static_cast<unsigned>(policy.preKeyCount - ids.value().size());
    auto keys = adapter.generatePreKeys(first, missing);
    if (!keys)
        return keys.error();
    for (const GeneratedKey& key : keys.value()) {
        if (auto put = store.putPreKey(key.id, key.record); !put)
            return put.error();
    }
    if (auto next =
            store.setNextPreKeyIds(nextId(first, missing), identity.value()->nextSignedPreKeyId);
        !next)
        return next.error();
    return true;
}

Result<bool> KeyManager::maintain(std::int64_t now) {
    if (auto forgotten = m_store.forgetUsedPreKeys(now, m_policy.usedPreKeyRetentionSeconds);
        !forgotten)
        return forgotten.error();
    auto refilled = replenish(m_adapter, m_store, m_policy);
    if (!refilled)
        return refilled.error();
    bool changed = refilled.value();
    auto signedKeys = m_store.signedPreKeys();
    if (!signedKeys)
        return signedKeys.error();
    if (signedKeys.value().empty() ||
        now - signedKeys.value().back().createdAt >= m_policy.signedPreKeyRotationSeconds) {
        if (auto added = addSignedPreKey(m_adapter, m_store, now); !added)
            return added.error();
        changed = true;
        // Older signed prekeys stay for messages built on them, but not forever; the one just
        // replaced always stays until the next rotation.
        const auto& previous = signedKeys.value();
        for (std::size_t i = 0; i + 1 < previous.size(); ++i) {
            const auto& old = previous[i];
            if (now - old.createdAt >= m_policy.signedPreKeyRetentionSeconds) {
                if (auto removed = m_store.removeSignedPreKey(old.id); !removed)
                    return removed.error();
            }
        }
    }
    return changed;
}

Result<Bundle> KeyManager::bundle() {
    auto signedKeys = m_store.signedPreKeys();
    if (!signedKeys)
        return signedKeys.error();
    if (signedKeys.value().empty())
        return makeError(ErrorCode::NotFound, "no signed prekey to publish");
    auto record = m_store.signedPreKey(signedKeys.value().back().id);
    if (!record)
        return record.error();
    auto out = m_adapter.signedPreKeyPublic(*record.value());
    if (!out)
        return out;
    auto identity = m_store.identity();
    if (!identity)
        return identity.error();
    out.value().identityKey = identity.value()->publicKey;
    auto ids = m_store.preKeyIds();
    if (!ids)
        return ids.error();
    for (std::uint32_t id : ids.value()) {
        auto preKey = m_store.preKey(id);
        if (!preKey)
            return preKey.error();
        auto pub = m_adapter.preKeyPublic(*preKey.value());
        if (!pub)
            return pub.error();
        out.value().preKeys.push_back(std::move(pub.value()));
    }
    return out;
}

} // namespace cloison::omemo
