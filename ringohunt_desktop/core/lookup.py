"""Caller lookup and contact creation in the NetHunt **Contacts** folder. No Qt.

Contacts only, never Deals: the Ringostat ↔ NetHunt integration attaches calls to contacts,
and deals come from NetHunt workflows on a new contact (nethunt-api.md §4), so a number that
exists only in a deal is an unknown caller here.

NetHunt's search is loose and undocumented for phones (§2.3–2.4), so every hit is verified
client-side: a record counts only when one of its Phone values has the caller's match key.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ringohunt_desktop import phone
from ringohunt_desktop.clients.errors import ApiError, TransientError
from ringohunt_desktop.clients.nethunt import NetHuntClient, NetHuntRecord, to_contact
from ringohunt_desktop.config import Config
from ringohunt_desktop.domain import Contact, LookupResult, LookupState, NewContact
from ringohunt_desktop.store.contacts import ContactStore

log = logging.getLogger(__name__)

SEARCH_LIMIT = 20


@dataclass(frozen=True, slots=True)
class FieldMap:
    """The Contacts folder's field names, as configured (workspaces localise them)."""

    name: str = "Name"
    phone: str = "Phone"
    email: str = "Email"
    company: str = "Company"
    manager: str = "Responsible"
    utm_source: str = "Джерело"
    utm_medium: str = "Канал"
    utm_campaign: str = "Кампанія"
    utm_term: str = "Ключове слово"

    @classmethod
    def from_config(cls, config: Config) -> FieldMap:
        return cls(config.field_name, config.field_phone, config.field_email,
                   config.field_company, config.field_manager, config.field_utm_source,
                   config.field_utm_medium, config.field_utm_campaign, config.field_utm_term)


class PickMemory:
    """The agent's choice among contacts sharing a number, remembered per number."""

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._picks: dict[str, str] = {}
        if path is not None:
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    self._picks = {str(k): str(v) for k, v in loaded.items()}
            except FileNotFoundError:
                pass
            except (OSError, ValueError):
                log.info("ignoring unreadable pick memory %s", path)

    def get(self, number_e164: str) -> str | None:
        return self._picks.get(number_e164)

    def remember(self, number_e164: str, record_id: str) -> None:
        self._picks[number_e164] = record_id
        if self._path is not None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self._path.with_suffix(".tmp")
            # Owner-only: numbers of customers, and which contact each one is.
            descriptor = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                file.write(json.dumps(self._picks, ensure_ascii=False))
            tmp.replace(self._path)


@dataclass(frozen=True, slots=True)
class CreateOutcome:
    contact: Contact
    created: bool  # False: an existing contact with this number was found instead


