"""AI summaries in polling mode: NetHunt's comment feed read now and then (subscription mode
gets them with the ``ai_processed`` event instead; see :mod:`ringohunt_desktop.core.summaries`).

Signals:
    changed (): new summaries are in the store.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ringohunt_desktop.clients.errors import ApiError
from ringohunt_desktop.clients.nethunt import NetHuntClient
from ringohunt_desktop.core.summaries import fetch_ai_comments
from ringohunt_desktop.store.summaries import SummaryStore

log = logging.getLogger(__name__)

FEED_EVERY_SECONDS = 30.0


class SummaryFeed(QObject):
    changed = Signal()

    def __init__(self, store: SummaryStore, nethunt: NetHuntClient, folder_id: str, *,
                 every_seconds: float = FEED_EVERY_SECONDS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._nethunt = nethunt
        self._folder_id = folder_id
        self._task: asyncio.Task[Any] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(round(every_seconds * 1000))
        self._timer.timeout.connect(self.read_now)

    def start(self) -> None:
        self._timer.start()
        self.read_now()

    async def stop(self) -> None:
        self._timer.stop()
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def read_now(self) -> None:
        if self._task is not None and not self._task.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # the app's loop is gone (shutting down): nothing to read into
            self._timer.stop()
            return
        self._task = loop.create_task(self._read())

    async def wait_idle(self) -> None:
        if self._task is not None:
            await asyncio.gather(self._task, return_exceptions=True)

    async def _read(self) -> None:
        try:
            comments = await fetch_ai_comments(self._nethunt, self._folder_id,
                                               self._store.last_comment_at())
        except ApiError as error:
            log.info("AI summaries not read: %s", error.user_message)
            return
        if self._store.add_comments(comments):
            self.changed.emit()


__all__ = ["SummaryFeed"]
