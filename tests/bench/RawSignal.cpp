#include "tests/bench/RawSignal.h"

#include <signal/curve.h>
#include <signal/key_helper.h>
#include <signal/protocol.h>
#include <signal/ratchet.h>
#include <signal/session_builder.h>
#include <signal/session_cipher.h>
#include <signal/session_pre_key.h>

#include <sodium.h>

#include <stdexcept>

namespace cloison::bench {

void WipedBytes::wipe() {
    if (!bytes.empty())
        sodium_memzero(bytes.data(), bytes.size());
}

namespace {

RawSignalParty& party(void* userData) {
    return *static_cast<RawSignalParty*>(userData);
}

void check(int rc, const char* what) {
    if (rc < 0)
        throw std::runtime_error(std::string(what) + ": " + signalErrorText(rc));
}

int copyOut(signal_buffer** out, ByteView bytes) {
    *out = signal_buffer_create(bytes.data(), bytes.size());
    return *out ? 0 : SG_ERR_NOMEM;
}

std::pair<std::string, std::int32_t> keyOf(const signal_protocol_address* a) {
    return {std::string(a->name, a->name_len), a->device_id};
}

} // namespace

std::unique_ptr<RawSignalParty> RawSignalParty::create(std::uint32_t deviceId) {
    std::unique_ptr<RawSignalParty> p(new RawSignalParty());
    p->m_deviceId = deviceId;
    auto context = SignalContext::create();
    if (!context)
        throw std::runtime_error(context.error().message);
    p->m_context = std::move(context.value());
    signal_context* ctx = p->m_context->get();

    SignalRef<ratchet_identity_key_pair> identity;
    check(signal_protocol_key_helper_generate_identity_key_pair(identity.out(), ctx), "identity");
    SignalBuffer pub;
    SignalBuffer priv;
    check(ec_public_key_serialize(pub.out(), ratchet_identity_key_pair_get_public(identity.get())),
          "public");
    check(
        ec_private_key_serialize(priv.out(), ratchet_identity_key_pair_get_private(identity.get())),
        "private");
    p->identityPublic = pub.bytes();
    p->identityPrivate = WipedBytes(priv.view());
    check(signal_protocol_key_helper_generate_registration_id(&p->registrationId, 0, ctx), "reg");

    SignalRef<ec_key_pair> preKeyPair;
    check(curve_generate_key_pair(ctx, preKeyPair.out()), "prekey");
    SignalRef<session_pre_key> preKey;
    check(session_pre_key_create(preKey.out(), 1, preKeyPair.get()), "prekey");
    SignalBuffer preKeyRecord;
    check(session_pre_key_serialize(preKeyRecord.out(), preKey.get()), "prekey");
    p->preKeys[1] = WipedBytes(preKeyRecord.view());
    SignalRef<session_signed_pre_key> signedPreKey;
    check(signal_protocol_key_helper_generate_signed_pre_key(signedPreKey.out(), identity.get(), 1,
                                                             0, ctx),
          "signed prekey");
    SignalBuffer signedRecord;
    check(session_signed_pre_key_serialize(signedRecord.out(), signedPreKey.get()), "signed");
    p->signedPreKeys[1] = WipedBytes(signedRecord.view());

    check(signal_protocol_store_context_create(&p->m_store, ctx), "store");
    void* self = p.get();
    signal_protocol_session_store sessions{};
    sessions.load_session_func = [](signal_buffer** record, signal_buffer** user,
                                    const signal_protocol_address* a, void* u) -> int {
        *user = nullptr;
        auto& map = party(u).sessions;
        auto found = map.find(keyOf(a));
        if (found == map.end())
            return 0;
        return copyOut(record, found->second.view()) == 0 ? 1 : SG_ERR_NOMEM;
    };
    sessions.get_sub_device_sessions_func = [](signal_int_list**, const char*, std::size_t,
                                               void*) -> int {
        return 0;
    };
    sessions.store_session_func = [](const signal_protocol_address* a, std::uint8_t* record,
                                     std::size_t len, std::uint8_t*, std::size_t, void* u) -> int {
        party(u).sessions[keyOf(a)] = WipedBytes({record, len});
        return 0;
    };
    sessions.contains_session_func = [](const signal_protocol_address* a, void* u) -> int {
        return party(u).sessions.count(keyOf(a)) ? 1 : 0;
    };
    sessions.delete_session_func = [](const signal_protocol_address* a, void* u) -> int {
        return static_cast<int>(party(u).sessions.erase(keyOf(a)));
    };
    sessions.delete_all_sessions_func = [](const char*, std::size_t, void*) -> int {
        return 0;
    };
    sessions.user_data = self;
    signal_protocol_pre_key_store preKeyStore{};
    preKeyStore.load_pre_key = [](signal_buffer** record, std::uint32_t id, void* u) -> int {
        auto& map = party(u).preKeys;
        auto found = map.find(id);
        return found == map.end() ? SG_ERR_INVALID_KEY_ID : copyOut(record, found->second.view());
    };
    preKeyStore.store_pre_key = [](std::uint32_t id, std::uint8_t* r, std::size_t n,
                                   void* u) -> int {
        party(u).preKeys[id] = WipedBytes({r, n});
        return 0;
    };
    preKeyStore.contains_pre_key = [](std::uint32_t id, void* u) -> int {
        return party(u).preKeys.count(id) ? 1 : 0;
    };
    preKeyStore.remove_pre_key = [](std::uint32_t id, void* u) -> int {
        party(u).preKeys.erase(id);
        return 0;
    };
    preKeyStore.user_data = self;
    signal_protocol_signed_pre_key_store signedStore{};
    signedStore.load_signed_pre_key = [](signal_buffer** record, std::uint32_t id, void* u) -> int {
        auto& map = party(u).signedPreKeys;
        auto found = map.find(id);
        return found == map.end() ? SG_ERR_INVALID_KEY_ID : copyOut(record, found->second.view());
    };
    signedStore.store_signed_pre_key = [](std::uint32_t id, std::uint8_t* r, std::size_t n,
                                          void* u) -> int {
        party(u).signedPreKeys[id] = WipedBytes({r, n});
        return 0;
    };
    signedStore.contains_signed_pre_key = [](std::uint32_t id, void* u) -> int {
        return party(u).signedPreKeys.count(id) ? 1 : 0;
    };
    signedStore.remove_signed_pre_key = [](std::uint32_t id, void* u) -> int {
        party(u).signedPreKeys.erase(id);
        return 0;
    };
    signedStore.user_data = self;
    signal_protocol_identity_key_store identityStore{};
    identityStore.get_identity_key_pair = [](signal_buffer** pubOut, signal_buffer** privOut,
                                             void* u) -> int {
        if (copyOut(pubOut, party(u).identityPublic) != 0)
            return SG_ERR_NOMEM;
        return copyOut(privOut, party(u).identityPrivate.view());
    };
    identityStore.get_local_registration_id = [](void* u, std::uint32_t* id) -> int {
        *id = party(u).registrationId;
        return 0;
    };
    identityStore.save_identity = [](const signal_protocol_address*, std::uint8_t*, std::size_t,
                                     void*) -> int {
        return 0;
    };
    identityStore.is_trusted_identity = [](const signal_protocol_address*, std::uint8_t*,
                                           std::size_t, void*) -> int {
        return 1;
    };
    identityStore.user_data = self;
    check(signal_protocol_store_context_set_session_store(p->m_store, &sessions), "store");
    check(signal_protocol_store_context_set_pre_key_store(p->m_store, &preKeyStore), "store");
    check(signal_protocol_store_context_set_signed_pre_key_store(p->m_store, &signedStore),
          "store");
    check(signal_protocol_store_context_set_identity_key_store(p->m_store, &identityStore),
          "store");
    return p;
}

RawSignalParty::~RawSignalParty() {
    if (m_store != nullptr)
        signal_protocol_store_context_destroy(m_store);
}

void RawSignalParty::startSessionWith(RawSignalParty& peer, const std::string& peerName) {
    signal_context* ctx = m_context->get();
    SignalRef<session_pre_key> preKey;
    check(session_pre_key_deserialize(preKey.out(), peer.preKeys.at(1).bytes.data(),
                                      peer.preKeys.at(1).bytes.size(), ctx),
          "bundle prekey");
    SignalRef<session_signed_pre_key> signedKey;
    check(session_signed_pre_key_deserialize(signedKey.out(), peer.signedPreKeys.at(1).bytes.data(),
                                             peer.signedPreKeys.at(1).bytes.size(), ctx),
          "bundle signed prekey");
    SignalRef<ec_public_key> identity;
    check(curve_decode_point(identity.out(), peer.identityPublic.data(), peer.identityPublic.size(),
                             ctx),
          "bundle identity");
    SignalRef<session_pre_key_bundle> bundle;
    check(session_pre_key_bundle_create(
              bundle.out(), peer.registrationId, static_cast<int>(peer.deviceId()), 1,
              ec_key_pair_get_public(session_pre_key_get_key_pair(preKey.get())), 1,
              ec_key_pair_get_public(session_signed_pre_key_get_key_pair(signedKey.get())),
              session_signed_pre_key_get_signature(signedKey.get()),
              session_signed_pre_key_get_signature_len(signedKey.get()), identity.get()),
          "bundle");
    const signal_protocol_address address{peerName.c_str(), peerName.size(),
                                          static_cast<std::int32_t>(peer.deviceId())};
    session_builder* builder = nullptr;
    check(session_builder_create(&builder, m_store, &address, ctx), "builder");
    const int rc = session_builder_process_pre_key_bundle(builder, bundle.get());
    session_builder_free(builder);
    check(rc, "session from bundle");
}

Bytes RawSignalParty::encrypt(const std::string& peerName, std::uint32_t peerDevice,
                              ByteView plaintext, bool& preKey) {
    const signal_protocol_address address{peerName.c_str(), peerName.size(),
                                          static_cast<std::int32_t>(peerDevice)};
    session_cipher* cipher = nullptr;
    check(session_cipher_create(&cipher, m_store, &address, m_context->get()), "cipher");
    SignalRef<ciphertext_message> message;
    const int rc =
        session_cipher_encrypt(cipher, plaintext.data(), plaintext.size(), message.out());
    session_cipher_free(cipher);
    check(rc, "encrypt");
    preKey = ciphertext_message_get_type(message.get()) == CIPHERTEXT_PREKEY_TYPE;
    signal_buffer* data = ciphertext_message_get_serialized(message.get());
    return Bytes(signal_buffer_data(data), signal_buffer_data(data) + signal_buffer_len(data));
}

Bytes RawSignalParty::decrypt(const std::string& peerName, std::uint32_t peerDevice, ByteView data,
                              bool preKey) {
    const signal_protocol_address address{peerName.c_str(), peerName.size(),
                                          static_cast<std::int32_t>(peerDevice)};
    session_cipher* cipher = nullptr;
    check(session_cipher_create(&cipher, m_store, &address, m_context->get()), "cipher");
    SignalBuffer plaintext;
    int rc = 0;
    if (preKey) {
        SignalRef<pre_key_signal_message> message;
        rc = pre_key_signal_message_deserialize(message.out(), data.data(), data.size(),
                                                m_context->get());
        if (rc == 0)
            rc = session_cipher_decrypt_pre_key_signal_message(cipher, message.get(), nullptr,
                                                               plaintext.out());
    } else {
        SignalRef<signal_message> message;
        rc = signal_message_deserialize(message.out(), data.data(), data.size(), m_context->get());
        if (rc == 0)
            rc = session_cipher_decrypt_signal_message(cipher, message.get(), nullptr,
                                                       plaintext.out());
    }
    session_cipher_free(cipher);
    check(rc, "decrypt");
    return plaintext.bytes();
}

} // namespace cloison::bench
