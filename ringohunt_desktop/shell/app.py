"""The coordinator: builds the services and windows from a Config, wires their signals, and
runs everything on one qasync event loop. Widgets never see a client; services never see a
widget; this module is the only place where the two meet.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections import deque
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFileOpenEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from ringohunt_desktop import APP_ID, APP_NAME, ORG_NAME, __version__, phone
from ringohunt_desktop.autostart import default_command, set_autostart
from ringohunt_desktop.clients.errors import ApiError, AuthError
from ringohunt_desktop.config import Config
from ringohunt_desktop.core.calltracking import CallEvent, CallTracker
from ringohunt_desktop.core.lookup import CallerLookup, FieldMap, PickMemory
from ringohunt_desktop.core.polling import CallPoller
from ringohunt_desktop.core.session import Session, SetupError
from ringohunt_desktop.core.sync import ContactSync
from ringohunt_desktop.credentials import CredentialStore, MemoryStore, default_store
from ringohunt_desktop.diagnostics import save_diagnostics
from ringohunt_desktop.domain import (
    CallPhase,
    CallRecord,
    Contact,
    LookupResult,
    LookupState,
    NewContact,
)
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.services.crm import CrmService
from ringohunt_desktop.services.dialer import Dialer
from ringohunt_desktop.services.setup_controller import SetupController
from ringohunt_desktop.services.sync_service import SyncService
from ringohunt_desktop.services.tasks import cancel_and_wait
from ringohunt_desktop.services.watcher import CallWatcher, WatchStatus
from ringohunt_desktop.shell.single_instance import SingleInstance, default_server_name
from ringohunt_desktop.store.calls import CallStore
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database
from ringohunt_desktop.ui.contact_book import ContactBookWindow
from ringohunt_desktop.ui.create_contact_dialog import CreateContactDialog
from ringohunt_desktop.ui.failures import describe
from ringohunt_desktop.ui.insider_panel import InsiderPanel, PanelStack
from ringohunt_desktop.ui.journal import JournalWindow
from ringohunt_desktop.ui.tray import TrayController, TrayState

log = logging.getLogger(__name__)

SETUP_RETRY_SECONDS = 15.0
JOURNAL_SEEN_KEY = "journal.seen_at"

_TRAY_STATE = {
    WatchStatus.STARTING: TrayState.STARTING,
    WatchStatus.CONNECTED: TrayState.CONNECTED,
    WatchStatus.OFFLINE: TrayState.OFFLINE,
    WatchStatus.BAD_CREDENTIALS: TrayState.BAD_CREDENTIALS,
}


@dataclass
class Services:
    """Everything that exists once the agent and the Contacts folder are known."""

    session: Session
    lookup: CallerLookup
    crm: CrmService
    dialer: Dialer
    watcher: CallWatcher
    sync: SyncService


class RingoHuntApp(QObject):
    """Signals:
        ready (): services are up (agent and Contacts folder resolved).
        panel_shown (str call_id): an Insider panel is on screen (used by tests/benchmarks).
        quit_requested (): the agent chose Quit; the owner of the loop shuts down.
    """

    ready = Signal()
    panel_shown = Signal(str)
    quit_requested = Signal()

    def __init__(self, config: Config, paths: AppPaths, *, demo: Any = None,
                 credentials: CredentialStore | None = None,
                 env: Mapping[str, str] | None = None,
                 overrides: Mapping[str, str | None] | None = None) -> None:
        super().__init__()
        qt_app = QApplication.instance()
        if isinstance(qt_app, QApplication):
            # A tray app lives on when its last window (a dialog, a panel) closes.
            qt_app.setQuitOnLastWindowClosed(False)
        self.config = config
        self.paths = paths
        self.demo = demo
        self.database = Database.open(paths.database_file)
        self.contacts = ContactStore(self.database)
        self.calls = CallStore(self.database)
        self.services: Services | None = None
        self.staff_names: dict[str, str] = {}
        self.paused = False
        self._open_dialogs: dict[str, CreateContactDialog] = {}
        self._pending_dials: list[str] = []
        self.recent_errors: deque[str] = deque(maxlen=50)  # for the diagnostics zip
        self._started_at = datetime.now(UTC)
        self.contact_book: ContactBookWindow | None = None
        self.journal: JournalWindow | None = None
        self.tray = TrayController()
        self.panels = PanelStack(autoclose_seconds=config.pop_autoclose)
        self.setup = SetupController(
            credentials if credentials is not None else MemoryStore(), paths, config, env=env,
            overrides=overrides, apply_autostart=_apply_autostart, parent=self)
        self.setup.configuration_saved.connect(self._on_configuration_saved)
        self._wire_tray()
        self._setup_task: asyncio.Task[None] | None = None
        self._restart_task: asyncio.Task[None] | None = None
        self._stopped = asyncio.Event()

    def _anchor_panels_to_tray(self) -> None:
        """Pop panels next to the tray icon (top or bottom of the screen, wherever it is)."""
        tray_icon = self.tray.tray
        if tray_icon is None:
            return
        geometry = tray_icon.geometry()
        # Until the tray host has embedded the icon, X11 reports an empty rect or one at the
        # origin; the screen corner is a better guess than the top-left then.
        if geometry.isValid() and not geometry.isEmpty() and not geometry.topLeft().isNull():
            self.panels.set_anchor(geometry)

    # -- start and stop ---------------------------------------------------------------------

    def start(self) -> None:
        self._update_missed_badge()
        self.tray.show()
        if self.config.missing_credentials:
            # First run: nothing to connect with yet; the wizard saves and restarts services.
            self.tray.set_state(TrayState.BAD_CREDENTIALS,
                                self.tr("Not set up yet: open Settings to enter your keys"))
            self.setup.open_wizard()
            return
        self.tray.set_state(TrayState.STARTING, self.tr("Connecting…"))
        self._setup_task = asyncio.ensure_future(self._set_up_services())

    def _on_configuration_saved(self, config: Config) -> None:
        """New keys or settings: rebuild the services with them (the windows stay)."""
        self.config = config
        self.panels.autoclose_seconds = config.pop_autoclose
        self._restart_task = asyncio.ensure_future(self._restart_services())

    async def _restart_services(self) -> None:
        await cancel_and_wait(self._setup_task)
        if self.services is not None:
            await self._stop_services(self.services)
            self.services = None
        self.tray.set_state(TrayState.STARTING, self.tr("Connecting…"))
        self._setup_task = asyncio.ensure_future(self._set_up_services())

    async def _set_up_services(self) -> None:
        """Resolve the agent and folder; on failure say why and try again by itself."""
        reported = ""
        while True:
            try:
                self.services = await self._build_services()
            except (SetupError, ApiError) as exc:
                detail = english_detail(exc)
                if detail != reported:  # the same trouble every 15 s is said once
                    log.info("services not started (retrying every %.0fs): %s",
                             SETUP_RETRY_SECONDS, detail)
                    self._record_error(detail)
                    reported = detail
                state = (TrayState.BAD_CREDENTIALS if isinstance(exc, SetupError | AuthError)
                         else TrayState.OFFLINE)
                self.tray.set_state(state, describe(exc))
            else:
                self.services.watcher.start()
                self.services.sync.start()
                self.ready.emit()
                for target in self._pending_dials:
                    self.services.dialer.dial(target)
                self._pending_dials.clear()
                return
            await asyncio.sleep(SETUP_RETRY_SECONDS)

    async def _build_services(self) -> Services:
        session = Session(self.config)
        try:
            staff = await session.ringostat.staff()
            agent = await session.resolve_agent(staff)
            folder = await session.resolve_contacts_folder()
        except BaseException:
            await session.aclose()
            raise
        lookup = CallerLookup(
            session.nethunt, folder.folder_id, fields=FieldMap.from_config(self.config),
            region=self.config.default_region, store=self.contacts,
            picks=PickMemory(self.paths.config_dir / "picks.json"),
            workspace_id=self.config.nethunt_workspace_id, time_zone=self.config.crm_timezone)
        crm = CrmService(lookup, self)
        dialer = Dialer(session.ringostat, agent.identity.dial_extension,
                        region=self.config.default_region, parent=self)
        tracker = CallTracker(agent.identity,
                              include_unassigned_missed=self.config.include_unassigned_missed)
        poller = CallPoller(session.ringostat, agent.identity,
                            interval=self.config.poll_interval,
                            resume_from=self.calls.latest_started_at())
        watcher = CallWatcher(poller, tracker, interval=self.config.poll_interval, parent=self)
        sync = SyncService(ContactSync(session.nethunt, folder.folder_id, self.contacts,
                                       self.database, lookup.to_contact,
                                       phone_field=self.config.field_phone), parent=self)
        # NetHunt keeps the responsible manager as a user e-mail; agents know names.
        self.staff_names = {m.email.lower(): m.name for m in staff if m.email}
        if self.contact_book is not None:
            self.contact_book.model.set_manager_names(self.staff_names)
        services = Services(session, lookup, crm, dialer, watcher, sync)
        self._wire_services(services)
        return services

    async def shutdown(self) -> None:
        if self._stopped.is_set():
            return
        await cancel_and_wait(self._restart_task)
        await cancel_and_wait(self._setup_task)
        self.panels.close_all()
        for window in (self.contact_book, self.journal, *self._open_dialogs.values()):
            if window is not None:
                window.close()
        if self.services is not None:
            await self._stop_services(self.services)
        await self.setup.aclose()
        self.database.close()
        self._stopped.set()

    @staticmethod
    async def _stop_services(services: Services) -> None:
        await services.sync.stop()
        await services.watcher.stop()
        await services.crm.wait_idle()
        await services.dialer.wait_idle()
        await services.session.aclose()

    async def wait_stopped(self) -> None:
        await self._stopped.wait()

    def request_quit(self) -> None:
        self.quit_requested.emit()

    # -- wiring -----------------------------------------------------------------------------

    def _wire_tray(self) -> None:
        self.tray.quit_requested.connect(self.request_quit)
        self.tray.pause_toggled.connect(self._set_paused)
        self.tray.open_contacts_requested.connect(self.open_contact_book)
        self.tray.open_journal_requested.connect(self.open_journal)
        self.tray.open_settings_requested.connect(self.setup.open_settings)
        self.tray.save_diagnostics_requested.connect(self.save_diagnostics)

    def _wire_services(self, services: Services) -> None:
        watcher = services.watcher
        watcher.call_ringing.connect(self._on_call_event)
        watcher.call_answered.connect(self._on_call_event)
        watcher.call_ended.connect(self._on_call_event)
        watcher.call_missed.connect(self._on_call_event)
        watcher.calls_fetched.connect(self._store_calls)
        watcher.status_changed.connect(self._on_watch_status)
        services.crm.lookup_updated.connect(self._on_lookup)
        services.crm.contact_created.connect(self._on_contact_created)
        services.crm.existing_contact_found.connect(self._on_existing_contact)
        services.crm.create_failed.connect(self._on_create_failed)
        self._wire_dialer(services.dialer)
        # The diagnostics keep the precise English reason; the agent sees it in words.
        watcher.status_changed.connect(
            lambda _status, failure: self._record_error(english_detail(failure)))
        services.crm.create_failed.connect(
            lambda _number, failure: self._record_error(english_detail(failure)))
        services.dialer.call_failed.connect(
            lambda _number, failure: self._record_error(english_detail(failure)))
        services.sync.failed.connect(self._record_error)
        services.sync.progress.connect(self._on_sync_progress)
        services.sync.synced.connect(self._on_synced)

    def _wire_dialer(self, dialer: Dialer) -> None:
        """Every click-to-call says what happens: calling…, then success or the reason."""
        region = self.config.default_region
        dialer.refused.connect(
            lambda _text, failure: self.tray.notify_call(self.tr("Cannot call"),
                                                         describe(failure)))
        dialer.calling.connect(lambda number: self.tray.notify_call(
            self.tr("Calling…"), phone.display_number(number, region)))
        dialer.call_placed.connect(lambda number: self.tray.notify_call(
            self.tr("Call placed"),
            self.tr("Your phone rings first; pick up to be connected to {number}.").format(
                number=phone.display_number(number, region))))
        dialer.call_failed.connect(
            lambda _number, failure: self.tray.notify_call(self.tr("Call failed"),
                                                           describe(failure)))

    def dial(self, target: str) -> None:
        """Click-to-call from anywhere (tel: links, the CLI's second instance, windows)."""
        if self.services is None:
            self._pending_dials.append(target)  # placed once the services are up
            return
        self.services.dialer.dial(target)

    def handle_instance_message(self, message: dict[str, Any]) -> None:
        """A second launch handed over its request (a tel: link, or just "show yourself")."""
        if message.get("action") == "dial" and isinstance(message.get("target"), str):
            self.dial(message["target"])
        else:
            self.open_contact_book()

    # -- windows ----------------------------------------------------------------------------

    def open_contact_book(self) -> None:
        if self.contact_book is None:
            book = ContactBookWindow(self.contacts, self.config.default_region)
            book.model.set_manager_names(self.staff_names)
            book.call_requested.connect(self.dial)
            book.open_in_crm_requested.connect(self.open_in_crm)
            self.contact_book = book
        _bring_to_front(self.contact_book)

    def open_journal(self) -> None:
        if self.journal is None:
            journal = JournalWindow(self.calls, self.config.default_region)
            journal.call_requested.connect(self.dial)
            journal.open_in_crm_requested.connect(self._open_number_in_crm)
            journal.missed_count_changed.connect(lambda _count: self._update_missed_badge())
            journal.journal_opened.connect(self._journal_seen)
            self.journal = journal
        self.journal.refresh()
        _bring_to_front(self.journal)

    def _open_number_in_crm(self, number: str) -> None:
        if self.services is not None:
            result = self.services.lookup.cached(number)  # the agent's pick comes first
            contacts = list(result.contacts) if result is not None else []
        else:
            contacts = self.contacts.find_by_number(number, self.config.default_region)
        if contacts:
            self.open_in_crm(contacts[0])

    def _journal_seen(self) -> None:
        """The badge counts missed calls the agent has not seen; the journal keeps them
        highlighted until they are marked handled."""
        # Call times have whole seconds: a call in the same second still counts as unseen.
        seen = datetime.now(UTC).replace(microsecond=0)
        self.database.set_meta(JOURNAL_SEEN_KEY, seen.isoformat())
        self._update_missed_badge()

    def _update_missed_badge(self) -> None:
        seen = self.database.get_meta(JOURNAL_SEEN_KEY)
        since = datetime.fromisoformat(seen) if seen else None
        self.tray.set_missed(self.calls.unhandled_missed_count(since))

    def _on_sync_progress(self, done: int, total: int) -> None:
        known_total = total if total >= 0 else None
        if self.contact_book is not None:
            self.contact_book.set_sync_progress(done, known_total)
        self.tray.set_sync_progress(done, total if total >= 0 else 0)

    def _on_synced(self, _report: object) -> None:
        if self.contact_book is not None:
            self.contact_book.set_sync_progress(1, 1)
            if self.contact_book.isVisible():
                self.contact_book.refresh()

    def _set_paused(self, paused: bool) -> None:
        self.paused = paused
        self.tray.set_state(TrayState.PAUSED if paused else self._tray_state(), "")

    def _tray_state(self) -> TrayState:
        if self.services is None:
            return TrayState.STARTING
        return _TRAY_STATE[self.services.watcher.status]

    def _on_watch_status(self, status: str, failure: ApiError | None) -> None:
        if self.paused and status == WatchStatus.CONNECTED.value:
            return
        self.tray.set_state(_TRAY_STATE[WatchStatus(status)],
                            describe(failure) if failure is not None else "")

    def _store_calls(self, calls: list[CallRecord]) -> None:
        changed = self.calls.upsert(calls)
        self._update_missed_badge()
        if changed and self.journal is not None and self.journal.isVisible():
            self.journal.refresh()

    # -- calls and the Insider panel ---------------------------------------------------------

    def number_e164(self, call: CallRecord) -> str:
        """The caller in E.164; an extension or junk stays as reported (shown, not searched)."""
        return (phone.caller_e164(call.client_number, self.config.default_region)
                or call.client_number)

    def _should_pop(self, event: CallEvent) -> bool:
        if not event.live or self.paused or self.config.pop_mode == "off":
            return False
        wanted = CallPhase.RINGING if self.config.pop_mode == "ring" else CallPhase.ANSWERED
        return event.phase is wanted

    def _on_call_event(self, event: CallEvent) -> None:
        call = event.call
        panel = self.panels.panel(call.call_id)
        if panel is None and self._should_pop(event):
            panel = self._pop(call)
        if panel is not None:
            self.panels.call_updated(call, event.phase)
            if event.phase in (CallPhase.ENDED, CallPhase.MISSED):
                self.panels.call_finished(call.call_id)
            return
        # Without a panel on screen, a tray notification is how the agent hears of the call
        # (a panel is the notification; a balloon on top of it would hide the number).
        number = phone.display_number(call.client_number, self.config.default_region)
        if self.paused:
            return
        if event.phase is CallPhase.MISSED and call.started_at >= self._started_at:
            # Also when it rang too briefly to be seen ringing between two polls; calls from
            # before the app started are history and only count on the badge.
            self.tray.notify_call(self.tr("Missed call"), number)
        elif event.phase is CallPhase.RINGING and event.live and self.config.pop_mode != "off":
            self.tray.notify_call(self.tr("Incoming call"), number)

    def _pop(self, call: CallRecord) -> InsiderPanel:
        assert self.services is not None
        number = self.number_e164(call)
        self._anchor_panels_to_tray()
        panel = self.panels.show_call(
            call, phone.display_number(number, self.config.default_region), number_e164=number)
        panel.open_in_crm_requested.connect(self.open_in_crm)
        panel.create_contact_requested.connect(self.open_create_dialog)
        panel.call_back_requested.connect(self.services.dialer.dial)
        panel.copy_number_requested.connect(self._copy_number)
        panel.contact_picked.connect(self.services.crm.remember_pick)
        panel.contact_picked.connect(lambda _number, _contact: self._show_manager_name(panel))
        panel.retry_lookup_requested.connect(self.services.crm.request_lookup)
        self.services.crm.request_lookup(number)
        self.panel_shown.emit(call.call_id)
        return panel

    def _record_error(self, text: str) -> None:
        if text:
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            self.recent_errors.append(f"{stamp} {text}")

    def save_diagnostics(self, target: Path | None = None) -> Path | None:
        """Write the support zip (logs, versions, settings without secrets, recent errors)."""
        if target is None:
            default = Path.home() / f"ringohunt-diagnostics-{datetime.now():%Y%m%d-%H%M}.zip"
            chosen, _filter = QFileDialog.getSaveFileName(
                None, self.tr("Save diagnostics"), str(default), self.tr("Zip archive (*.zip)"))
            if not chosen:
                return None
            target = Path(chosen)
        try:
            path = save_diagnostics(target, log_dir=self.paths.log_dir, config=self.config,
                                    recent_errors=list(self.recent_errors))
        except OSError as exc:
            self.tray.notify_call(self.tr("Could not save diagnostics"), str(exc))
            return None
        self.tray.notify_call(self.tr("Diagnostics saved"), str(path))
        return path

    def _on_lookup(self, result: LookupResult) -> None:
        if result.state is LookupState.FAILED:
            self._record_error(result.error)
        for panel in self.panels.panels():
            if panel.number_e164 == result.number_e164:
                panel.set_lookup(result)
                self._show_manager_name(panel)

    def _show_manager_name(self, panel: InsiderPanel) -> None:
        contact = panel.contact
        if contact is not None and contact.manager.lower() in self.staff_names:
            panel.set_manager_display(self.staff_names[contact.manager.lower()])

    def open_in_crm(self, contact: Contact) -> None:
        if contact.link:
            QDesktopServices.openUrl(QUrl(contact.link))

    def _copy_number(self, number: str) -> None:
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(number)

    # -- Create contact ---------------------------------------------------------------------

    def open_create_dialog(self, number_e164: str, call: CallRecord | None = None) -> None:
        assert self.services is not None
        dialog = self._open_dialogs.get(number_e164)
        if dialog is not None:
            dialog.raise_()
            return
        dialog = CreateContactDialog(
            number_e164, phone.display_number(number_e164, self.config.default_region), call)
        self._open_dialogs[number_e164] = dialog
        dialog.submitted.connect(self._submit_contact)
        dialog.open_existing_requested.connect(self.open_in_crm)
        dialog.finished.connect(lambda _code: self._open_dialogs.pop(number_e164, None))
        dialog.show()

    def _submit_contact(self, draft: NewContact) -> None:
        assert self.services is not None
        dialog = self._open_dialogs.get(draft.phone_e164)
        if dialog is not None:
            dialog.set_busy(True)
        self.services.crm.create_contact(draft)

    def _on_contact_created(self, number_e164: str, contact: Contact) -> None:
        dialog = self._open_dialogs.get(number_e164)
        if dialog is not None:
            dialog.finish_created(contact)

    def _on_existing_contact(self, number_e164: str, contact: Contact) -> None:
        dialog = self._open_dialogs.get(number_e164)
        if dialog is not None:
            dialog.show_existing(contact)

    def _on_create_failed(self, number_e164: str, failure: ApiError) -> None:
        dialog = self._open_dialogs.get(number_e164)
        if dialog is not None:
            dialog.show_error(describe(failure))


def english_detail(failure: BaseException | None) -> str:
    """The precise English reason of a failure, for the log and the diagnostics."""
    if failure is None:
        return ""
    if isinstance(failure, ApiError):
        return failure.user_message
    return str(failure)


class _DialLinkFilter(QObject):
    """macOS hands a clicked tel:/callto: link to the running app as a FileOpen event."""

    def __init__(self, app: RingoHuntApp) -> None:
        super().__init__(app)
        self._app = app

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            url = event.url()
            if url.scheme().lower() in ("tel", "callto"):
                self._app.dial(url.toString())
                return True
        return super().eventFilter(watched, event)


def _apply_autostart(enabled: bool) -> None:
    set_autostart(enabled, command=default_command())


def _bring_to_front(window: QWidget) -> None:
    window.show()
    window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.raise_()
    window.activateWindow()


def prefer_x11_on_wayland(environ: MutableMapping[str, str]) -> None:
    """On a Linux Wayland session, run on X11 (XWayland) unless the user chose a platform.

    The Insider panel has to sit by the tray, and Wayland does not let a window place itself.
    The frozen build carries no Wayland plugin for that reason (build.spec); naming the
    platform also spares the log Qt's "could not find the wayland plugin" line on every start.
    "xcb;wayland" still ends on Wayland where there is no XWayland and the plugin exists.
    """
    if (sys.platform.startswith("linux") and environ.get("WAYLAND_DISPLAY")
            and not environ.get("QT_QPA_PLATFORM")):
        environ["QT_QPA_PLATFORM"] = "xcb;wayland"


def create_qapplication() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        prefer_x11_on_wayland(os.environ)
        app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    return app


def show_error_dialog(text: str) -> None:
    """What the agent sees when a bug slips through: plain words, and the app keeps running."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME,
                      QApplication.translate(
                          "App", "Something went wrong inside RingoHunt. It keeps running; "
                                 "the details are in the log (tray menu → Save diagnostics)."))
    box.setDetailedText(text)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
    box.show()
    _error_boxes.append(box)
    box.finished.connect(lambda _code: _error_boxes.remove(box))


_error_boxes: list[Any] = []


def _quit_on_signals(quit_event: asyncio.Event, qt_app: QApplication) -> None:
    """SIGTERM/SIGINT (logout, ``kill``, Ctrl+C) end the app as cleanly as the tray's Quit.

    Python runs signal handlers only between bytecodes, and Qt's C++ loop may sleep for long,
    so a slow timer gives the interpreter a regular chance to notice the signal.
    """
    loop = asyncio.get_running_loop()

    def handler(_signum: int, _frame: object) -> None:
        loop.call_soon_threadsafe(quit_event.set)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handler)
    wake = QTimer(qt_app)
    wake.timeout.connect(lambda: None)
    wake.start(250)


def run_gui(config: Config, paths: AppPaths, *, demo: Any = None, minimized: bool = False,
            dial: str | None = None, basedir: Path | None = None,
            env: Mapping[str, str] | None = None,
            overrides: Mapping[str, str | None] | None = None) -> int:
    import qasync

    from ringohunt_desktop.logging_setup import install_excepthook, install_qt_message_handler
    from ringohunt_desktop.shell.i18n import install_translator

    qt_app = create_qapplication()
    install_translator(qt_app, config.language)
    install_qt_message_handler()
    install_excepthook(show_error_dialog)
    instance = SingleInstance(default_server_name(basedir))
    if not instance.claim():
        # Another copy runs (e.g. this launch came from a tel: link): hand it the request.
        message = {"action": "dial", "target": dial} if dial else {"action": "show"}
        if instance.send(message):
            return 0
        sys.stderr.write("error: RingoHunt is already running but did not answer\n")
        return 1

    async def main() -> int:
        # The demo's keys must never land in the agent's real keychain.
        credentials = MemoryStore() if demo is not None else default_store()
        app = RingoHuntApp(config, paths, demo=demo, credentials=credentials, env=env,
                           overrides=overrides)
        quit_event = asyncio.Event()
        qt_app.aboutToQuit.connect(quit_event.set)
        app.quit_requested.connect(quit_event.set)
        _quit_on_signals(quit_event, qt_app)
        instance.message_received.connect(app.handle_instance_message)
        qt_app.installEventFilter(_DialLinkFilter(app))
        app.start()
        if dial:
            app.dial(dial)
        elif not minimized:
            app.open_contact_book()  # started by hand: show something; at login: stay quiet
        await quit_event.wait()
        await app.shutdown()
        instance.release()
        return 0

    try:
        return int(qasync.run(main()))
    except asyncio.CancelledError:
        return 0
