"""Hostile webhooks, generated: the relay's request reading either yields messages a desktop
can parse or refuses with 400/413, whatever arrives (deep nesting, huge elements, control and
bidi characters, bad encodings, odd content types); over real HTTP, against a real broker, it
answers only 200/400/401/413, never 500, and keeps serving.

Same strength as tests/test_fuzz_parsers.py: thousands of cases for the parsing, a few hundred
over HTTP (each a real request and, when accepted, a real JetStream publish)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import httpx
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from ringohunt_desktop.core.webhooks import (
    EVENT_TYPES,
    InvalidEvent,
    canonical_fields,
    parse_webhook_event,
)
from ringohunt_desktop.relay import routing
from ringohunt_desktop.relay.intake import MAX_BODY_BYTES, Refusal, read_webhook
from ringohunt_desktop.relay.server import MAX_REQUEST_LINE, RelayServer
from tests.nats_fixtures import NatsNode, nats_server
from tests.relay_support import PROJECT, SECRET, relay_settings, sim_directory

__all__ = ["nats_server"]

FUZZ = settings(max_examples=2000, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.data_too_large])
FUZZ_HTTP = settings(FUZZ, max_examples=300,
                     suppress_health_check=[*FUZZ.suppress_health_check,
                                            HealthCheck.function_scoped_fixture])

# ---------------------------------------------------------------- strategies

HOSTILE_CHARS = ["\x00", "\x1b[31m", "\r\n", "\u202e", "\u2066", "\u200f", "\ufeff", "\ud800",
                 "\u0000", "%", "&", "=", "+", "[", "]", "{", "}", '"', "\\", "ü", "Ї", "😀"]
hostile_text = st.one_of(
    st.text(max_size=30),
    st.lists(st.sampled_from(HOSTILE_CHARS) | st.text(max_size=4), max_size=12).map("".join),
    st.integers(2500, 70_000).map(lambda n: "x" * n),  # huge elements
)
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
                         st.floats(allow_nan=True, allow_infinity=True), hostile_text)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=8)
keys = st.sampled_from(["event", "call_id", "uniqueid", "cdr_id", "caller", "caller_id", "dst",
                        "disposition", "status", "billsec", "dialog", "sip_login",
                        "connected_with", "employee_email", "employee_id", "department", "step",
                        "additional_call_data", "secret", "token"]) | st.text(max_size=8)
events = st.sampled_from([*EVENT_TYPES, "CALL_END", "hangup", ""]) | hostile_text
event_objects = st.fixed_dictionaries(
    {"event": events, "call_id": hostile_text | json_values},
    optional={"caller": hostile_text, "sip_login": hostile_text,
              "employee_email": hostile_text, "employee_id": json_values,
              "department": hostile_text, "step": json_values,
              "additional_call_data": st.dictionaries(keys, json_values, max_size=5)
              | json_values | hostile_text})


def _nested(depth: int) -> bytes:
    return b'{"additional_call_data":' * depth + b"{}" + b"}" * depth


def _json_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=True)


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, "surrogatepass") if encoding == "utf-8" else \
        text.encode(encoding, "replace")


bodies = st.one_of(
    st.just(b""),
    st.binary(max_size=300),
    st.tuples(event_objects.map(_json_text), st.sampled_from(["utf-8", "utf-16", "latin-1"]))
    .map(lambda pair: _encode(*pair)),
    json_values.map(lambda v: _json_text(v).encode("utf-8", "surrogatepass")),
    st.dictionaries(keys, hostile_text, max_size=8).map(
        lambda d: urlencode(d, encoding="utf-8", errors="surrogatepass").encode()),
    st.integers(1, 40_000).map(lambda n: b"[" * n),  # deep nesting
    st.integers(1, 10_000).map(_nested),
    st.integers(MAX_BODY_BYTES - 8, MAX_BODY_BYTES + 64).map(lambda n: b'{"a":"' + b"x" * n),
)
content_types = st.sampled_from([
    "", "application/json", "application/json; charset=utf-8", "application/json; charset=koi8-r",
    "application/x-www-form-urlencoded", "text/plain", "application/xml", "multipart/form-data",
    "application/vnd.ringostat+json", "text/json; charset=\"UTF-8\"", "\u00e9/\u00e9"])
queries = st.one_of(
    st.dictionaries(keys, hostile_text, max_size=6).map(
        lambda d: urlencode(d, encoding="utf-8", errors="surrogatepass")),
    st.text(max_size=60).map(lambda t: quote(t, safe="=&%", errors="surrogatepass")),
    st.sampled_from(["event=call_end&call_id=%FF%FE", "event=%E2%80%AE", "a[b]=c&&&==",
                     "additional_call_data=" + quote("[" * 500),
                     "additional_call_data%5Bconnected_with%5D=x&event=call_answered&call_id=1",
                     "event=call_forwarding&call_id=1&department=Support,Sales&step=%00"]),
)


# ---------------------------------------------------------------- the parsing

def check_accepted(fields: dict[str, object]) -> None:
    """An accepted webhook becomes messages with header-safe ids and payloads a desktop
    parses into the same event."""
    event = parse_webhook_event(fields)
    deliveries = routing.route(event, canonical_fields(fields), sim_directory(), project=PROJECT)
    assert deliveries
    for delivery in deliveries:
        assert delivery.subject.startswith(f"ringohunt.calls.{PROJECT}.")
        assert delivery.msg_id.isascii()
        assert delivery.msg_id.isprintable()
        assert " " not in delivery.msg_id
        assert len(delivery.msg_id) < 300
        payload = json.loads(delivery.payload)
        again = parse_webhook_event(payload, received_at=event.received_at)
        assert (again.call_id, again.event, again.caller) == (
            event.call_id, event.event, event.caller)
        for value in payload.values():
            text = str(value)
            assert text.isprintable()  # no control, bidi or surrogate characters survive


def outcome(query: str, content_type: str, body: bytes) -> int:
    """The status the relay would answer, short of the broker: 200, or the refusal's."""
    try:
        fields = read_webhook(query, content_type, body)
    except Refusal as refusal:
        status, reason = refusal.status, refusal.reason
    else:
        try:
            check_accepted(fields)
        except InvalidEvent as exc:
            status, reason = 400, str(exc)
        else:
            return 200
    assert reason
    assert "\n" not in reason  # the reason is answered and logged as one line
    return status


