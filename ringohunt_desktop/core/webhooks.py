"""Ringostat's call webhooks: the one parser of their contract. No Qt.

Ringostat lets the admin name webhook keys freely, so RingoHunt defines its own contract
(ringostat-api.md §4.2) and accepts the usual aliases. :func:`event_to_call` turns an event
into the same :class:`CallRecord` snapshot the poller yields, so :class:`CallTracker`
de-duplicates at-least-once deliveries by call id and every source shares every rule
downstream.

The same parser serves the server-side relay (``ringohunt_desktop.relay``): it reads a webhook
with :func:`canonical_fields` (first non-empty value per key among its aliases, cleaned of
control and bidi characters), validates it with :func:`parse_webhook_event`, and publishes
the canonical fields, which parse here to the very same event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ringohunt_desktop.core.calltracking import AgentIdentity
from ringohunt_desktop.domain import CallRecord, Direction, normalise_disposition

# "call_forwarding" is Ringostat's "at a forwarding step" moment: the nearest thing to "ringing
# at the agent" (§4.1), and the event the relay routes the pop on.
EVENT_TYPES = ("call_start", "call_forwarding", "call_answered", "call_end", "ai_processed")
MAX_EVENT_BYTES = 64 * 1024
MAX_CALL_ID_CHARS = 200
MAX_VALUE_CHARS = 2048  # a recording URL with its token fits; a pasted novel does not

# Key → accepted aliases, first non-empty wins (ringostat-api.md §4.2).
ALIASES: Mapping[str, tuple[str, ...]] = {
    "call_id": ("call_id", "uniqueid", "cdr_id"),
    "caller": ("caller", "caller_id", "caller_number"),
    "dst": ("dst", "callee", "called_id", "destination"),
    "call_type": ("call_type",),
    "disposition": ("disposition", "status", "call_status"),
    "employee_email": ("employee_email",),
    "sip_login": ("sip_login", "connected_with"),
    "billsec": ("billsec", "dialog"),
    "duration": ("duration", "call_duration"),
    "recording": ("recording", "recording_wav", "record_link"),
    "utm_source": ("utm_source",),
    "utm_medium": ("utm_medium",),
    "utm_campaign": ("utm_campaign",),
    "employee_fio": ("employee_fio", "employee"),
    "calldate": ("calldate", "call_date", "date"),
    # Who a call concerns besides the e-mail and SIP login (the relay routes on these through
    # the staff list). On "call_forwarding" each may list several, comma-separated: a group
    # step rings several agents at once.
    "employee_id": ("employee_id", "employee_number", "staff_id"),
    "employee_ext": ("employee_ext",),
    "department": ("department",),
    "step": ("step", "step_forward", "forwarding_step"),
    "project_id": ("project_id",),
    "ai_summary": ("ai_summary",),
}


class InvalidEvent(ValueError):
    """A webhook body that cannot be a call event; the message says which part is wrong."""


@dataclass(frozen=True, slots=True)
class WebhookEvent:
    event: str
    call_id: str
    caller: str
    dst: str
    direction: Direction
    disposition: str
    employee_email: str = ""
    sip_login: str = ""
    billsec: int = 0
    duration: int = 0
    recording: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    employee_name: str = ""
    received_at: datetime | None = None
    employee_id: str = ""
    employee_ext: str = ""
    department: str = ""
    step: str = ""  # the forwarding step, on "call_forwarding"
    ai_summary: str = ""


def clean_text(value: str, limit: int = MAX_VALUE_CHARS) -> str:
    """``value`` without control, format (bidi overrides, zero-width) or surrogate characters;
    other whitespace becomes a space. Webhook values end up in logs, NATS headers and the
    agent's panel, where such characters forge lines or reorder what the agent reads."""
    if not value.isprintable():
        value = "".join(ch if ch.isprintable() else " " if ch.isspace() else ""
                        for ch in value)
    return value.strip()[:limit]


