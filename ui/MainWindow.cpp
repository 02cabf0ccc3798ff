#include "ui/MainWindow.h"

#include "client/profile/FidoSlots.h"
#include "ui/TextDisplay.h"

#include <QApplication>
#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QPainter>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QStackedWidget>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace cloison::ui {

namespace {

// Distinct, readable under white text; a compartment's colour is its place in the list.
const QColor kColours[] = {QColor(0x1f, 0x5f, 0xa8), QColor(0x2e, 0x7d, 0x32),
                           QColor(0x8e, 0x24, 0xaa), QColor(0xc6, 0x28, 0x28),
                           QColor(0x00, 0x69, 0x7c), QColor(0xbf, 0x36, 0x0c),
                           QColor(0x4e, 0x34, 0x2e), QColor(0x37, 0x47, 0x4f)};
// A decoy's band: a colour no real compartment is given, drawn dashed, so that a decoy is never
// taken for a real one even at a glance.
const QColor kDecoyColour(0x6d, 0x6d, 0x00);

QIcon swatch(const QColor& colour) {
    QPixmap pixmap(16, 16);
    pixmap.fill(colour);
    return QIcon(pixmap);
}

// The dialog open (window-modal: while it is, and while its import runs, nothing else uses the
// session), made first if need be; it deletes itself when closed.
template <typename Dialog>
Dialog* openDialog(QPointer<Dialog>& dialog, Session& session, QWidget* parent) {
    if (!dialog) {
        dialog = new Dialog(session, parent);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
    }
    dialog->open();
    return dialog;
}

} // namespace

MainWindow::MainWindow(WindowOptions options, QWidget* parent)
    : QMainWindow(parent), m_options(std::move(options)), m_pages(new QStackedWidget(this)),
      m_unlock(new UnlockScreen(m_options.profile, m_options.authenticator, m_pages)),
      m_clipboard(m_options.clipboardClearMs) {
    setWindowTitle(tr("Cloison"));
    setAcceptDrops(false);
    m_pages->addWidget(m_unlock);
    m_pages->addWidget(buildMainPage());
    setCentralWidget(m_pages);
    resize(1100, 720);
    m_unlock->onUnlocked(
        [this](std::unique_ptr<Profile> profile) { unlockWith(std::move(profile)); });

    m_idle.setSingleShot(true);
    connect(&m_idle, &QTimer::timeout, this, &MainWindow::lock);
    qApp->installEventFilter(this);

    auto* lockShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_L), this);
    connect(lockShortcut, &QShortcut::activated, this, &MainWindow::lock);
    for (int i = 0; i < 9; ++i) {
        auto* jump = new QShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + i)), this);
        connect(jump, &QShortcut::activated, this, [this, i] {
            if (!isLocked() && i < m_rail->count())
                m_rail->setCurrentRow(i);
        });
    }
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(swatch(kColours[0]), this);
        m_tray->show();
    }
    QMenu* profileMenu = menuBar()->addMenu(tr("&Profile"));
    m_importAction = profileMenu->addAction(tr("&Import invite…"), this, &MainWindow::importInvite);
    m_importAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_enrollAction =
        profileMenu->addAction(tr("&Enrolment request…"), this, &MainWindow::enrollRequest);
    profileMenu->addSeparator();
    profileMenu->addAction(tr("&Lock"), this, &MainWindow::lock);
    menuBar()->setVisible(false);
    m_pages->setCurrentWidget(m_unlock);
    m_unlock->setFocus();
}

MainWindow::~MainWindow() {
    qApp->removeEventFilter(this);
    lock();
}

