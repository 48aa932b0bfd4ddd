"""Phone-number hygiene of the Contacts folder, audited from the local index. No Qt, no I/O
beyond reading the index.

Four groups (issue 15):

* numbers not in international form, each with the ``+…`` form proposed and how sure that is:
  a Ukrainian number written nationally (``067 123 45 67``, ``(063) 555-12-34``, ``380…``,
  ``8067…``) is certain; digits that only make sense as a foreign number without ``+``, a
  number the telephone-number metadata does not know, or one carrying an extension that the
  international form would drop are marked unsure and never fixed without a person's look;
* texts in the phone field that are not phone numbers at all;
* numbers several contacts share: likely the same person twice, or a company's common line;
* contacts without any phone.

The index already holds, per stored number, its E.164 form and its match key
(:func:`ringohunt_desktop.phone.match_key`), so the audit parses nothing again: 100,000
contacts take well under a second (benchmarks/bench_hygiene.py).

Everything read from the CRM is hostile: :func:`shown` makes any of it safe to print or paint
(control and bidirectional-override characters made visible, length capped).
"""

from __future__ import annotations

import csv
import gc
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from operator import itemgetter
from typing import Any, Final

import phonenumbers

from ringohunt_desktop.phone import DEFAULT_REGION, digits_only
from ringohunt_desktop.store.db import Database

__all__ = [
    "AuditReport",
    "Certainty",
    "ContactRef",
    "NotANumber",
    "NotANumberReason",
    "NumberFix",
    "SharedKind",
    "SharedNumber",
    "audit_rows",
    "audit_store",
    "shown",
]

SHOWN_MAX: Final = 60
_EXTENSION_KEY_PREFIX: Final = "ext:"
_UNVERIFIED_KEY_PREFIX: Final = "~"


class Certainty(StrEnum):
    CERTAIN = "certain"
    # The proposed form is a reading, not a fact: shown with its reason, never fixed in bulk.
    FOREIGN_DIGITS = "foreign_digits"  # digits without "+" read as another country's number
    UNVERIFIED = "unverified"  # looks like a number, but no such number is known to exist
    EXTENSION = "extension"  # the international form would drop an extension or extra digits


class NotANumberReason(StrEnum):
    NOT_A_NUMBER = "not_a_number"
    EXTENSION_ONLY = "extension_only"  # an internal extension (``101``), not a client's number


class SharedKind(StrEnum):
    SAME_PERSON = "same_person"  # likely one person entered twice
    COMMON_LINE = "common_line"  # a company's switchboard or a shared office line
    SHARED = "shared"  # several people on one number (a family phone, a colleague's mobile)


@dataclass(slots=True)  # not frozen: built 100,000 times per audit
class ContactRef:
    record_id: str
    folder_id: str
    name: str
    company: str
    link: str


@dataclass(slots=True)  # not frozen: built 100,000 times per audit
class NumberFix:
    contact: ContactRef
    raw: str  # exactly as stored in the CRM
    proposed: str  # E.164
    certainty: Certainty

    @property
    def certain(self) -> bool:
        return self.certainty is Certainty.CERTAIN


@dataclass(slots=True)  # not frozen: built 100,000 times per audit
class NotANumber:
    contact: ContactRef
    raw: str
    reason: NotANumberReason


@dataclass(frozen=True, slots=True)
class SharedNumber:
    number: str  # E.164 (or the proposed form of an unverified number)
    kind: SharedKind
    contacts: tuple[ContactRef, ...]
    raws: tuple[str, ...]  # how each contact has it written, in the same order


