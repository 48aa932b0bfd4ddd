"""The coordinator: owns the local store, the top-level windows and the services of the
current configuration, and wires their signals together. No policy lives here: which call
pops a panel is :class:`~ringohunt_desktop.ui.call_popups.CallPopups`' business, how the
services are built is :mod:`~ringohunt_desktop.services.assembly`'s, and how the process
starts is :mod:`~ringohunt_desktop.shell.launch`'s.

One call's road: call source → :class:`CallWatcher` ``call_changed`` → ``CallPopups`` (the
panel) → ``lookup_requested`` → :class:`CrmService` → ``lookup_updated`` → ``CallPopups``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication

from ringohunt_desktop import phone
from ringohunt_desktop.autostart import default_command, set_autostart
from ringohunt_desktop.clients.errors import ApiError, Reason, TransientError
from ringohunt_desktop.config import Config, ConfigError
from ringohunt_desktop.core.feed import WatchStatus
from ringohunt_desktop.core.hygiene import audit_store
from ringohunt_desktop.core.hygiene_fix import runs_dir_of
from ringohunt_desktop.core.inbox import oldest_waiting, waiting_count
from ringohunt_desktop.core.notes import NoteWriter, local_finder
from ringohunt_desktop.core.problems import SetupError
from ringohunt_desktop.core.tasks import cancel_and_wait
from ringohunt_desktop.credentials import CredentialStore, MemoryStore
from ringohunt_desktop.diagnostics import save_diagnostics
from ringohunt_desktop.domain import (
    CallRecord,
    Contact,
    LookupResult,
    LookupState,
    NewContact,
)
from ringohunt_desktop.hotkeys.keys import HotkeyAction
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.services.assembly import Services, build_services
from ringohunt_desktop.services.dialer import RingostatOnlyDialer
from ringohunt_desktop.services.failures import (
    describe,
    describe_startup_failure,
    english_detail,
)
from ringohunt_desktop.services.hotkeys import HotkeyService
from ringohunt_desktop.services.hygiene import HygieneService
from ringohunt_desktop.services.notes import NoteService
from ringohunt_desktop.services.setup_controller import SetupController
from ringohunt_desktop.services.summaries import SummaryFeed
from ringohunt_desktop.store.calls import CallStore
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database
from ringohunt_desktop.store.notes import NoteStore
from ringohunt_desktop.store.summaries import SummaryStore
from ringohunt_desktop.store.team import TeamCallStore
from ringohunt_desktop.ui.accessibility import AppKeys, install_focus_ring
from ringohunt_desktop.ui.call_popups import CallPopups
from ringohunt_desktop.ui.contact_book import ContactBookWindow
from ringohunt_desktop.ui.create_contact_dialog import CreateContactDialogs
from ringohunt_desktop.ui.hygiene_window import HygieneWindow
from ringohunt_desktop.ui.inbox import InboxWindow
from ringohunt_desktop.ui.journal import JournalWindow
from ringohunt_desktop.ui.setup_windows import SetupWindows
from ringohunt_desktop.ui.stopped_notice import PopupsStoppedNotice
from ringohunt_desktop.ui.tray import TrayController, TrayState
from ringohunt_desktop.ui.widgets import ask_save_path, bring_to_front

log = logging.getLogger(__name__)

SETUP_RETRY_SECONDS = 15.0


class RingoHuntApp(QObject):
    """Signals:
        ready (): services are up (agent and Contacts folder resolved).
        quit_requested (): the agent chose Quit; the owner of the loop shuts down.
    """

    ready = Signal()
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
        self.paths = paths.for_demo() if demo is not None else paths
        self.demo = demo
        self._open_store(self.paths.database_file_for(config.store_key))
        self.inbox: InboxWindow | None = None
        self.summary_feed: SummaryFeed | None = None  # polling mode: NetHunt's comment feed
        # Notes after the call live in the store until NetHunt has them (also while the
        # services are down: they are written once they are up).
        self.notes = NoteService(NoteStore(self.database), language=_note_language(config),
                                 time_zone=config.crm_timezone, parent=self)
        self.services: Services | None = None
        # Calls while the services are not up (starting, or NetHunt refusing its key) go out
        # through Ringostat alone, at once: never kept to be placed hours later.
        self.early_dialer = RingostatOnlyDialer(config, parent=self)
        # number (E.164) -> the extension its tel: link asked for, said once the call is placed
        self._extensions_to_dial: dict[str, str] = {}
        self.recent_errors: deque[str] = deque(maxlen=50)  # for the diagnostics zip
        self.contact_book: ContactBookWindow | None = None
        self.journal: JournalWindow | None = None
        self.hygiene_window: HygieneWindow | None = None
        self.hygiene = HygieneService(runs_dir_of(paths.config_dir),
                                      phone_field=config.field_phone,
                                      on_record=self._store_fixed_record, parent=self)
        self.tray = TrayController(region=config.default_region)
        self.popups = CallPopups(self.tray, region=config.default_region,
                                 pop_mode=config.pop_mode,
                                 autoclose_seconds=config.pop_autoclose,
                                 notify_unassigned_missed=config.notify_unassigned_missed,
                                 parent=self)
        self.create_dialogs = CreateContactDialogs(config.default_region, parent=self)
        self.setup = SetupController(
            credentials if credentials is not None else MemoryStore(), paths, config, env=env,
            overrides=overrides, apply_autostart=_apply_autostart, parent=self)
        # System-wide shortcuts: off unless the agent or IT turned them on (start()).
        self.hotkeys = HotkeyService(qt_platform=QGuiApplication.platformName(), env=env,
                                     parent=self)
        self.setup_windows = SetupWindows(self.setup, hotkeys=self.hotkeys, parent=self)
        self.stopped_notice = PopupsStoppedNotice()
        self.stopped_notice.settings_requested.connect(self.setup_windows.open_settings)
        self.setup.configuration_saved.connect(self._on_configuration_saved)
        if isinstance(qt_app, QApplication):
            install_focus_ring(qt_app)
            self.keys = AppKeys(qt_app, parent=self)
            self.keys.panel_requested.connect(self.popups.panels.focus_newest_panel)
            self.keys.journal_requested.connect(self.open_journal)
            self.keys.contacts_requested.connect(self.open_contact_book)
        self._wire_windows()
        self._setup_task: asyncio.Task[None] | None = None
        self._restart_task: asyncio.Task[None] | None = None
        self._stopped = asyncio.Event()

    # -- start and stop ---------------------------------------------------------------------

    def start(self) -> None:
        self.team.prune()  # the inbox looks back INBOX_DAYS; older project calls go
        self._update_missed_badge()
        self._apply_calm()
        self.tray.show()
        self.hotkeys.configure(self.config.hotkeys_enabled, self.config.hotkeys)
        if self.config.missing_credentials:
            # First run: nothing to connect with yet; the wizard saves and restarts services.
            self.tray.show_source_state(
                TrayState.BAD_CREDENTIALS,
                self.tr("Not set up yet: open Settings to enter your keys"))
            self.setup_windows.open_wizard()
            return
        self.tray.show_source_state(TrayState.STARTING, self.tr("Connecting…"))
        self._setup_task = asyncio.ensure_future(self._set_up_services())

    def show_on_launch(self) -> None:
        """Started by hand: the contact book, unless the first-run wizard is up; an empty
        book over it would hide the wizard's buttons."""
        if self.setup_windows.window is None or not self.setup_windows.window.isVisible():
            self.open_contact_book()

    def _on_configuration_saved(self, config: Config) -> None:
        """New keys or settings: rebuild the services with them (the windows stay)."""
        self.config = config
        self.early_dialer.configure(config)
        self.tray.region = config.default_region
        self.create_dialogs.region = config.default_region
        self.popups.configure(region=config.default_region, pop_mode=config.pop_mode,
                              autoclose_seconds=config.pop_autoclose,
                              notify_unassigned_missed=config.notify_unassigned_missed)
        self.notes.configure(language=_note_language(config), time_zone=config.crm_timezone)
        self._apply_calm()
        self.hotkeys.configure(config.hotkeys_enabled, config.hotkeys)
        self._restart_task = asyncio.ensure_future(self._restart_services())

    async def _restart_services(self) -> None:
        await cancel_and_wait(self._setup_task)
        if self.services is not None:
            await self._stop_services(self.services)
            self.services = None
        self._switch_store_if_the_account_changed()
        self.tray.show_source_state(TrayState.STARTING, self.tr("Connecting…"))
        self._setup_task = asyncio.ensure_future(self._set_up_services())

    def _switch_store_if_the_account_changed(self) -> None:
        """Other keys, agent or folder: the other account's own store, never this one's.
        The book and the journal show the store they were made with, so they go too."""
        wanted = self.paths.database_file_for(self.config.store_key)
        if self.database.path == wanted:
            return
        log.info("account or folder changed: switching the local store to %s", wanted.name)
        for window in (self.contact_book, self.journal, self.inbox):
            if window is not None:
                window.close()
                window.deleteLater()
        self.contact_book = self.journal = None
        self.inbox = None
        self.database.close()
        self._open_store(wanted)
        self.notes.use_store(NoteStore(self.database))
        self._update_missed_badge()

    def _open_store(self, path: Path) -> None:
        """The local store at ``path`` and everything kept in it: at start, and when the
        account or folder changes (nothing may keep querying the closed one)."""
        self.database = Database.open(path)
        self.contacts = ContactStore(self.database)
        self.calls = CallStore(self.database)
        self.team = TeamCallStore(self.database, region=self.config.default_region)
        self.summaries = SummaryStore(self.database, region=self.config.default_region)

    async def _set_up_services(self) -> None:
        """Resolve the agent and folder; on failure say why and try again by itself."""
        reported = ""
        while True:
            try:
                services = await build_services(self.config, self.paths, self.database,
                                                self.contacts, self.calls, parent=self,
                                                team=self.team, summaries=self.summaries)
            except (SetupError, ApiError) as exc:
                detail = english_detail(exc)
                if detail != reported:  # the same trouble every 15 s is said once
                    log.info("services not started (retrying every %.0fs): %s",
                             SETUP_RETRY_SECONDS, detail)
                    self._record_error(detail)
                    reported = detail
                self.tray.show_startup_failure(exc)
                if self.tray.state is TrayState.BAD_CREDENTIALS:
                    self._show_pop_ups_stopped(exc, describe_startup_failure(exc))
            except Exception as exc:
                # Not foreseen (a bug, an answer or a setting nobody expected): a task that
                # died silently would leave the tray "Connecting…" forever. Say it, log it
                # with its traceback once, and keep trying like any other failure.
                detail = f"services not started: {type(exc).__name__}: {exc}"[:500]
                if detail != reported:
                    log.exception("services not started (retrying every %.0fs)",
                                  SETUP_RETRY_SECONDS)
                    self._record_error(detail)
                    reported = detail
                self.tray.show_startup_failure(exc)
            else:
                self.stopped_notice.hide()
                self.services = services
                self._wire_services(services)
                services.start()
                self.ready.emit()
                return
            await asyncio.sleep(SETUP_RETRY_SECONDS)

    async def shutdown(self) -> None:
        if self._stopped.is_set():
            return
        await cancel_and_wait(self._restart_task)
        await cancel_and_wait(self._setup_task)
        self.hotkeys.close()  # the combinations go back to the system at once
        self.popups.close_all()
        self.create_dialogs.close_all()
        await self.hygiene.stop()
        for window in (self.contact_book, self.journal, self.hygiene_window, self.inbox):
            if window is not None:
                window.close()
        if self.services is not None:
            await self._stop_services(self.services)
        await self._stop_after_call_work()  # also when the services went away before
        await self.early_dialer.aclose()
        await self.setup.aclose()
        self.setup_windows.close()
        self.stopped_notice.close()
        self.stopped_notice.deleteLater()
        self.database.close()
        self._stopped.set()

    async def _stop_services(self, services: Services) -> None:
        await self._stop_after_call_work()
        if self.inbox is not None:
            self.inbox.set_claims(None)
        await services.stop()

    async def _stop_after_call_work(self) -> None:
        """The AI-summary feed and the note writer use the services' NetHunt client."""
        if self.summary_feed is not None:
            await self.summary_feed.stop()
            self.summary_feed.deleteLater()
            self.summary_feed = None
        self.notes.set_writer(None)
        await self.notes.wait_idle()  # a note being written finishes (or stays kept)

    async def wait_stopped(self) -> None:
        await self._stopped.wait()

    def request_quit(self) -> None:
        self.quit_requested.emit()

    def check_calls_now(self) -> None:
        """Poll now, or (subscription) reconcile the journal with Ringostat now."""
        if self.services is not None:
            self.services.watcher.poll_now()

    # -- wiring -----------------------------------------------------------------------------

    def _wire_windows(self) -> None:
        tray = self.tray
        tray.quit_requested.connect(self.request_quit)
        tray.pause_toggled.connect(self.popups.set_paused)
        tray.open_contacts_requested.connect(self.open_contact_book)
        tray.open_journal_requested.connect(self.open_journal)
        tray.open_inbox_requested.connect(self.open_inbox)
        tray.open_hygiene_requested.connect(self.open_hygiene)
        tray.open_settings_requested.connect(self.setup_windows.open_settings)
        tray.save_diagnostics_requested.connect(self.save_diagnostics)
        tray.check_calls_requested.connect(self.check_calls_now)
        tray.calm_toggled.connect(self._set_calm_from_tray)
        self.hotkeys.triggered.connect(self.run_shortcut)
        self.hotkeys.problem_found.connect(
            lambda text: self.tray.notify_call(self.tr("Keyboard shortcuts"), text))
        tray.focus_call_requested.connect(self.popups.panels.focus_newest_panel)
        self.popups.open_in_crm_requested.connect(self.open_in_crm)
        self.popups.create_contact_requested.connect(self.create_dialogs.open)
        self.popups.call_back_requested.connect(self.dial)
        # The windows outlive the services (new settings rebuild them): what they ask of the
        # CRM goes to the services of the moment.
        self.popups.lookup_requested.connect(self._request_lookup)
        self.popups.contact_picked.connect(self._remember_pick)
        self.popups.note_submitted.connect(self.notes.save)
        self.popups.panel_shown.connect(lambda _call_id: self._show_last_calls())
        self.notes.note_state.connect(self.popups.show_note_state)
        self.create_dialogs.submitted.connect(self._create_contact)
        self.create_dialogs.open_in_crm_requested.connect(self.open_in_crm)
        early = self.early_dialer
        early.refused.connect(self.tray.show_dial_refused)
        early.calling.connect(self.tray.show_dialling)
        early.call_placed.connect(self.tray.show_call_placed)
        early.call_failed.connect(self.tray.show_call_failed)
        early.call_failed.connect(
            lambda _number, failure: self._record_error(english_detail(failure)))
        early.call_placed.connect(self._remind_extension)

    def _wire_services(self, services: Services) -> None:
        watcher, crm, dialer = services.watcher, services.crm, services.dialer
        self.popups.set_staff_names(services.staff_names)
        if self.contact_book is not None:
            self.contact_book.model.set_manager_names(services.staff_names)
        watcher.call_changed.connect(self.popups.show_call_event)
        watcher.calls_recorded.connect(self._calls_recorded)
        watcher.team_calls_changed.connect(self._team_calls_changed)
        watcher.summaries_changed.connect(self._summaries_changed)
        crm.lookup_updated.connect(lambda _result: self._show_last_calls())
        if not self.config.subscribes:
            feed = SummaryFeed(self.summaries, services.session.nethunt,
                               services.lookup.folder_id, parent=self)
            feed.changed.connect(self._summaries_changed)
            self.summary_feed = feed
            feed.start()
        watcher.status_changed.connect(self.tray.show_watch_status)
        watcher.status_changed.connect(self._on_watch_status)
        crm.lookup_updated.connect(self.popups.show_lookup)
        crm.contact_created.connect(self.create_dialogs.show_created)
        crm.existing_contact_found.connect(self.create_dialogs.show_existing)
        crm.create_failed.connect(self.create_dialogs.show_failure)
        dialer.refused.connect(self.tray.show_dial_refused)
        dialer.calling.connect(self.tray.show_dialling)
        dialer.call_placed.connect(self.tray.show_call_placed)
        dialer.call_failed.connect(self.tray.show_call_failed)
        dialer.call_placed.connect(self._remind_extension)
        if services.claims is not None:
            # The call-back is made: the agent's claim of that client has done its job.
            dialer.call_placed.connect(services.claims.release_number)
        if self.inbox is not None:
            self.inbox.set_claims(services.claims, shared=self.config.subscribes)
        services.sync.progress.connect(self._on_sync_progress)
        services.sync.synced.connect(self._on_synced)
        # The diagnostics keep the precise English reason; the agent sees it in words.
        watcher.status_changed.connect(
            lambda _status, failure: self._record_error(english_detail(failure)))
        crm.lookup_updated.connect(self._record_lookup_failure)
        crm.create_failed.connect(
            lambda _number, failure: self._record_error(english_detail(failure)))
        dialer.call_failed.connect(
            lambda _number, failure: self._record_error(english_detail(failure)))
        services.sync.failed.connect(self._record_error)
        # A contact created from the panel: the notes kept for its number can be written.
        crm.contact_created.connect(lambda _number, _contact: self.notes.flush())
        crm.existing_contact_found.connect(lambda _number, _contact: self.notes.flush())
        self.notes.set_writer(NoteWriter(
            services.session.nethunt, services.lookup.folder_id, self.notes.store,
            local_finder(self.contacts, self.config.default_region)))

    def _on_watch_status(self, status: WatchStatus, failure: ApiError | None) -> None:
        """Calls stopped: say it where it cannot be missed, and mark the open panels stale;
        calls back: clear both."""
        if status in (WatchStatus.STARTING, WatchStatus.CONNECTED, WatchStatus.FALLBACK):
            self.stopped_notice.hide()
            self.popups.set_stale("")
            return
        if status is WatchStatus.BAD_CREDENTIALS:
            self._show_pop_ups_stopped(failure, describe(failure) if failure else "")
            self.popups.set_stale(self.tr("Not updating: calls stopped coming through "
                                          "(sign-in refused). This call may be over."))
        else:
            self.popups.set_stale(self.tr("Not updating: no connection; reconnecting. "
                                          "This call may be over."))

    def _show_pop_ups_stopped(self, failure: BaseException | None, what_to_do: str) -> None:
        service = getattr(failure, "service", "") if failure is not None else ""
        title = (self.tr("Pop-ups stopped: {service} refused your key").format(service=service)
                 if service else self.tr("Pop-ups stopped: sign-in refused"))
        self.stopped_notice.show_stopped(title, what_to_do)

    def _request_lookup(self, number_e164: str) -> None:
        if self.services is not None:
            self.services.crm.request_lookup(number_e164)

    def _remember_pick(self, number_e164: str, contact: Contact) -> None:
        if self.services is not None:
            self.services.crm.remember_pick(number_e164, contact)

    def _create_contact(self, draft: NewContact) -> None:
        if self.services is None:  # between two configurations: nothing is sent
            self.create_dialogs.show_failure(draft.phone_e164, TransientError(
                "NetHunt", "not connected yet (the app is starting)", reason=Reason.OFFLINE))
            return
        self.services.crm.create_contact(draft)

    # -- calm mode and the system-wide shortcuts -------------------------------------------

    def _apply_calm(self) -> None:
        calm = self.config.calm_mode
        self.tray.set_calm(calm, locked="calm_mode" in self.config.locked)
        self.popups.set_calm(calm)

    def _set_calm_from_tray(self, calm: bool) -> None:
        """The tray's tick: at once for this session, and kept for the next one."""
        try:
            self.config = self.setup.save_setting("calm_mode", calm)
        except (ConfigError, OSError) as exc:
            log.warning("calm mode not saved: %s", exc)
            self.config = self.config.with_values(calm_mode=calm)
        self._apply_calm()

    def run_shortcut(self, action: str) -> None:
        """A system-wide shortcut was pressed: the same road as the button or menu entry
        that does the same thing."""
        try:
            which = HotkeyAction(action)
        except ValueError:
            return
        if which is HotkeyAction.SHOW_JOURNAL:
            self.open_journal()
        elif which is HotkeyAction.SEARCH_CONTACTS:
            self.open_contact_book()
            if self.contact_book is not None:
                self.contact_book.focus_search()
        elif which is HotkeyAction.CALL_BACK_MISSED:
            row = oldest_waiting(self.team.inbox())
            if row is None:
                self.tray.notify_call(self.tr("No missed calls"),
                                      self.tr("Nobody is waiting for a call-back."))
            else:
                self.dial(row.number)  # as the inbox's "Call back"
        else:
            panel = self.popups.current_panel()
            if panel is None:
                self.tray.notify_call(self.tr("No call on screen"),
                                      self.tr("The shortcut works on the caller in the call "
                                              "panel."))
            elif which is HotkeyAction.OPEN_IN_CRM and not panel.open_in_crm():
                self.tray.notify_call(self.tr("Not in the CRM yet"),
                                      self.tr("This caller has no contact to open yet."))
            elif which is HotkeyAction.CREATE_CONTACT and not panel.create_contact():
                self.tray.notify_call(self.tr("Nothing to create"),
                                      self.tr("This caller's contact is already shown (or "
                                              "the CRM has not answered yet)."))

    # -- click-to-call ----------------------------------------------------------------------

    def dial(self, target: str) -> None:
        """Click-to-call from anywhere (tel: links, the CLI's second instance, windows)."""
        extension = phone.dial_link_extension(target)
        if extension:
            try:
                number = phone.parse_dial_target(target, self.config.default_region)
            except phone.InvalidNumber:
                pass  # the dialer refuses it and says why
            else:
                self._extensions_to_dial[number] = extension
        if self.services is None:
            self.early_dialer.dial(target)
            return
        self.services.dialer.dial(target)

    def _remind_extension(self, number_e164: str) -> None:
        """Ringostat rings the number only: the extension of the link is the agent's to dial."""
        extension = self._extensions_to_dial.pop(number_e164, "")
        if extension:
            self.tray.notify_call(
                self.tr("Call placed"),
                self.tr("Your phone rings first; once connected, dial extension {extension}.")
                .format(extension=extension))

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
            if self.services is not None:
                book.model.set_manager_names(self.services.staff_names)
            book.call_requested.connect(self.dial)
            book.open_in_crm_requested.connect(self.open_in_crm)
            book.hygiene_requested.connect(self.open_hygiene)
            self.contact_book = book
        bring_to_front(self.contact_book)
        self.contact_book.focus_search()

    def open_journal(self) -> None:
        if self.journal is None:
            journal = JournalWindow(
                self.calls, self.config.default_region,
                call_backs=lambda call_ids: self.team.call_backs(call_ids),
                waiting_count=lambda: waiting_count(self.team.inbox()))
            journal.call_requested.connect(self.dial)
            journal.open_in_crm_requested.connect(self._open_number_in_crm)
            journal.handled_changed.connect(
                lambda call_ids, handled: self.team.mark_calls_handled(call_ids, handled))
            journal.missed_count_changed.connect(lambda _count: self._update_missed_badge())
            journal.journal_opened.connect(self._journal_seen)
            self.journal = journal
        self.journal.refresh()
        bring_to_front(self.journal)

    def open_inbox(self) -> None:
        """The team's missed calls: one row per number, call back in one click."""
        if self.inbox is None:
            inbox = InboxWindow(self.team, region=self.config.default_region,
                                claims_shared=self.config.subscribes,
                                claims=self.services.claims if self.services else None)
            inbox.call_requested.connect(self.dial)
            inbox.changed.connect(self._update_missed_badge)
            self.inbox = inbox
        bring_to_front(self.inbox)

    def open_hygiene(self) -> None:
        """The phone-number check (issue 15): the audit of the local index, and the fix."""
        if self.hygiene_window is None:
            window = HygieneWindow(
                lambda: audit_store(self.database, self.config.default_region))
            window.open_in_crm_requested.connect(self._open_link)
            window.fix_confirmed.connect(self._start_hygiene_fix)
            window.undo_requested.connect(self._start_hygiene_undo)
            self.hygiene.started.connect(window.show_started)
            self.hygiene.progress.connect(window.show_progress)
            self.hygiene.finished.connect(
                lambda outcome: window.show_finished(outcome, **self._hygiene_state()))
            self.hygiene.failed.connect(
                lambda detail: window.show_failed(detail, **self._hygiene_state()))
            self.hygiene_window = window
        else:
            self.hygiene_window.refresh()
        self.hygiene_window.set_run_state(**self._hygiene_state())
        bring_to_front(self.hygiene_window)

    def _hygiene_state(self) -> dict[str, Any]:
        pending = self.hygiene.pending_ops()
        return {"resuming": self.hygiene.pending_fix() is not None, "pending": pending,
                "can_undo": self.hygiene.can_undo()}

    def _start_hygiene_fix(self, ops: list[Any]) -> None:
        if self.services is None:
            self.hygiene.failed.emit("not connected to NetHunt yet")
            return
        self.hygiene.phone_field = self.config.field_phone
        self.hygiene.start_fix(self.services.session.nethunt, ops)

    def _start_hygiene_undo(self) -> None:
        if self.services is None:
            self.hygiene.failed.emit("not connected to NetHunt yet")
            return
        self.hygiene.phone_field = self.config.field_phone
        self.hygiene.start_undo(self.services.session.nethunt)

    def _store_fixed_record(self, record: Any) -> None:
        """A contact the fix changed and verified: the local index follows at once."""
        if self.services is not None:
            self.contacts.upsert([self.services.lookup.to_contact(record)])

    def _open_link(self, link: str) -> None:
        if link.startswith("https://"):
            self._open_in_browser(link)

    def open_in_crm(self, contact: Contact) -> None:
        if contact.link:
            self._open_in_browser(contact.link)
        else:
            self.tray.notify_call(self.tr("Cannot open in CRM"),
                                  self.tr("NetHunt gave no link for this contact."))

    def _open_in_browser(self, link: str) -> None:
        """Open ``link``; without a browser, say so and leave the link on the clipboard
        (a click that does nothing visible reads as a broken button)."""
        if QDesktopServices.openUrl(QUrl(link)):
            return
        log.warning("no browser opened %s", link)
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(link)
        self.tray.notify_call(self.tr("Cannot open the browser"),
                              self.tr("No web browser was found. The link is copied: paste it "
                                      "into a browser."))

    def _open_number_in_crm(self, number: str) -> None:
        if self.services is not None:
            result = self.services.lookup.cached(number)  # the agent's pick comes first
            contacts = list(result.contacts) if result is not None else []
        else:
            contacts = self.contacts.find_by_number(number, self.config.default_region)
        if contacts:
            self.open_in_crm(contacts[0])

    def save_diagnostics(self, target: Path | None = None) -> Path | None:
        """Write the support zip (logs, versions, settings without secrets, recent errors)."""
        if target is None:
            default = Path.home() / f"ringohunt-diagnostics-{datetime.now():%Y%m%d-%H%M}.zip"
            target = ask_save_path(self.tr("Save diagnostics"), default,
                                   self.tr("Zip archive (*.zip)"))
            if target is None:
                return None
        try:
            path = save_diagnostics(
                target, log_dir=self.paths.log_dir, config=self.config,
                recent_errors=list(self.recent_errors),
                pop_latency=self.popups.latency.summary(datetime.now().date()))
        except OSError as exc:
            self.tray.notify_call(self.tr("Could not save diagnostics"), str(exc))
            return None
        self.tray.notify_call(self.tr("Diagnostics saved"), str(path))
        return path

    # -- the journal and the badge ----------------------------------------------------------

    def _calls_recorded(self, _changed: list[CallRecord]) -> None:
        self._update_missed_badge()
        if self.journal is not None and self.journal.isVisible():
            self.journal.refresh()

    def _journal_seen(self) -> None:
        self.calls.mark_journal_seen()
        self._update_missed_badge()

    def _summaries_changed(self) -> None:
        self._show_last_calls()
        if self.journal is not None and self.journal.isVisible():
            self.journal.refresh()

    def _show_last_calls(self) -> None:
        """Each open panel: the AI's summary of that client's previous call."""
        for panel in self.popups.panels.panels():
            call = panel.call
            summary = self.summaries.latest_for_client(
                call.client_number, [c.record_id for c in panel.lookup.contacts],
                exclude_call=call.call_id)
            self.popups.show_last_call_summary(call.call_id, summary)

    def _team_calls_changed(self) -> None:
        self._update_missed_badge()
        if self.inbox is not None and self.inbox.isVisible():
            self.inbox.refresh()
        if self.journal is not None and self.journal.isVisible():
            self.journal.refresh()  # a call-back by anyone resolves a missed row

    def _update_missed_badge(self) -> None:
        # Numbers waiting for a call-back (the team inbox), not raw missed calls.
        rows = self.team.inbox()
        self.tray.set_missed(waiting_count(rows))
        self.tray.set_day_summary(self.day_summary_text())

    def day_summary_text(self) -> str:
        """The agent's day in one line, from the journal. How many numbers wait for a
        call-back is not today's figure: the tray says it once, with the one count."""
        now = datetime.now().astimezone()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        figures = self.calls.day_figures(midnight, now + timedelta(minutes=1))
        minutes = figures.talk_seconds // 60
        talk = (self.tr("{hours} h {minutes:02d} min").format(hours=minutes // 60,
                                                               minutes=minutes % 60)
                if minutes >= 60 else self.tr("{minutes} min").format(minutes=minutes))
        return self.tr("Today: {incoming} in, {outgoing} out · {answered} answered · "
                       "{missed} missed · talk {talk}").format(
            incoming=figures.incoming, outgoing=figures.outgoing, answered=figures.answered,
            missed=figures.missed, talk=talk)

    def _on_sync_progress(self, done: int, total: int) -> None:
        if self.contact_book is not None:
            self.contact_book.set_sync_progress(done, total if total >= 0 else None)
        self.tray.set_sync_progress(done, total if total >= 0 else 0)

    def _on_synced(self, _report: object) -> None:
        if self.contact_book is not None:
            self.contact_book.set_sync_progress(1, 1)
            if self.contact_book.isVisible():
                self.contact_book.refresh()

    # -- what support needs -----------------------------------------------------------------

    def _record_lookup_failure(self, result: LookupResult) -> None:
        if result.state is LookupState.FAILED:
            self._record_error(result.error)

    def _record_error(self, text: str) -> None:
        if text:
            stamp = datetime.now(UTC).isoformat(timespec="seconds")
            self.recent_errors.append(f"{stamp} {text}")


def _note_language(config: Config) -> str:
    """The language of the notes' call facts in NetHunt: Ukrainian unless set to English."""
    return "en" if config.language == "en" else "uk"


def _apply_autostart(enabled: bool) -> None:
    set_autostart(enabled, command=default_command())
