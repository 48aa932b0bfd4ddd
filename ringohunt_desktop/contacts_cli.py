"""``ringohunt-desktop contacts audit|fix|undo``: the phone-number hygiene assistant for IT.

``audit`` reads only the local index (``--sync`` refreshes it from NetHunt first). ``fix`` and
``undo`` print what they would do and send nothing unless ``--apply`` is given; with it, they
write through NetHunt's update-record (core/hygiene_fix.py): politely, resumably, verified,
and ``fix`` leaves an undo file that ``undo`` applies.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from ringohunt_desktop.config import Config
from ringohunt_desktop.core.hygiene import AuditReport, audit_store
from ringohunt_desktop.core.hygiene_fix import (
    DEFAULT_INTERVAL_S,
    FixOp,
    FixRun,
    RunKind,
    apply_run,
    fix_plan,
    latest_run,
    ops_summary,
    runs_dir_of,
    undo_plan,
    unfinished_run,
)
from ringohunt_desktop.core.session import Session
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


class EmptyIndex(Exception):
    """The local index has no contacts: nothing to audit."""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    contacts = commands.add_parser("contacts", help="phone-number hygiene of the Contacts folder")
    actions = contacts.add_subparsers(dest="contacts_command", metavar="ACTION", required=True)
    audit = actions.add_parser("audit", help="numbers to fix, non-numbers, shared numbers, "
                                             "contacts without phone (from the local index)")
    audit.add_argument("--format", choices=("json", "csv"), default="json")
    audit.add_argument("--sync", action="store_true",
                       help="refresh the local index from NetHunt first")
    fix = actions.add_parser("fix", help="write the certain international forms to NetHunt "
                                         "(a dry run unless --apply)")
    fix.add_argument("--apply", action="store_true", help="really send the changes")
    fix.add_argument("--interval", type=float, default=DEFAULT_INTERVAL_S, metavar="SECONDS",
                     help=f"pause between two contacts (default {DEFAULT_INTERVAL_S:g})")
    fix.add_argument("--sync", action="store_true",
                     help="refresh the local index from NetHunt first")
    undo = actions.add_parser("undo", help="put back what a fix run changed "
                                           "(a dry run unless --apply)")
    undo.add_argument("run", nargs="?", default=None,
                      help="the run folder or id (default: the latest fix run)")
    undo.add_argument("--apply", action="store_true", help="really send the changes")
    undo.add_argument("--interval", type=float, default=DEFAULT_INTERVAL_S, metavar="SECONDS")


def data_dir(paths: AppPaths) -> Path:
    return paths.config_dir


async def _sync_index(session: Session, database: Database, store: ContactStore) -> None:
    from ringohunt_desktop.core.lookup import CallerLookup, FieldMap
    from ringohunt_desktop.core.sync import ContactSync

    config = session.config
    folder = await session.resolve_contacts_folder()
    lookup = CallerLookup(session.nethunt, folder.folder_id, fields=FieldMap.from_config(config),
                          region=config.default_region,
                          workspace_id=config.nethunt_workspace_id)
    sync = ContactSync(session.nethunt, folder.folder_id, store, database, lookup.to_contact,
                       phone_field=config.field_phone)
    try:
        await sync.full()
    finally:
        await sync.aclose()


def _audit(database: Database, config: Config) -> AuditReport:
    report = audit_store(database, config.default_region)
    if report.contacts_total == 0:
        raise EmptyIndex("the local index has no contacts yet: start the app once, or add "
                         "--sync to read them from NetHunt")
    return report


async def command_contacts(session: Session, paths: AppPaths, args: argparse.Namespace,
                           out: TextIO) -> int:
    """audit / fix / undo; the session is only used when something is sent or synced."""
    config = session.config
    database = Database.open(paths.database_file_for(config.store_key))
    try:
        store = ContactStore(database, region=config.default_region)
        if getattr(args, "sync", False):
            await _sync_index(session, database, store)
        runs_dir = runs_dir_of(data_dir(paths))
        if args.contacts_command == "audit":
            report = _audit(database, config)
            if args.format == "csv":
                out.write(report.to_csv())
            else:
                json.dump(report.to_json(), out, ensure_ascii=False, indent=1)
                out.write("\n")
            return EXIT_OK
        if args.contacts_command == "fix":
            return await _fix(session, database, store, runs_dir, args, out)
        return await _undo(session, store, runs_dir, args, out)
    finally:
        database.close()


async def _fix(session: Session, database: Database, store: ContactStore, runs_dir: Path,
               args: argparse.Namespace, out: TextIO) -> int:
    pending = unfinished_run(runs_dir, RunKind.FIX)
    if pending is not None:
        ops = pending.ops
        out.write(f"an interrupted fix run {pending.run_id} has "
                  f"{len(ops) - len(pending.settled())} contact(s) left\n")
    else:
        report = _audit(database, session.config)
        ops = fix_plan(report)
        unsure = len(report.fixes) - len(report.certain_fixes)
        out.write(f"{len(ops)} contact(s) to fix ({len(report.certain_fixes)} number(s)); "
                  f"{unsure} unsure number(s) left for a person to check\n")
    if not args.apply:
        json.dump(ops_summary(ops), out, ensure_ascii=False, indent=1)
        out.write("\ndry run: nothing sent; add --apply to write these changes\n")
        return EXIT_OK
    if not ops:
        return EXIT_OK
    run = pending or FixRun.create(runs_dir, RunKind.FIX, ops)
    return await _apply(session, store, run, args.interval, out)


async def _undo(session: Session, store: ContactStore, runs_dir: Path,
                args: argparse.Namespace, out: TextIO) -> int:
    pending = unfinished_run(runs_dir, RunKind.UNDO)
    if pending is not None and args.run is None:
        run_to_resume: FixRun | None = pending
        ops: list[FixOp] = pending.ops
        out.write(f"an interrupted undo run {pending.run_id} is resumed\n")
    else:
        run_to_resume = None
        source = _find_run(runs_dir, args.run)
        ops = undo_plan(source)
        out.write(f"undo of {source.run_id}: {len(ops)} contact(s) to put back\n")
    if not args.apply:
        json.dump(ops_summary(ops), out, ensure_ascii=False, indent=1)
        out.write("\ndry run: nothing sent; add --apply to write these changes\n")
        return EXIT_OK
    if not ops:
        return EXIT_OK
    run = run_to_resume or FixRun.create(runs_dir, RunKind.UNDO, ops, undoes=source.run_id)
    return await _apply(session, store, run, args.interval, out)


def _find_run(runs_dir: Path, wanted: str | None) -> FixRun:
    if wanted is None:
        found = latest_run(runs_dir, RunKind.FIX)
        if found is None:
            raise EmptyIndex(f"no fix run to undo in {runs_dir}")
        return found
    path = Path(wanted)
    candidate = path if path.is_dir() else runs_dir / wanted
    try:
        return FixRun.load(candidate)
    except ValueError as exc:
        raise EmptyIndex(str(exc)) from exc


async def _apply(session: Session, store: ContactStore, run: FixRun, interval: float,
                 out: TextIO) -> int:
    from ringohunt_desktop.clients.nethunt import NetHuntRecord, to_contact
    from ringohunt_desktop.core.lookup import FieldMap

    config = session.config
    fields = FieldMap.from_config(config)
    folder_of = {op.record_id: op.folder_id for op in run.ops}

    def refresh_index(record: NetHuntRecord) -> None:
        store.upsert([to_contact(record, folder_of.get(record.record_id, ""),
                                 name_field=fields.name, phone_field=fields.phone,
                                 email_field=fields.email, company_field=fields.company,
                                 manager_field=fields.manager,
                                 workspace_id=config.nethunt_workspace_id)])

    def progress(done: int, total: int) -> None:
        if sys.stderr is not None and sys.stderr.isatty():  # stdout stays clean JSON
            sys.stderr.write(f"\r{done}/{total}")
            sys.stderr.flush()

    outcome = await apply_run(session.nethunt, run, phone_field=config.field_phone,
                              interval=max(0.0, interval), progress=progress,
                              on_record=refresh_index)
    out.write("\n")
    json.dump(outcome.to_json(), out, ensure_ascii=False, indent=1)
    out.write(f"\nrun folder: {run.path}\n")
    if run.kind is RunKind.FIX:
        out.write(f"to put it back: ringohunt-desktop contacts undo {run.run_id} --apply\n")
    return EXIT_OK if outcome.failed == 0 else EXIT_FAILED
