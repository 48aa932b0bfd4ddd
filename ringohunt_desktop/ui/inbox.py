"""The team's missed-call inbox: one row per client number, the longest wait first.

Rows come from :meth:`TeamCallStore.inbox` (derived from the project's calls); this window
shows them, calls back in one click (the "Call back" cell), and marks a row handled by hand
or undoes that. Claims ("I'll call back") need a place the whole team shares: the window says
so plainly instead of faking one locally.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ringohunt_desktop.core.inbox import InboxRow, InboxState, waiting_count
from ringohunt_desktop.phone import DEFAULT_REGION, display_number
from ringohunt_desktop.store.team import TeamCallStore
from ringohunt_desktop.ui import theme
from ringohunt_desktop.ui.widgets import plain_label, shown, waiting_label

__all__ = ["InboxColumn", "InboxModel", "InboxWindow", "waited_text"]

_ModelIndex = QModelIndex | QPersistentModelIndex


class InboxColumn(IntEnum):
    CLIENT = 0
    MISSED = 1
    WAITED = 2
    STATE = 3
    CALL = 4


def waited_text(since: datetime, now: datetime) -> str:
    """"5 min", "2 h 05 min", "3 d 4 h": how long the client has waited."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return QCoreApplication.translate(
            "InboxModel", "{days} d {hours} h").format(days=days, hours=hours)
    if hours:
        return QCoreApplication.translate(
            "InboxModel", "{hours} h {minutes:02d} min").format(hours=hours, minutes=minutes)
    return QCoreApplication.translate("InboxModel", "{minutes} min").format(minutes=minutes)


def state_text(row: InboxRow) -> str:
    if row.state is InboxState.WAITING:
        return QCoreApplication.translate("InboxModel", "Waiting for a call-back")
    if row.state is InboxState.HANDLED:
        return QCoreApplication.translate("InboxModel", "Handled by hand")
    who = shown(row.by) if row.by else QCoreApplication.translate("InboxModel", "a colleague")
    if row.answered:
        return QCoreApplication.translate(
            "InboxModel", "Called back by {who}, answered").format(who=who)
    return QCoreApplication.translate(
        "InboxModel", "Called back by {who}, no answer").format(who=who)