@dataclass(slots=True)
class AuditReport:
    contacts_total: int = 0
    numbers_total: int = 0
    fixes: list[NumberFix] = field(default_factory=list)
    not_numbers: list[NotANumber] = field(default_factory=list)
    shared: list[SharedNumber] = field(default_factory=list)
    no_phone: list[ContactRef] = field(default_factory=list)

    @property
    def certain_fixes(self) -> list[NumberFix]:
        return [fix for fix in self.fixes if fix.certain]

    def summary(self) -> dict[str, int]:
        return {
            "contacts": self.contacts_total,
            "numbers": self.numbers_total,
            "not_international": len(self.fixes),
            "fixable_certain": len(self.certain_fixes),
            "not_numbers": len(self.not_numbers),
            "shared_numbers": len(self.shared),
            "without_phone": len(self.no_phone),
        }

    def to_json(self) -> dict[str, Any]:
        """Plain JSON; texts from the CRM pass through :func:`shown` (safe in any terminal)."""
        return {
            "summary": self.summary(),
            "not_international": [
                {**_contact_json(f.contact), "stored": shown(f.raw), "proposed": f.proposed,
                 "certainty": f.certainty.value} for f in self.fixes],
            "not_numbers": [
                {**_contact_json(n.contact), "stored": shown(n.raw), "reason": n.reason.value}
                for n in self.not_numbers],
            "shared": [
                {"number": s.number, "kind": s.kind.value,
                 "contacts": [{**_contact_json(c), "stored": shown(raw)}
                              for c, raw in zip(s.contacts, s.raws, strict=True)]}
                for s in self.shared],
            "without_phone": [_contact_json(c) for c in self.no_phone],
        }

    def to_csv(self) -> str:
        """One row per finding: group, kind, number, record id, name, company, stored, link."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(["group", "kind", "number", "record_id", "name", "company", "stored",
                         "link"])
        for fix in self.fixes:
            writer.writerow(_csv_row("not_international", fix.certainty.value, fix.proposed,
                                     fix.contact, fix.raw))
        for item in self.not_numbers:
            writer.writerow(_csv_row("not_number", item.reason.value, "", item.contact, item.raw))
        for shared in self.shared:
            for contact, raw in zip(shared.contacts, shared.raws, strict=True):
                writer.writerow(_csv_row("shared", shared.kind.value, shared.number, contact,
                                         raw))
        for contact in self.no_phone:
            writer.writerow(_csv_row("without_phone", "", "", contact, ""))
        return buffer.getvalue()


def _contact_json(contact: ContactRef) -> dict[str, str]:
    return {"record_id": shown(contact.record_id), "name": shown(contact.name),
            "company": shown(contact.company), "link": shown(contact.link, 400)}


_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(text: str) -> str:
    """A CRM text safe in a spreadsheet: a leading formula character is quoted away."""
    return "'" + text if text.startswith(_FORMULA_START) and not _is_phone_text(text) else text


def _is_phone_text(text: str) -> bool:
    return text.startswith("+") and all(ch.isdigit() or ch in " +()-." for ch in text)


def _csv_row(group: str, kind: str, number: str, contact: ContactRef, raw: str) -> list[str]:
    return [group, kind, number, _csv_cell(shown(contact.record_id)),
            _csv_cell(shown(contact.name)), _csv_cell(shown(contact.company)),
            _csv_cell(shown(raw)), shown(contact.link, 400)]


def shown(text: str, limit: int = SHOWN_MAX) -> str:
    """``text`` safe to print or paint: one line, control/format characters visible, capped.

    Bidirectional overrides (U+202E…) and other invisible format characters become ``\\u…``
    escapes, so a CRM value cannot reorder or hide what a report shows.
    """
    out: list[str] = []
    length = 0
    for ch in text[: limit + 1]:
        category = unicodedata.category(ch)
        if ch in "\t\n\r":
            token = " "  # noqa: S105 (a space, not a password)
        elif category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            token = f"\\u{ord(ch):04x}"
        else:
            token = ch
        out.append(token)
        length += len(token)
    if length <= limit and len(text) <= limit:
        return "".join(out)
    kept: list[str] = []
    length = 0
    for token in out:  # cut between characters, never inside an escape
        if length + len(token) > limit - 1:
            break
        kept.append(token)
        length += len(token)
    return "".join(kept) + "…"


# ---- the audit ----------------------------------------------------------------------------

# (record id, folder id, name, company, link, raw number or None, e164 or None, key or None)
AuditRow = tuple[str, str, str, str, str, "str | None", "str | None", "str | None"]


@dataclass(frozen=True, slots=True)
class _RegionForms:
    country_code: str  # "380"
    trunk: str  # "0"

    @classmethod
    def of(cls, region: str) -> _RegionForms:
        code = phonenumbers.country_code_for_region(region.upper()) or 380
        metadata = phonenumbers.PhoneMetadata.metadata_for_region(region.upper(), None)
        trunk = (metadata.national_prefix or "") if metadata is not None else ""
        return cls(str(code), trunk)


_NON_DIGITS: Final = re.compile(r"[^0-9]")


def _digits(raw: str) -> str:
    """:func:`digits_only`, with a fast path for the usual ASCII text."""
    return _NON_DIGITS.sub("", raw) if raw.isascii() else digits_only(raw)


def certainty_of(raw: str, e164: str, forms: _RegionForms) -> Certainty:
    """How sure the proposed ``e164`` is what the CRM's ``raw`` meant (see module doc)."""
    digits = _digits(raw)
    full = e164[1:]
    if digits in (full, "00" + full):
        international = "+" in raw or digits.startswith("00") or full.startswith(
            forms.country_code)
        return Certainty.CERTAIN if international else Certainty.FOREIGN_DIGITS
    if full.startswith(forms.country_code) and "+" not in raw:
        nsn = full[len(forms.country_code):]
        national = {nsn, forms.trunk + nsn, "8" + forms.trunk + nsn} if forms.trunk else {nsn}
        if digits in national:
            return Certainty.CERTAIN
    return Certainty.EXTENSION


