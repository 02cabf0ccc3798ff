// The software authenticator's persistent state: one CBOR map in DIR/kStateFile, mode 0600.
#include "crypto/AtomicFile.h"
#include "crypto/fido/Cbor.h"
#include "crypto/fido/SoftAuthenticator.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace cloison::fido {
namespace {

constexpr const char* kLabel =
    "Cloison software authenticator: NOT a hardware security key, for tests and demos only";

// The state file holds the authenticator's secrets: its copies in memory are wiped too.
struct WipeOnExit {
    Bytes& bytes;
    ~WipeOnExit() { sodium_memzero(bytes.data(), bytes.size()); }
};

} // namespace

bool SoftAuthenticator::exists(const std::filesystem::path& dir) {
    std::error_code ec;
    return std::filesystem::is_regular_file(dir / kStateFile, ec);
}

Result<void> SoftAuthenticator::create(const std::filesystem::path& dir,
                                       const SoftAuthenticatorOptions& options) {
    if (exists(dir))
        return makeError(ErrorCode::AlreadyExists,
                         "there is already a software authenticator in " + dir.string());
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || ::chmod(dir.c_str(), 0700) != 0)
        return makeError(ErrorCode::Io, "cannot create a private directory " + dir.string());
    SoftAuthenticator fresh;
    fresh.m_dir = dir;
    fresh.m_options = options;
    fresh.m_aaguid = sha256(asBytes("cloison soft authenticator"));
    fresh.m_aaguid.resize(16);
    fresh.m_master = SecretBytes::random(32);
    return fresh.save();
}

Result<std::uint64_t> SoftAuthenticator::touches(const std::filesystem::path& dir) {
    auto loaded = load(dir);
    if (!loaded)
        return loaded.error();
    return loaded.value()->m_touches;
}

Result<void> SoftAuthenticator::configure(const std::filesystem::path& dir,
                                          const SoftAuthenticatorOptions& options) {
    auto loaded = load(dir);
    if (!loaded)
        return loaded.error();
    loaded.value()->m_options = options;
    return loaded.value()->save();
}

Result<std::unique_ptr<SoftAuthenticator>>
SoftAuthenticator::load(const std::filesystem::path& dir) {
    std::ifstream in(dir / kStateFile, std::ios::binary);
    if (!in)
        return makeError(ErrorCode::NotFound, "no software authenticator in " + dir.string());
    Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const WipeOnExit wipeData{data};
    const Error damaged =
        makeError(ErrorCode::Corrupted,
                  "the software authenticator in " + dir.string() + " has a damaged state file");
    Cbor state = cborDecode(data);
    if (!state)
        return damaged;
    std::unique_ptr<SoftAuthenticator> self(new SoftAuthenticator);
    self->m_dir = dir;
    auto aaguid = cborAsBytes(cborFind(state.get(), "aaguid"));
    auto master = cborAsBytes(cborFind(state.get(), "master"));
    auto retries = cborAsUint(cborFind(state.get(), "pinRetries"));
    auto counter = cborAsUint(cborFind(state.get(), "signCount"));
    auto touches = cborAsUint(cborFind(state.get(), "touches"));
    auto hmac = cborAsBool(cborFind(state.get(), "hmacSecret"));
    auto presence = cborAsUint(cborFind(state.get(), "presence"));
    const cbor_item_t* credentials = cborFind(state.get(), "credentials");
    if (!aaguid || aaguid->size() != 16 || !master || master->size() != 32 || !retries ||
        *retries > kMaxPinRetries || !counter || !hmac || !presence || *presence < 1 ||
        *presence > 2 || !credentials || !cbor_isa_array(credentials))
        return damaged;
    self->m_aaguid = std::move(*aaguid);
    self->m_master = SecretBytes::copyOf(*master);
    sodium_memzero(master->data(), master->size());
    if (auto pin = cborAsBytes(cborFind(state.get(), "pinHash"))) {
        if (pin->size() != kPinHashBytes)
            return damaged;
        self->m_pinHash = SecretBytes::copyOf(*pin);
    }
    self->m_pinRetries = *retries;
    self->m_signCount = *counter;
    self->m_touches = touches.value_or(0);
    self->m_options.hmacSecret = *hmac;
    self->m_options.presence = static_cast<SoftPresence>(*presence);
    for (std::size_t i = 0; i < cbor_array_size(credentials); ++i) {
        cbor_item_t* entry = cbor_array_get(credentials, i);
        Cbor hold(entry);
        auto id = cborAsBytes(cborFind(entry, "id"));
        auto rp = cborAsBytes(cborFind(entry, "rpIdHash"));
        auto key = cborAsBytes(cborFind(entry, "key"));
        auto protect = cborAsUint(cborFind(entry, "credProtect"));
        if (!id || !rp || !key || !protect)
            return damaged;
        self->m_credentials.push_back(
            {std::move(*id), std::move(*rp), SecretBytes::copyOf(*key), *protect});
        sodium_memzero(key->data(), key->size());
    }
    auto agreement = generateP256();
    if (!agreement)
        return agreement.error();
    self->m_keyAgreement = std::move(agreement.value());
    self->m_pinToken = SecretBytes::random(32);
    return self;
}

Result<void> SoftAuthenticator::save() const {
    Cbor state = cborMap(10);
    cborPut(state.get(), cborText("label"), cborText(kLabel));
    cborPut(state.get(), cborText("aaguid"), cborBytes(m_aaguid));
    cborPut(state.get(), cborText("master"), cborBytes(m_master.view()));
    if (!m_pinHash.empty())
        cborPut(state.get(), cborText("pinHash"), cborBytes(m_pinHash.view()));
    cborPut(state.get(), cborText("pinRetries"), cborUint(m_pinRetries));
    cborPut(state.get(), cborText("signCount"), cborUint(m_signCount));
    cborPut(state.get(), cborText("touches"), cborUint(m_touches));
    cborPut(state.get(), cborText("hmacSecret"), cborBool(m_options.hmacSecret));
    cborPut(state.get(), cborText("presence"),
            cborUint(static_cast<std::uint64_t>(m_options.presence)));
    Cbor list = cborArray(m_credentials.size());
    for (const Credential& credential : m_credentials) {
        Cbor entry = cborMap(4);
        cborPut(entry.get(), cborText("id"), cborBytes(credential.id));
        cborPut(entry.get(), cborText("rpIdHash"), cborBytes(credential.rpIdHash));
        cborPut(entry.get(), cborText("key"), cborBytes(credential.keyDer.view()));
        cborPut(entry.get(), cborText("credProtect"), cborUint(credential.credProtect));
        cborPush(list.get(), std::move(entry));
    }
    cborPut(state.get(), cborText("credentials"), std::move(list));
    Bytes encoded = cborEncode(state.get());
    auto written = writeFileAtomically(m_dir / kStateFile, encoded);
    sodium_memzero(encoded.data(), encoded.size());
    return written;
}

} // namespace cloison::fido
