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
from typing import NamedTuple

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


class InboxRow(NamedTuple):
    """A tuple, not a frozen dataclass: thousands are built on every refresh, and a tuple is
    made in a fifth of the time (the inbox benchmark's open went over its 50 ms for it)."""

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


def build_inbox(calls: Iterable[tuple[str, int, int, str | None, str | None]],
                handled: Mapping[str, int]) -> list[InboxRow]:
    """Rows from ``(client_key, started_us, code, employee, number)`` tuples sorted by key,
    then time (codes: :data:`MISSED`, :data:`TRIED`, :data:`REACHED`; ``employee``: who made
    a call-back, None for missed calls; ``number``: the number as stored, None when the key
    is itself the E.164 number to show and dial). ``handled`` maps a number's key to the time
    up to which its missed calls were marked handled.

    This is :func:`episodes`' rule (the journal's), applied inline: the inbox walks every
    project call of the week on each refresh, and a generator step per call cost a third of
    the time. tests/test_inbox.py keeps the two in agreement on random call histories."""
    waiting: list[InboxRow] = []
    resolved: list[InboxRow] = []
    key = ""  # keys are never empty: "" starts, and (below) ends, the walk
    shown = ""  # the number of the key's latest call (its key when that is E.164)
    pending: list[int] = []  # start times of missed calls not yet resolved
    # The last resolved episode: (missed count, first, last missed, resolved at, answered,
    # by whom, the number).
    last: tuple[int, int, int, int, bool, str, str] | None = None
    handled_until = handled.get
    new_row = InboxRow
    is_waiting, is_handled, is_called_back = (InboxState.WAITING, InboxState.HANDLED,
                                              InboxState.CALLED_BACK)

    # This loop runs for every project call in the window: plain tuples, no objects, and
    # the key's row is closed inline (a call per number cost a third of the time).
    for call_key, started_us, code, employee, number in (*calls, ("", 0, 0, None, None)):
        if call_key != key:
            if pending:
                mark = handled_until(key, 0)
                if mark >= pending[-1]:
                    resolved.append(new_row(key, shown, len(pending), pending[0],
                                            pending[-1], is_handled, "", False, mark))
                else:
                    waiting.append(new_row(key, shown, len(pending), pending[0], pending[-1],
                                           is_waiting))
            elif last is not None:
                count, first, latest, resolved_us, answered, by, dialled = last
                resolved.append(new_row(key, dialled, count, first, latest, is_called_back, by,
                                        answered, resolved_us))
            key, pending, last = call_key, [], None
        if code == MISSED:
            pending.append(started_us)
            shown = number or call_key
        elif pending:  # a later call reaches, or tries to reach, the client
            last = (len(pending), pending[0], pending[-1], started_us, code == REACHED,
                    employee or "", number or call_key)
            pending = []
    # Tuples sort by their fields: first_missed_us is the fourth, resolved_us the ninth.
    waiting.sort(key=lambda r: (r[3], r[0]))
    resolved.sort(key=lambda r: (-r[8], r[0]))
    return waiting + resolved


def waiting_count(rows: Iterable[InboxRow]) -> int:
    """What the tray badge counts: rows waiting for a call-back, not raw missed calls."""
    return sum(1 for row in rows if row.state is InboxState.WAITING)


def oldest_waiting(rows: Iterable[InboxRow]) -> InboxRow | None:
    """The client who has waited longest for a call-back (the first missed call of the
    oldest waiting row), or None when nobody waits."""
    waiting = [row for row in rows if row.state is InboxState.WAITING]
    return min(waiting, key=lambda row: (row.first_missed_us, row.client_key), default=None)
