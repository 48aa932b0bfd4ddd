"""Plain data the whole app shares: calls, contacts, staff. No Qt, no I/O.

The API clients build these from the wire formats; the store persists them; services and
widgets consume them. Everything is immutable so it can cross threads and signals safely.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Direction(StrEnum):
    INCOMING = "in"
    OUTGOING = "out"
    CALLBACK = "callback"
    OTHER = "other"

    @classmethod
    def from_call_type(cls, call_type: str) -> Direction:
        value = call_type.strip().lower()
        if value in ("in", "transitin", "incoming"):
            return cls.INCOMING
        if value in ("out", "transitout", "outgoing"):
            return cls.OUTGOING
        if value == "callback":
            return cls.CALLBACK
        return cls.OTHER


# Dispositions are an open set (ringostat-api.md §2.3): these are the ones logic depends on.
ANSWERED_DISPOSITIONS = frozenset({"ANSWERED", "PROPER", "REPEATED"})
IN_PROGRESS_DISPOSITIONS = frozenset({"CALLING", "IN PROGRESS", "RINGING"})


def normalise_disposition(raw: str) -> str:
    """``no+answer`` / ``NO_ANSWER`` / ``no answer`` all become ``NO ANSWER``."""
    return " ".join(raw.replace("+", " ").replace("_", " ").upper().split())


class CallPhase(StrEnum):
    RINGING = "ringing"
    ANSWERED = "answered"
    ENDED = "ended"
    MISSED = "missed"


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One row of Ringostat's ``calls/list``, normalised (types coerced, ``-1`` → ``None``)."""

    call_id: str
    started_at: datetime
    caller: str
    destination: str
    direction: Direction
    disposition: str
    duration: int = 0
    billsec: int = 0
    waittime: int = 0
    employee_id: int | None = None
    employee_name: str = ""
    connected_with: str = ""
    department: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    utm_term: str = ""
    recording_url: str = ""
    call_card_url: str = ""

    @property
    def client_number(self) -> str:
        """The other party: the caller for incoming calls, the destination for outgoing."""
        if self.direction is Direction.OUTGOING:
            return self.destination
        return self.caller

    @property
    def is_in_progress(self) -> bool:
        return self.disposition in IN_PROGRESS_DISPOSITIONS

    @property
    def is_answered(self) -> bool:
        if self.is_in_progress:
            return False
        return self.disposition in ANSWERED_DISPOSITIONS or self.billsec > 0

    @property
    def is_missed(self) -> bool:
        # Any finished incoming call nobody talked on is missed, whatever the exact
        # disposition string (the set is open-ended: NO ANSWER, VOICEMAIL, BUSY, …).
        return (
            self.direction in (Direction.INCOMING, Direction.CALLBACK)
            and not self.is_in_progress
            and not self.is_answered
        )


@dataclass(frozen=True, slots=True)
class StaffMember:
    """An employee from ``getProjectStaffListAndDirections``."""

    staff_id: int
    name: str
    email: str
    extension: str = ""
    sip_logins: tuple[str, ...] = ()
    phone_directions: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Contact:
    """A record of the NetHunt Contacts folder, read through the configured field names."""

    record_id: str
    folder_id: str
    name: str
    phones: tuple[str, ...] = ()
    company: str = ""
    manager: str = ""
    emails: tuple[str, ...] = ()
    link: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    fields: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class NetHuntUser:
    personal_name: str
    email: str


@dataclass(frozen=True, slots=True)
class Folder:
    folder_id: str
    name: str


class LookupState(StrEnum):
    LOOKING = "looking"
    FOUND = "found"  # exactly one contact, or the agent's remembered pick among several
    AMBIGUOUS = "ambiguous"  # several contacts share the number; the agent picks
    UNKNOWN = "unknown"  # no contact has this number (numbers only in Deals count as unknown)
    FAILED = "failed"  # the CRM could not be asked (timeout, auth, network); ``error`` says why


@dataclass(frozen=True, slots=True)
class LookupResult:
    """What the caller lookup knows about one number at a given moment.

    A FAILED result has ``error``, the precise English reason (logs, diagnostics), and
    usually ``failure``, the error itself, which the UI words in the agent's language.
    """

    state: LookupState
    number_e164: str
    contacts: tuple[Contact, ...] = ()
    error: str = ""
    from_cache: bool = False
    failure: Exception | None = field(default=None, compare=False)

    @property
    def contact(self) -> Contact | None:
        return self.contacts[0] if self.state is LookupState.FOUND and self.contacts else None


@dataclass(frozen=True, slots=True)
class NewContact:
    """What the agent typed in the Create contact dialog; the phone is already E.164."""

    name: str
    phone_e164: str
    company: str = ""
    email: str = ""
    utm_source: str = ""
    utm_medium: str = ""
    utm_campaign: str = ""
    utm_term: str = ""
