// A small, bounded XML tree for single stanzas. Parsing goes through Qt's QXmlStreamReader with
// hard limits (size, depth, element count) and refuses any DTD, so entity tricks and oversized
// input fail with a clear error instead of consuming memory. Serialising writes each namespace
// once, where it changes, as XMPP clients do.
#pragma once

#include "crypto/Result.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cloison::xml {

struct Limits {
    std::size_t maxBytes = 512 * 1024; // a stanza with 100 devices is well under this
    int maxDepth = 32;
    std::size_t maxElements = 8192;
};

struct Element {
    std::string name;
    std::string ns; // empty when building: inherit the parent's namespace
    std::vector<std::pair<std::string, std::string>> attributes;
    std::vector<Element> children;
    std::string text; // character data directly inside this element

    Element() = default;
    Element(std::string elementName, std::string elementNs = {})
        : name(std::move(elementName)), ns(std::move(elementNs)) {}

    // First child with this name and, when given, this namespace.
    const Element* child(std::string_view childName, std::string_view childNs = {}) const;
    std::vector<const Element*> childrenNamed(std::string_view childName,
                                              std::string_view childNs = {}) const;
    std::optional<std::string_view> attribute(std::string_view attributeName) const;

    // Builders.
    Element& add(Element element) {
        children.push_back(std::move(element));
        return children.back();
    }
    Element& set(std::string attributeName, std::string value) {
        attributes.emplace_back(std::move(attributeName), std::move(value));
        return *this;
    }
    Element& withText(std::string value) {
        text = std::move(value);
        return *this;
    }
};

// InvalidArgument with a message saying what was wrong (malformed, too large, too deep, DTD).
[[nodiscard]] Result<Element> parse(std::string_view document, const Limits& limits = {});
std::string serialize(const Element& element);
// Character data escaped for use between tags.
std::string escapeText(std::string_view text);

} // namespace cloison::xml
