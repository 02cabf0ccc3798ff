#include "tests/support/Files.h"

#include "crypto/Hash.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace cloison::test {

Bytes readFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path.string());
    return Bytes(std::istreambuf_iterator<char>(in), {});
}

void writeFile(const std::filesystem::path& path, ByteView data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data.data()),
              static_cast<std::streamsize>(data.size()));
    if (!out)
        throw std::runtime_error("cannot write " + path.string());
}

void flipByte(const std::filesystem::path& path, std::uintmax_t offset) {
    Bytes data = readFile(path);
    if (offset >= data.size())
        throw std::runtime_error("offset beyond the end of " + path.string());
    data[offset] ^= 0x5a;
    writeFile(path, data);
}

std::map<std::string, std::string> hashTree(const std::filesystem::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        if (entry.is_regular_file())
            out[std::filesystem::relative(entry.path(), dir).string()] =
                toHex(blake2b(readFile(entry.path())));
    }
    return out;
}

namespace {

Bytes utf16(const std::string& ascii, bool bigEndian) {
    Bytes out;
    for (char c : ascii) {
        const auto byte = static_cast<std::uint8_t>(c);
        out.push_back(bigEndian ? 0 : byte);
        out.push_back(bigEndian ? byte : 0);
    }
    return out;
}

bool contains(const Bytes& haystack, const Bytes& needle) {
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
           haystack.end();
}

} // namespace

std::vector<std::filesystem::path> filesContaining(const std::filesystem::path& dir,
                                                   const std::string& needle,
                                                   std::filesystem::file_time_type since) {
    const Bytes forms[] = {Bytes(needle.begin(), needle.end()), utf16(needle, false),
                           utf16(needle, true)};
    std::vector<std::filesystem::path> found;
    std::error_code ec;
    const auto options = std::filesystem::directory_options::skip_permission_denied;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, options, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code statError;
        if (!it->is_regular_file(statError) || it->is_symlink(statError))
            continue;
        if (it->file_size(statError) > (256u << 20) || statError)
            continue;
        if (it->last_write_time(statError) < since || statError)
            continue;
        Bytes data;
        try {
            data = readFile(it->path());
        } catch (const std::exception&) {
            continue; // vanished or unreadable: not ours
        }
        for (const Bytes& form : forms) {
            if (contains(data, form)) {
                found.push_back(it->path());
                break;
            }
        }
    }
    return found;
}

} // namespace cloison::test