def _name_tokens(name: str) -> frozenset[str]:
    folded = unicodedata.normalize("NFKC", name).casefold()
    cleaned = "".join(ch if ch.isalnum() else " " for ch in folded)
    return frozenset(cleaned.split())


def shared_kind(number: str, contacts: tuple[ContactRef, ...]) -> SharedKind:
    tokens = [_name_tokens(contact.name) for contact in contacts]
    if len(contacts) == 2 and tokens[0] and tokens[1] and (
            tokens[0] <= tokens[1] or tokens[1] <= tokens[0]):
        return SharedKind.SAME_PERSON
    companies = {" ".join(c.company.casefold().split()) for c in contacts}
    if len(contacts) >= 3 or (len(companies) == 1 and "" not in companies):
        return SharedKind.COMMON_LINE
    try:
        kind = phonenumbers.number_type(phonenumbers.parse(number.lstrip(_UNVERIFIED_KEY_PREFIX)))
    except phonenumbers.NumberParseException:
        return SharedKind.SHARED
    if kind == phonenumbers.PhoneNumberType.FIXED_LINE:
        return SharedKind.COMMON_LINE
    return SharedKind.SHARED


_ContactRow = tuple[int, str, str, str, str, str]  # (id, record id, folder, name, company, link)
_Phone = tuple[str, "str | None", "str | None"]  # (raw, e164, match key)


def _ref(row: _ContactRow) -> ContactRef:
    return ContactRef(row[1], row[2], row[3], row[4], row[5])


