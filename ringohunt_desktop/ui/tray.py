"""The tray icon and its menu, or a small window standing in for them where there is no tray.

The controller only shows state and emits what the agent asked for; the application decides
what "open the journal" or "pause" means. Its menu is rebuilt every time it is about to open,
so the missed-call count and the pause tick are never stale.
"""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QPushButton,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from ringohunt_desktop.clients.errors import AuthError
from ringohunt_desktop.core.problems import SetupError
from ringohunt_desktop.phone import DEFAULT_REGION, display_number
from ringohunt_desktop.services.failures import describe, describe_startup_failure
from ringohunt_desktop.services.watcher import WatchStatus
from ringohunt_desktop.ui import theme
from ringohunt_desktop.ui.icons import tray_icon
from ringohunt_desktop.ui.insider_panel import PanelStack
from ringohunt_desktop.ui.widgets import plain_label, waiting_label

# Free functions translate in the "TrayController" context, written out in every call: lupdate
# skips translate() with a variable context.

class TrayState(StrEnum):
    STARTING = "starting"
    CONNECTED = "connected"  # calls arrive through the live channel
    POLLING = "polling"  # the call server is unreachable; Ringostat is polled meanwhile
    OFFLINE = "offline"
    BAD_CREDENTIALS = "bad_credentials"
    PAUSED = "paused"  # the agent switched pop-ups off


_WATCH_STATES = {
    WatchStatus.STARTING: TrayState.STARTING,
    WatchStatus.CONNECTED: TrayState.CONNECTED,
    WatchStatus.OFFLINE: TrayState.OFFLINE,
    WatchStatus.BAD_CREDENTIALS: TrayState.BAD_CREDENTIALS,
    WatchStatus.FALLBACK: TrayState.POLLING,
}


def state_text(state: TrayState) -> str:
    """What the state means, in the words an agent would use."""
    texts = {
        TrayState.STARTING: QCoreApplication.translate("TrayController", "Starting…"),
        TrayState.CONNECTED: QCoreApplication.translate("TrayController", "Connected"),
        TrayState.POLLING: QCoreApplication.translate(
            "TrayController", "Call server unreachable: checking Ringostat every few seconds"
        ),
        TrayState.OFFLINE: QCoreApplication.translate(
            "TrayController", "Offline: no connection, retrying"
        ),
        TrayState.BAD_CREDENTIALS: QCoreApplication.translate(
            "TrayController", "Sign-in refused: check Settings"
        ),
        TrayState.PAUSED: QCoreApplication.translate("TrayController", "Pop-ups paused"),
    }
    return texts[state]


def journal_text() -> str:
    # Every call, not a count of missed ones: that count is said once (waiting_text).
    return QCoreApplication.translate("TrayController", "Open journal")


class FallbackMainWindow(QMainWindow):
    """Stands in for the tray where the desktop has none: the same state, count and actions.

    Closing it only minimises it, because pop-ups keep working only while the app runs;
    "Quit" is the explicit way out.
    """

    open_contacts_clicked = Signal()
    open_journal_clicked = Signal()
    open_settings_clicked = Signal()
    pause_clicked = Signal(bool)
    quit_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("RingoHunt"))
        self.setObjectName("fallbackMainWindow")
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.setSpacing(10)

        header = QHBoxLayout()
        self.icon_label = QLabel(central)
        self.icon_label.setFixedSize(32, 32)
        header.addWidget(self.icon_label)
        self.state_label = plain_label(object_name="stateLabel", parent=central)
        self.state_label.setWordWrap(True)
        header.addWidget(self.state_label, 1)
        layout.addLayout(header)

        self.detail_label = plain_label(object_name="detailLabel", parent=central)
        self.detail_label.setWordWrap(True)
        theme.set_tone(self.detail_label, "secondary")
        layout.addWidget(self.detail_label)
        self.waiting_label = plain_label(object_name="waitingLabel", parent=central)
        theme.set_tone(self.waiting_label, "alert")
        layout.addWidget(self.waiting_label)
        self.progress_label = plain_label(object_name="progressLabel", parent=central)
        theme.set_tone(self.progress_label, "secondary")
        layout.addWidget(self.progress_label)

        self.contacts_button = QPushButton(self.tr("Open contact book"), central)
        self.journal_button = QPushButton(central)
        self.settings_button = QPushButton(self.tr("Settings…"), central)
        self.pause_button = QPushButton(self.tr("Pause pop-ups"), central)
        self.pause_button.setCheckable(True)
        self.quit_button = QPushButton(self.tr("Quit"), central)
        for button in (self.contacts_button, self.journal_button, self.settings_button,
                       self.pause_button, self.quit_button):
            layout.addWidget(button)
        layout.addStretch(1)
        self.setCentralWidget(central)

        self.contacts_button.clicked.connect(self.open_contacts_clicked)
        self.journal_button.clicked.connect(self.open_journal_clicked)
        self.settings_button.clicked.connect(self.open_settings_clicked)
        self.pause_button.toggled.connect(self.pause_clicked)
        self.quit_button.clicked.connect(self.quit_clicked)
        theme.resize_for_text(self, 320, 300)

    def show_status(self, state: TrayState, detail: str, waiting: str, progress: str,
                    icon: QIcon) -> None:
        """``waiting``: the count of numbers waiting for a call-back, in words ('' = none)."""
        self.state_label.setText(state_text(state))
        self.detail_label.setText(detail)
        self.detail_label.setVisible(bool(detail))
        self.progress_label.setText(progress)
        self.progress_label.setVisible(bool(progress))
        self.journal_button.setText(journal_text())
        self.waiting_label.setText(waiting)
        self.waiting_label.setVisible(bool(waiting))
        self.icon_label.setPixmap(icon.pixmap(32, 32))
        self.setWindowIcon(icon)

    def set_paused(self, paused: bool) -> None:
        # Reflect the state without echoing it back as a fresh request.
        self.pause_button.blockSignals(True)
        self.pause_button.setChecked(paused)
        self.pause_button.blockSignals(False)

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10_000)

    def closeEvent(self, event: QCloseEvent) -> None:
        event.ignore()
        self.showMinimized()


