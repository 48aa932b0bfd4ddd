"""The Ukrainian UI shows no English: every tr() string in the code has a translation, and
the windows an agent sees, built under the Ukrainian translator, show none of the English
source strings."""

from __future__ import annotations

import ast
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractListModel, QCoreApplication, QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from ringohunt_desktop import i18n_build
from ringohunt_desktop.clients.errors import AuthError, Reason, TransientError
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
from ringohunt_desktop.shell import i18n
from ringohunt_desktop.store.calls import CallStore
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database
from ringohunt_desktop.ui.contact_book import ContactBookWindow
from ringohunt_desktop.ui.create_contact_dialog import CreateContactDialog
from ringohunt_desktop.ui.insider_panel import InsiderPanel
from ringohunt_desktop.ui.journal import JournalWindow
from ringohunt_desktop.ui.tray import TrayController, TrayState

pytestmark = pytest.mark.gui

PROJECT_TS = i18n_build.I18N_DIR / "ringohunt_uk.ts"
# Strings that read the same in Ukrainian (brand names, abbreviations).
SAME_IN_BOTH = re.compile(r"^(CRM|UTM|NetHunt|Ringostat|RingoHunt.*|SIP|E-mail|ID|OK)$")


@pytest.fixture(scope="module")
def extracted_ts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's .ts refreshed from the current code (what --update would write)."""
    directory = tmp_path_factory.mktemp("i18n")
    shutil.copy(PROJECT_TS, directory / PROJECT_TS.name)
    (ts_file,) = i18n_build.update_ts(directory)
    return ts_file


def messages(ts_file: Path) -> Iterator[tuple[str, str, ET.Element]]:
    for context in ET.parse(ts_file).getroot().iter("context"):  # noqa: S314 - our own file
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            yield name, message.findtext("source", ""), translation


def test_every_string_in_the_code_has_a_ukrainian_translation(extracted_ts: Path) -> None:
    missing = [f"{context}: {source!r}" for context, source, translation in messages(extracted_ts)
               if translation.get("type") == "unfinished"]
    assert not missing, ("run `python -m ringohunt_desktop.i18n_build --update` and translate:\n"
                         + "\n".join(missing))


