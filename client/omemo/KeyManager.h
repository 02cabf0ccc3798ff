// The life cycle of a compartment's OMEMO keys: the identity (created once, with a random
// device id), about 100 one-time prekeys replenished as peers use them, and a signed prekey
// rotated weekly with the previous ones kept a while for messages still in flight.
#pragma once

#include "client/omemo/SignalAdapter.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace cloison::omemo {

struct KeyPolicy {
    unsigned preKeyCount = 100;
    std::int64_t signedPreKeyRotationSeconds = 7 * 24 * 3600;
    std::int64_t signedPreKeyRetentionSeconds = 30 * 24 * 3600;
    // How long a used one-time prekey still opens a session: covers peers that fetched the same
    // bundle before ours was republished, and an archive catch-up that meets several messages
    // built on it. The cost is that one prekey's secrecy lasts this much longer.
    std::int64_t usedPreKeyRetentionSeconds = 24 * 3600;
};

class KeyManager {
public:
    KeyManager(SignalAdapter& adapter, storage::OmemoStore& store, KeyPolicy policy)
        : m_adapter(adapter), m_store(store), m_policy(policy) {}

    // Creates identity, prekeys and the first signed prekey when the vault has none. Needs no
    // signal store (the identity does not exist yet); runs in its own transaction.
    [[nodiscard]] static Result<void> ensureIdentity(SignalAdapter& adapter,
                                                     storage::OmemoStore& store,
                                                     const KeyPolicy& policy, std::int64_t now);

    // Tops prekeys up to the policy count, forgets used ones past their grace period and rotates
    // the signed prekey when due. Returns true when the bundle changed (it must be republished).
    // Call inside a transaction.
    [[nodiscard]] Result<bool> maintain(std::int64_t now);
    [[nodiscard]] Result<Bundle> bundle();
    // A random device id in 1..2^31-1 that is not in `taken`.
    static std::uint32_t newDeviceId(const std::vector<std::uint32_t>& taken);

private:
    static Result<bool> replenish(SignalAdapter& adapter, storage::OmemoStore& store,
                                  const KeyPolicy& policy);
    static Result<void> addSignedPreKey(SignalAdapter& adapter, storage::OmemoStore& store,
                                        std::int64_t now);

    SignalAdapter& m_adapter;
    storage::OmemoStore& m_store;
    KeyPolicy m_policy;
};

} // namespace cloison::omemo
