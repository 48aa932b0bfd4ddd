"""Tray controller: fallback window (offscreen has no tray), live menu, icon badge."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QImage
from PySide6.QtWidgets import QApplication, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from ringohunt_desktop.ui.call_popups import CallPopups
from ringohunt_desktop.ui.icons import TRAY_SIZES, render_tray_image, tray_icon
from ringohunt_desktop.ui.tray import TrayController, TrayState
from tests.test_shift_notices import ringing

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "ui"


@pytest.fixture
def controller(qtbot: QtBot) -> Iterator[TrayController]:
    tray = TrayController(use_system_tray=False)
    assert tray.fallback is not None
    qtbot.addWidget(tray.fallback)
    tray.show()
    qtbot.waitExposed(tray.fallback)
    yield tray
    tray.dispose()


def menu_texts(tray: TrayController) -> list[str]:
    tray.menu.aboutToShow.emit()  # what Qt does right before the menu opens
    return [a.text() for a in tray.menu.actions() if not a.isSeparator()]


def action(tray: TrayController, text: str) -> QAction:
    tray.menu.aboutToShow.emit()
    for candidate in tray.menu.actions():
        if candidate.text() == text:
            return candidate
    raise AssertionError(f"no menu action {text!r} in {menu_texts(tray)}")


def test_offscreen_has_no_tray_so_the_fallback_window_is_used(qtbot: QtBot) -> None:
    assert not QSystemTrayIcon.isSystemTrayAvailable()
    tray = TrayController()
    try:
        assert tray.tray is None
        assert tray.fallback is not None
    finally:
        tray.dispose()


def test_fallback_shows_state_detail_and_missed(controller: TrayController) -> None:
    window = controller.fallback
    assert window is not None
    assert window.state_label.text() == "Starting…"

    controller.set_state(TrayState.BAD_CREDENTIALS, "NetHunt: credentials refused")
    controller.set_missed(3)

    assert window.state_label.text() == "Sign-in refused: check Settings"
    assert window.detail_label.text() == "NetHunt: credentials refused"
    assert window.detail_label.isVisibleTo(window)
    assert window.journal_button.text() == "Open journal"
    assert window.waiting_label.text() == "Numbers waiting for a call-back: 3"
    tooltip = controller.tooltip()
    assert "NetHunt: credentials refused" in tooltip
    assert "Numbers waiting for a call-back: 3" in tooltip

    controller.set_state(TrayState.CONNECTED)
    assert not window.detail_label.isVisibleTo(window)
    assert controller.tooltip().startswith("RingoHunt: Connected")


def test_fallback_buttons_emit_the_same_requests(qtbot: QtBot,
                                                 controller: TrayController) -> None:
    window = controller.fallback
    assert window is not None
    cases = [
        (window.contacts_button, controller.open_contacts_requested),
        (window.journal_button, controller.open_journal_requested),
        (window.settings_button, controller.open_settings_requested),
        (window.quit_button, controller.quit_requested),
    ]
    for button, signal in cases:
        with qtbot.waitSignal(signal):
            qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    with qtbot.waitSignal(controller.pause_toggled) as paused:
        qtbot.mouseClick(window.pause_button, Qt.MouseButton.LeftButton)
    assert paused.args == [True]
    assert controller.paused


def test_fallback_close_only_minimises(qtbot: QtBot, controller: TrayController) -> None:
    window = controller.fallback
    assert window is not None
    window.close()
    assert window.isVisible()


def test_menu_is_rebuilt_with_live_state(controller: TrayController) -> None:
    assert menu_texts(controller) == [
        "Starting…", "Open contact book", "Open journal", "Missed calls to return",
        "Check calls now", "Check phone numbers…", "Settings…",
        "Save diagnostics…", "Pause pop-ups", "Calm mode", "Quit",
    ]
    controller.set_missed(12)
    controller.set_state(TrayState.OFFLINE)
    controller.set_paused(True)

    texts = menu_texts(controller)
    assert texts[0] == "Offline: no connection, retrying"
    assert "Open journal" in texts
    assert "Missed calls to return (12 waiting)" in texts
    pause = action(controller, "Pause pop-ups")
    assert pause.isCheckable()
    assert pause.isChecked()
    assert not action(controller, texts[0]).isEnabled()


def test_menu_actions_emit(qtbot: QtBot, controller: TrayController) -> None:
    for text, signal in [
        ("Open contact book", controller.open_contacts_requested),
        ("Open journal", controller.open_journal_requested),
        ("Missed calls to return", controller.open_inbox_requested),
        ("Check calls now", controller.check_calls_requested),
        ("Check phone numbers…", controller.open_hygiene_requested),
        ("Settings…", controller.open_settings_requested),
        ("Save diagnostics…", controller.save_diagnostics_requested),
        ("Quit", controller.quit_requested),
    ]:
        with qtbot.waitSignal(signal):
            action(controller, text).trigger()

    with qtbot.waitSignal(controller.pause_toggled) as paused:
        action(controller, "Pause pop-ups").trigger()
    assert paused.args == [True]
    # The fallback window's toggle follows a pause chosen from the menu.
    assert controller.fallback is not None
    assert controller.fallback.pause_button.isChecked()


def test_the_menu_offers_the_call_pop_up_while_one_is_open(qtbot: QtBot,
                                                          controller: TrayController) -> None:
    assert "Go to the call pop-up" not in menu_texts(controller)
    popups = CallPopups(controller, region="UA", pop_mode="ring", autoclose_seconds=0)
    popups.show_call_event(ringing("menu-1"))
    with qtbot.waitSignal(controller.focus_call_requested):
        action(controller, "Go to the call pop-up").trigger()
    popups.close_all()
    assert "Go to the call pop-up" not in menu_texts(controller)


def test_set_paused_does_not_echo_a_request(qtbot: QtBot, controller: TrayController) -> None:
    with qtbot.assertNotEmitted(controller.pause_toggled):
        controller.set_paused(True)
    assert controller.fallback is not None
    assert controller.fallback.pause_button.isChecked()


def test_activation_opens_journal_when_calls_were_missed(qtbot: QtBot,
                                                         controller: TrayController) -> None:
    with qtbot.waitSignal(controller.open_contacts_requested):
        controller.activate()
    controller.set_missed(2)
    with qtbot.waitSignal(controller.open_journal_requested):
        controller.activate()


def test_system_tray_path_wires_clicks_and_tooltip(qtbot: QtBot) -> None:
    # Built without showing: offscreen has no tray to show it in, but the wiring is the same.
    controller = TrayController(use_system_tray=True)
    try:
        assert controller.tray is not None
        assert controller.tray.contextMenu() is controller.menu
        controller.set_state(TrayState.POLLING)
        controller.set_missed(1)
        assert controller.tray.toolTip() == controller.tooltip()
        assert not controller.tray.icon().isNull()
        with qtbot.waitSignal(controller.open_journal_requested):
            controller.tray.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
        with qtbot.assertNotEmitted(controller.open_journal_requested):
            controller.tray.activated.emit(QSystemTrayIcon.ActivationReason.Context)
    finally:
        controller.dispose()


def test_sync_progress_and_notifications(controller: TrayController) -> None:
    controller.set_sync_progress(120, 4000)
    assert "Syncing contacts: 120 of 4000" in controller.tooltip()
    assert controller.fallback is not None
    assert controller.fallback.progress_label.text() == "Syncing contacts: 120 of 4000"
    controller.set_sync_progress(4000, 4000)
    assert "Syncing" not in controller.tooltip()

    controller.notify_call("Missed call", "Олена Коваль")
    assert controller.fallback.statusBar().currentMessage() == "Missed call: Олена Коваль"


# -- icon -------------------------------------------------------------------------------


def red_pixels(image: QImage, x0: int, y0: int, x1: int, y1: int) -> int:
    count = 0
    for y in range(y0, y1):
        for x in range(x0, x1):
            colour = QColor(image.pixel(x, y))
            if colour.red() > 180 and colour.green() < 90 and colour.blue() < 90:
                count += 1
    return count


@pytest.mark.parametrize("size", TRAY_SIZES)
def test_badge_is_red_in_the_top_right_only_with_missed_calls(size: int) -> None:
    half = size // 2
    quiet = render_tray_image(TrayState.CONNECTED, 0, size)
    badged = render_tray_image(TrayState.CONNECTED, 3, size)
    assert red_pixels(quiet, 0, 0, size, size) == 0
    assert red_pixels(badged, half, 0, size, half) > (half * half) // 4


def test_nine_plus_differs_from_nine() -> None:
    nine = render_tray_image(TrayState.CONNECTED, 9, 64)
    many = render_tray_image(TrayState.CONNECTED, 10, 64)
    more = render_tray_image(TrayState.CONNECTED, 250, 64)
    assert nine != many
    assert many == more  # everything above 9 reads "9+"


def test_status_dot_colour_follows_the_state() -> None:
    connected = render_tray_image(TrayState.CONNECTED, 0, 64)
    offline = render_tray_image(TrayState.OFFLINE, 0, 64)
    centre = (64 - 13, 64 - 13)
    assert QColor(connected.pixel(*centre)).green() > QColor(connected.pixel(*centre)).red()
    assert connected.pixel(*centre) != offline.pixel(*centre)


def test_tray_icon_has_every_size() -> None:
    icon = tray_icon(TrayState.PAUSED, 1)
    sizes = {s.width() for s in icon.availableSizes()}
    assert sizes == set(TRAY_SIZES)


def test_render_tray_sheet(qtbot: QtBot, controller: TrayController) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    controller.set_state(TrayState.BAD_CREDENTIALS, "NetHunt: credentials refused")
    controller.set_missed(4)
    controller.set_sync_progress(120, 4000)
    QApplication.processEvents()
    assert controller.fallback is not None
    assert controller.fallback.grab().save(str(ARTIFACTS / "tray_fallback.png"))
    for state in TrayState:
        for missed in (0, 3, 12):
            image = render_tray_image(state, missed, 64)
            assert image.save(str(ARTIFACTS / f"tray_{state.value}_{missed}.png"))