def test_every_translate_call_names_its_context_literally() -> None:
    """lupdate skips ``translate(CONTEXT, "…")`` with a variable context: such strings never
    reach the .ts and show in English whatever the language (the tray's states once did)."""
    skipped = []
    for path in i18n_build.source_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            qt_call = (isinstance(func, ast.Attribute) and func.attr == "translate"
                       and isinstance(func.value, ast.Name)
                       and func.value.id in ("QCoreApplication", "QApplication"))
            alias = isinstance(func, ast.Name) and func.id == "translate"
            if not (qt_call or alias):
                continue  # QPainter.translate, str.translate…
            literal = [a for a in node.args[:2]
                       if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if len(literal) < 2:
                skipped.append(f"{path.name}:{node.lineno}")
    assert skipped == []


def _pattern(source: str) -> re.Pattern[str]:
    """A source string with its {placeholders} / %n as wildcards."""
    parts = re.split(r"\{[^}]*\}|%n|%\d", source)
    return re.compile("^" + ".+".join(re.escape(p) for p in parts) + "$", re.DOTALL)


@pytest.fixture
def ukrainian(qapp: QCoreApplication, extracted_ts: Path, tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[list[re.Pattern[str]]]:
    qm_dir = tmp_path / "qm"
    qm_dir.mkdir()
    shutil.copy(PROJECT_TS, qm_dir / PROJECT_TS.name)
    i18n_build.build_all(qm_dir)
    monkeypatch.setattr(i18n, "translation_dirs", lambda: [qm_dir])
    assert i18n.install_translator(qapp, "uk") == "uk"
    english = [_pattern(source) for _context, source, translation in messages(extracted_ts)
               if translation.text and translation.text != source
               and not SAME_IN_BOTH.match(source) and len(source) > 2]
    try:
        yield english
    finally:
        i18n.remove_translators(qapp)


def visible_texts(root: QWidget) -> Iterator[str]:
    for widget in [root, *root.findChildren(QWidget)]:
        yield widget.windowTitle()
        yield widget.toolTip()
        yield widget.accessibleName()
        if isinstance(widget, (QLabel, QAbstractButton)):
            yield widget.text()
        if isinstance(widget, QLineEdit):
            yield widget.placeholderText()
        if isinstance(widget, QGroupBox):
            yield widget.title()
        if isinstance(widget, QComboBox):
            yield from (widget.itemText(i) for i in range(widget.count()))
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            # A list model keeps columnCount private in PySide; it has one column.
            columns = (1 if isinstance(model, QAbstractListModel)
                       else model.columnCount(QModelIndex()))
            for column in range(columns):
                header = model.headerData(column, Qt.Orientation.Horizontal)
                yield str(header or "")
        for action in widget.actions():
            yield action.text()


def english_on_screen(root: QWidget, english: list[re.Pattern[str]]) -> list[str]:
    shown = {text for text in visible_texts(root) if text and re.search("[A-Za-z]{3}", text)}
    return sorted(text for text in shown if any(p.match(text) for p in english))


CALL = CallRecord(call_id="c1", started_at=datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
                  caller="380671234567", destination="380441110000",
                  direction=Direction.INCOMING, disposition="CALLING", utm_source="google")
CONTACT = Contact(record_id="a" * 24, folder_id="f" * 24, name="Олена Коваль",
                  phones=("+380671234567",), company="Квіти", manager="Петренко Олена",
                  link="https://nethunt.com/web/#nethunt/x")


def test_windows_show_no_english_in_the_ukrainian_ui(
        ukrainian: list[re.Pattern[str]], qtbot: object) -> None:
    shown: dict[str, list[str]] = {}
    database = Database.in_memory()
    ContactStore(database).upsert([CONTACT])
    results = [
        LookupResult(LookupState.LOOKING, "+380671234567"),
        LookupResult(LookupState.FOUND, "+380671234567", (CONTACT,)),
        LookupResult(LookupState.AMBIGUOUS, "+380671234567", (CONTACT, CONTACT)),
        LookupResult(LookupState.UNKNOWN, "+380671234567"),
        LookupResult(LookupState.FAILED, "+380671234567", error="x"),
        LookupResult(LookupState.FAILED, "+380671234567",
                     error="NetHunt: the service did not answer in time",
                     failure=TransientError("NetHunt", "the service did not answer in time",
                                            reason=Reason.TIMEOUT)),
    ]
    for result in results:
        panel = InsiderPanel(CALL, CallerNumber("+380671234567", "+380 67 123 4567"))
        panel.set_lookup(result)
        panel.update_call(CALL, CallPhase.MISSED)
        shown[f"panel {result.state}"] = english_on_screen(panel, ukrainian)
        panel.deleteLater()
    dialog = CreateContactDialog("+380671234567", "+380 67 123 4567", CALL)
    shown["create dialog"] = english_on_screen(dialog, ukrainian)
    tray = TrayController(use_system_tray=False)
    tray.set_state(TrayState.OFFLINE, "")
    tray.show()
    assert tray.fallback is not None
    shown["main window"] = english_on_screen(tray.fallback, ukrainian)
    refused = AuthError("Ringostat", "credentials refused (bad key)", reason=Reason.CREDENTIALS)
    tray.set_state(TrayState.BAD_CREDENTIALS, describe(refused))
    shown["tray tooltip"] = [line for line in tray.tooltip().splitlines()
                             if any(p.match(line) for p in ukrainian)
                             or "refused" in line or not re.search("[А-Яа-яІіЇїЄє]", line)]
    tray.menu.aboutToShow.emit()
    shown["tray menu"] = sorted(a.text() for a in tray.menu.actions()
                                if any(p.match(a.text()) for p in ukrainian))
    shown["contact book"] = english_on_screen(ContactBookWindow(ContactStore(database)),
                                              ukrainian)
    shown["journal"] = english_on_screen(JournalWindow(CallStore(database)), ukrainian)
    tray.dispose()
    assert {where: texts for where, texts in shown.items() if texts} == {}
