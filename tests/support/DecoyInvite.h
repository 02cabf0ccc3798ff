// An admin who invited a member to "finance" and then provisions a decoy compartment
// "Donors" for them, in-process (no server): for tests of the decoy invite and of how the app
// shows a decoy. The member's profile is DIR/member, unlocked with `passphrase`.
#pragma once

#include "client/provisioning/AdminVault.h"
#include "client/provisioning/Decoy.h"
#include "client/provisioning/MemberImport.h"
#include "tests/support/TempDir.h"

#include <catch2/catch.hpp>

namespace cloison::test {

// An admin who invited a member to "finance" (so knows their enrolment), and that member.
struct Invited {
    TempDir dir;
    std::unique_ptr<provisioning::AdminVault> admin;
    std::unique_ptr<Profile> member;
    provisioning::Enrolment enrolment;

    explicit Invited(const SecretBytes& passphrase) {
        admin = provisioning::AdminVault::create(dir / "admin", passphrase, Argon2idParams::light())
                    .value();
        member = Profile::create(dir / "member", passphrase, Argon2idParams::light()).value();
        REQUIRE(admin->defineCompartment(definition("finance")));
        auto request = provisioning::enrollRequest(*member, "Bea");
        REQUIRE(request);
        REQUIRE(admin->writeInvite("finance", request.value(), "bea@localhost",
                                   SecretBytes::fromString("r4ndom-Passw0rd")));
        auto found = admin->enrolmentOf("bea@localhost");
        REQUIRE(found);
        enrolment = found.value();
    }
    static provisioning::CompartmentDefinition definition(const std::string& name) {
        provisioning::CompartmentDefinition d;
        d.name = name;
        d.host = "127.0.0.1";
        d.pin = std::string(64, 'a');
        d.room = "c-0011223344556677@conference.localhost";
        d.rosterOwner = "admin@localhost";
        return d;
    }
    provisioning::DecoyContent content() const {
        provisioning::DecoyContent c;
        c.history = provisioning::plausibleHistory(
            "anna.weber@localhost",
            {"grace.hughes@localhost", "marc.davies@localhost", "nina.young@localhost"},
            "felix.moreau@localhost / Summerriver123!", 1'790'000'000'000);
        c.documentName = "Donor briefing - arrangements.txt";
        c.document = "Ref. 0000-0000-0000-0001\nthe memo\n";
        c.documentFrom = "grace.hughes@localhost";
        c.documentAtMs = 1'789'000'000'000;
        return c;
    }
    std::string decoyInvite() const {
        auto invite =
            admin->writeDecoyInvite(enrolment, definition("Donors"), "anna.weber@localhost",
                                    SecretBytes::fromString("Maplecoffee42?"), content(), 14);
        REQUIRE(invite);
        return invite.value();
    }
    provisioning::ImportOptions trusting() const {
        provisioning::ImportOptions options;
        options.orgFingerprint = admin->fingerprint();
        return options;
    }
};

} // namespace cloison::test
