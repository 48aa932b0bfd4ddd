"""Call watcher: drives a call source on the qasync loop and announces this agent's calls as
Qt signals. Backs off on errors and recovers by itself (network loss, sleep, revoked keys).
Whether the calls come by polling or by subscription is the source's business.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from enum import StrEnum

from PySide6.QtCore import QObject, Signal

from ringohunt_desktop.clients.errors import ApiError, AuthError, RateLimited
from ringohunt_desktop.core.calltracking import CallEvent, CallTracker
from ringohunt_desktop.core.source import CallSnapshot, CallSource
from ringohunt_desktop.core.tasks import cancel_and_wait, sleep_unless_woken
from ringohunt_desktop.domain import CallRecord

log = logging.getLogger(__name__)

MAX_BACKOFF = 30.0
AUTH_RETRY = 30.0


class WatchStatus(StrEnum):
    STARTING = "starting"
    CONNECTED = "connected"
    OFFLINE = "offline"
    BAD_CREDENTIALS = "bad_credentials"
    #: The subscription's broker is unreachable; Ringostat is polled meanwhile (admin allowed).
    FALLBACK = "fallback"


class CallWatcher(QObject):
    """Signals:
        call_changed (CallEvent): one of this agent's calls moved to a new phase (each phase
            once); ``event.live`` is False for calls first seen already finished.
        calls_recorded (list[CallRecord]): the agent's calls the last snapshot added to the
            journal or changed there (already written when this is emitted).
        status_changed (WatchStatus, ApiError | None): the source's health and, when something
            is wrong, the error (its ``reason`` for the agent, its ``user_message`` for logs).
        speaking_changed (bool): the agent's SIP line is in a call.
    """

    call_changed = Signal(object)
    calls_recorded = Signal(list)
    status_changed = Signal(object, object)
    speaking_changed = Signal(bool)

    def __init__(self, source: CallSource, tracker: CallTracker, *,
                 journal: Callable[[list[CallRecord]], list[CallRecord]] | None = None,
                 interval: float = 1.5, rng: random.Random | None = None,
                 parent: QObject | None = None) -> None:
        """``journal`` writes the agent's rows and returns those that are new or changed
        (``CallStore.upsert``); without it every row counts as changed."""
        super().__init__(parent)
        self._source = source
        self._tracker = tracker
        self._journal = journal
        self._rng = rng or random.Random()
        self._last_failure: ApiError | None = None
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._status = WatchStatus.STARTING
        self._speaking: bool | None = None
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
        self._source.wake()

    async def _run(self) -> None:
        failures = 0
        while True:
            delay = self._interval  # a source whose stream ended is reopened after a pause
            try:
                async for snapshot in self._source.snapshots():
                    self.ingest(snapshot)
                    if snapshot.settle is not None:
                        # Only now, with the rows in the journal: a crash before this point
                        # gets the same events again.
                        await snapshot.settle()
                    failures = 0
            except AuthError as exc:
                self._set_status(WatchStatus.BAD_CREDENTIALS, exc)
                delay = self._jittered(AUTH_RETRY)
            except RateLimited as exc:
                self._set_status(WatchStatus.OFFLINE, exc)
                delay = max(exc.retry_after, self._interval)
            except ApiError as exc:
                failures += 1
                self._set_status(WatchStatus.OFFLINE, exc)
                delay = self._jittered(min(self._interval * 2 ** failures, MAX_BACKOFF))
            except Exception:
                # A bug must not stop call pop-ups for the rest of the shift: log and go on.
                log.exception("call watcher cycle failed")
                delay = MAX_BACKOFF
            await sleep_unless_woken(self._wake, delay)

    def _jittered(self, delay: float) -> float:
        # Half to all of the back-off, at random: hundreds of desktops that lost the same
        # server do not all come back in the same second.
        return delay * self._rng.uniform(0.5, 1.0)

    def ingest(self, snapshot: CallSnapshot) -> list[CallEvent]:
        """Write the agent's rows to the journal, then announce what the snapshot changed."""
        self.cycles += 1
        if snapshot.via_fallback:
            self._set_status(WatchStatus.FALLBACK, self._last_failure)
        else:
            self._set_status(WatchStatus.CONNECTED, None)
        tracked = self._tracker.ingest(snapshot.rows)
        if tracked.mine:
            recorded = tracked.mine if self._journal is None else self._journal(tracked.mine)
            if recorded:
                self.calls_recorded.emit(recorded)
        for event in tracked.events:
            self.call_changed.emit(event)
        self._source.keep_in_view(self._tracker.open_calls().values())
        if snapshot.agent_speaking is not None and snapshot.agent_speaking != self._speaking:
            self._speaking = snapshot.agent_speaking
            self.speaking_changed.emit(snapshot.agent_speaking)
        return tracked.events

    def _set_status(self, status: WatchStatus, failure: ApiError | None) -> None:
        if failure is not None:
            self._last_failure = failure
        changed = status is not self._status
        self._status = status
        # A new state always; the same trouble again with a fresh reason (for the tooltip).
        if changed or (failure is not None and status in (WatchStatus.OFFLINE,
                                                          WatchStatus.BAD_CREDENTIALS)):
            self.status_changed.emit(status, failure)
