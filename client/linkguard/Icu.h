// RAII owners for the two ICU services the link guard uses: the UTS #39 spoof checker
// (confusable skeletons, mixed-script detection) and UTS #46 IDNA (punycode <-> Unicode).
// Both are safe to use from one thread at a time.
#pragma once

#include "crypto/Result.h"

#include <string>
#include <string_view>

struct USpoofChecker;
struct UIDNA;

namespace cloison::linkguard {

class SpoofChecker {
public:
    static Result<SpoofChecker> open();
    ~SpoofChecker();
    SpoofChecker(SpoofChecker&& other) noexcept;
    SpoofChecker& operator=(SpoofChecker&& other) noexcept;
    SpoofChecker(const SpoofChecker&) = delete;
    SpoofChecker& operator=(const SpoofChecker&) = delete;

    // The UTS #39 skeleton of a label, lowercased: two labels with the same skeleton look
    // alike ("microsoft" and "rnicrosoft", "paypal" and "paypa1", Latin "e" and Cyrillic "е").
    // Empty on an ICU failure.
    std::string skeleton(std::string_view utf8) const;
    // True when the label mixes scripts beyond what UTS #39's moderately restrictive level
    // allows (Latin with Cyrillic or Greek), mixes digit systems, or hides characters.
    bool isMixedScript(std::string_view utf8) const;

private:
    explicit SpoofChecker(USpoofChecker* checker) : m_checker(checker) {}
    USpoofChecker* m_checker = nullptr;
};

struct IdnaHost {
    std::string ascii;   // "xn--en-march-fya.fr": what DNS resolves
    std::string unicode; // "en-marché.fr": what a person should be shown
    bool valid = true;   // false: IDNA reported errors; ascii/unicode are best effort
};

class Idna {
public:
    static Result<Idna> open();
    ~Idna();
    Idna(Idna&& other) noexcept;
    Idna& operator=(Idna&& other) noexcept;
    Idna(const Idna&) = delete;
    Idna& operator=(const Idna&) = delete;

    // UTS #46 non-transitional processing: lowercases, maps full-width characters and ideographic
    // full stops, and converts between punycode and Unicode.
    IdnaHost convert(std::string_view host) const;

private:
    explicit Idna(UIDNA* idna) : m_idna(idna) {}
    UIDNA* m_idna = nullptr;
};

} // namespace cloison::linkguard
