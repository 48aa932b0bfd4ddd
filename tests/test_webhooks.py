"""Webhook events (the subscription source's format): aliases, refusals, fuzzing."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ringohunt_desktop.core.calltracking import AgentIdentity, CallTracker
from ringohunt_desktop.core.webhooks import (
    InvalidEvent,
    canonical_fields,
    clean_text,
    event_to_call,
    parse_webhook_event,
)
from ringohunt_desktop.domain import CallPhase, Direction, StaffMember

AGENT = AgentIdentity.from_staff(StaffMember(4321, "Петренко Олена", "olena@demo-shop.ua", "101",
                                             ("demoshopua_olena",)))


def test_project_keys() -> None:
    event = parse_webhook_event({"event": "call_end", "call_id": "ua-1", "caller": "380671234567",
                                 "dst": "380441110000", "call_type": "in",
                                 "disposition": "no_answer", "billsec": "0",
                                 "utm_source": "google"})
    assert (event.call_id, event.disposition, event.direction, event.utm_source) == (
        "ua-1", "NO ANSWER", Direction.INCOMING, "google")


def test_aliases_and_nested_additional_data() -> None:
    event = parse_webhook_event({"event": "call_answered", "cdr_id": 77, "caller_id": "0671234567",
                                 "additional_call_data": {"connected_with": "demoshopua_olena",
                                                          "employee_email": "Olena@demo-shop.ua"}})
    assert event.call_id == "77"
    assert event.disposition == "IN PROGRESS"
    assert event.sip_login == "demoshopua_olena"
    assert event.employee_email == "olena@demo-shop.ua"


@pytest.mark.parametrize("payload", [
    [], "x", None, {"event": "call_start"}, {"event": "hangup", "call_id": "1"},
    {"event": "call_end", "call_id": ""}, {"event": "call_end", "call_id": {"a": 1}},
])
def test_refused_events(payload: object) -> None:
    with pytest.raises(InvalidEvent):
        parse_webhook_event(payload)


def test_events_drive_the_same_tracker_as_polling() -> None:
    tracker = CallTracker(AGENT)
    phases = []
    for body in ({"event": "call_start", "call_id": "c", "caller": "380671234567",
                  "employee_email": "olena@demo-shop.ua"},
                 {"event": "call_answered", "call_id": "c", "caller": "380671234567",
                  "sip_login": "demoshopua_olena"},
                 {"event": "call_answered", "call_id": "c", "caller": "380671234567",
                  "sip_login": "demoshopua_olena"},  # at-least-once delivery: a duplicate
                 {"event": "call_end", "call_id": "c", "caller": "380671234567",
                  "sip_login": "demoshopua_olena", "disposition": "ANSWERED", "billsec": 12}):
        call = event_to_call(parse_webhook_event(body), AGENT)
        phases += [e.phase for e in tracker.ingest([call]).events]
    assert phases == [CallPhase.RINGING, CallPhase.ANSWERED, CallPhase.ENDED]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=6),
    max_leaves=20)
event_like = st.fixed_dictionaries(
    {"event": st.sampled_from(["call_start", "call_answered", "call_end", "x"])},
    optional={key: json_values for key in ("call_id", "uniqueid", "caller", "billsec",
                                           "disposition", "call_type", "additional_call_data",
                                           "employee_email", "sip_login")})


@settings(max_examples=2000, deadline=None)
@given(st.one_of(json_values, event_like))
def test_any_json_is_parsed_or_refused_cleanly(payload: object) -> None:
    try:
        event = parse_webhook_event(json.loads(json.dumps(payload)))
    except InvalidEvent:
        return
    call = event_to_call(event, AGENT)
    assert call.call_id
    assert call.billsec >= 0


@settings(max_examples=2000, deadline=None)
@given(st.one_of(json_values, event_like))
def test_canonical_fields_parse_exactly_as_the_webhook_does(payload: object) -> None:
    """What the relay publishes (canonical fields) reads as the webhook it came from."""
    raw = json.loads(json.dumps(payload))
    try:
        direct = parse_webhook_event(raw)
    except InvalidEvent:
        return
    relayed = parse_webhook_event(canonical_fields(raw), received_at=direct.received_at)
    assert relayed == direct


def test_control_and_bidi_characters_are_dropped() -> None:
    event = parse_webhook_event({"event": "call_end", "call_id": "ua-\u202e1\x00",
                                 "employee_fio": "Олена\u2066 \u200fКоваль\nЗ\r\n",
                                 "caller": "\ud800380671234567"})
    assert (event.call_id, event.employee_name, event.caller) == (
        "ua-1", "Олена Коваль З", "380671234567")
    assert clean_text("x" * 5000) == "x" * 2048
