#include "crypto/fido/SoftAuthenticator.h"

#include "crypto/Hash.h"
#include "crypto/fido/Cbor.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace cloison::fido {
namespace {

// CTAP2 status codes (CTAP 2.0 §6.3).
enum Status : std::uint8_t {
    kOk = 0x00,
    kInvalidCommand = 0x01,
    kInvalidParameter = 0x02,
    kInvalidCbor = 0x12,
    kMissingParameter = 0x14,
    kUnsupportedAlgorithm = 0x26,
    kUnsupportedOption = 0x2b,
    kNoCredentials = 0x2e,
    kUserActionTimeout = 0x2f,
    kNotAllowed = 0x30,
    kPinInvalid = 0x31,
    kPinBlocked = 0x32,
    kPinAuthInvalid = 0x33,
    kPinAuthBlocked = 0x34,
    kPinNotSet = 0x35,
    kPinRequired = 0x36,
    kPinPolicyViolation = 0x37,
};

enum Flags : std::uint8_t {
    kUserPresent = 0x01,
    kUserVerified = 0x04,
    kAttestedData = 0x40,
    kExtensionData = 0x80,
};

constexpr std::size_t kPinAuthBytes = 16;
constexpr std::size_t kCredentialIdBytes = 48;
constexpr std::int64_t kEs256 = -7;
constexpr std::int64_t kEcdhEsHkdf256 = -25;
constexpr unsigned kMaxConsecutivePinFailures = 3;

Bytes coseKey(const EcPoint& point, std::int64_t alg) {
    Cbor map = cborMap(5);
    cborPut(map.get(), cborUint(1), cborUint(2)); // kty: EC2
    cborPut(map.get(), cborUint(3), cborNegative(static_cast<std::uint64_t>(-alg)));
    cborPut(map.get(), cborNegative(1), cborUint(1)); // crv: P-256
    cborPut(map.get(), cborNegative(2), cborBytes(point.x));
    cborPut(map.get(), cborNegative(3), cborBytes(point.y));
    return cborEncode(map.get());
}

std::optional<EcPoint> pointFromCose(const cbor_item_t* key) {
    if (key == nullptr || !cbor_isa_map(key))
        return std::nullopt;
    const cbor_pair* pairs = cbor_map_handle(key);
    std::optional<Bytes> px;
    std::optional<Bytes> py;
    for (std::size_t i = 0; i < cbor_map_size(key); ++i) {
        auto label = cborAsInt(pairs[i].key);
        if (label == -2)
            px = cborAsBytes(pairs[i].value);
        else if (label == -3)
            py = cborAsBytes(pairs[i].value);
    }
    if (!px || !py)
        return std::nullopt;
    return EcPoint{std::move(*px), std::move(*py)};
}

void putU32BigEndian(Bytes& out, std::uint64_t value) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(value >> shift));
}

} // namespace

struct SoftAuthenticator::Reply {
    std::uint8_t status = kOk;
    Cbor body;
    Reply(std::uint8_t s) : status(s) {}
    Reply(Cbor b) : body(std::move(b)) {}
};

SoftAuthenticator::~SoftAuthenticator() = default;

Bytes SoftAuthenticator::keyAgreementCose() const {
    auto point = publicPoint(m_keyAgreement.get());
    return point ? coseKey(point.value(), kEcdhEsHkdf256) : Bytes{};
}

Result<SecretBytes> SoftAuthenticator::sharedSecretWith(const cbor_item_t* coseKeyItem) {
    auto point = pointFromCose(coseKeyItem);
    if (!point)
        return makeError(ErrorCode::InvalidArgument, "missing platform key agreement key");
    return ecdhSharedSecret(m_keyAgreement.get(), *point);
}

SecretBytes SoftAuthenticator::credRandom(const Credential& credential, bool verified) const {
    Bytes input(asBytes(verified ? "cred-random-uv" : "cred-random").begin(),
                asBytes(verified ? "cred-random-uv" : "cred-random").end());
    input.insert(input.end(), credential.id.begin(), credential.id.end());
    return hmacSha256(m_master.view(), input);
}

