// Small files: read whole with a size bound (documents from elsewhere), and written so that readers
// see the old or the new contents, never a mix: headers, key slots, authenticator state, exports.
#pragma once

#include "crypto/Bytes.h"

#include <filesystem>

namespace cloison {

// Written to PATH.new in the same directory (mode 0600), flushed, renamed over PATH, and the
// directory flushed so that the rename survives a crash.
[[nodiscard]] Result<void> writeFileAtomically(const std::filesystem::path& path, ByteView data);

// The whole file, refused unread past `maxBytes` (InvalidArgument); NotFound when it cannot be
// opened, Io when reading fails.
[[nodiscard]] Result<std::string> readFileLimited(const std::filesystem::path& path,
                                                  std::size_t maxBytes);

} // namespace cloison
