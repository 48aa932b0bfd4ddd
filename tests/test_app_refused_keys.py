"""Ringostat refusing the keys cannot be missed, and stale panels say so (issue 13, item 3);
and the first run shows its wizard alone.

Before, the only signs were an amber dot and a tooltip, and an open panel stayed "ringing"
long after the call had ended.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import httpx
import pytest
from pytestqt.qtbot import QtBot

from ringohunt_desktop.config import load_config
from ringohunt_desktop.domain import CallPhase
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.shell.app import RingoHuntApp
from ringohunt_desktop.simulator import Simulator
from ringohunt_desktop.simulator.people import UNKNOWN_NUMBER
from tests.test_app_flow import AppRunner, app_factory, panel_for, ring, started, until

__all__ = ["app_factory"]

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("expect_log_warnings")]


async def revoke_ringostat_keys(sim: Simulator, revoked: bool) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(sim.url + "/_sim/faults",
                                     json={"service": "ringostat", "auth_revoked": revoked})
    response.raise_for_status()


async def ringostat_requests(sim: Simulator) -> list[object]:
    async with httpx.AsyncClient() as client:
        response = await client.get(sim.url + "/_sim/requests", params={"service": "ringostat"})
    response.raise_for_status()
    items: list[object] = response.json()
    return items


async def until_more_requests(sim: Simulator, seen: int) -> None:
    for _ in range(300):
        if len(await ringostat_requests(sim)) > seen:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the app stopped asking Ringostat")


def test_refused_keys_raise_a_notice_that_stays_until_they_work_again(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        call_id = await ring(sim, UNKNOWN_NUMBER)
        panel = await panel_for(app, call_id)
        assert panel.stale_text == ""
        assert not app.stopped_notice.isVisible()

        await revoke_ringostat_keys(sim, True)
        await until(app.stopped_notice.isVisible, 15, "the pop-ups-stopped notice")
        assert "Pop-ups stopped" in app.stopped_notice.title_label.text()
        assert "Ringostat" in app.stopped_notice.title_label.text()
        assert "Settings" in app.stopped_notice.detail
        # The open panel no longer follows its call, and says so.
        assert panel.phase is CallPhase.RINGING
        assert "Not updating" in panel.stale_text

        # Persistent: more refused polls leave it up; only working keys take it down.
        seen = len(await ringostat_requests(sim))
        for _ in range(3):
            app.check_calls_now()  # as the agent would, instead of waiting for the retry
            await until_more_requests(sim, seen)
            seen = len(await ringostat_requests(sim))
        assert app.stopped_notice.isVisible()

        await revoke_ringostat_keys(sim, False)
        app.check_calls_now()
        await until(lambda: not app.stopped_notice.isVisible(), 15, "the notice to go")
        assert panel.stale_text == ""

    app_factory.run(scenario())


def test_the_notice_opens_settings(app_factory: AppRunner, sim: Simulator,
                                   qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        await revoke_ringostat_keys(sim, True)
        await until(app.stopped_notice.isVisible, 15, "the pop-ups-stopped notice")
        app.stopped_notice.settings_button.click()
        await until(lambda: app.setup_windows.window is not None
                    and app.setup_windows.window.isVisible(), 5, "Settings")

    app_factory.run(scenario())


def test_the_first_run_shows_the_wizard_alone(sim: Simulator, basedir: Path,
                                              qloop: asyncio.AbstractEventLoop) -> None:
    # Issue 13: the empty contact book opened over the wizard and hid its buttons.
    paths = AppPaths.under(basedir).ensure()
    no_keys = {"RINGOHUNT_MACHINE_CONFIG": os.devnull,
               "RINGOHUNT_RINGOSTAT_URL": sim.ringostat_url,
               "RINGOHUNT_NETHUNT_URL": sim.nethunt_url}
    app = RingoHuntApp(load_config(paths, env=no_keys), paths)
    runner = AppRunner(sim, basedir, qloop)
    runner.apps.append(app)

    async def scenario() -> None:
        app.start()
        app.show_on_launch()  # what a start by hand does next
        assert app.setup_windows.window is not None
        assert app.setup_windows.window.isVisible()
        assert app.contact_book is None
        app.setup_windows.window.close()

    runner.run(scenario())


def test_a_configured_start_by_hand_shows_the_contact_book(
        app_factory: AppRunner, qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        app.show_on_launch()
        assert app.contact_book is not None
        assert app.contact_book.isVisible()

    app_factory.run(scenario())


def test_open_in_crm_without_a_browser_says_so_and_copies_the_link(
        app_factory: AppRunner, qloop: asyncio.AbstractEventLoop,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QDesktopServices, QGuiApplication

    from ringohunt_desktop.domain import Contact

    # No browser on this computer: Qt's openUrl answers False.
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda _url: False))
    notices: list[tuple[str, str]] = []

    async def scenario() -> None:
        app = await started(app_factory())
        monkeypatch.setattr(app.tray, "notify_call",
                            lambda title, body: notices.append((title, body)))
        link = "https://nethunt.com/service/crm/records/rec-1"
        app.open_in_crm(Contact("rec-1", "f", "Олена", link=link))
        assert notices
        assert "browser" in notices[0][0]
        clipboard = QGuiApplication.clipboard()
        assert clipboard is not None
        assert clipboard.text() == link

    app_factory.run(scenario())


def test_a_new_contact_gets_the_agent_as_responsible_manager(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop) -> None:
    # Issue 13: without it the folder's forwarding to the responsible manager skipped them.
    from ringohunt_desktop.domain import NewContact
    from tests.conftest import signal_future
    from tests.test_app_flow import contacts_with_phone

    async def scenario() -> None:
        app = await started(app_factory())
        assert app.services is not None
        created = signal_future(app.services.crm.contact_created)
        app.services.crm.create_contact(NewContact(name="Нова Клієнтка",
                                                   phone_e164=UNKNOWN_NUMBER))
        await asyncio.wait_for(created, 10)
        (record,) = contacts_with_phone(sim, UNKNOWN_NUMBER)
        assert record["fields"]["Responsible"] == [app.services.agent.member.email]

    app_factory.run(scenario())


def test_the_notice_is_as_tall_as_its_wrapped_text(qtbot: QtBot) -> None:
    from ringohunt_desktop.ui.stopped_notice import NOTICE_WIDTH, PopupsStoppedNotice

    notice = PopupsStoppedNotice()
    qtbot.addWidget(notice)
    # A Ukrainian title and detail wrap to several lines each.
    notice.show_stopped("Спливні вікна зупинено: Ringostat відхилив ваш ключ",
                        "Ringostat не прийняв ваші ключі доступу — перевірте їх у "
                        "Налаштуваннях. " * 3)
    qtbot.waitExposed(notice)
    layout = notice.layout()
    assert layout is not None
    qtbot.waitUntil(lambda: notice.height() >= layout.heightForWidth(NOTICE_WIDTH))
    assert notice.detail_label.geometry().top() >= notice.title_label.geometry().bottom()
