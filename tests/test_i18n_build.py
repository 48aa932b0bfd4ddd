"""Translations: .ts -> .qm with PySide6's lrelease, and a QTranslator that uses the result."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from ringohunt_desktop import i18n_build
from ringohunt_desktop.shell import i18n

TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="uk">
<context>
    <name>TrayController</name>
    <message>
        <source>Settings…</source>
        <translation>Налаштування…</translation>
    </message>
</context>
</TS>
"""


def test_lrelease_is_found() -> None:
    tool = i18n_build.find_tool("lrelease")
    assert Path(tool[0]).is_file()


def test_compiled_qm_translates_a_known_string(tmp_path: Path) -> None:
    ts = tmp_path / "ringohunt_uk.ts"
    ts.write_text(TS, encoding="utf-8")
    assert i18n_build.main(["--dir", str(tmp_path)]) == 0
    qm = tmp_path / "ringohunt_uk.qm"
    assert qm.is_file()
    translator = QTranslator()
    assert translator.load(str(qm))
    assert translator.translate("TrayController", "Settings…") == "Налаштування…"
    assert translator.translate("TrayController", "Unknown") == ""


def test_no_ts_files_is_a_noop(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert i18n_build.main(["--dir", str(tmp_path)]) == 0
    assert "nothing to compile" in capsys.readouterr().out
    assert not list(tmp_path.iterdir())


def test_update_extracts_tr_strings(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "w.py").write_text(
        "from PySide6.QtWidgets import QWidget\n\n\n"
        "class Panel(QWidget):\n    def f(self):\n        return self.tr('Missed calls')\n",
        encoding="utf-8")
    (ts_file,) = i18n_build.update_ts(tmp_path / "i18n", package_dir=package)
    text = ts_file.read_text(encoding="utf-8")
    assert "<name>Panel</name>" in text
    assert "<source>Missed calls</source>" in text
    assert 'language="uk"' in text


def test_a_string_moved_to_another_class_keeps_its_translation(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    widget = package / "w.py"

    def tr_in(class_name: str) -> str:
        return ("from PySide6.QtWidgets import QWidget\n\n\n"
                f"class {class_name}(QWidget):\n    def f(self):\n"
                "        return self.tr('Missed call')\n")

    widget.write_text(tr_in("Old"), encoding="utf-8")
    (ts_file,) = i18n_build.update_ts(tmp_path / "i18n", package_dir=package)
    ts_file.write_text(ts_file.read_text(encoding="utf-8").replace(
        '<translation type="unfinished"></translation>',
        "<translation>Пропущений дзвінок</translation>"), encoding="utf-8")
    widget.write_text(tr_in("New"), encoding="utf-8")  # the string moved to another class

    i18n_build.update_ts(tmp_path / "i18n", package_dir=package)
    text = ts_file.read_text(encoding="utf-8")
    assert "<name>New</name>" in text
    assert "<name>Old</name>" not in text
    assert "<translation>Пропущений дзвінок</translation>" in text
    assert "unfinished" not in text


def test_project_ts_compiles_and_has_no_unfinished_strings(tmp_path: Path) -> None:
    ts = i18n_build.I18N_DIR / "ringohunt_uk.ts"
    if not ts.exists():
        pytest.skip("no ringohunt_uk.ts yet")
    copy = tmp_path / ts.name
    shutil.copy(ts, copy)
    assert i18n_build.compile_ts(copy).is_file()
    assert 'type="unfinished"' not in ts.read_text(encoding="utf-8")


@pytest.mark.parametrize(("language", "ui_languages", "expected"), [
    ("uk", ["en-US"], "uk"),
    ("en", ["uk-UA"], "en"),
    ("system", ["uk-UA", "en-US"], "uk"),
    ("system", ["ru-UA", "uk"], "uk"),
    ("system", ["de-DE"], "en"),
])
def test_resolve_language(language: str, ui_languages: list[str], expected: str,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeLocale(QLocale):
        def uiLanguages(self, *_args: object) -> list[str]:
            return ui_languages

    assert i18n.resolve_language(language, FakeLocale()) == expected


@pytest.fixture
def qm_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "ringohunt_uk.ts").write_text(TS, encoding="utf-8")
    i18n_build.build_all(tmp_path)
    monkeypatch.setattr(i18n, "translation_dirs", lambda: [tmp_path])
    return tmp_path


@pytest.mark.gui
def test_install_translator_translates_tr_calls(qapp: QCoreApplication, qm_dir: Path) -> None:
    try:
        assert i18n.install_translator(qapp, "uk") == "uk"
        assert QCoreApplication.translate("TrayController", "Settings…") == "Налаштування…"
        assert i18n.install_translator(qapp, "en") == "en"
        assert QCoreApplication.translate("TrayController", "Settings…") == "Settings…"
    finally:
        i18n.remove_translators(qapp)


@pytest.mark.gui
@pytest.mark.usefixtures("expect_log_warnings")  # no Ukrainian at all is worth a warning
def test_missing_qm_falls_back_to_english(qapp: QCoreApplication, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "translation_dirs", lambda: [tmp_path])
    assert i18n.install_translator(qapp, "uk") == "en"
