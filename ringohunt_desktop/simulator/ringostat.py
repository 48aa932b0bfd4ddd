"""Simulated Ringostat API (``shared/reference/ringostat-api.md`` §7).

Calls are stored as timestamps (ring, answer, end); what ``calls/list`` and ``sipstatus``
show is computed from ``state.clock()`` at request time, so there is no ticker thread and a
test can drive time with a fake clock. All data lives in ``state.services["ringostat"]`` and
is touched only under ``state.lock``.
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import random
import struct
import threading
import wave
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from itertools import islice
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import phonenumbers

from ringohunt_desktop.simulator.people import (
    AGENTS,
    KNOWN_CONTACTS,
    TRACKING_NUMBER,
    UNKNOWN_NUMBER,
    Agent,
    agent_by_identity,
)
from ringohunt_desktop.simulator.server import Request, Response, Route, SimState

if TYPE_CHECKING:
    from ringohunt_desktop.simulator import SimCredentials, SimOptions

PROJECT_TZ = ZoneInfo("Europe/Kyiv")  # the project time zone of from/to and calldate
DAY = 86400.0
CALLBACK_METHOD = "Api\\V2\\Callback.external"
STAFF_METHOD = "getProjectStaffListAndDirections"

# Every column the simulator knows (ringostat-api.md §2.2); anything else is "incorrect".
ALL_FIELDS: tuple[str, ...] = (
    "uniqueid", "calldate", "caller", "caller_number", "dst", "n_alias", "connected_with",
    "disposition", "call_type", "duration", "duration_ms", "billsec", "waittime",
    "employee_number", "employee_fio", "employee_mark", "department", "call_counter",
    "proper_flag", "repeated_flag", "category_mark", "category_number", "pool_name",
    "scheme_name", "additional_number", "utm_source", "utm_medium", "utm_campaign",
    "utm_content", "utm_term", "client_id", "remote_ip", "refferrer", "landing", "recording",
    "recording_wav", "has_recording", "call_card",
)
# Ringostat's default set is undocumented; the simulator uses the §2.4 example's columns.
DEFAULT_FIELDS: tuple[str, ...] = (
    "uniqueid", "calldate", "caller", "dst", "call_type", "disposition", "duration", "billsec",
    "waittime", "employee_number", "employee_fio", "connected_with", "utm_source", "utm_medium",
    "utm_campaign", "has_recording", "recording", "recording_wav", "call_card",
)
PROPER_BILLSEC = 60  # an answered incoming call this long counts as a target ("proper") call


class Phase(StrEnum):
    RINGING = "ringing"
    TALKING = "talking"
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class TrafficSource:
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_content: str
    utm_term: str
    pool_name: str
    landing: str
    referrer: str


TRAFFIC_SOURCES: tuple[TrafficSource, ...] = (
    TrafficSource("google", "cpc", "brand", "text-ad-1", "квіти київ", "Google Ads",
                  "https://demo-shop.ua/?utm_source=google&utm_medium=cpc", "https://www.google.com/"),
    TrafficSource("facebook", "social", "spring", "carousel", "(not set)", "Facebook",
                  "https://demo-shop.ua/spring", "https://m.facebook.com/"),
    TrafficSource("(direct)", "(none)", "(not set)", "(not set)", "(not set)", "Static",
                  "https://demo-shop.ua/", ""),
    TrafficSource("google", "organic", "(not set)", "(not set)", "(not provided)", "SEO",
                  "https://demo-shop.ua/catalog", "https://www.google.com/"),
    TrafficSource("instagram", "social", "stories", "story-3", "(not set)", "Instagram",
                  "https://demo-shop.ua/sale", "https://l.instagram.com/"),
)
NO_SOURCE = TrafficSource("", "", "", "", "", "", "", "")  # outgoing calls have no visit


@dataclass(slots=True)
class SimCall:
    call_id: str
    seq: int  # creation order; the tie-break of equal calldates
    direction: str  # "in", "out" or "callback"
    client_number: str  # international digits without "+"
    agent: Agent | None  # the agent rung (incoming) or dialling (outgoing)
    ring_at: float
    answer_at: float | None  # None: nobody picked up
    end_at: float
    unanswered_disposition: str = "NO ANSWER"  # or "BUSY"
    source: TrafficSource = NO_SOURCE
    call_counter: int = 1
    visitor_id: str = ""
    visitor_ip: str = ""

    def phase(self, now: float) -> Phase:
        if now >= self.end_at:
            return Phase.ENDED
        if self.answer_at is not None and now >= self.answer_at:
            return Phase.TALKING
        return Phase.RINGING


@dataclass(slots=True)
class RingostatData:
    project_id: str
    auth_key: str = field(repr=False)
    default_agent: Agent | None
    calls_cap: int
    rng: random.Random = field(repr=False)
    calls: list[SimCall] = field(default_factory=list)
    callback_requests: list[dict[str, Any]] = field(default_factory=list)
    synced_contacts: list[Any] = field(default_factory=list)
    offline: set[str] = field(default_factory=set)  # SIP logins shown as not registered
    outward_answer_seconds: float = 2.0  # the client picks up a click-to-call after this
    outward_talk_seconds: float = 5.0
    calls_per_number: Counter[str] = field(default_factory=Counter)
    crm_numbers: list[str] | None = None  # callers to pick from; see _crm_numbers
    # Undocumented behaviours `check --deep` probes, switchable (ringostat-api.md §8):
    calldate_style: str = "offset"  # "offset" (+0200/+0300), "utc" (…Z) or "naive" (no zone)
    hide_live_calls: bool = False  # calls/list shows a call only once it has ended
    sipstatus_objects: bool = False  # sipstatus answers [{"sip": …}] instead of ["…"]
    staff_as_list: bool = False  # the staff result is a list of entries with "id" only
    # Told about every call added from then on (the webhook emitter); must not block.
    on_new_call: Callable[[SimCall], None] | None = field(default=None, repr=False)

    def add_call(self, *, direction: str, client_number: str, agent: Agent | None,
                 ring_at: float, answer_at: float | None, end_at: float,
                 unanswered_disposition: str = "NO ANSWER",
                 source: TrafficSource | None = None) -> SimCall:
        seq = len(self.calls) + 1
        self.calls_per_number[client_number] += 1
        if source is None:
            source = NO_SOURCE if direction == "out" else self.rng.choice(TRAFFIC_SOURCES)
        call = SimCall(
            call_id=f"ua-{int(ring_at)}.{seq:06d}", seq=seq, direction=direction,
            client_number=client_number, agent=agent, ring_at=ring_at, answer_at=answer_at,
            end_at=end_at, unanswered_disposition=unanswered_disposition, source=source,
            call_counter=self.calls_per_number[client_number],
            visitor_id=f"{self.rng.randrange(10**8, 10**9)}.{self.rng.randrange(10**9, 10**10)}",
            visitor_ip=".".join(str(self.rng.randrange(1, 255)) for _ in range(4)),
        )
        self.calls.append(call)
        if self.on_new_call is not None:
            self.on_new_call(call)
        return call

    def talking_agents(self, now: float) -> set[str]:
        return {call.agent.sip_login for call in self.calls
                if call.agent is not None and call.phase(now) is Phase.TALKING}


# ---------------------------------------------------------------- numbers and random calls

def to_digits(raw: str) -> str:
    """Any written number as Ringostat shows it: international digits without "+"."""
    try:
        parsed = phonenumbers.parse(raw, "UA")
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in raw if ch.isdigit())
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


def _crm_numbers(state: SimState, data: RingostatData) -> list[str]:
    """Numbers of CRM contacts: the well-known ones plus the first few hundred contacts of the
    NetHunt simulator, if it runs. Read duck-typed and defensively so the two simulators stay
    independent; computed once, since parsing a 100k-contact folder per call would be slow."""
    if data.crm_numbers is None:
        numbers = {to_digits(phone) for contact in KNOWN_CONTACTS for phone in contact.phones}
        nethunt: Any = state.services.get("nethunt")
        try:
            contacts = islice(nethunt.in_folder(nethunt.folder_id("Contacts")), 500)
            numbers.update(to_digits(str(phone)) for record in contacts
                           for phone in record.fields.get("Phone") or ())
        except (AttributeError, KeyError, TypeError):
            pass  # no NetHunt simulator, or a different shape: the well-known numbers will do
        # Only what a telephone network could deliver (the folder may hold junk, issue 15).
        data.crm_numbers = sorted(n for n in numbers if 9 <= len(n) <= 15)
    return data.crm_numbers


def _random_client_number(state: SimState, data: RingostatData) -> str:
    rng = data.rng
    roll = rng.random()
    if roll < 0.7:
        return rng.choice(_crm_numbers(state, data))
    if roll < 0.75:
        return to_digits(UNKNOWN_NUMBER)
    if roll < 0.9:
        return f"380{rng.choice(('67', '50', '63', '93', '97'))}{rng.randrange(10**7):07d}"
    return rng.choice((f"48{rng.randrange(10**9):09d}", f"49{rng.randrange(10**10):010d}",
                       f"1{rng.randrange(2 * 10**9, 10**10):010d}"))


def _random_agent(rng: random.Random, favourite: Agent | None) -> Agent:
    # The configured agent gets most calls so the demo's tray has something to show.
    return rng.choices(AGENTS, weights=[4 if agent == favourite else 1 for agent in AGENTS])[0]


def _add_random_call(state: SimState, data: RingostatData, ring_at: float, *,
                     live: bool) -> SimCall:
    rng = data.rng
    direction = rng.choices(("in", "out", "callback"), weights=(75, 20, 5))[0]
    outcome = rng.choices(("answered", "missed", "busy"), weights=(70, 22, 8))[0]
    ring_seconds = rng.uniform(3, 12 if live else 25)
    talk_seconds = min(900.0, max(5.0, rng.expovariate(1 / 90)))
    return _add_timed_call(data, direction=direction, outcome=outcome,
                           client_number=_random_client_number(state, data),
                           agent=_random_agent(rng, data.default_agent), ring_at=ring_at,
                           ring_seconds=ring_seconds, talk_seconds=talk_seconds)


FIRST_CALL_RING_SECONDS = 25.0  # covers a slow start-up (the first sync) on a loaded PC


def _add_first_incoming_call(state: SimState, data: RingostatData) -> SimCall:
    agent = data.default_agent or AGENTS[0]
    return _add_timed_call(data, direction="in", outcome="answered",
                           client_number=data.rng.choice(_crm_numbers(state, data)),
                           agent=agent, ring_at=state.clock(),
                           ring_seconds=FIRST_CALL_RING_SECONDS, talk_seconds=60.0)


def _add_timed_call(data: RingostatData, *, direction: str, outcome: str, client_number: str,
                    agent: Agent, ring_at: float, ring_seconds: float, talk_seconds: float,
                    source: TrafficSource | None = None) -> SimCall:
    if outcome == "answered":
        answer_at: float | None = ring_at + ring_seconds
        end_at = ring_at + ring_seconds + talk_seconds
    elif outcome in ("missed", "busy"):
        answer_at, end_at = None, ring_at + ring_seconds
    else:
        raise ValueError(f"unknown outcome {outcome!r}")
    return data.add_call(direction=direction, client_number=client_number, agent=agent,
                         ring_at=ring_at, answer_at=answer_at, end_at=end_at,
                         unanswered_disposition="BUSY" if outcome == "busy" else "NO ANSWER",
                         source=source)


def _seed_history(state: SimState, data: RingostatData, options: SimOptions) -> None:
    now = state.clock()
    total = options.calls_history_days * options.calls_per_day
    # Stop well before "now" so every seeded call is already final.
    ring_times = sorted(data.rng.uniform(now - options.calls_history_days * DAY, now - 1200)
                        for _ in range(total))
    for ring_at in ring_times:
        _add_random_call(state, data, ring_at, live=False)


# ---------------------------------------------------------------- rows

def _calldate(timestamp: float, style: str = "offset") -> str:
    """Legacy ISO form with a colon-less offset, e.g. ``2024-06-10T14:05:11+0300``; or, as
    switched, UTC with ``Z`` or project time without any zone."""
    if style == "utc":
        return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if style == "naive":
        return datetime.fromtimestamp(timestamp, PROJECT_TZ).strftime("%Y-%m-%d %H:%M:%S")
    return datetime.fromtimestamp(timestamp, PROJECT_TZ).strftime("%Y-%m-%dT%H:%M:%S%z")


def _recording_token(call_id: str) -> str:
    return hashlib.sha256(f"rec:{call_id}".encode()).hexdigest()[:16]


def call_row(call: SimCall, now: float, *, project_id: str,
             recordings_base: str, calldate_style: str = "offset") -> dict[str, Any]:
    """Every column of one call as ``calls/list`` shows it at ``now``, type quirks included."""
    phase = call.phase(now)
    agent = call.agent
    answered = call.answer_at is not None
    if phase is Phase.RINGING:
        disposition, duration, billsec = "CALLING", now - call.ring_at, 0.0
        waittime = duration
        connected = ""  # the agent is rung (our inference: routing knows who), not connected
    elif phase is Phase.TALKING:
        assert call.answer_at is not None
        disposition, duration = "IN PROGRESS", now - call.ring_at
        billsec, waittime = now - call.answer_at, call.answer_at - call.ring_at
        connected = agent.sip_login if agent else ""
    elif answered:
        assert call.answer_at is not None
        duration, waittime = call.end_at - call.ring_at, call.answer_at - call.ring_at
        billsec = max(1.0, call.end_at - call.answer_at)  # an answered call has billsec > 0
        proper = call.direction != "out" and billsec >= PROPER_BILLSEC
        disposition = "PROPER" if proper else "ANSWERED"
        connected = agent.sip_login if agent else ""
    else:
        disposition = call.unanswered_disposition
        duration = waittime = call.end_at - call.ring_at
        billsec, connected = 0.0, ""
        if call.direction != "out":  # nobody took it; an outgoing call still has its caller
            agent = None
    has_recording = phase is Phase.ENDED and answered
    recording = (f"{recordings_base}/recordings/{call.call_id}.ogg"
                 f"?token={_recording_token(call.call_id)}") if has_recording else ""
    outgoing = call.direction == "out"
    caller = (call.agent.sip_login if call.agent else "") if outgoing else call.client_number
    source = call.source
    return {
        "uniqueid": call.call_id,
        "calldate": _calldate(call.ring_at, calldate_style),
        "caller": caller,
        "caller_number": caller,
        "dst": call.client_number if outgoing else TRACKING_NUMBER,
        "n_alias": "" if outgoing else "Основний номер",
        "connected_with": connected,
        "disposition": disposition,
        "call_type": call.direction,
        "duration": int(duration),
        "duration_ms": str(int(duration * 1000)),  # a string on purpose (§2.2)
        "billsec": int(billsec),
        "waittime": str(int(waittime)),  # a string on purpose (§2.2)
        "employee_number": agent.staff_id if agent else -1,
        "employee_fio": agent.name if agent else "",
        "employee_mark": 0,
        "department": agent.department if agent else "",
        "call_counter": call.call_counter,
        "proper_flag": int(disposition == "PROPER"),
        "repeated_flag": int(call.call_counter > 1),
        "category_mark": -1,
        "category_number": -1,
        "pool_name": source.pool_name,
        "scheme_name": "" if outgoing else "Основна схема",
        "additional_number": "",
        "utm_source": source.utm_source,
        "utm_medium": source.utm_medium,
        "utm_campaign": source.utm_campaign,
        "utm_content": source.utm_content,
        "utm_term": source.utm_term,
        "client_id": "" if outgoing else call.visitor_id,
        "remote_ip": "" if outgoing else call.visitor_ip,
        "refferrer": source.referrer,
        "landing": source.landing,
        "recording": recording,
        "recording_wav": recording.replace(".ogg?", ".wav?"),
        "has_recording": "1" if has_recording else "0",  # a string on purpose (§2.2)
        "call_card": ("https://app.ringostat.com/project/callcards/card/"
                      f"{call.call_id}/?project_id={project_id}"),
    }


def _parse_window_bound(raw: str | None, name: str) -> float | None:
    """``YYYY-MM-DD[ HH:MM:SS]`` in project time (the R package sends date-only values)."""
    if not raw:
        return None
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw.strip(), pattern).replace(tzinfo=PROJECT_TZ).timestamp()
        except ValueError:
            continue
    raise ValueError(f"{name} must be YYYY-MM-DD or YYYY-MM-DD HH:MM:SS")


def _row_filter(expression: str) -> tuple[str, Callable[[str], bool]]:
    """``field=value`` (exact) or ``field~<base64 of a|b>`` (any alternative, any case)."""
    if "~" in expression:
        name, encoded = expression.split("~", 1)
        try:
            # An unescaped "+" in a query string arrives as a space.
            decoded = base64.b64decode(encoded.replace(" ", "+"), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise ValueError("the value after ~ must be base64") from exc
        wanted = {part.strip().lower() for part in decoded.split("|")}
        return name.strip(), lambda value: value.lower() in wanted
    if "=" in expression:
        name, value = expression.split("=", 1)
        return name.strip(), lambda actual: actual == value
    raise ValueError(f"cannot read filter {expression!r}")


# ---------------------------------------------------------------- routes

def install(state: SimState, creds: SimCredentials, options: SimOptions) -> list[Route]:
    data = RingostatData(project_id=creds.ringostat_project_id,
                         auth_key=creds.ringostat_auth_key,
                         default_agent=agent_by_identity(creds.agent),
                         calls_cap=options.calls_cap,
                         rng=random.Random(f"ringostat-{options.seed}"))
    with state.lock:
        state.services["ringostat"] = data
        _seed_history(state, data, options)

    def authorised(handler: Callable[[Request, SimState, RingostatData], Response]
                   ) -> Callable[[Request, SimState], Response]:
        def guarded(request: Request, state: SimState) -> Response:
            with state.lock:
                if (state.faults["ringostat"].auth_revoked
                        or request.header("auth-key") != data.auth_key):
                    return Response.json({"message": "invalid auth-key"}, 401)
                return handler(request, state, data)
        return guarded

    def control(handler: Callable[[Request, SimState, RingostatData], Response]
                ) -> Callable[[Request, SimState], Response]:
        def locked(request: Request, state: SimState) -> Response:
            with state.lock:
                return handler(request, state, data)
        return locked

    return [
        Route.make("ringostat", "GET", "/calls/list", authorised(_calls_list)),
        Route.make("ringostat", "GET", "/sipstatus/online", authorised(_sip_online)),
        Route.make("ringostat", "GET", "/sipstatus/speaking", authorised(_sip_speaking)),
        Route.make("ringostat", "POST", "/callback/outward_call", authorised(_outward_call)),
        Route.make("ringostat", "POST", "/a/v2", authorised(_json_rpc_v2)),
        Route.make("ringostat", "POST", "/api/json-rpc", authorised(_json_rpc_api)),
        Route.make("ringostat", "POST", "/minicrm/contacts/sync", authorised(_contacts_sync)),
        Route.make("ringostat", "GET", r"/recordings/(?P<call_id>[\w.\-]+)\.(?P<ext>ogg|wav)",
                   _recording),
        Route.make("control", "POST", "/_sim/ring", control(_sim_ring)),
        Route.make("control", "POST", "/_sim/ringostat/config", control(_sim_config)),
        Route.make("control", "GET", "/_sim/ringostat/calls", control(_sim_calls)),
    ]


def _recordings_base(request: Request) -> str:
    return f"http://{request.header('host') or '127.0.0.1'}"


def _calls_list(request: Request, state: SimState, data: RingostatData) -> Response:
    now = state.clock()
    export_type = (request.arg("export_type") or "json").lower()
    if export_type not in ("json", "csv"):
        return Response.text(f"incorrect export_type: {export_type}", 400)
    if (request.arg("merge") or "0") != "0":
        return Response.text("merge: the simulator supports merge=0 only", 400)
    wanted = [name.strip() for name in (request.arg("fields") or "").split(",") if name.strip()]
    wanted = wanted or list(DEFAULT_FIELDS)
    filters = [_row_filter(expression) for expression in request.args("filters") if expression]
    for name in [*wanted, *(name for name, _ in filters)]:
        if name not in ALL_FIELDS:
            return Response.text(f"incorrect field: {name}", 400)
    order = " ".join((request.arg("order") or "calldate asc").lower().split())
    if order not in ("calldate asc", "calldate desc"):
        return Response.text(f"incorrect order: {order}", 400)
    until = _parse_window_bound(request.arg("to"), "to") or now
    since = _parse_window_bound(request.arg("from"), "from") or until - DAY

    # calldate has whole seconds, so the window compares whole seconds, both ends inclusive.
    chosen = sorted((call for call in data.calls
                     if call.ring_at <= now and since <= int(call.ring_at) <= until
                     and not (data.hide_live_calls and call.phase(now) is not Phase.ENDED)),
                    key=lambda call: (int(call.ring_at), call.seq),
                    reverse=order.endswith("desc"))
    base = _recordings_base(request)
    rows: list[dict[str, Any]] = []
    for call in chosen:
        row = call_row(call, now, project_id=data.project_id, recordings_base=base,
                       calldate_style=data.calldate_style)
        if all(matches(str(row[name])) for name, matches in filters):
            rows.append({name: row[name] for name in wanted})
            if len(rows) >= data.calls_cap:  # Ringostat truncates silently at its cap
                break
    if export_type == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
        writer.writerow(wanted)
        writer.writerows([row[name] for name in wanted] for row in rows)
        return Response.text(buffer.getvalue(), content_type="text/csv")
    return Response.json(rows)


def _sip_online(_request: Request, state: SimState, data: RingostatData) -> Response:
    # Anyone in a call is registered, whatever the offline switch says.
    talking = data.talking_agents(state.clock())
    return _sip_answer(data, [agent.sip_login for agent in AGENTS
                              if agent.sip_login not in data.offline
                              or agent.sip_login in talking])


def _sip_answer(data: RingostatData, logins: list[str]) -> Response:
    if data.sipstatus_objects:
        return Response.json([{"sip": login, "status": "online"} for login in logins])
    return Response.json(logins)


def _sip_speaking(_request: Request, state: SimState, data: RingostatData) -> Response:
    talking = data.talking_agents(state.clock())
    return _sip_answer(data, [agent.sip_login for agent in AGENTS if agent.sip_login in talking])


def _body_fields(request: Request) -> dict[str, Any]:
    """Form or JSON body, as ``callback/outward_call`` accepts both (§3.1)."""
    if "json" in (request.header("content-type") or ""):
        payload = request.json()
        if not isinstance(payload, dict):
            raise ValueError("expected a JSON object")
        return payload
    return dict(request.form())


def _agent_and_client(first: str, second: str) -> tuple[Agent, str] | None:
    """Which side of a click-to-call is an agent; the other side is the client's number."""
    for agent_side, client_side in ((first, second), (second, first)):
        agent = agent_by_identity(agent_side)
        if agent is not None and agent_by_identity(client_side) is None:
            digits = to_digits(client_side)
            return (agent, digits) if 7 <= len(digits) <= 15 else None
    return None


