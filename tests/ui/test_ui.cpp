// The desktop app driven as a person would (QtTest on the offscreen platform), against the real
// core and a real Prosody on loopback: unlock and back-off, lock, compartments, drafts that
// never cross compartments, sending and receiving, warnings, and text shown literally.
#include "client/documents/DocumentTransfer.h"
#include "client/linkguard/LinkPolicyStore.h"
#include "client/omemo/Stanzas.h"
#include "client/profile/FidoSlots.h"
#include "client/provisioning/Documents.h"
#include "client/provisioning/MemberImport.h"
#include "client/xmpp/AccountStore.h"
#include "client/xmpp/ServerAdmin.h"
#include "crypto/Hash.h"
#include "crypto/fido/SoftAuthenticator.h"
#include "storage/OmemoStore.h"
#include "storage/SettingsRepository.h"
#include "tests/support/DecoyInvite.h"
#include "tests/support/Files.h"
#include "tests/support/ProsodyServer.h"
#include "tests/support/StaffTools.h"
#include "tests/support/TempDir.h"
#include "ui/DeviceVerification.h"
#include "ui/MainWindow.h"
#include "ui/TextDisplay.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QFrame>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QTranslator>

#include <catch2/catch.hpp>

using namespace cloison;
using namespace cloison::test;
using cloison::ui::CompartmentView;
using cloison::ui::MainWindow;
using Type = xmpp::ServiceEvent::Type;

// Under ASan: fontconfig, which Qt's font database loads, keeps a cache it never frees (a
// library's own allocation, not one of ours); LeakSanitizer reads this list at exit.
extern "C" const char* __lsan_default_suppressions() {
    return "leak:libfontconfig.so\n";
}

namespace {

QApplication& app() {
    static int argc = 1;
    static char name[] = "test_ui";
    static char* argv[] = {name, nullptr};
    // Reachable for the whole run (a static pointer), so the leak checker does not count it.
    static QApplication* instance = [] {
        qputenv("QT_QPA_PLATFORM", "offscreen");
        return new QApplication(argc, argv);
    }();
    return *instance;
}

// Runs the event loop until `done` or about 30 s; every wait in these tests is bounded.
template <typename Predicate> bool waitFor(Predicate done, int rounds = 600) {
    for (int i = 0; i < rounds; ++i) {
        if (done())
            return true;
        QTest::qWait(50);
    }
    return done();
}

const SecretBytes& passphrase() {
    static const SecretBytes secret = SecretBytes::fromString("correct horse");
    return secret;
}

struct AccountSpec {
    std::string compartment;
    std::string user; // empty: no account
};

// A profile on disk, as the app finds it: compartments, each with its own account.
struct TestProfile {
    TempDir dir;
    std::filesystem::path path;

    TestProfile(const std::vector<AccountSpec>& specs, const ProsodyServer* server) {
        path = dir / "profile";
        auto profile = Profile::create(path, passphrase(), Argon2idParams::light()).value();
        for (const auto& spec : specs) {
            REQUIRE(profile->addCompartment(spec.compartment));
            if (spec.user.empty() || !server)
                continue;
            storage::Vault* vault = profile->compartmentVault(spec.compartment).value();
            xmpp::StoredAccount account;
            account.settings.jid = spec.user + "@localhost";
            account.settings.host = server->host();
            account.settings.port = server->port();
            account.settings.pin = server->spkiSha256Hex();
            account.password = SecretBytes::fromString(spec.user + "-password");
            REQUIRE(xmpp::saveAccount(*vault, account));
            REQUIRE(linkguard::LinkPolicyStore(*vault).setTrustedDomains({"en-marche.fr"}));
        }
        profile->lock();
    }
};

// A correspondent outside the app: a compartment driven through the core directly.
struct Peer {
    TempDir dir;
    std::string jid;
    std::unique_ptr<Profile> profile;
    std::unique_ptr<xmpp::CompartmentService> service;
    std::vector<xmpp::ServiceEvent> seen;

    // Another resource of the same user is another device of that account.
    Peer(const ProsodyServer& server, const std::string& user,
         const std::string& resource = "cloison")
        : jid(user + "@localhost") {
        profile = Profile::create(dir / "p", passphrase(), Argon2idParams::light()).value();
        const std::string id = profile->addCompartment("chat").value().id;
        xmpp::AccountSettings account{jid, server.host(), server.port(), server.spkiSha256Hex()};
        account.resource = resource;
        service = xmpp::CompartmentService::start(
                      *profile->compartmentVault("chat").value(), account,
                      SecretBytes::fromString(user + "-password"), {id, xmpp::TrustMode::Manual})
                      .value();
    }

    void pump() {
        while (auto event = service->nextEvent(std::chrono::milliseconds(0)))
            seen.push_back(*event);
    }
    bool saw(Type type) const {
        return std::any_of(seen.begin(), seen.end(), [&](const auto& e) { return e.type == type; });
    }
    std::vector<std::pair<std::string, std::string>> received() const {
        std::vector<std::pair<std::string, std::string>> out;
        for (const auto& event : seen)
            if (event.type == Type::MessageReceived)
                out.emplace_back(event.from, event.text);
        return out;
    }
    bool hasReceived(const std::string& from, const std::string& text) const {
        const auto all = received();
        return std::find(all.begin(), all.end(), std::pair{from, text}) != all.end();
    }
    // The app's device list may still be on its way: try again as a person would.
    bool sendUntilDelivered(const std::string& to, const std::string& text) {
        for (int attempt = 0; attempt < 40; ++attempt) {
            const std::string id = service->send(to, text);
            const bool settled = waitFor(
                [&] {
                    pump();
                    return std::any_of(seen.begin(), seen.end(), [&](const auto& e) {
                        return e.stanzaId == id && (e.type == Type::MessageDelivered ||
                                                    e.type == Type::MessageUndeliverable);
                    });
                },
                200);
            const bool refused = std::any_of(seen.begin(), seen.end(), [&](const auto& e) {
                return e.stanzaId == id && e.type == Type::MessageUndeliverable;
            });
            if (settled && !refused)
                return true;
            QTest::qWait(200);
        }
        return false;
    }
};

void unlock(MainWindow& window, const char* text = "correct horse") {
    auto* field = window.unlockScreen()->passphraseField();
    REQUIRE(waitFor([&] { return field->isEnabled(); }));
    field->clear();
    QTest::keyClicks(field, QString::fromUtf8(text));
    QTest::mouseClick(window.unlockScreen()->unlockButton(), Qt::LeftButton);
}

ui::WindowOptions optionsFor(const std::filesystem::path& profile) {
    ui::WindowOptions options;
    options.profile = profile;
    options.idleLockSeconds = 0;
    return options;
}

ui::WindowOptions optionsFor(const TestProfile& profile) {
    return optionsFor(profile.path);
}

// A Prosody on loopback, the app unlocked on a profile whose compartments have accounts there,
// and bob outside the app; ready once everyone is online.
struct Scene {
    std::unique_ptr<ProsodyServer> server;
    std::unique_ptr<TestProfile> profile;
    std::unique_ptr<Peer> bob;
    std::unique_ptr<MainWindow> window;

