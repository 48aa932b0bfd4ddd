"""Call watcher: the call feed (:mod:`~ringohunt_desktop.core.feed`) on the qasync loop, its
reports as Qt signals. What a snapshot means, the journal write, the back-off and the
acknowledgement are the feed's; this class only speaks Qt.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Signal

from ringohunt_desktop.clients.errors import ApiError
from ringohunt_desktop.core.calltracking import CallEvent, CallTracker
from ringohunt_desktop.core.feed import CallFeed, WatchStatus
from ringohunt_desktop.core.source import CallSource
from ringohunt_desktop.domain import CallRecord


class CallWatcher(QObject):
    """Signals:
        call_changed (CallEvent): one of this agent's calls moved to a new phase (each phase
            once); ``event.live`` is False for calls first seen already finished.
        calls_recorded (list[CallRecord]): the agent's calls the last snapshot added to the
            journal or changed there (already written when this is emitted).
        status_changed (WatchStatus, ApiError | None): the source's health and, when something
            is wrong, the error (its ``reason`` for the agent, its ``user_message`` for logs).
        speaking_changed (bool): the agent's SIP line is in a call.
        team_calls_changed (): the project's calls the team inbox derives from changed.
        summaries_changed (): AI summaries of calls arrived (the ``ai_processed`` event).
    """

    call_changed = Signal(object)
    calls_recorded = Signal(list)
    status_changed = Signal(object, object)
    speaking_changed = Signal(bool)
    team_calls_changed = Signal()
    summaries_changed = Signal()

    def __init__(self, source: CallSource, tracker: CallTracker, *,
                 journal: Callable[[list[CallRecord]], list[CallRecord]] | None = None,
                 team: Callable[[list[CallRecord]], int] | None = None,
                 summaries: Callable[[Mapping[str, str]], int] | None = None,
                 interval: float = 1.5, rng: random.Random | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._team = team
        self._summaries = summaries
        self.feed = CallFeed(source, tracker, self, journal=journal,
                             team=self._record_team if team is not None else None,
                             summaries=self._record_summaries if summaries is not None else None,
                             interval=interval, rng=rng)

    @property
    def status(self) -> WatchStatus:
        return self.feed.status

    @property
    def cycles(self) -> int:
        return self.feed.cycles

    def start(self) -> None:
        self.feed.start()

    async def stop(self) -> None:
        await self.feed.stop()

    def poll_now(self) -> None:
        """Skip the wait (e.g. the network came back, or the user asked to check now)."""
        self.feed.poll_now()

    def _record_summaries(self, summaries: Mapping[str, str]) -> None:
        if self._summaries is not None and self._summaries(summaries):
            self.summaries_changed.emit()

    def _record_team(self, rows: list[CallRecord]) -> None:
        if self._team is not None and self._team(rows):
            self.team_calls_changed.emit()

    # -- the feed's reports, as signals (core.feed.FeedListener)

    def on_status(self, status: WatchStatus, failure: ApiError | None) -> None:
        self.status_changed.emit(status, failure)

    def on_recorded(self, calls: list[CallRecord]) -> None:
        self.calls_recorded.emit(calls)

    def on_call_changed(self, event: CallEvent) -> None:
        self.call_changed.emit(event)

    def on_speaking(self, speaking: bool) -> None:
        self.speaking_changed.emit(speaking)


__all__ = ["CallWatcher", "WatchStatus"]