class TrayController(QObject):
    """Owns the tray icon (or its fallback window) and turns clicks into signals."""

    open_contacts_requested = Signal()
    open_journal_requested = Signal()
    open_inbox_requested = Signal()
    open_hygiene_requested = Signal()
    open_settings_requested = Signal()
    save_diagnostics_requested = Signal()
    check_calls_requested = Signal()
    focus_call_requested = Signal()  # the keyboard way to the newest call pop-up
    pause_toggled = Signal(bool)
    calm_toggled = Signal(bool)
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None, *,
                 use_system_tray: bool | None = None, region: str = DEFAULT_REGION) -> None:
        """``use_system_tray=None`` asks the desktop; tests force the fallback with False.
        ``region`` is how numbers in notices are written (the settings' default region)."""
        super().__init__(parent)
        self.region = region
        self._state = TrayState.STARTING
        self._detail = ""
        self._source_state = TrayState.STARTING  # what the call source last reported
        self._missed = 0
        self._day_summary = ""
        self._paused = False
        self._calm = False
        self._calm_locked = False  # IT pinned calm mode: the menu shows it, greyed
        self._quiet_notice = ""  # calm mode: the last notice, in the tooltip, not a balloon
        self._progress = ""
        self._pop_latency: tuple[float, float, int] | None = None
        self._panel_stack: PanelStack | None = None

        # Never shown as a real window; it parents the menu so both share one lifetime.
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self._rebuild_menu)
        self._rebuild_menu()

        if use_system_tray is None:
            use_system_tray = QSystemTrayIcon.isSystemTrayAvailable()
        self.tray: QSystemTrayIcon | None = None
        self.fallback: FallbackMainWindow | None = None
        if use_system_tray:
            self.tray = QSystemTrayIcon(self)
            self.tray.setContextMenu(self.menu)
            self.tray.activated.connect(self._on_activated)
        else:
            self.fallback = FallbackMainWindow()
            self.fallback.open_contacts_clicked.connect(self.open_contacts_requested)
            self.fallback.open_journal_clicked.connect(self.open_journal_requested)
            self.fallback.open_settings_clicked.connect(self.open_settings_requested)
            self.fallback.pause_clicked.connect(self._set_paused_from_user)
            self.fallback.quit_clicked.connect(self.quit_requested)
        self._refresh()

    # -- state the application pushes in ------------------------------------------------

    @property
    def state(self) -> TrayState:
        return self._state

    @property
    def missed(self) -> int:
        return self._missed

    @property
    def paused(self) -> bool:
        return self._paused

    def set_state(self, state: TrayState, detail: str = "") -> None:
        """``detail`` names what is wrong in plain words, e.g. "NetHunt: credentials refused"."""
        self._state = state
        self._detail = detail
        self._refresh()

    def show_source_state(self, state: TrayState, detail: str = "") -> None:
        """How the calls are getting through; while the agent has paused pop-ups, "paused"
        stays on show unless something is wrong."""
        self._source_state = state
        if self._paused and state is TrayState.CONNECTED:
            return
        self.set_state(state, detail)

    def show_watch_status(self, status: WatchStatus, failure: BaseException | None) -> None:
        self.show_source_state(_WATCH_STATES[status],
                               describe(failure) if failure is not None else "")

    def show_startup_failure(self, failure: BaseException) -> None:
        """The services could not start: a setting to fix, or a service out of reach."""
        state = (TrayState.BAD_CREDENTIALS if isinstance(failure, SetupError | AuthError)
                 else TrayState.OFFLINE)
        self.show_source_state(state, describe_startup_failure(failure))

    # -- click-to-call, as it goes

    def show_dial_refused(self, _text: str, failure: BaseException) -> None:
        self.notify_call(self.tr("Cannot call"), describe(failure))

    def show_dialling(self, number_e164: str) -> None:
        self.notify_call(self.tr("Calling…"), display_number(number_e164, self.region))

    def show_call_placed(self, number_e164: str) -> None:
        self.notify_call(
            self.tr("Call placed"),
            self.tr("Your phone rings first; pick up to be connected to {number}.").format(
                number=display_number(number_e164, self.region)))

    def show_call_failed(self, _number_e164: str, failure: BaseException) -> None:
        self.notify_call(self.tr("Call failed"), describe(failure))

    def set_pop_latency(self, figures: tuple[float, float, int] | None) -> None:
        """Today's pop delays (median, p95 in seconds, count), for the status tooltip."""
        self._pop_latency = figures
        self._refresh()

    def set_day_summary(self, text: str) -> None:
        """The agent's day in one line (shown in the menu; computed from the journal)."""
        self._day_summary = text

    def set_missed(self, count: int) -> None:
        self._missed = max(0, count)
        self._refresh()

    def set_paused(self, paused: bool) -> None:
        """Sync the pause tick from settings; does not emit ``pause_toggled``."""
        self._paused = paused
        if self.fallback is not None:
            self.fallback.set_paused(paused)
        self._refresh()

    @property
    def calm(self) -> bool:
        return self._calm

    def set_calm(self, calm: bool, *, locked: bool = False) -> None:
        """Calm mode from the settings; does not emit ``calm_toggled``."""
        self._calm = calm
        self._calm_locked = locked
        if not calm:
            self._quiet_notice = ""
        self._refresh()

    def set_sync_progress(self, done: int, total: int) -> None:
        """Contact-book sync progress; ``total`` ≤ 0 or ``done`` ≥ ``total`` clears it."""
        if total <= 0 or done >= total:
            self._progress = ""
        else:
            self._progress = self.tr("Syncing contacts: {done} of {total}").format(
                done=done, total=total
            )
        self._refresh()

    def set_panel_stack(self, stack: PanelStack | None) -> None:
        """The call panels' stack: while it shows a panel, notices join it (see
        :meth:`notify_call`) and the menu offers to go to the panel."""
        self._panel_stack = stack

    def notify_call(self, title: str, body: str) -> None:
        """Show a notice (a missed call, a call placed, diagnostics saved…). Every notice of
        the app comes through here: the one place that decides how it is shown.

        Calm mode comes first: no balloon, and so no sound (the app plays none of its own; a
        system notification may chime), only a quiet line in the tray's tooltip. Any sound
        added later belongs here, behind the same gate. Otherwise, while call panels are on
        screen the notice joins their stack as a short row beyond them (a desktop balloon
        would cover the newest panel's header); else it is a desktop balloon, or a line in
        the status bar of the window that stands in for a missing tray."""
        if self.tray is not None and self._calm:
            self._quiet_notice = f"{title}: {body}" if body else title
            self._refresh()
            return
        stack = self._panel_stack
        if stack is not None and stack.has_panels():
            stack.show_notice(title, body)
            return
        if self.tray is not None:
            self.tray.showMessage(title, body, self.icon(), 8_000)
        elif self.fallback is not None:
            self.fallback.show_message(f"{title}: {body}" if body else title)

    def show(self) -> None:
        if self.tray is not None:
            self.tray.show()
        elif self.fallback is not None:
            self.fallback.show()

    def hide(self) -> None:
        if self.tray is not None:
            self.tray.hide()
        elif self.fallback is not None:
            self.fallback.hide()

    # -- what the agent sees ------------------------------------------------------------

    def icon(self) -> QIcon:
        return tray_icon(self._state, self._missed)

    def waiting_text(self) -> str:
        """The one count of missed calls, said the same way everywhere (the tray, the
        journal, the inbox): client numbers still waiting for a call-back."""
        return waiting_label(self._missed)

    def tooltip(self) -> str:
        """Plain text; QSystemTrayIcon tooltips are never rendered as rich text on any OS."""
        lines = [self.tr("RingoHunt: {state}").format(state=state_text(self._state))]
        if self._detail:
            lines.append(self._detail)
        if self._missed:
            lines.append(self.waiting_text())
        if self._progress:
            lines.append(self._progress)
        if self._quiet_notice:
            lines.append(self._quiet_notice)
        if self._pop_latency is not None:
            median, p95, count = self._pop_latency
            lines.append(self.tr("Pop-ups today: half within {median} s, 95% within {p95} s "
                                 "({count})").format(median=f"{median:.1f}",
                                                     p95=f"{p95:.1f}", count=count))
        return "\n".join(lines)

    def _refresh(self) -> None:
        icon = self.icon()
        if self.tray is not None:
            self.tray.setIcon(icon)
            self.tray.setToolTip(self.tooltip())
        if self.fallback is not None:
            self.fallback.show_status(self._state, self._detail,
                                      self.waiting_text() if self._missed else "",
                                      self._progress, icon)

    def _rebuild_menu(self) -> None:
        """Fill the menu from the current state; runs on every ``aboutToShow``."""
        self.menu.clear()
        status = self.menu.addAction(state_text(self._state))
        status.setEnabled(False)  # a heading, not a command
        self.menu.addSeparator()
        if self._panel_stack is not None and self._panel_stack.has_panels():
            # The pop-up never takes the focus; from the tray menu (reachable by keyboard on
            # every desktop) the agent can give it the keyboard.
            go_to_call = self.menu.addAction(self.tr("Go to the call pop-up"))
            go_to_call.triggered.connect(self.focus_call_requested)
        contacts = self.menu.addAction(self.tr("Open contact book"))
        contacts.triggered.connect(self.open_contacts_requested)
        journal = self.menu.addAction(journal_text())
        journal.triggered.connect(self.open_journal_requested)
        # The list to work through, with the one count (the tooltip's and the journal's).
        inbox = self.menu.addAction(
            self.tr("Missed calls to return ({count} waiting)").format(count=self._missed)
            if self._missed else self.tr("Missed calls to return"))
        inbox.triggered.connect(self.open_inbox_requested)
        if self._day_summary:
            day = self.menu.addAction(self._day_summary)
            day.setEnabled(False)  # a figure, not a command
        check = self.menu.addAction(self.tr("Check calls now"))
        check.setToolTip(self.tr("Ask Ringostat now for calls that may not have reached "
                                 "RingoHunt"))
        check.triggered.connect(self.check_calls_requested)
        hygiene = self.menu.addAction(self.tr("Check phone numbers…"))
        hygiene.triggered.connect(self.open_hygiene_requested)
        settings = self.menu.addAction(self.tr("Settings…"))
        settings.triggered.connect(self.open_settings_requested)
        diagnostics = self.menu.addAction(self.tr("Save diagnostics…"))
        diagnostics.triggered.connect(self.save_diagnostics_requested)
        self.menu.addSeparator()
        pause = self.menu.addAction(self.tr("Pause pop-ups"))
        pause.setCheckable(True)
        pause.setChecked(self._paused)
        pause.toggled.connect(self._set_paused_from_user)
        calm = self.menu.addAction(self.tr("Calm mode"))
        calm.setObjectName("calmModeAction")
        calm.setToolTip(self.tr("No balloons, no sound, panels without animation"))
        calm.setCheckable(True)
        calm.setChecked(self._calm)
        calm.setEnabled(not self._calm_locked)
        calm.toggled.connect(self._set_calm_from_user)
        self.menu.addSeparator()
        quit_action = self.menu.addAction(self.tr("Quit"))
        quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        quit_action.triggered.connect(self.quit_requested)

    def _set_paused_from_user(self, paused: bool) -> None:
        self._paused = paused
        if self.fallback is not None:
            self.fallback.set_paused(paused)
        self.set_state(TrayState.PAUSED if paused else self._source_state)
        self.pause_toggled.emit(paused)

    def _set_calm_from_user(self, calm: bool) -> None:
        self.set_calm(calm, locked=self._calm_locked)
        self.calm_toggled.emit(calm)

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self.activate()

    def activate(self) -> None:
        """A click on the icon: missed calls first, otherwise the contact book."""
        if self._missed > 0:
            self.open_journal_requested.emit()
        else:
            self.open_contacts_requested.emit()

    def dispose(self) -> None:
        """Hide and free the tray icon and windows (call before quitting)."""
        self.hide()
        if self.fallback is not None:
            self.fallback.deleteLater()
            self.fallback = None
        self.menu.deleteLater()
