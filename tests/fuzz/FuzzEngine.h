// Engines for the fuzz targets: a compartment vault in a throwaway directory (raw random key,
// no profile, no Argon2id) and the OMEMO engine over it, with a fixed clock.
#pragma once

#include "client/omemo/OmemoEngine.h"
#include "storage/Schemas.h"
#include "storage/Vault.h"
#include "tests/fuzz/FuzzCheck.h"
#include "tests/support/TempDir.h"

#include <filesystem>
#include <memory>
#include <string>

namespace cloison::fuzz {

inline omemo::EngineOptions engineOptions() {
    omemo::EngineOptions options;
    options.clock = [] {
        return std::int64_t{1795000000};
    };
    return options;
}

// The key of every vault the fuzz targets write (one per process).
inline const SecretBytes& fuzzVaultKey() {
    static const SecretBytes key = SecretBytes::random(32);
    return key;
}

// One party: its vault file, the open vault and the engine over it.
struct FuzzParty {
    std::filesystem::path path;
    std::string jid;
    std::unique_ptr<storage::Vault> vault;
    std::unique_ptr<omemo::OmemoEngine> engine;

    // Creates the vault (and the engine's identity) unless `existing`.
    FuzzParty(const std::filesystem::path& file, std::string bareJid, bool existing = false)
        : path(file), jid(std::move(bareJid)) {
        if (existing) {
            restart();
            return;
        }
        auto created = storage::Vault::create(path, fuzzVaultKey(), storage::compartmentSchema());
        FUZZ_CHECK(created.ok());
        vault = std::move(created.value());
        reopenEngine();
    }

    void reopenEngine() {
        engine.reset();
        auto opened = omemo::OmemoEngine::open(*vault, jid, engineOptions());
        FUZZ_CHECK(opened.ok());
        engine = std::move(opened.value());
    }

    // A restart: the engine and the vault closed, then both opened again from the file.
    void restart() {
        engine.reset();
        vault.reset();
        auto opened = storage::Vault::open(path, fuzzVaultKey(), storage::compartmentSchema());
        FUZZ_CHECK(opened.ok());
        vault = std::move(opened.value());
        reopenEngine();
    }
};

// Every stanza an engine emits must be well-formed XML within the default limits.
inline void checkOutput(const omemo::Output& out) {
    for (const auto& stanza : out.stanzas)
        FUZZ_CHECK(xml::parse(stanza).ok());
}

} // namespace cloison::fuzz
