#include "crypto/Sodium.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace cloison {

void ensureSodium() {
    static const bool initialised = [] {
        if (sodium_init() < 0) {
            // Without a working CSPRNG nothing in Cloison is safe; there is nothing to fall back
            // to.
            std::fputs("cloison: libsodium failed to initialise\n", stderr);
            std::abort();
        }
        return true;
    }();
    (void)initialised;
}

} // namespace cloison
