"""Windows system-wide shortcuts: ``RegisterHotKey`` / ``UnregisterHotKey`` (user32, through
ctypes). No Qt.

Registered for the GUI thread (no window handle), so Windows posts WM_HOTKEY to that
thread's message queue; Qt's event dispatcher hands every message to the native event
filter that ``services/hotkeys.py`` installs, which asks :meth:`WindowsHotkeys.hotkey_id`.
ERROR_HOTKEY_ALREADY_REGISTERED is the "taken" answer. MOD_NOREPEAT: holding the keys
fires once.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from typing import Any

from ringohunt_desktop.hotkeys.backend import Outcome, Registration
from ringohunt_desktop.hotkeys.keys import KeyCombo, Modifier

MOD_ALT = 0x0001
MOD_CONTROL = 0x0002
MOD_SHIFT = 0x0004
MOD_WIN = 0x0008
MOD_NOREPEAT = 0x4000
WM_HOTKEY = 0x0312
ERROR_HOTKEY_ALREADY_REGISTERED = 1409
PROBE_ID = 0xBFFE  # the last ids of the application range, kept for probing

_MODIFIER_FLAGS = {Modifier.ALT: MOD_ALT, Modifier.CTRL: MOD_CONTROL, Modifier.SHIFT: MOD_SHIFT,
                   Modifier.META: MOD_WIN}
_NAMED_VK = {
    "Space": 0x20, "PgUp": 0x21, "PgDown": 0x22, "End": 0x23, "Home": 0x24, "Left": 0x25,
    "Up": 0x26, "Right": 0x27, "Down": 0x28, "Insert": 0x2D, "Del": 0x2E, "Pause": 0x13,
}


def virtual_key(key: str) -> int:
    """The virtual-key code of a canonical key name (letters and digits are their ASCII
    upper-case codes; F1 is 0x70)."""
    if len(key) == 1:
        return ord(key.upper())
    if key.startswith("F") and key[1:].isdigit():
        return 0x6F + int(key[1:])
    return _NAMED_VK[key]


def modifier_flags(combo: KeyCombo) -> int:
    flags = MOD_NOREPEAT
    for modifier in combo.modifiers:
        flags |= _MODIFIER_FLAGS[modifier]
    return flags


class WindowsHotkeys:
    name = "Windows RegisterHotKey (user32)"
    _register: Callable[..., int]
    _unregister: Callable[..., int]
    _last_error: Callable[[], int]
    _msg_type: Any

    def __init__(self) -> None:
        if sys.platform != "win32":
            raise OSError("RegisterHotKey exists on Windows only")
        from ctypes import wintypes

        user32 = ctypes.WinDLL("user32", use_last_error=True)
        self._register = user32.RegisterHotKey
        self._register.argtypes = (wintypes.HWND, ctypes.c_int, wintypes.UINT, wintypes.UINT)
        self._register.restype = wintypes.BOOL
        self._unregister = user32.UnregisterHotKey
        self._unregister.argtypes = (wintypes.HWND, ctypes.c_int)
        self._unregister.restype = wintypes.BOOL
        self._msg_type = wintypes.MSG
        self._last_error = ctypes.get_last_error
        self._ids: set[int] = set()

    def _try(self, hotkey_id: int, combo: KeyCombo) -> Registration:
        if self._register(None, hotkey_id, modifier_flags(combo), virtual_key(combo.key)):
            return Registration(Outcome.REGISTERED)
        code = self._last_error()
        if code == ERROR_HOTKEY_ALREADY_REGISTERED:
            return Registration(Outcome.TAKEN, "ERROR_HOTKEY_ALREADY_REGISTERED")
        return Registration(Outcome.FAILED, f"RegisterHotKey failed with error {code}")

    def register(self, hotkey_id: int, combo: KeyCombo) -> Registration:
        self.unregister(hotkey_id)
        result = self._try(hotkey_id, combo)
        if result.outcome is Outcome.REGISTERED:
            self._ids.add(hotkey_id)
        return result

    def unregister(self, hotkey_id: int) -> None:
        if hotkey_id in self._ids:
            self._ids.discard(hotkey_id)
            self._unregister(None, hotkey_id)

    def probe(self, combo: KeyCombo) -> Registration:
        result = self._try(PROBE_ID, combo)
        if result.outcome is Outcome.REGISTERED:
            self._unregister(None, PROBE_ID)
        return result

    def hotkey_id(self, message_address: int) -> int | None:
        """The id of the shortcut a native MSG (at ``message_address``) reports, or None."""
        message = self._msg_type.from_address(message_address)
        if message.message != WM_HOTKEY or message.hWnd:
            return None
        hotkey_id = int(message.wParam)
        return hotkey_id if hotkey_id in self._ids else None

    def close(self) -> None:
        for hotkey_id in list(self._ids):
            self.unregister(hotkey_id)
