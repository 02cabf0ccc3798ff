#include "client/worker/StartCompartment.h"

#include "client/provisioning/ServiceSetup.h"
#include "client/worker/RemoteCompartment.h"
#include "client/xmpp/AccountStore.h"

#include <cstdlib>
#include <cstring>

namespace cloison::worker {

bool inProcessRequested() {
    const char* value = std::getenv("CLOISON_IN_PROCESS");
    return value != nullptr && std::strcmp(value, "1") == 0;
}

Result<std::filesystem::path> workerProgram() {
    if (const char* given = std::getenv("CLOISON_COMPARTMENT_WORKER"); given && *given)
        return std::filesystem::path(given);
    std::error_code error;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error) {
        const auto prefix = self.parent_path().parent_path();
        for (const auto& candidate : {prefix / "libexec" / "cloison" / "cloison-compartment",
                                      self.parent_path() / "cloison-compartment",
                                      prefix / "client" / "cloison-compartment"}) {
            if (std::filesystem::is_regular_file(candidate, error))
                return candidate;
        }
    }
    return makeError(ErrorCode::NotFound,
                     "cloison-compartment, the program each compartment runs in, is not installed "
                     "beside this one (set CLOISON_COMPARTMENT_WORKER to its path, or "
                     "CLOISON_IN_PROCESS=1 to run compartments in this process)");
}

Result<std::unique_ptr<xmpp::Compartment>> startCompartment(Profile& profile,
                                                            const std::string& name) {
    auto vault = profile.compartmentVault(name);
    if (!vault)
        return vault.error();
    if (!inProcessRequested()) {
        auto access = profile.compartmentAccess(name);
        if (!access)
            return access.error();
        auto program = workerProgram();
        if (!program)
            return program.error();
        Open open{access.value().vaultPath.string(),
                  std::move(access.value().key),
                  access.value().id,
                  name,
                  {}};
        auto remote = RemoteCompartment::start({program.value()}, std::move(open), vault.value());
        if (!remote)
            return remote.error();
        return std::unique_ptr<xmpp::Compartment>(std::move(remote).value());
    }
    auto account = xmpp::loadAccount(*vault.value());
    if (!account)
        return account.error();
    auto id = profile.compartmentId(name);
    if (!id)
        return id.error();
    auto options = provisioning::serviceOptions(*vault.value(), id.value(), account.value());
    if (!options)
        return options.error();
    auto service =
        xmpp::CompartmentService::start(*vault.value(), account.value().settings,
                                        std::move(account.value().password), options.value());
    if (!service)
        return service.error();
    return std::unique_ptr<xmpp::Compartment>(std::move(service).value());
}

} // namespace cloison::worker
