"""Bad input, generated: every parser of external data either returns a value or refuses with
its own typed error, whatever it is fed. Webhook events and human phone formats are fuzzed in
tests/test_webhooks.py and tests/test_phone.py; this file covers the rest.

Thousands of cases per parser (each test stays within a few seconds), plus the answers of
both HTTP clients to random bytes and statuses, plain-text rendering of CRM names in the
Insider panel, and the size bound on answers.
"""

from __future__ import annotations

import asyncio
import json
import string
import threading
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import phonenumbers
import pytest
import shiboken6
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from ringohunt_desktop import phone
from ringohunt_desktop.clients.errors import ApiError, BadResponse
from ringohunt_desktop.clients.http import NO_RETRY, ServiceHttp, build_client
from ringohunt_desktop.clients.nethunt import NetHuntClient, NetHuntRecord, to_contact
from ringohunt_desktop.clients.ringostat import RingostatClient, parse_call_row, parse_staff
from ringohunt_desktop.config import SETTINGS, Config, ConfigError, load_config, read_ini
from ringohunt_desktop.domain import (
    CallRecord,
    Contact,
    Direction,
    LookupResult,
    LookupState,
    StaffMember,
)
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.shell.single_instance import KNOWN_ACTIONS, MAX_MESSAGE_BYTES, parse_message
from ringohunt_desktop.simulator.ringostat import ALL_FIELDS
from ringohunt_desktop.ui.insider_panel import InsiderPanel
from ringohunt_desktop.ui.widgets import shown as shown_text

KYIV = ZoneInfo("Europe/Kyiv")
FUZZ = settings(max_examples=2000, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
# Rows with dozens of optional columns are slower to generate; fewer keep them near 10 s on CI.
FUZZ_WIDE = settings(FUZZ, max_examples=1200)

# ---------------------------------------------------------------- strategies

# What JSON decodes to, including the numbers a JSON parser really produces: huge integers,
# and inf/nan (Python's json reads 1e400 as inf and accepts NaN/Infinity literals).
json_scalars = st.one_of(
    st.none(), st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=6,
)

# Numbers the way a loosely typed API writes them: ints, floats, numeric strings, junk.
number_like = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["12", "0", "-1", "3.5", "", " 7 ", "inf", "-Infinity", "nan", "1e999",
                     "1_000", "٣", "abc"]),
    st.integers(min_value=-(2**40), max_value=2**40).map(str),
)

# calldate in every form a service could plausibly send, and then some.
plausible_times = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                               timezones=st.none() | st.just(UTC) | st.just(KYIV))
calldates = st.one_of(
    plausible_times.map(lambda d: d.isoformat()),
    plausible_times.map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S")),
    plausible_times.map(lambda d: d.strftime("%Y-%m-%dT%H:%M:%S%z")),
    st.integers(min_value=0, max_value=2**41),  # epoch seconds, or milliseconds
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "Z", "",
                     "2024-02-30 10:00:00", "2024-06-10T14:05:11+0300"]),
    json_values,
)

row_values = st.one_of(json_values, number_like,
                       st.sampled_from(['"Олена" <demoshopua_olena>', "380671234567",
                                        "CALLING", "no_answer", "in", "out", "callback"]))
call_rows = st.fixed_dictionaries(
    {"uniqueid": st.one_of(st.text(min_size=1, max_size=12), json_values),
     "calldate": calldates},
    optional={name: row_values for name in ALL_FIELDS if name not in ("uniqueid", "calldate")},
).flatmap(lambda row: st.dictionaries(st.text(max_size=6), json_values, max_size=3)
          .map(lambda extra: {**extra, **row}))


def check_call_record(record: CallRecord) -> None:
    assert record.call_id
    assert record.started_at.tzinfo is not None
    assert isinstance(record.direction, Direction)
    for value in (record.duration, record.billsec, record.waittime):
        assert isinstance(value, int)
    assert record.employee_id is None or record.employee_id > 0
    # The properties the journal and tracker use must work on anything that parsed.
    _ = (record.client_number, record.is_missed, record.is_answered, record.is_in_progress)


# ---------------------------------------------------------------- Ringostat

