// cloison: the desktop app.
#include "ui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace {

QString defaultProfileDir() {
    // The same place cloison-cli uses.
    if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data)
        return QString::fromLocal8Bit(data) + QStringLiteral("/cloison/profile");
    return QDir::homePath() + QStringLiteral("/.local/share/cloison/profile");
}

// --help and --version print and exit: they must work without a display (a package's smoke
// test, a terminal on a server, help2man), so they are answered before QApplication, which
// needs one, is created.
bool onlyPrints(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--") == 0)
            return false;
        for (const char* flag : {"-h", "--help", "-?", "--help-all", "-v", "--version"}) {
            if (std::strcmp(argv[i], flag) == 0)
                return true;
        }
    }
    return false;
}

} // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN); // a closed connection is an error, not the end of the app
    std::unique_ptr<QCoreApplication> app;
    if (onlyPrints(argc, argv))
        app = std::make_unique<QCoreApplication>(argc, argv);
    else
        app = std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cloison"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CLOISON_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Cloison, compartmented secure messaging\n\n"
        "Each unlocked compartment runs in a sandboxed worker process of its own\n"
        "(cloison-compartment). CLOISON_IN_PROCESS=1 runs them in this process instead\n"
        "(debugging); CLOISON_COMPARTMENT_WORKER names the worker program."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption profile(QStringLiteral("profile"), QStringLiteral("profile folder"),
                                     QStringLiteral("DIR"), defaultProfileDir());
    const QCommandLineOption authenticator(
        QStringLiteral("authenticator"),
        QStringLiteral("security key: auto, hid:PATH or soft:DIR (tests and demos only)"),
        QStringLiteral("SPEC"), QStringLiteral("auto"));
    const QCommandLineOption idle(QStringLiteral("idle-lock-minutes"),
                                  QStringLiteral("lock after this long without input (0: never)"),
                                  QStringLiteral("N"), QStringLiteral("5"));
    const QCommandLineOption language(QStringLiteral("lang"),
                                      QStringLiteral("en or fr (default: the system's)"),
                                      QStringLiteral("LANG"));
    parser.addOptions({profile, authenticator, idle, language});
    // The desktop entry registers the app for xmpp: links (x-scheme-handler/xmpp), so a browser
    // or file manager may start it with one. Opening a conversation from a link is not built
    // yet: the app starts as usual and the link is ignored (it is not printed: it names a
    // contact).
    parser.addPositionalArgument(QStringLiteral("URI"),
                                 QStringLiteral("an xmpp: link (accepted and ignored for now)"),
                                 QStringLiteral("[URI]"));
    parser.process(*app);
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1 ||
        (positional.size() == 1 &&
         !positional.front().startsWith(QStringLiteral("xmpp:"), Qt::CaseInsensitive))) {
        fprintf(stderr, "cloison: the only argument taken is an xmpp: link; see --help\n");
        return 2;
    }
    if (qobject_cast<QApplication*>(app.get()) == nullptr) {
        // A help or version flag taken as an option's value (`--profile -h`): not the window.
        fprintf(stderr, "cloison: a value that looks like -h or -v; see --help\n");
        return 2;
    }
    if (!positional.isEmpty())
        fprintf(stderr, "cloison: opening xmpp: links is not supported yet; starting as usual\n");

    bool ok = false;
    const int idleMinutes = parser.value(idle).toInt(&ok);
    if (!ok || idleMinutes < 0 || idleMinutes > 24 * 60) {
        fprintf(stderr, "cloison: --idle-lock-minutes takes 0 to 1440\n");
        return 2;
    }
    const QLocale locale =
        parser.isSet(language) ? QLocale(parser.value(language)) : QLocale::system();
    QTranslator ours;
    QTranslator qtBase;
    if (ours.load(locale, QStringLiteral("cloison"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&ours);
    if (qtBase.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                    QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtBase);

    cloison::ui::WindowOptions options;
    options.profile = parser.value(profile).toStdString();
    options.authenticator = parser.value(authenticator).toStdString();
    options.idleLockSeconds = idleMinutes * 60;
    cloison::ui::MainWindow window(options);
    window.show();
    return QCoreApplication::exec();
}
