"""The simulator's Ringostat webhooks, received by a plain loopback HTTP server that records
each request and answers a status the test sets (the relay's own tests receive them for real:
tests/test_relay_chain.py)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from ringohunt_desktop.core.webhooks import canonical_fields, parse_webhook_event
from ringohunt_desktop.relay.intake import read_webhook
from ringohunt_desktop.simulator import SimCredentials, SimOptions, Simulator
from ringohunt_desktop.simulator.people import AGENTS, TRACKING_NUMBER
from tests.conftest import FakeClock

OLENA = AGENTS[0]


class Receiver:
    """Records every webhook; answers ``status`` (or holds every answer while ``hold`` is
    set, to play a relay that hangs)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        self.hold = threading.Event()
        self.release = threading.Event()
        self.held = threading.Event()  # a request is being held right now
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if receiver.hold.is_set():
                    receiver.held.set()
                    receiver.release.wait(30)
                split = urlsplit(self.path)
                with receiver.changed:
                    receiver.requests.append({
                        "query": split.query, "body": body,
                        "content_type": self.headers.get("Content-Type", ""),
                        "user_agent": self.headers.get("User-Agent", "")})
                    receiver.changed.notify_all()
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/ringostat?secret=abc"

    def wait_for(self, count: int) -> list[dict[str, Any]]:
        """Until ``count`` requests arrived (the test's timeout bounds the wait)."""
        with self.changed:
            self.changed.wait_for(lambda: len(self.requests) >= count)
            return list(self.requests)

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()




@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def sim_options(receiver: Receiver) -> SimOptions:
    # Exact sequences by default; a test turns the cabinet's imperfections back on.
    return SimOptions(contacts=40, deals=10, calls_history_days=1, calls_per_day=5,
                      webhook_url=receiver.url, webhook_alias_rate=0.0,
                      webhook_duplicate_rate=0.0, webhook_late_rate=0.0,
                      webhook_retry_delay=0.5)




def raw(request: dict[str, Any]) -> dict[str, Any]:
    """The request as the relay reads it, before aliases are resolved."""
    return read_webhook(request["query"], request["content_type"], request["body"])


def parsed(request: dict[str, Any]) -> dict[str, str]:
    """The §4.2 keys the relay resolves from this request (all strings)."""
    return canonical_fields(raw(request))


def ring(sim: Simulator, **body: Any) -> str:
    answer = httpx.post(sim.url + "/_sim/ring", json={"agent": OLENA.sip_login, **body})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["call_id"])


def test_an_answered_call_sends_every_moment_in_order(sim: Simulator, clock: FakeClock,
                                                      receiver: Receiver) -> None:
    call_id = ring(sim, caller="0671234567", ring_seconds=4, talk_seconds=30)
    clock.now += 3600
    requests = receiver.wait_for(5)
    events = [parsed(r) for r in requests]
    assert [e["event"] for e in events] == ["call_start", "call_forwarding", "call_answered",
                                            "call_end", "ai_processed"]
    assert all("secret=abc" in r["query"] for r in requests)
    assert all(r["user_agent"] == "ringostat HTTP Client v1.1" for r in requests)
    start, forwarding, answered, end, ai = events
    assert (start["call_id"], start["caller"], start["dst"]) == (call_id, "380671234567",
                                                                 TRACKING_NUMBER)
    assert "employee_email" not in start  # before the call nobody is rung yet
    assert (forwarding["step"], forwarding["employee_email"]) == ("1", OLENA.email)
    assert answered["sip_login"] == OLENA.sip_login
    assert (end["disposition"], end["billsec"], end["duration"]) == ("ANSWERED", "30", "34")
    assert "recording" in end
    assert ai["ai_summary"]
    assert [parse_webhook_event(e).call_id for e in events] == [call_id] * 5
    assert len(httpx.get(sim.url + "/_sim/webhooks").json()) == 5


def test_missed_and_outgoing_calls_send_only_their_moments(sim: Simulator, clock: FakeClock,
                                                           receiver: Receiver) -> None:
    ring(sim, outcome="missed", ring_seconds=5)
    clock.now += 600
    missed = [parsed(r) for r in receiver.wait_for(3)]
    assert [e["event"] for e in missed] == ["call_start", "call_forwarding", "call_end"]
    assert missed[-1]["disposition"] == "NO ANSWER"
    assert "sip_login" not in missed[-1]
    ring(sim, direction="out", caller="0501112233")
    clock.now += 600
    outgoing = [parsed(r) for r in receiver.wait_for(6)[3:]]
    assert [e["event"] for e in outgoing] == ["call_start", "call_end", "ai_processed"]
    assert outgoing[0]["employee_email"] == OLENA.email  # the dialling employee


def test_a_failing_relay_gets_three_retries_then_the_webhook_is_given_up(
        sim: Simulator, clock: FakeClock, receiver: Receiver) -> None:
    receiver.status = 503
    ring(sim, outcome="missed", ring_seconds=1)
    while len(receiver.requests) < 12:  # 3 events × (1 + 3 retries)
        clock.now += 10  # each retry is due a little later
        time.sleep(0.02)
    log = httpx.get(sim.url + "/_sim/webhooks").json()
    starts = [d for d in log if d["event"] == "call_start"]
    assert [d["attempt"] for d in starts] == [1, 2, 3, 4]
    assert {d["status"] for d in log} == {503}


def test_aliases_and_duplicates(sim_options: SimOptions, receiver: Receiver) -> None:
    options = replace(sim_options, webhook_alias_rate=1.0, webhook_duplicate_rate=1.0)
    with Simulator(SimCredentials(), options) as sim:
        fake = FakeClock()
        sim.state.clock = fake
        call_id = ring(sim, ring_seconds=2, talk_seconds=5)
        fake.now += 600
        requests = receiver.wait_for(10)
    events = [raw(r) for r in requests]
    names = [e["event"] for e in events]
    assert Counter(names) == dict.fromkeys(
        ("call_start", "call_forwarding", "call_answered", "call_end", "ai_processed"), 2)
    assert list(dict.fromkeys(names)) == [  # first copies in order, second ones interleaved
        "call_start", "call_forwarding", "call_answered", "call_end", "ai_processed"]
    assert all("cdr_id" in e and "call_id" not in e for e in events)
    assert any("additional_call_data" in e for e in events)
    assert {parse_webhook_event(e).call_id for e in events} == {call_id}


def test_a_hanging_relay_never_blocks_the_simulator(sim: Simulator, clock: FakeClock,
                                                    receiver: Receiver) -> None:
    receiver.hold.set()
    first = ring(sim, ring_seconds=1, talk_seconds=1)
    clock.now += 60
    receiver.held.wait()  # the simulator's sender is stuck in the relay now…
    more = [ring(sim, ring_seconds=1, talk_seconds=1) for _ in range(20)]  # …and it still answers
    assert len(set([first, *more])) == 21
    calls = httpx.get(sim.url + "/_sim/ringostat/calls").json()
    assert {c["uniqueid"] for c in calls} >= set(more)
