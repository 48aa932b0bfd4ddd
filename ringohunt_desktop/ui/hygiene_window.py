"""The phone-number check: the hygiene audit's four groups, and the fix with preview, explicit
confirmation, progress and undo.

The window reads the audit it is given (core/hygiene.py, from the local index) and announces
the agent's choices through signals; the app runs the fix (services/hygiene.py) and opens
contacts in the CRM. Texts from the CRM are shown through :func:`shown` and plain-text items
only: nothing a contact's name holds is ever interpreted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ringohunt_desktop.core.hygiene import (
    AuditReport,
    Certainty,
    ContactRef,
    NotANumberReason,
    SharedKind,
    shown,
)
from ringohunt_desktop.core.hygiene_fix import FixOp, FixOutcome, fix_plan
from ringohunt_desktop.ui import theme
from ringohunt_desktop.ui.widgets import (
    plain_label,
    plain_tooltip,
)

__all__ = ["FixPreviewDialog", "HygieneWindow"]

# Painting thousands of rows (each with its own button) is slow and useless to a person: the
# window shows the first ones of each group; the CLI exports every finding.
ROWS_SHOWN: Final = 500
PREVIEW_ROWS: Final = 2000

def _style(c: theme.Colours) -> str:
    pt = theme.pt
    return f"""
