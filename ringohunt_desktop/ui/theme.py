"""The app's colours and text sizes, taken from the system's look (issue 16).

One place answers "which colour is muted text?" and "how big is a 9 pt label here?": every
window builds its style sheet from :func:`colours` and :func:`pt`, and rebuilds it when the
system changes its look while the app runs (dark/light switch, a high-contrast theme, a bigger
system font). Nothing here is a user option: the app follows the operating system.

- Light or dark: the system palette decides (``QStyleHints.colorScheme()`` is a hint that
  arrives together with a new palette; when the two disagree, e.g. a style without dark
  support, the palette is what the unstyled widgets show, so our colours follow it).
- High contrast: ``QAccessibilityHints.contrastPreference()`` (Windows' and macOS' setting;
  Qt 6.10+), or a palette that is itself a high-contrast one (GTK's HighContrast theme on
  Linux reports no preference). In high contrast the app uses the system's own colours only:
  such themes are chosen by people who need exactly those colours.
- Text size: the application font is the system's (Windows "Text size", the desktop's font
  setting); style sheets give sizes relative to it, never absolute points.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Final

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontInfo, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QHeaderView, QWidget

# The size the designs were drawn at: Windows' and most Linux desktops' default UI font.
DESIGN_POINT_SIZE: Final = 9.0
# WCAG 2.x AA for body text.
MIN_TEXT_CONTRAST: Final = 4.5


@dataclass(frozen=True, slots=True)
class Colours:
    """Every colour the app paints with, as ``#rrggbb`` names for style sheets.

    ``on_*`` colours are text drawn on the colour of the same name.
    """

    dark: bool
    high_contrast: bool
    # Backgrounds: the window, the cards/tables/inputs on it, a quieter inset (the picker).
    window: str
    surface: str
    surface_alt: str
    # Text on any of the backgrounds.
    text: str
    text_secondary: str
    text_muted: str
    # Lines.
    border: str
    input_border: str
    divider: str
    # Pointer over / selected rows.
    hover: str
    selection: str
    on_selection: str
    selection_hover: str
    focus: str
    # The blue primary action, and links.
    accent: str
    accent_hover: str
    on_accent: str
    accent_disabled: str
    link: str
    # The green "Call" action.
    call: str
    call_hover: str
    on_call: str
    call_disabled: str
    disabled_text: str
    disabled_border: str
    # Meaning by colour (always with words beside it).
    success: str
    warning: str
    error: str
    alert: str  # the strongest red: "pop-ups stopped", a stale panel
    missed: str  # missed-call rows and waiting clients
    missed_background: str
    unsure: str
    dimmed: str  # secondary table cells (manager)
    # Banners: background, text, border.
    error_banner: str
    on_error_banner: str
    error_banner_border: str
    note_banner: str
    on_note_banner: str
    note_banner_border: str
    progress_track: str
    # The pop-up's state stripe and the direction/state icons: shapes, not text. Chosen to stay
    # distinguishable for the common colour-vision deficiencies (lightness differs too).
    stripe_found: str
    stripe_attention: str
    stripe_failed: str
    stripe_looking: str

    def qcolor(self, name: str) -> QColor:
        return QColor(str(getattr(self, name)))

    def text_pairs(self) -> list[tuple[str, str, str]]:
        """(what, text colour, background) for every text the app draws: the contrast test
        walks these, so a new colour pair belongs here."""
        pairs: list[tuple[str, str, str]] = []
        for background in ("window", "surface", "surface_alt"):
            for fg in ("text", "text_secondary", "text_muted", "link", "success", "warning",
                       "error", "alert", "unsure", "dimmed"):
                pairs.append((f"{fg} on {background}", getattr(self, fg),
                              getattr(self, background)))
        pairs += [
            ("text on selection", self.on_selection, self.selection),
            ("text on hover", self.text, self.hover),
            ("text on selection hover", self.text, self.selection_hover),
            ("primary button", self.on_accent, self.accent),
            ("primary button hovered", self.on_accent, self.accent_hover),
            ("call button", self.on_call, self.call),
            ("call button hovered", self.on_call, self.call_hover),
            ("missed row", self.missed, self.missed_background),
            ("error banner", self.on_error_banner, self.error_banner),
            ("note banner", self.on_note_banner, self.note_banner),
        ]
        return pairs


LIGHT: Final = Colours(
    dark=False, high_contrast=False,
    window="#f5f7fa", surface="#ffffff", surface_alt="#f7f9fc",
    text="#1d2433", text_secondary="#4a5568", text_muted="#5f6b7e",
    border="#d3d9e3", input_border="#c5cdd9", divider="#e3e7ee",
    hover="#f1f4f9", selection="#d6e4fd", on_selection="#1d2433", selection_hover="#e6eefc",
    focus="#2563eb",
    accent="#2563eb", accent_hover="#1d4fd8", on_accent="#ffffff", accent_disabled="#a9bff3",
    link="#1d4fd8",
    call="#1e7b45", call_hover="#176437", on_call="#ffffff", call_disabled="#a8d5bb",
    disabled_text="#a0a8b6", disabled_border="#e0e4ea",
    success="#15803d", warning="#8a5a00", error="#b3261e", alert="#8e1b10",
    missed="#b3261e", missed_background="#fdecea", unsure="#8f5000", dimmed="#5a6478",
    error_banner="#fdecea", on_error_banner="#8c1d13", error_banner_border="#f5c2bd",
    note_banner="#fff6e0", on_note_banner="#6b4800", note_banner_border="#f1d9a0",
    progress_track="#e3e7ee",
    stripe_found="#2f9e5d", stripe_attention="#e0a000", stripe_failed="#8a94a6",
    stripe_looking="#5b8def",
)

DARK: Final = Colours(
    dark=True, high_contrast=False,
    window="#1b1f27", surface="#242a33", surface_alt="#2a313b",
    text="#e8ecf2", text_secondary="#c3cad6", text_muted="#a3adbd",
    border="#3d4654", input_border="#556070", divider="#343c48",
    hover="#2f3742", selection="#1f3a66", on_selection="#f2f5fa", selection_hover="#283f66",
    focus="#7aa7ff",
    accent="#2f6ae0", accent_hover="#2358c4", on_accent="#ffffff", accent_disabled="#34466b",
    link="#8ab4ff",
    call="#1e7b45", call_hover="#176437", on_call="#ffffff", call_disabled="#2c4a39",
    disabled_text="#6b7483", disabled_border="#343c48",
    success="#6ed79a", warning="#f0b64a", error="#ff958a", alert="#ffa194",
    missed="#ff958a", missed_background="#3d2326", unsure="#f0a45a", dimmed="#a3adbd",
    error_banner="#3d2326", on_error_banner="#ffc1b8", error_banner_border="#6b3030",
    note_banner="#3a3015", on_note_banner="#f3d27a", note_banner_border="#6b5520",
    progress_track="#343c48",
    stripe_found="#3fb872", stripe_attention="#e8ac1c", stripe_failed="#8a94a6",
    stripe_looking="#6f9cf2",
)


# -- reading the system -------------------------------------------------------------------

def relative_luminance(colour: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    rgb = colour.toRgb()
    return (0.2126 * channel(rgb.redF()) + 0.7152 * channel(rgb.greenF())
            + 0.0722 * channel(rgb.blueF()))


def contrast_ratio(first: QColor | str, second: QColor | str) -> float:
    """WCAG 2.x contrast ratio, 1 (same) … 21 (black on white)."""
    a = relative_luminance(QColor(first))
    b = relative_luminance(QColor(second))
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)


def palette_is_dark(palette: QPalette) -> bool:
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return relative_luminance(window) < relative_luminance(text)


def palette_looks_high_contrast(palette: QPalette) -> bool:
    """A high-contrast theme that does not set the contrast preference (GTK's HighContrast;
    used only where Qt cannot read the system's contrast setting).

    Ordinary themes have near-black text on near-white too, so that alone says nothing; what
    sets these themes apart is that the selection (white on blue in Adwaita: 3.9:1) is
    readable as well.
    """
    role = QPalette.ColorRole
    return (contrast_ratio(palette.color(role.WindowText), palette.color(role.Window)) >= 15
            and contrast_ratio(palette.color(role.Text), palette.color(role.Base)) >= 15
            and contrast_ratio(palette.color(role.ButtonText), palette.color(role.Button)) >= 15
            and contrast_ratio(palette.color(role.HighlightedText),
                               palette.color(role.Highlight)) >= MIN_TEXT_CONTRAST)


def _readable(candidate: QColor, background: QColor, fallback: QColor) -> str:
    if contrast_ratio(candidate, background) >= MIN_TEXT_CONTRAST:
        return str(candidate.name())
    return str(fallback.name())


def high_contrast_colours(palette: QPalette) -> Colours:
    """The system's own high-contrast colours: one background, one text colour, the system's
    selection; no tints of our own (a tint is what such a theme is chosen to avoid)."""
    role = QPalette.ColorRole
    background = palette.color(role.Window)
    text = palette.color(role.WindowText)
    if contrast_ratio(text, background) < MIN_TEXT_CONTRAST:  # a broken palette: be safe
        background, text = QColor("#000000"), QColor("#ffffff")
    highlight = palette.color(role.Highlight)
    on_highlight = QColor(_readable(palette.color(role.HighlightedText), highlight,
                                    background if contrast_ratio(background, highlight)
                                    >= contrast_ratio(text, highlight) else text))
    if contrast_ratio(on_highlight, highlight) < MIN_TEXT_CONTRAST:
        highlight, on_highlight = text, background
    link = _readable(palette.color(role.Link), background, text)
    disabled = palette.color(QPalette.ColorGroup.Disabled, role.WindowText)
    bg, fg = str(background.name()), str(text.name())
    sel, on_sel = str(highlight.name()), str(on_highlight.name())
    same = {f.name: fg for f in fields(Colours) if f.name not in ("dark", "high_contrast")}
    same.update(
        window=bg, surface=bg, surface_alt=bg, hover=bg, selection=sel, on_selection=on_sel,
        selection_hover=bg, focus=sel, accent=sel, accent_hover=sel, on_accent=on_sel,
        accent_disabled=bg, link=link, call=sel, call_hover=sel, on_call=on_sel,
        call_disabled=bg, disabled_text=str(disabled.name()),
        disabled_border=str(disabled.name()), missed_background=bg,
        error_banner=bg, note_banner=bg, progress_track=bg,
        stripe_found=fg, stripe_attention=fg, stripe_failed=fg, stripe_looking=fg,
    )
    return Colours(dark=palette_is_dark(palette), high_contrast=True, **same)


# Platforms whose contrast setting Qt reads (QAccessibilityHints): their ordinary palettes may
# look like high contrast ones (Windows 11's selection is white on #005fb8, 6.3:1), so there
# the setting alone decides.
_PLATFORMS_WITH_CONTRAST_SETTING: Final = frozenset({"windows", "cocoa", "ios", "android"})


def colours_for(palette: QPalette, *, high_contrast: bool,
                guess_from_palette: bool = True) -> Colours:
    if high_contrast or (guess_from_palette and palette_looks_high_contrast(palette)):
        return high_contrast_colours(palette)
    return DARK if palette_is_dark(palette) else LIGHT


def system_wants_high_contrast() -> bool:
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    hints = app.styleHints()
    accessibility = hints.accessibility()
    return bool(accessibility.contrastPreference() == Qt.ContrastPreference.HighContrast)


def _system_colours() -> Colours:
    guess = QGuiApplication.platformName() not in _PLATFORMS_WITH_CONTRAST_SETTING
    return colours_for(QGuiApplication.palette(), high_contrast=system_wants_high_contrast(),
                       guess_from_palette=guess)


_cached: Colours | None = None


def colours() -> Colours:
    """The colours for the system's look right now (light ones without an application).

    Table models ask for every cell they paint, so the answer is kept until the watcher
    hears of a change.
    """
    global _cached
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return LIGHT
    if _cached is None or watcher() is None:
        _cached = _system_colours()
    return _cached


def _forget_colours() -> None:
    global _cached
    _cached = None


def text_scale() -> float:
    """The system's text size against the one the windows were designed at (1.5 = 150 %)."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return 1.0
    size = QFontInfo(QGuiApplication.font()).pointSizeF()
    return max(0.8, size / DESIGN_POINT_SIZE) if size > 0 else 1.0


def pt(design_size: float) -> str:
    """A style-sheet font size: ``design_size`` points at the design's text size, scaled
    with the system's."""
    return f"{design_size * text_scale():.2f}pt"


def px(design_pixels: int) -> int:
    """A length that holds text (a fixed width, a text box's height) scaled with the text."""
    return round(design_pixels * max(1.0, text_scale()))


def resize_for_text(window: QWidget, width: int, height: int) -> None:
    """Open a window at its design size grown with the text, but never larger than the
    screen: at 150 % text a 980 px journal would otherwise start half off a laptop screen."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    wanted_width, wanted_height = px(width), px(height)
    if screen is not None:
        area = screen.availableGeometry()
        wanted_width = min(wanted_width, max(width, round(area.width() * 0.95)))
        wanted_height = min(wanted_height, max(height, round(area.height() * 0.9)))
    window.resize(wanted_width, wanted_height)


def scale_sections(header: QHeaderView, widths: Sequence[tuple[int, int]]) -> None:
    """Give a table's columns their design widths at this text size. Again only when the text
    size changed: a colour switch must not undo the widths the agent dragged."""
    scale = text_scale()
    if header.property("ringohuntTextScale") == scale:
        return
    header.setProperty("ringohuntTextScale", scale)
    for column, width in widths:
        header.resizeSection(column, px(width))


def button_qss(c: Colours) -> str:
    """The plain button every window shares; windows add their own accent buttons after it."""
    return f"""QPushButton {{
    font-size: {pt(10)}; padding: 5px 12px; border-radius: 6px;
    border: 1px solid {c.input_border}; background: {c.surface}; color: {c.text};
}}
QPushButton:hover {{ background: {c.hover}; }}
QPushButton:disabled {{ color: {c.disabled_text}; border-color: {c.disabled_border}; }}"""


# Labels that carry a meaning by colour (settings and dialog status lines, banners).
def tone_qss(tone: str, c: Colours) -> str:
    styles = {
        "hint": f"color: {c.text_muted};",
        "ok": f"color: {c.success}; font-weight: 600;",
        "error": f"color: {c.error};",
        "smallError": f"color: {c.error}; font-size: {pt(9)};",
        "note": f"color: {c.on_note_banner if c.dark else c.warning}; font-size: {pt(9)};",
        "secondary": f"color: {c.text_secondary};",
        "muted": f"color: {c.text_muted};",
        "alert": f"color: {c.alert}; font-weight: 600;",
        "errorBanner": (f"background: {c.error_banner}; color: {c.on_error_banner};"
                        f" border: 1px solid {c.error_banner_border}; border-radius: 6px;"
                        " padding: 6px 8px;"),
        "noteBanner": (f"background: {c.note_banner}; color: {c.on_note_banner};"
                       f" border: 1px solid {c.note_banner_border}; border-radius: 6px;"
                       " padding: 6px 8px;"),
    }
    return styles.get(tone, "")


_TONE_PROPERTY: Final = "ringohuntTone"
_TONE_LOOK_PROPERTY: Final = "ringohuntToneLook"  # the look it was last coloured for
_look_number = 0  # counts the system's looks seen; a toned widget is stale when behind


class _ToneRefresher(QObject):
    """Recolours a toned widget that was hidden during a change of look when it shows."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and isinstance(watched, QWidget):
            _retone_if_stale(watched)
        return False


_refresher: _ToneRefresher | None = None


def _apply_tone(widget: QWidget, tone: str) -> None:
    widget.setStyleSheet(tone_qss(tone, colours()))
    widget.setProperty(_TONE_LOOK_PROPERTY, _look_number)


def _retone_if_stale(widget: QWidget) -> None:
    tone = widget.property(_TONE_PROPERTY)
    if isinstance(tone, str) and tone and widget.property(_TONE_LOOK_PROPERTY) != _look_number:
        _apply_tone(widget, tone)


def set_tone(widget: QWidget, tone: str) -> None:
    """Colour a label by meaning (``"error"``, ``"ok"``, ``"hint"`` …); it follows the
    system's look from then on (a hidden one when it next shows)."""
    global _refresher
    if widget.property(_TONE_PROPERTY) is None:
        if _refresher is None or not shiboken6.isValid(_refresher):
            _refresher = _ToneRefresher()
        widget.installEventFilter(_refresher)
    widget.setProperty(_TONE_PROPERTY, tone)
    _apply_tone(widget, tone)


# -- following changes --------------------------------------------------------------------

SENTINEL_NAME: Final = "ringohuntThemeSentinel"


class _Sentinel(QWidget):
    """Never shown: widgets are told about application palette/font changes, plain QObjects
    are not, and an event filter on the application would see every event of the app."""

    def __init__(self, on_change: Callable[[], None]) -> None:
        super().__init__()
        self.setObjectName(SENTINEL_NAME)
        self._on_change = on_change

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.ApplicationPaletteChange,
                            QEvent.Type.ApplicationFontChange):
            self._on_change()
        return super().event(event)


