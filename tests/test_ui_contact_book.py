"""The contact book window: search over a real ContactStore, keyboard flow, actions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QApplication, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from ringohunt_desktop.domain import Contact
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database
from ringohunt_desktop.ui.contact_book import ContactBookWindow
from ringohunt_desktop.ui.models import CONTACT_ROLE, ContactColumn, ContactListModel

pytestmark = [
    pytest.mark.gui,
    # The offscreen platform reports this when a top-level window is shown; harmless.
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "ui"

OLENA = Contact(
    "rec-olena", "contacts", "Олена Коваль", ("+38 (067) 123-45-67", "044 222 33 44"),
    company="Квіткова крамниця", manager="Ірина Петренко",
    emails=("olena@kvitka.ua",), link="https://nethunt.example/olena",
)
PETRO = Contact(
    "rec-petro", "contacts", "Петро Шевченко", ("067 123 45 68",),
    company="Агро-Світ", manager="Ірина Петренко",
)
ANDRII = Contact(
    "rec-andrii", "contacts", "Andrii Bondarenko", ("380501112233",),
    company="Bond Logistics", manager="Olha Tkachuk",
)
MARKUP = Contact(
    "rec-markup", "contacts", "<b>Bold</b> Тест", ("+380731234567",), company="<i>Evil</i>",
)
NO_PHONE = Contact("rec-nophone", "contacts", "Юрій Гнатюк", (), company="Гнатюк і Ко")
DEMO_EXTRA = (
    Contact("rec-1", "contacts", "Оксана Іваненко", ("+380 63 555 12 34",),
            company="Київ Фарм", manager="Ірина Петренко"),
    Contact("rec-2", "contacts", "Марія Ковальчук", ("0935551122", "+380445556677"),
            company="Ковальчук і партнери", manager="Olha Tkachuk"),
    Contact("rec-3", "contacts", "Богдан Коваленко", ("+380 96 777 88 99",),
            company="Будмайстер", manager="Ірина Петренко"),
    Contact("rec-4", "contacts", "Світлана Ковалишин", ("(097) 321-00-11",),
            company="", manager="Olha Tkachuk"),
)


@pytest.fixture
def store() -> Iterator[ContactStore]:
    db = Database.in_memory()
    contact_store = ContactStore(db)
    contact_store.upsert([OLENA, PETRO, ANDRII, MARKUP, NO_PHONE, *DEMO_EXTRA])
    yield contact_store
    db.close()


@pytest.fixture
def window(qtbot: QtBot, store: ContactStore) -> ContactBookWindow:
    book = ContactBookWindow(store)
    qtbot.addWidget(book)
    book.show()
    qtbot.waitExposed(book)
    return book


def type_text(widget: QWidget, text: str) -> None:
    """Key presses carrying ``text``, one character each, Cyrillic included.

    QTest.keyClicks only maps ASCII characters to keys (it asserts on anything else), so the
    events are built by hand: widgets insert ``event.text()``, whatever the key code.
    """
    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(
                widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
            )


def _search(qtbot: QtBot, window: ContactBookWindow, text: str) -> list[Contact]:
    """Type like an agent and wait for the debounced search to report."""
    window.search_box.clear()
    with qtbot.waitSignal(window.results_changed):
        type_text(window.search_box, text)
    return window.model.contacts


def _names(contacts: list[Contact]) -> list[str]:
    return [contact.name for contact in contacts]


def test_search_box_has_focus_on_open(window: ContactBookWindow) -> None:
    assert window.focusWidget() is window.search_box
    assert window.results_stack.currentWidget() is window.hint_label
    assert "9" in window.status_label.text()  # contacts in the local copy


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Коваль", "Олена Коваль"),
        ("олена", "Олена Коваль"),
        ("шевч", "Петро Шевченко"),
        ("bondar", "Andrii Bondarenko"),
        ("Квіткова", "Олена Коваль"),
        ("Bond Log", "Andrii Bondarenko"),
    ],
)
def test_search_by_name_and_company(
    qtbot: QtBot, window: ContactBookWindow, query: str, expected: str
) -> None:
    found = _search(qtbot, window, query)
    assert expected in _names(found)
    assert window.results_stack.currentWidget() is window.table


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("067 123 45 67", ["Олена Коваль"]),  # the exact number first
        ("+380671234567", ["Олена Коваль"]),
        ("0671234567", ["Олена Коваль"]),
        ("2223344", ["Олена Коваль"]),  # the second phone, stored as "044 222 33 44"
        ("1112233", ["Andrii Bondarenko"]),  # stored without "+" as Ringostat digits
    ],
)
def test_search_by_number_fragments(
    qtbot: QtBot, window: ContactBookWindow, query: str, expected: list[str]
) -> None:
    found = _search(qtbot, window, query)
    assert _names(found)[: len(expected)] == expected


def test_fragment_shared_by_two_numbers_finds_both(
    qtbot: QtBot, window: ContactBookWindow
) -> None:
    found = _search(qtbot, window, "067 123 45")
    assert {"Олена Коваль", "Петро Шевченко"} <= set(_names(found))


def test_no_match_shows_hint(qtbot: QtBot, window: ContactBookWindow) -> None:
    assert _search(qtbot, window, "Zzyzx") == []
    assert window.results_stack.currentWidget() is window.hint_label
    assert "Zzyzx" in window.hint_label.text()


def test_model_formats_phones_and_keeps_markup_plain(
    qtbot: QtBot, window: ContactBookWindow
) -> None:
    _search(qtbot, window, "Олена Коваль")
    model = window.model
    phones = model.index(0, ContactColumn.PHONES)
    assert model.data(phones) == "+380 67 123 4567  +1"  # the cell: first phone, count of more
    assert model.data(phones, Qt.ItemDataRole.AccessibleTextRole) == (
        "+380 67 123 4567, +380 44 222 3344"
    )
    assert model.data(model.index(0, ContactColumn.MANAGER)) == "Ірина Петренко"
    assert model.data(model.index(0, 0), CONTACT_ROLE) == OLENA
    _search(qtbot, window, "Bold")
    assert model.data(model.index(0, ContactColumn.NAME)) == "<b>Bold</b> Тест"
    tooltip = model.data(model.index(0, ContactColumn.NAME), Qt.ItemDataRole.ToolTipRole)
    assert "&lt;b&gt;" in tooltip  # escaped: Qt would otherwise render the name bold


def test_keyboard_type_down_enter_calls_second_result(
    qtbot: QtBot, window: ContactBookWindow
) -> None:
    found = _search(qtbot, window, "Ковал")
    assert len(found) >= 2
    assert window.selected_contact() == found[0]  # the best match is preselected
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    assert window.selected_contact() == found[1]
    assert window.focusWidget() is window.search_box  # typing still goes to the query
    expected = {
        "Олена Коваль": "+380671234567", "Марія Ковальчук": "+380935551122",
        "Богдан Коваленко": "+380967778899", "Світлана Ковалишин": "+380973210011",
    }[found[1].name]
    with qtbot.waitSignal(window.call_requested) as blocker:
        qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert blocker.args == [expected]


def test_enter_right_after_typing_uses_the_fresh_query(
    qtbot: QtBot, window: ContactBookWindow
) -> None:
    # No wait for the debounce: Enter must not dial a result of an older query.
    type_text(window.search_box, "Шевченко")
    with qtbot.waitSignal(window.call_requested) as blocker:
        qtbot.keyClick(window.search_box, Qt.Key.Key_Enter)
    assert blocker.args == ["+380671234568"]


def test_up_and_down_stay_in_bounds(qtbot: QtBot, window: ContactBookWindow) -> None:
    found = _search(qtbot, window, "Ковал")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Up)
    assert window.selected_contact() == found[0]
    for _ in range(len(found) + 3):
        qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    assert window.selected_contact() == found[-1]


def test_typing_in_results_goes_to_search_box(qtbot: QtBot, window: ContactBookWindow) -> None:
    _search(qtbot, window, "Ол")
    window.table.setFocus()
    with qtbot.waitSignal(window.results_changed):
        type_text(window.table, "ена")
    assert window.search_box.text() == "Олена"
    assert _names(window.model.contacts)[0] == "Олена Коваль"


def test_enter_in_results_and_double_click_call(qtbot: QtBot, window: ContactBookWindow) -> None:
    _search(qtbot, window, "Andrii")
    window.table.setFocus()
    with qtbot.waitSignal(window.call_requested) as blocker:
        qtbot.keyClick(window.table, Qt.Key.Key_Return)
    assert blocker.args == ["+380501112233"]
    rect = window.table.visualRect(window.model.index(0, 0))
    # QTest's double click alone is not seen as one by item views: press first, as a mouse does.
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(window.call_requested) as blocker:
        qtbot.mouseDClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == ["+380501112233"]


def test_ctrl_o_opens_in_crm(qtbot: QtBot, window: ContactBookWindow) -> None:
    _search(qtbot, window, "Олена")
    with qtbot.waitSignal(window.open_in_crm_requested) as blocker:
        qtbot.keyClick(window.search_box, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == [OLENA]


def test_ctrl_c_copies_number_to_clipboard(qtbot: QtBot, window: ContactBookWindow) -> None:
    _search(qtbot, window, "Петро")
    window.search_box.deselect()
    with qtbot.waitSignal(window.copy_number_requested) as blocker:
        qtbot.keyClick(window.search_box, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert blocker.args == ["+380671234568"]
    clipboard = QGuiApplication.clipboard()
    assert clipboard is not None
    assert clipboard.text() == "+380671234568"


def test_ctrl_c_with_selected_query_text_copies_the_text(
    qtbot: QtBot, window: ContactBookWindow
) -> None:
    _search(qtbot, window, "Петро")
    window.search_box.selectAll()
    copied: list[str] = []
    window.copy_number_requested.connect(copied.append)
    qtbot.keyClick(window.search_box, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert copied == []


def test_details_pane_lists_each_phone_with_its_own_call_button(
    qtbot: QtBot, window: ContactBookWindow
) -> None:
    _search(qtbot, window, "Олена Коваль")
    call_buttons = [
        b for b in window.details.findChildren(QPushButton) if b.objectName() == "callButton"
    ]
    assert len(call_buttons) == 2
    calls: list[str] = []
    window.call_requested.connect(calls.append)
    for button in call_buttons:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert calls == ["+380671234567", "+380442223344"]
    assert window.details_name.text() == "Олена Коваль"
    assert window.details_manager.text().endswith("Ірина Петренко")


def test_details_copy_and_open_buttons(qtbot: QtBot, window: ContactBookWindow) -> None:
    _search(qtbot, window, "Олена Коваль")
    copy_buttons = [
        b for b in window.details.findChildren(QPushButton) if b.objectName() == "copyButton"
    ]
    with qtbot.waitSignal(window.copy_number_requested) as blocker:
        qtbot.mouseClick(copy_buttons[1], Qt.MouseButton.LeftButton)
    assert blocker.args == ["+380442223344"]
    with qtbot.waitSignal(window.open_in_crm_requested) as blocker:
        qtbot.mouseClick(window.open_in_crm_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [OLENA]


def test_contact_without_phone(qtbot: QtBot, window: ContactBookWindow) -> None:
    _search(qtbot, window, "Гнатюк")
    assert window.no_phone_label.isVisible()
    calls: list[str] = []
    window.call_requested.connect(calls.append)
    qtbot.keyClick(window.search_box, Qt.Key.Key_Return)
    assert calls == []


def test_refresh_picks_up_synced_contacts_and_keeps_selection(
    qtbot: QtBot, window: ContactBookWindow, store: ContactStore
) -> None:
    _search(qtbot, window, "Ковал")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    selected = window.selected_contact()
    assert selected is not None
    store.upsert([Contact("rec-new", "contacts", "Аліна Коваль", ("+380671110000",))])
    with qtbot.waitSignal(window.results_changed):
        window.refresh()
    assert "Аліна Коваль" in _names(window.model.contacts)
    assert window.selected_contact() == selected


def test_sync_progress(window: ContactBookWindow) -> None:
    assert window.sync_row.isHidden()
    window.set_sync_progress(0, None)
    assert window.sync_row.isVisible()
    assert window.sync_progress.maximum() == 0  # busy indicator: total unknown
    window.set_sync_progress(1200, 5000)
    assert window.sync_progress.value() == 1200
    assert "1200" in window.sync_label.text()
    window.set_sync_progress(5000, 5000)
    assert window.sync_row.isHidden()


def test_model_without_view() -> None:
    model = ContactListModel()
    model.set_contacts([PETRO])
    assert model.rowCount() == 1
    assert model.columnCount() == len(ContactColumn)
    assert model.data(model.index(0, ContactColumn.PHONES)) == "+380 67 123 4568"
    assert model.contact_at(5) is None
    assert model.row_of("rec-petro") == 0


def test_screenshot(qtbot: QtBot, window: ContactBookWindow) -> None:
    """Save the window with demo data so a person can judge the look."""
    window.resize(980, 480)
    window.set_sync_progress(3400, 5200)
    _search(qtbot, window, "Ковал")
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert window.grab().save(str(ARTIFACTS / "contact_book.png"))
