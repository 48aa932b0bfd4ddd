"""System-wide shortcuts on the Qt side: registers the agent's shortcuts with the platform's
backend (``ringohunt_desktop.hotkeys``), reads its key events on the GUI thread, and says in
the agent's language what worked and what did not. QtCore only.

X11: the backend's own X connection is watched with a :class:`QSocketNotifier`. Windows:
WM_HOTKEY arrives in the GUI thread's message queue and is picked out by a
:class:`QAbstractNativeEventFilter`. Anywhere else (Wayland, macOS) the service says that
system-wide shortcuts are not available in this desktop session; the in-app ways stay.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import (
    QAbstractNativeEventFilter,
    QByteArray,
    QCoreApplication,
    QObject,
    QSocketNotifier,
    QTimer,
    Signal,
)

from ringohunt_desktop.hotkeys.backend import (
    HotkeyBackend,
    HotkeysUnavailable,
    Outcome,
    UnavailableReason,
    open_backend,
)
from ringohunt_desktop.hotkeys.keys import HotkeyAction, HotkeyError, KeyProblem, parse_hotkey

log = logging.getLogger(__name__)

translate = QCoreApplication.translate  # lupdate finds translate("Context", "…")

BackendFactory = Callable[[], HotkeyBackend]


class HotkeyState(StrEnum):
    OFF = "off"  # shortcuts switched off, or none set for this action
    ACTIVE = "active"
    TAKEN = "taken"  # another program holds the combination
    DUPLICATE = "duplicate"  # an earlier action has the same combination
    INVALID = "invalid"
    NO_SUCH_KEY = "no_such_key"
    FAILED = "failed"
    UNAVAILABLE = "unavailable"  # no system-wide shortcuts in this session


_FROM_OUTCOME = {Outcome.REGISTERED: HotkeyState.ACTIVE, Outcome.TAKEN: HotkeyState.TAKEN,
                 Outcome.NO_SUCH_KEY: HotkeyState.NO_SUCH_KEY, Outcome.FAILED: HotkeyState.FAILED}


@dataclass(frozen=True, slots=True)
class HotkeyStatus:
    action: HotkeyAction
    text: str  # the combination as set ("" = none)
    state: HotkeyState
    problem: KeyProblem | None = None  # for INVALID
    detail: str = ""  # English: the backend's words, or the invalid part

    @property
    def is_problem(self) -> bool:
        return self.state not in (HotkeyState.OFF, HotkeyState.ACTIVE)


def action_name(action: HotkeyAction) -> str:
    names = {
        HotkeyAction.OPEN_IN_CRM: translate("HotkeyService", "Open the caller in the CRM"),
        HotkeyAction.CREATE_CONTACT: translate("HotkeyService",
                                               "Create a contact for the unknown caller"),
        HotkeyAction.CALL_BACK_MISSED: translate("HotkeyService",
                                                 "Call back the oldest missed call"),
        HotkeyAction.SHOW_JOURNAL: translate("HotkeyService", "Show the journal"),
        HotkeyAction.SEARCH_CONTACTS: translate("HotkeyService", "Search the contact book"),
    }
    return names[action]


def describe_key_problem(error: HotkeyError) -> str:
    """Why a typed shortcut is not one, in the agent's language."""
    texts = {
        KeyProblem.TOO_LONG: translate("HotkeyService", "This is too long to be a shortcut."),
        KeyProblem.CONTROL_CHARACTERS: translate(
            "HotkeyService", "This contains characters a shortcut cannot have."),
        KeyProblem.NO_KEY: translate(
            "HotkeyService", "Name a key besides Ctrl, Alt, Shift and Meta, for example "
            "Ctrl+Alt+O."),
        KeyProblem.UNKNOWN_KEY: translate(
            "HotkeyService", "“{key}” is not a key a shortcut can use: use a Latin letter, a "
            "digit, F1–F24, Space, Insert, Del, Home, End, PgUp, PgDown or an arrow."),
        KeyProblem.NOT_LATIN: translate(
            "HotkeyService", "“{key}”: name the key by its Latin letter, as on an English "
            "keyboard (for example Ctrl+Alt+O)."),
        KeyProblem.TWO_KEYS: translate(
            "HotkeyService", "A shortcut is modifiers and one key, for example Ctrl+Alt+O."),
        KeyProblem.REPEATED_MODIFIER: translate("HotkeyService", "{key} is named twice."),
        KeyProblem.TOO_FEW_MODIFIERS: translate(
            "HotkeyService", "Use at least two of Ctrl, Alt, Shift and Meta (for example "
            "Ctrl+Alt+O): with fewer, the key would stop working in every other program."),
    }
    return texts[error.problem].format(key=error.detail)


