#pragma once

namespace cloison {

// Initialises libsodium once; safe to call from any thread, any number of times.
void ensureSodium();

} // namespace cloison
