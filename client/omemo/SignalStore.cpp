#include "client/omemo/SignalStore.h"

#include <cstring>
#include <ctime>
#include <string_view>

namespace cloison::omemo {
namespace {

SignalStore& self(void* userData) {
    return *static_cast<SignalStore*>(userData);
}

std::string_view jidOf(const signal_protocol_address* address) {
    return {address->name, address->name_len};
}

std::uint32_t deviceOf(const signal_protocol_address* address) {
    return static_cast<std::uint32_t>(address->device_id);
}

// Records a vault failure for the caller and gives libsignal a generic error code.
template <typename T> bool failed(SignalStore& store, const Result<T>& result) {
    if (result.ok())
        return false;
    store.setError(result.error().message);
    return true;
}

int toBuffer(signal_buffer** out, ByteView bytes) {
    *out = signal_buffer_create(bytes.data(), bytes.size());
    return *out == nullptr ? SG_ERR_NOMEM : 0;
}

// Identity key store.
int getIdentityKeyPair(signal_buffer** publicData, signal_buffer** privateData, void* userData) {
    SignalStore& s = self(userData);
    auto identity = s.store().identity();
    if (failed(s, identity))
        return SG_ERR_UNKNOWN;
    if (!identity.value())
        return SG_ERR_INVALID_KEY;
    if (toBuffer(publicData, identity.value()->publicKey) != 0 ||
        toBuffer(privateData, identity.value()->privateKey.view()) != 0)
        return SG_ERR_NOMEM;
    return 0;
}

int getRegistrationId(void* userData, std::uint32_t* registrationId) {
    SignalStore& s = self(userData);
    auto identity = s.store().identity();
    if (failed(s, identity))
        return SG_ERR_UNKNOWN;
    if (!identity.value())
        return SG_ERR_INVALID_KEY;
    *registrationId = identity.value()->registrationId;
    return 0;
}

int saveIdentity(const signal_protocol_address* address, std::uint8_t* key, std::size_t len,
                 void* userData) {
    SignalStore& s = self(userData);
    if (key == nullptr)
        return 0; // libsignal's "forget this identity": trust state is kept by Cloison's trust
                  // layer
    return failed(s, s.store().savePeerIdentity(jidOf(address), deviceOf(address), {key, len}))
               ? SG_ERR_UNKNOWN
               : 0;
}

// A device's identity key never changes: a different key under a known device id is refused
// (a server swapping keys would otherwise be accepted silently). Which devices to trust at all
// is decided above this layer (certification or manual verification).
int isTrustedIdentity(const signal_protocol_address* address, std::uint8_t* key, std::size_t len,
                      void* userData) {
    SignalStore& s = self(userData);
    auto known = s.store().peerIdentity(jidOf(address), deviceOf(address));
    if (failed(s, known))
        return SG_ERR_UNKNOWN;
    if (!known.value())
        return 1;
    const Bytes& stored = *known.value();
    return stored.size() == len && std::memcmp(stored.data(), key, len) == 0 ? 1 : 0;
}

// Prekey store.
int loadPreKey(signal_buffer** record, std::uint32_t id, void* userData) {
    SignalStore& s = self(userData);
    auto found = s.store().preKey(id);
    if (failed(s, found))
        return SG_ERR_UNKNOWN;
    if (!found.value())
        return SG_ERR_INVALID_KEY_ID;
    return toBuffer(record, found.value()->view());
}

int storePreKey(std::uint32_t id, std::uint8_t* record, std::size_t len, void* userData) {
    SignalStore& s = self(userData);
    return failed(s, s.store().putPreKey(id, SecretBytes::copyOf({record, len}))) ? SG_ERR_UNKNOWN
                                                                                  : 0;
}

int containsPreKey(std::uint32_t id, void* userData) {
    SignalStore& s = self(userData);
    auto found = s.store().hasPreKey(id);
    if (failed(s, found))
        return SG_ERR_UNKNOWN;
    return found.value() ? 1 : 0;
}

int removePreKey(std::uint32_t id, void* userData) {
    SignalStore& s = self(userData);
    if (failed(s, s.store().markPreKeyUsed(id)))
        return SG_ERR_UNKNOWN;
    s.countPreKeyTaken();
    return 0;
}

// Signed prekey store.
int loadSignedPreKey(signal_buffer** record, std::uint32_t id, void* userData) {
    SignalStore& s = self(userData);
    auto found = s.store().signedPreKey(id);
    if (failed(s, found))
        return SG_ERR_UNKNOWN;
    if (!found.value())
        return SG_ERR_INVALID_KEY_ID;
    return toBuffer(record, found.value()->view());
}

int storeSignedPreKey(std::uint32_t id, std::uint8_t* record, std::size_t len, void* userData) {
    SignalStore& s = self(userData);
    const auto when = static_cast<std::int64_t>(std::time(nullptr));
    return failed(s, s.store().putSignedPreKey(id, SecretBytes::copyOf({record, len}), when))
               ? SG_ERR_UNKNOWN
               : 0;
}

int containsSignedPreKey(std::uint32_t id, void* userData) {
    SignalStore& s = self(userData);
    auto found = s.store().hasSignedPreKey(id);
    if (failed(s, found))
        return SG_ERR_UNKNOWN;
    return found.value() ? 1 : 0;
}

int removeSignedPreKey(std::uint32_t id, void* userData) {
    SignalStore& s = self(userData);
    return failed(s, s.store().removeSignedPreKey(id)) ? SG_ERR_UNKNOWN : 0;
}

// Session store.
int loadSession(signal_buffer** record, signal_buffer** userRecord,
                const signal_protocol_address* address, void* userData) {
    SignalStore& s = self(userData);
    *userRecord = nullptr;
    int rc = 0;
    auto found = s.store().readSession(jidOf(address), deviceOf(address),
                                       [&](ByteView bytes) { rc = toBuffer(record, bytes); });
    if (failed(s, found))
        return SG_ERR_UNKNOWN;
    if (!found.value())
        return 0;
    return rc == 0 ? 1 : SG_ERR_NOMEM;
}

int subDeviceSessions(signal_int_list** sessions, const char* name, std::size_t len,
                      void* userData) {
    SignalStore& s = self(userData);
    auto devices = s.store().sessionDevices({name, len});
    if (failed(s, devices))
        return SG_ERR_UNKNOWN;
    signal_int_list* list = signal_int_list_alloc();
    if (list == nullptr)
        return SG_ERR_NOMEM;
    for (std::uint32_t device : devices.value()) {
        if (signal_int_list_push_back(list, static_cast<int>(device)) != 0) {
            signal_int_list_free(list);
            return SG_ERR_NOMEM;
        }
    }
    *sessions = list;
    return static_cast<int>(devices.value().size());
}

int storeSession(const signal_protocol_address* address, std::uint8_t* record, std::size_t len,
                 std::uint8_t*, std::size_t, void* userData) {
    SignalStore& s = self(userData);
    return failed(s, s.store().putSession(jidOf(address), deviceOf(address), {record, len}))
               ? SG_ERR_UNKNOWN
               : 0;
}

int containsSession(const signal_protocol_address* address, void* userData) {
    SignalStore& s = self(userData);
    auto found = s.store().hasSession(jidOf(address), deviceOf(address));
    if (failed(s, found))
        return SG_ERR_UNKNOWN;
    return found.value() ? 1 : 0;
}

int deleteSession(const signal_protocol_address* address, void* userData) {
    SignalStore& s = self(userData);
    return failed(s, s.store().removeSession(jidOf(address), deviceOf(address))) ? SG_ERR_UNKNOWN
                                                                                 : 1;
}

int deleteAllSessions(const char* name, std::size_t len, void* userData) {
    SignalStore& s = self(userData);
    return failed(s, s.store().removeSessions({name, len})) ? SG_ERR_UNKNOWN : 0;
}

} // namespace

Result<std::unique_ptr<SignalStore>> SignalStore::create(SignalContext& context,
                                                         storage::OmemoStore& store) {
    std::unique_ptr<SignalStore> owner(new SignalStore(store));
    void* userData = owner.get();
    if (int rc = signal_protocol_store_context_create(&owner->m_context, context.get()); rc != 0)
        return makeError(ErrorCode::Crypto, "signal store context: " + signalErrorText(rc));

    signal_protocol_session_store sessions{};
    sessions.load_session_func = &loadSession;
    sessions.get_sub_device_sessions_func = &subDeviceSessions;
    sessions.store_session_func = &storeSession;
    sessions.contains_session_func = &containsSession;
    sessions.delete_session_func = &deleteSession;
    sessions.delete_all_sessions_func = &deleteAllSessions;
    sessions.user_data = userData;

    signal_protocol_pre_key_store preKeys{};
    preKeys.load_pre_key = &loadPreKey;
    preKeys.store_pre_key = &storePreKey;
    preKeys.contains_pre_key = &containsPreKey;
    preKeys.remove_pre_key = &removePreKey;
    preKeys.user_data = userData;

    signal_protocol_signed_pre_key_store signedPreKeys{};
    signedPreKeys.load_signed_pre_key = &loadSignedPreKey;
    signedPreKeys.store_signed_pre_key = &storeSignedPreKey;
    signedPreKeys.contains_signed_pre_key = &containsSignedPreKey;
    signedPreKeys.remove_signed_pre_key = &removeSignedPreKey;
    signedPreKeys.user_data = userData;

    signal_protocol_identity_key_store identities{};
    identities.get_identity_key_pair = &getIdentityKeyPair;
    identities.get_local_registration_id = &getRegistrationId;
    identities.save_identity = &saveIdentity;
    identities.is_trusted_identity = &isTrustedIdentity;
    identities.user_data = userData;

    signal_protocol_store_context* ctx = owner->m_context;
    if (signal_protocol_store_context_set_session_store(ctx, &sessions) != 0 ||
        signal_protocol_store_context_set_pre_key_store(ctx, &preKeys) != 0 ||
        signal_protocol_store_context_set_signed_pre_key_store(ctx, &signedPreKeys) != 0 ||
        signal_protocol_store_context_set_identity_key_store(ctx, &identities) != 0)
        return makeError(ErrorCode::Crypto, "signal store callbacks could not be installed");
    return owner;
}

SignalStore::~SignalStore() {
    if (m_context != nullptr)
        signal_protocol_store_context_destroy(m_context);
}

} // namespace cloison::omemo
