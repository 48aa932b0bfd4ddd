"""The relay runs on servers without a display: nothing in ringohunt_desktop/relay imports Qt,
directly, lazily or through another module of the package."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

RELAY_DIR = Path(__file__).parent.parent / "ringohunt_desktop" / "relay"
QT_IMPORT = re.compile(
    r"^\s*(?:from|import)\s+(?:PySide6|shiboken6|qasync|ringohunt_desktop\.(?:ui|services|shell|app))\b",
    re.MULTILINE)


def test_no_module_of_the_relay_names_qt() -> None:
    offenders = [path.name for path in RELAY_DIR.glob("*.py") if QT_IMPORT.search(path.read_text())]
    assert offenders == []


def test_importing_every_relay_module_loads_no_qt() -> None:
    modules = sorted(f"ringohunt_desktop.relay.{p.stem}" for p in RELAY_DIR.glob("*.py")
                     if p.stem != "__main__")
    probe = ("import importlib, sys\n"
             f"for name in {modules!r}: importlib.import_module(name)\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in "
             "('PySide6', 'shiboken6', 'qasync')))\n")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            cwd=RELAY_DIR.parent.parent, check=True)
    assert result.stdout.strip() == "[]"