class ThemeWatcher(QObject):
    """Signals:
        changed (): the system's look changed; style sheets need rebuilding.
    """

    changed = Signal()

    def __init__(self, app: QGuiApplication) -> None:
        super().__init__(app)
        # PySide drops the wrappers of these app-owned objects unless someone holds them.
        self._hints = app.styleHints()
        self._accessibility = self._hints.accessibility()
        self._hints.colorSchemeChanged.connect(self._soon)
        self._accessibility.contrastPreferenceChanged.connect(self._soon)
        self._sentinel = _Sentinel(self._soon) if isinstance(app, QApplication) else None
        # A scheme switch arrives as a signal plus palette and font events: rebuild once.
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._emit)
        self._last = (_system_colours(), text_scale())

    def _soon(self, *_args: object) -> None:
        _forget_colours()
        self._timer.start()

    def _emit(self) -> None:
        _forget_colours()
        now = (colours(), text_scale())
        if now == self._last:
            return
        self._last = now
        global _look_number
        _look_number += 1
        # Only what shows is recoloured now; a hidden widget when it shows (_ToneRefresher).
        for widget in QApplication.allWidgets():
            if widget.isVisible():
                _retone_if_stale(widget)
        self.changed.emit()

    def check_now(self) -> None:
        """Rebuild at once if the look changed (tests; the timer does it otherwise)."""
        self._timer.stop()
        self._emit()


