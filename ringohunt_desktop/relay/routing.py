"""Where one webhook event goes on the broker, under which message id, with which payload.

The pop rides on ``call_forwarding`` (Ringostat's "at a forwarding step"): Ringostat has no
"ringing at the agent" event (ringostat-api.md §4.1), and a forwarding step is the moment the
agents it names start ringing. The step goes to every agent it rings, found through the staff
directory by e-mail, SIP login, staff ID, extension or department (each may list several,
comma-separated). ``call_answered`` and ``call_end`` carry state to the agent they name;
``call_start`` ("before the call") usually names nobody and goes to the project's unassigned
subject; a missed incoming call's ``call_end`` is copied to the missed subject for the team,
and the ``call_end`` of an outgoing or callback call to the call-backs subject.

Message ids: ``<call id>:<event>[:<step>]:<recipient>``. JetStream drops a second message
with the same id within the stream's duplicate window, so Ringostat's retries and the copy a
second relay publishes are stored once. The recipient is part of the id because the window is
per stream, not per subject: without it, the step that rings two agents would reach one.

Payload (UTF-8 JSON object, what a desktop receives): the canonical §4.2 keys that the webhook
carried (:func:`~ringohunt_desktop.core.webhooks.canonical_fields`: ``event``, ``call_id``,
``caller``, ``dst``, ``call_type``, ``disposition``, ``employee_email``, ``sip_login``,
``billsec``, ``duration``, ``recording``, ``utm_*``, ``employee_fio``, ``employee_id``,
``employee_ext``, ``department``, ``step``, ``ai_summary``, … all strings, empty ones left
out), so ``parse_webhook_event(json.loads(data))`` reads it as it would read the webhook,
plus ``v`` (format version, 1), ``project``, ``routed_to`` (``agent.<staff id>``,
``unassigned``, ``missed`` or ``callbacks``) and ``received_at`` (ISO 8601, UTC, when the
relay got it).
On an agent's subject the agent's own ``employee_email`` / ``employee_id`` are filled in when
the webhook named the agent another way, and a forwarding step names only that agent.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ringohunt_desktop.core import subjects
from ringohunt_desktop.core.webhooks import WebhookEvent
from ringohunt_desktop.domain import (
    ANSWERED_DISPOSITIONS,
    IN_PROGRESS_DISPOSITIONS,
    Direction,
)
from ringohunt_desktop.relay.directory import AgentEntry, StaffDirectory

PAYLOAD_VERSION = 1
FORWARDING = "call_forwarding"
_HEADER_SAFE = re.compile(r"[\x21-\x7e]{1,200}")
_LIST_SEPARATORS = re.compile(r"[,;]")


@dataclass(frozen=True, slots=True)
class Delivery:
    subject: str
    msg_id: str
    payload: bytes
    recipient: str  # "agent.<staff id>", "unassigned", "missed" or "callbacks"


def _names(text: str) -> list[str]:
    return [name.strip() for name in _LIST_SEPARATORS.split(text) if name.strip()]


def agents_named(event: WebhookEvent, directory: StaffDirectory) -> tuple[int, ...]:
    """Staff IDs of the agents the event concerns, in the order it names them."""
    identities = [("email", event.employee_email), ("sip_login", event.sip_login),
                  ("staff_id", event.employee_id), ("extension", event.employee_ext)]
    if event.event == FORWARDING:
        # A step may ring a whole department; on other events "department" is merely the
        # department of the employee already named.
        identities.append(("department", event.department))
    found: dict[int, None] = {}
    for kind, text in identities:
        for name in _names(text):
            found.update(dict.fromkeys(directory.lookup(kind, name)))
    return tuple(found)


def is_missed(event: WebhookEvent) -> bool:
    return (event.event == "call_end"
            and event.direction in (Direction.INCOMING, Direction.CALLBACK)
            and event.billsec == 0
            and event.disposition not in ANSWERED_DISPOSITIONS
            and event.disposition not in IN_PROGRESS_DISPOSITIONS)


def is_call_back(event: WebhookEvent) -> bool:
    """The end of a call an agent made to a client: the team inbox resolves the client's row
    on every desktop by it, answered or not."""
    return (event.event == "call_end"
            and event.direction in (Direction.OUTGOING, Direction.CALLBACK))


def call_key(call_id: str) -> str:
    """The call id as a header value; an id with spaces or non-ASCII is hashed instead."""
    if _HEADER_SAFE.fullmatch(call_id):
        return call_id
    return "sha256-" + hashlib.sha256(call_id.encode("utf-8")).hexdigest()[:40]


def message_id(event: WebhookEvent, recipient: str) -> str:
    parts = [call_key(event.call_id), event.event]
    if event.event == FORWARDING:
        parts.append(call_key(event.step) if event.step else "-")
    parts.append(recipient)
    return ":".join(parts)


def _for_agent(fields: Mapping[str, str], event: WebhookEvent, agent: AgentEntry
               ) -> dict[str, str]:
    personal = dict(fields)
    if (event.event == FORWARDING or not personal.get("employee_email")) and agent.email:
        personal["employee_email"] = agent.email
    if event.event == FORWARDING or not personal.get("employee_id"):
        personal["employee_id"] = str(agent.staff_id)
    if event.event == FORWARDING:
        named = {name.lower() for name in _names(event.sip_login)}
        own = [login for login in agent.sip_logins if login.lower() in named]
        login = own[0] if own else (agent.sip_logins[0] if agent.sip_logins else "")
        if login:
            personal["sip_login"] = login
        else:
            personal.pop("sip_login", None)
        personal.pop("department", None)
        personal.pop("employee_ext", None)
        if agent.extension:
            personal["employee_ext"] = agent.extension
    return personal


def _encode(fields: Mapping[str, str], *, project: str, recipient: str,
            received_at: datetime) -> bytes:
    body: dict[str, Any] = {"v": PAYLOAD_VERSION, **fields, "project": project,
                            "routed_to": recipient,
                            "received_at": received_at.astimezone(UTC).isoformat()}
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def route(event: WebhookEvent, fields: Mapping[str, str], directory: StaffDirectory, *,
          project: str, received_at: datetime | None = None) -> list[Delivery]:
    """Every message one event becomes; never empty (nobody named → unassigned)."""
    when = received_at or event.received_at or datetime.now(UTC)
    deliveries: list[Delivery] = []
    for staff_id in agents_named(event, directory):
        agent = directory.agent(staff_id)
        if agent is None:
            continue
        recipient = f"agent.{staff_id}"
        deliveries.append(Delivery(
            subjects.agent_subject(project, staff_id), message_id(event, recipient),
            _encode(_for_agent(fields, event, agent), project=project, recipient=recipient,
                    received_at=when), recipient))
    if not deliveries:
        deliveries.append(Delivery(
            subjects.unassigned_subject(project), message_id(event, "unassigned"),
            _encode(fields, project=project, recipient="unassigned", received_at=when),
            "unassigned"))
    if is_missed(event):
        deliveries.append(Delivery(
            subjects.missed_subject(project), message_id(event, "missed"),
            _encode(fields, project=project, recipient="missed", received_at=when), "missed"))
    if is_call_back(event):
        deliveries.append(Delivery(
            subjects.callbacks_subject(project), message_id(event, "callbacks"),
            _encode(fields, project=project, recipient="callbacks", received_at=when),
            "callbacks"))
    return deliveries


__all__ = ["PAYLOAD_VERSION", "Delivery", "agents_named", "call_key", "is_call_back", "is_missed",
           "message_id", "route"]
