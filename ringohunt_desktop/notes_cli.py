"""``ringohunt-desktop note CALL_ID "text"``: the note after a call, headless.

The same road as the panel: the note is kept in the app's local store first (so nothing is
lost), then written to NetHunt as a comment on the caller's contact, exactly once; a note the
tray app or an earlier run kept is never sent twice.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO

from ringohunt_desktop.clients.errors import ApiError
from ringohunt_desktop.core.lookup import CallerLookup, FieldMap
from ringohunt_desktop.core.notes import (
    EmptyNote,
    NoteOutcome,
    NoteResult,
    NoteWriter,
    compose_comment,
    remote_finder,
)
from ringohunt_desktop.core.session import Session
from ringohunt_desktop.domain import CallRecord
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.store.calls import CallStore
from ringohunt_desktop.store.db import Database
from ringohunt_desktop.store.notes import NoteState, NoteStore
from ringohunt_desktop.terminal import printable

#: How far back Ringostat is asked for a call the local journal does not have.
CALL_SEARCH_DAYS = 7
EXIT_OK = 0
EXIT_SERVICE = 3


class NoteRefused(Exception):
    """Bad input: nothing was kept or sent. The message is for the user."""


def add_parser(commands: Any) -> None:
    note = commands.add_parser(
        "note", help="write a note on a call's contact in NetHunt (kept until it is written)")
    note.add_argument("call_id", metavar="CALL_ID", help="the Ringostat call id")
    note.add_argument("text", help="the note (one line)")


def note_language(config_language: str) -> str:
    return "en" if config_language == "en" else "uk"


async def _find_call(session: Session, calls: CallStore, call_id: str) -> CallRecord:
    found = calls.get(call_id)
    if found is not None:
        return found
    now = datetime.now(UTC)
    for call in await session.ringostat.calls_list(now - timedelta(days=CALL_SEARCH_DAYS), now):
        if call.call_id == call_id:
            return call
    raise NoteRefused(f"no call {call_id!r} in the journal or in Ringostat's last "
                      f"{CALL_SEARCH_DAYS} days")


async def command_note(session: Session, paths: AppPaths, args: argparse.Namespace,
                       out: TextIO, err: TextIO) -> int:
    call_id = args.call_id.strip()
    if not call_id or not call_id.isprintable() or len(call_id) > 200:
        raise NoteRefused("CALL_ID is not a call id")
    config = session.config
    database = Database.open(paths.database_file_for(config.store_key))
    try:
        notes = NoteStore(database)
        existing = notes.get(call_id)
        if existing is not None and existing.state is not NoteState.PENDING:
            raise NoteRefused(f"call {call_id} already has a note "
                              + ("in NetHunt" if existing.state is NoteState.SAVED
                                 else "being written to NetHunt"))
        call = await _find_call(session, CallStore(database, region=config.default_region),
                                call_id)
        try:
            comment = compose_comment(args.text, call, language=note_language(config.language),
                                      time_zone=config.crm_timezone)
        except EmptyNote as exc:
            raise NoteRefused("the note is empty") from exc
        text = comment.split("\n", 1)[0]
        notes.keep(call.call_id, text, comment, call.client_number, None)  # kept first
        try:
            folder = await session.resolve_contacts_folder()
        except ApiError as exc:
            result = NoteResult(call.call_id, NoteOutcome.WAITING, exc)
        else:
            lookup = CallerLookup(session.nethunt, folder.folder_id,
                                  fields=FieldMap.from_config(config),
                                  region=config.default_region,
                                  workspace_id=config.nethunt_workspace_id)
            writer = NoteWriter(session.nethunt, folder.folder_id, notes,
                                remote_finder(lookup, config.default_region))
            result = await writer.write(call.call_id)
    finally:
        database.close()
    if result.outcome is NoteOutcome.SAVED:
        out.write(f"saved in NetHunt on the contact of call {call.call_id}\n")
        return EXIT_OK
    if result.outcome is NoteOutcome.NO_CONTACT:
        out.write("kept: no single contact has this number yet; the note is written when "
                  "the contact is created (from the panel, or by running this again)\n")
        return EXIT_OK
    reason = printable(result.error.user_message) if result.error else "busy"
    err.write(f"kept, not written yet ({reason}); it is written when NetHunt answers "
              "(the tray app retries, or run this again)\n")
    return EXIT_SERVICE