@FUZZ_WIDE
@given(call_rows)
# Found by this test (each raised OverflowError / ValueError / OSError, not BadResponse):
@example({"uniqueid": "a", "calldate": "2024-01-01 10:00:00", "duration": "inf"})
@example({"uniqueid": "a", "calldate": "2024-01-01 10:00:00", "billsec": float("inf")})
@example({"uniqueid": "a", "calldate": 1718000000000})  # epoch milliseconds
@example({"uniqueid": "a", "calldate": float("nan")})
@example({"uniqueid": "a", "calldate": "9999-12-31T23:59:59-12:00"})
def test_call_rows_parse_or_are_refused_as_bad_response(row: dict[str, Any]) -> None:
    try:
        record = parse_call_row(row, KYIV)
    except BadResponse:
        return
    check_call_record(record)


@FUZZ
@given(json_values)
def test_any_json_as_a_call_row_is_parsed_or_refused(row: Any) -> None:
    try:
        record = parse_call_row(row, KYIV)
    except BadResponse:
        return
    check_call_record(record)


directions = st.fixed_dictionaries({}, optional={
    "direction": row_values, "value": row_values, "type": st.sampled_from(["sip", "phone", ""])
    | json_values, "online": json_values})
staff_entries = st.one_of(
    st.fixed_dictionaries({}, optional={
        "staffId": number_like, "id": number_like, "fio": json_values, "name": json_values,
        "email": json_values, "extensionNumber": row_values, "extension": row_values,
        "departments": json_values, "department": json_values,
        "directions": st.fixed_dictionaries({}, optional={
            "main": st.lists(directions, max_size=3) | json_values,
            "additional": st.lists(directions, max_size=3) | json_values}) | json_values,
        "main": st.lists(directions, max_size=3) | json_values,
    }),
    json_values,
)
staff_results = st.one_of(
    st.dictionaries(st.text(max_size=6) | st.integers(-5, 10**6).map(str), staff_entries,
                    max_size=4),
    st.lists(staff_entries, max_size=4),
    json_values,
)


@FUZZ_WIDE
@given(staff_results)
@example({"1": {"staffId": "inf"}})  # found: OverflowError
@example({"1": {"staffId": 1, "directions": {"main": 5}}})  # found: TypeError
def test_staff_lists_parse_or_are_refused_as_bad_response(result: Any) -> None:
    try:
        members = parse_staff(result)
    except BadResponse:
        return
    for member in members:
        assert isinstance(member, StaffMember)
        assert member.staff_id > 0
        assert all(isinstance(s, str) and s for s in member.sip_logins)


# ---------------------------------------------------------------- NetHunt

field_maps = st.dictionaries(
    st.sampled_from(["Name", "Phone", "Email", "Company", "Responsible"]) | st.text(max_size=6),
    json_values, max_size=6)
record_items = st.one_of(
    st.fixed_dictionaries({}, optional={
        "recordId": st.text(max_size=10) | json_values, "id": st.text(max_size=10) | json_values,
        "createdAt": calldates, "updatedAt": calldates, "link": json_values,
        "fields": field_maps | json_values}),
    json_values,
)


@FUZZ
@given(record_items)
@example({"id": "x", "createdAt": 10**20})  # found: OverflowError / OSError
@example({"id": "x", "updatedAt": float("nan")})  # found: ValueError
@example({"id": "x", "createdAt": "99999999999999999999"})  # found: OSError / ValueError
def test_records_parse_or_are_refused_and_always_make_a_contact(item: Any) -> None:
    try:
        record = NetHuntRecord.from_json(item)
    except BadResponse:
        return
    assert record.record_id
    contact = to_contact(record, "folder-1", workspace_id="ws-1")
    assert isinstance(contact, Contact)
    assert isinstance(contact.name, str)
    assert all(isinstance(p, str) and p for p in contact.phones)
    assert contact.link


# ---------------------------------------------------------------- tel:/callto: links

dial_bodies = st.lists(
    st.sampled_from([*"0123456789+ ()-.;?=%/#*,",
        "\u00a0", "\u2009", "\u2013", "\u2212", "٣", "０", "a", "e", "x", "$", "`", "|", "&",
        "\n", "\x00", "%2B", "%20", "%3B", "%0A", "ext=", "phone-context=", "доб"]),
    max_size=24).map("".join)
dial_texts = st.one_of(
    st.tuples(st.sampled_from(["tel:", "TEL:", "tel://", "callto:", "callto://", "CallTo:",
                               "sip:", "http://", "javascript:", ""]),
              dial_bodies).map("".join),
    st.text(max_size=40),
)


