"""In the Ukrainian UI, what goes wrong is told in Ukrainian: the Create contact banner, the
click-to-call notifications, the tray tooltip, the Insider panel. Real services on the
simulator with injected faults; the English detail still reaches the diagnostics."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
import pytest

from ringohunt_desktop.clients.errors import ApiError, Reason
from ringohunt_desktop.domain import LookupState
from ringohunt_desktop.phone import InvalidNumber
from ringohunt_desktop.services.failures import describe
from ringohunt_desktop.simulator import Simulator
from ringohunt_desktop.simulator.people import UNKNOWN_NUMBER
from ringohunt_desktop.ui.tray import TrayState
from tests.conftest import signal_future
from tests.test_app_flow import (
    AppRunner,
    app_factory,  # noqa: F401 - the fixture
    clear_faults,
    panel_for,
    ring,
    set_faults,
    started,
    until,
)

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("uk_translator")]

CYRILLIC = re.compile("[А-Яа-яІіЇїЄєҐґ]")
# Words of the English messages (ours and the clients'); none may reach the agent.
ENGLISH = re.compile(r"\b(the|not|did|cannot|connect|refused|answer|error|service|request|"
                     r"credentials|number|letters|try|again|offline|sign-in|check)\b",
                     re.IGNORECASE)


def assert_ukrainian(text: str) -> None:
    assert CYRILLIC.search(text), text
    assert not ENGLISH.search(text), text


async def ringostat_faults(sim: Simulator, **faults: Any) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(sim.url + "/_sim/faults",
                                     json={"service": "ringostat", **faults})
    response.raise_for_status()


@pytest.mark.parametrize("faults", [{"error_rate": 1.0}, {"timeout_rate": 1.0,
                                                          "hang_seconds": 5}],
                         ids=["503", "timeout"])
def test_a_failed_create_shows_a_ukrainian_banner_and_keeps_the_form(
        app_factory: AppRunner, sim: Simulator,  # noqa: F811
        qloop: asyncio.AbstractEventLoop, expect_log_warnings: None,
        faults: dict[str, Any]) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        assert app.services is not None
        app.create_dialogs.open(UNKNOWN_NUMBER)
        dialog = app.create_dialogs.dialog(UNKNOWN_NUMBER)
        assert dialog is not None
        dialog.name_edit.setText("Ольга Нова")
        await set_faults(sim, **faults)
        failed = signal_future(app.services.crm.create_failed)
        dialog.submit()
        _number, failure = await asyncio.wait_for(failed, 20)
        await clear_faults(sim)
        assert isinstance(failure, ApiError)
        assert failure.reason in (Reason.SERVICE_ERROR, Reason.TIMEOUT)
        banner = dialog.banner_label.text()
        assert dialog.banner.isVisibleTo(dialog)
        assert banner == describe(failure)
        assert "NetHunt" in banner
        assert_ukrainian(banner)
        assert not dialog.busy
        assert dialog.name_edit.text() == "Ольга Нова"  # nothing typed is lost
        assert any(failure.message in line for line in app.recent_errors)  # for support

    app_factory.run(scenario())


def test_click_to_call_problems_are_told_in_ukrainian(
        app_factory: AppRunner, sim: Simulator,  # noqa: F811
        qloop: asyncio.AbstractEventLoop, expect_log_warnings: None) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        assert app.services is not None
        notes: list[tuple[str, str]] = []
        app.tray.notify_call = lambda title, body: notes.append((title, body))  # type: ignore[method-assign]

        refused = signal_future(app.services.dialer.refused)
        app.dial("067 abc")
        _text, problem = await asyncio.wait_for(refused, 5)
        assert isinstance(problem, InvalidNumber)
        title, body = notes[-1]
        assert title == "Неможливо зателефонувати"
        assert body == describe(problem)
        assert "«067 abc»" in body
        assert_ukrainian(body)

        await ringostat_faults(sim, error_rate=1.0)
        failed = signal_future(app.services.dialer.call_failed)
        app.dial("+380501112233")
        _number, failure = await asyncio.wait_for(failed, 10)
        await clear_faults(sim)
        title, body = notes[-1]
        assert title == "Дзвінок не вдався"
        assert body == describe(failure)
        assert "Ringostat" in body
        assert "503" in body
        assert_ukrainian(body)
        assert any("service error 503" in line for line in app.recent_errors)

    app_factory.run(scenario())


def tooltip_lines(app: Any) -> list[str]:
    return [line for line in app.tray.tooltip().splitlines() if line]


@pytest.mark.parametrize(("faults", "state"), [
    ({"drop_rate": 1.0}, TrayState.OFFLINE),
    ({"error_rate": 1.0}, TrayState.OFFLINE),
    ({"auth_revoked": True}, TrayState.BAD_CREDENTIALS),
], ids=["dropped", "503", "credentials refused"])
def test_the_tray_tooltip_is_ukrainian_when_ringostat_fails(
        app_factory: AppRunner, sim: Simulator,  # noqa: F811
        qloop: asyncio.AbstractEventLoop, expect_log_warnings: None,
        faults: dict[str, Any], state: TrayState) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        await until(lambda: app.tray.state is TrayState.CONNECTED, what="connected")
        await ringostat_faults(sim, **faults)
        await until(lambda: app.tray.state is state, 15, f"the tray to say {state}")
        lines = tooltip_lines(app)
        await clear_faults(sim)
        assert len(lines) >= 2  # the state and what is wrong
        assert lines[0].startswith("RingoHunt: ")
        for line in lines:
            assert_ukrainian(line)
        assert "Ringostat" in lines[1]
        assert app.services is not None
        app.services.watcher.poll_now()  # refused keys are retried every 30 s otherwise
        await until(lambda: app.tray.state is TrayState.CONNECTED, 15, "recovery")
        assert_ukrainian(tooltip_lines(app)[0])

    app_factory.run(scenario())


@pytest.mark.parametrize(("settings", "state", "named", "english"), [
    ({"ringostat_url": "http://127.0.0.1:9"}, TrayState.OFFLINE, "Ringostat",
     "cannot connect"),
    ({"contacts_folder": "Немає такої"}, TrayState.BAD_CREDENTIALS, "«Немає такої»",
     "not found"),
], ids=["unreachable", "no such folder"])
def test_the_tray_says_in_ukrainian_why_the_app_cannot_start(
        app_factory: AppRunner, sim: Simulator,  # noqa: F811
        qloop: asyncio.AbstractEventLoop, settings: dict[str, str], state: TrayState,
        named: str, english: str) -> None:
    async def scenario() -> None:
        app = app_factory(**settings)
        app.start()
        await until(lambda: app.tray.state is state, 15, f"the tray to say {state}")
        lines = tooltip_lines(app)
        assert len(lines) == 2
        for line in lines:
            assert_ukrainian(line)
        assert named in lines[1]
        assert english in app.recent_errors[-1]  # the English detail, for the diagnostics

    app_factory.run(scenario())


def test_a_failed_lookup_is_explained_in_ukrainian_on_the_panel(
        app_factory: AppRunner, sim: Simulator,  # noqa: F811
        qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        await set_faults(sim, auth_revoked=True)
        call_id = await ring(sim, UNKNOWN_NUMBER)
        panel = await panel_for(app, call_id)
        await until(lambda: panel.lookup.state is LookupState.FAILED, what="a failed lookup")
        await clear_faults(sim)
        assert "credentials refused" in panel.lookup.error  # English, for the diagnostics
        message = panel.message_label.text()
        assert panel.lookup.failure is not None
        assert message == describe(panel.lookup.failure)
        assert "NetHunt" in message
        assert_ukrainian(message)
        assert_ukrainian(panel.accessibleDescription().replace("NetHunt", ""))

    app_factory.run(scenario())
