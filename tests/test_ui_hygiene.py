"""The phone-number check window and its fix service: every group filled from the simulator
seeded with messy numbers, Open in CRM per contact, preview then confirmation, the run with
progress and undo through the service on a qasync loop, and the entry points (contact book)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from ringohunt_desktop.clients.nethunt import NetHuntClient, field_values
from ringohunt_desktop.core.hygiene import audit_store
from ringohunt_desktop.core.hygiene_fix import FixOp, runs_dir_of
from ringohunt_desktop.core.lookup import CallerLookup, FieldMap
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.services.hygiene import HygieneService
from ringohunt_desktop.simulator import SimOptions, Simulator
from ringohunt_desktop.simulator.nethunt import FOLDER_IDS
from ringohunt_desktop.simulator.people import hygiene
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database
from ringohunt_desktop.ui.contact_book import ContactBookWindow
from ringohunt_desktop.ui.hygiene_window import FixPreviewDialog, HygieneWindow
from tests.conftest import signal_future
from tests.test_hygiene import _sync, client_for


@pytest.fixture
def sim_options() -> SimOptions:
    return SimOptions(contacts=50, deals=5, calls_history_days=1, calls_per_day=2,
                      hygiene_examples=True)


@pytest.fixture
def database(sim: Simulator, tmp_path: Path) -> Any:
    db = Database.open(tmp_path / "index.sqlite3")
    asyncio.run(_sync(sim, db, ContactStore(db)))
    try:
        yield db
    finally:
        db.close()


def texts(tree: Any) -> list[list[str]]:
    rows = []
    for index in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(index)
        rows.append([item.text(c) for c in range(tree.columnCount())])
        for child in range(item.childCount()):
            sub = item.child(child)
            rows.append([sub.text(c) for c in range(tree.columnCount())])
    return rows


def test_every_group_is_filled_and_hostile_text_stays_plain(qtbot: QtBot,
                                                             database: Database) -> None:
    window = HygieneWindow(lambda: audit_store(database))
    qtbot.addWidget(window)
    report = window.report
    assert window.tabs.tabText(0) == f"Not international ({len(report.fixes)})"
    assert window.tabs.tabText(1) == f"Not numbers ({len(report.not_numbers)})"
    assert window.tabs.tabText(2) == f"Shared numbers ({len(report.shared)})"
    assert window.tabs.tabText(3) == "Without phone (2)"
    fix_rows = texts(window.fix_tree)
    national = hygiene("h_national")
    assert [national.name, national.phones[0], "+380671112201", "Certain", ""] in fix_rows
    unsure = next(r for r in fix_rows if r[0] == hygiene("h_extension").name)
    assert unsure[3].startswith("Unsure")
    not_numbers = texts(window.not_number_tree)
    assert any(r[1] == "\\u202e0671112209\\u0007" for r in not_numbers)
    assert all(len(cell) <= 48 for row in not_numbers for cell in row)
    tree = window.fix_tree
    markup = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                  if tree.topLevelItem(i).text(0).startswith("<b>Bold"))
    assert "&lt;b&gt;Bold" in markup.toolTip(0)  # shown literally, not as bold text
    shared = texts(window.shared_tree)
    assert ["+380671112210", "", "Likely the same person twice", ""] in shared
    assert any(r[2] == "A company's common line (3 contacts)" for r in shared)
    assert sorted(r[0] for r in texts(window.no_phone_tree)) == sorted(
        [hygiene("h_no_phone").name, hygiene("h_no_phone_2").name])
    assert window.fix_button.text() == f"Fix {len(report.certain_fixes)} certain number(s)…"
    assert not window.undo_button.isEnabled()


def test_open_in_crm_for_each_contact_of_a_shared_number(qtbot: QtBot,
                                                         database: Database) -> None:
    window = HygieneWindow(lambda: audit_store(database))
    qtbot.addWidget(window)
    top = next(window.shared_tree.topLevelItem(i)
               for i in range(window.shared_tree.topLevelItemCount())
               if window.shared_tree.topLevelItem(i).text(0) == "+380671112210")
    links = []
    for index in range(top.childCount()):
        button = window.shared_tree.itemWidget(top.child(index), 3)
        with qtbot.waitSignal(window.open_in_crm_requested) as blocker:
            button.click()
        links.append(blocker.args[0])
    assert len(set(links)) == 2
    assert all(link.startswith("https://nethunt.com/web/#nethunt/") for link in links)


def test_the_fix_needs_the_preview_confirmed(qtbot: QtBot, database: Database) -> None:
    answers: list[bool] = [False, True]
    previews: list[FixPreviewDialog] = []

    def confirm(dialog: FixPreviewDialog) -> bool:
        previews.append(dialog)
        return answers.pop(0)

    window = HygieneWindow(lambda: audit_store(database), confirm=confirm)
    qtbot.addWidget(window)
    emitted: list[list[FixOp]] = []
    window.fix_confirmed.connect(emitted.append)
    window.fix_button.click()
    assert emitted == []  # cancelled: nothing asked of anyone
    window.fix_button.click()
    assert len(emitted) == 1
    ops = emitted[0]
    assert {op.name for op in ops} >= {hygiene("h_national").name, hygiene("h_brackets").name}
    assert hygiene("h_extension").name not in {op.name for op in ops}
    assert previews[1].table.topLevelItemCount() == len(ops)
    assert previews[1].confirm_button.text() == f"Fix {len(ops)} contact(s) in NetHunt"


def test_the_service_fixes_with_progress_then_undoes(
        qtbot: QtBot, qloop: asyncio.AbstractEventLoop, sim: Simulator, database: Database,
        tmp_path: Path) -> None:
    store = ContactStore(database)
    window = HygieneWindow(lambda: audit_store(database), confirm=lambda _dialog: True)
    qtbot.addWidget(window)
    nethunt = client_for(sim)

    lookup = CallerLookup(nethunt, FOLDER_IDS["Contacts"], fields=FieldMap())

    def store_record(record: Any) -> None:
        store.upsert([lookup.to_contact(record)])

    service = HygieneService(runs_dir_of(tmp_path), interval=0, on_record=store_record)
    service.started.connect(window.show_started)
    service.progress.connect(window.show_progress)
    service.finished.connect(lambda outcome: window.show_finished(
        outcome, resuming=service.pending_fix() is not None, can_undo=service.can_undo()))
    window.fix_confirmed.connect(lambda ops: service.start_fix(nethunt, ops))
    window.undo_requested.connect(lambda: service.start_undo(nethunt))
    progress: list[tuple[int, int]] = []
    service.progress.connect(lambda done, total: progress.append((done, total)))

    async def scenario() -> None:
        finished = signal_future(service.finished)
        window.fix_button.click()
        assert window.progress_bar.isVisible() or service.busy
        (outcome,) = await asyncio.wait_for(finished, 30)
        assert outcome.failed == 0
        assert progress[-1][0] == progress[-1][1] == outcome.total
        assert window.report.certain_fixes == []  # the index followed the fix
        assert window.undo_button.isEnabled()
        assert window.status_label.text().startswith("Done:")
        record = next(r for r in sim.service_data("nethunt").records_in("Contacts")
                      if r["fields"].get("Name") == hygiene("h_brackets").name)
        assert field_values(record["fields"], "Phone") == ["+380631112202"]
        undone = signal_future(service.finished)
        window.undo_button.click()
        await asyncio.wait_for(undone, 30)
        record = next(r for r in sim.service_data("nethunt").records_in("Contacts")
                      if r["fields"].get("Name") == hygiene("h_brackets").name)
        assert field_values(record["fields"], "Phone") == list(hygiene("h_brackets").phones)
        await service.stop()
        await nethunt.aclose()

    qloop.run_until_complete(scenario())


def test_a_service_failure_says_the_fix_resumes(
        qtbot: QtBot, qloop: asyncio.AbstractEventLoop, sim: Simulator, database: Database,
        tmp_path: Path) -> None:
    previews: list[FixPreviewDialog] = []

    def confirm(dialog: FixPreviewDialog) -> bool:
        previews.append(dialog)
        return len(previews) == 1

    window = HygieneWindow(lambda: audit_store(database), confirm=confirm)
    qtbot.addWidget(window)
    service = HygieneService(runs_dir_of(tmp_path), interval=0)
    service.failed.connect(lambda detail: window.show_failed(
        detail, resuming=service.pending_fix() is not None, can_undo=service.can_undo(),
        pending=service.pending_ops()))
    creds = sim.credentials
    revoked = NetHuntClient(sim.nethunt_url, creds.nethunt_email, Secret("wrong-key-123"))
    window.fix_confirmed.connect(lambda ops: service.start_fix(revoked, ops))

    async def scenario() -> None:
        failed = signal_future(service.failed)
        window.fix_button.click()
        await asyncio.wait_for(failed, 30)
        await revoked.aclose()

    qloop.run_until_complete(scenario())
    assert window.status_label.text().startswith("Stopped:")
    assert window.fix_button.text() == "Continue the interrupted fix…"
    assert window.fix_button.isEnabled()
    window.fix_button.click()  # the preview of what is left; declined here
    left = previews[1]
    assert left.table.topLevelItemCount() == len(previews[0].ops) > 0
    assert left.confirm_button.text() == f"Fix {len(previews[0].ops)} contact(s) in NetHunt"


def test_the_contact_book_opens_the_check(qtbot: QtBot, database: Database) -> None:
    book = ContactBookWindow(ContactStore(database))
    qtbot.addWidget(book)
    with qtbot.waitSignal(book.hygiene_requested):
        book.hygiene_button.click()


def test_the_app_opens_the_check_from_the_tray_and_fixes_through_its_services(
        sim: Simulator, basedir: Path, qloop: asyncio.AbstractEventLoop) -> None:
    from tests.test_app_flow import AppRunner, started, until

    runner = AppRunner(sim, basedir, qloop)

    async def scenario() -> None:
        app = await started(runner())
        await until(lambda: app.contacts.count() >= 50, 15, "the first contact sync")
        app.hygiene.interval = 0
        app.tray.open_hygiene_requested.emit()
        window = app.hygiene_window
        assert window is not None
        assert window.isVisible()
        assert window.report.contacts_total == app.contacts.count()
        brackets = [op for op in fix_plan_of(window) if op.name == hygiene("h_brackets").name]
        finished = signal_future(app.hygiene.finished)
        window.fix_confirmed.emit(brackets)
        (outcome,) = await asyncio.wait_for(finished, 15)
        assert outcome.done == 1
        stored = app.contacts.get(brackets[0].record_id)
        assert stored is not None
        assert stored.phones == ("+380631112202",)  # the index followed at once
        assert window.undo_button.isEnabled()

    runner.run(scenario())


def fix_plan_of(window: HygieneWindow) -> list[FixOp]:
    from ringohunt_desktop.core.hygiene_fix import fix_plan

    return fix_plan(window.report)
