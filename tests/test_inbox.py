"""The team's missed-call inbox: rows derived from the project's calls (waiting, called back by
anyone, handled by hand with undo), the badge, and the app over real HTTP: a colleague's
call-back resolves the row, one click calls back."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from ringohunt_desktop.core.inbox import (
    MISSED,
    REACHED,
    TRIED,
    InboxState,
    build_inbox,
    episodes,
    waiting_count,
)
from ringohunt_desktop.domain import CallRecord, Direction
from ringohunt_desktop.simulator import Simulator
from ringohunt_desktop.store.db import Database
from ringohunt_desktop.store.team import TeamCallStore
from ringohunt_desktop.ui.inbox import InboxColumn, InboxWindow
from tests.test_app_flow import AppRunner, app_factory, ring, started, until

__all__ = ["app_factory"]

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
MINE = "Петренко Олена"


def call(call_id: str, minutes_ago: float, number: str, *,
         direction: Direction = Direction.INCOMING,
         answered: bool = False, employee: str = "") -> CallRecord:
    started = NOW - timedelta(minutes=minutes_ago)
    if direction is Direction.OUTGOING:
        return CallRecord(call_id, started, "101", number, direction,
                          "ANSWERED" if answered else "NO ANSWER", billsec=30 if answered else 0,
                          employee_name=employee)
    return CallRecord(call_id, started, number, "0443334455", direction,
                      "ANSWERED" if answered else "NO ANSWER", billsec=30 if answered else 0,
                      employee_name=employee)


def mine_or_unassigned(record: CallRecord) -> bool:
    return record.employee_name in ("", MINE)


@pytest.fixture
def store() -> TeamCallStore:
    return TeamCallStore(Database.in_memory(), now=lambda: NOW)


def test_one_row_per_number_longest_wait_first(store: TeamCallStore) -> None:
    store.record([
        call("a1", 30, "0671234567"), call("a2", 10, "+380671234567", employee=MINE),
        call("a3", 5, "380 67 123 45 67"),  # three forms of one number: one row
        call("b1", 90, "0501112233"),
        call("c1", 20, "0631112233", employee="Коваленко Андрій"),  # a colleague's own
    ], mine_or_unassigned)
    rows = store.inbox()
    assert [(r.number, r.missed_count, r.state) for r in rows] == [
        ("+380501112233", 1, InboxState.WAITING), ("+380671234567", 3, InboxState.WAITING)]
    assert rows[1].first_missed == NOW - timedelta(minutes=30)
    assert waiting_count(rows) == 2


def test_a_later_call_by_anyone_resolves_and_a_new_miss_reopens(store: TeamCallStore) -> None:
    store.record([call("m1", 60, "0671234567"), call("m2", 50, "0671234567"),
                  call("o1", 40, "+380671234567", direction=Direction.OUTGOING, answered=True,
                       employee="Коваленко Андрій"),
                  call("m3", 90, "0501112233"),
                  call("o2", 30, "0501112233", direction=Direction.OUTGOING,
                       employee="Sarah Miller")], mine_or_unassigned)
    rows = {r.number: r for r in store.inbox()}
    called = rows["+380671234567"]
    assert (called.state, called.by, called.answered, called.missed_count) == (
        InboxState.CALLED_BACK, "Коваленко Андрій", True, 2)
    unanswered = rows["+380501112233"]
    assert (unanswered.state, unanswered.by, unanswered.answered) == (
        InboxState.CALLED_BACK, "Sarah Miller", False)
    assert waiting_count(rows.values()) == 0
    store.record([call("m4", 10, "0671234567")], mine_or_unassigned)
    reopened = next(r for r in store.inbox() if r.state is InboxState.WAITING)
    assert reopened.missed_count == 1
    assert reopened.first_missed == NOW - timedelta(minutes=10)


def test_a_call_back_in_the_same_second_still_follows_the_missed_call(
        store: TeamCallStore) -> None:
    # calls/list has whole seconds: Ringostat's ids (ua-<epoch>.<seq>) keep the order.
    store.record([call("ua-1.000002", 1, "0671234567", direction=Direction.OUTGOING,
                       answered=True, employee="Sarah Miller"),
                  call("ua-1.000001", 1, "0671234567")], mine_or_unassigned)
    (row,) = store.inbox()
    assert (row.state, row.by) == (InboxState.CALLED_BACK, "Sarah Miller")


def test_handled_by_hand_with_undo(store: TeamCallStore) -> None:
    store.record([call("m1", 60, "0671234567")], mine_or_unassigned)
    (row,) = store.inbox()
    store.mark_handled(row)
    (handled,) = store.inbox()
    assert handled.state is InboxState.HANDLED
    store.undo_handled(handled)
    assert store.inbox()[0].state is InboxState.WAITING
    store.mark_handled(store.inbox()[0])
    store.record([call("m2", -1, "0671234567")], mine_or_unassigned)  # after the mark
    assert store.inbox()[0].state is InboxState.WAITING


def test_hostile_numbers_and_names(store: TeamCallStore) -> None:
    store.record([
        call("h1", 10, "\u202e0671234567\x00"), call("h2", 10, ""),  # hidden: not callable
        call("h3", 10, "1" * 5000), call("h4", 10, "anonymous"),
        call("o1", 5, "0671234567", direction=Direction.OUTGOING,
             employee="\u202eevil\nname" + "x" * 5000),
    ], mine_or_unassigned)
    rows = store.inbox()
    assert all("\u202e" not in r.number and "\x00" not in r.number and len(r.number) <= 64
               for r in rows)
    resolved = next(r for r in rows if r.state is InboxState.CALLED_BACK)
    assert "\u202e" not in resolved.by
    assert "\n" not in resolved.by
    assert len(resolved.by) <= 200


def test_the_window_marks_handled_undoes_and_calls_back_in_one_click(
        qtbot: Any, store: TeamCallStore) -> None:
    store.record([call("m1", 60, "0671234567"), call("m2", 5, "0501112233")],
                 mine_or_unassigned)
    window = InboxWindow(store, now=lambda: NOW)
    qtbot.addWidget(window)
    window.show()
    assert window.model.rowCount() == 2
    assert window.model.index(0, InboxColumn.WAITED).data() == "1 h 00 min"
    window.table.selectRow(0)
    with qtbot.waitSignal(window.changed):
        window.handled_button.click()
    states = [r.state for r in window.model.rows()]
    assert states == [InboxState.WAITING, InboxState.HANDLED]
    assert window.summary_label.text() == "Numbers waiting for a call-back: 1"
    assert window.undo_button.isEnabled()
    with qtbot.waitSignal(window.changed):
        window.undo_button.click()
    assert waiting_count(window.model.rows()) == 2
    cell = window.table.visualRect(window.model.index(0, InboxColumn.CALL)).center()
    with qtbot.waitSignal(window.call_requested) as dialled:
        QTest.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(cell))
    assert dialled.args == ["+380671234567"]


# -- the app against the simulator ---------------------------------------------------------

NEW_CLIENT = "+380931110000"


def test_app_inbox_from_the_project_calls(app_factory: AppRunner, sim: Simulator,
                                          qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        assert app.services is not None

        def row() -> Any:
            return next((r for r in app.team.inbox() if r.number.endswith("931110000")), None)

        await until(lambda: app.services is not None and app.services.watcher.cycles > 0)
        before = app.tray.missed
        for _ in range(2):
            await ring(sim, NEW_CLIENT, outcome="missed", ring_seconds=0.2)
        await until(lambda: row() is not None and row().missed_count == 2,
                    what="one row with two missed calls")
        assert row().state is InboxState.WAITING
        await until(lambda: app.tray.missed == before + 1, what="the badge to count the row")

        # A colleague calls the client back: the row resolves for this agent too.
        await ring(sim, NEW_CLIENT, agent="andrii@demo-shop.ua", direction="out",
                   ring_seconds=0.2, talk_seconds=0.2)
        await until(lambda: row().state is InboxState.CALLED_BACK, what="called back")
        assert row().by == "Коваленко Андрій"
        await until(lambda: app.tray.missed == before, what="the badge to drop the row")

        # Missed again; the agent calls back from the inbox in one click.
        await ring(sim, NEW_CLIENT, outcome="missed", ring_seconds=0.2)
        await until(lambda: row().state is InboxState.WAITING, what="the row reopened")
        app.open_inbox()
        assert app.inbox is not None
        position = next(i for i, r in enumerate(app.inbox.model.rows())
                        if r.client_key == row().client_key)
        index = app.inbox.model.index(position, InboxColumn.CALL)
        app.inbox.table.clicked.emit(index)
        await until(lambda: row().state is InboxState.CALLED_BACK and row().by == MINE,
                    what="the agent's own call-back")

    app_factory.run(scenario())


# -- the agent's day -----------------------------------------------------------------------

def test_day_figures_from_the_journal() -> None:
    from ringohunt_desktop.store.calls import CallStore, DayFigures

    calls = CallStore(Database.in_memory())
    day = datetime(2026, 12, 7, tzinfo=UTC)
    calls.upsert([
        CallRecord("i1", day + timedelta(hours=9), "0671234567", "044", Direction.INCOMING,
                   "ANSWERED", billsec=125),
        CallRecord("i2", day + timedelta(hours=10), "0501112233", "044", Direction.INCOMING,
                   "NO ANSWER"),
        CallRecord("o1", day + timedelta(hours=11), "101", "0501112233", Direction.OUTGOING,
                   "ANSWERED", billsec=60),
        CallRecord("o2", day + timedelta(hours=12), "101", "0631112233", Direction.OUTGOING,
                   "IN PROGRESS"),
        CallRecord("y1", day - timedelta(hours=1), "0671234567", "044", Direction.INCOMING,
                   "ANSWERED", billsec=999),  # yesterday
    ])
    assert calls.day_figures(day, day + timedelta(days=1)) == DayFigures(
        incoming=2, outgoing=2, answered=2, missed=1, talk_seconds=185)


def test_the_tray_menu_shows_the_day(app_factory: AppRunner, sim: Simulator,
                                     qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        import re

        app = await started(app_factory(language="en"))

        def waiting() -> int:  # today's missed calls (the waiting count is the tray's own)
            found = re.search(r" · (\d+) missed · talk ", app.day_summary_text())
            assert found is not None, app.day_summary_text()
            return int(found.group(1))

        await until(lambda: app.services is not None and app.services.watcher.cycles > 0)
        before = waiting()
        await ring(sim, "+380931110002", outcome="missed", ring_seconds=0.2)
        await until(lambda: waiting() == before + 1, what="today's figures")
        app.tray.menu.aboutToShow.emit()
        texts = [action.text() for action in app.tray.menu.actions()]
        summary = next(text for text in texts if text.startswith("Today: "))
        assert summary == app.day_summary_text()

    app_factory.run(scenario())


@given(st.lists(st.tuples(st.sampled_from(["+380671", "+380672", "+380673"]),
                          st.integers(1, 40), st.sampled_from([MISSED, TRIED, REACHED])),
                max_size=40),
       st.dictionaries(st.sampled_from(["+380671", "+380672", "+380673"]),
                       st.integers(0, 45)))
def test_the_inbox_and_the_journal_apply_one_rule(calls: list[tuple[str, int, int]],
                                                 handled: dict[str, int]) -> None:
    # build_inbox applies episodes' rule inline (for speed); the journal uses episodes:
    # on any history, a number's row is its latest episode, with the same verdict.
    ordered = sorted(set(calls))
    rows = {row.client_key: row for row in build_inbox(
        [(key, started, code, None, None) for key, started, code in ordered], handled)}
    latest: dict[str, tuple[list[int], int, bool]] = {}
    for key, missed, resolved_us, answered in episodes(ordered):
        latest[key] = (missed, resolved_us, answered)
    assert set(rows) == set(latest)
    for key, (missed, resolved_us, answered) in latest.items():
        row = rows[key]
        assert (row.missed_count, row.first_missed_us, row.last_missed_us) == (
            len(missed), missed[0], missed[-1])
        if resolved_us:
            assert (row.state, row.resolved_us, row.answered) == (
                InboxState.CALLED_BACK, resolved_us, answered)
        else:
            assert row.state is (InboxState.HANDLED if handled.get(key, 0) >= missed[-1]
                                 else InboxState.WAITING)
