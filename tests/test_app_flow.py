"""The app as an agent meets it: calls rung in the simulator pop the Insider panel, the
lookup fills it in, Create contact makes exactly one contact. Real services over real HTTP
on one qasync loop; widgets offscreen."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ringohunt_desktop.config import load_config
from ringohunt_desktop.domain import CallPhase, LookupState, NewContact
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.shell import app as app_module
from ringohunt_desktop.shell.app import RingoHuntApp
from ringohunt_desktop.simulator import Simulator
from ringohunt_desktop.simulator.people import UNKNOWN_NUMBER, known
from ringohunt_desktop.ui.insider_panel import InsiderPanel
from tests.conftest import signal_future

pytestmark = pytest.mark.gui


async def until(condition: Callable[[], Any], within: float = 10.0, what: str = "") -> Any:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = condition()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.02)


async def ring(sim: Simulator, caller: str, **extra: Any) -> str:
    async with httpx.AsyncClient() as client:
        response = await client.post(sim.url + "/_sim/ring", json={
            "caller": caller, "ring_seconds": 20, "talk_seconds": 5, **extra})
    response.raise_for_status()
    return str(response.json()["call_id"])


async def set_faults(sim: Simulator, **faults: Any) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(sim.url + "/_sim/faults",
                                     json={"service": "nethunt", **faults})
    response.raise_for_status()


async def clear_faults(sim: Simulator) -> None:
    async with httpx.AsyncClient() as client:
        (await client.delete(sim.url + "/_sim/faults")).raise_for_status()


class AppRunner:
    """Makes apps on the simulator and runs scenarios on the qasync loop.

    Every app is shut down inside the same loop run as its scenario: pytest-qt processes
    Qt events between a test and its fixtures' teardown, outside any running loop, and a
    qasync task stepped there fails with "no running event loop".
    """

    def __init__(self, sim: Simulator, basedir: Path, loop: asyncio.AbstractEventLoop) -> None:
        self._sim = sim
        self._basedir = basedir
        self._loop = loop
        self.apps: list[RingoHuntApp] = []

    def __call__(self, **settings: str) -> RingoHuntApp:
        env = {**self._sim.app_environment(), "RINGOHUNT_MACHINE_CONFIG": os.devnull}
        paths = AppPaths.under(self._basedir).ensure()
        config = load_config(paths, env=env, overrides={
            "poll_interval": "0.2", "request_timeout": "1", **settings})
        app = RingoHuntApp(config, paths)
        self.apps.append(app)
        return app

    def run(self, scenario: Coroutine[Any, Any, None]) -> None:
        async def with_shutdown() -> None:
            try:
                await scenario
            finally:
                for app in self.apps:
                    await app.shutdown()
                    app.tray.dispose()

        self._loop.run_until_complete(with_shutdown())


@pytest.fixture
def app_factory(sim: Simulator, basedir: Path, qloop: asyncio.AbstractEventLoop) -> AppRunner:
    return AppRunner(sim, basedir, qloop)


async def started(app: RingoHuntApp) -> RingoHuntApp:
    ready = signal_future(app.ready)
    app.start()
    await asyncio.wait_for(ready, 15)
    return app


async def panel_for(app: RingoHuntApp, call_id: str) -> InsiderPanel:
    await until(lambda: app.popups.panels.panel(call_id), 15, "the Insider panel")
    panel = app.popups.panels.panel(call_id)
    assert panel is not None
    return panel


def labels_text(panel: InsiderPanel) -> list[str]:
    return [label.text() for label in panel.findChildren(QLabel) if label.isVisibleTo(panel)]


def test_known_caller_pops_with_name(app_factory: AppRunner, sim: Simulator,
                                     qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        call_id = await ring(sim, "067 123 45 67", utm_source="google", utm_medium="cpc",
                             utm_campaign="brand")
        panel = await panel_for(app, call_id)
        assert panel.number_e164 == "+380671234567"
        await until(lambda: panel.lookup.state is LookupState.FOUND, what="the contact")
        assert panel.contact is not None
        assert panel.contact.name == known("olena_koval").name
        texts = " ".join(labels_text(panel))
        assert known("olena_koval").name in texts
        assert "google" in texts

    app_factory.run(scenario())


def test_unknown_and_deal_only_numbers_offer_create_contact(
        app_factory: AppRunner, sim: Simulator,
        qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        for number in (UNKNOWN_NUMBER, known("deal_only").phones[0]):
            call_id = await ring(sim, number)
            panel = await panel_for(app, call_id)
            await until(lambda p=panel: p.lookup.state is LookupState.UNKNOWN,  # type: ignore[misc]
                        what=f"{number} to be unknown")

    app_factory.run(scenario())


def test_shared_number_lets_the_agent_pick_and_remembers(
        app_factory: AppRunner, sim: Simulator,
        qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        call_id = await ring(sim, "0442223344")
        panel = await panel_for(app, call_id)
        await until(lambda: panel.lookup.state is LookupState.AMBIGUOUS, what="a picker")
        maria = next(c for c in panel.lookup.contacts if c.name == known("romashka_maria").name)
        panel.contact_picked.emit(panel.number_e164, maria)
        assert app.services is not None
        again = app.services.lookup.cached(panel.number_e164)
        assert again is not None
        assert again.state is LookupState.FOUND
        assert again.contacts[0].record_id == maria.record_id

    app_factory.run(scenario())


def test_markup_in_names_is_shown_as_plain_text(app_factory: AppRunner,
                                                sim: Simulator,
                                                qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        call_id = await ring(sim, known("markup").phones[0])
        panel = await panel_for(app, call_id)
        await until(lambda: panel.lookup.state is LookupState.FOUND, what="the contact")
        name_labels = [label for label in panel.findChildren(QLabel)
                       if label.text() == known("markup").name]
        assert name_labels
        assert all(label.textFormat() == Qt.TextFormat.PlainText for label in name_labels)

    app_factory.run(scenario())


def test_crm_timeout_shows_a_clear_state_not_a_frozen_panel(
        app_factory: AppRunner, sim: Simulator,
        qloop: asyncio.AbstractEventLoop, expect_log_warnings: None) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        await set_faults(sim, timeout_rate=1.0, hang_seconds=5)
        call_id = await ring(sim, UNKNOWN_NUMBER)
        panel = await panel_for(app, call_id)
        assert panel.lookup.state is LookupState.LOOKING  # the number is on screen at once
        await until(lambda: panel.lookup.state is LookupState.FAILED, 20, "a failed lookup")
        assert "did not answer in time" in panel.lookup.error
        await clear_faults(sim)
        panel.retry_lookup_requested.emit(panel.number_e164)
        await until(lambda: panel.lookup.state is LookupState.UNKNOWN, 10, "retry to work")

    app_factory.run(scenario())


def test_crm_401_says_credentials_refused(app_factory: AppRunner,
                                          sim: Simulator,
                                          qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        await set_faults(sim, auth_revoked=True)
        call_id = await ring(sim, UNKNOWN_NUMBER)
        panel = await panel_for(app, call_id)
        await until(lambda: panel.lookup.state is LookupState.FAILED, what="a failed lookup")
        assert "credentials refused" in panel.lookup.error

    app_factory.run(scenario())


def contacts_with_phone(sim: Simulator, e164: str) -> list[dict[str, Any]]:
    records = httpx.get(sim.url + "/_sim/nethunt/records", params={"folder": "Contacts"}).json()
    return [r for r in records if e164 in r["fields"].get("Phone", [])]


def test_create_contact_twice_makes_exactly_one(app_factory: AppRunner,
                                                sim: Simulator,
                                                qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        assert app.services is not None
        crm = app.services.crm
        draft = NewContact(name="Нова Клієнтка", phone_e164=UNKNOWN_NUMBER, utm_source="google")
        created = signal_future(crm.contact_created)
        existing = signal_future(crm.existing_contact_found)
        crm.create_contact(draft)
        crm.create_contact(draft)  # a double click reaching the service
        await asyncio.wait_for(asyncio.gather(created, existing), 10)
        records = contacts_with_phone(sim, UNKNOWN_NUMBER)
        assert len(records) == 1
        assert records[0]["fields"]["Phone"] == [UNKNOWN_NUMBER]
        assert records[0]["fields"]["Name"] == "Нова Клієнтка"
        assert records[0]["fields"]["Джерело"] == "google"

    app_factory.run(scenario())


def test_create_from_the_panel_switches_it_to_open_in_crm(
        app_factory: AppRunner, sim: Simulator,
        qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        call_id = await ring(sim, UNKNOWN_NUMBER, utm_source="facebook")
        panel = await panel_for(app, call_id)
        await until(lambda: panel.lookup.state is LookupState.UNKNOWN, what="unknown")
        panel.create_contact_requested.emit(panel.number_e164, panel.call)
        dialog = app.create_dialogs.dialog(panel.number_e164)
        assert dialog is not None
        dialog.name_edit.setText("Ольга Нова")
        dialog.submit()
        dialog.submit()  # pressed twice
        await until(lambda: panel.lookup.state is LookupState.FOUND, what="the new contact")
        assert panel.contact is not None
        assert panel.contact.name == "Ольга Нова"
        assert len(contacts_with_phone(sim, UNKNOWN_NUMBER)) == 1

    app_factory.run(scenario())


def test_create_failure_keeps_the_form_and_creates_nothing(
        app_factory: AppRunner, sim: Simulator,
        qloop: asyncio.AbstractEventLoop, expect_log_warnings: None) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        assert app.services is not None
        app.create_dialogs.open(UNKNOWN_NUMBER)
        dialog = app.create_dialogs.dialog(UNKNOWN_NUMBER)
        assert dialog is not None
        dialog.name_edit.setText("Ольга Нова")
        await set_faults(sim, error_rate=1.0)
        failed = signal_future(app.services.crm.create_failed)
        dialog.submit()
        await asyncio.wait_for(failed, 15)
        assert not dialog.busy
        assert dialog.name_edit.text() == "Ольга Нова"
        await clear_faults(sim)
        assert contacts_with_phone(sim, UNKNOWN_NUMBER) == []

    app_factory.run(scenario())


def test_a_create_while_the_services_restart_is_refused_with_a_reason(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop) -> None:
    """The form outlives the services (new settings rebuild them): a submit in between must
    say why, not stay busy forever or go to the old, closed services."""
    async def scenario() -> None:
        app = await started(app_factory())
        dialog = app.create_dialogs.open(UNKNOWN_NUMBER)
        assert app.services is not None
        await app.services.stop()
        app.services = None  # as between two configurations
        dialog.name_edit.setText("Ольга Нова")
        dialog.submit()
        assert not dialog.busy
        assert dialog.banner_label.text()
        assert dialog.name_edit.text() == "Ольга Нова"
        assert contacts_with_phone(sim, UNKNOWN_NUMBER) == []

    app_factory.run(scenario())


async def outward_calls(sim: Simulator) -> list[dict[str, Any]]:
    async with httpx.AsyncClient() as client:
        requests = (await client.get(sim.url + "/_sim/requests")).json()
    return [r for r in requests if r["path"] == "/callback/outward_call"]


def test_contact_book_and_journal_call_through_ringostat(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        assert app.services is not None
        synced = signal_future(app.services.sync.synced)
        await asyncio.wait_for(synced, 15)
        app.open_contact_book()
        book = app.contact_book
        assert book is not None
        book.search_box.setText("Коваль")
        book.search_now()
        olena = next(c for c in book.model.contacts if c.name == known("olena_koval").name)
        assert book.model.manager_display(olena) == "Петренко Олена"  # not her e-mail
        placed = signal_future(app.services.dialer.call_placed)
        book.call_requested.emit("067 123 45 67")
        assert (await asyncio.wait_for(placed, 10)) == ("+380671234567",)

        await until(lambda: app.calls.count() > 0, what="the journal to fill")
        app.open_journal()
        journal = app.journal
        assert journal is not None
        assert journal.model.rowCount() > 0
        placed = signal_future(app.services.dialer.call_placed)
        journal.call_requested.emit(UNKNOWN_NUMBER)
        await asyncio.wait_for(placed, 10)
        calls = await outward_calls(sim)
        assert [c["body"].split("destination=")[1] for c in calls] == [
            "380671234567", UNKNOWN_NUMBER.lstrip("+")]

    app_factory.run(scenario())


def test_tel_links_from_a_second_launch_are_dialled_and_junk_is_refused(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        assert app.services is not None
        refused = signal_future(app.services.dialer.refused)
        app.handle_instance_message({"action": "dial", "target": "tel:$(reboot)"})
        text, reason = await asyncio.wait_for(refused, 5)
        assert text == "tel:$(reboot)"
        assert reason
        placed = signal_future(app.services.dialer.call_placed)
        app.handle_instance_message({"action": "dial", "target": "callto://+380 50 111 22 33"})
        await asyncio.wait_for(placed, 10)
        calls = await outward_calls(sim)
        assert len(calls) == 1
        assert "destination=380501112233" in calls[0]["body"]

    app_factory.run(scenario())


def test_clicks_while_nethunt_refuses_are_one_call_placed_at_once_and_never_replayed(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12.2: three clicks while NetHunt refuses its key used to wait for NetHunt and
    then all ring at once, maybe hours later. A call needs only Ringostat."""
    monkeypatch.setattr(app_module, "SETUP_RETRY_SECONDS", 0.05)

    async def scenario() -> None:
        await set_faults(sim, auth_revoked=True)
        app = app_factory()
        ready = signal_future(app.ready)
        app.start()
        placed = signal_future(app.early_dialer.call_placed)
        for _ in range(3):  # as later launches hand tel: links over (single instance)
            app.handle_instance_message({"action": "dial", "target": "tel:+380671234567"})
        assert (await asyncio.wait_for(placed, 10)) == ("+380671234567",)
        assert app.services is None  # NetHunt still refuses: the call did not wait for it
        assert len(await outward_calls(sim)) == 1
        await clear_faults(sim)
        await asyncio.wait_for(ready, 15)
        assert app.services is not None
        await app.services.dialer.wait_idle()
        await app.early_dialer.wait_idle()
        calls = await outward_calls(sim)
        assert len(calls) == 1  # nothing replayed when NetHunt came back
        assert "destination=380671234567" in calls[0]["body"]

    app_factory.run(scenario())