class CallerLookup:
    """Number → contact(s): the local index first, then NetHunt's find-record."""

    def __init__(self, nethunt: NetHuntClient, folder_id: str, *, fields: FieldMap,
                 region: str = "UA", store: ContactStore | None = None,
                 picks: PickMemory | None = None, workspace_id: str = "",
                 time_zone: str = "Europe/Kyiv", responsible: str = "") -> None:
        """``responsible``: the agent's NetHunt user (e-mail), written as the responsible
        manager of the contacts they create, so the folder's routing to the responsible
        manager ("sticky" forwarding) works for them from the first call back."""
        self._nethunt = nethunt
        self._folder_id = folder_id
        self._fields = fields
        self._region = region
        self._store = store
        self._picks = picks or PickMemory(None)
        self._workspace_id = workspace_id
        self._time_zone = time_zone
        self._responsible = responsible.strip()
        self._create_locks: dict[str, asyncio.Lock] = {}

    @property
    def folder_id(self) -> str:
        return self._folder_id

    def cached(self, number_e164: str) -> LookupResult | None:
        """What the local index knows, synchronously; None when it does not know the number."""
        if self._store is None:
            return None
        contacts = self._store.find_by_number(number_e164, self._region)
        if not contacts:
            return None
        return self._result(number_e164, contacts, from_cache=True)

    async def lookup(self, number_e164: str) -> LookupResult:
        """Never raises for service failures: they come back as ``LookupState.FAILED``."""
        cached = self.cached(number_e164)
        if cached is not None:
            return cached
        try:
            contacts = await self.search_remote(number_e164)
        except ApiError as exc:
            log.info("lookup of a caller failed: %s", exc.user_message)
            return LookupResult(LookupState.FAILED, number_e164, error=exc.user_message,
                                failure=exc)
        return self._result(number_e164, contacts)

    async def search_remote(self, number_e164: str) -> list[Contact]:
        """Every Contacts record whose Phone list really holds this number.

        The variants are searched together: two contacts sharing a number may have stored it
        in different formats, and stopping at the first variant that hits would hide one.
        """
        wanted = phone.match_key(number_e164, self._region)
        try:
            variants = phone.search_variants(number_e164)
        except phone.InvalidNumber:
            return []  # an extension or a hidden number: nothing the CRM could hold
        batches: Sequence[list[NetHuntRecord]] = await asyncio.gather(*(
            self._nethunt.find_records(self._folder_id, f'"{self._fields.phone}":"{variant}"',
                                       limit=SEARCH_LIMIT)
            for variant in variants))
        found: dict[str, Contact] = {}
        for record in (r for batch in batches for r in batch):
            contact = self.to_contact(record)
            if contact.record_id in found:
                continue
            if any(phone.match_key(p, self._region) == wanted for p in contact.phones):
                found[contact.record_id] = contact
        contacts = sorted(found.values(), key=lambda c: (c.name.casefold(), c.record_id))
        if self._store is not None and contacts:
            self._store.upsert(contacts)
        return contacts

    def remember_pick(self, number_e164: str, contact: Contact) -> None:
        self._picks.remember(number_e164, contact.record_id)

    async def create_contact(self, draft: NewContact) -> CreateOutcome:
        """Create a contact unless one with this number exists; at most one per number.

        Concurrent requests for the same number are serialised, and each searches again
        before creating, so a double click or a colleague's fresh record never duplicates.
        A create that timed out may still have happened: search once more before reporting.
        """
        lock = self._create_locks.setdefault(draft.phone_e164, asyncio.Lock())
        async with lock:
            existing = await self.search_remote(draft.phone_e164)
            if existing:
                return CreateOutcome(self._preferred(draft.phone_e164, existing), created=False)
            fields = self._new_record_fields(draft)
            try:
                created = await self._nethunt.create_record(self._folder_id, fields,
                                                            self._time_zone)
            except TransientError:
                landed = await self.search_remote(draft.phone_e164)
                if landed:
                    return CreateOutcome(self._preferred(draft.phone_e164, landed), created=True)
                raise
            record = await self._nethunt.get_record(self._folder_id, created.record_id)
            contact = (self.to_contact(record) if record is not None else Contact(
                record_id=created.record_id, folder_id=self._folder_id, name=draft.name,
                phones=(draft.phone_e164,), company=draft.company, link=created.link))
            if self._store is not None:
                self._store.upsert([contact])
            return CreateOutcome(contact, created=True)

    def _new_record_fields(self, draft: NewContact) -> dict[str, object]:
        names = self._fields
        fields: dict[str, object] = {names.name: draft.name.strip(),
                                     names.phone: [draft.phone_e164]}
        optional = {names.company: draft.company, names.utm_source: draft.utm_source,
                    names.utm_medium: draft.utm_medium, names.utm_campaign: draft.utm_campaign,
                    names.utm_term: draft.utm_term}
        # A field mapped to "(not used)" has no name: nothing is written for it.
        fields.update({key: value.strip() for key, value in optional.items()
                       if key and value.strip()})
        if names.email and draft.email.strip():
            fields[names.email] = [draft.email.strip()]
        if names.manager and self._responsible:
            fields[names.manager] = [self._responsible]  # a user field holds a list
        return fields

    def to_contact(self, record: NetHuntRecord) -> Contact:
        """A Contacts record read through the configured field names."""
        f = self._fields
        return to_contact(record, self._folder_id, name_field=f.name, phone_field=f.phone,
                          email_field=f.email, company_field=f.company,
                          manager_field=f.manager, workspace_id=self._workspace_id)

    def _preferred(self, number_e164: str, contacts: Sequence[Contact]) -> Contact:
        pick = self._picks.get(number_e164)
        return next((c for c in contacts if c.record_id == pick), contacts[0])

    def _result(self, number_e164: str, contacts: Sequence[Contact], *,
                from_cache: bool = False) -> LookupResult:
        if not contacts:
            return LookupResult(LookupState.UNKNOWN, number_e164, from_cache=from_cache)
        if len(contacts) == 1:
            return LookupResult(LookupState.FOUND, number_e164, (contacts[0],),
                                from_cache=from_cache)
        pick = self._picks.get(number_e164)
        picked = [c for c in contacts if c.record_id == pick]
        if picked:
            rest = tuple(c for c in contacts if c.record_id != pick)
            return LookupResult(LookupState.FOUND, number_e164, (picked[0], *rest),
                                from_cache=from_cache)
        return LookupResult(LookupState.AMBIGUOUS, number_e164, tuple(contacts),
                            from_cache=from_cache)
