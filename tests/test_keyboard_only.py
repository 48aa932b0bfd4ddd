"""The agent's day without a mouse (issue 16): keys only, each sent where a real keyboard
sends it (the focused widget), no mouse event anywhere. From the contact book: Ctrl+Shift+P
reaches the call pop-up (it never takes the focus by itself), Enter opens the caller in the
CRM, Escape gives the focus back; an unknown caller's contact is created with the dialog
filled and saved by keys; Ctrl+B and typing find a contact, Enter calls it; Ctrl+J opens the
journal, which searches from the first key typed. The effects are read from the simulator
over real HTTP."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from ringohunt_desktop import phone
from ringohunt_desktop.domain import LookupState
from ringohunt_desktop.simulator import Simulator
from ringohunt_desktop.simulator.people import UNKNOWN_NUMBER, known
from tests.test_app_flow import (
    AppRunner,
    contacts_with_phone,
    outward_calls,
    panel_for,
    ring,
    started,
    until,
)

pytestmark = pytest.mark.gui

OLENA = known("olena_koval")
IVAN = known("ivan_petrenko")
NEW_NAME = "Ольга Нова"

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def app_factory(sim: Simulator, basedir: Path, qloop: asyncio.AbstractEventLoop) -> AppRunner:
    return AppRunner(sim, basedir, qloop)


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(key: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
          ) -> None:
    """One key, to whatever has the focus: where the keyboard's keys go."""
    QTest.keyClick(focused(), key, modifiers)


def type_text(text: str) -> None:
    """Typing: a key press and release per character, to the focused widget. QTest only
    knows ASCII keys; a Cyrillic letter goes as the key event a keyboard layout makes."""
    for character in text:
        if character.isascii():
            QTest.keyClicks(focused(), character)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(focused(), QKeyEvent(
                kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, character))


