"""End to end on a real X display with a real tray: the demo app, a call rung through the
simulator, the Insider panel on screen, screenshots saved under artifacts/screens/."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from ringohunt_desktop.simulator.people import UNKNOWN_NUMBER, known
from tests.realdisplay import (
    demo_app,
    require_real_display,
    screenshot,
    wait_until,
    window_ids,
    x_display,
)

pytestmark = [pytest.mark.realdisplay, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _needs_display() -> None:
    require_real_display()


def ring(url: str, caller: str, **extra: object) -> str:
    response = httpx.post(url + "/_sim/ring", json={"caller": caller, "ring_seconds": 30,
                                                     "talk_seconds": 30, **extra}, timeout=5)
    response.raise_for_status()
    return str(response.json()["call_id"])


def test_incoming_call_pops_the_insider_panel(basedir: Path) -> None:
    with x_display() as env, demo_app(env, basedir) as url:
        ring(url, known("olena_koval").phones[0], utm_source="google", utm_medium="cpc",
             utm_campaign="brand")
        # Panels are titled "<direction>: <number>"; the number does not depend on the language.
        wait_until(lambda: window_ids(env, r"\+380 67 123 4567"), 15, "the Insider panel")
        time.sleep(1.5)  # the CRM name fills in after the number; let it paint
        shot = screenshot(env, "insider_panel_known")
        ring(url, UNKNOWN_NUMBER)
        wait_until(lambda: window_ids(env, r"\+380 96 000 1122"), 15, "a second panel")
        time.sleep(1.5)
        screenshot(env, "insider_panel_stack")
    assert shot.stat().st_size > 10_000
