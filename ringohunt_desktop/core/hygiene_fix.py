"""Writing the hygiene fixes to NetHunt: one update-record per contact, verified, resumable,
undoable. No Qt.

A *run* is a folder under the app's data directory (``<config dir>/hygiene/runs/<id>``,
owner-only) holding three files:

* ``plan.json``: what the run is to do, per record: the phone values to remove and to add;
* ``journal.jsonl``: one line per step (``started``, ``done``, ``skipped``, ``failed``, and
  ``finished`` at the end), flushed to disk before the next request goes out;
* ``undo.jsonl``: for every record changed, what was really removed and added, so
  :func:`undo_plan` can build the run that puts it back.

Rules: a record is written at most once per run, with all of its changes in that one
``update-record`` (only the values concerned: ``{"Phone": {"remove": [old], "add": [new]}}``,
never an overwrite of the field); it is read first (a value changed in the CRM since the
audit is left alone) and read again afterwards to verify. An interrupted run is resumed by
starting it again: records journaled ``done``/``skipped`` are passed over, and a record
``started`` but not finished is read first; if the change is already there, it is only
journaled, not sent again. Between two records the run waits ``interval`` seconds (NetHunt
publishes no rate limit; nethunt-api.md §1.3 asks for single-digit requests per second).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from ringohunt_desktop.clients.errors import NotFound
from ringohunt_desktop.clients.nethunt import NetHuntClient, NetHuntRecord, field_values
from ringohunt_desktop.core.hygiene import AuditReport, shown

__all__ = [
    "FixOp",
    "FixOutcome",
    "FixRun",
    "RunKind",
    "apply_run",
    "fix_plan",
    "latest_run",
    "undo_plan",
    "unfinished_run",
]

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S: Final = 1.0  # between two records: ~3 requests a second at most
MAX_OPS: Final = 100_000
_DIR_MODE: Final = 0o700
_FILE_MODE: Final = 0o600


class RunKind(StrEnum):
    FIX = "fix"
    UNDO = "undo"


@dataclass(frozen=True, slots=True)
class FixOp:
    """What to do to one record's phone field: values to remove and values to add."""

    record_id: str
    folder_id: str
    name: str
    remove: tuple[str, ...]
    add: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"record_id": self.record_id, "folder_id": self.folder_id, "name": self.name,
                "remove": list(self.remove), "add": list(self.add)}

    @classmethod
    def from_json(cls, item: Any) -> FixOp:
        if not isinstance(item, dict):
            raise ValueError("a plan entry is not an object")
        texts = {key: item.get(key) for key in ("record_id", "folder_id", "name")}
        if not all(isinstance(value, str) for value in texts.values()):
            raise ValueError("a plan entry lacks record_id, folder_id or name")
        lists = {key: item.get(key) for key in ("remove", "add")}
        if not all(isinstance(value, list) and all(isinstance(v, str) for v in value)
                   for value in lists.values()):
            raise ValueError("a plan entry's remove/add are not lists of strings")
        return cls(str(texts["record_id"]), str(texts["folder_id"]), str(texts["name"]),
                   tuple(item["remove"]), tuple(item["add"]))


def fix_plan(report: AuditReport) -> list[FixOp]:
    """One operation per contact for every *certain* fix of the audit (unsure ones stay)."""
    by_record: dict[str, FixOp] = {}
    for fix in report.certain_fixes:
        contact = fix.contact
        old = by_record.get(contact.record_id)
        remove = (*old.remove, fix.raw) if old else (fix.raw,)
        add = old.add if old else ()
        if fix.proposed not in add:
            add = (*add, fix.proposed)
        by_record[contact.record_id] = FixOp(contact.record_id, contact.folder_id, contact.name,
                                             tuple(dict.fromkeys(remove)), add)
    return list(by_record.values())


# ---- files --------------------------------------------------------------------------------

def _private_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=_DIR_MODE)
    os.chmod(path, _DIR_MODE)
    return path


