"""The project's calls as the team inbox needs them, and the agent's "handled" marks. No Qt.

The journal keeps the agent's own calls; this table keeps every call the source reported
(``calls/list`` is project-wide), reduced to what the inbox derives its rows from, so that a
call-back by a colleague resolves the row. Rows older than the inbox's window are pruned.
"""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Final

from ringohunt_desktop.core.inbox import (
    INBOX_DAYS,
    CallBack,
    InboxRow,
    build_inbox,
    episodes,
)
from ringohunt_desktop.core.webhooks import clean_text
from ringohunt_desktop.domain import CallRecord
from ringohunt_desktop.phone import (
    DEFAULT_REGION,
    InvalidNumber,
    digits_only,
    match_key,
    to_e164,
)
from ringohunt_desktop.store.db import Database

__all__ = ["TeamCallStore"]

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)
_MAX_NUMBER: Final = 64


def _micros(moment: datetime) -> int:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return (aware - _EPOCH) // _MICROSECOND


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Tens of thousands of tuples made in one go trip the cycle collector's thresholds again
    and again, and each full pass walks the whole heap (Qt wrappers, phone metadata): half of
    the inbox's time went there. Tuples of strings and numbers make no cycles to collect."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class TeamCallStore:
    def __init__(self, db: Database, *, region: str = DEFAULT_REGION,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._db = db
        self._region = region
        self._now = now
        self._seen: dict[str, tuple[object, ...]] = {}  # call id -> what was last written

    def record(self, calls: Iterable[CallRecord], eligible: Callable[[CallRecord], bool]) -> int:
        """Store the calls (merged by call id); the number of rows written. Unchanged rows
        (every poll sees the same calls again) cost a dictionary look-up."""
        values = []
        for call in calls:
            number = clean_text(call.client_number, _MAX_NUMBER)
            digits = digits_only(number)
            if not digits:
                continue  # a hidden number: nobody can call it back
            key = match_key(number, self._region) or digits
            with contextlib.suppress(InvalidNumber):
                number = to_e164(number, self._region)  # dialled and shown as it is
            row = (call.call_id, _micros(call.started_at), key, number, call.direction.value,
                   int(call.is_missed), int(call.is_answered), int(call.is_in_progress),
                   clean_text(call.employee_name or call.connected_with, 200),
                   int(call.is_missed and eligible(call)))
            if self._seen.get(call.call_id) == row:
                continue
            self._seen[call.call_id] = row
            values.append(row)
        if values:
            with self._db.transaction() as connection:
                connection.executemany(
                    "INSERT INTO team_calls (call_id, started_us, client_key, client_number,"
                    " direction, missed, answered, in_progress, employee, eligible)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (call_id) DO UPDATE SET"
                    " started_us = min(started_us, excluded.started_us),"
                    " client_key = excluded.client_key,"
                    " client_number = excluded.client_number, direction = excluded.direction,"
                    " missed = excluded.missed, answered = excluded.answered,"
                    " in_progress = excluded.in_progress,"
                    " employee = CASE WHEN excluded.employee != '' THEN excluded.employee"
                    " ELSE employee END,"
                    " eligible = max(eligible, excluded.eligible)", values)
        return len(values)

    def prune(self) -> int:
        cutoff = _micros(self._now() - timedelta(days=INBOX_DAYS + 1))
        cursor = self._db.connection.execute(
            "DELETE FROM team_calls WHERE started_us < ?", (cutoff,))
        self._seen.clear()
        return cursor.rowcount

    # ---- the inbox -------------------------------------------------------------------------

    def inbox(self) -> list[InboxRow]:
        since = _micros(self._now() - timedelta(days=INBOX_DAYS))
        connection = self._db.connection
        # The table is clustered by (client_key, started_us): one ordered read of a covering
        # index. Who called back, and a number that is not E.164, are looked up by primary
        # key for the few rows that have them (a plain column would seek every row's table
        # entry: 2.5 times the read).
        calls = connection.execute(
            "SELECT c.client_key, c.started_us, CASE WHEN c.eligible = 1 AND c.missed = 1"
            " THEN 1 WHEN c.answered = 1 THEN 3 ELSE 2 END,"
            " CASE WHEN NOT (c.eligible = 1 AND c.missed = 1) THEN (SELECT t.employee"
            " FROM team_calls AS t WHERE t.client_key = c.client_key"
            " AND t.started_us = c.started_us AND t.call_id = c.call_id) END,"
            " CASE WHEN substr(c.client_key, 1, 1) != '+' THEN (SELECT t.client_number"
            " FROM team_calls AS t WHERE t.client_key = c.client_key"
            " AND t.started_us = c.started_us AND t.call_id = c.call_id) END"
            " FROM team_calls AS c WHERE c.started_us >= ?"
            " AND ((c.eligible = 1 AND c.missed = 1) OR c.direction != 'in')"
            " ORDER BY c.client_key, c.started_us, c.call_id", (since,))  # ids break ties
        handled = dict(connection.execute("SELECT client_key, until_us FROM inbox_handled"))
        with _no_cycle_collection():
            return build_inbox(calls, handled)

    def call_backs(self, call_ids: Iterable[str]) -> dict[str, CallBack]:
        """Which of these missed calls someone in the project has called back since, by the
        inbox's own rule (:func:`~ringohunt_desktop.core.inbox.episodes`): call id -> when,
        by whom, answered. Calls older than the inbox's window are not known here."""
        wanted = json.dumps(sorted(set(call_ids)))
        connection = self._db.connection
        missed_ids: dict[tuple[str, int], list[str]] = {}
        for call_id, key, started in connection.execute(
                "SELECT call_id, client_key, started_us FROM team_calls"
                " WHERE call_id IN (SELECT value FROM json_each(?)) AND missed = 1", (wanted,)):
            missed_ids.setdefault((key, started), []).append(call_id)
        if not missed_ids:
            return {}
        keys = json.dumps(sorted({key for key, _started in missed_ids}))
        employees: dict[tuple[str, int], str] = {}
        triples: list[tuple[str, int, int]] = []
        for key, started, code, employee in connection.execute(
                "SELECT client_key, started_us, CASE WHEN missed = 1 THEN 1"
                " WHEN answered = 1 THEN 3 ELSE 2 END, employee FROM team_calls"
                " WHERE client_key IN (SELECT value FROM json_each(?))"
                " AND (missed = 1 OR direction != 'in')"
                " ORDER BY client_key, started_us, call_id", (keys,)):
            triples.append((key, started, code))
            if code != 1:
                employees[(key, started)] = employee
        found: dict[str, CallBack] = {}
        for key, missed, resolved, answered in episodes(triples):
            if not resolved:
                continue
            call_back = CallBack(resolved, answered, employees.get((key, resolved), ""))
            for started in missed:
                for call_id in missed_ids.get((key, started), ()):
                    found[call_id] = call_back
        return found

    def mark_handled(self, row: InboxRow) -> None:
        """The agent dealt with this number by hand: its missed calls so far are done."""
        self._db.connection.execute(
            "INSERT INTO inbox_handled (client_key, until_us) VALUES (?, ?)"
            " ON CONFLICT (client_key) DO UPDATE SET until_us = excluded.until_us",
            (row.client_key, max(row.last_missed_us, _micros(self._now()))))

    def mark_calls_handled(self, call_ids: Iterable[str], handled: bool = True) -> None:
        """The journal's "Mark handled" on these missed calls (or its undo): their numbers
        are handled up to the newest of them, as the inbox's own mark does, so that the one
        count of numbers waiting agrees with the journal. A newer missed call still waits."""
        found = self._db.connection.execute(
            "SELECT client_key, max(started_us) FROM team_calls"
            " WHERE call_id IN (SELECT value FROM json_each(?)) GROUP BY client_key",
            (json.dumps(sorted(set(call_ids))),)).fetchall()
        with self._db.transaction() as connection:
            if handled:
                connection.executemany(
                    "INSERT INTO inbox_handled (client_key, until_us) VALUES (?, ?)"
                    " ON CONFLICT (client_key) DO UPDATE SET"
                    " until_us = max(until_us, excluded.until_us)", found)
            else:
                connection.executemany("DELETE FROM inbox_handled WHERE client_key = ?",
                                       [(key,) for key, _until in found])

    def undo_handled(self, row: InboxRow) -> None:
        self._db.connection.execute("DELETE FROM inbox_handled WHERE client_key = ?",
                                    (row.client_key,))

    def contact_names(self, keys: Iterable[str]) -> dict[str, str]:
        """Names of the contacts having each key, joined by ", " (one query for all rows)."""
        names: dict[str, list[str]] = {}
        for key, name in self._db.connection.execute(
            "SELECT p.match_key, c.name FROM contact_phones p JOIN contacts c"
            " ON c.id = p.contact_id WHERE p.match_key IN (SELECT value FROM json_each(?))"
            " ORDER BY c.name_fold, c.record_id",
            (json.dumps(sorted(set(keys))),),
        ):
            listed = names.setdefault(key, [])
            if name not in listed:
                listed.append(name)
        return {key: ", ".join(listed) for key, listed in names.items()}
