"""Create a CRM contact for an unknown caller, prefilled from the call.

The dialog validates what the agent types and emits ``submitted(NewContact)``; the service layer
does the network work and reports back through ``set_busy`` / ``show_error`` / ``show_existing``
/ ``finish_created``. Nothing here blocks or talks to the network.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ringohunt_desktop.domain import CallRecord, Contact, NewContact
from ringohunt_desktop.phone import display_number
from ringohunt_desktop.services.failures import describe
from ringohunt_desktop.ui import theme
from ringohunt_desktop.ui.accessibility import announce
from ringohunt_desktop.ui.widgets import (
    has_control_chars,
    meaningful_utm,
    plain_label,
    plain_tooltip,
    shown,
    single_line,
)

NAME_MAX_LENGTH = 200
COMPANY_MAX_LENGTH = 200
UTM_MAX_LENGTH = 200
# Deliberately loose: one "@", a dot in the domain, no spaces. The CRM is the real judge;
# this only catches typos such as a missing "@" before a round trip.
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")

# Tones (ui/theme.py gives each its colours in the system's look).
_ERROR_STYLE = "smallError"
_BANNER_ERROR_STYLE = "errorBanner"
_BANNER_INFO_STYLE = "noteBanner"


class CreateContactDialog(QDialog):
    """Name (required), company, e-mail and UTM fields for a new contact with a known phone."""

    submitted = Signal(NewContact)
    open_existing_requested = Signal(Contact)

    def __init__(self, number_e164: str, number_display: str, call: CallRecord | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._number_e164 = number_e164
        self._busy = False
        self._existing: Contact | None = None
        self._name_touched = False
        self.setWindowTitle(self.tr("Create contact"))
        self.setObjectName("createContactDialog")
        self.setAccessibleDescription(self.tr(
            "A new contact in NetHunt with the caller's number. The name is required; Enter "
            "creates the contact, Escape cancels"))
        self.setMinimumWidth(theme.px(400))

        layout = QVBoxLayout(self)
        layout.setSpacing(10)

        # One banner for both "the CRM said no" and "this number already has a contact".
        self.banner = QFrame(self)
        banner_layout = QHBoxLayout(self.banner)
        banner_layout.setContentsMargins(0, 0, 0, 0)
        self.banner_label = plain_label(object_name="bannerLabel", parent=self.banner)
        self.banner_label.setWordWrap(True)
        banner_layout.addWidget(self.banner_label, 1)
        self.open_existing_button = QPushButton(self.tr("Open in CRM"), self.banner)
        self.open_existing_button.clicked.connect(self._on_open_existing)
        banner_layout.addWidget(self.open_existing_button, 0, Qt.AlignmentFlag.AlignTop)
        self.banner.setVisible(False)
        layout.addWidget(self.banner)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.phone_edit = QLineEdit(number_display, self)
        self.phone_edit.setReadOnly(True)
        # Read-only should look read-only, not like a field the agent forgot to fill in.
        self.phone_edit.setStyleSheet("QLineEdit { background: palette(window); }")
        self.phone_edit.setToolTip(plain_tooltip(number_e164))
        # Read-only fields still take Tab focus by default; skip it, there is nothing to type.
        self.phone_edit.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        form.addRow(self.tr("Phone"), self.phone_edit)

        self.name_edit = QLineEdit(self)
        self.name_edit.setObjectName("nameEdit")
        self.name_edit.setMaxLength(NAME_MAX_LENGTH + 50)  # room to show the too-long message
        self.name_edit.setPlaceholderText(self.tr("First and last name"))
        self.name_error = self._error_label("nameError")
        form.addRow(self.tr("Name *"), self._with_error(self.name_edit, self.name_error))

        self.company_edit = QLineEdit(self)
        self.company_edit.setMaxLength(COMPANY_MAX_LENGTH)
        form.addRow(self.tr("Company"), self.company_edit)

        self.email_edit = QLineEdit(self)
        self.email_edit.setObjectName("emailEdit")
        self.email_edit.setPlaceholderText(self.tr("name@example.com"))
        self.email_error = self._error_label("emailError")
        form.addRow(self.tr("E-mail"), self._with_error(self.email_edit, self.email_error))
        layout.addLayout(form)

        utm_box = QGroupBox(self.tr("Where the caller came from"), self)
        utm_form = QFormLayout(utm_box)
        self.utm_source_edit = self._utm_edit(call.utm_source if call else "")
        self.utm_medium_edit = self._utm_edit(call.utm_medium if call else "")
        self.utm_campaign_edit = self._utm_edit(call.utm_campaign if call else "")
        self.utm_term_edit = self._utm_edit(call.utm_term if call else "")
        utm_form.addRow(self.tr("Source"), self.utm_source_edit)
        utm_form.addRow(self.tr("Medium"), self.utm_medium_edit)
        utm_form.addRow(self.tr("Campaign"), self.utm_campaign_edit)
        utm_form.addRow(self.tr("Keyword"), self.utm_term_edit)
        layout.addWidget(utm_box)

        self.buttons = QDialogButtonBox(self)
        self.create_button = self.buttons.addButton(
            self.tr("Create"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.create_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        # While busy the inputs are disabled and focus falls onto another button; an
        # auto-default button would then turn a second Enter into "Cancel" (or "Open").
        for button in (self.cancel_button, self.open_existing_button):
            button.setAutoDefault(False)
        # Our own handler, not accept(): the dialog stays open until the CRM has answered.
        self.create_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)

        self.name_edit.textEdited.connect(self._on_name_edited)
        self.name_edit.textChanged.connect(self._validate)
        self.email_edit.textChanged.connect(self._validate)
        self._validate()
        self.name_edit.setFocus()

    # -- construction helpers -------------------------------------------------------------

    def _error_label(self, object_name: str) -> QLabel:
        label = plain_label(object_name=object_name, parent=self)
        theme.set_tone(label, _ERROR_STYLE)
        label.setWordWrap(True)
        label.setVisible(False)
        return label

    def _with_error(self, edit: QLineEdit, error: QLabel) -> QWidget:
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(edit)
        column.addWidget(error)
        edit.setAccessibleDescription("")  # filled with the error text when there is one
        return box

    def _utm_edit(self, value: str) -> QLineEdit:
        # Analytics placeholders such as "(direct)" are not a source worth saving in the CRM.
        edit = QLineEdit(meaningful_utm(value), self)
        edit.setMaxLength(UTM_MAX_LENGTH)
        return edit

    # -- validation -----------------------------------------------------------------------

    def name_problem(self) -> str:
        """Why the name cannot be used, or ``""`` when it can."""
        name = self.name_edit.text()
        if not name.strip():
            return self.tr("Enter the caller's name.")
        if len(name.strip()) > NAME_MAX_LENGTH:
            return self.tr("The name is too long (at most {limit} characters).").format(
                limit=NAME_MAX_LENGTH
            )
        if has_control_chars(name):
            return self.tr("The name contains characters that cannot be saved.")
        return ""

    def email_problem(self) -> str:
        email = self.email_edit.text().strip()
        if email and not _EMAIL_RE.match(email):
            return self.tr("This does not look like an e-mail address.")
        return ""

    def is_valid(self) -> bool:
        return not self.name_problem() and not self.email_problem()

    def _on_name_edited(self) -> None:
        self._name_touched = True

    def _validate(self) -> None:
        name_problem = self.name_problem()
        # An empty name is only worth a message once the agent has typed and cleared it;
        # the disabled Create button already says the name is required.
        show_name = bool(name_problem) and (self._name_touched or bool(self.name_edit.text()))
        self._show_field_error(self.name_edit, self.name_error, name_problem if show_name else "")
        self._show_field_error(self.email_edit, self.email_error, self.email_problem())
        self.create_button.setEnabled(not self._busy and self.is_valid())

    @staticmethod
    def _show_field_error(edit: QLineEdit, label: QLabel, problem: str) -> None:
        label.setText(problem)
        label.setVisible(bool(problem))
        edit.setAccessibleDescription(problem)

    # -- what the agent does --------------------------------------------------------------

    def new_contact(self) -> NewContact:
        return NewContact(
            name=single_line(self.name_edit.text()),
            phone_e164=self._number_e164,
            company=single_line(self.company_edit.text()),
            email=self.email_edit.text().strip(),
            utm_source=self.utm_source_edit.text().strip(),
            utm_medium=self.utm_medium_edit.text().strip(),
            utm_campaign=self.utm_campaign_edit.text().strip(),
            utm_term=self.utm_term_edit.text().strip(),
        )

    def submit(self) -> None:
        """Emit ``submitted`` once; further clicks are ignored until the service answers."""
        if self._busy or not self.is_valid():
            return
        # Busy *before* emitting: a double click, or Enter pressed twice, must not create two
        # contacts even if the service has not called set_busy yet.
        self.set_busy(True)
        self.submitted.emit(self.new_contact())

    def accept(self) -> None:
        # Enter on the default button lands here through QDialog; route it through submit().
        self.submit()

    def _on_open_existing(self) -> None:
        if self._existing is not None:
            self.open_existing_requested.emit(self._existing)

    # -- what the service layer calls -----------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._busy

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        for widget in (self.name_edit, self.company_edit, self.email_edit,
                       self.utm_source_edit, self.utm_medium_edit, self.utm_campaign_edit,
                       self.utm_term_edit, self.open_existing_button):
            widget.setEnabled(not busy)
        self.create_button.setText(self.tr("Creating…") if busy else self._create_text())
        self._validate()

    def show_error(self, message: str) -> None:
        """The CRM refused or failed: say why, keep everything typed, let the agent retry."""
        self._existing = None
        self._show_banner(message, _BANNER_ERROR_STYLE, with_open_button=False)
        self.set_busy(False)

    def show_existing(self, contact: Contact) -> None:
        """A contact with this number already exists: offer it instead of a duplicate."""
        self._existing = contact
        who = shown(contact.name) or self.tr("(no name)")
        if contact.company.strip():
            who = f"{who} ({shown(contact.company)})"
        self._show_banner(
            self.tr("This number already belongs to {who} in the CRM.").format(who=who),
            _BANNER_INFO_STYLE,
            with_open_button=True,
        )
        self.set_busy(False)

    def finish_created(self, contact: Contact) -> None:
        self._busy = False
        super().accept()

    def _create_text(self) -> str:
        # After a duplicate warning the agent may still want a separate contact on purpose
        # (a shared office line), so creating stays possible but says so.
        return self.tr("Create anyway") if self._existing is not None else self.tr("Create")

    def _show_banner(self, text: str, style: str, *, with_open_button: bool) -> None:
        self.banner_label.setText(text)
        theme.set_tone(self.banner_label, style)
        self.open_existing_button.setVisible(with_open_button)
        self.banner.setVisible(True)
        self.banner_label.setAccessibleName(text)
        announce(self.banner_label, text)


class CreateContactDialogs(QObject):
    """One Create contact dialog per number: a second request raises the open one. Routes
    the CRM's answers to the dialog of their number.

    Signals:
        submitted (NewContact): the agent asked to create the contact; the dialog shows busy.
        open_in_crm_requested (Contact): the agent wants the existing contact instead.
    """

    submitted = Signal(NewContact)
    open_in_crm_requested = Signal(Contact)

    def __init__(self, region: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.region = region
        self._open: dict[str, CreateContactDialog] = {}

    def dialog(self, number_e164: str) -> CreateContactDialog | None:
        return self._open.get(number_e164)

    def open(self, number_e164: str, call: CallRecord | None = None) -> CreateContactDialog:
        dialog = self._open.get(number_e164)
        if dialog is not None:
            dialog.raise_()
            return dialog
        dialog = CreateContactDialog(number_e164, display_number(number_e164, self.region), call)
        self._open[number_e164] = dialog
        dialog.submitted.connect(self._submit)
        dialog.open_existing_requested.connect(self.open_in_crm_requested)
        dialog.finished.connect(lambda _code: self._open.pop(number_e164, None))
        dialog.show()
        return dialog

    def close_all(self) -> None:
        for dialog in list(self._open.values()):
            dialog.close()

    def show_created(self, number_e164: str, contact: Contact) -> None:
        dialog = self._open.get(number_e164)
        if dialog is not None:
            dialog.finish_created(contact)

    def show_existing(self, number_e164: str, contact: Contact) -> None:
        dialog = self._open.get(number_e164)
        if dialog is not None:
            dialog.show_existing(contact)

    def show_failure(self, number_e164: str, failure: BaseException) -> None:
        dialog = self._open.get(number_e164)
        if dialog is not None:
            dialog.show_error(describe(failure))

    def _submit(self, draft: NewContact) -> None:
        dialog = self._open.get(draft.phone_e164)
        if dialog is not None:
            dialog.set_busy(True)
        self.submitted.emit(draft)
