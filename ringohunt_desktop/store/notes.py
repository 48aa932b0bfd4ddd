"""Notes after the call, kept until NetHunt has them (one per call id). No Qt.

States: ``pending`` (not sent yet, or provably not written), ``sending`` (sent, and whether
NetHunt wrote it is not known yet: the writer reads NetHunt's comments before sending it
again), ``saved``. A note with no contact stays ``pending`` with ``record_id`` NULL until a
contact with the call's number exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

from ringohunt_desktop.store.db import Database

__all__ = ["NoteState", "NoteStore", "StoredNote"]


class NoteState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SAVED = "saved"


@dataclass(frozen=True, slots=True)
class StoredNote:
    call_id: str
    text: str
    comment: str
    created_at: datetime
    client_number: str
    record_id: str | None
    state: NoteState
    comment_id: str = ""
    attempts: int = 0
    last_error: str = ""


_COLUMNS: Final = ("call_id, text, comment, created_at, client_number, record_id, state,"
                   " comment_id, attempts, last_error")


def _note(row: Any) -> StoredNote:
    return StoredNote(row[0], row[1], row[2], datetime.fromisoformat(row[3]), row[4], row[5],
                      NoteState(row[6]), row[7], int(row[8]), row[9])


class NoteStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, call_id: str) -> StoredNote | None:
        row = self._db.connection.execute(
            f"SELECT {_COLUMNS} FROM call_notes WHERE call_id = ?", (call_id,)  # noqa: S608
        ).fetchone()
        return None if row is None else _note(row)

    def keep(self, call_id: str, text: str, comment: str, client_number: str,
             record_id: str | None, now: datetime | None = None) -> StoredNote:
        """Keep a new note, or replace the text of one not sent yet. A note already sent
        (or being sent) is returned unchanged: a call has one note in NetHunt."""
        existing = self.get(call_id)
        if existing is not None and existing.state is not NoteState.PENDING:
            return existing
        created = (now or datetime.now(UTC)).isoformat()
        self._db.connection.execute(
            "INSERT INTO call_notes (call_id, text, comment, created_at, client_number,"
            " record_id, state) VALUES (?, ?, ?, ?, ?, ?, 'pending')"
            " ON CONFLICT (call_id) DO UPDATE SET text = excluded.text,"
            " comment = excluded.comment,"
            " record_id = coalesce(excluded.record_id, call_notes.record_id)",
            (call_id, text, comment, created, client_number, record_id or None))
        stored = self.get(call_id)
        assert stored is not None
        return stored

    def unsaved(self) -> list[StoredNote]:
        rows = self._db.connection.execute(
            f"SELECT {_COLUMNS} FROM call_notes WHERE state != 'saved'"  # noqa: S608
            " ORDER BY created_at").fetchall()
        return [_note(row) for row in rows]

    def attach_contact(self, call_id: str, record_id: str) -> bool:
        cursor = self._db.connection.execute(
            "UPDATE call_notes SET record_id = ? WHERE call_id = ? AND record_id IS NULL",
            (record_id, call_id))
        return cursor.rowcount > 0

    def mark_sending(self, note: StoredNote) -> bool:
        """Written before the request: a crash after it leaves the note 'sending', checked
        against NetHunt's comments before it is ever sent again. False when another process
        (the app and the ``note`` command share the file) took this note meanwhile."""
        cursor = self._db.connection.execute(
            "UPDATE call_notes SET state = 'sending', attempts = attempts + 1"
            " WHERE call_id = ? AND state = ? AND attempts = ?",
            (note.call_id, note.state.value, note.attempts))
        return cursor.rowcount > 0

    def mark_saved(self, call_id: str, comment_id: str, now: datetime | None = None) -> None:
        self._db.connection.execute(
            "UPDATE call_notes SET state = 'saved', comment_id = ?, last_error = '',"
            " saved_at = ? WHERE call_id = ?",
            (comment_id, (now or datetime.now(UTC)).isoformat(), call_id))

    def mark_not_written(self, call_id: str, error: str, *,
                         forget_contact: bool = False) -> None:
        """NetHunt provably did not write it (refused, never reached, or the contact is
        gone: then the number's contact is looked for again): send it again later."""
        self._db.connection.execute(
            "UPDATE call_notes SET state = 'pending', last_error = ?,"
            " record_id = CASE WHEN ? THEN NULL ELSE record_id END WHERE call_id = ?",
            (error, int(forget_contact), call_id))

    def mark_unknown(self, call_id: str, error: str) -> None:
        """Sent, but the answer was lost: stays 'sending' until NetHunt's comments tell."""
        self._db.connection.execute(
            "UPDATE call_notes SET state = 'sending', last_error = ? WHERE call_id = ?",
            (error, call_id))
