// A link guard over Debian's public suffix list, shared by the link guard tests.
#pragma once

#include "client/linkguard/LinkGuard.h"

#include <catch2/catch.hpp>

namespace cloison::test {

inline std::shared_ptr<const linkguard::PublicSuffixList> publicSuffixes() {
    static const auto list = [] {
        auto loaded = linkguard::PublicSuffixList::load();
        REQUIRE(loaded);
        return std::make_shared<const linkguard::PublicSuffixList>(std::move(loaded.value()));
    }();
    return list;
}

inline linkguard::LinkGuard makeGuard(const std::vector<std::string>& trusted) {
    auto guard = linkguard::LinkGuard::create(publicSuffixes());
    REQUIRE(guard);
    auto set = guard.value().setTrustedDomains(trusted);
    INFO((set ? std::string() : set.error().message));
    REQUIRE(set);
    return std::move(guard.value());
}

} // namespace cloison::test
