"""System-wide shortcuts on a real X server (Xvfb), pressed with xdotool as a user would.

The service over the real XGrabKey backend: a shortcut fires with and without Num Lock, a
combination another X client holds is reported as taken with its name. Then the app as a
process: each shortcut does what its button does (the simulator and a captured browser show
the effect), with the settings' Shortcuts tab screenshotted on the way.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pytestqt.qtbot import QtBot

from ringohunt_desktop import phone
from ringohunt_desktop.core.inbox import InboxState, oldest_waiting
from ringohunt_desktop.hotkeys.keys import HotkeyAction
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.services.hotkeys import HotkeyService, HotkeyState, describe_status
from ringohunt_desktop.simulator.people import UNKNOWN_NUMBER, known
from ringohunt_desktop.store.db import Database
from ringohunt_desktop.store.team import TeamCallStore
from tests.realdisplay import (
    demo_app,
    require_real_display,
    screenshot,
    wait_until,
    window_ids,
    x_display,
)

pytestmark = [pytest.mark.realdisplay, pytest.mark.slow, pytest.mark.timeout(240)]

BINDINGS = {"open_in_crm": "Ctrl+Alt+O", "create_contact": "Ctrl+Alt+N",
            "call_back_missed": "Ctrl+Alt+B", "show_journal": "Ctrl+Alt+J",
            "search_contacts": "Ctrl+Alt+K"}

# Another program holding Ctrl+Alt+O (plain, as most do) until its stdin closes.
OTHER_CLIENT = textwrap.dedent("""
    import sys
    from Xlib import X, XK, display
    d = display.Display()
    code = d.keysym_to_keycode(XK.string_to_keysym("o"))
    d.screen().root.grab_key(code, X.ControlMask | X.Mod1Mask, True, X.GrabModeAsync,
                             X.GrabModeAsync)
    d.sync()
    print("grabbed", flush=True)
    sys.stdin.read()
