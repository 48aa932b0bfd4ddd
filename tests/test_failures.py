"""Failures carry a machine-readable cause below Qt, and ui.failures words every cause in the
agent's language: English source text, Ukrainian under the translator. The English messages
for logs and the CLI stay as they were."""

from __future__ import annotations

import ast
import asyncio
import re
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from ringohunt_desktop.clients.errors import (
    ApiError,
    AuthError,
    BadResponse,
    NotFound,
    RateLimited,
    Reason,
    RequestRejected,
    TransientError,
)
from ringohunt_desktop.clients.http import NO_RETRY, ServiceHttp, expect
from ringohunt_desktop.clients.nethunt import NetHuntClient
from ringohunt_desktop.clients.ringostat import (
    RingostatClient,
    parse_calldate,
    parse_staff,
    unwrap_list,
)
from ringohunt_desktop.core.problems import SetupError, SetupProblem, no_extension_error
from ringohunt_desktop.phone import (
    InvalidNumber,
    NumberProblem,
    parse_dial_target,
    parse_phone,
    to_e164,
)
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.services.dialer import Dialer
from ringohunt_desktop.services.failures import describe, reason_phrase

PACKAGE = Path(__file__).resolve().parent.parent / "ringohunt_desktop"
CYRILLIC = re.compile("[А-Яа-яІіЇїЄєҐґ]")
API_ERRORS = {cls.__name__ for cls in (ApiError, AuthError, BadResponse, NotFound, RateLimited,
                                       RequestRejected, TransientError)}


# ------------------------------------------------------------ every raise carries a cause

def _calls_named(names: set[str], files: list[Path]) -> Iterator[tuple[str, ast.Call]]:
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else (
                    func.attr if isinstance(func, ast.Attribute) else "")
                if name in names:
                    yield f"{path.relative_to(PACKAGE)}:{node.lineno}", node


def _package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "simulator" not in p.parts)


def test_every_api_error_raised_in_the_package_names_its_reason() -> None:
    sites = list(_calls_named(API_ERRORS, _package_files()))
    http_sites = [where for where, _call in sites if where.startswith("clients/http.py")]
    assert len(http_sites) >= 12  # the transport, status and JSON failures
    assert any(where.startswith("clients/ringostat.py") for where, _call in sites)
    assert any(where.startswith("clients/nethunt.py") for where, _call in sites)
    missing = [where for where, call in sites
               if not any(k.arg == "reason" and isinstance(k.value, ast.Attribute)
                          and isinstance(k.value.value, ast.Name)
                          and k.value.value.id == "Reason" for k in call.keywords)]
    assert missing == []


def test_every_invalid_number_and_setup_error_names_its_problem() -> None:
    phone_sites = list(_calls_named({"InvalidNumber", "_invalid"},
                                    [PACKAGE / "phone.py"]))
    assert len(phone_sites) >= 15
    for where, call in phone_sites:
        named = (any(k.arg == "problem" for k in call.keywords)
                 or (call.args and ast.unparse(call.args[0]).startswith("NumberProblem.")))
        assert named, where
    setup_sites = list(_calls_named({"SetupError"}, _package_files()))
    assert len(setup_sites) >= 4
    for where, call in setup_sites:
        assert call.args, where
        assert ast.unparse(call.args[0]).startswith("SetupProblem."), where


class _BrokenBody(httpx.AsyncByteStream):
    """A body that fails half-way through reading."""

    def __init__(self, error: Exception) -> None:
        self._error = error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"["
        raise self._error


def _http(handler: Callable[[httpx.Request], httpx.Response], *,
          max_body_bytes: int = 1 << 20) -> ServiceHttp:
    client = httpx.AsyncClient(transport=httpx.MockTransport(handler),
                               base_url="http://service.test")
    return ServiceHttp("NetHunt", client, retry=NO_RETRY, max_body_bytes=max_body_bytes)


