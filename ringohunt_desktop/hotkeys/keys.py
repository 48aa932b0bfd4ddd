"""System-wide shortcuts as text ("Ctrl+Alt+O"): parsed and checked once, here. No Qt.

The text comes from a settings file, the environment, an IT admin's defaults or the settings
dialog, so it is hostile input: anything that is not a shortcut this app can register is a
:class:`HotkeyError` that says what is wrong, never an exception of another kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["MAX_TEXT_CHARS", "HotkeyAction", "HotkeyError", "KeyCombo", "KeyProblem",
           "Modifier", "parse_hotkey", "parse_hotkey_setting", "setting_key"]

#: Longer text is refused before it is looked at ("Ctrl+Alt+Shift+Meta+PageDown" is 28).
MAX_TEXT_CHARS = 64


class HotkeyAction(StrEnum):
    """What a system-wide shortcut does; the value names its setting (``hotkey_<value>``)."""

    OPEN_IN_CRM = "open_in_crm"  # the current caller's card in NetHunt
    CREATE_CONTACT = "create_contact"  # a new contact for the current unknown caller
    CALL_BACK_MISSED = "call_back_missed"  # the missed call waiting longest
    SHOW_JOURNAL = "show_journal"
    SEARCH_CONTACTS = "search_contacts"  # the contact book, search box focused


def setting_key(action: HotkeyAction) -> str:
    return f"hotkey_{action.value}"


class Modifier(StrEnum):
    CTRL = "Ctrl"
    ALT = "Alt"
    SHIFT = "Shift"
    META = "Meta"  # the Windows key; "Super" on Linux


_MODIFIER_NAMES = {
    "ctrl": Modifier.CTRL, "control": Modifier.CTRL, "ctl": Modifier.CTRL,
    "alt": Modifier.ALT, "option": Modifier.ALT,
    "shift": Modifier.SHIFT,
    "meta": Modifier.META, "super": Modifier.META, "win": Modifier.META,
    "windows": Modifier.META, "cmd": Modifier.META,
}
_MODIFIER_ORDER = (Modifier.CTRL, Modifier.ALT, Modifier.SHIFT, Modifier.META)

#: Keys other than letters, digits and F1–F24, by their canonical name (Qt's own spelling,
#: so a sequence Qt writes reads back), with the other spellings people type.
NAMED_KEYS: dict[str, tuple[str, ...]] = {
    "Space": ("space",),
    "Insert": ("insert", "ins"),
    "Del": ("del", "delete"),
    "Home": ("home",),
    "End": ("end",),
    "PgUp": ("pgup", "pageup", "page up", "prior"),
    "PgDown": ("pgdown", "pagedown", "page down", "next", "pgdn"),
    "Up": ("up",),
    "Down": ("down",),
    "Left": ("left",),
    "Right": ("right",),
    "Pause": ("pause",),
}
_NAMED = {alias: name for name, aliases in NAMED_KEYS.items() for alias in aliases}
_FUNCTION_KEY = re.compile(r"f([1-9]|1[0-9]|2[0-4])")


class KeyProblem(StrEnum):
    TOO_LONG = "too_long"
    CONTROL_CHARACTERS = "control_characters"
    NO_KEY = "no_key"  # only modifiers, or an empty part ("Ctrl++O")
    UNKNOWN_KEY = "unknown_key"  # ``detail`` names it
    NOT_LATIN = "not_latin"  # a Cyrillic letter: shortcuts name the key's Latin letter
    TWO_KEYS = "two_keys"
    REPEATED_MODIFIER = "repeated_modifier"
    TOO_FEW_MODIFIERS = "too_few_modifiers"  # it would take the key from every program


_ENGLISH = {
    KeyProblem.TOO_LONG: "too long to be a shortcut",
    KeyProblem.CONTROL_CHARACTERS: "contains control characters",
    KeyProblem.NO_KEY: "names no key besides Ctrl, Alt, Shift or Meta",
    KeyProblem.UNKNOWN_KEY: "{detail!r} is not a key a shortcut can use (a Latin letter, a "
                            "digit, F1–F24, Space, Insert, Del, Home, End, PgUp, PgDown or "
                            "an arrow)",
    KeyProblem.NOT_LATIN: "{detail!r}: name the key by its Latin letter (as on an English "
                          "keyboard)",
    KeyProblem.TWO_KEYS: "names two keys; a shortcut is modifiers and one key",
    KeyProblem.REPEATED_MODIFIER: "names {detail} twice",
    KeyProblem.TOO_FEW_MODIFIERS: "use at least two of Ctrl, Alt, Shift and Meta (for example "
                                  "Ctrl+Alt+O): with fewer it would take the key from every "
                                  "other program",
}


class HotkeyError(ValueError):
    """``problem`` says what is wrong, ``detail`` the part of the text concerned (printable,
    short); ``str()`` is the English explanation for logs and the command line."""

    def __init__(self, problem: KeyProblem, detail: str = "") -> None:
        self.problem = problem
        self.detail = detail
        super().__init__("not a shortcut: " + _ENGLISH[problem].format(detail=detail))


@dataclass(frozen=True, slots=True)
class KeyCombo:
    """Modifiers and one key. ``key`` is canonical: "A"…"Z", "0"…"9", "F1"…"F24" or a
    name of :data:`NAMED_KEYS`."""

    modifiers: frozenset[Modifier]
    key: str

    @property
    def text(self) -> str:
        """"Ctrl+Alt+O": the form settings store and messages show."""
        return "+".join([*(m.value for m in _MODIFIER_ORDER if m in self.modifiers), self.key])

    def __str__(self) -> str:
        return self.text


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)[:24]


def _key_name(token: str) -> str:
    low = token.lower()
    if len(token) == 1 and ("a" <= low <= "z" or "0" <= low <= "9"):
        return token.upper()
    if _FUNCTION_KEY.fullmatch(low):
        return low.upper()
    if low in _NAMED:
        return _NAMED[low]
    if any(ch.isalpha() and not ch.isascii() for ch in token):
        raise HotkeyError(KeyProblem.NOT_LATIN, _printable(token))
    raise HotkeyError(KeyProblem.UNKNOWN_KEY, _printable(token))


def parse_hotkey(text: str) -> KeyCombo:
    """``"ctrl + alt + o"`` → ``KeyCombo({Ctrl, Alt}, "O")``; raises :class:`HotkeyError`."""
    if len(text) > MAX_TEXT_CHARS:
        raise HotkeyError(KeyProblem.TOO_LONG)
    if any(not ch.isprintable() for ch in text):
        raise HotkeyError(KeyProblem.CONTROL_CHARACTERS)
    parts = [part.strip() for part in text.strip().split("+")]
    modifiers: set[Modifier] = set()
    key = ""
    for part in parts:
        if not part:
            raise HotkeyError(KeyProblem.NO_KEY)
        modifier = _MODIFIER_NAMES.get(part.lower())
        if modifier is not None:
            if modifier in modifiers:
                raise HotkeyError(KeyProblem.REPEATED_MODIFIER, modifier.value)
            modifiers.add(modifier)
            continue
        if key:
            raise HotkeyError(KeyProblem.TWO_KEYS)
        key = _key_name(part)
    if not key:
        raise HotkeyError(KeyProblem.NO_KEY)
    if len(modifiers) < 2:
        raise HotkeyError(KeyProblem.TOO_FEW_MODIFIERS)
    return KeyCombo(frozenset(modifiers), key)


def parse_hotkey_setting(text: str) -> str:
    """A shortcut setting's value: ``""`` (no shortcut for that action) or the canonical
    text of a valid shortcut. Raises :class:`HotkeyError` (a ``ValueError``)."""
    if not text.strip():
        return ""
    return parse_hotkey(text).text
