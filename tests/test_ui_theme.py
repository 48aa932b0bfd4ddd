"""The system's look (issue 16): light, dark and high contrast follow the OS while the app
runs, every text colour is readable (WCAG 4.5:1), and text scales with the system's font size
without clipping, in English and in Ukrainian.

The OS is simulated the way it reaches a Qt app: a new application palette (what the
platform theme sets on a dark/light or high-contrast switch), the colour-scheme hint, and a
bigger application font (the system's text size). No user option is involved. Screenshots go
to artifacts/screens/theme_<look>_<language>_<window>.png.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QImage,
    QPainter,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QTableView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from ringohunt_desktop.config import Config
from ringohunt_desktop.domain import CallPhase, Contact, LookupResult, LookupState
from ringohunt_desktop.store.calls import CallStore
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database
from ringohunt_desktop.ui import theme
from ringohunt_desktop.ui.contact_book import ContactBookWindow
from ringohunt_desktop.ui.icons import render_tray_image
from ringohunt_desktop.ui.inbox import InboxModel
from ringohunt_desktop.ui.insider_panel import InsiderPanel
from ringohunt_desktop.ui.journal import JournalWindow, Period
from ringohunt_desktop.ui.models import JournalColumn
from ringohunt_desktop.ui.settings_dialog import FirstRunWizard
from ringohunt_desktop.ui.stopped_notice import PopupsStoppedNotice
from ringohunt_desktop.ui.tray import TrayState
from tests.test_ui_contact_book import ANDRII, DEMO_EXTRA, NO_PHONE, PETRO
from tests.test_ui_insider_panel import CALLER, NUMBER, make_call
from tests.test_ui_journal import CALLS, CONTACTS, NOW

pytestmark = [
    pytest.mark.gui,
    pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)",
                              r"This plugin does not support propagateSizeHints\(\)"),
]

SCREENS = Path(__file__).resolve().parent.parent / "artifacts" / "screens"

# A caller whose name and company are long in both scripts: the worst case for clipping.
LONG = Contact("rec-long", "contacts", "Олександра Костянтинівна Шевченко-Григоренко",
               (NUMBER, "+380442223344"),
               "Товариство з обмеженою відповідальністю «Квіткова крамниця на Подолі»",
               "Коваленко Андрій", emails=("oleksandra.shevchenko@kvitkova.example",),
               link="https://nethunt.example/long")


def palette(window: str, text: str, highlight: str, on_highlight: str, *,
            link: str = "", base: str = "") -> QPalette:
    """A palette as a platform theme delivers it."""
    result = QPalette(QColor(window))
    role = QPalette.ColorRole
    for which, colour in ((role.Window, window), (role.Button, window), (role.Base, base or window),
                          (role.WindowText, text), (role.Text, text), (role.ButtonText, text),
                          (role.Highlight, highlight), (role.HighlightedText, on_highlight),
                          (role.Link, link or highlight)):
        result.setColor(which, QColor(colour))
    # Placeholders sit halfway between the text and the background, as platform themes do.
    mid = QColor(window)
    other = QColor(text)
    result.setColor(role.PlaceholderText, QColor((mid.red() + other.red()) // 2,
                                                 (mid.green() + other.green()) // 2,
                                                 (mid.blue() + other.blue()) // 2))
    return result


# Colours as Qt reports them: Windows' contrast themes, and Qt's GTK theme under GNOME
# (Adwaita, Adwaita:dark, HighContrast; measured with QT_QPA_PLATFORMTHEME=gtk3).
WINDOWS_NIGHT_SKY = palette("#000000", "#ffffff", "#d6b4fd", "#2b2b2b", link="#8080ff")
WINDOWS_HC_BLACK = palette("#000000", "#ffffff", "#1aebff", "#000000", link="#ffff00")
for _role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
              QPalette.ColorRole.ButtonText):  # Windows' GrayText in this theme
    WINDOWS_HC_BLACK.setColor(QPalette.ColorGroup.Disabled, _role, QColor("#3ff23f"))
WINDOWS_HC_WHITE = palette("#ffffff", "#000000", "#37006e", "#ffffff", link="#00009f")
GTK_HIGH_CONTRAST = palette("#fefefd", "#000000", "#1b6acb", "#ffffff", link="#0000ff")
ADWAITA = palette("#faf9f8", "#000000", "#3584e4", "#ffffff", link="#0000ff")
ADWAITA_DARK = palette("#323232", "#ffffff", "#15539e", "#ffffff", link="#308cc6")
FUSION_LIGHT = palette("#efefef", "#000000", "#308cc6", "#ffffff", base="#ffffff")

LOOKS: dict[str, Callable[[], theme.Colours]] = {
    "light": lambda: theme.LIGHT,
    "dark": lambda: theme.DARK,
    "windows-night-sky": lambda: theme.high_contrast_colours(WINDOWS_NIGHT_SKY),
    "windows-hc-black": lambda: theme.high_contrast_colours(WINDOWS_HC_BLACK),
    "windows-hc-white": lambda: theme.high_contrast_colours(WINDOWS_HC_WHITE),
    "gtk-high-contrast": lambda: theme.high_contrast_colours(GTK_HIGH_CONTRAST),
    # The contrast preference set over an ordinary theme: its colours must do as well.
    "contrast-over-adwaita-dark": lambda: theme.high_contrast_colours(ADWAITA_DARK),
}


# -- contrast -------------------------------------------------------------------------------

@pytest.mark.parametrize("look", sorted(LOOKS))
def test_every_text_colour_is_readable(qapp: QApplication, look: str) -> None:
    colours = LOOKS[look]()
    poor = [f"{what}: {fg} on {bg} = {theme.contrast_ratio(fg, bg):.2f}"
            for what, fg, bg in colours.text_pairs()
            if theme.contrast_ratio(fg, bg) < theme.MIN_TEXT_CONTRAST]
    assert not poor, "\n".join(poor)


def test_the_contrast_ratio_is_wcags() -> None:
    assert theme.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert theme.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize(("system", "expected"), [
    (ADWAITA, "light"), (FUSION_LIGHT, "light"), (ADWAITA_DARK, "dark"),
    (GTK_HIGH_CONTRAST, "contrast"), (WINDOWS_HC_BLACK, "contrast"),
    (WINDOWS_HC_WHITE, "contrast"),
])
def test_the_look_is_read_from_the_system_palette(qapp: QApplication, system: QPalette,
                                                  expected: str) -> None:
    colours = theme.colours_for(system, high_contrast=False)
    found = "contrast" if colours.high_contrast else "dark" if colours.dark else "light"
    assert found == expected


def test_where_the_system_has_a_contrast_setting_a_vivid_palette_stays_ordinary(
        qapp: QApplication) -> None:
    """Windows 11's light palette selects white on #005fb8 (6.3:1): there only the setting
    (QAccessibilityHints) says high contrast."""
    windows_11 = palette("#f3f3f3", "#000000", "#005fb8", "#ffffff", base="#ffffff")
    assert theme.colours_for(windows_11, high_contrast=False, guess_from_palette=False) == (
        theme.LIGHT)
    assert theme.colours_for(windows_11, high_contrast=True,
                             guess_from_palette=False).high_contrast


def test_the_contrast_preference_alone_switches_to_the_systems_colours(
        qapp: QApplication) -> None:
    colours = theme.colours_for(ADWAITA_DARK, high_contrast=True)
    assert colours.high_contrast
    assert (colours.window, colours.text) == ("#323232", "#ffffff")


# -- the OS, simulated -----------------------------------------------------------------------

class System:
    """What the operating system changes under a running app."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.palette = QPalette(QGuiApplication.palette())
        self.font = QFont(QGuiApplication.font())
        self.hints = app.styleHints()

    def set_look(self, system: QPalette, scheme: Qt.ColorScheme) -> None:
        # A platform theme sends both; the offscreen platform ignores the scheme request.
        self.hints.setColorScheme(scheme)
        self.app.setPalette(system)
        self.settle()

    def set_text_scale(self, scale: float) -> None:
        font = QFont(self.font)
        font.setPointSizeF(QFont(self.font).pointSizeF() * scale)
        self.app.setFont(font)
        self.settle()

    def settle(self) -> None:
        watcher = theme.watcher()
        assert watcher is not None
        QApplication.processEvents()
        watcher.check_now()
        QApplication.processEvents()

    def restore(self) -> None:
        self.hints.unsetColorScheme()
        self.app.setPalette(self.palette)
        self.app.setFont(self.font)
        self.settle()


