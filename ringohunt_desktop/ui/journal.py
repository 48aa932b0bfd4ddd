"""The call journal: the project's calls from the local store, filtered, with call-back.

Filters (direction or missed, period, number/name text) are passed straight to
:meth:`CallStore.query`, which does the work in SQLite, so every change re-queries at once.

Missed calls and the one count: the tray, the inbox and this window's status line count the
client numbers still waiting for a call-back (the team inbox's rule). A missed call whose
client someone in the project called back since says so in its status and leaves the "Missed"
filter; "Mark handled" here marks its number handled in the inbox as well (with undo). Showing
the window emits :attr:`JournalWindow.journal_opened`, which the app uses to clear only the
"new missed call" attention state, not the count.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Final

from PySide6.QtCore import QDate, QEvent, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFont,
    QFontMetrics,
    QHideEvent,
    QKeyEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ringohunt_desktop.core.inbox import CallBack
from ringohunt_desktop.domain import Direction
from ringohunt_desktop.phone import DEFAULT_REGION
from ringohunt_desktop.store.calls import CallStore, JournalRow
from ringohunt_desktop.ui import theme
from ringohunt_desktop.ui.accessibility import announce
from ringohunt_desktop.ui.models import (
    JournalColumn,
    JournalModel,
    dial_form,
    widest_status_texts,
)
from ringohunt_desktop.ui.widgets import plain_label, waiting_label

__all__ = ["CallFilter", "JournalWindow", "Period"]

TEXT_DEBOUNCE_MS: Final = 120
ROW_LIMIT: Final = 2000


class CallFilter(StrEnum):
    ALL = "all"
    INCOMING = "in"
    OUTGOING = "out"
    MISSED = "missed"


class Period(StrEnum):
    TODAY = "today"
    WEEK = "7d"
    MONTH = "30d"
    ALL = "all"
    CUSTOM = "custom"


def _style(c: theme.Colours) -> str:
    pt = theme.pt
    return f"""
JournalWindow {{ background: {c.window}; }}
{theme.button_qss(c)}
QPushButton#filterButton {{ border-radius: 0px; padding: 5px 14px; margin: 0px; }}
QPushButton#filterButton[position="first"] {{
    border-top-left-radius: 6px; border-bottom-left-radius: 6px;
}}
QPushButton#filterButton[position="last"] {{
    border-top-right-radius: 6px; border-bottom-right-radius: 6px;
}}
QPushButton#filterButton:checked {{
    background: {c.accent}; border-color: {c.accent}; color: {c.on_accent}; font-weight: 600;
}}
QPushButton#callButton {{
    background: {c.call}; border-color: {c.call}; color: {c.on_call}; font-weight: 600;
}}
QPushButton#callButton:hover {{ background: {c.call_hover}; }}
QPushButton#callButton:disabled {{
    background: {c.call_disabled}; color: {c.disabled_text};
    border-color: {c.disabled_border if c.high_contrast else c.call_disabled};
}}
QLineEdit, QComboBox, QDateEdit {{
    font-size: {pt(10)}; padding: 4px 8px; border: 1px solid {c.input_border};
    border-radius: 6px; background: {c.surface}; color: {c.text};
}}
QLineEdit:focus {{ border-color: {c.focus}; }}
QTableView {{
    background: {c.surface}; border: 1px solid {c.border}; border-radius: 8px;
    gridline-color: transparent; font-size: {pt(10)}; color: {c.text};
    selection-background-color: {c.selection}; selection-color: {c.on_selection};
}}
QTableView::item {{ padding: 3px 6px; }}
QHeaderView::section {{
    background: {c.surface}; color: {c.text_muted}; border: none;
    border-bottom: 1px solid {c.divider}; padding: 6px 6px; font-size: {pt(9)}; font-weight: 600;
}}
#hintLabel {{ color: {c.text_muted}; font-size: {pt(11)}; }}
#statusLabel {{ color: {c.text_muted}; font-size: {pt(9)}; }}
"""


def _local_midnight(day: date) -> datetime:
    """The start of ``day`` in the agent's time zone (DST-correct for that very day)."""
    return datetime.combine(day, time()).astimezone()


