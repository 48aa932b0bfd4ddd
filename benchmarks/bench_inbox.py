"""Speed of the team's missed-call inbox (issue 14): ``python -m benchmarks.bench_inbox``.

5,000 missed calls of the project in the inbox's window (several per number for some
clients, a fifth already called back by a colleague, some handled by hand), among 20,000
other project calls, with 5,000 contacts for the names. *Open* is what showing the window
costs: a new connection, the inbox derived from the calls, the contact names, the table
filled, laid out and painted (offscreen); the median of :data:`OPENS` opens, each with a cold
connection and a new window, so that one scheduler hiccup on a shared machine is not the
figure. The slowest is reported too, and the CPU time an open took: on a machine shared with
other work the wall-clock time grows with their load, the CPU time does not. Qt's one-time
start of its widgets (the font database, the style) is paid before, as in the app, whose tray
menu has long been shown by then. *Refresh* is what each poll that brings a new call costs
while the window is open: the call recorded, the inbox derived again, the table refilled.
Prints JSON.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.bench_store import _contacts, _percentile
from ringohunt_desktop.domain import CallRecord, Direction
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database
from ringohunt_desktop.store.team import TeamCallStore

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
OPENS = 5
COLLEAGUES = ("Коваленко Андрій", "Sarah Miller", "Шевчук Ірина")


def _calls(missed: int, others: int, numbers: list[str],
           rng: random.Random) -> Iterator[CallRecord]:
    window = timedelta(days=6).total_seconds()
    for index in range(missed):
        number = rng.choice(numbers[: max(1, missed * 2 // 3)])  # some numbers call again
        started = NOW - timedelta(seconds=rng.uniform(0, window))
        yield CallRecord(f"m{index}", started, number, "0443334455", Direction.INCOMING,
                         "NO ANSWER")
        if rng.random() < 0.2:
            yield CallRecord(f"b{index}", started + timedelta(minutes=rng.uniform(1, 90)), "101",
                             number, Direction.OUTGOING,
                             "ANSWERED" if rng.random() < 0.7 else "NO ANSWER",
                             billsec=30, employee_name=rng.choice(COLLEAGUES))
    for index in range(others):
        started = NOW - timedelta(seconds=rng.uniform(0, window))
        yield CallRecord(f"o{index}", started, rng.choice(numbers), "0443334455",
                         Direction.INCOMING, "ANSWERED", billsec=60,
                         employee_name=rng.choice(COLLEAGUES))


def bench_inbox(missed: int = 5_000, others: int = 20_000, contacts: int = 5_000,
                refreshes: int = 20, seed: int = 20261207) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QTableView

    from ringohunt_desktop.ui.inbox import InboxWindow

    app = QApplication.instance() or QApplication([])
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        database = Database.open(path)
        people = list(_contacts(contacts, rng))
        ContactStore(database).upsert(contact for contact, _e164s in people)
        numbers = [e164s[0] for _contact, e164s in people]
        TeamCallStore(database, now=lambda: NOW).record(
            list(_calls(missed, others, numbers, rng)), lambda _call: True)
        database.close()

        warm_up = QTableView()  # Qt's first widget: fonts, style (not the inbox's cost)
        warm_up.show()
        app.processEvents()
        warm_up.close()
        opens: list[float] = []
        open_cpu: list[float] = []  # this process's CPU time: what the load of others hides
        for _ in range(OPENS):
            database = Database.open(path)  # cold, as after a restart
            store = TeamCallStore(database, now=lambda: NOW)
            started, cpu_started = time.perf_counter(), time.process_time()
            window = InboxWindow(store, now=lambda: NOW)
            window.show()  # refreshes
            app.processEvents()
            opens.append((time.perf_counter() - started) * 1000)
            open_cpu.append((time.process_time() - cpu_started) * 1000)
            window.close()
            window.deleteLater()
            app.processEvents()
            database.close()
        database = Database.open(path)
        store = TeamCallStore(database, now=lambda: NOW)
        window = InboxWindow(store, now=lambda: NOW)
        window.show()
        app.processEvents()
        rows = window.model.rowCount()
        samples = []
        for index in range(refreshes):
            new_call = CallRecord(f"new{index}", NOW - timedelta(seconds=index),
                                  rng.choice(numbers), "0443334455", Direction.INCOMING,
                                  "NO ANSWER")
            started = time.perf_counter()
            store.record([new_call], lambda _call: True)
            window.refresh()
            app.processEvents()
            samples.append((time.perf_counter() - started) * 1000)
        window.close()
        window.deleteLater()
        app.processEvents()
        database.close()
    return {
        "missed_calls": missed, "other_calls": others, "contacts": contacts, "rows": rows,
        "open_ms": round(statistics.median(opens), 1),
        "open_max_ms": round(max(opens), 1),
        "open_cpu_ms": round(statistics.median(open_cpu), 1),
        "refresh_median_ms": round(statistics.median(samples), 1),
        "refresh_p95_ms": round(_percentile(samples, 0.95), 1),
    }


if __name__ == "__main__":
    print(json.dumps(bench_inbox(), ensure_ascii=False, indent=2))
