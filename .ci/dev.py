#!/usr/bin/env python3
"""One entry point for developers and CI: ``demo``, ``test``, ``bench``, ``build``.

Needs only Python 3.11+ on PATH. Creates ``.venv`` beside the project, installs the project
into it (again only when ``pyproject.toml`` changed), then runs the requested command.
On Debian as root, ``test`` also installs the system packages the real-display tests need.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")

# Xvfb + a tray host + xdotool for the real-display tests, the xcb plugin's libraries,
# gnome-keyring for the one test against a real Secret Service keyring, and ICU's icupkg
# plus a C toolchain for the build's slim ICU data library (resources/pyinstaller_slim_icu.py),
# and wixl + Wine to build the MSI and install it silently (tests/test_installer_msi.py),
# and nats-server, the broker the relay's tests start on loopback (tests/nats_fixtures.py),
# and the AT-SPI bus plus the system python's pyatspi to read the app's accessibility tree
# back as a screen reader does (tests/atspi.py).
DEBIAN_PACKAGES = [
    "xvfb", "trayer", "xdotool", "imagemagick", "fonts-dejavu-core",
    "libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4", "libxcb-keysyms1",
    "libxcb-shape0", "libxcb-xinerama0", "libxcb-randr0", "libxcb-render-util0",
    "libxcb-image0", "libegl1", "libgl1", "libfontconfig1", "libdbus-1-3",
    "gnome-keyring", "dbus", "dbus-x11",
    "libgtk-3-0", "xsettingsd",  # the desktop's look (GTK theme, live switch) on Xvfb
    "icu-devtools", "binutils", "gcc",
    "wixl", "msitools", "wine", "wine64",
    "nats-server",
    "python3-pyatspi", "at-spi2-core",
]


# What the demo itself needs on a bare Debian: Qt's xcb platform plugin loads these, and
# without them Qt aborts before the app can say anything.
DEMO_PACKAGES = [
    "fonts-dejavu-core", "libxcb-cursor0", "libxkbcommon-x11-0", "libxcb-icccm4",
    "libxcb-keysyms1", "libxcb-shape0", "libxcb-xinerama0", "libxcb-randr0",
    "libxcb-render-util0", "libxcb-image0", "libegl1", "libgl1", "libfontconfig1",
    "libdbus-1-3",
]


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, env=env)


def ensure_venv(extras: str) -> None:
    if not PY.exists():
        venv.create(VENV, with_pip=True)
        run(PY, "-m", "pip", "install", "-q", "--upgrade", "pip")
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extras}]" if extras else "."
    run(PY, "-m", "pip", "install", "-q", "-e", target)
    stamp.write_text(digest)


def ensure_debian_packages(packages: list[str] = DEBIAN_PACKAGES,
                           purpose: str = "real-display tests will be skipped") -> None:
    """Install ``packages`` when we can (root on Debian); otherwise say what is missing."""
    if sys.platform != "linux" or not shutil.which("dpkg-query"):
        return
    missing = [
        p for p in packages
        if subprocess.run(["dpkg-query", "-W", "-f=${Status}", p], capture_output=True,
                          text=True).stdout.strip() != "install ok installed"
    ]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        print(f"note: {purpose}; missing: {' '.join(missing)}")
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-qq", env=env)
    run("apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, env=env)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "help"
    rest = argv[1:]
    if command == "demo":
        ensure_debian_packages(DEMO_PACKAGES, "the demo may not start (install them with apt)")
        ensure_venv("")
        return subprocess.call([str(PY), "-m", "ringohunt_desktop", "--demo", *rest], cwd=ROOT)
    if command == "test":
        ensure_debian_packages()
        ensure_venv("test")
        run(PY, "-m", "ruff", "check", "ringohunt_desktop", "tests", "benchmarks", "resources")
        run(PY, "-m", "mypy")
        run(PY, "-m", "ringohunt_desktop.i18n_build")
        return subprocess.call([str(PY), "-m", "pytest", *rest], cwd=ROOT)
    if command == "bench":
        ensure_venv("test")
        return subprocess.call([str(PY), "-m", "benchmarks", *rest], cwd=ROOT)
    if command == "build":
        ensure_debian_packages()
        ensure_venv("test,build")
        run(PY, "-m", "ringohunt_desktop.i18n_build")
        run(PY, "-m", "PyInstaller", "--noconfirm", "--clean", "build.spec")
        return subprocess.call([str(PY), "-m", "benchmarks.frozen_smoke", *rest], cwd=ROOT)
    print(__doc__)
    print("usage: python3 .ci/dev.py {demo|test|bench|build} [args…]")
    return 0 if command == "help" else 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
