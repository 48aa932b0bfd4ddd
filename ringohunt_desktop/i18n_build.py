"""Build Qt translations: ``python -m ringohunt_desktop.i18n_build [--update]``.

Default: compile every ``resources/i18n/*.ts`` to a ``.qm`` beside it with PySide6's
``lrelease`` (``.qm`` files are build outputs and gitignored). ``--update``: first run
``lupdate`` over ``ringohunt_desktop/**/*.py`` so the ``.ts`` sources gain new ``tr()``
strings (existing translations are kept; strings that vanished are marked obsolete).
Both tools ship inside the PySide6-Essentials wheel, so no Qt SDK is needed.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from xml.etree import ElementTree

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
I18N_DIR = PROJECT_DIR / "resources" / "i18n"
TS_PREFIX = "ringohunt_"
DEFAULT_LANGUAGES = ("uk",)


class ToolNotFoundError(RuntimeError):
    pass


def find_tool(name: str) -> list[str]:
    """Command for ``lrelease``/``lupdate``: the wheel's binary, else the pyside6-* wrapper."""
    exe = ".exe" if sys.platform == "win32" else ""
    # Located, not imported: the tools sit in the wheel's folder, and this build step
    # needs no Qt loaded.
    spec = importlib.util.find_spec("PySide6")
    if spec is not None and spec.origin:
        binary = Path(spec.origin).resolve().parent / f"{name}{exe}"
        if binary.is_file():
            return [str(binary)]
    # The console-script wrapper lives next to the interpreter in a venv even if the venv's
    # bin dir is not on PATH (CI calls .venv/bin/python directly).
    scripts = Path(sys.executable).parent
    for candidate in (scripts / f"pyside6-{name}{exe}", shutil.which(f"pyside6-{name}")):
        if candidate and Path(candidate).is_file():
            return [str(candidate)]
    raise ToolNotFoundError(f"Qt's {name} was not found (is PySide6-Essentials installed?)")


def compile_ts(ts_file: Path, qm_file: Path | None = None) -> Path:
    """Compile one ``.ts`` to ``.qm``; raises CalledProcessError with lrelease's output."""
    qm_file = qm_file or ts_file.with_suffix(".qm")
    subprocess.run(  # noqa: S603 (fixed tool path, our own file names)
        [*find_tool("lrelease"), "-silent", str(ts_file), "-qm", str(qm_file)],
        check=True, capture_output=True, text=True,
    )
    if not qm_file.is_file():
        raise RuntimeError(f"lrelease did not write {qm_file}")
    return qm_file


def source_files(package_dir: Path = PACKAGE_DIR) -> list[Path]:
    # The simulator has no user-facing strings; skipping it keeps lupdate fast.
    return sorted(p for p in package_dir.rglob("*.py")
                  if "simulator" not in p.relative_to(package_dir).parts)


def update_ts(i18n_dir: Path, languages: Sequence[str] = DEFAULT_LANGUAGES,
              package_dir: Path = PACKAGE_DIR) -> list[Path]:
    """Run lupdate over the package sources into every existing (or default) ``.ts``."""
    i18n_dir.mkdir(parents=True, exist_ok=True)
    ts_files = sorted(i18n_dir.glob("*.ts")) or [
        i18n_dir / f"{TS_PREFIX}{lang}.ts" for lang in languages
    ]
    sources = source_files(package_dir)
    for ts_file in ts_files:
        lang = ts_file.stem.removeprefix(TS_PREFIX)
        command = [*find_tool("lupdate"), "-locations", "relative", "-target-language", lang,
                   *map(str, sources), "-ts", str(ts_file)]
        subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
        if carry_moved_translations(ts_file):
            # Once more, so lupdate writes the file in its own layout and drops the entries
            # whose translation moved with their string.
            subprocess.run([*command[:1], "-no-obsolete", *command[1:]],  # noqa: S603
                           check=True, capture_output=True, text=True)
    return ts_files


def carry_moved_translations(ts_file: Path) -> int:
    """A string that moved to another class gets a new context, and lupdate files it as new
    beside the old, now vanished, entry: untranslated, or with the old translation marked
    unfinished, which lrelease leaves out. Give it the old translation, finished.
    Returns how many strings were carried over."""
    tree = ElementTree.parse(ts_file)  # noqa: S314 (our own translation file)
    gone: dict[str, str] = {}
    for message in tree.iter("message"):
        translation = message.find("translation")
        source = message.findtext("source")
        if (translation is not None and source is not None and translation.text
                and translation.get("type") in ("vanished", "obsolete")):
            gone.setdefault(source, translation.text)
    carried = 0
    for message in tree.iter("message"):
        translation = message.find("translation")
        source = message.findtext("source")
        if (translation is not None and source in gone
                and translation.get("type") == "unfinished"
                and translation.text in (None, "", gone[source])):
            translation.text = gone[source]
            del translation.attrib["type"]
            carried += 1
    if carried:
        body = ElementTree.tostring(tree.getroot(), encoding="unicode")
        ts_file.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body
                           + "\n", encoding="utf-8")
    return carried


def build_all(i18n_dir: Path = I18N_DIR) -> list[Path]:
    return [compile_ts(ts) for ts in sorted(i18n_dir.glob("*.ts"))]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ringohunt_desktop.i18n_build",
                                     description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--update", action="store_true",
                        help="refresh the .ts sources from the code with lupdate first")
    parser.add_argument("--dir", type=Path, default=I18N_DIR, help="translations directory")
    args = parser.parse_args(argv)
    i18n_dir: Path = args.dir
    try:
        if args.update:
            for ts_file in update_ts(i18n_dir):
                print(f"i18n: updated {ts_file}")
        if not any(i18n_dir.glob("*.ts")):
            print(f"i18n: no .ts files in {i18n_dir}; nothing to compile")
            return 0
        for qm in build_all(i18n_dir):
            print(f"i18n: compiled {qm}")
    except subprocess.CalledProcessError as exc:
        print(f"i18n: {exc.cmd[0]} failed ({exc.returncode}):\n{exc.stdout}{exc.stderr}",
              file=sys.stderr)
        return 1
    except ToolNotFoundError as exc:
        print(f"i18n: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