QWidget* MainWindow::buildMainPage() {
    m_frame = new QFrame(m_pages);
    m_frame->setObjectName(QStringLiteral("compartmentFrame"));
    auto* outer = new QVBoxLayout(m_frame);
    outer->setContentsMargins(6, 0, 6, 6);
    outer->setSpacing(0);

    auto* bannerRow = new QWidget(m_frame);
    bannerRow->setObjectName(QStringLiteral("bannerRow"));
    auto* bannerLayout = new QHBoxLayout(bannerRow);
    m_banner = new QLabel(bannerRow);
    m_banner->setObjectName(QStringLiteral("compartmentBanner"));
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setAccessibleName(tr("Active compartment"));
    bannerLayout->addWidget(m_banner, 1);
    m_lockButton = new QPushButton(tr("Lock (Ctrl+L)"), bannerRow);
    m_lockButton->setObjectName(QStringLiteral("lock"));
    m_lockButton->setAccessibleName(tr("Lock Cloison"));
    connect(m_lockButton, &QPushButton::clicked, this, &MainWindow::lock);
    bannerLayout->addWidget(m_lockButton);
    outer->addWidget(bannerRow);

    auto* body = new QWidget(m_frame);
    auto* bodyLayout = new QHBoxLayout(body);
    bodyLayout->setContentsMargins(0, 6, 0, 0);
    m_rail = new QListWidget(body);
    m_rail->setObjectName(QStringLiteral("compartmentRail"));
    m_rail->setAccessibleName(tr("Compartments"));
    m_rail->setFixedWidth(210);
    m_rail->setDragEnabled(false);
    m_rail->setAcceptDrops(false);
    m_rail->setIconSize(QSize(16, 16));
    auto* railColumn = new QVBoxLayout;
    railColumn->addWidget(m_rail, 1);
    auto* importButton = new QPushButton(tr("Import invite…"), body);
    importButton->setObjectName(QStringLiteral("importInvite"));
    importButton->setAccessibleName(tr("Import an invite: add a compartment"));
    importButton->setFixedWidth(210);
    connect(importButton, &QPushButton::clicked, this, &MainWindow::importInvite);
    railColumn->addWidget(importButton);
    bodyLayout->addLayout(railColumn);
    m_views = new QStackedWidget(body);
    bodyLayout->addWidget(m_views, 1);
    outer->addWidget(body, 1);
    connect(m_rail, &QListWidget::currentRowChanged, this, &MainWindow::showCompartment);
    return m_frame;
}

void MainWindow::unlockWith(std::unique_ptr<Profile> profile) {
    m_session = std::make_unique<Session>(std::move(profile));
    populate();
    m_pages->setCurrentIndex(1);
    menuBar()->setVisible(true);
    if (m_rail->count() > 0)
        m_rail->setCurrentRow(0);
    m_rail->setFocus();
    if (m_options.idleLockSeconds > 0)
        m_idle.start(m_options.idleLockSeconds * 1000);
}

void MainWindow::populate() {
    auto list = m_session->compartments();
    if (!list) {
        m_banner->setText(tr("Could not list the compartments: %1")
                              .arg(QString::fromStdString(list.error().message)));
        return;
    }
    for (const auto& info : list.value())
        m_entries.push_back(makeEntry(info, m_entries.size()));
    updateRail();
}

MainWindow::Entry MainWindow::makeEntry(const CompartmentInfo& info, std::size_t index) {
    Entry entry{info, info.decoy ? kDecoyColour : kColours[index % std::size(kColours)], nullptr,
                nullptr};
    if (info.sealed) {
        entry.placeholder = makePlaceholder(
            entry, tr("This compartment is sealed: it opens only with its own security key."));
    } else if (auto snapshot = m_session->open(info.name)) {
        addView(entry, snapshot.value());
    } else {
        entry.placeholder =
            makePlaceholder(entry, tr("This compartment could not be opened: %1")
                                       .arg(QString::fromStdString(snapshot.error().message)));
    }
    return entry;
}

void MainWindow::importInvite() {
    if (isLocked())
        return;
    auto* dialog = openDialog(m_importDialog, *m_session, this);
    connect(dialog, &ImportInviteDialog::imported, this, &MainWindow::addImported,
            Qt::UniqueConnection);
}

void MainWindow::enrollRequest() {
    if (!isLocked())
        openDialog(m_enrollDialog, *m_session, this);
}

void MainWindow::addImported(const QString& name) {
    if (!m_session)
        return;
    auto list = m_session->compartments();
    if (!list)
        return;
    const std::string wanted = name.toStdString();
    if (std::any_of(m_entries.begin(), m_entries.end(),
                    [&](const Entry& entry) { return entry.info.name == wanted; }))
        return;
    for (const auto& info : list.value()) {
        if (info.name != wanted)
            continue;
        m_entries.push_back(makeEntry(info, m_entries.size()));
        updateRail();
        selectCompartment(wanted);
        return;
    }
}

void MainWindow::addView(Entry& entry, const CompartmentSnapshot& snapshot) {
    entry.view = new CompartmentView(snapshot, m_session->bridge(entry.info.name),
                                     m_session->linkGuard(entry.info.name), m_views);
    m_views->addWidget(entry.view);
    connect(entry.view, &CompartmentView::unreadChanged, this, &MainWindow::updateRail);
    connect(entry.view, &CompartmentView::newMessage, this, &MainWindow::notify);
    connect(entry.view, &CompartmentView::refreshRequested, this, &MainWindow::refreshCompartment);
}

