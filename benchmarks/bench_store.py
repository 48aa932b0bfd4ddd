"""Speed of the local store on realistic volumes: ``python -m benchmarks.bench_store``.

* contact search over 100,000 contacts vs a plain ``LIKE '%…%'`` scan of the same data;
* the call journal with 50,000 calls: opening (first page) and each filter.

Data is synthetic (Ukrainian and Latin names, Ukrainian mobile/landline numbers in the messy
formats CRMs hold), generated from a seed so runs are comparable. Prints JSON.
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from ringohunt_desktop.domain import CallRecord, Contact, Direction
from ringohunt_desktop.store.calls import CallStore
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database

_FIRST = (
    "Олена", "Андрій", "Марія", "Іван", "Наталія", "Олександр", "Ірина", "Сергій", "Тетяна",
    "Дмитро", "Юлія", "Богдан", "Оксана", "Василь", "Світлана", "Ivan", "Anna", "John",
    "Sarah", "Piotr", "Katarzyna", "Michael", "Olga", "Taras", "Ганна",
)
_LAST = (
    "Коваль", "Петренко", "Шевченко", "Бондаренко", "Ковальчук", "Мельник", "Савчук",
    "Ткаченко", "Кравченко", "Олійник", "Поліщук", "Лисенко", "Руденко", "Марченко",
    "Smith", "Kowalski", "Nowak", "Miller", "Brown", "Johnson", "Гончаренко", "Бойко",
    "Зінченко", "Мороз", "Литвиненко", "Савченко", "Іваненко", "Кузьменко",
)
_COMPANIES = ("ТОВ Ромашка", "ФОП", "Квіткова крамниця", "Petrenko & Sons", "Agro Trade", "")
_OPERATORS = ("67", "68", "96", "97", "98", "50", "66", "95", "99", "63", "73", "93", "44")


def _number(rng: random.Random) -> tuple[str, str]:
    """A random Ukrainian number: (E.164, the way some human typed it into the CRM)."""
    operator = rng.choice(_OPERATORS)
    rest = f"{rng.randrange(10_000_000):07d}"
    e164 = f"+380{operator}{rest}"
    national = f"0{operator}{rest}"
    style = rng.randrange(5)
    if style == 0:
        written = e164
    elif style == 1:
        written = e164[1:]
    elif style == 2:
        written = national
    elif style == 3:
        written = f"{national[:3]} {rest[:3]} {rest[3:5]} {rest[5:]}"
    else:
        written = f"+38 ({national[:3]}) {rest[:3]}-{rest[3:5]}-{rest[5:]}"
    return e164, written


def _contacts(n: int, rng: random.Random) -> Iterator[tuple[Contact, list[str]]]:
    """Contacts with their phones' E.164 forms (for picking realistic queries)."""
    for index in range(n):
        numbers = [_number(rng) for _ in range(1 if rng.random() < 0.7 else 2)]
        name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        contact = Contact(
            record_id=f"rec{index:07d}",
            folder_id="contacts",
            name=name,
            phones=tuple(written for _e164, written in numbers),
            company=rng.choice(_COMPANIES),
            fields={"Name": name, "Phone": [written for _e164, written in numbers]},
        )
        yield contact, [e164 for e164, _written in numbers]


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _time_ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def _queries(rng: random.Random, count: int, sample_numbers: list[str]) -> list[str]:
    """What agents type: name starts and fragments, number fragments in various formats."""
    queries: list[str] = []
    for index in range(count):
        kind = index % 8
        number = rng.choice(sample_numbers)
        national = "0" + number[4:]
        if kind == 0:
            queries.append(rng.choice(_LAST)[: rng.randint(3, 6)].lower())
        elif kind == 1:
            queries.append(rng.choice(_FIRST)[:2])
        elif kind == 2:
            queries.append(f"{rng.choice(_FIRST)} {rng.choice(_LAST)[:3]}".upper())
        elif kind == 3:
            queries.append(national[:6])  # 067123
        elif kind == 4:
            queries.append(number[-4:])  # last four digits
        elif kind == 5:
            queries.append(f"{national[-4:-2]}-{national[-2:]}")  # 45-67
        elif kind == 6:
            queries.append(number[:8])  # +3806712
        else:
            queries.append(f"{national[:3]} {national[3:6]} {national[6:8]} {national[8:]}")
    return queries


def _like_scan(db: Database, query: str, limit: int) -> list[Any]:
    """The naive baseline: one LIKE over every name, company and raw phone list."""
    pattern = f"%{query}%"
    return db.connection.execute(
        "SELECT record_id FROM contacts WHERE name LIKE ? OR company LIKE ?"
        " OR phones_json LIKE ? ORDER BY name LIMIT ?",
        (pattern, pattern, pattern, limit),
    ).fetchall()


