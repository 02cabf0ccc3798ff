// The provisioning documents a member or an admin reads from outside: enrolment requests,
// sealed invites, certification requests and device rosters (client/provisioning). The first
// byte picks the document; the rest is its body, which the harness signs (and for an invite
// seals and encodes) with fixed keys, so that the parsers behind the signature check are
// reached. @ORGKEY@, @MEMBERKEY@ and @RECIPIENT@ in the body stand for those keys in base64.
// Invariants: an accepted document reads back the same after being written again from what
// was parsed (rosters, certification requests, invites), and its fields are within limits.
// CLOISON_FUZZ_WRITE_SEEDS=DIR writes seeds made by the real document writers, then exits.
#include "client/provisioning/Documents.h"
#include "client/provisioning/SignedText.h"
#include "crypto/Bytes.h"
#include "crypto/Signing.h"
#include "crypto/Sodium.h"
#include "storage/Schemas.h"
#include "storage/Vault.h"
#include "tests/fuzz/FuzzCheck.h"
#include "tests/support/TempDir.h"

#include <sodium.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>

using namespace cloison;
using namespace cloison::provisioning;

namespace {

struct Keys {
    test::TempDir dir;
    std::unique_ptr<storage::Vault> profile;
    std::unique_ptr<MemberKeys> member;
    SigningKey org = SigningKey::generate();
};

Keys& keys() {
    static Keys* k = [] {
        ensureSodium();
        auto* made = new Keys;
        SecretBytes vaultKey(32);
        randombytes_buf(vaultKey.data(), vaultKey.size());
        auto vault = storage::Vault::create(made->dir.path() / "profile", vaultKey,
                                            storage::profileSchema());
        FUZZ_CHECK(vault.ok());
        made->profile = std::move(vault).value();
        auto member = MemberKeys::loadOrCreate(*made->profile);
        FUZZ_CHECK(member.ok());
        made->member = std::make_unique<MemberKeys>(std::move(member).value());
        return made;
    }();
    return *k;
}

void replaceAll(std::string& text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
}

std::string withKeys(std::string text) {
    Keys& k = keys();
    replaceAll(text, "@ORGKEY@", toBase64(k.org.publicKey()));
    replaceAll(text, "@MEMBERKEY@", toBase64(k.member->signingKey().publicKey()));
    replaceAll(text, "@RECIPIENT@", toBase64(k.member->boxPublicKey()));
    return text;
}

std::string withPlaceholders(std::string text) {
    Keys& k = keys();
    replaceAll(text, toBase64(k.org.publicKey()), "@ORGKEY@");
    replaceAll(text, toBase64(k.member->signingKey().publicKey()), "@MEMBERKEY@");
    replaceAll(text, toBase64(k.member->boxPublicKey()), "@RECIPIENT@");
    return text;
}

std::string unsigned_(const std::string& document) {
    const auto last = document.rfind("signature ");
    return last == std::string::npos ? document : document.substr(0, last);
}

std::string sealed(const std::string& signedInvite) {
    std::string box(signedInvite.size() + crypto_box_SEALBYTES, '\0');
    crypto_box_seal(reinterpret_cast<unsigned char*>(box.data()),
                    reinterpret_cast<const unsigned char*>(signedInvite.data()),
                    signedInvite.size(), keys().member->boxPublicKey().data());
    return "cloison-sealed-invite 1\n" + toBase64(Bytes(box.begin(), box.end())) + "\n";
}

void checkRoster(const DeviceRoster& roster) {
    Keys& k = keys();
    FUZZ_CHECK(roster.version >= 1);
    FUZZ_CHECK(roster.orgKey == k.org.publicKey());
    auto again = signRoster(roster, k.org);
    FUZZ_CHECK(again.ok());
    auto reread = parseRoster(again.value(), k.org.publicKey());
    FUZZ_CHECK(reread.ok());
    FUZZ_CHECK(reread.value().version == roster.version);
    FUZZ_CHECK(reread.value().compartmentId == roster.compartmentId);
    FUZZ_CHECK(reread.value().compartment == roster.compartment);
    FUZZ_CHECK(reread.value().devices == roster.devices);
    FUZZ_CHECK(reread.value().revoked == roster.revoked);
}

void checkCertification(const CertificationRequest& request) {
    Keys& k = keys();
    FUZZ_CHECK(request.memberKey == k.member->signingKey().publicKey());
    auto again = makeCertificationRequest(request, k.member->signingKey());
    FUZZ_CHECK(again.ok());
    auto reread = parseCertificationRequest(again.value());
    FUZZ_CHECK(reread.ok());
    FUZZ_CHECK(reread.value().inviteId == request.inviteId);
    FUZZ_CHECK(reread.value().compartmentId == request.compartmentId);
    FUZZ_CHECK(reread.value().account == request.account);
    FUZZ_CHECK(reread.value().deviceId == request.deviceId);
    FUZZ_CHECK(reread.value().identityKey == request.identityKey);
    FUZZ_CHECK(reread.value().logKey == request.logKey);
}

void checkInvite(const Invite& invite) {
    Keys& k = keys();
    FUZZ_CHECK(invite.orgKey == k.org.publicKey());
    FUZZ_CHECK(invite.recipient == k.member->boxPublicKey());
    FUZZ_CHECK(validateDefinition(invite.compartment).ok());
    FUZZ_CHECK(invite.password.size() >= 8 && invite.password.size() <= 256);
    auto again = sealInvite(invite, k.org);
    // A decoy's content read from a full-size invite may leave no room for padding again.
    if (!again.ok() && invite.decoy && again.error().code == ErrorCode::InvalidArgument)
        return;
    FUZZ_CHECK(again.ok());
    auto reopened = openInvite(again.value(), *k.member);
    FUZZ_CHECK(reopened.ok());
    FUZZ_CHECK(reopened.value().inviteId == invite.inviteId);
    FUZZ_CHECK(reopened.value().account == invite.account);
    FUZZ_CHECK(reopened.value().compartment.id == invite.compartment.id);
    FUZZ_CHECK(reopened.value().compartment.name == invite.compartment.name);
    FUZZ_CHECK(reopened.value().password.equals(invite.password));
    FUZZ_CHECK(reopened.value().decoy.has_value() == invite.decoy.has_value());
    if (invite.decoy) {
        FUZZ_CHECK(reopened.value().decoy->history.size() == invite.decoy->history.size());
        FUZZ_CHECK(reopened.value().decoy->document == invite.decoy->document);
        FUZZ_CHECK(reopened.value().decoy->document.size() <= kMaxDecoyDocumentBytes);
    }
}

void put(const std::string& dir, const std::string& name, char mode, const std::string& body) {
    std::ofstream(dir + "/" + name, std::ios::binary) << mode << withPlaceholders(body);
}

// Seeds from the real writers, so that every field the parsers know is in the corpus.
void writeSeeds(const std::string& dir) {
    Keys& k = keys();
    auto enrol = makeEnrollRequest(*k.member, "Alice Example");
    FUZZ_CHECK(enrol.ok());
    put(dir, "enroll-request", 0, unsigned_(enrol.value()));

    Invite invite;
    invite.orgKey = k.org.publicKey();
    invite.recipient = k.member->boxPublicKey();
    invite.inviteId = std::string(32, 'a');
    invite.issuedAt = 1764547200;
    invite.memberName = "Alice Example";
    invite.compartment.id = std::string(32, 'b');
    invite.compartment.name = "finance";
    invite.compartment.host = "127.0.0.1";
    invite.compartment.port = 15222;
    invite.compartment.pin = std::string(64, 'c');
    invite.compartment.room = "finance@rooms.localhost";
    invite.compartment.retentionDays = 30;
    invite.compartment.colour = "#2a6f97";
    invite.compartment.label = "Finance";
    invite.compartment.trustedDomains = {"example.org", "campaign.example"};
    invite.account = "m0123456789abcdef@localhost";
    invite.password = SecretBytes::fromString("correct-horse-battery-staple");
    auto sealedInvite = sealInvite(invite, k.org);
    FUZZ_CHECK(sealedInvite.ok());
    const std::string file = sealedInvite.value();
    auto box = fromBase64(std::string_view(file).substr(24, file.size() - 25));
    FUZZ_CHECK(box.ok());
    auto opened = k.member->openSealed(box.value());
    FUZZ_CHECK(opened.ok());
    const std::string signedInvite(opened.value().view().begin(), opened.value().view().end());
    put(dir, "invite", 1, unsigned_(signedInvite));
    // The same invite as a decoy's (issue 14): its history and document after the password.
    invite.decoy = DecoyContent{{{"grace.hughes@localhost", "grace.hughes@localhost", 1764500000000,
                                  "Memo on the briefing is in."}},
                                "memo.txt",
                                "Ref. 0123-4567-89AB-CDEF\nthe memo\n",
                                "grace.hughes@localhost",
                                1764400000000};
    auto sealedDecoy = sealInvite(invite, k.org);
    FUZZ_CHECK(sealedDecoy.ok());
    auto decoyBox = fromBase64(
        std::string_view(sealedDecoy.value()).substr(24, sealedDecoy.value().size() - 25));
    FUZZ_CHECK(decoyBox.ok());
    auto openedDecoy = k.member->openSealed(decoyBox.value());
    FUZZ_CHECK(openedDecoy.ok());
    put(dir, "decoy-invite", 1,
        unsigned_(
            std::string(openedDecoy.value().view().begin(), openedDecoy.value().view().end())));
    invite.decoy.reset();

    CertificationRequest request;
    request.memberKey = k.member->signingKey().publicKey();
    request.inviteId = invite.inviteId;
    request.compartmentId = invite.compartment.id;
    request.compartment = "finance";
    request.account = invite.account;
    request.deviceId = 1234567;
    request.identityKey = Bytes(33, 5);
    request.logKey = Bytes(32, 6);
    auto certification = makeCertificationRequest(request, k.member->signingKey());
    FUZZ_CHECK(certification.ok());
    put(dir, "certification-request", 2, unsigned_(certification.value()));

    DeviceRoster roster;
    roster.orgKey = k.org.publicKey();
    roster.compartmentId = invite.compartment.id;
    roster.compartment = "finance";
    roster.version = 3;
    roster.issuedAt = 1764547200;
    roster.devices = {{invite.account, 1234567, Bytes(33, 5), Bytes(32, 6)},
                      {"m1111111111111111@localhost", 42, Bytes(33, 7), {}}};
    roster.revoked = {{"m2222222222222222@localhost", 7, Bytes(33, 8), {}}};
    auto signedRoster = signRoster(roster, k.org);
    FUZZ_CHECK(signedRoster.ok());
    put(dir, "roster", 3, unsigned_(signedRoster.value()));
}

} // namespace

FUZZ_SEEDS_WRITTEN_BY(writeSeeds)

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0 || size > 64 * 1024)
        return 0;
    Keys& k = keys();
    const std::string body =
        withKeys(std::string(reinterpret_cast<const char*>(data) + 1, size - 1));
    switch (data[0] % 4) {
    case 0: {
        auto request = parseEnrollRequest(appendSignature(body, k.member->signingKey()));
        if (request) {
            FUZZ_CHECK(!request.value().name.empty() && request.value().name.size() <= 64);
            FUZZ_CHECK(request.value().signingKey == k.member->signingKey().publicKey());
        }
        break;
    }
    case 1:
        if (auto invite = openInvite(sealed(appendSignature(body, k.org)), *k.member))
            checkInvite(invite.value());
        break;
    case 2:
        if (auto request = parseCertificationRequest(appendSignature(body, k.member->signingKey())))
            checkCertification(request.value());
        break;
    default:
        if (auto roster = parseRoster(appendSignature(body, k.org), k.org.publicKey()))
            checkRoster(roster.value());
        // The same bytes were never signed by the organisation as they stand.
        FUZZ_CHECK(!parseRoster(body, k.org.publicKey()).ok());
        break;
    }
    return 0;
}
