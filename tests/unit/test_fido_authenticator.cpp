// The libfido2 wrapper end to end against the software authenticator: libfido2's own CTAPHID,
// CBOR and PIN protocol code runs on both sides of every exchange.
#include "crypto/Hash.h"
#include "crypto/fido/FidoAuthenticator.h"
#include "crypto/fido/SoftAuthenticator.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

#include <sys/stat.h>

using namespace cloison;

namespace {

std::unique_ptr<FidoAuthenticator> openSoft(const std::filesystem::path& dir) {
    auto opened = FidoAuthenticator::open({AuthenticatorChoice::Kind::Software, dir.string()});
    REQUIRE(opened);
    return std::move(opened.value());
}

std::filesystem::path newSoft(const test::TempDir& tmp, const char* name,
                              fido::SoftAuthenticatorOptions options = {}) {
    const auto dir = tmp / name;
    REQUIRE(fido::SoftAuthenticator::create(dir, options));
    return dir;
}

} // namespace

TEST_CASE("authenticator choice: soft only when named") {
    CHECK(AuthenticatorChoice::parse("auto").value().kind == AuthenticatorChoice::Kind::Hardware);
    CHECK(AuthenticatorChoice::parse("").value().kind == AuthenticatorChoice::Kind::Hardware);
    auto soft = AuthenticatorChoice::parse("soft:/tmp/x");
    REQUIRE(soft);
    CHECK(soft.value().kind == AuthenticatorChoice::Kind::Software);
    CHECK(soft.value().path == "/tmp/x");
    CHECK(AuthenticatorChoice::parse("hid:/dev/hidraw0").value().path == "/dev/hidraw0");
    CHECK_FALSE(AuthenticatorChoice::parse("soft:"));
    CHECK_FALSE(AuthenticatorChoice::parse("usb"));
}

TEST_CASE("soft authenticator: hmac-secret is stable per salt and per key") {
    test::TempDir tmp;
    const auto dir = newSoft(tmp, "key1");
    struct stat st {};
    REQUIRE(::stat((dir / fido::SoftAuthenticator::kStateFile).c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    auto key = openSoft(dir);
    CHECK(key->isSoftware());
    CHECK(key->description().find("NOT a hardware") != std::string::npos);
    CHECK(key->supportsHmacSecret());
    CHECK_FALSE(key->hasPin());
    auto credential = key->makeCredential("io.cloison.test", FidoVerification::Presence, nullptr);
    REQUIRE(credential);
    const Bytes salt = randomBytes(kFidoSaltBytes);
    auto first = key->hmacSecret(credential.value(), salt, nullptr);
    REQUIRE(first);
    CHECK(first.value().size() == kFidoSecretBytes);
    auto again = openSoft(dir)->hmacSecret(credential.value(), salt, nullptr);
    REQUIRE(again);
    CHECK(first.value().equals(again.value()));
    auto otherSalt = key->hmacSecret(credential.value(), randomBytes(kFidoSaltBytes), nullptr);
    REQUIRE(otherSalt);
    CHECK_FALSE(first.value().equals(otherSalt.value()));

    // Another relying party id does not find the credential.
    FidoCredential wrongRp = credential.value();
    wrongRp.rpId = "io.cloison.other";
    auto refused = key->hmacSecret(wrongRp, salt, nullptr);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::WrongAuthenticator);

    // The silent probe finds the credential without a touch, and only on its own key.
    const auto touches = fido::SoftAuthenticator::touches(dir).value();
    CHECK(key->holdsCredential(credential.value()).value());
    CHECK(fido::SoftAuthenticator::touches(dir).value() == touches);

    // A different authenticator does not hold the credential.
    const auto other = newSoft(tmp, "key2");
    CHECK_FALSE(openSoft(other)->holdsCredential(credential.value()).value());
    auto wrong = openSoft(other)->hmacSecret(credential.value(), salt, nullptr);
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code == ErrorCode::WrongAuthenticator);
    CHECK(wrong.error().message.find("not one enrolled") != std::string::npos);
}

