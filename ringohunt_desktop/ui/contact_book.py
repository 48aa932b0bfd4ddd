"""The contact book: search-as-you-type over the local copy of the NetHunt contacts.

Keyboard first: the search box has the focus when the window opens and keeps receiving typing
even while the results have the focus; Up/Down move through the results, Enter calls the
selected contact's first phone, Ctrl+O opens the contact in the CRM, Ctrl+C copies its number.

The window only reads the :class:`ContactStore` (local SQLite, a few milliseconds per query)
and announces the agent's choices through signals; the app does the dialling and opening.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Final

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QGuiApplication,
    QHideEvent,
    QKeyEvent,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ringohunt_desktop.domain import Contact
from ringohunt_desktop.phone import DEFAULT_REGION, display_number
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.ui import icons, theme
from ringohunt_desktop.ui.accessibility import announce
from ringohunt_desktop.ui.models import ContactColumn, ContactListModel, dial_form
from ringohunt_desktop.ui.widgets import (
    plain_label,
    shown,
)

__all__ = ["ContactBookWindow"]

# Long enough to skip the intermediate states of a fast typist, short enough to feel instant.
SEARCH_DEBOUNCE_MS: Final = 120
# One screen of results is what an agent scans; more means the query should be refined.
RESULT_LIMIT: Final = 200
_DETAILS_MIN_WIDTH: Final = 300

def _style(c: theme.Colours) -> str:
    pt = theme.pt
    return f"""
