"""Smoke test of an installed or frozen build: ``ringohunt-desktop --basedir DIR selftest``.

Each check proves one thing PyInstaller is known to break when a hook or data file is
missing: phonenumbers' region data, keyring's entry-point backends, httpx + truststore,
the system-wide shortcut backend (python-xlib's by-name imports), the Qt platform plugin,
our translations, logging to a file. One line per check on stdout
(``ok``/``FAIL``/``skip``), exit code 0 only when nothing failed. Also runnable as
``python -m ringohunt_desktop.shell.selftest --basedir DIR [--sim-url URL]``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from ringohunt_desktop import APP_NAME, __version__

log = logging.getLogger(__name__)

SELFTEST_SERVICE = f"{APP_NAME} selftest"
SELFTEST_KEY = "selftest"
UA_SAMPLE = "067 123 45 67"
UA_EXPECTED = "+380671234567"


class CheckFailedError(Exception):
    pass


class CheckSkippedError(Exception):
    pass


def _say(text: str) -> None:
    # A windowed frozen build has no stdout; the log file still gets the line.
    log.info("%s", text)
    if sys.stdout is not None:
        print(text, flush=True)


def check_logging(basedir: Path) -> str:
    from ringohunt_desktop.logging_setup import setup_logging

    log_file = setup_logging(basedir / "logs", console=True)
    log.info("selftest of %s %s", APP_NAME, __version__)
    if not log_file.is_file():
        raise CheckFailedError(f"no log file at {log_file}")
    return str(log_file)


def check_phone() -> str:
    # The app's own module: a frozen bundle missing it (or its data) must fail here.
    from ringohunt_desktop.phone import to_e164

    result = to_e164(UA_SAMPLE, "UA")
    if result != UA_EXPECTED:
        raise CheckFailedError(f"{UA_SAMPLE!r} parsed as {result!r}, expected {UA_EXPECTED}")
    # Region data is loaded lazily by __import__; a geocoder lookup touches a second data set.
    import phonenumbers

    if not phonenumbers.is_valid_number(phonenumbers.parse("+380442223344")):
        raise CheckFailedError("phonenumbers has no metadata for Ukraine")
    return f"{UA_SAMPLE} -> {result}"


class _InProcessKeyring:
    """Factory for a dict backend, built lazily so keyring is imported inside the check."""

    @staticmethod
    def make() -> object:
        from keyring.backend import KeyringBackend

        class SelftestKeyring(KeyringBackend):
            priority = 1

            def __init__(self) -> None:
                super().__init__()  # type: ignore[no-untyped-call]
                self.values: dict[tuple[str, str], str] = {}

            def get_password(self, service: str, username: str) -> str | None:
                return self.values.get((service, username))

            def set_password(self, service: str, username: str, password: str) -> None:
                self.values[(service, username)] = password

            def delete_password(self, service: str, username: str) -> None:
                self.values.pop((service, username), None)

        return SelftestKeyring()


def check_keyring() -> str:
    import importlib.metadata
    import secrets

    import keyring
    from keyring.backends import fail, null

    from ringohunt_desktop.credentials import KeyringStore

    # keyring discovers even its own backends through entry points: without keyring's
    # dist-info in the bundle this list is empty and every platform gets NoKeyringError.
    entry_points = importlib.metadata.entry_points(group="keyring.backends")
    if not entry_points:
        raise CheckFailedError("keyring has no backend entry points (metadata not bundled?)")
    backend = keyring.get_keyring()
    previous = None
    where = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring | null.Keyring):
        # No OS keychain here (headless Linux): prove the machinery with a process-local one.
        previous = backend
        keyring.set_keyring(_InProcessKeyring.make())  # type: ignore[arg-type]
        where = f"in-process (no system keyring: {type(backend).__module__})"
    try:
        store = KeyringStore(SELFTEST_SERVICE)
        value = secrets.token_urlsafe(24)
        store.set(SELFTEST_KEY, value)
        got = store.get(SELFTEST_KEY)
        store.delete(SELFTEST_KEY)
        if got is None or got.reveal() != value:
            raise CheckFailedError(f"round trip through {where} lost the value")
        if store.get(SELFTEST_KEY) is not None:
            raise CheckFailedError(f"delete through {where} left the value behind")
    finally:
        if previous is not None:
            keyring.set_keyring(previous)
    return f"{where}; {len(entry_points)} backend entry points"


async def check_http(sim_url: str | None) -> str:
    import ssl

    import httpx
    import truststore

    # truststore reads the OS certificate store (corporate TLS-inspecting proxies).
    context = truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if sim_url is None:
        raise CheckSkippedError(f"httpx {httpx.__version__}, truststore ok; no --sim-url given")
    async with httpx.AsyncClient(verify=context, timeout=10.0, trust_env=False) as client:
        response = await client.get(f"{sim_url.rstrip('/')}/_sim/faults")
    if response.status_code != 200:
        raise CheckFailedError(f"GET /_sim/faults answered {response.status_code}")
    response.json()
    return f"{sim_url} answered 200"


def check_hotkeys() -> str:
    """The system-wide shortcut backend of this platform loads: on Linux python-xlib and the
    parts of it that it imports by name (a bundle without them fails only on the agent's
    desktop, at the first X connection); on Windows user32's RegisterHotKey. Where there is
    an X display, the backend also connects to it."""
    import importlib

    if sys.platform == "win32":
        from ringohunt_desktop.hotkeys.windows import WindowsHotkeys

        backend = WindowsHotkeys()
        backend.close()
        return f"{backend.name} loaded"
    if not sys.platform.startswith("linux"):
        raise CheckSkippedError(f"no system-wide shortcuts on {sys.platform}")
    from ringohunt_desktop.hotkeys import x11
    from ringohunt_desktop.hotkeys.backend import backend_report, is_wayland_session

    modules = x11.dynamic_modules()
    for name in modules:
        importlib.import_module(name)
    from Xlib import XK

    if not XK.string_to_keysym("o") or not XK.string_to_keysym("F24"):
        raise CheckFailedError("python-xlib's keysym tables are missing")
    if os.environ.get("DISPLAY") and not is_wayland_session(os.environ):
        report = backend_report("xcb", os.environ)
        if not report.startswith("X11"):
            raise CheckFailedError(f"X11 shortcuts do not start: {report}")
        return f"{report}, {len(modules)} Xlib modules loaded"
    return f"python-xlib: {len(modules)} modules loaded (no X display to connect to)"


# Ukrainian alphabetical order (Ґ after Г, Є after Е, И before І before Ї). Qt sorts through
# ICU; a bundle whose ICU data lost the collation tables (build.spec slims it on Linux)
# sorts by code point instead and puts Є, І, Ї before А.
UA_SORTED = ["Андрій", "Гнат", "Ґанна", "Дмитро", "Єва", "Євген", "Ирина", "Іван", "Їжак",
             "Ольга", "Яків"]


def check_ukrainian_collation() -> str:
    import functools

    from PySide6.QtCore import QCollator, QLocale

    collator = QCollator(QLocale(QLocale.Language.Ukrainian, QLocale.Country.Ukraine))
    got = sorted(reversed(UA_SORTED), key=functools.cmp_to_key(collator.compare))
    if got != UA_SORTED:
        raise CheckFailedError(f"Ukrainian names sort as {' '.join(got)}")
    return "Ukrainian collation ok"


def check_qt(basedir: Path) -> str:
    # Linux without a display: offscreen, instead of Qt aborting the process on xcb.
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer, qVersion
    from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPixmap
    from PySide6.QtWidgets import QApplication, QLabel, QSystemTrayIcon

    from ringohunt_desktop.shell.i18n import find_qm, install_translator

    existing = QCoreApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(
        [sys.argv[0] if sys.argv else "ringohunt-desktop"])
    try:
        pixmap = QPixmap(32, 32)
        pixmap.fill(QColor("#1a7f37"))
        icon = QIcon(pixmap)
        if QSystemTrayIcon.isSystemTrayAvailable():
            tray = QSystemTrayIcon(icon)
            tray.show()
            shown = "tray icon"
        else:
            tray = None
            shown = "window (no system tray)"
        window = QLabel(f"{APP_NAME} selftest")
        window.setWindowIcon(icon)
        window.show()
        # A nested loop that a timer ends proves event delivery, not just construction.
        loop = QEventLoop()
        QTimer.singleShot(50, loop.quit)
        loop.exec()
        QCoreApplication.processEvents()
        window.close()
        if tray is not None:
            tray.hide()
        cache_dir = basedir / "cache"
        language = install_translator(app, "uk", cache_dir)
        frozen = getattr(sys, "frozen", False)
        if language != "uk" and (frozen or find_qm("uk", cache_dir) is not None):
            raise CheckFailedError("Ukrainian translation did not load")
        install_translator(app, "en")
        # Import qasync and bind it to this app: its Qt binding detection breaks when frozen
        # without PySide6 in the bundle's module graph. (It cannot run inside asyncio.run.)
        import qasync

        qasync_loop = qasync.QEventLoop(app)
        qasync_loop.close()
        platform_name = QGuiApplication.platformName()
        collation = check_ukrainian_collation()
        return (f"Qt {qVersion()} platform={platform_name}, {shown}, ui language={language}, "
                f"{collation}")
    finally:
        if existing is None:
            app.quit()
            QCoreApplication.processEvents()


async def run_selftest(*, basedir: Path, sim_url: str | None) -> int:
    """Run every check, print one line each, return 0 when none failed."""
    from ringohunt_desktop.logging_setup import teardown_logging

    frozen = "frozen" if getattr(sys, "frozen", False) else "source"
    _say(f"selftest: {APP_NAME} {__version__} ({frozen}, Python {sys.version.split()[0]}, "
         f"{sys.platform})")
    checks: list[tuple[str, Callable[[], Awaitable[str] | str]]] = [
        ("logging", lambda: check_logging(basedir)),
        ("phone", check_phone),
        ("keyring", check_keyring),
        ("http", lambda: check_http(sim_url)),
        ("hotkeys", check_hotkeys),
        ("qt", lambda: check_qt(basedir)),
    ]
    failed = 0
    try:
        for name, check in checks:
            started = time.perf_counter()
            try:
                result = check()
                detail = await result if isinstance(result, Awaitable) else result
            except CheckSkippedError as exc:
                _say(f"selftest: {name:8} skip {exc}")
                continue
            except Exception as exc:  # every failure is reported, then the next check runs
                failed += 1
                log.debug("selftest check %s failed", name, exc_info=True)
                _say(f"selftest: {name:8} FAIL {type(exc).__name__}: {exc}")
                continue
            elapsed = (time.perf_counter() - started) * 1000
            _say(f"selftest: {name:8} ok   {detail} ({elapsed:.0f} ms)")
        _say(f"selftest: {'FAILED' if failed else 'passed'}"
             f"{f' ({failed} failed)' if failed else ''}")
    finally:
        teardown_logging()
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ringohunt_desktop.shell.selftest",
                                     description="smoke test of an installed/frozen build")
    parser.add_argument("--basedir", type=Path, required=True)
    parser.add_argument("--sim-url", default=None)
    args = parser.parse_args(argv)
    return asyncio.run(run_selftest(basedir=args.basedir, sim_url=args.sim_url))


if __name__ == "__main__":
    sys.exit(main())
