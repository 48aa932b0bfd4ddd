"""Logging for a tray app that usually has no console.

A frozen windowed build has ``sys.stderr is None``: without a file handler from the first line,
every traceback would vanish. So: a rotating UTF-8 log in the user's log dir, a console handler
only when there is a console, Qt's own messages routed into the same log, an excepthook that
logs and shows a dialog, and faulthandler writing hard crashes (segfaults in Qt) to a file.

Every record passes :class:`RedactingFilter` on the way to our handlers: registered secret
values and well-known credential patterns (``Auth-key:``, ``Authorization: Basic``,
``api_key=``) are masked, including inside tracebacks.
"""

from __future__ import annotations

import contextlib
import faulthandler
import logging
import logging.handlers
import os
import re
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from ringohunt_desktop.secret import Secret

log = logging.getLogger(__name__)

LOG_FILE_NAME = "ringohunt.log"
FAULT_FILE_NAME = "crash-faulthandler.log"
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 5
MASK = "***"
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(threadName)s] %(message)s"

# Short strings would mask half of every log line; real API keys are far longer.
_MIN_SECRET_LEN = 4

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_secrets_regex: re.Pattern[str] | None = None

# Credential shapes masked even when nobody registered the value (e.g. a key typed into the
# settings dialog and logged before it was saved). Group 1 is kept, the rest is masked.
_KEY_NAMES = (r"api[_-]?key|auth[_-]?key|access[_-]?token|token|password|passwd|secret|"
              r"key|apikey")
_PATTERNS: tuple[re.Pattern[str], ...] = (
    # Headers as byte tuples, the way httpcore/h11 debug logs print them:
    # (b'Auth-key', b'value'), (b'Authorization', b'Basic dXN…').
    re.compile(r"(?i)(\b(?:auth-key|(?:proxy-)?authorization|x-api-key)['\"]\s*,\s*b?['\"]"
               r"(?:(?:basic|bearer|token)\s+)?)[^'\"]+"),
    # A quoted value after a credential's name may hold spaces: mask up to its closing quote.
    re.compile(r"(?i)(\b(?:auth-key|(?:proxy-)?authorization|" + _KEY_NAMES
               + r")[\"']?\s*[:=]\s*(?P<quote>[\"'])(?:(?:basic|bearer|token)\s+)?)"
               r"(?:(?!(?P=quote)).)+"),
    # HTTP headers as httpx/h11 debug logs or our own messages print them; a header's value
    # runs to the end of its line.
    re.compile(r"(?i)(\bauth-key\s*:\s*)[^\"',;}\r\n]+"),
    re.compile(r"(?i)(\bauth-key[\"']?\s*[:=]\s*[\"']?)[^\s\"',;}]+"),
    re.compile(r"(?i)(\b(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?(?:basic|bearer|token)\s+)"
               r"[^\s\"',;}]+"),
    re.compile(r"(?i)(\b(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?)(?!basic|bearer|token)"
               r"[^\s\"',;}]+"),
    # key=value in query strings, form bodies, reprs and JSON ("api_key": "…").
    re.compile(r"(?i)(\b(?:" + _KEY_NAMES + r")[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,;}]+"),
    # user:password@ in URLs.
    re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^\s/:@]+:)[^\s/@]+(?=@)"),
)


# Customers' phone numbers, as they show up in request URLs and answers: international with
# a "+" (also URL-encoded, %2B) or Ukrainian with 380 / 0 in front. A log keeps enough to tell
# two calls apart (the first and last digits), not the number. Call ids and timestamps (long
# digit runs of other shapes) stay readable.
_PHONE_NUMBER = re.compile(
    r"(?i)(?:(?<![\w.])|(?<=%22)|(?<=%3A)|(?<=%2B))"  # a word boundary, or after ", : or +
    r"((?:\+|%2B)\d{2}|380|0)(\d{5,11})(\d{2})(?![\w])")


def _mask_number(match: re.Match[str]) -> str:
    return f"{match.group(1)}{'…'}{match.group(3)}"


def register_secret(value: str | Secret) -> None:
    """Mask ``value`` in every later log record (and in :func:`redact`)."""
    global _secrets_regex
    text = value.reveal() if isinstance(value, Secret) else value
    text = text.strip()
    if len(text) < _MIN_SECRET_LEN:
        return
    with _secrets_lock:
        if text in _secrets:
            return
        _secrets.add(text)
        # Longest first so a secret that contains another is masked whole.
        ordered = sorted(_secrets, key=len, reverse=True)
        _secrets_regex = re.compile("|".join(re.escape(s) for s in ordered))


def clear_registered_secrets() -> None:
    """Forget registered values (tests; after the user deletes a key)."""
    global _secrets_regex
    with _secrets_lock:
        _secrets.clear()
        _secrets_regex = None


def redact(text: str) -> str:
    """``text`` with registered secrets and credential patterns masked."""
    regex = _secrets_regex
    if regex is not None:
        text = regex.sub(MASK, text)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + MASK, text)
    return _PHONE_NUMBER.sub(_mask_number, text)