ContactBookWindow {{ background: {c.window}; }}
QLineEdit#searchBox {{
    font-size: {pt(12)}; padding: 7px 10px; border: 1px solid {c.input_border};
    border-radius: 8px; background: {c.surface}; color: {c.text};
}}
QLineEdit#searchBox:focus {{ border-color: {c.focus}; }}
QTableView {{
    background: {c.surface}; border: 1px solid {c.border}; border-radius: 8px;
    gridline-color: transparent; font-size: {pt(10)}; color: {c.text};
    selection-background-color: {c.selection}; selection-color: {c.on_selection};
}}
QTableView::item {{ padding: 4px 8px; }}
QHeaderView::section {{
    background: {c.surface}; color: {c.text_muted}; border: none;
    border-bottom: 1px solid {c.divider}; padding: 6px 8px; font-size: {pt(9)}; font-weight: 600;
}}
#hintLabel {{ color: {c.text_muted}; font-size: {pt(11)}; }}
#statusLabel {{ color: {c.text_muted}; font-size: {pt(9)}; }}
#syncLabel {{ color: {c.text_secondary}; font-size: {pt(9)}; }}
QProgressBar {{
    border: none; border-radius: 3px; background: {c.progress_track}; max-height: 6px;
}}
QProgressBar::chunk {{ background: {c.accent}; border-radius: 3px; }}
#details {{ background: {c.surface}; border: 1px solid {c.border}; border-radius: 8px; }}
#details QLabel {{ color: {c.text}; }}
#detailsName {{ font-size: {pt(14)}; font-weight: 700; }}
#detailsCompany {{ color: {c.text_secondary}; font-size: {pt(10.5)}; }}
#detailsManager, #detailsEmail {{ color: {c.text_muted}; font-size: {pt(9)}; }}
#sectionLabel {{
    color: {c.text_muted}; font-size: {pt(8.5)}; font-weight: 600; margin-top: 10px;
}}
#phoneNumber {{ font-size: {pt(10.5)}; font-weight: 600; }}
#noPhoneLabel {{ color: {c.text_muted}; }}
{theme.button_qss(c)}
QPushButton#callButton {{
    background: {c.call}; border-color: {c.call}; color: {c.on_call}; font-weight: 600;
}}
QPushButton#callButton:hover {{ background: {c.call_hover}; }}
QPushButton#copyButton {{ padding: 5px 7px; }}
"""


class ContactBookWindow(QWidget):
    """Search the local contacts, then call, copy or open one in the CRM."""

    call_requested = Signal(str)  # E.164 (or the number as stored when it does not parse)
    open_in_crm_requested = Signal(Contact)
    copy_number_requested = Signal(str)  # same form as call_requested; also on the clipboard
    results_changed = Signal(int)  # number of results after each search (tests, status)
    hygiene_requested = Signal()  # the phone-number check (ui/hygiene_window.py)

    def __init__(
        self, store: ContactStore, region: str = DEFAULT_REGION, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._region = region
        self._query = ""
        self._syncing = False
        self.setObjectName("ContactBookWindow")
        self.setWindowTitle(self.tr("Contacts"))
        self.setAccessibleDescription(self.tr(
            "Type to search; Enter calls the selected contact, Ctrl+O opens it in the CRM, "
            "Escape closes"))
        theme.resize_for_text(self, 980, 540)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.search_now)

        self.model = ContactListModel(region, self)
        self._build()
        self.search_box.textChanged.connect(self._on_text_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.table.customContextMenuRequested.connect(self._show_context_menu)
        for widget in (self.search_box, self.table):
            widget.installEventFilter(self)
        self._show_details(None)
        self._update_status()
        theme.follow(self._apply_theme)

    def _apply_theme(self) -> None:
        """Colours and text sizes from the system's look; again whenever it changes."""
        self.setStyleSheet(_style(theme.colours()))
        self.table.verticalHeader().setDefaultSectionSize(theme.px(30))
        theme.scale_sections(self.table.horizontalHeader(), self._column_widths)
        # The phone rows carry icons drawn in the look's colours.
        self._show_details(self.selected_contact())

    # ---- building --------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 14, 14, 10)
        layout.setSpacing(10)

        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setPlaceholderText(self.tr("Type a name, company or part of a number"))
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setAccessibleName(self.tr("Search contacts"))
        layout.addWidget(self.search_box)

        self.sync_row = QWidget(self)
        sync_layout = QHBoxLayout(self.sync_row)
        sync_layout.setContentsMargins(2, 0, 2, 0)
        sync_layout.setSpacing(10)
        self.sync_label = plain_label("", "syncLabel", self.sync_row)
        self.sync_progress = QProgressBar(self.sync_row)
        self.sync_progress.setTextVisible(False)
        sync_layout.addWidget(self.sync_label)
        sync_layout.addWidget(self.sync_progress, 1)
        self.sync_row.hide()
        layout.addWidget(self.sync_row)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setChildrenCollapsible(False)
        splitter.setHandleWidth(10)

        self.results_stack = QStackedWidget(splitter)
        self.hint_label = plain_label("", "hintLabel", self.results_stack)
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint_label.setWordWrap(True)
        self.table = QTableView(self.results_stack)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(theme.px(30))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.setAccessibleName(self.tr("Contacts found"))
        # Tab leaves the table for the buttons; the arrow keys move inside it.
        self.table.setTabKeyNavigation(False)
        self.table.setAccessibleDescription(self.tr(
            "Up and Down choose a contact, Enter calls it, Ctrl+O opens it in the CRM; "
            "typing goes on searching"))
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(ContactColumn.NAME, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._column_widths = (
            (ContactColumn.COMPANY, 140),
            (ContactColumn.PHONES, 176),
            (ContactColumn.MANAGER, 116),
        )
        theme.scale_sections(header, self._column_widths)
        self.results_stack.addWidget(self.hint_label)
        self.results_stack.addWidget(self.table)
        splitter.addWidget(self.results_stack)

        self.details = self._build_details(splitter)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 320])
        layout.addWidget(splitter, 1)

        status_row = QHBoxLayout()
        self.status_label = plain_label("", "statusLabel", self)
        status_row.addWidget(self.status_label, 1)
        self.hygiene_button = QPushButton(self.tr("Check phone numbers…"), self)
        self.hygiene_button.setToolTip(self.tr(
            "Numbers not in international form, not numbers at all, shared by several "
            "contacts, and contacts without a phone"))
        self.hygiene_button.clicked.connect(self.hygiene_requested)
        status_row.addWidget(self.hygiene_button)
        layout.addLayout(status_row)

    def _build_details(self, parent: QWidget) -> QWidget:
        scroll = QScrollArea(parent)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.details_scroll = scroll
        scroll.setStyleSheet("QScrollArea { background: transparent; }")
        frame = QFrame()
        frame.setObjectName("details")
        box = QVBoxLayout(frame)
        box.setContentsMargins(16, 14, 16, 14)
        box.setSpacing(3)
        self.details_name = plain_label("", "detailsName", frame)
        self.details_name.setWordWrap(True)
        self.details_company = plain_label("", "detailsCompany", frame)
        self.details_company.setWordWrap(True)
        self.details_manager = plain_label("", "detailsManager", frame)
        self.details_email = plain_label("", "detailsEmail", frame)
        self.details_email.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_email.setWordWrap(True)
        for label in (
            self.details_name, self.details_company, self.details_manager, self.details_email
        ):
            box.addWidget(label)
        box.addSpacing(10)
        self.phones_title = plain_label(self.tr("PHONES"), "sectionLabel", frame)
        box.addWidget(self.phones_title)
        box.addSpacing(2)
        self.phones_box = QVBoxLayout()
        self.phones_box.setSpacing(6)
        box.addLayout(self.phones_box)
        self.no_phone_label = plain_label(self.tr("No phone number in the CRM"),
                                          "noPhoneLabel", frame)
        box.addWidget(self.no_phone_label)
        box.addSpacing(12)
        self.open_in_crm_button = QPushButton(self.tr("Open in CRM"), frame)
        self.open_in_crm_button.setToolTip(self.tr("Open this contact in NetHunt (Ctrl+O)"))
        self.open_in_crm_button.clicked.connect(self._open_selected_in_crm)
        row = QHBoxLayout()
        row.addWidget(self.open_in_crm_button)
        row.addStretch(1)
        box.addLayout(row)
        box.addStretch(1)
        self.details_placeholder = plain_label(
            self.tr("Select a contact to see its phones"), "hintLabel", frame
        )
        self.details_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.details_placeholder.setWordWrap(True)
        box.addWidget(self.details_placeholder, 1)
        scroll.setWidget(frame)
        self._phone_rows: list[QWidget] = []
        return scroll

    # ---- public API ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-run the current query (after a sync batch), keeping the selected contact."""
        self.search_now()

    def set_sync_progress(self, done: int, total: int | None) -> None:
        """Show the first sync's progress: ``total`` None means unknown (a busy bar).

        The bar hides once ``done`` reaches a known ``total``.
        """
        finished = total is not None and done >= total
        self._syncing = not finished
        self.sync_row.setVisible(not finished)
        if total is None:
            self.sync_progress.setRange(0, 0)
            self.sync_label.setText(
                self.tr("Syncing contacts from NetHunt: %n so far", "", done)
            )
        elif not finished:
            self.sync_progress.setRange(0, max(total, 1))
            self.sync_progress.setValue(done)
            self.sync_label.setText(
                self.tr("Syncing contacts from NetHunt: {done} of {total}").format(
                    done=done, total=total
                )
            )
        self._update_status()

    def search_now(self) -> None:
        """Run the pending search at once (the debounce timer calls this)."""
        self._search_timer.stop()
        self._query = self.search_box.text().strip()
        selected = self.selected_contact()
        contacts = (
            self._store.search(self._query, RESULT_LIMIT, self._region) if self._query else []
        )
        self.model.set_contacts(contacts)
        row = self.model.row_of(selected.record_id) if selected is not None else -1
        if row < 0 and contacts:
            row = 0  # the best match is selected, so Enter calls it straight away
        if row >= 0:
            self.table.selectRow(row)
        else:
            self._show_details(None)
        self.results_stack.setCurrentWidget(self.table if contacts else self.hint_label)
        self._update_status()
        if self._query:
            # What a sighted agent sees at a glance; the focus stays in the search box.
            announce(self.table, self.tr("Found: %n", "", len(contacts)) if contacts
                     else self.tr("Nobody matches “{query}”").format(query=self._query))
        self.results_changed.emit(len(contacts))

    def selected_contact(self) -> Contact | None:
        index = self.table.currentIndex()
        return self.model.contact_at(index.row()) if index.isValid() else None

    # ---- actions ---------------------------------------------------------------------------

    def call_number(self, raw_phone: str) -> None:
        self.call_requested.emit(dial_form(raw_phone, self._region))

    def copy_number(self, raw_phone: str) -> None:
        number = dial_form(raw_phone, self._region)
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(number)
        self.copy_number_requested.emit(number)

    def _call_selected(self) -> None:
        contact = self.selected_contact()
        if contact is not None and contact.phones:
            self.call_number(contact.phones[0])

    def _copy_selected(self) -> None:
        contact = self.selected_contact()
        if contact is not None and contact.phones:
            self.copy_number(contact.phones[0])

    def _open_selected_in_crm(self) -> None:
        contact = self.selected_contact()
        if contact is not None:
            self.open_in_crm_requested.emit(contact)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        self._call_selected()

    def _show_context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        contact = self.model.contact_at(index.row()) if index.isValid() else None
        if contact is None:
            return
        self.table.selectRow(index.row())
        menu = QMenu(self)
        for phone in contact.phones:
            shown = display_number(phone, self._region)
            menu.addAction(self.tr("Call {number}").format(number=shown)).triggered.connect(
                lambda _checked=False, p=phone: self.call_number(p)
            )
        if contact.phones:
            copy_action = menu.addAction(self.tr("Copy number"))
            copy_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
            copy_action.triggered.connect(self._copy_selected)
            menu.addSeparator()
        crm_action = menu.addAction(self.tr("Open in CRM"))
        crm_action.setShortcut(QKeySequence("Ctrl+O"))
        crm_action.triggered.connect(self._open_selected_in_crm)
        menu.exec(self.table.viewport().mapToGlobal(position))

    # ---- keyboard --------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._handle_key(watched, event)
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Keys the focused child ignores (a details button, the splitter) land here.
        if not self._handle_key(self, event):
            super().keyPressEvent(event)

    def _handle_key(self, watched: QObject, event: QKeyEvent) -> bool:
        """The window's keyboard map; True when the key was used."""
        key = event.key()
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        plain = modifiers == Qt.KeyboardModifier.NoModifier
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            if watched is self.search_box:
                self.search_now()  # Enter right after typing must not call a stale result
            if watched in (self.search_box, self.table):
                self._call_selected()
                return True
            return False
        if event.matches(QKeySequence.StandardKey.Copy):
            # In the search box, Ctrl+C copies selected query text as usual; otherwise it
            # copies the selected contact's number.
            if watched is self.search_box and self.search_box.hasSelectedText():
                return False
            self._copy_selected()
            return True
        if key == Qt.Key.Key_O and modifiers == Qt.KeyboardModifier.ControlModifier:
            self._open_selected_in_crm()
            return True
        if watched is self.search_box and key in (
            Qt.Key.Key_Down, Qt.Key.Key_Up, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp
        ):
            self.search_now()
            self._move_selection(key)
            return True
        if key == Qt.Key.Key_Escape and watched is self.search_box and self.search_box.text():
            self.search_box.clear()
            return True
        if key == Qt.Key.Key_Escape and plain:
            self.close()
            return True
        if watched is self.table and event.text() and event.text().isprintable() and not (
            modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            # Typing while the results have the focus continues the query.
            self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
            self.search_box.insert(event.text())
            return True
        if watched is self.table and key == Qt.Key.Key_Backspace:
            self.search_box.setFocus(Qt.FocusReason.OtherFocusReason)
            self.search_box.backspace()
            return True
        return False

    def _move_selection(self, key: int) -> None:
        count = self.model.rowCount()
        if count == 0:
            return
        current = self.table.currentIndex().row()
        page = max(1, self.table.viewport().height() // max(1, self.table.rowHeight(0)) - 1)
        steps = {
            Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: page,
            Qt.Key.Key_PageUp: -page,
        }
        row = 0 if current < 0 else min(max(current + steps[Qt.Key(key)], 0), count - 1)
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    # ---- state -----------------------------------------------------------------------------

    def focus_search(self) -> None:
        """Put the cursor in the search box, the previous query selected (typing replaces
        it): the "search the contact book" shortcut."""
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not event.spontaneous():
            self.focus_search()  # typing replaces the previous query

    def hideEvent(self, event: QHideEvent) -> None:
        # A query typed just before closing is moot (and the store may be closing too).
        self._search_timer.stop()
        super().hideEvent(event)

    def _on_text_changed(self, _text: str) -> None:
        self._search_timer.start()

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_details(self.model.contact_at(current.row()) if current.isValid() else None)

    def _update_status(self) -> None:
        total = self._store.count()
        count = self.model.rowCount()
        if not self._query:
            hint = self.tr("Type a name, company or part of a number")
            if total == 0:
                hint = (
                    self.tr("Contacts are still arriving from NetHunt…")
                    if self._syncing
                    else self.tr("No contacts yet: they arrive with the first sync")
                )
            self.hint_label.setText(hint)
            self.status_label.setText(self.tr("Contacts in the local copy: %n", "", total))
            return
        if count == 0:
            self.hint_label.setText(
                self.tr("Nobody matches “{query}”").format(query=self._query)
                + ("\n" + self.tr("The sync is still running") if self._syncing else "")
            )
        found = self.tr("Found: %n", "", count)
        if count >= RESULT_LIMIT:
            found = self.tr("First {count} matches; type more to narrow down").format(count=count)
        self.status_label.setText(
            found + " · " + self.tr("Enter calls, Ctrl+O opens in CRM, Ctrl+C copies the number")
        )

    def _show_details(self, contact: Contact | None) -> None:
        for row in self._phone_rows:
            # Out of the layout and hidden now; deleteLater alone would leave it painted
            # until the next event-loop turn.
            self.phones_box.removeWidget(row)
            row.hide()
            row.deleteLater()
        self._phone_rows.clear()
        has_contact = contact is not None
        for widget in (
            self.details_name, self.details_company, self.details_manager, self.details_email,
            self.phones_title, self.open_in_crm_button,
        ):
            widget.setVisible(has_contact)
        self.details_placeholder.setVisible(not has_contact)
        self.no_phone_label.setVisible(contact is not None and not contact.phones)
        if contact is None:
            return
        self.details_name.setText(shown(contact.name) or self.tr("(no name)"))
        self.details_company.setText(shown(contact.company))
        self.details_company.setVisible(bool(contact.company.strip()))
        manager = self.model.manager_display(contact)
        self.details_manager.setText(self.tr("Manager: {name}").format(name=manager))
        self.details_manager.setVisible(bool(manager))
        self.details_email.setText(", ".join(shown(email) for email in contact.emails))
        self.details_email.setVisible(bool(contact.emails))
        chain: list[QWidget] = [self.table]
        for phone in contact.phones:
            row = self._phone_row(phone)
            self._phone_rows.append(row)
            self.phones_box.addWidget(row)
            # Children added to a visible parent are shown only on the next event-loop turn;
            # show now so the pane never paints half-filled.
            row.show()
            chain.extend(row.findChildren(QPushButton))
        # Tab goes from the results through each phone's buttons to Open in CRM; rows made
        # now would otherwise come last, after the window's bottom buttons.
        chain.extend((self.open_in_crm_button, self.hygiene_button))
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)
        self._fit_details()

    def _fit_details(self) -> None:
        """Keep the pane as wide as a phone row: "Зателефонувати" (and bigger system text)
        pushed the copy button out of sight behind a horizontal scroll bar; the splitter then
        takes the room from the results."""
        scroll = self.details_scroll
        content = scroll.widget()
        layout = content.layout() if content is not None else None
        if content is None or layout is None:
            return
        layout.activate()
        needed = (content.minimumSizeHint().width()
                  + scroll.verticalScrollBar().sizeHint().width() + 2 * scroll.frameWidth())
        scroll.setMinimumWidth(max(theme.px(_DETAILS_MIN_WIDTH), needed))

    def _phone_row(self, phone: str) -> QWidget:
        row = QWidget(self.details)
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        number = plain_label(display_number(phone, self._region), "phoneNumber", row)
        number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        number.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        call = QPushButton(self.tr("Call"), row)
        call.setObjectName("callButton")
        call.setToolTip(self.tr("Call this number"))
        shown_number = display_number(phone, self._region)
        call.setAccessibleName(self.tr("Call {number}").format(number=shown_number))
        call.clicked.connect(lambda _checked=False, p=phone: self.call_number(p))
        copy = QPushButton(row)
        copy.setObjectName("copyButton")
        copy.setIcon(icons.copy_icon(theme.colours().qcolor("text_secondary")))
        copy.setToolTip(self.tr("Copy number"))
        copy.setAccessibleName(self.tr("Copy {number}").format(number=shown_number))
        copy.clicked.connect(lambda _checked=False, p=phone: self.copy_number(p))
        layout.addWidget(number)
        layout.addWidget(call)
        layout.addWidget(copy)
        return row

