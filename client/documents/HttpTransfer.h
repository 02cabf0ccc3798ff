// HTTPS PUT and GET for documents (libcurl), with the server's key pinned exactly as the
// compartment's XMPP connection pins it: the SHA-256 of the certificate's SubjectPublicKeyInfo
// decides, whoever signed the certificate, and a mismatch ends the connection before a byte
// of ours is sent. Plain http:// and unpinned https:// only for an account that was set up
// with --insecure-loopback, and only to 127.0.0.1. No redirects are followed.
#pragma once

#include "crypto/Result.h"
#include "crypto/SecretBytes.h"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace cloison::documents {

struct TransferSecurity {
    std::string pin; // 64 lowercase hex characters, as in AccountSettings
    bool insecureLoopback = false;
};

// Called now and then with bytes done and the total (0 when unknown).
using Progress = std::function<void(std::uint64_t done, std::uint64_t total)>;
// Fills `buffer` with up to `capacity` bytes; 0 at the end.
using Source = std::function<Result<std::size_t>(std::uint8_t* buffer, std::size_t capacity)>;
using Sink = std::function<Result<void>(ByteView bytes)>;

// Whether `url` may be fetched under `security`; InvalidArgument says why not.
[[nodiscard]] Result<void> checkTransferUrl(const std::string& url,
                                            const TransferSecurity& security);

[[nodiscard]] Result<void> httpPut(const std::string& url,
                                   const std::vector<std::pair<std::string, std::string>>& headers,
                                   const std::string& contentType, std::uint64_t size,
                                   const Source& source, const TransferSecurity& security,
                                   const Progress& progress);
// The body goes to `sink` as it arrives; more than `maxBytes` is refused (PolicyRefused).
[[nodiscard]] Result<void> httpGet(const std::string& url, std::uint64_t maxBytes, const Sink& sink,
                                   const TransferSecurity& security, const Progress& progress);

} // namespace cloison::documents