def _audit(contacts: Iterable[tuple[_ContactRow, Sequence[_Phone]]],
           region: str) -> AuditReport:
    """The audit proper: contacts in display order, each with its numbers in field order."""
    forms = _RegionForms.of(region)
    report = AuditReport()
    fixes, not_numbers, no_phone = report.fixes, report.not_numbers, report.no_phone
    first_holder: dict[str, tuple[_ContactRow, str]] = {}
    holders: dict[str, list[tuple[_ContactRow, str]]] = {}
    numbers_total = contacts_total = 0
    for row, numbers in contacts:
        contacts_total += 1
        if not numbers:
            no_phone.append(_ref(row))
            continue
        numbers_total += len(numbers)
        ref: ContactRef | None = None
        for raw, e164, key in numbers:
            if key is None or key.startswith(_EXTENSION_KEY_PREFIX):
                ref = ref or _ref(row)
                not_numbers.append(NotANumber(ref, raw, NotANumberReason.NOT_A_NUMBER
                                              if key is None
                                              else NotANumberReason.EXTENSION_ONLY))
                continue
            first = first_holder.get(key)
            if first is None:
                first_holder[key] = (row, raw)
            elif key in holders:
                holders[key].append((row, raw))
            else:
                holders[key] = [first, (row, raw)]
            if raw in (e164, key):
                continue
            ref = ref or _ref(row)
            if e164 is not None:
                fixes.append(NumberFix(ref, raw, e164, certainty_of(raw, e164, forms)))
            elif key.startswith(_UNVERIFIED_KEY_PREFIX):
                fixes.append(NumberFix(ref, raw, key[1:], Certainty.UNVERIFIED))
            else:  # international digits without "+" (``48221234567``)
                fixes.append(NumberFix(ref, raw, key, Certainty.FOREIGN_DIGITS))
    report.contacts_total = contacts_total
    report.numbers_total = numbers_total
    for key, held in holders.items():
        seen: set[str] = set()
        contacts_of: list[ContactRef] = []
        raws: list[str] = []
        for row, raw in held:
            if row[1] not in seen:
                seen.add(row[1])
                contacts_of.append(_ref(row))
                raws.append(raw)
        if len(contacts_of) < 2:
            continue  # one contact with the same number twice
        number = key.removeprefix(_UNVERIFIED_KEY_PREFIX)
        report.shared.append(SharedNumber(number, shared_kind(number, tuple(contacts_of)),
                                          tuple(contacts_of), tuple(raws)))
    report.shared.sort(key=lambda s: (-len(s.contacts), s.number))
    return report


def audit_rows(rows: Iterable[AuditRow], region: str = DEFAULT_REGION) -> AuditReport:
    """The audit of flat contact/phone rows (one contact's rows adjacent; ``raw`` None for
    a contact without phone)."""
    grouped: list[tuple[_ContactRow, list[_Phone]]] = []
    last = ""
    for index, (record_id, folder_id, name, company, link, raw, e164, key) in enumerate(rows):
        if not grouped or record_id != last:
            grouped.append(((index, record_id, folder_id, name, company, link), []))
            last = record_id
        if raw is not None:
            grouped[-1][1].append((raw, e164, key))
    return _audit(grouped, region)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Hundreds of thousands of small objects, none cyclic: the collector would only rescan."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _index_contacts(database: Database) -> list[tuple[_ContactRow, Sequence[_Phone]]]:
    """Every contact with its numbers, by name.

    Two plain scans merged here are several times quicker than SQLite joining and sorting
    130,000 rows (benchmarks/bench_hygiene.py).
    """
    connection = database.connection
    phones: dict[int, list[_Phone]] = {}
    # In primary-key order: (contact id, position), so each contact's numbers in field order.
    for contact_id, *phone in connection.execute(
            "SELECT contact_id, raw, e164, match_key FROM contact_phones"):
        found = phones.get(contact_id)
        if found is None:
            phones[contact_id] = [tuple(phone)]
        else:
            found.append(tuple(phone))
    contacts = connection.execute(
        "SELECT id, record_id, folder_id, name, company, link, name_fold FROM contacts"
    ).fetchall()
    contacts.sort(key=itemgetter(6, 1))
    empty: tuple[_Phone, ...] = ()
    return [(row, phones.get(row[0], empty)) for row in contacts]


def audit_store(database: Database, region: str = DEFAULT_REGION) -> AuditReport:
    """The audit of every contact in the local index (no request to NetHunt)."""
    with _cyclic_gc_paused():
        return _audit(_index_contacts(database), region)
