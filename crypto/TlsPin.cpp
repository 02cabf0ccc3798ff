#include "crypto/TlsPin.h"

#include "crypto/Bytes.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cctype>
#include <limits>
#include <memory>

namespace cloison {

Result<std::string> spkiPinFromPem(std::string_view pem) {
    if (pem.size() > 64 * 1024)
        return makeError(ErrorCode::InvalidArgument, "certificate too large");
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    if (!bio)
        return makeError(ErrorCode::Crypto, "cannot read the certificate");
    std::unique_ptr<X509, decltype(&X509_free)> cert(
        PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
    if (!cert)
        return makeError(ErrorCode::InvalidArgument, "not a PEM certificate");
    unsigned char* der = nullptr;
    const int length = i2d_PUBKEY(X509_get0_pubkey(cert.get()), &der);
    if (length <= 0)
        return makeError(ErrorCode::InvalidArgument, "certificate has no usable public key");
    std::unique_ptr<unsigned char, void (*)(unsigned char*)> owned(
        der, [](unsigned char* p) { OPENSSL_free(p); });
    Bytes digest(EVP_MAX_MD_SIZE);
    unsigned int digestLength = 0;
    if (EVP_Digest(der, static_cast<std::size_t>(length), digest.data(), &digestLength,
                   EVP_sha256(), nullptr) != 1)
        return makeError(ErrorCode::Crypto, "SHA-256 failed");
    digest.resize(digestLength);
    return toHex(digest);
}

Result<std::string> normalisePin(std::string_view pin) {
    std::string out;
    for (const char c : pin) {
        if (c == ':')
            continue;
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            return makeError(ErrorCode::InvalidArgument,
                             "a pin is the SHA-256 of the server key in hex (64 characters)");
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    if (out.size() != 64)
        return makeError(ErrorCode::InvalidArgument,
                         "a pin is the SHA-256 of the server key in hex (64 characters)");
    return out;
}

} // namespace cloison
