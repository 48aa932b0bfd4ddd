"""The webhook relay against a real nats-server: formats, routing, dedup, refusals, logs,
broker outages, health, graceful shutdown. No mocked broker, no mocked HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ringohunt_desktop.core import subjects
from ringohunt_desktop.core.webhooks import parse_webhook_event
from ringohunt_desktop.relay.server import RelayServer
from tests.nats_fixtures import NatsNode, free_port, nats_server
from tests.relay_support import (
    CALLER,
    PROJECT,
    SECRET,
    STREAM,
    jetstream,
    messages_on,
    relay_settings,
    running_relay,
    subject_counts,
    wait_health,
    wait_healthy,
)

__all__ = ["nats_server"]  # the fixture, re-exported for pytest

OLENA = subjects.agent_subject(PROJECT, 4321)
ANDRII = subjects.agent_subject(PROJECT, 4322)
SARAH = subjects.agent_subject(PROJECT, 4323)
IRYNA = subjects.agent_subject(PROJECT, 4324)
UNASSIGNED = subjects.unassigned_subject(PROJECT)
MISSED = subjects.missed_subject(PROJECT)


async def raw_get(relay: RelayServer, target: str) -> str:
    """The status line for a GET no HTTP client library would send (httpx caps URLs)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", relay.port)
    try:
        writer.write(f"GET {target} HTTP/1.1\r\nHost: relay\r\n\r\n".encode())
        await writer.drain()
        return (await reader.readline()).decode().strip()
    finally:
        writer.close()
        await writer.wait_closed()


def with_secret(url: str, event: str) -> str:
    return f"{url}?event={event}&secret={SECRET}"


# ---------------------------------------------------------------- formats and routing

def test_get_form_and_json_webhooks_reach_the_agents_subject(nats_server: NatsNode) -> None:
    async def scenario() -> None:
        async with running_relay([nats_server.url]) as relay, httpx.AsyncClient() as client:
            await wait_healthy(client, relay)
            # GET with everything in the query string (the §4.2 keys).
            answer = await client.get(relay.url, params={
                "event": "call_answered", "secret": SECRET, "call_id": "ua-get",
                "caller": CALLER, "sip_login": "demoshopua_olena", "call_type": "in"})
            assert answer.status_code == 200, answer.text
            # A form body with aliases and PHP-style nested additional data.
            answer = await client.post(with_secret(relay.url, "call_end"), data={
                "uniqueid": "ua-form", "caller_id": CALLER, "status": "answered",
                "dialog": "42", "additional_call_data[connected_with]": "demoshopua_andrii"})
            assert answer.status_code == 200, answer.text
            # JSON, Webhooks 2.0 style: cdr_id, dst, nested additional_call_data.
            answer = await client.put(with_secret(relay.url, "call_end"), json={
                "cdr_id": "ua-json", "caller_number": CALLER, "dst": "380441110000",
                "disposition": "ANSWERED", "billsec": 12,
                "additional_call_data": {"employee_email": "Sarah@demo-shop.ua",
                                         "recording_wav": "https://rec.test/1.wav"}})
            assert answer.status_code == 200, answer.text
            # additional_call_data as JSON text in a query string.
            answer = await client.get(relay.url, params={
                "event": "ai_processed", "secret": SECRET, "call_id": "ua-ai",
                "ai_summary": "Клієнт хоче доставку",
                "additional_call_data": json.dumps({"employee_number": 4324})})
            assert answer.status_code == 200, answer.text

        async with jetstream([nats_server.url]) as js:
            assert await subject_counts(js) == {OLENA: 1, ANDRII: 1, SARAH: 1, IRYNA: 1}
            (olena,) = await messages_on(js, OLENA)
            (andrii,) = await messages_on(js, ANDRII)
            (sarah,) = await messages_on(js, SARAH)
            (iryna,) = await messages_on(js, IRYNA)
        assert (olena["event"], olena["call_id"], olena["caller"]) == (
            "call_answered", "ua-get", CALLER)
        assert olena["employee_email"] == "olena@demo-shop.ua"  # filled in from the directory
        assert olena["_msg_id"] == "ua-get:call_answered:agent.4321"
        assert (andrii["call_id"], andrii["disposition"], andrii["billsec"],
                andrii["sip_login"]) == ("ua-form", "answered", "42", "demoshopua_andrii")
        assert (sarah["call_id"], sarah["recording"], sarah["dst"]) == (
            "ua-json", "https://rec.test/1.wav", "380441110000")
        assert (iryna["ai_summary"], iryna["routed_to"]) == ("Клієнт хоче доставку",
                                                             "agent.4324")
        # What a desktop receives parses with the very parser the relay used.
        event = parse_webhook_event(andrii)
        assert (event.event, event.disposition, event.billsec) == ("call_end", "ANSWERED", 42)

    asyncio.run(scenario())


