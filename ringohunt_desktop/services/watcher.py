"""Call watcher: runs a call source on the qasync loop and announces this agent's calls as
Qt signals. Backs off on errors and recovers by itself (network loss, sleep, revoked keys).
"""

from __future__ import annotations

import asyncio
import logging
from enum import StrEnum

from PySide6.QtCore import QObject, Signal

from ringohunt_desktop.clients.errors import ApiError, AuthError, RateLimited
from ringohunt_desktop.core.calltracking import CallEvent, CallTracker, is_mine
from ringohunt_desktop.core.polling import CallPoller
from ringohunt_desktop.domain import CallPhase, CallRecord
from ringohunt_desktop.services.tasks import cancel_and_wait

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0
AUTH_RETRY = 30.0


class WatchStatus(StrEnum):
    STARTING = "starting"
    CONNECTED = "connected"
    OFFLINE = "offline"
    BAD_CREDENTIALS = "bad_credentials"


class CallWatcher(QObject):
    """Signals:
        call_ringing / call_answered / call_ended / call_missed (CallEvent): this agent's calls,
            each phase once; ``event.live`` is False for calls first seen already finished.
        calls_fetched (list[CallRecord]): every row of the agent's calls in the last window,
            for the journal (merged by call id there).
        status_changed (str, ApiError | None): WatchStatus value and, when something is
            wrong, the error (its ``reason`` for the agent, its ``user_message`` for logs).
        speaking_changed (bool): the agent's SIP line is in a call.
    """

    call_ringing = Signal(object)
    call_answered = Signal(object)
    call_ended = Signal(object)
    call_missed = Signal(object)
    calls_fetched = Signal(list)
    status_changed = Signal(str, object)
    speaking_changed = Signal(bool)

    def __init__(self, poller: CallPoller, tracker: CallTracker, *, interval: float = 1.5,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._poller = poller
        self._tracker = tracker
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._status = WatchStatus.STARTING
        self._speaking: bool | None = None
        self._open_started: dict[str, CallRecord] = {}
        self.cycles = 0

    @property
    def status(self) -> WatchStatus:
        return self._status

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    def poll_now(self) -> None:
        """Skip the wait (e.g. the network came back, or the user asked to retry)."""
        self._wake.set()

    async def _run(self) -> None:
        failures = 0
        while True:
            delay = self._interval
            try:
                await self.cycle()
                failures = 0
            except AuthError as exc:
                self._poller.mark_failed()
                self._set_status(WatchStatus.BAD_CREDENTIALS, exc)
                delay = AUTH_RETRY
            except RateLimited as exc:
                self._poller.mark_failed()
                self._set_status(WatchStatus.OFFLINE, exc)
                delay = max(exc.retry_after, self._interval)
            except ApiError as exc:
                failures += 1
                self._poller.mark_failed()
                self._set_status(WatchStatus.OFFLINE, exc)
                delay = min(self._interval * 2 ** failures, MAX_BACKOFF)
            except Exception:
                # A bug must not stop call pop-ups for the rest of the shift: log and go on.
                log.exception("call watcher cycle failed")
                self._poller.mark_failed()
                delay = MAX_BACKOFF
            self._wake.clear()
            waiter = asyncio.ensure_future(self._wake.wait())
            try:
                await asyncio.wait({waiter}, timeout=delay)
            finally:
                waiter.cancel()

    async def cycle(self) -> list[CallEvent]:
        """One poll: fetch, announce phase changes, hand the rows to the journal."""
        result = await self._poller.poll_once()
        self.cycles += 1
        self._set_status(WatchStatus.CONNECTED, None)
        tracker = self._tracker
        mine = [c for c in result.rows if is_mine(
            c, tracker.agent, include_unassigned_missed=tracker.include_unassigned_missed)]
        if mine:
            self.calls_fetched.emit(mine)
        events = tracker.ingest(result.rows)
        for event in events:
            self._announce(event)
        self._poller.set_open_calls(c.started_at for c in self._open_started.values())
        if result.agent_speaking != self._speaking:
            self._speaking = result.agent_speaking
            self.speaking_changed.emit(result.agent_speaking)
        return events

    def _announce(self, event: CallEvent) -> None:
        call_id = event.call.call_id
        if event.phase in (CallPhase.RINGING, CallPhase.ANSWERED):
            self._open_started[call_id] = event.call
        else:
            self._open_started.pop(call_id, None)
        signal = {CallPhase.RINGING: self.call_ringing, CallPhase.ANSWERED: self.call_answered,
                  CallPhase.ENDED: self.call_ended, CallPhase.MISSED: self.call_missed}
        signal[event.phase].emit(event)

    def _set_status(self, status: WatchStatus, failure: ApiError | None) -> None:
        changed = status is not self._status
        self._status = status
        # A new state always; the same trouble again with a fresh reason (for the tooltip).
        if changed or (failure is not None and status is not WatchStatus.CONNECTED):
            self.status_changed.emit(status.value, failure)