QWidget* MainWindow::makePlaceholder(const Entry& entry, const QString& why) {
    auto* page = new QWidget(m_views);
    auto* layout = new QVBoxLayout(page);
    auto* label = new QLabel(why, page);
    label->setTextFormat(Qt::PlainText);
    label->setWordWrap(true);
    layout->addStretch();
    layout->addWidget(label, 0, Qt::AlignHCenter);
    if (entry.info.sealed) {
        auto* open = new QPushButton(tr("&Open with my security key"), page);
        open->setAccessibleName(tr("Open the sealed compartment with the security key"));
        connect(open, &QPushButton::clicked, this,
                [this, name = entry.info.name] { openSealed(name); });
        layout->addWidget(open, 0, Qt::AlignHCenter);
    }
    layout->addStretch();
    m_views->addWidget(page);
    return page;
}

void MainWindow::openSealed(const std::string& name) {
    for (auto& entry : m_entries) {
        if (entry.info.name != name || entry.view)
            continue;
        m_banner->setText(tr("Touch your security key now"));
        QApplication::processEvents();
        auto choice = AuthenticatorChoice::parse(m_options.authenticator);
        Result<void> opened = choice ? Result<void>{} : Result<void>(choice.error());
        std::unique_ptr<FidoAuthenticator> key;
        if (opened) {
            auto found = FidoAuthenticator::open(choice.value());
            if (found)
                key = std::move(found).value();
            else
                opened = found.error();
        }
        if (opened) {
            FidoAccess access{key.get(), [] {
                                  return Result<SecretBytes>(makeError(
                                      ErrorCode::PinRequired,
                                      "keys with a PIN are not supported by the app yet"));
                              }};
            opened = m_session->openSealed(name, access);
        }
        Result<CompartmentSnapshot> snapshot =
            opened ? m_session->open(name) : Result<CompartmentSnapshot>(opened.error());
        if (!snapshot) {
            showCompartment(m_rail->currentRow());
            m_banner->setText(
                m_banner->text() + QStringLiteral(" — ") +
                tr("not opened: %1").arg(QString::fromStdString(snapshot.error().message)));
            return;
        }
        m_views->removeWidget(entry.placeholder);
        entry.placeholder->deleteLater();
        entry.placeholder = nullptr;
        addView(entry, snapshot.value());
        entry.info.sealed = false; // open for this session; the seal itself stays
        updateRail();
        showCompartment(m_rail->currentRow());
        return;
    }
}

void MainWindow::refreshCompartment(const std::string& name) {
    for (auto& entry : m_entries) {
        if (entry.info.name != name || !entry.view)
            continue;
        CompartmentView* old = entry.view;
        // The draft typed in this compartment stays in this compartment.
        const QString draft = old->composer()->toPlainText();
        const QString conversation = old->currentConversation();
        const int tab = old->tabs()->currentIndex();
        auto snapshot = m_session->open(name);
        if (!snapshot) {
            old->statusLabel()->setText(
                tr("Could not refresh: %1").arg(QString::fromStdString(snapshot.error().message)));
            return;
        }
        addView(entry, snapshot.value());
        if (!conversation.isEmpty())
            entry.view->selectConversation(conversation);
        entry.view->composer()->setPlainText(draft);
        entry.view->tabs()->setCurrentIndex(tab);
        m_views->removeWidget(old);
        old->deleteLater();
        showCompartment(m_rail->currentRow());
        return;
    }
}

CompartmentView* MainWindow::view(const std::string& name) const {
    for (const auto& entry : m_entries)
        if (entry.info.name == name)
            return entry.view;
    return nullptr;
}

CompartmentView* MainWindow::currentView() const {
    const int row = m_rail ? m_rail->currentRow() : -1;
    if (row < 0 || row >= static_cast<int>(m_entries.size()))
        return nullptr;
    return m_entries[static_cast<std::size_t>(row)].view;
}

std::string MainWindow::currentCompartment() const {
    const int row = m_rail ? m_rail->currentRow() : -1;
    if (row < 0 || row >= static_cast<int>(m_entries.size()))
        return {};
    return m_entries[static_cast<std::size_t>(row)].info.name;
}

