"""The hygiene assistant (issue 15) against the simulator seeded with messy numbers of every
kind: the audit's four groups, the fix (interrupted half-way and resumed, never twice on one
record, crash between send and journal), the undo, and the CLI's dry run by default."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from ringohunt_desktop.clients.nethunt import NetHuntClient, field_values
from ringohunt_desktop.core.hygiene import (
    AuditReport,
    Certainty,
    NotANumberReason,
    SharedKind,
    audit_store,
    shown,
)
from ringohunt_desktop.core.hygiene_fix import (
    FixRun,
    RunKind,
    apply_run,
    fix_plan,
    latest_run,
    runs_dir_of,
    undo_plan,
    unfinished_run,
)
from ringohunt_desktop.core.lookup import CallerLookup, FieldMap
from ringohunt_desktop.core.sync import ContactSync
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.simulator import SimOptions, Simulator
from ringohunt_desktop.simulator.nethunt import FOLDER_IDS
from ringohunt_desktop.simulator.people import hygiene, known
from ringohunt_desktop.store.contacts import MAX_STORED_PHONE, ContactStore
from ringohunt_desktop.store.db import Database

T = TypeVar("T")
CONTACTS_ID = FOLDER_IDS["Contacts"]


@pytest.fixture
def sim_options() -> SimOptions:
    return SimOptions(contacts=60, deals=5, calls_history_days=1, calls_per_day=2,
                      hygiene_examples=True)


def client_for(sim: Simulator) -> NetHuntClient:
    creds = sim.credentials
    return NetHuntClient(sim.nethunt_url, creds.nethunt_email, Secret(creds.nethunt_api_key))


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


async def _sync(sim: Simulator, database: Database, store: ContactStore) -> None:
    async with client_for(sim) as nethunt:
        lookup = CallerLookup(nethunt, CONTACTS_ID, fields=FieldMap())
        sync = ContactSync(nethunt, CONTACTS_ID, store, database, lookup.to_contact)
        try:
            await sync.full()
        finally:
            await sync.aclose()


@pytest.fixture
def index(sim: Simulator, tmp_path: Path) -> Iterator[tuple[Database, ContactStore]]:
    database = Database.open(tmp_path / "index.sqlite3")
    store = ContactStore(database)
    run(_sync(sim, database, store))
    try:
        yield database, store
    finally:
        database.close()


def by_name(report: AuditReport) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for fix in report.fixes:
        found.setdefault(fix.contact.name, []).append(fix)
    return found


def test_audit_finds_every_group(index: tuple[Database, ContactStore]) -> None:
    database, _store = index
    report = audit_store(database)
    fixes = {(f.contact.name, f.raw): f for f in report.fixes}

    def fix(key: str, position: int = 0) -> Any:
        contact = hygiene(key)
        return fixes[(contact.name, contact.phones[position])]

    assert fix("h_national").proposed == "+380671112201"
    assert fix("h_national").certainty is Certainty.CERTAIN
    assert fix("h_brackets").proposed == "+380631112202"
    assert fix("h_digits").proposed == "+380501112203"
    assert fix("h_old_trunk").proposed == "+380671112204"
    assert fix("h_old_trunk").certain
    assert fix("h_spaced_plus").proposed == "+380991112205"
    assert (hygiene("h_old_trunk").name, "+380931112204") not in fixes  # already right
    # Unsure readings are marked, never silently guessed.
    assert fix("h_extension").certainty is Certainty.EXTENSION
    assert fix("h_foreign_digits").certainty is Certainty.FOREIGN_DIGITS
    assert fix("h_foreign_digits").proposed == "+48221112207"
    assert fix("h_unverified").certainty is Certainty.UNVERIFIED
    assert fix("h_unverified").proposed == "+380201112208"
    # The well-known seed's messy numbers are in the same group.
    assert (known("natalia_bondar").name, "+38 (063) 555-12-34") in fixes

    not_numbers = {(n.contact.name, n.raw): n.reason for n in report.not_numbers}
    galyna = hygiene("h_not_number")
    assert not_numbers[(galyna.name, "n/a")] is NotANumberReason.NOT_A_NUMBER
    assert not_numbers[(galyna.name, "ivan@example.com")] is NotANumberReason.NOT_A_NUMBER
    assert not_numbers[(hygiene("h_internal").name, "101")] is NotANumberReason.EXTENSION_ONLY
    assert (hygiene("h_bidi").name, hygiene("h_bidi").phones[0]) in not_numbers
    # The 5,000-digit value reaches the audit as the cache keeps it (capped, issue 12).
    assert any(n.raw == "1" * MAX_STORED_PHONE for n in report.not_numbers)

    shared = {s.number: s for s in report.shared}
    twice = shared["+380671112210"]
    assert twice.kind is SharedKind.SAME_PERSON
    assert {c.name for c in twice.contacts} == {hygiene("h_twice_a").name,
                                                 hygiene("h_twice_b").name}
    assert all(c.link.startswith("https://nethunt.com/web/#nethunt/") for c in twice.contacts)
    board = shared["+380441112211"]
    assert board.kind is SharedKind.COMMON_LINE
    assert len(board.contacts) == 3
    assert shared["+380442223344"].kind is SharedKind.COMMON_LINE  # ТОВ Ромашка's line

    without = {c.name for c in report.no_phone}
    assert without == {hygiene("h_no_phone").name, hygiene("h_no_phone_2").name}
    assert report.contacts_total == 60 + 0  # the folder's size, hygiene examples included


def test_reports_make_hostile_text_harmless(index: tuple[Database, ContactStore]) -> None:
    database, _store = index
    report = audit_store(database)
    text = json.dumps(report.to_json(), ensure_ascii=False)
    assert "\u202e" not in text
    assert "\u0007" not in text
    assert "\\u202e" in text  # made visible instead
    assert len(max(text.split('"'), key=len)) < 500  # the 5,000-digit value is capped
    csv_text = report.to_csv()
    assert "\u202e" not in csv_text
    assert all(not cell.startswith("=") for line in csv_text.splitlines()
               for cell in line.split(","))
    assert shown("a\u202eb\x00c" + "x" * 100, 12) == "a\\u202eb…"
    assert shown("ok") == "ok"


def _phones(sim: Simulator, record_id: str) -> list[str]:
    record = sim.service_data("nethunt").record(record_id)
    return field_values(record["fields"], "Phone")


def _updates(sim: Simulator) -> list[dict[str, Any]]:
    entries = httpx.get(sim.url + "/_sim/requests", params={"service": "nethunt"}).json()
    return [e for e in entries if "/actions/update-record/" in e["path"]]


class Interrupted(Exception):
    pass


def test_fix_interrupted_half_way_resumes_without_repeating_then_undo(
        sim: Simulator, index: tuple[Database, ContactStore], tmp_path: Path) -> None:
    database, _store = index
    report = audit_store(database)
    ops = fix_plan(report)
    assert ops
    planned = {op.record_id for op in ops}
    extension_contact = next(f.contact for f in report.fixes
                             if f.certainty is Certainty.EXTENSION)
    assert extension_contact.record_id not in planned  # unsure: left for a person
    runs_dir = runs_dir_of(tmp_path / "data")
    fix_run = FixRun.create(runs_dir, RunKind.FIX, ops)
    assert stat.S_IMODE(os.stat(fix_run.path / "plan.json").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(fix_run.path).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(runs_dir.parent).st_mode) == 0o700
    httpx.delete(sim.url + "/_sim/requests")
    half = len(ops) // 2

    def stop_half_way(done: int, _total: int) -> None:
        if done == half:
            raise Interrupted

    async def first_attempt() -> None:
        async with client_for(sim) as nethunt:
            await apply_run(nethunt, fix_run, phone_field="Phone", interval=0,
                            progress=stop_half_way)

    with pytest.raises(Interrupted):
        run(first_attempt())
    assert len(_updates(sim)) == half
    assert unfinished_run(runs_dir, RunKind.FIX) is not None

    async def resume() -> Any:
        async with client_for(sim) as nethunt:
            resumed = unfinished_run(runs_dir, RunKind.FIX)
            assert resumed is not None
            assert resumed.run_id == fix_run.run_id
            return await apply_run(nethunt, resumed, phone_field="Phone", interval=0,
                                   on_record=lambda record: None)

    outcome = run(resume())
    assert outcome.already == half
    assert outcome.done == len(ops) - half
    assert outcome.failed == 0
    updated = [e["path"].rsplit("/", 1)[1] for e in _updates(sim)]
    assert len(updated) == len(set(updated)) == len(ops)  # once per record, never twice
    assert unfinished_run(runs_dir, RunKind.FIX) is None
    # One request per record carries only that field's values, no overwrite.
    body = json.loads(_updates(sim)[0]["body"])
    assert list(body["fieldActions"]) == ["Phone"]
    assert "overwrite" not in body["fieldActions"]["Phone"]
    assert _updates(sim)[0]["query"].get("overwrite") in (["false"], "false")

    petrenko = next(op for op in ops if op.name == known("ivan_petrenko").name)
    assert sorted(_phones(sim, petrenko.record_id)) == ["+380501112233", "+380677654321"]
    board = next(op for op in ops if op.name == hygiene("h_board_2").name)
    assert _phones(sim, board.record_id) == ["+380441112211"]
    extension_phones = _phones(sim, extension_contact.record_id)
    assert extension_phones == list(hygiene("h_extension").phones)  # untouched

    # Undo from the undo file: every number back as it was written.
    latest = latest_run(runs_dir, RunKind.FIX)
    assert latest is not None
    undo_ops = undo_plan(latest)
    assert len(undo_ops) == len(ops)
    undo_run = FixRun.create(runs_dir, RunKind.UNDO, undo_ops, undoes=latest.run_id)

    async def undo() -> Any:
        async with client_for(sim) as nethunt:
            return await apply_run(nethunt, undo_run, phone_field="Phone", interval=0)

    undone = run(undo())
    assert undone.done == len(ops)
    assert undone.failed == 0
    assert sorted(_phones(sim, petrenko.record_id)) == sorted(known("ivan_petrenko").phones)
    assert _phones(sim, board.record_id) == list(hygiene("h_board_2").phones)


class _CrashAfterSending(NetHuntClient):
    """The process dies right after NetHunt applied an update, before the journal knew."""

    async def update_record(self, record_id: str, field_actions: Any,
                            overwrite: bool = False) -> dict[str, Any]:
        await super().update_record(record_id, field_actions, overwrite)
        raise Interrupted


def test_a_crash_after_sending_is_not_sent_again(sim: Simulator,
                                                  index: tuple[Database, ContactStore],
                                                  tmp_path: Path) -> None:
    database, _store = index
    ops = fix_plan(audit_store(database))[:3]
    runs_dir = runs_dir_of(tmp_path / "data")
    fix_run = FixRun.create(runs_dir, RunKind.FIX, ops)
    httpx.delete(sim.url + "/_sim/requests")

    async def crash() -> None:
        creds = sim.credentials
        async with _CrashAfterSending(sim.nethunt_url, creds.nethunt_email,
                                      Secret(creds.nethunt_api_key)) as nethunt:
            await apply_run(nethunt, fix_run, phone_field="Phone", interval=0)

    with pytest.raises(Interrupted):
        run(crash())

    async def resume() -> Any:
        async with client_for(sim) as nethunt:
            return await apply_run(nethunt, FixRun.load(fix_run.path), phone_field="Phone",
                                   interval=0)

    outcome = run(resume())
    assert outcome.done == 3
    updated = [e["path"] for e in _updates(sim)]
    assert len(updated) == len(set(updated)) == 3
    assert len(FixRun.load(fix_run.path).undo_entries()) == 3  # the undo file knows all


def test_a_value_changed_in_the_crm_since_the_audit_is_left_alone(
        sim: Simulator, index: tuple[Database, ContactStore], tmp_path: Path) -> None:
    database, _store = index
    ops = [op for op in fix_plan(audit_store(database))
           if op.name == hygiene("h_national").name]
    httpx.delete(sim.url + "/_sim/requests")

    async def edit_then_fix() -> Any:
        async with client_for(sim) as nethunt:
            await nethunt.update_record(ops[0].record_id,
                                        {"Phone": {"overwrite": True, "add": ["+380671112299"]}})
            fix_run = FixRun.create(runs_dir_of(tmp_path), RunKind.FIX, ops)
            return await apply_run(nethunt, fix_run, phone_field="Phone", interval=0)

    outcome = run(edit_then_fix())
    assert outcome.skipped == 1
    assert len(_updates(sim)) == 1  # only the test's own edit
    assert _phones(sim, ops[0].record_id) == ["+380671112299"]


# ---- the command line --------------------------------------------------------------------

def run_cli(basedir: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    from tests.test_cli import run_cli as run_command

    return run_command(basedir, env, *args, timeout=120)


def test_cli_audit_fix_dry_run_apply_and_undo(sim: Simulator, basedir: Path) -> None:
    env = sim.app_environment()
    empty = run_cli(basedir, env, "contacts", "audit")
    assert empty.returncode == 2
    assert "--sync" in empty.stderr
    audit = run_cli(basedir, env, "contacts", "audit", "--sync")
    assert audit.returncode == 0, audit.stderr
    summary = json.loads(audit.stdout)["summary"]
    assert summary["contacts"] == 60
    assert summary["without_phone"] == 2
    csv_out = run_cli(basedir, env, "contacts", "audit", "--format", "csv")
    assert csv_out.stdout.startswith("group,kind,number,record_id")
    assert "without_phone" in csv_out.stdout

    httpx.delete(sim.url + "/_sim/requests")
    dry = run_cli(basedir, env, "contacts", "fix")
    assert dry.returncode == 0
    assert "dry run: nothing sent" in dry.stdout
    requests = httpx.get(sim.url + "/_sim/requests", params={"service": "nethunt"}).json()
    assert requests == []  # a dry run does not even connect
    applied = run_cli(basedir, env, "contacts", "fix", "--apply", "--interval", "0")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "contacts undo" in applied.stdout
    after = json.loads(run_cli(basedir, env, "contacts", "audit").stdout)
    # The local index follows the fix: only the unsure numbers are left.
    assert {item["certainty"] for item in after["not_international"]} <= {
        "extension", "foreign_digits", "unverified"}
    assert after["summary"]["fixable_certain"] == 0
    undo_dry = run_cli(basedir, env, "contacts", "undo")
    assert "dry run" in undo_dry.stdout
    undone = run_cli(basedir, env, "contacts", "undo", "--apply", "--interval", "0")
    assert undone.returncode == 0, undone.stdout + undone.stderr
    record = next(r for r in sim.service_data("nethunt").records_in("Contacts")
                  if r["fields"].get("Name") == hygiene("h_brackets").name)
    assert record["fields"]["Phone"] == list(hygiene("h_brackets").phones)
    for path in (basedir / "config" / "hygiene" / "runs").rglob("*.jsonl"):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600

