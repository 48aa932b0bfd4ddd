"""The Create contact dialog: prefill, validation, busy/double submit, errors, duplicates."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from ringohunt_desktop.domain import CallRecord, Contact, Direction, NewContact
from ringohunt_desktop.ui.create_contact_dialog import NAME_MAX_LENGTH, CreateContactDialog

pytestmark = [
    pytest.mark.gui,
    # Qt's offscreen platform warns whenever a window's size constraints change (layouts do).
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "ui"
NUMBER = "+380960001122"
DISPLAY = "+380 96 000 1122"


def make_call(source: str = "google", medium: str = "cpc") -> CallRecord:
    return CallRecord(
        call_id="call-9",
        started_at=datetime(2025, 11, 25, 9, 5),
        caller="380960001122",
        destination="380441110000",
        direction=Direction.INCOMING,
        disposition="ANSWERED",
        utm_source=source,
        utm_medium=medium,
        utm_campaign="(not set)",
        utm_term="квіти київ",
    )


@pytest.fixture
def dialog(qtbot: QtBot) -> CreateContactDialog:
    widget = CreateContactDialog(NUMBER, DISPLAY, make_call())
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_prefilled_from_the_call(dialog: CreateContactDialog) -> None:
    assert dialog.phone_edit.text() == DISPLAY
    assert dialog.phone_edit.isReadOnly()
    assert dialog.utm_source_edit.text() == "google"
    assert dialog.utm_medium_edit.text() == "cpc"
    assert dialog.utm_campaign_edit.text() == ""  # "(not set)" is not a campaign
    assert dialog.utm_term_edit.text() == "квіти київ"
    assert dialog.name_edit.text() == ""
    assert not dialog.create_button.isEnabled()
    # No nagging before the agent has typed anything.
    assert not dialog.name_error.isVisibleTo(dialog)


def test_placeholders_are_not_prefilled(qtbot: QtBot) -> None:
    widget = CreateContactDialog(NUMBER, DISPLAY, make_call("(direct)", "(none)"))
    qtbot.addWidget(widget)
    assert widget.utm_source_edit.text() == ""
    assert widget.utm_medium_edit.text() == ""


def test_without_a_call_the_utm_fields_are_empty(qtbot: QtBot) -> None:
    widget = CreateContactDialog(NUMBER, DISPLAY)
    qtbot.addWidget(widget)
    assert widget.utm_source_edit.text() == ""


def test_submits_e164_and_the_typed_fields(qtbot: QtBot, dialog: CreateContactDialog) -> None:
    # QTest can only type ASCII (non-ASCII trips an assert in Qt's own test library).
    dialog.name_edit.setText("  Ірина   Шевчук ")
    dialog.company_edit.setText("ТОВ Квіти")
    dialog.email_edit.setText("iryna@example.com")
    assert dialog.create_button.isEnabled()

    with qtbot.waitSignal(dialog.submitted) as blocker:
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [NewContact(
        name="Ірина Шевчук",
        phone_e164=NUMBER,
        company="ТОВ Квіти",
        email="iryna@example.com",
        utm_source="google",
        utm_medium="cpc",
        utm_campaign="",
        utm_term="квіти київ",
    )]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "Enter the caller's name."),
        ("x" * (NAME_MAX_LENGTH + 1), "The name is too long (at most 200 characters)."),
        ("Ivan\x07Petrenko", "The name contains characters that cannot be saved."),
        ("Ivan\u2028Petrenko", "The name contains characters that cannot be saved."),
    ],
)
def test_name_validation_is_inline(qtbot: QtBot, dialog: CreateContactDialog, name: str,
                                   message: str) -> None:
    qtbot.keyClicks(dialog.name_edit, "a")
    dialog.name_edit.setText(name)
    assert dialog.name_error.isVisibleTo(dialog)
    assert dialog.name_error.text() == message
    assert dialog.name_edit.accessibleDescription() == message
    assert not dialog.create_button.isEnabled()

    dialog.name_edit.setText("Ivan Petrenko")
    assert not dialog.name_error.isVisibleTo(dialog)
    assert dialog.create_button.isEnabled()


def test_email_validation(qtbot: QtBot, dialog: CreateContactDialog) -> None:
    dialog.name_edit.setText("Ivan")
    dialog.email_edit.setText("ivan.example.com")
    assert dialog.email_error.isVisibleTo(dialog)
    assert not dialog.create_button.isEnabled()
    dialog.email_edit.setText("ivan@example.com")
    assert not dialog.email_error.isVisibleTo(dialog)
    assert dialog.create_button.isEnabled()
    dialog.email_edit.setText("")  # optional
    assert dialog.create_button.isEnabled()


def test_busy_blocks_a_second_submit(qtbot: QtBot, dialog: CreateContactDialog) -> None:
    dialog.name_edit.setText("Ivan")
    emitted: list[NewContact] = []
    dialog.submitted.connect(emitted.append)

    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    # The dialog goes busy on its own, before the service has answered anything.
    assert dialog.busy
    assert dialog.create_button.text() == "Creating…"
    assert not dialog.create_button.isEnabled()
    assert not dialog.name_edit.isEnabled()

    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    dialog.submit()
    dialog.set_busy(True)  # the service confirming it changes nothing
    assert len(emitted) == 1
    assert dialog.isVisible()


def test_error_keeps_the_form_and_allows_retry(qtbot: QtBot,
                                               dialog: CreateContactDialog) -> None:
    dialog.name_edit.setText("<b>Ivan</b>")
    dialog.company_edit.setText("Acme")
    dialog.submit()

    dialog.show_error("NetHunt: <i>timeout</i>")

    assert not dialog.busy
    assert dialog.banner.isVisibleTo(dialog)
    assert dialog.banner_label.text() == "NetHunt: <i>timeout</i>"
    assert dialog.banner_label.textFormat() is Qt.TextFormat.PlainText
    assert not dialog.open_existing_button.isVisibleTo(dialog)
    assert dialog.name_edit.text() == "<b>Ivan</b>"
    assert dialog.company_edit.text() == "Acme"
    assert dialog.name_edit.isEnabled()
    assert dialog.create_button.isEnabled()
    assert dialog.create_button.text() == "Create"
    with qtbot.waitSignal(dialog.submitted):
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)


def test_duplicate_offers_the_existing_contact(qtbot: QtBot,
                                               dialog: CreateContactDialog) -> None:
    existing = Contact("rec-1", "contacts", "<b>Олена</b>", (NUMBER,), "Квіти")
    dialog.name_edit.setText("Olena")
    dialog.submit()
    dialog.show_existing(existing)

    assert dialog.banner_label.text() == (
        "This number already belongs to <b>Олена</b> (Квіти) in the CRM."
    )
    assert dialog.open_existing_button.isVisibleTo(dialog)
    assert dialog.create_button.text() == "Create anyway"
    with qtbot.waitSignal(dialog.open_existing_requested) as blocker:
        qtbot.mouseClick(dialog.open_existing_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [existing]


def test_finish_created_accepts(qtbot: QtBot, dialog: CreateContactDialog) -> None:
    dialog.name_edit.setText("Ivan")
    dialog.submit()
    with qtbot.waitSignal(dialog.accepted):
        dialog.finish_created(Contact("rec-2", "contacts", "Ivan"))
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()


def test_enter_submits_only_when_valid(qtbot: QtBot, dialog: CreateContactDialog) -> None:
    emitted: list[NewContact] = []
    dialog.submitted.connect(emitted.append)
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert emitted == []
    assert dialog.isVisible()

    qtbot.keyClicks(dialog.name_edit, "Ivan")
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert [c.name for c in emitted] == ["Ivan"]
    assert dialog.isVisible()  # stays open until the CRM has answered


def test_escape_cancels(qtbot: QtBot, dialog: CreateContactDialog) -> None:
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Escape)


def test_render_dialog(qtbot: QtBot, dialog: CreateContactDialog) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    dialog.name_edit.setText("Ivan\x07")
    dialog.email_edit.setText("not-an-email")
    dialog.show_existing(Contact("rec-1", "contacts", "Олена Коваль", (NUMBER,), "Квіти"))
    QApplication.processEvents()  # let the layouts take in the new messages before the shot
    dialog.adjustSize()
    assert dialog.grab().save(str(ARTIFACTS / "create_contact.png"))
