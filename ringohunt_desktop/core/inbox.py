"""The team's missed-call inbox: one row per client number, derived from the calls. No Qt.

Which missed calls: the agent's own and the project's unassigned ones (nobody took them).
What resolves a row: a later call to that number by anyone in the project (outgoing, or an
answered callback or incoming call), seen in the project-wide ``calls/list``; or the agent's
"handled" mark (with undo). A newer missed call after either opens the row again.

Rows waiting for a call-back come first, the client who has waited longest at the top; then
the resolved ones, most recent first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from ringohunt_desktop.domain import Direction

__all__ = ["INBOX_DAYS", "InboxRow", "InboxState", "TeamCall", "build_inbox", "waiting_count"]

#: How far back the inbox looks.
INBOX_DAYS = 7

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class InboxState(StrEnum):
    WAITING = "waiting"  # nobody has called the client back yet
    CALLED_BACK = "called_back"  # someone in the project called (or talked to) the client
    HANDLED = "handled"  # the agent marked it dealt with


class TeamCall(NamedTuple):
    """One project call as the inbox needs it (a row of the ``team_calls`` table)."""

    client_key: str
    number: str
    started_us: int
    direction: str
    missed: bool
    answered: bool
    employee: str
    eligible: bool  # a missed call for this agent's inbox (own or unassigned)


@dataclass(frozen=True, slots=True)
class InboxRow:
    client_key: str
    number: str
    missed_count: int  # missed calls in this episode (since the number was last resolved)
    first_missed_us: int
    last_missed_us: int
    state: InboxState
    by: str = ""  # who called back ('' when unknown)
    answered: bool = False  # the call-back was answered
    resolved_us: int = 0  # when it was called back or marked handled

    @property
    def first_missed(self) -> datetime:
        return _EPOCH + timedelta(microseconds=self.first_missed_us)

    @property
    def last_missed(self) -> datetime:
        return _EPOCH + timedelta(microseconds=self.last_missed_us)

    @property
    def resolved_at(self) -> datetime | None:
        return _EPOCH + timedelta(microseconds=self.resolved_us) if self.resolved_us else None


def _resolves(call: TeamCall) -> bool:
    """A call that reaches (or tries to reach) the client after their missed call."""
    if call.direction == Direction.OUTGOING.value:
        return True
    return call.answered  # a callback or a new incoming call somebody took


def build_inbox(calls: Iterable[TeamCall], handled: Mapping[str, int]) -> list[InboxRow]:
    """Rows from the calls of every number with a missed call in view, sorted by
    ``(client_key, started_us)``; ``handled`` maps a number's key to the time up to which its
    missed calls were marked handled."""
    rows: list[InboxRow] = []
    key: str | None = None
    number = ""
    pending: list[int] = []  # start times of missed calls not yet resolved
    last: InboxRow | None = None

    def close_key() -> None:
        if key is None:
            return
        if pending:
            mark = handled.get(key, 0)
            if mark >= pending[-1]:
                rows.append(InboxRow(key, number, len(pending), pending[0], pending[-1],
                                     InboxState.HANDLED, resolved_us=mark))
            else:
                rows.append(InboxRow(key, number, len(pending), pending[0], pending[-1],
                                     InboxState.WAITING))
        elif last is not None:
            rows.append(last)

    for call in calls:
        if call.client_key != key:
            close_key()
            key, number, pending, last = call.client_key, call.number, [], None
        if call.eligible and call.missed:
            pending.append(call.started_us)
            number = call.number or number
        elif pending and _resolves(call):
            last = InboxRow(key, number, len(pending), pending[0], pending[-1],
                            InboxState.CALLED_BACK, by=call.employee, answered=call.answered,
                            resolved_us=call.started_us)
            pending = []
    close_key()
    waiting = sorted((r for r in rows if r.state is InboxState.WAITING),
                     key=lambda r: (r.first_missed_us, r.client_key))
    resolved = sorted((r for r in rows if r.state is not InboxState.WAITING),
                      key=lambda r: (-r.resolved_us, r.client_key))
    return waiting + resolved


def waiting_count(rows: Iterable[InboxRow]) -> int:
    """What the tray badge counts: rows waiting for a call-back, not raw missed calls."""
    return sum(1 for row in rows if row.state is InboxState.WAITING)
