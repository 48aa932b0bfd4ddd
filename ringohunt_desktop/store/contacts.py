"""The local copy of NetHunt contacts: instant caller lookup and search-as-you-type.

Lookups by number go through :func:`ringohunt_desktop.phone.match_key` (indexed), so every
format the CRM holds finds the same contact. Search covers names, companies and number
fragments in any format, through an FTS5 trigram index, ranked:

1. contacts that have exactly the number typed;
2. names starting with the query;
3. names (or companies) containing it;
4. numbers containing its digits;

ties by name. Every tier is fetched in name order with a LIMIT, so a query costs about the
same with 1,000 contacts or 100,000 (benchmarks/bench_store.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Final

from ringohunt_desktop.domain import Contact
from ringohunt_desktop.phone import DEFAULT_REGION, digits_only, match_key
from ringohunt_desktop.store._search import (
    BULK_WRITE,
    MIN_FRAGMENT,
    PREFIX_END,
    SELECTIVE_HITS,
    fold,
    fts_phrase,
    is_numeric_query,
    name_fragment,
    phone_facts,
)
from ringohunt_desktop.store.db import Database

__all__ = ["ContactStore"]

_COLUMNS: Final = (
    "c.id, c.record_id, c.folder_id, c.name, c.company, c.manager, c.emails_json,"
    " c.phones_json, c.link, c.created_at, c.updated_at, c.fields_json"
)
_Row = tuple[Any, ...]


class ContactStore:
    """Contacts in a :class:`Database`. Numbers are keyed for ``region`` (default UA)."""

    def __init__(self, db: Database, *, region: str = DEFAULT_REGION) -> None:
        self._db = db
        self._region = region

    # ---- writing ---------------------------------------------------------------------------

    def upsert(self, contacts: Iterable[Contact]) -> int:
        """Insert or replace contacts by record id; returns how many were new or changed.

        Unchanged contacts (same content hash) are skipped, so a periodic full re-sync costs
        reads, not index rewrites.
        """
        written = 0
        with self._db.transaction() as connection:
            for contact in contacts:
                row = _contact_row(contact, self._region)
                content_hash = row["content_hash"]
                existing = connection.execute(
                    "SELECT id, content_hash FROM contacts WHERE record_id = ?",
                    (contact.record_id,),
                ).fetchone()
                if existing is not None and existing[1] == content_hash:
                    continue
                if existing is None:
                    contact_id = connection.execute(
                        "INSERT INTO contacts (record_id, folder_id, name, name_fold, company,"
                        " company_fold, manager, emails_json, phones_json, number_digits, link,"
                        " created_at, updated_at, fields_json, content_hash) VALUES"
                        " (:record_id, :folder_id, :name, :name_fold, :company, :company_fold,"
                        " :manager, :emails_json, :phones_json, :number_digits, :link,"
                        " :created_at, :updated_at, :fields_json, :content_hash)",
                        row,
                    ).lastrowid
                else:
                    contact_id = int(existing[0])
                    connection.execute(
                        "UPDATE contacts SET folder_id = :folder_id, name = :name,"
                        " name_fold = :name_fold, company = :company,"
                        " company_fold = :company_fold, manager = :manager,"
                        " emails_json = :emails_json, phones_json = :phones_json,"
                        " number_digits = :number_digits, link = :link,"
                        " created_at = :created_at, updated_at = :updated_at,"
                        " fields_json = :fields_json, content_hash = :content_hash"
                        " WHERE id = :id",
                        {**row, "id": contact_id},
                    )
                    connection.execute(
                        "DELETE FROM contact_phones WHERE contact_id = ?", (contact_id,)
                    )
                    connection.execute("DELETE FROM contacts_fts WHERE rowid = ?", (contact_id,))
                connection.executemany(
                    "INSERT INTO contact_phones (contact_id, position, raw, e164, match_key)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [(contact_id, *phone) for phone in row["phones"]],
                )
                connection.execute(
                    "INSERT INTO contacts_fts (rowid, name, company, numbers)"
                    " VALUES (?, ?, ?, ?)",
                    (
                        contact_id,
                        " " + row["name_fold"],
                        " " + row["company_fold"],
                        row["number_digits"],
                    ),
                )
                written += 1
        if written >= BULK_WRITE:
            self._db.refresh_statistics("contacts", "contact_phones")
        return written

    def delete(self, record_ids: Iterable[str]) -> int:
        """Remove contacts by record id; returns how many existed."""
        deleted = 0
        with self._db.transaction() as connection:
            for record_id in record_ids:
                found = connection.execute(
                    "SELECT id FROM contacts WHERE record_id = ?", (record_id,)
                ).fetchone()
                if found is None:
                    continue
                connection.execute("DELETE FROM contacts_fts WHERE rowid = ?", (found[0],))
                connection.execute("DELETE FROM contacts WHERE id = ?", (found[0],))
                deleted += 1
        return deleted

    # ---- reading ---------------------------------------------------------------------------

    def get(self, record_id: str) -> Contact | None:
        row = self._db.connection.execute(
            f"SELECT {_COLUMNS} FROM contacts c WHERE c.record_id = ?", (record_id,)  # noqa: S608
        ).fetchone()
        return None if row is None else _contact_from_row(row)

    def count(self) -> int:
        return int(self._db.connection.execute("SELECT count(*) FROM contacts").fetchone()[0])

    def record_ids(self) -> set[str]:
        """Every stored record id (a full sync deletes the ones the CRM no longer has)."""
        return {row[0] for row in self._db.connection.execute("SELECT record_id FROM contacts")}

    def find_by_number(self, text_or_e164: str, region: str = DEFAULT_REGION) -> list[Contact]:
        """Contacts having this number in any stored format, by name. Several = shared number."""
        key = match_key(text_or_e164, region)
        if key is None:
            return []
        rows = self._db.connection.execute(
            f"SELECT {_COLUMNS} FROM contacts c WHERE c.id IN"  # noqa: S608
            " (SELECT contact_id FROM contact_phones WHERE match_key = ?)"
            " ORDER BY c.name_fold, c.record_id",
            (key,),
        ).fetchall()
        return [_contact_from_row(row) for row in rows]

    def search(self, query: str, limit: int = 50, region: str = DEFAULT_REGION) -> list[Contact]:
        """Contacts matching ``query`` by name, company or number fragment, best first.

        Fragments of three characters or more match anywhere (trigram index); two characters
        match the start of any word of the name or company ("ко" finds "Олена Коваль"); one
        character matches the start of the name or company (an index range scan).
        """
        text = fold(query)
        if not text or limit <= 0:
            return []
        found: dict[int, _Row] = {}

        def take(rows: Iterable[_Row]) -> bool:
            """Add rows not seen yet; True once the page is full."""
            for row in rows:
                if len(found) >= limit:
                    return True
                found.setdefault(int(row[0]), row)
            return len(found) >= limit

        numeric = is_numeric_query(query)
        digits = digits_only(query) if numeric else ""
        key = match_key(query, region) if numeric else None
        done = key is not None and take(self._by_key(key))
        if not done and numeric and query.lstrip().startswith("+") and digits:
            # "+3806712…" is the start of an international number, not a fragment to find
            # anywhere: an index range over the numbers' E.164 keys (a trigram search for
            # digits that begin "380", which every number has, is the slowest kind).
            take(self._e164_prefix("+" + digits, limit + len(found)))
            done = True
        if not done:
            done = take(self._name_prefix(text, limit + len(found)))
        fragment = name_fragment(text)
        if not done and fragment is not None:
            done = take(
                self._ranked_fragment(
                    f"{{name company}} : {fts_phrase(fragment)}",
                    "(instr(' ' || c.name_fold, :text) > 0"
                    " OR instr(' ' || c.company_fold, :text) > 0)",
                    fragment,
                    limit + len(found),
                )
            )
        elif not done:
            done = take(self._company_prefix(text, limit + len(found)))
        if not done and len(digits) >= MIN_FRAGMENT:
            take(
                self._ranked_fragment(
                    f"numbers : {fts_phrase(digits)}",
                    "instr(c.number_digits, :text) > 0",
                    digits,
                    limit + len(found),
                )
            )
        return [_contact_from_row(row) for row in found.values()]

    # ---- search tiers ----------------------------------------------------------------------

    def _by_key(self, key: str) -> list[_Row]:
        return self._db.connection.execute(
            f"SELECT {_COLUMNS} FROM contacts c WHERE c.id IN"  # noqa: S608
            " (SELECT contact_id FROM contact_phones WHERE match_key = ?)"
            " ORDER BY c.name_fold, c.record_id",
            (key,),
        ).fetchall()

    def _e164_prefix(self, prefix: str, limit: int) -> list[_Row]:
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return self._db.connection.execute(
            f"SELECT {_COLUMNS} FROM contacts c WHERE c.id IN"  # noqa: S608
            " (SELECT contact_id FROM contact_phones WHERE match_key >= ? AND match_key < ?"
            " LIMIT ?) ORDER BY c.name_fold, c.record_id",
            (prefix, upper, limit),
        ).fetchall()

    def _name_prefix(self, text: str, limit: int) -> list[_Row]:
        return self._db.connection.execute(
            f"SELECT {_COLUMNS} FROM contacts c WHERE c.name_fold >= ? AND c.name_fold < ?"  # noqa: S608
            " ORDER BY c.name_fold, c.record_id LIMIT ?",
            (text, text + PREFIX_END, limit),
        ).fetchall()

    def _company_prefix(self, text: str, limit: int) -> list[_Row]:
        return self._db.connection.execute(
            f"SELECT {_COLUMNS} FROM contacts c WHERE c.company_fold >= ? AND c.company_fold < ?"  # noqa: S608
            " ORDER BY c.name_fold, c.record_id LIMIT ?",
            (text, text + PREFIX_END, limit),
        ).fetchall()

    def _ranked_fragment(self, fts_query: str, predicate: str, text: str, limit: int) -> list[_Row]:
        """The first ``limit`` contacts by name among those the FTS query matches.

        A selective query (few hits) sorts its hits. An unselective one (``067`` matches a
        fifth of all contacts) would sort tens of thousands of rows for 50, so it walks the
        name index instead, testing ``predicate`` (the same condition, without the index):
        with that many hits the page fills after a few thousand rows at most.
        """
        connection = self._db.connection
        hits = [
            row[0]
            for row in connection.execute(
                "SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? LIMIT ?",
                (fts_query, SELECTIVE_HITS + 1),
            )
        ]
        if len(hits) <= SELECTIVE_HITS:
            return connection.execute(
                f"SELECT {_COLUMNS} FROM contacts c WHERE c.id IN"  # noqa: S608
                " (SELECT value FROM json_each(?)) ORDER BY c.name_fold, c.record_id LIMIT ?",
                (json.dumps(hits), limit),
            ).fetchall()
        return connection.execute(
            f"SELECT {_COLUMNS} FROM contacts c INDEXED BY contacts_by_name WHERE {predicate}"  # noqa: S608
            " ORDER BY c.name_fold, c.record_id LIMIT :limit",
            {"text": text, "limit": limit},
        ).fetchall()


# ---- row conversion ----------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


# What one contact may take in the cache. A CRM record can hold megabytes in a field (a
# pasted document, an attack); the cache keeps what a panel or a search can use.
MAX_STORED_TEXT = 1000  # name, company, manager, one field value
MAX_STORED_ITEMS = 20  # phones, e-mails, items of one list field
MAX_STORED_PHONE = 64
MAX_STORED_FIELDS = 100


def _capped_value(value: Any) -> Any:
    if isinstance(value, str):
        return value[:MAX_STORED_TEXT]
    if isinstance(value, list | tuple):
        return [_capped_value(item) for item in list(value)[:MAX_STORED_ITEMS]]
    if isinstance(value, dict):
        return {str(key)[:MAX_STORED_TEXT]: _capped_value(item)
                for key, item in list(value.items())[:MAX_STORED_ITEMS]}
    return value


def _capped_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {str(key)[:MAX_STORED_TEXT]: _capped_value(value)
            for key, value in list(fields.items())[:MAX_STORED_FIELDS]}


def _contact_row(contact: Contact, region: str) -> dict[str, Any]:
    phones = [raw[:MAX_STORED_PHONE] for raw in contact.phones[:MAX_STORED_ITEMS]]
    emails = [email[:MAX_STORED_TEXT] for email in contact.emails[:MAX_STORED_ITEMS]]
    name = contact.name[:MAX_STORED_TEXT]
    company = contact.company[:MAX_STORED_TEXT]
    facts = [phone_facts(raw, region) for raw in phones]
    row: dict[str, Any] = {
        "record_id": contact.record_id,
        "folder_id": contact.folder_id,
        "name": name,
        "name_fold": fold(name),
        "company": company,
        "company_fold": fold(company),
        "manager": contact.manager[:MAX_STORED_TEXT],
        "emails_json": json.dumps(emails, ensure_ascii=False),
        "phones_json": json.dumps(phones, ensure_ascii=False),
        "number_digits": " ".join(fact.digits for fact in facts if fact.digits),
        "link": contact.link,
        "created_at": _iso(contact.created_at),
        "updated_at": _iso(contact.updated_at),
        # default=str: field values come from JSON, but a caller may hand in dates; the cache
        # must not refuse a contact over that.
        "fields_json": json.dumps(_capped_fields(contact.fields), ensure_ascii=False,
                                  default=str),
    }
    row["content_hash"] = hashlib.blake2b(
        json.dumps(row, ensure_ascii=False, sort_keys=True).encode(), digest_size=16
    ).hexdigest()
    row["phones"] = [
        (position, raw, fact.e164, fact.key)
        for position, (raw, fact) in enumerate(zip(phones, facts, strict=True))
    ]
    return row


def _parse_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _strings(value: str) -> tuple[str, ...]:
    loaded: Sequence[Any] = json.loads(value)
    return tuple(str(item) for item in loaded)


def _contact_from_row(row: _Row) -> Contact:
    fields: Mapping[str, Any] = json.loads(row[11])
    return Contact(
        record_id=row[1],
        folder_id=row[2],
        name=row[3],
        phones=_strings(row[7]),
        company=row[4],
        manager=row[5],
        emails=_strings(row[6]),
        link=row[8],
        created_at=_parse_time(row[9]),
        updated_at=_parse_time(row[10]),
        fields=fields,
    )
