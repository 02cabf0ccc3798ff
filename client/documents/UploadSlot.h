// XEP-0363 HTTP File Upload, as stanzas: finding the server's upload service (disco#items on
// the account's domain, then disco#info of each item), its advertised maximum file size, and
// asking it for a slot (a PUT URL with the headers to send, and the GET URL to share). Pure
// functions over parsed stanzas; the compartment's connection sends and receives them.
#pragma once

#include "client/omemo/Xml.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cloison::documents {

constexpr const char* kHttpUploadNs = "urn:xmpp:http:upload:0";

struct UploadService {
    std::string jid;
    std::optional<std::uint64_t> maxFileSize; // none advertised: no limit said
};

struct UploadSlot {
    std::string putUrl;
    std::string getUrl;
    // Only Authorization, Cookie and Expires, as XEP-0363 allows (and without line breaks).
    std::vector<std::pair<std::string, std::string>> putHeaders;
};

xml::Element discoItemsRequest(const std::string& to, const std::string& id);
xml::Element discoInfoRequest(const std::string& to, const std::string& id);
// The JIDs a disco#items answer lists (at most 100: a server lists a handful of components).
std::vector<std::string> discoItems(const xml::Element& answer);
// The upload service, if this disco#info answer of `jid` is one.
std::optional<UploadService> uploadServiceFrom(const xml::Element& answer, const std::string& jid);

xml::Element slotRequest(const UploadService& service, const std::string& fileName,
                         std::uint64_t size, const std::string& contentType, const std::string& id);
// The slot, or why there is none: PolicyRefused when the server says the file is too large
// (with its maximum) or refuses the type or the account, Unreachable when it asks to wait
// (quota), InvalidArgument for an answer that is not a usable slot.
[[nodiscard]] Result<UploadSlot> slotFrom(const xml::Element& answer);

} // namespace cloison::documents
