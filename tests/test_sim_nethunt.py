"""The NetHunt simulator against its contract (nethunt-api.md §5), over real HTTP."""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from ringohunt_desktop.simulator import SimCredentials, SimOptions, Simulator
from ringohunt_desktop.simulator.nethunt import (
    AUTH_FAILED_TEXT,
    MISSING_SEARCH_TEXT,
    WORKSPACE_ID,
    NetHuntData,
    install,
    iso,
)
from ringohunt_desktop.simulator.people import KNOWN_CONTACTS, UNKNOWN_NUMBER, known
from ringohunt_desktop.simulator.server import SimState

HEX24 = re.compile(r"^[0-9a-f]{24}$")
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


@pytest.fixture
def api(sim: Simulator) -> Iterator[httpx.Client]:
    creds = sim.credentials
    with httpx.Client(base_url=sim.nethunt_url, auth=(creds.nethunt_email, creds.nethunt_api_key),
                      headers={"Content-Type": "application/json"}) as client:
        yield client


@pytest.fixture
def control(sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url) as client:
        yield client


@pytest.fixture
def data(sim: Simulator) -> NetHuntData:
    nethunt: NetHuntData = sim.service_data("nethunt")
    return nethunt


def names(records: list[dict[str, Any]]) -> set[str]:
    return {r["fields"]["Name"] for r in records}


def find(api: httpx.Client, folder_id: str, **params: Any) -> httpx.Response:
    return api.get(f"/searches/find-record/{folder_id}", params=params)


# --- auth ---------------------------------------------------------------------------------

@pytest.mark.parametrize("auth", [None, ("demo@ringohunt.test", "wrong-key"),
                                  ("someone@else.test", "demo-nethunt-key")])
def test_bad_credentials_get_401_with_the_exact_plain_text(
        sim: Simulator, auth: tuple[str, str] | None) -> None:
    response = httpx.get(sim.nethunt_url + "/triggers/auth-test", auth=auth)
    assert response.status_code == 401
    assert response.text == AUTH_FAILED_TEXT
    assert response.headers["content-type"].startswith("text/plain")


def test_every_route_checks_auth(sim: Simulator, data: NetHuntData) -> None:
    contacts = data.folder_id("Contacts")
    response = httpx.post(f"{sim.nethunt_url}/actions/create-record/{contacts}",
                          json={"timeZone": "Europe/Kyiv", "fields": {"Name": "X"}})
    assert response.status_code == 401
    assert len(data.records_in("Contacts")) == 40


def test_revoked_auth_refuses_even_good_credentials(api: httpx.Client,
                                                    control: httpx.Client) -> None:
    control.post("/_sim/faults", json={"service": "nethunt", "auth_revoked": True})
    refused = api.get("/triggers/auth-test")
    assert (refused.status_code, refused.text) == (401, AUTH_FAILED_TEXT)
    control.post("/_sim/faults", json={"service": "nethunt", "auth_revoked": False})
    assert api.get("/triggers/auth-test").status_code == 200


def test_auth_test_folders_and_fields(api: httpx.Client, sim: Simulator) -> None:
    assert api.get("/triggers/auth-test").json() == [
        {"user": {"personalName": "Demo", "emailAddress": sim.credentials.nethunt_email}}]
    for kind in ("readable", "writable"):
        folders = api.get(f"/triggers/{kind}-folder").json()
        assert [f["name"] for f in folders] == ["Contacts", "Deals"]
        assert all(HEX24.match(f["id"]) and set(f) == {"id", "name"} for f in folders)
    contacts_id = api.get("/triggers/readable-folder").json()[0]["id"]
    assert api.get(f"/triggers/folder-field/{contacts_id}").json() == [
        {"name": n} for n in ("Name", "Phone", "Email", "Company", "Responsible",
                              "Джерело", "Канал", "Кампанія", "Ключове слово")]


def test_unknown_paths_and_folders_are_404(api: httpx.Client) -> None:
    assert api.get("/triggers/timeline/65a1c0ffee0000000000c0c1").status_code == 404
    assert api.get("/triggers/new-email/65a1c0ffee0000000000c0c1").status_code == 404
    assert api.get("/triggers/folder-field/" + "0" * 24).status_code == 404
    assert find(api, "f" * 24, query="x").status_code == 404


