"""cancel_and_wait: the caller's own cancellation is never swallowed."""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from ringohunt_desktop.core.tasks import cancel_and_wait


def test_a_caller_cancelled_while_waiting_for_a_slow_unwind_stops() -> None:
    async def slow_to_unwind() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            await asyncio.sleep(0.2)  # e.g. closing a connection

    async def stopper(inner: asyncio.Task[None], reached: asyncio.Event) -> str:
        reached.set()
        await cancel_and_wait(inner)
        return "went on as if nothing happened"

    async def scenario() -> None:
        inner = asyncio.ensure_future(slow_to_unwind())
        await asyncio.sleep(0)
        reached = asyncio.Event()
        outer = asyncio.ensure_future(stopper(inner, reached))
        await reached.wait()
        await asyncio.sleep(0.05)  # the outer task now waits for the inner one to unwind
        outer.cancel()
        with pytest.raises(asyncio.CancelledError):
            await outer
        assert outer.cancelled()

    asyncio.run(scenario())


def test_the_tasks_own_ending_is_not_raised() -> None:
    async def fails_while_cancelled() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            raise RuntimeError("while unwinding")

    async def scenario() -> None:
        inner = asyncio.ensure_future(fails_while_cancelled())
        await asyncio.sleep(0)
        await cancel_and_wait(inner)  # no RuntimeError, no CancelledError
        await cancel_and_wait(inner)  # already done: nothing to do
        await cancel_and_wait(None)

    asyncio.run(scenario())


def test_a_task_that_swallows_one_cancellation_is_cancelled_again() -> None:
    async def swallows_once() -> None:
        with contextlib.suppress(asyncio.CancelledError):  # as nats-py does while writing
            await asyncio.sleep(3600)
        await asyncio.sleep(3600)

    async def scenario() -> None:
        inner = asyncio.ensure_future(swallows_once())
        await asyncio.sleep(0)
        await asyncio.wait_for(cancel_and_wait(inner), 30)
        assert inner.cancelled()

    asyncio.run(scenario())