Bytes SoftAuthenticator::process(ByteView request) {
    Reply reply(kInvalidCommand);
    if (!request.empty()) {
        Cbor params;
        if (request.size() > 1) {
            params = cborDecode(request.subspan(1));
            if (!params || !cbor_isa_map(params.get()))
                return Bytes{kInvalidCbor};
        }
        switch (request[0]) {
        case 0x01:
            reply = params ? makeCredential(params.get()) : Reply(kMissingParameter);
            break;
        case 0x02:
            reply = params ? getAssertion(params.get()) : Reply(kMissingParameter);
            break;
        case 0x04:
            reply = getInfo();
            break;
        case 0x06:
            reply = params ? clientPin(params.get()) : Reply(kMissingParameter);
            break;
        default:
            break;
        }
    }
    Bytes out{reply.status};
    if (reply.status == kOk && reply.body) {
        const Bytes body = cborEncode(reply.body.get());
        out.insert(out.end(), body.begin(), body.end());
    }
    return out;
}

SoftAuthenticator::Reply SoftAuthenticator::getInfo() {
    Cbor info = cborMap(6);
    Cbor versions = cborArray(1);
    cborPush(versions.get(), cborText("FIDO_2_0"));
    cborPut(info.get(), cborUint(1), std::move(versions));
    Cbor extensions = cborArray(2);
    cborPush(extensions.get(), cborText("credProtect"));
    if (m_options.hmacSecret)
        cborPush(extensions.get(), cborText("hmac-secret"));
    cborPut(info.get(), cborUint(2), std::move(extensions));
    cborPut(info.get(), cborUint(3), cborBytes(m_aaguid));
    Cbor options = cborMap(4);
    cborPut(options.get(), cborText("rk"), cborBool(false));
    cborPut(options.get(), cborText("up"), cborBool(true));
    cborPut(options.get(), cborText("plat"), cborBool(false));
    cborPut(options.get(), cborText("clientPin"), cborBool(!m_pinHash.empty()));
    cborPut(info.get(), cborUint(4), std::move(options));
    cborPut(info.get(), cborUint(5), cborUint(1200));
    Cbor protocols = cborArray(1);
    cborPush(protocols.get(), cborUint(1));
    cborPut(info.get(), cborUint(6), std::move(protocols));
    return Reply(std::move(info));
}

// Checks an optional pinAuth over the client data hash; `verified` tells whether it was given.
std::uint8_t SoftAuthenticator::checkPinAuth(const cbor_item_t* params, std::uint64_t authKey,
                                             std::uint64_t protocolKey, ByteView clientDataHash,
                                             bool& verified) {
    verified = false;
    auto pinAuth = cborAsBytes(cborFind(params, authKey));
    if (!pinAuth)
        return kOk;
    if (cborAsUint(cborFind(params, protocolKey)) != 1u)
        return kInvalidParameter;
    if (m_pinHash.empty())
        return kPinNotSet;
    const SecretBytes expected = hmacSha256(m_pinToken.view(), clientDataHash);
    if (pinAuth->size() != kPinAuthBytes ||
        !equalConstantTime(*pinAuth, expected.view().first(kPinAuthBytes)))
        return kPinAuthInvalid;
    verified = true;
    return kOk;
}