    explicit Scene(const std::vector<AccountSpec>& specs,
                   std::optional<std::uint64_t> uploadLimit = std::nullopt) {
        ProsodyOptions options;
        options.withRooms = false;
        options.uploadLimit = uploadLimit;
        for (const auto& spec : specs)
            options.accounts.emplace_back(spec.user, spec.user + "-password");
        options.accounts.emplace_back("bob", "bob-password");
        server = ProsodyServer::start(options);
        profile = std::make_unique<TestProfile>(specs, server.get());
        bob = std::make_unique<Peer>(*server, "bob");
        window = std::make_unique<MainWindow>(optionsFor(*profile));
        window->resize(1100, 700);
        window->show();
        unlock(*window);
        REQUIRE(waitFor([&] { return !window->isLocked(); }));
        REQUIRE(waitFor([&] {
            bob->pump();
            bool online = bob->saw(Type::Ready);
            for (const auto& spec : specs)
                online = online && window->view(spec.compartment)->online();
            return online;
        }));
    }
};

// Types into a compartment's composer and sends, as a person does; retries while the peer's
// devices are not known yet (the message then shows as not sent).
bool sendFromView(CompartmentView& view, const std::string& conversation, const QString& text) {
    view.selectConversation(QString::fromStdString(conversation));
    for (int attempt = 0; attempt < 40; ++attempt) {
        view.composer()->setFocus();
        QTest::keyClicks(view.composer(), text);
        QTest::mouseClick(view.sendButton(), Qt::LeftButton);
        if (!view.composer()->toPlainText().isEmpty())
            return false;
        const bool settled = waitFor(
            [&] {
                const auto& history = view.history(conversation);
                return !history.empty() &&
                       history.back().delivery != CompartmentView::Delivery::Sending;
            },
            200);
        if (settled &&
            view.history(conversation).back().delivery == CompartmentView::Delivery::Delivered)
            return true;
        QTest::qWait(200);
    }
    return false;
}

} // namespace

TEST_CASE("a document link is shown as a document and its key never") {
    app();
    const std::string key(88, 'c');
    const QString shown =
        ui::renderBody("aesgcm://127.0.0.1:5281/file_share/x/plan.pdf#" + key, nullptr).text;
    CHECK(shown.contains(QStringLiteral("plan.pdf")));
    CHECK(!shown.contains(QString::fromStdString(key)));
    CHECK(!shown.contains(QStringLiteral("aesgcm")));
}

TEST_CASE("hidden characters are shown by name, markup as typed") {
    app();
    CHECK(ui::visibleText(QString::fromUtf8("a\u202Eb\u200Bc\u2066d\u00ADe")) ==
          QString::fromUtf8("a⟨U+202E⟩b⟨U+200B⟩c⟨U+2066⟩d⟨U+00AD⟩e"));
    CHECK(ui::visibleText(QStringLiteral("<b>x</b>\n\tok")) == QStringLiteral("<b>x</b>\n\tok"));
    CHECK(ui::visibleText(QString::fromUtf8("\x07\u3164\uFE0F\U000E0041")) ==
          QString::fromUtf8("⟨U+0007⟩⟨U+3164⟩⟨U+FE0F⟩⟨U+E0041⟩"));
    CHECK(ui::visibleText(QString::fromUtf8("été 日本 🙂")) ==
          QString::fromUtf8("été 日本 🙂"));
}

TEST_CASE("the French translation is built in, and every control has an accessible name") {
    app();
    QTranslator french;
    REQUIRE(french.load(QStringLiteral(":/i18n/cloison_fr.qm")));
    QApplication::installTranslator(&french);
    TestProfile profile({{"finance", ""}}, nullptr);
    {
        MainWindow window(optionsFor(profile));
        window.show();
        unlock(window, "wrong");
        REQUIRE(waitFor([&] { return window.unlockScreen()->failures() == 1; }));
        CHECK(window.unlockScreen()->statusLabel()->text() ==
              QStringLiteral("Phrase de passe incorrecte."));
        unlock(window);
        REQUIRE(waitFor([&] { return !window.isLocked(); }));
        CHECK(window.lockButton()->text() == QStringLiteral("Verrouiller (Ctrl+L)"));
        CHECK(window.importAction()->text() == QStringLiteral("&Importer une invitation…"));
        for (QWidget* widget : window.findChildren<QWidget*>()) {
            if (!widget->isVisible() ||
                !(qobject_cast<QAbstractButton*>(widget) || qobject_cast<QLineEdit*>(widget) ||
                  qobject_cast<QPlainTextEdit*>(widget)))
                continue;
            const bool named = !widget->accessibleName().isEmpty() ||
                               (qobject_cast<QAbstractButton*>(widget) &&
                                !qobject_cast<QAbstractButton*>(widget)->text().isEmpty());
            CHECK(named);
        }
    }
    QApplication::removeTranslator(&french);
}

TEST_CASE("copied text is cleared from the clipboard after the delay, unless replaced") {
    app();
    ui::ClipboardGuard guard(200);
    QPlainTextEdit view;
    view.setReadOnly(true);
    view.setPlainText(QStringLiteral("copied from a compartment"));
    view.show();
    view.activateWindow();
    REQUIRE(QTest::qWaitForWindowActive(&view));
    view.selectAll();
    view.copy();
    REQUIRE(QGuiApplication::clipboard()->text() == QStringLiteral("copied from a compartment"));
    REQUIRE(waitFor([&] { return guard.pending(); }, 20));
    REQUIRE(waitFor([] { return QGuiApplication::clipboard()->text().isEmpty(); }, 100));
    CHECK_FALSE(guard.pending());
}

