"""Keeping the local contacts index in step with NetHunt's Contacts folder. No Qt.

NetHunt's feeds return at most about 10,000 records per call, newest first, bounded only
by ``since`` (nethunt-api.md §1.3, §2.10): for a larger folder the oldest records can never
be reached through a feed. A first sync therefore reads the ``new-record`` feed, and when
the answer is full, enumerates the folder through find-record with one query per digit on
the Phone field (every stored number contains a digit), de-duplicating by record id. That
costs more transfer, once; incremental syncs then use the feeds with ``since``.

Contacts without any phone cannot ring nor be called; in a folder above the cap they are
not indexed (below it, every contact is).

Writing to the index is the slow part (phone parsing, the full-text index). It runs on a
thread of its own with its own SQLite connection: WAL lets the UI thread keep reading,
SQLite releases the interpreter lock while it works, and the Python work yields it every few
milliseconds, so the UI thread never stalls for long even on a 100,000-contact first sync.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ringohunt_desktop.clients.http import release_gradually
from ringohunt_desktop.clients.nethunt import NetHuntClient, NetHuntRecord
from ringohunt_desktop.domain import Contact
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database

log = logging.getLogger(__name__)

FEED_CAP = 10_000
ENUMERATION_TOKENS = tuple("0123456789")
ENUMERATION_LIMIT = 500_000
MARKER_KEY = "contacts.sync.since"
FULL_SYNC_KEY = "contacts.sync.full_at"
OVERLAP = timedelta(minutes=5)  # clock skew between us and NetHunt; re-reads are harmless

Progress = Callable[[int, int | None], None]


@dataclass(frozen=True, slots=True)
class SyncReport:
    fetched: int  # records received (with repeats across enumeration queries)
    stored: int  # contacts new or changed in the index
    deleted: int  # contacts gone from NetHunt, removed from the index
    enumerated: bool  # the folder exceeded the feed cap: find-record enumeration was used


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a full sync holds a folder's worth of records.

    A first sync keeps hundreds of thousands of fresh, acyclic objects (decoded records)
    alive; every full collection walks them all while holding the interpreter lock, which
    froze the UI for a quarter second at a time (measured). Reference counting frees them
    regardless; only cyclic garbage waits until the sync ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Whatever survived (long-lived app objects) would otherwise make the first young
        # collection after re-enabling walk it all at once; frozen objects are still freed
        # by reference counting, only never scanned for cycles.
        gc.freeze()
        if was_enabled:
            gc.enable()


class _IndexWriter:
    """Upserts contacts on one dedicated thread (sqlite3 connections stay on their thread).

    An in-memory database cannot be opened twice, so there the writes stay inline.
    """

    def __init__(self, database: Database, store: ContactStore,
                 convert: Callable[[NetHuntRecord], Contact]) -> None:
        self._path = database.path
        self._inline_store = store
        self._convert = convert
        self._executor: ThreadPoolExecutor | None = None
        self._thread_db: Database | None = None
        self._thread_store: ContactStore | None = None

    async def upsert(self, records: Sequence[NetHuntRecord]) -> int:
        if self._path is None:
            return self._inline_store.upsert(self._convert(r) for r in records)
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1,
                                                thread_name_prefix="contact-index")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._upsert_on_thread, records)

    def _upsert_on_thread(self, records: Sequence[NetHuntRecord]) -> int:
        if self._thread_store is None:
            assert self._path is not None
            self._thread_db = Database.open(self._path)
            self._thread_store = ContactStore(self._thread_db)
        return self._thread_store.upsert(self._convert(r) for r in records)

    async def close(self) -> None:
        if self._executor is None:
            return
        database = self._thread_db
        if database is not None:
            await asyncio.get_running_loop().run_in_executor(self._executor, database.close)
        self._executor.shutdown(wait=False)
        self._executor = None
        self._thread_db = self._thread_store = None


class ContactSync:
    def __init__(self, nethunt: NetHuntClient, folder_id: str, store: ContactStore,
                 database: Database, convert: Callable[[NetHuntRecord], Contact], *,
                 phone_field: str = "Phone", feed_cap: int = FEED_CAP, batch_size: int = 200,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._nethunt = nethunt
        self._folder_id = folder_id
        self._store = store
        self._db = database
        self._convert = convert
        self._phone_field = phone_field
        self._feed_cap = feed_cap
        self._batch_size = batch_size
        self._now = now
        self._lock = asyncio.Lock()
        self._writer = _IndexWriter(database, store, convert)

    async def aclose(self) -> None:
        """Close the writer thread's connection (on quit)."""
        await self._writer.close()

    @property
    def has_synced(self) -> bool:
        return self._db.get_meta(MARKER_KEY) is not None

    def last_full_sync(self) -> datetime | None:
        value = self._db.get_meta(FULL_SYNC_KEY)
        return datetime.fromisoformat(value) if value else None

    async def full(self, progress: Progress | None = None) -> SyncReport:
        """Read the whole folder; remove contacts NetHunt no longer has."""
        async with self._lock:
            with cyclic_gc_paused():
                return await self._full(progress)

    async def _full(self, progress: Progress | None) -> SyncReport:
        started = self._now()
        records = await self._nethunt.new_records(self._folder_id, limit=self._feed_cap)
        seen: set[str] = set()
        fetched = len(records)
        stored = await self._store_batches(records, seen, progress, total=len(records))
        enumerated = len(records) >= self._feed_cap
        await release_gradually(records)
        if enumerated:
            log.info("Contacts folder exceeds the feed cap (%d); enumerating by phone digit",
                     self._feed_cap)
            for token in ENUMERATION_TOKENS:
                found = await self._nethunt.find_records(
                    self._folder_id, f'"{self._phone_field}":"{token}"',
                    limit=ENUMERATION_LIMIT)
                fetched += len(found)
                stored += await self._store_batches(found, seen, progress, total=None)
                await release_gradually(found)
        deleted = 0
        if not enumerated:
            # Only a complete listing can say a contact is gone.
            deleted = self._store.delete(self._store.record_ids() - seen)
        self._db.set_meta(MARKER_KEY, (started - OVERLAP).isoformat())
        self._db.set_meta(FULL_SYNC_KEY, started.isoformat())
        if progress is not None:
            progress(len(seen), len(seen))
        return SyncReport(fetched, stored, deleted, enumerated)

    async def incremental(self) -> SyncReport:
        """New and updated contacts since the last sync; a full sync if that overflows."""
        marker = self._db.get_meta(MARKER_KEY)
        if marker is None:
            return await self.full()
        since = datetime.fromisoformat(marker)
        async with self._lock:
            started = self._now()
            new = await self._nethunt.new_records(self._folder_id, since=since,
                                                  limit=self._feed_cap)
            updated = await self._nethunt.updated_records(self._folder_id, since=since,
                                                          limit=self._feed_cap)
            overflow = len(new) >= self._feed_cap or len(updated) >= self._feed_cap
            if not overflow:
                # Oldest first, so a record both new and updated ends at its latest state.
                records = sorted([*new, *updated], key=_changed_at)
                stored = await self._store_batches(records, set(), None, total=None)
                self._db.set_meta(MARKER_KEY, (started - OVERLAP).isoformat())
                return SyncReport(len(records), stored, 0, False)
        log.info("more changes since %s than one feed answer holds; syncing in full", since)
        return await self.full()

    async def _store_batches(self, records: Sequence[NetHuntRecord], seen: set[str],
                             progress: Progress | None, *, total: int | None) -> int:
        stored = 0
        for start in range(0, len(records), self._batch_size):
            # De-duplicating per batch keeps each slice of work on this thread short: an
            # enumeration answer holds the whole folder, mostly records already seen.
            batch = [r for r in records[start:start + self._batch_size]
                     if r.record_id not in seen]
            if batch:
                stored += await self._writer.upsert(batch)
                seen.update(r.record_id for r in batch)
                if progress is not None:
                    progress(len(seen), total)
            await asyncio.sleep(0)  # let Qt paint and the watcher poll between batches
        return stored


def _changed_at(record: NetHuntRecord) -> datetime:
    return record.updated_at or record.created_at or datetime.min.replace(tzinfo=UTC)