SoftAuthenticator::Reply SoftAuthenticator::makeCredential(const cbor_item_t* params) {
    auto clientDataHash = cborAsBytes(cborFind(params, 1));
    auto rpId = cborAsText(cborFind(cborFind(params, 2), "id"));
    const cbor_item_t* algorithms = cborFind(params, 4);
    if (!clientDataHash || !rpId || !cborFind(params, 3) || !algorithms ||
        !cbor_isa_array(algorithms))
        return kMissingParameter;
    bool es256 = false;
    for (std::size_t i = 0; i < cbor_array_size(algorithms); ++i) {
        Cbor entry(cbor_array_get(algorithms, i));
        es256 = es256 || cborAsInt(cborFind(entry.get(), "alg")) == kEs256;
    }
    if (!es256)
        return kUnsupportedAlgorithm;
    const cbor_item_t* options = cborFind(params, 7);
    if (cborAsBool(cborFind(options, "rk")) == true || cborAsBool(cborFind(options, "uv")) == true)
        return kUnsupportedOption;
    bool verified = false;
    if (auto status = checkPinAuth(params, 8, 9, *clientDataHash, verified); status != kOk)
        return status;
    if (!m_pinHash.empty() && !verified)
        return kPinRequired;
    if (m_options.presence != SoftPresence::Touch)
        return kUserActionTimeout;
    ++m_touches;

    const cbor_item_t* extensions = cborFind(params, 6);
    const bool hmacSecret =
        m_options.hmacSecret && cborAsBool(cborFind(extensions, "hmac-secret")) == true;
    auto protect = cborAsUint(cborFind(extensions, "credProtect"));
    if (protect && (*protect < 1 || *protect > 3))
        return kInvalidParameter;

    auto key = generateP256();
    auto der = key ? privateKeyDer(key.value().get()) : Result<SecretBytes>(key.error());
    auto point = key ? publicPoint(key.value().get()) : Result<EcPoint>(key.error());
    if (!der || !point)
        return kInvalidCommand;
    Credential credential{randomBytes(kCredentialIdBytes), sha256(asBytes(*rpId)),
                          std::move(der.value()), protect.value_or(1)};

    Bytes authData = credential.rpIdHash;
    const bool withExtensions = hmacSecret || protect.has_value();
    authData.push_back(static_cast<std::uint8_t>(kUserPresent | (verified ? kUserVerified : 0) |
                                                 kAttestedData |
                                                 (withExtensions ? kExtensionData : 0)));
    putU32BigEndian(authData, ++m_signCount);
    authData.insert(authData.end(), m_aaguid.begin(), m_aaguid.end());
    authData.push_back(static_cast<std::uint8_t>(credential.id.size() >> 8));
    authData.push_back(static_cast<std::uint8_t>(credential.id.size()));
    authData.insert(authData.end(), credential.id.begin(), credential.id.end());
    const Bytes cose = coseKey(point.value(), kEs256);
    authData.insert(authData.end(), cose.begin(), cose.end());
    if (withExtensions) {
        Cbor granted = cborMap(2);
        if (protect)
            cborPut(granted.get(), cborText("credProtect"), cborUint(*protect));
        if (hmacSecret)
            cborPut(granted.get(), cborText("hmac-secret"), cborBool(true));
        const Bytes encoded = cborEncode(granted.get());
        authData.insert(authData.end(), encoded.begin(), encoded.end());
    }
    Bytes signed_ = authData;
    signed_.insert(signed_.end(), clientDataHash->begin(), clientDataHash->end());
    auto signature = signEs256(key.value().get(), signed_);
    if (!signature)
        return kInvalidCommand;

    m_credentials.push_back(std::move(credential));
    if (!save())
        return kInvalidCommand;
    Cbor statement = cborMap(2);
    cborPut(statement.get(), cborText("alg"), cborNegative(7));
    cborPut(statement.get(), cborText("sig"), cborBytes(signature.value()));
    Cbor response = cborMap(3);
    cborPut(response.get(), cborUint(1), cborText("packed"));
    cborPut(response.get(), cborUint(2), cborBytes(authData));
    cborPut(response.get(), cborUint(3), std::move(statement));
    return Reply(std::move(response));
}

