"""Load the UI translation: ``install_translator(app, "system" | "uk" | "en")``.

Source strings are English (``self.tr("…")``); Ukrainian comes from ``ringohunt_uk.qm``,
compiled by :mod:`ringohunt_desktop.i18n_build`. The ``.qm`` is looked up in the source tree
(``resources/i18n`` beside the package), then in the frozen bundle (``sys._MEIPASS``), then
beside the executable. Qt's own strings (standard buttons, context menus) come from
``qtbase_uk.qm`` when Qt ships it.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

SUPPORTED = ("uk", "en")
SOURCE_LANGUAGE = "en"
QM_PREFIX = "ringohunt_"
I18N_SUBDIR = Path("resources") / "i18n"

# QTranslator objects must outlive their installation; parenting them to the app keeps the
# C++ side alive, this list lets a language switch remove the previous ones.
_installed: list[QTranslator] = []


def translation_dirs() -> list[Path]:
    """Where our ``.qm`` files may be, most specific first."""
    dirs = [Path(__file__).resolve().parents[2] / I18N_SUBDIR]  # the project (or bundle) root
    meipass = getattr(sys, "_MEIPASS", None)
    if meipass:
        dirs.append(Path(meipass) / I18N_SUBDIR)
    if getattr(sys, "frozen", False):
        dirs.append(Path(sys.executable).resolve().parent / I18N_SUBDIR)
    unique: list[Path] = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


def resolve_language(language: str, locale: QLocale | None = None) -> str:
    """``"system"`` becomes ``"uk"`` or ``"en"`` from the OS UI languages, in their order."""
    language = (language or "system").strip().lower()
    if language in SUPPORTED:
        return language
    locale = locale or QLocale.system()
    for tag in locale.uiLanguages():
        code = tag.replace("_", "-").split("-")[0].lower()
        if code in SUPPORTED:
            return code
    return SOURCE_LANGUAGE


def find_qm(language: str) -> Path | None:
    for directory in translation_dirs():
        candidate = directory / f"{QM_PREFIX}{language}.qm"
        if candidate.is_file():
            return candidate
    return None


def remove_translators(app: QCoreApplication) -> None:
    while _installed:
        app.removeTranslator(_installed.pop())


def install_translator(app: QCoreApplication, language: str) -> str:
    """Install translators for ``language`` and return the language actually in use.

    Returns ``"en"`` when Ukrainian was asked for but ``ringohunt_uk.qm`` is missing (a
    source checkout where ``i18n_build`` has not run): the English source strings show.
    """
    remove_translators(app)
    wanted = resolve_language(language)
    if wanted == SOURCE_LANGUAGE:
        return SOURCE_LANGUAGE
    qm = find_qm(wanted)
    if qm is None:
        log.info("No %s translation found in %s; using English", wanted,
                 ", ".join(map(str, translation_dirs())))
        return SOURCE_LANGUAGE
    ours = QTranslator(app)
    if not ours.load(str(qm)):
        log.error("Cannot load translation %s; using English", qm)
        return SOURCE_LANGUAGE
    app.installTranslator(ours)
    _installed.append(ours)
    # Qt's strings: optional (a pruned frozen build may not carry them), so only DEBUG.
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for base in ("qtbase",):
        qt_translator = QTranslator(app)
        if qt_translator.load(f"{base}_{wanted}", qt_dir):
            app.installTranslator(qt_translator)
            _installed.append(qt_translator)
        else:
            log.debug("Qt translation %s_%s not found in %s", base, wanted, qt_dir)
    return wanted