void MainWindow::selectCompartment(const std::string& name) {
    for (std::size_t i = 0; i < m_entries.size(); ++i)
        if (m_entries[i].info.name == name)
            m_rail->setCurrentRow(static_cast<int>(i));
}

void MainWindow::showCompartment(int row) {
    if (row < 0 || row >= static_cast<int>(m_entries.size()))
        return;
    const Entry& entry = m_entries[static_cast<std::size_t>(row)];
    m_views->setCurrentWidget(entry.view ? static_cast<QWidget*>(entry.view) : entry.placeholder);
    const QString name = visibleText(QString::fromStdString(entry.info.name));
    const QString colour = entry.colour.name();
    // The colour runs round the whole window and under the banner; the name is in the banner
    // and the title, so the compartment being typed into is never in doubt.
    m_frame->setStyleSheet(
        QStringLiteral("QFrame#compartmentFrame { border: 6px %2 %1; "
                       "background: %1; } QWidget#bannerRow { background: %1; }"
                       " QLabel#compartmentBanner { color: white; font-size: "
                       "16pt; font-weight: bold; }")
            .arg(colour, entry.info.decoy ? QStringLiteral("dashed") : QStringLiteral("solid")));
    m_banner->setText(
        entry.info.decoy ? tr("⚠ DECOY — %1 — bait your admin planted; it never connects").arg(name)
        : entry.info.sealed ? tr("🔒 %1 — sealed compartment").arg(name)
                            : tr("■ %1 — compartment").arg(name.toUpper()));
    setWindowTitle(entry.info.decoy ? tr("Cloison — %1 (Decoy)").arg(name)
                                    : tr("Cloison — %1").arg(name));
    if (entry.view)
        entry.view->composer()->setFocus();
    updateRail();
}

void MainWindow::updateRail() {
    const QSignalBlocker blocker(m_rail);
    const int current = m_rail->currentRow();
    while (m_rail->count() > static_cast<int>(m_entries.size()))
        delete m_rail->takeItem(m_rail->count() - 1);
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        const Entry& entry = m_entries[i];
        QString label = visibleText(QString::fromStdString(entry.info.name));
        if (entry.info.decoy)
            label = tr("⚠ %1 (Decoy)").arg(label);
        else if (entry.info.sealed)
            label = tr("🔒 %1 (sealed)").arg(label);
        if (entry.view && entry.view->unreadTotal() > 0)
            label += QStringLiteral("  (%1)").arg(entry.view->unreadTotal());
        QListWidgetItem* item = m_rail->item(static_cast<int>(i));
        if (!item) {
            item = new QListWidgetItem;
            m_rail->addItem(item);
        }
        item->setText(label);
        item->setIcon(swatch(entry.colour));
        item->setData(Qt::AccessibleTextRole, label);
    }
    m_rail->setCurrentRow(current);
}

void MainWindow::notify() {
    auto* source = qobject_cast<CompartmentView*>(sender());
    if (isActiveWindow() && source && source == currentView())
        return;
    // Never the text, the sender or the compartment: a notification is seen by whoever stands
    // next to the screen.
    m_lastNotification = tr("New message in Cloison");
    ++m_notifications;
    if (m_tray)
        m_tray->showMessage(tr("Cloison"), m_lastNotification, QSystemTrayIcon::Information);
    QApplication::alert(this);
}

void MainWindow::lock() {
    m_idle.stop();
    m_clipboard.clearNow();
    // The dialogs first: an import in progress uses the session (the dialog joins its thread).
    delete m_importDialog.data();
    delete m_enrollDialog.data();
    menuBar()->setVisible(false);
    // Views first (they point at the services), then the session: services, then keys.
    for (auto& entry : m_entries) {
        delete entry.view;
        delete entry.placeholder;
    }
    m_entries.clear();
    if (m_rail)
        m_rail->clear();
    m_session.reset();
    if (m_banner)
        m_banner->clear();
    setWindowTitle(tr("Cloison"));
    m_unlock->reset();
    m_pages->setCurrentWidget(m_unlock);
    m_unlock->setFocus();
}

bool MainWindow::eventFilter(QObject* watched, QEvent* event) {
    switch (event->type()) {
    case QEvent::KeyPress:
    case QEvent::MouseButtonPress:
    case QEvent::MouseMove:
    case QEvent::Wheel:
        if (m_session && m_options.idleLockSeconds > 0)
            m_idle.start(m_options.idleLockSeconds * 1000);
        break;
    default:
        break;
    }
    return QMainWindow::eventFilter(watched, event);
}

} // namespace cloison::ui
