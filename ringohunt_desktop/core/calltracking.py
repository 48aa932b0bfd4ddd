"""Which calls belong to this agent, and which phase changes to announce. Pure logic, no Qt.

Ringostat's ``calls/list`` is project-wide and has no employee filter that is known to work
(ringostat-api.md §2.1), so the app filters rows itself. The rules, in order:

1. ``employee_number`` equals the agent's staff id (Ringostat's own attribution);
2. ``connected_with`` is one of the agent's SIP logins or phone directions (who answered);
3. an outgoing call whose ``caller`` is the agent's SIP login or extension (click-to-call and
   Smart Phone calls carry the SIP login as the caller);
4. an incoming call nobody was assigned to (``employee_number`` -1, nobody connected) that was
   missed counts for every agent when ``include_unassigned_missed`` is on: a missed call to the
   project is a callback the whole team owes. It never pops a panel; it only reaches the
   journal.

Anything else is a colleague's call and is ignored.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from ringohunt_desktop.domain import CallPhase, CallRecord, Direction, StaffMember
from ringohunt_desktop.phone import digits_only

_SIP_DISPLAY_FORM = re.compile(r'^\s*"?[^"<]*"?\s*<([^>]+)>\s*$')  # "name" <login>

_PHASE_ORDER = {CallPhase.RINGING: 0, CallPhase.ANSWERED: 1, CallPhase.ENDED: 2,
                CallPhase.MISSED: 2}


def sip_identity(value: str) -> str:
    """``"olena" <demoshopua_olena>`` → ``demoshopua_olena``; lower-cased for comparison."""
    match = _SIP_DISPLAY_FORM.match(value)
    return (match.group(1) if match else value).strip().lower()


@dataclass(frozen=True, slots=True)
class AgentIdentity:
    """Everything that can name this agent in a call row."""

    staff_id: int | None
    sip_logins: frozenset[str] = frozenset()
    phone_directions: frozenset[str] = frozenset()  # digits only
    extension: str = ""
    email: str = ""
    name: str = ""

    @classmethod
    def from_staff(cls, member: StaffMember) -> AgentIdentity:
        return cls(
            staff_id=member.staff_id,
            sip_logins=frozenset(s.lower() for s in member.sip_logins),
            phone_directions=frozenset(d for d in map(digits_only, member.phone_directions) if d),
            extension=member.extension,
            email=member.email.lower(),
            name=member.name,
        )

    @property
    def dial_extension(self) -> str:
        """What click-to-call puts in ``extension``: the SIP login rings the agent first."""
        if self.sip_logins:
            return sorted(self.sip_logins)[0]
        return self.extension


def attribution(call: CallRecord, agent: AgentIdentity) -> str | None:
    """Which rule makes the call the agent's (``"employee"``, ``"connected"``, ``"caller"``,
    ``"unassigned"``), or None when it is someone else's."""
    if agent.staff_id is not None and call.employee_id == agent.staff_id:
        return "employee"
    connected = sip_identity(call.connected_with)
    if connected and (connected in agent.sip_logins
                      or digits_only(connected) in agent.phone_directions):
        return "connected"
    if call.direction is Direction.OUTGOING:
        caller = sip_identity(call.caller)
        if caller and (caller in agent.sip_logins or caller == agent.extension):
            return "caller"
    if call.employee_id is None and not call.connected_with and call.is_missed:
        return "unassigned"
    return None


def is_mine(call: CallRecord, agent: AgentIdentity, *, include_unassigned_missed: bool) -> bool:
    rule = attribution(call, agent)
    if rule == "unassigned":
        return include_unassigned_missed
    return rule is not None


def phase_of(call: CallRecord) -> CallPhase:
    if call.disposition == "IN PROGRESS":
        return CallPhase.ANSWERED
    if call.is_in_progress:
        return CallPhase.RINGING
    return CallPhase.MISSED if call.is_missed else CallPhase.ENDED


@dataclass(frozen=True, slots=True)
class CallEvent:
    phase: CallPhase
    call: CallRecord
    live: bool  # the app saw this call before it finished (only live calls pop a panel)
    #: When Ringostat reported this state, as far as the source knows (the relay's receipt of
    #: the webhook; by polling only a ringing call's start); None when nobody can say.
    reported_at: datetime | None = None
    #: When this desktop learnt of it (the feed stamps it).
    seen_at: datetime | None = None
    #: "poll" or "subscription": the way this event came.
    source: str = ""
    #: Nobody was assigned the call (a project's missed call every agent sees); such calls
    #: are notified only when the agent asked for it.
    unassigned: bool = False


@dataclass(frozen=True, slots=True)
class Tracked:
    """What one snapshot of call rows meant for this agent."""

    mine: list[CallRecord]  # the agent's rows, for the journal (merged by call id there)
    events: list[CallEvent]  # phase changes to announce, oldest call first


@dataclass(frozen=True, slots=True)
class _Seen:
    phase: CallPhase
    live: bool
    unassigned: bool = False  # only ever seen as nobody's (never rang this agent)


@dataclass
class CallTracker:
    """Turns successive snapshots of call rows into phase changes, each announced once.

    A call first seen already finished is history (``live=False``): it goes to the journal but
    does not pop. Phases only move forward, so a late or repeated row never re-announces.
    """

    agent: AgentIdentity
    include_unassigned_missed: bool = True
    memory: int = 5000  # how many finished call ids to remember for de-duplication
    _seen: OrderedDict[str, _Seen] = field(default_factory=OrderedDict)
    # Kept beside _seen rather than filtered from it: the watcher asks after every snapshot.
    _open: dict[str, datetime] = field(default_factory=dict)

    def ingest(self, rows: Iterable[CallRecord]) -> Tracked:
        mine: list[CallRecord] = []
        events: list[CallEvent] = []
        for call in sorted(rows, key=lambda c: c.started_at):
            rule = attribution(call, self.agent)
            if rule is None or (rule == "unassigned" and not self.include_unassigned_missed):
                continue
            mine.append(call)
            new_phase = phase_of(call)
            known = self._seen.get(call.call_id)
            if known is None:
                live = new_phase in (CallPhase.RINGING, CallPhase.ANSWERED)
                if live and rule == "unassigned":
                    continue
                if new_phase is CallPhase.ANSWERED:
                    events.append(CallEvent(CallPhase.RINGING, call, True))
                unassigned = rule == "unassigned"
                events.append(CallEvent(new_phase, call, live, unassigned=unassigned))
                self._remember(call, new_phase, live, unassigned)
                continue
            if _PHASE_ORDER[new_phase] <= _PHASE_ORDER[known.phase]:
                continue
            # A call that rang this agent stays the agent's when it ends without anybody
            # (Ringostat clears the employee of a missed call).
            unassigned = known.unassigned and rule == "unassigned"
            events.append(CallEvent(new_phase, call, known.live, unassigned=unassigned))
            self._remember(call, new_phase, known.live, unassigned)
        return Tracked(mine, events)

    def open_calls(self) -> dict[str, datetime]:
        """Calls announced as ringing or answered that have not finished: id → start time."""
        return dict(self._open)

    def _remember(self, call: CallRecord, phase: CallPhase, live: bool,
                  unassigned: bool = False) -> None:
        self._seen[call.call_id] = _Seen(phase, live, unassigned)
        self._seen.move_to_end(call.call_id)
        if phase in (CallPhase.RINGING, CallPhase.ANSWERED):
            self._open[call.call_id] = call.started_at
        else:
            self._open.pop(call.call_id, None)
        while len(self._seen) > self.memory:
            forgotten, _seen = self._seen.popitem(last=False)
            self._open.pop(forgotten, None)
