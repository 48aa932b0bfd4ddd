"""Security checks: no credential in any file the app writes, TLS verified against the OS trust
store for real hosts (plain HTTP only to loopback), a single-instance socket only its user can
open."""

from __future__ import annotations

import asyncio
import base64
import logging
import os
import ssl
import stat
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import truststore
from PySide6.QtNetwork import QLocalServer
from pytestqt.qtbot import QtBot

from ringohunt_desktop.clients.http import build_client
from ringohunt_desktop.config import (
    DEFAULT_NETHUNT_URL,
    DEFAULT_RINGOSTAT_URL,
    ConfigError,
    load_config,
)
from ringohunt_desktop.core.problems import SetupError
from ringohunt_desktop.core.session import Session
from ringohunt_desktop.diagnostics import save_diagnostics
from ringohunt_desktop.domain import LookupState, NewContact
from ringohunt_desktop.logging_setup import (
    clear_registered_secrets,
    register_secret,
    setup_logging,
    teardown_logging,
)
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.shell.single_instance import SingleInstance
from ringohunt_desktop.simulator import SimCredentials, Simulator
from ringohunt_desktop.simulator.people import UNKNOWN_NUMBER, known
from tests.conftest import signal_future
from tests.test_app_flow import AppRunner, panel_for, ring, started, until

RINGOSTAT_KEY = "rk_live_9f8e7d6c5b4a3210"
NETHUNT_KEY = "nh_api_ab12cd34ef56"
NETHUNT_EMAIL = "olena.ops@demo-shop.ua"


@pytest.fixture
def sim_credentials() -> SimCredentials:
    return SimCredentials(ringostat_auth_key=RINGOSTAT_KEY, nethunt_email=NETHUNT_EMAIL,
                          nethunt_api_key=NETHUNT_KEY)


@pytest.fixture
def app_logging(basedir: Path) -> Iterator[Path]:
    """The app's own logging, as the command line sets it up, into basedir/logs; undone after.

    Verbose on purpose: DEBUG is where HTTP libraries print the most.
    """
    root = logging.getLogger()
    level = root.level
    hook, thread_hook = sys.excepthook, threading.excepthook
    log_dir = AppPaths.under(basedir).ensure().log_dir
    setup_logging(log_dir, verbose=True, console=False)
    register_secret(RINGOSTAT_KEY)  # what cli.register_secrets does for every Secret setting
    register_secret(NETHUNT_KEY)
    try:
        yield log_dir
    finally:
        teardown_logging()
        clear_registered_secrets()
        root.setLevel(level)
        sys.excepthook, threading.excepthook = hook, thread_hook


def forbidden_strings() -> dict[str, bytes]:
    basic = base64.b64encode(f"{NETHUNT_EMAIL}:{NETHUNT_KEY}".encode()).decode()
    texts = {"Ringostat key": RINGOSTAT_KEY, "NetHunt key": NETHUNT_KEY,
             "NetHunt Basic auth": basic}
    found: dict[str, bytes] = {}
    for what, text in texts.items():
        found[what] = text.encode()
        found[f"{what} (UTF-16)"] = text.encode("utf-16-le")
    return found


def log_keys_on_purpose(session: Session) -> None:
    """Log every shape a credential has taken in a log line, so the scan below has something
    to find when the redaction is off: the headers as httpcore prints them (byte tuples), a
    key in a query string, a quoted value with spaces, the Basic value on its own."""
    logger = logging.getLogger("ringohunt_desktop.test.on_purpose")
    ringostat_headers = session.ringostat._http.client.headers.raw
    logger.debug("send_request_headers.started request=<Request [b'GET']> headers=%r",
                 list(ringostat_headers))
    auth = httpx.BasicAuth(session.config.nethunt_email, NETHUNT_KEY)
    signed = next(auth.auth_flow(httpx.Request("GET", session.config.nethunt_url)))
    logger.debug("send_request_headers.started headers=%r", list(signed.headers.raw))
    logger.info("GET %s?key=%s&x=1", session.config.ringostat_url, RINGOSTAT_KEY)
    logger.info("settings: password = '%s and more words'", NETHUNT_KEY)
    logger.info("Authorization value alone: %s",
                signed.headers["Authorization"].removeprefix("Basic "))


