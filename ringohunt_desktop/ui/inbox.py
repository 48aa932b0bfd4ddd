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
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QShowEvent
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
from ringohunt_desktop.ui.widgets import BUTTON_QSS, TEXT_MUTED, plain_label, shown

__all__ = ["InboxColumn", "InboxModel", "InboxWindow", "waited_text"]

_ModelIndex = QModelIndex | QPersistentModelIndex
_WAITING_COLOUR: Final = QColor("#b42318")
_MUTED_COLOUR: Final = QColor(TEXT_MUTED)
_MAX_SHOWN_NUMBERS: Final = 20_000
# The roles data() answers; a view asks each painted cell for a dozen.
_ROLES: Final = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole,
                           Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole,
                           Qt.ItemDataRole.TextAlignmentRole})


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
        self._find_names: Callable[[list[str]], Mapping[str, str]] | None = None
        self._numbers: list[str] = []
        # Formatted numbers outlive a refresh: the same clients are painted again after each
        # new call, and formatting one costs half a millisecond.
        self._shown: dict[str, str] = {}
        self._now = datetime.now(UTC)

    def set_rows(self, rows: Sequence[InboxRow],
                 names: Mapping[str, str] | Callable[[list[str]], Mapping[str, str]],
                 now: datetime) -> None:
        """``names``: contact names by client key, or what finds them for a few keys (looked
        up for the rows painted only: the names of thousands cost the window a third of its
        opening time)."""
        self.beginResetModel()
        self._rows = list(rows)
        if callable(names):
            self._names = {}
            self._find_names = names
        else:
            self._names = dict(names)
            self._find_names = None
        # The store gives E.164 for every valid number: dialled as it is; shown in the local
        # form, formatted only for the rows that are painted (thousands would cost 100 ms).
        self._numbers = [row.number for row in self._rows]
        self._now = now
        self.endResetModel()

    def row_at(self, row: int) -> InboxRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def number_at(self, row: int) -> str:
        return self._numbers[row] if 0 <= row < len(self._numbers) else ""

    def rows(self) -> list[InboxRow]:
        return list(self._rows)

    def name_of(self, key: str) -> str:
        if self._find_names is not None and key not in self._names:
            self._names.update(dict.fromkeys([key], ""))
            self._names.update(self._find_names([key]))
        return self._names.get(key, "")

    def _shown_number(self, row: int) -> str:
        number = self._numbers[row]
        text = self._shown.get(number)
        if text is None:
            if len(self._shown) >= _MAX_SHOWN_NUMBERS:
                self._shown.clear()
            text = self._shown[number] = display_number(number, self._region)
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
        if role not in _ROLES:
            return None
        row = self.row_at(index.row())
        if row is None or not index.isValid():
            return None
        column = InboxColumn(index.column())
        waiting = row.state is InboxState.WAITING
        if role == Qt.ItemDataRole.DisplayRole:
            if column is InboxColumn.CLIENT:
                name = self.name_of(row.client_key)
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
                return QColor("#2563eb")
            if column is InboxColumn.STATE:
                return _WAITING_COLOUR if waiting else _MUTED_COLOUR
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
        self.setStyleSheet(BUTTON_QSS)
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
        for column, width in ((InboxColumn.MISSED, 100), (InboxColumn.WAITED, 110),
                              (InboxColumn.STATE, 330), (InboxColumn.CALL, 120)):
            header.resizeSection(column, width)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.clicked.connect(self._on_clicked)
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
        self.claims_label.setStyleSheet(f"color: {TEXT_MUTED};")
        self.claims_label.setText(
            self.tr("“I'll call back” claims are not available here yet: they need "
                    "subscription mode, where the call server is the place the whole team "
                    "shares.") if not claims_shared else
            self.tr("“I'll call back” claims are not available in this version; the rows "
                    "still resolve for everyone as soon as anyone calls the client."))
        layout.addWidget(self.claims_label)
        self.resize(980, 480)
        self._update_actions()

    def refresh(self) -> None:
        rows = self._store.inbox()
        self.model.set_rows(rows, self._store.contact_names, self._now())
        count = waiting_count(rows)
        self.summary_label.setText(
            self.tr("%n number(s) waiting for a call-back", "", count))
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

    def _update_actions(self) -> None:
        row = self.current_row()
        self.handled_button.setEnabled(row is not None and row.state is InboxState.WAITING)
        self.undo_button.setEnabled(row is not None and row.state is InboxState.HANDLED)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()
