"""The SQLite cache file: creation, WAL, migrations, meta, recovery from bad files."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from ringohunt_desktop.domain import Contact
from ringohunt_desktop.store import db as db_module
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import MIGRATIONS, SCHEMA_VERSION, Database, StoreError


def test_open_creates_folders_wal_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "cache.sqlite3"
    with Database.open(path) as database:
        assert path.exists()
        assert database.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
        mode = database.connection.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
        assert database.recovered_from is None
        assert database.recovery_message == ""


def test_meta_round_trip_and_persistence(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Database.open(path) as database:
        assert database.get_meta("contacts_synced_at") is None
        database.set_meta("contacts_synced_at", "2024-06-01T10:00:00+00:00")
        database.set_meta("contacts_synced_at", "2024-06-02T10:00:00+00:00")
        database.set_meta("gone", "x")
        database.set_meta("gone", None)
    with Database.open(path) as database:
        assert database.get_meta("contacts_synced_at") == "2024-06-02T10:00:00+00:00"
        assert database.get_meta("gone") is None


def test_reopening_keeps_data_and_runs_no_migration_twice(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Database.open(path) as database:
        ContactStore(database).upsert([Contact("r1", "f", "Олена", ("0671234567",))])
    for _ in range(3):
        with Database.open(path) as database:
            assert database.schema_version == SCHEMA_VERSION
            assert ContactStore(database).count() == 1
            db_module._migrate(database.connection, MIGRATIONS)  # again: a no-op
            assert database.schema_version == SCHEMA_VERSION


def test_migrations_apply_in_order_from_an_older_version() -> None:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    db_module._migrate(connection, MIGRATIONS[:1])
    extra = ("CREATE TABLE later (x INTEGER);", "ALTER TABLE later ADD COLUMN y TEXT;")
    db_module._migrate(connection, (*MIGRATIONS[:1], *extra))
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 3
    connection.execute("INSERT INTO later (x, y) VALUES (1, 'a')")
    db_module._migrate(connection, (*MIGRATIONS[:1], *extra))  # idempotent
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 3


def test_a_failing_migration_leaves_the_previous_version_intact() -> None:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    db_module._migrate(connection, MIGRATIONS[:1])
    broken = (*MIGRATIONS[:1], "CREATE TABLE half (x INTEGER); THIS IS NOT SQL;")
    with pytest.raises(sqlite3.Error):
        db_module._migrate(connection, broken)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 1
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "half" not in tables
    assert not connection.in_transaction


def _assert_fresh_after_recovery(path: Path, database: Database, original: bytes) -> None:
    assert database.recovered_from is not None
    assert database.recovered_from.name.startswith(f"{path.name}.corrupt-")
    assert database.recovered_from.read_bytes() == original
    assert path.name in database.recovery_message
    assert database.recovered_from.name in database.recovery_message
    assert ContactStore(database).count() == 0
    assert database.schema_version == SCHEMA_VERSION


@pytest.mark.usefixtures("expect_log_warnings")
def test_a_non_database_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    original = b"this is not a database, it is a shopping list\n" * 100
    path.write_bytes(original)
    with Database.open(path) as database:
        _assert_fresh_after_recovery(path, database, original)
        assert "not a database" in database.recovery_message


@pytest.mark.usefixtures("expect_log_warnings")
def test_a_corrupt_database_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Database.open(path) as database:
        ContactStore(database).upsert(
            Contact(f"r{i}", "f", f"Name {i}", (f"06712{i:05d}",)) for i in range(500)
        )
        database.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # smash the schema page behind the header
    path.write_bytes(bytes(data))
    with Database.open(path) as database:
        _assert_fresh_after_recovery(path, database, bytes(data))
        ContactStore(database).upsert([Contact("r1", "f", "Олена")])
        assert ContactStore(database).count() == 1


@pytest.mark.usefixtures("expect_log_warnings")
def test_a_database_from_a_newer_app_version_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with Database.open(path) as database:
        database.connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    with Database.open(path) as database:
        assert database.recovered_from is not None
        assert "newer version" in database.recovery_message
        assert database.schema_version == SCHEMA_VERSION


@pytest.mark.usefixtures("expect_log_warnings")
def test_a_locked_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    # Another program holds an exclusive lock on a file that never got our schema.
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA journal_mode = DELETE")
    holder.execute("CREATE TABLE foreign_data (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with Database.open(path, busy_timeout_s=0.05) as database:
            assert database.recovered_from is not None
            assert "locked" in database.recovery_message
            assert database.schema_version == SCHEMA_VERSION
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_an_unusable_location_raises_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(StoreError, match="cache folder"):
        Database.open(blocker / "cache.sqlite3")


@pytest.mark.usefixtures("expect_log_warnings")
def test_store_error_when_even_a_fresh_file_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"garbage" * 1000)

    def always_unusable(_path: Path | None, _timeout: float) -> sqlite3.Connection:
        raise db_module._UnusableFileError("the disk is full")

    monkeypatch.setattr(db_module, "_connect", always_unusable)
    with pytest.raises(StoreError, match="disk is full"):
        Database.open(path)


def test_transaction_rolls_back_on_error() -> None:
    database = Database.in_memory()

    def insert_then_fail() -> None:
        with database.transaction() as connection:
            connection.execute("INSERT INTO meta (key, value) VALUES ('a', 'b')")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        insert_then_fail()
    assert database.get_meta("a") is None


def test_connection_refuses_other_threads() -> None:
    database = Database.in_memory()
    errors: list[BaseException] = []

    def use() -> None:
        try:
            database.get_meta("x")
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=use)
    thread.start()
    thread.join()
    assert errors
    assert isinstance(errors[0], sqlite3.ProgrammingError)
