#include "client/linkguard/Icu.h"

#include <unicode/uidna.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>

#include <utility>
#include <vector>

namespace cloison::linkguard {
namespace {

constexpr std::int32_t kMaxHostBytes = 1024;

Error icuError(const char* what, UErrorCode status) {
    return makeError(ErrorCode::Internal, std::string(what) + ": " + u_errorName(status));
}

void lowercaseAscii(std::string& text) {
    for (char& c : text) {
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
}

} // namespace

Result<SpoofChecker> SpoofChecker::open() {
    UErrorCode status = U_ZERO_ERROR;
    USpoofChecker* checker = uspoof_open(&status);
    if (U_FAILURE(status))
        return icuError("cannot open the ICU spoof checker", status);
    SpoofChecker owner(checker);
    uspoof_setRestrictionLevel(checker, USPOOF_MODERATELY_RESTRICTIVE);
    uspoof_setChecks(checker, USPOOF_RESTRICTION_LEVEL | USPOOF_MIXED_NUMBERS | USPOOF_INVISIBLE,
                     &status);
    if (U_FAILURE(status))
        return icuError("cannot configure the ICU spoof checker", status);
    return owner;
}

SpoofChecker::~SpoofChecker() {
    if (m_checker)
        uspoof_close(m_checker);
}

SpoofChecker::SpoofChecker(SpoofChecker&& other) noexcept
    : m_checker(std::exchange(other.m_checker, nullptr)) {}

SpoofChecker& SpoofChecker::operator=(SpoofChecker&& other) noexcept {
    if (this != &other) {
        if (m_checker)
            uspoof_close(m_checker);
        m_checker = std::exchange(other.m_checker, nullptr);
    }
    return *this;
}

std::string SpoofChecker::skeleton(std::string_view utf8) const {
    if (utf8.size() > static_cast<std::size_t>(kMaxHostBytes))
        return {};
    std::string out(utf8.size() * 4 + 16, '\0');
    UErrorCode status = U_ZERO_ERROR;
    std::int32_t length =
        uspoof_getSkeletonUTF8(m_checker, 0, utf8.data(), static_cast<std::int32_t>(utf8.size()),
                               out.data(), static_cast<std::int32_t>(out.size()), &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
        out.assign(static_cast<std::size_t>(length) + 1, '\0');
        status = U_ZERO_ERROR;
        length = uspoof_getSkeletonUTF8(m_checker, 0, utf8.data(),
                                        static_cast<std::int32_t>(utf8.size()), out.data(),
                                        static_cast<std::int32_t>(out.size()), &status);
    }
    if (U_FAILURE(status) || length < 0)
        return {};
    out.resize(static_cast<std::size_t>(length));
    // Prototypes keep case ("0" becomes "O"); hosts are compared case-insensitively.
    lowercaseAscii(out);
    return out;
}

bool SpoofChecker::isMixedScript(std::string_view utf8) const {
    if (utf8.size() > static_cast<std::size_t>(kMaxHostBytes))
        return true;
    UErrorCode status = U_ZERO_ERROR;
    const std::int32_t result = uspoof_checkUTF8(
        m_checker, utf8.data(), static_cast<std::int32_t>(utf8.size()), nullptr, &status);
    return U_FAILURE(status) || result != 0;
}

Result<Idna> Idna::open() {
    UErrorCode status = U_ZERO_ERROR;
    UIDNA* idna =
        uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_NONTRANSITIONAL_TO_UNICODE |
                            UIDNA_CHECK_BIDI | UIDNA_CHECK_CONTEXTJ,
                        &status);
    if (U_FAILURE(status))
        return icuError("cannot open ICU IDNA", status);
    return Idna(idna);
}

Idna::~Idna() {
    if (m_idna)
        uidna_close(m_idna);
}

Idna::Idna(Idna&& other) noexcept : m_idna(std::exchange(other.m_idna, nullptr)) {}

Idna& Idna::operator=(Idna&& other) noexcept {
    if (this != &other) {
        if (m_idna)
            uidna_close(m_idna);
        m_idna = std::exchange(other.m_idna, nullptr);
    }
    return *this;
}

IdnaHost Idna::convert(std::string_view host) const {
    IdnaHost out;
    if (host.size() > static_cast<std::size_t>(kMaxHostBytes)) {
        out.valid = false;
        out.ascii = out.unicode = std::string(host.substr(0, 64));
        return out;
    }
    const auto run = [&](auto function, std::string_view input, std::string& output) {
        UIDNAInfo info = UIDNA_INFO_INITIALIZER;
        UErrorCode status = U_ZERO_ERROR;
        output.assign(input.size() * 4 + 64, '\0');
        const std::int32_t length =
            function(m_idna, input.data(), static_cast<std::int32_t>(input.size()), output.data(),
                     static_cast<std::int32_t>(output.size()), &info, &status);
        if (U_FAILURE(status) || length < 0) {
            output.assign(input);
            return false;
        }
        output.resize(static_cast<std::size_t>(length));
        return info.errors == 0;
    };
    const bool asciiOk = run(uidna_nameToASCII_UTF8, host, out.ascii);
    const bool unicodeOk = run(uidna_nameToUnicodeUTF8, host, out.unicode);
    out.valid = asciiOk && unicodeOk;
    if (!asciiOk)
        lowercaseAscii(out.ascii);
    return out;
}

} // namespace cloison::linkguard
