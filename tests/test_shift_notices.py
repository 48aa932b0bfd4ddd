"""Issue 13: notices fold into the panel stack instead of covering the newest panel, and a
project's unassigned missed calls are notified only when the agent asks for it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from ringohunt_desktop.config import SPECS, Config
from ringohunt_desktop.core.calltracking import CallEvent
from ringohunt_desktop.domain import CallPhase, CallRecord, Direction
from ringohunt_desktop.simulator import Simulator
from ringohunt_desktop.simulator.people import AGENTS
from ringohunt_desktop.ui.call_popups import CallPopups
from ringohunt_desktop.ui.settings_dialog import BehaviourSection
from ringohunt_desktop.ui.tray import TrayController
from tests.test_app_flow import AppRunner, ring, started, until

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)"),
]


def ringing(call_id: str, number: str = "380671234567") -> CallEvent:
    call = CallRecord(call_id=call_id, started_at=datetime.now(UTC), caller=number,
                      destination="380441110000", direction=Direction.INCOMING,
                      disposition="CALLING")
    return CallEvent(CallPhase.RINGING, call, live=True)


def missed(call_id: str, *, unassigned: bool, number: str = "380960001122") -> CallEvent:
    call = CallRecord(call_id=call_id, started_at=datetime.now(UTC), caller=number,
                      destination="380441110000", direction=Direction.INCOMING,
                      disposition="NO ANSWER")
    return CallEvent(CallPhase.MISSED, call, live=False, unassigned=unassigned)


@pytest.fixture
def popups(qtbot: QtBot) -> CallPopups:
    tray = TrayController(use_system_tray=False)
    made = CallPopups(tray, region="UA", pop_mode="ring", autoclose_seconds=0)
    yield made
    made.close_all()
    tray.dispose()


def test_a_notice_joins_the_stack_while_a_panel_shows(popups: CallPopups) -> None:
    tray = popups._tray
    assert tray.fallback is not None
    popups.show_call_event(ringing("c1"))
    (panel,) = popups.panels.panels()

    tray.notify_call("Call placed", "Your phone rings first")

    (notice,) = popups.panels.notices()
    assert notice.isVisible()
    assert notice.text == "Call placed: Your phone rings first"
    assert tray.fallback.statusBar().currentMessage() == ""  # not shown twice
    # Beside the panel, never over it; the panel did not move for it.
    assert not notice.frameGeometry().intersects(panel.frameGeometry())
    assert abs(notice.x() - panel.x()) <= 1
    assert QGuiApplication.focusWindow() is not notice.windowHandle()


def test_a_notice_leaves_the_keyboard_where_the_agent_types(
        qtbot: QtBot, popups: CallPopups, typing_window: QLineEdit) -> None:
    # Like the panel, the notice never takes the keyboard from the window the agent types in
    # (a platform that activates it anyway is covered by tests/test_keyboard_only.py).
    editor = typing_window
    popups.show_call_event(ringing("c1"))
    popups._tray.notify_call("Call placed", "Your phone rings first")
    assert len(popups.panels.notices()) == 1
    qtbot.wait(100)
    assert QApplication.activeWindow() is editor
    assert QApplication.focusWidget() is editor


def test_notices_follow_the_oldest_panel_and_never_overlap(popups: CallPopups) -> None:
    for number, call_id in (("380671234567", "c1"), ("380501112233", "c2")):
        popups.show_call_event(ringing(call_id, number))
    panel_places = [p.geometry() for p in popups.panels.panels()]
    for index in range(5):
        popups._tray.notify_call(f"Notice {index}", "")
    notices = popups.panels.notices()
    assert [n.text for n in notices] == ["Notice 2", "Notice 3", "Notice 4"]  # at most 3
    windows = [*popups.panels.panels(), *notices]
    for i, first in enumerate(windows):
        for second in windows[i + 1:]:
            assert not first.frameGeometry().intersects(second.frameGeometry())
    assert [p.geometry() for p in popups.panels.panels()] == panel_places


def test_a_notice_closes_by_itself_and_without_panels_goes_to_the_tray(
        popups: CallPopups) -> None:
    tray = popups._tray
    assert tray.fallback is not None
    popups.show_call_event(ringing("c1"))
    popups.show_call_event(missed("m1", unassigned=False))  # no panel of its own: a notice
    (notice,) = popups.panels.notices()
    assert notice.text.startswith("Missed call")
    notice._timer.timeout.emit()  # its few seconds are up
    assert popups.panels.notices() == []

    popups.close_all()
    tray.notify_call("Diagnostics saved", "/tmp/x.zip")
    assert popups.panels.notices() == []
    assert tray.fallback.statusBar().currentMessage() == "Diagnostics saved: /tmp/x.zip"


def test_unassigned_missed_calls_are_notified_only_when_asked(popups: CallPopups) -> None:
    status = popups._tray.fallback.statusBar()  # type: ignore[union-attr]
    popups.show_call_event(missed("u1", unassigned=True))
    assert status.currentMessage() == ""
    popups.show_call_event(missed("m1", unassigned=False))
    assert status.currentMessage().startswith("Missed call")

    status.clearMessage()
    popups.configure(region="UA", pop_mode="ring", autoclose_seconds=0,
                     notify_unassigned_missed=True)
    popups.show_call_event(missed("u2", unassigned=True))
    assert status.currentMessage().startswith("Missed call")


def test_the_setting_is_off_by_default_apart_from_the_journal_one(qtbot: QtBot) -> None:
    spec = SPECS["notify_unassigned_missed"]
    assert spec.default is False
    assert spec.machine_wide  # IT may set it for every agent
    assert Config().notify_unassigned_missed is False
    assert Config().include_unassigned_missed is True  # the journal's keeps its meaning
    section = BehaviourSection(Config())
    qtbot.addWidget(section)
    assert not section.unassigned_check.isChecked()
    assert section.values()["notify_unassigned_missed"] is False
    section.unassigned_check.setChecked(True)
    assert section.values()["notify_unassigned_missed"] is True
    assert section.unassigned_check.text() == "Also of missed calls nobody was assigned to"


@pytest.mark.parametrize("notify", [False, True])
def test_an_unassigned_missed_call_from_the_simulator(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop,
        notify: bool) -> None:
    other = next(agent for agent in AGENTS if agent.email != sim.credentials.agent
                 and agent.sip_login != sim.credentials.agent)

    async def scenario() -> None:
        settings = {"notify_unassigned_missed": "true"} if notify else {}
        app = await started(app_factory(**settings))
        assert app.tray.fallback is not None
        status = app.tray.fallback.statusBar()
        call_id = await ring(sim, "0960001122", agent=other.email, outcome="missed",
                             ring_seconds=0.3)
        # Nobody took it: it reaches the journal and the inbox either way.
        await until(lambda: app.calls.get(call_id) is not None
                    and not app.calls.get(call_id).is_in_progress,  # type: ignore[union-attr]
                    15, "the missed call in the journal")
        await until(lambda: any(r.number.endswith("960001122") for r in app.team.inbox()),
                    15, "the missed call in the inbox")
        await asyncio.sleep(0.5)  # the event went through the pop-ups
        if notify:
            assert status.currentMessage().startswith("Missed call")
        else:
            assert status.currentMessage() == ""

    app_factory.run(scenario())


@pytest.fixture
def app_factory(sim: Simulator, basedir: object, qloop: asyncio.AbstractEventLoop
                ) -> AppRunner:
    return AppRunner(sim, basedir, qloop)  # type: ignore[arg-type]
