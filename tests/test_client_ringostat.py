"""RingostatClient against the simulator over real HTTP (no mocked transport)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import httpx
import pytest

from ringohunt_desktop.clients.errors import (
    ApiError,
    AuthError,
    BadResponse,
    RateLimited,
    RequestRejected,
    TransientError,
)
from ringohunt_desktop.clients.http import RetryPolicy
from ringohunt_desktop.clients.ringostat import (
    ClickToCallMethod,
    RingostatClient,
    parse_call_row,
    parse_staff,
    unwrap_list,
)
from ringohunt_desktop.domain import Direction
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.simulator import SimCredentials, SimOptions, Simulator
from ringohunt_desktop.simulator.people import AGENTS

T = TypeVar("T")
RunAsync = Callable[[Coroutine[Any, Any, T]], T]
KYIV = ZoneInfo("Europe/Kyiv")
OLENA, ANDRII = AGENTS[0], AGENTS[1]
CLIENT_NUMBER = "380671234567"


class FakeClock:
    """Replaces ``state.clock`` so call phases change without sleeping."""

    def __init__(self) -> None:
        self.now = float(int(time.time()))

    def __call__(self) -> float:
        return self.now


def make_client(sim: Simulator, *, key: str | None = None, **options: Any) -> RingostatClient:
    options.setdefault("retry", RetryPolicy(base_delay=0.01))
    return RingostatClient(sim.ringostat_url, Secret(key or sim.credentials.ringostat_auth_key),
                           sim.credentials.ringostat_project_id, **options)


@pytest.fixture
def control(sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url) as client:
        yield client


def requests_to(control: httpx.Client, path: str) -> list[dict[str, Any]]:
    log: list[dict[str, Any]] = control.get("/_sim/requests",
                                            params={"service": "ringostat"}).json()
    return [entry for entry in log if entry["path"] == path]


def faults(control: httpx.Client, **values: Any) -> None:
    control.post("/_sim/faults", json={"service": "ringostat", **values}).raise_for_status()


def ring(control: httpx.Client, **body: Any) -> str:
    call_id: str = control.post("/_sim/ring", json=body).json()["call_id"]
    return call_id


def last_days(days: int) -> tuple[datetime, datetime]:
    end = datetime.now(UTC) + timedelta(minutes=1)
    return end - timedelta(days=days), end


# ---------------------------------------------------------------- calls/list

def test_calls_list_returns_every_call_of_the_window(sim: Simulator, control: httpx.Client,
                                                     run_async: RunAsync[Any]) -> None:
    expected = {row["uniqueid"]: row for row in control.get("/_sim/ringostat/calls").json()}

    async def scenario() -> None:
        async with make_client(sim) as client:
            calls = await client.calls_list(*last_days(3))
        assert [call.call_id for call in calls] == sorted(
            expected, key=lambda call_id: expected[call_id]["calldate"])
        for call in calls:
            row = expected[call.call_id]
            assert call.started_at.tzinfo is not None
            assert call.disposition == row["disposition"]
            assert call.waittime == int(row["waittime"])
            assert call.employee_id == (None if row["employee_number"] == -1
                                        else row["employee_number"])
            assert call.direction is Direction.from_call_type(row["call_type"])

    run_async(scenario())
    (request, *_) = requests_to(control, "/calls/list")
    assert "auth-key" not in {name.lower() for name in request["query"]}
    assert request["headers"]["auth-key"] == "***"  # sent, as a header only


def test_calls_list_sends_the_window_in_project_time(sim: Simulator, control: httpx.Client,
                                                      run_async: RunAsync[Any]) -> None:
    start = datetime(2024, 6, 10, 11, 0, 0, tzinfo=UTC)

    async def scenario() -> None:
        async with make_client(sim) as client:
            await client.calls_list(start, start + timedelta(hours=1), fields=["billsec"])

    run_async(scenario())
    (request,) = requests_to(control, "/calls/list")
    assert request["query"]["from"] == "2024-06-10 14:00:00"  # Kyiv is UTC+3 in June
    assert request["query"]["to"] == "2024-06-10 15:00:00"
    assert request["query"]["fields"] == "uniqueid,calldate,billsec"


def test_calls_list_follows_a_live_call(sim: Simulator, control: httpx.Client,
                                        run_async: RunAsync[Any]) -> None:
    clock = FakeClock()
    sim.state.clock = clock
    call_id = ring(control, agent=ANDRII.email, caller="+380671234567", ring_seconds=4,
                   talk_seconds=20, utm_source="google", utm_medium="cpc", utm_campaign="brand")

    async def fetch(client: RingostatClient) -> Any:
        now = datetime.fromtimestamp(clock.now, UTC)
        (call,) = [c for c in await client.calls_list(now - timedelta(minutes=5), now)
                   if c.call_id == call_id]
        return call

    async def scenario() -> None:
        async with make_client(sim) as client:
            ringing = await fetch(client)
            assert ringing.is_in_progress
            assert ringing.employee_id == ANDRII.staff_id
            assert (ringing.caller, ringing.utm_campaign) == (CLIENT_NUMBER, "brand")
            clock.now += 10
            talking = await fetch(client)
            assert talking.disposition == "IN PROGRESS"
            assert talking.connected_with == ANDRII.sip_login
            clock.now += 60
            final = await fetch(client)
            assert final.is_answered
            assert final.billsec == 20
            assert final.recording_url

    run_async(scenario())


def test_calls_list_splits_truncated_windows(run_async: RunAsync[Any]) -> None:
    options = SimOptions(contacts=10, deals=2, calls_history_days=1, calls_per_day=230)
    with Simulator(SimCredentials(), options) as sim, httpx.Client(base_url=sim.url) as control:
        control.post("/_sim/ringostat/config", json={"calls_cap": 50}).raise_for_status()
        expected = {row["uniqueid"] for row in control.get("/_sim/ringostat/calls").json()}

        async def scenario() -> list[str]:
            async with make_client(sim, calls_cap=50) as client:
                return [call.call_id for call in await client.calls_list(*last_days(2))]

        call_ids = run_async(scenario())
        assert len(expected) == 230
        assert sorted(call_ids) == sorted(expected)  # every call, exactly once
        assert len(requests_to(control, "/calls/list")) >= 5  # 230 rows need 5+ windows of 50


def test_a_full_single_second_is_returned_with_one_warning(
        sim: Simulator, control: httpx.Client, run_async: RunAsync[Any],
        expect_log_warnings: None, caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    sim.state.clock = clock
    control.post("/_sim/ringostat/config", json={"calls_cap": 2}).raise_for_status()
    for _ in range(3):
        ring(control)

    async def scenario() -> list[str]:
        now = datetime.fromtimestamp(clock.now, UTC)
        async with make_client(sim, calls_cap=2) as client:
            return [call.call_id for call in await client.calls_list(now, now)]

    assert len(run_async(scenario())) == 2
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "single second" in warnings[0].getMessage()


def test_calls_list_needs_aware_datetimes(sim: Simulator, run_async: RunAsync[Any]) -> None:
    async def scenario() -> None:
        async with make_client(sim) as client:
            await client.calls_list(datetime(2024, 1, 1), datetime(2024, 1, 2))

    with pytest.raises(ValueError, match="timezone-aware"):
        run_async(scenario())


def test_an_unknown_field_is_rejected(sim: Simulator, run_async: RunAsync[Any]) -> None:
    async def scenario() -> None:
        async with make_client(sim) as client:
            await client.calls_list(*last_days(1), fields=["no_such_field"])

    with pytest.raises(RequestRejected, match="incorrect field: no_such_field"):
        run_async(scenario())


# ---------------------------------------------------------------- sipstatus

def test_sip_online_and_speaking(sim: Simulator, control: httpx.Client,
                                 run_async: RunAsync[Any]) -> None:
    clock = FakeClock()
    sim.state.clock = clock
    control.post("/_sim/ringostat/config", json={"offline": [ANDRII.sip_login]})
    ring(control, agent=OLENA.sip_login, ring_seconds=1, talk_seconds=30)
    clock.now += 2

    async def scenario() -> tuple[list[str], list[str]]:
        async with make_client(sim) as client:
            return await client.sip_online(), await client.sip_speaking()

    online, speaking = run_async(scenario())
    assert OLENA.sip_login in online
    assert ANDRII.sip_login not in online
    assert speaking == [OLENA.sip_login]


# ---------------------------------------------------------------- click-to-call

def test_click_to_call_posts_a_form_and_starts_an_outgoing_call(
        sim: Simulator, control: httpx.Client, run_async: RunAsync[Any]) -> None:
    async def scenario() -> None:
        async with make_client(sim) as client:
            await client.click_to_call(OLENA.sip_login, "+380671234567")

    run_async(scenario())
    (request,) = requests_to(control, "/callback/outward_call")
    assert request["headers"]["content-type"] == "application/x-www-form-urlencoded"
    assert "extension=demoshopua_olena" in request["body"]
    outgoing = [row for row in control.get("/_sim/ringostat/calls").json()
                if row["call_type"] == "out" and row["dst"] == CLIENT_NUMBER
                and row["phase"] != "ended"]
    assert [row["caller"] for row in outgoing] == [OLENA.sip_login]


def test_click_to_call_can_use_the_extended_method(sim: Simulator, control: httpx.Client,
                                                   run_async: RunAsync[Any]) -> None:
    async def scenario() -> None:
        async with make_client(
                sim, click_to_call_method=ClickToCallMethod.CALLBACK_EXTERNAL) as client:
            await client.click_to_call(OLENA.sip_login, CLIENT_NUMBER)

    run_async(scenario())
    assert not requests_to(control, "/callback/outward_call")
    (request,) = requests_to(control, "/a/v2")
    params = json.loads(request["body"])["params"]
    assert (params["caller"], params["callee"], params["manager_dst"]) == (
        CLIENT_NUMBER, OLENA.sip_login, 0)


def test_click_to_call_extended_returns_the_result(sim: Simulator,
                                                   run_async: RunAsync[Any]) -> None:
    async def scenario() -> dict[str, Any]:
        async with make_client(sim) as client:
            return await client.click_to_call_extended(CLIENT_NUMBER, OLENA.sip_login)

    assert run_async(scenario())["uniqueid"].startswith("ua-")


def test_json_rpc_errors_on_http_200_are_raised(sim: Simulator,
                                                run_async: RunAsync[Any]) -> None:
    async def scenario() -> None:
        async with make_client(sim) as client:
            await client.click_to_call_extended("12", OLENA.sip_login)

    with pytest.raises(RequestRejected, match="Invalid phone number"):
        run_async(scenario())


@pytest.mark.parametrize("fault", [
    {"error_rate": 1.0},
    {"timeout_rate": 1.0, "hang_seconds": 1.0},
    {"drop_rate": 1.0},
])
def test_click_to_call_is_never_retried_blindly(sim: Simulator, control: httpx.Client,
                                                run_async: RunAsync[Any],
                                                fault: dict[str, float]) -> None:
    faults(control, **fault)

    async def scenario() -> None:
        async with make_client(sim, timeout=0.3) as client:
            await client.click_to_call(OLENA.sip_login, CLIENT_NUMBER)

    with pytest.raises(TransientError):
        run_async(scenario())
    assert len(requests_to(control, "/callback/outward_call")) == 1


# ---------------------------------------------------------------- staff

def test_staff_lists_agents_with_their_sip_logins(sim: Simulator,
                                                  run_async: RunAsync[Any]) -> None:
    async def scenario() -> Any:
        async with make_client(sim) as client:
            return await client.staff()

    members = {member.staff_id: member for member in run_async(scenario())}
    assert set(members) == {agent.staff_id for agent in AGENTS}
    olena = members[OLENA.staff_id]
    assert (olena.email, olena.name, olena.extension) == (OLENA.email, OLENA.name,
                                                          OLENA.extension)
    assert olena.sip_logins == (OLENA.sip_login,)
    assert olena.departments == (OLENA.department,)


@pytest.mark.parametrize("identity", [OLENA.email.upper(), OLENA.sip_login, OLENA.extension])
def test_find_agent_by_any_identity(sim: Simulator, run_async: RunAsync[Any],
                                    identity: str) -> None:
    async def scenario() -> Any:
        async with make_client(sim) as client:
            return await client.find_agent(identity), await client.find_agent("nobody@x.ua")

    found, missing = run_async(scenario())
    assert found.staff_id == OLENA.staff_id
    assert missing is None


def test_staff_filters_and_errors(sim: Simulator, run_async: RunAsync[Any]) -> None:
    async def scenario() -> Any:
        async with make_client(sim) as client:
            return await client.staff(email="andrii")

    assert [member.staff_id for member in run_async(scenario())] == [ANDRII.staff_id]

    async def nobody() -> None:
        async with make_client(sim) as client:
            await client.staff(fio="Nobody At All")

    with pytest.raises(RequestRejected, match="User does not exist"):
        run_async(nobody())

    async def wrong_project() -> None:
        async with RingostatClient(sim.ringostat_url,
                                   Secret(sim.credentials.ringostat_auth_key), "999") as client:
            await client.staff()

    with pytest.raises(RequestRejected):
        run_async(wrong_project())


# ---------------------------------------------------------------- failures

def sip_online(sim: Simulator, run_async: RunAsync[Any], **options: Any) -> list[str]:
    async def scenario() -> list[str]:
        async with make_client(sim, **options) as client:
            return await client.sip_online()

    logins: list[str] = run_async(scenario())
    return logins


def test_a_wrong_key_is_an_auth_error(sim: Simulator, run_async: RunAsync[Any]) -> None:
    with pytest.raises(AuthError):
        sip_online(sim, run_async, key="wrong-key")


def test_revoked_credentials_are_an_auth_error(sim: Simulator, control: httpx.Client,
                                               run_async: RunAsync[Any]) -> None:
    faults(control, auth_revoked=True)
    with pytest.raises(AuthError):
        sip_online(sim, run_async)


def test_retry_after_is_honoured(sim: Simulator, control: httpx.Client,
                                 run_async: RunAsync[Any]) -> None:
    faults(control, rate_limit_next=1, retry_after=0.01)
    assert sip_online(sim, run_async)
    assert [entry["status"] for entry in requests_to(control, "/sipstatus/online")] == [429, 200]


def test_rate_limited_when_it_persists(sim: Simulator, control: httpx.Client,
                                       run_async: RunAsync[Any]) -> None:
    faults(control, rate_limit_next=10, retry_after=0.01)
    with pytest.raises(RateLimited) as caught:
        sip_online(sim, run_async)
    assert caught.value.retry_after == pytest.approx(0.01)
    assert len(requests_to(control, "/sipstatus/online")) == 3  # RetryPolicy.attempts


@pytest.mark.parametrize("fault", [
    {"error_rate": 1.0},
    {"timeout_rate": 1.0, "hang_seconds": 1.0},
    {"drop_rate": 1.0},
])
def test_transient_failures_are_retried_then_raised(sim: Simulator, control: httpx.Client,
                                                    run_async: RunAsync[Any],
                                                    fault: dict[str, float]) -> None:
    faults(control, **fault)
    with pytest.raises(TransientError):
        sip_online(sim, run_async, timeout=0.3)
    assert len(requests_to(control, "/sipstatus/online")) == 3


def test_malformed_json_is_a_bad_response(sim: Simulator, control: httpx.Client,
                                          run_async: RunAsync[Any]) -> None:
    faults(control, malformed_rate=1.0)

    async def scenario() -> None:
        async with make_client(sim) as client:
            await client.calls_list(*last_days(1))

    with pytest.raises(BadResponse):
        run_async(scenario())


def test_the_key_never_shows(sim: Simulator, control: httpx.Client, run_async: RunAsync[Any],
                             caplog: pytest.LogCaptureFixture) -> None:
    key = sim.credentials.ringostat_auth_key
    client = make_client(sim, key=key)
    assert key not in repr(client)
    assert key not in str(vars(client))

    faults(control, error_rate=1.0)
    errors: list[ApiError] = []

    async def scenario() -> None:
        async with client:
            for call in (client.sip_online, client.staff):
                try:
                    await call()
                except ApiError as exc:
                    errors.append(exc)

    run_async(scenario())
    assert len(errors) == 2
    for error in errors:
        assert key not in f"{error} {error!r} {error.user_message} {error.__cause__!r}"
    assert key not in caplog.text
    assert key not in control.get("/_sim/requests").text


# ---------------------------------------------------------------- tolerant parsing

def test_parse_call_row_coerces_the_legacy_quirks() -> None:
    call = parse_call_row({
        "uniqueid": "ua-1", "calldate": "2024-06-10T14:05:11+0300", "caller": "380671234567",
        "dst": "380441110000", "call_type": "in", "disposition": "no_answer",
        "duration": "15", "billsec": "0", "waittime": "15", "employee_number": "-1",
    }, KYIV)
    assert call.started_at == datetime(2024, 6, 10, 11, 5, 11, tzinfo=UTC)
    assert (call.disposition, call.duration, call.waittime) == ("NO ANSWER", 15, 15)
    assert call.employee_id is None
    assert call.is_missed


@pytest.mark.parametrize("calldate", ["2024-06-10T14:05:11+03:00", "2024-06-10 14:05:11",
                                      "2024-06-10T11:05:11Z"])
def test_parse_call_row_reads_every_calldate_form(calldate: str) -> None:
    call = parse_call_row({"uniqueid": "x", "calldate": calldate}, KYIV)
    assert call.started_at == datetime(2024, 6, 10, 11, 5, 11, tzinfo=UTC)


def test_parse_call_row_takes_the_login_from_a_sip_display_form() -> None:
    call = parse_call_row({"uniqueid": "x", "calldate": "2024-06-10 14:05:11",
                           "caller": '"Olena" <demoshopua_olena>', "dst": "380671234567",
                           "call_type": "out", "employee_number": 4321}, KYIV)
    assert (call.caller, call.client_number, call.employee_id) == (
        "demoshopua_olena", CLIENT_NUMBER, 4321)


@pytest.mark.parametrize("row", [{"calldate": "2024-06-10 14:05:11"},
                                 {"uniqueid": "x"}, {"uniqueid": "x", "calldate": "never"}])
def test_parse_call_row_refuses_rows_it_cannot_store(row: dict[str, Any]) -> None:
    with pytest.raises(BadResponse):
        parse_call_row(row, KYIV)


def test_unwrap_list_accepts_the_defensive_shapes() -> None:
    assert unwrap_list(None, ("data",), "x") == []
    assert unwrap_list(["a"], ("data",), "x") == ["a"]
    assert unwrap_list({"sips": ["a"]}, ("data", "sips"), "x") == ["a"]
    with pytest.raises(BadResponse):
        unwrap_list({"other": []}, ("data",), "x")


def test_parse_staff_accepts_a_list_with_top_level_directions() -> None:
    (member,) = parse_staff([{
        "id": "7", "fio": "Test", "email": "t@x.ua", "departments": [{"name": "Sales"}],
        "main": [{"direction": "proj_t", "type": "sip"}],
        "additional": [{"direction": "380501112233", "type": "phone"}],
    }])
    assert member.staff_id == 7
    assert member.sip_logins == ("proj_t",)
    assert member.phone_directions == ("380501112233",)
    assert member.departments == ("Sales",)
