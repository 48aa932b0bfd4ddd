"""Issue 13: a missed call whose client was called back says so in the journal (the inbox's
rule, one place), and one count of missed calls (numbers waiting for a call-back) with the
same number and label wherever it is shown."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from ringohunt_desktop.core.inbox import waiting_count
from ringohunt_desktop.domain import CallRecord, Direction
from ringohunt_desktop.simulator import Simulator
from ringohunt_desktop.store.calls import CallStore
from ringohunt_desktop.store.db import Database
from ringohunt_desktop.store.team import TeamCallStore
from ringohunt_desktop.ui.journal import CallFilter, JournalWindow
from ringohunt_desktop.ui.models import NEEDS_ATTENTION_ROLE, JournalColumn
from ringohunt_desktop.ui.tray import TrayController
from ringohunt_desktop.ui.widgets import local_time
from tests.test_app_flow import AppRunner, app_factory, ring, started, until

__all__ = ["app_factory"]

pytestmark = pytest.mark.gui

NOW = datetime.now(UTC).replace(microsecond=0)
CALLED_BACK = "+380671234567"
WAITING = "+380501112233"


def missed(call_id: str, minutes_ago: int, number: str) -> CallRecord:
    return CallRecord(call_id, NOW - timedelta(minutes=minutes_ago), number.lstrip("+"),
                      "0443334455", Direction.INCOMING, "NO ANSWER")


def outgoing(call_id: str, minutes_ago: int, number: str, *, answered: bool) -> CallRecord:
    return CallRecord(call_id, NOW - timedelta(minutes=minutes_ago), "101", number.lstrip("+"),
                      Direction.OUTGOING, "ANSWERED" if answered else "NO ANSWER",
                      billsec=40 if answered else 0, employee_name="Sarah Miller")


@pytest.fixture
def stores() -> Iterator[tuple[CallStore, TeamCallStore]]:
    database = Database.in_memory()
    yield CallStore(database), TeamCallStore(database)
    database.close()


def record(stores: tuple[CallStore, TeamCallStore], calls: list[CallRecord]) -> None:
    journal, team = stores
    journal.upsert([c for c in calls if c.employee_name == ""])  # the agent's own
    team.record(calls, lambda _call: True)  # the project's


def journal_of(qtbot: QtBot, stores: tuple[CallStore, TeamCallStore]) -> JournalWindow:
    journal, team = stores
    window = JournalWindow(journal, "UA", call_backs=team.call_backs,
                           waiting_count=lambda: waiting_count(team.inbox()))
    qtbot.addWidget(window)
    return window


def status_of(window: JournalWindow, call_id: str) -> tuple[str, bool]:
    index = window.model.index(window.model.row_of(call_id), JournalColumn.STATUS)
    return window.model.data(index), window.model.data(index, NEEDS_ATTENTION_ROLE)


def test_a_called_back_missed_call_says_so_and_no_longer_counts(
        qtbot: QtBot, stores: tuple[CallStore, TeamCallStore]) -> None:
    record(stores, [missed("m1", 60, CALLED_BACK), missed("m2", 50, WAITING),
                    missed("m3", 40, "+380631112233"),
                    # A colleague called the first back (answered), the third without luck.
                    outgoing("o1", 30, CALLED_BACK, answered=True),
                    outgoing("o3", 20, "+380631112233", answered=False)])
    window = journal_of(qtbot, stores)
    at = local_time(NOW - timedelta(minutes=30)).strftime("%H:%M")
    assert status_of(window, "m1") == (f"Missed · called back {at} (answered)", False)
    at = local_time(NOW - timedelta(minutes=20)).strftime("%H:%M")
    assert status_of(window, "m3") == (f"Missed · called back {at} (no answer)", False)
    assert status_of(window, "m2") == ("Missed", True)

    window.set_call_filter(CallFilter.MISSED)  # only the calls still waiting
    assert [row.call.call_id for row in window.model.rows] == ["m2"]
    assert "Numbers waiting for a call-back: 1" in window.status_label.text()

    # A newer missed call from the called-back client waits again.
    record(stores, [missed("m4", 10, CALLED_BACK)])
    window.refresh()
    assert [row.call.call_id for row in window.model.rows] == ["m4", "m2"]
    assert "Numbers waiting for a call-back: 2" in window.status_label.text()


def test_one_count_with_distinct_labels_everywhere(
        qtbot: QtBot, stores: tuple[CallStore, TeamCallStore]) -> None:
    record(stores, [missed("m1", 60, CALLED_BACK), missed("m2", 50, WAITING),
                    missed("m2b", 45, WAITING), missed("m3", 40, "+380631112233"),
                    outgoing("o1", 30, CALLED_BACK, answered=True)])
    _journal, team = stores
    count = waiting_count(team.inbox())
    assert count == 2  # two numbers wait (one of them missed twice); one was called back
    tray = TrayController(use_system_tray=False)
    try:
        tray.set_missed(count)
        tray.menu.aboutToShow.emit()
        menu = [action.text() for action in tray.menu.actions()]
        window = journal_of(qtbot, stores)
        label = "Numbers waiting for a call-back: 2"
        assert label in tray.tooltip()
        assert label in window.status_label.text()
        # The list to work through says the same number, under its own name.
        assert "Missed calls to return (2 waiting)" in menu
        # No second count of missed calls under a near-identical label.
        assert "Open journal" in menu
        counts = [text for text in menu if any(ch.isdigit() for ch in text)]
        assert counts == ["Missed calls to return (2 waiting)"]
        assert "Missed calls:" not in tray.tooltip()
        assert window.filter_buttons[CallFilter.MISSED].text() == "Missed"
        assert tray.fallback is not None
        assert tray.fallback.journal_button.text() == "Open journal"
        assert tray.fallback.waiting_label.text() == label
    finally:
        tray.dispose()


def test_the_app_counts_one_way_and_the_journal_shows_the_call_back(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory(language="en"))
        await until(lambda: app.services is not None and app.services.watcher.cycles > 0)
        before = app.tray.missed
        call_id = await ring(sim, "+380931110077", outcome="missed", ring_seconds=0.3)
        await until(lambda: app.tray.missed == before + 1, 15, "the waiting count")
        app.open_journal()
        journal = app.journal
        assert journal is not None
        assert app.tray.missed == waiting_count(app.team.inbox())
        assert f"Numbers waiting for a call-back: {app.tray.missed}" in \
            journal.status_label.text()

        app.dial("+380931110077")  # the agent calls the client back
        await until(lambda: app.tray.missed == before, 20, "the call-back to resolve the row")
        await until(lambda: journal.model.row_of(call_id) >= 0 and status_of(journal, call_id)[0]
                    .startswith("Missed · called back "), 20, "the journal's called-back row")
        journal.set_call_filter(CallFilter.MISSED)
        assert journal.model.row_of(call_id) < 0

    app_factory.run(scenario())


def test_mark_handled_in_the_journal_moves_the_one_count(
        qtbot: QtBot, stores: tuple[CallStore, TeamCallStore]) -> None:
    record(stores, [missed("m1", 60, WAITING), missed("m2", 50, "+380631112233"),
                    missed("m3", 40, "+380631112233")])
    _journal, team = stores
    window = journal_of(qtbot, stores)
    window.handled_changed.connect(team.mark_calls_handled)  # as the app wires it
    assert waiting_count(team.inbox()) == 2
    # The older of two missed calls from one number: the newer one still waits.
    window.table.selectRow(window.model.row_of("m2"))
    window.mark_selected_handled()
    assert waiting_count(team.inbox()) == 2
    window.table.selectRow(window.model.row_of("m3"))
    window.mark_selected_handled()
    assert waiting_count(team.inbox()) == 1
    assert "Numbers waiting for a call-back: 1" in window.status_label.text()
    window.undo_last_handled()
    assert waiting_count(team.inbox()) == 2
    assert "Numbers waiting for a call-back: 2" in window.status_label.text()
