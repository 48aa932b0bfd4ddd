"""The newcomer's path on the command line (issue 13): what to set, and commands that need
only what they use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ringohunt_desktop.simulator import Simulator
from tests.test_cli import run_cli


def test_missing_settings_name_the_environment_variables_and_the_demo(basedir: Path) -> None:
    result = run_cli(basedir, {}, "check")
    assert result.returncode == 2
    for variable in ("RINGOHUNT_RINGOSTAT_AUTH_KEY", "RINGOHUNT_RINGOSTAT_PROJECT_ID",
                     "RINGOHUNT_NETHUNT_EMAIL", "RINGOHUNT_NETHUNT_API_KEY", "RINGOHUNT_AGENT"):
        assert variable in result.stderr
    assert "ringostat_auth_key" not in result.stderr  # internal names mean nothing to them
    assert "--demo" in result.stderr


def test_lookup_needs_only_nethunt(sim: Simulator, basedir: Path) -> None:
    nethunt_only = {key: value for key, value in sim.app_environment().items()
                    if not key.startswith(("RINGOHUNT_RINGOSTAT", "RINGOHUNT_AGENT"))}
    result = run_cli(basedir, nethunt_only, "lookup", "+380671234567")
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)


def test_lookup_takes_a_number_as_ringostat_writes_it(sim: Simulator, basedir: Path) -> None:
    # International digits without "+": Ringostat's form for every caller, foreign ones too.
    result = run_cli(basedir, sim.app_environment(), "lookup", "48601234567")
    assert result.returncode == 0, result.stderr
    assert isinstance(json.loads(result.stdout), list)
    junk = run_cli(basedir, sim.app_environment(), "lookup", "12")
    assert junk.returncode == 2


def test_the_demo_rings_an_incoming_call_for_the_agent_first() -> None:
    import argparse
    import time

    from ringohunt_desktop.cli import demo_simulator

    args = argparse.Namespace(demo_call_every=600.0, demo_port=0)  # no generated call soon
    with demo_simulator(args) as simulator:
        data = simulator.state.services["ringostat"]
        seeded = len(data.calls)
        deadline = time.monotonic() + 60  # a bound for a stuck generator, not a measurement
        while len(data.calls) == seeded and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(data.calls) > seeded, "no call before the generator's first interval"
        first = data.calls[seeded]
        assert first.direction == "in"
        assert first.agent == data.default_agent
        assert first.answer_at is not None
        assert first.answer_at - first.ring_at >= 20  # rings through a slow start-up


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland are Linux's")
def test_without_a_display_the_app_says_so(basedir: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run(
        [sys.executable, "-m", "ringohunt_desktop", "--basedir", str(basedir), "--demo",
         "--demo-call-every", "0"],
        capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 1
    assert "no display" in result.stderr
    assert "xcb" not in result.stderr
