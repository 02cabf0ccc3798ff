// The profile header parser, formats 1 and 2. Half of the inputs are taken as they are (the
// checksum almost never matches, which exercises the early checks); the other half get a MAC field
// and a valid checksum appended so that the slot parser sees them. Invariant: a header that decodes
// re-encodes to the body it was read from, and that encoding decodes to the same slots.
#include "client/profile/ProfileHeader.h"
#include "crypto/Hash.h"
#include "crypto/Sodium.h"
#include "tests/fuzz/FuzzCheck.h"

#include <cstdint>

using namespace cloison;

namespace {

void checkRoundTrip(const ProfileHeader& header) {
    const Bytes body = header.encodeBody();
    FUZZ_CHECK(body == header.body);
    static const SecretBytes macKey = SecretBytes::fromString("fuzz-mac-key-0123456789abcdef!!");
    auto again = ProfileHeader::decode(header.encode(macKey));
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again.value().encodeBody() == body);
    FUZZ_CHECK(again.value().legacy.has_value() == header.legacy.has_value());
    if (header.legacy) {
        FUZZ_CHECK(again.value().legacy->passphraseSlots.size() ==
                   header.legacy->passphraseSlots.size());
        FUZZ_CHECK(again.value().legacy->fidoSlots.size() == header.legacy->fidoSlots.size());
        return;
    }
    // Format 2: every header has the same size and shape, whatever its slots hold.
    FUZZ_CHECK(header.encode(macKey).size() == ProfileHeader::kBytes);
    FUZZ_CHECK(again.value().fidoKeys.size() == header.fidoKeys.size());
    FUZZ_CHECK(again.value().keySlots == header.keySlots);
    FUZZ_CHECK(again.value().macMatches(macKey));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const bool ready = (ensureSodium(), true);
    (void)ready;
    if (size == 0)
        return 0;
    const ByteView input(data + 1, size - 1);
    if (data[0] & 1) {
        if (auto header = ProfileHeader::decode(input))
            checkRoundTrip(header.value());
        return 0;
    }
    Bytes file(input.begin(), input.end());
    file.resize(file.size() + kHashBytes, 0); // the MAC field: only checked with the profile key
    const Bytes checksum = blake2b(file);
    file.insert(file.end(), checksum.begin(), checksum.end());
    if (auto header = ProfileHeader::decode(file))
        checkRoundTrip(header.value());
    return 0;
}
