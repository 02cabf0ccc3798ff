// Test helper: unlocks a profile and makes 1,000 writes, alternating between compartments "a"
// and "b", one transaction each, reporting each commit on standard output. The crash test
// kills it with SIGKILL partway through.
#include "client/profile/Profile.h"
#include "storage/MessageRepository.h"

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
    using namespace cloison;
    const char* secret = std::getenv("CLOISON_PASSPHRASE");
    if (argc != 2 || secret == nullptr)
        return 2;
    auto profile = Profile::unlock(argv[1], SecretBytes::fromString(secret));
    if (!profile)
        return 3;
    storage::Vault* vaults[2] = {profile.value()->compartmentVault("a").value(),
                                 profile.value()->compartmentVault("b").value()};
    for (int i = 0; i < 1000; ++i) {
        storage::MessageRepository messages(*vaults[i % 2]);
        const std::string body = "write " + std::to_string(i) + " " + std::string(200, 'w');
        if (!messages.append({"peer@example.org", "me@example.org", i, body}))
            return 4;
        std::printf("%d\n", i);
        std::fflush(stdout);
    }
    return 0;
}