def unavailable_text(reason: UnavailableReason | None = None) -> str:
    if reason is UnavailableReason.NO_LIBRARY:
        return translate("HotkeyService", "System-wide shortcuts are not available: a part of "
                         "RingoHunt is missing (reinstall it). The buttons and menus work as "
                         "usual.")
    return translate("HotkeyService", "Global shortcuts are not available in this desktop "
                     "session. The buttons, menus and keys inside RingoHunt's windows work as "
                     "usual.")


def describe_status(status: HotkeyStatus) -> str:
    """The one line the settings and the tray show for a shortcut; "" when nothing to say."""
    key = status.text
    if status.state is HotkeyState.ACTIVE:
        return translate("HotkeyService", "{key} works in every program.").format(key=key)
    if status.state is HotkeyState.TAKEN:
        return translate("HotkeyService", "{key} is already taken by another program. "
                         "Choose another combination.").format(key=key)
    if status.state is HotkeyState.DUPLICATE:
        return translate("HotkeyService", "{key} is already used for another action "
                         "here.").format(key=key)
    if status.state is HotkeyState.NO_SUCH_KEY:
        return translate("HotkeyService", "{key}: this keyboard has no such key.").format(key=key)
    if status.state is HotkeyState.FAILED:
        return translate("HotkeyService", "{key} could not be set up ({detail}).").format(
            key=key, detail=status.detail)
    if status.state is HotkeyState.INVALID and status.problem is not None:
        return describe_key_problem(HotkeyError(status.problem, status.detail))
    if status.state is HotkeyState.UNAVAILABLE:
        return unavailable_text()
    return ""


def _shown(text: str) -> str:
    """Text that is not a shortcut, safe to log and show: printable, short."""
    return "".join(ch if ch.isprintable() else "?" for ch in text)[:64]


class _WindowsMessageFilter(QAbstractNativeEventFilter):
    def __init__(self, hotkey_id_of: Callable[[int], int | None],
                 on_pressed: Callable[[int], None]) -> None:
        super().__init__()
        self._hotkey_id_of = hotkey_id_of
        self._on_pressed = on_pressed

    def nativeEventFilter(self, eventType: QByteArray | bytes | bytearray | memoryview,  # noqa: N803
                          message: int, /) -> object:
        kind = eventType.data() if isinstance(eventType, QByteArray) else bytes(eventType)
        if kind == b"windows_generic_MSG":
            try:
                hotkey_id = self._hotkey_id_of(int(message))
            except (TypeError, ValueError, OSError):
                hotkey_id = None
            if hotkey_id is not None:
                self._on_pressed(hotkey_id)
                return True, 0
        return False, 0


