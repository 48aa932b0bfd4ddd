"""The layers, as the folders show them, kept by reading every import in the package.

From the bottom up:
- no Qt: the data modules at the top of the package (``domain``, ``phone``, ``config``…),
  ``hotkeys/`` (the platforms' system-wide shortcut APIs),
  ``clients/`` (HTTP), ``store/`` (SQLite), ``core/`` (call sources, tracking, lookup, sync,
  session), and the server side: ``simulator/`` and ``relay/``;
- ``services/``: QtCore signals over the no-Qt layer; no widgets, no windows;
- ``ui/``: widgets; never the network;
- ``shell/``: the Qt application (start-up, single instance, the coordinator); may import all.
``cli.py`` and ``__main__.py`` are the entry points: they start the shell, lazily.

Every import counts, also one inside a function.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ringohunt_desktop"

QT = ("PySide6", "shiboken6", "qasync")
QT_WIDGETS = ("PySide6.QtWidgets", "PySide6.QtGui")
NETWORK = ("httpx", "ringohunt_desktop.clients.http", "ringohunt_desktop.clients.nethunt",
           "ringohunt_desktop.clients.ringostat", "ringohunt_desktop.core.session",
           "ringohunt_desktop.core.polling", "nats")
ABOVE_CORE = ("ringohunt_desktop.services", "ringohunt_desktop.ui", "ringohunt_desktop.shell")
ENTRY_POINTS = ("cli.py", "__main__.py")
NO_QT_FOLDERS = ("clients", "store", "core", "simulator", "relay", "hotkeys")


@dataclass(frozen=True)
class Rule:
    applies_to: str  # a folder, "top level", or "everywhere"
    forbidden: tuple[str, ...]
    why: str


RULES = (
    *(Rule(folder, QT + ABOVE_CORE, "no Qt below the Qt layer") for folder in NO_QT_FOLDERS),
    Rule("top level", QT + ABOVE_CORE, "the data modules have no Qt"),
    Rule("clients", ("ringohunt_desktop.core", "ringohunt_desktop.store"),
         "the API clients stand alone"),
    Rule("services", ("ringohunt_desktop.ui", "ringohunt_desktop.shell", *QT_WIDGETS),
         "services never build widgets"),
    Rule("ui", (*NETWORK, "ringohunt_desktop.shell"), "widgets never touch the network"),
)


def module_name(node: ast.Import | ast.ImportFrom, package_parts: tuple[str, ...]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: resolve against the importing module's package
        kept = package_parts[: len(package_parts) - node.level + 1]
        base = ".".join(("ringohunt_desktop", *kept))
        prefix = f"{base}.{node.module}" if node.module else base
    else:
        prefix = node.module or ""
    # ``from ringohunt_desktop import ui`` imports the ui package itself.
    return [prefix, *(f"{prefix}.{alias.name}" for alias in node.names)]


def imports(source: str, package_parts: tuple[str, ...]) -> Iterator[tuple[int, list[str]]]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node.lineno, module_name(node, package_parts)


def place(relative: Path) -> str:
    if len(relative.parts) == 1:
        return "entry point" if relative.name in ENTRY_POINTS else "top level"
    return relative.parts[0]


def violations(files: Iterable[tuple[Path, str]]) -> list[str]:
    """``files`` are (path relative to the package, source); one line per broken rule."""
    found = []
    for relative, source in files:
        where = place(relative)
        package_parts = relative.parent.parts
        for lineno, names in imports(source, package_parts):
            for rule in RULES:
                if rule.applies_to != where:
                    continue
                hits = [name for name in names for forbidden in rule.forbidden
                        if name == forbidden or name.startswith(forbidden + ".")]
                if hits:  # one line per import statement and rule
                    found.append(f"{relative}:{lineno} imports {hits[0]} ({rule.why})")
    return sorted(found)


def package_files() -> list[tuple[Path, str]]:
    return [(path.relative_to(PACKAGE), path.read_text(encoding="utf-8"))
            for path in sorted(PACKAGE.rglob("*.py"))]


def test_every_import_in_the_package_keeps_the_layers() -> None:
    assert violations(package_files()) == []


def test_the_rules_cover_every_folder_of_the_package() -> None:
    folders = {path.parts[0] for path, _ in package_files() if len(path.parts) > 1}
    known = {*NO_QT_FOLDERS, "services", "ui", "shell"}
    assert folders <= known, f"a new folder needs its place in the layers: {folders - known}"


@pytest.mark.parametrize(("path", "source", "broken"), [
    ("core/throwaway.py", "from PySide6.QtCore import QObject\n", "no Qt below"),
    ("core/throwaway.py", "def later():\n    import qasync\n", "no Qt below"),
    ("store/throwaway.py", "from ringohunt_desktop.services import watcher\n", "no Qt below"),
    ("phone_helpers.py", "import shiboken6\n", "data modules have no Qt"),
    ("clients/throwaway.py", "from ringohunt_desktop.core import calltracking\n",
     "stand alone"),
    ("services/throwaway.py", "from ringohunt_desktop.ui.tray import TrayController\n",
     "never build widgets"),
    ("services/throwaway.py", "from PySide6.QtWidgets import QDialog\n", "never build widgets"),
    ("services/throwaway.py", "from ..ui import tray\n", "never build widgets"),
    ("ui/throwaway.py", "import httpx\n", "never touch the network"),
    ("ui/throwaway.py", "from ringohunt_desktop.core.session import Session\n",
     "never touch the network"),
    ("relay/throwaway.py", "from PySide6 import QtCore\n", "no Qt below"),
])
def test_a_throwaway_violation_is_reported(path: str, source: str, broken: str) -> None:
    found = violations([*package_files(), (Path(path), source)])
    assert len(found) == 1
    assert found[0].startswith(f"{path}:")
    assert broken in found[0]


def test_allowed_imports_are_not_reported() -> None:
    allowed = [
        ("services/fine.py", "from PySide6.QtCore import QObject, Signal\n"),
        ("ui/fine.py", "from ringohunt_desktop.clients.errors import ApiError\n"),
        ("ui/fine.py", "from ringohunt_desktop.services.failures import describe\n"),
        ("shell/fine.py", "import httpx\nfrom PySide6.QtWidgets import QApplication\n"),
        ("cli.py", "def gui():\n    from ringohunt_desktop.shell.launch import run_gui\n"),
    ]
    assert violations([(Path(path), source) for path, source in allowed]) == []
