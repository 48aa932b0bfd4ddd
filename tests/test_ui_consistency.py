"""One call reads the same in the panel and the journal (issue 13, "Consistency")."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ringohunt_desktop.config import Config
from ringohunt_desktop.domain import CallRecord, Direction
from ringohunt_desktop.phone import CallerNumber
from ringohunt_desktop.store.calls import JournalRow
from ringohunt_desktop.ui.insider_panel import InsiderPanel
from ringohunt_desktop.ui.models import JournalColumn, JournalModel
from ringohunt_desktop.ui.settings_dialog import SettingsDialog

pytestmark = pytest.mark.gui


@pytest.fixture
def computer_in_warsaw() -> Iterator[None]:
    """The PC's zone differs from the project's (Kyiv), as for the agent who saw 02:10/00:10."""
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX")
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Warsaw"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def kyiv_call(caller: str) -> CallRecord:
    # Ringostat reports in the project's zone: 02:10 in Kyiv is 01:10 in Warsaw (winter).
    return CallRecord(call_id="c-1", started_at=datetime(2026, 12, 7, 2, 10,
                                                         tzinfo=ZoneInfo("Europe/Kyiv")),
                      caller=caller, destination="380441110000",
                      direction=Direction.INCOMING, disposition="ANSWERED")


def journal_cell(call: CallRecord, column: JournalColumn) -> str:
    model = JournalModel("UA", now=lambda: datetime(2026, 12, 7, 12, 0).astimezone())
    model.set_rows([JournalRow(call, "", handled=False)])
    return str(model.data(model.index(0, column), Qt.ItemDataRole.DisplayRole))


@pytest.mark.usefixtures("computer_in_warsaw")
def test_the_panel_and_the_journal_show_one_time_for_one_call(qtbot: QtBot) -> None:
    call = kyiv_call("380671234567")
    panel = InsiderPanel(call, CallerNumber.of(call.client_number, "UA"))
    qtbot.addWidget(panel)
    assert panel.time_label.text() == "01:10"
    assert "01:10" in journal_cell(call, JournalColumn.TIME)


def test_a_foreign_number_reads_the_same_in_the_journal_as_in_the_panel(
        qtbot: QtBot) -> None:
    call = kyiv_call("48221234567")  # Warsaw, as Ringostat writes it: no "+"
    caller = CallerNumber.of(call.client_number, "UA")
    panel = InsiderPanel(call, caller)
    qtbot.addWidget(panel)
    assert caller.display == "+48 22 123 45 67"
    assert journal_cell(call, JournalColumn.NUMBER) == caller.display


def test_the_settings_state_the_time_rule(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Config())
    qtbot.addWidget(dialog)
    note = dialog.findChild(QLabel, "timeZoneNote")
    assert note is not None
    assert "this computer's time zone" in note.text()


@pytest.mark.parametrize("service", ["Ringostat", "NetHunt"])
def test_a_setup_test_failure_has_no_brackets_inside_brackets(service: str) -> None:
    from ringohunt_desktop.clients.errors import Reason, TransientError
    from ringohunt_desktop.services.setup_checks import nethunt_error_text, ringostat_error_text

    offline = TransientError(service, "cannot connect", reason=Reason.OFFLINE)
    text = (ringostat_error_text(offline, "12345") if service == "Ringostat"
            else nethunt_error_text(offline))
    depth = deepest = 0
    for character in text:
        depth += {"(": 1, ")": -1}.get(character, 0)
        deepest = max(deepest, depth)
    assert deepest <= 1, text


def test_the_environment_note_is_written_once_per_tab(qtbot: QtBot) -> None:
    from ringohunt_desktop.config import Secret

    sources = {key: "environment" for key in ("ringostat_auth_key", "ringostat_project_id",
                                              "nethunt_email", "nethunt_api_key")}
    config = Config(ringostat_auth_key=Secret("k"), ringostat_project_id="1",
                    nethunt_email="a@b.c", nethunt_api_key=Secret("n"), sources=sources)
    dialog = SettingsDialog(config)
    qtbot.addWidget(dialog)
    for section in dialog.form.sections:
        notes = [label for label in section.findChildren(QLabel)
                 if "environment variable" in label.text()]
        assert len(notes) <= 1, section.title()