SoftAuthenticator::Reply SoftAuthenticator::getAssertion(const cbor_item_t* params) {
    auto rpId = cborAsText(cborFind(params, 1));
    auto clientDataHash = cborAsBytes(cborFind(params, 2));
    if (!rpId || !clientDataHash)
        return kMissingParameter;
    bool verified = false;
    if (auto status = checkPinAuth(params, 6, 7, *clientDataHash, verified); status != kOk)
        return status;
    const cbor_item_t* options = cborFind(params, 5);
    if (cborAsBool(cborFind(options, "uv")) == true || cborAsBool(cborFind(options, "rk")))
        return kUnsupportedOption;
    const bool presence = cborAsBool(cborFind(options, "up")).value_or(true);

    // Non-resident credentials only: the allow list must name one of ours for this RP.
    const Bytes rpIdHash = sha256(asBytes(*rpId));
    const Credential* found = nullptr;
    const cbor_item_t* allowList = cborFind(params, 3);
    if (allowList != nullptr && cbor_isa_array(allowList)) {
        for (std::size_t i = 0; i < cbor_array_size(allowList) && !found; ++i) {
            Cbor entry(cbor_array_get(allowList, i));
            auto id = cborAsBytes(cborFind(entry.get(), "id"));
            for (const Credential& credential : m_credentials)
                if (id && credential.id == *id && credential.rpIdHash == rpIdHash &&
                    (credential.credProtect < 3 || verified))
                    found = &credential;
        }
    }
    if (found == nullptr)
        return kNoCredentials;
    if (presence && m_options.presence != SoftPresence::Touch)
        return kUserActionTimeout;
    if (presence)
        ++m_touches;

    Bytes encryptedOutput;
    const cbor_item_t* hmacParams = cborFind(cborFind(params, 4), "hmac-secret");
    if (hmacParams != nullptr && m_options.hmacSecret) {
        auto shared = sharedSecretWith(cborFind(hmacParams, 1));
        auto saltEnc = cborAsBytes(cborFind(hmacParams, 2));
        auto saltAuth = cborAsBytes(cborFind(hmacParams, 3));
        if (!shared || !saltEnc || !saltAuth)
            return kMissingParameter;
        if (saltEnc->size() != 32 && saltEnc->size() != 64)
            return kInvalidParameter;
        const SecretBytes expected = hmacSha256(shared.value().view(), *saltEnc);
        if (saltAuth->size() != kPinAuthBytes ||
            !equalConstantTime(*saltAuth, expected.view().first(kPinAuthBytes)))
            return kPinAuthInvalid;
        auto salts = aes256CbcDecrypt(shared.value(), *saltEnc);
        if (!salts)
            return kInvalidParameter;
        const SecretBytes random = credRandom(*found, verified);
        SecretBytes outputs(salts.value().size());
        for (std::size_t offset = 0; offset < outputs.size(); offset += 32) {
            const SecretBytes one =
                hmacSha256(random.view(), salts.value().view().subspan(offset, 32));
            std::memcpy(outputs.data() + offset, one.data(), 32);
        }
        auto encrypted = aes256CbcEncrypt(shared.value(), outputs.view());
        if (!encrypted)
            return kInvalidCommand;
        encryptedOutput.assign(encrypted.value().data(),
                               encrypted.value().data() + encrypted.value().size());
    }

    Bytes authData = rpIdHash;
    authData.push_back(static_cast<std::uint8_t>((presence ? kUserPresent : 0) |
                                                 (verified ? kUserVerified : 0) |
                                                 (encryptedOutput.empty() ? 0 : kExtensionData)));
    putU32BigEndian(authData, ++m_signCount);
    if (!encryptedOutput.empty()) {
        Cbor extensions = cborMap(1);
        cborPut(extensions.get(), cborText("hmac-secret"), cborBytes(encryptedOutput));
        const Bytes encoded = cborEncode(extensions.get());
        authData.insert(authData.end(), encoded.begin(), encoded.end());
    }
    Bytes signed_ = authData;
    signed_.insert(signed_.end(), clientDataHash->begin(), clientDataHash->end());
    auto key = privateKeyFromDer(found->keyDer);
    auto signature = key ? signEs256(key.value().get(), signed_) : Result<Bytes>(key.error());
    if (!signature || !save())
        return kInvalidCommand;
    Cbor descriptor = cborMap(2);
    cborPut(descriptor.get(), cborText("id"), cborBytes(found->id));
    cborPut(descriptor.get(), cborText("type"), cborText("public-key"));
    Cbor response = cborMap(3);
    cborPut(response.get(), cborUint(1), std::move(descriptor));
    cborPut(response.get(), cborUint(2), cborBytes(authData));
    cborPut(response.get(), cborUint(3), cborBytes(signature.value()));
    return Reply(std::move(response));
}

