#include "client/provisioning/Documents.h"

#include "client/linkguard/Blocklist.h"
#include "client/profile/Profile.h"
#include "crypto/Hash.h"
#include "crypto/Signing.h"
#include "crypto/Sodium.h"
#include "crypto/TlsPin.h"
#include "storage/SettingsRepository.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>

namespace cloison::provisioning {
namespace {

constexpr std::string_view kSealedMagic = "cloison-sealed-invite 1\n";
constexpr std::size_t kMinPasswordBytes = 8;
constexpr std::size_t kMaxPasswordBytes = 256;
constexpr std::size_t kMaxNameBytes = 64;

bool isPrintableAscii(ByteView bytes) {
    return std::all_of(bytes.begin(), bytes.end(),
                       [](std::uint8_t c) { return c > 0x20 && c < 0x7f; });
}

bool hasControl(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

bool isDisplayName(std::string_view name) {
    return !name.empty() && name.size() <= kMaxNameBytes && !hasControl(name) &&
           name.front() != ' ' && name.back() != ' ';
}

bool isColour(std::string_view colour) {
    if (colour.empty())
        return true;
    if (colour.size() != 7 || colour[0] != '#')
        return false;
    return std::all_of(colour.begin() + 1, colour.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool isHost(std::string_view host) {
    if (host.empty() || host.size() > 253)
        return false;
    return std::all_of(host.begin(), host.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '-' || c == ':';
    });
}

// "a,b,c": trusted domains, document types.
std::string joinDomains(const std::vector<std::string>& domains) {
    std::string out;
    for (const std::string& domain : domains) {
        if (!out.empty())
            out += ',';
        out += domain;
    }
    return out;
}

Result<std::uint64_t> readNumber(FieldReader& reader, std::string_view key, std::uint64_t max) {
    auto text = reader.next(key);
    if (!text)
        return text.error();
    std::uint64_t value = 0;
    if (!parseCanonicalDecimal(text.value(), max, value))
        return reader.malformed("field '" + std::string(key) + "' is not a number in range");
    return value;
}

Result<Bytes> readKey(FieldReader& reader, std::string_view key, std::size_t size) {
    auto text = reader.next(key);
    if (!text)
        return text.error();
    auto decoded = decodeKey(text.value(), size);
    if (!decoded)
        return reader.malformed("field '" + std::string(key) + "': " + decoded.error().message);
    return decoded;
}

Result<std::string> readId(FieldReader& reader, std::string_view key) {
    auto text = reader.next(key);
    if (!text)
        return text.error();
    if (!isRandomId(text.value()))
        return reader.malformed("field '" + std::string(key) + "' is not a 32-hex-digit id");
    return std::string(text.value());
}

Result<std::string> readJid(FieldReader& reader, std::string_view key) {
    auto text = reader.next(key);
    if (!text)
        return text.error();
    if (!isBareJid(text.value()))
        return reader.malformed("field '" + std::string(key) + "' is not a bare JID");
    return std::string(text.value());
}

// A whole document in guarded memory, for the invite that carries a password.
SecretBytes concatSecret(std::initializer_list<ByteView> parts) {
    std::size_t size = 0;
    for (ByteView part : parts)
        size += part.size();
    SecretBytes out(size);
    std::size_t at = 0;
    for (ByteView part : parts) {
        if (!part.empty())
            std::memcpy(out.data() + at, part.data(), part.size());
        at += part.size();
    }
    return out;
}

std::string_view asText(const SecretBytes& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// "JID ID IDENTITY" or, with the device's log key, "JID ID IDENTITY LOG-KEY".
std::string deviceValue(const RosterDevice& device) {
    std::string out =
        device.account + " " + std::to_string(device.deviceId) + " " + toBase64(device.identityKey);
    if (!device.logKey.empty())
        out += " " + toBase64(device.logKey);
    return out;
}

Result<RosterDevice> readDevice(FieldReader& reader, std::string_view key) {
    auto text = reader.next(key);
    if (!text)
        return text.error();
    const std::string_view value = text.value();
    const std::size_t first = value.find(' ');
    const std::size_t second = first == std::string_view::npos ? first : value.find(' ', first + 1);
    std::uint64_t id = 0;
    if (second == std::string_view::npos || !isBareJid(value.substr(0, first)) ||
        !parseCanonicalDecimal(value.substr(first + 1, second - first - 1), 0x7fffffff, id) ||
        id == 0)
        return reader.malformed("a device must be 'JID ID IDENTITY [LOG-KEY]'");
    const std::size_t third = value.find(' ', second + 1);
    auto identity =
        decodeKey(value.substr(second + 1, third == std::string_view::npos ? std::string_view::npos
                                                                           : third - second - 1),
                  kOmemoIdentityKeyBytes);
    if (!identity)
        return reader.malformed("a device's identity key: " + identity.error().message);
    Bytes logKey;
    if (third != std::string_view::npos) {
        auto decoded = decodeKey(value.substr(third + 1), kSigningPublicKeyBytes);
        if (!decoded)
            return reader.malformed("a device's log key: " + decoded.error().message);
        logKey = std::move(decoded.value());
    }
    return RosterDevice{std::string(value.substr(0, first)), static_cast<std::uint32_t>(id),
                        std::move(identity.value()), std::move(logKey)};
}

Result<void> validateDevice(const RosterDevice& device) {
    if (!isBareJid(device.account) || device.deviceId == 0 || device.deviceId > 0x7fffffff ||
        device.identityKey.size() != kOmemoIdentityKeyBytes ||
        (!device.logKey.empty() && device.logKey.size() != kSigningPublicKeyBytes))
        return makeError(ErrorCode::InvalidArgument,
                         "a device needs a bare JID, an id from 1 to 2^31-1, a 33-byte "
                         "identity key and, if any, a 32-byte log key");
    return {};
}

Result<void> validateDecoy(const DecoyContent& decoy) {
    auto bad = [](const std::string& what) {
        return makeError(ErrorCode::InvalidArgument, "a decoy's content: " + what);
    };
    if (decoy.history.size() > kMaxDecoyMessages)
        return bad("at most 200 messages");
    for (const DecoyMessage& m : decoy.history) {
        if (!isBareJid(m.conversation) || !isBareJid(m.sender) || m.sentAtMs < 0 ||
            m.body.empty() || m.body.size() > kMaxDecoyMessageBytes)
            return bad("a message needs a peer, a sender, a time and 1 to 768 bytes of text");
    }
    if (!isDisplayName(decoy.documentName) || decoy.documentName.find('/') != std::string::npos ||
        decoy.document.empty() || decoy.document.size() > kMaxDecoyDocumentBytes ||
        !isBareJid(decoy.documentFrom) || decoy.documentAtMs < 0)
        return bad("the document needs a file name, a sender, a time and 1 byte to 16 KiB");
    return {};
}

// Base64 values of at most kMaxValueBytes: 768 bytes of input each.
constexpr std::size_t kChunkBytes = kMaxValueBytes / 4 * 3;

void writeDecoy(SignedTextWriter& writer, const DecoyContent& decoy) {
    writer.add("decoy", "yes");
    for (const DecoyMessage& m : decoy.history)
        writer.add("message-at", std::to_string(m.sentAtMs))
            .add("message-in", m.conversation)
            .add("message-from", m.sender)
            .add("message-text", toBase64(asBytes(m.body)));
    writer.add("document-name", decoy.documentName)
        .add("document-from", decoy.documentFrom)
        .add("document-at", std::to_string(decoy.documentAtMs));
    for (std::size_t at = 0; at < decoy.document.size(); at += kChunkBytes)
        writer.add("document-data",
                   toBase64(asBytes(std::string_view(decoy.document).substr(at, kChunkBytes))));
}

Result<std::string> readBase64Text(FieldReader& reader, std::string_view key) {
    auto text = reader.next(key);
    if (!text)
        return text.error();
    auto decoded = fromBase64(text.value());
    if (!decoded)
        return reader.malformed("field '" + std::string(key) + "' is not base64");
    return std::string(decoded.value().begin(), decoded.value().end());
}

Result<DecoyContent> readDecoy(FieldReader& reader) {
    auto flag = reader.next("decoy");
    if (!flag)
        return flag.error();
    if (flag.value() != "yes")
        return reader.malformed("decoy must be yes");
    DecoyContent out;
    while (reader.at("message-at")) {
        DecoyMessage m;
        auto at = readNumber(reader, "message-at", INT64_MAX);
        if (!at)
            return at.error();
        m.sentAtMs = static_cast<std::int64_t>(at.value());
        auto in = readJid(reader, "message-in");
        auto from = in ? readJid(reader, "message-from") : in;
        auto body = from ? readBase64Text(reader, "message-text") : from;
        if (!body)
            return body.error();
        m.conversation = std::move(in.value());
        m.sender = std::move(from.value());
        m.body = std::move(body.value());
        out.history.push_back(std::move(m));
    }
    auto name = reader.next("document-name");
    if (!name)
        return name.error();
    out.documentName = std::string(name.value());
    auto from = readJid(reader, "document-from");
    if (!from)
        return from.error();
    out.documentFrom = std::move(from.value());
    auto at = readNumber(reader, "document-at", INT64_MAX);
    if (!at)
        return at.error();
    out.documentAtMs = static_cast<std::int64_t>(at.value());
    while (reader.at("document-data")) {
        auto chunk = readBase64Text(reader, "document-data");
        if (!chunk)
            return chunk.error();
        out.document += chunk.value();
    }
    if (auto valid = validateDecoy(out); !valid)
        return reader.malformed(valid.error().message);
    return out;
}

// "padding 000...\n" lines adding up to exactly `bytes` (0, or at least 10).
std::string paddingLines(std::size_t bytes) {
    constexpr std::size_t kLineOverhead = 9; // "padding " and "\n"
    std::string out;
    while (bytes > 0) {
        std::size_t value = std::min(kMaxValueBytes, bytes - kLineOverhead);
        const std::size_t left = bytes - kLineOverhead - value;
        if (left > 0 && left < kLineOverhead + 1)
            value -= kLineOverhead + 1; // leave room for one more line of at least one byte
        out.append("padding ").append(value, '0').append("\n");
        bytes -= kLineOverhead + value;
    }
    return out;
}

} // namespace

bool isBareJid(std::string_view jid) {
    const std::size_t at = jid.find('@');
    if (jid.size() > 256 || at == 0 || at == std::string_view::npos || at + 1 == jid.size() ||
        jid.find('@', at + 1) != std::string_view::npos)
        return false;
    return std::none_of(jid.begin(), jid.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f || c == '/' || c == '"' || c == '\'' || c == '<' ||
               c == '>' || c == '&';
    });
}

bool fingerprintMatches(std::string_view given, ByteView publicKey) {
    std::string compact;
    for (char c : given) {
        if (c == ' ' || c == ':')
            continue;
        compact += (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    std::string expected = keyFingerprint(publicKey);
    expected.erase(std::remove(expected.begin(), expected.end(), ' '), expected.end());
    return !compact.empty() && equalConstantTime(asBytes(compact), asBytes(expected));
}

// ---- Member keys

Result<MemberKeys> MemberKeys::load(storage::Vault& profileVault) {
    storage::SettingsRepository settings(profileVault);
    auto box = settings.getSecret(kBoxSecretKey);
    if (!box)
        return box.error();
    auto signing = settings.getSecret(kSigningSecretKey);
    if (!signing)
        return signing.error();
    if (!box.value() || !signing.value())
        return makeError(ErrorCode::NotFound,
                         "this profile has no enrolment keys yet: run 'enroll-request' first");
    if (box.value()->size() != crypto_box_SECRETKEYBYTES)
        return makeError(ErrorCode::Corrupted, "the profile's enrolment key is damaged");
    Bytes boxPublic(crypto_box_PUBLICKEYBYTES);
    crypto_scalarmult_base(boxPublic.data(), box.value()->data());
    auto key = SigningKey::fromSecretKey(std::move(*signing.value()));
    if (!key)
        return makeError(ErrorCode::Corrupted, "the profile's enrolment signing key is damaged");
    return MemberKeys(std::move(*box.value()), std::move(boxPublic), std::move(key.value()));
}

Result<MemberKeys> MemberKeys::loadOrCreate(storage::Vault& profileVault) {
    auto loaded = load(profileVault);
    if (loaded || loaded.error().code != ErrorCode::NotFound)
        return loaded;
    ensureSodium();
    SecretBytes boxSecret(crypto_box_SECRETKEYBYTES);
    Bytes boxPublic(crypto_box_PUBLICKEYBYTES);
    crypto_box_keypair(boxPublic.data(), boxSecret.data());
    SigningKey signing = SigningKey::generate();
    storage::SettingsRepository settings(profileVault);
    if (auto stored = settings.atomically([&]() -> Result<void> {
            if (auto put = settings.put(kBoxSecretKey, boxSecret.view()); !put)
                return put;
            return settings.put(kSigningSecretKey, signing.secretKey().view());
        });
        !stored)
        return stored.error();
    return MemberKeys(std::move(boxSecret), std::move(boxPublic), std::move(signing));
}

Result<SecretBytes> MemberKeys::openSealed(ByteView sealed) const {
    if (sealed.size() < crypto_box_SEALBYTES)
        return makeError(ErrorCode::Corrupted, "the sealed invite is truncated");
    SecretBytes plain(sealed.size() - crypto_box_SEALBYTES);
    if (crypto_box_seal_open(plain.data(), sealed.data(), sealed.size(), m_boxPublic.data(),
                             m_boxSecret.data()) != 0)
        return makeError(ErrorCode::WrongKey,
                         "this invite is not sealed to this profile's key (it is for another "
                         "member, or it was altered): refused");
    return plain;
}

// ---- Enrolment request

Result<std::string> makeEnrollRequest(const MemberKeys& keys, const std::string& name) {
    if (!isDisplayName(name))
        return makeError(ErrorCode::InvalidArgument,
                         "a display name has 1 to 64 bytes, no control characters");
    auto body = SignedTextWriter("enroll-request")
                    .add("name", name)
                    .add("box-key", toBase64(keys.boxPublicKey()))
                    .add("signing-key", toBase64(keys.signingKey().publicKey()))
                    .body();
    if (!body)
        return body.error();
    return appendSignature(body.value(), keys.signingKey());
}

Result<EnrollRequest> parseEnrollRequest(std::string_view document) {
    auto text = splitSignedText(document, "enroll-request", 16 * 1024);
    if (!text)
        return text.error();
    FieldReader reader(text.value(), "enrolment request");
    EnrollRequest out;
    auto name = reader.next("name");
    if (!name)
        return name.error();
    if (!isDisplayName(name.value()))
        return reader.malformed("the name is not 1 to 64 bytes of text");
    out.name = std::string(name.value());
    auto box = readKey(reader, "box-key", kBoxPublicKeyBytes);
    if (!box)
        return box.error();
    auto signing = readKey(reader, "signing-key", kSigningPublicKeyBytes);
    if (!signing)
        return signing.error();
    if (auto done = reader.finish(); !done)
        return done.error();
    if (auto verified = text.value().verify(signing.value(), "enrolment request"); !verified)
        return verified.error();
    out.boxKey = std::move(box.value());
    out.signingKey = std::move(signing.value());
    return out;
}

// ---- Compartment definition

Result<void> validateDefinition(const CompartmentDefinition& d) {
    auto bad = [](const std::string& what) {
        return makeError(ErrorCode::InvalidArgument, what);
    };
    if (!isRandomId(d.id))
        return bad("the compartment id must be 32 lowercase hex digits");
    if (auto name = Profile::validateCompartmentName(d.name); !name)
        return name;
    if (d.name.front() == ' ' || d.name.back() == ' ')
        return bad("a compartment name must not start or end with a space");
    if (!isHost(d.host) || d.port == 0)
        return bad("the server must be HOST[:PORT] with a host name or address");
    if (auto pin = normalisePin(d.pin); !pin || pin.value() != d.pin)
        return bad("the server pin must be 64 lowercase hex digits (SHA-256 of its public key)");
    if (!d.room.empty() && !isBareJid(d.room))
        return bad("the room must be a bare JID");
    if (!d.rosterOwner.empty() && !isBareJid(d.rosterOwner))
        return bad("the roster owner must be a bare JID");
    if (d.retentionDays > kMaxRetentionDays)
        return bad("retention is at most 36500 days (0 keeps messages)");
    if (!isColour(d.colour))
        return bad("the colour must be #rrggbb in lowercase hex");
    if (d.label.size() > kMaxNameBytes || hasControl(d.label) ||
        (!d.label.empty() && (d.label.front() == ' ' || d.label.back() == ' ')))
        return bad("the label has at most 64 bytes of text");
    if (d.maxDocumentBytes > kMaxSharedDocumentBytes)
        return bad("the largest document is at most 1 TiB");
    if (d.documentTypes.size() > kMaxDocumentTypes)
        return bad("at most 100 document types");
    for (const std::string& type : d.documentTypes) {
        if (type.empty() || type.size() > 16 ||
            type.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789") != std::string::npos)
            return bad("a document type is a file extension of lowercase letters and digits, "
                       "such as pdf");
    }
    if (d.trustedDomains.size() > kMaxTrustedDomains)
        return bad("at most 100 trusted domains");
    for (const std::string& domain : d.trustedDomains) {
        if (!linkguard::isCanonicalDomain(domain))
            return bad("a trusted domain must be a lowercase ASCII domain name (IDNs in "
                       "punycode)");
    }
    return {};
}

void writeDefinition(SignedTextWriter& writer, const CompartmentDefinition& d) {
    writer.add("compartment-id", d.id)
        .add("compartment", d.name)
        .add("server", d.host)
        .add("port", std::to_string(d.port))
        .add("pin", d.pin)
        .add("room", d.room)
        .add("trust", xmpp::trustModeName(d.trust))
        .add("retention-days", std::to_string(d.retentionDays))
        .add("colour", d.colour)
        .add("label", d.label)
        .add("trusted-domains", joinDomains(d.trustedDomains))
        .add("sealed", d.sealed ? "yes" : "no");
    if (!d.rosterOwner.empty())
        writer.add("roster-owner", d.rosterOwner);
    if (d.maxDocumentBytes != 0)
        writer.add("max-document-bytes", std::to_string(d.maxDocumentBytes));
    if (!d.documentTypes.empty())
        writer.add("document-types", joinDomains(d.documentTypes));
}

Result<CompartmentDefinition> readDefinition(FieldReader& reader) {
    CompartmentDefinition d;
    auto id = readId(reader, "compartment-id");
    if (!id)
        return id.error();
    d.id = std::move(id.value());
    auto name = reader.next("compartment");
    auto host = name ? reader.next("server") : Result<std::string_view>(name.error());
    if (!host)
        return host.error();
    d.name = std::string(name.value());
    d.host = std::string(host.value());
    auto port = readNumber(reader, "port", 65535);
    if (!port)
        return port.error();
    d.port = static_cast<std::uint16_t>(port.value());
    auto pin = reader.next("pin");
    auto room = pin ? reader.next("room") : Result<std::string_view>(pin.error());
    auto trust = room ? reader.next("trust") : Result<std::string_view>(room.error());
    if (!trust)
        return trust.error();
    d.pin = std::string(pin.value());
    d.room = std::string(room.value());
    auto mode = xmpp::parseTrustMode(trust.value());
    if (!mode)
        return reader.malformed("trust must be strict, manual or blind");
    d.trust = *mode;
    auto retention = readNumber(reader, "retention-days", kMaxRetentionDays);
    if (!retention)
        return retention.error();
    d.retentionDays = static_cast<std::uint32_t>(retention.value());
    auto colour = reader.next("colour");
    auto label = colour ? reader.next("label") : Result<std::string_view>(colour.error());
    auto domains = label ? reader.next("trusted-domains") : Result<std::string_view>(label.error());
    auto sealed = domains ? reader.next("sealed") : Result<std::string_view>(domains.error());
    if (!sealed)
        return sealed.error();
    d.colour = std::string(colour.value());
    d.label = std::string(label.value());
    for (std::size_t pos = 0; pos < domains.value().size();) {
        std::size_t end = domains.value().find(',', pos);
        if (end == std::string_view::npos)
            end = domains.value().size();
        d.trustedDomains.emplace_back(domains.value().substr(pos, end - pos));
        pos = end + 1;
        if (end + 1 == domains.value().size())
            d.trustedDomains.emplace_back(); // a trailing comma: an empty domain, refused below
    }
    if (sealed.value() != "yes" && sealed.value() != "no")
        return reader.malformed("sealed must be yes or no");
    d.sealed = sealed.value() == "yes";
    if (reader.at("roster-owner")) {
        auto owner = readJid(reader, "roster-owner");
        if (!owner)
            return owner.error();
        d.rosterOwner = std::move(owner.value());
    }
    if (reader.at("max-document-bytes")) {
        auto max = readNumber(reader, "max-document-bytes", kMaxSharedDocumentBytes);
        if (!max)
            return max.error();
        if (max.value() == 0)
            return reader.malformed("max-document-bytes is written only when set");
        d.maxDocumentBytes = max.value();
    }
    if (reader.at("document-types")) {
        auto types = reader.next("document-types");
        if (!types)
            return types.error();
        for (std::size_t pos = 0; pos <= types.value().size();) {
            const std::size_t end = std::min(types.value().find(',', pos), types.value().size());
            d.documentTypes.emplace_back(types.value().substr(pos, end - pos)); // empty: refused
            pos = end + 1;
        }
    }
    if (auto valid = validateDefinition(d); !valid)
        return reader.malformed(valid.error().message);
    return d;
}

// ---- Invite

Result<std::string> sealInvite(const Invite& invite, const SigningKey& orgKey) {
    if (invite.recipient.size() != kBoxPublicKeyBytes)
        return makeError(ErrorCode::InvalidArgument, "the recipient's key must be 32 bytes");
    if (!isRandomId(invite.inviteId))
        return makeError(ErrorCode::InvalidArgument, "the invite id must be 32 hex digits");
    if (auto valid = validateDefinition(invite.compartment); !valid)
        return valid.error();
    if (!isDisplayName(invite.memberName))
        return makeError(ErrorCode::InvalidArgument, "the member name is not 1 to 64 bytes");
    if (!isBareJid(invite.account))
        return makeError(ErrorCode::InvalidArgument, "the account must be a bare JID");
    if (invite.password.size() < kMinPasswordBytes || invite.password.size() > kMaxPasswordBytes ||
        !isPrintableAscii(invite.password.view()))
        return makeError(ErrorCode::InvalidArgument,
                         "the account password must be 8 to 256 printable ASCII characters "
                         "without spaces");
    if (invite.issuedAt < 0)
        return makeError(ErrorCode::InvalidArgument, "the issue time is before 1970");
    if (invite.expiresAt != 0 && invite.expiresAt <= invite.issuedAt)
        return makeError(ErrorCode::InvalidArgument, "an invite expires after it is issued");
    SignedTextWriter writer("invite");
    writer.add("org-key", toBase64(orgKey.publicKey()))
        .add("recipient", toBase64(invite.recipient))
        .add("invite-id", invite.inviteId)
        .add("issued-at", std::to_string(invite.issuedAt));
    if (invite.expiresAt != 0)
        writer.add("expires-at", std::to_string(invite.expiresAt));
    writer.add("member", invite.memberName);
    writeDefinition(writer, invite.compartment);
    writer.add("account", invite.account);
    auto prefix = writer.body();
    if (!prefix)
        return prefix.error();
    // After the password: the decoy's content (its own writer checks each field; its magic line
    // is not part of this document), then padding up to the one size every invite has.
    SignedTextWriter tailWriter("invite");
    if (invite.decoy) {
        if (auto valid = validateDecoy(*invite.decoy); !valid)
            return valid.error();
        writeDecoy(tailWriter, *invite.decoy);
    }
    auto tail = tailWriter.body();
    if (!tail)
        return tail.error();
    tail.value().erase(0, tail.value().find('\n') + 1);
    constexpr std::size_t kSignatureLineBytes = 10 + 88 + 1; // "signature " BASE64(64) "\n"
    const std::size_t used = prefix.value().size() + std::string_view("password \n").size() +
                             invite.password.size() + tail.value().size() + kSignatureLineBytes;
    if (used + 10 > kPaddedInviteBytes)
        return makeError(ErrorCode::InvalidArgument,
                         "the invite's content does not fit in an invite (40 KiB)");
    tail.value() += paddingLines(kPaddedInviteBytes - used);
    // The password is in the middle; the body holding it exists only in guarded memory.
    const SecretBytes body =
        concatSecret({asBytes(prefix.value()), asBytes("password "), invite.password.view(),
                      asBytes("\n"), asBytes(tail.value())});
    const std::string signature = "signature " + toBase64(orgKey.sign(body.view())) + "\n";
    const SecretBytes document = concatSecret({body.view(), asBytes(signature)});
    Bytes sealed(document.size() + crypto_box_SEALBYTES);
    if (crypto_box_seal(sealed.data(), document.data(), document.size(), invite.recipient.data()) !=
        0)
        return makeError(ErrorCode::Crypto, "sealing the invite failed");
    std::string file(kSealedMagic);
    file.append(toBase64(sealed)).append("\n");
    return file;
}

Result<Invite> openInvite(std::string_view file, const MemberKeys& keys) {
    if (file.size() > kMaxSealedInviteBytes)
        return makeError(ErrorCode::InvalidArgument,
                         "the invite is larger than 64 KiB: refused unread");
    if (!file.starts_with(kSealedMagic))
        return makeError(ErrorCode::InvalidArgument,
                         "not a Cloison invite (it must start with 'cloison-sealed-invite 1')");
    if (!file.ends_with('\n') || file.size() == kSealedMagic.size())
        return makeError(ErrorCode::Corrupted, "the invite is truncated");
    const std::string_view encoded =
        file.substr(kSealedMagic.size(), file.size() - kSealedMagic.size() - 1);
    auto sealed = fromBase64(encoded);
    if (!sealed || toBase64(sealed.value()) != encoded)
        return makeError(ErrorCode::Corrupted, "the invite is not one line of canonical base64");
    auto plain = keys.openSealed(sealed.value());
    if (!plain)
        return plain.error();
    const SecretBytes& document = plain.value();
    auto text = splitSignedText(asText(document), "invite", kPaddedInviteBytes);
    if (!text)
        return makeError(ErrorCode::Corrupted,
                         "the sealed invite is malformed: " + text.error().message);
    FieldReader reader(text.value(), "invite");
    auto orgKey = readKey(reader, "org-key", kSigningPublicKeyBytes);
    if (!orgKey)
        return orgKey.error();
    // Nothing else is read before the signature is checked.
    if (auto verified = text.value().verify(orgKey.value(), "invite"); !verified)
        return verified.error();
    Invite out;
    out.orgKey = std::move(orgKey.value());
    auto recipient = readKey(reader, "recipient", kBoxPublicKeyBytes);
    if (!recipient)
        return recipient.error();
    if (recipient.value() != keys.boxPublicKey())
        return makeError(ErrorCode::WrongKey,
                         "this invite was signed for another member (re-sealed to this "
                         "profile): refused");
    out.recipient = std::move(recipient.value());
    auto inviteId = readId(reader, "invite-id");
    if (!inviteId)
        return inviteId.error();
    out.inviteId = std::move(inviteId.value());
    auto issuedAt = readNumber(reader, "issued-at", INT64_MAX);
    if (!issuedAt)
        return issuedAt.error();
    out.issuedAt = static_cast<std::int64_t>(issuedAt.value());
    if (reader.at("expires-at")) {
        auto expiresAt = readNumber(reader, "expires-at", INT64_MAX);
        if (!expiresAt)
            return expiresAt.error();
        if (expiresAt.value() <= issuedAt.value())
            return reader.malformed("it expires before it was issued");
        out.expiresAt = static_cast<std::int64_t>(expiresAt.value());
    }
    auto member = reader.next("member");
    if (!member)
        return member.error();
    if (!isDisplayName(member.value()))
        return reader.malformed("the member name is not 1 to 64 bytes of text");
    out.memberName = std::string(member.value());
    auto definition = readDefinition(reader);
    if (!definition)
        return definition.error();
    out.compartment = std::move(definition.value());
    auto account = readJid(reader, "account");
    if (!account)
        return account.error();
    out.account = std::move(account.value());
    auto password = reader.next("password");
    if (!password)
        return password.error();
    const ByteView passwordBytes = asBytes(password.value());
    if (passwordBytes.size() < kMinPasswordBytes || passwordBytes.size() > kMaxPasswordBytes ||
        !isPrintableAscii(passwordBytes))
        return reader.malformed("the password is not 8 to 256 printable characters");
    out.password = SecretBytes::copyOf(passwordBytes);
    if (reader.at("decoy")) {
        auto decoy = readDecoy(reader);
        if (!decoy)
            return decoy.error();
        out.decoy = std::move(decoy.value());
    }
    // Invites made before padding have none.
    while (reader.at("padding")) {
        if (auto padding = reader.next("padding"); !padding)
            return padding.error();
    }
    if (auto done = reader.finish(); !done)
        return done.error();
    return out;
}

// ---- Certification request

Result<std::string> makeCertificationRequest(const CertificationRequest& r,
                                             const SigningKey& memberKey) {
    if (!isRandomId(r.inviteId) || !isRandomId(r.compartmentId) || !isBareJid(r.account) ||
        r.deviceId == 0 || r.deviceId > 0x7fffffff ||
        r.identityKey.size() != kOmemoIdentityKeyBytes ||
        (!r.logKey.empty() && r.logKey.size() != kSigningPublicKeyBytes))
        return makeError(ErrorCode::InvalidArgument, "the certification request is incomplete");
    SignedTextWriter writer("certification-request");
    writer.add("member-key", toBase64(memberKey.publicKey()))
        .add("invite-id", r.inviteId)
        .add("compartment-id", r.compartmentId)
        .add("compartment", r.compartment)
        .add("account", r.account)
        .add("device", std::to_string(r.deviceId))
        .add("identity", toBase64(r.identityKey));
    if (!r.logKey.empty())
        writer.add("log-key", toBase64(r.logKey));
    auto body = writer.body();
    if (!body)
        return body.error();
    return appendSignature(body.value(), memberKey);
}

Result<CertificationRequest> parseCertificationRequest(std::string_view document) {
    auto text = splitSignedText(document, "certification-request", 16 * 1024);
    if (!text)
        return text.error();
    FieldReader reader(text.value(), "certification request");
    CertificationRequest out;
    auto memberKey = readKey(reader, "member-key", kSigningPublicKeyBytes);
    if (!memberKey)
        return memberKey.error();
    if (auto verified = text.value().verify(memberKey.value(), "certification request"); !verified)
        return verified.error();
    out.memberKey = std::move(memberKey.value());
    auto inviteId = readId(reader, "invite-id");
    auto compartmentId =
        inviteId ? readId(reader, "compartment-id") : Result<std::string>(inviteId.error());
    if (!compartmentId)
        return compartmentId.error();
    out.inviteId = std::move(inviteId.value());
    out.compartmentId = std::move(compartmentId.value());
    auto compartment = reader.next("compartment");
    if (!compartment)
        return compartment.error();
    if (!Profile::validateCompartmentName(std::string(compartment.value())))
        return reader.malformed("the compartment name is not 1 to 64 bytes of text");
    out.compartment = std::string(compartment.value());
    auto account = readJid(reader, "account");
    if (!account)
        return account.error();
    out.account = std::move(account.value());
    auto device = readNumber(reader, "device", 0x7fffffff);
    if (!device)
        return device.error();
    if (device.value() == 0)
        return reader.malformed("the device id is 0");
    out.deviceId = static_cast<std::uint32_t>(device.value());
    auto identity = readKey(reader, "identity", kOmemoIdentityKeyBytes);
    if (!identity)
        return identity.error();
    out.identityKey = std::move(identity.value());
    if (reader.at("log-key")) {
        auto logKey = readKey(reader, "log-key", kSigningPublicKeyBytes);
        if (!logKey)
            return logKey.error();
        out.logKey = std::move(logKey.value());
    }
    if (auto done = reader.finish(); !done)
        return done.error();
    return out;
}

// ---- Device roster

bool DeviceRoster::isCertified(const std::string& account, std::uint32_t deviceId,
                               ByteView identityKey) const {
    return std::any_of(devices.begin(), devices.end(), [&](const RosterDevice& d) {
        return d.account == account && d.deviceId == deviceId &&
               std::equal(d.identityKey.begin(), d.identityKey.end(), identityKey.begin(),
                          identityKey.end());
    });
}

const RosterDevice* DeviceRoster::deviceWithLogKey(ByteView logKey) const {
    for (const auto* list : {&devices, &revoked}) {
        for (const RosterDevice& device : *list) {
            if (!device.logKey.empty() && equalConstantTime(device.logKey, logKey))
                return &device;
        }
    }
    return nullptr;
}

Result<std::string> signRoster(DeviceRoster roster, const SigningKey& orgKey) {
    if (roster.version == 0 || roster.version > static_cast<std::uint64_t>(INT64_MAX))
        return makeError(ErrorCode::InvalidArgument, "a roster version is 1 or more");
    if (!isRandomId(roster.compartmentId) || roster.issuedAt < 0)
        return makeError(ErrorCode::InvalidArgument, "the roster's compartment id is malformed");
    if (auto name = Profile::validateCompartmentName(roster.compartment); !name)
        return name.error();
    std::sort(roster.devices.begin(), roster.devices.end());
    std::sort(roster.revoked.begin(), roster.revoked.end());
    for (const auto* list : {&roster.devices, &roster.revoked}) {
        for (std::size_t i = 0; i < list->size(); ++i) {
            if (auto valid = validateDevice((*list)[i]); !valid)
                return valid.error();
            if (i > 0 && (*list)[i - 1].account == (*list)[i].account &&
                (*list)[i - 1].deviceId == (*list)[i].deviceId)
                return makeError(ErrorCode::InvalidArgument, "a device is listed twice");
        }
    }
    for (const RosterDevice& device : roster.devices) {
        if (std::binary_search(roster.revoked.begin(), roster.revoked.end(), device))
            return makeError(ErrorCode::InvalidArgument, "a device is certified and revoked");
    }
    SignedTextWriter writer("device-roster");
    writer.add("org-key", toBase64(orgKey.publicKey()))
        .add("compartment-id", roster.compartmentId)
        .add("compartment", roster.compartment)
        .add("version", std::to_string(roster.version))
        .add("issued-at", std::to_string(roster.issuedAt));
    for (const RosterDevice& device : roster.devices)
        writer.add("device", deviceValue(device));
    for (const RosterDevice& device : roster.revoked)
        writer.add("revoked", deviceValue(device));
    auto body = writer.body();
    if (!body)
        return body.error();
    return appendSignature(body.value(), orgKey);
}

Result<Bytes> rosterSigner(std::string_view document) {
    auto text = splitSignedText(document, "device-roster");
    if (!text)
        return text.error();
    FieldReader reader(text.value(), "device roster");
    return readKey(reader, "org-key", kSigningPublicKeyBytes);
}

Result<DeviceRoster> parseRoster(std::string_view document, ByteView orgKey) {
    auto text = splitSignedText(document, "device-roster");
    if (!text)
        return text.error();
    if (auto verified = text.value().verify(orgKey, "device roster"); !verified)
        return verified.error();
    FieldReader reader(text.value(), "device roster");
    DeviceRoster out;
    auto named = readKey(reader, "org-key", kSigningPublicKeyBytes);
    if (!named)
        return named.error();
    if (!std::equal(named.value().begin(), named.value().end(), orgKey.begin(), orgKey.end()))
        return reader.malformed("it names another organisation key than the one that signed it");
    out.orgKey = std::move(named.value());
    auto compartmentId = readId(reader, "compartment-id");
    if (!compartmentId)
        return compartmentId.error();
    out.compartmentId = std::move(compartmentId.value());
    auto compartment = reader.next("compartment");
    if (!compartment)
        return compartment.error();
    // Read as strictly as signRoster writes: a name no admin could sign is not a roster's.
    if (auto name = Profile::validateCompartmentName(std::string(compartment.value())); !name)
        return reader.malformed("its compartment name is invalid: " + name.error().message);
    out.compartment = std::string(compartment.value());
    auto version = readNumber(reader, "version", INT64_MAX);
    if (!version)
        return version.error();
    if (version.value() == 0)
        return reader.malformed("the version is 0");
    out.version = version.value();
    auto issuedAt = readNumber(reader, "issued-at", INT64_MAX);
    if (!issuedAt)
        return issuedAt.error();
    out.issuedAt = static_cast<std::int64_t>(issuedAt.value());
    for (const char* key : {"device", "revoked"}) {
        auto& list = std::string_view(key) == "device" ? out.devices : out.revoked;
        while (reader.at(key)) {
            auto device = readDevice(reader, key);
            if (!device)
                return device.error();
            if (!list.empty() && (!(list.back() < device.value()) ||
                                  (list.back().account == device.value().account &&
                                   list.back().deviceId == device.value().deviceId)))
                return reader.malformed("devices must be sorted and unique");
            list.push_back(std::move(device.value()));
        }
    }
    if (auto done = reader.finish(); !done)
        return done.error();
    for (const RosterDevice& device : out.devices) {
        for (const RosterDevice& gone : out.revoked) {
            if (gone.account == device.account && gone.deviceId == device.deviceId)
                return reader.malformed("a device is both certified and revoked");
        }
    }
    return out;
}

Result<std::string> checkLogKeyCertificate(std::string_view roster, ByteView logKey,
                                           const ExpectedOrgKey& org) {
    auto signer = rosterSigner(roster);
    if (!signer)
        return makeError(ErrorCode::Corrupted,
                         "it is not a device roster: " + signer.error().message);
    const std::string signerPrint = keyFingerprint(signer.value());
    const bool expected = org.publicKey.empty()
                              ? fingerprintMatches(org.fingerprint, signer.value())
                              : equalConstantTime(org.publicKey, signer.value());
    if (!expected)
        return makeError(
            ErrorCode::PolicyRefused,
            "it is signed by organisation key " + signerPrint + ", not by " +
                (org.publicKey.empty() ? org.fingerprint : keyFingerprint(org.publicKey)));
    auto parsed = parseRoster(roster, signer.value());
    if (!parsed)
        return makeError(ErrorCode::Corrupted, parsed.error().message);
    const DeviceRoster& r = parsed.value();
    const RosterDevice* device = r.deviceWithLogKey(logKey);
    if (device == nullptr)
        return makeError(ErrorCode::NotFound, "the organisation's roster (version " +
                                                  std::to_string(r.version) + " of compartment " +
                                                  r.compartment + ") does not list this log key");
    const bool revoked = std::any_of(r.revoked.begin(), r.revoked.end(),
                                     [&](const RosterDevice& gone) { return &gone == device; });
    return "certified by organisation key " + signerPrint + " for compartment " + r.compartment +
           ", device " + device->account + "/" + std::to_string(device->deviceId) +
           " (roster version " + std::to_string(r.version) +
           (revoked ? "; the device has since been revoked)" : ")");
}

} // namespace cloison::provisioning
