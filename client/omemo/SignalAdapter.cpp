#include "client/omemo/SignalAdapter.h"

#include <signal/curve.h>
#include <signal/key_helper.h>
#include <signal/protocol.h>
#include <signal/ratchet.h>
#include <signal/session_builder.h>
#include <signal/session_cipher.h>
#include <signal/session_pre_key.h>

namespace cloison::omemo {
namespace {

struct CipherFree {
    void operator()(session_cipher* cipher) const { session_cipher_free(cipher); }
};
struct BuilderFree {
    void operator()(session_builder* builder) const { session_builder_free(builder); }
};
struct KeyListFree {
    void operator()(signal_protocol_key_helper_pre_key_list_node* head) const {
        signal_protocol_key_helper_key_list_free(head);
    }
};
using CipherOwner = std::unique_ptr<session_cipher, CipherFree>;
using BuilderOwner = std::unique_ptr<session_builder, BuilderFree>;
using KeyListOwner = std::unique_ptr<signal_protocol_key_helper_pre_key_list_node, KeyListFree>;

signal_protocol_address addressOf(const std::string& jid, std::uint32_t deviceId) {
    return {jid.c_str(), jid.size(), static_cast<std::int32_t>(deviceId)};
}

Result<Bytes> serializePublic(const ec_public_key* key) {
    SignalBuffer buffer;
    if (int rc = ec_public_key_serialize(buffer.out(), key); rc != 0)
        return makeError(ErrorCode::Crypto, "public key: " + signalErrorText(rc));
    return buffer.bytes();
}

// A prekey we no longer hold, or no session at all: the sender's session is broken, which the
// engine answers with a new one (ErrorCode::NotFound says so). Anything else keeps its code.
Error brokenSessionOr(Error error, int rc) {
    if (rc == SG_ERR_INVALID_KEY_ID || rc == SG_ERR_NO_SESSION)
        error.code = ErrorCode::NotFound;
    return error;
}

} // namespace

Error SignalAdapter::failure(const std::string& what, int rc) const {
    std::string message = what + ": " + signalErrorText(rc);
    if (!m_store.lastError().empty())
        message += " (vault: " + m_store.lastError() + ")";
    return makeError(rc == SG_ERR_NOMEM || rc == SG_ERR_UNKNOWN ? ErrorCode::Crypto
                                                                : ErrorCode::InvalidArgument,
                     message);
}

Result<storage::OmemoIdentityRecord> SignalAdapter::generateIdentity() {
    SignalRef<ratchet_identity_key_pair> pair;
    if (int rc = signal_protocol_key_helper_generate_identity_key_pair(pair.out(), m_context.get());
        rc != 0)
        return failure("identity key generation", rc);
    storage::OmemoIdentityRecord record;
    auto publicKey = serializePublic(ratchet_identity_key_pair_get_public(pair.get()));
    if (!publicKey)
        return publicKey.error();
    record.publicKey = std::move(publicKey.value());
    SignalBuffer privateKey;
    if (int rc = ec_private_key_serialize(privateKey.out(),
                                          ratchet_identity_key_pair_get_private(pair.get()));
        rc != 0)
        return failure("identity key", rc);
    record.privateKey = privateKey.secret();
    if (int rc = signal_protocol_key_helper_generate_registration_id(&record.registrationId, 0,
                                                                     m_context.get());
        rc != 0)
        return failure("registration id", rc);
    return record;
}

Result<std::vector<GeneratedKey>> SignalAdapter::generatePreKeys(std::uint32_t firstId,
                                                                 unsigned count) {
    signal_protocol_key_helper_pre_key_list_node* head = nullptr;
    if (int rc =
            signal_protocol_key_helper_generate_pre_keys(&head, firstId, count, m_context.get());
        rc != 0)
        return failure("prekey generation", rc);
    KeyListOwner list(head);
    std::vector<GeneratedKey> keys;
    for (auto* node = head; node != nullptr;
         node = signal_protocol_key_helper_key_list_next(node)) {
        session_pre_key* key = signal_protocol_key_helper_key_list_element(node);
        SignalBuffer record;
        if (int rc = session_pre_key_serialize(record.out(), key); rc != 0)
            return failure("prekey", rc);
        keys.push_back({session_pre_key_get_id(key), record.secret()});
    }
    return keys;
}

Result<GeneratedKey> SignalAdapter::generateSignedPreKey(const storage::OmemoIdentityRecord& id,
                                                         std::uint32_t keyId,
                                                         std::uint64_t timestampMs) {
    SignalRef<ec_public_key> publicKey;
    SignalRef<ec_private_key> privateKey;
    if (int rc = curve_decode_point(publicKey.out(), id.publicKey.data(), id.publicKey.size(),
                                    m_context.get());
        rc != 0)
        return failure("identity public key", rc);
    if (int rc = curve_decode_private_point(privateKey.out(), id.privateKey.data(),
                                            id.privateKey.size(), m_context.get());
        rc != 0)
        return failure("identity private key", rc);
    SignalRef<ratchet_identity_key_pair> pair;
    if (int rc = ratchet_identity_key_pair_create(pair.out(), publicKey.get(), privateKey.get());
        rc != 0)
        return failure("identity key pair", rc);
    SignalRef<session_signed_pre_key> signedKey;
    if (int rc = signal_protocol_key_helper_generate_signed_pre_key(
            signedKey.out(), pair.get(), keyId, timestampMs, m_context.get());
        rc != 0)
        return failure("signed prekey generation", rc);
    SignalBuffer record;
    if (int rc = session_signed_pre_key_serialize(record.out(), signedKey.get()); rc != 0)
        return failure("signed prekey", rc);
    return GeneratedKey{keyId, record.secret()};
}

Result<PublicPreKey> SignalAdapter::preKeyPublic(const SecretBytes& record) {
    SignalRef<session_pre_key> key;
    if (int rc =
            session_pre_key_deserialize(key.out(), record.data(), record.size(), m_context.get());
        rc != 0)
        return failure("stored prekey", rc);
    auto publicKey =
        serializePublic(ec_key_pair_get_public(session_pre_key_get_key_pair(key.get())));
    if (!publicKey)
        return publicKey.error();
    return PublicPreKey{session_pre_key_get_id(key.get()), std::move(publicKey.value())};
}

Result<Bundle> SignalAdapter::signedPreKeyPublic(const SecretBytes& record) {
    SignalRef<session_signed_pre_key> key;
    if (int rc = session_signed_pre_key_deserialize(key.out(), record.data(), record.size(),
                                                    m_context.get());
        rc != 0)
        return failure("stored signed prekey", rc);
    Bundle bundle;
    bundle.signedPreKeyId = session_signed_pre_key_get_id(key.get());
    auto publicKey =
        serializePublic(ec_key_pair_get_public(session_signed_pre_key_get_key_pair(key.get())));
    if (!publicKey)
        return publicKey.error();
    bundle.signedPreKeyPublic = std::move(publicKey.value());
    const std::uint8_t* signature = session_signed_pre_key_get_signature(key.get());
    bundle.signedPreKeySignature.assign(
        signature, signature + session_signed_pre_key_get_signature_len(key.get()));
    return bundle;
}

Result<void> SignalAdapter::startSession(const std::string& jid, std::uint32_t deviceId,
                                         const Bundle& bundle, const PublicPreKey& preKey) {
    m_store.clearError();
    SignalRef<ec_public_key> preKeyPublic;
    SignalRef<ec_public_key> signedPreKeyPublic;
    SignalRef<ec_public_key> identityKey;
    if (int rc = curve_decode_point(preKeyPublic.out(), preKey.publicKey.data(),
                                    preKey.publicKey.size(), m_context.get());
        rc != 0)
        return failure("bundle prekey", rc);
    if (int rc = curve_decode_point(signedPreKeyPublic.out(), bundle.signedPreKeyPublic.data(),
                                    bundle.signedPreKeyPublic.size(), m_context.get());
        rc != 0)
        return failure("bundle signed prekey", rc);
    if (int rc = curve_decode_point(identityKey.out(), bundle.identityKey.data(),
                                    bundle.identityKey.size(), m_context.get());
        rc != 0)
        return failure("bundle identity key", rc);
    SignalRef<session_pre_key_bundle> signalBundle;
    // Legacy OMEMO bundles carry no registration id: 0, as the standard clients use.
    if (int rc = session_pre_key_bundle_create(
            signalBundle.out(), 0, static_cast<int>(deviceId), preKey.id, preKeyPublic.get(),
            bundle.signedPreKeyId, signedPreKeyPublic.get(), bundle.signedPreKeySignature.data(),
            bundle.signedPreKeySignature.size(), identityKey.get());
        rc != 0)
        return failure("bundle", rc);
    const signal_protocol_address address = addressOf(jid, deviceId);
    session_builder* rawBuilder = nullptr;
    if (int rc = session_builder_create(&rawBuilder, m_store.get(), &address, m_context.get());
        rc != 0)
        return failure("session builder", rc);
    BuilderOwner builder(rawBuilder);
    if (int rc = session_builder_process_pre_key_bundle(builder.get(), signalBundle.get()); rc != 0)
        return failure("session from bundle", rc);
    return {};
}

Result<EncryptedKey> SignalAdapter::encrypt(const std::string& jid, std::uint32_t deviceId,
                                            ByteView keyMaterial) {
    m_store.clearError();
    const signal_protocol_address address = addressOf(jid, deviceId);
    session_cipher* rawCipher = nullptr;
    if (int rc = session_cipher_create(&rawCipher, m_store.get(), &address, m_context.get());
        rc != 0)
        return failure("session cipher", rc);
    CipherOwner cipher(rawCipher);
    SignalRef<ciphertext_message> message;
    if (int rc = session_cipher_encrypt(cipher.get(), keyMaterial.data(), keyMaterial.size(),
                                        message.out());
        rc != 0)
        return failure("encryption for device " + std::to_string(deviceId), rc);
    signal_buffer* serialized = ciphertext_message_get_serialized(message.get());
    EncryptedKey out;
    out.data.assign(signal_buffer_data(serialized),
                    signal_buffer_data(serialized) + signal_buffer_len(serialized));
    out.preKey = ciphertext_message_get_type(message.get()) == CIPHERTEXT_PREKEY_TYPE;
    return out;
}

Result<SignalBuffer> SignalAdapter::decrypt(const std::string& jid, std::uint32_t deviceId,
                                            ByteView data, bool preKey, bool& usedPreKey) {
    m_store.clearError();
    usedPreKey = false;
    const signal_protocol_address address = addressOf(jid, deviceId);
    session_cipher* rawCipher = nullptr;
    if (int rc = session_cipher_create(&rawCipher, m_store.get(), &address, m_context.get());
        rc != 0)
        return failure("session cipher", rc);
    CipherOwner cipher(rawCipher);
    SignalBuffer plaintext;
    if (preKey) {
        SignalRef<pre_key_signal_message> message;
        if (int rc = pre_key_signal_message_deserialize(message.out(), data.data(), data.size(),
                                                        m_context.get());
            rc != 0)
            return failure("prekey message", rc);
        const std::uint64_t taken = m_store.preKeysTaken();
        if (int rc = session_cipher_decrypt_pre_key_signal_message(cipher.get(), message.get(),
                                                                   nullptr, plaintext.out());
            rc != 0)
            return brokenSessionOr(failure("key decryption", rc), rc);
        usedPreKey = m_store.preKeysTaken() != taken;
    } else {
        SignalRef<signal_message> message;
        if (int rc = signal_message_deserialize(message.out(), data.data(), data.size(),
                                                m_context.get());
            rc != 0)
            return failure("message", rc);
        if (int rc = session_cipher_decrypt_signal_message(cipher.get(), message.get(), nullptr,
                                                           plaintext.out());
            rc != 0)
            return brokenSessionOr(failure("key decryption", rc), rc);
    }
    return plaintext;
}

} // namespace cloison::omemo
