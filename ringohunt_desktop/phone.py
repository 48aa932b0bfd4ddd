"""Phone numbers: parsing human input, canonical forms, matching keys. Pure; no I/O, no Qt.

Three kinds of text reach this module:

* numbers agents type or paste (any human format, Ukrainian by default);
* numbers Ringostat reports (``380671234567``, internal extensions such as ``101``);
* whatever the CRM holds, which is messy (``+38 (063) 555-12-34``, ``044 222 33 44``…).

Strict functions (:func:`parse_phone`, :func:`to_e164`, :func:`parse_dial_target`) never guess:
what ``phonenumbers`` does not call a valid number raises :class:`InvalidNumber`: its message is
the precise English reason (CLI, logs), its :class:`NumberProblem` what the UI words in the
agent's language. Lenient functions (:func:`display_number`, :func:`match_key`,
:func:`digits_only`) never raise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

__all__ = [
    "CallerNumber",
    "InvalidNumber",
    "NumberProblem",
    "PhoneNumber",
    "dial_link_extension",
    "digits_only",
    "display_number",
    "match_key",
    "parse_dial_target",
    "parse_phone",
    "search_variants",
    "to_e164",
]

DEFAULT_REGION = "UA"

# Longer input is not a phone number however it is formatted; also keeps the regexes and
# phonenumbers (which itself stops at 250 characters) cheap on pasted garbage.
_MAX_INPUT_CHARS = 64
# E.164 allows 15 digits; a few more leave room for an international prefix such as ``00``.
_MAX_DIGITS = 17
_MIN_DIGITS = 2
_EXTENSION_RE = re.compile(r"\d{2,5}")
_EXTENSION_KEY_PREFIX = "ext:"
# Keys of numbers that look like numbers but fail validation live in their own namespace, so
# they can never equal the key of a valid number (whose key is its plain E.164 form).
_UNVERIFIED_KEY_PREFIX = "~"

# A trailing extension marker the CRM or a business card may carry: "ext. 12", "x12",
# "доб. 12" (Ukrainian/Russian "extension"), "вн. 12" ("internal"), "#12".
_TRAILING_EXTENSION_RE = re.compile(
    r"(?:[,;]?\s*(?:ext\.?|extension|x|доб\.?|вн\.?|#)\s*)(\d{1,6})\s*$",
    re.IGNORECASE,
)
# Visual separators people put between digits (hyphens and dashes of every kind, dots,
# slashes, brackets). Whitespace is handled separately (``str.isspace`` covers NBSP etc.).
_SEPARATORS = frozenset("()[]-./\u2010\u2011\u2012\u2013\u2014\u2212")
# Old Soviet-era long-distance prefix "8" before the Ukrainian trunk 0: "8 067 123 45 67".
_UA_OLD_TRUNK_RE = re.compile(r"80(\d{9})")
_UA_FALLBACK_RE = re.compile(r"(?:380|80|0)(\d{9})")

_DIAL_SCHEMES = ("callto://", "callto:", "tel://", "tel:")
_URL_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
# What a tel:/callto: target may contain once decoded: digits, "+", visual separators, spaces.
_DIAL_ALLOWED_RE = re.compile(
    r"[0-9+ \u00a0\u2009\u202f()\-.\u2010\u2011\u2012\u2013\u2014\u2212]*"
)


class NumberProblem(StrEnum):
    """Why a text is not a usable phone number."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    MISPLACED_PLUS = "misplaced_plus"
    LETTERS = "letters"
    BAD_CHARACTER = "bad_character"  # ``detail`` is the character
    TOO_FEW_DIGITS = "too_few_digits"
    TOO_MANY_DIGITS = "too_many_digits"
    NOT_VALID = "not_valid"  # the right shape, but no such number
    EXTENSION = "extension"  # an internal extension where a full number is needed
    WRONG_SCHEME = "wrong_scheme"  # a link that is not tel:/callto:; ``detail`` is the scheme
    NO_NUMBER = "no_number"  # a tel:/callto: link without a number