def test_a_click_that_cannot_be_placed_now_says_why_and_is_not_kept(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop,
        monkeypatch: pytest.MonkeyPatch, expect_log_warnings: None) -> None:
    monkeypatch.setattr(app_module, "SETUP_RETRY_SECONDS", 0.05)

    async def scenario() -> None:
        async with httpx.AsyncClient() as client:
            (await client.post(sim.url + "/_sim/faults", json={
                "service": "ringostat", "error_rate": 1.0})).raise_for_status()
        app = app_factory()
        ready = signal_future(app.ready)
        app.start()
        failed = signal_future(app.early_dialer.call_failed)
        app.dial("+380501112233")
        number, failure = await asyncio.wait_for(failed, 15)
        assert number == "+380501112233"
        assert failure.status == 503
        await clear_faults(sim)
        await asyncio.wait_for(ready, 15)
        assert await outward_calls(sim) == []

    app_factory.run(scenario())


def test_a_bad_time_zone_setting_is_said_and_the_start_up_keeps_trying(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop) -> None:
    """Issue 12.3: ``project_timezone = Mars/Olympus`` (deployable machine-wide) ended the
    start-up task with an exception nobody saw; the tray said "Connecting…" for ever."""
    from ringohunt_desktop.ui.tray import TrayState

    async def scenario() -> None:
        app = app_factory(project_timezone="Mars/Olympus")
        app.start()
        await until(lambda: app.tray.state is TrayState.BAD_CREDENTIALS, 10, "the problem")
        assert "project_timezone" in app.tray.tooltip()
        assert "Mars/Olympus" in app.tray.tooltip()
        assert app._setup_task is not None
        assert not app._setup_task.done()  # still trying
        assert any("project_timezone" in line for line in app.recent_errors)

    app_factory.run(scenario())


