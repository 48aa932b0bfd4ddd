"""``ringohunt-desktop watch``: each call event for the configured agent as one JSON line, the
moment the app would act on it. No Qt.

It is the tray app's road without the windows: the same settings, the same choice of source
(:func:`~ringohunt_desktop.core.sources.call_source`), the same feed
(:class:`~ringohunt_desktop.core.feed.CallFeed`: tracker, journal, acknowledgement) and the
same journal file. Failures while watching are one line on stderr each, and the feed keeps
retrying what can be retried.

In subscription mode the agent has one queue on the call server: while the tray app runs,
each event would reach only one of the two, so ``watch`` there needs ``--exclusive`` (the tray
app is closed).
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TextIO

from ringohunt_desktop import phone
from ringohunt_desktop.clients.errors import ApiError
from ringohunt_desktop.core.calltracking import CallEvent, CallTracker
from ringohunt_desktop.core.feed import CallFeed, WatchStatus
from ringohunt_desktop.core.latency import delay_between
from ringohunt_desktop.core.session import Session
from ringohunt_desktop.core.sources import call_source, close_source
from ringohunt_desktop.domain import CallRecord
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.store.calls import CallStore
from ringohunt_desktop.store.db import Database
from ringohunt_desktop.terminal import printable, silence


class WatchRefused(Exception):
    """The command cannot run as asked; the message says why and what to do."""


SHARED_QUEUE = ("subscription mode: the tray app and watch would share your call queue on "
                "the call server (each event reaches only one of them); quit the tray app "
                "and run watch --exclusive")


def event_line(event: CallEvent, *, agent: str, region: str) -> dict[str, Any]:
    """One event as the JSON object ``watch`` prints."""
    call = event.call
    delay = delay_between(event.reported_at, event.seen_at)
    line: dict[str, Any] = {
        "source": event.source, "phase": event.phase.value, "call_id": call.call_id,
        "direction": call.direction.value,
        "caller": phone.caller_e164(call.client_number, region) or call.client_number,
        "agent": agent, "live": event.live,
        "event_time": _utc(event.reported_at), "received_at": _utc(event.seen_at),
        "delay_s": None if delay.seconds is None else round(delay.seconds, 3),
    }
    if delay.clocks_differ:
        line["clock_note"] = "this computer's clock and Ringostat's differ; no delay given"
    return line


def _utc(moment: datetime | None) -> str | None:
    if moment is None or moment.tzinfo is None:
        return None
    return moment.astimezone(UTC).isoformat()


@dataclass
class LinePrinter:
    """The feed's listener: events to ``out``, failures to ``err``, one line each."""

    out: TextIO
    err: TextIO
    agent: str
    region: str
    count: int | None
    done: asyncio.Event
    printed: int = 0
    pipe_closed: bool = False

    def on_status(self, status: WatchStatus, failure: ApiError | None) -> None:
        if failure is not None and status is not WatchStatus.CONNECTED:
            self._write(self.err, f"error: {printable(failure.user_message)} (retrying)")

    def on_recorded(self, calls: list[CallRecord]) -> None:
        """The journal has them; watch prints events, not rows."""

    def on_call_changed(self, event: CallEvent) -> None:
        if not event.live:
            return  # history (a call first seen finished): the journal has it, nothing pops
        line = event_line(event, agent=self.agent, region=self.region)
        # ASCII JSON: a name or id from a server cannot reach the terminal as an escape
        # sequence or a bidi override.
        if self._write(self.out, json.dumps(line, ensure_ascii=True)):
            self.printed += 1
            if self.count is not None and self.printed >= self.count:
                self.done.set()

    def on_speaking(self, speaking: bool) -> None:
        """Not an event of a call."""

    def _write(self, stream: TextIO, text: str) -> bool:
        if self.pipe_closed:
            return False
        try:
            stream.write(text + "\n")
            stream.flush()
        except BrokenPipeError:
            # `watch | head -1`: the reader is gone. Stop, and point stdout at devnull so the
            # interpreter's final flush does not complain either.
            self.pipe_closed = True
            self.done.set()
            silence(stream)
            return False
        return True


async def watch(session: Session, paths: AppPaths, *, seconds: float | None,
                count: int | None, exclusive: bool, out: TextIO = sys.stdout,
                err: TextIO = sys.stderr) -> None:
    """Until ``seconds`` passed, ``count`` events were printed, or the reader went away.

    Raises :class:`WatchRefused`, and what starting raises
    (:class:`~ringohunt_desktop.core.problems.SetupError`, ``ApiError``).
    """
    config = session.config
    if config.subscribes and not exclusive:
        raise WatchRefused(SHARED_QUEUE)
    agent = await session.resolve_agent()
    database = Database.open(paths.database_file_for(config.store_key))
    try:
        calls = CallStore(database, region=config.default_region)
        source = call_source(config, session, agent, calls)
        tracker = CallTracker(agent.identity,
                              include_unassigned_missed=config.include_unassigned_missed)
        done = asyncio.Event()
        printer = LinePrinter(out, err, agent.member.email or agent.member.name,
                              config.default_region, count, done)
        feed = CallFeed(source, tracker, printer, journal=calls.upsert,
                        interval=config.poll_interval)
        feed.start()
        try:
            await asyncio.wait_for(done.wait(), timeout=seconds)
        except TimeoutError:
            pass
        finally:
            await feed.stop()
            await close_source(source)
    finally:
        database.close()


__all__ = ["LinePrinter", "WatchRefused", "event_line", "watch"]
