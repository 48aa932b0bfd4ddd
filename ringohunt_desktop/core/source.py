"""What a call source is: something that yields snapshots of call rows as it learns of them.
No Qt.

Polling (:mod:`~ringohunt_desktop.core.polling`) and a subscription both produce the same
:class:`~ringohunt_desktop.domain.CallRecord` rows, so everything downstream (which calls
are the agent's, which phase changes to announce, the journal) is one road whatever the
source. The :class:`~ringohunt_desktop.services.watcher.CallWatcher` drives a source and
does not know which kind it has.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from ringohunt_desktop.domain import CallRecord


class SourceKind(StrEnum):
    POLL = "poll"
    SUBSCRIPTION = "subscription"


@dataclass(frozen=True, slots=True)
class CallSnapshot:
    """What a source learnt in one step: call rows, newest state of each."""

    rows: list[CallRecord]
    #: The agent's line is in a call (polling asks Ringostat); None when the source cannot say.
    agent_speaking: bool | None = None
    #: This snapshot covers a gap (first run, recovery after a failure, after sleep).
    caught_up: bool = False
    #: Called once the rows are in the journal (a subscription acknowledges its messages
    #: then, so a crash before that redelivers them); None when there is nothing to confirm.
    settle: Callable[[], Awaitable[None]] | None = None
    #: A subscription's stand-in: the broker is unreachable and Ringostat is polled meanwhile.
    via_fallback: bool = False
    #: Call id → when Ringostat reported the state in ``rows`` (a subscription knows; polling
    #: only knows when a call began).
    reported_at: Mapping[str, datetime] = field(default_factory=dict)
    #: Call id → the AI's summary of it (the ``ai_processed`` event; polling reads them from
    #: NetHunt instead). Never changes the call's state.
    summaries: Mapping[str, str] = field(default_factory=dict)


class CallSource(Protocol):
    """A source of call snapshots.

    :meth:`snapshots` yields until it is cancelled, or raises
    :class:`~ringohunt_desktop.clients.errors.ApiError` when the service fails; calling it
    again after a failure resumes where the source left off (it covers the gap itself).
    """

    @property
    def kind(self) -> SourceKind: ...

    def snapshots(self) -> AsyncIterator[CallSnapshot]: ...

    def keep_in_view(self, open_call_starts: Iterable[datetime]) -> None:
        """Start times of calls still ringing or talking, so their final state is not missed."""

    def wake(self) -> None:
        """Look now rather than at the next scheduled moment (the agent asked to retry)."""


__all__ = ["CallSnapshot", "CallSource", "SourceKind"]
