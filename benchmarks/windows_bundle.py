"""Estimate of the Windows bundle from the real win_amd64 wheels: ``python -m
benchmarks.windows_bundle [--dist DIR]``.

PyInstaller cannot cross-build, and this workplace has no Windows. What decides most of the
Windows size is PySide6, and its win_amd64 wheel can be downloaded and read here: this walks
what PyInstaller's Qt hooks would collect for the modules the app imports (the Python
modules, the DLLs they import, per PE import tables read with objdump, the plugin folders
PyInstaller's ``_modules_info`` assigns to those modules, its extra binaries such as
opengl32sw.dll), applies the build's own rules (resources/pyinstaller_bundle_rules.py) and
sums what is kept. The Python side (interpreter, OpenSSL, SQLite, stdlib, the app's archive)
is taken from the Linux bundle, minus what only Linux needs (ICU is in the Qt part; the
``cryptography`` that keyring's Secret Service backend needs), plus the console twin, which
is a real second executable on Windows. An estimate, labelled as one wherever it is quoted.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from benchmarks.frozen_smoke import DEFAULT_DIST, GUI_EXE

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "resources"))

from pyinstaller_bundle_rules import keep  # noqa: E402

QT_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtNetwork")  # what the app imports
# PyInstaller's hooks/utils/qt/_modules_info.py: the plugin folders collected per module.
PLUGIN_DIRS = {
    "QtGui": ("accessiblebridge", "egldeviceintegrations", "generic", "iconengines",
              "imageformats", "platforms", "platforminputcontexts", "platformthemes",
              "xcbglintegrations", "wayland-decoration-client",
              "wayland-graphics-integration-client", "wayland-shell-integration"),
    "QtWidgets": ("styles",),
    "QtNetwork": ("networkaccess", "networkinformation", "tls"),
}
# PyInstaller's collect_extra_binaries() on Windows.
EXTRA_BINARIES = ("libEGL.dll", "libGLESv2.dll", "d3dcompiler_47.dll", "opengl32sw.dll")
# Only Linux bundles these (keyring's Secret Service backend; Windows uses Credential Manager).
LINUX_ONLY_PYTHON = ("cryptography/", "_cffi_backend")


def fetch_wheels(into: Path) -> Path:
    """Download and unpack the win_amd64 PySide6-Essentials and shiboken6 wheels of the
    version installed here (the one the Linux build was made with)."""
    version = importlib.metadata.version("PySide6-Essentials")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
         "--platform", "win_amd64", "--python-version", "3.11", "-d", str(into),
         f"PySide6-Essentials=={version}", f"shiboken6=={version}"],
        check=True)
    site = into / "site-packages"
    for wheel in into.glob("*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(site)
    return site


def pe_imports(path: Path) -> list[str]:
    out = subprocess.run(["objdump", "-p", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return re.findall(r"DLL Name: (\S+)", out)


def qt_part(site: Path) -> dict[str, int]:
    """dest -> size of every PySide6/shiboken6 file the Windows build would keep."""
    by_name = {p.name.lower(): p for p in site.rglob("*") if p.suffix.lower() in (".dll", ".pyd")
               and "plugins" not in p.parts}
    roots = [site / "PySide6" / f"{module}.pyd" for module in QT_MODULES]
    roots += [site / "shiboken6" / "Shiboken.pyd"]
    for kinds in PLUGIN_DIRS.values():
        for kind in kinds:
            roots += sorted((site / "PySide6" / "plugins" / kind).glob("*.dll"))
    roots += [by_name[name.lower()] for name in EXTRA_BINARIES if name.lower() in by_name]
    roots += sorted((site / "PySide6" / "translations").glob("*.qm"))

    kept: dict[str, int] = {}
    todo = [p for p in roots if keep(p.relative_to(site).as_posix())]
    while todo:
        path = todo.pop()
        dest = path.relative_to(site).as_posix()
        if dest in kept:
            continue
        kept[dest] = path.stat().st_size
        if path.suffix.lower() in (".dll", ".pyd"):
            for name in pe_imports(path):
                found = by_name.get(name.lower())
                if found is not None and keep(found.relative_to(site).as_posix()):
                    todo.append(found)
    return kept


def python_part(dist: Path) -> int:
    internal = dist / "_internal"
    total = 0
    for path in dist.rglob("*"):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(internal).as_posix() if internal in path.parents else path.name
        if rel.startswith(("PySide6/", "shiboken6/")) or rel.startswith(LINUX_ONLY_PYTHON):
            continue
        total += path.stat().st_size
    return total + (dist / GUI_EXE).stat().st_size  # the console twin: a second executable


def estimate(dist: Path) -> tuple[dict[str, int], int]:
    """(Qt side: dest -> bytes, Python side bytes) of the Windows bundle."""
    with tempfile.TemporaryDirectory(prefix="ringohunt-winwheel-") as tmp:
        qt = qt_part(fetch_wheels(Path(tmp)))
    return qt, python_part(dist)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.windows_bundle")
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST,
                        help="the Linux one-folder build (for the Python side)")
    args = parser.parse_args(argv)
    qt, python = estimate(args.dist)
    largest = sorted(qt.items(), key=lambda item: -item[1])[:8]
    print("windows bundle estimate (win_amd64 wheels + the Linux build's Python side):")
    for dest, size in largest:
        print(f"  {size / 1e6:6.1f} MB  {dest}")
    print(f"  Qt side {sum(qt.values()) / 1e6:.1f} MB in {len(qt)} files, "
          f"Python side {python / 1e6:.1f} MB")
    print(f"windows bundle estimate: {(sum(qt.values()) + python) / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
