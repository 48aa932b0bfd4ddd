"""The wizard's "how calls arrive" page against a real, provisioned nats-server: a good server
passes, an unreachable one, a wrong password and an agent IT has not provisioned each say
why and keep Next disabled; saving stores the address in the settings and the password in
the keychain only."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ringohunt_desktop.credentials import MemoryStore
from ringohunt_desktop.relay.broker import (
    ConsumerSpec,
    StreamSpec,
    ensure_agent_consumers,
    ensure_stream,
)
from ringohunt_desktop.relay.directory import StaffDirectory
from ringohunt_desktop.relay.provision import provision
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.simulator import SimCredentials
from ringohunt_desktop.ui.settings_dialog import FirstRunWizard
from tests.conftest import signal_future
from tests.nats_fixtures import NatsNode, free_port, start_node
from tests.relay_support import PROJECT, STREAM, jetstream, sim_staff
from tests.test_ui_settings import (
    ARTIFACTS,
    SetupRunner,
    assert_no_secret_in_files,
    finish_button,
    go_next,
    language,
    next_button,
    pass_nethunt,
    pass_ringostat,
    pick_agent,
    runner,
    until,
)

__all__ = ["language", "runner"]

pytestmark = pytest.mark.gui

OLENA = 4321


@pytest.fixture
def call_server(tmp_path: Path) -> Iterator[tuple[NatsNode, dict[str, Any]]]:
    """A server with the provisioned users, and a consumer for Olena only (as if IT had
    provisioned the others' logins but the relay had not yet made their consumers)."""
    out = tmp_path / "provisioned"
    provision(PROJECT, sim_staff(), out, stream=STREAM, cost=4)
    auth = os.path.relpath(out / "auth.conf", tmp_path / "nats")
    node = start_node(tmp_path / "nats", extra_config=f'include "{auth}"')
    credentials = json.loads((out / "credentials.json").read_text())

    async def prepare() -> None:
        relay = credentials["relay"]
        async with jetstream([node.url], user=relay["user"], password=relay["password"]) as js:
            await ensure_stream(js, StreamSpec(name=STREAM))
            olena = StaffDirectory.from_staff(PROJECT, sim_staff()).agent(OLENA)
            assert olena is not None
            await ensure_agent_consumers(js, STREAM, PROJECT, [olena], ConsumerSpec())

    try:
        asyncio.run(prepare())
        yield node, credentials
    finally:
        node.stop()


def password_of(credentials: dict[str, Any], staff_id: int) -> str:
    return str(next(a["password"] for a in credentials["agents"]
                    if a["staff_id"] == staff_id))


async def to_calls_page(wizard: FirstRunWizard, creds: SimCredentials, agent: str) -> None:
    await pass_ringostat(wizard, creds)
    go_next(wizard)
    pick_agent(wizard, agent)
    go_next(wizard)


async def run_connection_test(wizard: FirstRunWizard, servers: str, password: str) -> str:
    section = wizard.form.calls
    section.servers_edit.setText(servers)
    if not section.password_field.editing:
        section.password_field.change_button.click()
    section.password_field.edit.setText(password)
    assert section.test_button.isEnabled(), section.problem()
    section.test_button.click()
    await until(lambda: not section.busy, 15, "the call-server test")
    return section.status_label.text()


def test_the_calls_page_tests_the_call_server_and_saves_it(
        runner: SetupRunner, sim_credentials: SimCredentials, basedir: Path,
        call_server: tuple[NatsNode, dict[str, Any]]) -> None:
    node, credentials = call_server
    store = MemoryStore()
    windows = runner.controller(store)
    good_password = password_of(credentials, OLENA)

    async def scenario() -> None:
        wizard = windows.open_wizard()
        await to_calls_page(wizard, sim_credentials, "Петренко Олена")
        section = wizard.form.calls
        assert not section.servers_edit.isVisibleTo(section)  # polling: nothing to enter
        assert next_button(wizard).isEnabled()
        section.mode_combo.setCurrentIndex(section.mode_combo.findData("subscription"))
        assert section.servers_edit.isVisibleTo(section)
        assert not next_button(wizard).isEnabled()
        section.servers_edit.setText("nats://calls.example.com:4222")
        assert "tls://" in section.status_label.text()

        text = await run_connection_test(wizard, f"nats://127.0.0.1:{free_port()}", good_password)
        assert "Cannot reach the call server" in text
        assert not next_button(wizard).isEnabled()
        text = await run_connection_test(wizard, node.url, "not-the-password")
        assert "did not accept this login and password" in text
        assert not next_button(wizard).isEnabled()
        text = await run_connection_test(wizard, node.url, good_password)
        assert text.startswith("Connected to the call server"), text
        assert next_button(wizard).isEnabled()
        go_next(wizard)
        await pass_nethunt(wizard, sim_credentials)
        go_next(wizard)
        await until(lambda: not wizard.form.folder.busy, what="the folder's fields")
        go_next(wizard)
        saved = signal_future(windows.controller.configuration_saved)
        finish_button(wizard).click()
        (config,) = await asyncio.wait_for(saved, 5)
        assert config.call_source == "subscription"
        assert config.broker_servers == node.url
        assert config.broker_password == Secret(good_password)

    runner.run(scenario())
    assert store.get("broker_password") == Secret(good_password)
    assert_no_secret_in_files(basedir, good_password)


def test_an_agent_without_a_consumer_is_told_to_ask_it(
        runner: SetupRunner, sim_credentials: SimCredentials,
        call_server: tuple[NatsNode, dict[str, Any]]) -> None:
    node, credentials = call_server
    windows = runner.controller()
    iryna = next(m for m in sim_staff() if m.email.startswith("iryna"))

    async def scenario() -> None:
        wizard = windows.open_wizard()
        await to_calls_page(wizard, sim_credentials, "Шевчук Ірина")
        section = wizard.form.calls
        section.mode_combo.setCurrentIndex(section.mode_combo.findData("subscription"))
        text = await run_connection_test(wizard, node.url, password_of(credentials, iryna.staff_id))
        assert "no place for your calls yet" in text
        assert not next_button(wizard).isEnabled()
        wizard.reject()

    runner.run(scenario())


@pytest.mark.parametrize("language", ["en", "uk"], indirect=True)
def test_screenshot_of_the_calls_page_connected(
        runner: SetupRunner, sim_credentials: SimCredentials, language: str,
        call_server: tuple[NatsNode, dict[str, Any]]) -> None:
    node, credentials = call_server
    windows = runner.controller()

    async def scenario() -> None:
        wizard = windows.open_wizard()
        wizard.resize(wizard.minimumSize())
        await to_calls_page(wizard, sim_credentials, "Петренко Олена")
        section = wizard.form.calls
        section.mode_combo.setCurrentIndex(section.mode_combo.findData("subscription"))
        await run_connection_test(wizard, node.url, password_of(credentials, OLENA))
        assert next_button(wizard).isEnabled()
        await asyncio.sleep(0.05)  # let the layout settle
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        assert wizard.grab().save(str(ARTIFACTS / f"wizard_{language}_calls_subscription.png"))
        wizard.reject()

    runner.run(scenario())
