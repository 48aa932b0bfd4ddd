"""The first-run wizard and the settings dialog: the same sections, as pages or as tabs.

Widgets only: they validate what the agent types, emit ``*_requested`` signals for
connection tests and for saving, and show what the service layer reports back
(``show_ringostat_result`` and friends). They never talk to the network, never touch the
credential store and never write files; ``services.setup_controller`` does all of that.

Secrets are typed into password fields and handed over once in ``save_requested``; a stored
secret is shown as "•••• stored" and never read back into a widget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from ringohunt_desktop.config import Config, parse_broker_servers
from ringohunt_desktop.credentials import MAX_SECRET_CHARS
from ringohunt_desktop.domain import Folder, StaffMember
from ringohunt_desktop.hotkeys.keys import (
    MAX_TEXT_CHARS,
    HotkeyAction,
    HotkeyError,
    parse_hotkey,
    setting_key,
)
from ringohunt_desktop.services.hotkeys import action_name, describe_key_problem
from ringohunt_desktop.ui import theme
from ringohunt_desktop.ui.accessibility import announce
from ringohunt_desktop.ui.widgets import local_zone_name, plain_label

if TYPE_CHECKING:
    from ringohunt_desktop.services.setup_checks import (
        AgentCheck,
        BrokerCheck,
        FolderFieldsCheck,
        NetHuntCheck,
        RingostatCheck,
    )

translate = QCoreApplication.translate  # lupdate finds translate("Context", "…")

# Tones of the status lines (ui/theme.py gives each its colours in the system's look).
_ERROR_STYLE = "error"
_OK_STYLE = "ok"
_HINT_STYLE = "hint"
_NOTE_STYLE = "note"
_BANNER_ERROR_STYLE = "errorBanner"
_STORED_MARK = "••••"




@dataclass(frozen=True, slots=True)
class SetupValues:
    """What the agent entered. ``secrets`` holds only newly typed keys (never stored ones)."""

    settings: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:  # never show secret values
        return f"SetupValues(settings={self.settings!r}, secrets={sorted(self.secrets)})"


# ------------------------------------------------------------------------------ helpers

def _status_label(object_name: str, parent: QWidget) -> QLabel:
    label = plain_label(object_name=object_name, parent=parent)
    label.setWordWrap(True)
    label.setMinimumHeight(label.fontMetrics().height() * 2)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    return label


def _show_status(label: QLabel, text: str, style: str) -> None:
    label.setText(text)
    theme.set_tone(label, style)
    label.setAccessibleDescription(text)


def _note_label(text: str, parent: QWidget) -> QLabel:
    label = plain_label(text, "noteLabel", parent)
    theme.set_tone(label, _NOTE_STYLE)
    label.setWordWrap(True)
    return label


def _intro_label(text: str, parent: QWidget) -> QLabel:
    label = plain_label(text, "introLabel", parent)
    label.setWordWrap(True)
    theme.set_tone(label, "secondary")
    return label


def _form(parent: QWidget | None = None) -> QFormLayout:
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return form


class _Section(QWidget):
    """A group of settings with its own validation.

    Signals:
        changed (): the values or the validity may have changed.
    """

    changed = Signal()

    def __init__(self, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self._notes_shown: set[str] = set()  # notes already written out on this tab

    def title(self) -> str:
        raise NotImplementedError

    def problem(self) -> str:
        """Why the section cannot be saved yet, or ``""``."""
        return ""

    def values(self) -> dict[str, Any]:
        return {}

    def secrets(self) -> dict[str, str]:
        return {}

    def is_locked(self, key: str) -> bool:
        return key in self.config.locked

    def lock_note(self, key: str) -> str:
        """The note under a field whose value the agent cannot (effectively) change here."""
        if self.is_locked(key):
            return translate("SettingsDialog", "Set by your IT department")
        source = self.config.sources.get(key, "")
        if source in ("environment", "command line"):
            return translate(
                "SettingsDialog", "Currently taken from an environment variable or the "
                "command line, which wins over the value saved here.")
        return ""

    def _with_note(self, widget: QWidget, key: str) -> QWidget:
        """``widget`` read-only when ``key`` is locked, with the note under it when any.

        The same note under every field of a tab reads as noise: it is written out once per
        tab, and the later fields carry it as their tooltip."""
        note = self.lock_note(key)
        if self.is_locked(key):
            widget.setEnabled(False)
        if note:
            if note in self._notes_shown:
                widget.setToolTip(note)
                return widget
            self._notes_shown.add(note)
        if not note:
            return widget
        box = QWidget(self)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(_note_label(note, box))
        return box


class SecretField(QWidget):
    """A password field; when a secret is already stored, "•••• stored" and a Change button.

    Signals:
        changed (): typed text or mode changed.
    """

    changed = Signal()

    def __init__(self, stored: bool, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stored = stored
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(self)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setPlaceholderText(placeholder)
        self.edit.setMaxLength(MAX_SECRET_CHARS + 200)  # room to show the too-long message
        self.stored_label = plain_label(f"{_STORED_MARK} " + self.tr("stored"), "storedLabel",
                                        self)
        self.change_button = QPushButton(self.tr("Change"), self)
        self.change_button.setAutoDefault(False)
        self.keep_button = QPushButton(self.tr("Keep stored"), self)
        self.keep_button.setAutoDefault(False)
        row.addWidget(self.edit, 1)
        row.addWidget(self.stored_label, 1)
        row.addWidget(self.change_button)
        row.addWidget(self.keep_button)
        self.change_button.clicked.connect(lambda: self._set_editing(True))
        self.keep_button.clicked.connect(lambda: self._set_editing(False))
        self.edit.textChanged.connect(self.changed)
        self._set_editing(not stored)

    @property
    def editing(self) -> bool:
        return not self.edit.isHidden()

    def _set_editing(self, editing: bool) -> None:
        self.edit.clear()
        self.edit.setVisible(editing)
        self.stored_label.setVisible(not editing)
        self.change_button.setVisible(not editing)
        self.keep_button.setVisible(editing and self._stored)
        if editing:
            self.edit.setFocus()
        self.changed.emit()

    def new_value(self) -> str | None:
        """The typed secret, or ``None`` to keep the stored one."""
        if not self.editing:
            return None
        return self.edit.text().strip()

    def request_value(self) -> str:
        """What a connection test sends: the typed value, or ``""`` for "use the stored one"."""
        return self.new_value() or ""

    def problem(self, what: str) -> str:
        value = self.new_value()
        if value is None:
            return ""
        if not value:
            return self.tr("Enter the {what}.").format(what=what)
        if len(value) > MAX_SECRET_CHARS:
            return self.tr("The {what} is too long; check that only the key was "
                           "pasted.").format(what=what)
        if any(ch.isspace() for ch in value):
            return self.tr("The {what} cannot contain spaces.").format(what=what)
        return ""


# ------------------------------------------------------------------ the service sections

CheckT = TypeVar("CheckT", bound="RingostatCheck | NetHuntCheck")


@dataclass(frozen=True, slots=True)
class _ServiceTexts:
    """A service section's texts. Each subclass writes them with its own ``self.tr`` so that
    lupdate files them under that class's context (where their translations are)."""

    intro: str
    test_button: str
    testing: str
    untested: str  # "Test the connection to continue."


