#include "client/audit/KeyEvent.h"

#include "crypto/Hash.h"

#include <ctime>

namespace cloison::audit {
namespace {

void putU64(Bytes& out, std::uint64_t v) {
    for (int i = 7; i >= 0; --i)
        out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void putField(Bytes& out, std::string_view text) {
    putU64(out, text.size());
    out.insert(out.end(), text.begin(), text.end());
}

} // namespace

Bytes KeyEvent::canonicalBytes() const {
    Bytes out;
    putField(out, "cloison-key-event-v1");
    putU64(out, static_cast<std::uint64_t>(seq));
    putU64(out, static_cast<std::uint64_t>(timeMs));
    putField(out, type);
    putField(out, subject);
    putField(out, fingerprint);
    putField(out, details);
    putField(out,
             std::string_view(reinterpret_cast<const char*>(prevHash.data()), prevHash.size()));
    return out;
}

Bytes KeyEvent::computeHash() const {
    return blake2b(canonicalBytes(), kEventHashBytes);
}

Bytes LogHead::canonicalBytes() const {
    Bytes out;
    putField(out, "cloison-log-head-v1");
    putU64(out, static_cast<std::uint64_t>(seq));
    putU64(out, static_cast<std::uint64_t>(timeMs));
    putField(out, std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
    return out;
}

Bytes genesisHash() {
    return Bytes(kEventHashBytes, 0);
}

std::string formatUtc(std::int64_t timeMs) {
    const std::time_t seconds = static_cast<std::time_t>(timeMs / 1000);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[40];
    const auto length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
    std::snprintf(text + length, sizeof text - length, ".%03dZ",
                  static_cast<int>(((timeMs % 1000) + 1000) % 1000));
    return text;
}

} // namespace cloison::audit
