"""Screen readers and the keyboard, in one place: spoken announcements, the visible focus
ring every window shares, and the in-app shortcuts that reach any window (and the call
pop-up, which never takes focus by itself) without a mouse.

Announcements go through Qt's accessibility bridge (AT-SPI on Linux, UI Automation on
Windows): :func:`announce` is what a screen reader speaks without the focus moving.
"""

from __future__ import annotations

from typing import Final

import shiboken6
from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt, Signal
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QFocusFrame, QWidget

__all__ = ["AppKeys", "FocusRing", "announce", "install_focus_ring"]


def announce(source: QObject, message: str, *, assertive: bool = False) -> None:
    """Have screen readers speak ``message`` (about ``source``) without moving the focus.

    Polite (the default) waits until the reader has finished what it is saying; assertive
    interrupts, for what the agent must hear now (a call ringing)."""
    message = message.strip()
    if not message:
        return
    event = QAccessibleAnnouncementEvent(source, message)
    event.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive if assertive
                        else QAccessible.AnnouncementPoliteness.Polite)
    QAccessible.updateAccessibility(event)


# The ring follows the palette's highlight colour, so a dark or high-contrast theme keeps
# it visible without a second rule here.
_RING_QSS: Final = "QFocusFrame { border: 2px solid palette(highlight); border-radius: 5px; }"


class FocusRing(QObject):
    """One visible focus indicator for every window of the app.

    The windows' style sheets draw their own borders, which hides the platform's focus
    rectangle; rather than a ``:focus`` rule in each style sheet (and a fight over
    specificity with every accent button), a :class:`QFocusFrame` is drawn around whichever
    widget has the keyboard focus.
    """

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._frame: QFocusFrame | None = None
        app.focusChanged.connect(self._on_focus_changed)

    @property
    def widget(self) -> QWidget | None:
        """The widget the ring is drawn around (None when hidden)."""
        frame = self._valid_frame()
        if frame is None or not frame.isVisible():
            return None
        return frame.widget()

    def _valid_frame(self) -> QFocusFrame | None:
        # The frame lives among the focused widget's siblings and dies with their window.
        frame = self._frame
        return frame if frame is not None and shiboken6.isValid(frame) else None

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        frame = self._valid_frame()
        if new is None or new.isWindow() or new.parentWidget() is None:
            if frame is not None:
                frame.setWidget(None)  # type: ignore[arg-type]  # Qt takes nullptr: untrack
            return
        if frame is None:
            frame = QFocusFrame(new)
            frame.setStyleSheet(_RING_QSS)
            frame.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            self._frame = frame
        frame.setWidget(new)


_focus_ring: FocusRing | None = None


def install_focus_ring(app: QApplication) -> FocusRing:
    """The app's one :class:`FocusRing` (made on the first call)."""
    global _focus_ring
    if _focus_ring is None or not shiboken6.isValid(_focus_ring):
        _focus_ring = FocusRing(app, parent=app)
    return _focus_ring


class AppKeys(QObject):
    """Shortcuts that work in every window of the app while one of them is active.

    System-wide hotkeys (reaching the app from other programs) are separate and
    configurable; these are the fixed in-app ones:

    - Ctrl+Shift+P: go to the newest call pop-up (it never takes the focus by itself);
    - Ctrl+J: the call journal; Ctrl+B: the contact book.

    Signals:
        panel_requested, journal_requested, contacts_requested: the key was pressed.
    """

    panel_requested = Signal()
    journal_requested = Signal()
    contacts_requested = Signal()

    PANEL: Final = QKeyCombination(
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier, Qt.Key.Key_P)
    JOURNAL: Final = QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_J)
    CONTACTS: Final = QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_B)

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        pressed = QKeyCombination(modifiers, Qt.Key(event.key()))
        for combination, signal in ((self.PANEL, self.panel_requested),
                                    (self.JOURNAL, self.journal_requested),
                                    (self.CONTACTS, self.contacts_requested)):
            if pressed == combination:
                signal.emit()
                return True
        return False
