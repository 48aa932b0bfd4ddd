"""Small pieces the pop-up, the dialog and the tray share.

Everything that shows text coming from the CRM or the telephony API goes through these helpers,
so that no caller can accidentally render a contact's name as HTML (a name such as
``<img src=x>`` must stay literal text, never markup).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import html
import unicodedata
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainterPath, QPalette, QRegion
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from ringohunt_desktop.ui.theme import LIGHT, button_qss

# The light look's colours under their old names, for code not yet moved to ui/theme.py;
# new code takes ``theme.colours()`` so it follows the system's dark and high-contrast looks.
ACCENT_FOUND = QColor(LIGHT.stripe_found)
ACCENT_ATTENTION = QColor(LIGHT.stripe_attention)
ACCENT_FAILED = QColor(LIGHT.stripe_failed)
ACCENT_LOOKING = QColor(LIGHT.stripe_looking)

TEXT_PRIMARY = LIGHT.text
TEXT_SECONDARY = LIGHT.text_secondary
TEXT_MUTED = LIGHT.text_muted

BUTTON_QSS = button_qss(LIGHT)

# Analytics tools write these when they have no real value; showing them to an agent is noise.
_UTM_PLACEHOLDERS = frozenset({"none", "null", "undefined", "-", "n/a", "not set", "direct"})


def plain_label(text: str = "", object_name: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that never interprets its text as rich text (CRM data is untrusted)."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    if object_name:
        label.setObjectName(object_name)
    return label


def plain_tooltip(text: str) -> str:
    """Tooltip markup that shows ``text`` literally.

    Qt guesses whether a tooltip is rich text (``Qt::mightBeRichText``), so a name such as
    ``<b>x</b>`` would render bold. Escaping it inside an explicit rich-text document makes the
    guess irrelevant and keeps line breaks.
    """
    text = without_bidi_controls(text)
    if not text:
        return ""
    escaped = html.escape(text, quote=False).replace("\n", "<br>")
    return f"<qt>{escaped}</qt>"


def is_utm_placeholder(value: str) -> bool:
    """``(direct)``, ``(none)``, ``(not set)`` and friends carry no information for an agent."""
    cleaned = value.strip().lower()
    if not cleaned:
        return True
    if cleaned.startswith("(") and cleaned.endswith(")"):
        return True
    return cleaned in _UTM_PLACEHOLDERS


def meaningful_utm(value: str) -> str:
    """The value itself, or ``""`` when it is only a placeholder."""
    return "" if is_utm_placeholder(value) else value.strip()


def has_control_chars(text: str) -> bool:
    """True for C0/C1 controls and line/paragraph separators, which break CRM records."""
    return any(unicodedata.category(ch) in ("Cc", "Zl", "Zp") for ch in text)


def single_line(text: str) -> str:
    """Collapse whitespace runs (including newlines from the CRM) to single spaces."""
    return " ".join(text.split())


# Bidirectional controls a CRM or telephony string may carry: embeddings and overrides
# (LRE, RLE, PDF, LRO, RLO), isolates (LRI, RLI, FSI, PDI) and marks (LRM, RLM, ALM). One
# RIGHT-TO-LEFT OVERRIDE makes a name typed as "live" show as "evil".
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e"
                                        "\u2066\u2067\u2068\u2069\u200e\u200f\u061c"))
FIRST_STRONG_ISOLATE = "\u2068"
POP_DIRECTIONAL_ISOLATE = "\u2069"


def without_bidi_controls(text: str) -> str:
    return text.translate(_BIDI_CONTROLS)


def shown(text: str) -> str:
    """Foreign text (a CRM name, a company, a server's message) made ready for a label.

    One line; no bidi controls of its own; and when it holds right-to-left letters (Arabic,
    Hebrew), isolated (FSI … PDI) so it cannot reorder the words around it ("Manager:
    {name}", "{name} ({company})"). Left-to-right text is returned as it is.
    """
    cleaned = single_line(without_bidi_controls(text))
    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in cleaned):
        return f"{FIRST_STRONG_ISOLATE}{cleaned}{POP_DIRECTIONAL_ISOLATE}"
    return cleaned


def bring_to_front(window: QWidget) -> None:
    """Show a top-level window un-minimised and on top (the agent asked for it)."""
    window.show()
    window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.raise_()
    window.activateWindow()


def ask_save_path(title: str, default: Path, file_filter: str) -> Path | None:
    """The system's Save dialog; None when the agent cancels."""
    chosen, _filter = QFileDialog.getSaveFileName(None, title, str(default), file_filter)
    return Path(chosen) if chosen else None


def local_time(moment: datetime) -> datetime:
    """The one rule for times on screen: this computer's wall clock, the one on the agent's
    taskbar (Ringostat reports in the project's zone). Naive values are taken as local."""
    return moment.astimezone() if moment.tzinfo is not None else moment


def local_zone_name() -> str:
    """This computer's time zone as the agent knows it (e.g. "EET"), for the settings."""
    return datetime.now().astimezone().tzname() or ""


def waiting_label(count: int) -> str:
    """The one count of missed calls, worded the same in the tray, the journal and the inbox:
    client numbers still waiting for a call-back (not calls, not "missed")."""
    return QCoreApplication.translate("RingoHunt", "Numbers waiting for a call-back: {count}"
                                      ).format(count=count)


# -- rounded windows ------------------------------------------------------------------------


def see_through_windows_work() -> bool:
    """Whether the transparent pixels of a window show what lies beneath it.

    Windows, macOS and Wayland always composite. On X11 only a compositing manager does so,
    and it announces itself by owning the ``_NET_WM_CM_S<screen>`` selection; without one
    (a plain window manager, Xvfb, a remote session) transparent pixels paint black.
    """
    if QGuiApplication.platformName() != "xcb":
        return True
    return _x11_compositing_manager_running()


def _x11_compositing_manager_running() -> bool:
    """Asked each time (a compositor can start or stop during a shift); about a millisecond.
    Any doubt counts as "no compositor": a mask looks right either way."""
    try:
        x11 = ctypes.CDLL(ctypes.util.find_library("X11") or "libX11.so.6")
    except OSError:
        return False
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XDefaultScreen.argtypes = [ctypes.c_void_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XGetSelectionOwner.restype = ctypes.c_ulong
    x11.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = x11.XOpenDisplay(None)
    if not display:
        return False
    try:
        screen = x11.XDefaultScreen(display)
        atom = x11.XInternAtom(display, f"_NET_WM_CM_S{screen}".encode("ascii"), 0)
        return bool(atom) and x11.XGetSelectionOwner(display, atom) != 0
    finally:
        x11.XCloseDisplay(display)


class _RoundedMask(QObject):
    """Keeps a window's shape a rounded rectangle as it resizes."""

    def __init__(self, window: QWidget, radius: float) -> None:
        super().__init__(window)
        self._radius = radius
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QWidget):
            path = QPainterPath()
            path.addRoundedRect(QRectF(watched.rect()), self._radius, self._radius)
            watched.setMask(QRegion(path.toFillPolygon().toPolygon()))
        return False


def round_window_corners(window: QWidget, radius: float) -> None:
    """A frameless window drawn as a rounded card: see-through corners where the desktop
    composites, else a rounded window shape (a mask), so that no corner paints black. Give
    the card's border colour with :func:`set_window_edge`."""
    if see_through_windows_work():
        window.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        return
    window.setAutoFillBackground(True)
    _RoundedMask(window, radius)


def set_window_edge(window: QWidget, edge: str) -> None:
    """What the few pixels between a rounded mask's steps and the card's smooth curve show:
    the card's border colour (again whenever the system's look changes). A see-through
    window has no such pixels."""
    if window.testAttribute(Qt.WidgetAttribute.WA_TranslucentBackground):
        return
    palette = window.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(edge))
    window.setPalette(palette)


def wrapped_height(window: QWidget, width: int) -> int | None:
    """How tall ``window`` must be at ``width`` for its wrapped texts (None without a layout).
    adjustSize() ignores height-for-width, and cached values predate style-sheet fonts and
    text changes: a longer Ukrainian sentence then painted over the line below it."""
    layout = window.layout()
    if layout is None:
        return None
    window.ensurePolished()
    layout.invalidate()
    layout.activate()
    return (layout.heightForWidth(width) if layout.hasHeightForWidth()
            else layout.sizeHint().height())
