"""The note after the call: kept locally, written to NetHunt as a comment exactly once, against
the simulator over real HTTP (offline, a lost answer, no contact yet, a deleted contact)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Coroutine, Iterator
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import pytest

from ringohunt_desktop.clients.http import RetryPolicy
from ringohunt_desktop.clients.nethunt import NetHuntClient
from ringohunt_desktop.core.lookup import CallerLookup, FieldMap
from ringohunt_desktop.core.notes import (
    CALL_ID_LINE,
    EmptyNote,
    NoteOutcome,
    NoteWriter,
    clean_note,
    compose_comment,
    remote_finder,
)
from ringohunt_desktop.domain import CallRecord, Direction
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.simulator import Simulator
from ringohunt_desktop.simulator.nethunt import NetHuntData
from ringohunt_desktop.simulator.people import UNKNOWN_NUMBER, known
from ringohunt_desktop.store.db import Database
from ringohunt_desktop.store.notes import NoteState, NoteStore

T = TypeVar("T")
Run = Callable[[Coroutine[Any, Any, T]], T]

OLENA = known("olena_koval")


def a_call(number: str = "+380671234567", call_id: str = "ua-1.001", **extra: Any) -> CallRecord:
    values: dict[str, Any] = dict(
        call_id=call_id, started_at=datetime(2026, 12, 7, 8, 5, tzinfo=UTC), caller=number,
        destination="0443334455", direction=Direction.INCOMING, disposition="ANSWERED",
        duration=140, billsec=125, employee_name="Олена", utm_source="google",
        utm_medium="cpc", utm_campaign="brand",
        recording_url="https://app.ringostat.com/recordings/ua-1.001.mp3")
    values.update(extra)
    return CallRecord(**values)


@pytest.fixture
def data(sim: Simulator) -> NetHuntData:
    nethunt: NetHuntData = sim.service_data("nethunt")
    return nethunt


@pytest.fixture
def control(sim: Simulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sim.url) as client:
        yield client


@pytest.fixture
def notes() -> NoteStore:
    return NoteStore(Database.in_memory())


def client_for(url: str, sim: Simulator) -> NetHuntClient:
    return NetHuntClient(url, sim.credentials.nethunt_email,
                         Secret(sim.credentials.nethunt_api_key),
                         retry=RetryPolicy(base_delay=0.01, attempts=1), timeout=2.0)


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/api/v1/zapier"


def contacts_folder(data: NetHuntData) -> str:
    return data.folder_id("Contacts")


def record_of(data: NetHuntData, name: str) -> str:
    return next(r["recordId"] for r in data.records_in("Contacts") if r["fields"]["Name"] == name)


async def write_with(url: str, sim: Simulator, data: NetHuntData, notes: NoteStore,
                     call_id: str) -> Any:
    async with client_for(url, sim) as client:
        lookup = CallerLookup(client, contacts_folder(data), fields=FieldMap())
        writer = NoteWriter(client, contacts_folder(data), notes, remote_finder(lookup, "UA"))
        return await writer.write(call_id)


def keep(notes: NoteStore, call: CallRecord, text: str, record_id: str | None) -> None:
    notes.keep(call.call_id, text, compose_comment(text, call, language="uk"),
               call.client_number, record_id)


def comment_posts(control: httpx.Client) -> list[dict[str, Any]]:
    return [r for r in control.get("/_sim/requests").json()
            if r["method"] == "POST" and "/actions/create-comment/" in r["path"]]


# -- the comment's text --------------------------------------------------------------------

def test_comment_carries_the_calls_facts_and_its_id() -> None:
    text = compose_comment("Хоче доставку на завтра", a_call(), language="uk")
    lines = text.splitlines()
    assert lines[0] == "Хоче доставку на завтра"
    assert "Вхідний дзвінок 07.12.2026 10:05, розмова 2 хв 05 с" in lines  # Kyiv time
    assert "Джерело: google / cpc / brand" in lines
    assert "Запис: https://app.ringostat.com/recordings/ua-1.001.mp3" in lines
    assert lines[-1] == CALL_ID_LINE.format(call_id="ua-1.001")
    english = compose_comment("Wants delivery", a_call(direction=Direction.OUTGOING,
                                                       destination="+380671234567"),
                              language="en", time_zone="UTC")
    assert "Outgoing call 07.12.2026 08:05, talk 2 min 05 s" in english.splitlines()


def test_hostile_text_and_call_fields_are_cleaned_and_capped() -> None:
    call = a_call(utm_source="evil\n\u202eline", recording_url="javascript:alert(1)",
                  employee_name="x" * 10_000)
    text = compose_comment("note\u202e\x00 with\nnewline" + "я" * 5000, call, language="en")
    first = text.splitlines()[0]
    assert "\u202e" not in text
    assert "\x00" not in text
    assert first.startswith("note with newline")
    assert len(first) <= 1000
    assert "javascript:" not in text
    assert all(len(line) <= 1000 for line in text.splitlines())
    with pytest.raises(EmptyNote):
        clean_note(" \u200b\x07 ")


# -- exactly once --------------------------------------------------------------------------

def test_offline_then_online_writes_exactly_once(sim: Simulator, data: NetHuntData,
                                                 notes: NoteStore, control: httpx.Client,
                                                 run_async: Run[Any]) -> None:
    call = a_call()
    record_id = record_of(data, OLENA.name)
    keep(notes, call, "Передзвонити в п'ятницю", record_id)

    offline = run_async(write_with(closed_port_url(), sim, data, notes, call.call_id))
    assert offline.outcome is NoteOutcome.WAITING
    assert offline.error is not None
    assert notes.get(call.call_id).state is NoteState.PENDING  # provably never sent

    online = run_async(write_with(sim.nethunt_url, sim, data, notes, call.call_id))
    assert online.outcome is NoteOutcome.SAVED
    again = run_async(write_with(sim.nethunt_url, sim, data, notes, call.call_id))
    assert again.outcome is NoteOutcome.SAVED
    comments = data.comments_on(record_id)
    assert len(comments) == 1
    assert comments[0]["text"].startswith("Передзвонити в п'ятницю")
    assert len(comment_posts(control)) == 1
    assert notes.get(call.call_id).comment_id == comments[0]["commentId"]


def test_a_failure_nethunt_answered_is_retried_once_it_answers(
        sim: Simulator, data: NetHuntData, notes: NoteStore, control: httpx.Client,
        run_async: Run[Any]) -> None:
    call = a_call()
    record_id = record_of(data, OLENA.name)
    keep(notes, call, "note", record_id)
    control.post("/_sim/faults", json={"service": "nethunt", "error_rate": 1.0,
                                       "error_status": 503}).raise_for_status()
    failed = run_async(write_with(sim.nethunt_url, sim, data, notes, call.call_id))
    assert failed.outcome is NoteOutcome.WAITING
    assert notes.get(call.call_id).state is NoteState.SENDING  # 5xx: NetHunt may have it
    control.delete("/_sim/faults").raise_for_status()
    saved = run_async(write_with(sim.nethunt_url, sim, data, notes, call.call_id))
    assert saved.outcome is NoteOutcome.SAVED
    assert len(data.comments_on(record_id)) == 1


def test_a_lost_answer_is_settled_from_the_comment_feed_not_sent_twice(
        sim: Simulator, data: NetHuntData, notes: NoteStore, control: httpx.Client,
        run_async: Run[Any]) -> None:
    call = a_call()
    record_id = record_of(data, OLENA.name)
    keep(notes, call, "note", record_id)
    control.post("/_sim/faults", json={"service": "nethunt",
                                       "lose_answer_next": 1}).raise_for_status()
    lost = run_async(write_with(sim.nethunt_url, sim, data, notes, call.call_id))
    assert lost.outcome is NoteOutcome.WAITING
    assert notes.get(call.call_id).state is NoteState.SENDING
    assert len(data.comments_on(record_id)) == 1  # NetHunt did write it

    settled = run_async(write_with(sim.nethunt_url, sim, data, notes, call.call_id))
    assert settled.outcome is NoteOutcome.SAVED
    assert len(data.comments_on(record_id)) == 1
    assert len(comment_posts(control)) == 1
    assert notes.get(call.call_id).comment_id == data.comments_on(record_id)[0]["commentId"]


def test_a_note_without_contact_waits_for_the_contact(sim: Simulator, data: NetHuntData,
                                                      notes: NoteStore,
                                                      run_async: Run[Any]) -> None:
    call = a_call(number=UNKNOWN_NUMBER)
    keep(notes, call, "Новий клієнт, цікавиться оптом", None)
    waiting = run_async(write_with(sim.nethunt_url, sim, data, notes, call.call_id))
    assert waiting.outcome is NoteOutcome.NO_CONTACT
    assert notes.get(call.call_id).state is NoteState.PENDING

    created = data.add_record("Contacts", {"Name": "Новий клієнт",
                                           "Phone": ["+380960001122"]}, created_at=1.0)
    saved = run_async(write_with(sim.nethunt_url, sim, data, notes, call.call_id))
    assert saved.outcome is NoteOutcome.SAVED
    assert [c["text"].splitlines()[0] for c in data.comments_on(created.record_id)] == [
        "Новий клієнт, цікавиться оптом"]


def test_a_shared_number_never_guesses_whose_note_it_is(sim: Simulator, data: NetHuntData,
                                                        notes: NoteStore,
                                                        run_async: Run[Any]) -> None:
    call = a_call(number="+380442223344")  # two contacts of ТОВ Ромашка
    keep(notes, call, "note", None)
    result = run_async(write_with(sim.nethunt_url, sim, data, notes, call.call_id))
    assert result.outcome is NoteOutcome.NO_CONTACT
    assert not any(data.comments_on(r["recordId"]) for r in data.records_in("Contacts"))


def test_a_saved_note_is_not_replaced(notes: NoteStore) -> None:
    call = a_call()
    keep(notes, call, "first", "rec1")
    notes.mark_saved(call.call_id, "c1")
    keep(notes, call, "second", "rec1")
    stored = notes.get(call.call_id)
    assert stored is not None
    assert stored.text == "first"
    assert stored.state is NoteState.SAVED


# -- headless: ringohunt-desktop note CALL_ID "text" -----------------------------------------

def test_note_command_keeps_offline_then_writes_once(sim: Simulator, data: NetHuntData,
                                                     control: httpx.Client,
                                                     basedir: Any) -> None:
    from tests.test_cli import run_cli

    call_id = control.post("/_sim/ring", json={"caller": OLENA.phones[0], "ring_seconds": 1,
                                               "talk_seconds": 1}).json()["call_id"]
    env = sim.app_environment()
    control.post("/_sim/faults", json={"service": "nethunt", "error_rate": 1.0,
                                       "error_status": 502}).raise_for_status()
    offline = run_cli(basedir, env, "note", call_id, "перша версія")
    assert offline.returncode == 3, offline.stderr
    assert offline.stderr.startswith("kept, not written yet")
    assert offline.stderr.count("\n") == 1
    control.delete("/_sim/faults").raise_for_status()

    # Run again: a note not written yet takes the newer text (one note per call).
    online = run_cli(basedir, env, "note", call_id, "Просить рахунок\x1b[31m")
    assert online.returncode == 0, online.stderr
    assert online.stdout.startswith("saved in NetHunt")
    record_id = record_of(data, OLENA.name)
    comments = data.comments_on(record_id)
    assert len(comments) == 1
    assert comments[0]["text"].splitlines()[0] == "Просить рахунок[31m"
    assert comments[0]["text"].splitlines()[-1] == CALL_ID_LINE.format(call_id=call_id)

    again = run_cli(basedir, env, "note", call_id, "ще раз")
    assert again.returncode == 2
    assert "already has a note in NetHunt" in again.stderr
    assert len(data.comments_on(record_id)) == 1
    unknown = run_cli(basedir, env, "note", "no-such-call", "text")
    assert unknown.returncode == 2
    assert "no call 'no-such-call'" in unknown.stderr
