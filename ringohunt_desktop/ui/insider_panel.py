"""The "Insider" pop-up: who is calling, shown near the tray without taking keyboard focus.

The panel is plain Qt. The service layer creates it (through ``PanelStack``), pushes what it
learns with ``update_call`` / ``set_lookup``, and listens to the signals for the agent's
choices. The panel never talks to the network and never blocks.

Every string that comes from the CRM or the telephony API is shown as plain text: contact data
is typed by people and must never be interpreted as markup.
"""

from __future__ import annotations

import logging
from datetime import datetime
from itertools import pairwise

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QEnterEvent,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QShowEvent,
    QWindow,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ringohunt_desktop.core.latency import Delay
from ringohunt_desktop.core.notes import MAX_NOTE_CHARS, NoteOutcome
from ringohunt_desktop.domain import (
    CallPhase,
    CallRecord,
    Contact,
    Direction,
    LookupResult,
    LookupState,
)
from ringohunt_desktop.phone import CallerNumber
from ringohunt_desktop.services.failures import describe
from ringohunt_desktop.ui import icons, theme
from ringohunt_desktop.ui.accessibility import announce
from ringohunt_desktop.ui.widgets import (
    local_time,
    meaningful_utm,
    plain_label,
    plain_tooltip,
    round_window_corners,
    set_window_edge,
    shown,
    wrapped_height,
)

log = logging.getLogger(__name__)

PANEL_WIDTH = 340
CARD_RADIUS = 10
_PICKER_VISIBLE_ROWS = 4
# How long the panel waits for the CRM before a screen reader hears the call by its number
# alone: one message with the caller's name is better, but a silent ring is worse.
ANNOUNCE_WAIT_MS = 2000

def panel_width() -> int:
    """The panel's width: PANEL_WIDTH at the design's text size, wider with bigger text so
    the buttons and the caller's name keep their room."""
    return theme.px(PANEL_WIDTH)


def card_edge(c: theme.Colours) -> str:
    """The card's border: also what a window without see-through corners shows at its edge."""
    return c.text if c.high_contrast else c.border


def _style(c: theme.Colours) -> str:
    pt = theme.pt
    return f"""
#card {{
    background: {c.surface};
    border: 1px solid {card_edge(c)};
    border-radius: {CARD_RADIUS}px;
}}
#body QLabel {{ color: {c.text}; }}
#statusLabel, #timeLabel {{ color: {c.text_muted}; font-size: {pt(9)}; }}
#nameLabel {{ font-size: {pt(16)}; font-weight: 700; }}
#nameLabel[muted="true"] {{
    color: {c.text_muted}; font-size: {pt(12)}; font-weight: 400; font-style: italic;
}}
#numberLabel {{ color: {c.text_secondary}; font-size: {pt(12)}; font-weight: 600;
    letter-spacing: 0.3px; }}
#companyLabel {{ color: {c.text_secondary}; font-size: {pt(10)}; margin-top: 1px; }}
#managerLabel {{ color: {c.text_muted}; font-size: {pt(9)}; margin-top: 1px; }}
#utmLabel {{ color: {c.text_muted}; font-size: {pt(9)}; margin-top: 6px; }}
#delayLabel {{ color: {c.text_muted}; font-size: {pt(8)}; }}
#hintLabel {{ color: {c.warning}; font-size: {pt(9)}; margin-top: 4px; margin-bottom: 2px; }}
#messageLabel {{ color: {c.text_secondary}; font-size: {pt(9.5)}; margin-top: 2px; }}
#lastCallLabel {{ color: {c.text_secondary}; font-size: {pt(9)}; margin-top: 4px; }}
#staleLabel {{ color: {c.alert}; font-weight: 600; }}
#noteEdit {{
    border: 1px solid {c.input_border}; border-radius: 6px; padding: 4px 6px;
    font-size: {pt(10)}; background: {c.surface}; color: {c.text}; margin-top: 6px;
}}
#noteEdit:focus {{ border-color: {c.focus}; }}
#noteStateLabel {{ color: {c.text_muted}; font-size: {pt(9)}; }}
#noteStateLabel[state="saved"] {{ color: {c.success}; }}
#noteStateLabel[state="waiting"] {{ color: {c.warning}; }}
#picker {{
    border: 1px solid {c.border}; border-radius: 6px; background: {c.surface_alt};
    font-size: {pt(10)}; padding: 2px;
}}
#picker::item {{ padding: 4px 6px; border-radius: 4px; color: {c.text}; }}
#picker::item:hover {{ background: {c.selection_hover}; }}
#picker::item:selected {{ background: {c.selection}; color: {c.on_selection}; }}
QToolButton {{ border: none; border-radius: 4px; padding: 2px; background: transparent; }}
QToolButton:hover {{ background: {c.hover}; }}
QToolButton:checked {{ background: {c.selection_hover}; }}
{theme.button_qss(c)}
QPushButton#primaryButton {{
    background: {c.accent}; border-color: {c.accent}; color: {c.on_accent}; font-weight: 600;
}}
QPushButton#primaryButton:hover {{ background: {c.accent_hover}; }}
QPushButton#primaryButton:disabled {{
    background: {c.accent_disabled}; color: {c.disabled_text};
    border-color: {c.disabled_border if c.high_contrast else c.accent_disabled};
}}
QPushButton#linkButton {{
    border: none; background: transparent; color: {c.link}; padding: 0px;
    font-size: {pt(9)}; text-align: left;
}}
QPushButton#linkButton:hover {{ text-decoration: underline; }}
"""


class NoteEdit(QLineEdit):
    """The one-line note after the call. The panel never takes focus by itself: a click here
    is the agent asking to type, and ``typing_requested`` lets the panel accept the keyboard
    until Enter (save) or Escape (back to where the agent was)."""

    typing_requested = Signal()
    typing_cancelled = Signal()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.typing_requested.emit()
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.typing_cancelled.emit()
            return
        super().keyPressEvent(event)


def _arrival_text(direction: Direction, who: str) -> str:
    texts = {
        Direction.INCOMING: QCoreApplication.translate("InsiderPanel", "Incoming call from {who}"),
        Direction.OUTGOING: QCoreApplication.translate("InsiderPanel", "Outgoing call to {who}"),
        Direction.CALLBACK: QCoreApplication.translate("InsiderPanel", "Callback to {who}"),
        Direction.OTHER: QCoreApplication.translate("InsiderPanel", "Call with {who}"),
    }
    return texts[direction].format(who=who)


def _direction_text(direction: Direction) -> str:
    texts = {
        Direction.INCOMING: QCoreApplication.translate("InsiderPanel", "Incoming call"),
        Direction.OUTGOING: QCoreApplication.translate("InsiderPanel", "Outgoing call"),
        Direction.CALLBACK: QCoreApplication.translate("InsiderPanel", "Callback"),
        Direction.OTHER: QCoreApplication.translate("InsiderPanel", "Call"),
    }
    return texts[direction]


