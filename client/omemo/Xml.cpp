#include "client/omemo/Xml.h"

#include <QByteArray>
#include <QXmlStreamReader>

namespace cloison::xml {
namespace {

std::string toStd(QStringView text) {
    return text.toString().toStdString();
}

Error parseError(const std::string& what) {
    return makeError(ErrorCode::InvalidArgument, "malformed XML stanza: " + what);
}

void escapeInto(std::string& out, std::string_view text, bool attribute) {
    for (char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += attribute ? "&quot;" : "\"";
            break;
        default:
            out += c;
        }
    }
}

void serializeInto(std::string& out, const Element& element, std::string_view parentNs) {
    out += '<';
    out += element.name;
    const std::string_view ns = element.ns.empty() ? parentNs : std::string_view(element.ns);
    if (ns != parentNs) {
        out += " xmlns=\"";
        escapeInto(out, ns, true);
        out += '"';
    }
    for (const auto& [key, value] : element.attributes) {
        out += ' ';
        out += key;
        out += "=\"";
        escapeInto(out, value, true);
        out += '"';
    }
    if (element.children.empty() && element.text.empty()) {
        out += "/>";
        return;
    }
    out += '>';
    escapeInto(out, element.text, false);
    for (const Element& child : element.children)
        serializeInto(out, child, ns);
    out += "</";
    out += element.name;
    out += '>';
}

} // namespace

const Element* Element::child(std::string_view childName, std::string_view childNs) const {
    for (const Element& candidate : children) {
        if (candidate.name == childName && (childNs.empty() || candidate.ns == childNs))
            return &candidate;
    }
    return nullptr;
}

std::vector<const Element*> Element::childrenNamed(std::string_view childName,
                                                   std::string_view childNs) const {
    std::vector<const Element*> out;
    for (const Element& candidate : children) {
        if (candidate.name == childName && (childNs.empty() || candidate.ns == childNs))
            out.push_back(&candidate);
    }
    return out;
}

std::optional<std::string_view> Element::attribute(std::string_view attributeName) const {
    for (const auto& [key, value] : attributes) {
        if (key == attributeName)
            return std::string_view(value);
    }
    return std::nullopt;
}

Result<Element> parse(std::string_view document, const Limits& limits) {
    if (document.size() > limits.maxBytes)
        return parseError("larger than " + std::to_string(limits.maxBytes) + " bytes");
    QXmlStreamReader reader(
        QByteArray::fromRawData(document.data(), static_cast<qsizetype>(document.size())));
    reader.setNamespaceProcessing(true);

    Element root;
    std::vector<Element*> stack;
    std::size_t elements = 0;
    bool done = false;
    while (!reader.atEnd()) {
        const auto token = reader.readNext();
        switch (token) {
        case QXmlStreamReader::DTD:
        case QXmlStreamReader::EntityReference:
            return parseError("DTDs and entity declarations are not allowed");
        case QXmlStreamReader::StartElement: {
            if (done)
                return parseError("more than one top-level element");
            if (++elements > limits.maxElements)
                return parseError("more than " + std::to_string(limits.maxElements) + " elements");
            if (static_cast<int>(stack.size()) >= limits.maxDepth)
                return parseError("nested deeper than " + std::to_string(limits.maxDepth));
            Element* element = stack.empty() ? &root : &stack.back()->add(Element());
            element->name = toStd(reader.name());
            element->ns = toStd(reader.namespaceUri());
            for (const QXmlStreamAttribute& attribute : reader.attributes()) {
                const std::string prefix = toStd(attribute.prefix());
                std::string key = prefix.empty() ? toStd(attribute.name())
                                                 : prefix + ":" + toStd(attribute.name());
                element->attributes.emplace_back(std::move(key), toStd(attribute.value()));
            }
            stack.push_back(element);
            break;
        }
        case QXmlStreamReader::EndElement:
            stack.pop_back();
            done = stack.empty();
            break;
        case QXmlStreamReader::Characters:
            if (!stack.empty())
                stack.back()->text += toStd(reader.text());
            else if (!reader.isWhitespace())
                return parseError("text outside the top-level element");
            break;
        case QXmlStreamReader::Invalid:
            return parseError(reader.errorString().toStdString());
        default:
            break;
        }
    }
    if (reader.hasError())
        return parseError(reader.errorString().toStdString());
    if (!done)
        return parseError("no complete top-level element");
    return root;
}

std::string escapeText(std::string_view text) {
    std::string out;
    escapeInto(out, text, false);
    return out;
}

std::string serialize(const Element& element) {
    std::string out;
    serializeInto(out, element, {});
    return out;
}

} // namespace cloison::xml
