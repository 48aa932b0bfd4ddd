"""The team's missed-call inbox: one row per client number, the longest wait first.

Rows come from :meth:`TeamCallStore.inbox` (derived from the project's calls); this window
shows them, calls back in one click (the "Call back" cell), and marks a row handled by hand
or undoes that. Claims ("I'll call back") need a place the whole team shares: in subscription
mode the call server's claims bucket (:class:`~ringohunt_desktop.services.claims.ClaimService`),
shown as "Claimed by Olena · until 10:57"; in polling mode the window says so plainly instead
of faking one locally.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any, Final

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

from ringohunt_desktop.core.claims import Claim
from ringohunt_desktop.core.inbox import InboxRow, InboxState, waiting_count
from ringohunt_desktop.phone import DEFAULT_REGION, display_number
from ringohunt_desktop.services.claims import ClaimService
from ringohunt_desktop.store.team import TeamCallStore
from ringohunt_desktop.ui import theme
from ringohunt_desktop.ui.widgets import plain_label, shown, waiting_label

__all__ = ["InboxColumn", "InboxModel", "InboxWindow", "waited_text"]

_ModelIndex = QModelIndex | QPersistentModelIndex
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


def clock_text(moment: datetime) -> str:
    """"10:57": a time today, in the computer's time zone."""
    return moment.astimezone().strftime("%H:%M")


def claim_text(claim: Claim) -> str:
    until = clock_text(claim.expires_at)
    if claim.mine:
        return QCoreApplication.translate(
            "InboxModel", "Claimed by you · until {time}").format(time=until)
    who = shown(claim.name) if claim.name else QCoreApplication.translate(
        "InboxModel", "a colleague")
    return QCoreApplication.translate(
        "InboxModel", "Claimed by {who} · until {time}").format(who=who, time=until)


