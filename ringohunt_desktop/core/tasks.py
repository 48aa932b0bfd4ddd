"""Small helpers for background tasks on the event loop. No Qt."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def cancel_and_wait(task: asyncio.Task[Any] | None) -> None:
    """Cancel ``task`` and wait until it has unwound (its ``finally`` blocks ran)."""
    if task is None or task.done():
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def sleep_unless_woken(wake: asyncio.Event, seconds: float) -> None:
    """Wait ``seconds``, or less when ``wake`` is set; clears ``wake`` first."""
    wake.clear()
    waiter = asyncio.ensure_future(wake.wait())
    try:
        await asyncio.wait({waiter}, timeout=seconds)
    finally:
        waiter.cancel()
