"""The note after the call, written to NetHunt as a comment on the contact, exactly once.
No Qt.

A comment, not a call log: Ringostat's own NetHunt integration already logs the call, so a
call log would double it (nethunt-api.md §4). The comment carries the agent's text and the
call's facts (time, direction, duration, source, recording) and ends with the call id, which
is how a comment already written is recognised.

Exactly once: the note is kept locally first (:class:`~ringohunt_desktop.store.notes.NoteStore`),
marked ``sending`` before the request, and saved when NetHunt answers. When the answer is lost
(timeout, dropped connection, 5xx), NetHunt may or may not have written it: before it is sent
again, NetHunt's comment feed is read for a comment on that contact carrying the call id.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ringohunt_desktop import phone
from ringohunt_desktop.clients.errors import (
    ApiError,
    AuthError,
    CertificateError,
    NotFound,
    RateLimited,
    RequestRejected,
    TransientError,
)
from ringohunt_desktop.clients.nethunt import NetHuntClient
from ringohunt_desktop.core.lookup import CallerLookup
from ringohunt_desktop.core.webhooks import clean_text
from ringohunt_desktop.domain import CallRecord, Direction
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.notes import NoteState, NoteStore, StoredNote

log = logging.getLogger(__name__)

MAX_NOTE_CHARS = 1000
#: The last line of every note comment; the key that makes "exactly once" checkable.
CALL_ID_LINE = "Ringostat call ID: {call_id}"
#: How far back the comment feed is read for a note whose answer was lost.
FEED_SLACK = timedelta(hours=1)

_LABELS: dict[str, dict[str, str]] = {
    "uk": {
        Direction.INCOMING.value: "Вхідний дзвінок",
        Direction.OUTGOING.value: "Вихідний дзвінок",
        Direction.CALLBACK.value: "Зворотний дзвінок",
        "missed": "пропущений",
        "talk": "розмова {minutes} хв {seconds:02d} с",
        "source": "Джерело",
        "recording": "Запис",
        "employee": "Оператор",
    },
    "en": {
        Direction.INCOMING.value: "Incoming call",
        Direction.OUTGOING.value: "Outgoing call",
        Direction.CALLBACK.value: "Callback",
        "missed": "missed",
        "talk": "talk {minutes} min {seconds:02d} s",
        "source": "Source",
        "recording": "Recording",
        "employee": "Agent",
    },
}


class EmptyNote(ValueError):
    """The note has no text once control characters are taken out."""


class NoteOutcome(StrEnum):
    SAVED = "saved"  # NetHunt has it
    NO_CONTACT = "no_contact"  # kept with the call until a contact with its number exists
    WAITING = "waiting"  # kept; written when NetHunt answers


@dataclass(frozen=True, slots=True)
class NoteResult:
    call_id: str
    outcome: NoteOutcome
    error: ApiError | None = None


def clean_note(text: str) -> str:
    """The agent's text as it is sent: one paragraph of printable text, at most
    :data:`MAX_NOTE_CHARS` characters. Raises :class:`EmptyNote` when nothing is left."""
    cleaned = clean_text(text, MAX_NOTE_CHARS)
    if not cleaned:
        raise EmptyNote("the note is empty")
    return cleaned


def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def compose_comment(note: str, call: CallRecord, *, language: str = "uk",
                    time_zone: str = "Europe/Kyiv") -> str:
    """The comment NetHunt gets: the note, then the call's facts, then the call id line."""
    labels = _LABELS.get(language, _LABELS["uk"])
    started = call.started_at if call.started_at.tzinfo else call.started_at.replace(tzinfo=UTC)
    zone = _zone(time_zone)
    local = started.astimezone(zone) if zone is not None else started.astimezone(UTC)
    headline = f"{labels[call.direction.value]} {local:%d.%m.%Y %H:%M}"
    if call.is_missed:
        headline += f", {labels['missed']}"
    elif call.billsec > 0:
        minutes, seconds = divmod(max(call.billsec, 0), 60)
        headline += ", " + labels["talk"].format(minutes=minutes, seconds=seconds)
    lines = [clean_note(note), "—", headline]
    employee = clean_text(call.employee_name, 200)
    if employee:
        lines.append(f"{labels['employee']}: {employee}")
    source = " / ".join(part for part in (clean_text(call.utm_source, 200),
                                          clean_text(call.utm_medium, 200),
                                          clean_text(call.utm_campaign, 200)) if part)
    if source:
        lines.append(f"{labels['source']}: {source}")
    recording = clean_text(call.recording_url, 2000)
    if recording.startswith(("https://", "http://")):
        lines.append(f"{labels['recording']}: {recording}")
    lines.append(CALL_ID_LINE.format(call_id=clean_text(call.call_id, 200)))
    return "\n".join(lines)


