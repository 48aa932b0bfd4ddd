"""``check --deep``: each probe against the simulator switched to each documented variant, and
the command's report (owner-only JSON)."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from ringohunt_desktop.config import Config, load_config
from ringohunt_desktop.core.deep_check import Probe, Verdict, run_deep_check
from ringohunt_desktop.core.session import Session
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.simulator import Simulator
from ringohunt_desktop.simulator.nethunt import FOLDER_IDS
from tests.conftest import FakeClock


def config_for(sim: Simulator, basedir: Path) -> Config:
    env = {**sim.app_environment(), "RINGOHUNT_MACHINE_CONFIG": os.devnull}
    return load_config(AppPaths.under(basedir).ensure(), env=env)


def probes(sim: Simulator, basedir: Path, *, now: datetime | None = None,
           documented_cap: int = 6500) -> dict[str, Probe]:
    config = config_for(sim, basedir)

    async def run() -> list[Probe]:
        async with Session(config) as session:
            return await run_deep_check(config, session.nethunt, FOLDER_IDS["Contacts"],
                                        now=now, documented_cap=documented_cap)

    return {probe.key: probe for probe in asyncio.run(run())}


def nethunt_config(sim: Simulator, **switches: Any) -> None:
    httpx.post(sim.url + "/_sim/nethunt/config", json=switches).raise_for_status()


def ringostat_config(sim: Simulator, **switches: Any) -> None:
    httpx.post(sim.url + "/_sim/ringostat/config", json=switches).raise_for_status()


def test_defaults_are_as_the_references_expect(sim: Simulator, basedir: Path) -> None:
    found = probes(sim, basedir)
    assert found["nethunt.find_no_match"].seen == "200 []"
    assert found["nethunt.find_no_match"].verdict is Verdict.AS_EXPECTED
    assert found["nethunt.feed_limits"].verdict is Verdict.AS_EXPECTED
    assert found["ringostat.calldate_zone"].verdict is Verdict.AS_EXPECTED
    assert found["ringostat.sipstatus_shape"].verdict is Verdict.AS_EXPECTED
    assert found["ringostat.staff_fields"].verdict is Verdict.AS_EXPECTED
    assert found["relay.webhook_keys"].verdict is Verdict.NOT_CONFIGURED
    assert not [p for p in found.values() if p.verdict is Verdict.FAILED]


def test_find_no_match_answered_404(sim: Simulator, basedir: Path) -> None:
    nethunt_config(sim, find_empty_as_404=True)
    probe = probes(sim, basedir)["nethunt.find_no_match"]
    assert probe.seen == "404"
    assert probe.verdict is Verdict.AS_EXPECTED
    assert probe.app_copes is True


def test_phone_query_loose_or_only_the_stored_text(sim: Simulator, basedir: Path) -> None:
    loose = probes(sim, basedir)["nethunt.phone_query_formats"]
    assert loose.verdict is Verdict.OBSERVED
    assert "also found by" in loose.seen
    assert "e164" in loose.seen
    nethunt_config(sim, phone_search_exact=True)
    exact = probes(sim, basedir)["nethunt.phone_query_formats"]
    assert exact.verdict is Verdict.DIFFERS
    assert "only the stored text" in exact.seen
    assert exact.detail["matched"]
    assert next(iter(exact.detail["matched"].values())) is True  # the stored text finds it


def test_feed_order_newest_or_oldest_first(sim: Simulator, basedir: Path) -> None:
    assert "newest first" in probes(sim, basedir)["nethunt.feed_limits"].seen
    nethunt_config(sim, feed_oldest_first=True)
    probe = probes(sim, basedir)["nethunt.feed_limits"]
    assert probe.verdict is Verdict.DIFFERS
    assert "oldest first" in probe.seen


@pytest.mark.parametrize(("style", "verdict", "words"), [
    ("offset", Verdict.AS_EXPECTED, "the project's zone"),
    ("utc", Verdict.DIFFERS, "UTC+0, not the project's zone"),
    ("naive", Verdict.DIFFERS, "no zone"),
])
def test_calldate_zone(sim: Simulator, basedir: Path, style: str, verdict: Verdict,
                       words: str) -> None:
    ringostat_config(sim, calldate_style=style)
    probe = probes(sim, basedir)["ringostat.calldate_zone"]
    assert probe.verdict is verdict
    assert words in probe.seen
    assert probe.app_copes is True


@pytest.mark.parametrize(("hidden", "verdict"), [(False, Verdict.AS_EXPECTED),
                                                 (True, Verdict.DIFFERS)])
def test_live_calls_listed_or_not(sim: Simulator, clock: FakeClock, basedir: Path,
                                  hidden: bool, verdict: Verdict) -> None:
    ringostat_config(sim, hide_live_calls=hidden)
    httpx.post(sim.url + "/_sim/ring", json={"ring_seconds": 4, "talk_seconds": 60,
                                              "outcome": "answered"}).raise_for_status()
    clock.now += 10  # picked up, talking
    probe = probes(sim, basedir, now=datetime.fromtimestamp(clock.now, UTC))[
        "ringostat.live_calls"]
    assert probe.verdict is verdict
    if hidden:
        assert "no call in progress in calls/list" in probe.seen
        assert probe.app_copes is False
    else:
        assert probe.seen == "yes: IN PROGRESS"


def test_no_live_call_is_undetermined(sim: Simulator, basedir: Path) -> None:
    probe = probes(sim, basedir)["ringostat.live_calls"]
    assert probe.verdict is Verdict.UNDETERMINED
    assert "run it again while a call rings" in probe.seen


def test_row_cap_reached_or_not(sim: Simulator, basedir: Path) -> None:
    assert probes(sim, basedir)["ringostat.row_cap"].verdict is Verdict.UNDETERMINED
    ringostat_config(sim, calls_cap=5)
    differs = probes(sim, basedir)["ringostat.row_cap"]
    assert differs.verdict is Verdict.DIFFERS
    assert differs.seen.startswith("an answer stops at 5 rows")
    assert differs.app_copes is False  # the client would wait for 6,500 before splitting
    documented = probes(sim, basedir, documented_cap=5)["ringostat.row_cap"]
    assert documented.verdict is Verdict.AS_EXPECTED


def test_sipstatus_as_objects(sim: Simulator, basedir: Path) -> None:
    ringostat_config(sim, sipstatus_objects=True)
    probe = probes(sim, basedir)["ringostat.sipstatus_shape"]
    assert probe.verdict is Verdict.DIFFERS
    assert "dict" in probe.seen
    assert probe.app_copes is False


def test_staff_as_a_list_without_staff_id(sim: Simulator, basedir: Path) -> None:
    ringostat_config(sim, staff_as_list=True)
    probe = probes(sim, basedir)["ringostat.staff_fields"]
    assert probe.verdict is Verdict.DIFFERS
    assert probe.seen.startswith("a list, 4 entries; missing: staffId")
    assert probe.app_copes is True


def test_a_service_failure_is_a_failed_probe_not_a_crash(sim: Simulator, basedir: Path,
                                                         expect_log_warnings: None) -> None:
    httpx.post(sim.url + "/_sim/faults",
               json={"service": "ringostat", "auth_revoked": True}).raise_for_status()
    found = probes(sim, basedir)
    assert found["ringostat.calldate_zone"].verdict is Verdict.FAILED
    assert found["nethunt.find_no_match"].verdict is Verdict.AS_EXPECTED


def test_hostile_answers_are_shortened(sim: Simulator, basedir: Path) -> None:
    probe = Probe("x", "x", "q", "e")
    from ringohunt_desktop.core.deep_check import _brief

    probe.seen = _brief("\u202e" + "A" * 10_000)
    assert len(probe.seen) <= 120
    assert "\u202e" not in probe.seen


def test_cli_check_deep_saves_an_owner_only_report(sim: Simulator, basedir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGOHUNT_")}
    env.update(sim.app_environment())
    env["RINGOHUNT_MACHINE_CONFIG"] = os.devnull
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    target = basedir / "support" / "deep.json"
    result = subprocess.run(
        [sys.executable, "-m", "ringohunt_desktop", "--basedir", str(basedir), "check",
         "--deep", "--report", str(target)],
        capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[as expected] NetHunt: find-record when nothing matches" in result.stdout
    assert "expected:" in result.stdout
    assert "seen:" in result.stdout
    assert f"report saved: {target}" in result.stdout
    report = json.loads(target.read_text(encoding="utf-8"))
    assert {p["probe"] for p in report["probes"]} >= {
        "nethunt.find_no_match", "nethunt.phone_query_formats", "nethunt.feed_limits",
        "ringostat.calldate_zone", "ringostat.live_calls", "ringostat.row_cap",
        "ringostat.sipstatus_shape", "ringostat.staff_fields", "relay.webhook_keys"}
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert "demo-ringostat-key" not in target.read_text(encoding="utf-8")
