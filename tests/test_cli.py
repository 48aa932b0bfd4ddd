"""Headless commands against the simulator, as IT would run them: real processes, real HTTP,
configured through the same environment variables as the simulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from ringohunt_desktop.simulator import SimCredentials, Simulator
from ringohunt_desktop.simulator.people import UNKNOWN_NUMBER, known
from tests.nats_fixtures import NatsNode, nats_server

__all__ = ["nats_server"]


def run_cli(basedir: Path, env: dict[str, str], *args: str,
            timeout: float = 60) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("RINGOHUNT_")}
    full_env.update(env)
    full_env["RINGOHUNT_MACHINE_CONFIG"] = os.devnull
    full_env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    return subprocess.run(
        [sys.executable, "-m", "ringohunt_desktop", "--basedir", str(basedir), *args],
        capture_output=True, text=True, env=full_env, timeout=timeout, check=False)


@pytest.fixture
def env(sim: Simulator) -> dict[str, str]:
    return sim.app_environment()


def test_check_reports_every_part(sim: Simulator, env: dict[str, str], basedir: Path) -> None:
    result = run_cli(basedir, env, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "credentials accepted" in result.stdout
    assert "Петренко Олена" in result.stdout
    assert "contacts folder: Contacts" in result.stdout
    assert "all checks passed" in result.stdout


def test_check_with_a_wrong_key_fails_with_one_line(sim: Simulator, env: dict[str, str],
                                                     basedir: Path) -> None:
    env = {**env, "RINGOHUNT_NETHUNT_API_KEY": "wrong-secret-value"}
    result = run_cli(basedir, env, "check")
    assert result.returncode == 3
    assert "[FAIL] NetHunt" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert "wrong-secret-value" not in result.stdout + result.stderr


def test_lookup_with_a_wrong_key_exits_3_with_a_one_line_reason(
        sim: Simulator, env: dict[str, str], basedir: Path) -> None:
    result = run_cli(basedir, {**env, "RINGOHUNT_NETHUNT_API_KEY": "nope"}, "lookup",
                     "0671234567")
    assert result.returncode == 3
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: NetHunt")
    assert "Traceback" not in result.stderr


def test_lookup_prints_contacts_only(sim: Simulator, env: dict[str, str], basedir: Path) -> None:
    result = run_cli(basedir, env, "lookup", "+38 (044) 222-33-44")
    assert result.returncode == 0, result.stderr
    names = sorted(c["name"] for c in json.loads(result.stdout))
    assert names == sorted([known("romashka_andrii").name, known("romashka_maria").name])
    for contact in json.loads(result.stdout):
        assert contact["link"].startswith("https://nethunt.com/web/#nethunt/")
    deal_only = run_cli(basedir, env, "lookup", known("deal_only").phones[0])
    assert json.loads(deal_only.stdout) == []
    unknown = run_cli(basedir, env, "lookup", UNKNOWN_NUMBER)
    assert json.loads(unknown.stdout) == []


@pytest.mark.parametrize("command", ["lookup", "call"])
def test_bad_numbers_exit_2_and_send_nothing(sim: Simulator, env: dict[str, str], basedir: Path,
                                             command: str) -> None:
    httpx.delete(sim.url + "/_sim/requests")
    result = run_cli(basedir, env, command, "not-a-number; rm -rf /")
    assert result.returncode == 2
    assert result.stderr.startswith("error: ")
    assert httpx.get(sim.url + "/_sim/requests").json() == []


def test_call_places_one_click_to_call_from_the_agents_sip(sim: Simulator, env: dict[str, str],
                                                           basedir: Path) -> None:
    result = run_cli(basedir, env, "call", "tel:+380-67-123-45-67")
    assert result.returncode == 0, result.stderr
    sent = [r for r in httpx.get(sim.url + "/_sim/requests").json()
            if r["path"] == "/callback/outward_call"]
    assert len(sent) == 1
    assert "extension=demoshopua_olena" in sent[0]["body"]
    assert "destination=380671234567" in sent[0]["body"]


def test_journal_prints_the_agents_calls_as_json_lines(sim: Simulator, env: dict[str, str],
                                                       basedir: Path) -> None:
    result = run_cli(basedir, env, "journal", "--since", "2000-01-01T00:00:00+00:00")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows
    assert {"call_id", "started_at", "direction", "number", "missed"} <= set(rows[0])
    missed = run_cli(basedir, env, "journal", "--since", "2000-01-01T00:00:00+00:00",
                     "--missed")
    assert all(json.loads(line)["missed"] for line in missed.stdout.splitlines())


def test_journal_refuses_a_bad_date(sim: Simulator, env: dict[str, str], basedir: Path) -> None:
    result = run_cli(basedir, env, "journal", "--since", "yesterday")
    assert result.returncode == 2
    assert "ISO" in result.stderr


def test_missing_settings_exit_2(basedir: Path) -> None:
    result = run_cli(basedir, {}, "check")
    assert result.returncode == 2
    assert "missing settings" in result.stderr


def test_network_down_exits_3(basedir: Path) -> None:
    env = SimCredentials().app_environment("http://127.0.0.1:9")  # nothing listens there
    result = run_cli(basedir, env, "lookup", "0671234567")
    assert result.returncode == 3
    assert "cannot connect" in result.stderr


def test_demo_check_needs_no_settings(basedir: Path) -> None:
    result = run_cli(basedir, {}, "--demo", "check")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("argv", "dial", "command"), [
    (["tel:+380671234567"], "tel:+380671234567", None),  # Windows: RingoHunt.exe "%1"
    (["callto:+380671234567"], "callto:+380671234567", None),
    (["--minimized", "TEL:0671234567"], "TEL:0671234567", None),  # schemes are case-blind
    (["--basedir", "/tmp/x", "tel:0671234567"], "tel:0671234567", None),  # .desktop %u
    (["call", "tel:+380671234567"], None, "call"),  # the link is call's NUMBER
    ([], None, None),
])
def test_a_tel_link_from_the_os_becomes_a_dial_not_an_unknown_command(
        argv: list[str], dial: str | None, command: str | None) -> None:
    from ringohunt_desktop.cli import build_parser, parse_command_line

    args = parse_command_line(build_parser(), argv)
    assert (args.dial, args.command) == (dial, command)


def test_commands_known_to_the_link_scanner_are_the_parsers_commands() -> None:
    import argparse

    from ringohunt_desktop.cli import COMMANDS, build_parser

    subparsers = next(action for action in build_parser()._actions
                      if isinstance(action, argparse._SubParsersAction))
    assert set(COMMANDS) == set(subparsers.choices)


def test_anything_else_in_the_command_position_is_still_refused(
        capsys: pytest.CaptureFixture[str]) -> None:
    from ringohunt_desktop.cli import build_parser, parse_command_line

    with pytest.raises(SystemExit) as exit_info:
        parse_command_line(build_parser(), ["mailto:someone@example.com"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_check_in_subscription_mode_binds_the_agents_consumer(
        env: dict[str, str], basedir: Path, nats_server: NatsNode) -> None:
    import asyncio

    from ringohunt_desktop.relay.broker import ConsumerSpec, StreamSpec, ensure_stream
    from tests.relay_support import PROJECT, STREAM, jetstream

    subscribing = {**env, "RINGOHUNT_CALL_SOURCE": "subscription",
                   "RINGOHUNT_BROKER_SERVERS": nats_server.url,
                   "RINGOHUNT_BROKER_PASSWORD": "unchecked-on-this-server"}
    result = run_cli(basedir, subscribing, "check")
    assert result.returncode == 3
    assert "[FAIL] call server" in result.stdout
    assert "unchecked-on-this-server" not in result.stdout + result.stderr

    async def provision_olena() -> None:
        async with jetstream([nats_server.url]) as js:
            await ensure_stream(js, StreamSpec(name=STREAM))
            await js.add_consumer(STREAM, ConsumerSpec().config(PROJECT, 4321))

    asyncio.run(provision_olena())
    result = run_cli(basedir, subscribing, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the agent's consumer is bound" in result.stdout
