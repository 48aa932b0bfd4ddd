"""Process start-up of the tray app: the QApplication, the single instance, translations,
signals from the OS, and the one qasync event loop the app runs on until Quit."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from ringohunt_desktop import APP_ID, APP_NAME, ORG_NAME, __version__
from ringohunt_desktop.config import Config
from ringohunt_desktop.credentials import MemoryStore, default_store
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.shell.app import RingoHuntApp
from ringohunt_desktop.shell.single_instance import (
    MAX_FIELD_CHARS,
    SingleInstance,
    default_server_name,
)

log = logging.getLogger(__name__)


class _DialLinkFilter(QObject):
    """macOS hands a clicked tel:/callto: link to the running app as a FileOpen event."""

    def __init__(self, app: RingoHuntApp) -> None:
        super().__init__(app)
        self._app = app

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            url = event.url()
            if url.scheme().lower() in ("tel", "callto"):
                self._app.dial(url.toString())
                return True
        return super().eventFilter(watched, event)


def prefer_x11_on_wayland(environ: MutableMapping[str, str]) -> None:
    """On a Linux Wayland session, run on X11 (XWayland) unless the user chose a platform.

    The Insider panel has to sit by the tray, and Wayland does not let a window place itself.
    The frozen build carries no Wayland plugin for that reason (build.spec); naming the
    platform also spares the log Qt's "could not find the wayland plugin" line on every start.
    "xcb;wayland" still ends on Wayland where there is no XWayland and the plugin exists.
    """
    if (sys.platform.startswith("linux") and environ.get("WAYLAND_DISPLAY")
            and not environ.get("QT_QPA_PLATFORM")):
        environ["QT_QPA_PLATFORM"] = "xcb;wayland"


NO_DISPLAY_MESSAGE = (
    "error: no display: RingoHunt is a desktop app and needs a graphical session (neither "
    "DISPLAY nor WAYLAND_DISPLAY is set). Start it from the desktop, or use the command-line "
    "tools (ringohunt-desktop --help).\n")


def no_display(env: Mapping[str, str]) -> bool:
    """Linux without any display: Qt would abort with a misleading message about missing xcb
    libraries ("libxcb-cursor0 is needed"), so it is said plainly before Qt starts."""
    return (sys.platform.startswith("linux") and not env.get("QT_QPA_PLATFORM")
            and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"))


def create_qapplication() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        prefer_x11_on_wayland(os.environ)
        app = QApplication(sys.argv[:1])
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_ID)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    return app


def show_error_dialog(text: str) -> None:
    """What the agent sees when a bug slips through: plain words, and the app keeps running."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME,
                      QApplication.translate(
                          "App", "Something went wrong inside RingoHunt. It keeps running; "
                                 "the details are in the log (tray menu → Save diagnostics)."))
    box.setDetailedText(text)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
    box.show()
    _error_boxes.append(box)
    box.finished.connect(lambda _code: _error_boxes.remove(box))


_error_boxes: list[Any] = []


def startup_failure_box(detail: str) -> Any:
    """The window for a setting the app cannot start with: built, not shown (tests read it)."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME,
                      QApplication.translate(
                          "App", "RingoHunt cannot start: a setting has a value it cannot "
                                 "use (see below). Correct it, or ask your IT administrator "
                                 "if the setting comes from them."))
    box.setInformativeText(detail)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)
    return box


def report_startup_failure(detail: str, cache_dir: Path) -> None:
    """Say a refused setting in a window too: started from the desktop or at login (a
    windowed build has no console), stderr alone would leave the agent with an app that
    silently never starts. Without a display, stderr has already said it."""
    from ringohunt_desktop.shell.i18n import install_translator

    if no_display(os.environ):
        return
    qt_app = create_qapplication()
    install_translator(qt_app, "system", cache_dir)
    startup_failure_box(detail).exec()


def _quit_on_signals(quit_event: asyncio.Event, qt_app: QApplication) -> None:
    """SIGTERM/SIGINT (logout, ``kill``, Ctrl+C) end the app as cleanly as the tray's Quit.

    Python runs signal handlers only between bytecodes, and Qt's C++ loop may sleep for long,
    so a slow timer gives the interpreter a regular chance to notice the signal.
    """
    loop = asyncio.get_running_loop()

    def handler(_signum: int, _frame: object) -> None:
        loop.call_soon_threadsafe(quit_event.set)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handler)
    wake = QTimer(qt_app)
    wake.timeout.connect(lambda: None)
    wake.start(250)


def instance_message(dial: str | None) -> dict[str, str]:
    """What a second launch hands the running copy: the link to dial, or "show yourself".

    A link longer than the channel carries is cut to its limit, not dropped: still far too
    long for a number, so the running copy refuses it where the agent sees why, instead of
    this launch reporting that the running copy "did not answer".
    """
    if not dial:
        return {"action": "show"}
    return {"action": "dial", "target": dial[:MAX_FIELD_CHARS]}


def run_gui(config: Config, paths: AppPaths, *, demo: Any = None, minimized: bool = False,
            dial: str | None = None, basedir: Path | None = None,
            env: Mapping[str, str] | None = None,
            overrides: Mapping[str, str | None] | None = None) -> int:
    import qasync

    from ringohunt_desktop.logging_setup import install_excepthook
    from ringohunt_desktop.shell.i18n import install_translator
    from ringohunt_desktop.shell.qt_log import install_qt_message_handler

    if no_display(os.environ):
        sys.stderr.write(NO_DISPLAY_MESSAGE)
        return 1
    qt_app = create_qapplication()
    language = install_translator(qt_app, config.language, paths.cache_dir)
    log.info("Interface language: %s", language)
    install_qt_message_handler()
    install_excepthook(show_error_dialog)
    instance = SingleInstance(default_server_name(basedir))
    if not instance.claim():
        # Another copy runs (e.g. this launch came from a tel: link): hand it the request.
        if instance.send(instance_message(dial)):
            return 0
        sys.stderr.write("error: RingoHunt is already running but did not answer\n")
        return 1

    async def main() -> int:
        # The demo's keys must never land in the agent's real keychain.
        credentials = MemoryStore() if demo is not None else default_store()
        app = RingoHuntApp(config, paths, demo=demo, credentials=credentials, env=env,
                           overrides=overrides)
        quit_event = asyncio.Event()
        qt_app.aboutToQuit.connect(quit_event.set)
        app.quit_requested.connect(quit_event.set)
        _quit_on_signals(quit_event, qt_app)
        instance.message_received.connect(app.handle_instance_message)
        qt_app.installEventFilter(_DialLinkFilter(app))
        app.start()
        if dial:
            app.dial(dial)
        elif not minimized:
            app.show_on_launch()  # started by hand: show something; at login: stay quiet
        await quit_event.wait()
        await app.shutdown()
        instance.release()
        return 0

    try:
        return int(qasync.run(main()))
    except asyncio.CancelledError:
        return 0