class HotkeyService(QObject):
    """Signals:
        triggered (str action): the agent pressed that action's shortcut (a HotkeyAction).
        statuses_changed (): :meth:`statuses` or :meth:`unavailable` changed.
        problem_found (str text): a shortcut the agent turned on does not work, said once
            per combination and reason (the tray shows it).
    """

    triggered = Signal(str)
    statuses_changed = Signal()
    problem_found = Signal(str)

    def __init__(self, *, qt_platform: str = "", backend_factory: BackendFactory | None = None,
                 env: Mapping[str, str] | None = None, parent: QObject | None = None) -> None:
        """``qt_platform``: ``QGuiApplication.platformName()`` ("xcb", "windows"…).
        ``backend_factory`` replaces the platform's backend (tests)."""
        super().__init__(parent)
        self._factory = backend_factory
        self._qt_platform = qt_platform
        self._env = env
        self._backend: HotkeyBackend | None = None
        self._notifier: QSocketNotifier | None = None
        self._filter: _WindowsMessageFilter | None = None
        self._enabled = False
        self._bindings: dict[HotkeyAction, str] = {}
        self._statuses: dict[HotkeyAction, HotkeyStatus] = {}
        self._unavailable: UnavailableReason | None = None
        self._suspended = False
        self._reported: set[tuple[str, str]] = set()
        self._ids = {action: index + 1 for index, action in enumerate(HotkeyAction)}

    # -- what the app sets and reads ---------------------------------------------------------

    @property
    def enabled(self) -> bool:
        return self._enabled

    @property
    def backend_name(self) -> str:
        return self._backend.name if self._backend is not None else ""

    def unavailable(self) -> str:
        """Why system-wide shortcuts cannot work in this session ("" when they can or are
        off)."""
        return unavailable_text(self._unavailable) if self._unavailable is not None else ""

    def availability(self) -> str:
        """Like :meth:`unavailable`, finding out first when shortcuts are off (opens the
        platform's connection for a moment, registers nothing)."""
        if self._backend is None:
            backend = self._open_backend(keep=False)
            if backend is not None:
                backend.close()
        return self.unavailable()

    def statuses(self) -> dict[HotkeyAction, HotkeyStatus]:
        return dict(self._statuses)

    def configure(self, enabled: bool, bindings: Mapping[str, str]) -> None:
        """Register ``bindings`` (action name → "Ctrl+Alt+O", "" = none) when ``enabled``;
        release every shortcut otherwise. Never raises: what fails is in :meth:`statuses`."""
        self._enabled = enabled
        self._suspended = False
        self._bindings = {action: str(bindings.get(action.value, "")) for action in HotkeyAction}
        if not enabled:
            self._close_backend()
            self._unavailable = None
            self._statuses = {action: HotkeyStatus(action, text, HotkeyState.OFF)
                              for action, text in self._bindings.items()}
            self.statuses_changed.emit()
            return
        backend = self._open_backend()
        statuses: dict[HotkeyAction, HotkeyStatus] = {}
        taken_here: dict[str, HotkeyAction] = {}
        for action, text in self._bindings.items():
            hotkey_id = self._ids[action]
            if backend is not None:
                backend.unregister(hotkey_id)
            statuses[action] = self._register(backend, action, text, hotkey_id, taken_here)
        self._statuses = statuses
        for status in statuses.values():
            if status.is_problem and status.state is not HotkeyState.UNAVAILABLE:
                log.info("shortcut %s for %s: %s %s", status.text, status.action.value,
                         status.state.value, status.detail)
                self._report(status.text, status.state.value, describe_status(status))
        if self._unavailable is not None:
            self._report("", self._unavailable.value, self.unavailable())
        self.statuses_changed.emit()
        QTimer.singleShot(0, self._read_events)  # events the replies brought along

    def suspend(self, suspended: bool) -> None:
        """While the agent records a combination in the settings, ours are let go, so the
        keys reach the field instead of running the action; taken back afterwards."""
        if suspended == self._suspended:
            return
        self._suspended = suspended
        if self._backend is None:
            return
        if suspended:
            for hotkey_id in self._ids.values():
                self._backend.unregister(hotkey_id)
        else:
            self.configure(self._enabled, {a.value: text for a, text in self._bindings.items()})

    def check(self, action: str, text: str) -> HotkeyStatus:
        """What would happen with ``text`` for ``action``, without keeping anything (the
        settings dialog asks while the agent types)."""
        try:
            which = HotkeyAction(action)
        except ValueError:
            which = HotkeyAction.OPEN_IN_CRM
        if not text.strip():
            return HotkeyStatus(which, "", HotkeyState.OFF)
        try:
            combo = parse_hotkey(text)
        except HotkeyError as exc:
            return HotkeyStatus(which, _shown(text), HotkeyState.INVALID, exc.problem, exc.detail)
        current = self._statuses.get(which)
        if (current is not None and current.state is HotkeyState.ACTIVE
                and current.text == combo.text):
            return current
        backend = self._backend if self._backend is not None else self._open_backend(
            keep=False)
        if backend is None:
            return HotkeyStatus(which, combo.text, HotkeyState.UNAVAILABLE)
        try:
            result = backend.probe(combo)
        except Exception as exc:  # a dying X connection: say it, never crash the dialog
            log.warning("shortcut check failed: %s", exc)
            return HotkeyStatus(which, combo.text, HotkeyState.FAILED, detail=type(exc).__name__)
        finally:
            if backend is not self._backend:
                backend.close()
        return HotkeyStatus(which, combo.text, _FROM_OUTCOME[result.outcome],
                            detail=result.detail)

    def close(self) -> None:
        self._close_backend()

    # -- internals ---------------------------------------------------------------------------

    def _register(self, backend: HotkeyBackend | None, action: HotkeyAction, text: str,
                  hotkey_id: int, taken_here: dict[str, HotkeyAction]) -> HotkeyStatus:
        if not text.strip():
            return HotkeyStatus(action, "", HotkeyState.OFF)
        try:
            combo = parse_hotkey(text)
        except HotkeyError as exc:
            return HotkeyStatus(action, _shown(text), HotkeyState.INVALID, exc.problem, exc.detail)
        if backend is None:
            return HotkeyStatus(action, combo.text, HotkeyState.UNAVAILABLE)
        if combo.text in taken_here:
            return HotkeyStatus(action, combo.text, HotkeyState.DUPLICATE)
        try:
            result = backend.register(hotkey_id, combo)
        except Exception as exc:  # the platform failing in a way nobody foresaw: say it
            log.warning("registering %s failed", combo.text, exc_info=True)
            return HotkeyStatus(action, combo.text, HotkeyState.FAILED,
                                detail=type(exc).__name__)
        if result.outcome is Outcome.REGISTERED:
            taken_here[combo.text] = action
        return HotkeyStatus(action, combo.text, _FROM_OUTCOME[result.outcome],
                            detail=result.detail)

    def _report(self, key: str, reason: str, text: str) -> None:
        if (key, reason) in self._reported:
            return
        self._reported.add((key, reason))
        self.problem_found.emit(text)

    def _open_backend(self, *, keep: bool = True) -> HotkeyBackend | None:
        if self._backend is not None:
            return self._backend
        try:
            if self._factory is not None:
                backend = self._factory()
            else:
                backend = open_backend(self._qt_platform,
                                       os.environ if self._env is None else self._env)
        except HotkeysUnavailable as exc:
            log.info("%s", exc)
            self._unavailable = exc.reason
            return None
        except Exception as exc:
            log.warning("system-wide shortcuts could not start", exc_info=True)
            self._unavailable = UnavailableReason.UNSUPPORTED
            log.debug("backend failure: %s", exc)
            return None
        self._unavailable = None
        if not keep:
            return backend
        self._backend = backend
        log.info("system-wide shortcuts through %s", backend.name)
        fileno = getattr(backend, "fileno", None)
        if callable(fileno):
            self._notifier = QSocketNotifier(int(fileno()), QSocketNotifier.Type.Read, self)
            self._notifier.activated.connect(self._read_events)
        hotkey_id_of = getattr(backend, "hotkey_id", None)
        app = QCoreApplication.instance()
        if callable(hotkey_id_of) and app is not None:
            self._filter = _WindowsMessageFilter(hotkey_id_of, self._pressed)
            app.installNativeEventFilter(self._filter)
        return backend

    def _close_backend(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        app = QCoreApplication.instance()
        if self._filter is not None and app is not None:
            app.removeNativeEventFilter(self._filter)
        self._filter = None
        if self._backend is not None:
            try:
                self._backend.close()
            except Exception:
                log.debug("closing the shortcut backend failed", exc_info=True)
            self._backend = None

    def _read_events(self) -> None:
        backend = self._backend
        pressed = getattr(backend, "pressed", None)
        if backend is None or not callable(pressed):
            return
        try:
            hotkey_ids: list[int] = pressed(self._lost)
        except Exception as exc:  # the X server went away: stop listening, say it once
            log.warning("system-wide shortcuts stopped: %s", exc)
            self._close_backend()
            self._unavailable = UnavailableReason.NO_X_SERVER
            self._statuses = {action: HotkeyStatus(action, status.text, HotkeyState.UNAVAILABLE)
                              if status.state is HotkeyState.ACTIVE else status
                              for action, status in self._statuses.items()}
            self.statuses_changed.emit()
            return
        for hotkey_id in hotkey_ids:
            self._pressed(hotkey_id)

    def _lost(self, key: str) -> None:
        """The keyboard map changed and ``key`` could not be taken again."""
        for action, status in self._statuses.items():
            if status.text == key:
                self._statuses[action] = HotkeyStatus(action, key, HotkeyState.TAKEN)
                self._report(key, HotkeyState.TAKEN.value,
                             describe_status(self._statuses[action]))
        self.statuses_changed.emit()

    def _pressed(self, hotkey_id: int) -> None:
        for action, known_id in self._ids.items():
            if known_id == hotkey_id:
                log.info("shortcut pressed: %s", action.value)
                self.triggered.emit(action.value)
