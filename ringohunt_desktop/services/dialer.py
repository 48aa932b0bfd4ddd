"""Click-to-call as Qt signals: validate, normalise, send once, report."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from ringohunt_desktop import phone
from ringohunt_desktop.clients.errors import ApiError
from ringohunt_desktop.clients.ringostat import RingostatClient
from ringohunt_desktop.core.dialing import dial_target, place_call
from ringohunt_desktop.core.problems import SetupError

log = logging.getLogger(__name__)


class Dialer(QObject):
    """Signals:
        refused (str text, InvalidNumber | SetupError): not a dialable number, or nothing to
            call from; nothing was sent.
        calling (str number_e164): the request is on its way ("calling…").
        call_placed (str number_e164): Ringostat accepted it; the agent's phone rings first.
        call_failed (str number_e164, ApiError): Ringostat refused or could not be reached.

    The errors say why in a machine-readable way for the UI (ui.failures) and in English for
    the logs.
    """

    refused = Signal(str, object)
    calling = Signal(str)
    call_placed = Signal(str)
    call_failed = Signal(str, object)

    def __init__(self, ringostat: RingostatClient, extension: str, *, region: str = "UA",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ringostat = ringostat
        self._extension = extension
        self._region = region
        self._pending: set[str] = set()
        self._tasks: set[asyncio.Task[Any]] = set()

    def dial(self, text: str) -> bool:
        """Start a call to ``text`` (a number or a tel:/callto: URL). False when refused."""
        try:
            target = dial_target(text, self._region, self._extension)
        except phone.InvalidNumber as exc:
            log.info("click-to-call refused: not a number (%s)", exc.problem)  # no number logged
            self.refused.emit(text, exc)
            return False
        except SetupError as exc:
            log.info("click-to-call refused: %s", exc)
            self.refused.emit(text, exc)
            return False
        if target in self._pending:
            return True  # a second click while the first request is out is the same call
        self._pending.add(target)
        self.calling.emit(target)
        task = asyncio.ensure_future(self._place(target))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _place(self, target: str) -> None:
        try:
            # Never retried behind the agent's back: ServiceHttp only repeats a request that
            # provably did not reach Ringostat.
            await place_call(self._ringostat, self._extension, target)
        except ApiError as exc:
            log.info("click-to-call failed: %s", exc.user_message)
            self.call_failed.emit(target, exc)
        else:
            self.call_placed.emit(target)
        finally:
            self._pending.discard(target)

    async def wait_idle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