@FUZZ
@given(queries, content_types, bodies)
@example("event=call_end&call_id=1", "application/json", b"[" * 40_000)
@example("event=call_end", "application/json", b'{"call_id": 1e999, "billsec": NaN}')
@example("event=call_end", "application/json", b'{"call_id": "' + b"9" * 5000 + b'"}')
@example("event=call_end", "", b'{"call_id": "\\ud800x"}')
def test_any_request_is_read_or_refused_with_400_or_413(query: str, content_type: str,
                                                        body: bytes) -> None:
    assert outcome(query, content_type, body) in (200, 400, 413)


@FUZZ
@given(event_objects, st.sampled_from(["json", "form", "query"]))
def test_event_shaped_requests_in_every_format(fields: dict[str, object], form: str) -> None:
    flat = {k: v if isinstance(v, str) else _json_text(v) for k, v in fields.items()}
    if form == "json":
        query, content_type = "", "application/json"
        body = _json_text(fields).encode("utf-8", "surrogatepass")
    elif form == "form":
        query, content_type = "", "application/x-www-form-urlencoded"
        body = urlencode(flat, errors="surrogatepass").encode()
    else:
        query, content_type, body = urlencode(flat, errors="surrogatepass"), "", b""
    assert outcome(query, content_type, body) in (200, 400, 413)


# ---------------------------------------------------------------- over HTTP

class RelayThread:
    """The relay on its own event loop in a thread, so hypothesis can drive it with plain
    synchronous requests example after example."""

    def __init__(self, servers: list[str]) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.server = RelayServer(relay_settings(servers))
        asyncio.run_coroutine_threadsafe(self.server.start(), self.loop).result(30)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)
        self.loop.close()


@pytest.fixture
def relay_over_http(nats_server: NatsNode) -> Iterator[tuple[RelayServer, httpx.Client]]:
    relay = RelayThread([nats_server.url])
    try:
        with httpx.Client(timeout=30) as client:
            while client.get(relay.server.base_url + "/healthz").status_code != 200:
                pass
            yield relay.server, client
    finally:
        relay.stop()


@FUZZ_HTTP
@given(method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
       secret=st.sampled_from(["secret", "token", "none", "wrong"]),
       query=queries, content_type=content_types, body=bodies)
def test_over_http_only_200_400_401_413_and_it_keeps_serving(
        relay_over_http: tuple[RelayServer, httpx.Client], method: str, secret: str,
        query: str, content_type: str, body: bytes) -> None:
    relay, client = relay_over_http
    auth = {"secret": f"secret={SECRET}", "token": f"token={SECRET}", "none": "",
            "wrong": "secret=" + SECRET[:-1] + "!"}[secret]
    url = f"{relay.url}?{auth}&{query}" if auth else f"{relay.url}?{query}"
    assume(len(url) < 60_000)  # httpx refuses longer URLs itself (tests/test_relay.py sends one)
    headers = {"Content-Type": content_type} if content_type.isascii() and content_type else {}
    answer = client.request(method, url, content=body, headers=headers)
    assert answer.status_code in (200, 400, 401, 413), answer.text
    if secret in ("none", "wrong") and len(url) < MAX_REQUEST_LINE - 100:
        assert answer.status_code == 401  # (a longer line is aiohttp's 400 before us)
    assert client.get(relay.base_url + "/healthz").status_code == 200
