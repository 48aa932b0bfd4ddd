"""Small helpers for background tasks on the event loop. No Qt."""

from __future__ import annotations

import asyncio
from typing import Any

RECANCEL_AFTER = 0.5  # seconds


async def cancel_and_wait(task: asyncio.Future[Any] | None) -> None:
    """Cancel ``task`` and wait until it has unwound (its ``finally`` blocks ran).

    A cancellation of the caller that arrives meanwhile is not swallowed: ``asyncio.wait``
    never raises the task's own CancelledError, only the caller's. (Awaiting the task under
    ``suppress(CancelledError)`` swallowed both, and a feed stopped at that moment ran on.)
    The cancellation is repeated until the task ends: nats-py swallows one that lands while
    it writes to the socket (``Client._flush_pending``).
    """
    if task is None or task.done():
        return
    while not task.done():
        task.cancel()
        await asyncio.wait({task}, timeout=RECANCEL_AFTER)
    if not task.cancelled():
        task.exception()  # it ended by itself meanwhile; its outcome is not ours to raise


async def sleep_unless_woken(wake: asyncio.Event, seconds: float) -> None:
    """Wait ``seconds``, or less when ``wake`` is set; clears ``wake`` first."""
    wake.clear()
    waiter = asyncio.ensure_future(wake.wait())
    try:
        await asyncio.wait({waiter}, timeout=seconds)
    finally:
        waiter.cancel()