def _start_click_to_call(state: SimState, data: RingostatData, agent: Agent, client: str,
                         direction: str) -> SimCall:
    # The agent's leg rings first (§3.1 "sensible setup"); the client picks up a bit later.
    now = state.clock()
    return _add_timed_call(data, direction=direction, outcome="answered", client_number=client,
                           agent=agent, ring_at=now, ring_seconds=data.outward_answer_seconds,
                           talk_seconds=data.outward_talk_seconds, source=NO_SOURCE)


def _outward_call(request: Request, state: SimState, data: RingostatData) -> Response:
    body = _body_fields(request)
    extension = str(body.get("extension") or "").strip()
    destination = str(body.get("destination") or "").strip()
    if not extension or not destination:
        return Response.json({"message": "extension and destination are required"}, 400)
    data.callback_requests.append({"method": "outward_call", "extension": extension,
                                   "destination": destination, "time": state.clock()})
    sides = _agent_and_client(extension, destination)
    if sides is not None:
        _start_click_to_call(state, data, *sides, direction="out")
    # A number that is no agent of ours is still accepted: the real PBX would dial it.
    return Response.json({"status": "ok"})


def _rpc_result(request_id: Any, result: Any) -> Response:
    return Response.json({"jsonrpc": "2.0", "id": request_id, "result": result})


