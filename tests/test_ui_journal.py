"""The call journal window: filters over a real CallStore, missed highlight, actions."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from ringohunt_desktop.domain import CallRecord, Contact, Direction
from ringohunt_desktop.store.calls import CallStore
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database
from ringohunt_desktop.ui.journal import CallFilter, JournalWindow, Period
from ringohunt_desktop.ui.models import (
    JOURNAL_ROW_ROLE,
    MISSED_BACKGROUND,
    NEEDS_ATTENTION_ROLE,
    JournalColumn,
    format_duration,
)

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "ui"
# A fixed local "now": "Today" and "Last 7 days" must not depend on when the tests run.
NOW = datetime(2025, 3, 14, 15, 0).astimezone()
OFFICE = "380441110000"


def call(
    call_id: str,
    ago: timedelta,
    client: str,
    direction: Direction = Direction.INCOMING,
    disposition: str = "ANSWERED",
    billsec: int = 0,
    utm_source: str = "",
) -> CallRecord:
    incoming = direction is not Direction.OUTGOING
    return CallRecord(
        call_id=call_id,
        started_at=NOW - ago,
        caller=client if incoming else "101",
        destination=OFFICE if incoming else client,
        direction=direction,
        disposition=disposition,
        billsec=billsec,
        duration=billsec + 8,
        utm_source=utm_source,
    )


CALLS = [
    call("c-missed-today", timedelta(minutes=25), "380671234567", disposition="NO ANSWER",
         utm_source="google"),
    call("c-in-today", timedelta(hours=1), "380501112233", billsec=185, utm_source="facebook"),
    call("c-out-today", timedelta(hours=2), "380671234567", Direction.OUTGOING, billsec=62),
    call("c-out-busy", timedelta(hours=3, minutes=10), "380931112233", Direction.OUTGOING,
         disposition="BUSY"),
    call("c-missed-3d", timedelta(days=3), "380631234500", disposition="NO ANSWER",
         utm_source="(direct)"),
    call("c-in-3d", timedelta(days=3, hours=2), "380442223344", billsec=3725),
    call("c-missed-20d", timedelta(days=20), "380961112233", disposition="BUSY"),
    call("c-in-60d", timedelta(days=60), "380671234567", billsec=40),
]
CONTACTS = [
    Contact("rec-olena", "contacts", "Олена Коваль", ("+38 (067) 123-45-67", "044 222 33 44"),
            company="Квіткова крамниця"),
    Contact("rec-andrii", "contacts", "Andrii Bondarenko", ("050 111 22 33",)),
    Contact("rec-bogdan", "contacts", "Богдан Коваленко", ("+380 96 111 22 33",)),
]


@pytest.fixture
def stores() -> Iterator[tuple[CallStore, ContactStore]]:
    db = Database.in_memory()
    calls, contacts = CallStore(db), ContactStore(db)
    contacts.upsert(CONTACTS)
    calls.upsert(CALLS)
    yield calls, contacts
    db.close()


@pytest.fixture
def store(stores: tuple[CallStore, ContactStore]) -> CallStore:
    return stores[0]


@pytest.fixture
def window(qtbot: QtBot, store: CallStore) -> JournalWindow:
    journal = JournalWindow(store, now=lambda: NOW)
    qtbot.addWidget(journal)
    journal.set_period(Period.ALL)
    return journal


def ids(window: JournalWindow) -> list[str]:
    return [row.call.call_id for row in window.model.rows]


def select(window: JournalWindow, call_id: str) -> None:
    window.table.selectRow(window.model.row_of(call_id))


def test_all_calls_newest_first(window: JournalWindow) -> None:
    assert ids(window) == [c.call_id for c in CALLS]


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (CallFilter.INCOMING, ["c-missed-today", "c-in-today", "c-missed-3d", "c-in-3d",
                               "c-missed-20d", "c-in-60d"]),
        (CallFilter.OUTGOING, ["c-out-today", "c-out-busy"]),
        (CallFilter.MISSED, ["c-missed-today", "c-missed-3d", "c-missed-20d"]),
    ],
)
def test_direction_filters(
    qtbot: QtBot, window: JournalWindow, kind: CallFilter, expected: list[str]
) -> None:
    qtbot.mouseClick(window.filter_buttons[kind], Qt.MouseButton.LeftButton)
    assert window.call_filter is kind
    assert ids(window) == expected
    qtbot.mouseClick(window.filter_buttons[CallFilter.ALL], Qt.MouseButton.LeftButton)
    assert len(ids(window)) == len(CALLS)


@pytest.mark.parametrize(
    ("period", "count"),
    [(Period.TODAY, 4), (Period.WEEK, 6), (Period.MONTH, 7), (Period.ALL, 8)],
)
def test_period_presets(window: JournalWindow, period: Period, count: int) -> None:
    window.set_period(period)
    assert len(ids(window)) == count


def test_custom_date_range(window: JournalWindow) -> None:
    day = (NOW - timedelta(days=3)).date()
    window.set_date_range(day, day)
    assert window.period is Period.CUSTOM
    assert window.date_from.isVisibleTo(window)
    assert ids(window) == ["c-missed-3d", "c-in-3d"]
    window.set_date_range(NOW.date(), day)  # reversed: still the range between them
    assert ids(window)[-1] == "c-in-3d"
    assert len(ids(window)) == 6


def test_filters_combine(qtbot: QtBot, window: JournalWindow) -> None:
    window.set_period(Period.TODAY)
    window.set_call_filter(CallFilter.MISSED)
    assert ids(window) == ["c-missed-today"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("067 123", ["c-missed-today", "c-out-today", "c-in-60d"]),
        ("0442223344", ["c-in-3d"]),
        ("Коваль", ["c-missed-today", "c-out-today", "c-in-3d", "c-in-60d"]),
        ("Ковал", ["c-missed-today", "c-out-today", "c-in-3d", "c-missed-20d", "c-in-60d"]),
        ("bondarenko", ["c-in-today"]),
        ("nobody", []),
    ],
)
def test_text_filter(window: JournalWindow, text: str, expected: list[str]) -> None:
    window.set_text_filter(text)
    assert ids(window) == expected
    assert window.stack.currentWidget() is (window.table if expected else window.hint_label)


def test_text_filter_is_debounced_while_typing(qtbot: QtBot, window: JournalWindow) -> None:
    with qtbot.waitSignal(window.rows_changed):
        qtbot.keyClicks(window.text_filter, "0501112")
    assert ids(window) == ["c-in-today"]


def test_model_columns_and_missed_highlight(window: JournalWindow) -> None:
    model = window.model
    missed = model.row_of("c-missed-today")
    answered = model.row_of("c-in-today")

    def cell(row: int, column: JournalColumn, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return model.data(model.index(row, column), role)

    assert cell(missed, JournalColumn.TIME) == (NOW - timedelta(minutes=25)).strftime("%H:%M")
    assert cell(missed, JournalColumn.NUMBER) == "+380 67 123 4567"
    assert cell(missed, JournalColumn.CONTACT) == "Олена Коваль"
    assert cell(missed, JournalColumn.STATUS) == "Missed"
    assert cell(missed, JournalColumn.SOURCE) == "google"
    assert cell(missed, JournalColumn.DURATION) == ""
    assert cell(missed, JournalColumn.NUMBER, NEEDS_ATTENTION_ROLE) is True
    assert cell(missed, JournalColumn.NUMBER, Qt.ItemDataRole.BackgroundRole).color() == (
        MISSED_BACKGROUND
    )
    assert cell(missed, JournalColumn.CONTACT, Qt.ItemDataRole.FontRole).bold()
    assert cell(missed, JournalColumn.KIND, Qt.ItemDataRole.DecorationRole) is not None

    assert cell(answered, JournalColumn.NUMBER, NEEDS_ATTENTION_ROLE) is False
    assert cell(answered, JournalColumn.NUMBER, Qt.ItemDataRole.BackgroundRole) is None
    assert cell(answered, JournalColumn.DURATION) == "3:05"
    assert cell(answered, JournalColumn.STATUS) == "Answered"
    assert cell(model.row_of("c-out-busy"), JournalColumn.STATUS) == "Busy"
    assert cell(model.row_of("c-missed-3d"), JournalColumn.SOURCE) == ""  # "(direct)" is noise
    assert cell(model.row_of("c-in-3d"), JournalColumn.DURATION) == "1:02:05"
    assert cell(model.row_of("c-in-3d"), JournalColumn.TIME) == (
        (NOW - timedelta(days=3, hours=2)).strftime("%d.%m %H:%M")
    )
    row = cell(missed, JournalColumn.TIME, JOURNAL_ROW_ROLE)
    assert row is not None
    assert format_duration(59) == "0:59"


def test_mark_handled(qtbot: QtBot, window: JournalWindow, store: CallStore) -> None:
    assert store.unhandled_missed_count() == 3
    # No count on the filter: the one count (numbers waiting for a call-back) is the tray's.
    assert window.filter_buttons[CallFilter.MISSED].text() == "Missed"
    select(window, "c-in-today")
    assert not window.mark_handled_button.isEnabled()  # answered calls need no handling
    select(window, "c-missed-today")
    assert window.mark_handled_button.isEnabled()
    with qtbot.waitSignal(window.missed_count_changed) as blocker:
        qtbot.mouseClick(window.mark_handled_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [2]
    assert store.is_handled("c-missed-today")
    row = window.model.row_of("c-missed-today")
    index = window.model.index(row, JournalColumn.STATUS)
    assert window.model.data(index, NEEDS_ATTENTION_ROLE) is False
    assert window.model.data(index) == "Missed, handled"
    current = window.current_row()
    assert current is not None
    assert current.call.call_id == "c-missed-today"
    assert not window.mark_handled_button.isEnabled()


def test_mark_handled_can_be_undone_even_after_new_rows_came_in(
        qtbot: QtBot, window: JournalWindow, store: CallStore) -> None:
    window.show()
    select(window, "c-missed-today")
    assert not window.undo_handled_button.isVisibleTo(window)
    window.mark_selected_handled()
    assert store.is_handled("c-missed-today")
    assert window.undo_handled_button.isVisibleTo(window)
    # A new call arrives above the cursor between the click and the undo.
    newest = dataclasses.replace(store.get("c-missed-today"), call_id="c-newer",  # type: ignore[type-var]
                                 started_at=NOW)
    store.upsert([newest])
    window.refresh()
    with qtbot.waitSignal(window.missed_count_changed) as blocker:
        qtbot.mouseClick(window.undo_handled_button, Qt.MouseButton.LeftButton)
    assert not store.is_handled("c-missed-today")  # the call marked, not the row now there
    assert not store.is_handled("c-newer")
    assert blocker.args == [store.unhandled_missed_count()]
    assert not window.undo_handled_button.isVisibleTo(window)


def test_mark_several_handled(qtbot: QtBot, window: JournalWindow, store: CallStore) -> None:
    window.set_call_filter(CallFilter.MISSED)
    window.table.selectAll()
    with qtbot.waitSignal(window.missed_count_changed) as blocker:
        window.mark_selected_handled()
    assert blocker.args == [0]
    assert store.unhandled_missed_count() == 0


def test_opening_does_not_mark_handled(
    qtbot: QtBot, window: JournalWindow, store: CallStore
) -> None:
    with qtbot.waitSignal(window.journal_opened):
        window.show()
    qtbot.waitExposed(window)
    assert store.unhandled_missed_count() == 3


def test_call_back_by_enter_double_click_and_button(
    qtbot: QtBot, window: JournalWindow
) -> None:
    select(window, "c-out-busy")
    with qtbot.waitSignal(window.call_requested) as blocker:
        qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert blocker.args == ["+380931112233"]
    select(window, "c-missed-today")
    with qtbot.waitSignal(window.call_requested) as blocker:
        qtbot.mouseClick(window.call_back_button, Qt.MouseButton.LeftButton)
    assert blocker.args == ["+380671234567"]
    window.show()
    qtbot.waitExposed(window)
    rect = window.table.visualRect(window.model.index(window.model.row_of("c-in-3d"), 2))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(window.call_requested) as blocker:
        qtbot.mouseDClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["+380442223344"]


def test_open_in_crm_only_with_a_contact(qtbot: QtBot, window: JournalWindow) -> None:
    select(window, "c-missed-3d")  # nobody in the CRM has this number
    assert not window.open_in_crm_button.isEnabled()
    select(window, "c-in-today")
    assert window.open_in_crm_button.isEnabled()
    with qtbot.waitSignal(window.open_in_crm_requested) as blocker:
        qtbot.keyClick(window.table, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == ["+380501112233"]


def test_refresh_shows_new_calls_and_keeps_selection(
    window: JournalWindow, store: CallStore
) -> None:
    select(window, "c-in-3d")
    store.upsert([call("c-new", timedelta(minutes=1), "380501112233", billsec=10)])
    window.refresh()
    assert ids(window)[0] == "c-new"
    current = window.current_row()
    assert current is not None
    assert current.call.call_id == "c-in-3d"


def test_down_from_text_filter_enters_results(qtbot: QtBot, window: JournalWindow) -> None:
    window.set_text_filter("067")
    qtbot.keyClick(window.text_filter, Qt.Key.Key_Down)
    current = window.current_row()
    assert current is not None
    assert current.call.call_id == "c-missed-today"


def test_empty_journal(qtbot: QtBot) -> None:
    db = Database.in_memory()
    try:
        journal = JournalWindow(CallStore(db), now=lambda: NOW)
        qtbot.addWidget(journal)
        journal.set_period(Period.ALL)
        assert journal.stack.currentWidget() is journal.hint_label
        assert journal.hint_label.text() == "No calls yet"
        assert not journal.call_back_button.isEnabled()
    finally:
        db.close()


def test_screenshot(qtbot: QtBot, window: JournalWindow) -> None:
    """Save the window with demo data so a person can judge the look."""
    window.resize(980, 420)
    window.show()
    qtbot.waitExposed(window)
    window.set_period(Period.MONTH)
    select(window, "c-in-today")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(ARTIFACTS / "journal.png"))


def test_a_checked_filter_button_has_room_for_its_bold_text(
        qtbot: QtBot, window: JournalWindow) -> None:
    # Issue 13: the checked (bold) "Пропущені (12)" lost its first letter.
    from PySide6.QtGui import QFont, QFontMetrics

    window.show()
    qtbot.waitExposed(window)
    for button in window.filter_buttons.values():
        button.setChecked(True)
        bold = QFont(button.font())
        bold.setWeight(QFont.Weight.DemiBold)
        needed = QFontMetrics(bold).horizontalAdvance(button.text()) + 2 * 14
        qtbot.waitUntil(lambda button=button, needed=needed: button.width() >= needed)
