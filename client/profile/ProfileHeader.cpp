#include "client/profile/ProfileHeader.h"

#include "crypto/Aead.h"
#include "crypto/Hash.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace cloison {
namespace {

constexpr char kMagic[8] = {'C', 'L', 'O', 'I', 'S', 'O', 'N', 'H'};
constexpr std::size_t kPassphrasePayloadBytes =
    8 + 8 + kArgon2SaltBytes + kAeadOverheadBytes + kKeyBytes;
constexpr std::size_t kMaxCredentialIdBytes = 1024;

void putU16(Bytes& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
}

void putU64(Bytes& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void putBytes(Bytes& out, ByteView bytes) {
    out.insert(out.end(), bytes.begin(), bytes.end());
}

class Reader {
public:
    explicit Reader(ByteView data) : m_data(data) {}
    bool take(std::size_t n, ByteView& out) {
        if (m_data.size() - m_pos < n)
            return false;
        out = m_data.subspan(m_pos, n);
        m_pos += n;
        return true;
    }
    bool u8(std::uint8_t& v) {
        ByteView b;
        if (!take(1, b))
            return false;
        v = b[0];
        return true;
    }
    bool u16(std::uint16_t& v) {
        ByteView b;
        if (!take(2, b))
            return false;
        v = static_cast<std::uint16_t>(b[0] | (b[1] << 8));
        return true;
    }
    bool u64(std::uint64_t& v) {
        ByteView b;
        if (!take(8, b))
            return false;
        v = 0;
        for (int i = 7; i >= 0; --i)
            v = (v << 8) | b[static_cast<std::size_t>(i)];
        return true;
    }
    bool atEnd() const { return m_pos == m_data.size(); }

private:
    ByteView m_data;
    std::size_t m_pos = 0;
};

Error damaged(const std::string& why) {
    return makeError(ErrorCode::Corrupted, "the profile header is damaged (" + why + ")");
}

Bytes withMacAndChecksum(Bytes body, const SecretBytes& macKey) {
    putBytes(body, blake2bMac(macKey, body));
    putBytes(body, blake2b(body));
    return body;
}

constexpr KdfContext kSlotContext = {'c', 'l', 'o', 'i', 's', 'o', 'n', 's'};
constexpr std::string_view kFidoSlotLabel = "cloison/header-fido-slot/v2";
constexpr std::string_view kSlotLabel = "cloison/header-slot/v2";

std::string credentialName(ByteView credentialId) {
    return toHex(blake2b(credentialId, 6));
}

bool allZero(ByteView bytes) {
    for (std::uint8_t b : bytes)
        if (b != 0)
            return false;
    return true;
}

Bytes encodeFidoKey(const FidoKeyRecord& key) {
    Bytes out;
    out.push_back(static_cast<std::uint8_t>(key.verification));
    out.push_back(0);
    putBytes(out, key.fidoSalt);
    // Callers keep the lengths in range (enrolment and the upgrade refuse longer ones); the
    // fields keep their fixed sizes whatever they are given.
    Bytes id(ProfileHeader::kMaxCredentialIdBytes, 0);
    Bytes rp(ProfileHeader::kMaxRpIdBytes, 0);
    const std::size_t idLength = std::min(key.credentialId.size(), id.size());
    const std::size_t rpLength = std::min(key.rpId.size(), rp.size());
    std::copy_n(key.credentialId.begin(), idLength, id.begin());
    std::copy_n(key.rpId.begin(), rpLength, rp.begin());
    putU16(out, static_cast<std::uint16_t>(idLength));
    putBytes(out, id);
    out.push_back(static_cast<std::uint8_t>(rpLength));
    putBytes(out, rp);
    return out;
}

// One canonical encoding: lengths in range, padding zero.
Result<FidoKeyRecord> decodeFidoKey(ByteView record) {
    Reader reader(record);
    FidoKeyRecord key;
    std::uint8_t verification = 0, reserved = 0, rpLength = 0;
    std::uint16_t idLength = 0;
    ByteView salt, id, rp;
    if (!reader.u8(verification) || !reader.u8(reserved) || !reader.take(kFidoSaltBytes, salt) ||
        !reader.u16(idLength) || idLength == 0 || idLength > ProfileHeader::kMaxCredentialIdBytes ||
        !reader.take(ProfileHeader::kMaxCredentialIdBytes, id) || !reader.u8(rpLength) ||
        rpLength == 0 || rpLength > ProfileHeader::kMaxRpIdBytes ||
        !reader.take(ProfileHeader::kMaxRpIdBytes, rp) || !reader.atEnd())
        return damaged("a security key record has impossible lengths");
    if (verification != static_cast<std::uint8_t>(FidoVerification::Presence) &&
        verification != static_cast<std::uint8_t>(FidoVerification::Pin))
        return damaged("a security key record has an unknown verification choice");
    if (reserved != 0 || !allZero(id.subspan(idLength)) || !allZero(rp.subspan(rpLength)))
        return damaged("a security key record has nonzero padding");
    key.verification = static_cast<FidoVerification>(verification);
    key.fidoSalt.assign(salt.begin(), salt.end());
    key.credentialId.assign(id.begin(), id.begin() + idLength);
    key.rpId.assign(rp.begin(), rp.begin() + rpLength);
    return key;
}

} // namespace

std::string FidoSlot::id() const {
    return credentialName(credentialId);
}

std::string FidoKeyRecord::id() const {
    return credentialName(credentialId);
}

ProfileHeader ProfileHeader::fresh(const Argon2idParams& params) {
    ProfileHeader header;
    header.params = params;
    header.salt = randomBytes(kArgon2SaltBytes);
    header.spareFidoKeys = randomBytes(kFidoKeyCount * kFidoKeyBytes);
    for (std::size_t i = 0; i < kSlotCount; ++i)
        header.keySlots.push_back(randomBytes(kSlotBytes));
    return header;
}

Result<SecretBytes> ProfileHeader::stretch(const SecretBytes& passphrase) const {
    return deriveArgon2id(passphrase, salt, params);
}

SecretBytes ProfileHeader::slotKey(const SecretBytes& stretched, const SecretBytes* fidoSecret) {
    if (fidoSecret == nullptr)
        return deriveSubkey(stretched, kSlotContext, 1);
    return combineSecrets(stretched, *fidoSecret, asBytes(kFidoSlotLabel));
}

// The slot's position, the derivation parameters and, for a FIDO slot, its key's record: a
// seal moved to another slot, or under another record or salt, does not open.
Bytes ProfileHeader::slotBinding(std::size_t index, const FidoKeyRecord* fidoKey) const {
    Bytes out(kSlotLabel.begin(), kSlotLabel.end());
    out.push_back(static_cast<std::uint8_t>(index));
    putU64(out, params.passes);
    putU64(out, params.memoryBytes);
    putBytes(out, salt);
    if (fidoKey != nullptr)
        putBytes(out, encodeFidoKey(*fidoKey));
    return out;
}

void ProfileHeader::seal(std::size_t index, const SecretBytes& slotKey, SlotContent content,
                         const SecretBytes& key, const FidoKeyRecord* fidoKey) {
    SecretBytes plain(1 + key.size());
    plain.data()[0] = static_cast<std::uint8_t>(content);
    std::memcpy(plain.data() + 1, key.data(), key.size());
    keySlots.at(index) = aeadSeal(slotKey, plain.view(), slotBinding(index, fidoKey));
}

Result<std::pair<SlotContent, SecretBytes>>
ProfileHeader::open(std::size_t index, const SecretBytes& slotKey,
                    const FidoKeyRecord* fidoKey) const {
    auto plain = aeadOpenSecret(slotKey, keySlots.at(index), slotBinding(index, fidoKey));
    if (!plain)
        return plain.error();
    if (plain.value().size() != 1 + kKeyBytes)
        return damaged("a key slot holds something this build does not know");
    const std::uint8_t content = plain.value().data()[0];
    if (content != static_cast<std::uint8_t>(SlotContent::ProfileKey) &&
        content != static_cast<std::uint8_t>(SlotContent::DuressKey))
        return damaged("a key slot holds something this build does not know");
    return std::pair<SlotContent, SecretBytes>(
        static_cast<SlotContent>(content), SecretBytes::copyOf(plain.value().view().subspan(1)));
}

void ProfileHeader::clear(std::size_t index) {
    keySlots.at(index) = randomBytes(kSlotBytes);
}

const FidoKeyRecord& ProfileHeader::addFidoKey(FidoKeyRecord key) {
    spareFidoKeys.erase(spareFidoKeys.begin(),
                        spareFidoKeys.begin() + static_cast<std::ptrdiff_t>(kFidoKeyBytes));
    fidoKeys.push_back(std::move(key));
    return fidoKeys.back();
}

void ProfileHeader::removeFidoKey(std::size_t index) {
    fidoKeys.erase(fidoKeys.begin() + static_cast<std::ptrdiff_t>(index));
    putBytes(spareFidoKeys, randomBytes(kFidoKeyBytes));
}

Bytes ProfileHeader::encodeBody() const {
    if (legacy)
        return legacy->encodeBody();
    Bytes out(kMagic, kMagic + sizeof kMagic);
    putU16(out, kFormat);
    putU16(out, 0);
    putU64(out, params.passes);
    putU64(out, params.memoryBytes);
    putBytes(out, salt);
    out.push_back(static_cast<std::uint8_t>(fidoKeys.size()));
    out.insert(out.end(), 3, 0);
    for (const FidoKeyRecord& key : fidoKeys)
        putBytes(out, encodeFidoKey(key));
    putBytes(out, spareFidoKeys);
    for (const Bytes& slot : keySlots)
        putBytes(out, slot);
    return out;
}

Bytes ProfileHeader::encode(const SecretBytes& macKey) const {
    return withMacAndChecksum(encodeBody(), macKey);
}

Bytes FidoSlot::encodeParameters() const {
    Bytes out;
    out.push_back(static_cast<std::uint8_t>(verification));
    out.push_back(0);
    putU64(out, params.passes);
    putU64(out, params.memoryBytes);
    putBytes(out, salt);
    putBytes(out, fidoSalt);
    putU16(out, static_cast<std::uint16_t>(credentialId.size()));
    putBytes(out, credentialId);
    out.push_back(static_cast<std::uint8_t>(rpId.size()));
    putBytes(out, asBytes(rpId));
    return out;
}

Bytes FidoSlot::encode() const {
    Bytes out = encodeParameters();
    putBytes(out, wrappedKey);
    return out;
}

Result<FidoSlot> FidoSlot::decode(ByteView payload) {
    Reader reader(payload);
    FidoSlot slot;
    std::uint8_t verification = 0;
    std::uint8_t reserved = 0;
    std::uint16_t idLength = 0;
    std::uint8_t rpLength = 0;
    ByteView salt, fidoSalt, id, rp, wrapped;
    if (!reader.u8(verification) || !reader.u8(reserved) || !reader.u64(slot.params.passes) ||
        !reader.u64(slot.params.memoryBytes) || !reader.take(kArgon2SaltBytes, salt) ||
        !reader.take(kFidoSaltBytes, fidoSalt) || !reader.u16(idLength) ||
        idLength > kMaxCredentialIdBytes || idLength == 0 || !reader.take(idLength, id) ||
        !reader.u8(rpLength) || rpLength == 0 || !reader.take(rpLength, rp) ||
        !reader.take(kAeadOverheadBytes + kKeyBytes, wrapped) || !reader.atEnd())
        return damaged("a FIDO slot is truncated or has the wrong size");
    if (verification != static_cast<std::uint8_t>(FidoVerification::Presence) &&
        verification != static_cast<std::uint8_t>(FidoVerification::Pin))
        return damaged("a FIDO slot has an unknown verification choice");
    if (reserved != 0 || !validateArgon2idParams(slot.params))
        return damaged("a FIDO slot has impossible key-derivation parameters");
    slot.verification = static_cast<FidoVerification>(verification);
    slot.salt.assign(salt.begin(), salt.end());
    slot.fidoSalt.assign(fidoSalt.begin(), fidoSalt.end());
    slot.credentialId.assign(id.begin(), id.end());
    slot.rpId.assign(rp.begin(), rp.end());
    slot.wrappedKey.assign(wrapped.begin(), wrapped.end());
    return slot;
}

Bytes LegacyProfileHeader::fidoSlotBinding() {
    Bytes out(kMagic, kMagic + sizeof kMagic);
    putU16(out, kFormat);
    out.push_back(static_cast<std::uint8_t>(SlotKind::Fido));
    return out;
}

Bytes LegacyProfileHeader::slotBinding(const PassphraseSlot& slot) {
    Bytes out(kMagic, kMagic + sizeof kMagic);
    putU16(out, kFormat);
    out.push_back(static_cast<std::uint8_t>(SlotKind::Passphrase));
    putU64(out, slot.params.passes);
    putU64(out, slot.params.memoryBytes);
    putBytes(out, slot.salt);
    return out;
}

Bytes LegacyProfileHeader::encodeBody() const {
    Bytes out(kMagic, kMagic + sizeof kMagic);
    putU16(out, kFormat);
    putU16(out, static_cast<std::uint16_t>(passphraseSlots.size() + fidoSlots.size()));
    for (const PassphraseSlot& slot : passphraseSlots) {
        out.push_back(static_cast<std::uint8_t>(SlotKind::Passphrase));
        out.push_back(0);
        putU16(out, static_cast<std::uint16_t>(kPassphrasePayloadBytes));
        putU64(out, slot.params.passes);
        putU64(out, slot.params.memoryBytes);
        putBytes(out, slot.salt);
        putBytes(out, slot.wrappedKey);
    }
    for (const FidoSlot& slot : fidoSlots) {
        const Bytes payload = slot.encode();
        out.push_back(static_cast<std::uint8_t>(SlotKind::Fido));
        out.push_back(0);
        putU16(out, static_cast<std::uint16_t>(payload.size()));
        putBytes(out, payload);
    }
    return out;
}

Bytes LegacyProfileHeader::encode(const SecretBytes& macKey) const {
    return withMacAndChecksum(encodeBody(), macKey);
}

Result<LegacyProfileHeader> LegacyProfileHeader::decodeBody(ByteView body) {
    Reader reader(body);
    ByteView magic;
    std::uint16_t format = 0;
    std::uint16_t slotCount = 0;
    if (!reader.take(sizeof kMagic, magic) || !reader.u16(format) || !reader.u16(slotCount) ||
        format != kFormat)
        return damaged("it is truncated");
    LegacyProfileHeader legacy;
    for (std::uint16_t i = 0; i < slotCount; ++i) {
        std::uint8_t kind = 0;
        std::uint8_t reserved = 0;
        std::uint16_t length = 0;
        ByteView payload;
        if (!reader.u8(kind) || !reader.u8(reserved) || !reader.u16(length) ||
            !reader.take(length, payload))
            return damaged("a key slot is truncated");
        // One canonical encoding: what decodes re-encodes to the same bytes.
        if (reserved != 0)
            return damaged("a key slot has a nonzero reserved byte");
        if (kind == static_cast<std::uint8_t>(SlotKind::Fido)) {
            auto slot = FidoSlot::decode(payload);
            if (!slot)
                return slot.error();
            legacy.fidoSlots.push_back(std::move(slot.value()));
            continue;
        }
        if (kind == static_cast<std::uint8_t>(SlotKind::Passphrase) && !legacy.fidoSlots.empty())
            return damaged("a passphrase slot follows a FIDO slot");
        if (kind != static_cast<std::uint8_t>(SlotKind::Passphrase))
            return makeError(ErrorCode::SchemaTooNew,
                             "the profile has a key slot of a kind this build does not know; "
                             "update Cloison to open it");
        if (length != kPassphrasePayloadBytes)
            return damaged("a passphrase slot has the wrong size");
        Reader slotReader(payload);
        PassphraseSlot slot;
        ByteView salt;
        ByteView wrapped;
        if (!slotReader.u64(slot.params.passes) || !slotReader.u64(slot.params.memoryBytes) ||
            !slotReader.take(kArgon2SaltBytes, salt) ||
            !slotReader.take(kAeadOverheadBytes + kKeyBytes, wrapped))
            return damaged("a passphrase slot is truncated");
        if (!validateArgon2idParams(slot.params))
            return damaged("a passphrase slot has impossible key-derivation parameters");
        slot.salt.assign(salt.begin(), salt.end());
        slot.wrappedKey.assign(wrapped.begin(), wrapped.end());
        legacy.passphraseSlots.push_back(std::move(slot));
    }
    if (!reader.atEnd())
        return damaged("unexpected trailing data");
    if (legacy.passphraseSlots.empty() && legacy.fidoSlots.empty())
        return damaged("it has no key slot");
    return legacy;
}

Result<ProfileHeader> ProfileHeader::decode(ByteView file) {
    if (file.size() > kMaxBytes)
        return damaged("it is larger than any header Cloison writes");
    if (file.size() < sizeof kMagic + 4 + 2 * kHashBytes)
        return damaged("it is truncated");
    const ByteView covered = file.first(file.size() - kHashBytes);
    if (!equalConstantTime(blake2b(covered), file.last(kHashBytes)))
        return damaged("checksum mismatch");
    const ByteView body = covered.first(covered.size() - kHashBytes);
    ProfileHeader header;
    header.mac.assign(covered.end() - static_cast<std::ptrdiff_t>(kHashBytes), covered.end());
    header.body.assign(body.begin(), body.end());

    Reader reader(body);
    ByteView magic;
    std::uint16_t format = 0;
    std::uint16_t reserved = 0;
    if (!reader.take(sizeof kMagic, magic) || std::memcmp(magic.data(), kMagic, sizeof kMagic))
        return damaged("not a Cloison profile header");
    if (!reader.u16(format) || !reader.u16(reserved))
        return damaged("it is truncated");
    if (format > kFormat)
        return makeError(ErrorCode::SchemaTooNew,
                         "the profile was written by a newer Cloison; update Cloison to open it");
    if (format == 0)
        return damaged("it has format 0, which no Cloison writes");
    if (format == LegacyProfileHeader::kFormat) {
        auto legacy = LegacyProfileHeader::decodeBody(body);
        if (!legacy)
            return legacy.error();
        header.legacy = std::move(legacy.value());
        return header;
    }
    if (file.size() != kBytes)
        return damaged("it has the wrong size");
    std::uint8_t keyCount = 0;
    ByteView salt, padding, records, slots;
    if (!reader.u64(header.params.passes) || !reader.u64(header.params.memoryBytes) ||
        !reader.take(kArgon2SaltBytes, salt) || !reader.u8(keyCount) || !reader.take(3, padding) ||
        !reader.take(kFidoKeyCount * kFidoKeyBytes, records) ||
        !reader.take(kSlotCount * kSlotBytes, slots) || !reader.atEnd())
        return damaged("it is truncated");
    if (reserved != 0 || !allZero(padding))
        return damaged("a reserved field is not zero");
    if (!validateArgon2idParams(header.params))
        return damaged("it has impossible key-derivation parameters");
    if (keyCount > kFidoKeyCount)
        return damaged("it counts more security keys than it has room for");
    header.salt.assign(salt.begin(), salt.end());
    for (std::size_t i = 0; i < keyCount; ++i) {
        auto key = decodeFidoKey(records.subspan(i * kFidoKeyBytes, kFidoKeyBytes));
        if (!key)
            return key.error();
        header.fidoKeys.push_back(std::move(key.value()));
    }
    const ByteView spare = records.subspan(keyCount * kFidoKeyBytes);
    header.spareFidoKeys.assign(spare.begin(), spare.end());
    for (std::size_t i = 0; i < kSlotCount; ++i) {
        const ByteView slot = slots.subspan(i * kSlotBytes, kSlotBytes);
        header.keySlots.emplace_back(slot.begin(), slot.end());
    }
    return header;
}

bool ProfileHeader::macMatches(const SecretBytes& macKey) const {
    return equalConstantTime(blake2bMac(macKey, body), mac);
}

Result<ProfileHeader> readProfileHeader(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return makeError(ErrorCode::NotFound,
                             "no Cloison profile at " + path.parent_path().string());
        return makeError(ErrorCode::Io,
                         "cannot read " + path.string() + ": " + std::strerror(errno));
    }
    Bytes data;
    std::uint8_t buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        data.insert(data.end(), buffer, buffer + n);
        if (data.size() > ProfileHeader::kMaxBytes)
            break;
    }
    ::close(fd);
    return ProfileHeader::decode(data);
}

} // namespace cloison
