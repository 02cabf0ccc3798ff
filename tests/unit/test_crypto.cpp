#include "crypto/Aead.h"
#include "crypto/Hash.h"
#include "crypto/Kdf.h"
#include "crypto/SecretBytes.h"
#include "crypto/Signing.h"

#include <catch2/catch.hpp>

using namespace cloison;

TEST_CASE("SecretBytes moves, compares in constant time and wipes") {
    SecretBytes a = SecretBytes::fromString("correct horse");
    SecretBytes b = a.copy();
    CHECK(a.equals(b));
    SecretBytes c = std::move(b);
    CHECK(b.empty());
    CHECK(c.equals(a));
    c.truncate(7);
    CHECK(c.size() == 7);
    CHECK_FALSE(c.equals(a));
    a.wipe();
    CHECK(a.empty());
    CHECK(SecretBytes::random(32).size() == 32);
    CHECK_FALSE(SecretBytes::random(32).equals(SecretBytes::random(32)));
}

TEST_CASE("hex and base64 round-trip and reject garbage") {
    const Bytes data{0x00, 0x01, 0xfe, 0xff};
    CHECK(toHex(data) == "0001feff");
    CHECK(fromHex("0001feff").value() == data);
    CHECK_FALSE(fromHex("0g"));
    CHECK(toBase64(data) == "AAH+/w==");
    CHECK(fromBase64("AAH+/w==").value() == data);
    CHECK(fromBase64("AAH+\n/w==").value() == data);
    CHECK_FALSE(fromBase64("A*H+/w=="));
}

TEST_CASE("Argon2id: default is strong, parameters are bounded, output is deterministic") {
    const auto strong = Argon2idParams::strong();
    CHECK(strong.memoryBytes >= (256ull << 20));
    CHECK(strong.passes >= 3);
    CHECK_FALSE(strong.isWeakerThanStrong());
    CHECK(Argon2idParams::light().isWeakerThanStrong());
    CHECK_FALSE(validateArgon2idParams({0, 8 << 20}));
    CHECK_FALSE(validateArgon2idParams({1, 1ull << 40}));

    const SecretBytes passphrase = SecretBytes::fromString("passphrase");
    const Bytes salt(kArgon2SaltBytes, 7);
    auto one = deriveArgon2id(passphrase, salt, Argon2idParams::light());
    auto two = deriveArgon2id(passphrase, salt, Argon2idParams::light());
    REQUIRE(one);
    REQUIRE(two);
    CHECK(one.value().equals(two.value()));
    Bytes otherSalt = salt;
    otherSalt[0] ^= 1;
    CHECK_FALSE(
        one.value().equals(deriveArgon2id(passphrase, otherSalt, Argon2idParams::light()).value()));
    CHECK_FALSE(deriveArgon2id(passphrase, Bytes(3), Argon2idParams::light()));
}

TEST_CASE("Argon2id with the strong default derives a key") {
    const Bytes salt(kArgon2SaltBytes, 1);
    auto key = deriveArgon2id(SecretBytes::fromString("x"), salt, Argon2idParams::strong());
    REQUIRE(key);
    CHECK(key.value().size() == kKeyBytes);
}

TEST_CASE("subkeys differ by id and context, and combined secrets need both halves") {
    const SecretBytes master = SecretBytes::random(kKeyBytes);
    const KdfContext context{'t', 'e', 's', 't', 'c', 't', 'x', '1'};
    CHECK_FALSE(deriveSubkey(master, context, 1).equals(deriveSubkey(master, context, 2)));
    CHECK(deriveSubkey(master, context, 1).equals(deriveSubkey(master, context, 1)));
    const SecretBytes a = SecretBytes::random(32);
    const SecretBytes b = SecretBytes::random(32);
    const SecretBytes ab = combineSecrets(a, b, asBytes("label"));
    CHECK(ab.equals(combineSecrets(a, b, asBytes("label"))));
    CHECK_FALSE(ab.equals(combineSecrets(a, a, asBytes("label"))));
    CHECK_FALSE(ab.equals(combineSecrets(a, b, asBytes("other"))));
}

TEST_CASE("AEAD wrap: round trip, and any change to key, data or binding fails") {
    const SecretBytes kek = SecretBytes::random(kKeyBytes);
    const SecretBytes key = SecretBytes::random(kKeyBytes);
    const Bytes wrapped = wrapKey(kek, key, asBytes("slot 1"));
    CHECK(wrapped.size() == kKeyBytes + kAeadOverheadBytes);
    auto unwrapped = unwrapKey(kek, wrapped, asBytes("slot 1"));
    REQUIRE(unwrapped);
    CHECK(unwrapped.value().equals(key));
    CHECK(unwrapKey(SecretBytes::random(kKeyBytes), wrapped, asBytes("slot 1")).error().code ==
          ErrorCode::WrongKey);
    CHECK_FALSE(unwrapKey(kek, wrapped, asBytes("slot 2")));
    for (std::size_t i = 0; i < wrapped.size(); i += 7) {
        Bytes tampered = wrapped;
        tampered[i] ^= 0x40;
        CHECK_FALSE(unwrapKey(kek, tampered, asBytes("slot 1")));
    }
    CHECK(aeadOpen(kek, Bytes(10), {}).error().code == ErrorCode::Corrupted);
    CHECK(wrapKey(kek, key, {}) != wrapKey(kek, key, {})); // fresh nonce each time
}

TEST_CASE("Ed25519: sign, verify, reject forgeries, restore from the secret key") {
    const SigningKey key = SigningKey::generate();
    const Bytes message{'h', 'i'};
    const Bytes signature = key.sign(message);
    CHECK(verifySignature(key.publicKey(), message, signature));
    Bytes forged = signature;
    forged[5] ^= 1;
    CHECK_FALSE(verifySignature(key.publicKey(), message, forged));
    CHECK_FALSE(verifySignature(key.publicKey(), Bytes{'h', 'o'}, signature));
    CHECK_FALSE(verifySignature(SigningKey::generate().publicKey(), message, signature));
    CHECK_FALSE(verifySignature(key.publicKey(), message, Bytes(3)));

    auto restored = SigningKey::fromSecretKey(key.secretKey().copy());
    REQUIRE(restored);
    CHECK(restored.value().publicKey() == key.publicKey());
    SecretBytes damaged = key.secretKey().copy();
    damaged.data()[40] ^= 1; // the stored public half no longer matches the seed
    CHECK(SigningKey::fromSecretKey(std::move(damaged)).error().code == ErrorCode::Corrupted);
    CHECK(keyFingerprint(key.publicKey()).size() == 64 + 15);
}

TEST_CASE("random ids are 128-bit hex and distinct") {
    const std::string a = randomId();
    CHECK(a.size() == 32);
    CHECK(a != randomId());
    CHECK(blake2b(asBytes("abc")) != blake2b(asBytes("abd")));
    CHECK(equalConstantTime(blake2b(asBytes("abc")), blake2b(asBytes("abc"))));
}