def _rpc_error(request_id: Any, code: int, message: str) -> Response:
    # JSON-RPC failures come back with HTTP 200 (§1.5).
    return Response.json({"jsonrpc": "2.0", "id": request_id,
                          "error": {"code": code, "message": message}})


def _rpc_envelope(request: Request) -> tuple[Any, str, dict[str, Any]] | Response:
    try:
        payload = request.json()
    except ValueError:
        return _rpc_error(None, -32700, "Parse error")
    if not isinstance(payload, dict) or not isinstance(payload.get("method"), str):
        return _rpc_error(None, -32600, "Invalid Request")
    params = payload.get("params") or {}
    if not isinstance(params, dict):
        return _rpc_error(payload.get("id"), -32602, "Invalid params")
    return payload.get("id"), payload["method"], params


def _json_rpc_v2(request: Request, state: SimState, data: RingostatData) -> Response:
    envelope = _rpc_envelope(request)
    if isinstance(envelope, Response):
        return envelope
    request_id, method, params = envelope
    if method != CALLBACK_METHOD:
        return _rpc_error(request_id, -32601, f"Method not found: {method}")
    if str(params.get("projectId", "")) != data.project_id:
        return _rpc_error(request_id, -32001, "Access denied to the project")
    caller, callee = str(params.get("caller") or ""), str(params.get("callee") or "")
    data.callback_requests.append({"method": CALLBACK_METHOD, **params, "time": state.clock()})
    sides = _agent_and_client(callee, caller)
    if sides is None:
        return _rpc_error(request_id, -32602, "Invalid phone number or SIP account")
    direction = str(params.get("direction") or "")
    call = _start_click_to_call(state, data, *sides,
                                direction=direction if direction == "out" else "callback")
    return _rpc_result(request_id, {"status": "ok", "uniqueid": call.call_id})


