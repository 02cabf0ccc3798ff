#include "client/provisioning/Canaries.h"

#include "crypto/Bytes.h"
#include "crypto/Sodium.h"
#include "storage/SettingsRepository.h"

#include <sodium.h>

#include <array>
#include <sstream>
#include <string_view>

namespace cloison::provisioning {

namespace {

// One settings entry, kept as a secret: a line per canary, "JID CREATED-MS BASE64(PASSWORD)
// NOTE...".
constexpr const char* kCanariesKey = "admin.canaries";
constexpr std::size_t kMaxCanaries = 10000;
constexpr std::size_t kMaxNoteBytes = 200;

constexpr std::array<std::string_view, 24> kFirstNames = {
    "anna",  "ben",   "carla",  "david", "emma",  "felix",  "grace", "henry",
    "irene", "jacob", "julia",  "kevin", "laura", "marc",   "nina",  "oscar",
    "paula", "quinn", "rachel", "simon", "tessa", "victor", "wendy", "yusuf"};
constexpr std::array<std::string_view, 24> kLastNames = {
    "adams",   "baker",   "brown",  "clarke", "davies", "evans",  "fischer", "garcia",
    "hughes",  "jones",   "keller", "lewis",  "martin", "moreau", "nguyen",  "parker",
    "roberts", "schmidt", "taylor", "thomas", "walker", "weber",  "wright",  "young"};
constexpr std::array<std::string_view, 20> kWords = {
    "summer", "winter",  "garden", "river",  "coffee", "sunset", "maple",
    "harbor", "falcon",  "silver", "orange", "marble", "forest", "rocket",
    "violet", "thunder", "candle", "meadow", "anchor", "pepper"};

std::uint32_t pick(std::size_t count) {
    return randombytes_uniform(static_cast<std::uint32_t>(count));
}

template <std::size_t N> std::string_view any(const std::array<std::string_view, N>& words) {
    return words[pick(N)];
}

std::string capitalised(std::string_view word) {
    std::string out(word);
    if (!out.empty() && out[0] >= 'a' && out[0] <= 'z')
        out[0] = static_cast<char>(out[0] - 'a' + 'A');
    return out;
}

} // namespace

std::string plausibleAccountName() {
    ensureSodium();
    const std::string_view first = any(kFirstNames);
    const std::string_view last = any(kLastNames);
    std::string name = pick(2) == 0 ? std::string(first) + "." + std::string(last)
                                    : std::string(1, first[0]) + std::string(last);
    if (pick(3) == 0)
        name += std::to_string(10 + pick(90));
    return name;
}

SecretBytes plausiblePassword() {
    ensureSodium();
    static constexpr std::string_view kSigns = "!?#*.";
    std::string text = capitalised(any(kWords)) + std::string(any(kWords)) +
                       std::to_string(10 + pick(9990)) +
                       std::string(1, kSigns[pick(kSigns.size())]);
    SecretBytes out = SecretBytes::fromString(text);
    sodium_memzero(text.data(), text.size());
    return out;
}

Result<std::vector<Canary>> loadCanaries(storage::Vault& adminVault) {
    auto stored = storage::SettingsRepository(adminVault).getSecret(kCanariesKey);
    if (!stored)
        return stored.error();
    std::vector<Canary> out;
    if (!stored.value())
        return out;
    const ByteView all = stored.value()->view();
    std::size_t start = 0;
    while (start < all.size()) {
        std::size_t end = start;
        while (end < all.size() && all[end] != '\n')
            ++end;
        const std::string_view line(reinterpret_cast<const char*>(all.data()) + start, end - start);
        start = end + 1;
        const auto a = line.find(' ');
        const auto b = a == std::string_view::npos ? a : line.find(' ', a + 1);
        const auto c = b == std::string_view::npos ? b : line.find(' ', b + 1);
        if (c == std::string_view::npos)
            return makeError(ErrorCode::Corrupted, "the admin vault's canary list is damaged");
        Canary canary;
        canary.jid = std::string(line.substr(0, a));
        try {
            canary.createdAtMs = std::stoll(std::string(line.substr(a + 1, b - a - 1)));
        } catch (...) {
            return makeError(ErrorCode::Corrupted, "the admin vault's canary list is damaged");
        }
        auto password = fromBase64(line.substr(b + 1, c - b - 1));
        if (!password)
            return makeError(ErrorCode::Corrupted, "the admin vault's canary list is damaged");
        canary.password = SecretBytes::copyOf(password.value());
        sodium_memzero(password.value().data(), password.value().size());
        canary.note = std::string(line.substr(c + 1));
        out.push_back(std::move(canary));
    }
    return out;
}

Result<void> addCanary(storage::Vault& adminVault, const Canary& canary) {
    if (canary.jid.empty() || canary.jid.find_first_of(" \n") != std::string::npos ||
        canary.jid.find('@') == std::string::npos)
        return makeError(ErrorCode::InvalidArgument, "a canary needs an account JID");
    if (canary.note.size() > kMaxNoteBytes || canary.note.find('\n') != std::string::npos)
        return makeError(ErrorCode::InvalidArgument,
                         "a canary's note is one line of at most 200 bytes");
    auto existing = loadCanaries(adminVault);
    if (!existing)
        return existing.error();
    if (existing.value().size() >= kMaxCanaries)
        return makeError(ErrorCode::InvalidArgument, "the admin vault holds 10,000 canaries");
    std::string text;
    for (const Canary& known : existing.value()) {
        if (known.jid == canary.jid)
            return makeError(ErrorCode::AlreadyExists, canary.jid + " is a canary already");
    }
    auto line = [](const Canary& c) {
        return c.jid + " " + std::to_string(c.createdAtMs) + " " + toBase64(c.password.view()) +
               " " + c.note + "\n";
    };
    for (const Canary& known : existing.value())
        text += line(known);
    text += line(canary);
    SecretBytes secret = SecretBytes::fromString(text);
    sodium_memzero(text.data(), text.size());
    return storage::SettingsRepository(adminVault).put(kCanariesKey, secret.view());
}

} // namespace cloison::provisioning
