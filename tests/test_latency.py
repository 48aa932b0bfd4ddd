"""The pop's own latency: plausible figures only, clocks that differ said as such, the day's
median and 95th percentile; on the panel, in the tray's status and in the diagnostics."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ringohunt_desktop.config import Config
from ringohunt_desktop.core.latency import DailyLatency, Delay, delay_between
from ringohunt_desktop.diagnostics import save_diagnostics
from ringohunt_desktop.simulator import Simulator
from ringohunt_desktop.ui.insider_panel import InsiderPanel
from ringohunt_desktop.ui.tray import TrayController
from tests.test_app_flow import AppRunner, app_factory, panel_for, ring, started, until
from tests.test_ui_insider_panel import ARTIFACTS, CALLER, make_call

__all__ = ["app_factory"]

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(("seen", "expected"), [
    (T0 + timedelta(seconds=0.8), Delay(0.8)),
    (T0 - timedelta(seconds=1), Delay(0.0)),  # drift within tolerance: not negative
    (T0 - timedelta(seconds=30), Delay(None, clocks_differ=True)),
    (T0 + timedelta(hours=2), Delay(None, clocks_differ=True)),
])
def test_a_delay_is_given_only_when_the_clocks_agree(seen: datetime, expected: Delay) -> None:
    assert delay_between(T0, seen) == expected


def test_an_unknown_or_naive_moment_gives_no_figure() -> None:
    assert delay_between(None, T0).unknown
    assert delay_between(T0.replace(tzinfo=None), T0).unknown


def test_the_days_median_and_p95_start_afresh_each_day() -> None:
    latency = DailyLatency()
    today = date(2026, 12, 7)
    for seconds in [0.1 * n for n in range(1, 21)]:
        latency.add(Delay(seconds), today)
    latency.add(Delay(None, clocks_differ=True), today)
    median, p95, count = latency.figures(today)  # type: ignore[misc]
    assert count == 20
    assert median == pytest.approx(1.05)
    assert p95 == pytest.approx(1.9)
    assert latency.summary(today)["clocks_differ"] == 1  # type: ignore[index]
    assert latency.figures(today + timedelta(days=1)) is None
    latency.add(Delay(0.5), today + timedelta(days=1))
    assert latency.figures(today + timedelta(days=1)) == (0.5, 0.5, 1)


@pytest.mark.gui
def test_the_panel_says_how_late_it_was_or_that_the_clocks_differ(qtbot: QtBot) -> None:
    panel = InsiderPanel(make_call(), CALLER)
    qtbot.addWidget(panel)
    panel.show()
    assert not panel.delay_label.isVisibleTo(panel)
    panel.set_pop_delay(Delay(0.8))
    assert panel.delay_label.text() == "Shown 0.8 s after the call reached Ringostat"
    panel.set_pop_delay(Delay(75.0))
    assert panel.delay_label.text() == "Shown 1 min 15 s after the call reached Ringostat"
    panel.set_pop_delay(Delay(None, clocks_differ=True))
    assert "clock differs" in panel.delay_label.text()
    assert "-" not in panel.delay_label.text()
    panel.set_pop_delay(Delay(None, unknown=True))
    assert not panel.delay_label.isVisibleTo(panel)


@pytest.mark.gui
def test_the_tray_status_shows_the_days_pop_delays(qtbot: QtBot) -> None:
    tray = TrayController(use_system_tray=False)
    try:
        assert "Pop-ups today" not in tray.tooltip()
        tray.set_pop_latency((0.8, 1.5, 12))
        assert "Pop-ups today: half within 0.8 s, 95% within 1.5 s (12)" in tray.tooltip()
    finally:
        tray.dispose()


def test_the_diagnostics_carry_the_days_pop_delays(tmp_path: Path) -> None:
    latency = DailyLatency()
    latency.add(Delay(0.4), date(2026, 12, 7))
    path = save_diagnostics(tmp_path / "d.zip", log_dir=tmp_path / "logs", config=Config(),
                            recent_errors=[], pop_latency=latency.summary(date(2026, 12, 7)))
    with zipfile.ZipFile(path) as archive:
        figures = json.loads(archive.read("pop-latency.json"))
    assert figures == {"median_s": 0.4, "p95_s": 0.4, "count": 1, "clocks_differ": 0}


@pytest.mark.gui
@pytest.mark.parametrize("language", ["en", "uk"])
def test_screenshot_of_a_panel_with_its_delay(qtbot: QtBot, request: pytest.FixtureRequest,
                                              language: str) -> None:
    from ringohunt_desktop.domain import CallPhase, LookupResult, LookupState
    from tests.test_ui_insider_panel import NUMBER, OLENA

    if language == "uk":
        request.getfixturevalue("uk_translator")
    panel = InsiderPanel(make_call(), CALLER)
    qtbot.addWidget(panel)
    panel.update_call(make_call(), CallPhase.RINGING)
    panel.set_lookup(LookupResult(LookupState.FOUND, NUMBER, (OLENA,)))
    panel.set_pop_delay(Delay(0.8))
    panel.show()
    qtbot.waitExposed(panel)
    if language == "uk":
        assert panel.delay_label.text() == (
            "Показано через 0.8 с після дзвінка в Ringostat")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    assert panel.grab().save(str(ARTIFACTS / f"panel_delay_{language}.png"))


@pytest.mark.gui
def test_a_rung_call_pops_with_its_delay_and_the_tray_counts_it(
        app_factory: AppRunner, sim: Simulator) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        call_id = await ring(sim, "067 123 45 67")
        panel = await panel_for(app, call_id)
        await until(lambda: panel.delay_label.isVisibleTo(panel), what="the pop's delay")
        assert panel.delay_label.text().startswith("Shown ")
        assert "Pop-ups today: half within" in app.tray.tooltip()

    app_factory.run(scenario())
