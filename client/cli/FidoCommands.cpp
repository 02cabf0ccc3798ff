#include "client/cli/FidoCommands.h"

#include "client/cli/PassphraseSource.h"
#include "client/profile/FidoSlots.h"
#include "crypto/fido/SoftAuthenticator.h"

#include <iostream>

namespace cloison::cli {
namespace {

Result<std::unique_ptr<FidoAuthenticator>> openAuthenticator(const std::string& spec,
                                                             int waitSeconds) {
    auto choice = AuthenticatorChoice::parse(spec);
    if (!choice)
        return choice.error();
    auto opened = FidoAuthenticator::openWhenPresent(
        choice.value(), std::chrono::seconds(waitSeconds), [waitSeconds] {
            std::cerr << "cloison-cli: no security key yet; waiting up to " << waitSeconds
                      << " s for it to be plugged in\n";
        });
    if (!opened)
        return opened.error();
    if (opened.value()->isSoftware())
        std::cerr << "cloison-cli: warning: using the " << opened.value()->description()
                  << "; it protects nothing against someone who has this disk\n";
    return opened;
}

FidoAccess accessFor(const FidoOptions& options, FidoAuthenticator& authenticator) {
    FidoAccess access{&authenticator, {}};
    const std::optional<int> pinFd = options.pinFd;
    access.pin = [pinFd]() {
        return obtainPassphrase({pinFd, "CLOISON_FIDO_PIN", "Security key PIN", false});
    };
    return access;
}

Result<SecretBytes> passphraseOf(const FidoOptions& options) {
    return obtainPassphrase(
        {options.passphraseFd, options.passphraseEnvironment, "Passphrase", false});
}

// What enrol, seal and open-sealed start from: the unlocked profile and the key the command
// works with (--new-authenticator, else the same spec; the unlocking key is closed by now).
struct KeyCommandSession {
    SecretBytes passphrase;
    std::unique_ptr<Profile> profile;
    std::unique_ptr<FidoAuthenticator> authenticator;
};

Result<KeyCommandSession> unlockForKeyCommand(const FidoOptions& options) {
    auto passphrase = passphraseOf(options);
    if (!passphrase)
        return passphrase.error();
    auto profile = unlockProfile(options, passphrase.value());
    if (!profile)
        return profile.error();
    auto authenticator = openAuthenticator(options.newAuthenticator.value_or(options.authenticator),
                                           options.waitSeconds);
    if (!authenticator)
        return authenticator.error();
    return KeyCommandSession{std::move(passphrase.value()), std::move(profile.value()),
                             std::move(authenticator.value())};
}

Result<void> enrol(const FidoOptions& options) {
    auto session = unlockForKeyCommand(options);
    if (!session)
        return session.error();
    auto& [passphrase, profile, authenticator] = session.value();
    FidoAccess access = accessFor(options, *authenticator);
    std::cerr << "cloison-cli: touch the security key to enrol (twice) when it blinks\n";
    auto enrolled = profile->enrolFido(
        passphrase, access, options.withPin ? FidoVerification::Pin : FidoVerification::Presence,
        !options.keepPassphrase);
    if (!enrolled)
        return enrolled.error();
    std::cout << "enrolled security key " << enrolled.value().id << " ("
              << fidoVerificationName(enrolled.value().verification) << ")\n";
    if (!options.keepPassphrase)
        std::cout << "the passphrase alone no longer opens this profile\n";
    return {};
}

Result<void> list(const FidoOptions& options) {
    auto slots = Profile::fidoSlots(options.profileDir);
    if (!slots)
        return slots.error();
    for (const FidoSlotInfo& slot : slots.value())
        std::cout << slot.id << ' ' << fidoVerificationName(slot.verification) << ' ' << slot.rpId
                  << '\n';
    return {};
}

Result<void> remove(const FidoOptions& options, const std::string& id) {
    auto passphrase = passphraseOf(options);
    if (!passphrase)
        return passphrase.error();
    auto profile = unlockProfile(options, passphrase.value());
    if (!profile)
        return profile.error();
    if (auto removed = profile.value()->removeFido(id); !removed)
        return removed;
    std::cout << "removed security key " << id << '\n';
    return {};
}

Result<void> seal(const FidoOptions& options, const std::string& name) {
    auto session = unlockForKeyCommand(options);
    if (!session)
        return session.error();
    auto& [passphrase, profile, authenticator] = session.value();
    FidoAccess access = accessFor(options, *authenticator);
    std::cerr << "cloison-cli: touch the security key to seal (twice) when it blinks\n";
    if (auto sealed = profile->sealCompartment(
            name, access, options.withPin ? FidoVerification::Pin : FidoVerification::Presence);
        !sealed)
        return sealed;
    std::cout << "sealed compartment " << name << ": it now opens only with that key's touch\n";
    return {};
}

Result<void> openSealed(const FidoOptions& options, const std::string& name) {
    auto session = unlockForKeyCommand(options);
    if (!session)
        return session.error();
    auto& [passphrase, profile, authenticator] = session.value();
    FidoAccess access = accessFor(options, *authenticator);
    std::cerr << "cloison-cli: touch the compartment's security key when it blinks\n";
    auto opened = profile->openSealedCompartment(name, access);
    if (!opened)
        return opened.error();
    std::cout << "opened sealed compartment " << name << '\n';
    return {};
}

Result<void> setPin(const FidoOptions& options) {
    auto authenticator = openAuthenticator(options.authenticator, options.waitSeconds);
    if (!authenticator)
        return authenticator.error();
    auto pin = obtainPassphrase({options.pinFd, "CLOISON_FIDO_PIN", "New security key PIN", true});
    if (!pin)
        return pin.error();
    if (auto set = authenticator.value()->setPin(pin.value()); !set)
        return set;
    std::cout << "PIN set\n";
    return {};
}

Result<void> softInit(const FidoOptions& options) {
    auto choice = AuthenticatorChoice::parse(options.authenticator);
    if (!choice)
        return choice.error();
    if (choice.value().kind != AuthenticatorChoice::Kind::Software)
        return makeError(ErrorCode::InvalidArgument,
                         "fido soft-init needs --authenticator soft:DIR");
    fido::SoftAuthenticatorOptions soft;
    soft.hmacSecret = !options.softWithoutHmacSecret;
    if (auto created = fido::SoftAuthenticator::create(choice.value().path, soft); !created)
        return created;
    std::cout << "created a software authenticator in " << choice.value().path
              << " (NOT a hardware security key: for tests and demos only)\n";
    return {};
}

} // namespace

namespace {

Result<std::unique_ptr<Profile>> unlockOnce(const FidoOptions& options,
                                            const SecretBytes& passphrase) {
    auto slots = Profile::fidoSlots(options.profileDir);
    if (!slots)
        return slots.error();
    if (slots.value().empty())
        return Profile::unlock(options.profileDir, passphrase);
    auto authenticator = openAuthenticator(options.authenticator, options.waitSeconds);
    if (!authenticator) {
        // Maybe a passphrase-only slot is still there (FIDO optional): try it alone.
        auto plain = Profile::unlock(options.profileDir, passphrase);
        if (plain || plain.error().code != ErrorCode::NoAuthenticator)
            return plain;
        return authenticator.error();
    }
    FidoAccess access = accessFor(options, *authenticator.value());
    std::cerr << "cloison-cli: touch your security key when it blinks\n";
    return Profile::unlock(options.profileDir, passphrase, access);
}

} // namespace

Result<std::unique_ptr<Profile>> unlockProfile(const FidoOptions& options,
                                               const SecretBytes& passphrase) {
    auto profile = unlockOnce(options, passphrase);
    // Logged by every compartment once the profile is next unlocked (issue 6).
    if (!profile && profile.error().code == ErrorCode::WrongPassphrase)
        Profile::noteUnlockFailure(options.profileDir);
    return profile;
}

Result<void> changePassphrase(const FidoOptions& options, Profile& profile,
                              const SecretBytes& current, const SecretBytes& next) {
    auto slots = Profile::fidoSlots(options.profileDir);
    if (!slots)
        return slots.error();
    if (slots.value().empty())
        return profile.changePassphrase(current, next);
    auto authenticator = openAuthenticator(options.authenticator, options.waitSeconds);
    if (!authenticator)
        return profile.changePassphrase(current, next); // maybe a passphrase slot
    FidoAccess access = accessFor(options, *authenticator.value());
    std::cerr << "cloison-cli: touch your security key again to change its slot's passphrase\n";
    auto changed = profile.changePassphrase(current, next, access);
    if (changed && slots.value().size() > 1)
        std::cerr << "cloison-cli: note: other enrolled keys keep the old passphrase until you run "
                     "passwd with each of them\n";
    return changed;
}

Result<void> runFido(const FidoOptions& options, const std::vector<std::string>& words) {
    const auto usage = [] {
        return makeError(ErrorCode::InvalidArgument,
                         "expected 'fido enroll', 'fido list', 'fido remove ID', 'fido seal NAME', "
                         "'fido open-sealed NAME', 'fido set-pin' or 'fido soft-init'");
    };
    if (words.empty())
        return usage();
    const std::string& verb = words[0];
    if (verb == "enroll" && words.size() == 1)
        return enrol(options);
    if (verb == "list" && words.size() == 1)
        return list(options);
    if (verb == "remove" && words.size() == 2)
        return remove(options, words[1]);
    if (verb == "seal" && words.size() == 2)
        return seal(options, words[1]);
    if (verb == "open-sealed" && words.size() == 2)
        return openSealed(options, words[1]);
    if (verb == "set-pin" && words.size() == 1)
        return setPin(options);
    if (verb == "soft-init" && words.size() == 1)
        return softInit(options);
    return usage();
}

} // namespace cloison::cli
