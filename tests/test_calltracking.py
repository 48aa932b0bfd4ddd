"""Which calls are the agent's, and how phase changes are announced (pure logic)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from ringohunt_desktop.core.calltracking import AgentIdentity, CallTracker, attribution, is_mine
from ringohunt_desktop.domain import CallPhase, CallRecord, Direction, StaffMember

T0 = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
OLENA = AgentIdentity.from_staff(StaffMember(
    staff_id=4321, name="Петренко Олена", email="Olena@demo-shop.ua", extension="101",
    sip_logins=("demoshopua_olena",), phone_directions=("+380 67 000 11 22",)))


def row(call_id: str = "c1", *, disposition: str = "CALLING", direction: Direction =
        Direction.INCOMING, employee: int | None = 4321, connected: str = "",
        caller: str = "380671234567", billsec: int = 0, minutes: int = 0) -> CallRecord:
    return CallRecord(call_id=call_id, started_at=T0 + timedelta(minutes=minutes),
                      caller=caller, destination="380441110000", direction=direction,
                      disposition=disposition, billsec=billsec, employee_id=employee,
                      connected_with=connected)


@pytest.mark.parametrize(("call", "rule"), [
    (row(employee=4321), "employee"),
    (row(employee=None, connected="demoshopua_olena", disposition="ANSWERED", billsec=5),
     "connected"),
    (row(employee=None, connected='"Olena" <demoshopua_olena>', disposition="ANSWERED",
         billsec=5), "connected"),
    (row(employee=None, connected="380670001122", disposition="ANSWERED", billsec=5),
     "connected"),
    (row(direction=Direction.OUTGOING, employee=None, caller='"olena" <demoshopua_olena>',
         disposition="ANSWERED", billsec=3), "caller"),
    (row(direction=Direction.OUTGOING, employee=None, caller="101", disposition="ANSWERED",
         billsec=3), "caller"),
    (row(employee=None, disposition="NO ANSWER"), "unassigned"),
    (row(employee=4322), None),  # a colleague's ringing call
    (row(employee=None, connected="demoshopua_andrii", disposition="ANSWERED", billsec=9), None),
    (row(employee=None, disposition="CALLING"), None),  # not yet routed to anyone
    (row(employee=None, disposition="ANSWERED", billsec=4), None),
])
def test_attribution_rules(call: CallRecord, rule: str | None) -> None:
    assert attribution(call, OLENA) == rule


def test_unassigned_missed_calls_follow_the_setting() -> None:
    missed = row(employee=None, disposition="NO ANSWER")
    assert is_mine(missed, OLENA, include_unassigned_missed=True)
    assert not is_mine(missed, OLENA, include_unassigned_missed=False)


def test_a_call_is_announced_once_per_phase_in_order() -> None:
    tracker = CallTracker(OLENA)
    ringing = row()
    talking = replace(ringing, disposition="IN PROGRESS", connected_with="demoshopua_olena")
    ended = replace(talking, disposition="ANSWERED", billsec=42)

    first = tracker.ingest([ringing]).events
    assert [(e.phase, e.live) for e in first] == [(CallPhase.RINGING, True)]
    assert tracker.ingest([ringing]).events == []
    assert [e.phase for e in tracker.ingest([talking]).events] == [CallPhase.ANSWERED]
    assert [e.phase for e in tracker.ingest([ended]).events] == [CallPhase.ENDED]
    assert tracker.ingest([ringing, talking, ended]).events == []  # late rows never re-announce


def test_open_calls_are_the_ringing_and_talking_ones_with_their_start() -> None:
    tracker = CallTracker(OLENA)
    ringing = row()
    talking = replace(ringing, disposition="IN PROGRESS", connected_with="demoshopua_olena")
    tracker.ingest([ringing])
    assert tracker.open_calls() == {ringing.call_id: ringing.started_at}
    tracker.ingest([talking])
    assert tracker.open_calls() == {ringing.call_id: ringing.started_at}
    tracker.ingest([replace(talking, disposition="ANSWERED", billsec=42)])
    assert tracker.open_calls() == {}


def test_a_call_first_seen_talking_is_announced_as_ringing_then_answered() -> None:
    talking = row(disposition="IN PROGRESS", connected="demoshopua_olena")
    events = CallTracker(OLENA).ingest([talking]).events
    assert [(e.phase, e.live) for e in events] == [(CallPhase.RINGING, True),
                                                    (CallPhase.ANSWERED, True)]


def test_ringing_then_no_answer_is_missed_and_live() -> None:
    tracker = CallTracker(OLENA)
    tracker.ingest([row()])
    # Ringostat drops the employee from unanswered rows (employee_number -1).
    events = tracker.ingest([row(employee=None, disposition="NO ANSWER")]).events
    assert [(e.phase, e.live) for e in events] == [(CallPhase.MISSED, True)]


def test_calls_first_seen_finished_are_history_not_pop_ups() -> None:
    events = CallTracker(OLENA).ingest([
        row("a", disposition="ANSWERED", billsec=30, connected="demoshopua_olena"),
        row("b", employee=None, disposition="NO ANSWER", minutes=1),
    ]).events
    assert [(e.call.call_id, e.phase, e.live) for e in events] == [
        ("a", CallPhase.ENDED, False), ("b", CallPhase.MISSED, False)]


def test_colleagues_calls_are_ignored() -> None:
    assert CallTracker(OLENA).ingest([row(employee=4322),
                                      row("x", employee=4322, disposition="ANSWERED",
                                          billsec=3)]).events == []


def test_memory_is_bounded() -> None:
    tracker = CallTracker(OLENA, memory=10)
    tracker.ingest([row(f"c{i}", minutes=i) for i in range(50)])
    assert len(tracker.open_calls()) == 10
