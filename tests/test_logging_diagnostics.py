"""Logging setup, redaction, excepthook and the diagnostics zip (no secret may end up in it)."""

from __future__ import annotations

import logging
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ringohunt_desktop import logging_setup
from ringohunt_desktop.config import Config
from ringohunt_desktop.diagnostics import save_diagnostics
from ringohunt_desktop.logging_setup import (
    LOG_FILE_NAME,
    RedactingFilter,
    clear_registered_secrets,
    install_excepthook,
    redact,
    register_secret,
    setup_logging,
    teardown_logging,
)
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.shell import qt_log

RINGOSTAT_KEY = "rs-0f9e8d7c6b5a-SECRET"
NETHUNT_KEY = "nh-a1b2c3d4e5f6-SECRET"


@pytest.fixture
def logging_sandbox() -> Iterator[None]:
    """setup_logging() changes global state: root level, handlers, hooks. Put it all back."""
    root = logging.getLogger()
    level = root.level
    hook, thread_hook = sys.excepthook, threading.excepthook
    try:
        yield
    finally:
        teardown_logging()
        clear_registered_secrets()
        root.setLevel(level)
        sys.excepthook = hook
        threading.excepthook = thread_hook


@pytest.mark.parametrize(
    ("text", "leaked"),
    [
        ("GET /calls Auth-key: abcdef123456 ok", "abcdef123456"),
        ("headers={'Auth-Key': 'abcdef123456'}", "abcdef123456"),
        ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        ("authorization=Bearer tok.en.value", "tok.en.value"),
        ("https://x.test/api?api_key=k3y-value&x=1", "k3y-value"),
        ('{"api_key": "k3y-value"}', "k3y-value"),
        ("https://user:pa55word@proxy.corp:3128/", "pa55word"),
    ],
)
def test_patterns_are_masked_without_registration(text: str, leaked: str) -> None:
    masked = redact(text)
    assert leaked not in masked
    assert "***" in masked


def test_registered_values_masked_longest_first(logging_sandbox: None) -> None:
    register_secret("abcd1234")
    register_secret(Secret("abcd1234-and-more"))
    register_secret("ab")  # too short to mask usefully: ignored
    assert redact("k=abcd1234-and-more; again abcd1234; ab") == "k=***; again ***; ab"


def test_filter_masks_args_and_tracebacks(logging_sandbox: None) -> None:
    register_secret(RINGOSTAT_KEY)
    try:
        raise ValueError(f"server rejected {RINGOSTAT_KEY}")
    except ValueError:
        record = logging.getLogger("t").makeRecord(
            "t", logging.ERROR, __file__, 1, "config %r", (RINGOSTAT_KEY,), sys.exc_info())
    assert RedactingFilter().filter(record)
    formatted = logging.Formatter().format(record)
    assert RINGOSTAT_KEY not in formatted
    assert "server rejected ***" in formatted


def test_setup_logging_writes_rotating_utf8_file(tmp_path: Path, logging_sandbox: None) -> None:
    log_file = setup_logging(tmp_path / "logs", console=False)
    assert log_file == tmp_path / "logs" / LOG_FILE_NAME
    register_secret(NETHUNT_KEY)
    logging.getLogger("ringohunt_desktop.test").info("Дзвінок від %s, key %s", "Олена",
                                                      NETHUNT_KEY)
    text = log_file.read_text(encoding="utf-8")
    assert "Дзвінок від Олена" in text
    assert NETHUNT_KEY not in text
    # A second call replaces handlers instead of logging every line twice.
    setup_logging(tmp_path / "logs", console=False)
    logging.getLogger("ringohunt_desktop.test").info("once")
    assert log_file.read_text(encoding="utf-8").count("once") == 1
    assert (tmp_path / "logs" / logging_setup.FAULT_FILE_NAME).exists()


