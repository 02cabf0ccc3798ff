#include "client/documents/HttpTransfer.h"

#include "crypto/TlsPin.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>
#include <optional>

namespace cloison::documents {
namespace {

constexpr long kConnectTimeoutSeconds = 20;
// A transfer that moves less than this many bytes per second for this long is dropped.
constexpr long kStallBytesPerSecond = 1;
constexpr long kStallSeconds = 60;

struct CurlFree {
    void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct CurlUrlFree {
    void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlListFree {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

void initialiseCurlOnce() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct UrlParts {
    std::string scheme;
    std::string host;
};

Result<UrlParts> partsOf(const std::string& url) {
    std::unique_ptr<CURLU, CurlUrlFree> handle(curl_url());
    if (!handle || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
        return makeError(ErrorCode::InvalidArgument, "the transfer address is not a valid URL");
    UrlParts parts;
    for (auto [part, out] :
         {std::pair{CURLUPART_SCHEME, &parts.scheme}, std::pair{CURLUPART_HOST, &parts.host}}) {
        char* value = nullptr;
        if (curl_url_get(handle.get(), part, &value, 0) != CURLUE_OK)
            return makeError(ErrorCode::InvalidArgument, "the transfer address has no host");
        *out = value;
        curl_free(value);
    }
    return parts;
}

// What the pin is to libcurl: "sha256//" and the digest in base64.
Result<std::string> curlPin(const std::string& pinHex) {
    auto digest = fromHex(pinHex);
    if (!digest || digest.value().size() != 32)
        return makeError(ErrorCode::InvalidArgument, "the compartment's server pin is malformed");
    return "sha256//" + toBase64(digest.value());
}

struct Transfer {
    std::unique_ptr<CURL, CurlFree> curl;
    std::unique_ptr<curl_slist, CurlListFree> headers;
    std::string pin;
    std::optional<Error> callbackError; // why a callback stopped the transfer
    const Progress* progress = nullptr;
    std::uint64_t total = 0;
    char errorBuffer[CURL_ERROR_SIZE] = {};
};

int onProgress(void* data, curl_off_t downTotal, curl_off_t downNow, curl_off_t upTotal,
               curl_off_t upNow) {
    auto* transfer = static_cast<Transfer*>(data);
    if (transfer->progress && *transfer->progress) {
        const bool upload = upTotal > 0 || upNow > 0;
        const auto done = static_cast<std::uint64_t>(upload ? upNow : downNow);
        const auto total = static_cast<std::uint64_t>(upload ? upTotal : downTotal);
        (*transfer->progress)(done, total ? total : transfer->total);
    }
    return 0;
}

Result<void> setUp(Transfer& transfer, const std::string& url, const TransferSecurity& security) {
    if (auto allowed = checkTransferUrl(url, security); !allowed)
        return allowed;
    initialiseCurlOnce();
    transfer.curl.reset(curl_easy_init());
    if (!transfer.curl)
        return makeError(ErrorCode::Internal, "libcurl could not start a transfer");
    CURL* curl = transfer.curl.get();
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR,
                     security.insecureLoopback ? "http,https" : "https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*"); // the pinned server itself, never a proxy
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, kStallBytesPerSecond);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, kStallSeconds);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, transfer.errorBuffer);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &onProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "Cloison");
    // The pin decides, as for the XMPP connection: a self-signed certificate with the pinned
    // key is accepted, a CA-signed one with another key is not. libcurl checks the pinned key
    // during the handshake, before the request is sent.
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    if (!security.pin.empty()) {
        auto pin = curlPin(security.pin);
        if (!pin)
            return pin.error();
        transfer.pin = pin.value();
        curl_easy_setopt(curl, CURLOPT_PINNEDPUBLICKEY, transfer.pin.c_str());
    }
    return {};
}

Result<void> perform(Transfer& transfer, const char* what) {
    const CURLcode code = curl_easy_perform(transfer.curl.get());
    if (transfer.callbackError)
        return *transfer.callbackError;
    if (code == CURLE_SSL_PINNEDPUBKEYNOTMATCH)
        return makeError(ErrorCode::ServerKeyMismatch,
                         std::string("the ") + what +
                             " server's key does not match the compartment's pin");
    if (code == CURLE_FILESIZE_EXCEEDED)
        return makeError(ErrorCode::PolicyRefused,
                         "the document is larger than this compartment accepts");
    if (code == CURLE_PARTIAL_FILE)
        return makeError(ErrorCode::Corrupted,
                         std::string("the ") + what + " was cut short; nothing was saved");
    if (code != CURLE_OK) {
        const std::string detail =
            transfer.errorBuffer[0] ? transfer.errorBuffer : curl_easy_strerror(code);
        return makeError(code == CURLE_OPERATION_TIMEDOUT ? ErrorCode::TimedOut
                                                          : ErrorCode::Unreachable,
                         std::string("the ") + what + " failed: " + detail);
    }
    return {};
}

long statusOf(Transfer& transfer) {
    long status = 0;
    curl_easy_getinfo(transfer.curl.get(), CURLINFO_RESPONSE_CODE, &status);
    return status;
}

size_t readCallback(char* buffer, size_t size, size_t count, void* data) {
    auto* context = static_cast<std::pair<Transfer*, const Source*>*>(data);
    auto got = (*context->second)(reinterpret_cast<std::uint8_t*>(buffer), size * count);
    if (!got) {
        context->first->callbackError = got.error();
        return CURL_READFUNC_ABORT;
    }
    return got.value();
}

struct GetContext {
    Transfer* transfer;
    const Sink* sink;
};

size_t writeCallback(char* data, size_t size, size_t count, void* user) {
    auto* context = static_cast<GetContext*>(user);
    // An error page is not a document: the status decides before a byte reaches the sink.
    long status = statusOf(*context->transfer);
    if (status != 200) {
        context->transfer->callbackError =
            makeError(status == 404 || status == 410 ? ErrorCode::NotFound : ErrorCode::Unreachable,
                      status == 404 || status == 410
                          ? "the document is no longer on the server (expired or removed)"
                          : "the server answered the download with HTTP " + std::to_string(status));
        return 0;
    }
    auto taken = (*context->sink)(ByteView(reinterpret_cast<std::uint8_t*>(data), size * count));
    if (!taken) {
        context->transfer->callbackError = taken.error();
        return 0;
    }
    return size * count;
}

} // namespace