#: Record ids of the contacts having this number (the caller decides where to look).
ContactFinder = Callable[[str], Awaitable[Sequence[str]]]


class NoteWriter:
    """Writes kept notes to NetHunt, each at most once."""

    def __init__(self, nethunt: NetHuntClient, folder_id: str, notes: NoteStore,
                 find_contacts: ContactFinder) -> None:
        self._nethunt = nethunt
        self._folder_id = folder_id
        self._notes = notes
        self._find = find_contacts

    async def write(self, call_id: str) -> NoteResult:
        """Try to write one kept note now; failures are kept, never raised."""
        note = self._notes.get(call_id)
        if note is None:
            raise KeyError(call_id)
        try:
            return await self._write(note)
        except ApiError as error:
            log.info("note for %s not written yet: %s", call_id, error.user_message)
            return NoteResult(call_id, NoteOutcome.WAITING, error)

    async def flush(self) -> list[NoteResult]:
        """Every note not yet in NetHunt, oldest first; stops at the first service failure
        (the next ones would fail alike)."""
        results: list[NoteResult] = []
        for note in self._notes.unsaved():
            result = await self.write(note.call_id)
            results.append(result)
            if result.error is not None and not isinstance(result.error, NotFound):
                break
        return results

    async def _write(self, note: StoredNote) -> NoteResult:
        if note.state is NoteState.SAVED:
            return NoteResult(note.call_id, NoteOutcome.SAVED)
        record_id = note.record_id
        if record_id is None:
            found = list(dict.fromkeys(await self._find(note.client_number)))
            if len(found) != 1:  # none yet, or several: never guess whose note it is
                return NoteResult(note.call_id, NoteOutcome.NO_CONTACT)
            record_id = found[0]
            self._notes.attach_contact(note.call_id, record_id)
        if note.state is NoteState.SENDING:
            comment_id = await self._already_written(note, record_id)
            if comment_id is not None:
                self._notes.mark_saved(note.call_id, comment_id)
                return NoteResult(note.call_id, NoteOutcome.SAVED)
        if not self._notes.mark_sending(note):
            return NoteResult(note.call_id, NoteOutcome.WAITING)  # being written elsewhere
        try:
            comment_id = await self._nethunt.create_comment(record_id, note.comment)
        except NotFound as error:
            # The contact was deleted: the note waits for the number's contact again.
            self._notes.mark_not_written(note.call_id, error.user_message, forget_contact=True)
            raise
        except (AuthError, RateLimited, RequestRejected, CertificateError) as error:
            self._notes.mark_not_written(note.call_id, error.user_message)
            raise
        except TransientError as error:
            if error.never_sent:
                self._notes.mark_not_written(note.call_id, error.user_message)
            else:
                self._notes.mark_unknown(note.call_id, error.user_message)
            raise
        except ApiError as error:
            self._notes.mark_unknown(note.call_id, error.user_message)
            raise
        self._notes.mark_saved(note.call_id, comment_id)
        return NoteResult(note.call_id, NoteOutcome.SAVED)

    async def _already_written(self, note: StoredNote, record_id: str) -> str | None:
        """The id of the comment NetHunt already holds for this note ('' when it has no id),
        or None when NetHunt has none."""
        marker = CALL_ID_LINE.format(call_id=clean_text(note.call_id, 200))
        comments = await self._nethunt.new_comments(self._folder_id,
                                                     since=note.created_at - FEED_SLACK)
        for comment in comments:
            if comment.record_id == record_id and marker in comment.text:
                return comment.comment_id
        return None


def local_finder(store: ContactStore, region: str) -> ContactFinder:
    """Contacts from the local index (the app's: contacts created from the panel land there
    at once); no request."""
    async def find(number: str) -> Sequence[str]:
        return [contact.record_id for contact in store.find_by_number(number, region)]

    return find


def remote_finder(lookup: CallerLookup, region: str) -> ContactFinder:
    """Contacts as NetHunt has them now (the headless command has no index to trust)."""
    async def find(number: str) -> Sequence[str]:
        try:
            e164 = phone.to_e164(number, region)
        except phone.InvalidNumber:
            return []
        return [contact.record_id for contact in await lookup.search_remote(e164)]

    return find


__all__ = ["CALL_ID_LINE", "MAX_NOTE_CHARS", "EmptyNote", "NoteOutcome", "NoteResult",
           "NoteWriter", "clean_note", "compose_comment", "local_finder", "remote_finder"]
