#include "client/cli/CommandLine.h"

#include "client/cli/MessagingCommands.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace cloison::cli {

std::optional<long> parseNumber(const std::string& text, long min, long max) {
    char* end = nullptr;
    errno = 0;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno != 0 || value < min || value > max)
        return std::nullopt;
    return value;
}

std::string isoTime(std::int64_t ms) {
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(ms % 1000));
    return std::string(text) + millis;
}

std::vector<std::string> splitCommas(const std::string& text) {
    std::vector<std::string> out;
    for (std::size_t pos = 0; pos <= text.size();) {
        std::size_t end = text.find(',', pos);
        if (end == std::string::npos)
            end = text.size();
        if (end > pos)
            out.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

std::string defaultDataDir(const char* variable, const char* leaf) {
    if (const char* dir = std::getenv(variable); dir && *dir)
        return dir;
    if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data)
        return std::string(data) + "/cloison/" + leaf;
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.local/share/cloison/" + leaf;
}

int exitCodeFor(ErrorCode code) {
    switch (code) {
    case ErrorCode::WrongPassphrase:
    case ErrorCode::WrongKey:
        return 3;
    case ErrorCode::Corrupted:
        return 4;
    case ErrorCode::NotFound:
        return 5;
    case ErrorCode::AlreadyExists:
        return 6;
    case ErrorCode::SchemaTooNew:
        return 7;
    case ErrorCode::InvalidArgument:
        return 2;
    case ErrorCode::NoAuthenticator:
        return 8;
    case ErrorCode::WrongAuthenticator:
        return 9;
    case ErrorCode::WrongPin:
    case ErrorCode::PinBlocked:
    case ErrorCode::PinRequired:
        return 10;
    case ErrorCode::UserActionTimeout:
        return 11;
    case ErrorCode::AuthenticatorUnsupported:
        return 12;
    case ErrorCode::PolicyRefused:
        return 13;
    case ErrorCode::Unreachable:
    case ErrorCode::TimedOut:
        return kExitUnreachable;
    case ErrorCode::ServerKeyMismatch:
        return kExitServerKeyMismatch;
    case ErrorCode::LoginRefused:
        return kExitLoginRefused;
    case ErrorCode::Expired:
        return 19;
    case ErrorCode::Mismatch:
        return 21;
    default:
        return 1;
    }
}

} // namespace cloison::cli