def every_written_blob(basedir: Path) -> Iterator[tuple[str, bytes]]:
    """Every file under basedir, and every member of every zip among them."""
    for path in sorted(p for p in basedir.rglob("*") if p.is_file()):
        data = path.read_bytes()
        yield str(path.relative_to(basedir)), data
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for member in archive.namelist():
                    yield f"{path.relative_to(basedir)}!{member}", archive.read(member)


@pytest.mark.gui
@pytest.mark.slow
def test_no_secret_in_any_file_after_a_full_run(
        sim: Simulator, basedir: Path, qloop: asyncio.AbstractEventLoop,
        app_logging: Path) -> None:
    runner = AppRunner(sim, basedir, qloop)
    diagnostics_zip = basedir / "diagnostics" / "ringohunt-diagnostics.zip"

    async def scenario() -> None:
        app = await started(runner())
        assert app.services is not None
        await asyncio.wait_for(signal_future(app.services.sync.synced), 20)
        known_call = await ring(sim, known("olena_koval").phones[0], utm_source="google")
        panel = await panel_for(app, known_call)
        await until(lambda: panel.lookup.state is LookupState.FOUND, 15, "the contact")
        unknown_call = await ring(sim, UNKNOWN_NUMBER)
        panel = await panel_for(app, unknown_call)
        await until(lambda: panel.lookup.state is LookupState.UNKNOWN, 15, "unknown")
        created = signal_future(app.services.crm.contact_created)
        app.services.crm.create_contact(NewContact(name="Нова Клієнтка",
                                                   phone_e164=UNKNOWN_NUMBER))
        await asyncio.wait_for(created, 15)
        placed = signal_future(app.services.dialer.call_placed)
        app.dial("tel:+380501112233")
        await asyncio.wait_for(placed, 10)
        await until(lambda: app.calls.count() > 0, 15, "the journal")
        logging.getLogger("ringohunt_desktop.test").info("config in the log: %r", app.config)
        log_keys_on_purpose(app.services.session)
        save_diagnostics(diagnostics_zip, log_dir=app.paths.log_dir, config=app.config,
                         recent_errors=[f"config: {app.config!r}"])

    runner.run(scenario())

    # The run really wrote what we are about to search.
    names = {name for name, _ in every_written_blob(basedir)}
    assert "config/picks.json" in names or any(n.startswith("cache/") for n in names)
    assert any(n.startswith("cache/ringohunt-") and ".sqlite3" in n for n in names)
    assert "logs/ringohunt.log" in names
    assert any(n.endswith("!settings.json") for n in names)
    assert any(n.endswith("!logs/ringohunt.log") for n in names)
    log_text = (app_logging / "ringohunt.log").read_text(encoding="utf-8")
    assert "calls/list" in log_text  # verbose: requests were logged, so a leak could show

    assert "on_purpose" in log_text  # the keys were logged, and masked
    leaks = [(name, what) for name, data in every_written_blob(basedir)
             for what, needle in forbidden_strings().items() if needle in data]
    assert leaks == []
    # Customers' numbers are in request URLs and answers; the log keeps none whole.
    for number in (known("olena_koval").phones[0], UNKNOWN_NUMBER, "+380501112233"):
        digits = number.lstrip("+")
        assert digits not in log_text, number
        assert digits[3:] not in log_text, number


def test_the_secret_scan_finds_keys_when_redaction_is_off(
        sim: Simulator, basedir: Path, app_logging: Path,
        monkeypatch: pytest.MonkeyPatch, run_async: Any) -> None:
    """The scan above is only worth something if it would see a leak: with the filter off,
    every shape logged on purpose is found."""
    from ringohunt_desktop.logging_setup import RedactingFilter

    monkeypatch.setattr(RedactingFilter, "filter", lambda _self, _record: True)
    config = load_config(AppPaths.under(basedir), env={
        **sim.app_environment(), "RINGOHUNT_MACHINE_CONFIG": os.devnull})

    async def log_them() -> None:
        async with Session(config) as session:
            log_keys_on_purpose(session)

    run_async(log_them())
    found = {what for name, data in every_written_blob(basedir)
             for what, needle in forbidden_strings().items() if needle in data}
    assert {"Ringostat key", "NetHunt key", "NetHunt Basic auth"} <= found


