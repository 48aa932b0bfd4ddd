"""The newcomer's path on the command line (issue 13): what to set, and commands that need
only what they use."""

from __future__ import annotations

import json
from pathlib import Path

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
