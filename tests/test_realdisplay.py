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


def test_a_call_by_subscription_pops_on_a_real_display_in_ukrainian(basedir: Path) -> None:
    """The production chain (simulator → webhook → relay → nats-server → app), the app on a
    real display in Ukrainian; the tray's status and the panel in one screenshot."""
    import os
    import subprocess
    import sys

    from benchmarks.bench_pop import app_environment
    from benchmarks.bench_subscribed_pop import call_chain
    from tests.nats_fixtures import nats_server_binary

    nats_server_binary()  # skip (fail under CI) without it
    with x_display() as env, call_chain(basedir / "chain") as chain:
        app_env = {k: v for k, v in env.items() if not k.startswith("RINGOHUNT_")}
        app_env.update({
            "RINGOHUNT_MACHINE_CONFIG": os.devnull,
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "LANGUAGE": "uk", "LANG": "uk_UA.UTF-8", "LC_ALL": "uk_UA.UTF-8",
            **app_environment(chain.sim_url),
            "RINGOHUNT_CALL_SOURCE": "subscription", "RINGOHUNT_BROKER_SERVERS":
                chain.broker_url, "RINGOHUNT_BROKER_PASSWORD": chain.agent_password})
        log_path = basedir / "app-output.log"
        with log_path.open("w") as log:
            app = subprocess.Popen(
                [sys.executable, "-m", "ringohunt_desktop", "--basedir", str(basedir / "app")],
                env=app_env, stdout=log, stderr=subprocess.STDOUT)
        try:
            def staff_asked() -> bool:
                requests = httpx.get(chain.sim_url + "/_sim/requests", timeout=1).json()
                return any(r["path"] == "/api/json-rpc" for r in requests)

            wait_until(staff_asked, 30, "the app to ask Ringostat who the agent is")
            time.sleep(2)  # the consumer binds
            ring(chain.sim_url, known("olena_koval").phones[0], utm_source="google")
            wait_until(lambda: window_ids(env, r"\+380 67 123 4567"), 20, "the Insider panel")
            time.sleep(1.5)
            shot = screenshot(env, "insider_panel_subscription_uk")
            requests = httpx.get(chain.sim_url + "/_sim/requests", timeout=1).json()
            assert not any(r["path"].endswith("calls/list") for r in requests), \
                "subscription mode polled Ringostat"
        finally:
            app.terminate()
            app.wait(timeout=15)
        output = log_path.read_text(errors="replace")
        assert "Traceback" not in output, output
    assert shot.stat().st_size > 10_000
