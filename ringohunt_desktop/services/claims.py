"""The team inbox's claims as Qt signals (subscription mode): QtCore over
:class:`~ringohunt_desktop.core.claims.ClaimBoard`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal

from ringohunt_desktop import phone
from ringohunt_desktop.core.claims import AlreadyClaimed, Claim, ClaimBoard, ClaimsUnavailable
from ringohunt_desktop.core.tasks import cancel_and_wait

log = logging.getLogger(__name__)


class ClaimService(QObject):
    """Signals:
        changed (): the live claims, or whether claims can be made, changed.
        refused (str, object): client key, the :class:`Claim` somebody else holds.
        unavailable (str): client key whose claim or release could not be made now.
    """

    changed = Signal()
    refused = Signal(str, object)
    unavailable = Signal(str)

    def __init__(self, board: ClaimBoard, *, region: str = phone.DEFAULT_REGION,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.board = board
        self._region = region
        self._tasks: set[asyncio.Task[None]] = set()
        board.on_change = self.changed.emit  # the board calls it on the loop

    @property
    def available(self) -> bool:
        return self.board.available

    def claim_for(self, client_key: str) -> Claim | None:
        return self.board.claim_for(client_key)

    def start(self) -> None:
        self.board.start()

    async def stop(self) -> None:
        for task in list(self._tasks):
            await cancel_and_wait(task)
        await self.board.stop()

    def claim(self, client_key: str) -> None:
        self._spawn(self._claim(client_key))

    def release(self, client_key: str) -> None:
        self._spawn(self._release(client_key))

    def release_number(self, number: str) -> None:
        """The agent called this number: their claim of it, if any, has done its job."""
        key = phone.match_key(number, self._region)
        if key and (held := self.board.claim_for(key)) is not None and held.mine:
            self.release(key)

    async def _claim(self, client_key: str) -> None:
        try:
            await self.board.claim(client_key)
        except AlreadyClaimed as exc:
            self.refused.emit(client_key, exc.claim)
        except ClaimsUnavailable as exc:
            log.info("claim not made: %s", exc)
            self.unavailable.emit(client_key)

    async def _release(self, client_key: str) -> None:
        try:
            await self.board.release(client_key)
        except ClaimsUnavailable as exc:
            log.info("claim not released: %s", exc)
            self.unavailable.emit(client_key)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


__all__ = ["ClaimService"]