Result<void> checkTransferUrl(const std::string& url, const TransferSecurity& security) {
    auto parts = partsOf(url);
    if (!parts)
        return parts.error();
    const bool loopback = parts.value().host == "127.0.0.1";
    if (parts.value().scheme == "https") {
        if (!security.pin.empty())
            return {};
        if (security.insecureLoopback && loopback)
            return {};
        return makeError(ErrorCode::InvalidArgument,
                         "an unpinned https transfer is only allowed to 127.0.0.1 with "
                         "--insecure-loopback");
    }
    if (parts.value().scheme == "http") {
        if (security.insecureLoopback && loopback)
            return {};
        return makeError(ErrorCode::InvalidArgument,
                         "plain http is refused (only to 127.0.0.1 with --insecure-loopback)");
    }
    return makeError(ErrorCode::InvalidArgument,
                     "only https transfers are allowed, not " + parts.value().scheme);
}

Result<void> httpPut(const std::string& url,
                     const std::vector<std::pair<std::string, std::string>>& headers,
                     const std::string& contentType, std::uint64_t size, const Source& source,
                     const TransferSecurity& security, const Progress& progress) {
    Transfer transfer;
    if (auto ready = setUp(transfer, url, security); !ready)
        return ready;
    transfer.progress = &progress;
    transfer.total = size;
    curl_slist* list = nullptr;
    list = curl_slist_append(list, ("Content-Type: " + contentType).c_str());
    list = curl_slist_append(list, "Expect:"); // no 100-continue round trip
    for (const auto& [name, value] : headers)
        list = curl_slist_append(list, (name + ": " + value).c_str());
    transfer.headers.reset(list);
    std::pair<Transfer*, const Source*> context{&transfer, &source};
    CURL* curl = transfer.curl.get();
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, &readCallback);
    curl_easy_setopt(curl, CURLOPT_READDATA, &context);
    if (auto done = perform(transfer, "upload"); !done)
        return done;
    const long status = statusOf(transfer);
    if (status == 200 || status == 201)
        return {};
    if (status == 413)
        return makeError(ErrorCode::PolicyRefused, "the server refused the file as too large");
    return makeError(status == 401 || status == 403 || status == 409 ? ErrorCode::PolicyRefused
                                                                     : ErrorCode::Unreachable,
                     "the server refused the upload (HTTP " + std::to_string(status) + ")");
}

Result<void> httpGet(const std::string& url, std::uint64_t maxBytes, const Sink& sink,
                     const TransferSecurity& security, const Progress& progress) {
    Transfer transfer;
    if (auto ready = setUp(transfer, url, security); !ready)
        return ready;
    transfer.progress = &progress;
    GetContext context{&transfer, &sink};
    // One request per connection, said so: a server whose file is shorter than the length it
    // announced then closes the connection at its end, and the download fails at once as cut
    // short instead of stalling until the timeout.
    transfer.headers.reset(curl_slist_append(nullptr, "Connection: close"));
    CURL* curl = transfer.curl.get();
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, transfer.headers.get());
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(maxBytes));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &writeCallback);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &context);
    if (auto done = perform(transfer, "download"); !done)
        return done;
    const long status = statusOf(transfer);
    if (status == 200)
        return {};
    if (status == 404 || status == 410)
        return makeError(ErrorCode::NotFound,
                         "the document is no longer on the server (expired or removed)");
    return makeError(ErrorCode::Unreachable,
                     "the server answered the download with HTTP " + std::to_string(status));
}

} // namespace cloison::documents
