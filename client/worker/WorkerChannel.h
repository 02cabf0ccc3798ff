// Frames of the worker protocol (WorkerProtocol.h) over one end of the app/worker socket pair.
#pragma once

#include "client/worker/WorkerProtocol.h"

namespace cloison::worker {

// Writes one whole frame; the buffer it was encoded in is wiped afterwards (an Open holds the
// vault key). Never raises SIGPIPE: a peer that is gone is an Io error.
[[nodiscard]] Result<void> writeMessage(int fd, MessageType type, const Message& message);

// Reads one whole frame, waiting as long as it takes. NotFound when the peer closed the
// connection between frames (a clean end); Corrupted for a frame cut short or invalid (the
// peer is then treated as hostile); Io for a failed read. The buffer is wiped after decoding.
[[nodiscard]] Result<Decoded> readMessage(int fd);

} // namespace cloison::worker
