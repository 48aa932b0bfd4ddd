"""The Insider pop-up and its stack: states, plain-text safety, focus, stacking, autoclose."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from ringohunt_desktop.domain import (
    CallPhase,
    CallRecord,
    Contact,
    Direction,
    LookupResult,
    LookupState,
)
from ringohunt_desktop.phone import CallerNumber
from ringohunt_desktop.ui.insider_panel import PANEL_WIDTH, InsiderPanel, PanelStack

pytestmark = [
    pytest.mark.gui,
    # Qt's offscreen platform cannot raise windows; Tool windows ask it to on every show.
    pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)"),
]

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "ui"

NUMBER = "+380671234567"
DISPLAY = "+380 67 123 4567"
CALLER = CallerNumber("+380671234567", DISPLAY)
MARKUP_NAME = "<b>Bold</b> <img src=x onerror=alert(1)> Тест"
MARKUP_COMPANY = "<i>Evil Corp</i>"

OLENA = Contact("rec-olena", "contacts", "Олена Коваль", (NUMBER,), "Квіткова крамниця",
                "Петренко Олена", link="https://nethunt.example/olena")
ANDRII = Contact("rec-andrii", "contacts", "Андрій Мельник (ТОВ Ромашка)", ("+380442223344",),
                 "ТОВ Ромашка", "Петренко Олена")
MARIA = Contact("rec-maria", "contacts", "Марія Савчук", ("+380442223344",), "ТОВ Ромашка",
                "Коваленко Андрій")
EVIL = Contact("rec-evil", "contacts", MARKUP_NAME, ("+380731234567",), MARKUP_COMPANY,
               "<script>x</script>")


def make_call(call_id: str = "call-1", *, direction: Direction = Direction.INCOMING,
              utm: tuple[str, str, str] = ("google", "cpc", "black_friday")) -> CallRecord:
    return CallRecord(
        call_id=call_id,
        started_at=datetime(2025, 11, 25, 14, 32),
        caller="380671234567",
        destination="380441110000",
        direction=direction,
        disposition="CALLING",
        utm_source=utm[0],
        utm_medium=utm[1],
        utm_campaign=utm[2],
    )


@pytest.fixture
def panel(qtbot: QtBot) -> InsiderPanel:
    widget = InsiderPanel(make_call(), CALLER)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def visible_texts(widget: QWidget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel)
            if label.isVisibleTo(widget) and label.text()]


def test_number_shows_at_once_and_name_fills_in_later(panel: InsiderPanel) -> None:
    assert panel.number_label.text() == DISPLAY
    assert panel.name_label.text() == "Looking up…"
    assert not panel.primary_button.isVisibleTo(panel)
    assert panel.status_label.text() == "Incoming call • ringing"

    panel.set_lookup(LookupResult(LookupState.FOUND, NUMBER, (OLENA,)))

    assert panel.name_label.text() == "Олена Коваль"
    assert panel.company_label.text() == "Квіткова крамниця"
    assert panel.manager_label.text() == "Manager: Петренко Олена"
    assert panel.primary_button.text() == "Open in CRM"
    assert panel.primary_button.isEnabled()
    assert panel.accessibleName() == f"Incoming call: Олена Коваль, {DISPLAY}"
    assert "Квіткова крамниця" in panel.accessibleDescription()


def test_open_in_crm_emits_the_contact(qtbot: QtBot, panel: InsiderPanel) -> None:
    panel.set_lookup(LookupResult(LookupState.FOUND, NUMBER, (OLENA,)))
    with qtbot.waitSignal(panel.open_in_crm_requested) as blocker:
        qtbot.mouseClick(panel.primary_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [OLENA]


def test_manager_display_overrides_the_raw_field(panel: InsiderPanel) -> None:
    contact = Contact("r", "f", "Ivan", company="", manager="andrii@demo-shop.ua")
    panel.set_lookup(LookupResult(LookupState.FOUND, NUMBER, (contact,)))
    assert panel.manager_label.text() == "Manager: andrii@demo-shop.ua"
    panel.set_manager_display("Коваленко Андрій")
    assert panel.manager_label.text() == "Manager: Коваленко Андрій"
    assert not panel.company_label.isVisibleTo(panel)


def test_unknown_number_offers_create_contact(qtbot: QtBot, panel: InsiderPanel) -> None:
    panel.set_lookup(LookupResult(LookupState.UNKNOWN, NUMBER))

    assert panel.name_label.text() == "Not in CRM"
    assert panel.primary_button.text() == "Create contact"
    assert "not in CRM" in panel.accessibleName()
    with qtbot.waitSignal(panel.create_contact_requested) as blocker:
        qtbot.mouseClick(panel.primary_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [NUMBER, panel.call]


def test_shared_number_picker_emits_the_chosen_contact(qtbot: QtBot,
                                                       panel: InsiderPanel) -> None:
    panel.set_lookup(LookupResult(LookupState.AMBIGUOUS, NUMBER, (ANDRII, MARIA)))

    assert panel.name_label.text() == "2 contacts share this number"
    assert panel.picker.isVisibleTo(panel)
    assert panel.picker.count() == 2
    # The company is already part of Andrii's name, so it is not repeated in his row.
    assert panel.picker.item(0).text() == "Андрій Мельник (ТОВ Ромашка)"
    assert panel.picker.item(1).text() == "Марія Савчук · ТОВ Ромашка"
    assert not panel.primary_button.isEnabled()  # nothing to open until the agent picks

    second = panel.picker.visualItemRect(panel.picker.item(1)).center()
    with qtbot.waitSignal(panel.contact_picked) as blocker:
        qtbot.mouseClick(panel.picker.viewport(), Qt.MouseButton.LeftButton, pos=second)
    assert blocker.args == [NUMBER, MARIA]

    assert panel.contact == MARIA
    assert panel.name_label.text() == "Марія Савчук"
    assert panel.manager_label.text() == "Manager: Коваленко Андрій"
    assert not panel.picker.isVisibleTo(panel)
    assert panel.primary_button.isEnabled()
    with qtbot.waitSignal(panel.open_in_crm_requested) as opened:
        qtbot.mouseClick(panel.primary_button, Qt.MouseButton.LeftButton)
    assert opened.args == [MARIA]

    # "Not this one?" brings the picker back.
    assert panel.change_button.isVisibleTo(panel)
    qtbot.mouseClick(panel.change_button, Qt.MouseButton.LeftButton)
    assert panel.picker.isVisibleTo(panel)
    assert panel.contact is None


def test_failed_lookup_shows_the_reason_and_retries(qtbot: QtBot, panel: InsiderPanel) -> None:
    panel.set_lookup(LookupResult(LookupState.FAILED, NUMBER, error="CRM не відповідає"))

    assert panel.name_label.text() == "Could not check the CRM"
    assert panel.message_label.text() == "CRM не відповідає"
    assert panel.primary_button.text() == "Retry"
    with qtbot.waitSignal(panel.retry_lookup_requested) as blocker:
        qtbot.mouseClick(panel.primary_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [NUMBER]

    panel.set_lookup(LookupResult(LookupState.FAILED, NUMBER))
    assert panel.message_label.text() == "The CRM is not responding."


def test_a_background_refresh_does_not_blank_a_shown_contact(panel: InsiderPanel) -> None:
    panel.set_lookup(LookupResult(LookupState.FOUND, NUMBER, (OLENA,), from_cache=True))
    panel.set_lookup(LookupResult(LookupState.LOOKING, NUMBER))
    assert panel.name_label.text() == "Олена Коваль"


def test_markup_in_crm_data_is_shown_literally(panel: InsiderPanel) -> None:
    panel.set_lookup(LookupResult(LookupState.FOUND, NUMBER, (EVIL,)))

    assert panel.name_label.text() == MARKUP_NAME
    assert panel.company_label.text() == MARKUP_COMPANY
    assert panel.manager_label.text() == "Manager: <script>x</script>"
    for label in panel.findChildren(QLabel):
        assert label.textFormat() is Qt.TextFormat.PlainText, label.objectName()
    assert MARKUP_NAME in panel.accessibleName()

    panel.set_lookup(LookupResult(LookupState.AMBIGUOUS, NUMBER, (EVIL, OLENA)))
    item = panel.picker.item(0)
    assert item.text() == f"{MARKUP_NAME} · {MARKUP_COMPANY}"
    # Tooltips are guessed to be rich text by Qt; ours are escaped so they stay literal.
    assert "&lt;img src=x" in item.toolTip()
    assert "<img" not in item.toolTip()


def test_markup_in_the_error_and_utm_is_literal(qtbot: QtBot) -> None:
    widget = InsiderPanel(make_call(utm=("<b>src</b>", "(none)", "")), CALLER)
    qtbot.addWidget(widget)
    widget.set_lookup(LookupResult(LookupState.FAILED, NUMBER, error="<a href=x>boom</a>"))
    assert widget.message_label.text() == "<a href=x>boom</a>"
    assert widget.utm_label.text() == "Source: <b>src</b>"


def test_utm_placeholders_are_hidden(qtbot: QtBot) -> None:
    widget = InsiderPanel(make_call(utm=("(direct)", "(none)", "(not set)")), CALLER)
    qtbot.addWidget(widget)
    assert not widget.utm_label.isVisibleTo(widget)

    widget.update_call(make_call(utm=("facebook", "(none)", "spring")), CallPhase.RINGING)
    assert widget.utm_label.isVisibleTo(widget)
    assert widget.utm_label.text() == "Source: facebook / spring"


def test_phase_updates_and_call_back(qtbot: QtBot, panel: InsiderPanel) -> None:
    assert not panel.call_back_button.isVisibleTo(panel)
    panel.update_call(make_call(), CallPhase.MISSED)
    assert panel.status_label.text() == "Incoming call • missed"
    assert panel.call_back_button.isVisibleTo(panel)
    with qtbot.waitSignal(panel.call_back_requested) as blocker:
        qtbot.mouseClick(panel.call_back_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [NUMBER]

    panel.update_call(make_call(direction=Direction.OUTGOING), CallPhase.ANSWERED)
    assert panel.status_label.text() == "Outgoing call • answered"


def test_copy_pin_and_close(qtbot: QtBot, panel: InsiderPanel) -> None:
    with qtbot.waitSignal(panel.copy_number_requested) as copied:
        qtbot.mouseClick(panel.copy_button, Qt.MouseButton.LeftButton)
    assert copied.args == [NUMBER]

    with qtbot.waitSignal(panel.pin_changed) as pinned:
        qtbot.mouseClick(panel.pin_button, Qt.MouseButton.LeftButton)
    assert pinned.args == [True]
    assert panel.pinned

    with qtbot.waitSignal(panel.dismissed):
        qtbot.mouseClick(panel.close_button, Qt.MouseButton.LeftButton)
    assert not panel.isVisible()


def test_height_follows_the_content(panel: InsiderPanel) -> None:
    assert panel.width() == PANEL_WIDTH
    short = panel.height()
    panel.set_lookup(LookupResult(LookupState.AMBIGUOUS, NUMBER, (ANDRII, MARIA, OLENA)))
    QApplication.processEvents()
    assert panel.height() > short
    # Nothing is squeezed: every visible label gets at least the height it asks for.
    for label in panel.findChildren(QLabel):
        if label.isVisibleTo(panel) and label.wordWrap():
            assert label.height() >= label.heightForWidth(label.width())


def test_showing_the_panel_does_not_steal_focus(qtbot: QtBot, typing_window: QLineEdit
                                                ) -> None:
    editor = typing_window

    widget = InsiderPanel(make_call(), CALLER)
    qtbot.addWidget(widget)
    flags = widget.windowFlags()
    for flag in (Qt.WindowType.Tool, Qt.WindowType.FramelessWindowHint,
                 Qt.WindowType.WindowStaysOnTopHint, Qt.WindowType.WindowDoesNotAcceptFocus):
        assert flags & flag
    assert widget.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)

    widget.show()
    qtbot.waitExposed(widget)
    widget.set_lookup(LookupResult(LookupState.FOUND, NUMBER, (OLENA,)))
    qtbot.wait(50)

    assert QApplication.activeWindow() is editor
    assert QApplication.focusWidget() is editor
    assert QGuiApplication.focusWindow() is editor.windowHandle()
    # Nothing inside the panel can take keyboard focus either.
    for child in widget.findChildren(QWidget):
        assert child.focusPolicy() == Qt.FocusPolicy.NoFocus or not child.isVisibleTo(widget) \
            or isinstance(child, QLabel), child.objectName()
    qtbot.keyClicks(editor, "abc")
    assert editor.text() == "abc"


# -- PanelStack -------------------------------------------------------------------------


@pytest.fixture
def stack(qtbot: QtBot) -> Iterator[PanelStack]:
    panels = PanelStack(autoclose_seconds=0.05, max_panels=3)
    yield panels
    panels.close_all()


def available() -> QRect:
    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    return screen.availableGeometry()


def test_stack_places_newest_nearest_the_tray_corner(qtbot: QtBot, stack: PanelStack) -> None:
    first = stack.show_call(make_call("a"), CALLER)
    second = stack.show_call(make_call("b"), CALLER)
    qtbot.waitExposed(second)
    area = available()

    assert second.geometry().right() == area.right() - 12
    assert second.geometry().bottom() == area.bottom() - 12
    assert first.geometry().bottom() < second.geometry().top()  # older one above
    assert first.geometry().left() == second.geometry().left()

    # A taller newest panel pushes the older one up.
    before = first.y()
    second.set_lookup(LookupResult(LookupState.AMBIGUOUS, NUMBER, (ANDRII, MARIA, OLENA)))
    qtbot.waitUntil(lambda: first.y() < before)
    assert first.geometry().bottom() < second.geometry().top()


def test_stack_reuses_a_panel_per_call(stack: PanelStack) -> None:
    first = stack.show_call(make_call("a"), CALLER)
    assert stack.show_call(make_call("a"), CALLER) is first
    assert stack.panel("a") is first
    assert stack.panel("zzz") is None


def test_stack_caps_panels_closing_the_oldest_unpinned(qtbot: QtBot, stack: PanelStack) -> None:
    a = stack.show_call(make_call("a"), CALLER)
    stack.show_call(make_call("b"), CALLER)
    stack.show_call(make_call("c"), CALLER)
    a.set_pinned(True)

    with qtbot.waitSignal(stack.panel_closed) as closed:
        stack.show_call(make_call("d"), CALLER)
    assert closed.args == ["b"]
    assert [p.call.call_id for p in stack.panels()] == ["a", "c", "d"]


def test_stack_relayouts_when_a_panel_closes(qtbot: QtBot, stack: PanelStack) -> None:
    a = stack.show_call(make_call("a"), CALLER)
    b = stack.show_call(make_call("b"), CALLER)
    bottom_slot = b.geometry().bottom()
    b.close()
    qtbot.waitUntil(lambda: a.geometry().bottom() == bottom_slot)
    assert stack.panels() == [a]


def test_finished_call_autocloses_unless_pinned(qtbot: QtBot, stack: PanelStack) -> None:
    stack.show_call(make_call("a"), CALLER)
    pinned = stack.show_call(make_call("b"), CALLER)
    pinned.set_pinned(True)

    stack.call_updated(make_call("a"), CallPhase.ENDED)
    stack.call_finished("a")
    stack.call_finished("b")
    qtbot.waitUntil(lambda: stack.panel("a") is None, timeout=2000)
    qtbot.wait(150)
    assert stack.panel("b") is pinned

    # Unpinning a finished call's panel lets it close by itself after all.
    pinned.set_pinned(False)
    qtbot.waitUntil(lambda: stack.panel("b") is None, timeout=2000)


def test_autoclose_zero_keeps_panels(qtbot: QtBot) -> None:
    stack = PanelStack(autoclose_seconds=0)
    stack.show_call(make_call("a"), CALLER)
    stack.call_finished("a")
    qtbot.wait(100)
    assert stack.panel("a") is not None
    stack.close_all()
    qtbot.waitUntil(lambda: not stack.panels())


def test_close_all_closes_pinned_too(qtbot: QtBot, stack: PanelStack) -> None:
    stack.show_call(make_call("a"), CALLER).set_pinned(True)
    stack.show_call(make_call("b"), CALLER)
    stack.close_all()
    assert stack.panels() == []


def test_anchor_at_the_top_stacks_downward(qtbot: QtBot) -> None:
    area = available()
    tray_icon = QRect(QPoint(area.right() - 40, area.top()), QPoint(area.right() - 20, area.top()
                                                                     + 20))
    stack = PanelStack(autoclose_seconds=0, anchor=tray_icon)
    first = stack.show_call(make_call("a"), CALLER)
    second = stack.show_call(make_call("b"), CALLER)
    try:
        # Issue 13: with no reserved strip the icon is inside the work area; start below it.
        assert second.geometry().top() == tray_icon.bottom() + 12
        assert not any(p.geometry().intersects(tray_icon) for p in (first, second))
        assert first.geometry().top() > second.geometry().bottom()
        assert second.geometry().right() <= area.right() - 12
    finally:
        stack.close_all()


# -- pictures for people ------------------------------------------------------------------


def test_render_states(qtbot: QtBot) -> None:
    """Save each state as a PNG under artifacts/ui/ so a person can judge the look."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    cases: dict[str, tuple[CallRecord, CallPhase, LookupResult]] = {
        "looking": (make_call(), CallPhase.RINGING, LookupResult(LookupState.LOOKING, NUMBER)),
        "found": (make_call(), CallPhase.RINGING,
                  LookupResult(LookupState.FOUND, NUMBER, (OLENA,))),
        "ambiguous": (make_call(utm=("(direct)", "(none)", "")), CallPhase.RINGING,
                      LookupResult(LookupState.AMBIGUOUS, NUMBER, (ANDRII, MARIA))),
        "unknown": (make_call(), CallPhase.ANSWERED, LookupResult(LookupState.UNKNOWN, NUMBER)),
        "failed": (make_call(), CallPhase.MISSED,
                   LookupResult(LookupState.FAILED, NUMBER, error="CRM не відповідає")),
        "markup": (make_call(direction=Direction.OUTGOING), CallPhase.ENDED,
                   LookupResult(LookupState.FOUND, NUMBER, (EVIL,))),
    }
    for name, (call, phase, result) in cases.items():
        widget = InsiderPanel(call, CALLER)
        qtbot.addWidget(widget)
        widget.update_call(call, phase)
        widget.set_lookup(result)
        widget.show()
        qtbot.waitExposed(widget)
        QApplication.processEvents()
        path = ARTIFACTS / f"panel_{name}.png"
        assert widget.grab().save(str(path))
        assert path.stat().st_size > 0
        widget.close()


BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"


def test_bidi_overrides_in_crm_text_cannot_reorder_the_panel(panel: InsiderPanel) -> None:
    """Issue 12.7: "\u202elive" showed as "evil". Overrides and embeddings from the CRM are
    dropped; right-to-left text is isolated so it cannot pull "Manager:" around."""
    contact = Contact("r", "f", "\u202elive", (NUMBER,), "\u202dACME\u202c",
                      "\u202bمدير\u202c")
    panel.set_lookup(LookupResult(LookupState.FOUND, NUMBER, (contact,)))
    assert panel.name_label.text() == "live"
    assert panel.company_label.text() == "ACME"
    assert panel.manager_label.text() == "Manager: \u2068مدير\u2069"
    for text in (*visible_texts(panel), panel.accessibleName(),
                 panel.accessibleDescription()):
        assert not set(text) & set(BIDI_CONTROLS.replace("\u2068", "").replace("\u2069", "")), (
            repr(text))


def test_bidi_overrides_cannot_reorder_the_contact_book_or_the_picker(
        panel: InsiderPanel) -> None:
    from ringohunt_desktop.ui.models import ContactListModel

    first = Contact("r1", "f", "\u202elive", (NUMBER,), "\u202eAMCA", "x")
    second = Contact("r2", "f", "Марія", (NUMBER,), "", "")
    panel.set_lookup(LookupResult(LookupState.AMBIGUOUS, NUMBER, (first, second)))
    picked = [panel.picker.item(row).text() for row in range(panel.picker.count())]
    assert all("\u202e" not in text for text in picked), picked
    tips = [panel.picker.item(row).toolTip() for row in range(panel.picker.count())]
    assert all("\u202e" not in tip for tip in tips), tips
    model = ContactListModel()
    model.set_contacts([first])
    shown = [model.data(model.index(0, column)) for column in range(model.columnCount())]
    assert "live" in shown
    assert all("\u202e" not in str(value) for value in shown), shown