def test_no_console_handler_without_stderr(tmp_path: Path, logging_sandbox: None,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", None)  # what a windowed frozen build has
    setup_logging(tmp_path, console=None)
    ours = logging_setup._installed_handlers
    assert len(ours) == 1
    assert not any(type(h) is logging.StreamHandler for h in ours)


def test_excepthook_logs_redacted_and_calls_dialog(tmp_path: Path, logging_sandbox: None,
                                                   expect_log_warnings: None) -> None:
    log_file = setup_logging(tmp_path, console=False)
    register_secret(NETHUNT_KEY)
    shown: list[str] = []
    install_excepthook(shown.append)
    try:
        raise RuntimeError(f"boom with {NETHUNT_KEY}")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    assert len(shown) == 1
    assert "RuntimeError: boom with ***" in shown[0]
    assert NETHUNT_KEY not in shown[0]
    text = log_file.read_text(encoding="utf-8")
    assert "Uncaught exception" in text
    assert "boom with ***" in text
    assert NETHUNT_KEY not in text


def test_qt_messages_are_routed_into_logging(tmp_path: Path, logging_sandbox: None,
                                             caplog: pytest.LogCaptureFixture) -> None:
    from PySide6.QtCore import qDebug

    qt_log.install_qt_message_handler()
    with caplog.at_level(logging.DEBUG, logger="qt"):
        qDebug("hello from Qt")
    qt_log.uninstall_qt_message_handler()
    assert any(r.name.startswith("qt") and r.getMessage() == "hello from Qt"
               for r in caplog.records)


def test_diagnostics_zip_holds_no_secret(tmp_path: Path, logging_sandbox: None,
                                         expect_log_warnings: None) -> None:
    log_dir = tmp_path / "logs"
    # A log line written BEFORE anything was registered: only the zip-time redaction saves it.
    log_dir.mkdir()
    (log_dir / "ringohunt.log.1").write_text(f"old line with {RINGOSTAT_KEY}\n", "utf-8")
    setup_logging(log_dir, console=False)
    config = Config(ringostat_auth_key=Secret(RINGOSTAT_KEY),
                    nethunt_api_key=Secret(NETHUNT_KEY), nethunt_email="olena@shop.ua",
                    ringostat_project_id="11111")
    leaky = logging.getLogger("ringohunt_desktop.leaky")
    # Masked by pattern at write time:
    leaky.warning("sending Auth-key: %s", RINGOSTAT_KEY)
    # Not recognisable yet (nothing registered): reaches the file, the zip must mask it.
    leaky.error("NetHunt said no for %s:%s", "olena@shop.ua", NETHUNT_KEY)
    register_secret(config.ringostat_auth_key)
    register_secret(config.nethunt_api_key)
    leaky.warning("raw values %s %s", RINGOSTAT_KEY, NETHUNT_KEY)
    leaky.info("config repr %r dict %s", config, {"k": NETHUNT_KEY})

    target = save_diagnostics(
        tmp_path / "out" / "diag.zip", log_dir=log_dir, config=config,
        recent_errors=[f"401 from NetHunt with key {NETHUNT_KEY}", "timeout calls/list"])
    assert target.is_file()
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        assert {"versions.txt", "settings.json", "recent-errors.txt",
                "logs/ringohunt.log", "logs/ringohunt.log.1"} <= set(names)
        contents = {name: archive.read(name).decode("utf-8") for name in names}
    for name, text in contents.items():
        for secret in (RINGOSTAT_KEY, NETHUNT_KEY):
            assert secret not in text, f"{secret} leaked into {name}"
            assert secret[3:15] not in text, f"part of {secret} leaked into {name}"
    settings = contents["settings.json"]
    assert '"ringostat_auth_key": "set"' in settings
    assert '"nethunt_api_key": "set"' in settings
    assert '"nethunt_email": "olena@shop.ua"' in settings
    assert "pyside6" in contents["versions.txt"]
    assert "timeout calls/list" in contents["recent-errors.txt"]
    assert "raw values *** ***" in contents["logs/ringohunt.log"]


def test_diagnostics_marks_unset_secrets(tmp_path: Path, logging_sandbox: None) -> None:
    target = save_diagnostics(tmp_path / "d.zip", log_dir=tmp_path / "missing",
                              config=Config(), recent_errors=[])
    with zipfile.ZipFile(target) as archive:
        settings = archive.read("settings.json").decode()
        assert '"nethunt_api_key": "not set"' in settings
        assert "logs/README.txt" in archive.namelist()
