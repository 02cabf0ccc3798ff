// cloison: the desktop app.
#include "ui/MainWindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <csignal>
#include <cstdlib>

namespace {

QString defaultProfileDir() {
    // The same place cloison-cli uses.
    if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data)
        return QString::fromLocal8Bit(data) + QStringLiteral("/cloison/profile");
    return QDir::homePath() + QStringLiteral("/.local/share/cloison/profile");
}

} // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN); // a closed connection is an error, not the end of the app
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("cloison"));
    QApplication::setApplicationVersion(QStringLiteral(CLOISON_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Cloison, compartmented secure messaging"));
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
    parser.process(app);

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
    return QApplication::exec();
}