class RedactingFilter(logging.Filter):
    """Masks secrets in the message, its arguments, the traceback and the stack of a record.

    It freezes the formatted message into ``record.msg`` (args cleared), because a secret
    may hide in an argument's ``repr`` that only formatting reveals.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken %-format must not lose the record
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = redact(_format_exception(record.exc_info))
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def _format_exception(exc_info: Any) -> str:
    return "".join(traceback.format_exception(*exc_info)).rstrip("\n")


_installed_handlers: list[logging.Handler] = []
_fault_file: IO[str] | None = None
# Undo steps other layers hand in (Qt's message handler, from shell/qt_log.py): this module
# has no Qt of its own.
_teardown_hooks: list[Callable[[], None]] = []


def on_teardown(hook: Callable[[], None]) -> None:
    """Run ``hook`` at the next :func:`teardown_logging` that restores everything."""
    _teardown_hooks.append(hook)


def setup_logging(log_dir: Path, *, verbose: bool = False,
                  console: bool | None = None) -> Path:
    """Log to ``log_dir/ringohunt.log`` (1 MB x 5, UTF-8) and, if there is one, the console.

    ``console=None`` means "when stderr exists": None in a windowed frozen build. The console
    shows WARNING+ (DEBUG with ``verbose``) so a healthy run prints nothing there.
    Returns the log file path. Calling it again replaces the handlers it installed before.
    """
    global _fault_file
    teardown_logging(restore_qt=False)
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / LOG_FILE_NAME
    formatter = logging.Formatter(LOG_FORMAT)
    redactor = RedactingFilter()

    file_handler = _PrivateRotatingFileHandler(
        log_file, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8",
        delay=False,
    )
    file_handler.setLevel(logging.DEBUG if verbose else logging.INFO)
    file_handler.setFormatter(formatter)
    file_handler.addFilter(redactor)
    handlers: list[logging.Handler] = [file_handler]

    if console is None:
        console = sys.stderr is not None
    if console and sys.stderr is not None:
        stream_handler = logging.StreamHandler(sys.stderr)
        stream_handler.setLevel(logging.DEBUG if verbose else logging.WARNING)
        stream_handler.setFormatter(formatter)
        stream_handler.addFilter(redactor)
        handlers.append(stream_handler)

    root = logging.getLogger()
    for handler in handlers:
        root.addHandler(handler)
        _installed_handlers.append(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    # httpx logs every request at INFO and h11/httpcore dump headers at DEBUG; the filter
    # masks them anyway, but the noise would push useful lines out of 5 MB of log.
    for noisy in ("httpcore", "h11", "hpack", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.DEBUG if verbose else logging.WARNING)
    logging.captureWarnings(True)

    # faulthandler needs a real file descriptor; stderr may be None in a windowed build.
    _fault_file = open_private(log_dir / FAULT_FILE_NAME)
    faulthandler.enable(file=_fault_file, all_threads=True)
    return log_file


def open_private(path: Path, mode: str = "a") -> IO[str]:
    """Open a text file only its owner may read: logs hold the traces of customers' calls."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode
                                                           else os.O_TRUNC), 0o600)
    make_private(path)  # an older, more open file keeps its mode on open
    return os.fdopen(descriptor, mode, encoding="utf-8")


def make_private(path: Path) -> None:
    """Owner-only: 0600 for a file, 0700 for a folder (no-op where modes mean nothing)."""
    if os.name == "nt":
        return  # %LOCALAPPDATA% is private by its ACL; POSIX modes do not apply
    with contextlib.suppress(FileNotFoundError):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)


class _PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log whose every file, the rolled-over ones too, is owner-only."""

    def _open(self) -> Any:
        stream = super()._open()
        make_private(Path(self.baseFilename))
        return stream


def teardown_logging(*, restore_qt: bool = True) -> None:
    """Remove what :func:`setup_logging` installed (tests; before re-configuring)."""
    global _fault_file
    root = logging.getLogger()
    while _installed_handlers:
        handler = _installed_handlers.pop()
        root.removeHandler(handler)
        handler.close()
    if _fault_file is not None:
        if faulthandler.is_enabled():
            faulthandler.disable()
        _fault_file.close()
        _fault_file = None
    logging.captureWarnings(False)
    if restore_qt:
        while _teardown_hooks:
            _teardown_hooks.pop()()


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], Any]


def install_excepthook(show_dialog: Callable[[str], None] | None) -> ExceptHook:
    """Log uncaught exceptions (redacted) and tell the user via ``show_dialog(text)``.

    Qt calls Python slots from C++: an exception there reaches ``sys.excepthook`` and, with
    the default hook and no console, would disappear. Returns the previous hook.
    Threads get the same logging (no dialog: it must not be shown off the GUI thread).
    """
    previous = sys.excepthook
    crash_log = logging.getLogger("ringohunt_desktop.crash")
    in_hook = threading.local()

    def hook(exc_type: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        crash_log.critical("Uncaught exception", exc_info=(exc_type, exc, tb))
        if show_dialog is None or getattr(in_hook, "active", False):
            return
        in_hook.active = True  # a failing dialog must not recurse into this hook
        try:
            text = redact("".join(traceback.format_exception(exc_type, exc, tb)))
            show_dialog(text)
        except Exception:
            crash_log.exception("The error dialog itself failed")
        finally:
            in_hook.active = False

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        crash_log.critical(
            "Uncaught exception in thread %s",
            args.thread.name if args.thread else "?",
            exc_info=(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback),
        )

    sys.excepthook = hook
    threading.excepthook = thread_hook
    return previous