# -- the agent's shift (issue 13): name as headline, four panels without a wall of cards ----


def point_size(label: QLabel) -> float:
    label.ensurePolished()
    return label.font().pointSizeF()


def test_the_callers_name_is_the_headline(panel: InsiderPanel) -> None:
    panel.set_lookup(LookupResult(LookupState.FOUND, NUMBER, (OLENA,)))
    assert panel.name_label.text() == OLENA.name
    assert point_size(panel.name_label) > point_size(panel.number_label)
    # Above the number, too.
    assert panel.name_label.mapTo(panel, QPoint(0, 0)).y() < panel.number_label.mapTo(
        panel, QPoint(0, 0)).y()


def test_a_long_header_wraps_instead_of_clipping(panel: InsiderPanel) -> None:
    assert panel.status_label.wordWrap()


def test_older_panels_fold_so_four_take_at_most_three_quarters_of_a_1000px_screen(
        qtbot: QtBot) -> None:
    stack = PanelStack(autoclose_seconds=0, max_panels=4)
    try:
        panels = [stack.show_call(make_call(f"c{i}"), CALLER) for i in range(4)]
        for shown_panel in panels:
            shown_panel.set_lookup(LookupResult(LookupState.AMBIGUOUS, NUMBER,
                                                (ANDRII, MARIA, OLENA)))
        qtbot.waitExposed(panels[-1])
        assert [p.collapsed for p in panels] == [True, True, True, False]

        def span() -> int:
            return (max(p.geometry().bottom() for p in panels)
                    - min(p.geometry().top() for p in panels) + 1)

        qtbot.waitUntil(lambda: span() <= 750)  # once the folded heights have settled
        # Folded, an older panel still says who called.
        assert panels[0].name_label.isVisible()
        assert not panels[0].picker.isVisible()

        # Pinned, it unfolds with everything its lookup shows.
        panels[0].set_pinned(True)
        qtbot.waitUntil(lambda: not panels[0].collapsed)
        assert panels[0].picker.isVisible()
    finally:
        stack.close_all()


