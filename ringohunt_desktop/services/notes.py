"""Notes after the call for the tray app: kept at once, written to NetHunt in the background,
retried until written (exactly once: :mod:`ringohunt_desktop.core.notes`).

Signals:
    note_state (str call_id, NoteOutcome): where a note is now (saved, kept without a
        contact, kept until NetHunt answers).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ringohunt_desktop.core.notes import (
    EmptyNote,
    NoteOutcome,
    NoteResult,
    NoteWriter,
    compose_comment,
)
from ringohunt_desktop.domain import CallRecord
from ringohunt_desktop.store.notes import NoteState, NoteStore

log = logging.getLogger(__name__)

RETRY_SECONDS = 60.0


class NoteService(QObject):
    note_state = Signal(str, object)

    def __init__(self, notes: NoteStore, *, language: str = "uk",
                 time_zone: str = "Europe/Kyiv", retry_seconds: float = RETRY_SECONDS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._notes = notes
        self._language = language
        self._time_zone = time_zone
        self._writer: NoteWriter | None = None
        self._running: asyncio.Task[Any] | None = None
        self._again = False
        self._retry = QTimer(self)
        self._retry.setInterval(round(retry_seconds * 1000))
        self._retry.timeout.connect(self.flush)

    @property
    def store(self) -> NoteStore:
        return self._notes

    def configure(self, *, language: str, time_zone: str) -> None:
        self._language = language
        self._time_zone = time_zone

    def use_store(self, notes: NoteStore) -> None:
        """Another account's store (the keys or the folder changed): its notes, not these."""
        self._notes = notes

    def set_writer(self, writer: NoteWriter | None) -> None:
        """The NetHunt side of the current configuration (None while there is none)."""
        self._writer = writer
        if writer is None:
            self._retry.stop()
        else:
            self._retry.start()
            self.flush()

    def save(self, call: CallRecord, text: str, record_id: str = "") -> bool:
        """Keep the note now, then write it; False when there is no text to keep."""
        try:
            comment = compose_comment(text, call, language=self._language,
                                      time_zone=self._time_zone)
        except EmptyNote:
            return False
        stored = self._notes.keep(call.call_id, comment.split("\n", 1)[0], comment,
                                  call.client_number, record_id or None)
        if stored.state is NoteState.SAVED:
            self.note_state.emit(call.call_id, NoteOutcome.SAVED)
            return True
        if self._writer is None:
            self.note_state.emit(call.call_id, NoteOutcome.WAITING)
        self.flush()
        return True

    def flush(self) -> None:
        """Write every kept note now (one pass at a time; a pass asked for meanwhile follows)."""
        if self._writer is None:
            return
        if self._running is not None and not self._running.done():
            self._again = True
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # the app's loop is gone (shutting down): the notes stay kept
            self._retry.stop()
            return
        self._running = loop.create_task(self._flush(self._writer))

    async def wait_idle(self) -> None:
        while self._running is not None and not self._running.done():
            await asyncio.wait({self._running})

    async def _flush(self, writer: NoteWriter) -> None:
        while True:
            self._again = False
            try:
                results: list[NoteResult] = await writer.flush()
            except Exception:  # a bug must not lose the note: it stays kept
                log.exception("writing notes to NetHunt failed")
                return
            for result in results:
                self.note_state.emit(result.call_id, result.outcome)
            # A pass stops at the first failure: the notes after it wait their turn.
            tried = {result.call_id for result in results}
            for note in self._notes.unsaved():
                if note.call_id not in tried:
                    self.note_state.emit(note.call_id, NoteOutcome.WAITING)
            if not self._again or writer is not self._writer:
                return


__all__ = ["NoteService"]