TEST_CASE("unlock: a wrong passphrase is refused clearly with a growing wait, and lock wipes") {
    app();
    TestProfile profile({{"finance", ""}, {"speeches", ""}}, nullptr);
    MainWindow window(optionsFor(profile));
    window.show();
    REQUIRE(window.isLocked());

    for (int attempt = 1; attempt <= ui::UnlockScreen::kFreeTries; ++attempt) {
        unlock(window, "wrong");
        REQUIRE(waitFor([&] { return window.unlockScreen()->failures() == attempt; }));
        CHECK(window.unlockScreen()->statusLabel()->text().startsWith(
            QStringLiteral("Wrong passphrase.")));
        CHECK(window.isLocked());
    }
    // After the free tries, the screen waits before it accepts another.
    CHECK_FALSE(window.unlockScreen()->unlockButton()->isEnabled());
    CHECK(window.unlockScreen()->statusLabel()->text().contains(QStringLiteral("wait")));
    CHECK(window.unlockScreen()->passphraseField()->text().isEmpty());

    unlock(window);
    REQUIRE(waitFor([&] { return !window.isLocked(); }));
    REQUIRE(window.rail()->count() == 2);
    CHECK(window.rail()->item(0)->text() == QStringLiteral("finance"));
    CHECK(window.banner()->text().contains(QStringLiteral("FINANCE")));
    CHECK(window.windowTitle().contains(QStringLiteral("finance")));
    window.selectCompartment("speeches");
    CHECK(window.banner()->text().contains(QStringLiteral("SPEECHES")));
    CHECK(window.currentView() == window.view("speeches"));
    // A compartment without an account says so and refuses to send.
    CHECK_FALSE(window.currentView()->composer()->isEnabled());

    QTest::mouseClick(window.lockButton(), Qt::LeftButton);
    CHECK(window.isLocked());
    CHECK(window.view("finance") == nullptr);
    CHECK(window.rail()->count() == 0);
    CHECK(window.unlockScreen()->isVisible());
}

TEST_CASE("a duress unlock in the app shows only the decoys with nothing to mark them") {
    app();
    TempDir dir;
    const auto path = dir / "p";
    {
        auto profile = Profile::create(path, passphrase(), Argon2idParams::light()).value();
        REQUIRE(profile->addCompartment("finance"));
        REQUIRE(profile->addCompartment("logistics", CompartmentKind::Decoy));
        REQUIRE(profile->setDuressPassphrase(SecretBytes::fromString("tulips")));
    }
    MainWindow window(optionsFor(path));
    window.show();
    unlock(window, "tulips");
    REQUIRE(waitFor([&] { return !window.isLocked(); }));
    REQUIRE(window.rail()->count() == 1);
    CHECK(window.rail()->item(0)->text() == QStringLiteral("logistics"));
    CHECK(window.banner()->text().contains(QStringLiteral("LOGISTICS")));
    CHECK(window.view("finance") == nullptr);
    // No word on screen gives it away: not in the banner, the title or the key events, although
    // the decoy's log holds the duress unlock for the auditor.
    QStringList shown{window.banner()->text(), window.windowTitle()};
    QTableWidget* events = window.view("logistics")->keyEventTable();
    REQUIRE(events->rowCount() > 0);
    for (int row = 0; row < events->rowCount(); ++row)
        for (int column = 0; column < events->columnCount(); ++column)
            if (events->item(row, column) != nullptr)
                shown << events->item(row, column)->text();
    for (const QString& text : shown) {
        CHECK_FALSE(text.contains(QStringLiteral("decoy"), Qt::CaseInsensitive));
        CHECK_FALSE(text.contains(QStringLiteral("duress"), Qt::CaseInsensitive));
    }
    QTest::mouseClick(window.lockButton(), Qt::LeftButton);
    REQUIRE(window.isLocked());
    // The owner's passphrase still opens everything in the same window.
    unlock(window);
    REQUIRE(waitFor([&] { return !window.isLocked(); }));
    CHECK(window.rail()->count() == 2);
}

TEST_CASE("a profile with a security key asks for a touch, and says when the key is missing") {
    app();
    TestProfile profile({{"finance", ""}}, nullptr);
    const auto keyDir = profile.dir / "soft-key";
    REQUIRE(fido::SoftAuthenticator::create(keyDir, {}));
    {
        auto key = FidoAuthenticator::open({AuthenticatorChoice::Kind::Software, keyDir.string()});
        REQUIRE(key);
        auto unlocked = Profile::unlock(profile.path, passphrase());
        REQUIRE(unlocked);
        FidoAccess access{key.value().get(), {}};
        REQUIRE(
            unlocked.value()->enrolFido(passphrase(), access, FidoVerification::Presence, true));
    }

    auto options = optionsFor(profile);
    options.authenticator = "soft:" + (profile.dir / "no-key-here").string();
    {
        MainWindow window(options);
        window.show();
        unlock(window);
        REQUIRE(waitFor([&] { return window.unlockScreen()->failures() == 1; }));
        CHECK(window.unlockScreen()->statusLabel()->text().startsWith(
            QStringLiteral("No security key found.")));
        CHECK(window.isLocked());
    }

    options.authenticator = "soft:" + keyDir.string();
    MainWindow window(options);
    window.show();
    unlock(window);
    // Shown before the unlock thread asks the key, and until it answers.
    CHECK(window.unlockScreen()->touchLabel()->isVisible());
    CHECK(window.unlockScreen()->touchLabel()->text() ==
          QStringLiteral("Touch your security key now"));
    REQUIRE(waitFor([&] { return !window.isLocked(); }));
    CHECK(window.rail()->count() == 1);
}

TEST_CASE("the app locks itself after the idle time") {
    app();
    TestProfile profile({{"finance", ""}}, nullptr);
    auto options = optionsFor(profile);
    options.idleLockSeconds = 1;
    MainWindow window(options);
    window.show();
    unlock(window);
    REQUIRE(waitFor([&] { return !window.isLocked(); }));
    CHECK(waitFor([&] { return window.isLocked(); }));
}

TEST_CASE("a draft typed in one compartment is never sent from another") {
    app();
    Scene scene({{"finance", "alice"}, {"speeches", "carol"}});
    MainWindow& window = *scene.window;
    Peer& bob = *scene.bob;

    window.selectCompartment("finance");
    CompartmentView* finance = window.view("finance");
    finance->selectConversation(QStringLiteral("bob@localhost"));
    QTest::keyClicks(finance->composer(), QStringLiteral("finance draft, not for speeches"));

    window.selectCompartment("speeches");
    CompartmentView* speeches = window.view("speeches");
    CHECK(window.currentView() == speeches);
    CHECK(window.banner()->text().contains(QStringLiteral("SPEECHES")));
    CHECK(speeches->composer()->toPlainText().isEmpty());
    REQUIRE(sendFromView(*speeches, "bob@localhost", QStringLiteral("hello from speeches")));
    REQUIRE(waitFor([&] {
        bob.pump();
        return bob.hasReceived("carol@localhost", "hello from speeches");
    }));
    for (const auto& [from, text] : bob.received())
        CHECK(text.find("finance draft") == std::string::npos);

    window.selectCompartment("finance");
    CHECK(finance->composer()->toPlainText() == QStringLiteral("finance draft, not for speeches"));
    finance->composer()->clear();
    REQUIRE(sendFromView(*finance, "bob@localhost", QStringLiteral("from finance")));
    REQUIRE(waitFor([&] {
        bob.pump();
        return bob.hasReceived("alice@localhost", "from finance");
    }));
    CHECK_FALSE(bob.hasReceived("carol@localhost", "from finance"));
}

