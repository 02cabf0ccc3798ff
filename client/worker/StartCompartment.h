// Starting a compartment of an unlocked profile, for the app and cloison-cli alike: in a
// sandboxed worker process of its own (cloison-compartment) by default, or in this process when
// asked explicitly (CLOISON_IN_PROCESS=1: for debugging). A sealed compartment must have been
// opened by its touch first (Profile::openSealedCompartment), as for compartmentVault().
#pragma once

#include "client/profile/Profile.h"
#include "client/xmpp/CompartmentService.h"

#include <filesystem>
#include <memory>

namespace cloison::worker {

// Whether CLOISON_IN_PROCESS=1 asks for compartments to run in this process.
bool inProcessRequested();

// Where cloison-compartment is: $CLOISON_COMPARTMENT_WORKER, else PREFIX/libexec/cloison (as
// installed, for PREFIX/bin/this program), else beside this program, else in the build tree's
// client/. NotFound, saying so, when none is.
[[nodiscard]] Result<std::filesystem::path> workerProgram();

// Starts compartment `name` (which must have an account) as said above.
[[nodiscard]] Result<std::unique_ptr<xmpp::Compartment>> startCompartment(Profile& profile,
                                                                          const std::string& name);

} // namespace cloison::worker
