"""Screen readers and the keyboard, in one place: spoken announcements, the visible focus
ring every window shares, and the in-app shortcuts that reach any window (and the call
pop-up, which never takes focus by itself) without a mouse.

Announcements go through Qt's accessibility bridge (AT-SPI on Linux, UI Automation on
Windows): :func:`announce` is what a screen reader speaks without the focus moving.
"""

from __future__ import annotations

from typing import Final

import shiboken6
from PySide6.QtCore import QEvent, QKeyCombination, QObject, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAccessible,
    QAccessibleAnnouncementEvent,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QApplication, QWidget

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


class _Ring(QWidget):
    """The ring itself: a see-through child laid over the focused widget, so no parent's
    edge can clip it (a table filling its pane would hide a ring drawn outside)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("focusRing")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        outer = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        # The palette's highlight: a dark or high-contrast theme keeps the ring visible
        # without a second rule here; the thin inner line in the base colour keeps it
        # apart from a button filled with a similar colour.
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
        painter.drawRoundedRect(outer, 5, 5)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Base), 1))
        painter.drawRoundedRect(outer.adjusted(1.5, 1.5, -1.5, -1.5), 4, 4)


class FocusRing(QObject):
    """One visible focus indicator for every window of the app.

    The windows' style sheets draw their own borders, which hides the platform's focus
    rectangle; rather than a ``:focus`` rule in each style sheet (and a fight over
    specificity with every accent button), a ring is drawn over whichever widget has the
    keyboard focus.
    """

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ring: _Ring | None = None
        self._target: QWidget | None = None
        app.focusChanged.connect(self._on_focus_changed)

    @property
    def widget(self) -> QWidget | None:
        """The widget the ring is drawn around (None when hidden)."""
        ring = self._ring
        if ring is None or not shiboken6.isValid(ring) or not ring.isVisible():
            return None
        return ring.parentWidget()

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        old = self._target
        if old is not None and shiboken6.isValid(old):
            old.removeEventFilter(self)
        self._target = None
        ring = self._ring if self._ring is not None and shiboken6.isValid(self._ring) else None
        if new is None or new.isWindow():
            if ring is not None:
                ring.hide()
            return
        if ring is None:
            ring = _Ring(new)
            self._ring = ring
        else:
            ring.setParent(new)
        self._target = new
        new.installEventFilter(self)
        ring.setGeometry(new.rect())
        ring.raise_()
        ring.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        ring = self._ring
        if (watched is self._target and event.type() == QEvent.Type.Resize
                and ring is not None and shiboken6.isValid(ring)
                and isinstance(watched, QWidget)):
            ring.setGeometry(watched.rect())
        return False


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