_watcher: ThemeWatcher | None = None


def watcher() -> ThemeWatcher | None:
    """The one watcher of this application (None before a QGuiApplication exists)."""
    global _watcher
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return None
    if _watcher is None or not shiboken6.isValid(_watcher):
        _watcher = ThemeWatcher(app)
    return _watcher


_restylers: set[_Restyle] = set()


class _Restyle(QObject):
    """Re-applies a window's look when the system's changes: at once while the window shows,
    else when it is next shown (a closed journal or contact book is not restyled for
    nothing: rebuilding a window's style sheets is the costly part of a switch)."""

    def __init__(self, window: QWidget, apply: Callable[[], None], source: ThemeWatcher
                 ) -> None:
        super().__init__(window)
        self._window = window
        self._apply = apply
        self._stale = False
        # PySide lets go of a Python object only its C++ parent holds: keep it while the
        # window lives.
        _restylers.add(self)
        window.destroyed.connect(lambda *_: _restylers.discard(self))
        window.installEventFilter(self)
        source.changed.connect(self._changed)

    def _changed(self) -> None:
        if self._window.isVisible():
            self._apply()
        else:
            self._stale = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._stale and event.type() == QEvent.Type.Show:
            self._stale = False
            self._apply()
        return False


def follow(apply: Callable[[], None]) -> None:
    """Call ``apply`` now and whenever the system's look changes. ``apply`` should be a
    bound method of a QObject: the connection then ends with the object. A widget's is
    deferred while it is hidden, until it shows again."""
    apply()
    current = watcher()
    if current is None:
        return
    owner = getattr(apply, "__self__", None)
    if isinstance(owner, QWidget):
        _Restyle(owner, apply, current)
    else:
        current.changed.connect(apply)