@pytest.mark.parametrize(("text", "secret"), [
    ("headers=[(b'Auth-key', b'rk_live_9f8e7d6c5b4a3210')]", RINGOSTAT_KEY),
    ("headers=[(b'Authorization', b'Basic b2xlbmEub3BzQGRlbW8tc2hvcC51YTpuaA==')]",
     "b2xlbmEub3BzQGRlbW8tc2hvcC51YTpuaA=="),
    ("GET https://api.test/x?key=some-key-value&a=1", "some-key-value"),
    ("password: 'correct horse battery'", "horse battery"),
    ('{"api_key": "two words"}', "two words"),
    ("Auth-key: key with spaces", "with spaces"),
])
def test_redaction_masks_the_shapes_it_used_to_miss(text: str, secret: str) -> None:
    from ringohunt_desktop.logging_setup import redact

    assert secret not in redact(text)


def test_the_nethunt_basic_value_is_registered_as_a_secret(logging_sandbox_like: None) -> None:
    from ringohunt_desktop.core.session import basic_auth_value, open_nethunt
    from ringohunt_desktop.logging_setup import redact

    client = open_nethunt("https://nethunt.test/api", NETHUNT_EMAIL, NETHUNT_KEY, timeout=1)
    basic = basic_auth_value(NETHUNT_EMAIL, NETHUNT_KEY)
    assert basic not in redact(f"some line with {basic} in it")
    asyncio.run(client.aclose())


@pytest.fixture
def logging_sandbox_like() -> Iterator[None]:
    try:
        yield
    finally:
        clear_registered_secrets()


def test_phone_numbers_are_shortened_in_log_lines() -> None:
    from ringohunt_desktop.logging_setup import redact

    line = ("GET /searches/find-record/f1?query=%22Phone%22%3A%22%2B380671234567%22 "
            "destination=380501112233 caller 0671234567 call ua-1796005091.000001")
    masked = redact(line)
    for digits in ("380671234567", "380501112233", "0671234567", "671234567"):
        assert digits not in masked
    assert "ua-1796005091.000001" in masked  # a call id stays readable


