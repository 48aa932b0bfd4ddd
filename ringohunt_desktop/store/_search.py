"""Text and number forms the stores index and search by (shared by contacts and calls)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat

from ringohunt_desktop.phone import InvalidNumber, digits_only, match_key, parse_phone

# FTS5 trigram matches need at least three characters; shorter queries take other paths.
MIN_FRAGMENT = 3
# Above this many index hits a query is "unselective": walking the name (or time) index
# and testing each row finds the first page sooner than sorting every hit.
SELECTIVE_HITS = 1000

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "‘": "'", "ʹ": "'"})
_NUMERIC_QUERY_RE = re.compile(r"[\d\s+()\-./]+")
# After writing this many rows in one upsert, refresh the planner's statistics.
BULK_WRITE = 2000
# The largest code point: "prefix" <= s < "prefix" + this, for an index range scan.
PREFIX_END = "\U0010ffff"


def fold(text: str) -> str:
    """The search form of names: NFKC, case-folded, one apostrophe, single spaces.

    Python's casefold handles Cyrillic (and Ukrainian і/ї/є/ґ) fully, unlike SQLite's
    built-in case folding, so both stored text and queries go through this.
    """
    normalised = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).casefold()
    return " ".join(normalised.split())


def is_numeric_query(text: str) -> bool:
    """True for text made of digits and phone punctuation only (``067 12``, ``+38(067``)."""
    return bool(_NUMERIC_QUERY_RE.fullmatch(text)) and any(ch.isdigit() for ch in text)


def name_fragment(folded: str) -> str | None:
    """What to look for in the trigram index of names (stored with a leading space).

    Three characters or more: the text itself, anywhere. Two: `` `` + text, which is three
    characters and matches the start of any word. One: None (too short for trigrams).
    """
    if len(folded) >= MIN_FRAGMENT:
        return folded
    if len(folded) == MIN_FRAGMENT - 1:
        return " " + folded
    return None


def fts_phrase(text: str) -> str:
    """``text`` as one FTS5 phrase string (quotes doubled): a substring query for trigrams."""
    return '"' + text.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class PhoneFacts:
    """What the stores keep about one phone value besides the raw text."""

    e164: str | None  # valid numbers only
    key: str | None  # phone.match_key
    digits: str  # space-separated digit strings a fragment search should find it by


def phone_facts(raw: str, region: str) -> PhoneFacts:
    """E.164, match key and searchable digit strings (as written, E.164, national form)."""
    key = match_key(raw, region)
    forms = [digits_only(raw)]
    e164: str | None = None
    try:
        number = parse_phone(raw, region)
    except InvalidNumber:
        number = None
    if number is not None and not number.is_extension:
        e164 = number.e164
        forms.append(e164[1:])
        national = phonenumbers.format_number(
            phonenumbers.parse(e164), PhoneNumberFormat.NATIONAL
        )
        forms.append(digits_only(national))
    elif key is not None and key.startswith("~+"):
        forms.append(key[2:])
    digits = " ".join(dict.fromkeys(form for form in forms if form))
    return PhoneFacts(e164=e164, key=key, digits=digits)