def _first(payload: Mapping[str, Any], key: str) -> str:
    extra = payload.get("additional_call_data")
    sources = [payload, extra] if isinstance(extra, Mapping) else [payload]
    for source in sources:
        for alias in ALIASES[key]:
            value = source.get(alias)
            if value is None or isinstance(value, (dict, list)):
                continue
            text = clean_text(_scalar_text(value))
            if text:
                return text
    return ""


def _scalar_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))  # 12.0 from a JSON body is the 12 a query string sends
    return str(value)


def canonical_fields(payload: Mapping[str, Any]) -> dict[str, str]:
    """Every known key under its canonical name (first non-empty value among its aliases,
    ``additional_call_data`` included), cleaned; ``event`` lower-cased. Empty keys are left
    out. :func:`parse_webhook_event` reads the result exactly as it reads ``payload``."""
    fields = {key: _first(payload, key) for key in ALIASES}
    fields["event"] = clean_text(_scalar_text(payload.get("event", ""))).lower()
    return {key: value for key, value in fields.items() if value}


def _as_int(text: str) -> int:
    try:
        return max(0, int(float(text)))
    except (TypeError, ValueError, OverflowError):
        return 0


def parse_webhook_event(payload: object, *, received_at: datetime | None = None
                        ) -> WebhookEvent:
    """Parse one delivery defensively; raises :class:`InvalidEvent` for what it refuses."""
    if not isinstance(payload, Mapping):
        raise InvalidEvent("an event must be a JSON object")
    event = clean_text(_scalar_text(payload.get("event", ""))).lower()
    if event not in EVENT_TYPES:
        raise InvalidEvent(f"unknown event type {event[:40]!r}")
    call_id = _first(payload, "call_id")
    if not call_id or len(call_id) > MAX_CALL_ID_CHARS:
        raise InvalidEvent("the event has no usable call id")
    disposition = normalise_disposition(_first(payload, "disposition"))
    if event in ("call_start", "call_forwarding"):
        disposition = "CALLING"
    elif event == "call_answered":
        disposition = "IN PROGRESS"
    elif not disposition:
        disposition = "ANSWERED" if _as_int(_first(payload, "billsec")) > 0 else "NO ANSWER"
    return WebhookEvent(
        event=event, call_id=call_id, caller=_first(payload, "caller"), dst=_first(payload, "dst"),
        direction=Direction.from_call_type(_first(payload, "call_type") or "in"),
        disposition=disposition, employee_email=_first(payload, "employee_email").lower(),
        sip_login=_first(payload, "sip_login"), billsec=_as_int(_first(payload, "billsec")),
        duration=_as_int(_first(payload, "duration")), recording=_first(payload, "recording"),
        utm_source=_first(payload, "utm_source"), utm_medium=_first(payload, "utm_medium"),
        utm_campaign=_first(payload, "utm_campaign"),
        employee_name=_first(payload, "employee_fio"),
        received_at=received_at or datetime.now(UTC),
        employee_id=_first(payload, "employee_id"), employee_ext=_first(payload, "employee_ext"),
        department=_first(payload, "department"), step=_first(payload, "step"),
        ai_summary=_first(payload, "ai_summary"))


def event_to_call(event: WebhookEvent, agent: AgentIdentity,
                  started_at: datetime | None = None) -> CallRecord:
    """The call-row snapshot an event stands for, attributed to the agent when it names them."""
    names_agent = bool(event.employee_email) and event.employee_email == agent.email
    return CallRecord(
        call_id=event.call_id,
        started_at=started_at or event.received_at or datetime.now(UTC),
        caller=event.caller, destination=event.dst, direction=event.direction,
        disposition=event.disposition, duration=event.duration, billsec=event.billsec,
        employee_id=agent.staff_id if names_agent else None,
        employee_name=event.employee_name,
        connected_with=event.sip_login if event.disposition != "CALLING" else "",
        utm_source=event.utm_source, utm_medium=event.utm_medium,
        utm_campaign=event.utm_campaign, recording_url=event.recording)


__all__ = ["ALIASES", "EVENT_TYPES", "InvalidEvent", "WebhookEvent", "canonical_fields",
           "clean_text", "event_to_call", "parse_webhook_event"]