TEST_CASE("soft authenticator: absent, without hmac-secret, untouched") {
    test::TempDir tmp;
    auto absent = FidoAuthenticator::open({AuthenticatorChoice::Kind::Software, (tmp / "none")});
    REQUIRE_FALSE(absent);
    CHECK(absent.error().code == ErrorCode::NoAuthenticator);

    const auto old = newSoft(tmp, "old", {false, fido::SoftPresence::Touch});
    auto oldKey = openSoft(old);
    CHECK_FALSE(oldKey->supportsHmacSecret());
    auto refused = oldKey->makeCredential("io.cloison.test", FidoVerification::Presence, nullptr);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::AuthenticatorUnsupported);
    CHECK(refused.error().message.find("hmac-secret") != std::string::npos);

    const auto dir = newSoft(tmp, "key");
    auto credential =
        openSoft(dir)->makeCredential("io.cloison.test", FidoVerification::Presence, nullptr);
    REQUIRE(credential);
    REQUIRE(fido::SoftAuthenticator::configure(dir, {true, fido::SoftPresence::Timeout}));
    auto timedOut =
        openSoft(dir)->hmacSecret(credential.value(), randomBytes(kFidoSaltBytes), nullptr);
    REQUIRE_FALSE(timedOut);
    CHECK(timedOut.error().code == ErrorCode::UserActionTimeout);
    CHECK(timedOut.error().message.find("touched") != std::string::npos);
}

TEST_CASE("soft authenticator: PIN correct, wrong with retries counted down, blocked") {
    test::TempDir tmp;
    const auto dir = newSoft(tmp, "key");
    const SecretBytes pin = SecretBytes::fromString("4711");
    const SecretBytes wrongPin = SecretBytes::fromString("0000");
    {
        auto key = openSoft(dir);
        REQUIRE(key->setPin(pin));
        CHECK(key->hasPin());
        CHECK(key->pinRetries().value() == 8);
    }
    auto key = openSoft(dir);
    // With a PIN set, CTAP 2.0 keys need it to make a credential.
    auto noPin = key->makeCredential("io.cloison.test", FidoVerification::Pin, nullptr);
    REQUIRE_FALSE(noPin);
    CHECK(noPin.error().code == ErrorCode::PinRequired);
    auto credential = key->makeCredential("io.cloison.test", FidoVerification::Pin, &pin);
    REQUIRE(credential);
    const Bytes salt = randomBytes(kFidoSaltBytes);
    auto secret = key->hmacSecret(credential.value(), salt, &pin);
    REQUIRE(secret);
    CHECK(openSoft(dir)->hmacSecret(credential.value(), salt, &pin).value().equals(secret.value()));

    auto wrong = openSoft(dir)->hmacSecret(credential.value(), salt, &wrongPin);
    REQUIRE_FALSE(wrong);
    CHECK(wrong.error().code == ErrorCode::WrongPin);
    CHECK(wrong.error().message.find("7 attempts left") != std::string::npos);
    CHECK(openSoft(dir)->pinRetries().value() == 7);
    // The right PIN resets the counter.
    REQUIRE(openSoft(dir)->hmacSecret(credential.value(), salt, &pin));
    CHECK(openSoft(dir)->pinRetries().value() == 8);

    // Three wrong in a row need a power cycle (a fresh open); eight in all block the PIN.
    {
        auto session = openSoft(dir);
        CHECK(session->hmacSecret(credential.value(), salt, &wrongPin).error().code ==
              ErrorCode::WrongPin);
        CHECK(session->hmacSecret(credential.value(), salt, &wrongPin).error().code ==
              ErrorCode::WrongPin);
        CHECK(session->hmacSecret(credential.value(), salt, &wrongPin).error().code ==
              ErrorCode::PinBlocked);
        CHECK(session->hmacSecret(credential.value(), salt, &pin).error().code ==
              ErrorCode::PinBlocked);
    }
    for (int i = 0; i < 5; ++i) {
        auto attempt = openSoft(dir)->hmacSecret(credential.value(), salt, &wrongPin);
        REQUIRE_FALSE(attempt);
        CHECK(attempt.error().code == (i < 4 ? ErrorCode::WrongPin : ErrorCode::PinBlocked));
    }
    auto blocked = openSoft(dir)->hmacSecret(credential.value(), salt, &pin);
    REQUIRE_FALSE(blocked);
    CHECK(blocked.error().code == ErrorCode::PinBlocked);
    CHECK(blocked.error().message.find("blocked") != std::string::npos);
}
