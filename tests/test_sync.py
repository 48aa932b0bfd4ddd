"""Contact sync against the simulator: complete past the feed cap, incremental, pruning."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import pytest

from ringohunt_desktop.clients.http import RetryPolicy
from ringohunt_desktop.clients.nethunt import NetHuntClient
from ringohunt_desktop.core.lookup import CallerLookup, FieldMap
from ringohunt_desktop.core.sync import ContactSync
from ringohunt_desktop.domain import Contact
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.simulator import SimOptions, Simulator
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database

T = TypeVar("T")
FEED_CAP = 120


@pytest.fixture
def sim_options() -> SimOptions:
    # More contacts than one feed answer can hold: the sync must still get every one.
    return SimOptions(contacts=500, deals=20, calls_history_days=1, calls_per_day=2,
                      feed_cap=FEED_CAP)


def contacts_in_sim(sim: Simulator) -> dict[str, dict[str, Any]]:
    return {r["recordId"]: r for r in sim.service_data("nethunt").records_in("Contacts")}


def run_sync(sim: Simulator, body: Callable[[ContactSync, ContactStore, NetHuntClient],
                                            Coroutine[Any, Any, T]],
             database_file: Path | None = None) -> T:
    async def scenario() -> T:
        creds = sim.credentials
        async with NetHuntClient(sim.nethunt_url, creds.nethunt_email,
                                 Secret(creds.nethunt_api_key),
                                 retry=RetryPolicy(base_delay=0.01)) as nethunt:
            database = (Database.open(database_file) if database_file is not None
                        else Database.in_memory())
            store = ContactStore(database)
            folder_id = sim.service_data("nethunt").folder_id("Contacts")
            lookup = CallerLookup(nethunt, folder_id, fields=FieldMap(), store=store)
            sync = ContactSync(nethunt, folder_id, store, database, lookup.to_contact,
                               feed_cap=FEED_CAP, batch_size=50)
            try:
                return await body(sync, store, nethunt)
            finally:
                await sync.aclose()
                database.close()

    return asyncio.run(scenario())


@pytest.mark.parametrize("on_disk", [False, True], ids=["in-memory", "file+writer-thread"])
def test_first_sync_gets_every_contact_of_a_folder_larger_than_the_feed_cap(
        sim: Simulator, tmp_path: Path, on_disk: bool) -> None:
    expected = {rid for rid, r in contacts_in_sim(sim).items() if r["fields"].get("Phone")}
    assert len(expected) > FEED_CAP
    progress: list[tuple[int, int | None]] = []

    async def body(sync: ContactSync, store: ContactStore, _nethunt: NetHuntClient) -> None:
        report = await sync.full(lambda done, total: progress.append((done, total)))
        assert report.enumerated
        assert store.record_ids() >= expected
        assert store.record_ids() <= set(contacts_in_sim(sim))  # Contacts only, never Deals
        assert sync.has_synced

    run_sync(sim, body, tmp_path / "index.sqlite3" if on_disk else None)
    assert progress[-1][0] >= len(expected)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)


def test_incremental_sync_picks_up_new_and_changed_contacts(sim: Simulator) -> None:
    async def body(sync: ContactSync, store: ContactStore, nethunt: NetHuntClient) -> None:
        await sync.full()
        folder_id = sim.service_data("nethunt").folder_id("Contacts")
        created = await nethunt.create_record(folder_id, {"Name": "Свіжий Контакт",
                                                          "Phone": ["+380501230001"]},
                                              "Europe/Kyiv")
        some_id = next(iter(store.record_ids() - {created.record_id}))
        await nethunt.update_record(some_id, {"Name": {"overwrite": True, "add": "Нове Ім'я"}})
        report = await sync.incremental()
        assert report.stored >= 2
        new = store.get(created.record_id)
        assert isinstance(new, Contact)
        assert new.name == "Свіжий Контакт"
        assert [c.name for c in store.find_by_number("0501230001")] == ["Свіжий Контакт"]
        changed = store.get(some_id)
        assert changed is not None
        assert changed.name == "Нове Ім'я"

    run_sync(sim, body)


@pytest.mark.parametrize("sim_options", [SimOptions(contacts=60, deals=5, calls_history_days=1,
                                                    calls_per_day=2)])
def test_a_complete_listing_removes_contacts_gone_from_nethunt(sim: Simulator) -> None:
    async def body(sync: ContactSync, store: ContactStore, _nethunt: NetHuntClient) -> None:
        store.upsert([Contact(record_id="ffffffffffffffffffffffff", folder_id="x",
                              name="Видалений", phones=("+380501234000",))])
        report = await sync.full()
        assert not report.enumerated
        assert report.deleted == 1
        assert store.get("ffffffffffffffffffffffff") is None
        assert store.record_ids() == set(contacts_in_sim(sim))

    run_sync(sim, body)
