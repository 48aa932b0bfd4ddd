"""The simulated Ringostat API against its contract (ringostat-api.md §7), over real HTTP."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from ringohunt_desktop.simulator import SimCredentials, SimOptions, Simulator, ringostat
from ringohunt_desktop.simulator.people import AGENTS, TRACKING_NUMBER, known
from ringohunt_desktop.simulator.ringostat import to_digits
from ringohunt_desktop.simulator.server import SimServer, SimState
from tests.conftest import FakeClock

KYIV = ZoneInfo("Europe/Kyiv")
OLENA = AGENTS[0]
ANDRII = AGENTS[1]
LEGACY_CALLDATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}$")




@pytest.fixture
def api(sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url,
                      headers={"Auth-key": sim.credentials.ringostat_auth_key}) as client:
        yield client




def calls(api: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    response = api.get("/calls/list", params={"from": "2000-01-01", **params})
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


def ring(api: httpx.Client, **body: Any) -> str:
    response = api.post("/_sim/ring", json=body)
    assert response.status_code == 200, response.text
    call_id: str = response.json()["call_id"]
    return call_id


def row_of(api: httpx.Client, call_id: str, fields: str) -> dict[str, Any]:
    (row,) = calls(api, fields=fields, filters=f"uniqueid={call_id}")
    return row


LIFECYCLE_FIELDS = "uniqueid,disposition,employee_number,connected_with,billsec,has_recording"


# ---------------------------------------------------------------- auth

@pytest.mark.parametrize("headers", [{}, {"Auth-key": "wrong"}])
def test_calls_list_refuses_a_missing_or_wrong_key(sim: Simulator,
                                                    headers: dict[str, str]) -> None:
    response = httpx.get(sim.url + "/calls/list", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"message": "invalid auth-key"}


def test_revoked_credentials_are_refused_until_restored(sim: Simulator,
                                                        api: httpx.Client) -> None:
    api.post("/_sim/faults", json={"service": "ringostat", "auth_revoked": True})
    assert api.get("/sipstatus/online").status_code == 401
    api.delete("/_sim/faults")
    assert api.get("/sipstatus/online").status_code == 200


def test_the_header_name_is_case_insensitive(sim: Simulator) -> None:
    response = httpx.get(sim.url + "/sipstatus/online",
                         headers={"auth-key": sim.credentials.ringostat_auth_key})
    assert response.status_code == 200


# ---------------------------------------------------------------- calls/list

def test_seeded_history_has_the_configured_size(sim: Simulator, api: httpx.Client) -> None:
    rows = calls(api, fields="uniqueid")
    assert len(rows) == sim.options.calls_history_days * sim.options.calls_per_day


def test_only_requested_fields_are_returned(api: httpx.Client) -> None:
    rows = calls(api, fields="uniqueid,disposition")
    assert rows
    assert all(set(row) == {"uniqueid", "disposition"} for row in rows)


def test_default_fields_when_none_are_named(api: httpx.Client) -> None:
    assert set(calls(api)[0]) == set(ringostat.DEFAULT_FIELDS)


def test_an_unknown_field_is_a_400_with_a_text_body(api: httpx.Client) -> None:
    response = api.get("/calls/list", params={"fields": "uniqueid,nonsense"})
    assert response.status_code == 400
    assert response.text == "incorrect field: nonsense"


def test_csv_export_is_semicolon_delimited_with_a_header(api: httpx.Client) -> None:
    response = api.get("/calls/list", params={"from": "2000-01-01", "export_type": "csv",
                                              "fields": "uniqueid,disposition,waittime"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0] == "uniqueid;disposition;waittime"
    assert len(lines) - 1 == len(calls(api, fields="uniqueid"))
    assert all(line.count(";") == 2 for line in lines[1:])


def test_order_by_calldate(api: httpx.Client) -> None:
    ascending = calls(api, fields="uniqueid,calldate", order="calldate asc")
    descending = calls(api, fields="uniqueid,calldate", order="calldate desc")
    assert [row["calldate"] for row in ascending] == sorted(row["calldate"] for row in ascending)
    assert [row["uniqueid"] for row in descending] == [row["uniqueid"] for row in ascending][::-1]


def test_filters_by_value_and_by_base64_alternatives(api: httpx.Client) -> None:
    everything = calls(api, fields="uniqueid,call_type,disposition")
    outgoing = calls(api, fields="uniqueid,call_type", filters="call_type=out")
    assert outgoing
    assert {row["uniqueid"] for row in outgoing} == {
        row["uniqueid"] for row in everything if row["call_type"] == "out"}
    wanted = base64.b64encode(b"answered|Proper").decode()
    answered = calls(api, fields="uniqueid,disposition", filters=f"disposition~{wanted}")
    assert answered
    assert {row["uniqueid"] for row in answered} == {
        row["uniqueid"] for row in everything if row["disposition"] in ("ANSWERED", "PROPER")}


def test_a_filter_on_an_unknown_field_is_refused(api: httpx.Client) -> None:
    response = api.get("/calls/list", params={"filters": "bogus=1"})
    assert response.status_code == 400
    assert "incorrect field: bogus" in response.text


def test_legacy_type_quirks_are_kept(api: httpx.Client, clock: FakeClock) -> None:
    missed = ring(api, outcome="missed", ring_seconds=3)
    answered = ring(api, talk_seconds=30)
    clock.now += 60
    fields = ("uniqueid,calldate,caller,dst,waittime,has_recording,duration_ms,employee_number,"
              "employee_fio,billsec,duration,call_type")
    missed_row, answered_row = row_of(api, missed, fields), row_of(api, answered, fields)
    for row in (missed_row, answered_row):
        assert LEGACY_CALLDATE.match(row["calldate"])
        assert isinstance(row["waittime"], str)
        assert isinstance(row["has_recording"], str)
        assert isinstance(row["duration_ms"], str)
        assert isinstance(row["billsec"], int)
        assert row["caller"].isdigit()  # international digits, no "+"
        assert row["dst"] == TRACKING_NUMBER
    assert missed_row["employee_number"] == -1
    assert missed_row["employee_fio"] == ""
    assert missed_row["has_recording"] == "0"
    assert answered_row["employee_number"] == OLENA.staff_id
    assert answered_row["has_recording"] == "1"


def test_window_is_read_in_project_time(api: httpx.Client, clock: FakeClock) -> None:
    call_id = ring(api)
    started = datetime.fromtimestamp(clock.now, KYIV)

    def ids(start: datetime, end: datetime) -> set[str]:
        rows = calls(api, fields="uniqueid", **{
            "from": start.strftime("%Y-%m-%d %H:%M:%S"), "to": end.strftime("%Y-%m-%d %H:%M:%S")})
        return {row["uniqueid"] for row in rows}

    assert call_id in ids(started - timedelta(seconds=1), started + timedelta(seconds=1))
    # The same wall-clock digits read as UTC would miss it by the Kyiv offset.
    as_utc = started.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
    assert call_id not in ids(as_utc - timedelta(seconds=1), as_utc + timedelta(seconds=1))


def test_default_window_is_the_last_24_hours(sim: Simulator, api: httpx.Client) -> None:
    recent = api.get("/calls/list", params={"fields": "uniqueid"}).json()
    everything = calls(api, fields="uniqueid")
    assert 0 < len(recent) < len(everything)


def test_rows_are_capped_in_the_requested_order(api: httpx.Client) -> None:
    everything = calls(api, fields="uniqueid", order="calldate asc")
    assert api.post("/_sim/ringostat/config", json={"calls_cap": 3}).json()["calls_cap"] == 3
    first = calls(api, fields="uniqueid", order="calldate asc")
    last = calls(api, fields="uniqueid", order="calldate desc")
    assert first == everything[:3]
    assert last == everything[::-1][:3]


# ---------------------------------------------------------------- live calls and sipstatus

def test_a_ringing_call_goes_in_progress_then_final(api: httpx.Client, clock: FakeClock) -> None:
    call_id = ring(api, agent=ANDRII.email, ring_seconds=4, talk_seconds=20,
                   utm_source="facebook", utm_medium="social", utm_campaign="spring")

    ringing = row_of(api, call_id, LIFECYCLE_FIELDS + ",utm_source,call_type")
    assert ringing["disposition"] == "CALLING"
    assert ringing["employee_number"] == ANDRII.staff_id  # the agent being rung
    assert ringing["connected_with"] == ""
    assert ringing["utm_source"] == "facebook"
    assert ringing["call_type"] == "in"
    assert ANDRII.sip_login not in api.get("/sipstatus/speaking").json()

    clock.now += 5
    talking = row_of(api, call_id, LIFECYCLE_FIELDS)
    assert talking["disposition"] == "IN PROGRESS"
    assert talking["connected_with"] == ANDRII.sip_login
    assert api.get("/sipstatus/speaking").json() == [ANDRII.sip_login]
    assert ANDRII.sip_login in api.get("/sipstatus/online").json()

    clock.now += 30
    final = row_of(api, call_id, LIFECYCLE_FIELDS)
    assert final["disposition"] == "ANSWERED"
    assert final["billsec"] == 20
    assert final["connected_with"] == ANDRII.sip_login
    assert final["has_recording"] == "1"
    assert api.get("/sipstatus/speaking").json() == []


@pytest.mark.parametrize(("outcome", "disposition"), [("missed", "NO ANSWER"), ("busy", "BUSY")])
def test_unanswered_calls_end_without_an_employee(api: httpx.Client, clock: FakeClock,
                                                  outcome: str, disposition: str) -> None:
    call_id = ring(api, outcome=outcome, ring_seconds=4)
    assert row_of(api, call_id, LIFECYCLE_FIELDS)["employee_number"] == OLENA.staff_id
    clock.now += 5
    final = row_of(api, call_id, LIFECYCLE_FIELDS)
    assert final["disposition"] == disposition
    assert (final["employee_number"], final["connected_with"], final["billsec"]) == (-1, "", 0)


def test_a_long_incoming_call_is_proper(api: httpx.Client, clock: FakeClock) -> None:
    call_id = ring(api, talk_seconds=90)
    clock.now += 120
    assert row_of(api, call_id, "uniqueid,disposition")["disposition"] == "PROPER"


def test_ring_normalises_the_caller_and_rejects_unknown_agents(api: httpx.Client) -> None:
    call_id = ring(api, caller="+38 (063) 555-12-34", agent="101")
    assert row_of(api, call_id, "uniqueid,caller")["caller"] == "380635551234"
    assert api.post("/_sim/ring", json={"agent": "nobody@x"}).status_code == 400


def test_offline_agents_are_not_online(api: httpx.Client) -> None:
    api.post("/_sim/ringostat/config", json={"offline": [ANDRII.sip_login]})
    online = api.get("/sipstatus/online").json()
    assert ANDRII.sip_login not in online
    assert OLENA.sip_login in online


def test_real_time_passes_without_a_ticker(api: httpx.Client) -> None:
    call_id = ring(api, ring_seconds=0.05, talk_seconds=0.1)
    deadline = time.monotonic() + 10
    while row_of(api, call_id, "uniqueid,disposition")["disposition"] != "ANSWERED":
        assert time.monotonic() < deadline
        time.sleep(0.05)


# ---------------------------------------------------------------- click-to-call

def test_outward_call_creates_an_outgoing_call(sim: Simulator, api: httpx.Client,
                                               clock: FakeClock) -> None:
    response = api.post("/callback/outward_call",
                        data={"extension": OLENA.sip_login, "destination": "+380671234567"})
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    since = datetime.fromtimestamp(clock.now, KYIV).strftime("%Y-%m-%d %H:%M:%S")
    (row,) = calls(api, fields="uniqueid,caller,dst,call_type,disposition",
                   filters="call_type=out", **{"from": since})
    assert (row["caller"], row["dst"], row["disposition"]) == (
        OLENA.sip_login, "380671234567", "CALLING")
    clock.now += 3
    assert api.get("/sipstatus/speaking").json() == [OLENA.sip_login]
    clock.now += 10
    assert row_of(api, row["uniqueid"], "uniqueid,disposition")["disposition"] == "ANSWERED"
    assert api.get("/sipstatus/speaking").json() == []


def test_outward_call_accepts_json_and_refuses_missing_fields(api: httpx.Client) -> None:
    ok = api.post("/callback/outward_call",
                  json={"extension": OLENA.extension, "destination": "0501112233"})
    assert ok.json() == {"status": "ok"}
    missing = api.post("/callback/outward_call", data={"extension": OLENA.sip_login})
    assert missing.status_code == 400
    assert missing.json()["message"]


def rpc(api: httpx.Client, path: str, method: str, params: dict[str, Any]) -> dict[str, Any]:
    response = api.post(path, json={"jsonrpc": "2.0", "id": 7, "method": method,
                                    "params": params})
    assert response.status_code == 200  # JSON-RPC failures too
    payload: dict[str, Any] = response.json()
    assert payload["id"] == 7
    return payload


def test_callback_external_starts_a_call(sim: Simulator, api: httpx.Client) -> None:
    payload = rpc(api, "/a/v2", ringostat.CALLBACK_METHOD, {
        "projectId": sim.credentials.ringostat_project_id, "caller": "380671234567",
        "callee": OLENA.sip_login, "manager_dst": 0, "direction": "out"})
    call_id = payload["result"]["uniqueid"]
    assert row_of(api, call_id, "uniqueid,dst,call_type") == {
        "uniqueid": call_id, "dst": "380671234567", "call_type": "out"}


def test_callback_external_errors_come_back_as_json_rpc(sim: Simulator,
                                                        api: httpx.Client) -> None:
    project = sim.credentials.ringostat_project_id
    invalid = rpc(api, "/a/v2", ringostat.CALLBACK_METHOD,
                  {"projectId": project, "caller": "12", "callee": OLENA.sip_login})
    assert invalid["error"]["message"]
    assert "result" not in invalid
    unknown = rpc(api, "/a/v2", "Api\\V2\\Nope.nothing", {"projectId": project})
    assert unknown["error"]["code"] == -32601


# ---------------------------------------------------------------- staff

def test_staff_list_is_keyed_by_staff_id(sim: Simulator, api: httpx.Client) -> None:
    result = rpc(api, "/api/json-rpc", ringostat.STAFF_METHOD,
                 {"projectId": sim.credentials.ringostat_project_id})["result"]
    assert set(result) == {str(agent.staff_id) for agent in AGENTS}
    entry = result[str(OLENA.staff_id)]
    assert entry["email"] == OLENA.email
    assert entry["extensionNumber"] == OLENA.extension
    assert entry["directions"]["main"][0] == {"direction": OLENA.sip_login, "type": "sip",
                                              "online": True}


def test_staff_filters_and_their_errors(sim: Simulator, api: httpx.Client) -> None:
    project = sim.credentials.ringostat_project_id
    found = rpc(api, "/api/json-rpc", ringostat.STAFF_METHOD,
                {"projectId": project, "filters": {"email": "ANDRII@"}})["result"]
    assert list(found) == [str(ANDRII.staff_id)]
    nobody = rpc(api, "/api/json-rpc", ringostat.STAFF_METHOD,
                 {"projectId": project, "filters": {"fio": "Nobody"}})
    assert nobody["error"]["message"] == "User does not exist"
    wrong_project = rpc(api, "/api/json-rpc", ringostat.STAFF_METHOD, {"projectId": "1"})
    assert wrong_project["error"]["message"]


# ---------------------------------------------------------------- extras

def test_contacts_sync_needs_the_project_header(sim: Simulator, api: httpx.Client) -> None:
    body = {"contacts": [{"fullName": "Олена Коваль", "externalId": "x1"}]}
    assert api.post("/minicrm/contacts/sync", json=body).status_code == 403
    synced = api.post("/minicrm/contacts/sync", json=body,
                      headers={"x-project-id": sim.credentials.ringostat_project_id})
    assert synced.json() == {"status": "ok", "count": 1}


def test_recordings_are_served_with_their_token(api: httpx.Client, clock: FakeClock) -> None:
    call_id = ring(api, talk_seconds=5)
    clock.now += 30
    url = row_of(api, call_id, "uniqueid,recording_wav")["recording_wav"]
    audio = httpx.get(url)  # the token in the URL is the credential
    assert audio.status_code == 200
    assert audio.content.startswith(b"RIFF")
    assert httpx.get(url.split("?")[0]).status_code == 403


def test_history_is_reproducible_from_the_seed() -> None:
    def rows(seed: int) -> list[dict[str, Any]]:
        state = SimState(seed=seed)
        state.clock = lambda: 1_718_000_000.0
        options = SimOptions(seed=seed, calls_history_days=2, calls_per_day=15)
        server = SimServer(state, ringostat.install(state, SimCredentials(), options)).start()
        try:
            # Recording URLs name the server's port, which differs between runs.
            fields = ",".join(name for name in ringostat.ALL_FIELDS if "recording" not in name)
            response = httpx.get(server.url + "/calls/list",
                                 params={"from": "2000-01-01", "fields": fields},
                                 headers={"Auth-key": SimCredentials().ringostat_auth_key})
            result: list[dict[str, Any]] = response.json()
            return result
        finally:
            server.stop()

    first = rows(3)
    assert len(first) == 30
    assert rows(3) == first
    assert rows(4) != first


def test_callers_are_mostly_crm_contacts(sim: Simulator, api: httpx.Client) -> None:
    rows = calls(api, fields="caller,call_type")
    incoming = [row["caller"] for row in rows if row["call_type"] != "out"]
    assert all(number.isdigit() for number in incoming)
    crm_numbers = set(sim.service_data("ringostat").crm_numbers)
    assert to_digits(known("olena_koval").phones[0]) in crm_numbers
    assert sum(number in crm_numbers for number in incoming) > len(incoming) / 2


def test_the_generator_makes_live_calls() -> None:
    options = SimOptions(contacts=10, deals=2, calls_history_days=0, calls_per_day=0,
                         call_every=0.02)
    with Simulator(SimCredentials(), options) as simulator:
        deadline = time.monotonic() + 10
        while not simulator.service_data("ringostat").calls:
            assert time.monotonic() < deadline
            time.sleep(0.02)
