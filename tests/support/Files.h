// File helpers for tests: read, damage, hash and search files.
#pragma once

#include "crypto/Bytes.h"

#include <filesystem>
#include <map>
#include <string>

namespace cloison::test {

Bytes readFile(const std::filesystem::path& path);
void writeFile(const std::filesystem::path& path, ByteView data);
void flipByte(const std::filesystem::path& path, std::uintmax_t offset);
// Path (relative to `dir`) -> BLAKE2b of the contents, for every regular file below `dir`.
std::map<std::string, std::string> hashTree(const std::filesystem::path& dir);
// Files below `dir` that contain `needle` as UTF-8, UTF-16LE or UTF-16BE. Unreadable files and
// files over 256 MiB are passed over, and so are files last written before `since` (a shared
// temp directory holds gigabytes that no test of ours can have written).
std::vector<std::filesystem::path>
filesContaining(const std::filesystem::path& dir, const std::string& needle,
                std::filesystem::file_time_type since = std::filesystem::file_time_type::min());

} // namespace cloison::test
