"""Load the UI translation: ``install_translator(app, "system" | "uk" | "en")``.

Source strings are English (``self.tr("…")``); Ukrainian comes from ``ringohunt_uk.qm``,
compiled by :mod:`ringohunt_desktop.i18n_build`. The ``.qm`` is looked up in the source tree
(``resources/i18n`` beside the package), in the installed package (``ringohunt_desktop/i18n``,
where a wheel carries the ``.ts``), then in the frozen bundle (``sys._MEIPASS``), then beside
the executable. Where only the ``.ts`` is found (a fresh checkout, ``pip install -e``, a
wheel), or the ``.qm`` beside it is older, it is compiled with the ``lrelease`` that PySide6
ships into the user's cache: the product is Ukrainian-first, so no way of running it may
silently fall back to English. Qt's own strings (standard buttons, context menus) come from
``qtbase_uk.qm`` when Qt ships it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
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
    package_dir = Path(__file__).resolve().parents[1]
    # the project (or bundle) root, then the installed package's own copy (a wheel)
    dirs = [package_dir.parent / I18N_SUBDIR, package_dir / "i18n"]
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


def find_qm(language: str, cache_dir: Path | None = None) -> Path | None:
    """The ``.qm`` for ``language``: a built one that is not older than its ``.ts``, else,
    with a ``cache_dir``, the ``.ts`` compiled into ``cache_dir/i18n``."""
    for directory in translation_dirs():
        built = directory / f"{QM_PREFIX}{language}.qm"
        source = built.with_suffix(".ts")
        if built.is_file() and not (source.is_file()
                                    and source.stat().st_mtime > built.stat().st_mtime):
            return built
        if source.is_file() and cache_dir is not None:
            compiled = compile_into_cache(source, cache_dir)
            if compiled is not None:
                return compiled
        if built.is_file():
            return built  # older than its .ts, but better than English
    return None


def compile_into_cache(ts_file: Path, cache_dir: Path) -> Path | None:
    """``ts_file`` compiled to ``cache_dir/i18n/<name>-<content hash>.qm``, once per content.

    The hash in the name means an edited ``.ts`` never reuses an old compilation, and two
    copies starting at once each write a private temporary file and rename it atomically.
    """
    digest = hashlib.sha256(ts_file.read_bytes()).hexdigest()[:16]
    target = cache_dir / "i18n" / f"{ts_file.stem}-{digest}.qm"
    if target.is_file():
        return target
    from ringohunt_desktop.i18n_build import ToolNotFoundError, compile_ts

    temporary = target.with_name(f"{target.stem}.{os.getpid()}.qm")
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        compile_ts(ts_file, temporary)
        os.replace(temporary, target)
    except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
        # ToolNotFoundError is a RuntimeError: a build without PySide6's lrelease.
        kind = "lrelease not found" if isinstance(exc, ToolNotFoundError) else str(exc)
        log.warning("Cannot compile the translation %s (%s); using English", ts_file, kind)
        temporary.unlink(missing_ok=True)
        return None
    log.info("Compiled the translation %s into %s", ts_file, target)
    return target


def remove_translators(app: QCoreApplication) -> None:
    while _installed:
        app.removeTranslator(_installed.pop())


def install_translator(app: QCoreApplication, language: str,
                      cache_dir: Path | None = None) -> str:
    """Install translators for ``language`` and return the language actually in use.

    With a ``cache_dir``, a missing or stale ``.qm`` is compiled there from its ``.ts``.
    Returns ``"en"`` only when Ukrainian was asked for and neither is usable.
    """
    remove_translators(app)
    wanted = resolve_language(language)
    if wanted == SOURCE_LANGUAGE:
        return SOURCE_LANGUAGE
    qm = find_qm(wanted, cache_dir)
    if qm is None:
        log.warning("No %s translation found in %s; using English", wanted,
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