def _delete_windows_left_by_earlier_tests() -> None:
    """A change of the system's look reaches every widget alive (Qt's own palette and font
    propagation): windows earlier tests left behind made each switch here take seconds to
    minutes in a full run. They belong to finished tests; the theme's sentinel stays."""
    for window in QApplication.topLevelWidgets():
        if window.objectName() != theme.SENTINEL_NAME:
            window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def system(qapp: QApplication) -> Iterator[System]:
    _delete_windows_left_by_earlier_tests()
    simulated = System(qapp)
    simulated.set_look(FUSION_LIGHT, Qt.ColorScheme.Light)
    try:
        yield simulated
    finally:
        simulated.restore()


@pytest.fixture(params=["en", "uk"])
def language(request: pytest.FixtureRequest) -> str:
    if request.param == "uk":
        request.getfixturevalue("uk_translator")
    return str(request.param)


@pytest.fixture
def stores() -> Iterator[tuple[CallStore, ContactStore]]:
    db = Database.in_memory()
    calls, contacts = CallStore(db), ContactStore(db)
    contacts.upsert([*CONTACTS, LONG, PETRO, ANDRII, NO_PHONE, *DEMO_EXTRA])
    calls.upsert(CALLS)
    yield calls, contacts
    db.close()


class Windows:
    def __init__(self, qtbot: QtBot, stores: tuple[CallStore, ContactStore]) -> None:
        calls, contacts = stores
        self.panel = InsiderPanel(make_call(), CALLER)
        self.panel.set_lookup(LookupResult(LookupState.FOUND, NUMBER, (LONG,)))
        self.unknown = InsiderPanel(make_call("call-2"), CALLER)
        self.unknown.update_call(make_call("call-2"), CallPhase.MISSED)
        self.unknown.set_lookup(LookupResult(LookupState.UNKNOWN, NUMBER))
        self.journal = JournalWindow(calls, now=lambda: NOW)
        self.journal.set_period(Period.ALL)
        self.book = ContactBookWindow(contacts)
        for widget in self.all():
            qtbot.addWidget(widget)
            widget.show()
            qtbot.waitExposed(widget)
        self.book.search_box.setText("Шевченко")
        self.book.search_now()
        self.book.table.selectRow(0)
        QApplication.processEvents()

    def all(self) -> tuple[QWidget, ...]:
        return (self.panel, self.unknown, self.journal, self.book)

    def shoot(self, look: str, language: str) -> list[Path]:
        SCREENS.mkdir(parents=True, exist_ok=True)
        QApplication.processEvents()
        paths = []
        for name, widget in (("panel", self.panel), ("panel_unknown", self.unknown),
                             ("journal", self.journal), ("contacts", self.book)):
            path = SCREENS / f"theme_{look}_{language}_{name}.png"
            assert widget.grab().save(str(path))
            paths.append(path)
        return paths


