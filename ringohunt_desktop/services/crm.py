"""Caller lookup and contact creation as Qt signals, on the qasync loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal

from ringohunt_desktop.clients.errors import ApiError
from ringohunt_desktop.core.lookup import CallerLookup
from ringohunt_desktop.domain import Contact, LookupResult, LookupState, NewContact

log = logging.getLogger(__name__)


class CrmService(QObject):
    """Signals:
        lookup_updated (LookupResult): first LOOKING (or the local answer), then the result.
        contact_created (str number_e164, Contact): a new contact exists in NetHunt.
        existing_contact_found (str number_e164, Contact): creating was not needed.
        create_failed (str number_e164, ApiError): nothing was created; the form is kept.
            The error's ``reason`` is for the agent (ui.failures), ``user_message`` for logs.
    """

    lookup_updated = Signal(object)
    contact_created = Signal(str, object)
    existing_contact_found = Signal(str, object)
    create_failed = Signal(str, object)

    def __init__(self, lookup: CallerLookup, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lookup = lookup
        self._tasks: set[asyncio.Task[Any]] = set()
        self._in_flight: dict[str, asyncio.Task[LookupResult]] = {}

    @property
    def lookup(self) -> CallerLookup:
        return self._lookup

    def request_lookup(self, number_e164: str) -> LookupResult:
        """Answer from the local index at once when it can; otherwise ask NetHunt.

        Returns what is known right now (LOOKING when the CRM is being asked).
        """
        cached = self._lookup.cached(number_e164)
        if cached is not None:
            self.lookup_updated.emit(cached)
            return cached
        looking = LookupResult(LookupState.LOOKING, number_e164)
        self.lookup_updated.emit(looking)
        if number_e164 not in self._in_flight:
            task = self._spawn(self._lookup_remote(number_e164))
            self._in_flight[number_e164] = task
        return looking

    async def _lookup_remote(self, number_e164: str) -> LookupResult:
        try:
            result = await self._lookup.lookup(number_e164)
        except Exception:
            # A bug must not leave a panel on "looking up…" for the rest of the call.
            log.exception("caller lookup failed")
            result = LookupResult(LookupState.FAILED, number_e164,
                                  error=self.tr("The CRM lookup failed unexpectedly."))
        finally:
            self._in_flight.pop(number_e164, None)
        self.lookup_updated.emit(result)
        return result

    def remember_pick(self, number_e164: str, contact: Contact) -> None:
        self._lookup.remember_pick(number_e164, contact)

    def create_contact(self, draft: NewContact) -> None:
        self._spawn(self._create(draft))

    async def _create(self, draft: NewContact) -> None:
        try:
            outcome = await self._lookup.create_contact(draft)
        except ApiError as exc:
            log.info("creating a contact failed: %s", exc.user_message)
            self.create_failed.emit(draft.phone_e164, exc)
            return
        signal = self.contact_created if outcome.created else self.existing_contact_found
        signal.emit(draft.phone_e164, outcome.contact)
        self.lookup_updated.emit(LookupResult(LookupState.FOUND, draft.phone_e164,
                                              (outcome.contact,)))

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def wait_idle(self) -> None:
        """For orderly shutdown and tests: wait for every started request to finish."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
