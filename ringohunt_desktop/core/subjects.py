"""Names on the broker, in one place: the relay publishes with them, provisioning grants
permissions on them, and the desktop's subscription source binds with them. No Qt, no nats
(the desktop and the server side both import it).

Scheme (``<project>`` is the Ringostat project ID, ``<staff id>`` the employee's ``staffId``
from the staff list, both as NATS-safe tokens):

===========================================  ================================================
``ringohunt.calls.<project>.agent.<staff id>``  events of calls that concern this agent
``ringohunt.calls.<project>.unassigned``        events naming no agent we know ("before the
                                               call", a step ringing nobody provisioned)
``ringohunt.calls.<project>.missed``            a copy of every missed incoming call (team view)
``ringohunt.calls.<project>.callbacks``         a copy of the end of every outgoing or callback
                                               call (team view: who called a client back)
===========================================  ================================================

One stream (default ``RINGOHUNT_CALLS``) holds ``ringohunt.calls.>``. Each agent has one
durable pull consumer, ``rh_<project>_<staff id>``, filtered to its own subject and created by
provisioning (never by the agent: a user allowed to create consumers could filter on anybody's
subject). The agent's NATS user is ``agent_<project>_<staff id>`` and its replies arrive under
its own inbox prefix ``_INBOX_<project>_<staff id>``, so no agent can read another's fetches.
The relay connects as ``relay_<project>``; ``admin_<project>`` is IT's user with every right.

The team inbox's "I'll call back" claims live in the JetStream key-value bucket
``RINGOHUNT_CLAIMS_<project>`` (its stream is ``KV_RINGOHUNT_CLAIMS_<project>``), one key per
client number, created by the relay with a bucket-wide time to live: a claim nobody acts on
expires by itself. Agents may read and write that bucket and no other.
"""

from __future__ import annotations

import re

SUBJECT_ROOT = "ringohunt.calls"
DEFAULT_STREAM = "RINGOHUNT_CALLS"

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def token(value: str) -> str:
    """``value`` as one NATS subject token / consumer-name part: letters, digits, ``_`` and
    ``-`` only (``.``, ``*``, ``>`` and spaces would change a subject's meaning)."""
    cleaned = _UNSAFE.sub("_", value.strip())
    if not cleaned:
        raise ValueError("an empty name cannot be a subject token")
    return cleaned[:64]


def project_root(project: str) -> str:
    return f"{SUBJECT_ROOT}.{token(project)}"


def agent_subject(project: str, staff_id: int | str) -> str:
    return f"{project_root(project)}.agent.{token(str(staff_id))}"


def unassigned_subject(project: str) -> str:
    return f"{project_root(project)}.unassigned"


def missed_subject(project: str) -> str:
    return f"{project_root(project)}.missed"


def callbacks_subject(project: str) -> str:
    return f"{project_root(project)}.callbacks"


def team_subjects(project: str) -> tuple[str, ...]:
    """What every agent of the project may read live (core NATS, no consumer): the team
    inbox's missed calls and call-backs."""
    return (missed_subject(project), callbacks_subject(project))


def claims_bucket(project: str) -> str:
    return f"RINGOHUNT_CLAIMS_{token(project)}"


def claims_stream(project: str) -> str:
    """The stream JetStream keeps a key-value bucket in."""
    return f"KV_{claims_bucket(project)}"


def claims_subject_prefix(project: str) -> str:
    """A key's subject is this plus ``.<key>``."""
    return f"$KV.{claims_bucket(project)}"


def durable_name(project: str, staff_id: int | str) -> str:
    return f"rh_{token(project)}_{token(str(staff_id))}"


def agent_user(project: str, staff_id: int | str) -> str:
    return f"agent_{token(project)}_{token(str(staff_id))}"


def relay_user(project: str) -> str:
    return f"relay_{token(project)}"


def admin_user(project: str) -> str:
    return f"admin_{token(project)}"


def agent_inbox_prefix(project: str, staff_id: int | str) -> str:
    """Pass as ``nats.connect(inbox_prefix=…)``: the agent may subscribe only below it."""
    return f"_INBOX_{token(project)}_{token(str(staff_id))}"


__all__ = [
    "DEFAULT_STREAM",
    "SUBJECT_ROOT",
    "admin_user",
    "agent_inbox_prefix",
    "agent_subject",
    "agent_user",
    "callbacks_subject",
    "claims_bucket",
    "claims_stream",
    "claims_subject_prefix",
    "durable_name",
    "missed_subject",
    "project_root",
    "relay_user",
    "team_subjects",
    "token",
    "unassigned_subject",
]