def pixel(widget: QWidget, at: QPoint) -> str:
    return str(widget.grab().toImage().pixelColor(at).name())


# -- live switching --------------------------------------------------------------------------

def test_dark_light_and_high_contrast_switch_live(qtbot: QtBot, system: System,
                                                  stores: tuple[CallStore, ContactStore]
                                                  ) -> None:
    windows = Windows(qtbot, stores)
    panel, journal, book = windows.panel, windows.journal, windows.book
    inside_card = QPoint(panel.width() // 2, 4)
    assert pixel(panel, inside_card) == theme.LIGHT.surface
    assert theme.LIGHT.window in journal.styleSheet()

    system.set_look(ADWAITA_DARK, Qt.ColorScheme.Dark)
    # Nothing restarted: the same widgets now paint dark.
    assert pixel(panel, inside_card) == theme.DARK.surface
    for window in (panel, journal, book):
        assert theme.DARK.surface in window.styleSheet()
        assert f"background: {theme.LIGHT.surface}" not in window.styleSheet()
    assert pixel(journal, QPoint(3, 3)) == theme.DARK.window
    missed = journal.model.index(0, JournalColumn.STATUS)
    assert journal.model.data(missed, Qt.ItemDataRole.ForegroundRole).color().name() == (
        theme.DARK.missed)

    system.set_look(WINDOWS_HC_BLACK, Qt.ColorScheme.Dark)
    assert pixel(panel, inside_card) == "#000000"
    assert "color: #ffffff" in panel.styleSheet()
    assert theme.DARK.text_muted not in panel.styleSheet()

    system.set_look(FUSION_LIGHT, Qt.ColorScheme.Light)
    assert pixel(panel, inside_card) == theme.LIGHT.surface


def test_toned_labels_and_models_follow_the_look(qtbot: QtBot, system: System) -> None:
    label = QLabel("Keys work")
    qtbot.addWidget(label)
    theme.set_tone(label, "ok")
    label.show()
    hidden = QLabel("Saved")  # a label of a closed window: recoloured when it shows again
    qtbot.addWidget(hidden)
    theme.set_tone(hidden, "ok")
    assert theme.LIGHT.success in label.styleSheet()
    model = InboxModel()
    system.set_look(ADWAITA_DARK, Qt.ColorScheme.Dark)
    assert theme.DARK.success in label.styleSheet()
    assert theme.LIGHT.success in hidden.styleSheet()  # not restyled for nothing
    hidden.show()
    assert theme.DARK.success in hidden.styleSheet()
    assert theme.colours().link == theme.DARK.link
    del model


# -- text size ---------------------------------------------------------------------------------

def hidden_part(widget: QWidget, window: QWidget) -> str:
    """Where the widget is cut off by a parent (a scroll area's viewport, the window)."""
    rect = widget.rect()
    child: QWidget = widget
    parent = widget.parentWidget()
    while parent is not None:
        rect = rect.translated(child.pos())
        outside = not parent.rect().contains(rect)
        if parent.objectName() == "qt_scrollarea_viewport":
            # A scroll area scrolls down by design; sideways means text out of sight.
            outside = rect.left() < 0 or rect.right() > parent.rect().right()
            rect = rect.intersected(parent.rect())
        if outside:
            return f"cut off by {type(parent).__name__} {parent.objectName()!r}"
        if parent is window:
            break
        child, parent = parent, parent.parentWidget()
    return ""


def clipped_texts(window: QWidget) -> list[str]:
    """Visible labels and buttons whose text does not fit the space they got."""
    problems = []
    for widget in (*window.findChildren(QLabel), *window.findChildren(QAbstractButton)):
        if widget.isVisibleTo(window) and widget.width() > 0 and (
                where := hidden_part(widget, window)):
            problems.append(f"{type(widget).__name__} {widget.text()!r}: {where}")
    for label in window.findChildren(QLabel):
        text = label.text()
        if not text or not label.isVisibleTo(window):
            continue
        metrics = label.fontMetrics()
        room = label.contentsRect()
        if label.wordWrap():
            needed = label.heightForWidth(label.width())
            if room.height() + 1 < needed - label.contentsMargins().top() - (
                    label.contentsMargins().bottom()):
                problems.append(f"label {text!r}: {room.height()} px high, needs {needed}")
            continue
        if metrics.horizontalAdvance(text) > room.width() + 1:
            problems.append(f"label {text!r}: {metrics.horizontalAdvance(text)} px of text "
                            f"in {room.width()} px")
        if metrics.height() > room.height() + 1:
            problems.append(f"label {text!r}: {metrics.height()} px line in {room.height()} px")
    for button in window.findChildren(QAbstractButton):
        text = button.text()
        if not text or not button.isVisibleTo(window):
            continue
        hint = button.sizeHint()
        if button.width() < hint.width() or button.height() < hint.height():
            problems.append(f"button {text!r}: {button.width()}x{button.height()} px, "
                            f"needs {hint.width()}x{hint.height()}")
    for edit in window.findChildren(QLineEdit):
        if edit.isVisibleTo(window) and edit.height() < edit.fontMetrics().height() + 2:
            problems.append(f"text box {edit.objectName()!r} is {edit.height()} px high")
    return problems


def elided_cells(table: QTableView, columns: Sequence[int], padding: int) -> list[str]:
    """Cells of columns whose text is short by nature (times, numbers, states) that do not
    fit their column; names and free text may elide, with the whole text in a tooltip."""
    model = table.model()
    problems = []
    header = table.horizontalHeader()
    for column in columns:
        title = str(model.headerData(column, Qt.Orientation.Horizontal))
        header_font = QFont(header.font())
        header_font.setBold(True)
        if QFontMetrics(header_font).horizontalAdvance(title) + 2 * padding > (
                table.columnWidth(column)):
            problems.append(f"header {title!r} in {table.columnWidth(column)} px")
        for row in range(model.rowCount()):
            index = model.index(row, column)
            text = str(model.data(index) or "")
            font = QFont(table.font())
            role_font = model.data(index, Qt.ItemDataRole.FontRole)
            if isinstance(role_font, QFont) and role_font.bold():
                font.setBold(True)
            needed = QFontMetrics(font).horizontalAdvance(text) + 2 * padding
            if text and needed > table.columnWidth(column):
                problems.append(f"cell {text!r}: {needed} px in {table.columnWidth(column)} px")
    return problems


@pytest.mark.parametrize("scale", [1.25, 1.5])
def test_bigger_system_text_scales_every_window_without_clipping(
        qtbot: QtBot, system: System, stores: tuple[CallStore, ContactStore], language: str,
        scale: float) -> None:
    windows = Windows(qtbot, stores)
    name_size = windows.panel.name_label.font().pointSizeF()
    width = windows.panel.width()
    system.set_text_scale(scale)
    wizard = FirstRunWizard(Config())
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.waitExposed(wizard)
    QApplication.processEvents()

    # The style sheets' sizes grew with the system's (they were fixed points before).
    assert windows.panel.name_label.font().pointSizeF() == pytest.approx(name_size * scale,
                                                                         rel=0.02)
    assert windows.panel.width() > width
    for window in (*windows.all(), wizard):
        assert clipped_texts(window) == [], type(window).__name__
    short = (JournalColumn.TIME, JournalColumn.NUMBER, JournalColumn.DURATION,
             JournalColumn.STATUS)
    assert elided_cells(windows.journal.table, short, padding=6) == []
    # An app started under the bigger text: windows open at sizes that hold it.
    fresh = Windows(qtbot, stores)
    for window in fresh.all():
        assert clipped_texts(window) == [], type(window).__name__
    assert elided_cells(fresh.journal.table, short, padding=6) == []
    if scale == 1.5:
        fresh.shoot("text150", language)
        assert wizard.grab().save(str(SCREENS / f"theme_text150_{language}_wizard.png"))


# -- pictures for people ----------------------------------------------------------------------

@pytest.mark.parametrize("look", ["light", "dark", "contrast"])
def test_screenshots_of_each_look(qtbot: QtBot, system: System,
                                  stores: tuple[CallStore, ContactStore], language: str,
                                  look: str) -> None:
    windows = Windows(qtbot, stores)
    palettes = {"light": (FUSION_LIGHT, Qt.ColorScheme.Light),
                "dark": (ADWAITA_DARK, Qt.ColorScheme.Dark),
                "contrast": (WINDOWS_HC_BLACK, Qt.ColorScheme.Dark)}
    system.set_look(*palettes[look])
    for window in windows.all():
        assert clipped_texts(window) == [], type(window).__name__
    wizard = FirstRunWizard(Config())
    notice = PopupsStoppedNotice()
    for widget in (wizard, notice):
        qtbot.addWidget(widget)
    wizard.show()
    notice.show_stopped(notice.tr("Pop-ups stopped"), "Ringostat refused the keys.")
    QApplication.processEvents()
    for path in windows.shoot(look, language):
        assert path.stat().st_size > 0
    for name, widget in (("wizard", wizard), ("stopped", notice)):
        assert clipped_texts(widget) == [], name
        assert widget.grab().save(str(SCREENS / f"theme_{look}_{language}_{name}.png"))


# -- the tray icon: on the system's taskbar, whose colour is not the app's -------------------

@pytest.mark.parametrize("taskbar", ["#202020", "#f3f3f3", "#000000", "#ffffff"])
def test_the_tray_handset_stands_out_on_dark_and_light_taskbars(qapp: QApplication,
                                                                taskbar: str) -> None:
    size = 32
    icon = render_tray_image(TrayState.CONNECTED, 0, size)
    shown = QImage(size, size, QImage.Format.Format_ARGB32)
    shown.fill(QColor(taskbar))
    painter = QPainter(shown)
    painter.drawImage(0, 0, icon)
    painter.end()
    # The handset's part of the icon (the status dot sits bottom-right): pixels that stand
    # out at the 3:1 WCAG asks of icons.
    visible = sum(1 for x in range(size // 2) for y in range(size // 2)
                  if theme.contrast_ratio(shown.pixelColor(x, y), QColor(taskbar)) >= 3)
    assert visible > (size // 2) ** 2 // 8
    SCREENS.mkdir(parents=True, exist_ok=True)
    assert shown.scaled(4 * size, 4 * size).save(
        str(SCREENS / f"theme_tray_on_{taskbar.lstrip('#')}.png"))