class InboxModel(QAbstractTableModel):
    def __init__(self, region: str = DEFAULT_REGION, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._region = region
        self._rows: list[InboxRow] = []
        self._names: dict[str, str] = {}
        self._numbers: list[str] = []
        self._now = datetime.now(UTC)

    def set_rows(self, rows: Sequence[InboxRow], names: Mapping[str, str],
                 now: datetime) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._names = dict(names)
        # The store gives E.164 for every valid number: dialled as it is; shown in the local
        # form, formatted only for the rows that are painted (thousands would cost 100 ms).
        self._numbers = [row.number for row in self._rows]
        self._shown: dict[int, str] = {}
        self._now = now
        self.endResetModel()

    def row_at(self, row: int) -> InboxRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def number_at(self, row: int) -> str:
        return self._numbers[row] if 0 <= row < len(self._numbers) else ""

    def rows(self) -> list[InboxRow]:
        return list(self._rows)

    def _shown_number(self, row: int) -> str:
        text = self._shown.get(row)
        if text is None:
            text = self._shown[row] = display_number(self._numbers[row], self._region)
        return text

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(InboxColumn)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is not Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < len(InboxColumn):
            return None
        return {
            InboxColumn.CLIENT: QCoreApplication.translate("InboxModel", "Client"),
            InboxColumn.MISSED: QCoreApplication.translate("InboxModel", "Missed"),
            InboxColumn.WAITED: QCoreApplication.translate("InboxModel", "Waiting"),
            InboxColumn.STATE: QCoreApplication.translate("InboxModel", "State"),
            InboxColumn.CALL: "",
        }[InboxColumn(section)]

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row())
        if row is None or not index.isValid():
            return None
        column = InboxColumn(index.column())
        waiting = row.state is InboxState.WAITING
        if role == Qt.ItemDataRole.DisplayRole:
            if column is InboxColumn.CLIENT:
                name = self._names.get(row.client_key, "")
                number = self._shown_number(index.row())
                return f"{shown(name)} · {number}" if name else number
            if column is InboxColumn.MISSED:
                return str(row.missed_count)
            if column is InboxColumn.WAITED:
                return waited_text(row.first_missed, self._now) if waiting else ""
            if column is InboxColumn.STATE:
                return state_text(row)
            return QCoreApplication.translate("InboxModel", "Call back")
        if role == Qt.ItemDataRole.ForegroundRole:
            if column is InboxColumn.CALL:
                return theme.colours().qcolor("link")
            if column is InboxColumn.STATE:
                return theme.colours().qcolor("missed" if waiting else "text_muted")
        if role == Qt.ItemDataRole.FontRole and waiting and column is InboxColumn.CLIENT:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column in (InboxColumn.CLIENT,
                                                               InboxColumn.STATE):
            return self.data(index, Qt.ItemDataRole.DisplayRole)
        if role == Qt.ItemDataRole.ToolTipRole and column is InboxColumn.CALL:
            return QCoreApplication.translate("InboxModel", "Call {number} now").format(
                number=self._numbers[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole and column is InboxColumn.MISSED:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class InboxWindow(QWidget):
    """Signals:
        call_requested (str): call this number back (one click on "Call back").
        changed (): a row was marked handled or undone (the badge follows).
    """

    call_requested = Signal(str)
    changed = Signal()

    def __init__(self, store: TeamCallStore, *, region: str = DEFAULT_REGION,
                 claims_shared: bool = False,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._now = now
        self.setWindowTitle(self.tr("Missed calls to return — RingoHunt"))
        self.model = InboxModel(region, self)
        layout = QVBoxLayout(self)
        self.summary_label = plain_label(object_name="inboxSummary", parent=self)
        layout.addWidget(self.summary_label)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        # Fixed widths: sizing columns to their contents would read every row (thousands).
        header.setSectionResizeMode(InboxColumn.CLIENT, QHeaderView.ResizeMode.Stretch)
        self._column_widths = ((InboxColumn.MISSED, 100), (InboxColumn.WAITED, 110),
                               (InboxColumn.STATE, 330), (InboxColumn.CALL, 120))
        theme.scale_sections(header, self._column_widths)
        self.table.clicked.connect(self._on_clicked)
        self.table.setAccessibleName(self.tr("Missed calls to return"))
        # Tab leaves the table for the buttons; the arrow keys move inside it.
        self.table.setTabKeyNavigation(False)
        self.table.setAccessibleDescription(self.tr(
            "Up and Down choose a client; Enter calls them back"))
        self.table.installEventFilter(self)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.handled_button = QPushButton(self.tr("Mark handled"), self)
        self.handled_button.clicked.connect(self.mark_current_handled)
        self.undo_button = QPushButton(self.tr("Undo “handled”"), self)
        self.undo_button.clicked.connect(self.undo_current)
        buttons.addWidget(self.handled_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.claims_label = plain_label(object_name="claimsLabel", parent=self)
        self.claims_label.setWordWrap(True)
        theme.set_tone(self.claims_label, "muted")
        self.claims_label.setText(
            self.tr("“I'll call back” claims are not available here yet: they need "
                    "subscription mode, where the call server is the place the whole team "
                    "shares.") if not claims_shared else
            self.tr("“I'll call back” claims are not available in this version; the rows "
                    "still resolve for everyone as soon as anyone calls the client."))
        layout.addWidget(self.claims_label)
        theme.follow(self._apply_theme)
        theme.resize_for_text(self, 980, 480)
        self._update_actions()

    def _apply_theme(self) -> None:
        self.setStyleSheet(theme.button_qss(theme.colours()))
        self.table.verticalHeader().setDefaultSectionSize(theme.px(28))
        theme.scale_sections(self.table.horizontalHeader(), self._column_widths)

    def refresh(self) -> None:
        rows = self._store.inbox()
        names = self._store.contact_names(row.client_key for row in rows)
        self.model.set_rows(rows, names, self._now())
        count = waiting_count(rows)
        self.summary_label.setText(waiting_label(count))
        self._update_actions()

    def current_row(self) -> InboxRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def mark_current_handled(self) -> None:
        row = self.current_row()
        if row is None or row.state is not InboxState.WAITING:
            return
        self._store.mark_handled(row)
        self._after_change(row)

    def undo_current(self) -> None:
        row = self.current_row()
        if row is None or row.state is not InboxState.HANDLED:
            return
        self._store.undo_handled(row)
        self._after_change(row)

    def _after_change(self, row: InboxRow) -> None:
        self.refresh()
        for position, candidate in enumerate(self.model.rows()):
            if candidate.client_key == row.client_key:
                self.table.selectRow(position)
                break
        self.changed.emit()

    def _on_clicked(self, index: QModelIndex) -> None:
        if index.column() == InboxColumn.CALL:
            number = self.model.number_at(index.row())
            if number:
                self.call_requested.emit(number)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The keyboard's "Call" column: Enter on a row calls the client back.
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            index = self.table.currentIndex()
            number = self.model.number_at(index.row()) if index.isValid() else ""
            if number:
                self.call_requested.emit(number)
            return True
        return super().eventFilter(watched, event)

    def _update_actions(self) -> None:
        row = self.current_row()
        self.handled_button.setEnabled(row is not None and row.state is InboxState.WAITING)
        self.undo_button.setEnabled(row is not None and row.state is InboxState.HANDLED)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()