HygieneWindow {{ background: {c.window}; }}
#title {{ color: {c.text}; font-size: {pt(14)}; font-weight: 700; }}
#summary {{ color: {c.text_secondary}; font-size: {pt(10)}; }}
#hint, #statusLabel {{ color: {c.text_muted}; font-size: {pt(9)}; }}
QTabWidget::pane {{
    border: 1px solid {c.border}; border-radius: 8px; background: {c.surface};
}}
QTabBar::tab {{ padding: 6px 12px; color: {c.text_secondary}; }}
QTabBar::tab:selected {{ color: {c.text}; font-weight: 600; }}
QTreeWidget {{
    border: none; font-size: {pt(10)}; color: {c.text}; background: {c.surface};
}}
QHeaderView::section {{
    background: {c.surface}; color: {c.text_muted}; border: none;
    border-bottom: 1px solid {c.divider}; padding: 6px 8px; font-size: {pt(9)}; font-weight: 600;
}}
QProgressBar {{
    border: none; border-radius: 3px; background: {c.progress_track}; max-height: 6px;
}}
QProgressBar::chunk {{ background: {c.accent}; border-radius: 3px; }}
{theme.button_qss(c)}
QPushButton#fixButton {{
    background: {c.accent}; border-color: {c.accent}; color: {c.on_accent}; font-weight: 600;
}}
QPushButton#fixButton:hover {{ background: {c.accent_hover}; }}
QPushButton#fixButton:disabled {{
    background: {c.accent_disabled}; color: {c.disabled_text};
    border-color: {c.disabled_border if c.high_contrast else c.accent_disabled};
}}
QPushButton#openButton {{ padding: 2px 8px; font-size: {pt(9)}; }}
"""


def certainty_text(certainty: Certainty) -> str:
    if certainty is Certainty.CERTAIN:
        return QCoreApplication.translate("HygieneWindow", "Certain")
    if certainty is Certainty.FOREIGN_DIGITS:
        return QCoreApplication.translate("HygieneWindow", "Unsure: read as a foreign number")
    if certainty is Certainty.UNVERIFIED:
        return QCoreApplication.translate("HygieneWindow", "Unsure: no such number is known")
    return QCoreApplication.translate("HygieneWindow",
                                      "Unsure: an extension or extra digits would be lost")


def not_number_text(reason: NotANumberReason) -> str:
    if reason is NotANumberReason.EXTENSION_ONLY:
        return QCoreApplication.translate("HygieneWindow",
                                          "An internal extension, not a client's number")
    return QCoreApplication.translate("HygieneWindow", "Not a phone number")


def shared_text(kind: SharedKind, count: int) -> str:
    if kind is SharedKind.SAME_PERSON:
        return QCoreApplication.translate("HygieneWindow", "Likely the same person twice")
    if kind is SharedKind.COMMON_LINE:
        return QCoreApplication.translate(
            "HygieneWindow", "A company's common line ({count} contacts)").format(count=count)
    return QCoreApplication.translate("HygieneWindow", "Shared by {count} contacts").format(
        count=count)


def _tree(columns: Sequence[str], widths: Sequence[int], parent: QWidget) -> QTreeWidget:
    """A read-only list; column 0 stretches, the others keep ``widths``."""
    tree = QTreeWidget(parent)
    tree.setColumnCount(len(columns))
    tree.setHeaderLabels(list(columns))
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    header = tree.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    tree.setTextElideMode(Qt.TextElideMode.ElideRight)
    for column, width in enumerate(widths, start=1):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, theme.px(width))
    return tree


def _item(texts: Sequence[str]) -> QTreeWidgetItem:
    item = QTreeWidgetItem([shown(text, 48) for text in texts])
    for column, text in enumerate(texts):
        if len(text) > 0:
            item.setToolTip(column, plain_tooltip(shown(text, 200)))  # never rich text
    return item


class FixPreviewDialog(QDialog):
    """What the fix will write, contact by contact; nothing is sent unless confirmed."""

    def __init__(self, ops: Sequence[FixOp], resuming: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = list(ops)
        self.setWindowTitle(self.tr("Fix phone numbers"))
        theme.follow(self._apply_theme)
        theme.resize_for_text(self, 640, 420)
        layout = QVBoxLayout(self)
        numbers = sum(len(op.remove) for op in ops)
        if resuming:
            intro = self.tr("An earlier fix was interrupted. Continuing it changes what is "
                            "left of these %n contact(s) in NetHunt:", "", len(ops))
        else:
            intro = self.tr("These %n number(s) will be rewritten in international form in "
                            "NetHunt, one contact at a time. Nothing else in the contacts "
                            "changes, and the changes can be undone.", "", numbers)
        label = plain_label(intro, "summary", self)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.table = _tree([self.tr("Contact"), self.tr("Now"), self.tr("Will be")],
                           (190, 190), self)
        for op in self.ops[:PREVIEW_ROWS]:
            self.table.addTopLevelItem(_item([op.name, ", ".join(op.remove),
                                              ", ".join(op.add) or self.tr("(removed: a "
                                                                           "duplicate)")]))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(self)
        self.confirm_button = buttons.addButton(
            self.tr("Fix %n contact(s) in NetHunt", "", len(ops)),
            QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm_button.setObjectName("fixButton")
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _apply_theme(self) -> None:
        self.setStyleSheet(_style(theme.colours()))


class HygieneWindow(QWidget):
    """The four groups of the audit, and the fix.

    Signals:
        fix_confirmed (list): the agent confirmed the preview; a list of :class:`FixOp`.
        undo_requested (): put back the latest fix.
        open_in_crm_requested (str): a contact's web link.
    """

    fix_confirmed = Signal(list)
    undo_requested = Signal()
    open_in_crm_requested = Signal(str)

    def __init__(self, audit: Callable[[], AuditReport], parent: QWidget | None = None, *,
                 confirm: Callable[[FixPreviewDialog], bool] | None = None) -> None:
        """``audit`` runs the audit (from the local index); ``confirm`` shows the preview
        modally and says whether it was confirmed (tests answer it themselves)."""
        super().__init__(parent)
        self._audit = audit
        self._confirm = confirm or (lambda dialog: dialog.exec() == QDialog.DialogCode.Accepted)
        self.report = AuditReport()
        self._resuming = False
        self._pending: list[FixOp] = []
        self._busy = False
        self._can_undo = False
        self.setObjectName("HygieneWindow")
        self.setWindowTitle(self.tr("Phone number check"))
        theme.follow(self._apply_theme)
        theme.resize_for_text(self, 980, 600)
        self._build()
        self.refresh()

    def _apply_theme(self) -> None:
        self.setStyleSheet(_style(theme.colours()))

    # ---- building --------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 14, 14, 10)
        layout.setSpacing(8)
        layout.addWidget(plain_label(self.tr("Phone numbers in NetHunt"), "title", self))
        self.summary_label = plain_label("", "summary", self)
        layout.addWidget(self.summary_label)
        self.tabs = QTabWidget(self)
        layout.addWidget(self.tabs, 1)

        fix_page = QWidget(self.tabs)
        fix_layout = QVBoxLayout(fix_page)
        fix_layout.setContentsMargins(8, 8, 8, 8)
        hint = plain_label(self.tr(
            "Numbers not saved as +380…: calls from them may not find the contact, and the "
            "Ringostat integration may create duplicates. Certain ones can be fixed at once; "
            "unsure ones are for a person to check."), "hint", fix_page)
        hint.setWordWrap(True)
        fix_layout.addWidget(hint)
        self.fix_tree = _tree([self.tr("Contact"), self.tr("Saved as"), self.tr("Proposed"),
                               self.tr("How sure"), ""], (170, 130, 300, 118), fix_page)
        fix_layout.addWidget(self.fix_tree, 1)
        self.not_number_tree = _tree([self.tr("Contact"), self.tr("Saved as"), self.tr("Why"),
                                      ""], (220, 320, 118), self.tabs)
        self.shared_tree = _tree([self.tr("Number / contact"), self.tr("Saved as"),
                                  self.tr("Company"), ""], (170, 300, 118), self.tabs)
        self.shared_tree.setRootIsDecorated(True)
        self.no_phone_tree = _tree([self.tr("Contact"), self.tr("Company"), ""], (300, 118),
                                   self.tabs)
        self.tabs.addTab(fix_page, "")
        self.tabs.addTab(self.not_number_tree, "")
        self.tabs.addTab(self.shared_tree, "")
        self.tabs.addTab(self.no_phone_tree, "")

        self.progress_bar = QProgressBar(self)
        self.progress_bar.setTextVisible(False)
        self.progress_bar.hide()
        layout.addWidget(self.progress_bar)
        row = QHBoxLayout()
        self.status_label = plain_label("", "statusLabel", self)
        self.status_label.setWordWrap(True)
        row.addWidget(self.status_label, 1)
        self.undo_button = QPushButton(self.tr("Undo the last fix"), self)
        self.undo_button.clicked.connect(self._undo_clicked)
        self.fix_button = QPushButton(self)
        self.fix_button.setObjectName("fixButton")
        self.fix_button.clicked.connect(self.preview_fix)
        row.addWidget(self.undo_button)
        row.addWidget(self.fix_button)
        layout.addLayout(row)

    def _open_button(self, tree: QTreeWidget, item: QTreeWidgetItem, column: int,
                     contact: ContactRef) -> None:
        if not contact.link.startswith("https://"):
            return
        button = QPushButton(self.tr("Open in CRM"), tree)
        button.setObjectName("openButton")
        button.setAccessibleName(self.tr("Open %1 in CRM").replace("%1", shown(contact.name)))
        button.clicked.connect(lambda: self.open_in_crm_requested.emit(contact.link))
        tree.setItemWidget(item, column, button)

    # ---- filling ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Run the audit again (after a sync or a fix) and show it."""
        self.show_report(self._audit())

    def show_report(self, report: AuditReport) -> None:
        self.report = report
        for tree in (self.fix_tree, self.not_number_tree, self.shared_tree, self.no_phone_tree):
            tree.clear()
        self._fill_fixes(report)
        for entry in report.not_numbers[:ROWS_SHOWN]:
            item = _item([entry.contact.name, entry.raw, not_number_text(entry.reason)])
            self.not_number_tree.addTopLevelItem(item)
            self._open_button(self.not_number_tree, item, 3, entry.contact)
        for shared in report.shared[:ROWS_SHOWN]:
            top = QTreeWidgetItem([shared.number, "",
                                   shared_text(shared.kind, len(shared.contacts))])
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            self.shared_tree.addTopLevelItem(top)
            for contact, raw in zip(shared.contacts, shared.raws, strict=True):
                child = _item([contact.name, raw, contact.company])
                top.addChild(child)
                self._open_button(self.shared_tree, child, 3, contact)
            top.setExpanded(True)
        for contact in report.no_phone[:ROWS_SHOWN]:
            item = _item([contact.name, contact.company])
            self.no_phone_tree.addTopLevelItem(item)
            self._open_button(self.no_phone_tree, item, 2, contact)
        counts = (len(report.fixes), len(report.not_numbers), len(report.shared),
                  len(report.no_phone))
        titles = (self.tr("Not international (%n)", "", counts[0]),
                  self.tr("Not numbers (%n)", "", counts[1]),
                  self.tr("Shared numbers (%n)", "", counts[2]),
                  self.tr("Without phone (%n)", "", counts[3]))
        for index, title in enumerate(titles):
            self.tabs.setTabText(index, title)
        self.summary_label.setText(
            self.tr("%n contact(s) checked in the local copy of NetHunt", "",
                    report.contacts_total))
        if any(count > ROWS_SHOWN for count in counts):
            self.status_label.setText(self.tr(
                "Each list shows its first %n; the command ringohunt-desktop contacts audit "
                "exports them all.", "", ROWS_SHOWN))
        self._update_buttons()

    def _fill_fixes(self, report: AuditReport) -> None:
        for fix in report.fixes[:ROWS_SHOWN]:
            item = _item([fix.contact.name, fix.raw, fix.proposed,
                          certainty_text(fix.certainty)])
            if not fix.certain:
                for column in range(4):
                    item.setForeground(column, QBrush(theme.colours().qcolor("unsure")))
            self.fix_tree.addTopLevelItem(item)
            self._open_button(self.fix_tree, item, 4, fix.contact)

    def _update_buttons(self) -> None:
        certain = len(self.report.certain_fixes)
        if self._resuming:
            self.fix_button.setText(self.tr("Continue the interrupted fix…"))
            self.fix_button.setEnabled(not self._busy)
        else:
            self.fix_button.setText(self.tr("Fix %n certain number(s)…", "", certain))
            self.fix_button.setEnabled(certain > 0 and not self._busy)
        self.undo_button.setEnabled(self._can_undo and not self._busy)

    # ---- the fix ---------------------------------------------------------------------------

    def set_run_state(self, *, resuming: bool, can_undo: bool,
                      pending: Sequence[FixOp] = ()) -> None:
        """What the app knows of earlier runs: an interrupted fix (and what it has left to
        do), an undoable one."""
        self._resuming = resuming
        self._pending = list(pending)
        self._can_undo = can_undo
        self._update_buttons()

    def preview_fix(self) -> None:
        ops = self._pending if self._resuming else fix_plan(self.report)
        if not ops and not self._resuming:
            return
        dialog = FixPreviewDialog(ops, resuming=self._resuming, parent=self)
        try:
            confirmed = self._confirm(dialog)
        finally:
            dialog.deleteLater()
        if confirmed:
            self.fix_confirmed.emit(ops)

    def _undo_clicked(self) -> None:
        self.undo_requested.emit()

    def show_started(self, kind: str) -> None:
        self._busy = True
        self.progress_bar.setRange(0, 0)
        self.progress_bar.show()
        self.status_label.setText(self.tr("Undoing the last fix…") if kind == "undo"
                                  else self.tr("Fixing numbers in NetHunt…"))
        self._update_buttons()

    def show_progress(self, done: int, total: int) -> None:
        self.progress_bar.setRange(0, max(total, 1))
        self.progress_bar.setValue(done)
        self.status_label.setText(self.tr("%1 of %2 contacts").replace("%1", str(done))
                                  .replace("%2", str(total)))

    def show_finished(self, outcome: FixOutcome, *, resuming: bool, can_undo: bool,
                      pending: Sequence[FixOp] = ()) -> None:
        self._busy = False
        self.progress_bar.hide()
        self._resuming = resuming
        self._pending = list(pending)
        self._can_undo = can_undo
        text = self.tr("Done: %1 contact(s) changed and checked").replace(
            "%1", str(outcome.done + outcome.already))
        if outcome.skipped:
            text += self.tr("; %1 left alone (changed in NetHunt meanwhile)").replace(
                "%1", str(outcome.skipped))
        if outcome.failed:
            text += self.tr("; %1 not confirmed by NetHunt").replace("%1", str(outcome.failed))
        self.refresh()
        self.status_label.setText(text + ".")

    def show_failed(self, detail: str, *, resuming: bool, can_undo: bool,
                    pending: Sequence[FixOp] = ()) -> None:
        self._busy = False
        self.progress_bar.hide()
        self._resuming = resuming
        self._pending = list(pending)
        self._can_undo = can_undo
        self._update_buttons()
        self.status_label.setText(self.tr(
            "Stopped: %1. Nothing is lost: the fix continues where it stopped when you start "
            "it again.").replace("%1", shown(detail, 160)))
