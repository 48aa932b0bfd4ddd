"""The local SQLite cache: one file, WAL mode, ordered schema migrations.

Everything in it can be fetched again from Ringostat and NetHunt, so the file is disposable:
when it is corrupt, not a database at all, locked by something else, or written by a newer
version of the app, it is moved aside (``<name>.corrupt-<timestamp>``) and a fresh one is
started. Only when even a fresh file cannot be used does :class:`StoreError` reach the caller.

Threading: a :class:`Database` and its connection belong to the thread that opened it (the
asyncio/Qt main thread). ``sqlite3``'s default ``check_same_thread`` guard stays on, so using
it from another thread fails loudly instead of corrupting anything. Queries here take
milliseconds, which is why they are not pushed to a worker thread.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Database", "StoreError"]

log = logging.getLogger(__name__)

# FTS5's trigram tokenizer (substring search) appeared in SQLite 3.34.
MIN_SQLITE_VERSION: Final = (3, 34, 0)
# How long to wait for another connection's write lock before calling the file unusable.
DEFAULT_BUSY_TIMEOUT_S: Final = 2.0

# Schema migrations, applied in order; migration i brings the schema to version i + 1
# (``PRAGMA user_version``). Never edit a released entry: append a new one.
MIGRATIONS: Final[Sequence[str]] = (
    # 1: key/value metadata, contacts with their phones and a trigram index, the call journal.
    """
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE contacts (
        id INTEGER PRIMARY KEY,             -- rowid; also the rowid of contacts_fts
        record_id TEXT NOT NULL UNIQUE,
        folder_id TEXT NOT NULL,
        name TEXT NOT NULL,
        name_fold TEXT NOT NULL,            -- search form: NFKC + casefold
        company TEXT NOT NULL,
        company_fold TEXT NOT NULL,
        manager TEXT NOT NULL,
        emails_json TEXT NOT NULL,
        phones_json TEXT NOT NULL,          -- raw, exactly as in the CRM
        number_digits TEXT NOT NULL,        -- digit strings of every phone, space-separated
        link TEXT NOT NULL,
        created_at TEXT,
        updated_at TEXT,
        fields_json TEXT NOT NULL,
        content_hash TEXT NOT NULL          -- skip rewriting unchanged contacts on re-sync
    );
    -- Covering for the name-ordered walk of unselective searches (contacts.py): the filter
    -- columns are in the index, so only matching rows cost a table lookup.
    CREATE INDEX contacts_by_name ON contacts (name_fold, record_id, company_fold, number_digits);
    CREATE INDEX contacts_by_company ON contacts (company_fold);

    CREATE TABLE contact_phones (
        contact_id INTEGER NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        raw TEXT NOT NULL,
        e164 TEXT,                          -- NULL unless a valid number
        match_key TEXT,                     -- phone.match_key(raw); NULL when not a number
        PRIMARY KEY (contact_id, position)
    ) WITHOUT ROWID;
    CREATE INDEX contact_phones_by_key ON contact_phones (match_key, contact_id);

    -- name and company are stored as " " + the folded text, so " ko" finds word starts.
    CREATE VIRTUAL TABLE contacts_fts USING fts5 (
        name, company, numbers, tokenize = 'trigram case_sensitive 1'
    );

    CREATE TABLE calls (
        id INTEGER PRIMARY KEY,             -- rowid; also the rowid of calls_fts
        call_id TEXT NOT NULL UNIQUE,
        started_at TEXT NOT NULL,           -- ISO, exactly as given (round-trips tz or naive)
        started_us INTEGER NOT NULL,        -- UTC microseconds since the epoch, for order/filter
        caller TEXT NOT NULL,
        destination TEXT NOT NULL,
        direction TEXT NOT NULL,
        disposition TEXT NOT NULL,
        duration INTEGER NOT NULL,
        billsec INTEGER NOT NULL,
        waittime INTEGER NOT NULL,
        employee_id INTEGER,
        employee_name TEXT NOT NULL,
        connected_with TEXT NOT NULL,
        department TEXT NOT NULL,
        utm_source TEXT NOT NULL,
        utm_medium TEXT NOT NULL,
        utm_campaign TEXT NOT NULL,
        utm_term TEXT NOT NULL,
        recording_url TEXT NOT NULL,
        call_card_url TEXT NOT NULL,
        client_key TEXT,                    -- phone.match_key(client_number)
        client_digits TEXT NOT NULL,        -- digits of the client number, E.164 and national
        is_missed INTEGER NOT NULL,
        handled INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX calls_by_time ON calls (started_us);
    CREATE INDEX calls_by_direction ON calls (direction, started_us);
    CREATE INDEX calls_missed ON calls (started_us) WHERE is_missed = 1;
    CREATE INDEX calls_unhandled_missed ON calls (started_us) WHERE is_missed = 1 AND handled = 0;
    CREATE INDEX calls_by_client ON calls (client_key, started_us);

    CREATE VIRTUAL TABLE calls_fts USING fts5 (digits, tokenize = 'trigram case_sensitive 1');
    """,
    # 2: after the call. Unlike the rest of the file, a note exists nowhere else until NetHunt
    # has it: each is kept here, keyed by call id, until it is written (exactly once).
    """
    CREATE TABLE call_notes (
        call_id TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        comment TEXT NOT NULL,              -- the whole comment as it is sent to NetHunt
        created_at TEXT NOT NULL,           -- ISO UTC, when the agent saved it
        client_number TEXT NOT NULL,        -- to find the contact once it exists
        record_id TEXT,                     -- the contact; NULL until one is known
        state TEXT NOT NULL,                -- pending | sending | saved
        comment_id TEXT NOT NULL DEFAULT '',
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '',
        saved_at TEXT
    ) WITHOUT ROWID;
    CREATE INDEX call_notes_unsaved ON call_notes (state) WHERE state != 'saved';

    -- Every call of the project the source reported (not only the agent's): the team inbox
    -- is derived from these (missed calls, and later call-backs to the same number by anyone).
    -- Clustered by number, then time: deriving the inbox is one sequential read.
    CREATE TABLE team_calls (
        client_key TEXT NOT NULL,           -- phone.match_key, or the digits when none
        started_us INTEGER NOT NULL,
        call_id TEXT NOT NULL UNIQUE,
        client_number TEXT NOT NULL,        -- E.164 when it is a valid number
        direction TEXT NOT NULL,
        missed INTEGER NOT NULL,
        answered INTEGER NOT NULL,
        in_progress INTEGER NOT NULL,
        employee TEXT NOT NULL,             -- who took or made it ('' when nobody)
        eligible INTEGER NOT NULL,          -- a missed call for this agent's inbox
        PRIMARY KEY (client_key, started_us, call_id)
    ) WITHOUT ROWID;
    CREATE INDEX team_calls_by_time ON team_calls (started_us);
    -- Only the calls the inbox derives from (missed ones for it, outgoing and callbacks), in
    -- the order it reads them, with what it reads: most project calls are not in it.
    CREATE INDEX team_calls_inbox ON team_calls
        (client_key, started_us, call_id, eligible, missed, answered, direction)
        WHERE (eligible = 1 AND missed = 1) OR direction != 'in';

    -- "Handled by hand": missed calls of this number up to ``until_us`` need no call-back.
    CREATE TABLE inbox_handled (
        client_key TEXT PRIMARY KEY,
        until_us INTEGER NOT NULL
    ) WITHOUT ROWID;

    -- AI summaries of calls (Ringostat's "call processed by AI"), per call and per client.
    CREATE TABLE call_summaries (
        key TEXT PRIMARY KEY,               -- the call id, or "comment:<id>" from NetHunt
        call_id TEXT NOT NULL,              -- '' when only the contact is known
        record_id TEXT NOT NULL,            -- '' when only the call is known
        client_key TEXT NOT NULL,
        text TEXT NOT NULL,
        created_us INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX call_summaries_by_client ON call_summaries (client_key, created_us);
    CREATE INDEX call_summaries_by_record ON call_summaries (record_id, created_us);
    CREATE INDEX call_summaries_by_call ON call_summaries (call_id);
    """,
)
SCHEMA_VERSION: Final = len(MIGRATIONS)


class StoreError(Exception):
    """The local cache cannot be used at all. The message is a sentence for the user."""


class _UnusableFileError(Exception):
    """Internal: this file cannot serve as our database; move it aside and start over."""


class Database:
    """One open SQLite cache. Create with :meth:`open` or :meth:`in_memory`."""

    def __init__(
        self,
        connection: sqlite3.Connection,
        path: Path | None,
        *,
        recovered_from: Path | None = None,
        recovery_message: str = "",
    ) -> None:
        self._connection = connection
        self.path = path
        # Where the unusable previous file went, and why (for a log line or a status message).
        self.recovered_from = recovered_from
        self.recovery_message = recovery_message

    # ---- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S) -> Database:
        """Open (creating if needed) the cache at ``path``; recover from a bad file.

        Raises :class:`StoreError` only when a brand-new file cannot be used either (no
        permission, disk full, SQLite too old).
        """
        _check_sqlite_version()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"Cannot create the cache folder {path.parent}: {error}") from error
        try:
            connection = _connect(path, busy_timeout_s)
            return cls(connection, path)
        except _UnusableFileError as problem:
            reason = str(problem)
        moved_to = _move_aside(path)
        message = (
            f"The local cache {path.name} could not be used ({reason}); it was moved to"
            f" {moved_to.name} and a fresh one is being built from Ringostat and NetHunt."
        )
        log.warning("%s", message)
        try:
            connection = _connect(path, busy_timeout_s)
        except _UnusableFileError as problem:
            raise StoreError(
                f"Cannot use the local cache {path}: {problem}. Check that the folder is"
                " writable and the disk is not full."
            ) from problem
        return cls(connection, path, recovered_from=moved_to, recovery_message=message)

    @classmethod
    def in_memory(cls) -> Database:
        """A private, empty database that lives as long as the object (for tests)."""
        _check_sqlite_version()
        try:
            connection = _connect(None, DEFAULT_BUSY_TIMEOUT_S)
        except _UnusableFileError as problem:
            raise StoreError(f"Cannot create an in-memory database: {problem}") from problem
        return cls(connection, None)

    # ---- use -------------------------------------------------------------------------------

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection, in autocommit mode: use :meth:`transaction` to group writes."""
        return self._connection

    @property
    def schema_version(self) -> int:
        return _user_version(self._connection)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``, rolled back on any exception. Not reentrant."""
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def get_meta(self, key: str) -> str | None:
        row = self._connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str | None) -> None:
        """Store ``value`` under ``key``; ``None`` removes the key."""
        if value is None:
            self._connection.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self._connection.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def refresh_statistics(self, *tables: str) -> None:
        """Re-ANALYZE ``tables`` (after bulk writes) so the planner picks the right index.

        Without statistics SQLite cannot tell that a text filter matches a few hundred calls
        while a direction filter matches half of them, and walks the wrong index (3× slower
        journal filters in benchmarks/bench_store.py). ``analysis_limit`` keeps this to tens
        of milliseconds even for 100,000 contacts.
        """
        for table in tables:
            if not table.isidentifier():
                raise ValueError(f"not a table name: {table!r}")
            self._connection.execute(f"ANALYZE {table}")

    def close(self) -> None:
        """Close the connection (idempotent). WAL is checkpointed by SQLite on last close."""
        # Recommended before closing: refreshes statistics that have gone stale, cheaply.
        # Failure (closed already, read-only) is fine: statistics are an optimisation only.
        with suppress(sqlite3.Error):
            self._connection.execute("PRAGMA optimize")
        self._connection.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# ---- helpers -------------------------------------------------------------------------------


def _check_sqlite_version() -> None:
    if sqlite3.sqlite_version_info < MIN_SQLITE_VERSION:
        wanted = ".".join(map(str, MIN_SQLITE_VERSION))
        raise StoreError(
            f"SQLite {sqlite3.sqlite_version} is too old: the contact search needs {wanted}"
            " or newer (FTS5 trigram index)."
        )


def _user_version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def _make_owner_only(path: Path) -> None:
    """Create the file 0600 (or close an older, more open one) before SQLite opens it.

    It holds customers' names and numbers. SQLite gives its -wal and -shm files the mode of
    the database file, so this covers all three.
    """
    if os.name == "nt":
        return  # the cache folder's ACL makes it private there
    try:
        os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
    except OSError:
        pass  # unusable files are reported by the connection that follows


def _connect(path: Path | None, busy_timeout_s: float) -> sqlite3.Connection:
    """Open, configure and migrate; raise _UnusableFileError if this file cannot be our database."""
    target = ":memory:" if path is None else str(path)
    if path is not None:
        _make_owner_only(path)
    try:
        # isolation_level=None: autocommit; transactions are explicit (Database.transaction).
        connection = sqlite3.connect(target, timeout=busy_timeout_s, isolation_level=None)
    except sqlite3.Error as error:
        raise _UnusableFileError(str(error)) from error
    try:
        _configure(connection, in_memory=path is None)
        _migrate(connection, MIGRATIONS)
    except (sqlite3.Error, _UnusableFileError) as error:
        connection.close()
        if isinstance(error, _UnusableFileError):
            raise
        raise _UnusableFileError(_describe(error)) from error
    return connection


def _describe(error: sqlite3.Error) -> str:
    text = str(error)
    if "not a database" in text:
        return "the file is not a database"
    if "malformed" in text or "corrupt" in text:
        return "the file is damaged"
    if "locked" in text or "busy" in text:
        return "the file is locked by another program"
    return text


def _configure(connection: sqlite3.Connection, *, in_memory: bool) -> None:
    # Reading user_version touches the header first: a non-database fails here, clearly.
    _user_version(connection)
    if not in_memory:
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise _UnusableFileError(f"cannot switch the file to WAL mode (got {mode})")
    # NORMAL is durable enough in WAL mode for a cache (a power cut loses at most the last
    # commits, never consistency), and much faster than FULL for bulk syncs.
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA temp_store = MEMORY")
    connection.execute("PRAGMA analysis_limit = 1000")  # approximate ANALYZE, fast
    connection.execute("PRAGMA cache_size = -32000")  # 32 MB: the whole hot set of 100k contacts


def _migrate(connection: sqlite3.Connection, migrations: Sequence[str]) -> None:
    """Apply the migrations the file has not seen yet, each atomically with its version."""
    version = _user_version(connection)
    if version > len(migrations):
        raise _UnusableFileError(
            f"it was written by a newer version of the app (schema {version},"
            f" this version knows {len(migrations)})"
        )
    for number, script in enumerate(migrations[version:], start=version + 1):
        # executescript() runs statements outside the sqlite3 module's transaction handling,
        # so BEGIN/COMMIT are in the script: the schema and its version change together.
        try:
            connection.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number:d};\nCOMMIT;"
            )
        except sqlite3.Error:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise


def _move_aside(path: Path) -> Path:
    """Rename the bad file (and its WAL/shm companions) to ``<name>.corrupt-<timestamp>``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    try:
        path.replace(target)
    except FileNotFoundError:
        pass
    except OSError as error:  # e.g. Windows: another process still holds the file open
        raise StoreError(
            f"The local cache {path} is unusable and cannot be moved aside ({error})."
            " Close other copies of the app, or delete the file; it is rebuilt automatically."
        ) from error
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        try:
            companion.replace(target.with_name(target.name + suffix))
        except FileNotFoundError:
            pass
        except OSError as error:
            raise StoreError(
                f"Cannot move {companion} aside ({error}). Close other copies of the app."
            ) from error
    return target

