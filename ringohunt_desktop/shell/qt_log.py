"""Qt's own messages (qDebug, qWarning…) routed into Python logging, so they land in the
redacted log file with everything else."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

from ringohunt_desktop.logging_setup import on_teardown

_previous_qt_handler: Any = None
_qt_handler_installed = False

_QT_LOGGER = "qt"


def install_qt_message_handler() -> None:
    """Route qDebug/qWarning/qCritical into logging (logger ``qt.<category>``)."""
    global _previous_qt_handler, _qt_handler_installed
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        category = context.category or "default"
        name = _QT_LOGGER if category == "default" else f"{_QT_LOGGER}.{category}"
        logging.getLogger(name).log(levels.get(mode, logging.WARNING), "%s", message)

    previous = qInstallMessageHandler(handler)
    if not _qt_handler_installed:
        _previous_qt_handler = previous
        on_teardown(uninstall_qt_message_handler)
    _qt_handler_installed = True


def uninstall_qt_message_handler() -> None:
    global _previous_qt_handler, _qt_handler_installed
    if not _qt_handler_installed:
        return
    qInstallMessageHandler(_previous_qt_handler)
    _previous_qt_handler = None
    _qt_handler_installed = False