def _append_line(path: Path, item: Mapping[str, Any]) -> None:
    """Append one JSON line and force it to disk before anything else happens."""
    line = (json.dumps(dict(item), ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, _FILE_MODE)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_private(path: Path, text: str) -> None:
    temp = path.with_name(path.name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _FILE_MODE)
    try:
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(temp, path)


def _read_lines(path: Path) -> list[dict[str, Any]]:
    """The JSON lines of a file; a torn last line (a crash mid-write) is ignored."""
    if not path.exists():
        return []
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if isinstance(item, dict):
            items.append(item)
    return items


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(slots=True)
class FixRun:
    """A run's folder and what it knows (see the module doc)."""

    path: Path
    kind: RunKind
    ops: list[FixOp]
    undoes: str = ""  # the run id an undo run reverses

    @property
    def run_id(self) -> str:
        return self.path.name

    @property
    def journal_file(self) -> Path:
        return self.path / "journal.jsonl"

    @property
    def undo_file(self) -> Path:
        return self.path / "undo.jsonl"

    @classmethod
    def create(cls, runs_dir: Path, kind: RunKind, ops: Sequence[FixOp], *,
               undoes: str = "") -> FixRun:
        if len(ops) > MAX_OPS:
            raise ValueError(f"a run holds at most {MAX_OPS} records")
        if runs_dir.parent.name == "hygiene":  # our own folder (runs_dir_of): owner-only too
            _private_dir(runs_dir.parent)
        _private_dir(runs_dir)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = _private_dir(runs_dir / f"{stamp}-{kind.value}")
        run = cls(path, kind, list(ops), undoes)
        _write_private(path / "plan.json", json.dumps(
            {"kind": kind.value, "undoes": undoes, "created": _now(),
             "ops": [op.to_json() for op in ops]}, ensure_ascii=False, indent=1))
        return run

    @classmethod
    def load(cls, path: Path) -> FixRun:
        try:
            payload = json.loads((path / "plan.json").read_text(encoding="utf-8"))
            kind = RunKind(payload["kind"])
            ops = [FixOp.from_json(item) for item in payload["ops"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path} is not a readable hygiene run: {exc}") from exc
        undoes = payload.get("undoes")
        return cls(path, kind, ops, undoes if isinstance(undoes, str) else "")

    def journal(self) -> list[dict[str, Any]]:
        return _read_lines(self.journal_file)

    @property
    def finished(self) -> bool:
        return any(item.get("event") == "finished" for item in self.journal())

    def settled(self) -> dict[str, str]:
        """Record id → last final event (done/skipped/failed) journaled for it."""
        state: dict[str, str] = {}
        for item in self.journal():
            record_id, event = item.get("record_id"), item.get("event")
            if isinstance(record_id, str) and isinstance(event, str):
                state[record_id] = event
        return state

    def started_op(self, op: FixOp) -> FixOp:
        """What the journal says was sent for ``op``'s record (the plan's op if nothing)."""
        for item in reversed(self.journal()):
            if item.get("record_id") == op.record_id and item.get("event") == "started":
                remove, add = item.get("remove"), item.get("add")
                if isinstance(remove, list) and isinstance(add, list):
                    return FixOp(op.record_id, op.folder_id, op.name,
                                 tuple(str(v) for v in remove), tuple(str(v) for v in add))
        return op

    def undo_entries(self) -> list[FixOp]:
        entries = []
        for item in _read_lines(self.undo_file):
            try:
                entries.append(FixOp.from_json(item))
            except ValueError:
                continue
        return entries


def runs_dir_of(data_dir: Path) -> Path:
    return data_dir / "hygiene" / "runs"


def _runs(runs_dir: Path) -> list[Path]:
    if not runs_dir.is_dir():
        return []
    return sorted(p for p in runs_dir.iterdir() if (p / "plan.json").is_file())


def unfinished_run(runs_dir: Path, kind: RunKind | None = None) -> FixRun | None:
    """The newest run not finished yet (to resume), if any."""
    for path in reversed(_runs(runs_dir)):
        try:
            run = FixRun.load(path)
        except ValueError:
            continue
        if (kind is None or run.kind is kind) and not run.finished:
            return run
    return None


def latest_run(runs_dir: Path, kind: RunKind = RunKind.FIX) -> FixRun | None:
    for path in reversed(_runs(runs_dir)):
        try:
            run = FixRun.load(path)
        except ValueError:
            continue
        if run.kind is kind:
            return run
    return None


def undo_plan(run: FixRun) -> list[FixOp]:
    """The operations that put back what ``run`` changed, newest first."""
    return [FixOp(op.record_id, op.folder_id, op.name, remove=op.add, add=op.remove)
            for op in reversed(run.undo_entries()) if op.add or op.remove]


# ---- applying -----------------------------------------------------------------------------

class Outcome(StrEnum):
    DONE = "done"  # changed and verified
    SKIPPED = "skipped"  # nothing to do any more (changed in the CRM since, or gone)
    FAILED = "failed"  # sent, but the re-read does not show the change


@dataclass(slots=True)
class FixOutcome:
    run_id: str
    total: int
    done: int = 0
    skipped: int = 0
    failed: int = 0
    already: int = 0  # settled by an earlier, interrupted attempt of the same run
    details: list[dict[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"run": self.run_id, "total": self.total, "done": self.done,
                "skipped": self.skipped, "failed": self.failed, "already": self.already,
                "details": self.details}


Progress = Callable[[int, int], None]


def _effective(op: FixOp, values: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What is still to do on a record holding ``values``: present removals, absent adds."""
    present = set(values)
    remove = tuple(v for v in op.remove if v in present)
    add = tuple(v for v in op.add if v not in present)
    return remove, add


def _applied(op: FixOp, values: Sequence[str]) -> bool:
    present = set(values)
    return not any(v in present for v in op.remove) and all(v in present for v in op.add)


async def apply_run(nethunt: NetHuntClient, run: FixRun, *, phone_field: str,
                    interval: float = DEFAULT_INTERVAL_S, progress: Progress | None = None,
                    on_record: Callable[[NetHuntRecord], None] | None = None) -> FixOutcome:
    """Carry out (or resume) ``run``; see the module doc. ``on_record`` gets every verified
    record, to refresh the local index. Service errors other than a gone record propagate:
    the journal keeps the place, and the same call resumes."""
    settled = run.settled()
    outcome = FixOutcome(run.run_id, len(run.ops))
    first_request = True
    for index, op in enumerate(run.ops):
        previous = settled.get(op.record_id)
        if previous in ("done", "skipped", "failed"):
            outcome.already += 1
            if progress is not None:
                progress(index + 1, len(run.ops))
            continue
        if not first_request and interval > 0:
            await asyncio.sleep(interval)
        first_request = False
        result = await _apply_one(nethunt, run, op, phone_field, resumed=previous == "started",
                                  on_record=on_record)
        setattr(outcome, result.value, getattr(outcome, result.value) + 1)
        if result is not Outcome.DONE:
            outcome.details.append({"record_id": op.record_id, "name": shown(op.name),
                                    "outcome": result.value})
        if progress is not None:
            progress(index + 1, len(run.ops))
    _append_line(run.journal_file, {"event": "finished", "at": _now()})
    return outcome


async def _apply_one(nethunt: NetHuntClient, run: FixRun, op: FixOp, phone_field: str, *,
                     resumed: bool,
                     on_record: Callable[[NetHuntRecord], None] | None) -> Outcome:
    journal = run.journal_file
    record = await nethunt.get_record(op.folder_id, op.record_id)
    if record is None:
        _append_line(journal, {"record_id": op.record_id, "event": "skipped",
                               "reason": "gone", "at": _now()})
        return Outcome.SKIPPED
    values = field_values(record.fields, phone_field)
    sent = run.started_op(op) if resumed else op
    if resumed and _applied(sent, values):
        # The update went out before the interruption; it is not sent a second time.
        _append_line(run.undo_file, sent.to_json())
        _append_line(journal, {"record_id": op.record_id, "event": "done",
                               "reason": "applied before the interruption", "at": _now()})
        return Outcome.DONE
    remove, add = _effective(op, values)
    if not remove:
        _append_line(journal, {"record_id": op.record_id, "event": "skipped",
                               "reason": "changed in the CRM since the audit", "at": _now()})
        return Outcome.SKIPPED
    action: dict[str, Any] = {"remove": list(remove)}
    if add:
        action["add"] = list(add)
    _append_line(journal, {"record_id": op.record_id, "event": "started", "remove": list(remove),
                           "add": list(add), "at": _now()})
    try:
        await nethunt.update_record(op.record_id, {phone_field: action}, overwrite=False)
    except NotFound:
        _append_line(journal, {"record_id": op.record_id, "event": "skipped",
                               "reason": "gone", "at": _now()})
        return Outcome.SKIPPED
    done = FixOp(op.record_id, op.folder_id, op.name, remove, add)
    _append_line(run.undo_file, done.to_json())
    after = await nethunt.get_record(op.folder_id, op.record_id)
    if after is None or not _applied(done, field_values(after.fields, phone_field)):
        _append_line(journal, {"record_id": op.record_id, "event": "failed",
                               "reason": "the re-read does not show the change", "at": _now()})
        log.warning("hygiene: record %s not verified after update", op.record_id)
        return Outcome.FAILED
    _append_line(journal, {"record_id": op.record_id, "event": "done", "at": _now()})
    if on_record is not None:
        on_record(after)
    return Outcome.DONE


def ops_summary(ops: Iterable[FixOp]) -> list[dict[str, Any]]:
    """The preview of a plan, safe to print."""
    return [{"record_id": shown(op.record_id), "name": shown(op.name),
             "remove": [shown(v) for v in op.remove], "add": [shown(v) for v in op.add]}
            for op in ops]