def _staff_entry(agent: Agent, online: bool) -> dict[str, Any]:
    return {
        "id": agent.staff_id, "staffId": agent.staff_id, "fio": agent.name, "email": agent.email,
        "extensionNumber": agent.extension, "departments": [agent.department],
        "directions": {"main": [{"direction": agent.sip_login, "type": "sip", "online": online}],
                       "additional": []},
    }


def _json_rpc_api(request: Request, state: SimState, data: RingostatData) -> Response:
    envelope = _rpc_envelope(request)
    if isinstance(envelope, Response):
        return envelope
    request_id, method, params = envelope
    if method != STAFF_METHOD:
        return _rpc_error(request_id, -32601, f"Method not found: {method}")
    if str(params.get("projectId", "")) != data.project_id:
        return _rpc_error(request_id, -32001, "Access denied to the project")
    # Filters are documented without their nesting; accept them in params or params.filters.
    nested = params.get("filters")
    filters: dict[str, Any] = nested if isinstance(nested, dict) else params
    staff_id = filters.get("staffId")
    fio = str(filters.get("fio") or "").lower()
    email = str(filters.get("email") or "").lower()
    chosen = [agent for agent in AGENTS
              if (staff_id in (None, "") or str(agent.staff_id) == str(staff_id))
              and fio in agent.name.lower() and email in agent.email.lower()]
    if not chosen:
        return _rpc_error(request_id, -32000, "User does not exist")
    talking = data.talking_agents(state.clock())
    entries = {str(agent.staff_id): _staff_entry(agent, agent.sip_login not in data.offline
                                                 or agent.sip_login in talking)
               for agent in chosen}
    if data.staff_as_list:
        return _rpc_result(request_id, [{k: v for k, v in entry.items() if k != "staffId"}
                                        for entry in entries.values()])
    return _rpc_result(request_id, entries)