def test_a_forwarding_step_pops_at_every_agent_it_rings(nats_server: NatsNode) -> None:
    async def scenario() -> None:
        async with running_relay([nats_server.url]) as relay, httpx.AsyncClient() as client:
            await wait_healthy(client, relay)
            before = await client.post(with_secret(relay.url, "call_start"), json={
                "call_id": "ua-9", "caller": CALLER, "call_type": "in"})
            step = await client.post(with_secret(relay.url, "call_forwarding"), json={
                "call_id": "ua-9", "caller": CALLER, "call_type": "in", "step": 1,
                "employee_email": "olena@demo-shop.ua; andrii@demo-shop.ua"})
            group = await client.post(with_secret(relay.url, "call_forwarding"), json={
                "call_id": "ua-9", "caller": CALLER, "step": 2, "department": "Support"})
            missed = await client.post(with_secret(relay.url, "call_end"), json={
                "call_id": "ua-9", "caller": CALLER, "call_type": "in",
                "disposition": "NO ANSWER", "billsec": 0})
            assert [a.status_code for a in (before, step, group, missed)] == [200] * 4
        async with jetstream([nats_server.url]) as js:
            counts = await subject_counts(js)
            olena = await messages_on(js, OLENA)
            sarah = await messages_on(js, SARAH)
        # Nobody is named before the call; step 1 rings two agents, step 2 a department.
        assert counts == {UNASSIGNED: 2, OLENA: 1, ANDRII: 1, SARAH: 1, IRYNA: 1, MISSED: 1}
        assert olena[0]["employee_email"] == "olena@demo-shop.ua"
        assert olena[0]["sip_login"] == "demoshopua_olena"
        assert olena[0]["_msg_id"] == "ua-9:call_forwarding:1:agent.4321"
        assert sarah[0]["_msg_id"] == "ua-9:call_forwarding:2:agent.4323"
        assert parse_webhook_event(sarah[0]).disposition == "CALLING"

    asyncio.run(scenario())


def test_retries_and_a_second_relay_store_each_event_once(nats_server: NatsNode) -> None:
    body = {"call_id": "ua-dup", "caller": CALLER, "call_type": "in",
            "sip_login": "demoshopua_olena", "disposition": "ANSWERED", "billsec": 30}

    async def scenario() -> None:
        async with running_relay([nats_server.url]) as first, \
                running_relay([nats_server.url]) as second, httpx.AsyncClient() as client:
            await wait_healthy(client, first)
            await wait_healthy(client, second)
            answers = [await client.post(with_secret(relay.url, "call_end"), json=body)
                       for relay in (first, first, first, second, second)]
        assert [a.status_code for a in answers] == [200] * 5
        assert [a.json()["stored"] for a in answers] == [1, 0, 0, 0, 0]
        async with jetstream([nats_server.url]) as js:
            assert await subject_counts(js) == {OLENA: 1}

    asyncio.run(scenario())


# ---------------------------------------------------------------- refusals

DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize(("query", "content_type", "body", "status", "reason"), [
    ("event=call_end&call_id=1", "", b"", 401, "secret"),
    ("event=call_end&call_id=1&secret=wrong-secret-000000", "", b"", 401, "secret"),
    (f"event=call_end&secret={SECRET}", "application/json",
     b'{"call_id": "' + b"x" * (64 * 1024) + b'"}', 413, "64 KB"),
    (f"event=call_end&secret={SECRET}", "application/json", b'{"call_id": ', 400, "JSON"),
    (f"event=call_end&secret={SECRET}", "application/json", DEEP.encode(), 400, "nested"),
    (f"event=call_end&secret={SECRET}", "application/json", b"[1, 2]", 400, "object"),
    (f"event=call_end&secret={SECRET}", "application/json", b'{"call_id": NaN}', 400,
     "JSON"),
    (f"event=call_end&secret={SECRET}", "application/x-www-form-urlencoded",
     b"call_id=%FF%FE", 400, "UTF-8"),
    (f"event=call_end&secret={SECRET}", "application/json", b'{"call_id": "\xff"}', 400,
     "UTF-8"),
    (f"event=call_end&secret={SECRET}", "application/xml", b"<call/>", 400, "content type"),
    (f"event=call_end&secret={SECRET}", "application/json; charset=koi8-r", b"{}", 400,
     "UTF-8"),
    (f"event=hangup&secret={SECRET}&call_id=1", "", b"", 400, "not a call event"),
    (f"event=call_end&secret={SECRET}", "", b"", 400, "call id"),
    (f"event=call_end&secret={SECRET}&call_id=%E2%80%AE%00", "", b"", 400, "call id"),
])
def test_refusals_have_a_clear_status_and_store_nothing(
        nats_server: NatsNode, query: str, content_type: str, body: bytes, status: int,
        reason: str) -> None:
    async def scenario() -> None:
        async with running_relay([nats_server.url]) as relay, httpx.AsyncClient() as client:
            await wait_healthy(client, relay)
            headers = {"Content-Type": content_type} if content_type else {}
            answer = await client.post(f"{relay.url}?{query}", content=body, headers=headers)
            assert answer.status_code == status
            assert reason in answer.text
        async with jetstream([nats_server.url]) as js:
            assert await subject_counts(js) == {}

    asyncio.run(scenario())


def test_a_streamed_body_over_64_kb_is_refused_while_reading(nats_server: NatsNode) -> None:
    async def chunks() -> object:
        for _ in range(100):
            yield b"a" * 1024

    async def scenario() -> None:
        async with running_relay([nats_server.url]) as relay, httpx.AsyncClient() as client:
            answer = await client.post(with_secret(relay.url, "call_end"), content=chunks(),
                                       headers={"Content-Type": "application/json"})
            assert answer.status_code == 413

    asyncio.run(scenario())


def test_the_secret_and_full_numbers_never_reach_the_logs(
        nats_server: NatsNode, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    async def scenario() -> None:
        async with running_relay([nats_server.url]) as relay, httpx.AsyncClient() as client:
            await wait_healthy(client, relay)
            await client.get(relay.url, params={"event": "call_start", "secret": SECRET,
                                                "call_id": "ua-log", "caller": CALLER})
            await client.post(with_secret(relay.url, "call_end"), content=b"{oops",
                              headers={"Content-Type": "application/json"})
            await client.get(relay.url, params={"event": "call_end", "token": SECRET + "x",
                                                "caller": CALLER})
            await client.get(relay.url, params={"event": "nope", "secret": SECRET,
                                                "call_id": SECRET})
            # A request line aiohttp itself refuses (over 65 KB): found by the fuzz test,
            # aiohttp logged it at ERROR with the raw line, secret included.
            status_line = await raw_get(relay, f"/ringostat?secret={SECRET}&event={'x' * 70_000}")
            assert status_line.split()[1] == "400"

    asyncio.run(scenario())
    # Everything logged in this process except by httpx, which plays Ringostat here.
    text = "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records
                     if not r.name.startswith(("httpx", "httpcore")))
    assert "ua-log" in text  # the relay did log the call…
    assert SECRET not in text  # …without the secret
    assert CALLER not in text  # …or the caller's full number
    assert "380*******67" in text


# ---------------------------------------------------------------- broker outages and health

@pytest.mark.usefixtures("expect_log_warnings")
def test_broker_down_answers_503_and_ringostats_retry_lands_when_it_is_back(
        nats_server: NatsNode) -> None:
    body = {"call_id": "ua-outage", "caller": CALLER, "sip_login": "demoshopua_olena"}

    async def scenario() -> None:
        async with running_relay([nats_server.url]) as relay, httpx.AsyncClient() as client:
            await wait_healthy(client, relay)
            nats_server.stop()
            await wait_health(client, relay, 503)
            answers = [await client.post(with_secret(relay.url, "call_answered"), json=body)
                       for _ in range(3)]  # Ringostat's retries while the broker is down
            assert [a.status_code for a in answers] == [503] * 3
            assert all(a.headers["Retry-After"] for a in answers)
            health = await client.get(relay.base_url + "/healthz")
            assert health.status_code == 503
            assert health.json()["broker"] == "disconnected"

            nats_server.start()
            await wait_healthy(client, relay)
            retry = await client.post(with_secret(relay.url, "call_answered"), json=body)
            assert retry.status_code == 200
        async with jetstream([nats_server.url]) as js:
            assert await subject_counts(js) == {OLENA: 1}

    asyncio.run(scenario())


