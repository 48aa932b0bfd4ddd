"""What a screen reader gets from the app, read back over AT-SPI on a real X display (issue 16),
in English and in Ukrainian: the call panel (its one announcement when it appears, its state
changes, its named buttons), the contact book, the journal and the first-run wizard; and the
keyboard way into the panel (Ctrl+Shift+P) seen as the platform's focus.

Screenshots: artifacts/screens/a11y_*_<language>.png (the focus ring must be visible).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from ringohunt_desktop import phone
from ringohunt_desktop.simulator.people import UNKNOWN_NUMBER, known
from tests.atspi import (
    ASSERTIVE,
    POLITE,
    EventListener,
    Node,
    accessibility_bus,
    find,
    require_atspi,
    showing,
    wait_for_window,
    walk,
    windows,
)
from tests.realdisplay import demo_app, screenshot, wait_until, window_ids, x_display

pytestmark = [pytest.mark.realdisplay, pytest.mark.slow, pytest.mark.timeout(300)]

LANGUAGES = {
    "en": {"LANG": "en_US.UTF-8", "LANGUAGE": "en", "LC_ALL": "en_US.UTF-8"},
    "uk": {"LANG": "uk_UA.UTF-8", "LANGUAGE": "uk", "LC_ALL": "uk_UA.UTF-8"},
}
# What the agent hears and reads, per language (the translations are part of the proof).
TEXTS = {
    "en": {
        "arrival": "Incoming call from {who}", "answered": "Call answered",
        "ended": "Call ended", "open": "Open in CRM", "close": "Close",
        "copy": "Copy number", "pin": "Keep this pop-up open", "contacts": "Contacts",
        "search": "Search contacts", "found": "Contacts found", "journal": "Call journal",
        "calls": "Calls", "filter": "Filter by number or name", "all": "All",
        "wizard": "Set up RingoHunt", "next": "Next", "step1": "Step 1 of 6",
        "call": "Call {number}", "create": "Create contact",
    },
    "uk": {
        "arrival": "Вхідний дзвінок: {who}", "answered": "Дзвінок прийнято",
        "ended": "Дзвінок завершено", "open": "Відкрити в CRM", "close": "Закрити",
        "copy": "Копіювати номер", "pin": "Не закривати це вікно", "contacts": "Контакти",
        "search": "Пошук контактів", "found": "Знайдені контакти", "journal": "Журнал дзвінків",
        "calls": "Дзвінки", "filter": "Фільтр за номером або ім’ям", "all": "Усі",
        "wizard": "Початкове налаштування RingoHunt", "next": "Далі", "step1": "Крок 1 з 6",
        "call": "Зателефонувати на {number}", "create": "Створити контакт",
    },
}
OLENA = known("olena_koval")
IVAN = known("ivan_petrenko")
NEW_NAME = "Olga Nova"


@pytest.fixture(autouse=True)
def _needs_atspi() -> None:
    require_atspi()


def xdotool(env: dict[str, str], *args: str) -> None:
    subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True, timeout=15,
                   check=True)


def keys(env: dict[str, str], window_title: str, *combos: str) -> None:
    """Keys to one of our windows: X input focus to it (no window manager here), then keys.
    No mouse event anywhere."""
    ids = window_ids(env, window_title)
    assert ids, window_title
    xdotool(env, "windowfocus", "--sync", ids[-1])
    for combo in combos:
        xdotool(env, "key", "--clearmodifiers", combo)
        time.sleep(0.15)


def contacts_named(url: str, name: str) -> list[dict[str, object]]:
    records = httpx.get(url + "/_sim/nethunt/records", params={"folder": "Contacts"},
                        timeout=5).json()
    return [r for r in records if r["fields"].get("Name") == name]


def titled(title: str) -> Callable[[Node], bool]:
    """A window by its title (Qt adds " — RingoHunt Desktop", the app's display name)."""
    return lambda window: window["name"].split(" — ")[0] == title


def named(node: Node, role: str, name: str) -> list[Node]:
    return [n for n in walk(node) if n["role"] == role and n["name"] == name]


def focused(node: Node) -> list[Node]:
    return [n for n in walk(node) if "focused" in n["states"]]


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_panel_book_and_journal_as_a_screen_reader_gets_them(
        basedir: Path, tmp_path: Path, language: str) -> None:
    texts = TEXTS[language]
    with x_display() as display, accessibility_bus({**display, **LANGUAGES[language]}) as env, \
            demo_app(env, basedir) as url:
        book = wait_for_window(env, titled(texts["contacts"]), "the contact book")
        assert named(book, "text", texts["search"]), book
        assert any(n["name"] == texts["found"] and n["description"]
                   for n in walk(book)), "the results table is named and described"

        listener = EventListener(env, tmp_path / "events.jsonl")
        try:
            response = httpx.post(url + "/_sim/ring", json={
                "caller": OLENA.phones[0], "ring_seconds": 8, "talk_seconds": 8},
                timeout=5)
            response.raise_for_status()
            number = phone.display_number(OLENA.phones[0])
            panel = wait_for_window(
                env, lambda w: OLENA.name in w["name"] and number in w["name"],
                "the panel, named after the caller")
            # Name and company are what the agent greets the caller with.
            assert OLENA.company in panel["description"], panel["description"]
            for label in (texts["open"], texts["close"], texts["copy"]):
                assert named(panel, "push button", label), (label, panel)
            # Qt gives a checkable tool button the check-box role; the name is what counts.
            assert named(panel, "check box", texts["pin"]), panel
            # The panel never took the focus: the book still has it.
            assert not focused(panel)

            arrival = texts["arrival"].format(who=f"{OLENA.name}, {OLENA.company}")
            wait_until(lambda: listener.announcements(), 15, "the panel's announcement")
            time.sleep(1)  # a second arrival message would come now
            arrivals = [a for a in listener.announcements()
                        if a["text"].startswith(texts["arrival"].split("{")[0])]
            assert [(a["text"], a["detail1"]) for a in arrivals] == [(arrival, ASSERTIVE)]
            screenshot(env, f"a11y_panel_{language}")

            # The keyboard way in: Ctrl+Shift+P from the book, Open in CRM has the focus.
            keys(env, f"^{texts['contacts']}", "ctrl+shift+p")
            wait_until(lambda: any(
                n["name"] == texts["open"] for w in windows(env) for n in focused(w)),
                15, "Open in CRM to have the focus")
            time.sleep(0.5)
            screenshot(env, f"a11y_panel_keyboard_{language}")
            keys(env, re.escape(number), "Escape")  # closes it, focus back to the book
            wait_until(lambda: not any(OLENA.name in w["name"] for w in windows(env)),
                       15, "the panel to close on Escape")

            # Its state changes are said politely: a second call, answered and ended.
            response = httpx.post(url + "/_sim/ring", json={
                "caller": OLENA.phones[0], "ring_seconds": 3, "talk_seconds": 4},
                timeout=5)
            response.raise_for_status()
            wait_until(lambda: any(a["text"] == texts["ended"]
                                   for a in listener.announcements()),
                       40, "the call's end to be announced")
            changes = [(a["text"], a["detail1"]) for a in listener.announcements()
                       if a["text"] in (texts["answered"], texts["ended"])]
            assert (texts["ended"], POLITE) in changes
            assert all(politeness == POLITE for _text, politeness in changes)
        finally:
            listener.stop()

        # The journal, by keyboard from the book; typing filters from the first key.
        keys(env, f"^{texts['contacts']}", "ctrl+j")
        journal = wait_for_window(env, titled(texts["journal"]), "the journal")
        calls = [n for n in walk(journal) if n["name"] == texts["calls"]
                 and n["role"] == "table"]
        assert calls, journal
        assert calls[0]["description"], calls[0]
        assert named(journal, "text", texts["filter"]), journal
        assert [n for n in walk(journal) if n["name"] == texts["all"]
                and n["role"] == "radio button"], journal
        keys(env, f"^{texts['journal']}", "0", "6", "7")
        time.sleep(1)
        journal = wait_for_window(env, titled(texts["journal"]), "the journal")
        filter_box = named(journal, "text", texts["filter"])[0]
        assert "focused" in filter_box["states"]
        keys(env, f"^{texts['journal']}", "Tab")
        time.sleep(0.5)
        screenshot(env, f"a11y_journal_{language}")

        # The book by Ctrl+B: typing finds Ivan, Tab reaches the Call button of his first
        # phone, named with the number (several phones, several Call buttons).
        keys(env, f"^{texts['journal']}", "ctrl+b")
        xdotool(env, "type", "--delay", "40", "Petrenko")
        time.sleep(1)
        keys(env, f"^{texts['contacts']}", "Tab", "Tab")
        call_first = texts["call"].format(number=phone.display_number(IVAN.phones[0]))
        wait_until(lambda: any(n["name"] == call_first and n["role"] == "push button"
                               for w in windows(env) for n in focused(w)),
                   15, "the Call button to have the focus")
        time.sleep(0.5)
        screenshot(env, f"a11y_book_keyboard_{language}")

        # An unknown caller's contact, created by keys alone on the real display.
        httpx.post(url + "/_sim/ring", json={"caller": UNKNOWN_NUMBER, "ring_seconds": 60,
                                             "talk_seconds": 5}, timeout=5).raise_for_status()
        unknown = phone.display_number(UNKNOWN_NUMBER)
        wait_for_window(env, lambda w: unknown in w["name"], "the unknown caller's panel")
        wait_until(lambda: any(n["name"] == texts["create"] and showing(n)
                               for w in windows(env) for n in walk(w)),
                   20, "Create contact on the panel")
        keys(env, f"^{texts['contacts']}", "ctrl+shift+p")
        wait_until(lambda: any(n["name"] == texts["create"]
                               for w in windows(env) for n in focused(w)),
                   15, "Create contact to have the focus")
        keys(env, re.escape(unknown), "Return")
        dialog = wait_for_window(env, titled(texts["create"]), "the Create contact dialog")
        assert dialog["role"] == "dialog"
        assert dialog["description"]
        wait_until(lambda: window_ids(env, f"^{texts['create']}"), 10, "the dialog's window")
        keys(env, f"^{texts['create']}")  # no window manager: hand the dialog the X focus
        xdotool(env, "type", "--delay", "40", NEW_NAME)
        time.sleep(0.5)
        screenshot(env, f"a11y_create_contact_{language}")
        keys(env, f"^{texts['create']}", "Return")
        wait_until(lambda: contacts_named(url, NEW_NAME), 15, "the contact in NetHunt")


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_first_run_wizard_as_a_screen_reader_gets_it(basedir: Path, language: str) -> None:
    texts = TEXTS[language]
    with x_display() as display_env, accessibility_bus(
            {**display_env, **LANGUAGES[language]}) as bus_env:
        env = {k: v for k, v in bus_env.items() if not k.startswith("RINGOHUNT_")}
        env["RINGOHUNT_MACHINE_CONFIG"] = os.devnull
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
        log_path = basedir / "app-output.log"
        with log_path.open("w") as log:
            app = subprocess.Popen([sys.executable, "-m", "ringohunt_desktop", "--basedir",
                                    str(basedir / "app")],
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wizard = wait_for_window(env, titled(texts["wizard"]), "the first-run wizard")
            assert wizard["role"] == "dialog", wizard["role"]
            assert wizard["description"], "the wizard says how it works"
            assert [n for n in walk(wizard) if n["role"] == "push button"
                    and n["name"].replace("&", "").startswith(texts["next"])], wizard
            steps = [n for n in walk(wizard) if showing(n)
                     and n["description"].startswith(texts["step1"])]
            assert steps, "the first step is named and described"
            assert find([wizard], lambda n: "focused" in n["states"]), "something has focus"
            time.sleep(0.5)
            shot = screenshot(env, f"a11y_wizard_{language}")
        finally:
            app.terminate()
            app.wait(timeout=15)
        output = log_path.read_text(errors="replace")
        assert "Traceback" not in output, output
    assert shot.stat().st_size > 10_000
