"""Issue 12: what an attacker or a careless admin feeds the headless commands. Each ends in
one line and exit 2 (bad input or settings) or 3 (the service), never a traceback; text from
a server never reaches the terminal raw. Real processes over real HTTP."""

from __future__ import annotations

import datetime
import ipaddress
import json
import os
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from ringohunt_desktop.shell.launch import instance_message
from ringohunt_desktop.shell.single_instance import parse_message
from ringohunt_desktop.simulator import SimCredentials, Simulator
from tests.hostile_server import Answer, hostile_server
from tests.test_cli import run_cli

HOSTILE_TEXT = "\x1b[2J\x1b]0;pwned\x07\rOK \u202eevil"


@pytest.fixture
def env(sim: Simulator) -> dict[str, str]:
    return sim.app_environment()


def assert_one_clean_line(result: subprocess.CompletedProcess[str], code: int) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1, result.stderr


@pytest.mark.parametrize("option", [("--since", "0001-01-01"),
                                    ("--until", "9999-12-31T23:59:59")])
def test_journal_dates_at_the_ends_of_time_are_bad_input(
        sim: Simulator, env: dict[str, str], basedir: Path, option: tuple[str, str]) -> None:
    result = run_cli(basedir, env, "journal", *option)
    assert_one_clean_line(result, 2)
    assert option[0] in result.stderr


def test_journal_into_a_closed_pipe_ends_quietly(sim: Simulator, env: dict[str, str],
                                                 basedir: Path) -> None:
    """``journal | head -1``: the reader is gone before the first line is written."""
    reader, writer = os.pipe()
    os.close(reader)  # no reader at all: every write fails, deterministically
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("RINGOHUNT_")}
    full_env.update(env, RINGOHUNT_MACHINE_CONFIG=os.devnull,
                    PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ringohunt_desktop", "--basedir", str(basedir), "journal",
             "--since", "2000-01-01T00:00:00+00:00"],
            stdout=writer, stderr=subprocess.PIPE, text=True, env=full_env, timeout=60,
            check=False)
    finally:
        os.close(writer)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_a_non_ascii_auth_key_is_a_setting_to_fix(sim: Simulator, env: dict[str, str],
                                                  basedir: Path) -> None:
    result = run_cli(basedir, {**env, "RINGOHUNT_RINGOSTAT_AUTH_KEY": "ключ-секрет"}, "check")
    assert_one_clean_line(result, 2)
    assert "ringostat_auth_key" in result.stderr
    assert "ключ-секрет" not in result.stdout + result.stderr


def test_a_basedir_that_is_a_file_is_bad_input(tmp_path: Path) -> None:
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    result = run_cli(a_file, {}, "check")
    assert_one_clean_line(result, 2)
    assert str(a_file) in result.stderr


def test_a_settings_file_without_meta_that_cannot_be_upgraded_is_still_read(
        sim: Simulator, env: dict[str, str], basedir: Path) -> None:
    config_dir = basedir / "config"
    config_dir.mkdir()
    (config_dir / "settings.ini").write_text("[settings]\ncontacts_folder = Contacts\n")
    # The upgrade's backup cannot be written (a folder is in its way: even root cannot
    # write there, unlike a read-only folder).
    (config_dir / "settings.ini.v0.bak").mkdir()
    result = run_cli(basedir, env, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "all checks passed" in result.stdout


def test_a_time_zone_nobody_has_is_a_setting_to_fix(sim: Simulator, env: dict[str, str],
                                                    basedir: Path) -> None:
    config_dir = basedir / "config"
    config_dir.mkdir()
    (config_dir / "settings.ini").write_text(
        "[meta]\nschema_version = 1\n[settings]\nproject_timezone = Mars/Olympus\n")
    result = run_cli(basedir, env, "journal")
    assert_one_clean_line(result, 2)
    assert "project_timezone" in result.stderr
    assert "Mars/Olympus" in result.stderr


def test_an_answer_nested_thousands_deep_is_a_bad_answer(basedir: Path) -> None:
    with hostile_server(Answer(body=b"[" * 200_000 + b"]" * 200_000)) as (url, _answer):
        env = SimCredentials().app_environment(url)
        result = run_cli(basedir, env, "journal")
    assert_one_clean_line(result, 3)
    assert "not valid JSON" in result.stderr


def test_server_text_never_reaches_the_terminal_raw(basedir: Path) -> None:
    body = json.dumps({"message": HOSTILE_TEXT}).encode()
    with hostile_server(Answer(status=400, body=body)) as (url, _answer):
        env = SimCredentials().app_environment(url)
        check = run_cli(basedir, env, "check")
        lookup = run_cli(basedir, env, "lookup", "0671234567")
    for output in (check.stdout, check.stderr, lookup.stdout, lookup.stderr):
        for character in "\x1b\x07\r\u202e":
            assert character not in output, repr(output)
    assert "\\x1b" in check.stdout
    assert "\\u202e" in lookup.stderr
    assert_one_clean_line(lookup, 3)


def test_input_echoed_in_an_error_is_escaped(sim: Simulator, env: dict[str, str],
                                             basedir: Path) -> None:
    result = run_cli(basedir, env, "journal", "--since", "\x1b[31mred\x07")
    assert_one_clean_line(result, 2)
    assert "\x1b" not in result.stderr
    assert "\x07" not in result.stderr


def test_an_extension_in_a_tel_link_is_said_not_dropped(sim: Simulator, env: dict[str, str],
                                                       basedir: Path) -> None:
    result = run_cli(basedir, env, "call", "tel:+380671234567;ext=1")
    assert result.returncode == 0, result.stderr
    assert "extension 1" in result.stdout
    sent = [r for r in httpx.get(sim.url + "/_sim/requests").json()
            if r["path"] == "/callback/outward_call"]
    assert len(sent) == 1


def test_a_600_digit_link_still_reaches_the_running_copy() -> None:
    """It used to be dropped by the channel's field limit, and the launch then said the
    running copy "did not answer"; now the running copy gets it and refuses it visibly."""
    message = instance_message("tel:+" + "3" * 600)
    line = json.dumps(message).encode()
    assert parse_message(line) == message
    assert instance_message(None) == {"action": "show"}


# ---------------------------------------------------------------- TLS on loopback


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that no trust store knows."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ringohunt-untrusted.test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


class _Nothing(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()


@pytest.fixture
def untrusted_https(tmp_path: Path) -> Iterator[str]:
    pytest.importorskip("cryptography")
    cert_file, key_file = _self_signed_certificate(tmp_path)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Nothing)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_an_untrusted_certificate_is_named_not_called_a_network_failure(
        untrusted_https: str, basedir: Path, run_async: Any) -> None:
    from ringohunt_desktop.clients.errors import CertificateError, Reason
    from ringohunt_desktop.core.session import open_ringostat
    from ringohunt_desktop.services.failures import describe

    async def staff() -> None:
        async with open_ringostat(untrusted_https, "key-1234", "11111", timeout=5) as client:
            await client.staff()

    with pytest.raises(CertificateError) as caught:
        run_async(staff())
    assert caught.value.host == "127.0.0.1"
    assert caught.value.reason is Reason.UNTRUSTED_CERTIFICATE
    assert "certificate is not trusted" in caught.value.user_message
    assert "127.0.0.1" in describe(caught.value)

    env = SimCredentials().app_environment(untrusted_https)
    result = run_cli(basedir, env, "lookup", "0671234567")
    assert_one_clean_line(result, 3)
    assert "certificate is not trusted (127.0.0.1" in result.stderr
    assert "cannot connect" not in result.stderr
