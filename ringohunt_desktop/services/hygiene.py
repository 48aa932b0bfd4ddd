"""The hygiene window's fix and undo runs (core/hygiene_fix.py) as signals on the event loop.

One run at a time. The NetHunt client is the one of the services of the moment, handed in
per run: the window outlives a change of settings, a run does not.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ringohunt_desktop.clients.errors import ApiError
from ringohunt_desktop.clients.nethunt import NetHuntClient, NetHuntRecord
from ringohunt_desktop.core.hygiene_fix import (
    DEFAULT_INTERVAL_S,
    FixOp,
    FixOutcome,
    FixRun,
    RunKind,
    apply_run,
    latest_run,
    undo_plan,
    unfinished_run,
)
from ringohunt_desktop.services.failures import english_detail

__all__ = ["HygieneService"]

log = logging.getLogger(__name__)


class HygieneService(QObject):
    """Signals:
        started (str): a run began; its kind, ``fix`` or ``undo``.
        progress (int, int): contacts handled so far, out of how many.
        finished (object): the :class:`FixOutcome` of a run that went to its end.
        failed (str): the run stopped (the precise English reason); it resumes when started
            again.
    """

    started = Signal(str)
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, runs_dir: Path, *, phone_field: str = "Phone",
                 interval: float = DEFAULT_INTERVAL_S,
                 on_record: Callable[[NetHuntRecord], None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runs_dir = runs_dir
        self.phone_field = phone_field
        self.interval = interval
        self._on_record = on_record
        self._task: asyncio.Task[None] | None = None

    @property
    def busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def pending_fix(self) -> FixRun | None:
        """An interrupted fix run, which the next fix resumes before anything else."""
        return unfinished_run(self.runs_dir, RunKind.FIX)

    def pending_ops(self) -> list[FixOp]:
        """What an interrupted fix still has to do (shown in its preview)."""
        run = self.pending_fix()
        if run is None:
            return []
        settled = run.settled()
        return [op for op in run.ops if settled.get(op.record_id) in (None, "started")]

    def can_undo(self) -> bool:
        run = latest_run(self.runs_dir, RunKind.FIX)
        return run is not None and bool(run.undo_entries())

    def start_fix(self, nethunt: NetHuntClient, ops: Sequence[FixOp]) -> bool:
        """Resume an interrupted fix, or start one with ``ops``; False while one runs."""
        if self.busy:
            return False
        pending = self.pending_fix()
        try:
            run = pending or FixRun.create(self.runs_dir, RunKind.FIX, list(ops))
        except OSError as exc:
            self.failed.emit(f"cannot write the fix journal: {exc}")
            return False
        self._start(nethunt, run)
        return True

    def start_undo(self, nethunt: NetHuntClient) -> bool:
        """Put back what the latest fix run changed (or resume an interrupted undo)."""
        if self.busy:
            return False
        run = unfinished_run(self.runs_dir, RunKind.UNDO)
        if run is None:
            source = latest_run(self.runs_dir, RunKind.FIX)
            if source is None:
                self.failed.emit("there is no fix to undo")
                return False
            try:
                run = FixRun.create(self.runs_dir, RunKind.UNDO, undo_plan(source),
                                    undoes=source.run_id)
            except OSError as exc:
                self.failed.emit(f"cannot write the undo journal: {exc}")
                return False
        self._start(nethunt, run)
        return True

    def _start(self, nethunt: NetHuntClient, run: FixRun) -> None:
        self.started.emit(run.kind.value)
        self._task = asyncio.ensure_future(self._run(nethunt, run))

    async def _run(self, nethunt: NetHuntClient, run: FixRun) -> None:
        try:
            outcome: FixOutcome = await apply_run(
                nethunt, run, phone_field=self.phone_field, interval=self.interval,
                progress=self.progress.emit, on_record=self._on_record)
        except ApiError as exc:
            log.info("hygiene %s run %s stopped: %s", run.kind.value, run.run_id,
                     english_detail(exc))
            self.failed.emit(english_detail(exc))
        except OSError as exc:
            self.failed.emit(f"cannot write the journal: {exc}")
        else:
            self.finished.emit(outcome)

    async def stop(self) -> None:
        """Cancel a run (on quit); its journal keeps the place for the next start."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        self._task = None
