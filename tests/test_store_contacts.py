"""The local contacts: round-trip, lookup by number, search by name and number fragments."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ringohunt_desktop.domain import Contact
from ringohunt_desktop.phone import digits_only, to_e164
from ringohunt_desktop.simulator.people import (
    KNOWN_CONTACTS,
    UNKNOWN_NUMBER,
    KnownContact,
    known,
)
from ringohunt_desktop.store.contacts import ContactStore
from ringohunt_desktop.store.db import Database


def _contact(key: str) -> Contact:
    person = known(key)
    return Contact(
        record_id=f"rec-{person.key}",
        folder_id=person.folder,
        name=person.name,
        phones=person.phones,
        company=person.company,
        manager=person.manager_email,
        emails=(f"{person.key}@example.com",),
        link=f"https://nethunt.example/{person.key}",
        created_at=datetime(2024, 3, 1, 9, 15, tzinfo=UTC),
        updated_at=datetime(2024, 3, 2, 11, 0, tzinfo=UTC),
        fields={"Name": person.name, "Phone": list(person.phones), "Stage": "Lead"},
    )


@pytest.fixture
def store() -> ContactStore:
    contacts = ContactStore(Database.in_memory())
    contacts.upsert(_contact(person.key) for person in KNOWN_CONTACTS)
    return contacts


def _names(contacts: list[Contact]) -> list[str]:
    return [contact.name for contact in contacts]


def test_contacts_round_trip(store: ContactStore) -> None:
    original = _contact("ivan_petrenko")
    stored = store.get(original.record_id)
    assert stored == original
    assert stored is not None
    assert dict(stored.fields) == dict(original.fields)
    assert store.get("nope") is None
    assert store.count() == len(KNOWN_CONTACTS)
    assert store.record_ids() == {f"rec-{person.key}" for person in KNOWN_CONTACTS}


def test_upsert_counts_only_new_or_changed(store: ContactStore) -> None:
    assert store.upsert(_contact(person.key) for person in KNOWN_CONTACTS) == 0
    renamed = Contact("rec-olena_koval", "Contacts", "Олена Коваль-Шевчук", ("+380671234567",))
    new = Contact("rec-new", "Contacts", "Новий Клієнт", ("0501234567",))
    assert store.upsert([renamed, new]) == 2
    assert store.count() == len(KNOWN_CONTACTS) + 1
    assert _names(store.search("шевчук")) == ["Олена Коваль-Шевчук"]
    assert _names(store.find_by_number("0671234567")) == ["Олена Коваль-Шевчук"]


def test_changing_phones_reindexes_them(store: ContactStore) -> None:
    moved = _contact("natalia_bondar")
    moved = Contact(moved.record_id, moved.folder_id, moved.name, ("0977776655",))
    store.upsert([moved])
    assert store.find_by_number("+380635551234") == []
    assert _names(store.find_by_number("097 777 66 55")) == ["Наталія Бондар"]
    assert store.search("5551234") == []
    assert _names(store.search("77766")) == ["Наталія Бондар"]


def test_delete(store: ContactStore) -> None:
    assert store.delete(["rec-warsaw", "rec-nope"]) == 1
    assert store.get("rec-warsaw") is None
    assert store.find_by_number("+48221234567") == []
    assert store.search("kowalski") == []
    assert store.count() == len(KNOWN_CONTACTS) - 1


@pytest.mark.parametrize("person", KNOWN_CONTACTS, ids=lambda person: person.key)
def test_find_by_number_in_every_format(store: ContactStore, person: KnownContact) -> None:
    for raw in person.phones:
        e164 = to_e164(raw)
        national = "0" + e164[4:] if e164.startswith("+380") else e164
        for form in (raw, e164, e164[1:], national, f"{national[:3]} {national[3:]}"):
            found = store.find_by_number(form)
            assert f"rec-{person.key}" in [c.record_id for c in found], form


def test_find_by_number_shared_number_returns_both(store: ContactStore) -> None:
    found = store.find_by_number("380442223344")
    assert _names(found) == ["Андрій Мельник (ТОВ Ромашка)", "Марія Савчук (ТОВ Ромашка)"]


def test_find_by_number_unknown_or_garbage(store: ContactStore) -> None:
    assert store.find_by_number(UNKNOWN_NUMBER) == []
    assert store.find_by_number("not a number") == []
    assert store.find_by_number("") == []


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("олена", "Олена Коваль"),
        ("ОЛЕНА", "Олена Коваль"),
        ("Коваль", "Олена Коваль"),
        ("коВАЛЬ", "Олена Коваль"),
        ("ivan", "Ivan Petrenko"),
        ("PETRENKO", "Ivan Petrenko"),
        ("etrenk", "Ivan Petrenko"),
        ("наталія", "Наталія Бондар"),
        ("НАТАЛІЯ БОНД", "Наталія Бондар"),
        ("jan kow", "Jan Kowalski"),
        ("sp. z o.o", "Jan Kowalski"),  # company
        ("квіткова", "Олена Коваль"),  # company
        ("<b>bold", "<b>Bold</b> <img src=x onerror=alert(1)> Тест"),
        ("ко", "Олена Коваль"),  # two letters: start of any word
        ("J", "Jan Kowalski"),  # one letter: start of the name
    ],
)
def test_search_by_name_and_company(store: ContactStore, query: str, expected_first: str) -> None:
    assert _names(store.search(query))[:1] == [expected_first]


def test_search_short_queries_match_word_starts_only(store: ContactStore) -> None:
    assert "Олена Коваль" not in _names(store.search("ле"))
    assert "Олена Коваль" not in _names(store.search("л"))  # one letter: name start only


def test_search_with_apostrophes_and_odd_spaces() -> None:
    store = ContactStore(Database.in_memory())
    store.upsert([Contact("r1", "f", "Мар’яна  Дем'янчук")])
    assert _names(store.search("мар'яна дем’ян")) == ["Мар’яна  Дем'янчук"]


def _fragments(raw: str) -> set[str]:
    """Fragments a user might type of a stored number: of the raw text and of E.164/national."""
    e164 = to_e164(raw)
    national = "0" + e164[4:] if e164.startswith("+380") else e164[3:]
    digits = digits_only(raw)
    return {
        raw,
        e164,
        e164[:8],
        national,
        national[:6],
        national[-4:],
        f"{national[-4:-2]}-{national[-2:]}",
        digits[2:9],
        digits[-7:],
        e164[1:],
    }


@pytest.mark.parametrize("person", KNOWN_CONTACTS, ids=lambda person: person.key)
def test_search_by_number_fragments_in_every_stored_format(
    store: ContactStore, person: KnownContact
) -> None:
    for raw in person.phones:
        for fragment in _fragments(raw):
            ids = [contact.record_id for contact in store.search(fragment)]
            assert f"rec-{person.key}" in ids, (raw, fragment)


def test_search_ranking_exact_number_then_prefix_then_substring_then_number() -> None:
    store = ContactStore(Database.in_memory())
    store.upsert(
        [
            Contact("substring", "f", "Ірина Ковалишин", ("0501110000",)),
            Contact("prefix-b", "f", "Ковальова Марта", ("0501110001",)),
            Contact("prefix-a", "f", "Коваль Андрій", ("0501110002",)),
            Contact("company", "f", "Андрій Бойко", ("0501110003",), company="Ковалі і Ко"),
            Contact("other", "f", "Петро Мороз", ("0501110004",)),
        ]
    )
    assert [c.record_id for c in store.search("ковал")] == [
        "prefix-a", "prefix-b", "company", "substring",
    ]
    # A full number: its owner first, then other numbers containing the digits (by name).
    store.upsert([Contact("longer", "f", "Аааа", ("+48501110002",))])
    assert [c.record_id for c in store.search("0501110002")] == ["prefix-a"]
    # Nine digits are also a valid Ukrainian number without the trunk 0: an exact match.
    assert [c.record_id for c in store.search("501110002")][:2] == ["prefix-a", "longer"]
    assert next(c.record_id for c in store.search("50111000")) == "longer"  # by name
    assert next(c.record_id for c in store.search("+380501110002")) == "prefix-a"


def test_search_limit_and_ties_by_name() -> None:
    store = ContactStore(Database.in_memory())
    store.upsert(
        Contact(f"r{i:03d}", "f", f"Клієнт {999 - i:03d}", (f"06700{i:05d}",)) for i in range(200)
    )
    found = store.search("клієнт", limit=10)
    assert _names(found) == [f"Клієнт {n:03d}" for n in range(800, 810)]
    assert len(store.search("067", limit=25)) == 25
    assert store.search("клієнт", limit=0) == []


def test_search_unselective_and_selective_paths_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    from ringohunt_desktop.store import contacts as contacts_module

    store = ContactStore(Database.in_memory())
    store.upsert(
        Contact(f"r{i:04d}", "f", f"{'Коваленко' if i % 3 else 'Шевчук'} {i:04d}",
                (f"06712{i:05d}",))
        for i in range(600)
    )
    queries = ["енко", "шевч", "067", "0671200", "34", "ко", "к", "00"]
    selective = {query: store.search(query, limit=40) for query in queries}
    monkeypatch.setattr(contacts_module, "SELECTIVE_HITS", 5)
    for query in queries:
        assert store.search(query, limit=40) == selective[query], query


@pytest.mark.parametrize("query", ["", "   ", '"', "'", "*", "NEAR(", "a OR b", "%", "_", "\\"])
def test_search_odd_input_never_fails(store: ContactStore, query: str) -> None:
    store.search(query)


def test_search_does_not_match_across_two_numbers() -> None:
    store = ContactStore(Database.in_memory())
    store.upsert([Contact("r1", "f", "Двоє", ("0671111111", "0502222222"))])
    assert store.search("1111050") == []


def test_a_plus_query_is_the_start_of_an_international_number() -> None:
    store = ContactStore(Database.in_memory())
    store.upsert([
        Contact(record_id="kyiv", folder_id="f", name="Київ", phones=("044 222 33 44",)),
        Contact(record_id="lviv", folder_id="f", name="Львів", phones=("+380322443804",)),
        Contact(record_id="warsaw", folder_id="f", name="Варшава", phones=("+48 22 123 45 67",)),
    ])
    assert [c.record_id for c in store.search("+38044")] == ["kyiv"]  # stored as 044…
    assert [c.record_id for c in store.search("+380 32")] == ["lviv"]
    # "3804" is inside Lviv's number, but "+3804" asks for numbers that start with it.
    assert [c.record_id for c in store.search("+3804")] == ["kyiv"]
    assert {c.record_id for c in store.search("+380")} == {"kyiv", "lviv"}
    # A fragment without "+" matches anywhere (Kyiv's E.164 digits are 380442223344).
    assert {c.record_id for c in store.search("3804")} == {"kyiv", "lviv"}


def test_what_one_contact_may_take_in_the_cache_is_capped(store: ContactStore) -> None:
    """Issue 12.8: a CRM record with megabytes in its fields is cached within bounds."""
    from ringohunt_desktop.store.contacts import (
        MAX_STORED_ITEMS,
        MAX_STORED_PHONE,
        MAX_STORED_TEXT,
    )

    huge = "я" * 5_000_000
    contact = Contact(
        record_id="rec-huge", folder_id="f", name="Олена " + huge, company=huge,
        manager=huge, phones=("+380671234567", *("1" * 500 for _ in range(100))),
        emails=tuple(f"{i}@x.test" for i in range(100)),
        fields={"Notes": huge, "List": [huge] * 100, **{f"f{i}": i for i in range(500)}})
    assert store.upsert([contact]) == 1
    stored = store.get("rec-huge")
    assert stored is not None
    assert stored.name.startswith("Олена ")
    assert len(stored.name) == len(stored.company) == len(stored.manager) == MAX_STORED_TEXT
    assert len(stored.phones) == len(stored.emails) == MAX_STORED_ITEMS
    assert max(len(phone) for phone in stored.phones) <= MAX_STORED_PHONE
    assert len(stored.fields["Notes"]) == MAX_STORED_TEXT
    assert len(stored.fields["List"]) == MAX_STORED_ITEMS
    assert len(stored.fields) <= 100
    assert "rec-huge" in {c.record_id for c in store.find_by_number("+380671234567")}