# ---------------------------------------------------------------- files owner-only


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual umask (022): without care, files come out 0644 and folders 0755."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_folders_and_files_with_customer_data_are_owner_only(
        tmp_path: Path, open_umask: None, logging_sandbox_like: None) -> None:
    from ringohunt_desktop.core.lookup import PickMemory
    from ringohunt_desktop.store.db import Database

    paths = AppPaths.under(tmp_path / "base")
    paths.config_dir.mkdir(parents=True, mode=0o755)  # as an older version left it
    paths.ensure()
    for folder in (paths.config_dir, paths.cache_dir, paths.log_dir):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    database = Database.open(paths.database_file_for("account"))
    try:
        with database.transaction() as connection:
            connection.execute("CREATE TABLE IF NOT EXISTS t (x)")
            connection.execute("INSERT INTO t VALUES (1)")
        PickMemory(paths.config_dir / "picks.json").remember("+380671234567", "rec-1")
        root = logging.getLogger()
        level = root.level
        try:
            setup_logging(paths.log_dir, console=False)
            logging.getLogger("ringohunt_desktop.test").info("a line")
        finally:
            teardown_logging()
            root.setLevel(level)
        files = [p for p in (tmp_path / "base").rglob("*") if p.is_file()]
        assert any(p.name.endswith("-wal") for p in files)
        assert {p.name for p in files} >= {"ringohunt-account.sqlite3", "picks.json",
                                           "ringohunt.log", "crash-faulthandler.log"}
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    finally:
        database.close()


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_the_command_line_creates_everything_owner_only(
        sim: Simulator, tmp_path: Path) -> None:
    import subprocess

    basedir = tmp_path / "cli-base"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGOHUNT_")}
    env.update(sim.app_environment(), RINGOHUNT_MACHINE_CONFIG=os.devnull,
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    result = subprocess.run(
        ["sh", "-c", 'umask 022 && exec "$0" -m ringohunt_desktop --basedir "$1" check',
         sys.executable, str(basedir)],
        env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    for path in basedir.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
    # The simulator saw the real keys, so the app did send them (the search is meaningful).
    requests = httpx.get(sim.url + "/_sim/requests").json()
    assert any(r["service"] == "ringostat" and r.get("status") == 200 for r in requests)


# ---------------------------------------------------------------- TLS


def _ssl_context_of(client: httpx.AsyncClient) -> ssl.SSLContext:
    pool = client._transport._pool  # type: ignore[attr-defined]
    context = pool._ssl_context
    assert isinstance(context, ssl.SSLContext)
    return context


@pytest.mark.parametrize("url", [DEFAULT_RINGOSTAT_URL, DEFAULT_NETHUNT_URL,
                                 "https://crm.corp.example:8443/api"])
def test_real_hosts_are_verified_against_the_os_trust_store(url: str) -> None:
    client = build_client(url)
    try:
        context = _ssl_context_of(client)
        assert isinstance(context, truststore.SSLContext)
        assert context.check_hostname is True
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.minimum_version >= ssl.TLSVersion.TLSv1_2
    finally:
        asyncio.run(client.aclose())


def test_the_default_services_are_https(tmp_path: Path) -> None:
    config = load_config(AppPaths.under(tmp_path), env={"RINGOHUNT_MACHINE_CONFIG": os.devnull})
    assert config.ringostat_url.startswith("https://")
    assert config.nethunt_url.startswith("https://")


def _credentials_env(ringostat_url: str, nethunt_url: str) -> dict[str, str]:
    return {"RINGOHUNT_MACHINE_CONFIG": os.devnull,
            "RINGOHUNT_RINGOSTAT_URL": ringostat_url, "RINGOHUNT_NETHUNT_URL": nethunt_url,
            "RINGOHUNT_RINGOSTAT_AUTH_KEY": RINGOSTAT_KEY,
            "RINGOHUNT_RINGOSTAT_PROJECT_ID": "11111",
            "RINGOHUNT_NETHUNT_EMAIL": NETHUNT_EMAIL, "RINGOHUNT_NETHUNT_API_KEY": NETHUNT_KEY,
            "RINGOHUNT_AGENT": "olena@demo-shop.ua"}


def _refused_before_sending(tmp_path: Path, ringostat_url: str, nethunt_url: str) -> bool:
    """True when the settings, the session or the HTTP layer refuses these addresses."""
    try:
        config = load_config(AppPaths.under(tmp_path),
                             env=_credentials_env(ringostat_url, nethunt_url))
        session = Session(config)
    except (ConfigError, SetupError, ValueError):
        return True
    asyncio.run(session.aclose())
    return False


@pytest.mark.parametrize(("ringostat_url", "nethunt_url"), [
    ("http://api.ringostat.net", DEFAULT_NETHUNT_URL),
    (DEFAULT_RINGOSTAT_URL, "http://nethunt.com/api/v1/zapier"),
    ("http://10.0.0.5:8080", DEFAULT_NETHUNT_URL),
])
def test_plain_http_is_refused_for_non_loopback_hosts(tmp_path: Path, ringostat_url: str,
                                                      nethunt_url: str) -> None:
    # The Auth-key travels in a header and the NetHunt key in Basic auth: over plain HTTP to
    # a real host both would cross the network readable by anyone on the path.
    assert _refused_before_sending(tmp_path, ringostat_url, nethunt_url)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_plain_http_is_allowed_to_loopback(tmp_path: Path, host: str) -> None:
    url = f"http://{host}:8765"
    assert not _refused_before_sending(tmp_path, url, url + "/api/v1/zapier")


# ---------------------------------------------------------------- single instance


@pytest.mark.skipif(sys.platform == "win32", reason="Unix socket file permissions")
def test_single_instance_socket_is_private_to_its_user(qtbot: QtBot, tmp_path: Path) -> None:
    name = f"ringohunt-security-test-{os.getpid()}"
    instance = SingleInstance(name)
    try:
        assert instance.claim()
        server = instance._server
        assert server is not None
        assert server.socketOptions() & QLocalServer.SocketOption.UserAccessOption
        socket_path = Path(server.fullServerName())
        info = socket_path.stat()
        assert stat.S_ISSOCK(info.st_mode)
        assert info.st_uid == os.getuid()
        assert stat.S_IMODE(info.st_mode) & 0o077 == 0, oct(info.st_mode)
    finally:
        instance.release()