SoftAuthenticator::Reply SoftAuthenticator::clientPin(const cbor_item_t* params) {
    if (cborAsUint(cborFind(params, 1)) != 1u)
        return kInvalidParameter;
    switch (cborAsUint(cborFind(params, 2)).value_or(0)) {
    case 1: { // getRetries
        Cbor response = cborMap(1);
        cborPut(response.get(), cborUint(3), cborUint(m_pinRetries));
        return Reply(std::move(response));
    }
    case 2: { // getKeyAgreement
        const Bytes cose = keyAgreementCose();
        Cbor response = cborMap(1);
        cborPut(response.get(), cborUint(1), cborDecode(cose));
        return Reply(std::move(response));
    }
    case 3:
        return setPin(params);
    case 5:
        return pinToken(params);
    default:
        return kInvalidParameter;
    }
}

SoftAuthenticator::Reply SoftAuthenticator::setPin(const cbor_item_t* params) {
    if (!m_pinHash.empty())
        return kNotAllowed;
    auto shared = sharedSecretWith(cborFind(params, 3));
    auto pinAuth = cborAsBytes(cborFind(params, 4));
    auto newPinEnc = cborAsBytes(cborFind(params, 5));
    if (!shared || !pinAuth || !newPinEnc)
        return kMissingParameter;
    const SecretBytes expected = hmacSha256(shared.value().view(), *newPinEnc);
    if (pinAuth->size() != kPinAuthBytes ||
        !equalConstantTime(*pinAuth, expected.view().first(kPinAuthBytes)))
        return kPinAuthInvalid;
    if (newPinEnc->size() < 64 || newPinEnc->size() % 16 != 0)
        return kPinPolicyViolation;
    auto padded = aes256CbcDecrypt(shared.value(), *newPinEnc);
    if (!padded)
        return kInvalidParameter;
    std::size_t length = 0;
    while (length < padded.value().size() && padded.value().data()[length] != 0)
        ++length;
    if (length < 4 || length > 63)
        return kPinPolicyViolation;
    m_pinHash = SecretBytes::copyOf(sha256(padded.value().view().first(length)));
    m_pinHash.truncate(SoftAuthenticator::kPinHashBytes);
    m_pinRetries = kMaxPinRetries;
    if (!save())
        return kInvalidCommand;
    return kOk;
}

SoftAuthenticator::Reply SoftAuthenticator::pinToken(const cbor_item_t* params) {
    if (m_pinHash.empty())
        return kPinNotSet;
    if (m_pinRetries == 0)
        return kPinBlocked;
    if (m_consecutivePinFailures >= kMaxConsecutivePinFailures)
        return kPinAuthBlocked;
    auto shared = sharedSecretWith(cborFind(params, 3));
    auto pinHashEnc = cborAsBytes(cborFind(params, 6));
    if (!shared || !pinHashEnc)
        return kMissingParameter;
    if (pinHashEnc->size() != SoftAuthenticator::kPinHashBytes)
        return kInvalidParameter;
    auto pinHash = aes256CbcDecrypt(shared.value(), *pinHashEnc);
    if (!pinHash)
        return kInvalidParameter;
    // Every attempt costs a retry until it succeeds (CTAP 2.0 §5.5.8.2).
    --m_pinRetries;
    if (!pinHash.value().equals(m_pinHash)) {
        ++m_consecutivePinFailures;
        auto fresh = generateP256();
        if (fresh)
            m_keyAgreement = std::move(fresh.value());
        if (!save())
            return kInvalidCommand;
        if (m_pinRetries == 0)
            return kPinBlocked;
        return m_consecutivePinFailures >= kMaxConsecutivePinFailures ? kPinAuthBlocked
                                                                      : kPinInvalid;
    }
    m_pinRetries = kMaxPinRetries;
    m_consecutivePinFailures = 0;
    if (!save())
        return kInvalidCommand;
    auto encrypted = aes256CbcEncrypt(shared.value(), m_pinToken.view());
    if (!encrypted)
        return kInvalidCommand;
    Cbor response = cborMap(1);
    cborPut(response.get(), cborUint(2), cborBytes(encrypted.value().view()));
    return Reply(std::move(response));
}

} // namespace cloison::fido
