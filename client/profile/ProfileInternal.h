// What Profile.cpp, ProfileFido.cpp and ProfileDuress.cpp share, and nothing else includes:
// the names of the profile key's subkeys, and how a format-2 key slot is found.
#pragma once

#include "client/profile/FidoSlots.h"

#include <filesystem>
#include <optional>
#include <string>

namespace cloison::profile_detail {

inline constexpr KdfContext kProfileContext = {'c', 'l', 'o', 'i', 's', 'o', 'n', 'p'};
enum Subkey : std::uint64_t {
    kProfileVaultKey = 1,
    kHeaderMacKey = 2,
    kCompartmentWrapKey = 3,
    kPassphraseCheckKey = 4, // in memory only
};

Bytes compartmentKeyBinding(const std::string& id);

// A format-2 slot opened: where, what it holds, and (for a FIDO slot) the key's record index
// and hmac-secret, so that the slot can be sealed again under a new passphrase.
struct OpenedSlot {
    std::size_t index = 0;
    SlotContent content = SlotContent::ProfileKey;
    SecretBytes key;
    std::optional<std::size_t> fidoKey;
    SecretBytes fidoSecret;
};

// The first slot `slotKey` opens (under `fidoKey`'s record for a FIDO slot), into `out`.
bool findSlot(const ProfileHeader& header, const SecretBytes& slotKey, const FidoKeyRecord* fidoKey,
              OpenedSlot& out);
// One Argon2id, then every slot: first with the passphrase alone, then (if the header has
// security keys) with the key present.
Result<OpenedSlot> openSlot(const ProfileHeader& header, const SecretBytes& stretched,
                            FidoAccess* fido);
// A vault nobody can open, of the size and shape of an empty duress vault: what the duress
// vault file is while no duress passphrase is set.
Result<void> writeSpareVault(const std::filesystem::path& path);

} // namespace cloison::profile_detail
