"""Ukrainian on a Ukrainian system whichever way the app is run (issue 13, item 1).

Only the ``.ts`` is in the repository; the ``.qm`` is a build output. A checkout (the demo
command, ``pip install -e``) and a wheel carry the ``.ts`` alone, so the app itself must turn
it into Ukrainian. Each test starts the real app, ``python -m ringohunt_desktop --demo``, in a
child process from a copy of the package laid out as that way of running lays it out, with
``LANG=uk_UA.UTF-8`` and no ``.qm`` anywhere, and reads the language it reports in its log.
"""

from __future__ import annotations

import os
import runpy
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parent.parent
TS_FILE = PROJECT / "resources" / "i18n" / "ringohunt_uk.ts"
LANGUAGE_LINE = "Interface language: "
# How long the child may take to start on a loaded machine; not a measured duration.
START_LIMIT_S = 90.0

pytestmark = pytest.mark.slow


def copy_package(destination: Path) -> Path:
    shutil.copytree(PROJECT / "ringohunt_desktop", destination / "ringohunt_desktop",
                    ignore=shutil.ignore_patterns("__pycache__", "*.qm"))
    return destination


def ukrainian_environment(import_root: Path) -> dict[str, str]:
    # conftest already keeps the user's RINGOHUNT_* settings and machine config out.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANGUAGE"))}
    env.update(LANG="uk_UA.UTF-8", QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(import_root),
               PYTHONDONTWRITEBYTECODE="1")
    return env


def started_language(import_root: Path, basedir: Path) -> str:
    """Start the demo from ``import_root``, return the language it says it shows, stop it."""
    env = ukrainian_environment(import_root)
    log_file = basedir / "logs" / "ringohunt.log"
    child = subprocess.Popen(
        [sys.executable, "-m", "ringohunt_desktop", "--basedir", str(basedir), "--demo",
         "--demo-call-every", "0", "--minimized"],
        cwd=import_root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + START_LIMIT_S
        while time.monotonic() < deadline and child.poll() is None:
            text = log_file.read_text(encoding="utf-8") if log_file.is_file() else ""
            for line in text.splitlines():
                if LANGUAGE_LINE in line:
                    return line.split(LANGUAGE_LINE, 1)[1].strip()
            time.sleep(0.2)
        raise AssertionError(f"the app never said its language; exit {child.poll()}, "
                             f"log:\n{log_file.read_text() if log_file.is_file() else ''}")
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        assert child.stderr is not None
        child.stderr.close()


posix_only = pytest.mark.skipif(sys.platform == "win32",
                                reason="SIGTERM-based stop of the child is POSIX")


@posix_only
def test_a_checkout_without_qm_starts_in_ukrainian(tmp_path: Path) -> None:
    # The demo command and ``pip install -e`` both run the package from the checkout.
    checkout = copy_package(tmp_path / "checkout")
    (checkout / "resources" / "i18n").mkdir(parents=True)
    shutil.copy2(TS_FILE, checkout / "resources" / "i18n" / TS_FILE.name)

    assert started_language(checkout, tmp_path / "base") == "uk"
    assert list((tmp_path / "base" / "cache" / "i18n").glob("ringohunt_uk-*.qm"))


@posix_only
def test_a_checkout_whose_qm_is_older_than_its_ts_uses_the_ts(tmp_path: Path) -> None:
    checkout = copy_package(tmp_path / "checkout")
    i18n_dir = checkout / "resources" / "i18n"
    i18n_dir.mkdir(parents=True)
    stale = i18n_dir / "ringohunt_uk.qm"
    stale.write_bytes(b"not a translation")  # what an old build left behind
    os.utime(stale, (1, 1))
    shutil.copy2(TS_FILE, i18n_dir / TS_FILE.name)

    assert started_language(checkout, tmp_path / "base") == "uk"


def build_py_of_setup(build_lib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run setup.py's own build_py, as ``pip wheel`` does, into ``build_lib``."""
    import setuptools
    from setuptools.dist import Distribution

    captured: dict[str, Any] = {}
    monkeypatch.setattr(setuptools, "setup", lambda **kwargs: captured.update(kwargs))
    runpy.run_path(str(PROJECT / "setup.py"), run_name="__main__")
    command_class = captured["cmdclass"]["build_py"]
    command = command_class(Distribution({"packages": [], "name": "ringohunt-desktop"}))
    command.initialize_options()
    command.build_lib = str(build_lib)
    command.finalize_options()
    command.run()


@posix_only
def test_a_wheel_carries_the_translation_and_starts_in_ukrainian(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = copy_package(tmp_path / "site")  # the wheel's modules, without resources/
    build_py_of_setup(site, monkeypatch)
    assert (site / "ringohunt_desktop" / "i18n" / TS_FILE.name).is_file()

    assert started_language(site, tmp_path / "base") == "uk"


def test_the_sdist_carries_the_translation_sources() -> None:
    manifest = (PROJECT / "MANIFEST.in").read_text(encoding="utf-8")
    assert "include resources/i18n/*.ts" in manifest


def test_the_frozen_build_compiles_the_translations_itself() -> None:
    # The bundle has no lrelease: its .qm must be built by the spec, not by a step before it.
    spec = (PROJECT / "build.spec").read_text(encoding="utf-8")
    assert "build_all()" in spec.split("for qm in")[0]


def test_pyproject_license_is_an_spdx_expression() -> None:
    import tomllib

    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    assert isinstance(project["project"]["license"], str)  # the table form warns on install