class InvalidNumber(ValueError):
    """The text is not a usable phone number.

    ``str(error)`` is the precise English sentence (CLI, logs). ``problem`` says why, ``shown``
    is the offending text as one short line (empty for :attr:`NumberProblem.EMPTY`) and
    ``detail`` the character or scheme at fault, so the UI can say it in the agent's language.
    """

    def __init__(self, message: str, text: str = "", *, problem: NumberProblem,
                 shown: str = "", detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.text = text
        self.problem = problem
        self.shown = shown
        self.detail = detail


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A validated number. For internal extensions ``e164`` holds just the digits (``101``)."""

    e164: str
    region: str | None
    is_extension: bool


def _shown(text: str) -> str:
    """The user's text for an error message: one line, not absurdly long."""
    shown = " ".join(text.split())
    if len(shown) > 40:
        shown = shown[:39] + "…"
    return shown


def _quote(text: str) -> str:
    return f"«{_shown(text)}»"


def _invalid(problem: NumberProblem, message: str, text: str, quoted: str,
             detail: str = "") -> InvalidNumber:
    """An :class:`InvalidNumber` whose message quotes ``quoted`` as the agent wrote it."""
    return InvalidNumber(message, text, problem=problem, shown=_shown(quoted), detail=detail)


def digits_only(text: str) -> str:
    """The ASCII digits of ``text`` in order (full-width and other Unicode digits included)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if "0" <= ch <= "9")


def _strip_extension(text: str) -> tuple[str, str | None]:
    found = _TRAILING_EXTENSION_RE.search(text)
    if found is None or not any(ch.isdigit() for ch in text[: found.start()]):
        return text, None
    return text[: found.start()].rstrip(), found.group(1)


def _check_characters(text: str) -> None:
    """Refuse anything that is not digits, one leading ``+`` and visual separators."""
    seen_digit = False
    plus_count = 0
    for ch in text:
        if "0" <= ch <= "9":
            seen_digit = True
        elif ch == "+":
            plus_count += 1
            if seen_digit or plus_count > 1:
                raise _invalid(NumberProblem.MISPLACED_PLUS,
                               f"{_quote(text)} has a «+» in the wrong place", text, text)
        elif ch.isspace() or ch in _SEPARATORS:
            continue
        elif ch.isalpha():
            raise _invalid(NumberProblem.LETTERS,
                           f"{_quote(text)} is not a phone number: it contains letters",
                           text, text)
        else:
            raise _invalid(NumberProblem.BAD_CHARACTER,
                           f"{_quote(text)} is not a phone number: «{ch}» cannot be part of one",
                           text, text, ch)


def _clean(text: str) -> tuple[str, str]:
    """Stripped, NFKC-normalised text without a trailing extension, and its digits.

    Raises InvalidNumber for empty, overlong or non-numeric text.
    """
    stripped = unicodedata.normalize("NFKC", text).strip()
    if not stripped:
        raise InvalidNumber("The phone number is empty", text, problem=NumberProblem.EMPTY)
    if len(stripped) > _MAX_INPUT_CHARS:
        raise _invalid(NumberProblem.TOO_LONG,
                       f"{_quote(stripped)} is too long to be a phone number", text, stripped)
    without_extension, _extension = _strip_extension(stripped)
    _check_characters(without_extension)
    digits = digits_only(without_extension)
    if len(digits) < _MIN_DIGITS:
        raise _invalid(NumberProblem.TOO_FEW_DIGITS, f"{_quote(stripped)} is not a phone number",
                       text, stripped)
    if len(digits) > _MAX_DIGITS:
        raise _invalid(NumberProblem.TOO_MANY_DIGITS,
                       f"{_quote(stripped)} has too many digits for a phone number", text,
                       stripped)
    return without_extension, digits


def _parse_valid(cleaned: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(cleaned, region)
    except NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    number.extension = None  # E.164 has no extension; the main line is what we dial and match
    return number


def parse_phone(text: str, region: str = DEFAULT_REGION) -> PhoneNumber:
    """Parse a number in any human format; raise :class:`InvalidNumber` unless it is valid.

    ``region`` is the country assumed for numbers written without a country code. A bare run
    of 2–5 digits (``101``) is an internal extension. For Ukraine the old long-distance form
    ``8 0XX …`` is accepted: eleven digits starting with ``80`` cannot be anything else there.
    """
    region = region.upper()
    cleaned, digits = _clean(text)
    if "+" not in cleaned and _EXTENSION_RE.fullmatch(cleaned):
        return PhoneNumber(e164=cleaned, region=None, is_extension=True)
    number = _parse_valid(cleaned, region)
    if number is None and region == "UA" and "+" not in cleaned:
        old_trunk = _UA_OLD_TRUNK_RE.fullmatch(digits)
        if old_trunk is not None:
            number = _parse_valid("0" + old_trunk.group(1), region)
    if number is None:
        raise _invalid(NumberProblem.NOT_VALID, f"{_quote(text)} is not a valid phone number",
                       text, text)
    return PhoneNumber(
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        region=phonenumbers.region_code_for_number(number),
        is_extension=False,
    )


def to_e164(text: str, region: str = DEFAULT_REGION) -> str:
    """The E.164 form (``+380671234567``); raises :class:`InvalidNumber`, also for extensions."""
    number = parse_phone(text, region)
    if number.is_extension:
        raise _invalid(NumberProblem.EXTENSION,
                       f"{_quote(text)} is an internal extension, not a full phone number",
                       text, text)
    return number.e164


def display_number(text: str, region: str = DEFAULT_REGION) -> str:
    """The agent-facing form, ``+380 67 123 4567``. Never raises.

    Extensions come back as they are; text that is not a valid number comes back stripped, so
    the agent still sees what the CRM or the telephony said.
    """
    try:
        number = parse_phone(text, region)
    except InvalidNumber:
        return text.strip()
    if number.is_extension:
        return number.e164
    parsed = phonenumbers.parse(number.e164)
    return phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)


def _unverified_key(text: str, region: str) -> str | None:
    """A key for text that looks like a number but fails validation (messy CRM data).

    Such numbers still have to find each other in whatever format they were written (a
    brand-new operator range the metadata does not know yet, a typo repeated consistently),
    so they are normalised by digits. Their keys start with ``~``, which no valid number's key
    does: a number that fails validation can never be taken for a different, valid one.
    """
    try:
        cleaned, digits = _clean(text)
    except InvalidNumber:
        return None
    international = cleaned.startswith("+") or digits.startswith("00")
    if international:
        full = digits[2:] if digits.startswith("00") and not cleaned.startswith("+") else digits
        if 8 <= len(full) <= 15:
            return f"{_UNVERIFIED_KEY_PREFIX}+{full}"
        return None
    if region.upper() == "UA":
        national = _UA_FALLBACK_RE.fullmatch(digits)
        if national is not None:
            return f"{_UNVERIFIED_KEY_PREFIX}+380{national.group(1)}"
    try:
        number = phonenumbers.parse(cleaned, region)
    except NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    number.extension = None
    return _UNVERIFIED_KEY_PREFIX + phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _international_digits_key(text: str) -> str | None:
    """E.164 for international digits written without ``+`` (``48221234567``).

    Ringostat reports every number this way, foreign callers included. Only reached when the
    text is not a valid number of the default region, so it never competes with a valid
    national reading: the result is the one valid number these digits can be.
    """
    try:
        cleaned, digits = _clean(text)
    except InvalidNumber:
        return None
    if "+" in cleaned or digits.startswith("0"):
        return None
    number = _parse_valid("+" + digits, DEFAULT_REGION)
    return None if number is None else phonenumbers.format_number(number, PhoneNumberFormat.E164)


def caller_e164(text: str, region: str = DEFAULT_REGION) -> str | None:
    """E.164 of a number as telephony reports it, or None when it is not a valid number.

    Accepts what :func:`to_e164` accepts plus international digits without ``+``
    (``48221234567``), Ringostat's form for every caller, foreign ones included.
    """
    try:
        return to_e164(text, region)
    except InvalidNumber:
        return _international_digits_key(text)
    except Exception:  # phonenumbers on pathological input
        return None


@dataclass(frozen=True, slots=True)
class CallerNumber:
    """Who is calling, worked out once per call: the E.164 form the CRM is searched with
    (an extension or junk stays as reported: shown, not searched) and the agent-facing form."""

    e164: str
    display: str

    @classmethod
    def of(cls, reported: str, region: str = DEFAULT_REGION) -> CallerNumber:
        e164 = caller_e164(reported, region) or reported.strip()
        return cls(e164, display_number(e164, region))


def match_key(text: str, region: str = DEFAULT_REGION) -> str | None:
    """A key equal for the same number in any format, different for different numbers.

    Valid numbers → their E.164 form (also international digits without ``+``, as Ringostat
    writes them: ``48221234567``); extensions → ``ext:101``; text that only looks like a
    number → a ``~``-prefixed digit form (see :func:`_unverified_key`); anything else → None.
    Never raises.
    """
    try:
        number = parse_phone(text, region)
    except InvalidNumber:
        return _international_digits_key(text) or _unverified_key(text, region)
    except Exception:  # phonenumbers on pathological input: a key is never worth a crash
        return None
    if number.is_extension:
        return _EXTENSION_KEY_PREFIX + number.e164
    return number.e164


def search_variants(e164: str) -> list[str]:
    """The strings to search the CRM with, in order (nethunt-api.md §2.4), at most three.

    ``+380671234567`` → ``["+380671234567", "380671234567", "0671234567"]``: E.164, its
    digits, and the national form with the trunk prefix where the country has one. An
    extension gives just its digits. Raises :class:`InvalidNumber` for anything else.
    """
    number = parse_phone(e164)
    if number.is_extension:
        return [number.e164]
    variants = [number.e164, number.e164.lstrip("+")]
    parsed = phonenumbers.parse(number.e164)
    national = digits_only(phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL))
    if national:
        variants.append(national)
    return list(dict.fromkeys(variants))[:3]


_EXT_PARAMETER_RE = re.compile(r";\s*ext\s*=\s*([0-9*#]{1,16})(?:;|$)", re.IGNORECASE)


def dial_link_extension(text: str) -> str:
    """The extension a ``tel:`` link asks for (``tel:+380…;ext=12`` → ``"12"``), else "".

    Click-to-call rings the number only; whoever shows the call says this out loud, so the
    agent dials it after connecting instead of it vanishing.
    """
    stripped = text.strip()
    if not stripped.lower().startswith(_DIAL_SCHEMES):
        return ""
    match = _EXT_PARAMETER_RE.search(stripped)
    return match.group(1) if match else ""


def parse_dial_target(text: str, region: str = DEFAULT_REGION) -> str:
    """What click-to-call accepts, as E.164: a plain number, or a ``tel:``/``callto:`` link.

    Links are percent-decoded; visual separators and parameters (``;ext=``, ``;phone-context=``,
    ``?call``) are dropped. Anything else is refused with a reason: other schemes, letters,
    shell metacharacters, extensions, numbers that are not valid.
    """
    stripped = text.strip()
    if not stripped:
        raise InvalidNumber("The phone number is empty", text, problem=NumberProblem.EMPTY)
    if len(stripped) > 2 * _MAX_INPUT_CHARS:
        raise _invalid(NumberProblem.TOO_LONG,
                       f"{_quote(stripped)} is too long to be a phone number", text, stripped)
    target = stripped
    lowered = stripped.lower()
    scheme = next((s for s in _DIAL_SCHEMES if lowered.startswith(s)), None)
    if scheme is not None:
        target = stripped[len(scheme) :]
        # Parameters are separated by a literal ";" (RFC 3966) or "?" (callto); cut them
        # before decoding so an encoded ";" stays data and is refused below.
        target = re.split(r"[;?]", target, maxsplit=1)[0]
        target = unquote(target)
    elif _URL_SCHEME_RE.match(stripped):
        shown_scheme = stripped.split(":", 1)[0]
        raise _invalid(
            NumberProblem.WRONG_SCHEME,
            f"{_quote(stripped)} cannot be dialled: only tel: and callto: links are accepted,"
            f" not {shown_scheme}:",
            text, stripped, shown_scheme,
        )
    if not target.strip():
        raise _invalid(NumberProblem.NO_NUMBER, f"{_quote(stripped)} has no phone number in it",
                       text, stripped)
    if any(ch.isalpha() for ch in target):
        raise _invalid(NumberProblem.LETTERS,
                       f"{_quote(stripped)} cannot be dialled: it contains letters", text,
                       stripped)
    if not _DIAL_ALLOWED_RE.fullmatch(target):
        bad = next(ch for ch in target if not _DIAL_ALLOWED_RE.fullmatch(ch))
        raise _invalid(
            NumberProblem.BAD_CHARACTER,
            f"{_quote(stripped)} cannot be dialled: «{bad}» cannot be part of a phone number",
            text, stripped, bad,
        )
    number = parse_phone(target, region)
    if number.is_extension:
        raise _invalid(NumberProblem.EXTENSION,
                       f"{_quote(stripped)} is an internal extension, not a full phone number",
                       text, stripped)
    return number.e164
