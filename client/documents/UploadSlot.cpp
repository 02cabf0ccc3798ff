#include "client/documents/UploadSlot.h"

#include "crypto/Bytes.h"

namespace cloison::documents {
namespace {

constexpr const char* kDiscoItemsNs = "http://jabber.org/protocol/disco#items";
constexpr const char* kDiscoInfoNs = "http://jabber.org/protocol/disco#info";
constexpr const char* kDataFormsNs = "jabber:x:data";
constexpr const char* kStanzaErrorsNs = "urn:ietf:params:xml:ns:xmpp-stanzas";
constexpr std::size_t kMaxItems = 100;

xml::Element iq(const std::string& type, const std::string& to, const std::string& id) {
    xml::Element out("iq", "jabber:client");
    out.set("type", type).set("to", to).set("id", id);
    return out;
}

bool hasLineBreak(std::string_view text) {
    return text.find_first_of("\r\n") != std::string_view::npos;
}

std::string errorCondition(const xml::Element& answer, std::string& text) {
    const xml::Element* error = answer.child("error");
    if (error == nullptr)
        return {};
    std::string condition;
    for (const xml::Element& child : error->children) {
        if (child.ns != kStanzaErrorsNs)
            continue;
        if (child.name == "text")
            text = child.text;
        else if (condition.empty())
            condition = child.name;
    }
    return condition;
}

} // namespace

xml::Element discoItemsRequest(const std::string& to, const std::string& id) {
    xml::Element out = iq("get", to, id);
    out.add(xml::Element("query", kDiscoItemsNs));
    return out;
}

xml::Element discoInfoRequest(const std::string& to, const std::string& id) {
    xml::Element out = iq("get", to, id);
    out.add(xml::Element("query", kDiscoInfoNs));
    return out;
}

std::vector<std::string> discoItems(const xml::Element& answer) {
    std::vector<std::string> out;
    const xml::Element* query = answer.child("query", kDiscoItemsNs);
    if (query == nullptr || answer.attribute("type") != std::optional<std::string_view>("result"))
        return out;
    for (const xml::Element* item : query->childrenNamed("item", kDiscoItemsNs)) {
        if (out.size() == kMaxItems)
            break;
        if (auto jid = item->attribute("jid"); jid && !jid->empty())
            out.emplace_back(*jid);
    }
    return out;
}

std::optional<UploadService> uploadServiceFrom(const xml::Element& answer, const std::string& jid) {
    const xml::Element* query = answer.child("query", kDiscoInfoNs);
    if (query == nullptr || answer.attribute("type") != std::optional<std::string_view>("result"))
        return std::nullopt;
    bool offers = false;
    for (const xml::Element* feature : query->childrenNamed("feature", kDiscoInfoNs))
        offers =
            offers || feature->attribute("var") == std::optional<std::string_view>(kHttpUploadNs);
    if (!offers)
        return std::nullopt;
    UploadService service{jid, std::nullopt};
    // The maximum is a field of the service's extended-info form (XEP-0128) for this namespace.
    for (const xml::Element* form : query->childrenNamed("x", kDataFormsNs)) {
        bool ours = false;
        std::optional<std::string> max;
        for (const xml::Element* field : form->childrenNamed("field", kDataFormsNs)) {
            const xml::Element* value = field->child("value", kDataFormsNs);
            if (value == nullptr)
                continue;
            if (field->attribute("var") == std::optional<std::string_view>("FORM_TYPE"))
                ours = value->text == kHttpUploadNs;
            else if (field->attribute("var") == std::optional<std::string_view>("max-file-size"))
                max = value->text;
        }
        std::uint64_t bytes = 0;
        if (ours && max && cloison::parseCanonicalDecimal(*max, UINT64_MAX / 2, bytes))
            service.maxFileSize = bytes;
    }
    return service;
}

xml::Element slotRequest(const UploadService& service, const std::string& fileName,
                         std::uint64_t size, const std::string& contentType,
                         const std::string& id) {
    xml::Element out = iq("get", service.jid, id);
    out.add(xml::Element("request", kHttpUploadNs))
        .set("filename", fileName)
        .set("size", std::to_string(size))
        .set("content-type", contentType);
    return out;
}

Result<UploadSlot> slotFrom(const xml::Element& answer) {
    if (answer.attribute("type") == std::optional<std::string_view>("error")) {
        std::string text;
        const std::string condition = errorCondition(answer, text);
        const std::string said = text.empty() ? condition : condition + ": " + text;
        if (const xml::Element* error = answer.child("error")) {
            if (const xml::Element* tooLarge = error->child("file-too-large", kHttpUploadNs)) {
                const xml::Element* max = tooLarge->child("max-file-size", kHttpUploadNs);
                return makeError(ErrorCode::PolicyRefused,
                                 "the file is too large for the server's upload service" +
                                     (max ? " (at most " + max->text + " bytes)" : std::string()));
            }
        }
        if (condition == "resource-constraint")
            return makeError(ErrorCode::Unreachable,
                             "the server's upload service asks to wait (" + said + ")");
        return makeError(ErrorCode::PolicyRefused,
                         "the server refused the upload slot (" + said + ")");
    }
    const xml::Element* slot = answer.child("slot", kHttpUploadNs);
    const xml::Element* put = slot ? slot->child("put", kHttpUploadNs) : nullptr;
    const xml::Element* get = slot ? slot->child("get", kHttpUploadNs) : nullptr;
    if (put == nullptr || get == nullptr || !put->attribute("url") || !get->attribute("url"))
        return makeError(ErrorCode::InvalidArgument, "the server's upload slot is malformed");
    UploadSlot out{std::string(*put->attribute("url")), std::string(*get->attribute("url")), {}};
    for (const xml::Element* header : put->childrenNamed("header", kHttpUploadNs)) {
        const std::string name(header->attribute("name").value_or(""));
        if ((name == "Authorization" || name == "Cookie" || name == "Expires") &&
            !hasLineBreak(header->text))
            out.putHeaders.emplace_back(name, header->text);
    }
    return out;
}

} // namespace cloison::documents