""")


@pytest.fixture(autouse=True)
def _needs_display() -> None:
    require_real_display()


@pytest.fixture
def xenv() -> Iterator[dict[str, str]]:
    with x_display(tray=False) as env:
        yield {k: v for k, v in env.items() if k not in ("WAYLAND_DISPLAY", "XDG_SESSION_TYPE")}


def press(env: dict[str, str], keys: str) -> None:
    subprocess.run(["xdotool", "key", "--clearmodifiers", keys], env=env, check=True,
                   timeout=15)


@pytest.mark.gui
def test_a_registered_shortcut_fires_with_and_without_num_lock(
        qtbot: QtBot, xenv: dict[str, str]) -> None:
    service = HotkeyService(qt_platform="xcb", env=xenv)
    try:
        service.configure(True, BINDINGS)
        assert {s.state for s in service.statuses().values()} == {HotkeyState.ACTIVE}
        assert service.backend_name.startswith("X11 XGrabKey (python-xlib")
        with qtbot.waitSignal(service.triggered, timeout=10_000) as fired:
            press(xenv, "ctrl+alt+o")
        assert fired.args == [HotkeyAction.OPEN_IN_CRM.value]
        press(xenv, "Num_Lock")
        with qtbot.waitSignal(service.triggered, timeout=10_000) as fired:
            press(xenv, "ctrl+alt+j")
        assert fired.args == [HotkeyAction.SHOW_JOURNAL.value]
        press(xenv, "Num_Lock")

        # Off: the combinations go back to the system (another client may take them).
        service.configure(False, BINDINGS)
        with qtbot.assertNotEmitted(service.triggered, wait=300):
            press(xenv, "ctrl+alt+o")
    finally:
        service.close()


@pytest.mark.gui
def test_a_combination_another_program_holds_is_reported_as_taken_by_name(
        qtbot: QtBot, xenv: dict[str, str]) -> None:
    other = subprocess.Popen([sys.executable, "-c", OTHER_CLIENT], env=xenv,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    service = HotkeyService(qt_platform="xcb", env=xenv)
    reported: list[str] = []
    service.problem_found.connect(reported.append)
    try:
        assert other.stdout is not None
        assert other.stdout.readline().strip() == "grabbed"
        service.configure(True, BINDINGS)
        statuses = service.statuses()
        taken = statuses[HotkeyAction.OPEN_IN_CRM]
        assert taken.state is HotkeyState.TAKEN
        assert describe_status(taken).startswith(
            "Ctrl+Alt+O is already taken by another program")
        assert statuses[HotkeyAction.SHOW_JOURNAL].state is HotkeyState.ACTIVE
        assert reported == [describe_status(taken)]
        service.configure(True, BINDINGS)  # said once, not at every reconfiguration
        assert len(reported) == 1
        # The settings' live check while the agent types.
        assert service.check("open_in_crm", "ctrl+alt+o").state is HotkeyState.TAKEN
        assert service.check("open_in_crm", "Ctrl+Alt+P").state is HotkeyState.ACTIVE
        # Ours still work beside the other program's.
        with qtbot.waitSignal(service.triggered, timeout=10_000) as fired:
            press(xenv, "ctrl+alt+k")
        assert fired.args == [HotkeyAction.SEARCH_CONTACTS.value]
    finally:
        service.close()
        assert other.stdin is not None
        other.stdin.close()
        other.wait(timeout=10)
        if other.stdout is not None:
            other.stdout.close()


# -- the app as a process ----------------------------------------------------------------------


def outward_calls(url: str) -> list[str]:
    requests = httpx.get(url + "/_sim/requests", timeout=5).json()
    return [r["body"].split("destination=")[1].split("&")[0] for r in requests
            if r["path"] == "/callback/outward_call"]


def mark_every_waiting_row_handled(basedir: Path) -> None:
    [path] = (basedir / "cache").glob("ringohunt-demo*.sqlite3")
    database = Database.open(path)
    try:
        team = TeamCallStore(database, region="UA")
        for row in team.inbox():
            if row.state is InboxState.WAITING:
                team.mark_handled(row)
        assert oldest_waiting(team.inbox()) is None
    finally:
        database.close()


def test_each_shortcut_does_what_its_button_does_in_the_running_app(
        basedir: Path, tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opened = tmp_path / "opened-urls.txt"
    browser = bin_dir / "xdg-open"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" >> "{opened}"\n', encoding="utf-8")
    browser.chmod(0o755)
    paths = AppPaths.under(basedir).ensure()
    paths.settings_file.write_text("[settings]\nhotkeys_enabled = true\nlanguage = en\n",
                                   encoding="utf-8")
    with x_display() as display_env:
        env = {k: v for k, v in display_env.items()
               if k not in ("WAYLAND_DISPLAY", "XDG_SESSION_TYPE")}
        env.update({"PATH": f"{bin_dir}:{display_env['PATH']}", "BROWSER": str(browser),
                    "DEFAULT_BROWSER": str(browser)})
        with demo_app(env, basedir, "--minimized") as url:
            # The journal and the contact book, from wherever the agent is.
            press(env, "ctrl+alt+j")
            wait_until(lambda: window_ids(env, "^Call journal$"), 20, "the journal")
            press(env, "ctrl+alt+k")
            wait_until(lambda: window_ids(env, "^Contacts$"), 20, "the contact book")

            # A missed call: Ctrl+Alt+B calls the client back through Ringostat. The demo's
            # history has older missed calls (one from a number no dialler accepts): the
            # agent has dealt with those (what "Mark handled" in the inbox does), so the
            # new one is the client waiting longest.
            mark_every_waiting_row_handled(basedir)
            missed = "+380931110001"
            httpx.post(url + "/_sim/ring", json={"caller": missed, "ring_seconds": 0.3,
                                                 "outcome": "missed"},
                       timeout=5).raise_for_status()
            time.sleep(3)  # a few polls: the missed call reaches the inbox
            press(env, "ctrl+alt+b")
            wait_until(lambda: missed.lstrip("+") in outward_calls(url), 20,
                       "the call-back through Ringostat")

            # An unknown caller: Ctrl+Alt+N opens Create contact for the number.
            httpx.post(url + "/_sim/ring", json={"caller": UNKNOWN_NUMBER, "ring_seconds": 60,
                                                 "talk_seconds": 30},
                       timeout=5).raise_for_status()
            wait_until(lambda: window_ids(env, re.escape(phone.display_number(UNKNOWN_NUMBER))),
                       20, "the unknown caller's panel")
            time.sleep(1.5)  # the CRM answers "not in CRM"
            press(env, "ctrl+alt+n")
            wait_until(lambda: window_ids(env, "^Create contact$"), 20,
                       "the Create contact dialog")
            screenshot(env, "hotkeys_create_contact")

            # A known caller: Ctrl+Alt+O opens the card in the (captured) browser.
            caller = known("olena_koval").phones[0]
            httpx.post(url + "/_sim/ring", json={"caller": caller, "ring_seconds": 60,
                                                 "talk_seconds": 30},
                       timeout=5).raise_for_status()
            wait_until(lambda: window_ids(env, re.escape(phone.display_number(caller))), 20,
                       "the known caller's panel")
            time.sleep(1.5)
            press(env, "ctrl+alt+o")
            wait_until(opened.exists, 15, "the browser to be launched")
            urls = opened.read_text(encoding="utf-8").split()
            assert len(urls) == 1
            assert urls[0].startswith("https://nethunt.com/web/#nethunt/")
    log = (paths.log_dir / "ringohunt.log").read_text(encoding="utf-8", errors="replace")
    assert "system-wide shortcuts through X11 XGrabKey" in log