@pytest.mark.usefixtures("expect_log_warnings")
def test_health_says_disconnected_while_no_broker_answers() -> None:
    async def scenario() -> None:
        url = f"nats://127.0.0.1:{free_port()}"  # nothing listens there
        async with running_relay([url]) as relay, httpx.AsyncClient() as client:
            health = await client.get(relay.base_url + "/healthz")
            assert health.status_code == 503
            assert health.json()["broker"] == "disconnected"
            answer = await client.get(relay.url, params={"event": "call_start",
                                                         "secret": SECRET, "call_id": "1"})
            assert answer.status_code == 503

    asyncio.run(scenario())


def test_a_long_get_webhook_fits(nats_server: NatsNode) -> None:
    """An AI summary of 2,000 Cyrillic characters makes an 11 KB URL."""
    summary = "Клієнт просить передзвонити " * 70

    async def scenario() -> None:
        async with running_relay([nats_server.url]) as relay, httpx.AsyncClient() as client:
            await wait_healthy(client, relay)
            answer = await client.get(relay.url, params={
                "event": "ai_processed", "secret": SECRET, "call_id": "ua-long",
                "employee_id": "4321", "ai_summary": summary})
            assert len(str(answer.request.url)) > 8192
            assert answer.status_code == 200, answer.text
        async with jetstream([nats_server.url]) as js:
            (message,) = await messages_on(js, OLENA)
        assert message["ai_summary"] == summary.strip()

    asyncio.run(scenario())


def test_health_reports_the_broker_and_stream(nats_server: NatsNode) -> None:
    async def scenario() -> None:
        async with running_relay([nats_server.url]) as relay, httpx.AsyncClient() as client:
            await wait_healthy(client, relay)
            health = (await client.get(relay.base_url + "/healthz")).json()
        assert health == {"status": "ok", "broker": "connected",
                          "server": f"127.0.0.1:{nats_server.port}", "stream": STREAM,
                          "error": ""}

    asyncio.run(scenario())


# ---------------------------------------------------------------- the command

def test_sigterm_stops_the_relay_gracefully(nats_server: NatsNode, tmp_path: Path) -> None:
    port = free_port()
    secret_file = tmp_path / "secret"
    secret_file.write_text(SECRET + "\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "ringohunt_desktop.relay", "serve", "--project", PROJECT,
         "--listen", f"127.0.0.1:{port}", "--nats", nats_server.url,
         "--secret-file", str(secret_file)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=Path(__file__).parent.parent,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    try:
        with httpx.Client() as client:
            while True:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                try:
                    if client.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.05)
            answer = client.get(f"http://127.0.0.1:{port}/ringostat", params={
                "event": "call_start", "secret": SECRET, "call_id": "ua-cli", "caller": CALLER})
            assert answer.status_code == 200
        os.kill(process.pid, signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    log = err.decode()
    assert process.returncode == 0, log
    assert "stopping: finishing the requests in flight" in log
    assert "relay stopped" in log
    assert SECRET not in log
    assert CALLER not in log


def test_settings_refuse_a_relay_without_a_secret() -> None:
    with pytest.raises(ValueError, match="secret"):
        relay_settings(["nats://127.0.0.1:1"], secrets=("",))


def test_the_commands_log_filter_masks_secrets_in_messages_and_tracebacks() -> None:
    from ringohunt_desktop.relay.intake import RedactingFilter

    def record(message: str) -> logging.LogRecord:
        try:
            raise ValueError(f"GET /ringostat?secret={SECRET}&event=x")
        except ValueError:
            return logging.LogRecord("x", logging.ERROR, __file__, 1, message, (),
                                     sys.exc_info())

    entry = record(f"bad url /ringostat?token={SECRET}")
    RedactingFilter([SECRET]).filter(entry)
    text = logging.Formatter().format(entry)
    assert SECRET not in text
    assert "token=***" in text
    assert "secret=***" in text