def test_open_in_crm_create_a_contact_and_call_without_a_mouse(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop,
        monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toString())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(open_url))

    async def scenario() -> None:
        app = await started(app_factory())
        app.show_on_launch()  # started by hand: the contact book, its search box focused
        book = app.contact_book
        assert book is not None
        await until(lambda: QApplication.focusWidget() is book.search_box, what="the book")

        # 1. A known caller: the panel pops without taking the focus.
        call_id = await ring(sim, OLENA.phones[0])
        panel = await panel_for(app, call_id)
        await until(lambda: panel.lookup.state is LookupState.FOUND, what="the contact")
        assert QApplication.focusWidget() is book.search_box
        # Ctrl+Shift+P: the keyboard way in; Enter presses Open in CRM.
        press(Qt.Key.Key_P, CTRL | SHIFT)
        await until(lambda: QApplication.focusWidget() is panel.primary_button,
                    what="Open in CRM to have the focus")
        assert panel.has_keyboard
        press(Qt.Key.Key_Return)
        await until(lambda: opened, what="the CRM card to open")
        record = contacts_with_phone(sim, OLENA.phones[0])[0]
        assert len(opened) == 1
        # NetHunt's card link carries the record id as base64 JSON after "#nethunt/".
        card = json.loads(base64.b64decode(opened[0].split("#nethunt/")[1] + "=="))
        assert card["recordId"] == record["id"]
        # Escape: the panel closes and the book has the keyboard again.
        press(Qt.Key.Key_Escape)
        await until(lambda: app.popups.panels.panel(call_id) is None, what="the panel closed")
        await until(lambda: QApplication.focusWidget() is book.search_box,
                    what="the focus back in the book")

        # 2. An unknown caller: Create contact, the name typed, Enter saves.
        call_id = await ring(sim, UNKNOWN_NUMBER)
        panel = await panel_for(app, call_id)
        await until(lambda: panel.lookup.state is LookupState.UNKNOWN, what="not in CRM")
        press(Qt.Key.Key_P, CTRL | SHIFT)
        await until(lambda: QApplication.focusWidget() is panel.primary_button,
                    what="Create contact to have the focus")
        press(Qt.Key.Key_Return)
        await until(lambda: app.create_dialogs.dialog(UNKNOWN_NUMBER) is not None,
                    what="the Create contact dialog")
        dialog = app.create_dialogs.dialog(UNKNOWN_NUMBER)
        assert dialog is not None
        await until(lambda: QApplication.focusWidget() is dialog.name_edit,
                    what="the name field to have the focus")
        assert not panel.has_keyboard  # the panel let go when the dialog came up
        type_text(NEW_NAME)
        press(Qt.Key.Key_Tab)  # on to the company, through the form by Tab
        assert focused() is dialog.company_edit
        type_text("Квіти")
        assert contacts_with_phone(sim, UNKNOWN_NUMBER) == []
        press(Qt.Key.Key_Return)  # the default button: Create
        created = await until(lambda: contacts_with_phone(sim, UNKNOWN_NUMBER),
                              what="the new contact in NetHunt")
        assert len(created) == 1
        assert created[0]["fields"]["Name"] == NEW_NAME

        # 3. Ctrl+B: the book; typing finds Ivan, Tab reaches his phones' buttons, Enter calls.
        await until(lambda: not dialog.isVisible(), what="the dialog to close")
        # The dialog closed; a window manager hands the activation back to the book (the
        # offscreen platform has none).
        book.activateWindow()
        await until(lambda: QApplication.activeWindow() is book, what="the book active")
        press(Qt.Key.Key_B, CTRL)
        await until(lambda: QApplication.focusWidget() is book.search_box, what="the search")
        press(Qt.Key.Key_A, CTRL)
        type_text(IVAN.name)
        book.search_now()  # the debounce timer would, 120 ms later
        assert book.model.rowCount() >= 1
        press(Qt.Key.Key_Tab)
        assert focused() is book.table
        press(Qt.Key.Key_Tab)
        first_call = focused()
        assert first_call.accessibleName().startswith("Call ")
        # Back to the results by Shift+Tab; Enter calls the selected contact.
        press(Qt.Key.Key_Backtab, SHIFT)
        assert focused() is book.table
        assert await outward_calls(sim) == []
        press(Qt.Key.Key_Return)
        calls: list[dict[str, Any]] = await _wait_calls(sim, 1)
        destination = calls[0]["body"].split("destination=")[1].split("&")[0]
        assert phone.match_key(destination) == phone.match_key(IVAN.phones[0])

        # 4. Ctrl+J: the journal opens on its table; the first key typed starts the search.
        press(Qt.Key.Key_J, CTRL)
        journal = app.journal
        assert journal is not None
        await until(lambda: QApplication.focusWidget() is journal.table, what="the journal")
        type_text("067")
        assert focused() is journal.text_filter
        assert journal.text_filter.text() == "067"
        press(Qt.Key.Key_Escape)  # clears the filter first…
        assert journal.text_filter.text() == ""
        press(Qt.Key.Key_Escape)  # …then closes the window
        assert not journal.isVisible()

        # The book the same way: Escape clears the search, a second Escape closes it.
        book.activateWindow()
        await until(lambda: QApplication.activeWindow() is book, what="the book active")
        press(Qt.Key.Key_B, CTRL)
        await until(lambda: QApplication.focusWidget() is book.search_box, what="the search")
        press(Qt.Key.Key_Escape)
        assert book.search_box.text() == ""
        press(Qt.Key.Key_Escape)
        assert not book.isVisible()

    app_factory.run(scenario())


async def _wait_calls(sim: Simulator, count: int) -> list[dict[str, Any]]:
    deadline = asyncio.get_running_loop().time() + 10
    while True:
        calls = await outward_calls(sim)
        if len(calls) >= count:
            return calls
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"expected {count} click-to-call requests, got {calls}")
        await asyncio.sleep(0.05)