def test_an_unforeseen_start_up_failure_is_said_and_retried(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop,
        monkeypatch: pytest.MonkeyPatch, expect_log_warnings: None) -> None:
    """A failure of no known kind (here: the parser's stack exhausted) must not end the
    start-up silently: the agent reads that it failed and what to do, and it is retried."""

    monkeypatch.setattr(app_module, "SETUP_RETRY_SECONDS", 0.05)
    real_build = app_module.build_services
    failures = [RecursionError("maximum recursion depth exceeded")]

    async def build_failing_once(*args: Any, **kwargs: Any) -> Any:
        if failures:
            raise failures.pop()
        return await real_build(*args, **kwargs)

    monkeypatch.setattr(app_module, "build_services", build_failing_once)

    async def scenario() -> None:
        app = app_factory()
        ready = signal_future(app.ready)
        shown: list[str] = []
        original = app.tray.show_startup_failure
        monkeypatch.setattr(app.tray, "show_startup_failure",
                            lambda failure: (original(failure), shown.append(
                                app.tray.tooltip())))
        app.start()
        await asyncio.wait_for(ready, 15)
        assert len(shown) == 1
        assert "Save diagnostics" in shown[0]
        assert "RecursionError" in shown[0]
        assert any("RecursionError" in line for line in app.recent_errors)

    app_factory.run(scenario())