@FUZZ
@given(dial_texts)
def test_dial_targets_are_e164_or_refused_with_a_reason(text: str) -> None:
    try:
        e164 = phone.parse_dial_target(text)
    except phone.InvalidNumber as exc:
        refusal = str(exc)
    else:
        refusal = ""
    if refusal or not text.strip():
        assert refusal  # refused with a reason the agent can read
        return
    assert e164.startswith("+")
    assert e164[1:].isdigit()
    assert e164.isascii()
    assert phonenumbers.is_valid_number(phonenumbers.parse(e164))


# ---------------------------------------------------------------- single-instance messages

message_objects = st.fixed_dictionaries(
    {"action": st.sampled_from([*KNOWN_ACTIONS, "DIAL", "quit", ""]) | json_values},
    optional={"target": st.text(max_size=600) | json_values, "extra": json_values})
message_bytes = st.one_of(
    st.binary(max_size=MAX_MESSAGE_BYTES + 10),
    message_objects.map(lambda m: json.dumps(m, ensure_ascii=False).encode("utf-8")),
    json_values.map(lambda v: json.dumps(v).encode("utf-8")),
    st.integers(1, MAX_MESSAGE_BYTES // 2).map(lambda n: b"[" * n),  # deep nesting
    st.integers(1, MAX_MESSAGE_BYTES // 8).map(lambda n: b'{"a":' * n),
)


@FUZZ
@given(message_bytes)
@example(b"[" * 4000)  # found: RecursionError from json.loads
def test_single_instance_messages_are_accepted_or_ignored(data: bytes) -> None:
    message = parse_message(data)
    if message is None:
        return
    assert message["action"] in KNOWN_ACTIONS
    assert set(message) == {"action", *KNOWN_ACTIONS[message["action"]]}
    assert all(isinstance(v, str) and v for v in message.values())


# ---------------------------------------------------------------- settings files

ini_lines = st.one_of(
    st.sampled_from(["[settings]", "[locked]", "[meta]", "[DEFAULT]", "[settings", "]", "",
                     "locked = poll_interval, agent", "  continued", "; comment", "# c",
                     "%(x)s", "agent = maybe"]),
    st.tuples(st.sampled_from([s.key for s in SETTINGS] + ["locked", "x", ""]),
              st.sampled_from([" = ", ": ", "=", " "]),
              st.text(max_size=12)).map("".join),
    st.text(max_size=20),
)
ini_texts = st.lists(ini_lines, max_size=10).map("\n".join)


def _read_ini_from(tmp_dir: Path, content: bytes) -> None:
    path = tmp_dir / "fuzz.ini"
    path.write_bytes(content)
    try:
        values, locked = read_ini(path)
    except ConfigError as exc:
        refusal = str(exc)
    else:
        refusal = ""
    if refusal:
        assert str(path) in refusal  # the message names the file
        return
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in values.items())
    assert all(isinstance(k, str) for k in locked)


@FUZZ
@given(ini_texts)
@example("[locked]\nagent = maybe\n")  # found: plain ValueError, not ConfigError
def test_settings_text_reads_or_is_refused_as_config_error(
        tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    _read_ini_from(tmp_path_factory.getbasetemp(), text.encode("utf-8", "surrogatepass"))


@settings(max_examples=1000, deadline=None)
@given(st.binary(max_size=300))
def test_settings_bytes_read_or_are_refused_as_config_error(
        tmp_path_factory: pytest.TempPathFactory, content: bytes) -> None:
    _read_ini_from(tmp_path_factory.getbasetemp(), content)


env_values = st.one_of(
    st.text(max_size=16).filter(lambda s: "\x00" not in s),
    st.sampled_from(["0", "0.1", "0.2", "60", "61", "nan", "inf", "-1", "1e308", "yes", "maybe",
                     "ring", "answer", "OFF", " uk ", "https://x.test", "http://127.0.0.1:1"]),
)
environments = st.dictionaries(
    st.sampled_from([s.env for s in SETTINGS if s.env]), env_values, max_size=8)
overrides = st.dictionaries(
    st.sampled_from([s.key for s in SETTINGS]), env_values, max_size=6)


@settings(max_examples=1500, deadline=None)
@given(environments, overrides)
def test_any_environment_and_flags_give_a_config_or_a_config_error(
        tmp_path_factory: pytest.TempPathFactory, env: dict[str, str],
        flags: dict[str, str]) -> None:
    base = tmp_path_factory.getbasetemp() / "load-config"
    paths = AppPaths.under(base)
    try:
        config = load_config(paths, env={**env, "RINGOHUNT_MACHINE_CONFIG": "/nonexistent.ini"},
                             overrides=flags)
    except ConfigError as exc:
        refusal = str(exc)
    else:
        refusal = ""
    if refusal:
        assert "setting" in refusal  # names the source and the key
        return
    assert isinstance(config, Config)
    assert 0.2 <= config.poll_interval <= 60
    assert 0.2 <= config.request_timeout <= 120
    assert isinstance(config.ringostat_auth_key, Secret)


# ---------------------------------------------------------------- answers over HTTP

class _Answers:
    """What the fake service answers next (status, body bytes, content type)."""

    def __init__(self) -> None:
        self.status = 200
        self.body = b""

    def handler(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(self.status, content=self.body,
                              headers={"Content-Type": "application/json"})


def _with_transport(answers: _Answers, base_url: str, service: str) -> ServiceHttp:
    client = httpx.AsyncClient(base_url=base_url, transport=httpx.MockTransport(answers.handler))
    return ServiceHttp(service, client, retry=NO_RETRY)


answer_bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.lists(call_rows, max_size=3).map(lambda rows: json.dumps(rows).encode()),
    st.lists(record_items, max_size=3).map(lambda items: json.dumps(items).encode()),
    staff_results.map(lambda r: json.dumps({"jsonrpc": "2.0", "id": 1, "result": r}).encode()),
    st.just(b'{"truncated": [1, 2, '),
)
statuses = st.sampled_from([200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 409, 429, 500,
                            502, 503])


def _client_calls() -> list[Callable[[RingostatClient, NetHuntClient],
                                     Coroutine[Any, Any, Any]]]:
    now = datetime.now(UTC)
    return [
        lambda r, _n: r.calls_list(now - timedelta(hours=1), now),
        lambda r, _n: r.sip_speaking(),
        lambda r, _n: r.staff(),
        lambda r, _n: r.click_to_call("demoshopua_olena", "380671234567"),
        lambda r, _n: r.click_to_call_extended("380671234567", "demoshopua_olena"),
        lambda _r, n: n.auth_test(),
        lambda _r, n: n.readable_folders(),
        lambda _r, n: n.folder_fields("f1"),
        lambda _r, n: n.find_records("f1", '"Phone":"+380671234567"'),
        lambda _r, n: n.get_record("f1", "r1"),
        lambda _r, n: n.create_record("f1", {"Name": "x"}, "Europe/Kyiv"),
        lambda _r, n: n.update_record("r1", {"Name": {"overwrite": "y"}}),
        lambda _r, n: n.new_records("f1", since=now),
        lambda _r, n: n.updated_records("f1", field_names=["Phone"]),
        lambda _r, n: n.new_comments("f1"),
        lambda _r, n: n.new_call_logs("f1"),
    ]


@pytest.fixture(scope="module")
def fake_services() -> Iterator[tuple[_Answers, RingostatClient, NetHuntClient, Any]]:
    answers = _Answers()
    loop = asyncio.new_event_loop()
    ringostat = RingostatClient("http://ringostat.test", Secret("key-1234"), "11111")
    nethunt = NetHuntClient("http://nethunt.test/api/v1/zapier", "a@b.test", Secret("key-5678"))
    loop.run_until_complete(ringostat.aclose())
    loop.run_until_complete(nethunt.aclose())
    ringostat._http = _with_transport(answers, "http://ringostat.test", "Ringostat")
    nethunt.http = _with_transport(answers, "http://nethunt.test/api/v1/zapier", "NetHunt")
    try:
        yield answers, ringostat, nethunt, loop
    finally:
        loop.run_until_complete(ringostat.aclose())
        loop.run_until_complete(nethunt.aclose())
        loop.close()


@settings(max_examples=1000, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.integers(0, len(_client_calls()) - 1), statuses, answer_bodies)
@example(2, 200, b'{"result": [{"staffId": "inf"}]}')  # staff(): found, OverflowError
@example(0, 200, b'[{"uniqueid": "a", "calldate": 1718000000000}]')  # calls_list(): ValueError
def test_client_answers_are_values_or_typed_api_errors(
        fake_services: tuple[_Answers, RingostatClient, NetHuntClient, Any],
        which: int, status: int, body: bytes) -> None:
    answers, ringostat, nethunt, loop = fake_services
    answers.status, answers.body = status, body
    failure: ApiError | None = None
    try:
        loop.run_until_complete(_client_calls()[which](ringostat, nethunt))
    except ApiError as exc:
        failure = exc
    assert failure is None or failure.user_message.startswith(failure.service)


# ---------------------------------------------------------------- oversized answers

class _BigAnswerHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    size = 0
    chunked = False

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        body = b"[" + b"1," * (self.size // 2) + b"1]"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if self.chunked:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(body), 4096):
                piece = body[start:start + 4096]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


@pytest.fixture
def big_answer_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BigAnswerHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.mark.parametrize("chunked", [False, True])
def test_answers_above_the_size_bound_are_refused(big_answer_server: str, chunked: bool,
                                                 run_async: Callable[..., Any]) -> None:
    _BigAnswerHandler.chunked = chunked

    async def fetch(size: int) -> Any:
        _BigAnswerHandler.size = size
        http = ServiceHttp("NetHunt", build_client(big_answer_server), retry=NO_RETRY,
                           max_body_bytes=100_000)
        try:
            return http.json(await http.request("GET", "/feed", safe=True))
        finally:
            await http.aclose()

    assert len(run_async(fetch(50_000))) > 1000  # under the bound: read whole
    with pytest.raises(BadResponse, match="larger than 100000 bytes"):
        run_async(fetch(2_000_000))


# ---------------------------------------------------------------- markup in CRM names

crm_texts = st.lists(
    st.one_of(
        st.sampled_from(["<", ">", "&", "&amp;", "<b>", "</b>", "<img src=x onerror=alert(1)>",
                         "<a href='http://evil.test'>", "<qt>", "<br>", "\n", "\r", "\t",
                         "\x00", "\x07", "\x1b[31m", "\u2028", "\u202e", "\ufeff", "Олена",
                         "Ромашка", "'", '"']),
        st.characters(codec="utf-8"),
        st.sampled_from(string.ascii_letters)),
    max_size=12).map("".join)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=crm_texts, company=crm_texts, manager=crm_texts, utm=crm_texts)
def test_crm_text_never_renders_as_markup(qapp: QApplication, name: str, company: str,
                                          manager: str, utm: str) -> None:
    call = CallRecord(call_id="c1", started_at=datetime(2025, 11, 25, 14, 32, tzinfo=UTC),
                      caller="380671234567", destination="380441110000",
                      direction=Direction.INCOMING, disposition="CALLING", utm_source=utm,
                      utm_medium=name)
    contact = Contact("rec-1", "contacts", name, ("+380671234567",), company, manager,
                      link="https://nethunt.com/web/#nethunt/x")
    other = Contact("rec-2", "contacts", company, ("+380671234567",), name, manager)
    panel = InsiderPanel(call, phone.CallerNumber("+380671234567", "+380 67 123 4567"))
    try:
        for result in (LookupResult(LookupState.FOUND, "+380671234567", (contact,)),
                       LookupResult(LookupState.AMBIGUOUS, "+380671234567", (contact, other)),
                       LookupResult(LookupState.FAILED, "+380671234567", error=name)):
            panel.set_lookup(result)
            panel.set_manager_display(manager)
            labels = panel.findChildren(QLabel)
            assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels), [
                label.objectName() for label in labels
                if label.textFormat() != Qt.TextFormat.PlainText]
            if result.state is LookupState.FOUND and shown_text(name):
                shown = shown_text(name)  # literally, tags and all (bidi controls dropped)
                # PySide drops one leading U+FEFF (a byte-order mark) converting to QString.
                assert panel.name_label.text() in (shown, shown.removeprefix("\ufeff"))
            for row in range(panel.picker.count()):
                tooltip = panel.picker.item(row).toolTip()
                assert "<" not in tooltip.removeprefix("<qt>").removesuffix("</qt>").replace(
                    "<br>", "")
    finally:
        panel.close()
        shiboken6.delete(panel)