def state_text(row: InboxRow, claim: Claim | None = None) -> str:
    if row.state is InboxState.WAITING:
        if claim is not None:
            return claim_text(claim)
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
        self._claim_of: Callable[[str], Claim | None] = lambda _key: None
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

    def set_claims(self, claim_of: Callable[[str], Claim | None] | None) -> None:
        """Where the live claims are read (None: no claims); the state column is repainted."""
        self._claim_of = claim_of or (lambda _key: None)
        if self._rows:
            self.dataChanged.emit(self.index(0, InboxColumn.STATE),
                                  self.index(len(self._rows) - 1, InboxColumn.STATE))

    def claim_at(self, row: int) -> Claim | None:
        found = self.row_at(row)
        if found is None or found.state is not InboxState.WAITING:
            return None
        return self._claim_of(found.client_key)

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
                return state_text(row, self._claim_of(row.client_key) if waiting else None)
            return QCoreApplication.translate("InboxModel", "Call back")
        if role == Qt.ItemDataRole.ForegroundRole:
            if column is InboxColumn.CALL:
                return theme.colours().qcolor("link")
            if column is InboxColumn.STATE:
                if waiting and self._claim_of(row.client_key) is not None:
                    return theme.colours().qcolor("warning")
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
                 claims_shared: bool = False, claims: ClaimService | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._now = now
        self._claims_shared = claims_shared
        self._claims: ClaimService | None = None
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
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._row_changed())
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.handled_button = QPushButton(self.tr("Mark handled"), self)
        self.handled_button.clicked.connect(self.mark_current_handled)
        self.undo_button = QPushButton(self.tr("Undo “handled”"), self)
        self.undo_button.clicked.connect(self.undo_current)
        self.claim_button = QPushButton(self.tr("I'll call back"), self)
        self.claim_button.clicked.connect(self.claim_current)
        self.release_button = QPushButton(self.tr("Release my claim"), self)
        self.release_button.clicked.connect(self.release_current)
        buttons.addWidget(self.claim_button)
        buttons.addWidget(self.release_button)
        buttons.addWidget(self.handled_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.claim_status = plain_label(object_name="claimStatus", parent=self)
        self.claim_status.setWordWrap(True)
        self.claim_status.hide()
        layout.addWidget(self.claim_status)
        self.claims_label = plain_label(object_name="claimsLabel", parent=self)
        self.claims_label.setWordWrap(True)
        theme.set_tone(self.claims_label, "muted")
        layout.addWidget(self.claims_label)
        theme.follow(self._apply_theme)
        theme.resize_for_text(self, 980, 480)
        self.set_claims(claims)

    def _apply_theme(self) -> None:
        self.setStyleSheet(theme.button_qss(theme.colours()))
        self.table.verticalHeader().setDefaultSectionSize(theme.px(28))
        theme.scale_sections(self.table.horizontalHeader(), self._column_widths)

    # -- claims -----------------------------------------------------------------------------

    def set_claims(self, claims: ClaimService | None, *, shared: bool | None = None) -> None:
        """The claims of the services of the moment (None while they are down); ``shared``:
        whether this configuration has a shared place for them (subscription mode)."""
        if shared is not None:
            self._claims_shared = shared
        if self._claims is not None:
            for signal, slot in ((self._claims.changed, self._claims_changed),
                                 (self._claims.refused, self._claim_refused),
                                 (self._claims.unavailable, self._claim_unavailable)):
                signal.disconnect(slot)
        self._claims = claims
        if claims is not None:
            claims.changed.connect(self._claims_changed)
            claims.refused.connect(self._claim_refused)
            claims.unavailable.connect(self._claim_unavailable)
        self.model.set_claims(claims.claim_for if claims is not None else None)
        self._claims_changed()

    @property
    def claims_available(self) -> bool:
        return self._claims is not None and self._claims.available

    def _claims_changed(self) -> None:
        self.model.set_claims(self._claims.claim_for if self._claims is not None else None)
        if not self._claims_shared:
            self.claims_label.setText(
                self.tr("“I'll call back” claims are not available here yet: they need "
                        "subscription mode, where the call server is the place the whole team "
                        "shares."))
        elif self.claims_available:
            assert self._claims is not None
            minutes = max(1, round(self._claims.board.ttl.total_seconds() / 60))
            self.claims_label.setText(
                self.tr("“I'll call back” shows the whole team that you are on it, for "
                        "{minutes} min; calling the client back ends the claim.").format(
                    minutes=minutes))
        else:
            self.claims_label.setText(
                self.tr("“I'll call back” claims are unavailable right now: the call server "
                        "does not answer. Nothing is lost, and a row still resolves for "
                        "everyone as soon as anyone calls the client."))
        self._update_actions()

    def claim_current(self) -> None:
        row = self.current_row()
        if row is None or row.state is not InboxState.WAITING or self._claims is None:
            return
        held = self._claims.claim_for(row.client_key)
        if held is not None and not held.mine:
            self._claim_refused(row.client_key, held)
            return
        self._say("")
        self._claims.claim(row.client_key)

    def release_current(self) -> None:
        row = self.current_row()
        if row is None or self._claims is None:
            return
        self._say("")
        self._claims.release(row.client_key)

    def _claim_refused(self, _client_key: str, claim: object) -> None:
        if not isinstance(claim, Claim):
            return
        who = shown(claim.name) if claim.name else self.tr("A colleague")
        self._say(self.tr("{who} already said they will call this client back (until {time}). "
                          "Leave it to them, or call anyway from the “Call back” cell.").format(
            who=who, time=clock_text(claim.expires_at)))

    def _claim_unavailable(self, _client_key: str) -> None:
        self._say(self.tr("The claim could not be saved: the call server does not answer right "
                          "now. Try again in a moment."))

    def _say(self, text: str) -> None:
        self.claim_status.setText(text)
        self.claim_status.setVisible(bool(text))

    def refresh(self) -> None:
        rows = self._store.inbox()
        self.model.set_rows(rows, self._store.contact_names, self._now())
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

    def _row_changed(self) -> None:
        self._say("")  # what was said about the claim of another row
        self._update_actions()

    def _update_actions(self) -> None:
        row = self.current_row()
        waiting = row is not None and row.state is InboxState.WAITING
        self.handled_button.setEnabled(waiting)
        self.undo_button.setEnabled(row is not None and row.state is InboxState.HANDLED)
        claim = self.model.claim_at(self.table.currentIndex().row()) if waiting else None
        if not self._claims_shared:
            self.claim_button.setText(self.tr("I'll call back"))
            self.claim_button.setToolTip(self.tr("Claims need subscription mode"))
            self.claim_button.setEnabled(False)
        elif not self.claims_available:
            self.claim_button.setText(self.tr("Claims unavailable right now"))
            self.claim_button.setToolTip(self.tr("The call server does not answer"))
            self.claim_button.setEnabled(False)
        else:
            self.claim_button.setText(self.tr("I'll call back"))
            self.claim_button.setToolTip(
                self.tr("Tell the whole team you will call this client back"))
            self.claim_button.setEnabled(waiting and (claim is None or claim.mine))
        self.release_button.setVisible(self._claims_shared)
        self.release_button.setEnabled(self.claims_available and claim is not None
                                       and claim.mine)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()
