"""The settings' Shortcuts tab and calm-mode tick: off by default, what the system says about
each shortcut (taken by another program, not available in this session), live checks while
the agent types, hostile text refused with a clear message, values saved in one form.
Screenshots in English and Ukrainian go to artifacts/ui/settings_shortcuts_*.png."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from ringohunt_desktop.config import Config, load_config
from ringohunt_desktop.credentials import MemoryStore
from ringohunt_desktop.hotkeys.keys import HotkeyAction
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.services.hotkeys import HotkeyService
from ringohunt_desktop.services.setup_controller import SetupController
from ringohunt_desktop.ui.settings_dialog import SettingsDialog, ShortcutsSection
from ringohunt_desktop.ui.setup_windows import SetupWindows
from tests.test_hotkeys import RecordingBackend

pytestmark = pytest.mark.gui

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "ui"
NO_MACHINE = {"RINGOHUNT_MACHINE_CONFIG": os.devnull}


@pytest.fixture
def language(request: pytest.FixtureRequest, qapp: QApplication) -> str:
    if request.param == "uk":
        request.getfixturevalue("uk_translator")  # removed again after the test
    return str(request.param)


@pytest.fixture
def windows(basedir: Path, qapp: QApplication,
            qloop: asyncio.AbstractEventLoop) -> Iterator[tuple[SetupWindows, HotkeyService]]:
    paths = AppPaths.under(basedir).ensure()
    paths.settings_file.write_text("[settings]\nhotkeys_enabled = true\n", encoding="utf-8")
    config = load_config(paths, env=NO_MACHINE)
    controller = SetupController(MemoryStore(), paths, config, env=NO_MACHINE)
    # Another program holds Ctrl+Alt+O.
    service = HotkeyService(backend_factory=lambda: RecordingBackend(taken={"Ctrl+Alt+O"}))
    service.configure(config.hotkeys_enabled, config.hotkeys)
    windows = SetupWindows(controller, hotkeys=service)
    try:
        yield windows, service
    finally:
        windows.close()
        service.close()
        qloop.run_until_complete(controller.aclose())


def shortcuts_of(dialog: SettingsDialog) -> ShortcutsSection:
    assert dialog.form.shortcuts is not None
    return dialog.form.shortcuts


@pytest.mark.parametrize("language", ["en", "uk"], indirect=True)
def test_the_shortcuts_tab_says_what_is_taken_and_checks_while_typing(
        qtbot: QtBot, language: str, windows: tuple[SetupWindows, HotkeyService]) -> None:
    setup_windows, _service = windows
    dialog = setup_windows.open_settings()
    qtbot.addWidget(dialog)
    section = shortcuts_of(dialog)
    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
    assert dialog.tabs.tabText(dialog.tabs.count() - 1) == (
        "Shortcuts" if language == "en" else "Клавіші")
    taken = section.status_labels[HotkeyAction.OPEN_IN_CRM].text()
    works = section.status_labels[HotkeyAction.SHOW_JOURNAL].text()
    if language == "en":
        assert taken.startswith("Ctrl+Alt+O is already taken by another program")
        assert works == "Ctrl+Alt+J works in every program."
    else:
        assert taken.startswith("Ctrl+Alt+O вже зайняте іншою програмою")
        assert works == "Ctrl+Alt+J працює в усіх програмах."
    assert not section.session_label.isVisible()
    dialog.resize(dialog.minimumSize().width(), 640)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert dialog.grab().save(str(ARTIFACTS / f"settings_shortcuts_{language}.png"))

    # The agent picks another combination: checked at once.
    section.edits[HotkeyAction.OPEN_IN_CRM].setText("ctrl+alt+p")
    assert section.status_labels[HotkeyAction.OPEN_IN_CRM].text().startswith("Ctrl+Alt+P")
    assert section.problem() == ""
    # Hostile or mistaken text: a clear message, and nothing can be saved.
    section.edits[HotkeyAction.OPEN_IN_CRM].setText("Ctrl+Alt+Щ")
    message = section.status_labels[HotkeyAction.OPEN_IN_CRM].text()
    assert "Щ" in message
    assert ("Latin letter" if language == "en" else "латинською") in message
    assert message in section.problem()  # what blocks Save
    section.edits[HotkeyAction.OPEN_IN_CRM].setText("Ctrl+Alt+\x07" + "x" * 500)
    assert section.problem()
    # Two actions on one combination.
    section.edits[HotkeyAction.OPEN_IN_CRM].setText("Ctrl+Alt+J")
    assert "Ctrl+Alt+J" in section.problem()
    section.edits[HotkeyAction.OPEN_IN_CRM].setText("")
    assert section.problem() == ""  # no shortcut for that action is fine

    dialog.tabs.setCurrentIndex(dialog.tabs.count() - 2)
    assert dialog.form.behaviour.calm_check.isVisible()
    assert dialog.grab().save(str(ARTIFACTS / f"settings_calm_{language}.png"))
    dialog.reject()


def test_shortcuts_are_off_by_default_and_turning_them_on_checks_each(
        qtbot: QtBot) -> None:
    section = ShortcutsSection(Config())
    qtbot.addWidget(section)
    assert not section.enabled_check.isChecked()
    assert not any(edit.isEnabled() for edit in section.edits.values())
    assert section.values()["hotkeys_enabled"] is False
    asked: list[tuple[str, str]] = []
    section.check_requested.connect(lambda action, text: asked.append((action, text)))
    section.enabled_check.setChecked(True)
    assert all(edit.isEnabled() for edit in section.edits.values())
    assert sorted(asked) == sorted((a.value, getattr(Config(), f"hotkey_{a.value}"))
                                   for a in HotkeyAction)


def test_a_pressed_combination_is_written_in_and_plain_typing_still_types(
        qtbot: QtBot) -> None:
    section = ShortcutsSection(Config(hotkeys_enabled=True))
    qtbot.addWidget(section)
    edit = section.edits[HotkeyAction.SHOW_JOURNAL]
    section.show()
    qtbot.waitExposed(section)
    with qtbot.waitSignal(section.recording_changed) as recording:
        edit.setFocus(Qt.FocusReason.TabFocusReason)
    assert recording.args == [True]
    edit.clear()
    qtbot.keyClick(edit, Qt.Key.Key_F9, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert edit.text() == "Ctrl+Shift+F9"
    edit.clear()
    qtbot.keyClicks(edit, "alt+ctrl+u")
    assert edit.text() == "alt+ctrl+u"
    assert section.values()["hotkey_show_journal"] == "Ctrl+Alt+U"  # saved in one form


def test_saving_keeps_the_shortcuts_in_the_settings_file(
        windows: tuple[SetupWindows, HotkeyService], qtbot: QtBot) -> None:
    setup_windows, _service = windows
    dialog = setup_windows.open_settings()
    qtbot.addWidget(dialog)
    section = shortcuts_of(dialog)
    section.edits[HotkeyAction.CALL_BACK_MISSED].setText("shift + alt + b")
    dialog.form.behaviour.calm_check.setChecked(True)
    assert section.problem() == ""
    # What Save hands the controller (the other tabs need keys this test does not have).
    changed = setup_windows.controller.save(dialog.setup_values())
    assert changed["hotkey_call_back_missed"] == "Alt+Shift+B"
    config = load_config(setup_windows.controller.paths, env=NO_MACHINE)
    assert config.hotkey_call_back_missed == "Alt+Shift+B"
    assert config.calm_mode
    assert config.hotkeys_enabled


@pytest.mark.parametrize("language", ["en", "uk"], indirect=True)
def test_a_session_without_global_shortcuts_says_so_on_the_tab(
        qtbot: QtBot, language: str, basedir: Path,
        qloop: asyncio.AbstractEventLoop) -> None:
    paths = AppPaths.under(basedir).ensure()
    controller = SetupController(MemoryStore(), paths, Config(), env=NO_MACHINE)
    service = HotkeyService(qt_platform="wayland", env={"WAYLAND_DISPLAY": "wayland-0"})
    windows = SetupWindows(controller, hotkeys=service)
    try:
        dialog = windows.open_settings()
        qtbot.addWidget(dialog)
        dialog.tabs.setCurrentIndex(dialog.tabs.count() - 1)
        label = shortcuts_of(dialog).session_label
        assert label.isVisible()
        assert label.text().startswith(
            "Global shortcuts are not available in this desktop session" if language == "en"
            else "Глобальні сполучення клавіш недоступні в цьому сеансі робочого столу")
        dialog.resize(dialog.minimumSize().width(), 640)
        assert dialog.grab().save(str(ARTIFACTS / f"settings_shortcuts_wayland_{language}.png"))
        dialog.reject()
    finally:
        windows.close()
        qloop.run_until_complete(controller.aclose())


def test_while_a_shortcut_field_has_the_focus_ours_are_let_go(
        qtbot: QtBot, windows: tuple[SetupWindows, HotkeyService]) -> None:
    """Pressing Ctrl+Alt+O to record it must reach the field, not open the CRM."""
    setup_windows, service = windows
    backend = service._backend
    assert isinstance(backend, RecordingBackend)
    held = sorted(c.text for c in backend.held.values())
    assert "Ctrl+Alt+J" in held
    dialog = setup_windows.open_settings()
    qtbot.addWidget(dialog)
    edit = shortcuts_of(dialog).edits[HotkeyAction.SHOW_JOURNAL]
    edit.recording_changed.emit(True)  # what focusing the field sends
    assert backend.held == {}
    edit.recording_changed.emit(False)
    assert sorted(c.text for c in backend.held.values()) == held
    edit.recording_changed.emit(True)
    dialog.reject()  # closing the dialog always takes them back
    assert sorted(c.text for c in backend.held.values()) == held