def bench_contact_search(
    n: int = 100_000, queries: int = 200, seed: int = 20240601
) -> dict[str, Any]:
    """p50/p95 of ContactStore.search vs a LIKE scan over the same ``n`` contacts."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(Path(tmp) / "bench.sqlite3")
        store = ContactStore(db)
        numbers: list[str] = []

        def generate() -> Iterator[Contact]:
            for contact, e164s in _contacts(n, rng):
                numbers.extend(e164s)
                yield contact

        load_s = _time_ms(lambda: store.upsert(generate())) / 1000
        sample = _queries(rng, queries, rng.sample(numbers, min(len(numbers), queries)))
        for query in sample[:20]:  # warm the page cache, as a running app would be
            store.search(query)
        search_ms = [_time_ms(lambda q=query: store.search(q)) for query in sample]  # type: ignore[misc]
        hits = [len(store.search(query)) for query in sample]
        like_ms = [_time_ms(lambda q=query: _like_scan(db, q, 50)) for query in sample]  # type: ignore[misc]
        db.close()
    result = {
        "contacts": n,
        "queries": len(sample),
        "load_s": round(load_s, 2),
        "search_p50_ms": round(_percentile(search_ms, 0.50), 3),
        "search_p95_ms": round(_percentile(search_ms, 0.95), 3),
        "search_max_ms": round(max(search_ms), 3),
        "like_p50_ms": round(_percentile(like_ms, 0.50), 3),
        "like_p95_ms": round(_percentile(like_ms, 0.95), 3),
        "queries_with_hits": sum(1 for count in hits if count),
    }
    result["speedup_p50"] = round(statistics.median(like_ms) / statistics.median(search_ms), 1)
    result["speedup_p95"] = round(result["like_p95_ms"] / result["search_p95_ms"], 1)
    return result


def _calls(n: int, rng: random.Random, client_numbers: list[str]) -> Iterator[CallRecord]:
    start = datetime(2024, 1, 1, tzinfo=UTC)
    span_s = 180 * 24 * 3600
    for index in range(n):
        direction = rng.choice((Direction.INCOMING, Direction.INCOMING, Direction.OUTGOING))
        answered = rng.random() < 0.75
        client = rng.choice(client_numbers) if rng.random() < 0.8 else _number(rng)[0]
        client_digits = client.lstrip("+")
        billsec = rng.randint(5, 600) if answered else 0
        yield CallRecord(
            call_id=f"ua-{index:08d}",
            started_at=start + timedelta(seconds=rng.randrange(span_s)),
            caller=client_digits if direction is Direction.INCOMING else "101",
            destination="380441110000" if direction is Direction.INCOMING else client_digits,
            direction=direction,
            disposition="ANSWERED" if answered else "NO ANSWER",
            duration=billsec + rng.randint(0, 30),
            billsec=billsec,
            employee_name=rng.choice(("Петренко Олена", "Sarah Miller", "")),
        )


def bench_journal(n: int = 50_000, contacts: int = 20_000, seed: int = 20240601) -> dict[str, Any]:
    """Milliseconds to open the journal (first page) and to apply each filter, over ``n`` calls."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database.open(Path(tmp) / "bench.sqlite3")
        contact_store = ContactStore(db)
        numbers: list[str] = []
        people: list[Contact] = []

        def generate() -> Iterator[Contact]:
            for contact, e164s in _contacts(contacts, rng):
                numbers.extend(e164s)
                people.append(contact)
                yield contact

        contact_store.upsert(generate())
        calls = CallStore(db)
        load_s = _time_ms(lambda: calls.upsert(_calls(n, rng, numbers))) / 1000
        db.close()
        # Opening the journal = a cold start of the app: a new connection, then the first page.
        started = time.perf_counter()
        db = Database.open(Path(tmp) / "bench.sqlite3")
        calls = CallStore(db)
        first_page = calls.query(limit=1000)
        open_ms = (time.perf_counter() - started) * 1000
        someone = rng.choice(people)
        since = datetime(2024, 3, 1, tzinfo=UTC)
        filters: dict[str, Callable[[], object]] = {
            "all_first_page": lambda: calls.query(),
            "incoming": lambda: calls.query(direction=Direction.INCOMING),
            "outgoing": lambda: calls.query(direction=Direction.OUTGOING),
            "missed": lambda: calls.query(missed_only=True),
            "last_30_days": lambda: calls.query(since=since, until=since + timedelta(days=30)),
            "number_fragment_4": lambda: calls.query(text=numbers[7][-4:]),
            "number_fragment_067": lambda: calls.query(text="067"),
            "number_national": lambda: calls.query(text="0" + numbers[3][4:]),
            "name_full": lambda: calls.query(text=someone.name),
            "name_fragment_енко": lambda: calls.query(text="енко"),
            "name_2_chars": lambda: calls.query(text="ол"),
            "missed_incoming_text": lambda: calls.query(
                direction=Direction.INCOMING, missed_only=True, text="коваль"
            ),
            "unhandled_missed_count": calls.unhandled_missed_count,
        }
        per_filter: dict[str, float] = {}
        for name, action in filters.items():
            action()  # warm
            per_filter[name] = round(
                statistics.median(_time_ms(action) for _ in range(5)), 3
            )
        db.close()
    return {
        "calls": n,
        "contacts": contacts,
        "load_s": round(load_s, 2),
        "open_first_page_ms": round(open_ms, 2),
        "first_page_rows": len(first_page),
        "filter_ms": per_filter,
        "filter_max_ms": max(per_filter.values()),
    }


def main() -> None:
    print(
        json.dumps(
            {"contact_search": bench_contact_search(), "journal": bench_journal()},
            ensure_ascii=False,
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
