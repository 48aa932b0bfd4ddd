"""X11 system-wide shortcuts: ``XGrabKey`` on the root window through python-xlib. No Qt.

A connection of our own (not Qt's), so the grabs and their key events never mix with the
toolkit's. Another client already holding a combination answers the grab with BadAccess:
that is "taken". The server matches grabs on the exact modifier state, so each shortcut is
grabbed four times: with and without Caps Lock and Num Lock. The Qt side watches
:meth:`X11Hotkeys.fileno` and calls :meth:`X11Hotkeys.pressed` when it is readable.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import warnings
from collections.abc import Callable
from itertools import combinations
from typing import Any

import Xlib
from Xlib import XK, X
from Xlib import error as xerror
from Xlib.display import Display

from ringohunt_desktop.hotkeys.backend import Outcome, Registration
from ringohunt_desktop.hotkeys.keys import KeyCombo, Modifier

log = logging.getLogger(__name__)

#: Our canonical key names (keys.NAMED_KEYS) as X keysym names.
_KEYSYM_NAMES = {
    "Space": "space", "Insert": "Insert", "Del": "Delete", "Home": "Home", "End": "End",
    "PgUp": "Prior", "PgDown": "Next", "Up": "Up", "Down": "Down", "Left": "Left",
    "Right": "Right", "Pause": "Pause",
}

def dynamic_modules() -> list[str]:
    """The modules python-xlib imports by name at run time, which PyInstaller cannot see:
    the connection code per OS, the keysym tables, and an extension module for each
    extension the X server announces (build.spec bundles them; the self-test imports them).
    """
    import Xlib.ext

    extensions: list[tuple[str, str]] = getattr(Xlib.ext, "__extensions__", [])
    return ["Xlib.support.unix_connect", "Xlib.keysymdef.latin1", "Xlib.keysymdef.miscellany",
            *(f"Xlib.ext.{module}" for _name, module in extensions)]


def keysym_name(key: str) -> str:
    if len(key) == 1:
        return key.lower()  # letters' keysyms are the lower-case ones; digits are themselves
    return _KEYSYM_NAMES.get(key, key)  # F1…F24 are spelled the same


def _connect(display_name: str | None) -> Display:
    failure = ""
    # python-xlib 0.33 leaves the sockets of a failed connection open; they are collected
    # here, quietly, instead of warning at some later moment.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return Display(display_name)
        except (xerror.DisplayError, xerror.ConnectionClosedError, OSError) as exc:
            failure = str(exc)
        gc.collect()
    from ringohunt_desktop.hotkeys.backend import HotkeysUnavailable, UnavailableReason

    raise HotkeysUnavailable(UnavailableReason.NO_X_SERVER, failure)


class X11Hotkeys:
    def __init__(self, display_name: str | None = None) -> None:
        self._display = _connect(display_name)
        # Asynchronous errors of requests without their own handler are logged, not printed.
        self._display.set_error_handler(self._on_unexpected_error)
        self._root = self._display.screen().root
        version = ".".join(map(str, getattr(Xlib, "__version__", ())))
        self.name = f"X11 XGrabKey (python-xlib {version})"
        self._grabs: dict[int, tuple[int, int]] = {}  # id -> (keycode, modifier mask)
        self._combos: dict[int, KeyCombo] = {}
        self._last_release: dict[int, int] = {}  # keycode -> server time of its release
        self._read_modifier_masks()

    # -- the modifier masks of this server's keyboard map ---------------------------------

    def _mask_of(self, keysym_names: tuple[str, ...], fallback: int) -> int:
        keycodes = {self._display.keysym_to_keycode(XK.string_to_keysym(name))
                    for name in keysym_names} - {0}
        for index, mod_keycodes in enumerate(self._display.get_modifier_mapping()):
            if keycodes & set(mod_keycodes):
                return 1 << index
        return fallback

    def _read_modifier_masks(self) -> None:
        self._masks = {
            Modifier.CTRL: X.ControlMask,
            Modifier.SHIFT: X.ShiftMask,
            Modifier.ALT: self._mask_of(("Alt_L", "Alt_R", "Meta_L"), X.Mod1Mask),
            Modifier.META: self._mask_of(("Super_L", "Super_R"), X.Mod4Mask),
        }
        num_lock = self._mask_of(("Num_Lock",), X.Mod2Mask)
        ignored = (X.LockMask, num_lock)
        # Every combination of Caps Lock and Num Lock: the grab must match in each.
        self._variants = [sum(subset) for size in range(len(ignored) + 1)
                          for subset in combinations(ignored, size)]
        self._ignored_mask = X.LockMask | num_lock

    def _on_unexpected_error(self, err: Any, *_request: Any) -> None:
        log.warning("X11 shortcuts: unexpected X error %s", type(err).__name__)

    # -- HotkeyBackend -----------------------------------------------------------------------

    def fileno(self) -> int:
        return int(self._display.fileno())

    def _resolve(self, combo: KeyCombo) -> tuple[int, int] | None:
        keysym = XK.string_to_keysym(keysym_name(combo.key))
        keycode = int(self._display.keysym_to_keycode(keysym)) if keysym else 0
        if not keycode:
            return None
        mask = 0
        for modifier in combo.modifiers:
            mask |= self._masks[modifier]
        return keycode, mask

    def _grab(self, keycode: int, mask: int) -> Registration:
        catcher = xerror.CatchError(xerror.BadAccess, xerror.BadValue)
        for variant in self._variants:
            self._root.grab_key(keycode, mask | variant, True, X.GrabModeAsync,
                                X.GrabModeAsync, onerror=catcher)
        self._display.sync()  # the server answers every grab before we read its verdict
        failure = catcher.get_error()
        if failure is None:
            return Registration(Outcome.REGISTERED)
        self._ungrab(keycode, mask)  # only our own grabs go: a half-grab is no grab
        if isinstance(failure, xerror.BadAccess):
            return Registration(Outcome.TAKEN, "BadAccess: another X client grabbed it")
        return Registration(Outcome.FAILED, type(failure).__name__)

    def _ungrab(self, keycode: int, mask: int) -> None:
        catcher = xerror.CatchError()
        for variant in self._variants:
            self._root.ungrab_key(keycode, mask | variant, onerror=catcher)
        self._display.sync()

    def register(self, hotkey_id: int, combo: KeyCombo) -> Registration:
        self.unregister(hotkey_id)
        resolved = self._resolve(combo)
        if resolved is None:
            return Registration(Outcome.NO_SUCH_KEY, f"no keycode for {combo.key}")
        result = self._grab(*resolved)
        if result.outcome is Outcome.REGISTERED:
            self._grabs[hotkey_id] = resolved
            self._combos[hotkey_id] = combo
        return result

    def unregister(self, hotkey_id: int) -> None:
        self._combos.pop(hotkey_id, None)
        grab = self._grabs.pop(hotkey_id, None)
        if grab is not None:
            self._ungrab(*grab)

    def probe(self, combo: KeyCombo) -> Registration:
        resolved = self._resolve(combo)
        if resolved is None:
            return Registration(Outcome.NO_SUCH_KEY, f"no keycode for {combo.key}")
        if resolved in self._grabs.values():
            return Registration(Outcome.REGISTERED)  # ours already
        result = self._grab(*resolved)
        if result.outcome is Outcome.REGISTERED:
            self._ungrab(*resolved)
        return result

    def pressed(self, on_lost: Callable[[str], None] | None = None) -> list[int]:
        """The ids of the shortcuts pressed since the last call, without waiting.

        Holding the keys repeats them: X sends release+press pairs with one time stamp,
        which count once. A changed keyboard map (another layout) re-grabs everything."""
        found: list[int] = []
        while self._display.pending_events():
            event = self._display.next_event()
            if event.type == X.KeyRelease:
                self._last_release[event.detail] = event.time
            elif event.type == X.KeyPress:
                if self._last_release.get(event.detail) == event.time:
                    continue  # auto-repeat
                state = event.state & 0xFF & ~self._ignored_mask
                for hotkey_id, (keycode, mask) in self._grabs.items():
                    if keycode == event.detail and mask == state:
                        found.append(hotkey_id)
            elif event.type == X.MappingNotify and event.request in (X.MappingKeyboard,
                                                                    X.MappingModifier):
                self._display.refresh_keyboard_mapping(event)
                self._regrab_all(on_lost)
        return found

    def _regrab_all(self, on_lost: Callable[[str], None] | None) -> None:
        combos = dict(self._combos)
        for hotkey_id in list(self._grabs):
            self.unregister(hotkey_id)
        self._read_modifier_masks()
        for hotkey_id, combo in combos.items():
            result = self.register(hotkey_id, combo)
            if result.outcome is not Outcome.REGISTERED and on_lost is not None:
                on_lost(combo.text)

    def close(self) -> None:
        for hotkey_id in list(self._grabs):
            self.unregister(hotkey_id)
        with contextlib.suppress(xerror.ConnectionClosedError, OSError):
            self._display.close()