def test_click_to_call_failure_is_reported_and_not_retried(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop,
        expect_log_warnings: None) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        assert app.services is not None
        async with httpx.AsyncClient() as client:
            (await client.post(sim.url + "/_sim/faults",
                               json={"service": "ringostat", "error_rate": 1.0})).raise_for_status()
        failed = signal_future(app.services.dialer.call_failed)
        app.dial("+380501112233")
        number, failure = await asyncio.wait_for(failed, 10)
        assert number == "+380501112233"
        assert failure.status == 503
        assert "503" in failure.user_message
        await clear_faults(sim)
        assert len(await outward_calls(sim)) == 1

    app_factory.run(scenario())


def test_diagnostics_zip_has_recent_errors_and_no_keys(
        app_factory: AppRunner, sim: Simulator, basedir: Path,
        qloop: asyncio.AbstractEventLoop, expect_log_warnings: None) -> None:
    import zipfile

    async def scenario() -> None:
        app = await started(app_factory())
        await set_faults(sim, auth_revoked=True)
        call_id = await ring(sim, UNKNOWN_NUMBER)
        panel = await panel_for(app, call_id)
        await until(lambda: panel.lookup.state is LookupState.FAILED, what="a failed lookup")
        await clear_faults(sim)
        path = app.save_diagnostics(basedir / "support.zip")
        assert path is not None
        with zipfile.ZipFile(path) as archive:
            everything = b"".join(archive.read(name) for name in archive.namelist())
        assert b"credentials refused" in everything
        for key in (sim.credentials.nethunt_api_key, sim.credentials.ringostat_auth_key):
            assert key.encode() not in everything

    app_factory.run(scenario())