class InsiderPanel(QWidget):
    """One call's pop-up card. Never takes keyboard focus by itself; never activates its
    window unless the agent asks (a click into the note, or :meth:`take_keyboard`).

    Screen readers hear one message when it appears ("Incoming call from Olena Koval,
    Flower shop"), once the CRM has answered or after ``ANNOUNCE_WAIT_MS``, and then each
    change of the call (answered, ended, missed, no longer updating) politely.
    """

    open_in_crm_requested = Signal(Contact)
    create_contact_requested = Signal(str, CallRecord)  # number_e164, call
    call_back_requested = Signal(str)  # number_e164
    copy_number_requested = Signal(str)  # number_e164
    contact_picked = Signal(str, Contact)  # number_e164, the contact the agent chose
    retry_lookup_requested = Signal(str)  # number_e164
    pin_changed = Signal(bool)
    dismissed = Signal()  # the panel closed, by the agent or by the stack
    # The agent's note after the call: the call, the text, the contact's record id ('' when
    # none is shown; the note then waits for the number's contact).
    note_submitted = Signal(CallRecord, str, str)
    note_editing = Signal(bool)  # the agent is typing a note: keep the panel open

    # For PanelStack: the height changed (re-stack), the pointer entered/left (pause autoclose).
    content_resized = Signal()
    hover_changed = Signal(bool)

    def __init__(self, call: CallRecord, caller: CallerNumber,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._call = call
        self._phase = CallPhase.RINGING
        self._number_display = caller.display
        self._number_e164 = caller.e164
        self._lookup = LookupResult(LookupState.LOOKING, self._number_e164)
        self._contact: Contact | None = None
        self._manager_override = ""
        self._dismissed = False
        self._collapsed = False  # an older panel in the stack: header and name only
        self._gaps: list[tuple[QSpacerItem, int]] = []
        self._focus_before_show: QWindow | None = None
        self._accent = "stripe_looking"  # a theme.Colours field: the colour follows the look
        self._typing_note = False
        self._keyboard = False  # the agent came in by keyboard (take_keyboard)
        self._note_submitted = False
        # What screen readers have been told: the arrival (and whether it named the caller
        # or only the number), the phase, and the "not updating" warning.
        self._announced = False
        self._announced_who = False
        self._announced_phase = CallPhase.RINGING
        self._announced_stale = ""
        self._announce_timer = QTimer(self)
        self._announce_timer.setSingleShot(True)
        self._announce_timer.setInterval(ANNOUNCE_WAIT_MS)
        self._announce_timer.timeout.connect(self._announce_arrival)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.connect(self._on_focus_window_changed)

        # Tool: no taskbar entry. DoesNotAcceptFocus + ShowWithoutActivating: the agent may be
        # typing in another app when the phone rings, and keystrokes must keep going there.
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowDoesNotAcceptFocus
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        # The card draws its own rounded background; the window's corners must not show
        # (without a compositor, see-through corners paint black).
        round_window_corners(self, CARD_RADIUS)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setObjectName("insiderPanel")

        self._build()
        theme.follow(self._apply_theme)
        self.update_call(call, self._phase)
        self._apply_lookup()

    # -- construction ---------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # The panel sizes itself (_relayout); letting the layout push minimum sizes onto the
        # window as well would only make the platform re-negotiate size hints on every update.
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.card = QFrame(self)
        self.card.setObjectName("card")
        outer.addWidget(self.card)

        card_layout = QHBoxLayout(self.card)
        card_layout.setContentsMargins(1, 1, 1, 1)
        card_layout.setSpacing(0)
        self.accent = QFrame(self.card)
        self.accent.setObjectName("accent")
        self.accent.setFixedWidth(5)
        card_layout.addWidget(self.accent)

        body = QWidget(self.card)
        body.setObjectName("body")
        card_layout.addWidget(body, 1)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(12, 8, 8, 12)
        layout.setSpacing(2)

        # Header: direction and phase, time, pin, close.
        header = QHBoxLayout()
        header.setSpacing(6)
        self.direction_icon = plain_label(object_name="directionIcon", parent=body)
        self.direction_icon.setFixedSize(18, 18)
        header.addWidget(self.direction_icon)
        self.status_label = plain_label(object_name="statusLabel", parent=body)
        # Wraps rather than clips: "Вхідний дзвінок • пропущено" is long beside the buttons.
        self.status_label.setWordWrap(True)
        header.addWidget(self.status_label, 1)
        self.time_label = plain_label(object_name="timeLabel", parent=body)
        header.addWidget(self.time_label)
        self.pin_button = self._tool_button(body, self.tr("Keep this pop-up open"))
        self.pin_button.setCheckable(True)
        self.pin_button.toggled.connect(self._on_pin_toggled)
        header.addWidget(self.pin_button)
        self.close_button = self._tool_button(body, self.tr("Close"))
        self.close_button.clicked.connect(self.close)
        header.addWidget(self.close_button)
        layout.addLayout(header)
        # Calls stopped coming through: what this panel shows may be over; say so at the top.
        self.stale_label = self._wrapping_label(body, "staleLabel")
        self.stale_label.setVisible(False)
        layout.addWidget(self.stale_label)

        # Who is calling is the headline: the agent greets a name, not digits. Until the CRM
        # answers it says so ("Looking up…"), muted, and the number below carries the call.
        self.name_label = self._wrapping_label(body, "nameLabel")
        layout.addWidget(self.name_label)
        number_row = QHBoxLayout()
        number_row.setSpacing(4)
        self.number_label = plain_label(object_name="numberLabel", parent=body)
        number_row.addWidget(self.number_label)
        self.copy_button = self._tool_button(body, self.tr("Copy number"))
        self.copy_button.clicked.connect(
            lambda: self.copy_number_requested.emit(self._number_e164)
        )
        number_row.addWidget(self.copy_button)
        number_row.addStretch(1)
        layout.addLayout(number_row)
        layout.addItem(self._gap(4))

        self.company_label = self._wrapping_label(body, "companyLabel")
        layout.addWidget(self.company_label)
        self.manager_label = self._wrapping_label(body, "managerLabel")
        layout.addWidget(self.manager_label)
        # What the AI made of this client's last call (Ringostat's "call processed by AI").
        self.last_call_label = self._wrapping_label(body, "lastCallLabel")
        self.last_call_label.setVisible(False)
        layout.addWidget(self.last_call_label)

        # Several contacts share the number: let the agent say which one is calling.
        self.hint_label = self._wrapping_label(body, "hintLabel")
        layout.addWidget(self.hint_label)
        self.picker = QListWidget(body)
        self.picker.setObjectName("picker")
        self.picker.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.picker.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.picker.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.picker.setUniformItemSizes(True)
        self.picker.itemClicked.connect(self._on_pick)
        self.picker.itemActivated.connect(self._on_pick)
        self.picker.setAccessibleName(self.tr("Contacts with this number"))
        self.picker.setAccessibleDescription(
            self.tr("Up and Down choose who is calling; Enter shows their details"))
        layout.addWidget(self.picker)
        self.change_button = QPushButton(body)
        self.change_button.setObjectName("linkButton")
        self.change_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.change_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.change_button.clicked.connect(self._show_picker_again)
        layout.addWidget(self.change_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.message_label = self._wrapping_label(body, "messageLabel")
        layout.addWidget(self.message_label)
        # Where the caller came from is context, not identity: last and quiet.
        self.utm_label = self._wrapping_label(body, "utmLabel")
        layout.addWidget(self.utm_label)
        # How late the pop was: for the agent who says "it popped late", and for IT.
        self.delay_label = self._wrapping_label(body, "delayLabel")
        self.delay_label.setVisible(False)
        layout.addWidget(self.delay_label)

        # After the call: a one-line note that lands on the contact in NetHunt.
        self.note_edit = NoteEdit(body)
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setPlaceholderText(self.tr("Note for NetHunt (Enter saves)"))
        self.note_edit.setMaxLength(MAX_NOTE_CHARS)
        self.note_edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.note_edit.setAccessibleName(self.tr("Note for NetHunt"))
        self.note_edit.returnPressed.connect(self._on_note_entered)
        self.note_edit.typing_requested.connect(self._start_typing)
        self.note_edit.typing_cancelled.connect(self._stop_typing)
        self.note_edit.textEdited.connect(
            lambda text: self.note_editing.emit(bool(text.strip()) or self._typing_note))
        self.note_edit.setVisible(False)
        layout.addWidget(self.note_edit)
        self.note_state_label = self._wrapping_label(body, "noteStateLabel")
        self.note_state_label.setVisible(False)
        layout.addWidget(self.note_state_label)

        layout.addItem(self._gap(8))
        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        self.primary_button = QPushButton(body)
        self.primary_button.setObjectName("primaryButton")
        self.primary_button.clicked.connect(self._on_primary)
        buttons.addWidget(self.primary_button)
        self.call_back_button = QPushButton(self.tr("Call back"), body)
        self.call_back_button.clicked.connect(
            lambda: self.call_back_requested.emit(self._number_e164)
        )
        buttons.addWidget(self.call_back_button)
        buttons.addStretch(1)
        for button in (self.primary_button, self.call_back_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setAutoDefault(False)
        layout.addLayout(buttons)

    def _gap(self, height: int) -> QSpacerItem:
        """A vertical gap between parts; a folded panel has none (an empty strip under the
        name read as a rendering fault)."""
        gap = QSpacerItem(0, height, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self._gaps.append((gap, height))
        return gap

    def _apply_theme(self) -> None:
        """Colours and sizes from the system's look; again whenever it changes."""
        c = theme.colours()
        self.setStyleSheet(_style(c))
        set_window_edge(self, card_edge(c))
        self.setFixedWidth(panel_width())
        muted = c.qcolor("text_muted")
        icon = theme.px(16)
        self.close_button.setIcon(icons.close_icon(muted, icon))
        self.copy_button.setIcon(icons.copy_icon(muted, icon))
        side = theme.px(24)
        for button in (self.pin_button, self.close_button, self.copy_button):
            button.setFixedSize(side, side)
            button.setIconSize(QSize(theme.px(14), theme.px(14)))
        self._set_accent(self._accent)
        if self._lookup.state is LookupState.AMBIGUOUS and self._contact is None:
            self._fit_picker()
        self._relayout()

    def _tool_button(self, parent: QWidget, tooltip: str) -> QToolButton:
        button = QToolButton(parent)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setAutoRaise(True)
        button.setIconSize(QSize(14, 14))
        button.setToolTip(tooltip)
        button.setAccessibleName(tooltip)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        return button

    @staticmethod
    def _wrapping_label(parent: QWidget, object_name: str) -> QLabel:
        label = plain_label(object_name=object_name, parent=parent)
        label.setWordWrap(True)
        # Style-sheet margins make QLabel guess an indent; rows must line up with the name.
        label.setIndent(0)
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        return label

    # -- what the service layer calls -----------------------------------------------------

    @property
    def call(self) -> CallRecord:
        return self._call

    @property
    def phase(self) -> CallPhase:
        return self._phase

    @property
    def number_e164(self) -> str:
        return self._number_e164

    @property
    def lookup(self) -> LookupResult:
        return self._lookup

    @property
    def contact(self) -> Contact | None:
        """The contact shown: the single match, or the one the agent picked."""
        return self._contact

    @property
    def pinned(self) -> bool:
        return self.pin_button.isChecked()

    def set_pinned(self, pinned: bool) -> None:
        self.pin_button.setChecked(pinned)

    def update_call(self, call: CallRecord, phase: CallPhase) -> None:
        self._call = call
        self._phase = phase
        missed = phase is CallPhase.MISSED
        self.direction_icon.setPixmap(
            icons.direction_icon(call.direction, missed=missed, size=18).pixmap(18, 18)
        )
        self.status_label.setText(
            f"{_direction_text(call.direction)} • {self._phase_text(phase)}"
        )
        self.time_label.setText(_clock(call.started_at))
        self.number_label.setText(self._number_display)
        self.number_label.setToolTip(plain_tooltip(self._number_e164))
        # Else the tooltip's markup would be read out as the description.
        self.number_label.setAccessibleDescription(self._number_e164)
        self.setWindowTitle(
            self.tr("{direction}: {number}").format(
                direction=_direction_text(call.direction), number=self._number_display
            )
        )
        self._update_utm()
        self.call_back_button.setVisible(phase in (CallPhase.MISSED, CallPhase.ENDED))
        self.note_edit.setVisible(phase in (CallPhase.MISSED, CallPhase.ENDED)
                                  and not self._note_submitted)
        self._update_accessibility()
        self._announce_phase()
        self._relayout()

    @property
    def stale_text(self) -> str:
        return self.stale_label.text() if self.stale_label.isVisible() else ""

    def set_stale(self, text: str) -> None:
        """``text``: why this panel no longer follows its call; empty when it does again."""
        self.stale_label.setText(text)
        self.stale_label.setVisible(bool(text))
        self._update_accessibility()
        if self._announced and text != self._announced_stale:
            self._announced_stale = text
            if text:
                announce(self, text)
        self._relayout()

    def set_pop_delay(self, delay: Delay) -> None:
        """How long after Ringostat reported the call this panel appeared."""
        if delay.seconds is not None:
            text = self.tr("Shown {delay} after the call reached Ringostat").format(
                delay=_delay_text(delay.seconds))
        elif delay.clocks_differ:
            text = self.tr("This computer's clock differs from Ringostat's, so the delay "
                           "cannot be shown")
        else:
            text = ""
        self.delay_label.setText(text)
        self.delay_label.setVisible(bool(text))
        self._relayout()

    def set_lookup(self, result: LookupResult) -> None:
        if result.number_e164:
            self._number_e164 = result.number_e164
        if result.state is LookupState.LOOKING and self._contact is not None:
            # A background refresh of a number already shown: keep the card still.
            return
        self._lookup = result
        self._contact = result.contact
        self._manager_override = ""
        self._apply_lookup()

    def set_last_call_summary(self, summary: str) -> None:
        """The AI's summary of this client's previous call ('' hides the line)."""
        text = shown(summary)[:400]
        self.last_call_label.setText(self.tr("Last call: {summary}").format(summary=text)
                                     if text else "")
        self.last_call_label.setToolTip(plain_tooltip(summary[:2000]) if text else "")
        self.last_call_label.setAccessibleDescription(shown(summary[:2000]) if text else "")
        self.last_call_label.setVisible(bool(text))
        self._relayout()

    def set_note_state(self, outcome: NoteOutcome) -> None:
        """Where the submitted note is: in NetHunt, or kept until it can be written."""
        texts = {
            NoteOutcome.SAVED: self.tr("Note saved in NetHunt"),
            NoteOutcome.WAITING: self.tr("Note kept: it will be saved when NetHunt answers"),
            NoteOutcome.NO_CONTACT: self.tr(
                "Note kept with the call: it will be saved when the contact is created"),
        }
        self.note_state_label.setText(texts[outcome])
        self.note_state_label.setProperty(
            "state", "saved" if outcome is NoteOutcome.SAVED else "waiting")
        self.note_state_label.style().unpolish(self.note_state_label)
        self.note_state_label.style().polish(self.note_state_label)
        self.note_state_label.setVisible(True)
        self._relayout()

    def set_manager_display(self, text: str) -> None:
        """Show ``text`` (e.g. the manager's name resolved from an e-mail) as the manager."""
        self._manager_override = text
        self._show_contact_details()
        self._update_accessibility()
        self._relayout()

    # -- state rendering ------------------------------------------------------------------

    def _apply_lookup(self) -> None:
        state = self._lookup.state
        for widget in (self.company_label, self.manager_label, self.hint_label, self.picker,
                       self.change_button, self.message_label, self.primary_button):
            widget.setVisible(False)
        self.primary_button.setEnabled(True)

        if state is LookupState.LOOKING:
            self._set_name(self.tr("Looking up…"), muted=True)
            self._set_accent("stripe_looking")
        elif state is LookupState.FOUND and self._contact is not None:
            self._show_contact_details()
            self._set_accent("stripe_found")
        elif state is LookupState.AMBIGUOUS:
            if self._contact is not None:
                self._show_contact_details()
            else:
                self._show_picker()
            self._set_accent("stripe_attention")
        elif state is LookupState.FAILED:
            self._set_name(self.tr("Could not check the CRM"), muted=True)
            self.message_label.setText(self._failure_text())
            self.message_label.setVisible(True)
            self._set_primary(self.tr("Retry"))
            self._set_accent("stripe_failed")
        else:  # UNKNOWN, or FOUND without a contact (treated the same: nothing to open)
            self._set_name(self.tr("Not in CRM"), muted=True)
            self._set_primary(self.tr("Create contact"))
            self._set_accent("stripe_attention")
        self._update_accessibility()
        if state is not LookupState.LOOKING and self.isVisible():
            self._announce_arrival()
        self._relayout()

    def _show_contact_details(self) -> None:
        contact = self._contact
        if contact is None:
            return
        self._set_name(shown(contact.name) or self.tr("(no name)"),
                       muted=not contact.name.strip())
        self.company_label.setText(shown(contact.company))
        self.company_label.setVisible(bool(contact.company.strip()))
        manager = shown(self._manager_override or contact.manager)
        self.manager_label.setText(self.tr("Manager: {name}").format(name=manager))
        self.manager_label.setVisible(bool(manager))
        self.hint_label.setVisible(False)
        self.picker.setVisible(False)
        others = len(self._lookup.contacts) - 1
        if self._lookup.state is LookupState.AMBIGUOUS and others > 0:
            self.change_button.setText(
                self.tr("Not this one? {count} more with this number").format(count=others)
            )
            self.change_button.setVisible(True)
        self._set_primary(self.tr("Open in CRM"))

    def _show_picker(self) -> None:
        contacts = self._lookup.contacts
        self._set_name(
            self.tr("{count} contacts share this number").format(count=len(contacts)),
            muted=False,
        )
        self.hint_label.setText(self.tr("Who is calling? Pick one to see the details."))
        self.hint_label.setVisible(True)
        self.picker.clear()
        for contact in contacts:
            name = shown(contact.name) or self.tr("(no name)")
            company = shown(contact.company)
            parts = [name]
            # "Andrii Melnyk (Romashka LLC) · Romashka LLC" would waste the narrow row.
            if company and company.casefold() not in name.casefold():
                parts.append(company)
            item = QListWidgetItem(" · ".join(parts))
            # Item text is always plain; the tooltip is escaped so it stays literal too.
            item.setToolTip(plain_tooltip("\n".join(parts)))
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, ", ".join(parts))
            item.setData(Qt.ItemDataRole.UserRole, contact.record_id)
            self.picker.addItem(item)
        self._fit_picker()
        self.picker.setVisible(True)
        self.company_label.setVisible(False)
        self.manager_label.setVisible(False)
        self.change_button.setVisible(False)
        self._set_primary(self.tr("Open in CRM"))
        self.primary_button.setEnabled(False)  # until the agent picks

    def _fit_picker(self) -> None:
        rows = min(self.picker.count(), _PICKER_VISIBLE_ROWS)
        self.picker.ensurePolished()
        row_height = (self.picker.sizeHintForRow(0) if rows
                      else self.picker.fontMetrics().height() + 8)
        self.picker.setFixedHeight(rows * row_height + 2 * self.picker.frameWidth() + 6)

    def _set_name(self, text: str, *, muted: bool) -> None:
        self.name_label.setText(text)
        self.name_label.setProperty("muted", muted)
        # Dynamic properties only restyle after a re-polish.
        self.name_label.style().unpolish(self.name_label)
        self.name_label.style().polish(self.name_label)
        self.name_label.setVisible(True)

    def _set_primary(self, text: str) -> None:
        self.primary_button.setText(text)
        self.primary_button.setEnabled(True)
        self.primary_button.setVisible(True)

    def _set_accent(self, role: str) -> None:
        self._accent = role
        colour = theme.colours().qcolor(role)
        self.accent.setStyleSheet(
            f"#accent {{ background: {colour.name()}; border: none;"
            " border-top-left-radius: 9px; border-bottom-left-radius: 9px; }"
        )
        self._update_pin_icon()

    def _update_pin_icon(self) -> None:
        c = theme.colours()
        colour = c.qcolor(self._accent if self.pinned else "text_muted")
        self.pin_button.setIcon(icons.pin_icon(colour, theme.px(16)))

    def _update_utm(self) -> None:
        call = self._call
        parts = [meaningful_utm(v) for v in (call.utm_source, call.utm_medium, call.utm_campaign)]
        sources = [shown(p) for p in parts if p]
        # Hide the row entirely when the call carries no real source: "(direct) / (none)" is
        # noise for an agent deciding how to greet the caller.
        self.utm_label.setText(
            self.tr("Source: {utm}").format(utm=" / ".join(sources)) if sources else ""
        )
        self.utm_label.setVisible(bool(sources))

    def _phase_text(self, phase: CallPhase) -> str:
        texts = {
            CallPhase.RINGING: self.tr("ringing"),
            CallPhase.ANSWERED: self.tr("answered"),
            CallPhase.ENDED: self.tr("ended"),
            CallPhase.MISSED: self.tr("missed"),
        }
        return texts[phase]

    def _update_accessibility(self) -> None:
        who = self._spoken_name()
        direction = _direction_text(self._call.direction)
        name = f"{direction}: {who}, {self._number_display}" if who else (
            f"{direction}: {self._number_display}"
        )
        details = [self._phase_text(self._phase)]
        if self._contact is not None:
            if self._contact.company.strip():
                details.append(shown(self._contact.company))
            manager = self._manager_override or self._contact.manager
            if manager.strip():
                details.append(self.tr("Manager: {name}").format(name=shown(manager)))
        elif self._lookup.state is LookupState.FAILED:
            details.append(self._failure_text())
        self.setAccessibleName(name)
        self.setAccessibleDescription(", ".join(d for d in details if d))

    def _spoken_caller(self) -> str:
        """Who is calling, as a screen reader says it when the panel appears: the name and
        the company of a known caller, the number (and why there is no name) otherwise."""
        state = self._lookup.state
        contact = self._contact
        if contact is not None:
            parts = [shown(contact.name) or self._number_display, shown(contact.company)]
            return ", ".join(p for p in parts if p)
        if state is LookupState.UNKNOWN or state is LookupState.FOUND:
            why = self.tr("not in CRM")
        elif state is LookupState.AMBIGUOUS:
            why = self.tr("{count} contacts share this number").format(
                count=len(self._lookup.contacts))
        elif state is LookupState.FAILED:
            why = self.tr("could not check the CRM")
        else:
            return self._number_display
        return f"{self._number_display}, {why}"

    def _announce_arrival(self) -> None:
        """The one message a screen reader speaks when the panel appears; if the CRM was too
        slow and only the number was said, the name follows once, politely."""
        self._announce_timer.stop()
        if self._dismissed:
            return
        knows_who = self._lookup.state is not LookupState.LOOKING
        if not self._announced:
            self._announced = True
            self._announced_who = knows_who
            self._announced_phase = self._phase
            announce(self, _arrival_text(self._call.direction, self._spoken_caller()),
                     assertive=True)
        elif knows_who and not self._announced_who:
            self._announced_who = True
            announce(self, self._spoken_caller())

    def _announce_phase(self) -> None:
        phase = self._phase
        if not self._announced or phase is self._announced_phase:
            return
        self._announced_phase = phase
        texts = {
            CallPhase.RINGING: self.tr("Ringing"),
            CallPhase.ANSWERED: self.tr("Call answered"),
            CallPhase.ENDED: self.tr("Call ended"),
            CallPhase.MISSED: self.tr("Missed call"),
        }
        announce(self, texts[phase])

    def _failure_text(self) -> str:
        """Why the lookup failed, in the agent's language (``error`` is English, for logs)."""
        failure = self._lookup.failure
        if failure is not None:
            return describe(failure)
        return shown(self._lookup.error) or self.tr("The CRM is not responding.")

    def _spoken_name(self) -> str:
        state = self._lookup.state
        if self._contact is not None:
            return shown(self._contact.name)
        if state is LookupState.UNKNOWN:
            return self.tr("not in CRM")
        if state is LookupState.AMBIGUOUS:
            return self.tr("{count} contacts share this number").format(
                count=len(self._lookup.contacts)
            )
        return ""

    @property
    def collapsed(self) -> bool:
        return self._collapsed

    def set_collapsed(self, collapsed: bool) -> None:
        """Fold to the header and the caller's name (the stack does this to older panels, so
        four calls never cover most of the screen), or unfold with everything in its state."""
        if collapsed == self._collapsed:
            return
        self._collapsed = collapsed
        for gap, height in self._gaps:
            gap.changeSize(0, 0 if collapsed else height, QSizePolicy.Policy.Minimum,
                           QSizePolicy.Policy.Fixed)
        if not collapsed:
            # Each part's visibility follows the call and the lookup: let them decide again.
            self._apply_lookup()
            self.update_call(self._call, self._phase)
            self.delay_label.setVisible(bool(self.delay_label.text()))
            self.last_call_label.setVisible(bool(self.last_call_label.text()))
            self.note_state_label.setVisible(bool(self.note_state_label.text()))
        self._relayout()

    def _folded_widgets(self) -> tuple[QWidget, ...]:
        return (self.number_label, self.copy_button, self.company_label, self.manager_label,
                self.hint_label, self.picker, self.change_button, self.message_label,
                self.utm_label, self.delay_label, self.last_call_label, self.note_edit,
                self.note_state_label, self.primary_button, self.call_back_button)

    def _relayout(self) -> None:
        """Fit the height to the content at the fixed width and tell the stack."""
        if self._collapsed:
            # Every state change ends here, so a lookup answering meanwhile stays folded.
            for widget in self._folded_widgets():
                widget.setVisible(False)
        if not self.isVisible():
            # Hidden children do not report height-for-width yet; showEvent sizes the panel.
            return
        width = panel_width()
        height = wrapped_height(self, width)
        if height is not None and (height != self.height() or width != self.width()):
            self.resize(width, height)
            self.content_resized.emit()

    # -- the agent's actions --------------------------------------------------------------

    def _on_primary(self) -> None:
        if self._lookup.state is LookupState.FAILED:
            self.retry_lookup_requested.emit(self._number_e164)
        elif not self.open_in_crm():
            self.create_contact()

    def open_in_crm(self) -> bool:
        """What "Open in CRM" does (the button, or the agent's shortcut); False when the
        caller has no contact (yet) to open."""
        if self._contact is None:
            return False
        self.open_in_crm_requested.emit(self._contact)
        return True

    def create_contact(self) -> bool:
        """What "Create contact" does (the button, or the shortcut); False while the CRM has
        not answered, or when the caller's contact is already shown."""
        if self._contact is not None or self._lookup.state not in (LookupState.UNKNOWN,
                                                                  LookupState.FOUND):
            return False
        self.create_contact_requested.emit(self._number_e164, self._call)
        return True

    def _on_pick(self, item: QListWidgetItem) -> None:
        record_id = item.data(Qt.ItemDataRole.UserRole)
        contact = next((c for c in self._lookup.contacts if c.record_id == record_id), None)
        if contact is None:
            return
        self._contact = contact
        self._manager_override = ""
        self._show_contact_details()
        self._update_accessibility()
        self._relayout()
        self.contact_picked.emit(self._number_e164, contact)

    def _start_typing(self) -> None:
        """The agent clicked into the note: accept the keyboard until Enter or Escape."""
        if self._typing_note:
            return
        self._typing_note = True
        if not self._keyboard:
            self._accept_focus(True)
        self.note_edit.setFocus(Qt.FocusReason.MouseFocusReason)
        self.note_editing.emit(True)

    def _stop_typing(self) -> None:
        if self._keyboard:
            # Came in by keyboard: stay, back on the buttons.
            self._typing_note = False
            self._focus_first_control()
        elif not self._typing_note:
            return
        else:
            self._typing_note = False
            self.note_edit.clearFocus()
            self._accept_focus(False)
            self._give_focus_back()
        self.note_editing.emit(bool(self.note_edit.text().strip())
                               and not self._note_submitted)

    # -- the keyboard way in ----------------------------------------------------------------

    @property
    def has_keyboard(self) -> bool:
        """The agent is working this panel by keyboard (see :meth:`take_keyboard`)."""
        return self._keyboard

    def take_keyboard(self) -> None:
        """The agent asked to act on this panel by keyboard (a shortcut; the panel never
        does this by itself): activate it and focus its main button.

        Then Tab and the arrow keys move between the buttons (and the contacts to pick from),
        Enter or Space presses the focused one, Escape closes the panel and gives the focus
        back to where the agent was."""
        if self._dismissed:
            return
        if not self._keyboard:
            focus_window = QGuiApplication.focusWindow()
            if focus_window is not None and focus_window is not self.windowHandle():
                self._focus_before_show = focus_window  # Escape goes back there
            self._keyboard = True
            self.note_editing.emit(True)  # keep it open (and unfolded) meanwhile
            if not self._typing_note:
                self._accept_focus(True)
            focusable = (self.primary_button, self.call_back_button, self.change_button,
                         self.picker, self.note_edit, self.copy_button, self.pin_button,
                         self.close_button)
            for widget in focusable:
                widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            for first, second in pairwise(focusable):
                QWidget.setTabOrder(first, second)
        self.raise_()
        self.activateWindow()
        self._focus_first_control()

    def release_keyboard(self, *, give_back: bool = True) -> None:
        """Back to a panel that never takes the focus; ``give_back`` re-activates the window
        the agent was in before the panel appeared."""
        if not self._keyboard:
            return
        self._keyboard = False
        self._typing_note = False
        for widget in (self.primary_button, self.call_back_button, self.change_button,
                       self.picker, self.copy_button, self.pin_button, self.close_button):
            widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.note_edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        focused = self.focusWidget()
        if focused is not None:
            focused.clearFocus()
        self._accept_focus(False)
        if give_back:
            self._give_focus_back()
        self.note_editing.emit(bool(self.note_edit.text().strip())
                               and not self._note_submitted)

    def _accept_focus(self, accept: bool) -> None:
        handle = self.windowHandle()
        if handle is not None:
            handle.setFlag(Qt.WindowType.WindowDoesNotAcceptFocus, not accept)
        if accept:
            self.activateWindow()

    def _give_focus_back(self) -> None:
        hand_focus_back(self._focus_before_show)

    def _focus_first_control(self) -> None:
        """The picker while the agent has to choose, else the main button, else the first
        visible one (Call back after a missed call from a known number, Close at least)."""
        candidates: list[QWidget] = [self.primary_button, self.call_back_button,
                                     self.close_button]
        if self.picker.isVisible() and not self.primary_button.isEnabled():
            candidates.insert(0, self.picker)
        for widget in candidates:
            if widget.isVisible() and widget.isEnabled():
                widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
                if widget is self.picker and self.picker.currentRow() < 0:
                    self.picker.setCurrentRow(0)
                return

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Keys the focused button or list did not use land here (in keyboard mode only:
        # otherwise nothing in the panel has the focus).
        key = event.key()
        if key == Qt.Key.Key_Escape:
            self.close()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = self.focusWidget()
            if isinstance(focused, QAbstractButton) and focused.isEnabled():
                focused.click()
                return
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self.focusNextPrevChild(True)
            return
        if key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self.focusNextPrevChild(False)
            return
        super().keyPressEvent(event)

    def _on_note_entered(self) -> None:
        text = self.note_edit.text().strip()
        if not text or self._note_submitted:
            return
        self._note_submitted = True
        self.note_edit.setVisible(False)
        self.note_state_label.setText(self.tr("Saving the note…"))
        self.note_state_label.setVisible(True)
        self._stop_typing()
        record_id = self._contact.record_id if self._contact is not None else ""
        self.note_submitted.emit(self._call, text, record_id)
        self._relayout()
        if self._keyboard:
            self._focus_first_control()

    def _show_picker_again(self) -> None:
        self._contact = None
        self._show_picker()
        self._update_accessibility()
        self._relayout()

    def _on_pin_toggled(self, pinned: bool) -> None:
        self.pin_button.setToolTip(
            self.tr("Let this pop-up close by itself") if pinned
            else self.tr("Keep this pop-up open")
        )
        self._update_pin_icon()
        self.pin_changed.emit(pinned)

    # -- window events --------------------------------------------------------------------

    def setVisible(self, visible: bool) -> None:
        if visible and not self.isVisible():
            self._focus_before_show = QGuiApplication.focusWindow()
        super().setVisible(visible)

    def _on_focus_window_changed(self, window: QWindow | None) -> None:
        """Hand activation back if a platform activated the panel despite its flags.

        Windows and X11 honour WA_ShowWithoutActivating / WindowDoesNotAcceptFocus, but some
        window managers (and Qt's offscreen platform) activate every new window. The panel
        has nothing to type into, so whichever of our windows had focus gets it back.
        """
        if self._keyboard and window is not self.windowHandle():
            # The agent moved on (a dialog the panel opened, the browser, another program):
            # the panel goes back to never taking the focus, leaving it where it went.
            self.release_keyboard(give_back=False)
            return
        if (window is None or window is not self.windowHandle() or self._typing_note
                or self._keyboard):
            return
        hand_focus_back(self._focus_before_show)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._relayout()
        # The window never gets focus, so screen readers would not notice it: it announces
        # itself, at once when the CRM has already answered (a cached contact), else when it
        # does (set_lookup) or after ANNOUNCE_WAIT_MS with the number alone.
        if not self._announced:
            if self._lookup.state is LookupState.LOOKING:
                self._announce_timer.start()
            else:
                self._announce_arrival()

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest:
            # A label changed text or font somewhere below: nested layouts have now updated
            # their height-for-width, so the window can take its final height.
            self._relayout()
        return handled

    def enterEvent(self, event: QEnterEvent) -> None:
        super().enterEvent(event)
        self.hover_changed.emit(True)

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self.hover_changed.emit(False)

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if event.isAccepted() and not self._dismissed:
            self._dismissed = True
            self._announce_timer.stop()
            if self._keyboard:
                self.release_keyboard()
            self.dismissed.emit()


def _delay_text(seconds: float) -> str:
    if seconds < 10:
        return QCoreApplication.translate("InsiderPanel", "{seconds} s").format(
            seconds=f"{seconds:.1f}")
    if seconds < 60:
        return QCoreApplication.translate("InsiderPanel", "{seconds} s").format(
            seconds=f"{seconds:.0f}")
    return QCoreApplication.translate("InsiderPanel", "{minutes} min {seconds} s").format(
        minutes=int(seconds // 60), seconds=int(seconds % 60))


def _clock(moment: datetime) -> str:
    return local_time(moment).strftime("%H:%M")


NOTICE_SECONDS = 6.0
MAX_NOTICES = 3

def hand_focus_back(previous: QWindow | None) -> None:
    """Re-activate the window the agent was in before one of ours appeared, if it still shows.
    Not another pop-up (or the stopped notice) that a platform activated anyway: it cannot
    take focus back, and asking makes Qt warn."""
    if (previous is not None and shiboken6.isValid(previous) and previous.isVisible()
            and not previous.flags() & Qt.WindowType.WindowDoesNotAcceptFocus):
        previous.requestActivate()


def _notice_style(c: theme.Colours) -> str:
    pt = theme.pt
    return f"""
#noticeCard {{
    background: {c.surface_alt}; border: 1px solid {card_edge(c)};
    border-radius: {CARD_RADIUS}px;
}}
#noticeTitle {{ color: {c.text}; font-size: {pt(9.5)}; font-weight: 600; }}
#noticeBody {{ color: {c.text_secondary}; font-size: {pt(9)}; }}
"""


class StackNotice(QWidget):
    """A short notice in the panel stack (a call placed, a missed call without a panel of
    its own): beside the panels, never over one, never taking the focus. It closes by itself
    after ``seconds`` unless the pointer rests on it; a click closes it."""

    closed = Signal()

    def __init__(self, title: str, body: str, seconds: float = NOTICE_SECONDS,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint
                            | Qt.WindowType.WindowStaysOnTopHint
                            | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        round_window_corners(self, CARD_RADIUS)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setObjectName("stackNotice")
        self.setWindowTitle(title)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        card = QFrame(self)
        card.setObjectName("noticeCard")
        outer.addWidget(card)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(12, 6, 12, 7)
        layout.setSpacing(0)
        self.title_label = plain_label(title, "noticeTitle", card)
        self.title_label.setWordWrap(True)
        layout.addWidget(self.title_label)
        self.body_label = plain_label(body, "noticeBody", card)
        self.body_label.setWordWrap(True)
        self.body_label.setVisible(bool(body))
        layout.addWidget(self.body_label)
        self.setAccessibleName(f"{title}: {body}" if body else title)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(round(seconds * 1000))
        self._timer.timeout.connect(self.close)
        self._closed = False
        self._focus_before_show: QWindow | None = None
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.focusWindowChanged.connect(self._on_focus_window_changed)
        theme.follow(self._apply_theme)

    def setVisible(self, visible: bool) -> None:
        if visible and not self.isVisible():
            self._focus_before_show = QGuiApplication.focusWindow()
        super().setVisible(visible)

    def _on_focus_window_changed(self, window: QWindow | None) -> None:
        """A platform that activates every new window (Qt's offscreen, some window managers)
        activated the notice despite its flags: it has nothing to type into, so the window
        the agent was in gets the keyboard back."""
        if window is not None and window is self.windowHandle():
            hand_focus_back(self._focus_before_show)

    def _apply_theme(self) -> None:
        c = theme.colours()
        self.setStyleSheet(_notice_style(c))
        set_window_edge(self, card_edge(c))
        self.setFixedWidth(panel_width())
        if self.isVisible():
            self.fit()

    @property
    def text(self) -> str:
        body = self.body_label.text()
        return f"{self.title_label.text()}: {body}" if body else self.title_label.text()

    def fit(self) -> None:
        """As tall as the wrapped text at the panel's width."""
        width = panel_width()
        height = wrapped_height(self, width)
        if height is not None:
            self.resize(width, height)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit()
        self._timer.start()
        announce(self, self.text)  # politely: the notice never interrupts the call

    def enterEvent(self, event: QEnterEvent) -> None:
        super().enterEvent(event)
        self._timer.stop()  # being read

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self._timer.start()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        super().closeEvent(event)
        if event.isAccepted() and not self._closed:
            self._closed = True
            self._timer.stop()
            self.closed.emit()


class PanelStack(QObject):
    """Keeps one panel per call, stacked away from the tray corner, at most ``max_panels``.

    Panels stack upward from the bottom-right of the available screen area (or from the
    ``anchor`` rect, e.g. the tray icon's geometry; an anchor in the top half of the screen
    stacks downward). The newest panel sits nearest the tray. A finished call's panel closes
    after ``autoclose_seconds`` (0 keeps it) unless pinned or under the pointer.
    """

    panel_closed = Signal(str)  # call_id

    def __init__(self, autoclose_seconds: float = 30.0, max_panels: int = 4,
                 anchor: QRect | None = None, parent: QObject | None = None, *,
                 spacing: int = 8, margin: int = 12) -> None:
        super().__init__(parent)
        self.autoclose_seconds = autoclose_seconds
        self.max_panels = max(1, max_panels)
        self._anchor = anchor
        self._spacing = spacing
        self._margin = margin
        #: Calm mode: panels appear at once at full opacity (see :meth:`_present`).
        self.calm = False
        self._panels: dict[str, InsiderPanel] = {}  # insertion order = age, oldest first
        self._timers: dict[str, QTimer] = {}
        self._finished: set[str] = set()
        self._hovered: set[str] = set()
        self._editing: set[str] = set()  # a note is being typed: never closed under it
        self._notices: list[StackNotice] = []  # oldest first; beyond the panels

    def set_anchor(self, anchor: QRect | None) -> None:
        self._anchor = anchor
        self.relayout()

    def panels(self) -> list[InsiderPanel]:
        """Open panels, oldest first."""
        return list(self._panels.values())

    def panel(self, call_id: str) -> InsiderPanel | None:
        return self._panels.get(call_id)

    def has_panels(self) -> bool:
        """Whether a panel is on screen (notices then join the stack)."""
        return any(panel.isVisible() for panel in self._panels.values())

    def notices(self) -> list[StackNotice]:
        """Notices on screen, oldest first."""
        return list(self._notices)

    def show_notice(self, title: str, body: str) -> StackNotice:
        """A short notice placed beyond the panels (the panels never move for it); at most
        :data:`MAX_NOTICES`, the oldest goes first."""
        while len(self._notices) >= MAX_NOTICES:
            self._notices[0].close()
        notice = StackNotice(title, body)
        self._notices.append(notice)
        notice.closed.connect(lambda: self._forget_notice(notice))
        self.relayout()
        notice.show()
        self.relayout()
        return notice

    def show_call(self, call: CallRecord, caller: CallerNumber) -> InsiderPanel:
        existing = self._panels.get(call.call_id)
        if existing is not None:
            existing.update_call(call, existing.phase)
            existing.raise_()
            return existing

        self._enforce_cap(room_for=1)
        panel = InsiderPanel(call, caller)
        call_id = call.call_id
        self._panels[call_id] = panel
        panel.dismissed.connect(lambda: self._forget(call_id))
        panel.content_resized.connect(self.relayout)
        panel.pin_changed.connect(lambda _pinned: self._on_pin(call_id))
        panel.hover_changed.connect(lambda hovered: self._on_hover(call_id, hovered))
        panel.note_editing.connect(lambda editing: self._on_note_editing(call_id, editing))
        # Place it before showing so it appears near where it belongs; showing settles its
        # height, so re-stack once more before anything is painted.
        self.relayout()
        self._present(panel)
        self.relayout()
        return panel

    def newest(self) -> InsiderPanel | None:
        """The panel of the call at hand (the newest), if any."""
        return next(reversed(self._panels.values()), None)

    def _present(self, panel: InsiderPanel) -> None:
        """The one place a panel appears. Panels appear at once (there is no fade or slide
        today); calm mode pins that down: full opacity, nothing animated. An appearing
        animation, if one is ever added, goes here behind ``if not self.calm``."""
        if self.calm:
            panel.setWindowOpacity(1.0)
        panel.show()

    def call_updated(self, call: CallRecord, phase: CallPhase) -> None:
        panel = self._panels.get(call.call_id)
        if panel is not None:
            panel.update_call(call, phase)

    def call_finished(self, call_id: str) -> None:
        if call_id not in self._panels:
            return
        self._finished.add(call_id)
        self._reschedule(call_id)

    def close_panel(self, call_id: str) -> None:
        panel = self._panels.get(call_id)
        if panel is not None:
            panel.close()

    def focus_newest_panel(self) -> bool:
        """The keyboard way to the call at hand (an in-app shortcut, a system-wide hotkey):
        the newest panel takes the focus on its main button; Escape closes it and returns
        the focus. False when no panel is open."""
        if not self._panels:
            return False
        newest = next(reversed(self._panels.values()))
        newest.take_keyboard()
        return True

    def close_all(self) -> None:
        """Close every panel, pinned ones too: the agent asked for a clean screen."""
        for panel in list(self._panels.values()):
            panel.close()
        for notice in list(self._notices):
            notice.close()

    # -- internals ------------------------------------------------------------------------

    def _enforce_cap(self, room_for: int) -> None:
        while len(self._panels) + room_for > self.max_panels:
            oldest_unpinned = next((p for p in self._panels.values() if not p.pinned), None)
            if oldest_unpinned is None:
                # Every panel is pinned: the agent chose to keep them, so exceed the cap.
                log.debug("all %d panels pinned; showing one more", len(self._panels))
                return
            oldest_unpinned.close()

    def _reschedule(self, call_id: str) -> None:
        """(Re)start or stop the autoclose timer from the panel's current state."""
        panel = self._panels.get(call_id)
        timer = self._timers.get(call_id)
        should_run = (
            panel is not None
            and call_id in self._finished
            and self.autoclose_seconds > 0
            and not panel.pinned
            and call_id not in self._hovered
            and call_id not in self._editing
        )
        if not should_run:
            if timer is not None:
                timer.stop()
            return
        if timer is None:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda: self.close_panel(call_id))
            self._timers[call_id] = timer
        timer.start(round(self.autoclose_seconds * 1000))

    def _on_pin(self, call_id: str) -> None:
        self._reschedule(call_id)
        self.relayout()  # a pinned panel stays unfolded

    def _on_note_editing(self, call_id: str, editing: bool) -> None:
        if editing:
            self._editing.add(call_id)
        else:
            self._editing.discard(call_id)
        self._reschedule(call_id)
        self.relayout()  # a panel with a note being typed stays unfolded

    def _on_hover(self, call_id: str, hovered: bool) -> None:
        # The agent is reading it: do not pull it away under the pointer.
        if hovered:
            self._hovered.add(call_id)
        else:
            self._hovered.discard(call_id)
        self._reschedule(call_id)
        self.relayout()  # a folded panel unfolds while the pointer is on it

    def _forget(self, call_id: str) -> None:
        panel = self._panels.pop(call_id, None)
        timer = self._timers.pop(call_id, None)
        if timer is not None:
            timer.stop()
            timer.deleteLater()
        self._finished.discard(call_id)
        self._hovered.discard(call_id)
        self._editing.discard(call_id)
        if panel is not None:
            panel.deleteLater()
            self.relayout()
            self.panel_closed.emit(call_id)

    def _forget_notice(self, notice: StackNotice) -> None:
        if notice in self._notices:
            self._notices.remove(notice)
            notice.deleteLater()
            self.relayout()

    def _available_area(self) -> QRect:
        screen = None
        if self._anchor is not None and self._anchor.isValid():
            screen = QGuiApplication.screenAt(self._anchor.center())
        if screen is None:
            screen = QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else QRect(0, 0, 1280, 800)

    def relayout(self) -> None:
        """Place panels newest-first, starting at the tray corner and moving away from it;
        notices follow beyond the oldest panel."""
        if not self._panels and not self._notices:
            return
        area = self._available_area()
        anchor = self._anchor if self._anchor is not None and self._anchor.isValid() else None
        grows_up = anchor is None or anchor.center().y() >= area.center().y()
        if anchor is None:
            right = area.right() - self._margin
        else:
            # Centre on the tray icon where possible, but stay inside the screen.
            right = anchor.center().x() + panel_width() // 2
            right = max(area.left() + self._margin + panel_width() - 1,
                        min(right, area.right() - self._margin))
        left = right - panel_width() + 1
        edge = area.bottom() - self._margin if grows_up else area.top() + self._margin
        if anchor is not None:
            # A tray with no reserved strip (the work area includes it): never cover the
            # icon the agent clicks; start beyond it.
            if grows_up:
                edge = min(edge, anchor.top() - self._margin)
            else:
                edge = max(edge, anchor.bottom() + self._margin)

        # The newest panel is the call at hand; older ones fold to a line unless the agent
        # pinned one, points at it or is typing its note. Folding re-enters relayout
        # (content_resized); the placing below runs after every height has settled.
        newest = next(reversed(self._panels), None)
        for call_id, panel in list(self._panels.items()):
            panel.set_collapsed(call_id != newest and not panel.pinned
                                and call_id not in self._hovered
                                and call_id not in self._editing)

        windows: list[QWidget] = [*reversed(list(self._panels.values())), *self._notices]
        for window in windows:
            height = window.height()
            if grows_up:
                top = edge - height + 1
                edge = top - self._spacing - 1
            else:
                top = edge
                edge = top + height + self._spacing
            window.move(left, top)
