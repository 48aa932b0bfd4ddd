"""The call feed: drives a call source and turns its snapshots into this agent's call events.
No Qt: the tray app wraps it in :class:`~ringohunt_desktop.services.watcher.CallWatcher`
(Qt signals), the ``watch`` command prints what it reports; both act on the same events.

Per snapshot: the tracker picks the agent's rows and the phase changes, the journal stores
the rows, the listener hears of both, and only then is the snapshot settled (a subscription
acknowledges its messages). Failures back off with jitter and recover by themselves (network
loss, sleep, revoked keys); whether calls come by polling or by subscription is the source's
business.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from ringohunt_desktop.clients.errors import ApiError, AuthError, RateLimited
from ringohunt_desktop.core.calltracking import CallEvent, CallTracker
from ringohunt_desktop.core.source import CallSnapshot, CallSource, SourceKind
from ringohunt_desktop.core.tasks import cancel_and_wait, sleep_unless_woken
from ringohunt_desktop.domain import CallPhase, CallRecord

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


class FeedListener(Protocol):
    """What the feed reports, in the order it happens for one snapshot."""

    def on_status(self, status: WatchStatus, failure: ApiError | None) -> None:
        """The source's health; a failure gives the reason (same trouble again: again)."""

    def on_recorded(self, calls: list[CallRecord]) -> None:
        """The agent's calls the snapshot added to the journal or changed there."""

    def on_call_changed(self, event: CallEvent) -> None:
        """One of the agent's calls moved to a new phase (each phase once)."""

    def on_speaking(self, speaking: bool) -> None:
        """The agent's SIP line went into or out of a call (sources that can tell)."""


class CallFeed:
    def __init__(self, source: CallSource, tracker: CallTracker, listener: FeedListener, *,
                 journal: Callable[[list[CallRecord]], list[CallRecord]] | None = None,
                 team: Callable[[list[CallRecord]], object] | None = None,
                 summaries: Callable[[Mapping[str, str]], object] | None = None,
                 interval: float = 1.5, rng: random.Random | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        """``journal`` writes the agent's rows and returns those that are new or changed
        (``CallStore.upsert``); without it every row counts as changed. ``team`` gets every
        row of the snapshot, the agent's or not (the team's missed-call inbox)."""
        self.source = source
        self._tracker = tracker
        self._listener = listener
        self._journal = journal
        self._team = team
        self._summaries = summaries
        self._interval = interval
        self._rng = rng or random.Random()
        self._task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._status = WatchStatus.STARTING
        self._last_failure: ApiError | None = None
        self._speaking: bool | None = None
        self._now = now
        self.cycles = 0

    @property
    def status(self) -> WatchStatus:
        return self._status

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self.run())

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    def poll_now(self) -> None:
        """Skip the wait (e.g. the network came back, or the user asked to check now)."""
        self._wake.set()
        self.source.wake()

    async def run(self) -> None:
        """Until cancelled: the source's snapshots, with back-off between failures."""
        failures = 0
        while True:
            delay = self._interval  # a source whose stream ended is reopened after a pause
            try:
                async for snapshot in self.source.snapshots():
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
        seen_at = self._now()
        tracked = self._tracker.ingest(snapshot.rows)
        source = SourceKind.POLL if snapshot.via_fallback else self.source.kind
        events = [self._timed(event, snapshot, seen_at, source) for event in tracked.events]
        if tracked.mine:
            recorded = tracked.mine if self._journal is None else self._journal(tracked.mine)
            if recorded:
                self._listener.on_recorded(recorded)
        if self._team is not None and snapshot.rows:
            self._team(snapshot.rows)
        if self._summaries is not None and snapshot.summaries:
            self._summaries(snapshot.summaries)
        for event in events:
            self._listener.on_call_changed(event)
        self.source.keep_in_view(self._tracker.open_calls().values())
        if snapshot.agent_speaking is not None and snapshot.agent_speaking != self._speaking:
            self._speaking = snapshot.agent_speaking
            self._listener.on_speaking(snapshot.agent_speaking)
        return events

    @staticmethod
    def _timed(event: CallEvent, snapshot: CallSnapshot, seen_at: datetime,
               source: SourceKind) -> CallEvent:
        reported = snapshot.reported_at.get(event.call.call_id)
        if reported is None and event.phase is CallPhase.RINGING:
            reported = event.call.started_at  # a polled call is ringing since it began
        return dataclasses.replace(event, reported_at=reported, seen_at=seen_at,
                                   source=source.value)

    def _set_status(self, status: WatchStatus, failure: ApiError | None) -> None:
        if failure is not None:
            self._last_failure = failure
        changed = status is not self._status
        self._status = status
        # A new state always; the same trouble again with a fresh reason (for the tooltip).
        if changed or (failure is not None and status in (WatchStatus.OFFLINE,
                                                          WatchStatus.BAD_CREDENTIALS)):
            self._listener.on_status(status, failure)


__all__ = ["AUTH_RETRY", "MAX_BACKOFF", "CallFeed", "FeedListener", "WatchStatus"]
