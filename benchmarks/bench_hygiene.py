"""Speed of the phone-number audit (issue 15): ``python -m benchmarks.bench_hygiene``.

100,000 contacts in the local index, with the messes a real folder holds (national forms,
decorated numbers, junk, shared lines, contacts without phone), audited from the index the way
``contacts audit`` and the window do. The first audit after opening the file is the figure
(cold: a fresh connection), then the median of a few more. Prints JSON.
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.bench_store import _contacts
from ringohunt_desktop.core.hygiene import audit_store
from ringohunt_desktop.domain import Contact
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database

_JUNK = ("n/a", "нема", "101", "ivan@example.com", "+38 (050) 12", "044 222 33 44 доб. 5")


def _messy(n: int, rng: random.Random) -> Iterator[Contact]:
    switchboard = "+380442000000"
    for contact, _e164s in _contacts(n, rng):
        roll = rng.random()
        if roll < 0.03:
            phones: tuple[str, ...] = ()
        elif roll < 0.06:
            phones = (*contact.phones, rng.choice(_JUNK))
        elif roll < 0.07:
            phones = (switchboard,)
        else:
            phones = contact.phones
        yield Contact(record_id=contact.record_id, folder_id=contact.folder_id,
                      name=contact.name, phones=phones, company=contact.company,
                      fields={"Name": contact.name, "Phone": list(phones)})


def bench_audit(n: int = 100_000, repeats: int = 3, seed: int = 20261207) -> dict[str, Any]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        database = Database.open(path)
        ContactStore(database).upsert(_messy(n, rng))
        database.close()
        database = Database.open(path)  # cold: a new connection, as the CLI and window have
        started = time.perf_counter()
        report = audit_store(database)
        first_s = time.perf_counter() - started
        again = []
        for _ in range(repeats):
            started = time.perf_counter()
            audit_store(database)
            again.append(time.perf_counter() - started)
        database.close()
    return {
        "contacts": n,
        "audit_first_s": round(first_s, 3),
        "audit_median_s": round(statistics.median(again), 3),
        "summary": report.summary(),
    }


if __name__ == "__main__":
    print(json.dumps(bench_audit(), ensure_ascii=False, indent=2))