def _contacts_sync(request: Request, _state: SimState, data: RingostatData) -> Response:
    if request.header("x-project-id") != data.project_id:
        return Response.json({"message": "x-project-id header is missing or wrong"}, 403)
    payload = request.json()
    contacts = payload.get("contacts") if isinstance(payload, dict) else payload
    if not isinstance(contacts, list):
        raise ValueError("expected a list of contacts")
    data.synced_contacts.extend(contacts)
    return Response.json({"status": "ok", "count": len(contacts)})


def _silent_wav(seconds: float = 0.5, rate: int = 8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(struct.pack("<h", 0) * int(seconds * rate))
    return buffer.getvalue()


def _recording(request: Request, _state: SimState) -> Response:
    # The URL carries its own token, so no Auth-key is needed (§4.4). Both extensions get a
    # WAV: the simulator has no Ogg encoder, and clients sniff Content-Type anyway.
    assert request.match is not None
    call_id = request.match["call_id"]
    if request.arg("token") != _recording_token(call_id):
        return Response.json({"message": "invalid token"}, 403)
    return Response(200, _silent_wav(), "audio/wav")


# ---------------------------------------------------------------- control routes

def _json_object(request: Request) -> dict[str, Any]:
    payload = request.json() or {}
    if not isinstance(payload, dict):
        raise ValueError("expected a JSON object")
    return payload


def _sim_ring(request: Request, state: SimState, data: RingostatData) -> Response:
    """Start a call now: ``{agent?, caller?, direction?, outcome?, ring_seconds?,
    talk_seconds?, utm_source?, utm_medium?, utm_campaign?}``."""
    body = _json_object(request)
    identity = str(body.get("agent") or "")
    agent = agent_by_identity(identity) if identity else data.default_agent
    if agent is None:
        raise ValueError(f"unknown agent {identity!r}")
    direction = str(body.get("direction") or "in")
    if direction not in ("in", "out", "callback"):
        raise ValueError(f"unknown direction {direction!r}")
    caller = body.get("caller")
    client = to_digits(str(caller)) if caller else data.rng.choice(_crm_numbers(state, data))
    source = None
    if any(key in body for key in ("utm_source", "utm_medium", "utm_campaign")):
        source = TrafficSource(str(body.get("utm_source", "")), str(body.get("utm_medium", "")),
                               str(body.get("utm_campaign", "")), "", "", "", "", "")
    call = _add_timed_call(data, direction=direction,
                           outcome=str(body.get("outcome") or "answered"),
                           client_number=client, agent=agent, ring_at=state.clock(),
                           ring_seconds=float(body.get("ring_seconds", 4)),
                           talk_seconds=float(body.get("talk_seconds", 20)), source=source)
    return Response.json({"call_id": call.call_id})


def _sim_config(request: Request, _state: SimState, data: RingostatData) -> Response:
    """``{calls_cap?, offline?: [sip...], outward_answer_seconds?, outward_talk_seconds?,
    calldate_style?: offset|utc|naive, hide_live_calls?, sipstatus_objects?, staff_as_list?}``."""
    body = _json_object(request)
    if "calldate_style" in body:
        style = str(body["calldate_style"])
        if style not in ("offset", "utc", "naive"):
            raise ValueError("calldate_style must be offset, utc or naive")
        data.calldate_style = style
    for switch in ("hide_live_calls", "sipstatus_objects", "staff_as_list"):
        if switch in body:
            setattr(data, switch, bool(body[switch]))
    if "calls_cap" in body:
        data.calls_cap = max(1, int(body["calls_cap"]))
    if "offline" in body:
        data.offline = {str(login) for login in body["offline"]}
    for key in ("outward_answer_seconds", "outward_talk_seconds"):
        if key in body:
            setattr(data, key, float(body[key]))
    return Response.json({"calls_cap": data.calls_cap, "offline": sorted(data.offline),
                          "outward_answer_seconds": data.outward_answer_seconds,
                          "outward_talk_seconds": data.outward_talk_seconds,
                          "calldate_style": data.calldate_style,
                          "hide_live_calls": data.hide_live_calls,
                          "sipstatus_objects": data.sipstatus_objects,
                          "staff_as_list": data.staff_as_list})


def _sim_calls(request: Request, state: SimState, data: RingostatData) -> Response:
    now = state.clock()
    base = _recordings_base(request)
    return Response.json([
        {**call_row(call, now, project_id=data.project_id, recordings_base=base),
         "phase": call.phase(now).value, "agent": call.agent.email if call.agent else "",
         "ring_at": call.ring_at, "answer_at": call.answer_at, "end_at": call.end_at}
        for call in data.calls if call.ring_at <= now])


# ---------------------------------------------------------------- live traffic

def start_generator(state: SimState, options: SimOptions) -> None:
    """A daemon thread that starts a live call every ``options.call_every`` seconds."""
    interval = options.call_every
    if not interval:
        return
    data: RingostatData = state.services["ringostat"]

    def generate() -> None:
        first = options.first_incoming_after
        if first is not None and not state.stopping.wait(first):
            with state.lock:
                _add_first_incoming_call(state, data)
        while not state.stopping.wait(interval):
            with state.lock:
                _add_random_call(state, data, state.clock(), live=True)

    threading.Thread(target=generate, name="ringostat-call-generator", daemon=True).start()


__all__ = [
    "ALL_FIELDS",
    "DEFAULT_FIELDS",
    "RingostatData",
    "SimCall",
    "call_row",
    "install",
    "start_generator",
    "to_digits",
]
