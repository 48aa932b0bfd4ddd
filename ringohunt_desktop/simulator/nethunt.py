"""The simulated NetHunt CRM integration API (``nethunt-api.md`` §5).

Two folders, "Contacts" and "Deals", seeded from ``random.Random(options.seed)``: every
well-known contact from :mod:`people` first, then generated people with phones in the messy
formats real CRMs hold. Matching is deliberately at least as loose as NetHunt's own search
(§2.4), so the client's verification of hits is exercised, not bypassed.

The "Open in CRM" link is built here independently of the client's builder on purpose: the
simulator stands for the real service, and sharing code would hide a wrong format on both sides.
"""

from __future__ import annotations

import base64
import hmac
import json
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ringohunt_desktop.core.summaries import format_ai_comment
from ringohunt_desktop.simulator.people import (
    AGENTS,
    AI_DELAY_SECONDS,
    AI_SUMMARY,
    HYGIENE_CONTACTS,
    KNOWN_CONTACTS,
    UNKNOWN_NUMBER,
    KnownContact,
    agent_by_identity,
)
from ringohunt_desktop.simulator.server import (
    NETHUNT_PREFIX,
    Handler,
    Request,
    Response,
    Route,
    SimState,
)

if TYPE_CHECKING:
    from ringohunt_desktop.simulator import SimCredentials, SimOptions

SERVICE = "nethunt"
WORKSPACE_ID = "5e1f0c0ffee0ddba11ab1e00"  # fake, fixed: links stay stable across runs
CONTACTS = "Contacts"
DEALS = "Deals"
FOLDER_IDS = {CONTACTS: "65a1c0ffee0000000000c0c1", DEALS: "65a1c0ffee0000000000dea1"}
FOLDER_NAMES = {folder_id: name for name, folder_id in FOLDER_IDS.items()}
FOLDER_FIELDS: dict[str, tuple[str, ...]] = {
    CONTACTS: ("Name", "Phone", "Email", "Company", "Responsible",
               "Джерело", "Канал", "Кампанія", "Ключове слово"),
    DEALS: ("Name", "Phone", "Stage", "Amount", "Responsible"),
}
MULTI_VALUE_FIELDS = frozenset({"Phone", "Email", "Responsible"})  # read and stored as lists

AUTH_FAILED_TEXT = "Your email address or API key does not appear to be valid"
MISSING_SEARCH_TEXT = "Please enter either Record ID or Search Query"
DEFAULT_FIND_LIMIT = 20
SEED_SPAN_SECONDS = 730 * 24 * 3600  # seeded records were created over the past ~2 years


# --- data ---------------------------------------------------------------------------------

@dataclass(slots=True)
class SimRecord:
    record_id: str
    folder_id: str
    created_at: float  # epoch seconds, millisecond precision
    updated_at: float
    fields: dict[str, Any]
    changed_fields: frozenset[str] = frozenset()  # touched by the last update (fieldName filter)
    search_index: dict[str, tuple[str, str]] | None = None  # field -> (lower text, digits)


@dataclass(slots=True)
class FeedItem:
    """A comment, call log or record change: when, where, and the JSON the feed returns."""

    at: float
    folder_id: str
    record_id: str
    body: dict[str, Any]