# --- find-record --------------------------------------------------------------------------

def test_find_needs_record_id_or_query(api: httpx.Client, data: NetHuntData) -> None:
    response = find(api, data.folder_id("Contacts"), limit=5)
    assert (response.status_code, response.text) == (400, MISSING_SEARCH_TEXT)
    assert response.headers["content-type"].startswith("text/plain")


def test_find_by_record_id_returns_the_record_shape(api: httpx.Client, data: NetHuntData) -> None:
    contacts = data.folder_id("Contacts")
    stored = data.records_in("Contacts")[0]
    [record] = find(api, contacts, recordId=stored["recordId"]).json()
    assert set(record) == {"id", "recordId", "createdAt", "updatedAt", "link", "fields"}
    assert record["id"] == record["recordId"] == stored["recordId"]
    assert HEX24.match(record["id"])
    assert ISO_Z.match(record["createdAt"])
    assert ISO_Z.match(record["updatedAt"])
    assert record["fields"] == {"Name": "Олена Коваль", "Phone": ["+380671234567"],
                                "Company": "Квіткова крамниця",
                                "Responsible": ["olena@demo-shop.ua"]}
    # The id exists, but in another folder: not found here.
    assert find(api, data.folder_id("Deals"), recordId=stored["recordId"]).json() == []


@pytest.mark.parametrize(("query", "expected"), [
    ('"Phone":"+380635551234"', {"natalia_bondar"}),  # stored as "+38 (063) 555-12-34"
    ("Phone:380501112233", {"ivan_petrenko"}),
    ('"phone":"0442223344"', {"romashka_andrii", "romashka_maria"}),  # field name any case
    ("0442223344", {"romashka_andrii", "romashka_maria"}),  # bare value: every field
    ("коваль", {"olena_koval"}),  # case-insensitive substring
    ('"Company":"ромашка"', {"romashka_andrii", "romashka_maria"}),
    ('"Name":"0442223344"', set()),  # scoped to a field that does not hold it
    ("+380939998877", set()),  # only in Deals
    (UNKNOWN_NUMBER, set()),
])
def test_find_matches_loosely(api: httpx.Client, data: NetHuntData, query: str,
                              expected: set[str]) -> None:
    hits = find(api, data.folder_id("Contacts"), query=query, limit=50).json()
    assert names(hits) == {known(key).name for key in expected}


def test_deal_only_number_is_found_in_deals(api: httpx.Client, data: NetHuntData) -> None:
    hits = find(api, data.folder_id("Deals"), query='"Phone":"+380939998877"').json()
    assert names(hits) == {known("deal_only").name}


def test_find_honours_limit_with_default_20(api: httpx.Client, data: NetHuntData) -> None:
    contacts = data.folder_id("Contacts")
    assert len(find(api, contacts, query="0", limit=1000).json()) > 20  # most phones hold a 0
    assert len(find(api, contacts, query="0").json()) == 20
    assert len(find(api, contacts, query="0", limit=3).json()) == 3


def test_no_match_is_empty_array_or_404_when_switched(api: httpx.Client, control: httpx.Client,
                                                      data: NetHuntData) -> None:
    contacts = data.folder_id("Contacts")
    assert find(api, contacts, query=UNKNOWN_NUMBER).json() == []
    config = control.post("/_sim/nethunt/config", json={"find_empty_as_404": True}).json()
    assert config["find_empty_as_404"] is True
    assert find(api, contacts, query=UNKNOWN_NUMBER).status_code == 404
    assert find(api, contacts, recordId="0" * 24).status_code == 404


# --- actions ------------------------------------------------------------------------------

