"""Calm mode: one switch (settings and the tray menu) for no balloons, no sound and panels
that appear without animation. Gated where the app notifies (TrayController.notify_call)
and where a panel appears (PanelStack._present)."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractAnimation, QObject
from pytestqt.qtbot import QtBot

from ringohunt_desktop.config import load_config
from ringohunt_desktop.core.calltracking import CallEvent
from ringohunt_desktop.domain import CallPhase, CallRecord, Direction
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.shell.app import RingoHuntApp
from ringohunt_desktop.ui.call_popups import CallPopups
from ringohunt_desktop.ui.insider_panel import InsiderPanel
from ringohunt_desktop.ui.tray import TrayController

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)"),
]

PACKAGE = Path(__file__).resolve().parent.parent / "ringohunt_desktop"


class Balloons:
    """Every balloon the system tray icon was asked to show."""

    def __init__(self, tray: TrayController) -> None:
        assert tray.tray is not None
        self.shown: list[tuple[str, str]] = []
        tray.tray.showMessage = (  # type: ignore[method-assign]
            lambda title, body, *_rest: self.shown.append((title, body)))


@pytest.fixture
def tray(qtbot: QtBot) -> Iterator[TrayController]:
    # The system-tray path, built without showing (offscreen has no tray to show it in).
    controller = TrayController(use_system_tray=True)
    yield controller
    controller.dispose()


@pytest.fixture
def popups(tray: TrayController) -> Iterator[CallPopups]:
    popups = CallPopups(tray, region="UA", pop_mode="ring", autoclose_seconds=0)
    yield popups
    popups.close_all()


def call(call_id: str) -> CallRecord:
    return CallRecord(call_id=call_id, started_at=datetime.now(UTC), caller="380671234567",
                      destination="380441110000", direction=Direction.INCOMING,
                      disposition="CALLING")


def animations_running(panel: InsiderPanel, *more: QObject) -> list[QAbstractAnimation]:
    found = [a for owner in (panel, *more) for a in owner.findChildren(QAbstractAnimation)]
    return [a for a in found if a.state() is QAbstractAnimation.State.Running]


def test_calm_mode_shows_no_balloon_for_a_missed_call_and_the_panel_at_once(
        qtbot: QtBot, tray: TrayController, popups: CallPopups) -> None:
    balloons = Balloons(tray)
    tray.set_calm(True)
    popups.set_calm(True)

    popups.show_call_event(CallEvent(CallPhase.MISSED, call("missed-1"), live=True))
    assert balloons.shown == []
    assert "Missed call: +380 67 123 4567" in tray.tooltip()  # kept, quietly

    popups.show_call_event(CallEvent(CallPhase.RINGING, call("ring-1"), live=True))
    panel = popups.panels.panel("ring-1")
    assert panel is not None
    assert panel.isVisible()  # shown in the same call, not faded in later
    assert panel.windowOpacity() == 1.0
    assert animations_running(panel, popups.panels) == []
    assert balloons.shown == []


def test_without_calm_mode_a_missed_call_still_shows_a_balloon_and_panels_pop(
        qtbot: QtBot, tray: TrayController, popups: CallPopups) -> None:
    balloons = Balloons(tray)
    popups.show_call_event(CallEvent(CallPhase.MISSED, call("missed-1"), live=True))
    assert balloons.shown == [("Missed call", "+380 67 123 4567")]
    popups.show_call_event(CallEvent(CallPhase.RINGING, call("ring-1"), live=True))
    panel = popups.panels.panel("ring-1")
    assert panel is not None
    assert panel.isVisible()
    assert panel.windowOpacity() == 1.0
    # Leaving calm mode clears the quiet line and notices come back: into the panel stack
    # while a panel shows, as a balloon once none does.
    tray.set_calm(True)
    tray.notify_call("Call placed", "+380 67 123 4567")
    assert popups.panels.notices() == []
    tray.set_calm(False)
    assert "Call placed" not in tray.tooltip()
    tray.notify_call("Call placed", "+380 67 123 4567")
    assert len(popups.panels.notices()) == 1
    popups.panels.close_all()
    tray.notify_call("Call placed", "+380 67 123 4567")
    assert balloons.shown[-1] == ("Call placed", "+380 67 123 4567")


def test_the_tray_menu_has_the_calm_mode_tick_and_it_is_greyed_when_it_pins_it(
        qtbot: QtBot, tray: TrayController) -> None:
    def calm_action() -> object:
        tray.menu.aboutToShow.emit()
        return next(a for a in tray.menu.actions() if a.text() == "Calm mode")

    action = calm_action()
    assert action.isCheckable()  # type: ignore[attr-defined]
    assert not action.isChecked()  # type: ignore[attr-defined]
    with qtbot.waitSignal(tray.calm_toggled) as toggled:
        action.trigger()  # type: ignore[attr-defined]
    assert toggled.args == [True]
    assert tray.calm
    tray.set_calm(True, locked=True)
    action = calm_action()
    assert action.isChecked()  # type: ignore[attr-defined]
    assert not action.isEnabled()  # type: ignore[attr-defined]


def test_nothing_in_the_app_makes_a_sound_of_its_own() -> None:
    """Calm mode silences what notifies: balloons (a system notification may chime). Any
    sound added later must go through TrayController.notify_call, behind the calm gate."""
    sound = re.compile(r"QSoundEffect|QtMultimedia|QMediaPlayer|\.beep\(|winsound|MessageBeep"
                       r"|playsound|simpleaudio")
    offenders = [str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                 if sound.search(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_the_tray_tick_is_kept_in_the_settings_and_applied_at_once(
        qtbot: QtBot, basedir: Path, qloop: asyncio.AbstractEventLoop) -> None:
    paths = AppPaths.under(basedir).ensure()
    config = load_config(paths, env={"RINGOHUNT_MACHINE_CONFIG": os.devnull})
    app = RingoHuntApp(config, paths)

    async def scenario() -> None:
        try:
            assert not app.tray.calm
            app.tray.calm_toggled.emit(True)  # what the menu's tick sends
            assert app.config.calm_mode
            assert app.tray.calm
            assert app.popups.panels.calm
            reloaded = load_config(paths, env={"RINGOHUNT_MACHINE_CONFIG": os.devnull})
            assert reloaded.calm_mode
            assert reloaded.sources["calm_mode"] == "user settings"
        finally:
            await app.shutdown()
            app.tray.dispose()

    qloop.run_until_complete(scenario())