@dataclass
class NetHuntData:
    """Everything the simulated NetHunt holds. Mutate only under ``SimState.lock``."""

    rng: random.Random
    find_empty_as_404: bool = False
    feed_cap: int = 10000
    # Documented-unknown behaviours `check --deep` probes, switchable (nethunt-api.md §6):
    phone_search_exact: bool = False  # a phone query matches only the stored text, not digits
    feed_oldest_first: bool = False  # triggers answer oldest first instead of newest first
    records: dict[str, SimRecord] = field(default_factory=dict)  # in creation order
    comments: list[FeedItem] = field(default_factory=list)
    # "Call processed by AI": the set-up writes each answered call's summary as a comment on
    # the contact (only calls from the simulator's start on; history has none).
    ai_since: float = 0.0
    ai_done: set[str] = field(default_factory=set)
    call_logs: list[FeedItem] = field(default_factory=list)
    changes: list[FeedItem] = field(default_factory=list)  # API-made only: seeds have no history

    def new_id(self) -> str:
        # Drawn from the seeded generator (not ``secrets``) so one seed gives the same ids.
        return f"{self.rng.getrandbits(96):024x}"

    def folder_id(self, name: str) -> str:
        return FOLDER_IDS[name]

    def add_record(self, folder_name: str, fields: dict[str, Any],
                   created_at: float) -> SimRecord:
        record = SimRecord(self.new_id(), FOLDER_IDS[folder_name], created_at, created_at,
                           clean_fields(fields))
        self.records[record.record_id] = record
        return record

    def in_folder(self, folder_id: str) -> Iterable[SimRecord]:
        return (r for r in self.records.values() if r.folder_id == folder_id)

    def records_in(self, folder_name: str) -> list[dict[str, Any]]:
        """Every record of a folder as the API shows it, plus ``folderId`` (for tests)."""
        return [{**record_json(r), "folderId": r.folder_id}
                for r in self.in_folder(FOLDER_IDS[folder_name])]

    def record(self, record_id: str) -> dict[str, Any] | None:
        found = self.records.get(record_id)
        return None if found is None else record_json(found)

    def comments_on(self, record_id: str) -> list[dict[str, Any]]:
        return [dict(c.body) for c in self.comments if c.record_id == record_id]

    def call_logs_on(self, record_id: str) -> list[dict[str, Any]]:
        return [dict(c.body) for c in self.call_logs if c.record_id == record_id]


def clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Fields as NetHunt keeps them: empty values omitted, multi-value fields as lists."""
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        if name in MULTI_VALUE_FIELDS:
            items = value if isinstance(value, list) else [value]
            value = [str(v) for v in items if v is not None and str(v).strip()]
        if value is None or value == "" or value == []:
            continue
        cleaned[name] = value
    return cleaned


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def parse_iso(text: str) -> float:
    """An ISO-8601 time (``Z`` or offset; naive means UTC) as epoch seconds; else ValueError."""
    when = datetime.fromisoformat(text.strip())
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def link(folder_id: str, record_id: str) -> str:
    payload = {"workspaceId": WORKSPACE_ID, "folderId": folder_id, "recordId": record_id,
               "recordPage": {"recordId": record_id}}
    compact = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    return "https://nethunt.com/web/#nethunt/" + base64.b64encode(compact).decode("ascii")


def record_json(record: SimRecord) -> dict[str, Any]:
    return {
        "id": record.record_id,
        "recordId": record.record_id,
        "createdAt": iso(record.created_at),
        "updatedAt": iso(record.updated_at),
        "link": link(record.folder_id, record.record_id),
        "fields": {k: list(v) if isinstance(v, list) else v for k, v in record.fields.items()},
    }


# --- loose search (nethunt-api.md §2.4) -----------------------------------------------------

_QUOTED_SCOPE = re.compile(r'^\s*"([^"]+)"\s*:\s*"(.*)"\s*$', re.DOTALL)
_BARE_SCOPE = re.compile(r"^\s*([^\s:\"]+)\s*:\s*(.+?)\s*$", re.DOTALL)
_PHONE_LIKE = re.compile(r"^[\d\s()+\-.]*\d[\d\s()+\-.]*$")
_NON_DIGITS = re.compile(r"\D")


def parse_query(query: str, field_names: Iterable[str]) -> tuple[str | None, str]:
    """``"F":"v"`` or ``F:v`` (F a field of the folder) → (F, v); anything else → (None, q)."""
    known = {name.lower(): name for name in field_names}
    for pattern in (_QUOTED_SCOPE, _BARE_SCOPE):
        match = pattern.match(query)
        if match and match.group(1).lower() in known:
            return known[match.group(1).lower()], match.group(2).strip().strip('"')
    return None, query.strip().strip('"')


def _searchable(record: SimRecord, name: str) -> tuple[str, str]:
    """A field's lower-cased text (lists joined) and its digits, cached until the next update.

    Per field and on demand, so the first phone search over 100,000 records stays quick.
    """
    if record.search_index is None:
        record.search_index = {}
    cached = record.search_index.get(name)
    if cached is None:
        value = record.fields[name]
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        cached = record.search_index[name] = (text.lower(), _NON_DIGITS.sub("", text))
    return cached


def matches(record: SimRecord, scope: str | None, wanted: str, *,
            by_digits: bool = True) -> bool:
    """Case-insensitive substring of any (or the scoped) field; phone-like values by digits
    (unless ``by_digits`` is off: the "only the stored text" variant)."""
    needle = wanted.lower()
    digits = _NON_DIGITS.sub("", wanted) if by_digits and _PHONE_LIKE.match(wanted) else ""
    names = record.fields if scope is None else [scope] if scope in record.fields else []
    for name in names:
        text, value_digits = _searchable(record, name)
        if needle in text or (digits and digits in value_digits):
            return True
    return False


# --- seeded data --------------------------------------------------------------------------

_UA_FIRST = (("Олена", "olena"), ("Андрій", "andrii"), ("Тарас", "taras"), ("Ірина", "iryna"),
             ("Максим", "maksym"), ("Оксана", "oksana"), ("Дмитро", "dmytro"),
             ("Юлія", "yuliia"), ("Богдан", "bohdan"), ("Світлана", "svitlana"),
             ("Олександр", "oleksandr"), ("Наталія", "nataliia"), ("Сергій", "serhii"),
             ("Катерина", "kateryna"), ("Василь", "vasyl"), ("Галина", "halyna"))
_UA_LAST = (("Шевченко", "shevchenko"), ("Бондаренко", "bondarenko"), ("Ткаченко", "tkachenko"),
            ("Кравчук", "kravchuk"), ("Мельник", "melnyk"), ("Олійник", "oliinyk"),
            ("Лисенко", "lysenko"), ("Гнатюк", "hnatiuk"), ("Поліщук", "polishchuk"),
            ("Савченко", "savchenko"), ("Руденко", "rudenko"), ("Марченко", "marchenko"))
_EN_FIRST = ("James", "Emma", "Oliver", "Sophie", "Daniel", "Grace", "Thomas", "Chloe",
             "Michael", "Laura")
_EN_LAST = ("Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clarke", "Walker", "Hughes",
            "Green", "Baker")
_COMPANIES = ("ТОВ Зоря", "ФОП Іваненко", "Agro Trade LLC", "Київ Логістик", "Smart Home UA",
              "ПП Світанок", "Nova Furniture", "Dnipro Steel", "Львівська кава", "BrightDent")
_DOMAINS = ("gmail.com", "ukr.net", "i.ua", "outlook.com", "meta.ua")
_UTM = (("google", "cpc", "spring_sale", "купити диван"), ("facebook", "paid_social",
        "retargeting", ""), ("instagram", "stories", "new_collection", ""),
        ("google", "organic", "", ""), ("email", "newsletter", "weekly_digest", ""),
        ("google", "cpc", "brand", "demo shop"))
_STAGES = ("Нова", "Переговори", "Рахунок виставлено", "Виграно", "Програно")
_PRODUCTS = ("Оптове замовлення", "Диван Loft", "Монтаж кухні", "Сервісний договір",
             "Доставка по Україні")
_MOBILE_CODES = ("50", "66", "95", "99", "67", "68", "96", "97", "98", "63", "73", "93")
# The shapes numbers take in real folders: international, bare, spaced, decorated, national.
_PHONE_FORMATS: tuple[Callable[[str], str], ...] = (
    lambda n: f"+380{n}",
    lambda n: f"380{n}",
    lambda n: f"0{n[:2]} {n[2:5]} {n[5:7]} {n[7:]}",
    lambda n: f"+38 (0{n[:2]}) {n[2:5]}-{n[5:7]}-{n[7:]}",
    lambda n: f"0{n}",
)
_PHONE_FORMAT_WEIGHTS = (40, 15, 15, 15, 15)


class _Seeder:
    """Generates the seeded folders; ~1 s for 100,000 contacts."""

    def __init__(self, data: NetHuntData, now: float) -> None:
        self.data = data
        self.rng = data.rng
        self.now = now
        # National significant numbers (last 9 digits) already taken: generated numbers must
        # never collide with the ones tests rely on, nor with each other by accident.
        self.used = {_NON_DIGITS.sub("", p)[-9:]
                     for c in (*KNOWN_CONTACTS, *HYGIENE_CONTACTS) for p in c.phones}
        self.used.add(_NON_DIGITS.sub("", UNKNOWN_NUMBER)[-9:])
        self.contact_numbers: list[str] = []

    def created_at(self) -> float:
        return round(self.now - self.rng.uniform(60, SEED_SPAN_SECONDS), 3)

    def fresh_number(self) -> str:
        while True:
            nsn = self.rng.choice(_MOBILE_CODES) + f"{self.rng.randrange(10**7):07d}"
            if nsn not in self.used:
                self.used.add(nsn)
                return nsn

    def formatted(self, nsn: str) -> str:
        return self.rng.choices(_PHONE_FORMATS, _PHONE_FORMAT_WEIGHTS)[0](nsn)

    def add(self, folder: str, fields: dict[str, Any]) -> None:
        record = self.data.add_record(folder, fields, self.created_at())
        if self.rng.random() < 0.3:  # some were edited since
            record.updated_at = round(self.rng.uniform(record.created_at, self.now), 3)
            record.changed_fields = frozenset(record.fields)

    def known(self, contacts: Iterable[KnownContact] = KNOWN_CONTACTS) -> None:
        for contact in contacts:
            self.add(contact.folder, {
                "Name": contact.name, "Phone": list(contact.phones), "Company": contact.company,
                "Responsible": [contact.manager_email],
            })

    def person(self) -> tuple[str, str]:
        """A display name and the latin handle its e-mail is made from."""
        rng = self.rng
        if rng.random() < 0.7:
            (first, first_latin), (last, last_latin) = rng.choice(_UA_FIRST), rng.choice(_UA_LAST)
            return f"{first} {last}", f"{first_latin}.{last_latin}"
        first, last = rng.choice(_EN_FIRST), rng.choice(_EN_LAST)
        return f"{first} {last}", f"{first}.{last}".lower()

    def contact(self) -> None:
        rng = self.rng
        name, handle = self.person()
        count = 1 if rng.random() >= 0.15 else rng.choice((2, 2, 3))
        numbers = [self.fresh_number() for _ in range(count)]
        if self.contact_numbers and rng.random() < 0.01:
            # A number shared with one earlier contact (a family or office line); taken out of
            # the pool so no number ends up on three contacts.
            numbers[0] = self.contact_numbers.pop(rng.randrange(len(self.contact_numbers)))
        else:
            self.contact_numbers.append(numbers[0])
        fields: dict[str, Any] = {
            "Name": name,
            "Phone": [self.formatted(n) for n in numbers],
            "Email": [f"{handle}{rng.randrange(100)}@{rng.choice(_DOMAINS)}"]
            if rng.random() < 0.6 else [],
            "Company": rng.choice(_COMPANIES) if rng.random() < 0.4 else "",
            "Responsible": [rng.choice(AGENTS).email] if rng.random() < 0.9 else [],
        }
        if rng.random() < 0.3:
            source, medium, campaign, keyword = rng.choice(_UTM)
            fields |= {"Джерело": source, "Канал": medium, "Кампанія": campaign,
                       "Ключове слово": keyword}
        self.add(CONTACTS, fields)

    def deal(self, number: int) -> None:
        rng = self.rng
        # Half the deals reuse a contact's number; the rest carry numbers found only in Deals.
        nsn = (rng.choice(self.contact_numbers) if self.contact_numbers and rng.random() < 0.5
               else self.fresh_number())
        self.add(DEALS, {
            "Name": f"Угода #{1000 + number}: {rng.choice(_PRODUCTS)}",
            "Phone": [self.formatted(nsn)],
            "Stage": rng.choice(_STAGES),
            "Amount": rng.randrange(500, 50000),
            "Responsible": [rng.choice(AGENTS).email],
        })


def seed(data: NetHuntData, options: SimOptions, now: float) -> None:
    seeder = _Seeder(data, now)
    seeder.known()
    extra = HYGIENE_CONTACTS if options.hygiene_examples else ()
    seeder.known(extra)
    known_in = {name: sum(c.folder == name for c in (*KNOWN_CONTACTS, *extra))
                for name in FOLDER_IDS}
    for _ in range(options.contacts - known_in[CONTACTS]):
        seeder.contact()
    for number in range(options.deals - known_in[DEALS]):
        seeder.deal(number)


# --- routes -------------------------------------------------------------------------------

class _Reply(Exception):
    """Raised inside a handler to answer at once (an error status, usually)."""

    def __init__(self, response: Response) -> None:
        super().__init__(response.status)
        self.response = response


def _text_error(status: int, text: str) -> _Reply:
    return _Reply(Response.text(text, status))


def _int_arg(request: Request, name: str, default: int) -> int:
    value = int(request.arg(name) or default)
    if value < 1:
        raise ValueError(f"{name} must be a positive integer")
    return value


class _NetHuntApi:
    def __init__(self, state: SimState, data: NetHuntData, creds: SimCredentials) -> None:
        self.state = state
        self.data = data
        self.creds = creds

    # -- plumbing

    def guarded(self, handler: Callable[[Request], Response]) -> Handler:
        """Check Basic auth, hold the lock, turn :class:`_Reply` into the answer."""

        def run(request: Request, state: SimState) -> Response:
            with state.lock:
                if not self.authorised(request):
                    return Response.text(AUTH_FAILED_TEXT, 401)
                try:
                    return handler(request)
                except _Reply as reply:
                    return reply.response

        return run

    def authorised(self, request: Request) -> bool:
        if self.state.faults[SERVICE].auth_revoked:
            return False
        scheme, _, encoded = (request.header("authorization") or "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            email, _, key = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
        except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
            return False
        return (email.strip().lower() == self.creds.nethunt_email.lower()
                and hmac.compare_digest(key.encode(), self.creds.nethunt_api_key.encode()))

    def now(self) -> float:
        return round(self.state.clock(), 3)

    def user(self) -> dict[str, str]:
        email = self.creds.nethunt_email
        agent = agent_by_identity(email)
        name = agent.name if agent else email.split("@")[0].replace(".", " ").title()
        return {"personalName": name, "emailAddress": email}

    def folder(self, request: Request) -> str:
        assert request.match is not None
        folder_id = request.match.group(1)
        if folder_id not in FOLDER_IDS.values():
            raise _text_error(404, "Folder not found")
        return folder_id

    def target(self, request: Request) -> SimRecord:
        assert request.match is not None
        record = self.data.records.get(request.match.group(1))
        if record is None:
            raise _text_error(404, "Record not found")
        return record

    @staticmethod
    def body(request: Request) -> dict[str, Any]:
        payload = request.json()
        if not isinstance(payload, dict):
            raise _text_error(400, "Request body must be a JSON object")
        return payload

    def feed(self, request: Request, items: Iterable[Any],
             when: Callable[[Any], float]) -> list[Any]:
        """Newer than ``since``, newest first, cut at ``limit`` and at the feed cap."""
        since_text = request.arg("since")
        since = parse_iso(since_text) if since_text else None
        cap = min(_int_arg(request, "limit", self.data.feed_cap), self.data.feed_cap)
        newer = [item for item in items if since is None or when(item) > since]
        return sorted(newer, key=when, reverse=not self.data.feed_oldest_first)[:cap]

    def change(self, record: SimRecord, action: str, field_actions: dict[str, Any]) -> None:
        self.data.changes.append(FeedItem(record.updated_at, record.folder_id, record.record_id, {
            "id": self.data.new_id(), "recordId": record.record_id, "time": iso(record.updated_at),
            "user": self.user(), "recordAction": action, "fieldActions": field_actions,
        }))

    # -- triggers and searches

    def auth_test(self, _request: Request) -> Response:
        return Response.json([{"user": self.user()}])

    def folders(self, _request: Request) -> Response:
        return Response.json([{"id": folder_id, "name": name}
                              for name, folder_id in FOLDER_IDS.items()])

    def folder_fields(self, request: Request) -> Response:
        folder_id = self.folder(request)
        return Response.json([{"name": f} for f in FOLDER_FIELDS[FOLDER_NAMES[folder_id]]])

    def find_record(self, request: Request) -> Response:
        folder_id = self.folder(request)
        record_id, query = request.arg("recordId"), request.arg("query")
        limit = _int_arg(request, "limit", DEFAULT_FIND_LIMIT)
        if record_id:
            found = self.data.records.get(record_id)
            hits = [found] if found is not None and found.folder_id == folder_id else []
        elif query:
            scope, wanted = parse_query(query, FOLDER_FIELDS[FOLDER_NAMES[folder_id]])
            hits = []
            for record in self.data.in_folder(folder_id):
                if matches(record, scope, wanted, by_digits=not self.data.phone_search_exact):
                    hits.append(record)
                    if len(hits) >= limit:
                        break
        else:
            raise _text_error(400, MISSING_SEARCH_TEXT)
        if not hits and self.data.find_empty_as_404:
            raise _text_error(404, "Not Found")
        return Response.json([record_json(r) for r in hits])

    def new_records(self, request: Request) -> Response:
        items = self.feed(request, self.data.in_folder(self.folder(request)),
                          lambda r: r.created_at)
        return Response.json([record_json(r) for r in items])

    def updated_records(self, request: Request) -> Response:
        wanted = set(request.args("fieldName"))
        updated = (r for r in self.data.in_folder(self.folder(request))
                   if r.updated_at > r.created_at and (not wanted or wanted & r.changed_fields))
        items = self.feed(request, updated, lambda r: r.updated_at)
        return Response.json([record_json(r) for r in items])

    def feed_items(self, source: Callable[[], list[FeedItem]]) -> Callable[[Request], Response]:
        def handler(request: Request) -> Response:
            folder_id = self.folder(request)
            items = self.feed(request, (i for i in source() if i.folder_id == folder_id),
                              lambda i: i.at)
            return Response.json([i.body for i in items])

        return handler

    def record_changes(self, request: Request) -> Response:
        folder_id = self.folder(request)
        record_id, wanted = request.arg("recordId"), set(request.args("fieldName"))
        changes = (c for c in self.data.changes if c.folder_id == folder_id
                   and (not record_id or c.record_id == record_id)
                   and (not wanted or wanted & set(c.body["fieldActions"])))
        return Response.json([c.body for c in self.feed(request, changes, lambda c: c.at)])

    # -- actions

    def create_record(self, request: Request) -> Response:
        folder_id = self.folder(request)
        body = self.body(request)
        time_zone, fields = body.get("timeZone"), body.get("fields")
        if not isinstance(time_zone, str) or not time_zone or not isinstance(fields, dict):
            raise _text_error(400, "Both timeZone and fields are required")
        try:
            ZoneInfo(time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise _text_error(400, f"Unknown time zone: {time_zone}") from exc
        name = FOLDER_NAMES[folder_id]
        # Unknown field names are dropped, as a folder's schema would (undocumented, §2.5).
        known = {k: v for k, v in fields.items() if k in FOLDER_FIELDS[name]}
        record = self.data.add_record(name, known, self.now())
        self.change(record, "CREATE", {k: {"add": v} for k, v in record.fields.items()})
        shown = record_json(record)
        return Response.json({k: shown[k] for k in ("recordId", "createdAt", "fields", "link")})

    def update_record(self, request: Request) -> Response:
        actions = self.body(request).get("fieldActions")
        if not isinstance(actions, dict) or not all(isinstance(a, dict)
                                                    for a in actions.values()):
            # What the real service does with an array of actions (§1.4): a bare 500.
            raise _text_error(500, "Internal Server Error")
        record = self.target(request)
        default_overwrite = (request.arg("overwrite") or "false").lower() == "true"
        fields = dict(record.fields)
        known = FOLDER_FIELDS[FOLDER_NAMES[record.folder_id]]
        for name, action in actions.items():
            if name not in known:  # dropped, as on create
                continue
            overwrite = bool(action.get("overwrite", default_overwrite))
            fields[name] = apply_action(fields.get(name), action, name in MULTI_VALUE_FIELDS,
                                        overwrite)
        record.fields = clean_fields(fields)
        record.updated_at = max(self.now(), record.updated_at)
        record.changed_fields = frozenset(actions)
        record.search_index = None
        self.change(record, "UPDATE", actions)
        shown = record_json(record)
        return Response.json({k: shown[k] for k in ("recordId", "updatedAt", "fields")})

    def comments_with_ai(self) -> list[FeedItem]:
        """The comments, with the AI's comment on each answered call that ended a little
        ago and whose client is a contact (read from the Ringostat simulator, duck-typed)."""
        calls: Any = getattr(self.state.services.get("ringostat"), "calls", None) or ()
        now = self.now()
        pending = [call for call in calls if call.ring_at >= self.data.ai_since
                   and call.call_id not in self.data.ai_done
                   and call.end_at + AI_DELAY_SECONDS <= now]
        if pending:
            contacts: dict[str, SimRecord] = {}
            for record in self.data.in_folder(self.data.folder_id("Contacts")):
                for phone in record.fields.get("Phone") or ():
                    digits = _NON_DIGITS.sub("", str(phone))
                    if len(digits) >= 9:
                        contacts.setdefault(digits[-9:], record)
            for call in pending:
                self.data.ai_done.add(call.call_id)
                contact = contacts.get(str(call.client_number)[-9:])
                if call.answer_at is None or contact is None:
                    continue
                at = round(call.end_at + AI_DELAY_SECONDS, 3)
                comment_id = self.data.new_id()
                self.data.comments.append(FeedItem(at, contact.folder_id, contact.record_id, {
                    "id": comment_id, "commentId": comment_id, "recordId": contact.record_id,
                    "text": format_ai_comment(
                        call.call_id, AI_SUMMARY, customer_mood="позитивний",
                        employee_mood="нейтральний", overall_mood="позитивний",
                        actions="надіслати рахунок"),
                    "createdAt": iso(at)}))
        return self.data.comments

    def create_comment(self, request: Request) -> Response:
        record = self.target(request)
        text = self.body(request).get("text")
        if not isinstance(text, str) or not text:
            raise _text_error(400, "text is required")
        at = self.now()
        comment_id = self.data.new_id()
        self.data.comments.append(FeedItem(at, record.folder_id, record.record_id, {
            "id": comment_id, "commentId": comment_id, "recordId": record.record_id,
            "text": text, "createdAt": iso(at)}))
        return Response.json({"commentId": comment_id, "createdAt": iso(at)})

    def create_call_log(self, request: Request) -> Response:
        record = self.target(request)
        body = self.body(request)
        text, time_text, duration = body.get("text"), body.get("time"), body.get("duration")
        if not isinstance(text, str) or not text:
            raise _text_error(400, "text is required")
        if duration is not None and (isinstance(duration, bool)
                                     or not isinstance(duration, int | float) or duration < 0):
            raise _text_error(400, "duration must be a number of minutes")
        at = self.now()
        started = parse_iso(time_text) if isinstance(time_text, str) and time_text else at
        ended = started + timedelta(minutes=duration or 0).total_seconds()
        call_log_id = self.data.new_id()
        self.data.call_logs.append(FeedItem(at, record.folder_id, record.record_id, {
            "callLogId": call_log_id, "recordId": record.record_id, "createdAt": iso(at),
            "text": text, "duration": duration, "time": iso(started), "endTime": iso(ended)}))
        return Response.json({"callLogId": call_log_id, "createdAt": iso(at)})

    # -- control (/_sim/nethunt/...)

    def control_records(self, request: Request, state: SimState) -> Response:
        folder = request.arg("folder", CONTACTS) or CONTACTS
        if folder not in FOLDER_IDS:
            return Response.json({"message": f"unknown folder {folder!r}"}, 404)
        with state.lock:
            return Response.json(self.data.records_in(folder))

    def control_config(self, request: Request, state: SimState) -> Response:
        payload = request.json() or {}
        switches = {"find_empty_as_404", "phone_search_exact", "feed_oldest_first"}
        if not isinstance(payload, dict) or set(payload) - {*switches, "feed_cap"}:
            raise ValueError("expected {find_empty_as_404?, phone_search_exact?, "
                             "feed_oldest_first?: bool, feed_cap?: int}")
        with state.lock:
            for name in switches & set(payload):
                setattr(self.data, name, bool(payload[name]))
            if "feed_cap" in payload:
                self.data.feed_cap = max(1, int(payload["feed_cap"]))
            return Response.json({**{name: getattr(self.data, name) for name in sorted(switches)},
                                  "feed_cap": self.data.feed_cap})


def _as_list(value: Any) -> list[Any]:
    return [] if value is None else list(value) if isinstance(value, list) else [value]


def apply_action(current: Any, action: dict[str, Any], multi: bool, overwrite: bool) -> Any:
    """One ``fieldActions`` entry (§2.6): overwrite clears first, then remove, then add.

    A single-value field ends up holding the last value added, which is how ``add`` "sets"
    it; a multi-value field keeps every value once.
    """
    removed = _as_list(action.get("remove"))
    values = [v for v in ([] if overwrite else _as_list(current)) if v not in removed]
    for value in _as_list(action.get("add")):
        if value not in values:
            values.append(value)
    if multi:
        return values
    return values[-1] if values else None


def install(state: SimState, creds: SimCredentials, options: SimOptions) -> list[Route]:
    """Seed the folders into ``state.services["nethunt"]`` and return the routes."""
    data = NetHuntData(random.Random(options.seed), find_empty_as_404=options.find_empty_as_404,
                       feed_cap=options.feed_cap)
    with state.lock:
        seed(data, options, round(state.clock(), 3))
        data.ai_since = round(state.clock(), 3)
        state.services[SERVICE] = data
    api = _NetHuntApi(state, data, creds)
    hexid = "([0-9a-f]{24})"
    routes = [
        ("GET", "/triggers/auth-test", api.auth_test),
        ("GET", "/triggers/readable-folder", api.folders),
        ("GET", "/triggers/writable-folder", api.folders),
        ("GET", f"/triggers/folder-field/{hexid}", api.folder_fields),
        ("GET", f"/searches/find-record/{hexid}", api.find_record),
        ("GET", f"/triggers/new-record/{hexid}", api.new_records),
        ("GET", f"/triggers/updated-record/{hexid}", api.updated_records),
        ("GET", f"/triggers/new-comment/{hexid}", api.feed_items(api.comments_with_ai)),
        ("GET", f"/triggers/new-call-log/{hexid}", api.feed_items(lambda: data.call_logs)),
        ("GET", f"/triggers/record-change/{hexid}", api.record_changes),
        ("POST", f"/actions/create-record/{hexid}", api.create_record),
        ("POST", f"/actions/update-record/{hexid}", api.update_record),
        ("POST", f"/actions/create-comment/{hexid}", api.create_comment),
        ("POST", f"/actions/create-call-log/{hexid}", api.create_call_log),
    ]
    return [
        *(Route.make(SERVICE, method, NETHUNT_PREFIX + path, api.guarded(handler))
          for method, path, handler in routes),
        Route.make("control", "GET", "/_sim/nethunt/records", api.control_records),
        Route.make("control", "POST", "/_sim/nethunt/config", api.control_config),
    ]