def _to_date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class JournalWindow(QWidget):
    """All calls of the project, newest first, with filters and per-row actions."""

    call_requested = Signal(str)  # E.164 of the client (or the number as Ringostat sent it)
    open_in_crm_requested = Signal(str)  # the client's number; the app resolves the contact
    missed_count_changed = Signal(int)  # unhandled missed calls after a "Mark handled"
    # "Mark handled" (True) or its undo (False) on these call ids: the app tells the team
    # inbox, so that the one count of numbers waiting follows the journal.
    handled_changed = Signal(list, bool)
    journal_opened = Signal()  # the window became visible (see the module docstring)
    rows_changed = Signal(int)  # rows shown after each query (tests, status)

    def __init__(
        self,
        store: CallStore,
        region: str = DEFAULT_REGION,
        parent: QWidget | None = None,
        *,
        now: Callable[[], datetime] = datetime.now,
        call_backs: Callable[[Iterable[str]], Mapping[str, CallBack]] | None = None,
        waiting_count: Callable[[], int] | None = None,
    ) -> None:
        """``call_backs`` says which missed calls the project called back since (the team
        inbox's rule); ``waiting_count`` is the one count of numbers waiting for a call-back
        (the tray's, the inbox's)."""
        super().__init__(parent)
        self._store = store
        self._call_backs = call_backs
        self._waiting_count = waiting_count
        self._region = region
        # The clock is injectable so tests of "Today" do not depend on when they run.
        self._now = now
        self._last_handled: list[str] = []  # call ids of the last "Mark handled", for Undo
        self.setObjectName("JournalWindow")
        self.setWindowTitle(self.tr("Call journal"))
        self.setAccessibleDescription(self.tr(
            "Your calls, newest first. Type to filter by number or name; Enter calls back, "
            "Ctrl+O opens the caller in the CRM, Escape closes"))
        theme.resize_for_text(self, 1180, 560)

        self._text_timer = QTimer(self)
        self._text_timer.setSingleShot(True)
        self._text_timer.setInterval(TEXT_DEBOUNCE_MS)
        self._text_timer.timeout.connect(self._refresh_for_text)

        self.model = JournalModel(region, self, now=now)
        self._build()
        theme.follow(self._apply_theme)
        self.table.installEventFilter(self)
        self.text_filter.installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        self.refresh()

    def _apply_theme(self) -> None:
        """Colours and text sizes from the system's look; again whenever it changes."""
        self.setStyleSheet(_style(theme.colours()))
        for button in self.filter_buttons.values():
            _fit_checked_text(button)
        self.text_filter.setMinimumWidth(theme.px(180))
        self.table.verticalHeader().setDefaultSectionSize(theme.px(30))
        theme.scale_sections(self.table.horizontalHeader(), self._column_widths)

    # ---- building --------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 14, 14, 10)
        layout.setSpacing(10)

        filters = QHBoxLayout()
        filters.setSpacing(0)
        self.filter_group = QButtonGroup(self)
        self.filter_group.setExclusive(True)
        self.filter_buttons: dict[CallFilter, QPushButton] = {}
        labels = {
            CallFilter.ALL: self.tr("All"),
            CallFilter.INCOMING: self.tr("Incoming"),
            CallFilter.OUTGOING: self.tr("Outgoing"),
            CallFilter.MISSED: self.tr("Missed"),
        }
        for position, (kind, label) in enumerate(labels.items()):
            button = QPushButton(label, self)
            button.setObjectName("filterButton")
            button.setCheckable(True)
            # One of four: screen readers then say "radio button, 2 of 4", not "check box".
            button.setAutoExclusive(True)
            button.setProperty(
                "position", "first" if position == 0 else "last" if position == 3 else "middle"
            )
            self.filter_group.addButton(button)
            self.filter_buttons[kind] = button
            filters.addWidget(button)
            _fit_checked_text(button)
        self.filter_buttons[CallFilter.ALL].setChecked(True)
        self.filter_group.buttonToggled.connect(self._on_filter_toggled)
        for button in self.filter_buttons.values():
            button.setAccessibleDescription(self.tr("Which calls to show; Left and Right switch"))
        filters.addSpacing(14)

        self.period_combo = QComboBox(self)
        self.period_combo.setAccessibleName(self.tr("Period"))
        for period, label in (
            (Period.TODAY, self.tr("Today")),
            (Period.WEEK, self.tr("Last 7 days")),
            (Period.MONTH, self.tr("Last 30 days")),
            (Period.ALL, self.tr("All time")),
            (Period.CUSTOM, self.tr("Dates…")),
        ):
            self.period_combo.addItem(label, period.value)
        self.period_combo.setCurrentIndex(self.period_combo.findData(Period.WEEK.value))
        self.period_combo.currentIndexChanged.connect(self._on_period_changed)
        filters.addWidget(self.period_combo)

        today = self._today()
        self.date_from = QDateEdit(QDate(today.year, today.month, today.day), self)
        self.date_to = QDateEdit(QDate(today.year, today.month, today.day), self)
        for edit, name in ((self.date_from, self.tr("From")), (self.date_to, self.tr("To"))):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
            edit.setAccessibleName(name)
            edit.dateChanged.connect(self._on_dates_changed)
            edit.hide()
            filters.addSpacing(6)
            filters.addWidget(edit)
        filters.addSpacing(14)

        self.text_filter = QLineEdit(self)
        self.text_filter.setPlaceholderText(self.tr("Number or name"))
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setAccessibleName(self.tr("Filter by number or name"))
        self.text_filter.setMinimumWidth(180)
        self.text_filter.textChanged.connect(lambda _text: self._text_timer.start())
        filters.addWidget(self.text_filter, 1)
        layout.addLayout(filters)

        self.stack = QStackedWidget(self)
        self.table = QTableView(self.stack)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(theme.px(30))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.setAccessibleName(self.tr("Calls"))
        # Tab leaves the table for the buttons; the arrow keys move inside it.
        self.table.setTabKeyNavigation(False)
        self.table.setAccessibleDescription(self.tr(
            "Up and Down choose a call, Enter calls back, Ctrl+O opens the caller in the CRM; "
            "typing filters by number or name"))
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setStretchLastSection(True)
        self._column_widths = (
            (JournalColumn.KIND, 38),
            (JournalColumn.TIME, 122),
            (JournalColumn.NUMBER, 172),
            (JournalColumn.CONTACT, 210),
            (JournalColumn.DURATION, 76),
            (JournalColumn.STATUS, self._status_width()),
            (JournalColumn.SOURCE, 110),
        )
        theme.scale_sections(header, self._column_widths)
        header.setSectionResizeMode(JournalColumn.KIND, QHeaderView.ResizeMode.Fixed)
        self.hint_label = plain_label("", "hintLabel", self.stack)
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint_label.setWordWrap(True)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.hint_label)
        layout.addWidget(self.stack, 1)

        actions = QHBoxLayout()
        actions.setSpacing(8)
        self.call_back_button = QPushButton(self.tr("Call back"), self)
        self.call_back_button.setObjectName("callButton")
        self.call_back_button.setToolTip(self.tr("Call this number (Enter or double-click)"))
        self.call_back_button.clicked.connect(self._call_current)
        self.mark_handled_button = QPushButton(self.tr("Mark handled"), self)
        self.mark_handled_button.setToolTip(
            self.tr("The missed call needs no more attention; it leaves the tray count")
        )
        self.mark_handled_button.clicked.connect(self.mark_selected_handled)
        self.undo_handled_button = QPushButton(self.tr("Undo"), self)
        self.undo_handled_button.setObjectName("undoHandledButton")
        self.undo_handled_button.setToolTip(self.tr("The calls just marked handled need "
                                                    "attention again"))
        self.undo_handled_button.clicked.connect(self.undo_last_handled)
        self.undo_handled_button.setVisible(False)
        self.open_in_crm_button = QPushButton(self.tr("Open in CRM"), self)
        self.open_in_crm_button.setToolTip(self.tr("Open the caller's contact (Ctrl+O)"))
        self.open_in_crm_button.clicked.connect(self._open_current_in_crm)
        self.status_label = plain_label("", "statusLabel", self)
        actions.addWidget(self.call_back_button)
        actions.addWidget(self.mark_handled_button)
        actions.addWidget(self.undo_handled_button)
        actions.addWidget(self.open_in_crm_button)
        actions.addSpacing(12)
        actions.addWidget(self.status_label, 1)
        layout.addLayout(actions)

    def _status_width(self) -> int:
        """Wide enough for "Missed · called back 10:42 (answered)" in the language on
        screen (the Ukrainian is longer), in the table's own font."""
        self.table.ensurePolished()
        metrics = self.table.fontMetrics()
        return max(130, *(metrics.horizontalAdvance(text) + 24
                          for text in widest_status_texts()))

    # ---- public API ------------------------------------------------------------------------

    @property
    def call_filter(self) -> CallFilter:
        for kind, button in self.filter_buttons.items():
            if button.isChecked():
                return kind
        return CallFilter.ALL

    def set_call_filter(self, kind: CallFilter) -> None:
        self.filter_buttons[kind].setChecked(True)  # buttonToggled re-queries

    @property
    def period(self) -> Period:
        return Period(self.period_combo.currentData())

    def set_period(self, period: Period) -> None:
        self.period_combo.setCurrentIndex(self.period_combo.findData(period.value))

    def set_date_range(self, first: date, last: date) -> None:
        """Show calls from ``first`` to ``last`` inclusive (switches to the custom period)."""
        for edit, day in ((self.date_from, first), (self.date_to, last)):
            edit.blockSignals(True)
            edit.setDate(QDate(day.year, day.month, day.day))
            edit.blockSignals(False)
        if self.period is Period.CUSTOM:
            self.refresh()
        else:
            self.set_period(Period.CUSTOM)

    def set_text_filter(self, text: str) -> None:
        """Set the number/name filter and query at once (no debounce)."""
        self.text_filter.setText(text)
        self.refresh()

    def refresh(self) -> None:
        """Re-run the query with the current filters, keeping the selected calls selected."""
        self._text_timer.stop()
        selected_ids = {row.call.call_id for row in self.selected_rows()}
        current = self.current_row()
        since, until = self._time_range()
        kind = self.call_filter
        rows = self._store.query(
            direction={
                CallFilter.INCOMING: Direction.INCOMING,
                CallFilter.OUTGOING: Direction.OUTGOING,
            }.get(kind),
            missed_only=kind is CallFilter.MISSED,
            since=since,
            until=until,
            text=self.text_filter.text().strip(),
            limit=ROW_LIMIT,
        )
        rows = self._with_call_backs(rows)
        if kind is CallFilter.MISSED:
            # "Missed" lists the calls still waiting for the client to be called.
            rows = [row for row in rows if row.called_back is None]
        self.model.set_rows(rows)
        self._reselect(selected_ids, current.call.call_id if current is not None else None)
        self.stack.setCurrentWidget(self.table if rows else self.hint_label)
        self._update_status()
        self._update_actions()
        self.rows_changed.emit(len(rows))

    def _with_call_backs(self, rows: list[JournalRow]) -> list[JournalRow]:
        if self._call_backs is None:
            return rows
        found = self._call_backs([row.call.call_id for row in rows if row.call.is_missed])
        if not found:
            return rows
        return [dataclasses.replace(row, called_back=found[row.call.call_id])
                if row.call.call_id in found else row for row in rows]

    def _refresh_for_text(self) -> None:
        """The agent typed into the filter: re-query, and say how many calls are left (the
        focus stays where the typing is)."""
        self.refresh()
        announce(self.table, self.tr("Calls: %n", "", self.model.rowCount()))

    def current_row(self) -> JournalRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def selected_rows(self) -> list[JournalRow]:
        rows = (self.model.row_at(i.row()) for i in self.table.selectionModel().selectedRows())
        return [row for row in rows if row is not None]

    def mark_selected_handled(self) -> None:
        """Mark every selected missed, unhandled call handled; then re-query and announce."""
        targets = [row for row in self.selected_rows() if JournalModel.needs_attention(row)]
        if not targets:
            return
        for row in targets:
            self._store.mark_handled(row.call.call_id)
        # By call id, not by row: rows may have moved by the time the agent clicks Undo.
        self._last_handled = [row.call.call_id for row in targets]
        self.handled_changed.emit(list(self._last_handled), True)
        self.undo_handled_button.setVisible(True)
        self.refresh()
        self.missed_count_changed.emit(self._store.unhandled_missed_count())

    def undo_last_handled(self) -> None:
        """Put the calls of the last "Mark handled" back among those needing attention."""
        for call_id in self._last_handled:
            self._store.mark_handled(call_id, handled=False)
        if self._last_handled:
            self.handled_changed.emit(list(self._last_handled), False)
        self._last_handled = []
        self.undo_handled_button.setVisible(False)
        self.refresh()
        self.missed_count_changed.emit(self._store.unhandled_missed_count())

    # ---- actions ---------------------------------------------------------------------------

    def _call_current(self) -> None:
        row = self.current_row()
        if row is not None and row.call.client_number.strip():
            self.call_requested.emit(dial_form(row.call.client_number, self._region))

    def _open_current_in_crm(self) -> None:
        row = self.current_row()
        if row is not None and row.contact_name:
            self.open_in_crm_requested.emit(dial_form(row.call.client_number, self._region))

    def _on_double_clicked(self, _index: QModelIndex) -> None:
        self._call_current()

    def _show_context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        row = self.model.row_at(index.row()) if index.isValid() else None
        if row is None:
            return
        if not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self.table.selectRow(index.row())
        self.table.setCurrentIndex(index)
        menu = QMenu(self)
        call = menu.addAction(self.tr("Call back"))
        call.setShortcut(QKeySequence(Qt.Key.Key_Return))
        call.triggered.connect(self._call_current)
        if any(JournalModel.needs_attention(r) for r in self.selected_rows()):
            menu.addAction(self.tr("Mark handled")).triggered.connect(self.mark_selected_handled)
        if row.contact_name:
            crm = menu.addAction(self.tr("Open in CRM"))
            crm.setShortcut(QKeySequence("Ctrl+O"))
            crm.triggered.connect(self._open_current_in_crm)
        menu.exec(self.table.viewport().mapToGlobal(position))

    # ---- keyboard --------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if watched is self.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._call_current()
                return True
            if key == Qt.Key.Key_O and modifiers == Qt.KeyboardModifier.ControlModifier:
                self._open_current_in_crm()
                return True
            if watched is self.table and event.text() and event.text().isprintable() and not (
                modifiers & (Qt.KeyboardModifier.ControlModifier
                             | Qt.KeyboardModifier.AltModifier)):
                # Search as you type from the first key: the journal opens on the table, and
                # typing there goes on in the filter box.
                self.text_filter.setFocus(Qt.FocusReason.OtherFocusReason)
                self.text_filter.insert(event.text())
                return True
            if watched is self.table and key == Qt.Key.Key_Backspace and self.text_filter.text():
                self.text_filter.setFocus(Qt.FocusReason.OtherFocusReason)
                self.text_filter.backspace()
                return True
            if watched is self.text_filter and key == Qt.Key.Key_Escape and (
                    self.text_filter.text()):
                self.text_filter.clear()
                return True
            if watched is self.text_filter and key in (
                Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter
            ):
                # From the filter box straight into the results, first row selected.
                self.refresh()
                if self.model.rowCount():
                    if not self.table.currentIndex().isValid():
                        self.table.selectRow(0)
                    self.table.setFocus(Qt.FocusReason.TabFocusReason)
                return True
        return super().eventFilter(watched, event)

    def hideEvent(self, event: QHideEvent) -> None:
        # A query typed just before closing is moot (and the store may be closing too).
        self._text_timer.stop()
        super().hideEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Keys no child used land here: Escape closes the window, as in a dialog.
        if event.key() == Qt.Key.Key_Escape and event.modifiers() in (
                Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier):
            self.close()
            return
        super().keyPressEvent(event)

    # ---- state -----------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():
            self.refresh()
            self.table.setFocus(Qt.FocusReason.ActiveWindowFocusReason)
            self.journal_opened.emit()

    def _today(self) -> date:
        return self._now().astimezone().date()

    def _time_range(self) -> tuple[datetime | None, datetime | None]:
        today = self._today()
        period = self.period
        if period is Period.TODAY:
            return _local_midnight(today), None
        if period is Period.WEEK:
            return _local_midnight(today - timedelta(days=6)), None
        if period is Period.MONTH:
            return _local_midnight(today - timedelta(days=29)), None
        if period is Period.CUSTOM:
            first = _to_date(self.date_from.date())
            last = _to_date(self.date_to.date())
            first, last = min(first, last), max(first, last)
            return _local_midnight(first), _local_midnight(last + timedelta(days=1))
        return None, None

    def _reselect(self, call_ids: set[str], current_id: str | None) -> None:
        """Restore the selection by call id: rows move when new calls arrive on top."""
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
        for call_id in call_ids:
            row = self.model.row_of(call_id)
            if row >= 0:
                selection.select(self.model.index(row, 0), flags)
        if current_id is not None and (row := self.model.row_of(current_id)) >= 0:
            selection.setCurrentIndex(
                self.model.index(row, 0), selection.SelectionFlag.NoUpdate
            )

    def _on_filter_toggled(self, _button: QPushButton, checked: bool) -> None:
        if checked:
            self.refresh()

    def _on_period_changed(self, _index: int) -> None:
        custom = self.period is Period.CUSTOM
        self.date_from.setVisible(custom)
        self.date_to.setVisible(custom)
        self.refresh()

    def _on_dates_changed(self, _date: QDate) -> None:
        if self.period is Period.CUSTOM:
            self.refresh()

    def _update_actions(self) -> None:
        row = self.current_row()
        self.call_back_button.setEnabled(row is not None and bool(row.call.client_number.strip()))
        self.open_in_crm_button.setEnabled(row is not None and bool(row.contact_name))
        self.mark_handled_button.setEnabled(
            any(JournalModel.needs_attention(r) for r in self.selected_rows())
        )

    def _update_status(self) -> None:
        shown = self.model.rowCount()
        has_filters = (
            self.call_filter is not CallFilter.ALL
            or self.period is not Period.ALL
            or bool(self.text_filter.text().strip())
        )
        self.hint_label.setText(
            self.tr("No calls match these filters") if has_filters else self.tr("No calls yet")
        )
        parts = [self.tr("Calls: %n", "", shown)]
        if shown >= ROW_LIMIT:
            parts = [self.tr("Newest {count} calls; narrow the filters to see older ones").format(
                count=shown
            )]
        # The one count of missed calls, the same as the tray's and the inbox's: client
        # numbers still waiting for a call-back (not calls, not "missed").
        waiting = self._waiting_count() if self._waiting_count is not None else 0
        if waiting:
            parts.append(waiting_label(waiting))
        self.status_label.setText(" · ".join(parts))


_FILTER_PADDING = 2 * 14 + 4  # the style's horizontal padding, and the border


def _fit_checked_text(button: QPushButton) -> None:
    """A checked filter is bold, and bold text is wider than the width Qt sized the button
    for: "Пропущені (12)" lost its first letter. Make room for the bold text."""
    button.ensurePolished()
    bold = QFont(button.font())
    bold.setWeight(QFont.Weight.DemiBold)
    button.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(button.text())
                           + _FILTER_PADDING)
