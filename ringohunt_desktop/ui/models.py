"""Item models for the contact book and the call journal: data from the stores, no widgets.

Views draw one model row per line (no widget per row), so thousands of results stay cheap.
Every string goes out through ``DisplayRole``, which item views render as plain text: a CRM
name such as ``<b>x</b>`` stays literal. Tooltips are the exception, because Qt guesses
whether a tooltip is rich text, so they go through :func:`plain_tooltip`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon

from ringohunt_desktop.domain import CallRecord, Contact, Direction, normalise_disposition
from ringohunt_desktop.phone import (
    DEFAULT_REGION,
    CallerNumber,
    InvalidNumber,
    display_number,
    parse_phone,
)
from ringohunt_desktop.store.calls import JournalRow
from ringohunt_desktop.ui import icons, theme
from ringohunt_desktop.ui.widgets import local_time, meaningful_utm, plain_tooltip, shown

__all__ = [
    "CONTACT_ROLE",
    "JOURNAL_ROW_ROLE",
    "NEEDS_ATTENTION_ROLE",
    "ContactColumn",
    "ContactListModel",
    "JournalColumn",
    "JournalModel",
    "call_status_text",
    "dial_form",
    "format_duration",
]

_ModelIndex = QModelIndex | QPersistentModelIndex

# Custom roles: the views and tests ask the model for objects, never parse display text.
CONTACT_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 1  # -> Contact
JOURNAL_ROW_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 2  # -> JournalRow
NEEDS_ATTENTION_ROLE: Final = int(Qt.ItemDataRole.UserRole) + 3  # -> bool: missed, not handled

# A missed call nobody has dealt with yet: a soft red row, readable with the selection colour
# (the light look's; the rows take theme.colours(), which follows the system's look).
MISSED_BACKGROUND: Final = QColor(theme.LIGHT.missed_background)
MISSED_TEXT: Final = QColor(theme.LIGHT.missed)
# Free functions translate in the "JournalModel" context, written out in every call: lupdate
# skips translate() with a variable context.


def dial_form(raw: str, region: str = DEFAULT_REGION) -> str:
    """What to hand the dialer for a stored number: E.164 (or the extension digits) if the
    number parses, else the text as stored, so the dialer can explain what is wrong with it."""
    try:
        return parse_phone(raw, region).e164
    except InvalidNumber:
        return raw.strip()


def format_duration(seconds: int) -> str:
    """``75`` → ``1:15``; an hour or more → ``1:02:03``."""
    seconds = max(seconds, 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def call_status_text(row: JournalRow) -> str:
    """A short outcome for the agent: Answered, Missed, No answer, Busy…"""
    call = row.call
    if call.is_in_progress:
        return QCoreApplication.translate("JournalModel", "In progress")
    if call.is_missed:
        called_back = row.called_back
        if called_back is not None:
            at = _local(called_back.at).strftime("%H:%M")
            if called_back.answered:
                return QCoreApplication.translate(
                    "JournalModel", "Missed · called back {time} (answered)").format(time=at)
            return QCoreApplication.translate(
                "JournalModel", "Missed · called back {time} (no answer)").format(time=at)
        if row.handled:
            return QCoreApplication.translate("JournalModel", "Missed, handled")
        return QCoreApplication.translate("JournalModel", "Missed")
    if call.is_answered:
        return QCoreApplication.translate("JournalModel", "Answered")
    disposition = normalise_disposition(call.disposition)
    if disposition == "BUSY":
        return QCoreApplication.translate("JournalModel", "Busy")
    if disposition in ("FAILED", "CONGESTION", "CHANUNAVAIL"):
        return QCoreApplication.translate("JournalModel", "Failed")
    return QCoreApplication.translate("JournalModel", "No answer")


def widest_status_texts() -> list[str]:
    """The longest texts the status column shows (its width is measured from them)."""
    return [
        QCoreApplication.translate("JournalModel", "Missed · called back {time} (answered)")
        .format(time="00:00"),
        QCoreApplication.translate("JournalModel", "Missed · called back {time} (no answer)")
        .format(time="00:00"),
        QCoreApplication.translate("JournalModel", "Missed, handled"),
    ]


def _direction_text(direction: Direction) -> str:
    texts = {
        Direction.INCOMING: QCoreApplication.translate("JournalModel", "Incoming"),
        Direction.OUTGOING: QCoreApplication.translate("JournalModel", "Outgoing"),
        Direction.CALLBACK: QCoreApplication.translate("JournalModel", "Callback"),
        Direction.OTHER: QCoreApplication.translate("JournalModel", "Other"),
    }
    return texts[direction]


_local = local_time  # the rule every window shares (widgets.local_time)


class ContactColumn(IntEnum):
    NAME = 0
    COMPANY = 1
    PHONES = 2
    MANAGER = 3


class ContactListModel(QAbstractTableModel):
    """Search results of :meth:`ContactStore.search`, one contact per row."""

    def __init__(self, region: str = DEFAULT_REGION, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._region = region
        self._contacts: list[Contact] = []
        self._manager_names: Mapping[str, str] = {}
        # Formatting phones runs libphonenumber; a view asks for every visible cell on each
        # repaint, so the display texts are computed once per result set.
        self._phones_text: list[str] = []  # first phone, "+N" for more (the cell)
        self._all_phones_text: list[str] = []  # every phone (tooltip, screen readers)

    # ---- content ---------------------------------------------------------------------------

    def set_contacts(self, contacts: Sequence[Contact]) -> None:
        self.beginResetModel()
        self._contacts = list(contacts)
        formatted = [
            [display_number(phone, self._region) for phone in contact.phones]
            for contact in self._contacts
        ]
        self._all_phones_text = [", ".join(numbers) for numbers in formatted]
        self._phones_text = [
            numbers[0] + (f"  +{len(numbers) - 1}" if len(numbers) > 1 else "")
            if numbers else ""
            for numbers in formatted
        ]
        self.endResetModel()

    def contact_at(self, row: int) -> Contact | None:
        return self._contacts[row] if 0 <= row < len(self._contacts) else None

    def row_of(self, record_id: str) -> int:
        """The row showing ``record_id``, or -1."""
        return next(
            (row for row, c in enumerate(self._contacts) if c.record_id == record_id), -1
        )

    @property
    def contacts(self) -> list[Contact]:
        return list(self._contacts)

    # ---- QAbstractItemModel ----------------------------------------------------------------

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._contacts)

    def columnCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ContactColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        headers = {
            ContactColumn.NAME: self.tr("Name"),
            ContactColumn.COMPANY: self.tr("Company"),
            ContactColumn.PHONES: self.tr("Phone"),
            ContactColumn.MANAGER: self.tr("Manager"),
        }
        return headers.get(ContactColumn(section)) if 0 <= section < len(ContactColumn) else None

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        contact = self.contact_at(index.row()) if index.isValid() else None
        if contact is None:
            return None
        column = ContactColumn(index.column())
        if role == CONTACT_ROLE:
            return contact
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(index.row(), contact, column)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            text = (
                self._all_phones_text[index.row()]
                if column is ContactColumn.PHONES
                else self._text(index.row(), contact, column)
            )
            return plain_tooltip(text) if role == Qt.ItemDataRole.ToolTipRole else text
        if role == Qt.ItemDataRole.FontRole and column is ContactColumn.NAME:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and column is ContactColumn.MANAGER:
            return QBrush(theme.colours().qcolor("dimmed"))
        return None

    def _text(self, row: int, contact: Contact, column: ContactColumn) -> str:
        if column is ContactColumn.NAME:
            return shown(contact.name) or self.tr("(no name)")
        if column is ContactColumn.COMPANY:
            return shown(contact.company)
        if column is ContactColumn.PHONES:
            return self._phones_text[row]
        return self.manager_display(contact)

    def set_manager_names(self, names: Mapping[str, str]) -> None:
        """NetHunt keeps the responsible manager as a user e-mail; show staff names instead."""
        self._manager_names = {email.lower(): name for email, name in names.items()}
        if self._contacts:
            self.dataChanged.emit(self.index(0, ContactColumn.MANAGER),
                                  self.index(len(self._contacts) - 1, ContactColumn.MANAGER))

    def manager_display(self, contact: Contact) -> str:
        manager = shown(contact.manager)
        return self._manager_names.get(manager.lower(), manager)


class JournalColumn(IntEnum):
    KIND = 0  # direction/outcome icon
    TIME = 1
    NUMBER = 2
    CONTACT = 3
    DURATION = 4
    STATUS = 5
    SOURCE = 6
    SUMMARY = 7  # the AI's summary of the call


class JournalModel(QAbstractTableModel):
    """:class:`JournalRow` objects from :meth:`CallStore.query`, newest first.

    Missed calls not yet handled carry ``NEEDS_ATTENTION_ROLE`` = True, a red-tinted
    background and a bold font, so they stand out in any column.
    """

    def __init__(
        self,
        region: str = DEFAULT_REGION,
        parent: QObject | None = None,
        *,
        now: Callable[[], datetime] = datetime.now,
    ) -> None:
        super().__init__(parent)
        self._region = region
        self._now = now
        self._rows: list[JournalRow] = []
        self._numbers: list[str] = []
        self._icons: dict[tuple[Direction, bool], QIcon] = {}

    # ---- content ---------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[JournalRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        # As the panel shows the same caller: Ringostat's international digits without "+"
        # (48221234567) read as the number they are.
        self._numbers = [CallerNumber.of(r.call.client_number, self._region).display
                         for r in self._rows]
        self.endResetModel()

    def row_at(self, row: int) -> JournalRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, call_id: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.call.call_id == call_id), -1)

    @property
    def rows(self) -> list[JournalRow]:
        return list(self._rows)

    @staticmethod
    def needs_attention(row: JournalRow) -> bool:
        return row.waiting

    # ---- QAbstractItemModel ----------------------------------------------------------------

    def rowCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(JournalColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        headers = {
            JournalColumn.KIND: "",
            JournalColumn.TIME: self.tr("Time"),
            JournalColumn.NUMBER: self.tr("Number"),
            JournalColumn.CONTACT: self.tr("Contact"),
            JournalColumn.DURATION: self.tr("Talk"),
            JournalColumn.STATUS: self.tr("Status"),
            JournalColumn.SOURCE: self.tr("Source"),
            JournalColumn.SUMMARY: self.tr("AI summary"),
        }
        return headers.get(JournalColumn(section)) if 0 <= section < len(JournalColumn) else None

    def data(self, index: _ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        column = JournalColumn(index.column())
        attention = self.needs_attention(row)
        if role == JOURNAL_ROW_ROLE:
            return row
        if role == NEEDS_ATTENTION_ROLE:
            return attention
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(index.row(), row, column)
        if role == Qt.ItemDataRole.DecorationRole and column is JournalColumn.KIND:
            return self._icon(row.call)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(self._tooltip(index.row(), row, column))
        if role == Qt.ItemDataRole.BackgroundRole and attention:
            return QBrush(theme.colours().qcolor("missed_background"))
        if role == Qt.ItemDataRole.FontRole and attention:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if column is JournalColumn.STATUS and row.call.is_missed:
                if row.called_back is not None:  # the client was called: no alarm red
                    return QBrush(theme.colours().qcolor(
                        "success" if row.called_back.answered else "dimmed"))
                return QBrush(theme.colours().qcolor("missed"))
            if column in (JournalColumn.SOURCE, JournalColumn.DURATION, JournalColumn.TIME):
                return QBrush(theme.colours().qcolor("dimmed"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column is JournalColumn.DURATION:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole and column is JournalColumn.KIND:
            return self._kind_text(row)
        return None

    def _text(self, index: int, row: JournalRow, column: JournalColumn) -> str:
        call = row.call
        if column is JournalColumn.KIND:
            return ""  # the icon says it; the tooltip and accessible text spell it out
        if column is JournalColumn.TIME:
            return self._time_text(call.started_at)
        if column is JournalColumn.NUMBER:
            return self._numbers[index]
        if column is JournalColumn.CONTACT:
            return shown(row.contact_name)
        if column is JournalColumn.DURATION:
            return format_duration(call.billsec) if call.billsec > 0 else ""
        if column is JournalColumn.STATUS:
            return call_status_text(row)
        if column is JournalColumn.SUMMARY:
            return shown(row.summary[:200])
        return shown(meaningful_utm(call.utm_source))

    def _tooltip(self, index: int, row: JournalRow, column: JournalColumn) -> str:
        if column is JournalColumn.KIND:
            return self._kind_text(row)
        if column is JournalColumn.TIME:
            return _local(row.call.started_at).strftime("%d.%m.%Y %H:%M:%S")
        if column is JournalColumn.SOURCE:
            call = row.call
            parts = (call.utm_source, call.utm_medium, call.utm_campaign, call.utm_term)
            return " / ".join(meaningful_utm(p) for p in parts if meaningful_utm(p))
        if column is JournalColumn.SUMMARY:
            return row.summary
        return self._text(index, row, column)

    def _kind_text(self, row: JournalRow) -> str:
        return f"{_direction_text(row.call.direction)}: {call_status_text(row)}"

    def _time_text(self, started_at: datetime) -> str:
        """``14:05`` today, ``12.03 14:05`` this year, ``12.03.2024 14:05`` before."""
        moment = _local(started_at)
        now = _local(self._now())
        if moment.date() == now.date():
            return moment.strftime("%H:%M")
        if moment.year == now.year:
            return moment.strftime("%d.%m %H:%M")
        return moment.strftime("%d.%m.%Y %H:%M")

    def _icon(self, call: CallRecord) -> QIcon:
        key = (call.direction, call.is_missed)
        icon = self._icons.get(key)
        if icon is None:
            icon = icons.direction_icon(call.direction, missed=call.is_missed, size=20)
            self._icons[key] = icon
        return icon
