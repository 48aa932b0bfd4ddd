"""The people both simulated services share: agents (Ringostat staff who are also NetHunt
users) and a handful of well-known contacts whose numbers tests rely on.

The well-known entries exist whatever the seed and size; the rest of the data is generated
from the seed around them.
"""

from __future__ import annotations

from dataclasses import dataclass

PROJECT_SLUG = "demoshopua"  # SIP logins are "<project slug>_<name>" (ringostat-api.md §5.1)
TRACKING_NUMBER = "380441110000"  # the project's number clients dial


@dataclass(frozen=True, slots=True)
class Agent:
    staff_id: int
    name: str
    email: str
    extension: str
    sip_login: str
    department: str


AGENTS: tuple[Agent, ...] = (
    Agent(4321, "Петренко Олена", "olena@demo-shop.ua", "101", f"{PROJECT_SLUG}_olena", "Продажі"),
    Agent(4322, "Коваленко Андрій", "andrii@demo-shop.ua", "102", f"{PROJECT_SLUG}_andrii",
          "Продажі"),
    Agent(4323, "Sarah Miller", "sarah@demo-shop.ua", "103", f"{PROJECT_SLUG}_sarah", "Support"),
    Agent(4324, "Шевчук Ірина", "iryna@demo-shop.ua", "104", f"{PROJECT_SLUG}_iryna", "Support"),
)


@dataclass(frozen=True, slots=True)
class KnownContact:
    key: str  # how tests refer to it
    name: str
    phones: tuple[str, ...]  # exactly as stored in the CRM (messy on purpose)
    company: str = ""
    manager_email: str = ""
    folder: str = "Contacts"


# The canonical number each entry is reached on, in E.164, is in the comment.
KNOWN_CONTACTS: tuple[KnownContact, ...] = (
    KnownContact("olena_koval", "Олена Коваль", ("+380671234567",), "Квіткова крамниця",
                 "olena@demo-shop.ua"),  # +380671234567
    KnownContact("ivan_petrenko", "Ivan Petrenko", ("380501112233", "067 765 43 21"),
                 "Petrenko & Sons", "andrii@demo-shop.ua"),  # +380501112233, +380677654321
    KnownContact("natalia_bondar", "Наталія Бондар", ("+38 (063) 555-12-34",), "",
                 "olena@demo-shop.ua"),  # +380635551234
    KnownContact("romashka_andrii", "Андрій Мельник (ТОВ Ромашка)", ("+380442223344",),
                 "ТОВ Ромашка", "olena@demo-shop.ua"),  # shared: +380442223344
    KnownContact("romashka_maria", "Марія Савчук (ТОВ Ромашка)", ("044 222 33 44", "0991112233"),
                 "ТОВ Ромашка", "andrii@demo-shop.ua"),  # shared: +380442223344
    KnownContact("markup", "<b>Bold</b> <img src=x onerror=alert(1)> Тест", ("0731234567",),
                 "<i>Evil Corp</i>", "sarah@demo-shop.ua"),  # +380731234567
    KnownContact("warsaw", "Jan Kowalski", ("+48 22 123 45 67",), "Kowalski Sp. z o.o.",
                 "sarah@demo-shop.ua"),  # +48221234567 (foreign)
    KnownContact("deal_only", "Угода: Оптове замовлення", ("+380939998877",), "",
                 "iryna@demo-shop.ua", folder="Deals"),  # +380939998877 exists only in Deals
)

# "Call processed by AI": how long after an answered call ends, and what the AI says (the
# ai_processed webhook and the comment the set-up writes on the contact in NetHunt).
AI_DELAY_SECONDS = 2.0
AI_SUMMARY = "Клієнт уточнив умови доставки; перезвонити завтра."

# A number that is in no folder at all.
UNKNOWN_NUMBER = "+380960001122"


def known(key: str) -> KnownContact:
    for contact in KNOWN_CONTACTS:
        if contact.key == key:
            return contact
    raise KeyError(key)


def agent_by_identity(identity: str) -> Agent | None:
    """An agent by e-mail, SIP login or extension (case-insensitive)."""
    wanted = identity.strip().lower()
    for agent in AGENTS:
        if wanted in (agent.email.lower(), agent.sip_login.lower(), agent.extension):
            return agent
    return None


# Phone-field messes a real Contacts folder holds (issue 15), seeded with
# ``SimOptions(hygiene_examples=True)``: one entry per kind the hygiene audit reports.
HYGIENE_CONTACTS: tuple[KnownContact, ...] = (
    # Not in international form, certain: national, spaced, bracketed, digits, old trunk "8".
    KnownContact("h_national", "Оксана Лисенко", ("067 111 22 01",)),
    KnownContact("h_brackets", "Тарас Гнатюк", ("(063) 111-22-02",)),
    KnownContact("h_digits", "Ірина Мельник", ("380501112203",)),
    KnownContact("h_old_trunk", "Богдан Руденко", ("8067 111 22 04", "+380931112204")),
    KnownContact("h_spaced_plus", "Grace Hughes", ("+38 (099) 111-22-05",)),
    # Not in international form, unsure: an extension, foreign digits, an unknown range.
    KnownContact("h_extension", "Дмитро Савченко", ("044 111 22 06 доб. 12",)),
    KnownContact("h_foreign_digits", "Anna Nowak", ("48221112207",)),
    KnownContact("h_unverified", "Василь Кравчук", ("020 111 22 08",)),
    # Not phone numbers at all; hostile text included.
    KnownContact("h_not_number", "Галина Олійник", ("n/a", "ivan@example.com")),
    KnownContact("h_internal", "Reception desk", ("101",)),
    KnownContact("h_bidi", "\u202eевтсилаГ\u202c Поліщук", ("\u202e0671112209\u0007",)),
    KnownContact("h_huge", "Max " + "Long" * 50, ("1" * 5000,)),
    # One person twice, and a switchboard on several contacts.
    KnownContact("h_twice_a", "Світлана Ткаченко", ("+380671112210",)),
    KnownContact("h_twice_b", "Ткаченко Світлана", ("067 111 22 10",)),
    KnownContact("h_board_1", "Петро Зорянський", ("+380441112211",), "ТОВ Зоря"),
    KnownContact("h_board_2", "Марина Зорянська", ("(044) 111-22-11",), "ТОВ Зоря"),
    KnownContact("h_board_3", "Олег Ранковий", ("0441112211",), "ТОВ Зоря"),
    # Without any phone.
    KnownContact("h_no_phone", "Катерина Без Номера", ()),
    KnownContact("h_no_phone_2", "James Baker", (), "Agro Trade LLC"),
)


def hygiene(key: str) -> KnownContact:
    for contact in HYGIENE_CONTACTS:
        if contact.key == key:
            return contact
    raise KeyError(key)
