// CTAPHID framing (64-byte reports, INIT/CBOR/PING/CANCEL) in front of a SoftAuthenticator, as
// the I/O callbacks libfido2 accepts through fido_dev_set_io_functions. The "path" libfido2
// opens is the authenticator's state directory.
#pragma once

#include <fido.h>

namespace cloison::fido {

const fido_dev_io_t& softAuthenticatorIo();

} // namespace cloison::fido