def test_missed_badge_counts_numbers_waiting_for_a_call_back(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop) -> None:
    # Issue 14: the badge counts the team inbox's rows waiting for a call-back (one per
    # number), not raw missed calls; the journal still keeps every missed call until handled.
    async def scenario() -> None:
        app = await started(app_factory())
        assert app.services is not None
        await until(lambda: app.services is not None and app.services.watcher.cycles > 0)
        app.open_journal()
        before = app.tray.missed
        unhandled_before = app.calls.unhandled_missed_count()
        for expected in (1, 2):
            missed = signal_future(app.services.watcher.call_changed,
                                   lambda event: event.phase is CallPhase.MISSED)
            await ring(sim, "+380931110001", outcome="missed", ring_seconds=0.3)
            await asyncio.wait_for(missed, 10)
            assert app.tray.missed == before + 1  # the same number is one row
            assert app.calls.unhandled_missed_count() == unhandled_before + expected

    app_factory.run(scenario())


def test_foreign_callers_and_extensions_resolve(app_factory: AppRunner, sim: Simulator,
                                                qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        app = await started(app_factory())
        # The simulator reports it as Ringostat does: digits without "+" (48221234567).
        call_id = await ring(sim, "+48 22 123 45 67")
        panel = await panel_for(app, call_id)
        assert panel.number_e164 == "+48221234567"
        await until(lambda: panel.lookup.state is LookupState.FOUND, what="the Warsaw contact")
        assert panel.contact is not None
        assert panel.contact.name == known("warsaw").name
        internal = await ring(sim, "104")
        panel = await panel_for(app, internal)
        await until(lambda: panel.lookup.state is LookupState.UNKNOWN, what="an extension")

    app_factory.run(scenario())


def test_first_run_opens_the_wizard_and_a_saved_configuration_starts_the_services(
        sim: Simulator, basedir: Path, qloop: asyncio.AbstractEventLoop) -> None:
    from ringohunt_desktop.ui.settings_dialog import FirstRunWizard
    from ringohunt_desktop.ui.tray import TrayState

    paths = AppPaths.under(basedir).ensure()
    no_keys = {"RINGOHUNT_MACHINE_CONFIG": os.devnull,
               "RINGOHUNT_RINGOSTAT_URL": sim.ringostat_url,
               "RINGOHUNT_NETHUNT_URL": sim.nethunt_url}
    app = RingoHuntApp(load_config(paths, env=no_keys), paths)
    runner = AppRunner(sim, basedir, qloop)
    runner.apps.append(app)

    async def scenario() -> None:
        app.start()
        assert isinstance(app.setup_windows.window, FirstRunWizard)
        assert app.tray.state is TrayState.BAD_CREDENTIALS
        assert app.services is None  # nothing to connect with yet
        ready = signal_future(app.ready)
        env = {**sim.app_environment(), "RINGOHUNT_MACHINE_CONFIG": os.devnull}
        app.setup.configuration_saved.emit(load_config(paths, env=env,
                                                       overrides={"poll_interval": "0.2"}))
        await asyncio.wait_for(ready, 15)
        assert app.services is not None
        app.setup_windows.window.close()

    runner.run(scenario())


def test_calls_made_while_the_app_was_closed_reach_the_journal_on_start(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop) -> None:
    async def scenario() -> None:
        first = await started(app_factory())
        await until(lambda: first.services is not None and first.services.watcher.cycles > 0)
        await first.shutdown()
        while_closed = [await ring(sim, number, ring_seconds=0.2, talk_seconds=0.3)
                        for number in ("0501112233", UNKNOWN_NUMBER)]
        while_closed.append(await ring(sim, "0631234500", outcome="missed", ring_seconds=0.2))
        await asyncio.sleep(1.0)  # let those calls end before the app comes back

        second = await started(app_factory())
        await until(lambda: all(second.calls.get(cid) is not None for cid in while_closed),
                    what="the calls made while closed")
        for call_id in while_closed:
            stored = second.calls.get(call_id)
            assert stored is not None
            assert not stored.is_in_progress  # their final state, not a stale one
        assert second.popups.panels.panels() == []  # history does not pop

    app_factory.run(scenario())


def test_a_missed_call_too_short_to_be_seen_ringing_still_notifies(
        app_factory: AppRunner, sim: Simulator, qloop: asyncio.AbstractEventLoop) -> None:
    from datetime import UTC, datetime, timedelta

    from ringohunt_desktop.core.calltracking import CallEvent
    from ringohunt_desktop.domain import CallPhase, CallRecord, Direction

    def missed(call_id: str, started: datetime) -> CallEvent:
        call = CallRecord(call_id=call_id, started_at=started, caller="380960001122",
                          destination="380441110000", direction=Direction.INCOMING,
                          disposition="NO ANSWER")
        return CallEvent(CallPhase.MISSED, call, live=False)  # first seen already finished

    async def scenario() -> None:
        app = await started(app_factory())
        assert app.tray.fallback is not None
        status = app.tray.fallback.statusBar()
        app.popups.show_call_event(missed("old", datetime.now(UTC) - timedelta(hours=1)))
        assert status.currentMessage() == ""  # history from before the start: badge only
        app.popups.show_call_event(missed("new", datetime.now(UTC) + timedelta(seconds=1)))
        assert status.currentMessage().startswith("Missed call")
        assert app.popups.panels.panels() == []

    app_factory.run(scenario())


@pytest.mark.parametrize(("environ", "expected"), [
    ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "xcb;wayland"),
    ({"WAYLAND_DISPLAY": "wayland-0", "QT_QPA_PLATFORM": "wayland"}, "wayland"),  # user's call
    ({"DISPLAY": ":0"}, None),  # plain X11 session: Qt's own choice
])
def test_wayland_sessions_run_on_x11_so_the_panel_can_sit_by_the_tray(
        monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], expected: str | None) -> None:
    from ringohunt_desktop.shell.launch import prefer_x11_on_wayland

    monkeypatch.setattr("sys.platform", "linux")
    prefer_x11_on_wayland(environ)
    assert environ.get("QT_QPA_PLATFORM") == expected
