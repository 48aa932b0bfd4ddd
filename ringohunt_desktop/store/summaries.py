"""AI summaries of calls, per call and per client. No Qt."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Final

from ringohunt_desktop.core.summaries import AiComment
from ringohunt_desktop.core.webhooks import clean_text
from ringohunt_desktop.phone import DEFAULT_REGION, match_key
from ringohunt_desktop.store.db import Database

__all__ = ["SummaryStore"]

_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
LAST_COMMENT_KEY: Final = "summaries.last_comment_at"


def _micros(moment: datetime) -> int:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return (aware - _EPOCH) // timedelta(microseconds=1)


class SummaryStore:
    def __init__(self, db: Database, *, region: str = DEFAULT_REGION) -> None:
        self._db = db
        self._region = region

    def _client_key_of_call(self, call_id: str) -> str:
        row = self._db.connection.execute(
            "SELECT client_key FROM calls WHERE call_id = ? UNION ALL"
            " SELECT client_key FROM team_calls WHERE call_id = ? LIMIT 1",
            (call_id, call_id)).fetchone()
        return str(row[0]) if row and row[0] else ""

    def add_for_call(self, call_id: str, summary: str, client_number: str = "",
                     at: datetime | None = None) -> bool:
        """The ``ai_processed`` event's summary; True when it is new or changed."""
        text = clean_text(summary, 1000)
        call_id = clean_text(call_id, 200)
        if not text or not call_id:
            return False
        key = (match_key(client_number, self._region) if client_number else None) or \
            self._client_key_of_call(call_id)
        return self._put(call_id, call_id, "", key, text, at)

    def add_comments(self, comments: Iterable[AiComment]) -> int:
        """AI comments from NetHunt's feed; the number that were new."""
        added = 0
        newest = self._db.get_meta(LAST_COMMENT_KEY)
        for comment in comments:
            key = self._client_key_of_call(comment.call_id) if comment.call_id else ""
            if self._put(f"comment:{comment.comment_id}", comment.call_id, comment.record_id,
                         key, comment.summary, comment.created_at):
                added += 1
            if comment.created_at is not None:
                stamp = comment.created_at.astimezone(UTC).isoformat()
                if newest is None or stamp > newest:
                    newest = stamp
        if newest is not None:
            self._db.set_meta(LAST_COMMENT_KEY, newest)
        return added

    def last_comment_at(self) -> datetime | None:
        value = self._db.get_meta(LAST_COMMENT_KEY)
        return datetime.fromisoformat(value) if value else None

    def _put(self, key: str, call_id: str, record_id: str, client_key: str, text: str,
             at: datetime | None) -> bool:
        cursor = self._db.connection.execute(
            "INSERT INTO call_summaries (key, call_id, record_id, client_key, text, created_us)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET text = excluded.text,"
            " client_key = CASE WHEN excluded.client_key != '' THEN excluded.client_key"
            " ELSE call_summaries.client_key END WHERE call_summaries.text != excluded.text"
            " OR (call_summaries.client_key = '' AND excluded.client_key != '')",
            (key, call_id, record_id, client_key, text, _micros(at or datetime.now(UTC))))
        return cursor.rowcount > 0

    def for_call(self, call_id: str) -> str:
        row = self._db.connection.execute(
            "SELECT text FROM call_summaries WHERE call_id = ? ORDER BY created_us DESC LIMIT 1",
            (call_id,)).fetchone()
        return str(row[0]) if row else ""

    def for_calls(self, call_ids: Iterable[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for call_id, text in self._db.connection.execute(
                "SELECT call_id, text FROM call_summaries WHERE call_id IN"
                " (SELECT value FROM json_each(?)) ORDER BY created_us",
                (_json_list(call_ids),)):
            found[call_id] = text
        return found

    def latest_for_client(self, number: str, record_ids: Iterable[str] = (),
                          exclude_call: str = "") -> str:
        """The newest summary of this client's calls (by number, or on one of the contacts),
        other than ``exclude_call`` (the call ringing now)."""
        key = match_key(number, self._region) or ""
        row = self._db.connection.execute(
            "SELECT text FROM call_summaries WHERE call_id != :exclude AND"
            " ((:key != '' AND client_key = :key)"
            " OR record_id IN (SELECT value FROM json_each(:records)))"
            " ORDER BY created_us DESC LIMIT 1",
            {"key": key, "records": _json_list(record_ids), "exclude": exclude_call}).fetchone()
        return str(row[0]) if row else ""


def _json_list(values: Iterable[str]) -> str:
    import json

    return json.dumps([value for value in values if value])
