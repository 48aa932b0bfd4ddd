"""Phone parsing, canonical forms, match keys and click-to-call targets."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ringohunt_desktop.phone import (
    InvalidNumber,
    PhoneNumber,
    caller_e164,
    digits_only,
    display_number,
    match_key,
    parse_dial_target,
    parse_phone,
    search_variants,
    to_e164,
)
from ringohunt_desktop.simulator.people import KNOWN_CONTACTS, KnownContact

OLENA_FORMS = (
    "+380671234567",
    "380671234567",
    "0671234567",
    "067 123 45 67",
    "+38 (067) 123-45-67",
    "8 067 123 45 67",
    "(+38) 067 1234567",
    "0038 067 123 45 67",
    "+380 67 123 4567",
    "067\u00a0123\u00a045\u00a067",
    "067–123–45–67",
    "+380671234567 ext. 12",
    "067 123 45 67 доб. 5",
)


@pytest.mark.parametrize("text", OLENA_FORMS)
def test_every_human_format_parses_to_the_same_e164(text: str) -> None:
    assert parse_phone(text) == PhoneNumber("+380671234567", "UA", False)
    assert to_e164(text) == "+380671234567"
    assert match_key(text) == "+380671234567"


@pytest.mark.parametrize(
    ("text", "e164", "region"),
    [
        ("+48 22 123 45 67", "+48221234567", "PL"),
        ("00 48 22 123 45 67", "+48221234567", "PL"),
        ("+1 212 555 0123", "+12125550123", "US"),
        ("044 222 33 44", "+380442223344", "UA"),
    ],
)
def test_foreign_and_landline_numbers(text: str, e164: str, region: str) -> None:
    assert parse_phone(text) == PhoneNumber(e164, region, False)


def test_region_decides_numbers_without_country_code() -> None:
    assert to_e164("22 123 45 67", region="PL") == "+48221234567"
    with pytest.raises(InvalidNumber):
        to_e164("22 123 45 67")  # not a Ukrainian number


@pytest.mark.parametrize("text", ["101", "12", "54321", " 103 "])
def test_short_runs_of_digits_are_extensions(text: str) -> None:
    number = parse_phone(text)
    assert number.is_extension
    assert number.e164 == text.strip()
    assert number.region is None
    assert match_key(text) == f"ext:{text.strip()}"
    assert display_number(text) == text.strip()
    with pytest.raises(InvalidNumber, match="extension"):
        to_e164(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("abc", "letters"),
        ("067 123 45 67 Олена", "letters"),
        ("1-800-FLOWERS", "letters"),
        ("1", "not a phone number"),
        ("067 123 45 6", "not a valid"),
        ("+380 67 123 45 678", "not a valid"),
        ("1234567890123456789012", "too many digits"),
        ("0671234567; rm -rf /", "cannot be part"),
        ("067*123*45*67", "cannot be part"),
        ("067 123 + 45 67", "wrong place"),
        ("+380121234567", "not a valid"),
        ("x" * 500, "too long"),
    ],
)
def test_invalid_input_is_refused_with_a_clear_message(text: str, reason: str) -> None:
    with pytest.raises(InvalidNumber, match=reason) as caught:
        parse_phone(text)
    assert isinstance(caught.value, ValueError)
    assert "\n" not in str(caught.value)


def test_error_message_quotes_the_input() -> None:
    with pytest.raises(InvalidNumber) as caught:
        parse_phone("abc")
    assert str(caught.value) == "«abc» is not a phone number: it contains letters"


def test_display_number() -> None:
    assert display_number("0671234567") == "+380 67 123 4567"
    assert display_number("+48221234567") == "+48 22 123 45 67"
    assert display_number("  not a number ") == "not a number"
    assert display_number("+380671234567 ext. 12") == "+380 67 123 4567"


def test_search_variants() -> None:
    assert search_variants("+380671234567") == ["+380671234567", "380671234567", "0671234567"]
    assert search_variants("+48221234567") == ["+48221234567", "48221234567", "221234567"]
    assert search_variants("101") == ["101"]
    with pytest.raises(InvalidNumber):
        search_variants("nope")


def test_digits_only() -> None:
    assert digits_only("+38 (067) 123-45-67") == "380671234567"
    assert digits_only("１２３") == "123"
    assert digits_only("abc") == ""


# ---- match keys --------------------------------------------------------------------------

SAME = [
    ("+380671234567", "380671234567"),
    ("+380671234567", "0671234567"),
    ("0671234567", "067 123 45 67"),
    ("067 123 45 67", "+38 (067) 123-45-67"),
    ("8 067 123 45 67", "+380671234567"),
    ("+380442223344", "044 222 33 44"),
    ("+48 22 123 45 67", "0048221234567"),
    ("101", " 101"),
    ("48221234567", "+48 22 123 45 67"),  # Ringostat: international digits, no "+"
    # Unvalidated (unknown range) numbers still meet each other in every format.
    ("0121234567", "+380121234567"),
    ("380121234567", "+38 (012) 123-45-67"),
]
DIFFERENT = [
    ("+380671234567", "+380671234568"),
    ("+380671234567", "+380971234567"),
    ("0671234567", "+48671234567"),  # same national digits, different country
    ("+48221234567", "+380221234567"),
    ("101", "102"),
    ("101", "+380671234567"),
    ("0101", "101"),
    ("0121234567", "0671234567"),  # unvalidated vs valid
    ("+380442223344", "+380442223345"),
]


@pytest.mark.parametrize(("left", "right"), SAME)
def test_match_key_equal(left: str, right: str) -> None:
    assert match_key(left) is not None
    assert match_key(left) == match_key(right)


@pytest.mark.parametrize(("left", "right"), DIFFERENT)
def test_match_key_different(left: str, right: str) -> None:
    assert match_key(left) != match_key(right)


@pytest.mark.parametrize("text", ["", "abc", "Олена", "1", "--", "+", "067 12 Олена", "☎"])
def test_match_key_none_for_non_numbers(text: str) -> None:
    assert match_key(text) is None


def test_unvalidated_keys_never_collide_with_valid_ones() -> None:
    key = match_key("0121234567")
    assert key is not None
    assert key.startswith("~")


@pytest.mark.parametrize("contact", KNOWN_CONTACTS, ids=lambda contact: contact.key)
def test_every_known_crm_phone_has_a_valid_key(contact: KnownContact) -> None:
    for raw in contact.phones:
        assert (match_key(raw) or "").startswith("+"), raw


# ---- click-to-call -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "tel:+380671234567",
        "TEL:+380671234567",
        "tel:+38-067-123-45-67",
        "tel:+380671234567;ext=12",
        "tel:0671234567;phone-context=+380",
        "tel:%2B380671234567",
        "tel:+38%20(067)%20123%2045%2067",
        "callto:+380671234567",
        "callto://+380671234567",
        "callto:0671234567?call",
        "tel://+380671234567",
        " 067 123 45 67 ",
        "+380671234567",
    ],
)
def test_dial_targets_accepted(text: str) -> None:
    assert parse_dial_target(text) == "+380671234567"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("sip:101@pbx", "only tel: and callto:"),
        ("javascript:alert(1)", "only tel: and callto:"),
        ("http://example.com/+380671234567", "only tel: and callto:"),
        ("tel:+380671234567%3Brm%20-rf", "letters"),
        ("tel:+380671234567%26%26reboot", "letters"),
        ("tel:+380671234567%60", "cannot be part"),
        ("tel:+380671234567$(id)", "letters"),
        ("tel:+380671234567|sh", "letters"),
        ("tel:%0A+380671234567", "cannot be part"),
        ("0671234567 && ls", "letters"),
        ("067 123 45 67 ext 1", "letters"),
        ("tel:", "no phone number"),
        ("tel:;ext=1", "no phone number"),
        ("tel:101", "extension"),
        ("tel:+380121234567", "not a valid"),
        ("", "empty"),
    ],
)
def test_dial_targets_refused(text: str, reason: str) -> None:
    with pytest.raises(InvalidNumber, match=reason):
        parse_dial_target(text)


# ---- properties --------------------------------------------------------------------------

_UA_OPERATORS = ("67", "68", "96", "97", "98", "50", "66", "95", "99", "63", "73", "93", "44")


@st.composite
def ua_numbers(draw: st.DrawFn) -> str:
    operator = draw(st.sampled_from(_UA_OPERATORS))
    rest = draw(st.text("0123456789", min_size=7, max_size=7))
    return f"+380{operator}{rest}"


@st.composite
def written_forms(draw: st.DrawFn) -> tuple[str, str]:
    """(E.164, one way a human might write it)."""
    e164 = draw(ua_numbers())
    national = "0" + e164[4:]
    separator = draw(st.sampled_from(["", " ", "-", ".", "\u00a0"]))
    grouped = separator.join([national[:3], national[3:6], national[6:8], national[8:]])
    form = draw(
        st.sampled_from(
            [e164, e164[1:], national, grouped, f"+38 ({national[:3]}) {grouped[3:].strip()}",
             "8" + national, "0038" + national, f"  {grouped}  "]
        )
    )
    return e164, form


@settings(max_examples=3000)
@given(st.text(max_size=40))
def test_match_key_never_raises(text: str) -> None:
    key = match_key(text)
    assert key is None or isinstance(key, str)
    display_number(text)


@settings(max_examples=2000)
@given(st.text(alphabet=st.sampled_from("0123456789 +-()./xext#доб;:%tel"), max_size=30))
def test_parse_phone_returns_or_raises_invalid_number(text: str) -> None:
    try:
        number = parse_phone(text)
    except InvalidNumber:
        return
    if not number.is_extension:
        assert phonenumbers.is_valid_number(phonenumbers.parse(number.e164))


@settings(max_examples=2000)
@given(st.text(alphabet=st.sampled_from("0123456789 +-()%;:telcaTo/2B"), max_size=30))
def test_parse_dial_target_returns_e164_or_raises_invalid_number(text: str) -> None:
    try:
        e164 = parse_dial_target(text)
    except InvalidNumber:
        return
    assert e164.startswith("+")
    assert e164[1:].isdigit()


@settings(max_examples=2000)
@given(written_forms())
def test_every_written_form_has_the_same_key(pair: tuple[str, str]) -> None:
    e164, written = pair
    if phonenumbers.is_valid_number(phonenumbers.parse(e164)):
        assert match_key(written) == e164
        assert to_e164(written) == e164
    else:
        assert match_key(written) == match_key(e164)
        assert match_key(written) != match_key(e164[:-1] + str((int(e164[-1]) + 1) % 10))


@settings(max_examples=2000)
@given(st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)), st.integers(0, 10**9))
def test_e164_and_display_round_trip(region: str, seed: int) -> None:
    example = phonenumbers.example_number(region)
    if example is None:
        return
    # Vary the example's last digits; keep only the valid results.
    national = str(example.national_number)
    tail = str(seed)[-3:].rjust(3, "0")
    candidate = f"+{example.country_code}{national[:-3]}{tail}" if len(national) > 3 else ""
    try:
        number = parse_phone(candidate)
    except InvalidNumber:
        return
    assert parse_phone(number.e164) == number
    assert parse_phone(display_number(number.e164)).e164 == number.e164
    assert match_key(display_number(number.e164)) == number.e164
    assert search_variants(number.e164)[0] == number.e164


@pytest.mark.parametrize(("reported", "expected"), [
    ("380671234567", "+380671234567"),
    ("48221234567", "+48221234567"),
    ("0671234567", "+380671234567"),
    ("101", None),
    ("anonymous", None),
    ("", None),
])
def test_caller_e164_reads_numbers_as_telephony_reports_them(reported: str,
                                                             expected: str | None) -> None:
    assert caller_e164(reported) == expected
