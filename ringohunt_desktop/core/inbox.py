"""The team's missed-call inbox: one row per client number, derived from the calls. No Qt.

Which missed calls: the agent's own and the project's unassigned ones (nobody took them).
What resolves a row: a later outgoing or callback call to that number by anyone in the
project, answered or not (who, and whether it was answered, are shown), seen in the
project-wide ``calls/list``; or the agent's "handled" mark (with undo). A newer missed call
after either opens the row again. A later incoming call the client made does not resolve it
by itself (the issue's definition; the row still says how long the client has waited).

Rows waiting for a call-back come first, the client who has waited longest at the top; then
the resolved ones, most recent first.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

__all__ = ["INBOX_DAYS", "MISSED", "REACHED", "TRIED", "CallBack", "InboxRow", "InboxState",
           "build_inbox", "episodes", "oldest_waiting", "waiting_count"]

#: How far back the inbox looks.
INBOX_DAYS = 7

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class InboxState(StrEnum):
    WAITING = "waiting"  # nobody has called the client back yet
    CALLED_BACK = "called_back"  # someone in the project called (or talked to) the client
    HANDLED = "handled"  # the agent marked it dealt with


#: What a project call is to the inbox (the ``code`` of :func:`build_inbox`'s triples).
MISSED = 1  # an eligible missed call: the agent's own, or nobody's
TRIED = 2  # an outgoing call to the client nobody answered: a call-back, not answered
REACHED = 3  # an answered outgoing or callback call to the client


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


@dataclass(frozen=True, slots=True)
class CallBack:
    """How a missed call was answered by the project: the first call to the client after it."""

    at_us: int
    answered: bool
    by: str = ""  # who called ('' when unknown)

    @property
    def at(self) -> datetime:
        return _EPOCH + timedelta(microseconds=self.at_us)


def episodes(calls: Iterable[tuple[str, int, int]]
             ) -> Iterator[tuple[str, list[int], int, bool]]:
    """The one rule of what calls a client back, for the inbox and the journal alike.

    From ``(client_key, started_us, code)`` triples sorted by key, then time, yields each
    episode as ``(key, start times of its missed calls, resolved_us, answered)``: the missed
    calls up to the next outgoing or callback call to the client (:data:`TRIED` or
    :data:`REACHED`), which resolves them all (``resolved_us`` is its start, ``answered``
    whether it reached the client); a key's last episode may still be open
    (``resolved_us`` = 0)."""
    key: str | None = None
    pending: list[int] = []  # start times of missed calls not yet resolved
    # This loop runs for every project call in the window: plain tuples, no objects.
    for call_key, started_us, code in calls:
        if call_key != key:
            if key is not None and pending:
                yield key, pending, 0, False
            key, pending = call_key, []
        if code == MISSED:
            pending.append(started_us)
        elif pending:  # a later call reaches, or tries to reach, the client
            yield call_key, pending, started_us, code == REACHED
            pending = []
    if key is not None and pending:
        yield key, pending, 0, False


def build_inbox(calls: Iterable[tuple[str, int, int]],
                handled: Mapping[str, int]) -> list[InboxRow]:
    """Rows from ``(client_key, started_us, code)`` triples sorted by key, then time (codes:
    :data:`MISSED`, :data:`TRIED`, :data:`REACHED`); ``handled`` maps a number's key to the
    time up to which its missed calls were marked handled. A row's ``number`` is its key and
    ``by`` is empty: the store fills in both for the rows that need them."""
    rows: list[InboxRow] = []

    def row_of(episode: tuple[str, list[int], int, bool]) -> InboxRow:
        key, missed, resolved, answered = episode
        if resolved:
            return InboxRow(key, key, len(missed), missed[0], missed[-1],
                            InboxState.CALLED_BACK, answered=answered, resolved_us=resolved)
        mark = handled.get(key, 0)
        state = InboxState.HANDLED if mark >= missed[-1] else InboxState.WAITING
        return InboxRow(key, key, len(missed), missed[0], missed[-1], state,
                        resolved_us=mark if state is InboxState.HANDLED else 0)

    # A number's row is its latest episode.
    latest: tuple[str, list[int], int, bool] | None = None
    for episode in episodes(calls):
        if latest is not None and latest[0] != episode[0]:
            rows.append(row_of(latest))
        latest = episode
    if latest is not None:
        rows.append(row_of(latest))
    waiting = sorted((r for r in rows if r.state is InboxState.WAITING),
                     key=lambda r: (r.first_missed_us, r.client_key))
    resolved = sorted((r for r in rows if r.state is not InboxState.WAITING),
                      key=lambda r: (-r.resolved_us, r.client_key))
    return waiting + resolved


def waiting_count(rows: Iterable[InboxRow]) -> int:
    """What the tray badge counts: rows waiting for a call-back, not raw missed calls."""
    return sum(1 for row in rows if row.state is InboxState.WAITING)


def oldest_waiting(rows: Iterable[InboxRow]) -> InboxRow | None:
    """The client who has waited longest for a call-back (the first missed call of the
    oldest waiting row), or None when nobody waits."""
    waiting = [row for row in rows if row.state is InboxState.WAITING]
    return min(waiting, key=lambda row: (row.first_missed_us, row.client_key), default=None)