def test_a_panel_never_hands_focus_back_to_another_panel(qtbot: QtBot) -> None:
    # Offscreen (and some window managers) activate every new window: the second panel then
    # found the first as "the window that had focus" and asked a no-focus window to take it,
    # which Qt warns about (the soak test's failure). pytest-qt fails on that warning.
    first = InsiderPanel(make_call("a"), CALLER)
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is first.windowHandle())
    second = InsiderPanel(make_call("b"), CALLER)
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    qtbot.wait(50)  # let the platform's activation of the new window arrive


def test_a_panel_with_a_note_being_typed_is_not_folded_by_a_new_call(stack: PanelStack) -> None:
    first = stack.show_call(make_call("call-a"), CALLER)
    first.note_editing.emit(True)
    stack.show_call(make_call("call-b"), CALLER)
    assert not first.collapsed
    first.note_editing.emit(False)
    assert first.collapsed


# -- screen readers and the keyboard (issue 16) ------------------------------------------------

@pytest.fixture
def spoken(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """What the panel hands to screen readers (message, assertive); the platform side is
    read back over AT-SPI in tests/test_realdisplay_a11y.py."""
    said: list[tuple[str, bool]] = []
    monkeypatch.setattr("ringohunt_desktop.ui.insider_panel.announce",
                        lambda _source, text, *, assertive=False: said.append((text, assertive)))
    return said


def shown_panel(qtbot: QtBot, call: CallRecord | None = None) -> InsiderPanel:
    widget = InsiderPanel(call or make_call(), CALLER)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_panel_says_who_is_calling_once_when_the_crm_answers(
        qtbot: QtBot, spoken: list[tuple[str, bool]]) -> None:
    widget = shown_panel(qtbot)
    assert spoken == []  # "Looking up…" is not worth interrupting for
    widget.set_lookup(LookupResult(LookupState.FOUND, NUMBER, (OLENA,)))
    widget.set_lookup(LookupResult(LookupState.FOUND, NUMBER, (OLENA,)))  # a refresh
    widget.update_call(widget.call, CallPhase.RINGING)
    assert spoken == [("Incoming call from Олена Коваль, Квіткова крамниця", True)]


def test_an_unknown_caller_is_said_by_number(qtbot: QtBot,
                                             spoken: list[tuple[str, bool]]) -> None:
    widget = shown_panel(qtbot)
    widget.set_lookup(LookupResult(LookupState.UNKNOWN, NUMBER))
    assert spoken == [(f"Incoming call from {DISPLAY}, not in CRM", True)]


def test_a_slow_crm_gets_the_number_first_then_the_name_politely(
        qtbot: QtBot, spoken: list[tuple[str, bool]]) -> None:
    widget = shown_panel(qtbot)
    qtbot.waitUntil(lambda: bool(spoken), timeout=10_000)
    assert spoken == [(f"Incoming call from {DISPLAY}", True)]
    widget.set_lookup(LookupResult(LookupState.FOUND, NUMBER, (OLENA,)))
    assert spoken[1:] == [("Олена Коваль, Квіткова крамниця", False)]


def test_state_changes_are_said_politely_once_each(qtbot: QtBot,
                                                   spoken: list[tuple[str, bool]]) -> None:
    widget = shown_panel(qtbot)
    widget.set_lookup(LookupResult(LookupState.FOUND, NUMBER, (OLENA,)))
    for phase in (CallPhase.ANSWERED, CallPhase.ANSWERED, CallPhase.ENDED, CallPhase.ENDED):
        widget.update_call(widget.call, phase)
    widget.set_stale("Not updating: no connection")
    widget.set_stale("Not updating: no connection")
    assert spoken[1:] == [("Call answered", False), ("Call ended", False),
                          ("Not updating: no connection", False)]


def test_the_keyboard_way_in_and_out_of_the_newest_panel(qtbot: QtBot) -> None:
    window = QLineEdit()
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window)
    stack = PanelStack(autoclose_seconds=0)
    assert not stack.focus_newest_panel()  # nothing to go to
    older = stack.show_call(make_call("call-1"), CALLER)
    newest = stack.show_call(make_call("call-2"), CALLER)
    for widget in (older, newest):
        qtbot.addWidget(widget)
        qtbot.waitExposed(widget)
    newest.set_lookup(LookupResult(LookupState.FOUND, NUMBER, (OLENA,)))
    qtbot.wait(50)  # let the offscreen platform's activation of the new windows arrive
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window)  # nothing taken

    assert stack.focus_newest_panel()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is newest.primary_button)
    assert newest.has_keyboard
    assert not older.has_keyboard
    qtbot.keyClick(newest.primary_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not newest.primary_button
    assert QApplication.focusWidget() in newest.findChildren(QWidget)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: stack.panel("call-2") is None)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window)
