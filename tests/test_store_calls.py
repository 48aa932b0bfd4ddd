"""The call journal: merge by call id, no regress, offline merge, filters, contact names."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest

from ringohunt_desktop.domain import CallRecord, Contact, Direction
from ringohunt_desktop.store.calls import CallStore, JournalRow, merge_call
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database

T0 = datetime(2024, 6, 1, 9, 0, tzinfo=UTC)


def _call(
    call_id: str,
    minutes: int = 0,
    *,
    client: str = "380671234567",
    direction: Direction = Direction.INCOMING,
    disposition: str = "ANSWERED",
    billsec: int = 30,
    **extra: object,
) -> CallRecord:
    outgoing = direction is Direction.OUTGOING
    return CallRecord(
        call_id=call_id,
        started_at=T0 + timedelta(minutes=minutes),
        caller="101" if outgoing else client,
        destination=client if outgoing else "380441110000",
        direction=direction,
        disposition=disposition,
        duration=billsec + 5,
        billsec=billsec,
        **extra,  # type: ignore[arg-type]
    )


def _missed(call_id: str, minutes: int = 0, client: str = "380671234567") -> CallRecord:
    return _call(call_id, minutes, client=client, disposition="NO ANSWER", billsec=0)


@pytest.fixture
def database() -> Database:
    database = Database.in_memory()
    ContactStore(database).upsert(
        [
            Contact("olena", "f", "Олена Коваль", ("+380671234567",)),
            Contact("andrii", "f", "Андрій Мельник", ("+380442223344",), company="ТОВ Ромашка"),
            Contact("maria", "f", "Марія Савчук", ("044 222 33 44",), company="ТОВ Ромашка"),
            Contact("jan", "f", "Jan Kowalski", ("+48 22 123 45 67",)),
        ]
    )
    return database


@pytest.fixture
def calls(database: Database) -> CallStore:
    return CallStore(database)


def test_round_trip_and_count(calls: CallStore) -> None:
    call = _call("c1", employee_id=4321, employee_name="Петренко Олена", utm_source="google",
                 recording_url="https://rec/1.ogg")
    assert calls.upsert([call]) == [call]
    assert calls.get("c1") == call
    assert calls.get("nope") is None
    assert calls.count() == 1


def test_upsert_returns_only_new_or_changed(calls: CallStore) -> None:
    first = _call("c1")
    assert calls.upsert([first, _call("c2", 1)]) == [first, _call("c2", 1)]
    assert calls.upsert([first]) == []
    longer = dataclasses.replace(first, billsec=99)
    assert calls.upsert([longer]) == [longer]
    assert calls.get("c1") == longer


def test_final_state_never_regresses_to_in_progress(calls: CallStore) -> None:
    ringing = _call("c1", disposition="RINGING", billsec=0)
    answered = _call("c1", disposition="ANSWERED", billsec=40)
    assert calls.upsert([ringing]) == [ringing]
    assert calls.upsert([answered]) == [answered]
    assert calls.upsert([ringing]) == []  # a late webhook
    assert calls.get("c1") == answered
    # In one batch too, in the wrong order.
    assert calls.upsert([_call("c2", disposition="ANSWERED"), _call("c2", disposition="CALLING",
                                                                    billsec=0)])[0].disposition \
        == "ANSWERED"
    stored = calls.get("c2")
    assert stored is not None
    assert stored.disposition == "ANSWERED"


def test_later_reports_do_not_erase_known_fields() -> None:
    full = _call("c1", employee_id=7, employee_name="Sarah", recording_url="https://rec/1")
    sparse = dataclasses.replace(full, recording_url="", employee_id=None, employee_name="",
                                 billsec=45)
    merged = merge_call(full, sparse)
    assert merged.recording_url == "https://rec/1"
    assert merged.employee_id == 7
    assert merged.employee_name == "Sarah"
    assert merged.billsec == 45


def test_offline_merge_has_no_duplicates_and_loses_nothing(calls: CallStore) -> None:
    before = [_call(f"c{i}", i) for i in range(10)]
    calls.upsert(before)
    # Back online: the catch-up poll overlaps what we had and adds what we missed.
    catch_up = [_call(f"c{i}", i) for i in range(5, 20)]
    new = calls.upsert(catch_up)
    assert [call.call_id for call in new] == [f"c{i}" for i in range(10, 20)]
    assert calls.count() == 20
    assert {row.call.call_id for row in calls.query()} == {f"c{i}" for i in range(20)}
    assert calls.upsert(before + catch_up) == []
    assert calls.count() == 20


def test_handled_mark_survives_reimport(calls: CallStore) -> None:
    calls.upsert([_missed("m1"), _missed("m2", 1), _call("a1", 2)])
    assert calls.unhandled_missed_count() == 2
    assert calls.mark_handled("m1")
    assert not calls.mark_handled("nope")
    assert calls.unhandled_missed_count() == 1
    calls.upsert([dataclasses.replace(_missed("m1"), waittime=12)])
    assert calls.is_handled("m1")
    assert calls.unhandled_missed_count() == 1
    rows = {row.call.call_id: row for row in calls.query()}
    assert rows["m1"].handled
    assert not rows["m2"].handled


def test_latest_started_at(calls: CallStore) -> None:
    assert calls.latest_started_at() is None
    kyiv = timezone(timedelta(hours=3))
    late = dataclasses.replace(_call("c2"), started_at=datetime(2024, 6, 1, 14, 0, tzinfo=kyiv))
    calls.upsert([_call("c1", 120), late])  # c1 11:00 UTC; "late" 14:00+03:00 = 11:00 UTC too
    assert calls.latest_started_at() == T0 + timedelta(minutes=120)
    calls.upsert([_call("c3", 121)])
    assert calls.latest_started_at() == T0 + timedelta(minutes=121)


def test_query_newest_first_with_contact_names(calls: CallStore) -> None:
    calls.upsert(
        [
            _call("olena", 1),
            _call("shared", 2, client="380442223344"),
            _call("unknown", 3, client="380960001122"),
            _call("foreign", 4, client="48221234567"),
            _call("out", 5, client="0671234567", direction=Direction.OUTGOING),
        ]
    )
    rows = calls.query()
    assert [row.call.call_id for row in rows] == ["out", "foreign", "unknown", "shared", "olena"]
    names = {row.call.call_id: row.contact_name for row in rows}
    assert names == {
        "out": "Олена Коваль",
        "foreign": "Jan Kowalski",
        "unknown": "",
        "shared": "Андрій Мельник, Марія Савчук",
        "olena": "Олена Коваль",
    }
    assert all(isinstance(row, JournalRow) for row in rows)


def test_contact_names_follow_contact_changes(database: Database, calls: CallStore) -> None:
    calls.upsert([_call("c1", client="380960001122")])
    assert calls.query()[0].contact_name == ""
    ContactStore(database).upsert([Contact("new", "f", "Новий Клієнт", ("0960001122",))])
    assert calls.query()[0].contact_name == "Новий Клієнт"


@pytest.fixture
def journal(calls: CallStore) -> CallStore:
    calls.upsert(
        [
            _call("in-olena", 0),
            _missed("missed-olena", 10),
            _missed("missed-shared", 20, client="380442223344"),
            _call("out-jan", 30, client="48221234567", direction=Direction.OUTGOING),
            _call("in-unknown", 40, client="380960001122"),
            _call("callback", 50, client="380442223344", direction=Direction.CALLBACK,
                  disposition="NO ANSWER", billsec=0),
        ]
    )
    return calls


def _ids(rows: list[JournalRow]) -> list[str]:
    return [row.call.call_id for row in rows]


def test_filters(journal: CallStore) -> None:
    assert _ids(journal.query(direction=Direction.OUTGOING)) == ["out-jan"]
    assert _ids(journal.query(direction=Direction.INCOMING)) == [
        "in-unknown", "missed-shared", "missed-olena", "in-olena",
    ]
    assert _ids(journal.query(missed_only=True)) == ["callback", "missed-shared", "missed-olena"]
    assert _ids(journal.query(since=T0 + timedelta(minutes=20),
                              until=T0 + timedelta(minutes=40))) == ["out-jan", "missed-shared"]
    assert _ids(journal.query(limit=2)) == ["callback", "in-unknown"]
    assert _ids(journal.query(direction=Direction.INCOMING, missed_only=True,
                              since=T0 + timedelta(minutes=15))) == ["missed-shared"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("олена", ["missed-olena", "in-olena"]),
        ("КОВАЛЬ", ["missed-olena", "in-olena"]),
        ("ромашка", ["callback", "missed-shared"]),  # company
        ("марія", ["callback", "missed-shared"]),
        ("ол", ["missed-olena", "in-olena"]),  # word start
        ("jan", ["out-jan"]),
        ("4567", ["out-jan", "missed-olena", "in-olena"]),  # +48 22 123 45 67 too
        ("671234", ["missed-olena", "in-olena"]),
        ("067 123", ["missed-olena", "in-olena"]),
        ("+38067", ["missed-olena", "in-olena"]),
        ("0442223344", ["callback", "missed-shared"]),
        ("22-33-44", ["callback", "missed-shared"]),
        ("48 22", ["out-jan"]),
        ("0960001122", ["in-unknown"]),
        ("96", ["in-unknown"]),
        ("nobody", []),
        ("  ", ["callback", "in-unknown", "out-jan", "missed-shared", "missed-olena", "in-olena"]),
    ],
)
def test_text_filter(journal: CallStore, text: str, expected: list[str]) -> None:
    assert _ids(journal.query(text=text)) == expected


def test_text_filter_combined(journal: CallStore) -> None:
    assert _ids(journal.query(text="олена", missed_only=True)) == ["missed-olena"]


def test_text_filter_unselective_path(monkeypatch: pytest.MonkeyPatch, calls: CallStore) -> None:
    from ringohunt_desktop.store import calls as calls_module

    calls.upsert(_call(f"c{i:03d}", i, client=f"38067{i:07d}") for i in range(100))
    expected = _ids(calls.query(text="067"))
    assert len(expected) == 100
    monkeypatch.setattr(calls_module, "SELECTIVE_HITS", 3)
    assert _ids(calls.query(text="067")) == expected
    assert _ids(calls.query(text="0000005")) == ["c005"]


@pytest.mark.parametrize("fragment", ["енко", "ко", "Ромашка", "ЕНКО"])
def test_name_filter_gives_the_same_rows_on_the_many_contacts_path(
        monkeypatch: pytest.MonkeyPatch, database: Database, calls: CallStore,
        fragment: str) -> None:
    from ringohunt_desktop.store import calls as calls_module

    surnames = ["Петренко", "Коваленко", "Шевчук", "Мельник", "Бондаренко"]
    ContactStore(database).upsert(
        Contact(record_id=f"r{i:03d}", folder_id="f", name=f"Олена {surnames[i % 5]}",
                phones=(f"+38067{i:07d}",), company="ТОВ Ромашка" if i % 7 == 0 else "")
        for i in range(60))
    calls.upsert(_call(f"c{i:03d}", i, client=f"38067{i % 80:07d}") for i in range(160))
    few_contacts_path = _ids(calls.query(text=fragment))
    assert few_contacts_path  # the data has matches for every fragment
    monkeypatch.setattr(calls_module, "SELECTIVE_HITS", 3)  # now "many contacts" match
    assert _ids(calls.query(text=fragment)) == few_contacts_path
    assert _ids(calls.query(text=fragment, limit=5)) == few_contacts_path[:5]


def test_naive_and_aware_times_order_consistently(calls: CallStore) -> None:
    naive = dataclasses.replace(_call("naive"), started_at=datetime(2024, 6, 1, 10, 0))
    aware = dataclasses.replace(_call("aware"), started_at=datetime(2024, 6, 1, 9, 30, tzinfo=UTC))
    calls.upsert([naive, aware])
    assert _ids(calls.query()) == ["naive", "aware"]
    assert calls.get("naive") == naive


def test_a_later_report_never_moves_the_start_later() -> None:
    # A webhook-born row starts when its first event arrived; the call-end event arrives
    # minutes later and must not move the call down the journal.
    first = _call("c1")
    later = dataclasses.replace(first, disposition="ANSWERED", billsec=30,
                                started_at=first.started_at + timedelta(minutes=3))
    assert merge_call(first, later).started_at == first.started_at
    earlier = dataclasses.replace(first, started_at=first.started_at - timedelta(seconds=5))
    assert merge_call(first, earlier).started_at == earlier.started_at
