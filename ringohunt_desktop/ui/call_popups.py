"""The call pop-ups: which call event pops an Insider panel and when, the stack of panels by
the tray, and the tray notices for calls without a panel.

Every call reaches the screen through :meth:`CallPopups.show_call_event`; the caller's number
is worked out once per call here (:class:`~ringohunt_desktop.phone.CallerNumber`), and what
the panel needs from the CRM is asked for through :attr:`CallPopups.lookup_requested`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

from ringohunt_desktop.core.calltracking import CallEvent
from ringohunt_desktop.core.latency import DailyLatency, delay_between
from ringohunt_desktop.core.notes import NoteOutcome
from ringohunt_desktop.domain import CallPhase, CallRecord, Contact, LookupResult
from ringohunt_desktop.phone import CallerNumber
from ringohunt_desktop.ui.insider_panel import InsiderPanel, PanelStack
from ringohunt_desktop.ui.tray import TrayController


class CallPopups(QObject):
    """Signals:
        lookup_requested (str number_e164): a panel needs the CRM's answer for this caller.
        open_in_crm_requested (Contact), create_contact_requested (str number_e164,
            CallRecord), call_back_requested (str number_e164), contact_picked (str
            number_e164, Contact): the agent's clicks on a panel.
        panel_shown (str call_id): a panel is on screen (tests and benchmarks wait for it).
    """

    lookup_requested = Signal(str)
    open_in_crm_requested = Signal(Contact)
    create_contact_requested = Signal(str, CallRecord)
    call_back_requested = Signal(str)
    contact_picked = Signal(str, Contact)
    panel_shown = Signal(str)
    note_submitted = Signal(CallRecord, str, str)  # call, text, record id ('' = none shown)

    def __init__(self, tray: TrayController, *, region: str, pop_mode: str,
                 autoclose_seconds: float, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tray = tray
        self.panels = PanelStack(autoclose_seconds=autoclose_seconds)
        self.panels.panel_closed.connect(
            lambda _call_id: self._tray.set_call_on_screen(bool(self.panels.panels())))
        self.region = region
        self.pop_mode = pop_mode
        self.paused = False
        self._staff_names: dict[str, str] = {}
        # Why the open panels no longer follow their calls ("" while calls come through).
        self._stale_reason = ""
        # Missed calls from before the app started are history: the badge counts them, no
        # notice is shown.
        self._started_at = datetime.now(UTC)
        #: How late today's pops were (the tray's status and the diagnostics show it).
        self.latency = DailyLatency()

    def configure(self, *, region: str, pop_mode: str, autoclose_seconds: float) -> None:
        self.region = region
        self.pop_mode = pop_mode
        self.panels.autoclose_seconds = autoclose_seconds

    def set_paused(self, paused: bool) -> None:
        self.paused = paused

    def set_staff_names(self, names: Mapping[str, str]) -> None:
        """NetHunt keeps the responsible manager as a user e-mail; agents know names."""
        self._staff_names = {email.lower(): name for email, name in names.items()}

    # -- calls ------------------------------------------------------------------------------

    def show_call_event(self, event: CallEvent) -> None:
        call = event.call
        panel = self.panels.panel(call.call_id)
        if panel is None and self._should_pop(event):
            panel = self._pop(call)
            self._time_pop(panel, event)
        if panel is not None:
            self.panels.call_updated(call, event.phase)
            if event.phase in (CallPhase.ENDED, CallPhase.MISSED):
                self.panels.call_finished(call.call_id)
            return
        # Without a panel on screen, a tray notice is how the agent hears of the call (a panel
        # is the notice; a balloon on top of it would hide the number).
        if self.paused:
            return
        if event.phase is CallPhase.MISSED and call.started_at >= self._started_at:
            # Also when it rang too briefly to be seen ringing between two polls.
            self._tray.notify_call(self.tr("Missed call"), self._caller(call).display)
        elif event.phase is CallPhase.RINGING and event.live and self.pop_mode != "off":
            self._tray.notify_call(self.tr("Incoming call"), self._caller(call).display)

    def show_lookup(self, result: LookupResult) -> None:
        for panel in self.panels.panels():
            if panel.number_e164 == result.number_e164:
                panel.set_lookup(result)
                self._show_manager_name(panel)

    def show_note_state(self, call_id: str, outcome: NoteOutcome) -> None:
        panel = self.panels.panel(call_id)
        if panel is not None:
            panel.set_note_state(outcome)

    def show_last_call_summary(self, call_id: str, summary: str) -> None:
        panel = self.panels.panel(call_id)
        if panel is not None:
            panel.set_last_call_summary(summary)

    def close_all(self) -> None:
        self.panels.close_all()

    def set_stale(self, reason: str) -> None:
        """Calls stopped coming through (``reason``) or came back (``""``): every open panel
        says whether it still follows its call, instead of freezing in "ringing"."""
        self._stale_reason = reason
        for panel in self.panels.panels():
            panel.set_stale(reason)

    def _should_pop(self, event: CallEvent) -> bool:
        if not event.live or self.paused or self.pop_mode == "off":
            return False
        wanted = CallPhase.RINGING if self.pop_mode == "ring" else CallPhase.ANSWERED
        return event.phase is wanted

    def _caller(self, call: CallRecord) -> CallerNumber:
        return CallerNumber.of(call.client_number, self.region)

    def _pop(self, call: CallRecord) -> InsiderPanel:
        caller = self._caller(call)
        self._anchor_to_tray()
        panel = self.panels.show_call(call, caller)
        panel.open_in_crm_requested.connect(self.open_in_crm_requested)
        panel.create_contact_requested.connect(self.create_contact_requested)
        panel.call_back_requested.connect(self.call_back_requested)
        panel.copy_number_requested.connect(_copy_to_clipboard)
        panel.contact_picked.connect(self.contact_picked)
        panel.contact_picked.connect(lambda _number, _contact: self._show_manager_name(panel))
        panel.retry_lookup_requested.connect(self.lookup_requested)
        panel.note_submitted.connect(self.note_submitted)
        self.lookup_requested.emit(caller.e164)
        panel.set_stale(self._stale_reason)
        self._tray.set_call_on_screen(True)
        self.panel_shown.emit(call.call_id)
        return panel

    def _time_pop(self, panel: InsiderPanel, event: CallEvent) -> None:
        shown_at = datetime.now(UTC)
        delay = delay_between(event.reported_at, shown_at)
        panel.set_pop_delay(delay)
        today = shown_at.astimezone().date()
        self.latency.add(delay, today)
        self._tray.set_pop_latency(self.latency.figures(today))

    def _show_manager_name(self, panel: InsiderPanel) -> None:
        contact = panel.contact
        if contact is not None and contact.manager.lower() in self._staff_names:
            panel.set_manager_display(self._staff_names[contact.manager.lower()])

    def _anchor_to_tray(self) -> None:
        """Pop panels next to the tray icon (top or bottom of the screen, wherever it is)."""
        tray_icon = self._tray.tray
        if tray_icon is None:
            return
        geometry = tray_icon.geometry()
        # Until the tray host has embedded the icon, X11 reports an empty rect or one at the
        # origin; the screen corner is a better guess than the top-left then.
        if geometry.isValid() and not geometry.isEmpty() and not geometry.topLeft().isNull():
            self.panels.set_anchor(geometry)


def _copy_to_clipboard(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.setText(text)