def _raise(error: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise error
    return handler


def _answer(status: int, body: bytes = b"{}", **headers: str
            ) -> Callable[[httpx.Request], httpx.Response]:
    return lambda _request: httpx.Response(status, content=body, headers=headers)


TRANSPORT_CASES = [
    ("refused", _raise(httpx.ConnectError("refused")), TransientError, Reason.OFFLINE),
    ("connect timeout", _raise(httpx.ConnectTimeout("slow")), TransientError, Reason.TIMEOUT),
    ("read timeout", _raise(httpx.ReadTimeout("slow")), TransientError, Reason.TIMEOUT),
    ("dropped", _raise(httpx.RemoteProtocolError("gone")), TransientError, Reason.DROPPED),
    ("body timeout", lambda _r: httpx.Response(200, stream=_BrokenBody(httpx.ReadTimeout("x"))),
     TransientError, Reason.TIMEOUT),
    ("body dropped", lambda _r: httpx.Response(200, stream=_BrokenBody(httpx.ReadError("x"))),
     TransientError, Reason.DROPPED),
    ("401", _answer(401, b'{"message": "bad key"}'), AuthError, Reason.CREDENTIALS),
    ("403", _answer(403), AuthError, Reason.CREDENTIALS),
    ("429", _answer(429, **{"Retry-After": "2"}), RateLimited, Reason.RATE_LIMITED),
    ("500", _answer(500), TransientError, Reason.SERVICE_ERROR),
    ("503", _answer(503, b"<html>down</html>"), TransientError, Reason.SERVICE_ERROR),
    ("404", _answer(404), NotFound, Reason.NOT_FOUND),
    ("400", _answer(400, b'{"error": "bad field"}'), RequestRejected, Reason.REJECTED),
    ("422", _answer(422), RequestRejected, Reason.REJECTED),
    ("too big", _answer(200, b"[" + b"1," * 400 + b"1]"), BadResponse, Reason.BAD_ANSWER),
]


@pytest.mark.parametrize(("handler", "kind", "reason"),
                         [case[1:] for case in TRANSPORT_CASES],
                         ids=[case[0] for case in TRANSPORT_CASES])
def test_each_transport_and_status_failure_has_its_reason(
        handler: Callable[[httpx.Request], httpx.Response], kind: type[ApiError],
        reason: Reason) -> None:
    error = _failure_of(handler, "POST")
    assert type(error) is kind
    assert error.reason is reason
    assert error.service == "NetHunt"
    if reason is Reason.SERVICE_ERROR:
        assert error.status in (500, 503)
    if reason is Reason.OFFLINE:
        assert isinstance(error, TransientError)
        assert error.never_sent


def test_answers_that_break_the_contract_are_bad_answers() -> None:
    async def run() -> list[ApiError]:
        found: list[ApiError] = []
        http = _http(_answer(200, b"{not json"))
        response = await http.request("GET", "/x", safe=True)
        big = _http(_answer(200, b"[" + b'"x",' * 100_000 + b"oops]"))
        big_response = await big.request("GET", "/x", safe=True)
        for attempt in (lambda: http.json(response), lambda: big.json_async(big_response),
                        lambda: expect("NetHunt", False, "no id")):
            try:
                result = attempt()
                if asyncio.iscoroutine(result):
                    await result
            except ApiError as exc:
                found.append(exc)
        await http.aclose()
        await big.aclose()
        return found

    found = asyncio.run(run())
    assert len(found) == 3
    assert {e.reason for e in found} == {Reason.BAD_ANSWER}


def test_ringostat_and_nethunt_client_failures_have_reasons() -> None:
    from zoneinfo import ZoneInfo

    checks: list[Callable[[], Any]] = [
        lambda: unwrap_list(42, ("items",), "calls"),
        lambda: parse_calldate("yesterday", ZoneInfo("Europe/Kyiv")),
        lambda: parse_calldate("", ZoneInfo("Europe/Kyiv")),
        lambda: parse_calldate(1e20, ZoneInfo("Europe/Kyiv")),
        lambda: parse_staff("nobody"),
    ]
    for check in checks:
        with pytest.raises(BadResponse) as caught:
            check()
        assert caught.value.reason is Reason.BAD_ANSWER

    async def run() -> tuple[ApiError, ApiError]:
        rpc = RingostatClient("http://ringostat.test", Secret("k"), "1")
        await rpc.aclose()
        rpc._http = ServiceHttp("Ringostat", httpx.AsyncClient(
            transport=httpx.MockTransport(_answer(200, b'{"error": {"message": "no user"}}')),
            base_url="http://ringostat.test"), retry=NO_RETRY)
        crm = NetHuntClient("http://nethunt.test", "a@b.c", Secret("k"))
        await crm.aclose()
        crm.http = ServiceHttp("NetHunt", httpx.AsyncClient(
            transport=httpx.MockTransport(_answer(200, b'[{"nouser": 1}]')),
            base_url="http://nethunt.test"), retry=NO_RETRY)
        caught: list[ApiError] = []
        for call in (lambda: rpc._rpc("/x", "staff_list", {}, safe=True), crm.auth_test):
            try:
                await call()
            except ApiError as exc:
                caught.append(exc)
        await rpc.aclose()
        await crm.aclose()
        return caught[0], caught[1]

    rejected, bad = asyncio.run(run())
    assert isinstance(rejected, RequestRejected)
    assert rejected.reason is Reason.REJECTED
    assert isinstance(bad, BadResponse)
    assert bad.reason is Reason.BAD_ANSWER


# ------------------------------------------------------------------ numbers and settings

NUMBER_CASES = [
    (parse_phone, "   ", NumberProblem.EMPTY),
    (parse_phone, "1" * 70, NumberProblem.TOO_LONG),
    (parse_phone, "38+067", NumberProblem.MISPLACED_PLUS),
    (parse_phone, "abc", NumberProblem.LETTERS),
    (parse_phone, "067*123", NumberProblem.BAD_CHARACTER),
    (parse_phone, "1", NumberProblem.TOO_FEW_DIGITS),
    (parse_phone, "1" * 20, NumberProblem.TOO_MANY_DIGITS),
    (parse_phone, "+380 00 000 0000", NumberProblem.NOT_VALID),
    (to_e164, "101", NumberProblem.EXTENSION),
    (parse_dial_target, "", NumberProblem.EMPTY),
    (parse_dial_target, "9" * 200, NumberProblem.TOO_LONG),
    (parse_dial_target, "https://evil.example/0671234567", NumberProblem.WRONG_SCHEME),
    (parse_dial_target, "tel:", NumberProblem.NO_NUMBER),
    (parse_dial_target, "tel:call-me", NumberProblem.LETTERS),
    (parse_dial_target, "tel:067%24123", NumberProblem.BAD_CHARACTER),
    (parse_dial_target, "tel:101", NumberProblem.EXTENSION),
]


@pytest.mark.parametrize(("parse", "text", "problem"), NUMBER_CASES,
                         ids=[f"{c[0].__name__}-{c[2]}" for c in NUMBER_CASES])
def test_each_invalid_number_says_its_problem(parse: Callable[[str], object], text: str,
                                              problem: NumberProblem) -> None:
    with pytest.raises(InvalidNumber) as caught:
        parse(text)
    assert caught.value.problem is problem
    assert caught.value.text == text
    if problem is not NumberProblem.EMPTY:
        assert caught.value.shown
        assert "\n" not in caught.value.shown


def test_the_english_number_messages_stay_as_they_were() -> None:
    with pytest.raises(InvalidNumber) as caught:
        parse_phone("abc")
    assert str(caught.value) == "«abc» is not a phone number: it contains letters"
    assert caught.value.shown == "abc"
    with pytest.raises(InvalidNumber) as caught:
        parse_dial_target("tel:067%24123")
    assert caught.value.detail == "$"
    assert "cannot be dialled" in str(caught.value)


# --------------------------------------------------------------------- describe, both ways

def every_failure() -> list[tuple[str, BaseException]]:
    failures: list[tuple[str, BaseException]] = []
    for reason in Reason:
        failures.append((f"api-{reason}", ApiError("NetHunt", "detail", reason=reason,
                                                   status=503)))
    failures.append(("api-5xx-without-status",
                     TransientError("Ringostat", "x", reason=Reason.SERVICE_ERROR)))
    for problem in NumberProblem:
        failures.append((f"number-{problem}", InvalidNumber(
            "english", "x", problem=problem, shown="067 abc", detail="*")))
    params = {"agent": "ivan", "folder": "Клієнти", "missing": "agent", "readable": "A, B"}
    for setup in SetupProblem:
        failures.append((f"setup-{setup}", SetupError(setup, "english", params)))
    failures.append(("unexpected", RuntimeError("boom")))
    return failures


FAILURES = every_failure()


@pytest.mark.parametrize("failure", [f for _name, f in FAILURES],
                         ids=[name for name, _f in FAILURES])
def test_describe_words_every_cause_in_english_and_in_ukrainian(
        qapp: QCoreApplication, uk_qm: Path, failure: BaseException) -> None:
    english = describe(failure)
    assert english.strip()
    assert "{" not in english
    assert not CYRILLIC.search(english.replace("Клієнти", ""))
    translator = QTranslator()
    assert translator.load(str(uk_qm))
    qapp.installTranslator(translator)
    try:
        ukrainian = describe(failure)
    finally:
        qapp.removeTranslator(translator)
    assert ukrainian.strip()
    assert ukrainian != english
    assert CYRILLIC.search(ukrainian.replace("Клієнти", ""))
    assert "{" not in ukrainian
    if isinstance(failure, ApiError):
        assert failure.service in ukrainian  # service names stay as they are
        assert "detail" not in ukrainian  # the English detail is for the logs
    if isinstance(failure, ApiError) and failure.reason is Reason.SERVICE_ERROR:
        assert (str(failure.status) in ukrainian) == (failure.status is not None)
    if isinstance(failure, InvalidNumber) and failure.problem is not NumberProblem.EMPTY:
        assert "«067 abc»" in ukrainian


def _failure_of(handler: Callable[[httpx.Request], httpx.Response],
                method: str = "GET") -> ApiError:
    async def run() -> ApiError:
        http = _http(handler, max_body_bytes=512)
        try:
            await http.request(method, "/x", safe=False)
        except ApiError as exc:
            return exc
        finally:
            await http.aclose()
        raise AssertionError("no error")

    return asyncio.run(run())


def test_the_setup_checks_reason_in_english_is_the_precise_message() -> None:
    """The CLI's ``check`` prints the setup checks' sentences: its output must not change."""
    for _name, handler, _kind, reason in TRANSPORT_CASES:
        error = _failure_of(handler)
        assert reason_phrase(error) == error.message, reason


def test_the_setup_checks_reason_for_network_trouble_is_ukrainian(uk_translator: None) -> None:
    network = (Reason.OFFLINE, Reason.TIMEOUT, Reason.DROPPED, Reason.RATE_LIMITED,
               Reason.SERVICE_ERROR)
    for _name, handler, _kind, reason in TRANSPORT_CASES:
        if reason in network:
            error = _failure_of(handler)
            assert CYRILLIC.search(reason_phrase(error)), error.message


def test_dialer_refusals_carry_the_cause(qapp: QCoreApplication) -> None:
    dialer = Dialer(RingostatClient.__new__(RingostatClient), "")
    refused: list[tuple[str, object]] = []
    dialer.refused.connect(lambda text, failure: refused.append((text, failure)))
    assert not dialer.dial("tel:abc")
    assert not dialer.dial("+380 67 123 45 67")  # a good number, but nothing to call from
    (_, bad_number), (_, no_line) = refused
    assert isinstance(bad_number, InvalidNumber)
    assert bad_number.problem is NumberProblem.LETTERS
    assert isinstance(no_line, SetupError)
    assert no_line.problem is SetupProblem.NO_EXTENSION
    assert str(no_line) == str(no_extension_error())
    assert "SIP" in describe(no_line)
