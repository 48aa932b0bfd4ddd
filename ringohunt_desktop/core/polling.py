"""Polling source of call events: a rolling ``calls/list`` window plus ``sipstatus/speaking``.
No Qt. Two requests per cycle.

Ringostat has no push API (ringostat-api.md §4). Rows in ``CALLING`` / ``IN PROGRESS`` show
live calls, final rows show how they ended. The window per cycle is chosen so that it stays
small when all is well and covers every gap when it is not:

* normally: the last ``hot_window`` minutes, stretched back to the oldest call still open;
* every ``reconcile_every``: the last ``reconcile_window`` (late final states, long calls);
* first cycle, after a failure, or after the clock jumped (sleep/hibernate): from the last
  successful cycle (or the newest call in the journal) minus ``reconcile_window``, so calls
  that happened while the app was closed or offline reach the journal too.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ringohunt_desktop.clients.ringostat import RingostatClient
from ringohunt_desktop.core.calltracking import AgentIdentity
from ringohunt_desktop.core.source import CallSnapshot, SourceKind
from ringohunt_desktop.core.tasks import sleep_unless_woken
from ringohunt_desktop.domain import CallRecord

MAX_CATCH_UP = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class PollResult:
    rows: list[CallRecord]
    agent_speaking: bool
    window_start: datetime
    caught_up: bool  # this cycle covered a gap (first run, recovery, sleep)


class CallPoller:
    def __init__(self, ringostat: RingostatClient, agent: AgentIdentity, *,
                 interval: float = 1.5,
                 hot_window: timedelta = timedelta(minutes=10),
                 reconcile_window: timedelta = timedelta(hours=2),
                 reconcile_every: float = 60.0,
                 resume_from: datetime | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._ringostat = ringostat
        self._agent = agent
        self._interval = interval
        self._hot = hot_window
        self._reconcile_window = reconcile_window
        self._reconcile_every = reconcile_every
        self._now = now
        self._monotonic = monotonic
        self._last_ok_wall: datetime | None = None
        self._last_ok_mono: float | None = None
        self._last_reconcile: float | None = None
        self._resume_from = resume_from
        self._needs_catch_up = True
        self._open_since: datetime | None = None

    def mark_failed(self) -> None:
        """The last cycle failed: the next one covers everything since the last success."""
        self._needs_catch_up = True

    def set_open_calls(self, started: Iterable[datetime]) -> None:
        """Start times of calls still ringing or talking, so the window keeps them in view."""
        self._open_since = min(started, default=None)

    def _window_start(self, now: datetime, mono: float) -> tuple[datetime, bool]:
        if self._last_ok_mono is not None and self._last_ok_wall is not None:
            wall_gap = (now - self._last_ok_wall).total_seconds()
            # Sleep shows as wall time racing ahead of the monotonic clock, or a long silence.
            if wall_gap - (mono - self._last_ok_mono) > 5 or wall_gap > 10 * self._interval + 30:
                self._needs_catch_up = True
        if self._needs_catch_up:
            anchor = self._last_ok_wall or self._resume_from or now - timedelta(hours=24)
            start = max(anchor - self._reconcile_window, now - MAX_CATCH_UP)
            return start, True
        if self._last_reconcile is None or mono - self._last_reconcile >= self._reconcile_every:
            self._last_reconcile = mono
            return now - self._reconcile_window, False
        start = now - self._hot
        if self._open_since is not None:
            start = min(start, self._open_since - timedelta(minutes=1))
        return start, False

    async def poll_once(self) -> PollResult:
        # Both clocks are read together: a slow answer then moves both gaps alike, where
        # reading the monotonic clock after the requests made it look like a sleep (> 5 s).
        now = self._now()
        mono = self._monotonic()
        start, catching_up = self._window_start(now, mono)
        rows = await self._ringostat.calls_list(start, now + timedelta(minutes=1))
        speaking = await self._ringostat.sip_speaking()
        logins = self._agent.sip_logins
        agent_speaking = any(login.lower() in logins for login in speaking)
        self._last_ok_wall = now
        self._last_ok_mono = mono
        if catching_up:
            self._needs_catch_up = False
            self._last_reconcile = mono
        return PollResult(rows, agent_speaking, start, catching_up)


class PollingSource:
    """The poller as a :class:`~ringohunt_desktop.core.source.CallSource`: one cycle every
    ``interval`` seconds (sooner when woken); a failed cycle makes the next one catch up."""

    kind = SourceKind.POLL

    def __init__(self, poller: CallPoller, *, interval: float) -> None:
        self._poller = poller
        self._interval = interval
        self._wake = asyncio.Event()

    async def snapshots(self) -> AsyncIterator[CallSnapshot]:
        while True:
            try:
                result = await self._poller.poll_once()
            except Exception:
                self._poller.mark_failed()
                raise
            yield CallSnapshot(result.rows, result.agent_speaking, result.caught_up)
            await sleep_unless_woken(self._wake, self._interval)

    def keep_in_view(self, open_call_starts: Iterable[datetime]) -> None:
        self._poller.set_open_calls(open_call_starts)

    def wake(self) -> None:
        self._wake.set()
