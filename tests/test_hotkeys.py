"""System-wide shortcuts without a display: the shortcut text as hostile input, the settings
(off by default, IT defaults, round trip), which backend a session gets, Windows' key codes,
and the Qt service's bookkeeping over a backend of our own (the real X11 backend is tested
on a real X server in test_realdisplay_hotkeys.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pytestqt.qtbot import QtBot

from ringohunt_desktop.config import ConfigError, load_config, save_user_settings
from ringohunt_desktop.hotkeys.backend import (
    HotkeysUnavailable,
    Outcome,
    Registration,
    UnavailableReason,
    open_backend,
)
from ringohunt_desktop.hotkeys.keys import (
    HotkeyAction,
    HotkeyError,
    KeyCombo,
    KeyProblem,
    parse_hotkey,
    parse_hotkey_setting,
)
from ringohunt_desktop.hotkeys.windows import (
    MOD_ALT,
    MOD_CONTROL,
    MOD_NOREPEAT,
    MOD_WIN,
    modifier_flags,
    virtual_key,
)
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.services.hotkeys import HotkeyService, HotkeyState, describe_status

# -- the text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "canonical"), [
    ("Ctrl+Alt+O", "Ctrl+Alt+O"),
    (" ctrl + alt + o ", "Ctrl+Alt+O"),
    ("Alt+Control+n", "Ctrl+Alt+N"),
    ("Win+Shift+F5", "Shift+Meta+F5"),
    ("Super+Ctrl+1", "Ctrl+Meta+1"),
    ("Ctrl+Shift+PageDown", "Ctrl+Shift+PgDown"),
    ("Ctrl+Alt+Delete", "Ctrl+Alt+Del"),
    ("Meta+Ctrl+Space", "Ctrl+Meta+Space"),
    ("Ctrl+Alt+F24", "Ctrl+Alt+F24"),
])
def test_shortcuts_are_read_in_any_spelling_and_written_one_way(text: str,
                                                                canonical: str) -> None:
    assert parse_hotkey(text).text == canonical
    assert parse_hotkey(canonical).text == canonical


@pytest.mark.parametrize(("text", "problem"), [
    ("x" * 65, KeyProblem.TOO_LONG),
    ("Ctrl+Alt+\x00", KeyProblem.CONTROL_CHARACTERS),
    ("Ctrl+Alt+O\n[settings]", KeyProblem.CONTROL_CHARACTERS),
    ("Ctrl+Alt", KeyProblem.NO_KEY),
    ("Ctrl++O", KeyProblem.NO_KEY),
    ("Ctrl+Alt+Щ", KeyProblem.NOT_LATIN),
    ("Ctrl+Alt+Tab", KeyProblem.UNKNOWN_KEY),
    ("Ctrl+Alt+F25", KeyProblem.UNKNOWN_KEY),
    ("Ctrl+Alt+<script>", KeyProblem.UNKNOWN_KEY),
    ("Ctrl+Alt+O+P", KeyProblem.TWO_KEYS),
    ("Ctrl+Ctrl+O", KeyProblem.REPEATED_MODIFIER),
    ("Ctrl+C", KeyProblem.TOO_FEW_MODIFIERS),
    ("O", KeyProblem.TOO_FEW_MODIFIERS),
])
def test_what_is_not_a_usable_shortcut_says_why(text: str, problem: KeyProblem) -> None:
    with pytest.raises(HotkeyError) as caught:
        parse_hotkey(text)
    assert caught.value.problem is problem
    assert str(caught.value).startswith("not a shortcut: ")
    assert all(ch.isprintable() for ch in str(caught.value))


@given(st.text(max_size=200))
def test_any_text_is_a_shortcut_or_a_hotkey_error(text: str) -> None:
    try:
        combo = parse_hotkey(text)
    except HotkeyError as exc:
        detail = exc.detail
    else:
        assert parse_hotkey(combo.text) == combo
        assert len(combo.modifiers) >= 2
        return
    assert len(detail) <= 24
    assert all(ch.isprintable() for ch in detail)


def test_an_empty_setting_means_no_shortcut_for_that_action() -> None:
    assert parse_hotkey_setting("  ") == ""
    assert parse_hotkey_setting("alt+ctrl+j") == "Ctrl+Alt+J"


# -- the settings -----------------------------------------------------------------------------


def no_machine() -> dict[str, str]:
    return {"RINGOHUNT_MACHINE_CONFIG": os.devnull}


def test_shortcuts_and_calm_mode_are_off_by_default(tmp_path: Path) -> None:
    config = load_config(AppPaths.under(tmp_path), env=no_machine())
    assert config.hotkeys_enabled is False
    assert config.calm_mode is False
    assert set(config.hotkeys) == {action.value for action in HotkeyAction}
    assert config.hotkeys["open_in_crm"] == "Ctrl+Alt+O"
    # Every default is a usable shortcut, and no two actions share one.
    assert len({parse_hotkey(text).text for text in config.hotkeys.values()}) == len(HotkeyAction)


def test_the_agents_shortcuts_round_trip_through_the_settings_file(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path).ensure()
    save_user_settings(paths, {"hotkeys_enabled": True, "hotkey_open_in_crm": "Ctrl+Shift+F9",
                               "hotkey_show_journal": "", "calm_mode": True})
    config = load_config(paths, env=no_machine())
    assert config.hotkeys_enabled is True
    assert config.calm_mode is True
    assert config.hotkeys["open_in_crm"] == "Ctrl+Shift+F9"
    assert config.hotkeys["show_journal"] == ""
    assert config.sources["hotkey_open_in_crm"] == "user settings"


def test_it_can_deploy_and_lock_shortcuts_machine_wide(tmp_path: Path) -> None:
    machine = tmp_path / "defaults.ini"
    machine.write_text("[settings]\nhotkeys_enabled = true\nhotkey_call_back_missed = "
                       "alt+shift+b\ncalm_mode = yes\nlocked = hotkeys_enabled\n",
                       encoding="utf-8")
    paths = AppPaths.under(tmp_path / "user").ensure()
    save_user_settings(paths, {"hotkeys_enabled": False})  # the pinned value wins
    config = load_config(paths, env={"RINGOHUNT_MACHINE_CONFIG": str(machine)})
    assert config.hotkeys_enabled is True
    assert "hotkeys_enabled" in config.locked
    assert config.hotkeys["call_back_missed"] == "Alt+Shift+B"
    assert config.calm_mode is True


def test_a_garbage_shortcut_in_a_settings_file_names_the_file_and_the_key(
        tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path).ensure()
    paths.settings_file.write_text("[settings]\nhotkey_show_journal = Ctrl+Alt+\x07\x1b[31m\n",
                                   encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(paths, env=no_machine())
    message = str(caught.value)
    assert "user settings" in message
    assert "hotkey_show_journal" in message
    assert "\x1b" not in message


# -- which backend ----------------------------------------------------------------------------


@pytest.mark.parametrize(("qt_platform", "env", "platform", "reason"), [
    ("xcb", {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux",
     UnavailableReason.WAYLAND),
    ("xcb", {"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}, "linux",
     UnavailableReason.WAYLAND),
    ("wayland", {}, "linux", UnavailableReason.WAYLAND),
    ("offscreen", {}, "linux", UnavailableReason.UNSUPPORTED),
    ("cocoa", {}, "darwin", UnavailableReason.UNSUPPORTED),
])
def test_sessions_without_system_wide_shortcuts_say_why(
        qt_platform: str, env: dict[str, str], platform: str,
        reason: UnavailableReason) -> None:
    with pytest.raises(HotkeysUnavailable) as caught:
        open_backend(qt_platform, env, platform)
    assert caught.value.reason is reason


def test_an_x_server_that_is_not_there_is_unavailable_not_a_crash() -> None:
    with pytest.raises(HotkeysUnavailable) as caught:
        open_backend("xcb", {"DISPLAY": ":199"}, "linux")
    assert caught.value.reason is UnavailableReason.NO_X_SERVER


def test_windows_key_codes_and_modifiers() -> None:
    assert virtual_key("O") == 0x4F
    assert virtual_key("7") == 0x37
    assert virtual_key("F1") == 0x70
    assert virtual_key("F24") == 0x87
    assert virtual_key("PgDown") == 0x22
    assert virtual_key("Del") == 0x2E
    flags = modifier_flags(parse_hotkey("Ctrl+Alt+Meta+O"))
    assert flags == MOD_CONTROL | MOD_ALT | MOD_WIN | MOD_NOREPEAT
    from ringohunt_desktop.hotkeys.windows import WindowsHotkeys

    with pytest.raises(OSError, match="Windows only"):
        WindowsHotkeys()


# -- the service over a backend of our own ------------------------------------------------------


class RecordingBackend:
    """Holds combinations like a platform would; ``taken`` ones belong to "another program"."""

    name = "recording"

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken = taken or set()
        self.held: dict[int, KeyCombo] = {}
        self.closed = False

    def register(self, hotkey_id: int, combo: KeyCombo) -> Registration:
        if combo.text in self.taken:
            return Registration(Outcome.TAKEN, "held elsewhere")
        self.held[hotkey_id] = combo
        return Registration(Outcome.REGISTERED)

    def unregister(self, hotkey_id: int) -> None:
        self.held.pop(hotkey_id, None)

    def probe(self, combo: KeyCombo) -> Registration:
        return Registration(Outcome.TAKEN if combo.text in self.taken else Outcome.REGISTERED)

    def close(self) -> None:
        self.held.clear()
        self.closed = True


BINDINGS = {"open_in_crm": "Ctrl+Alt+O", "create_contact": "Ctrl+Alt+N",
            "call_back_missed": "ctrl+alt+o", "show_journal": "Ctrl+Alt+\x01",
            "search_contacts": ""}


@pytest.mark.gui
def test_the_service_says_what_each_shortcut_does_and_reports_a_conflict_once(
        qtbot: QtBot) -> None:
    backend = RecordingBackend(taken={"Ctrl+Alt+N"})
    service = HotkeyService(backend_factory=lambda: backend)
    reported: list[str] = []
    service.problem_found.connect(reported.append)
    service.configure(False, BINDINGS)
    assert {s.state for s in service.statuses().values()} == {HotkeyState.OFF}
    assert backend.held == {}

    service.configure(True, BINDINGS)
    states = {action.value: status.state for action, status in service.statuses().items()}
    assert states == {"open_in_crm": HotkeyState.ACTIVE, "create_contact": HotkeyState.TAKEN,
                      "call_back_missed": HotkeyState.DUPLICATE,
                      "show_journal": HotkeyState.INVALID, "search_contacts": HotkeyState.OFF}
    assert [c.text for c in backend.held.values()] == ["Ctrl+Alt+O"]
    assert "Ctrl+Alt+N is already taken by another program" in reported[0]
    assert len(reported) == 3  # taken, duplicate, invalid
    service.configure(True, BINDINGS)  # the same troubles are not said again
    assert len(reported) == 3

    with qtbot.waitSignal(service.triggered) as pressed:
        service._pressed(1)  # what the platform's event reader calls
    assert pressed.args == ["open_in_crm"]

    assert service.check("create_contact", "ctrl+alt+n").state is HotkeyState.TAKEN
    assert service.check("create_contact", "Ctrl+Alt+M").state is HotkeyState.ACTIVE
    assert service.check("create_contact", "Щ").state is HotkeyState.INVALID

    service.configure(False, BINDINGS)
    assert backend.closed
    service.close()


@pytest.mark.gui
def test_a_session_without_shortcuts_says_so_once_and_keeps_running(qtbot: QtBot) -> None:
    service = HotkeyService(qt_platform="offscreen", env={})
    reported: list[str] = []
    service.problem_found.connect(reported.append)
    assert service.availability().startswith(
        "Global shortcuts are not available in this desktop session")
    valid = {**BINDINGS, "show_journal": "Ctrl+Alt+J"}
    service.configure(True, valid)
    service.configure(True, valid)
    assert reported == [service.unavailable()]
    status = service.statuses()[HotkeyAction.OPEN_IN_CRM]
    assert status.state is HotkeyState.UNAVAILABLE
    assert describe_status(status) == service.unavailable()
    assert service.check("open_in_crm", "Ctrl+Alt+P").state is HotkeyState.UNAVAILABLE
    service.close()


@pytest.mark.gui
def test_a_wm_hotkey_message_is_picked_out_by_the_native_event_filter(qtbot: QtBot) -> None:
    """Windows posts WM_HOTKEY to the GUI thread's queue; Qt hands every message to the
    native event filter. Read here from a MSG built in memory, as Windows would lay it out."""
    from ctypes import addressof, wintypes

    from PySide6.QtCore import QByteArray

    from ringohunt_desktop.hotkeys.windows import WM_HOTKEY, WindowsHotkeys
    from ringohunt_desktop.services.hotkeys import _WindowsMessageFilter

    backend = object.__new__(WindowsHotkeys)  # user32 itself exists on Windows only
    backend._msg_type = wintypes.MSG
    backend._ids = {3}
    message = wintypes.MSG()
    message.message = WM_HOTKEY
    message.wParam = 3
    assert backend.hotkey_id(addressof(message)) == 3
    pressed: list[int] = []
    message_filter = _WindowsMessageFilter(backend.hotkey_id, pressed.append)
    kind = QByteArray(b"windows_generic_MSG")
    assert message_filter.nativeEventFilter(kind, addressof(message)) == (True, 0)
    assert pressed == [3]
    message.wParam = 9  # not one of ours
    assert message_filter.nativeEventFilter(kind, addressof(message)) == (False, 0)
    message.wParam, message.message = 3, 0x0100  # WM_KEYDOWN
    assert message_filter.nativeEventFilter(kind, addressof(message)) == (False, 0)
    assert message_filter.nativeEventFilter(b"xcb_generic_event_t", 0) == (False, 0)
    assert pressed == [3]