def test_create_record(api: httpx.Client, control: httpx.Client, data: NetHuntData) -> None:
    contacts = data.folder_id("Contacts")
    path = f"/actions/create-record/{contacts}"
    assert api.post(path, json={"fields": {"Name": "A"}}).status_code == 400
    assert api.post(path, json={"timeZone": "Europe/Kyiv", "fields": []}).status_code == 400
    assert api.post(path, json={"timeZone": "Mars/Olympus", "fields": {}}).status_code == 400
    reply = api.post(path, json={"timeZone": "Europe/Kyiv", "fields": {
        "Name": "Нова Людина", "Phone": "+380960000001", "Email": [], "Company": "",
        "No such field": "dropped"}}).json()
    assert set(reply) == {"recordId", "createdAt", "fields", "link"}
    assert reply["fields"] == {"Name": "Нова Людина", "Phone": ["+380960000001"]}
    new = [r for r in control.get("/_sim/nethunt/records", params={"folder": "Contacts"}).json()
           if r["fields"]["Name"] == "Нова Людина"]
    assert [r["recordId"] for r in new] == [reply["recordId"]]
    assert new[0]["folderId"] == contacts
    link_payload = json.loads(base64.b64decode(reply["link"].split("#nethunt/")[1]))
    assert link_payload == {"workspaceId": WORKSPACE_ID, "folderId": contacts,
                            "recordId": reply["recordId"],
                            "recordPage": {"recordId": reply["recordId"]}}
    assert names(find(api, contacts, query="+380960000001").json()) == {"Нова Людина"}


def test_update_record(api: httpx.Client, data: NetHuntData) -> None:
    record_id = data.records_in("Contacts")[1]["recordId"]  # Ivan Petrenko, two phones
    path = f"/actions/update-record/{record_id}"
    assert api.post(path, json={"fieldActions": [{"Phone": {}}]}).status_code == 500
    assert api.post("/actions/update-record/" + "0" * 24,
                    json={"fieldActions": {}}).status_code == 404
    reply = api.post(path, params={"overwrite": "false"}, json={"fieldActions": {
        "Phone": {"add": ["+380671110000"], "remove": ["067 765 43 21"]},
        "Company": {"add": "Petrenko Ltd"},  # a single-value field: add sets it
        "Email": {"add": "ivan@example.com"}}}).json()
    assert set(reply) == {"recordId", "updatedAt", "fields"}
    assert reply["fields"]["Phone"] == ["380501112233", "+380671110000"]
    assert reply["fields"]["Company"] == "Petrenko Ltd"
    assert reply["fields"]["Email"] == ["ivan@example.com"]
    # overwrite=true in the query is the default for every action that does not say
    replaced = api.post(path, params={"overwrite": "true"}, json={"fieldActions": {
        "Phone": {"add": ["+380501112233"]},
        "Email": {"remove": "ivan@example.com", "overwrite": False}}}).json()
    assert replaced["fields"]["Phone"] == ["+380501112233"]
    assert "Email" not in replaced["fields"]  # emptied, so omitted
    assert data.record(record_id) is not None


def test_comments_and_call_logs(api: httpx.Client, data: NetHuntData) -> None:
    record_id = data.records_in("Contacts")[0]["recordId"]
    assert api.post("/actions/create-comment/" + "0" * 24, json={"text": "x"}).status_code == 404
    comment = api.post(f"/actions/create-comment/{record_id}", json={"text": "Called"}).json()
    assert set(comment) == {"commentId", "createdAt"}
    assert HEX24.match(comment["commentId"])
    call = api.post(f"/actions/create-call-log/{record_id}", json={
        "text": "Incoming", "time": "2024-03-01T09:15:00Z", "duration": 2.5}).json()
    assert set(call) == {"callLogId", "createdAt"}
    [stored] = data.call_logs_on(record_id)
    assert (stored["time"], stored["endTime"], stored["duration"]) == (
        "2024-03-01T09:15:00.000Z", "2024-03-01T09:17:30.000Z", 2.5)
    assert [c["text"] for c in data.comments_on(record_id)] == ["Called"]
    contacts = data.folder_id("Contacts")
    assert [c["commentId"] for c in api.get(f"/triggers/new-comment/{contacts}").json()] == [
        comment["commentId"]]
    assert [c["callLogId"] for c in api.get(f"/triggers/new-call-log/{contacts}").json()] == [
        call["callLogId"]]
    assert api.get(f"/triggers/new-call-log/{data.folder_id('Deals')}").json() == []


# --- feeds --------------------------------------------------------------------------------