class _ServiceSection(_Section, Generic[CheckT]):
    """A secret, a plain field and "Test connection": what Ringostat and NetHunt share.

    A test is pending from :meth:`request_test` until :meth:`show_result`; an answer for
    inputs edited meanwhile is dropped, and a passed test holds only while the inputs are
    the tested ones. Subclasses supply the texts (``_wording``), the two rows
    (``_add_fields`` with :meth:`_secret_row` and :meth:`_line_row`), how the inputs read and
    what is wrong with them, and what a good answer brings (``_take``).

    Signals:
        test_requested (str, str): test these inputs; see the subclass for which they are.
    """

    test_requested = Signal(str, str)

    def __init__(self, config: Config, *, require_test: bool, initial: tuple[str, str],
                 button_name: str, status_name: str, parent: QWidget | None = None) -> None:
        super().__init__(config, parent)
        self._require_test = require_test
        self._initial = initial
        self._pending: tuple[str, str] | None = None
        self._verified: tuple[str, str] | None = None
        self._result: CheckT | None = None
        self._words = self._wording()

        layout = QVBoxLayout(self)
        layout.addWidget(_intro_label(self._words.intro, self))
        form = _form()
        self._add_fields(form)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.test_button = QPushButton(self._words.test_button, self)
        self.test_button.setObjectName(button_name)
        self.test_button.setAutoDefault(False)
        row.addWidget(self.test_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.status_label = _status_label(status_name, self)
        layout.addWidget(self.status_label)
        layout.addStretch(1)

        self.test_button.clicked.connect(self.request_test)
        self._secret_field.changed.connect(self._on_edited)
        self._line_edit.textChanged.connect(self._on_edited)
        self._refresh()

    # -- what a subclass supplies

    def _wording(self) -> _ServiceTexts:
        raise NotImplementedError

    def _add_fields(self, form: QFormLayout) -> None:
        raise NotImplementedError

    def _inputs(self) -> tuple[str, str]:
        """The inputs as tested: a pass holds while they stay the same."""
        raise NotImplementedError

    def _test_arguments(self) -> tuple[str, str]:
        """What ``test_requested`` carries."""
        return self._inputs()

    def _typed(self) -> bool:
        """Whether enough is typed to show an input problem as an error (not a hint)."""
        raise NotImplementedError

    def input_problem(self) -> str:
        raise NotImplementedError

    def _answers(self, result: CheckT, pending: tuple[str, str]) -> bool:
        """Whether ``result`` can be the answer to the test of ``pending``."""
        return True

    def _take(self, result: CheckT) -> None:
        """Keep what a passed test brought."""

    def _secret_row(self, form: QFormLayout, setting: str, label: str, placeholder: str,
                    object_name: str, *, stored: bool) -> SecretField:
        """Add the secret's row; :meth:`secrets` reads it as ``setting``."""
        field = SecretField(stored, placeholder, self)
        field.edit.setObjectName(object_name)
        form.addRow(label, self._with_note(field, setting))
        self._secret_setting, self._secret_field = setting, field
        return field

    def _line_row(self, form: QFormLayout, setting: str, label: str, placeholder: str,
                  object_name: str, *, text: str) -> QLineEdit:
        """Add the plain field's row; :meth:`values` reads it as ``setting``."""
        edit = QLineEdit(text, self)
        edit.setObjectName(object_name)
        edit.setPlaceholderText(placeholder)
        form.addRow(label, self._with_note(edit, setting))
        self._line_setting, self._line_edit = setting, edit
        return edit

    # -- the shared routine

    def problem(self) -> str:
        input_problem = self.input_problem()
        if input_problem:
            return input_problem
        if self._verified == self._inputs():
            return ""
        if self._result is not None and not self._result.ok and self._pending is None:
            return self._result.error
        if not self._require_test and self._inputs() == self._initial:
            return ""
        return self._words.untested

    def request_test(self) -> None:
        if self.input_problem():
            return
        self._pending = self._inputs()
        self._refresh()
        self.test_requested.emit(*self._test_arguments())

    def show_result(self, result: CheckT) -> None:
        """The answer to the latest test; an answer for inputs edited since is dropped."""
        if self._pending is None or not self._answers(result, self._pending):
            return
        tested, self._pending = self._pending, None
        if tested != self._inputs():
            self._refresh()
            return
        self._result = result
        self._verified = tested if result.ok else None
        if result.ok:
            self._take(result)
        self._refresh()

    @property
    def busy(self) -> bool:
        return self._pending is not None

    def _on_edited(self) -> None:
        if self._verified != self._inputs():
            self._result = None
        self._refresh()

    def _refresh(self) -> None:
        self.test_button.setEnabled(not self.input_problem() and self._pending is None)
        if self._pending is not None:
            _show_status(self.status_label, self._words.testing, _HINT_STYLE)
        elif self._result is not None and self._verified == self._inputs():
            _show_status(self.status_label, self._result.summary(), _OK_STYLE)
        elif self._result is not None and not self._result.ok:
            _show_status(self.status_label, self._result.error, _ERROR_STYLE)
        else:
            problem = self.problem()
            typed = self._typed()
            style = _ERROR_STYLE if problem == self.input_problem() and typed else _HINT_STYLE
            _show_status(self.status_label, problem, style)
        self.changed.emit()

    def values(self) -> dict[str, Any]:
        return {self._line_setting: self._line_edit.text().strip()}

    def secrets(self) -> dict[str, str]:
        value = self._secret_field.new_value()
        return {self._secret_setting: value} if value else {}


# ------------------------------------------------------------------------- Ringostat

class RingostatSection(_ServiceSection["RingostatCheck"]):
    """Auth-key, project ID and "Test connection".

    Signals:
        test_requested (str auth_key, str project_id): ``auth_key`` is ``""`` to use the
            stored one.
        staff_loaded (list[StaffMember]): a successful test brought the staff list.
    """

    staff_loaded = Signal(list)

    def __init__(self, config: Config, *, require_test: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(config, require_test=require_test,
                         initial=("", config.ringostat_project_id),
                         button_name="testRingostatButton", status_name="ringostatStatus",
                         parent=parent)
        self.staff: tuple[StaffMember, ...] = ()

    def _wording(self) -> _ServiceTexts:
        return _ServiceTexts(
            self.tr("Find the Auth-key and the project ID in Ringostat: Integrations → API."),
            self.tr("Test connection"), self.tr("Testing…"),
            self.tr("Test the connection to continue."))

    def _add_fields(self, form: QFormLayout) -> None:
        self.key_field = self._secret_row(
            form, "ringostat_auth_key", self.tr("Auth-key"), self.tr("Paste the Auth-key"),
            "ringostatKeyEdit", stored=bool(self.config.ringostat_auth_key))
        self.project_edit = self._line_row(
            form, "ringostat_project_id", self.tr("Project ID"), self.tr("For example 12345"),
            "projectEdit", text=self.config.ringostat_project_id)

    def title(self) -> str:
        return self.tr("Ringostat")

    def _inputs(self) -> tuple[str, str]:
        return self.key_field.request_value(), self.project_edit.text().strip()

    def _typed(self) -> bool:
        return any(self._inputs())  # either one

    def input_problem(self) -> str:
        key_problem = self.key_field.problem(self.tr("Auth-key"))
        if key_problem:
            return key_problem
        project = self.project_edit.text().strip()
        if not project:
            return self.tr("Enter the project ID.")
        if not project.isdigit():
            return self.tr("The project ID is a number, for example 12345.")
        return ""

    def _answers(self, result: RingostatCheck, pending: tuple[str, str]) -> bool:
        return result.project_id == pending[1]

    def _take(self, result: RingostatCheck) -> None:
        self.staff = result.staff
        self.staff_loaded.emit(list(result.staff))


class AgentSection(_Section):
    """Who the agent is: a pick from the staff list, or a typed SIP login / e-mail.

    Signals:
        check_requested (str identity): validate ``identity`` against the staff list; the
            answer comes back through :meth:`show_agent_result`.
    """

    check_requested = Signal(str)

    def __init__(self, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(config, parent)
        self._initial = config.agent
        self._staff: tuple[StaffMember, ...] = ()
        self._result: AgentCheck | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(_intro_label(self.tr(
            "Choose yourself, so RingoHunt shows your calls only."), self))
        form = _form()
        self.staff_combo = QComboBox(self)
        self.staff_combo.setObjectName("staffCombo")
        self.staff_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        form.addRow(self.tr("Employee"), self._with_note(self.staff_combo, "agent"))
        self.identity_edit = QLineEdit(config.agent, self)
        self.identity_edit.setObjectName("agentEdit")
        self.identity_edit.setPlaceholderText(self.tr("SIP login or e-mail"))
        self.identity_edit.setEnabled(not self.is_locked("agent"))
        form.addRow(self.tr("Or type"), self.identity_edit)
        layout.addLayout(form)
        self.status_label = _status_label("agentStatus", self)
        layout.addWidget(self.status_label)
        layout.addStretch(1)

        self.staff_combo.activated.connect(self._on_combo_picked)
        self.identity_edit.textChanged.connect(self._on_identity_edited)
        self._fill_combo()
        self._refresh()

    def title(self) -> str:
        return self.tr("Agent")

    @property
    def member(self) -> StaffMember | None:
        """Who the agent is, once the staff list confirmed it."""
        result = self._result
        if result is None or result.identity.strip() != self.identity_edit.text().strip():
            return None
        return result.member

    def set_staff(self, staff: Sequence[StaffMember]) -> None:
        self._staff = tuple(staff)
        self._fill_combo()
        self._on_identity_edited()

    def _fill_combo(self) -> None:
        self.staff_combo.blockSignals(True)
        self.staff_combo.clear()
        self.staff_combo.addItem(self.tr("(choose)") if self._staff else
                                 self.tr("(test the Ringostat connection first)"), None)
        for member in sorted(self._staff, key=lambda m: m.name.casefold()):
            login = member.sip_logins[0] if member.sip_logins else member.email
            self.staff_combo.addItem(f"{member.name} — {login}", member)
        self.staff_combo.blockSignals(False)

    def _on_combo_picked(self, index: int) -> None:
        member = self.staff_combo.itemData(index)
        if isinstance(member, StaffMember):
            login = member.sip_logins[0] if member.sip_logins else member.email
            self.identity_edit.setText(login)

    def _on_identity_edited(self) -> None:
        text = self.identity_edit.text().strip()
        if self._staff:
            self.check_requested.emit(text)  # answered synchronously via show_agent_result
        else:
            self._result = None
            self._refresh()

    def show_agent_result(self, result: AgentCheck) -> None:
        if result.identity.strip() != self.identity_edit.text().strip():
            return
        self._result = result
        index = 0
        for row in range(1, self.staff_combo.count()):
            if self.staff_combo.itemData(row) == result.member:
                index = row
        self.staff_combo.setCurrentIndex(index)
        self._refresh()

    def problem(self) -> str:
        text = self.identity_edit.text().strip()
        if self._result is not None and self._result.identity.strip() == text:
            return self._result.error
        if not self._staff:
            if text and text == self._initial.strip():
                return ""
            return self.tr("Test the Ringostat connection first.")
        return self.tr("Choose yourself in the list or type your SIP login or e-mail.")

    def _refresh(self) -> None:
        result = self._result
        if result is not None and result.member is not None:
            who = self.tr("You are {name} ({email}).").format(name=result.member.name,
                                                              email=result.member.email)
            if result.warning:
                _show_status(self.status_label, f"{who} {result.warning}", _NOTE_STYLE)
            else:
                _show_status(self.status_label, who, _OK_STYLE)
        else:
            problem = self.problem()
            typed = bool(self.identity_edit.text().strip())
            style = _ERROR_STYLE if result is not None and typed else _HINT_STYLE
            _show_status(self.status_label, problem, style)
        self.changed.emit()

    def values(self) -> dict[str, Any]:
        if self.identity_edit.text().strip() == self._initial.strip():
            return {"agent": self._initial}  # keep the saved spelling: nothing changed
        if self._result is not None and self._result.member is not None:
            return {"agent": self._result.setting_value}
        return {"agent": self.identity_edit.text().strip()}


# --------------------------------------------------------------------------- NetHunt

class NetHuntSection(_ServiceSection["NetHuntCheck"]):
    """Login e-mail, API key and "Test connection".

    Signals:
        test_requested (str email, str api_key): ``api_key`` is ``""`` to use the stored one.
        folders_loaded (list[Folder]): a successful test brought the readable folders.
    """

    folders_loaded = Signal(list)

    def __init__(self, config: Config, *, require_test: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(config, require_test=require_test,
                         initial=(config.nethunt_email.strip().lower(), ""),
                         button_name="testNetHuntButton", status_name="nethuntStatus",
                         parent=parent)
        self.folders: tuple[Folder, ...] = ()

    def _wording(self) -> _ServiceTexts:
        return _ServiceTexts(
            self.tr("Use your NetHunt login e-mail and the API key from NetHunt: Settings → "
                    "Integrations → API key."),
            self.tr("Test connection"), self.tr("Testing…"),
            self.tr("Test the connection to continue."))

    def _add_fields(self, form: QFormLayout) -> None:
        self.email_edit = self._line_row(
            form, "nethunt_email", self.tr("Login e-mail"), self.tr("name@company.com"),
            "nethuntEmailEdit", text=self.config.nethunt_email)
        self.key_field = self._secret_row(
            form, "nethunt_api_key", self.tr("API key"), self.tr("Paste the API key"),
            "nethuntKeyEdit", stored=bool(self.config.nethunt_api_key))

    def title(self) -> str:
        return self.tr("NetHunt")

    def _inputs(self) -> tuple[str, str]:
        return self.email_edit.text().strip().lower(), self.key_field.request_value()

    def _test_arguments(self) -> tuple[str, str]:
        return self.email_edit.text().strip(), self.key_field.request_value()

    def _typed(self) -> bool:
        return all(self._inputs())  # both

    def input_problem(self) -> str:
        email = self.email_edit.text().strip()
        if not email:
            return self.tr("Enter your NetHunt login e-mail.")
        if "@" not in email or any(ch.isspace() for ch in email):
            return self.tr("This does not look like an e-mail address.")
        return self.key_field.problem(self.tr("API key"))

    def _take(self, result: NetHuntCheck) -> None:
        self.folders = result.folders
        self.folders_loaded.emit(list(result.folders))


# ------------------------------------------------------------------- how calls arrive

class CallSourceSection(_Section):
    """"Calls arrive by": polling Ringostat, or a subscription on the call server (IT's
    relay and NATS), with the server addresses, the agent's login and password, and a test
    that binds the agent's consumer. Polling needs nothing more.

    Signals:
        test_requested (str servers, str user, str password, str project, int staff_id):
            ``password`` is ``""`` to use the stored one; answer with :meth:`show_result`.
    """

    test_requested = Signal(str, str, str, str, int)

    def __init__(self, config: Config, *, require_test: bool,
                 agent: Callable[[], tuple[str, StaffMember | None]],
                 parent: QWidget | None = None) -> None:
        super().__init__(config, parent)
        self._require_test = require_test
        self._agent = agent
        self._initial = self._key(config.call_source, config.broker_servers,
                                  config.broker_user, "")
        self._pending: tuple[str, ...] | None = None
        self._verified: tuple[str, ...] | None = None
        self._result: BrokerCheck | None = None
        self._agent_key: tuple[str, int | None] | None = None

        layout = QVBoxLayout(self)
        layout.addWidget(_intro_label(self.tr(
            "Most offices poll Ringostat. A call centre whose IT runs a call server (the "
            "RingoHunt relay) gets calls from it instead: faster, and without one request "
            "after another to Ringostat."), self))
        form = _form()
        self.mode_combo = QComboBox(self)
        self.mode_combo.setObjectName("callSourceCombo")
        self.mode_combo.addItem(self.tr("Polling Ringostat"), "poll")
        self.mode_combo.addItem(self.tr("Subscription on the call server"), "subscription")
        self.mode_combo.setCurrentIndex(max(0, self.mode_combo.findData(config.call_source)))
        form.addRow(self.tr("Calls arrive by"), self._with_note(self.mode_combo, "call_source"))
        self.servers_edit = QLineEdit(config.broker_servers, self)
        self.servers_edit.setObjectName("brokerServersEdit")
        self.servers_edit.setPlaceholderText(self.tr("tls://calls.example.com:4222"))
        servers_row = self._with_note(self.servers_edit, "broker_servers")
        form.addRow(self.tr("Server address"), servers_row)
        self.user_edit = QLineEdit(config.broker_user, self)
        self.user_edit.setObjectName("brokerUserEdit")
        self.user_edit.setPlaceholderText(self.tr("as IT gave it (empty: the usual one)"))
        user_row = self._with_note(self.user_edit, "broker_user")
        form.addRow(self.tr("Login"), user_row)
        self.password_field = SecretField(bool(config.broker_password),
                                          self.tr("Paste the password"), self)
        self.password_field.edit.setObjectName("brokerPasswordEdit")
        password_row = self._with_note(self.password_field, "broker_password")
        form.addRow(self.tr("Password"), password_row)
        self._subscription_rows = (servers_row, user_row, password_row)
        self._form_layout = form
        layout.addLayout(form)
        row = QHBoxLayout()
        self.test_button = QPushButton(self.tr("Test connection"), self)
        self.test_button.setObjectName("testBrokerButton")
        self.test_button.setAutoDefault(False)
        row.addWidget(self.test_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.status_label = _status_label("brokerStatus", self)
        layout.addWidget(self.status_label)
        layout.addStretch(1)

        self.mode_combo.currentIndexChanged.connect(self._on_edited)
        self.servers_edit.textChanged.connect(self._on_edited)
        self.user_edit.textChanged.connect(self._on_edited)
        self.password_field.changed.connect(self._on_edited)
        self.test_button.clicked.connect(self.request_test)
        self._refresh()

    def title(self) -> str:
        return self.tr("Calls")

    @property
    def subscribes(self) -> bool:
        return bool(self.mode_combo.currentData() == "subscription")

    @staticmethod
    def _key(mode: str, servers: str, user: str, password: str) -> tuple[str, ...]:
        return (mode, servers.strip(), user.strip(), password)

    def _inputs(self) -> tuple[str, ...]:
        return self._key(str(self.mode_combo.currentData()), self.servers_edit.text(),
                         self.user_edit.text(), self.password_field.request_value())

    def input_problem(self) -> str:
        if not self.subscribes:
            return ""
        servers = self.servers_edit.text().strip()
        if not servers:
            return self.tr("Enter the call server's address (IT has it).")
        try:
            parse_broker_servers(servers)
        except ValueError:
            return self.tr("Use an address like tls://calls.example.com:4222 (plain nats:// "
                           "only to this computer).")
        if not self.password_field.editing or self.password_field.new_value():
            password_problem = self.password_field.problem(self.tr("password"))
        else:
            password_problem = self.tr("Enter the password IT gave you.")
        if password_problem:
            return password_problem
        project, member = self._agent()
        if member is None or not project:
            return self.tr("Choose yourself on the Ringostat page first.")
        return ""

    def problem(self) -> str:
        input_problem = self.input_problem()
        if input_problem or not self.subscribes:
            return input_problem
        if self._verified == self._inputs():
            return ""
        if self._result is not None and not self._result.ok and self._pending is None:
            return self._result.error
        if not self._require_test and self._inputs() == self._initial:
            return ""
        return self.tr("Test the connection to continue.")

    @property
    def busy(self) -> bool:
        return self._pending is not None

    def request_test(self) -> None:
        if not self.subscribes or self.input_problem():
            return
        project, member = self._agent()
        assert member is not None
        self._pending = self._inputs()
        self._refresh()
        self.test_requested.emit(self.servers_edit.text().strip(),
                                 self.user_edit.text().strip(),
                                 self.password_field.request_value(), project,
                                 member.staff_id)

    def show_result(self, result: BrokerCheck) -> None:
        """The answer to the latest test; one for inputs edited since is dropped."""
        if self._pending is None:
            return
        tested, self._pending = self._pending, None
        if tested != self._inputs():
            self._refresh()
            return
        self._result = result
        self._verified = tested if result.ok else None
        self._refresh()

    def _on_edited(self) -> None:
        if self._verified != self._inputs():
            self._result = None
        self._refresh()

    def agent_changed(self) -> None:
        """The agent (or the project) may be another: a passed test no longer holds."""
        project, member = self._agent()
        agent_key = (project, member.staff_id if member else None)
        if self._agent_key is not None and agent_key != self._agent_key:
            self._verified = None
            self._result = None
        self._agent_key = agent_key
        self._refresh()

    def _refresh(self) -> None:
        subscribing = self.subscribes
        for row in self._subscription_rows:
            self._form_layout.setRowVisible(row, subscribing)
        self.test_button.setVisible(subscribing)
        self.test_button.setEnabled(not self.input_problem() and self._pending is None)
        if not subscribing:
            _show_status(self.status_label, self.tr(
                "RingoHunt asks Ringostat for your calls every few seconds."), _HINT_STYLE)
        elif self._pending is not None:
            _show_status(self.status_label, self.tr("Testing…"), _HINT_STYLE)
        elif self._result is not None and self._verified == self._inputs():
            _show_status(self.status_label, self._result.summary(), _OK_STYLE)
        elif self._result is not None and not self._result.ok:
            _show_status(self.status_label, self._result.error, _ERROR_STYLE)
        else:
            _show_status(self.status_label, self.problem(), _HINT_STYLE)
        self.changed.emit()

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {"call_source": self.mode_combo.currentData()}
        if self.subscribes:
            values["broker_servers"] = parse_broker_servers(self.servers_edit.text())
            values["broker_user"] = self.user_edit.text().strip()
        return values

    def secrets(self) -> dict[str, str]:
        value = self.password_field.new_value() if self.subscribes else None
        return {"broker_password": value} if value else {}


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One mapping: the setting, its label, whether it is required, likely field names."""

    key: str
    label: str
    required: bool
    likely_names: tuple[str, ...]


def field_rows() -> tuple[FieldRow, ...]:
    return (
        FieldRow("field_phone", translate("SettingsDialog", "Phone"), True,
                 ("Phone", "Phones", "Телефон", "Телефони")),
        FieldRow("field_name", translate("SettingsDialog", "Name"), True,
                 ("Name", "Full name", "Ім'я", "ПІБ", "Назва")),
        FieldRow("field_email", translate("SettingsDialog", "E-mail"), False,
                 ("Email", "E-mail", "Ел. пошта")),
        FieldRow("field_company", translate("SettingsDialog", "Company"), False,
                 ("Company", "Компанія")),
        FieldRow("field_manager", translate("SettingsDialog", "Responsible manager"), False,
                 ("Responsible", "Manager", "Відповідальний", "Менеджер")),
        FieldRow("field_utm_source", translate("SettingsDialog", "UTM source"), False,
                 ("Джерело", "UTM source", "Source")),
        FieldRow("field_utm_medium", translate("SettingsDialog", "UTM medium"), False,
                 ("Канал", "UTM medium", "Medium")),
        FieldRow("field_utm_campaign", translate("SettingsDialog", "UTM campaign"), False,
                 ("Кампанія", "UTM campaign", "Campaign")),
        FieldRow("field_utm_term", translate("SettingsDialog", "UTM keyword"), False,
                 ("Ключове слово", "UTM term", "Keyword")),
    )


class FolderSection(_Section):
    """The Contacts folder and which of its fields hold phone, name, company…

    Signals:
        fields_requested (str folder_id): load this folder's field list; the answer comes
            back through :meth:`show_fields`.
    """

    fields_requested = Signal(str)

    def __init__(self, config: Config, *, require_test: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(config, parent)
        self._require_test = require_test
        self._initial_folder = config.contacts_folder
        self._folders: tuple[Folder, ...] = ()
        self._fields_for = ""  # folder id whose fields the combos show
        self._pending_folder = ""
        self._fields_error = ""
        self.rows = field_rows()

        layout = QVBoxLayout(self)
        layout.addWidget(_intro_label(self.tr(
            "Choose the folder that holds your contacts and tell RingoHunt which fields hold "
            "the phone number, the name and the rest."), self))
        form = _form()
        self.folder_combo = QComboBox(self)
        self.folder_combo.setObjectName("folderCombo")
        form.addRow(self.tr("Contacts folder"), self._with_note(self.folder_combo,
                                                                "contacts_folder"))
        self.field_combos: dict[str, QComboBox] = {}
        for row in self.rows:
            combo = QComboBox(self)
            combo.setObjectName(f"{row.key}Combo")
            self.field_combos[row.key] = combo
            label = f"{row.label} *" if row.required else row.label
            form.addRow(label, self._with_note(combo, row.key))
            combo.currentIndexChanged.connect(self._refresh)
        layout.addLayout(form)
        self.status_label = _status_label("folderStatus", self)
        layout.addWidget(self.status_label)

        self.folder_combo.currentIndexChanged.connect(self._on_folder_changed)
        self._fill_folder_combo()
        self._fill_field_combos(None)
        self._refresh()

    def title(self) -> str:
        return self.tr("Contacts folder")

    # -- folders

    def set_folders(self, folders: Sequence[Folder]) -> None:
        self._folders = tuple(folders)
        self._fill_folder_combo()
        self._on_folder_changed()

    def _fill_folder_combo(self) -> None:
        self.folder_combo.blockSignals(True)
        self.folder_combo.clear()
        if not self._folders:
            # Not loaded yet: show the current setting so the dialog is usable offline.
            if self._initial_folder:
                self.folder_combo.addItem(self._initial_folder, None)
        else:
            for folder in self._folders:
                self.folder_combo.addItem(folder.name or folder.folder_id, folder)
            self.folder_combo.setCurrentIndex(self._preferred_folder_index())
        self.folder_combo.blockSignals(False)

    def _preferred_folder_index(self) -> int:
        wanted = self._initial_folder.strip()
        names = [f.name.casefold() for f in self._folders]
        for index, folder in enumerate(self._folders):
            if folder.folder_id == wanted:
                return index
        for candidate in (wanted, "Contacts", "Контакти"):
            if candidate.casefold() in names:
                return names.index(candidate.casefold())
        return 0

    def selected_folder(self) -> Folder | None:
        folder = self.folder_combo.currentData()
        return folder if isinstance(folder, Folder) else None

    def _on_folder_changed(self) -> None:
        folder = self.selected_folder()
        if folder is not None and folder.folder_id != self._fields_for:
            self._pending_folder = folder.folder_id
            self._fields_error = ""
            self._refresh()
            self.fields_requested.emit(folder.folder_id)
        else:
            self._refresh()

    # -- fields

    def show_fields(self, result: FolderFieldsCheck) -> None:
        if result.folder_id != self._pending_folder:
            return  # the agent picked another folder meanwhile
        self._pending_folder = ""
        if not result.ok:
            self._fields_error = result.error
            self._fields_for = ""
            self._fill_field_combos(None)
        else:
            self._fields_error = ""
            self._fields_for = result.folder_id
            self._fill_field_combos(result.fields)
        self._refresh()

    def _fill_field_combos(self, names: Sequence[str] | None) -> None:
        for row in self.rows:
            combo = self.field_combos[row.key]
            current = str(getattr(self.config, row.key, ""))
            previous = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(self.tr("(not used)"), "")
            if names is None:
                if current:
                    combo.addItem(current, current)
                    combo.setCurrentIndex(1)
            else:
                for name in names:
                    combo.addItem(name, name)
                pick = _pick_field(names, [previous, current, *row.likely_names])
                combo.setCurrentIndex(names.index(pick) + 1 if pick else 0)
            combo.blockSignals(False)

    @property
    def busy(self) -> bool:
        return bool(self._pending_folder)

    def problem(self) -> str:
        if self.folder_combo.count() == 0 or (self._require_test and not self._folders):
            return self.tr("Test the NetHunt connection first.")
        if self._pending_folder:
            return self.tr("Loading the folder's fields…")
        if self._fields_error:
            return self._fields_error
        for row in self.rows:
            if row.required and not self.field_combos[row.key].currentData():
                return self.tr("Choose the field that holds the {what}.").format(
                    what=row.label.lower())
        phone = self.field_combos["field_phone"].currentData()
        if phone and phone == self.field_combos["field_name"].currentData():
            return self.tr("Phone and name cannot be the same field.")
        return ""

    def _refresh(self) -> None:
        problem = self.problem()
        if problem:
            style = _ERROR_STYLE if self._fields_error or self._fields_for else _HINT_STYLE
            _show_status(self.status_label, problem, style)
        else:
            _show_status(self.status_label, "", _HINT_STYLE)
        self.changed.emit()

    def values(self) -> dict[str, Any]:
        folder = self.selected_folder()
        wanted = self._initial_folder.strip()
        unchanged = folder is None or wanted in (folder.folder_id, "") or (
            folder.name.casefold() == wanted.casefold())
        values: dict[str, Any] = {
            "contacts_folder": self._initial_folder if unchanged or folder is None
            else folder.folder_id}
        for row in self.rows:
            values[row.key] = self.field_combos[row.key].currentData() or ""
        return values


def _pick_field(names: Sequence[str], candidates: Iterable[object]) -> str:
    """The first candidate present among ``names`` (case-insensitive), or ``""``."""
    folded = {name.casefold(): name for name in names}
    for candidate in candidates:
        if isinstance(candidate, str) and candidate and candidate.casefold() in folded:
            return folded[candidate.casefold()]
    return ""


# ------------------------------------------------------------------------- behaviour

class BehaviourSection(_Section):
    """When the call panel pops, when it closes, language, start at login."""

    def __init__(self, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(config, parent)
        layout = QVBoxLayout(self)
        form = _form()
        self.pop_combo = QComboBox(self)
        self.pop_combo.setObjectName("popModeCombo")
        for text, value in ((self.tr("When the phone rings"), "ring"),
                            (self.tr("When I answer"), "answer"),
                            (self.tr("Never (tray notifications only)"), "off")):
            self.pop_combo.addItem(text, value)
        self.pop_combo.setCurrentIndex(max(0, self.pop_combo.findData(config.pop_mode)))
        form.addRow(self.tr("Show the call panel"), self._with_note(self.pop_combo, "pop_mode"))

        self.autoclose_spin = QSpinBox(self)
        self.autoclose_spin.setObjectName("autocloseSpin")
        self.autoclose_spin.setRange(0, 3600)
        self.autoclose_spin.setSuffix(self.tr(" s"))
        self.autoclose_spin.setSpecialValueText(self.tr("Keep open"))
        self.autoclose_spin.setValue(round(config.pop_autoclose))
        self.autoclose_spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.autoclose_spin.setMinimumWidth(self.autoclose_spin.fontMetrics().horizontalAdvance(
            self.autoclose_spin.specialValueText()) + 48)
        form.addRow(self.tr("Close the panel after the call"),
                    self._with_note(self.autoclose_spin, "pop_autoclose"))
        self.unassigned_check = QCheckBox(
            self.tr("Also of missed calls nobody was assigned to"), self)
        self.unassigned_check.setObjectName("notifyUnassignedCheck")
        self.unassigned_check.setToolTip(self.tr(
            "They stay in the journal and in the missed-call list either way."))
        self.unassigned_check.setChecked(config.notify_unassigned_missed)
        form.addRow(self.tr("Missed-call notices"),
                    self._with_note(self.unassigned_check, "notify_unassigned_missed"))

        self.language_combo = QComboBox(self)
        self.language_combo.setObjectName("languageCombo")
        for text, value in ((self.tr("System language"), "system"),
                            ("Українська", "uk"), ("English", "en")):
            self.language_combo.addItem(text, value)
        self.language_combo.setCurrentIndex(
            max(0, self.language_combo.findData(config.language)))
        language_box = QWidget(self)
        language_column = QVBoxLayout(language_box)
        language_column.setContentsMargins(0, 0, 0, 0)
        language_column.setSpacing(2)
        language_column.addWidget(self._with_note(self.language_combo, "language"))
        self.language_note = _note_label(self.tr("A new language shows after RingoHunt "
                                                 "restarts."), language_box)
        self.language_note.setVisible(False)
        language_column.addWidget(self.language_note)
        form.addRow(self.tr("Language"), language_box)

        self.autostart_check = QCheckBox(
            self.tr("Start RingoHunt when I sign in to the computer"), self)
        self.autostart_check.setObjectName("autostartCheck")
        self.autostart_check.setChecked(config.autostart)
        form.addRow("", self._with_note(self.autostart_check, "autostart"))
        self.calm_check = QCheckBox(self.tr("No balloons, sound or animation"), self)
        self.calm_check.setObjectName("calmModeCheck")
        self.calm_check.setChecked(config.calm_mode)
        form.addRow(self.tr("Calm mode"), self._with_note(self.calm_check, "calm_mode"))
        # One rule for every time on screen (panel, journal, tray), said where it is looked for.
        self.time_zone_note = _note_label(
            self.tr("Call times are shown in this computer's time zone ({zone}), in the "
                    "panel and in the journal alike.").format(zone=local_zone_name()), self)
        self.time_zone_note.setObjectName("timeZoneNote")
        form.addRow(self.tr("Times"), self.time_zone_note)
        layout.addLayout(form)
        layout.addStretch(1)
        self.language_combo.currentIndexChanged.connect(self._on_language_changed)

    def title(self) -> str:
        return self.tr("Behaviour")

    def _on_language_changed(self) -> None:
        self.language_note.setVisible(self.language_combo.currentData() != self.config.language)
        self.changed.emit()

    def values(self) -> dict[str, Any]:
        return {
            "pop_mode": self.pop_combo.currentData(),
            "pop_autoclose": float(self.autoclose_spin.value()),
            "notify_unassigned_missed": self.unassigned_check.isChecked(),
            "language": self.language_combo.currentData(),
            "autostart": self.autostart_check.isChecked(),
            "calm_mode": self.calm_check.isChecked(),
        }


# ------------------------------------------------------------------------- shortcuts

_MODIFIER_KEYS = {Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Shift, Qt.Key.Key_Meta,
                  Qt.Key.Key_AltGr, Qt.Key.Key_Super_L, Qt.Key.Key_Super_R}


class ShortcutEdit(QLineEdit):
    """Type "Ctrl+Alt+O", or press the combination: a key pressed with two or more of
    Ctrl, Alt, Shift and Meta is written in (plain typing, Tab and editing keys work as in
    any text field).

    Signals:
        recording_changed (bool): the field has (or lost) the keyboard focus: the app lets
            go of its own system-wide shortcuts meanwhile, so pressing one records it.
    """

    recording_changed = Signal(bool)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.recording_changed.emit(True)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.recording_changed.emit(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        modifiers = event.modifiers() & (Qt.KeyboardModifier.ControlModifier
                                         | Qt.KeyboardModifier.AltModifier
                                         | Qt.KeyboardModifier.ShiftModifier
                                         | Qt.KeyboardModifier.MetaModifier)
        held = bin(modifiers.value).count("1")
        key = Qt.Key(event.key())
        if held >= 2 and key not in _MODIFIER_KEYS and key is not Qt.Key.Key_unknown:
            text = QKeySequence(event.keyCombination()).toString(
                QKeySequence.SequenceFormat.PortableText)
            self.setText(text)
            event.accept()
            return
        super().keyPressEvent(event)


class ShortcutsSection(_Section):
    """The system-wide shortcuts: on/off, one combination per action, and what the system
    says about each (taken by another program, not available in this session).

    Signals:
        check_requested (str action, str text): ask whether ``text`` works for ``action``;
            answer with :meth:`show_status`.
        recording_changed (bool): a shortcut field got or lost the keyboard focus.
    """

    check_requested = Signal(str, str)
    recording_changed = Signal(bool)  # a shortcut field has the focus (see ShortcutEdit)

    def __init__(self, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(config, parent)
        layout = QVBoxLayout(self)
        self.enabled_check = QCheckBox(self.tr("Use system-wide keyboard shortcuts"), self)
        self.enabled_check.setObjectName("hotkeysEnabledCheck")
        self.enabled_check.setChecked(config.hotkeys_enabled)
        layout.addWidget(self._with_note(self.enabled_check, "hotkeys_enabled"))
        layout.addWidget(_intro_label(self.tr(
            "They work while another program is in front: open the caller's card while you "
            "type elsewhere."), self))
        self.session_label = _status_label("hotkeysSessionLabel", self)
        self.session_label.setVisible(False)
        layout.addWidget(self.session_label)
        form = _form()
        # The action's name above its field: long names (Ukrainian) never squeeze the field.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.edits: dict[HotkeyAction, ShortcutEdit] = {}
        self.status_labels: dict[HotkeyAction, QLabel] = {}
        for action in HotkeyAction:
            edit = ShortcutEdit(self)
            edit.setObjectName(f"hotkeyEdit_{action.value}")
            edit.setMaxLength(MAX_TEXT_CHARS + 16)  # room to show the too-long message
            edit.setPlaceholderText(self.tr("none (for example Ctrl+Alt+O)"))
            edit.setText(getattr(config, setting_key(action)))
            edit.setAccessibleName(action_name(action))
            status = plain_label(object_name=f"hotkeyStatus_{action.value}", parent=self)
            status.setWordWrap(True)
            theme.set_tone(status, _HINT_STYLE)
            box = QWidget(self)
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(self._with_note(edit, setting_key(action)))
            column.addWidget(status)
            form.addRow(action_name(action), box)
            self.edits[action] = edit
            self.status_labels[action] = status
            edit.textChanged.connect(lambda _text, which=action: self._on_edited(which))
            edit.recording_changed.connect(self.recording_changed)
        layout.addLayout(form)
        layout.addWidget(_note_label(self.tr(
            "Open the caller and Create contact act on the call panel on screen; Call back "
            "rings the client who has waited longest in the missed calls."), self))
        layout.addStretch(1)
        self.enabled_check.toggled.connect(self._on_toggled)
        self._refresh_enabled()

    def title(self) -> str:
        return self.tr("Shortcuts")

    def _combos(self) -> dict[HotkeyAction, str | HotkeyError]:
        found: dict[HotkeyAction, str | HotkeyError] = {}
        for action, edit in self.edits.items():
            text = edit.text().strip()
            if not text:
                found[action] = ""
                continue
            try:
                found[action] = parse_hotkey(text).text
            except HotkeyError as exc:
                found[action] = exc
        return found

    def problem(self) -> str:
        seen: dict[str, HotkeyAction] = {}
        for action, combo in self._combos().items():
            if isinstance(combo, HotkeyError):
                return f"{action_name(action)}: {describe_key_problem(combo)}"
            if combo and combo in seen:
                return self.tr("{key} is set for two actions: {first} and {second}.").format(
                    key=combo, first=action_name(seen[combo]), second=action_name(action))
            if combo:
                seen[combo] = action
        return ""

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {"hotkeys_enabled": self.enabled_check.isChecked()}
        for action, combo in self._combos().items():
            if not isinstance(combo, HotkeyError):
                values[setting_key(action)] = combo
        return values

    def show_session_problem(self, text: str) -> None:
        """Why system-wide shortcuts cannot work in this desktop session ("" = they can)."""
        _show_status(self.session_label, text, _ERROR_STYLE)
        self.session_label.setVisible(bool(text))

    def show_status(self, action: str, text: str, is_problem: bool) -> None:
        try:
            label = self.status_labels[HotkeyAction(action)]
        except ValueError:
            return
        _show_status(label, text, _ERROR_STYLE if is_problem else _OK_STYLE)

    def request_checks(self) -> None:
        for action in self.edits:
            self._on_edited(action)

    def _on_toggled(self) -> None:
        self._refresh_enabled()
        if self.enabled_check.isChecked():
            self.request_checks()
        self.changed.emit()

    def _refresh_enabled(self) -> None:
        on = self.enabled_check.isChecked()
        for action, edit in self.edits.items():
            if not self.is_locked(setting_key(action)):
                edit.setEnabled(on)
            if not on:
                _show_status(self.status_labels[action], "", _HINT_STYLE)

    def _on_edited(self, action: HotkeyAction) -> None:
        combo = self._combos()[action]
        label = self.status_labels[action]
        if isinstance(combo, HotkeyError):
            _show_status(label, describe_key_problem(combo), _ERROR_STYLE)
        elif not combo or not self.enabled_check.isChecked():
            _show_status(label, "", _HINT_STYLE)
        else:
            self.check_requested.emit(action.value, combo)
        self.changed.emit()


# ----------------------------------------------------------------- shared wiring

class _SetupForm:
    """The six sections and their wiring; the wizard and the dialog arrange them."""

    def __init__(self, config: Config, *, require_tests: bool, parent: QWidget) -> None:
        self.ringostat = RingostatSection(config, require_test=require_tests, parent=parent)
        self.agent = AgentSection(config, parent=parent)
        self.calls = CallSourceSection(config, require_test=require_tests,
                                       agent=self._agent, parent=parent)
        self.nethunt = NetHuntSection(config, require_test=require_tests, parent=parent)
        self.folder = FolderSection(config, require_test=require_tests, parent=parent)
        self.behaviour = BehaviourSection(config, parent=parent)
        self.shortcuts: ShortcutsSection | None = None  # the settings dialog adds it
        self.ringostat.staff_loaded.connect(self.agent.set_staff)
        self.agent.changed.connect(self.calls.agent_changed)
        self.nethunt.folders_loaded.connect(self.folder.set_folders)

    def _agent(self) -> tuple[str, StaffMember | None]:
        return self.ringostat.project_edit.text().strip(), self.agent.member

    @property
    def sections(self) -> tuple[_Section, ...]:
        extra = (self.shortcuts,) if self.shortcuts is not None else ()
        return (self.ringostat, self.agent, self.calls, self.nethunt, self.folder,
                self.behaviour, *extra)

    def setup_values(self) -> SetupValues:
        settings: dict[str, Any] = {}
        secrets: dict[str, str] = {}
        for section in self.sections:
            settings.update(section.values())
            secrets.update(section.secrets())
        return SetupValues(settings, secrets)

    def first_problem(self) -> tuple[_Section, str] | None:
        for section in self.sections:
            problem = section.problem()
            if problem:
                return section, problem
        return None


def _banner(parent: QWidget) -> QLabel:
    banner = plain_label(object_name="saveErrorBanner", parent=parent)
    banner.setWordWrap(True)
    theme.set_tone(banner, _BANNER_ERROR_STYLE)
    banner.setVisible(False)
    return banner


if TYPE_CHECKING:
    _WindowBase = QDialog  # what _SetupWindow mixes into: QWizard or QDialog
else:
    _WindowBase = object


class _SetupWindow(_WindowBase):
    """What the wizard and the dialog share: their requests to the controller, its answers
    and the save request. The window builds ``form`` and ``banner``, then calls ``_wire``.

    Signals:
        test_ringostat_requested (str auth_key, str project_id): ``auth_key`` is ``""`` to
            use the stored key; answer with :meth:`show_ringostat_result`.
        agent_check_requested (str identity): answer with :meth:`show_agent_result`.
        test_nethunt_requested (str email, str api_key): ``api_key`` ``""`` = the stored
            key; answer with :meth:`show_nethunt_result`.
        test_broker_requested (str servers, str user, str password, str project,
            int staff_id): ``password`` ``""`` = the stored one; answer with
            :meth:`show_broker_result`.
        folder_fields_requested (str email, str api_key, str folder_id): answer with
            :meth:`show_folder_fields`.
        save_requested (SetupValues): answer with ``finish_saved`` or
            :meth:`show_save_error`.
    """

    test_ringostat_requested = Signal(str, str)
    agent_check_requested = Signal(str)
    test_nethunt_requested = Signal(str, str)
    test_broker_requested = Signal(str, str, str, str, int)
    folder_fields_requested = Signal(str, str, str)
    save_requested = Signal(SetupValues)

    form: _SetupForm
    banner: QLabel

    def _wire(self) -> None:
        form = self.form
        form.ringostat.test_requested.connect(self.test_ringostat_requested)
        form.agent.check_requested.connect(self.agent_check_requested)
        form.nethunt.test_requested.connect(self.test_nethunt_requested)
        form.calls.test_requested.connect(self.test_broker_requested)
        form.folder.fields_requested.connect(
            lambda folder_id: self.folder_fields_requested.emit(
                form.nethunt.email_edit.text().strip(), form.nethunt.key_field.request_value(),
                folder_id))

    # -- what the controller calls

    def show_ringostat_result(self, result: RingostatCheck) -> None:
        self.form.ringostat.show_result(result)

    def show_agent_result(self, result: AgentCheck) -> None:
        self.form.agent.show_agent_result(result)

    def show_nethunt_result(self, result: NetHuntCheck) -> None:
        self.form.nethunt.show_result(result)

    def show_broker_result(self, result: BrokerCheck) -> None:
        self.form.calls.show_result(result)

    def show_folder_fields(self, result: FolderFieldsCheck) -> None:
        self.form.folder.show_fields(result)

    def show_save_error(self, message: str) -> None:
        """Saving failed (no keychain…): say so in the banner; nothing was closed."""
        self.banner.setText(message)
        self.banner.setAccessibleName(message)
        self.banner.setVisible(True)

    # -- what the agent does

    def setup_values(self) -> SetupValues:
        return self.form.setup_values()

    def is_valid(self) -> bool:
        return self.form.first_problem() is None

    def _request_save(self) -> None:
        """Emit ``save_requested``; nothing is saved unless every section is valid."""
        if not self.is_valid():
            return
        self.banner.setVisible(False)
        self.save_requested.emit(self.setup_values())


# ---------------------------------------------------------------------- the wizard

class _SectionPage(QWizardPage):
    def __init__(self, section: _Section, subtitle: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.setTitle(section.title())
        self.setSubTitle(subtitle)
        self.setAccessibleName(section.title())
        self.setAccessibleDescription(subtitle)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addWidget(section)
        section.changed.connect(self.completeChanged)

    def isComplete(self) -> bool:
        return not self.section.problem()


class FirstRunWizard(_SetupWindow, QWizard):
    """Six pages; Next/Finish stay disabled until the page is valid; Finish emits
    ``save_requested`` and the wizard stays open until the controller answers.

    Signals: those of :class:`_SetupWindow`; answer ``save_requested`` with
    :meth:`finish_saved` or :meth:`show_save_error`.
    """

    def __init__(self, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunWizard")
        self.setWindowTitle(self.tr("Set up RingoHunt"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setMinimumSize(theme.px(620), theme.px(520))
        self.form = _SetupForm(config, require_tests=True, parent=self)
        self.banner = _banner(self)
        subtitles = (
            self.tr("Step 1 of 6: connect to Ringostat, your telephony."),
            self.tr("Step 2 of 6: who are you in Ringostat?"),
            self.tr("Step 3 of 6: how your calls reach RingoHunt."),
            self.tr("Step 4 of 6: connect to NetHunt, your CRM."),
            self.tr("Step 5 of 6: where your contacts are."),
            self.tr("Step 6 of 6: how RingoHunt behaves."),
        )
        self.section_pages: list[_SectionPage] = []
        for section, subtitle in zip(self.form.sections, subtitles, strict=True):
            page = _SectionPage(section, subtitle, self)
            self.section_pages.append(page)
            self.addPage(page)
        self.section_pages[-1].layout_.addWidget(self.banner)
        # Said on the first page, before anything is typed (SetupWindows.open_wizard).
        self.keychain_banner = _banner(self)
        self.keychain_banner.setObjectName("keychainBanner")
        self.keychain_retry_button = QPushButton(self.tr("Check again"), self)
        self.keychain_retry_button.setVisible(False)
        first_page = self.section_pages[0].layout_
        first_page.insertWidget(0, self.keychain_banner)
        first_page.insertWidget(1, self.keychain_retry_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Finish"))
        self.setAccessibleDescription(self.tr(
            "Six steps; Enter goes to the next one once the step is complete, Escape closes"))
        # Screen readers follow the focus into the new page; the step is said with it.
        self.currentIdChanged.connect(self._announce_step)
        self._wire()

    def _announce_step(self, page_id: int) -> None:
        page = self.page(page_id)
        if isinstance(page, _SectionPage):
            announce(page, f"{page.title()}. {page.subTitle()}")

    # -- what the controller calls (the rest in _SetupWindow)

    def finish_saved(self) -> None:
        super().accept()

    def show_keychain_problem(self, text: str) -> None:
        """``text``: why keys typed here cannot be kept and what to do; "" hides it."""
        self.keychain_banner.setText(text)
        self.keychain_banner.setVisible(bool(text))
        self.keychain_retry_button.setVisible(bool(text))

    # -- what the agent does

    def accept(self) -> None:
        # Finish lands here; nothing is saved unless every page is valid.
        self._request_save()


# ----------------------------------------------------------------- the dialog

class SettingsDialog(_SetupWindow, QDialog):
    """The same sections in tabs, prefilled from the current settings.

    Signals: those of :class:`_SetupWindow` (answer ``save_requested`` with
    :meth:`finish_saved` or :meth:`show_save_error`), and
        saved (dict): the settings that changed, after they were saved (secrets as names
            mapped to ``"stored"``, never values).
    """

    saved = Signal(dict)
    hotkey_check_requested = Signal(str, str)  # action, text: answer show_hotkey_status
    hotkey_recording = Signal(bool)  # a shortcut field has the focus: let ours go meanwhile

    def __init__(self, config: Config, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("RingoHunt settings"))
        self.setMinimumSize(theme.px(600), theme.px(540))
        self.form = _SetupForm(config, require_tests=False, parent=self)
        shortcuts = ShortcutsSection(config, parent=self)
        self.form.shortcuts = shortcuts
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("settingsTabs")
        tabs: tuple[tuple[tuple[_Section, ...], str], ...] = (
            ((self.form.ringostat, self.form.agent), self.tr("Ringostat")),
            ((self.form.calls,), self.tr("Calls")),
            ((self.form.nethunt,), self.tr("NetHunt")),
            ((self.form.folder,), self.tr("Contacts folder")),
            ((self.form.behaviour,), self.tr("Behaviour")),
            ((shortcuts,), self.tr("Shortcuts")),
        )
        for tab_sections, title in tabs:
            tab = QWidget(self.tabs)
            column = QVBoxLayout(tab)
            for tab_section in tab_sections:
                if len(tab_sections) == 1:
                    column.addWidget(tab_section)
                    continue
                box = QGroupBox(tab_section.title(), tab)
                QVBoxLayout(box).addWidget(tab_section)
                column.addWidget(box)
            column.addStretch(1)
            self.tabs.addTab(tab, title)
        layout.addWidget(self.tabs, 1)
        self.banner = _banner(self)
        layout.addWidget(self.banner)
        self.problem_label = _status_label("settingsProblem", self)
        layout.addWidget(self.problem_label)
        self.buttons = QDialogButtonBox(self)
        self.save_button = self.buttons.addButton(self.tr("Save"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button.clicked.connect(self.accept)
        self.cancel_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self._wire()
        shortcuts.check_requested.connect(self.hotkey_check_requested)
        shortcuts.recording_changed.connect(self.hotkey_recording)
        for section in self.form.sections:
            section.changed.connect(self._refresh)
        self._refresh()

    def show_hotkey_status(self, action: str, text: str, is_problem: bool) -> None:
        """What the system says about one shortcut (e.g. taken by another program)."""
        if self.form.shortcuts is not None:
            self.form.shortcuts.show_status(action, text, is_problem)

    def show_hotkey_session(self, text: str) -> None:
        """Why system-wide shortcuts cannot work in this session ("" = they can)."""
        if self.form.shortcuts is not None:
            self.form.shortcuts.show_session_problem(text)

    def start_tests(self) -> None:
        """Test the stored credentials at once, so the staff and folder lists fill in."""
        self.form.ringostat.request_test()  # each does nothing while its inputs are wrong
        self.form.nethunt.request_test()

    def _refresh(self) -> None:
        found = self.form.first_problem()
        self.save_button.setEnabled(found is None)
        if found is None:
            _show_status(self.problem_label, "", _HINT_STYLE)
        else:
            section, problem = found
            _show_status(self.problem_label, f"{section.title()}: {problem}", _HINT_STYLE)

    # -- what the controller calls (the rest in _SetupWindow)

    def finish_saved(self, changed: dict[str, Any]) -> None:
        self.saved.emit(changed)
        super().accept()

    # -- what the agent does

    def accept(self) -> None:
        self._request_save()
