"""One local store per account and Contacts folder, and one for the demo (issue 13, item 2).

Before, every run shared ``cache/ringohunt.sqlite3``: after a demo the real app kept the 300
demo contacts, skipped its own sync for a day and mixed both journals.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ringohunt_desktop.config import Config, load_config
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.simulator import Simulator
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database
from tests.test_cli import run_cli

ACCOUNT = Config(ringostat_project_id="12345", nethunt_email="olena@example.ua",
                 agent="olena@example.ua", contacts_folder="Contacts")


@pytest.mark.parametrize("other", [
    ACCOUNT.with_values(contacts_folder="Партнери"),
    ACCOUNT.with_values(nethunt_email="petro@example.ua"),
    ACCOUNT.with_values(ringostat_project_id="777"),
    ACCOUNT.with_values(nethunt_url="http://127.0.0.1:8123/api/v1/zapier"),
    ACCOUNT.with_values(agent="petro@example.ua"),
])
def test_another_account_or_folder_has_another_store(tmp_path: Path, other: Config) -> None:
    paths = AppPaths.under(tmp_path)
    assert paths.database_file_for(other.store_key) != paths.database_file_for(
        ACCOUNT.store_key)


def test_the_same_account_keeps_its_store(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path)
    same = ACCOUNT.with_values(nethunt_email=" Olena@Example.UA ", language="uk")
    assert paths.database_file_for(same.store_key) == paths.database_file_for(ACCOUNT.store_key)


def test_the_demo_never_opens_a_real_accounts_store(tmp_path: Path) -> None:
    paths = AppPaths.under(tmp_path)
    demo_file = paths.for_demo().database_file_for(ACCOUNT.store_key)
    assert demo_file.name == "ringohunt-demo.sqlite3"
    assert demo_file != paths.database_file_for(ACCOUNT.store_key)


def test_contacts_of_one_store_do_not_show_in_another(tmp_path: Path) -> None:
    from ringohunt_desktop.domain import Contact

    paths = AppPaths.under(tmp_path).ensure()
    demo = Database.open(paths.for_demo().database_file_for(ACCOUNT.store_key))
    real = Database.open(paths.database_file_for(ACCOUNT.store_key))
    try:
        ContactStore(demo).upsert([Contact(record_id="demo-1", folder_id="f", name="Демо Клієнт",
                                           phones=("+380671234567",))])
        assert ContactStore(real).find_by_number("+380671234567", "UA") == []
    finally:
        demo.close()
        real.close()


@pytest.mark.slow
def test_the_demo_command_and_the_real_account_use_separate_files(
        sim: Simulator, basedir: Path) -> None:
    demo = run_cli(basedir, {}, "--demo", "contacts", "audit", "--sync")
    assert demo.returncode == 0, demo.stderr
    real = run_cli(basedir, sim.app_environment(), "contacts", "audit", "--sync")
    assert real.returncode == 0, real.stderr

    stores = sorted(p.name for p in (basedir / "cache").glob("*.sqlite3"))
    assert len(stores) == 2, stores
    assert "ringohunt-demo.sqlite3" in stores
    # The real account's file is its own, and stable across runs.
    config = load_config(AppPaths.under(basedir),
                         env={**sim.app_environment(), "RINGOHUNT_MACHINE_CONFIG": os.devnull})
    assert f"ringohunt-{config.store_key}.sqlite3" in stores
