"""What every platform's system-wide shortcut backend offers, and which one this session
gets. No Qt: the Qt side (``services/hotkeys.py``) tells us the Qt platform's name and
reads the backend's events on the GUI thread."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from ringohunt_desktop.hotkeys.keys import KeyCombo

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    """How registering one shortcut went."""

    REGISTERED = "registered"
    TAKEN = "taken"  # another program holds this combination
    NO_SUCH_KEY = "no_such_key"  # the keyboard (layout) has no such key
    FAILED = "failed"  # anything else; the registration's ``detail`` says what


@dataclass(frozen=True, slots=True)
class Registration:
    outcome: Outcome
    detail: str = ""  # English, for the log and the diagnostics


class UnavailableReason(StrEnum):
    WAYLAND = "wayland"  # Wayland lets no program take keys from the others
    NO_X_SERVER = "no_x_server"  # the X connection could not be opened
    NO_LIBRARY = "no_library"  # python-xlib is missing (a broken install or bundle)
    UNSUPPORTED = "unsupported"  # macOS, offscreen, any other platform


class HotkeysUnavailable(Exception):
    def __init__(self, reason: UnavailableReason, detail: str = "") -> None:
        self.reason = reason
        self.detail = detail
        super().__init__(f"system-wide shortcuts unavailable ({reason.value}): {detail}")


class HotkeyBackend(Protocol):
    """One platform's system-wide shortcuts. ``hotkey_id`` is the caller's small positive
    number for a shortcut (1…0xBFFF, Windows' range for applications)."""

    name: str  # for the log and the self-test: "X11 XGrabKey (python-xlib 0.33)"

    def register(self, hotkey_id: int, combo: KeyCombo) -> Registration: ...

    def unregister(self, hotkey_id: int) -> None: ...

    def probe(self, combo: KeyCombo) -> Registration:
        """Whether ``combo`` could be registered now; holds nothing afterwards."""
        ...

    def close(self) -> None: ...


def is_wayland_session(env: Mapping[str, str]) -> bool:
    """Also on XWayland: an X client's grab there only sees keys while an X window has the
    focus, so a "global" shortcut would work in some windows and silently not in others."""
    return bool(env.get("WAYLAND_DISPLAY")) or env.get("XDG_SESSION_TYPE", "").lower() == "wayland"


def open_backend(qt_platform: str, env: Mapping[str, str],
                 platform: str = sys.platform) -> HotkeyBackend:
    """The backend for this session; raises :class:`HotkeysUnavailable` saying why not."""
    if platform == "win32" and qt_platform == "windows":
        from ringohunt_desktop.hotkeys.windows import WindowsHotkeys

        return WindowsHotkeys()
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        if is_wayland_session(env) or qt_platform.startswith("wayland"):
            raise HotkeysUnavailable(UnavailableReason.WAYLAND, "a Wayland session")
        if qt_platform != "xcb":
            raise HotkeysUnavailable(UnavailableReason.UNSUPPORTED,
                                     f"Qt platform {qt_platform!r}")
        try:
            from ringohunt_desktop.hotkeys.x11 import X11Hotkeys
        except ImportError as exc:
            raise HotkeysUnavailable(UnavailableReason.NO_LIBRARY, str(exc)) from exc
        return X11Hotkeys(env.get("DISPLAY"))
    raise HotkeysUnavailable(UnavailableReason.UNSUPPORTED, f"{platform}/{qt_platform}")


def backend_report(qt_platform: str, env: Mapping[str, str]) -> str:
    """One line for the self-test and the diagnostics: which backend, or why none. Opens
    and closes the backend (an X connection, nothing registered)."""
    try:
        backend = open_backend(qt_platform, env)
    except HotkeysUnavailable as exc:
        return f"none: {exc.reason.value} ({exc.detail})"
    try:
        return backend.name
    finally:
        backend.close()
