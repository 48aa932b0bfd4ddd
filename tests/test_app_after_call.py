"""After the call, in the app: the note typed on the panel lands in NetHunt (saved, kept while
NetHunt fails, kept with the call until the contact is created), against the simulator over
real HTTP on one qasync loop; widgets offscreen."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from ringohunt_desktop.domain import CallPhase, NewContact
from ringohunt_desktop.simulator import Simulator
from ringohunt_desktop.simulator.nethunt import NetHuntData
from ringohunt_desktop.simulator.people import UNKNOWN_NUMBER, known
from ringohunt_desktop.ui.insider_panel import InsiderPanel
from tests.test_app_flow import (
    AppRunner,
    app_factory,
    clear_faults,
    panel_for,
    ring,
    set_faults,
    started,
    until,
)

__all__ = ["app_factory"]
pytestmark = pytest.mark.gui


def nethunt(sim: Simulator) -> NetHuntData:
    data: NetHuntData = sim.service_data("nethunt")
    return data


def record_named(sim: Simulator, name: str) -> str:
    return next(r["recordId"] for r in nethunt(sim).records_in("Contacts")
                if r["fields"].get("Name") == name)


async def ended_panel(app: object, sim: Simulator, caller: str) -> InsiderPanel:
    call_id = await ring(sim, caller, ring_seconds=0.3, talk_seconds=0.3)
    panel = await panel_for(app, call_id)  # type: ignore[arg-type]
    await until(lambda: panel.phase is CallPhase.ENDED, 20, "the end of the call")
    return panel


def type_note(panel: InsiderPanel, text: str) -> None:
    assert panel.note_edit.isVisibleTo(panel)
    QTest.mouseClick(panel.note_edit, Qt.MouseButton.LeftButton)
    QTest.keyClicks(panel.note_edit, text)
    QTest.keyClick(panel.note_edit, Qt.Key.Key_Return)


def test_a_note_on_the_panel_lands_on_the_contact(app_factory: AppRunner, sim: Simulator,
                                                  qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory(language="en"))
        olena = known("olena_koval")
        panel = await ended_panel(app, sim, olena.phones[0])
        await until(lambda: panel.contact is not None, what="the contact")
        type_note(panel, "Wants a discount")
        assert not panel.note_edit.isVisibleTo(panel)
        await until(lambda: panel.note_state_label.text() == "Note saved in NetHunt",
                    what="the note saved")
        comments = nethunt(sim).comments_on(record_named(sim, olena.name))
        assert len(comments) == 1
        assert comments[0]["text"].splitlines()[0] == "Wants a discount"
        assert comments[0]["text"].splitlines()[-1].endswith(panel.call.call_id)

    app_factory.run(scenario())


def test_a_note_while_nethunt_fails_is_kept_then_written_once(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory(language="en"))
        olena = known("olena_koval")
        panel = await ended_panel(app, sim, olena.phones[0])
        await until(lambda: panel.contact is not None, what="the contact")
        await set_faults(sim, error_rate=1.0, error_status=503)
        type_note(panel, "Call back Friday")
        await until(lambda: "when NetHunt answers" in panel.note_state_label.text(),
                    what="the note kept")
        await clear_faults(sim)
        app.notes.flush()
        await until(lambda: panel.note_state_label.text() == "Note saved in NetHunt",
                    what="the note saved")
        app.notes.flush()
        await app.notes.wait_idle()
        assert len(nethunt(sim).comments_on(record_named(sim, olena.name))) == 1

    app_factory.run(scenario())


def test_a_note_for_an_unknown_caller_waits_for_the_new_contact(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory(language="en"))
        panel = await ended_panel(app, sim, UNKNOWN_NUMBER)
        await until(lambda: panel.lookup.state.name == "UNKNOWN", what="no contact")
        type_note(panel, "New client, wholesale")
        await until(lambda: "when the contact is created" in panel.note_state_label.text(),
                    what="the note kept with the call")
        assert app.services is not None
        app.services.crm.create_contact(NewContact("Новий клієнт", UNKNOWN_NUMBER))
        await until(lambda: panel.note_state_label.text() == "Note saved in NetHunt",
                    what="the note saved on the new contact")
        record_id = record_named(sim, "Новий клієнт")
        texts = [c["text"].splitlines()[0] for c in nethunt(sim).comments_on(record_id)]
        assert texts == ["New client, wholesale"]

    app_factory.run(scenario())
