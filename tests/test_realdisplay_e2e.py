"""The agent's day on a real X display with a real tray, driven only by mouse and keyboard
(xdotool): a call from an unknown number → Create contact → the name typed → Enter; a call from
a known number → Open in CRM (the browser launch is captured by a fake ``xdg-open``); the
contact book → a name typed → Enter calls. Screenshots of every step go to
artifacts/screens/e2e_*.png.
"""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from ringohunt_desktop import phone
from ringohunt_desktop.simulator.people import UNKNOWN_NUMBER, known
from tests.realdisplay import (
    demo_app,
    require_real_display,
    screenshot,
    wait_until,
    window_ids,
    x_display,
)

pytestmark = [pytest.mark.realdisplay, pytest.mark.slow, pytest.mark.timeout(240)]

NEW_NAME = "Olga Nova"
KNOWN = known("olena_koval")
CALLED = known("ivan_petrenko")

# Where the panel's primary button (Create contact / Open in CRM) sits, from the panel's
# bottom-left corner: card border 1 + accent 5 + body margin 12 to its left edge, body margin
# 12 + border 1 below it. The click goes a little way into the button.
PRIMARY_FROM_LEFT = 1 + 5 + 12 + 30
PRIMARY_FROM_BOTTOM = 12 + 1 + 14


@pytest.fixture(autouse=True)
def _needs_display() -> None:
    require_real_display()


def xdotool(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True,
                            timeout=15, check=True)
    return result.stdout


def geometry(env: dict[str, str], window: str) -> tuple[int, int, int, int]:
    """x, y, width, height of a window on the screen."""
    text = xdotool(env, "getwindowgeometry", window)
    x, y = map(int, re.search(r"Position: (-?\d+),(-?\d+)", text).groups())  # type: ignore[union-attr]
    w, h = map(int, re.search(r"Geometry: (\d+)x(\d+)", text).groups())  # type: ignore[union-attr]
    return x, y, w, h


def click_primary_button(env: dict[str, str], panel: str) -> None:
    _x, _y, _w, height = geometry(env, panel)
    xdotool(env, "mousemove", "--window", panel, str(PRIMARY_FROM_LEFT),
            str(height - PRIMARY_FROM_BOTTOM), "click", "1")


def only_window(env: dict[str, str], title: str, what: str) -> str:
    wait_until(lambda: window_ids(env, title), 20, what)
    ids = window_ids(env, title)
    assert len(ids) == 1, (what, ids)
    return ids[0]


def focus(env: dict[str, str], window: str) -> None:
    # No window manager under Xvfb: give the window the input focus and the pointer directly.
    _x, _y, width, height = geometry(env, window)
    xdotool(env, "mousemove", "--window", window, str(width // 2), str(height // 2))
    xdotool(env, "windowfocus", "--sync", window)


def ring(url: str, caller: str) -> str:
    response = httpx.post(url + "/_sim/ring", json={"caller": caller, "ring_seconds": 60,
                                                     "talk_seconds": 30}, timeout=5)
    response.raise_for_status()
    return str(response.json()["call_id"])


def contacts_with(url: str, e164: str) -> list[dict[str, Any]]:
    records = httpx.get(url + "/_sim/nethunt/records", params={"folder": "Contacts"},
                        timeout=5).json()
    return [r for r in records
            if any(phone.match_key(str(p)) == e164 for p in r["fields"].get("Phone") or [])]


def outward_calls(url: str) -> list[dict[str, Any]]:
    requests = httpx.get(url + "/_sim/requests", timeout=5).json()
    return [r for r in requests if r["path"] == "/callback/outward_call"]


@pytest.fixture
def captured_browser(tmp_path: Path) -> tuple[Path, Path]:
    """A directory with fake ``xdg-open`` (what Qt runs to open a URL on Linux) and the file
    it appends every URL to."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opened = tmp_path / "opened-urls.txt"
    script = bin_dir / "xdg-open"
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{opened}"\n', encoding="utf-8")
    script.chmod(0o755)
    return bin_dir, opened


def test_create_contact_open_in_crm_and_call_from_the_book(
        basedir: Path, captured_browser: tuple[Path, Path]) -> None:
    bin_dir, opened = captured_browser
    with x_display() as display_env:
        env = {**display_env, "PATH": f"{bin_dir}:{display_env['PATH']}",
               "BROWSER": str(bin_dir / "xdg-open"), "DEFAULT_BROWSER": str(bin_dir / "xdg-open")}
        with demo_app(env, basedir) as url:
            # Started by hand (not --minimized): the contact book is on screen.
            book = only_window(env, "^Contacts$", "the contact book")
            screenshot(env, "e2e_01_started")

            # 1. An unknown caller: Create contact, type the name, Enter.
            unknown_display = phone.display_number(UNKNOWN_NUMBER)
            ring(url, UNKNOWN_NUMBER)
            panel = only_window(env, re.escape(unknown_display), "the unknown caller's panel")
            time.sleep(1.5)  # the lookup answers "Not in CRM"; let it paint
            screenshot(env, "e2e_02_unknown_caller")
            before = len(contacts_with(url, UNKNOWN_NUMBER))
            click_primary_button(env, panel)
            dialog = only_window(env, "^Create contact$", "the Create contact dialog")
            focus(env, dialog)
            time.sleep(0.3)
            xdotool(env, "type", "--delay", "30", NEW_NAME)
            screenshot(env, "e2e_03_create_dialog_filled")
            xdotool(env, "key", "Return")
            wait_until(lambda: contacts_with(url, UNKNOWN_NUMBER), 15, "the new contact")
            time.sleep(1.5)
            screenshot(env, "e2e_04_contact_created")
            created = contacts_with(url, UNKNOWN_NUMBER)
            assert before == 0
            assert len(created) == 1
            assert created[0]["fields"]["Phone"] == [UNKNOWN_NUMBER]
            assert created[0]["fields"]["Name"] == NEW_NAME

            # 2. A known caller: Open in CRM goes to the (captured) browser.
            ring(url, KNOWN.phones[0])
            panel = only_window(env, re.escape(phone.display_number(KNOWN.phones[0])),
                                "the known caller's panel")
            time.sleep(1.5)
            screenshot(env, "e2e_05_known_caller")
            click_primary_button(env, panel)
            wait_until(opened.exists, 10, "the browser to be launched")
            urls = opened.read_text(encoding="utf-8").split()
            assert len(urls) == 1
            assert urls[0].startswith("https://nethunt.com/web/#nethunt/")

            # 3. The contact book: type a name, Enter calls the contact through Ringostat.
            focus(env, book)
            xdotool(env, "key", "ctrl+a")
            xdotool(env, "type", "--delay", "30", CALLED.name)
            time.sleep(1.0)
            screenshot(env, "e2e_06_contact_book_search")
            assert outward_calls(url) == []
            xdotool(env, "key", "Return")
            wait_until(lambda: outward_calls(url), 10, "the click-to-call request")
            time.sleep(1.5)  # a second request would arrive by now
            screenshot(env, "e2e_07_calling")
            calls = outward_calls(url)
            assert len(calls) == 1
            destination = calls[0]["body"].split("destination=")[1].split("&")[0]
            assert phone.match_key(destination) in {phone.match_key(p) for p in CALLED.phones}