def test_new_record_feed_newest_first_since_limit_and_cap(
        api: httpx.Client, control: httpx.Client, data: NetHuntData) -> None:
    path = f"/triggers/new-record/{data.folder_id('Contacts')}"
    feed = api.get(path).json()
    stamps = [r["createdAt"] for r in feed]
    assert len(feed) == 40
    assert stamps == sorted(stamps, reverse=True)
    since = stamps[10]
    assert [r["createdAt"] for r in api.get(path, params={"since": since}).json()] == stamps[:10]
    assert len(api.get(path, params={"limit": 5}).json()) == 5
    control.post("/_sim/nethunt/config", json={"feed_cap": 7})
    capped = api.get(path, params={"limit": 10000}).json()
    assert [r["createdAt"] for r in capped] == stamps[:7]
    assert api.get(path, params={"since": "not a date"}).status_code == 400


def test_updated_record_and_record_change_feeds(api: httpx.Client, data: NetHuntData) -> None:
    contacts = data.folder_id("Contacts")
    before = iso(time.time())  # after every seeded update
    time.sleep(0.01)
    record_id = data.records_in("Contacts")[2]["recordId"]
    api.post(f"/actions/update-record/{record_id}",
             json={"fieldActions": {"Company": {"add": "Bondar LLC"}}})
    recent = api.get(f"/triggers/updated-record/{contacts}", params={"since": before}).json()
    assert [r["recordId"] for r in recent] == [record_id]
    by_field = api.get(f"/triggers/updated-record/{contacts}",
                       params=[("since", before), ("fieldName", "Phone")]).json()
    assert by_field == []
    [change] = api.get(f"/triggers/record-change/{contacts}",
                       params={"recordId": record_id}).json()
    assert change["recordAction"] == "UPDATE"
    assert change["fieldActions"] == {"Company": {"add": "Bondar LLC"}}


# --- seeded data and the request log ----------------------------------------------------------

def seeded(options: SimOptions) -> NetHuntData:
    state = SimState(seed=options.seed)
    install(state, SimCredentials(), options)
    data: NetHuntData = state.services["nethunt"]
    return data


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_same_seed_same_data_and_known_numbers_stay_unique() -> None:
    options = SimOptions(contacts=500, deals=50)
    first, again = seeded(options), seeded(options)
    other = seeded(SimOptions(seed=8, contacts=500, deals=50))
    for folder in ("Contacts", "Deals"):
        ids = [(r["recordId"], r["fields"]) for r in first.records_in(folder)]
        assert ids == [(r["recordId"], r["fields"]) for r in again.records_in(folder)]
        assert ids != [(r["recordId"], r["fields"]) for r in other.records_in(folder)]
    contacts = first.records_in("Contacts")
    assert len(contacts) == 500
    assert len(first.records_in("Deals")) == 50
    reserved = {digits(p)[-9:] for c in KNOWN_CONTACTS for p in c.phones}
    reserved.add(digits(UNKNOWN_NUMBER)[-9:])
    generated = contacts[len(KNOWN_CONTACTS) - 1:] + first.records_in("Deals")[1:]
    assert not {digits(p)[-9:] for r in generated for p in r["fields"]["Phone"]} & reserved
    assert sum(len(r["fields"]["Phone"]) > 1 for r in contacts) > 30  # several phones
    assert sum("Джерело" in r["fields"] for r in contacts) > 50  # some UTM fields
    assert len({r["createdAt"] for r in contacts}) == 500  # feeds and since are meaningful


def test_100k_contacts_generate_in_seconds() -> None:
    started = time.perf_counter()
    data = seeded(SimOptions(contacts=100_000))
    assert len(data.records_in("Contacts")) == 100_000
    assert time.perf_counter() - started < 10


def test_requests_are_logged_with_bodies_and_redacted_auth(
        api: httpx.Client, control: httpx.Client, data: NetHuntData) -> None:
    control.delete("/_sim/requests")
    record_id = data.records_in("Contacts")[0]["recordId"]
    api.post(f"/actions/create-comment/{record_id}", json={"text": "logged"})
    [entry] = control.get("/_sim/requests", params={"service": "nethunt"}).json()
    assert entry["method"] == "POST"
    assert entry["status"] == 200
    assert json.loads(entry["body"]) == {"text": "logged"}
    assert entry["headers"]["authorization"] == "***"
    assert entry["headers"]["content-type"] == "application/json"
