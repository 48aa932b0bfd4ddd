"""The system-wide shortcuts' actions in the app (the keys themselves are pressed on a real X
server in test_realdisplay_hotkeys.py): each takes the road of the button that does the same,
and says why when there is nothing to act on. Real services on the simulator."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from ringohunt_desktop.core.inbox import InboxState, oldest_waiting
from ringohunt_desktop.domain import LookupState
from ringohunt_desktop.shell.app import RingoHuntApp
from ringohunt_desktop.simulator import Simulator
from ringohunt_desktop.simulator.people import UNKNOWN_NUMBER, known
from tests.conftest import signal_future
from tests.test_app_flow import AppRunner, panel_for, ring, started, until

pytestmark = [pytest.mark.gui,
              pytest.mark.qt_log_ignore(r"This plugin does not support raise\(\)")]


@pytest.fixture
def app_factory(sim: Simulator, basedir: Path, qloop: asyncio.AbstractEventLoop) -> AppRunner:
    return AppRunner(sim, basedir, qloop)


def notices(app: RingoHuntApp) -> list[tuple[str, str]]:
    said: list[tuple[str, str]] = []
    app.tray.notify_call = lambda title, body: said.append((title, body))  # type: ignore[method-assign]
    return said


def test_without_a_call_on_screen_or_anyone_waiting_the_shortcuts_say_so(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        said = notices(app)
        app.run_shortcut("open_in_crm")
        app.run_shortcut("create_contact")
        for row in app.team.inbox():
            if row.state is InboxState.WAITING:
                app.team.mark_handled(row)
        app.run_shortcut("call_back_missed")
        app.run_shortcut("no such action")  # ignored, never a crash
        assert [title for title, _body in said] == [
            "No call on screen", "No call on screen", "No missed calls"]

    app_factory.run(scenario())


def test_the_shortcuts_take_the_buttons_roads(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        assert app.services is not None
        said = notices(app)

        # A known caller: Open in CRM goes where the panel's button goes; Create says no.
        call_id = await ring(sim, known("olena_koval").phones[0])
        panel = await panel_for(app, call_id)
        await until(lambda: panel.lookup.state is LookupState.FOUND, what="the contact")
        browsed: list[str] = []  # the end of the button's road: the browser
        app._open_in_browser = browsed.append  # type: ignore[method-assign]
        app.run_shortcut("open_in_crm")
        assert panel.contact is not None
        assert panel.contact.name == known("olena_koval").name
        assert browsed == [panel.contact.link]
        app.run_shortcut("create_contact")
        assert said[-1][0] == "Nothing to create"

        # An unknown caller (the newest panel): Create contact opens the form for its number.
        call_id = await ring(sim, UNKNOWN_NUMBER)
        panel = await panel_for(app, call_id)
        await until(lambda: panel.lookup.state is LookupState.UNKNOWN, what="not in CRM")
        app.run_shortcut("create_contact")
        dialog = app.create_dialogs.dialog(UNKNOWN_NUMBER)
        assert dialog is not None
        assert dialog.isVisible()
        app.run_shortcut("open_in_crm")
        assert said[-1][0] == "Not in the CRM yet"

        # The missed call waiting longest is called back through Ringostat.
        for row in app.team.inbox():
            if row.state is InboxState.WAITING:
                app.team.mark_handled(row)
        missed = "+380931110001"
        await ring(sim, missed, outcome="missed", ring_seconds=0.3)
        await until(lambda: oldest_waiting(app.team.inbox()) is not None, 15, "the inbox row")
        row = oldest_waiting(app.team.inbox())
        assert row is not None
        assert row.number == missed
        placed = signal_future(app.services.dialer.call_placed)
        app.run_shortcut("call_back_missed")
        assert (await asyncio.wait_for(placed, 10)) == (missed,)

        # The journal, and the contact book with the search box ready for typing.
        app.run_shortcut("show_journal")
        assert app.journal is not None
        assert app.journal.isVisible()
        app.run_shortcut("search_contacts")
        book = app.contact_book
        assert book is not None
        assert book.isVisible()
        await until(lambda: QApplication.focusWidget() is book.search_box, 5,
                    "the search box to have the focus")

    app_factory.run(scenario())
