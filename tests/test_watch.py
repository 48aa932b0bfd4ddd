"""``ringohunt-desktop watch`` as IT runs it: a real process against the simulator over real
HTTP (and, in subscription mode, the relay and a real nats-server). Calls rung appear once
each, in order, with a plausible delay; a closed pipe and bad arguments end it cleanly."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from ringohunt_desktop.relay.server import RelayServer
from ringohunt_desktop.simulator import SimOptions, Simulator
from tests.nats_fixtures import NatsNode, free_port, nats_server
from tests.relay_support import SECRET, relay_settings, wait_healthy

__all__ = ["nats_server"]

RELAY_PORT = free_port()


def command(basedir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "ringohunt_desktop", "--basedir", str(basedir), *args]


def environment(sim: Simulator, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGOHUNT_")}
    env.update(sim.app_environment())
    env.update({"RINGOHUNT_MACHINE_CONFIG": os.devnull, "RINGOHUNT_POLL_INTERVAL": "0.3",
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring", **extra})
    return env


@pytest.fixture
def sim_options() -> SimOptions:
    return SimOptions(contacts=40, deals=10, calls_history_days=1, calls_per_day=5,
                      webhook_url=f"http://127.0.0.1:{RELAY_PORT}/ringostat?secret={SECRET}",
                      webhook_late_rate=0.0)


async def wait_for_requests(sim: Simulator, path_end: str) -> None:
    # The simulator has no event to await: look again every 50 ms.
    while not any(r["path"].endswith(path_end) for r in list(sim.state.requests)):  # noqa: ASYNC110
        await asyncio.sleep(0.05)


async def ring(client: httpx.AsyncClient, sim: Simulator, caller: str) -> str:
    answer = await client.post(sim.url + "/_sim/ring", json={
        "caller": caller, "ring_seconds": 2, "talk_seconds": 1})
    answer.raise_for_status()
    return str(answer.json()["call_id"])


async def watch_lines(sim: Simulator, basedir: Path, env: dict[str, str], wait_for: str,
                      *args: str) -> tuple[list[dict[str, Any]], list[str], int, str]:
    """Start watch, ring two calls once it is listening, collect what it prints."""
    process = await asyncio.create_subprocess_exec(
        *command(basedir, "watch", *args), env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    try:
        async with httpx.AsyncClient() as client:
            await wait_for_requests(sim, wait_for)
            await asyncio.sleep(0.5)
            rung = [await ring(client, sim, "067 123 45 67")]
            await asyncio.sleep(0.5)
            rung.append(await ring(client, sim, "050 111 22 33"))
        stdout, stderr = await asyncio.wait_for(process.communicate(), 90)
    except BaseException:
        process.kill()
        stdout, stderr = await process.communicate()
        print(f"watch's output:\n{stdout.decode()}\n{stderr.decode()}")
        raise
    lines = [json.loads(line) for line in stdout.decode().splitlines()]
    return lines, rung, process.returncode or 0, stderr.decode()


def test_rung_calls_appear_once_each_in_order_by_polling(sim: Simulator, basedir: Path) -> None:
    lines, rung, code, stderr = asyncio.run(watch_lines(
        sim, basedir, environment(sim), "calls/list", "--count", "2", "--for", "60"))
    assert code == 0, stderr
    assert [line["call_id"] for line in lines] == rung
    assert {line["phase"] for line in lines} == {"ringing"}
    assert {line["source"] for line in lines} == {"poll"}
    assert lines[0]["caller"] == "+380671234567"
    for line in lines:
        # A plausible delay, or the reason there is none; never negative.
        assert line["delay_s"] is None or 0 <= line["delay_s"] < 600
        assert line["received_at"] is not None


def test_a_closed_pipe_ends_watch_without_a_traceback(sim: Simulator, basedir: Path) -> None:
    env = environment(sim)

    async def scenario() -> tuple[int, str]:
        read_end, write_end = os.pipe()
        process = await asyncio.create_subprocess_exec(
            *command(basedir, "watch", "--for", "60"), env=env, stdout=write_end,
            stderr=subprocess.PIPE)
        os.close(write_end)
        async with httpx.AsyncClient() as client:
            await wait_for_requests(sim, "calls/list")
            await ring(client, sim, "067 123 45 67")
            with os.fdopen(read_end, "rb") as reader:
                first = await asyncio.to_thread(reader.readline)  # `head -1`
            assert json.loads(first)["phase"] == "ringing"
            await ring(client, sim, "050 111 22 33")  # written to a pipe nobody reads
            _stdout, stderr = await process.communicate()
        return process.returncode or 0, stderr.decode()

    code, stderr = asyncio.run(scenario())
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert "BrokenPipe" not in stderr


@pytest.mark.parametrize("args", [("--for", "0"), ("--for", "nan"), ("--count", "0"),
                                  ("--count", "two")])
def test_bad_arguments_are_one_line_and_exit_2(sim: Simulator, basedir: Path,
                                               args: tuple[str, ...]) -> None:
    result = subprocess.run(command(basedir, "watch", *args), env=environment(sim),
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_subscription_mode_needs_the_tray_app_closed_then_shows_the_calls(
        sim: Simulator, basedir: Path, nats_server: NatsNode) -> None:
    env = environment(sim, RINGOHUNT_CALL_SOURCE="subscription",
                      RINGOHUNT_BROKER_SERVERS=nats_server.url,
                      RINGOHUNT_BROKER_PASSWORD="unchecked-here")
    refused = subprocess.run(command(basedir, "watch", "--for", "5"), env=env,
                             capture_output=True, text=True, timeout=60, check=False)
    assert refused.returncode == 2
    assert "--exclusive" in refused.stderr
    assert refused.stderr.count("\n") == 1

    async def scenario() -> tuple[list[dict[str, Any]], list[str], int, str]:
        async with RelayServer(relay_settings([nats_server.url], port=RELAY_PORT)) as relay, \
                httpx.AsyncClient() as client:
            await wait_healthy(client, relay)
            return await watch_lines(sim, basedir, env, "json-rpc", "--exclusive",
                                     "--count", "2", "--for", "20")

    lines, rung, code, stderr = asyncio.run(scenario())
    assert code == 0, stderr
    assert [line["call_id"] for line in lines] == rung
    assert {line["source"] for line in lines} == {"subscription"}
    assert all(line["delay_s"] is not None and 0 <= line["delay_s"] < 600 for line in lines)