TEST_CASE("a roster the organisation publishes while the app is open is applied and shown") {
    app();
    ProsodyOptions serverOptions;
    serverOptions.withRooms = false;
    serverOptions.accounts = {{"alice", "alice-password"}, {"admin", "admin-password"}};
    auto server = ProsodyServer::start(serverOptions);
    TestProfile profile({{"finance", "alice"}}, server.get());
    // What an import leaves in the compartment: the pinned org key, the organisation's
    // compartment id and the roster owner the invite named.
    const SigningKey org = SigningKey::generate();
    const std::string orgId = randomId();
    {
        auto opened = Profile::unlock(profile.path, passphrase());
        REQUIRE(opened);
        storage::SettingsRepository settings(*opened.value()->compartmentVault("finance").value());
        REQUIRE(settings.put(provisioning::kPinnedOrgKey, org.publicKey()));
        REQUIRE(settings.put(provisioning::kCompartmentIdKey, asBytes(orgId)));
        REQUIRE(settings.put(provisioning::kRosterOwnerKey, asBytes("admin@localhost")));
    }
    auto owner = xmpp::ServerAdmin::connect({"admin@localhost", server->host(), server->port(),
                                             server->spkiSha256Hex(), false, "admin"},
                                            SecretBytes::fromString("admin-password"));
    REQUIRE(owner);
    const std::string node = xmpp::kRosterNodePrefix + orgId;
    auto publish = [&](std::uint64_t version) {
        auto roster = provisioning::signRoster(
            {org.publicKey(), orgId, "finance", version, 1'700'000'000, {}, {}}, org);
        REQUIRE(roster);
        REQUIRE(owner.value()->publishBlob(node, asBytes(roster.value())));
    };
    publish(1);

    MainWindow window(optionsFor(profile));
    window.show();
    unlock(window);
    REQUIRE(waitFor([&] { return !window.isLocked(); }));
    CompartmentView* finance = window.view("finance");
    // Online, then the roster of the connection and Ready, in either order; let both pass, so
    // that nothing but the new roster changes the status line afterwards.
    REQUIRE(waitFor([&] {
        const QString text = finance->statusLabel()->text();
        return text.startsWith(QStringLiteral("Online as")) ||
               text.contains(QStringLiteral("roster version 1"));
    }));
    QTest::qWait(1500);
    publish(2);
    REQUIRE(owner.value()->sendRosterNotices({"alice@localhost"}, node));
    CHECK(waitFor([&] {
        return finance->statusLabel()->text() ==
               QStringLiteral("The organisation's device list is up to date (roster version 2: "
                              "0 certified, 0 revoked)");
    }));
}

TEST_CASE("messages both ways: unread counts, a content-free notification, an unverified-device "
          "warning, hostile text shown literally, devices and key events") {
    app();
    Scene scene({{"finance", "alice"}, {"speeches", "carol"}});
    MainWindow& window = *scene.window;
    Peer& bob = *scene.bob;
    CompartmentView* finance = window.view("finance");
    window.selectCompartment("speeches");

    const std::string hostile = "<b>bold</b> <a href=\"https://x.example\">x</a> "
                                "\u202Egnp.exe \u200Bhidden [link](https://onedrive-en-marche.fr/"
                                "login)";
    REQUIRE(bob.sendUntilDelivered("alice@localhost", hostile));
    REQUIRE(waitFor([&] { return finance->unreadTotal() == 1; }));
    CHECK(window.rail()->item(0)->text() == QStringLiteral("finance  (1)"));
    CHECK(window.notificationCount() >= 1);
    CHECK(window.lastNotification() == QStringLiteral("New message in Cloison"));

    window.selectCompartment("finance");
    finance->selectConversation(QStringLiteral("bob@localhost"));
    REQUIRE(waitFor([&] { return finance->unreadTotal() == 0; }));
    const QString shown = finance->messageView()->toPlainText();
    CHECK(shown.contains(QStringLiteral("<b>bold</b> <a href=\"https://x.example\">x</a>")));
    CHECK(shown.contains(QString::fromUtf8("⟨U+202E⟩gnp.exe ⟨U+200B⟩hidden")));
    CHECK_FALSE(shown.contains(QChar(0x202E)));
    CHECK_FALSE(shown.contains(QChar(0x200B)));
    CHECK(shown.contains(QStringLiteral("hxxps://onedrive-en-marche[.]fr")));
    CHECK(shown.contains(QStringLiteral("imitates en-marche.fr")));
    CHECK_FALSE(shown.contains(QStringLiteral("https://onedrive-en-marche.fr")));
    CHECK(shown.contains(QStringLiteral("bob@localhost")));
    CHECK(shown.contains(QString::fromUtf8("[⚠ unverified device]")));
    CHECK(finance->untrustedWarning()->isVisible());
    CHECK(finance->untrustedWarning()->text().contains(QStringLiteral("bob@localhost")));
    CHECK(finance->untrustedWarning()->text().contains(QStringLiteral("suspicious link")));

    REQUIRE(sendFromView(*finance, "bob@localhost", QStringLiteral("reply from the app")));
    REQUIRE(waitFor([&] {
        bob.pump();
        return bob.hasReceived("alice@localhost", "reply from the app");
    }));
    // Bob's device stored it and said so with a delivery receipt (after the server's
    // acknowledgement, or before it: the receipt says more and stays).
    const QString receivedMark = QString::fromUtf8("[✓✓ received by the recipient's device]");
    CHECK(waitFor([&] { return finance->messageView()->toPlainText().contains(receivedMark); }));

    // Devices, key events and the receipt, re-read from the vault.
    window.refreshCompartment("finance");
    finance = window.view("finance");
    CHECK(finance->currentConversation() == QStringLiteral("bob@localhost"));
    CHECK(finance->messageView()->toPlainText().contains(QStringLiteral("reply from the app")));
    CHECK(finance->messageView()->toPlainText().contains(receivedMark));
    CHECK_FALSE(finance->qrCode()->pixmap().isNull());
    REQUIRE(finance->deviceTable()->rowCount() >= 1);
    CHECK(finance->deviceTable()->item(0, 0)->text() == QStringLiteral("bob@localhost"));
    QStringList types;
    for (int row = 0; row < finance->keyEventTable()->rowCount(); ++row)
        types << finance->keyEventTable()->item(row, 2)->text();
    CHECK(types.contains(QStringLiteral("log-created")));
    CHECK(types.contains(QStringLiteral("device-seen")));
}

TEST_CASE("verify a contact's device by hand: both fingerprints shown and Cancel changes "
          "nothing, then trusted with its key event, a new device warned about, unverified") {
    app();
    Scene scene(std::vector<AccountSpec>{{"finance", "alice"}});
    MainWindow& window = *scene.window;
    Peer& bob = *scene.bob;
    CompartmentView* finance = window.view("finance");
    REQUIRE(bob.sendUntilDelivered("alice@localhost", "before verification"));
    REQUIRE(waitFor([&] { return !finance->history("bob@localhost").empty(); }));
    CHECK_FALSE(finance->history("bob@localhost").back().trusted);
    // Alice answers: her compartment then knows bob's device list as well as his key.
    REQUIRE(sendFromView(*finance, "bob@localhost", QStringLiteral("hello bob")));
    window.refreshCompartment("finance");
    finance = window.view("finance");
    finance->tabs()->setCurrentIndex(1);
    QTableWidget* devices = finance->deviceTable();
    REQUIRE(devices->rowCount() == 1);
    const QString notVerified =
        QString::fromUtf8("⚠ not verified (not certified by the organisation)");
    CHECK(devices->item(0, 2)->text() == notVerified);
    CHECK(finance->verifyDeviceButton()->isVisible());
    CHECK_FALSE(finance->verifyDeviceButton()->accessibleName().isEmpty());
    CHECK_FALSE(finance->unverifyDeviceButton()->accessibleName().isEmpty());
    CHECK_FALSE(finance->verifyDeviceButton()->isEnabled()); // no device selected
    devices->selectRow(0);
    REQUIRE(finance->verifyDeviceButton()->isEnabled());
    CHECK_FALSE(finance->unverifyDeviceButton()->isEnabled());
    const QString device = devices->item(0, 1)->text();
    const QString bobFingerprint = devices->item(0, 3)->text();
    const int eventsBefore = finance->keyEventTable()->rowCount();

    // Both fingerprints side by side, grouped; Cancel is the default and changes nothing.
    QTest::mouseClick(finance->verifyDeviceButton(), Qt::LeftButton);
    QPointer<ui::VerifyDeviceDialog> dialog = finance->verifyDialog();
    REQUIRE(dialog);
    REQUIRE(waitFor([&] { return dialog->isVisible(); }));
    CHECK(dialog->contactFingerprintLabel()->text().simplified() == bobFingerprint);
    CHECK(dialog->contactFingerprintLabel()->text().count(u'\n') == 1);
    const QString aliceFingerprint = dialog->ownFingerprintLabel()->text().simplified();
    CHECK(aliceFingerprint.split(u' ').size() == 8);
    CHECK(aliceFingerprint != bobFingerprint);
    CHECK(dialog->cancelButton()->isDefault());
    CHECK_FALSE(dialog->verifyButton()->isDefault());
    CHECK_FALSE(dialog->verifyButton()->isEnabled());
    CHECK_FALSE(dialog->comparedCheck()->accessibleName().isEmpty());
    QTest::mouseClick(dialog->cancelButton(), Qt::LeftButton);
    REQUIRE(waitFor([&] { return dialog.isNull(); }));
    QTest::qWait(300);
    CHECK(devices->item(0, 2)->text() == notVerified);
    CHECK(finance->keyEventTable()->rowCount() == eventsBefore);

    // Compared and confirmed: the device is verified, and the key event shows at once.
    QTest::mouseClick(finance->verifyDeviceButton(), Qt::LeftButton);
    dialog = finance->verifyDialog();
    REQUIRE(dialog);
    QTest::mouseClick(dialog->comparedCheck(), Qt::LeftButton);
    REQUIRE(dialog->verifyButton()->isEnabled());
    QTest::mouseClick(dialog->verifyButton(), Qt::LeftButton);
    REQUIRE(waitFor(
        [&] { return devices->item(0, 2)->text() == QString::fromUtf8("✓ verified by hand"); }));
    QTableWidget* events = finance->keyEventTable();
    CHECK(events->rowCount() == eventsBefore + 1);
    CHECK(events->item(0, 2)->text() == QStringLiteral("device-trusted-manually"));
    CHECK(events->item(0, 3)->text() == QStringLiteral("bob@localhost/") + device);
    CHECK(events->item(0, 4)->text() == bobFingerprint);
    CHECK(finance->deviceStatus()->text().contains(QStringLiteral("is verified")));
    CHECK(finance->unverifyDeviceButton()->isEnabled());
    CHECK_FALSE(finance->verifyDeviceButton()->isEnabled());

    // Bob's next message comes from a verified device.
    finance->tabs()->setCurrentIndex(0);
    finance->selectConversation(QStringLiteral("bob@localhost"));
    REQUIRE(bob.sendUntilDelivered("alice@localhost", "after verification"));
    REQUIRE(waitFor(
        [&] { return finance->history("bob@localhost").back().body == "after verification"; }));
    CHECK(finance->history("bob@localhost").back().trusted);
    CHECK(finance->history("bob@localhost").back().trust == omemo::DeviceTrust::Verified);
    CHECK(finance->messageView()->toPlainText().contains(QStringLiteral("[trusted]")));

    // Read back from the vault, as after a restart: each message keeps the device that wrote
    // it, and shows that device's trust today (both from bob's one verified device).
    window.refreshCompartment("finance");
    finance = window.view("finance");
    devices = finance->deviceTable();
    finance->selectConversation(QStringLiteral("bob@localhost"));
    for (const auto& message : finance->history("bob@localhost")) {
        if (message.outgoing)
            continue;
        CHECK(message.device == device.toUInt());
        CHECK(message.trusted);
        CHECK(message.trust == omemo::DeviceTrust::Verified);
    }
    CHECK_FALSE(finance->messageView()->toPlainText().contains(QStringLiteral("unverified")));

    // A second device appears on bob's account: not verified, beside a verified one.
    Peer stranger(*scene.server, "bob", "second");
    REQUIRE(stranger.sendUntilDelivered("alice@localhost", "from a new device"));
    REQUIRE(waitFor(
        [&] { return finance->history("bob@localhost").back().body == "from a new device"; }));
    CHECK_FALSE(finance->history("bob@localhost").back().trusted);
    CHECK(finance->history("bob@localhost").back().trust == omemo::DeviceTrust::Unexpected);
    CHECK(finance->messageView()->toPlainText().contains(
        QString::fromUtf8("[⚠ new unverified device]")));
    CHECK(finance->untrustedWarning()->isVisible());
    CHECK(finance->untrustedWarning()->text().contains(
        QStringLiteral("A device you have not verified wrote here")));

    // Unverify: back to not verified, with its own key event.
    finance->tabs()->setCurrentIndex(1);
    events = finance->keyEventTable();
    devices->selectRow(0);
    QTest::mouseClick(finance->unverifyDeviceButton(), Qt::LeftButton);
    REQUIRE(waitFor([&] { return devices->item(0, 2)->text() == notVerified; }));
    CHECK(events->item(0, 2)->text() == QStringLiteral("device-trust-withdrawn"));
    CHECK(events->item(0, 4)->text() == bobFingerprint);

    // Both key events are in the vault's log, and the fingerprint compared is bob's own.
    window.refreshCompartment("finance");
    finance = window.view("finance");
    QStringList types;
    for (int row = 0; row < finance->keyEventTable()->rowCount(); ++row)
        types << finance->keyEventTable()->item(row, 2)->text();
    CHECK(types.count(QStringLiteral("device-trusted-manually")) == 1);
    CHECK(types.count(QStringLiteral("device-trust-withdrawn")) == 1);
    bob.service.reset(); // its vault belongs to the service's thread while it runs
    auto identity =
        storage::OmemoStore(*bob.profile->compartmentVault("chat").value()).identity().value();
    REQUIRE(identity);
    CHECK(QString::fromStdString(omemo::omemoFingerprint(identity->publicKey)) == bobFingerprint);
}

namespace {

// An organisation (admin vault in DIR/admin) that provisioned "finance" on a real Prosody with
// alice (profile DIR/alice, no compartment yet) and bob as its members: their invites are
// DIR/invites/finance-1.invite and finance-2.invite. The app is unlocked on alice's profile.
struct InviteScene {
    std::unique_ptr<ProsodyServer> server;
    TempDir dir;
    test::Organisation organisation;
    std::unique_ptr<MainWindow> window;

    InviteScene() {
        ProsodyOptions options;
        options.accounts.emplace_back("admin", "admin-password");
        server = ProsodyServer::start(options);
        organisation = test::createFinance(dir, *server, {"alice", "bob"});
        window = std::make_unique<MainWindow>(optionsFor(dir / "alice"));
        window->show();
        unlock(*window, "alice passphrase");
        REQUIRE(waitFor([&] { return !window->isLocked(); }));
        REQUIRE(window->rail()->count() == 0);
    }

    std::string invite(const std::string& file = "invites/finance-1.invite") const {
        const Bytes bytes = test::readFile(dir / file);
        return {bytes.begin(), bytes.end()};
    }

    // Another compartment for alice's enrolment request, from the admin vault in ADMIN/admin;
    // returns the invite's path.
    std::filesystem::path provision(const TempDir& admin, const std::string& name) const {
        const auto out = dir / ("invites-" + name);
        test::require(
            test::admin(admin, {"compartment", "create", name, "--server",
                                server->host() + ":" + std::to_string(server->port()), "--pin",
                                server->spkiSha256Hex(), "--members", (dir / "alice.req").string(),
                                "--rooms-domain", server->roomsDomain(), "--server-admin",
                                "admin@localhost", "--out-dir", out.string()}));
        return out / (name + "-1.invite");
    }

    ui::ImportInviteDialog& openImport() {
        window->importAction()->trigger();
        REQUIRE(window->importDialog() != nullptr);
        REQUIRE(waitFor([&] { return window->importDialog()->isVisible(); }));
        return *window->importDialog();
    }

    // Every file of alice's profile but SQLite's shared-memory index (which reads may touch).
    std::map<std::string, std::string> files() const {
        auto all = test::hashTree(dir / "alice");
        std::erase_if(all, [](const auto& entry) { return entry.first.ends_with("-shm"); });
        return all;
    }
};

void paste(ui::ImportInviteDialog& dialog, const std::string& text) {
    dialog.pasteField()->setPlainText(QString::fromStdString(text));
    QTest::mouseClick(dialog.importButton(), Qt::LeftButton);
}

} // namespace

TEST_CASE("import an invite in the app: the organisation key confirmed the first time, then the "
          "compartment in the rail and the certification request for the admin") {
    app();
    InviteScene scene;
    MainWindow& window = *scene.window;

    ui::ImportInviteDialog& dialog = scene.openImport();
    paste(dialog, scene.invite());
    // A key never seen: its fingerprint, as 'cloison-admin org fingerprint' prints it, and
    // nothing is written until the person confirms; Cancel is the default.
    REQUIRE(waitFor([&] { return dialog.page() == 2; }));
    CHECK(dialog.fingerprintLabel()->text().toStdString() == scene.organisation.fingerprint);
    CHECK_FALSE(dialog.trustButton()->isEnabled());
    CHECK(dialog.cancelTrustButton()->isDefault());
    CHECK(window.rail()->count() == 0);
    // On the box itself (the check box spans the dialog's width, its text only part of it).
    QTest::mouseClick(dialog.comparedCheck(), Qt::LeftButton, {},
                      QPoint(6, dialog.comparedCheck()->height() / 2));
    REQUIRE(dialog.trustButton()->isEnabled());
    QTest::mouseClick(dialog.trustButton(), Qt::LeftButton);
    REQUIRE(waitFor([&] { return dialog.page() == 3; }));
    CHECK(dialog.resultLabel()->text().contains(QStringLiteral("\"finance\"")));
    CHECK(dialog.resultLabel()->text().contains(
        QString::fromStdString(scene.organisation.fingerprint)));

    REQUIRE(window.rail()->count() == 1);
    CHECK(window.rail()->item(0)->text() == QStringLiteral("finance"));
    CHECK(window.currentCompartment() == "finance");
    CHECK(window.banner()->text().contains(QStringLiteral("FINANCE")));
    REQUIRE(window.view("finance") != nullptr);

    // The certification request, as 'cloison-cli import -o' writes it: the admin certifies it.
    const std::string request = dialog.requestBox()->textView()->toPlainText().toStdString();
    auto parsed = provisioning::parseCertificationRequest(request);
    REQUIRE(parsed);
    CHECK(parsed.value().compartment == "finance");
    const auto saved = scene.dir / "alice.cert";
    REQUIRE(dialog.requestBox()->saveTo(QString::fromStdString(saved.string())));
    const Bytes written = test::readFile(saved);
    CHECK(std::string(written.begin(), written.end()) == request);
    test::require(test::admin(scene.dir, {"certify", "--compartment", "finance", saved.string(),
                                          "-o", (scene.dir / "roster").string()}));
    QTest::mouseClick(dialog.requestBox()->copyButton(), Qt::LeftButton);
    CHECK(QGuiApplication::clipboard()->text().toStdString() == request);

    dialog.accept();
    REQUIRE(waitFor([&] { return window.importDialog() == nullptr; }));

    // The pinned organisation's next invite goes through without asking again.
    ui::ImportInviteDialog& second = scene.openImport();
    second.importFile(QString::fromStdString(scene.provision(scene.dir, "speeches").string()));
    REQUIRE(waitFor([&] { return second.page() != 1; }));
    REQUIRE(second.page() == 3);
    CHECK(window.rail()->count() == 2);
    CHECK(window.currentCompartment() == "speeches");

    // Another organisation's key is refused, and says so.
    TempDir other;
    test::require(
        test::admin(other, {"org", "init", "--kdf-memory-mib", "8", "--kdf-passes", "1"}));
    const auto foreign = scene.provision(other, "logistics");
    second.importFile(QString::fromStdString(foreign.string()));
    REQUIRE(waitFor([&] { return second.page() == 0; }));
    CHECK(second.errorLabel()->text().startsWith(
        QStringLiteral("This invite is signed by another organisation key")));
    CHECK(window.rail()->count() == 2);
}

TEST_CASE("a decoy imported in the app is marked Decoy in the rail and the banner with its own "
          "band") {
    app();
    test::Invited invited(passphrase());
    REQUIRE(invited.member->addCompartment("finance"));
    const std::string decoyInvite = invited.decoyInvite();
    invited.member->lock();
    MainWindow window(optionsFor(invited.dir / "member"));
    window.show();
    unlock(window);
    REQUIRE(waitFor([&] { return !window.isLocked(); }));
    // The app's own import path, as for any invite.
    window.importAction()->trigger();
    REQUIRE(window.importDialog() != nullptr);
    ui::ImportInviteDialog& dialog = *window.importDialog();
    paste(dialog, decoyInvite);
    REQUIRE(waitFor([&] { return dialog.page() == 2; }));
    QTest::mouseClick(dialog.comparedCheck(), Qt::LeftButton, {},
                      QPoint(6, dialog.comparedCheck()->height() / 2));
    QTest::mouseClick(dialog.trustButton(), Qt::LeftButton);
    REQUIRE(waitFor([&] { return dialog.page() == 3; }));
    CHECK(dialog.resultLabel()->text().startsWith(
        QStringLiteral("Imported the DECOY compartment \"Donors\"")));
    CHECK_FALSE(dialog.requestBox()->isVisible()); // no certification request for a decoy
    dialog.accept();
    REQUIRE(waitFor([&] { return window.importDialog() == nullptr; }));
    REQUIRE(window.rail()->count() == 2);
    const int decoy = window.rail()->item(0)->text().contains(QStringLiteral("Donors")) ? 0 : 1;
    CHECK(window.rail()->item(decoy)->text() == QStringLiteral("⚠ Donors (Decoy)"));
    CHECK(window.rail()->item(1 - decoy)->text() == QStringLiteral("finance"));
    const auto swatchOf = [&](int row) {
        return window.rail()->item(row)->icon().pixmap(16, 16).toImage().pixelColor(8, 8);
    };
    CHECK(swatchOf(decoy) != swatchOf(1 - decoy));
    auto* frame = window.findChild<QFrame*>(QStringLiteral("compartmentFrame"));
    REQUIRE(frame);
    window.selectCompartment("finance");
    const QString realStyle = frame->styleSheet();
    CHECK_FALSE(realStyle.contains(QStringLiteral("dashed")));
    CHECK_FALSE(window.banner()->text().contains(QStringLiteral("DECOY")));

    window.selectCompartment("Donors");
    CHECK(window.banner()->text().startsWith(QStringLiteral("⚠ DECOY — Donors")));
    CHECK(window.windowTitle() == QStringLiteral("Cloison — Donors (Decoy)"));
    CHECK(frame->styleSheet().contains(QStringLiteral("dashed")));
    CHECK(frame->styleSheet() !=
          QString(realStyle).replace(QStringLiteral("solid"), QStringLiteral("dashed")));
    // Its history and document are there to be read; nothing can be sent, and it says why.
    CompartmentView* view = window.view("Donors");
    REQUIRE(view);
    CHECK(view->history("grace.hughes@localhost").size() >= 10);
    CHECK_FALSE(view->composer()->isEnabled());
    CHECK(view->statusLabel()->text().startsWith(QStringLiteral("Decoy compartment")));
    CHECK_FALSE(view->online());
}

TEST_CASE("an invite that is tampered with, sealed to another member, not an invite, too large, "
          "or whose organisation key is not confirmed is refused in plain words and changes "
          "nothing") {
    app();
    InviteScene scene;
    MainWindow& window = *scene.window;
    const auto before = scene.files();
    ui::ImportInviteDialog& dialog = scene.openImport();

    std::string tampered = scene.invite();
    const std::size_t at = tampered.size() / 2;
    tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
    paste(dialog, tampered);
    REQUIRE(waitFor([&] { return !dialog.busy() && dialog.page() == 0; }));
    CHECK(dialog.errorLabel()->text().contains(QStringLiteral("altered")));
    CHECK(dialog.errorLabel()->text().contains(QStringLiteral("Nothing was imported")));

    paste(dialog, scene.invite("invites/finance-2.invite")); // bob's
    REQUIRE(waitFor([&] { return !dialog.busy(); }));
    CHECK(dialog.errorLabel()->text().startsWith(
        QStringLiteral("This invite is not for this profile")));

    paste(dialog, "<b>hello</b>");
    REQUIRE(waitFor([&] { return !dialog.busy(); }));
    CHECK(dialog.errorLabel()->text().startsWith(QStringLiteral("This is not a Cloison invite")));

    const auto large = scene.dir / "large.invite";
    test::writeFile(large, asBytes(std::string(70 * 1024, 'A')));
    dialog.importFile(QString::fromStdString(large.string()));
    REQUIRE(waitFor([&] { return !dialog.busy(); }));
    CHECK(dialog.errorLabel()->text().contains(QStringLiteral("larger than 64 KiB")));

    // The genuine invite, but the person does not confirm the organisation key.
    paste(dialog, scene.invite());
    REQUIRE(waitFor([&] { return dialog.page() == 2; }));
    QTest::mouseClick(dialog.cancelTrustButton(), Qt::LeftButton);
    CHECK(dialog.page() == 0);
    CHECK(dialog.errorLabel()->text().contains(QStringLiteral("not confirmed")));

    CHECK(window.rail()->count() == 0);
    CHECK(scene.files() == before);
}

TEST_CASE("the enrolment request made in the app is one the admin tool accepts") {
    app();
    TestProfile profile({{"finance", ""}}, nullptr);
    MainWindow window(optionsFor(profile));
    window.show();
    unlock(window);
    REQUIRE(waitFor([&] { return !window.isLocked(); }));
    window.enrollAction()->trigger();
    ui::EnrollRequestDialog* dialog = window.enrollDialog();
    REQUIRE(dialog != nullptr);

    QTest::mouseClick(dialog->makeButton(), Qt::LeftButton);
    CHECK(dialog->statusLabel()->text().startsWith(QStringLiteral("The name must be")));
    CHECK(dialog->requestBox()->textView()->toPlainText().isEmpty());

    QTest::keyClicks(dialog->nameField(), QStringLiteral("Alice Martin"));
    QTest::mouseClick(dialog->makeButton(), Qt::LeftButton);
    const std::string request = dialog->requestBox()->textView()->toPlainText().toStdString();
    auto parsed = provisioning::parseEnrollRequest(request);
    REQUIRE(parsed);
    CHECK(parsed.value().name == "Alice Martin");
    CHECK(dialog->statusLabel()->text().contains(
        QString::fromStdString(keyFingerprint(parsed.value().signingKey))));
    // The same keys each time: a second request names the same member.
    QTest::mouseClick(dialog->makeButton(), Qt::LeftButton);
    auto again = provisioning::parseEnrollRequest(
        dialog->requestBox()->textView()->toPlainText().toStdString());
    REQUIRE(again);
    CHECK(again.value().signingKey == parsed.value().signingKey);

    // Locking closes the dialog before the profile's keys go.
    window.lock();
    CHECK(window.enrollDialog() == nullptr);
}

// Not part of the suite (hidden tag): tests/ui/screenshots runs it to draw the README's
// pictures into $CLOISON_SCREENSHOT_DIR.
TEST_CASE("screenshots of the main screens", "[.screenshots]") {
    app();
    const QString dir = qEnvironmentVariable("CLOISON_SCREENSHOT_DIR");
    REQUIRE_FALSE(dir.isEmpty());
    Scene scene({{"finance", "alice"}, {"speeches", "carol"}, {"logistics", "dave"}});
    MainWindow& window = *scene.window;
    Peer& bob = *scene.bob;
    CompartmentView* finance = window.view("finance");
    auto save = [&](const char* name) {
        QTest::qWait(100);
        REQUIRE(window.grab().save(dir + QStringLiteral("/") + QString::fromUtf8(name)));
    };
    // The unlock screen, drawn in a window of its own (the scene's is already unlocked).
    {
        MainWindow locked(optionsFor(*scene.profile));
        locked.resize(1100, 700);
        locked.show();
        QTest::qWait(100);
        REQUIRE(locked.grab().save(dir + QStringLiteral("/unlock.png")));
    }
    window.selectCompartment("logistics");
    REQUIRE(bob.sendUntilDelivered("alice@localhost",
                                   "The Q3 budget is ready. Can you check it before 6 pm?"));
    REQUIRE(bob.sendUntilDelivered("alice@localhost",
                                   "Log in here to see it: https://onedrive-en-marche.fr/login"));
    REQUIRE(bob.sendUntilDelivered("alice@localhost",
                                   "And the attachment: \u202Egpj.exe <b>urgent</b>"));
    REQUIRE(bob.sendUntilDelivered("carol@localhost", "Speech draft v3 is up."));
    REQUIRE(waitFor([&] { return finance->unreadTotal() == 3; }));
    window.selectCompartment("finance");
    finance->selectConversation(QStringLiteral("bob@localhost"));
    REQUIRE(sendFromView(*finance, "bob@localhost",
                         QStringLiteral("Thanks. That link is not ours: I'm not opening it.")));
    save("conversation.png");

    window.refreshCompartment("finance");
    finance = window.view("finance");
    finance->tabs()->setCurrentIndex(1);
    finance->deviceTable()->selectRow(0);
    save("devices.png");
    QTest::mouseClick(finance->verifyDeviceButton(), Qt::LeftButton);
    QPointer<ui::VerifyDeviceDialog> dialog = finance->verifyDialog();
    REQUIRE(dialog);
    QTest::qWait(100);
    REQUIRE(dialog->grab().save(dir + QStringLiteral("/verify-device.png")));
    QTest::mouseClick(dialog->cancelButton(), Qt::LeftButton);
    REQUIRE(waitFor([&] { return dialog.isNull(); }));
    finance->tabs()->setCurrentIndex(2);
    save("key-events.png");
}

TEST_CASE("a document arrives in the app: fetched and sealed and listed and saved where asked") {
    app();
    Scene scene({{"finance", "alice"}}, 4 * 1024 * 1024);
    CompartmentView& view = *scene.window->view("finance");
    // Bob uploads a document and sends its link, as any XEP-0454 client does.
    TempDir dir;
    Bytes content(300'000);
    for (std::size_t i = 0; i < content.size(); ++i)
        content[i] = static_cast<std::uint8_t>(i * 7 + 3);
    writeFile(dir / "plan.pdf", content);
    std::deque<xmpp::ServiceEvent> other;
    auto slot = documents::requestUploadSlot(*scene.bob->service, "localhost", "plan.pdf",
                                             documents::ciphertextSize(content.size()),
                                             std::chrono::seconds(20), other);
    REQUIRE(slot);
    auto link = documents::uploadDocument(dir / "plan.pdf", content.size(), slot.value(),
                                          {scene.server->spkiSha256Hex(), false}, {});
    REQUIRE(link);
    REQUIRE(scene.bob->sendUntilDelivered("alice@localhost", link.value()));

    REQUIRE(waitFor([&] { return view.documents().size() == 1; }));
    CHECK(view.documents()[0].name == "plan.pdf");
    CHECK(view.documents()[0].size == 300'000);
    CHECK(view.documentList()->count() == 1);
    CHECK(view.messageView()->toPlainText().contains(QStringLiteral("📄 Document plan.pdf")));
    CHECK(!view.messageView()->toPlainText().contains(QStringLiteral("aesgcm")));

    const auto saved = dir / "saved.pdf";
    view.saveDocument(view.documents()[0].id, QString::fromStdString(saved.string()));
    REQUIRE(waitFor([&] { return std::filesystem::exists(saved); }));
    CHECK(readFile(saved) == content);
    REQUIRE(waitFor(
        [&] { return view.statusLabel()->text().contains(QStringLiteral("Document saved")); }));
    // Not over a file that is there: refused, and said so.
    view.saveDocument(view.documents()[0].id, QString::fromStdString(saved.string()));
    REQUIRE(waitFor(
        [&] { return view.statusLabel()->text().contains(QStringLiteral("already exists")); }));
}
