// The schemas of Cloison's two kinds of vault. Each is an append-only list of migrations.
#pragma once

#include "storage/Vault.h"

namespace cloison::storage {

const Schema& profileSchema();     // the profile vault: compartments and their wrapped keys
const Schema& compartmentSchema(); // one compartment: its messages and, later, keys and log

} // namespace cloison::storage
