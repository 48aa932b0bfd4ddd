"""The one build step pyproject.toml cannot declare: a wheel carries the translations.

``resources/i18n`` sits beside the package, so a plain wheel would leave the ``.ts`` behind
and an installed app would show English on a Ukrainian system. ``build_py`` copies each
``.ts`` (and its ``.qm`` when one was built from it) into ``ringohunt_desktop/i18n``; the app
compiles a ``.ts`` into the user's cache at first start when no ``.qm`` came with it
(``ringohunt_desktop/shell/i18n.py``). An editable install reads ``resources/i18n`` in place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

TRANSLATIONS = Path(__file__).resolve().parent / "resources" / "i18n"


class BuildPyWithTranslations(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "ringohunt_desktop" / "i18n"
        target.mkdir(parents=True, exist_ok=True)
        for source in sorted(TRANSLATIONS.glob("*.ts")):
            shutil.copy2(source, target / source.name)
            built = source.with_suffix(".qm")
            if built.is_file() and built.stat().st_mtime >= source.stat().st_mtime:
                shutil.copy2(built, target / built.name)


setup(cmdclass={"build_py": BuildPyWithTranslations})
