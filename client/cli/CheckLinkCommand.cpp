#include "client/cli/CheckLinkCommand.h"

#include "client/cli/CommandLine.h"
#include "client/linkguard/Json.h"
#include "client/linkguard/LinkAudit.h"
#include "client/linkguard/LinkGuard.h"
#include "client/linkguard/LinkPolicyStore.h"
#include "crypto/AtomicFile.h"

#include <fstream>
#include <iostream>
#include <iterator>

namespace cloison::cli {
namespace {

using namespace cloison::linkguard;

Error usage(const std::string& message) {
    return makeError(ErrorCode::InvalidArgument, message);
}

Result<LinkGuard> makeGuard() {
    auto suffixes = PublicSuffixList::load();
    if (!suffixes)
        return suffixes.error();
    return LinkGuard::create(std::make_shared<const PublicSuffixList>(std::move(suffixes.value())));
}

struct CheckLinkOptions {
    std::vector<std::string> trusted;
    std::optional<std::string> compartment;
    std::optional<std::string> orgKeyHex;
    std::optional<std::string> blocklistFile;
    bool fromStdin = false;
    std::vector<std::string> urls;
};

Result<CheckLinkOptions> parseOptions(const std::vector<std::string>& args) {
    CheckLinkOptions options;
    bool onlyUrls = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (onlyUrls || !arg.starts_with("--")) {
            options.urls.push_back(arg);
            continue;
        }
        if (arg == "--") {
            onlyUrls = true;
            continue;
        }
        if (arg == "--stdin") {
            options.fromStdin = true;
            continue;
        }
        if (i + 1 >= args.size())
            return usage(arg + " needs a value");
        const std::string& value = args[++i];
        if (arg == "--trusted") {
            for (std::string& domain : splitCommas(value))
                options.trusted.push_back(std::move(domain));
        } else if (arg == "--compartment") {
            options.compartment = value;
        } else if (arg == "--org-key") {
            options.orgKeyHex = value;
        } else if (arg == "--blocklist") {
            options.blocklistFile = value;
        } else {
            return usage("unknown check-link option " + arg);
        }
    }
    if (options.urls.empty() && !options.fromStdin)
        return usage("check-link needs at least one URL (or --stdin)");
    if (options.blocklistFile && !options.orgKeyHex)
        return usage("--blocklist needs --org-key (the organisation's public key in hex)");
    return options;
}

// Loads the compartment's trusted domains and, with an org key, its stored blocklist; installs
// a new blocklist first when one is given (refused when older than the one held).
Result<void> applyCompartment(const CheckLinkOptions& options, const ProfileUnlocker& unlock,
                              const Bytes& orgKey, std::optional<std::string>& blocklistDocument,
                              std::vector<std::string>& trusted, std::optional<Blocklist>& list) {
    auto profile = unlock();
    if (!profile)
        return profile.error();
    auto vault = profile.value()->compartmentVault(*options.compartment);
    if (!vault)
        return vault.error();
    LinkPolicyStore store(*vault.value());
    auto domains = store.trustedDomains();
    if (!domains)
        return domains.error();
    trusted.insert(trusted.end(), domains.value().begin(), domains.value().end());
    if (orgKey.empty())
        return {};
    if (blocklistDocument) {
        auto installed = store.installBlocklist(*blocklistDocument, orgKey);
        if (!installed)
            return installed.error();
        auto log = audit::KeyEventLog::open(*vault.value(), *options.compartment);
        if (!log)
            return log.error();
        if (auto logged = logBlocklistInstalled(log.value(), installed.value().version,
                                                installed.value().domains.size());
            !logged)
            return logged;
        list = std::move(installed.value());
        blocklistDocument.reset();
        return {};
    }
    auto stored = store.blocklist(orgKey);
    if (!stored)
        return stored.error();
    list = std::move(stored.value());
    return {};
}

} // namespace

Result<int> runCheckLink(const std::vector<std::string>& args, const ProfileUnlocker& unlock,
                         std::istream& in, std::ostream& out) {
    auto parsed = parseOptions(args);
    if (!parsed)
        return parsed.error();
    const CheckLinkOptions& options = parsed.value();

    Bytes orgKey;
    if (options.orgKeyHex) {
        auto key = fromHex(*options.orgKeyHex);
        if (!key || key.value().size() != 32)
            return usage("--org-key takes the organisation's 32-byte public key in hex");
        orgKey = std::move(key.value());
    }
    std::optional<std::string> blocklistDocument;
    if (options.blocklistFile) {
        auto document = readFileLimited(*options.blocklistFile, kMaxBlocklistBytes);
        if (!document)
            return document.error();
        blocklistDocument = std::move(document.value());
    }
    std::vector<std::string> trusted = options.trusted;
    std::optional<Blocklist> blocklist;
    if (options.compartment) {
        if (auto applied =
                applyCompartment(options, unlock, orgKey, blocklistDocument, trusted, blocklist);
            !applied)
            return applied.error();
    }
    if (blocklistDocument) {
        auto verified = parseSignedBlocklist(*blocklistDocument, orgKey);
        if (!verified)
            return verified.error();
        blocklist = std::move(verified.value());
    }

    auto guard = makeGuard();
    if (!guard)
        return guard.error();
    if (auto set = guard.value().setTrustedDomains(trusted); !set)
        return set.error();
    if (blocklist)
        guard.value().setBlocklist(*blocklist);

    std::vector<LinkCheck> checks;
    for (const std::string& url : options.urls)
        checks.push_back(guard.value().check(url));
    if (options.fromStdin) {
        std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        for (LinkCheck& check : guard.value().checkText(text))
            checks.push_back(std::move(check));
    }
    int exit = 0;
    for (const LinkCheck& check : checks) {
        out << toJson(check) << '\n';
        if (needsConfirmation(check.verdict))
            exit = kExitLinkFlagged;
    }
    return exit;
}

Result<int> runTrustDomains(const std::string& compartment,
                            const std::optional<std::string>& domains,
                            const ProfileUnlocker& unlock, std::ostream& out) {
    std::vector<std::string> list;
    if (domains) {
        list = splitCommas(*domains);
        auto guard = makeGuard();
        if (!guard)
            return guard.error();
        if (auto valid = guard.value().setTrustedDomains(list); !valid)
            return valid.error();
        list.clear();
        for (const auto& domain : guard.value().trusted().domains())
            list.push_back(domain.ascii);
    }
    auto profile = unlock();
    if (!profile)
        return profile.error();
    auto vault = profile.value()->compartmentVault(compartment);
    if (!vault)
        return vault.error();
    LinkPolicyStore store(*vault.value());
    if (domains) {
        if (auto stored = store.setTrustedDomains(list); !stored)
            return stored.error();
        out << "compartment " << compartment << " trusts " << list.size() << " domain"
            << (list.size() == 1 ? "" : "s") << '\n';
        return 0;
    }
    auto current = store.trustedDomains();
    if (!current)
        return current.error();
    for (const std::string& domain : current.value())
        out << domain << '\n';
    return 0;
}

} // namespace cloison::cli
