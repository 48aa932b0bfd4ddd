"""The NetHunt client against the simulator over real HTTP: every method, every error class."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, TypeVar

import httpx
import pytest

from ringohunt_desktop.clients.errors import (
    ApiError,
    AuthError,
    BadResponse,
    NotFound,
    TransientError,
)
from ringohunt_desktop.clients.http import RetryPolicy
from ringohunt_desktop.clients.nethunt import (
    NetHuntClient,
    NetHuntRecord,
    field_values,
    first_value,
    record_link,
    to_contact,
    workspace_id_from_link,
)
from ringohunt_desktop.domain import Folder, NetHuntUser
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.simulator import SimCredentials, SimOptions, Simulator
from ringohunt_desktop.simulator.nethunt import WORKSPACE_ID, NetHuntData
from ringohunt_desktop.simulator.people import UNKNOWN_NUMBER, known

T = TypeVar("T")
Run = Callable[[Coroutine[Any, Any, T]], T]
API_KEY = "nh-key-6f1d2c3b-do-not-leak"  # distinctive, so a leak is easy to spot


@pytest.fixture
def sim_credentials() -> SimCredentials:
    return SimCredentials(nethunt_api_key=API_KEY)


@pytest.fixture
def data(sim: Simulator) -> NetHuntData:
    nethunt: NetHuntData = sim.service_data("nethunt")
    return nethunt


@pytest.fixture
def control(sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url) as client:
        yield client


def make_client(sim: Simulator, *, key: str = API_KEY, timeout: float = 5.0) -> NetHuntClient:
    return NetHuntClient(sim.nethunt_url, sim.credentials.nethunt_email, Secret(key),
                         retry=RetryPolicy(base_delay=0.01), timeout=timeout)


def using(sim: Simulator, run_async: Run[T],
          scenario: Callable[[NetHuntClient], Coroutine[Any, Any, T]], **kwargs: Any) -> T:
    """Run ``scenario`` with a fresh client that is closed afterwards."""

    async def main() -> T:
        async with make_client(sim, **kwargs) as client:
            return await scenario(client)

    return run_async(main())


def fail_with(sim: Simulator, run_async: Run[Any],
              scenario: Callable[[NetHuntClient], Coroutine[Any, Any, Any]],
              error: type[ApiError], **kwargs: Any) -> ApiError:
    with pytest.raises(error) as caught:
        using(sim, run_async, scenario, **kwargs)
    assert API_KEY not in str(caught.value)
    assert API_KEY not in repr(caught.value)
    return caught.value


def nethunt_requests(control: httpx.Client) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = control.get("/_sim/requests",
                                                params={"service": "nethunt"}).json()
    return entries


def set_faults(control: httpx.Client, **faults: Any) -> None:
    control.post("/_sim/faults", json={"service": "nethunt", **faults}).raise_for_status()


# --- reading ------------------------------------------------------------------------------

def test_auth_test_folders_and_fields(sim: Simulator, run_async: Run[Any],
                                      data: NetHuntData) -> None:
    async def scenario(client: NetHuntClient) -> Any:
        return (await client.auth_test(), await client.readable_folders(),
                await client.writable_folders(),
                await client.folder_fields(data.folder_id("Deals")))

    user, readable, writable, fields = using(sim, run_async, scenario)
    assert user == NetHuntUser("Demo", sim.credentials.nethunt_email)
    assert readable == writable == [Folder(data.folder_id("Contacts"), "Contacts"),
                                    Folder(data.folder_id("Deals"), "Deals")]
    assert fields == ["Name", "Phone", "Stage", "Amount", "Responsible"]


def test_every_request_is_json_with_basic_auth(sim: Simulator, run_async: Run[Any],
                                               data: NetHuntData, control: httpx.Client) -> None:
    async def scenario(client: NetHuntClient) -> None:
        assert API_KEY not in repr(client)
        await client.auth_test()
        await client.create_comment(data.records_in("Contacts")[0]["recordId"], "hi")

    using(sim, run_async, scenario)
    entries = nethunt_requests(control)
    assert [e["method"] for e in entries] == ["GET", "POST"]
    for entry in entries:
        assert entry["headers"]["content-type"] == "application/json"
        assert entry["headers"]["authorization"] == "***"  # present (redacted by the log)


def test_find_and_get_records(sim: Simulator, run_async: Run[Any], data: NetHuntData) -> None:
    contacts = data.folder_id("Contacts")

    async def scenario(client: NetHuntClient) -> Any:
        hits = await client.find_records(contacts, '"Phone":"0442223344"')
        one = await client.get_record(contacts, hits[0].record_id)
        missing = await client.get_record(contacts, "0" * 24)
        none = await client.find_records(contacts, UNKNOWN_NUMBER)
        return hits, one, missing, none

    hits, one, missing, none = using(sim, run_async, scenario)
    assert {r.fields["Name"] for r in hits} == {known("romashka_andrii").name,
                                                known("romashka_maria").name}
    assert one == hits[0]
    assert one.created_at is not None
    assert one.created_at.tzinfo is not None
    assert workspace_id_from_link(one.link) == WORKSPACE_ID
    assert (missing, none) == (None, [])


def test_no_match_as_404_is_empty_too(sim: Simulator, run_async: Run[Any], data: NetHuntData,
                                      control: httpx.Client) -> None:
    control.post("/_sim/nethunt/config", json={"find_empty_as_404": True}).raise_for_status()
    contacts = data.folder_id("Contacts")

    async def scenario(client: NetHuntClient) -> Any:
        return (await client.find_records(contacts, UNKNOWN_NUMBER),
                await client.get_record(contacts, "0" * 24))

    assert using(sim, run_async, scenario) == ([], None)


# --- writing ------------------------------------------------------------------------------

def test_create_update_comment_and_call_log(sim: Simulator, run_async: Run[Any],
                                            data: NetHuntData, control: httpx.Client) -> None:
    contacts = data.folder_id("Contacts")
    started = datetime(2024, 3, 1, 11, 15, tzinfo=timezone(timedelta(hours=2)))

    async def scenario(client: NetHuntClient) -> Any:
        created = await client.create_record(
            contacts, {"Name": "Client Nine", "Phone": ["+380960000009"]}, "Europe/Kyiv")
        updated = await client.update_record(created.record_id,
                                             {"Phone": {"add": ["+380960000010"]}})
        comment_id = await client.create_comment(created.record_id, "Called back")
        call_log_id = await client.create_call_log(created.record_id, "Incoming",
                                                   time=started, duration_seconds=150)
        return created, updated, comment_id, call_log_id

    created, updated, comment_id, call_log_id = using(sim, run_async, scenario)
    assert created.link == record_link(WORKSPACE_ID, contacts, created.record_id)
    assert updated["fields"]["Phone"] == ["+380960000009", "+380960000010"]
    assert comment_id
    assert call_log_id
    [log] = data.call_logs_on(created.record_id)
    assert (log["time"], log["duration"], log["endTime"]) == (
        "2024-03-01T09:15:00.000Z", 2.5, "2024-03-01T09:17:30.000Z")
    bodies = {e["path"].split("/")[-2]: json.loads(e["body"]) for e in nethunt_requests(control)}
    assert bodies["create-record"] == {"timeZone": "Europe/Kyiv", "fields": {
        "Name": "Client Nine", "Phone": ["+380960000009"]}}
    assert bodies["update-record"] == {"fieldActions": {"Phone": {"add": ["+380960000010"]}}}
    assert bodies["create-call-log"] == {"text": "Incoming", "time": "2024-03-01T09:15:00.000Z",
                                         "duration": 2.5}


def test_update_of_a_gone_record_is_not_found(sim: Simulator, run_async: Run[Any]) -> None:
    async def scenario(client: NetHuntClient) -> Any:
        return await client.update_record("0" * 24, {"Name": {"add": "x"}}, overwrite=True)

    fail_with(sim, run_async, scenario, NotFound)


# --- feeds --------------------------------------------------------------------------------

def test_feeds(sim: Simulator, run_async: Run[Any], data: NetHuntData) -> None:
    contacts = data.folder_id("Contacts")
    record_id = data.records_in("Contacts")[0]["recordId"]
    since = datetime.now(UTC) - timedelta(seconds=1)  # after every seeded record and update

    async def scenario(client: NetHuntClient) -> Any:
        created = await client.create_record(contacts, {"Name": "Fresh"}, "UTC")
        await client.update_record(record_id, {"Company": {"add": "Renamed"}})
        await client.create_comment(record_id, "note")
        await client.create_call_log(record_id, "call", duration_seconds=61)
        return (created, await client.new_records(contacts),
                await client.new_records(contacts, since=since),
                await client.updated_records(contacts, since=since),
                await client.updated_records(contacts, since=since, field_names=["Phone"]),
                await client.new_comments(contacts, since=since),
                await client.new_call_logs(contacts, since=since))

    created, every, new, updated, phone_updates, comments, call_logs = using(
        sim, run_async, scenario)
    assert len(every) == 41
    assert every[0].record_id == created.record_id
    stamps = [r.created_at for r in every]
    assert stamps == sorted(stamps, key=lambda d: d or datetime.min, reverse=True)
    assert [r.record_id for r in new] == [created.record_id]
    assert [r.record_id for r in updated] == [record_id]
    assert phone_updates == []
    assert [(c.record_id, c.text) for c in comments] == [(record_id, "note")]
    assert [(c.record_id, c.duration_minutes) for c in call_logs] == [(record_id, 1.02)]


@pytest.mark.parametrize("via", ["options", "config"])
def test_feed_returns_exactly_the_cap_newest_first(run_async: Run[Any], via: str) -> None:
    options = SimOptions(contacts=300, deals=5, feed_cap=100 if via == "options" else 10000,
                         calls_history_days=1, calls_per_day=1)
    with Simulator(SimCredentials(nethunt_api_key=API_KEY), options) as simulator:
        if via == "config":
            httpx.post(simulator.url + "/_sim/nethunt/config",
                       json={"feed_cap": 100}).raise_for_status()
        data: NetHuntData = simulator.service_data("nethunt")

        async def scenario(client: NetHuntClient) -> list[NetHuntRecord]:
            return await client.new_records(data.folder_id("Contacts"), limit=10000)

        feed = using(simulator, run_async, scenario)
        newest = sorted(data.records_in("Contacts"), key=lambda r: r["createdAt"],
                        reverse=True)[:100]
    assert [r.record_id for r in feed] == [r["recordId"] for r in newest]


# --- failures -----------------------------------------------------------------------------

async def auth_test(client: NetHuntClient) -> NetHuntUser:
    return await client.auth_test()


def test_bad_credentials_are_an_auth_error(sim: Simulator, run_async: Run[Any],
                                           control: httpx.Client) -> None:
    error = fail_with(sim, run_async, auth_test, AuthError, key="wrong-" + API_KEY)
    assert error.status == 401
    assert "does not appear to be valid" in error.message
    assert len(nethunt_requests(control)) == 1  # never retried


def test_revoked_access_is_an_auth_error(sim: Simulator, run_async: Run[Any],
                                         control: httpx.Client) -> None:
    set_faults(control, auth_revoked=True)
    fail_with(sim, run_async, auth_test, AuthError)


def test_429_retry_after_is_honoured_for_reads(sim: Simulator, run_async: Run[Any],
                                               control: httpx.Client) -> None:
    set_faults(control, rate_limit_next=1, retry_after=0.01)
    assert using(sim, run_async, auth_test).email == sim.credentials.nethunt_email
    assert [e["status"] for e in nethunt_requests(control)] == [429, 200]


def test_5xx_is_transient_after_retries(sim: Simulator, run_async: Run[Any],
                                        control: httpx.Client) -> None:
    set_faults(control, error_rate=1, error_status=502)
    error = fail_with(sim, run_async, auth_test, TransientError)
    assert error.status == 502
    assert len(nethunt_requests(control)) == 3


def test_create_record_is_not_retried_on_5xx(sim: Simulator, run_async: Run[Any],
                                             data: NetHuntData, control: httpx.Client) -> None:
    set_faults(control, error_rate=1)

    async def scenario(client: NetHuntClient) -> Any:
        return await client.create_record(data.folder_id("Contacts"), {"Name": "Once"}, "UTC")

    fail_with(sim, run_async, scenario, TransientError)
    creates = [e for e in nethunt_requests(control) if "/actions/create-record/" in e["path"]]
    assert len(creates) == 1


def test_timeout_is_transient(sim: Simulator, run_async: Run[Any],
                              control: httpx.Client) -> None:
    set_faults(control, timeout_rate=1, hang_seconds=1)
    fail_with(sim, run_async, auth_test, TransientError, timeout=0.2)


def test_dropped_connection_is_transient(sim: Simulator, run_async: Run[Any],
                                         control: httpx.Client) -> None:
    set_faults(control, drop_rate=1)
    fail_with(sim, run_async, auth_test, TransientError)


def test_malformed_json_is_a_bad_response(sim: Simulator, run_async: Run[Any],
                                          control: httpx.Client) -> None:
    set_faults(control, malformed_rate=1)
    fail_with(sim, run_async, auth_test, BadResponse)


# --- pure helpers -------------------------------------------------------------------------

def test_record_link_is_base64_of_compact_json() -> None:
    link = record_link("ws1", "folder1", "rec1")
    prefix, encoded = link.split("#nethunt/")
    assert prefix == "https://nethunt.com/web/"
    assert base64.b64decode(encoded).decode() == (
        '{"workspaceId":"ws1","folderId":"folder1","recordId":"rec1",'
        '"recordPage":{"recordId":"rec1"}}')
    assert workspace_id_from_link(link) == "ws1"
    assert workspace_id_from_link(link.rstrip("=")) == "ws1"  # padding lost in a copy/paste
    for junk in ("", "https://nethunt.com/app/records/a/b", "https://nethunt.com/web/#nethunt/@@"):
        assert workspace_id_from_link(junk) is None


def test_field_values_accept_strings_lists_and_drop_empties() -> None:
    fields = {"Phone": ["+380501112233", "", None, " 067 1 "], "Name": "  Olena ",
              "Amount": 570.01, "Empty": [], "Blank": "  "}
    assert field_values(fields, "Phone") == ["+380501112233", "067 1"]
    assert field_values(fields, "Name") == ["Olena"]
    assert field_values(fields, "Amount") == ["570.01"]
    assert field_values(fields, "Empty") == field_values(fields, "Blank") == []
    assert field_values(fields, "Missing") == []
    assert (first_value(fields, "Phone"), first_value(fields, "Missing")) == ("+380501112233", "")


def test_records_parse_tolerantly() -> None:
    record = NetHuntRecord.from_json({"id": "abc", "createdAt": 1709284500000,
                                      "updatedAt": "2024-03-01T09:15:00"})
    assert record.record_id == "abc"
    assert record.fields == {}
    assert record.link == ""
    assert record.created_at == record.updated_at == datetime(2024, 3, 1, 9, 15, tzinfo=UTC)
    wrongs: list[Any] = [[], {"fields": {}}, {"recordId": "x", "fields": ["Name"]}]
    for wrong in wrongs:
        with pytest.raises(BadResponse):
            NetHuntRecord.from_json(wrong)


def test_to_contact_reads_configured_fields_and_builds_a_missing_link() -> None:
    record = NetHuntRecord("rec1", None, None, "", {
        "Ім'я": "Олена", "Телефон": "+380671234567", "Пошта": ["o@x.ua"],
        "Компанія": ["Квіти"], "Менеджер": ["olena@demo-shop.ua"]})
    contact = to_contact(record, "folder1", name_field="Ім'я", phone_field="Телефон",
                         email_field="Пошта", company_field="Компанія",
                         manager_field="Менеджер", workspace_id="ws1")
    assert (contact.name, contact.phones, contact.emails, contact.company, contact.manager) == (
        "Олена", ("+380671234567",), ("o@x.ua",), "Квіти", "olena@demo-shop.ua")
    assert contact.link == record_link("ws1", "folder1", "rec1")
    assert to_contact(record, "folder1").link == ""  # no link and no workspace: none
