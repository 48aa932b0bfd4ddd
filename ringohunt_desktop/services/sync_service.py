"""Contact sync on a timer, as Qt signals: a full sync first (and daily), then increments."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QObject, Signal

from ringohunt_desktop.clients.errors import ApiError
from ringohunt_desktop.core.sync import ContactSync, SyncReport
from ringohunt_desktop.core.tasks import cancel_and_wait

log = logging.getLogger(__name__)

INCREMENTAL_EVERY = 60.0
FULL_EVERY = timedelta(hours=24)
RETRY_AFTER_FAILURE = 30.0


class SyncService(QObject):
    """Signals:
        progress (int done, int total): first-sync progress; total is -1 while unknown.
        synced (object SyncReport): a sync finished; the contact book may refresh.
        failed (str): a sync failed; it is tried again later by itself.
    """

    progress = Signal(int, int)
    synced = Signal(object)
    failed = Signal(str)

    def __init__(self, sync: ContactSync, *, interval: float = INCREMENTAL_EVERY,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sync = sync
        self._interval = interval
        self._task: asyncio.Task[None] | None = None
        self.running_full = False

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None
        await self._sync.aclose()

    def _full_due(self) -> bool:
        last = self._sync.last_full_sync()
        return last is None or datetime.now(UTC) - last > FULL_EVERY

    async def _run(self) -> None:
        while True:
            delay = self._interval
            try:
                report = await self.sync_once()
                self.synced.emit(report)
            except ApiError as exc:
                log.info("contact sync failed: %s", exc.user_message)
                self.failed.emit(exc.user_message)
                delay = RETRY_AFTER_FAILURE
            except Exception:
                log.exception("contact sync failed")
                delay = RETRY_AFTER_FAILURE * 4
            await asyncio.sleep(delay)

    async def sync_once(self) -> SyncReport:
        if self._full_due():
            self.running_full = True
            try:
                return await self._sync.full(
                    lambda done, total: self.progress.emit(done, -1 if total is None else total))
            finally:
                self.running_full = False
        return await self._sync.incremental()
