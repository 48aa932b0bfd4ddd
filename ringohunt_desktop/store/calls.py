"""The local call journal: Ringostat calls merged by call id, with contact names joined in.

Calls arrive more than once and out of order (webhooks while the call rings, the periodic
``calls/list`` poll, a catch-up after being offline), so :meth:`CallStore.upsert` merges:

* a finished call never goes back to an in-progress state (a late "ringing" report is stale);
* a later report never erases what an earlier one knew (an empty recording URL or employee
  does not overwrite a known one), nor moves the call's start later;
* the agent's "handled" mark survives every re-import.

Contact names are not copied into the journal: they are joined at query time through the
client number's match key, so renaming or adding a contact shows up in the journal at once.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from ringohunt_desktop.core.inbox import CallBack
from ringohunt_desktop.domain import (
    ANSWERED_DISPOSITIONS,
    IN_PROGRESS_DISPOSITIONS,
    CallRecord,
    Direction,
)
from ringohunt_desktop.phone import DEFAULT_REGION, digits_only
from ringohunt_desktop.store._search import (
    BULK_WRITE,
    MIN_FRAGMENT,
    PREFIX_END,
    SELECTIVE_HITS,
    fold,
    fts_phrase,
    is_numeric_query,
    name_fragment,
    phone_facts,
)
from ringohunt_desktop.store.db import Database

__all__ = ["CallStore", "DayFigures", "JournalRow"]

DENSE_FRACTION = 5  # a name matching 1/5 of all contacts or more counts as dense
JOURNAL_SEEN_KEY = "journal.seen_at"  # meta key: when the agent last opened the journal

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)

# CallRecord fields stored as columns of the same name, in this order.
_RECORD_FIELDS: Final = tuple(field.name for field in dataclasses.fields(CallRecord))
_TEXT_FIELDS: Final = tuple(
    field.name for field in dataclasses.fields(CallRecord) if field.type in ("str", str)
)
_SELECT_CALL: Final = ", ".join(f"calls.{name}" for name in _RECORD_FIELDS)
_SUMMARY: Final = ("(SELECT s.text FROM call_summaries s WHERE s.call_id = calls.call_id"
                   " ORDER BY s.created_us DESC LIMIT 1)")


@dataclass(frozen=True, slots=True)
class JournalRow:
    """One journal line: the call, who the client is in the CRM, the agent's handled mark."""

    call: CallRecord
    contact_name: str
    handled: bool
    summary: str = ""  # the AI's summary of the call, once Ringostat made one
    #: A missed call someone in the project called back since (the inbox's rule); None
    #: while the client still waits (or nobody can tell).
    called_back: CallBack | None = None

    @property
    def waiting(self) -> bool:
        """A missed call nobody has dealt with: not called back, not marked handled."""
        return self.call.is_missed and not self.handled and self.called_back is None


@dataclass(frozen=True, slots=True)
class DayFigures:
    """The agent's calls in a period, from the journal (no request)."""

    incoming: int = 0  # incoming and callback calls
    outgoing: int = 0
    answered: int = 0
    missed: int = 0
    talk_seconds: int = 0


def _micros(moment: datetime) -> int:
    """UTC microseconds since the epoch; naive datetimes are taken as UTC."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return (aware - _EPOCH) // _MICROSECOND


def merge_call(old: CallRecord | None, new: CallRecord) -> CallRecord:
    """The record to keep when ``new`` arrives for a call already known as ``old``."""
    if old is None:
        return new
    if new.is_in_progress and not old.is_in_progress:
        return old  # stale: the call already ended
    filled: dict[str, Any] = {
        name: getattr(old, name)
        for name in _TEXT_FIELDS
        if getattr(new, name) == "" and getattr(old, name) != ""
    }
    if new.employee_id is None and old.employee_id is not None:
        filled["employee_id"] = old.employee_id
    if _micros(old.started_at) < _micros(new.started_at):
        # A webhook only knows when it arrived: the call began no later than its first news.
        filled["started_at"] = old.started_at
    return dataclasses.replace(new, **filled) if filled else new


class CallStore:
    """Calls in a :class:`Database` (the same one as the contacts, for the name join)."""

    def __init__(self, db: Database, *, region: str = DEFAULT_REGION) -> None:
        self._db = db
        self._region = region

    # ---- writing ---------------------------------------------------------------------------

    def upsert(self, calls: Iterable[CallRecord]) -> list[CallRecord]:
        """Merge calls by call id; return the stored records that are new or changed."""
        changed: dict[str, CallRecord] = {}
        with self._db.transaction() as connection:
            for incoming in calls:
                found = connection.execute(
                    f"SELECT calls.id, {_SELECT_CALL} FROM calls WHERE call_id = ?",  # noqa: S608
                    (incoming.call_id,),
                ).fetchone()
                old = None if found is None else _record_from(found[1:])
                merged = merge_call(old, incoming)
                if merged == old:
                    continue
                facts = phone_facts(merged.client_number, self._region)
                values: dict[str, Any] = {
                    name: getattr(merged, name) for name in _RECORD_FIELDS
                }
                values.update(
                    started_at=merged.started_at.isoformat(),
                    started_us=_micros(merged.started_at),
                    direction=merged.direction.value,
                    client_key=facts.key,
                    client_digits=facts.digits,
                    is_missed=int(merged.is_missed),
                )
                if found is None:
                    columns = ", ".join(values)
                    placeholders = ", ".join(f":{name}" for name in values)
                    call_id = connection.execute(
                        f"INSERT INTO calls ({columns}) VALUES ({placeholders})", values  # noqa: S608
                    ).lastrowid
                else:
                    call_id = int(found[0])
                    assignments = ", ".join(f"{name} = :{name}" for name in values)
                    connection.execute(
                        f"UPDATE calls SET {assignments} WHERE id = :row_id",  # noqa: S608
                        {**values, "row_id": call_id},
                    )
                    connection.execute("DELETE FROM calls_fts WHERE rowid = ?", (call_id,))
                connection.execute(
                    "INSERT INTO calls_fts (rowid, digits) VALUES (?, ?)", (call_id, facts.digits)
                )
                changed[merged.call_id] = merged
        if len(changed) >= BULK_WRITE:
            self._db.refresh_statistics("calls")
        return list(changed.values())

    def mark_handled(self, call_id: str, handled: bool = True) -> bool:
        """Mark a call (typically a missed one) as dealt with, or not any more (the agent's
        undo); False if it is unknown."""
        cursor = self._db.connection.execute(
            "UPDATE calls SET handled = ? WHERE call_id = ?", (int(handled), call_id)
        )
        return cursor.rowcount > 0

    # ---- reading ---------------------------------------------------------------------------

    def get(self, call_id: str) -> CallRecord | None:
        row = self._db.connection.execute(
            f"SELECT {_SELECT_CALL} FROM calls WHERE call_id = ?", (call_id,)  # noqa: S608
        ).fetchone()
        return None if row is None else _record_from(row)

    def is_handled(self, call_id: str) -> bool:
        row = self._db.connection.execute(
            "SELECT handled FROM calls WHERE call_id = ?", (call_id,)
        ).fetchone()
        return bool(row and row[0])

    def count(self) -> int:
        return int(self._db.connection.execute("SELECT count(*) FROM calls").fetchone()[0])

    def latest_started_at(self) -> datetime | None:
        """When the newest stored call started (where an incremental poll resumes)."""
        row = self._db.connection.execute(
            "SELECT started_at FROM calls ORDER BY started_us DESC LIMIT 1"
        ).fetchone()
        return None if row is None else datetime.fromisoformat(row[0])

    def unhandled_missed_count(self, since: datetime | None = None) -> int:
        """Missed calls not marked handled; with ``since``, only those that started then or
        after."""
        row = self._db.connection.execute(
            "SELECT count(*) FROM calls WHERE is_missed = 1 AND handled = 0"
            " AND started_us >= :since",
            {"since": _micros(since) if since is not None else -(2**62)},
        ).fetchone()
        return int(row[0])

    def day_figures(self, since: datetime, until: datetime) -> DayFigures:
        """Counts and talk time of the calls that started in ``[since, until)``."""
        row = self._db.connection.execute(
            "SELECT count(*) FILTER (WHERE direction != 'out'),"
            " count(*) FILTER (WHERE direction = 'out'),"
            " count(*) FILTER (WHERE disposition NOT IN (SELECT value FROM json_each(?))"
            " AND (billsec > 0 OR disposition IN (SELECT value FROM json_each(?)))),"
            " count(*) FILTER (WHERE is_missed = 1),"
            " coalesce(sum(max(billsec, 0)), 0)"
            " FROM calls WHERE started_us >= ? AND started_us < ?",
            (json.dumps(sorted(IN_PROGRESS_DISPOSITIONS)),
             json.dumps(sorted(ANSWERED_DISPOSITIONS)), _micros(since), _micros(until)),
        ).fetchone()
        return DayFigures(*(int(value) for value in row))

    def mark_journal_seen(self, now: datetime | None = None) -> None:
        """The agent opened the journal: missed calls until now no longer count as unseen."""
        # Call times have whole seconds: a call in the same second still counts as unseen.
        seen = (now or datetime.now(UTC)).replace(microsecond=0)
        self._db.set_meta(JOURNAL_SEEN_KEY, seen.isoformat())

    def unseen_missed_count(self) -> int:
        """What the tray badge counts: missed calls not handled and not yet seen in the
        journal (the journal keeps them highlighted until they are marked handled)."""
        seen = self._db.get_meta(JOURNAL_SEEN_KEY)
        return self.unhandled_missed_count(datetime.fromisoformat(seen) if seen else None)

    def query(
        self,
        *,
        direction: Direction | None = None,
        missed_only: bool = False,
        since: datetime | None = None,
        until: datetime | None = None,
        text: str = "",
        limit: int = 1000,
    ) -> list[JournalRow]:
        """Journal rows, newest first. ``since`` is inclusive, ``until`` exclusive.

        ``text`` made of digits and phone punctuation matches fragments of the client number
        in E.164 or national form; any other text matches the names (and companies) of the
        contacts that have the client's number.
        """
        conditions: list[str] = []
        params: dict[str, Any] = {"limit": max(limit, 0)}
        if direction is not None:
            conditions.append("calls.direction = :direction")
            params["direction"] = direction.value
        if missed_only:
            conditions.append("calls.is_missed = 1")
        if since is not None:
            conditions.append("calls.started_us >= :since")
            params["since"] = _micros(since)
        if until is not None:
            conditions.append("calls.started_us < :until")
            params["until"] = _micros(until)
        # Walking the time index pays only while matches are dense; other filters thin them.
        text_condition = self._text_condition(
            text, params, may_walk_time=direction is None and not missed_only)
        if text_condition is not None:
            conditions.append(text_condition)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        rows = self._db.connection.execute(
            f"SELECT {_SELECT_CALL}, {_SUMMARY}, calls.handled, calls.client_key"  # noqa: S608
            f" FROM calls {where}"
            " ORDER BY calls.started_us DESC, calls.id DESC LIMIT :limit",
            params,
        ).fetchall()
        names = self._contact_names(row[-1] for row in rows if row[-1] is not None)
        return [
            JournalRow(
                call=_record_from(row),
                contact_name=names.get(row[-1], "") if row[-1] is not None else "",
                handled=bool(row[-2]),
                summary=row[-3] or "",
            )
            for row in rows
        ]

    def _text_condition(self, text: str, params: dict[str, Any], *,
                        may_walk_time: bool = True) -> str | None:
        """The SQL condition for the journal's search box, with its parameters added.

        Number fragments are resolved first (FTS5 trigram on the client digits): a few
        become an id list the planner looks up directly; many ("067" matches a fifth of all
        calls) become a row-by-row test while walking the time index, which fills a page of
        newest calls sooner than sorting every match. Names go through the contacts' trigram
        index and the calls' client-key index.
        """
        folded = fold(text)
        if not folded:
            return None
        connection = self._db.connection
        if is_numeric_query(text):
            digits = digits_only(text)
            params["digits"] = digits
            if len(digits) < MIN_FRAGMENT:
                return "instr(calls.client_digits, :digits) > 0"
            call_ids = [
                row[0]
                for row in connection.execute(
                    "SELECT rowid FROM calls_fts WHERE calls_fts MATCH ? LIMIT ?",
                    (fts_phrase(digits), SELECTIVE_HITS + 1),
                )
            ]
            if len(call_ids) > SELECTIVE_HITS:
                return "instr(calls.client_digits, :digits) > 0"
            params["call_ids"] = json.dumps(call_ids)
            return "calls.id IN (SELECT value FROM json_each(:call_ids))"
        fragment = name_fragment(folded)
        contact_ids: tuple[str, tuple[str, ...]]
        if fragment is not None:
            contact_ids = (
                "SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :contact_p0",
                (f"{{name company}} : {fts_phrase(fragment)}",),
            )
        else:
            contact_ids = (
                "SELECT id FROM contacts"
                " WHERE name_fold >= :contact_p0 AND name_fold < :contact_p1",
                (folded, folded + PREFIX_END),
            )
        params.update(zip(("contact_p0", "contact_p1"), contact_ids[1], strict=False))
        # Measured on 50,000 calls / 20,000 contacts: when a fifth of all contacts or more
        # match ("енко" is in half of all Ukrainian surnames), walking calls newest first and
        # testing each call's contact directly stops at a page in ~6 ms; below that, looking
        # the matching contacts' calls up by key wins (5-10 ms; the walk took 25-65 ms).
        total = connection.execute("SELECT count(*) FROM contacts").fetchone()[0]
        dense_at = max(SELECTIVE_HITS, total // DENSE_FRACTION)
        matching = connection.execute(
            f"SELECT count(*) FROM ({contact_ids[0]} LIMIT {dense_at + 1})",  # noqa: S608
            params).fetchone()[0]
        if may_walk_time and matching > dense_at and fragment is not None:
            # Same text as the trigram index holds: a leading space, folded name and company.
            params["name_fragment"] = fragment
            return (
                "EXISTS (SELECT 1 FROM contact_phones p JOIN contacts c ON c.id = p.contact_id"
                " WHERE p.match_key = calls.client_key"
                " AND (instr(' ' || c.name_fold, :name_fragment) > 0"
                " OR instr(' ' || c.company_fold, :name_fragment) > 0))"
            )
        # A few contacts (or other filters thin the matches): look their calls up by key.
        return (
            "calls.client_key IN (SELECT match_key FROM contact_phones"  # noqa: S608
            f" WHERE contact_id IN ({contact_ids[0]}))"
        )

    def _contact_names(self, client_keys: Iterable[str]) -> dict[str, str]:
        """Names of the contacts having each key, alphabetically, joined by ", "."""
        names: dict[str, list[str]] = {}
        for key, name in self._db.connection.execute(
            "SELECT p.match_key, c.name FROM contact_phones p JOIN contacts c"
            " ON c.id = p.contact_id WHERE p.match_key IN (SELECT value FROM json_each(?))"
            " ORDER BY c.name_fold, c.record_id",
            (json.dumps(sorted(set(client_keys))),),
        ):
            listed = names.setdefault(key, [])
            if name not in listed:
                listed.append(name)
        return {key: ", ".join(listed) for key, listed in names.items()}


_STARTED_AT: Final = _RECORD_FIELDS.index("started_at")
_DIRECTION: Final = _RECORD_FIELDS.index("direction")


def _record_from(row: Any) -> CallRecord:
    # Positional construction: this runs for every journal row (1,000 per page).
    values = list(row[: len(_RECORD_FIELDS)])
    values[_STARTED_AT] = datetime.fromisoformat(values[_STARTED_AT])
    values[_DIRECTION] = Direction(values[_DIRECTION])
    return CallRecord(*values)
