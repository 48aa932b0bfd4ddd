"""The app in subscription mode, the whole chain on loopback: a call rung in the simulator is
sent as Ringostat webhooks to the relay, published to a real nats-server, fetched by the app's
durable consumer and popped as the Insider panel; the journal gets the call; Ringostat is not
polled. The broker going away shows in the tray at once, and calls flow again once it is back.
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from ringohunt_desktop.relay.server import RelayServer
from ringohunt_desktop.services.watcher import WatchStatus
from ringohunt_desktop.shell.app import RingoHuntApp
from ringohunt_desktop.simulator import SimOptions, Simulator
from ringohunt_desktop.ui.tray import TrayState
from tests.nats_fixtures import NatsNode, free_port, start_node
from tests.relay_support import SECRET, relay_settings
from tests.test_app_flow import AppRunner, app_factory, panel_for, ring, started, until

__all__ = ["app_factory"]

pytestmark = pytest.mark.gui

RELAY_PORT = free_port()


@pytest.fixture(autouse=True)
def _collect_what_a_dropped_connection_left() -> Iterator[None]:
    """A call server stopped under a connected desktop leaves the dropped connection's
    transport for the garbage collector (nats-py reconnects on a new one); Python warns when
    it collects it, in whichever later test that happens (full runs failed the test after
    the outage test for it). Collected here, at the end of the test that made it."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


@pytest.fixture
def sim_options() -> SimOptions:
    return SimOptions(contacts=40, deals=10, calls_history_days=1, calls_per_day=5,
                      webhook_url=f"http://127.0.0.1:{RELAY_PORT}/ringostat?secret={SECRET}")


@pytest.fixture
def broker(tmp_path: Path) -> AsyncIterator[NatsNode]:
    node = start_node(tmp_path / "nats")
    try:
        yield node  # type: ignore[misc]
    finally:
        node.stop()


@asynccontextmanager
async def relay_for(node: NatsNode) -> AsyncIterator[RelayServer]:
    async with RelayServer(relay_settings([node.url], port=RELAY_PORT)) as relay:
        yield relay


def subscribing(app_factory: AppRunner, node: NatsNode) -> RingoHuntApp:
    # No authorisation on this server: any login binds (the provisioned, authorised chain
    # is tests/test_relay_chain.py and tests/test_relay_provision.py).
    return app_factory(call_source="subscription", broker_servers=node.url,
                       broker_password="not-checked-here")


def ringostat_calls_list_requests(sim: Simulator) -> int:
    return sum(1 for entry in list(sim.state.requests)
               if entry["service"] == "ringostat" and entry["path"].endswith("calls/list"))


def test_a_call_pops_through_the_relay_and_the_broker_without_polling(
        app_factory: AppRunner, sim: Simulator, broker: NatsNode) -> None:
    async def scenario() -> None:
        async with relay_for(broker):
            app = await started(subscribing(app_factory, broker))
            assert app.services is not None
            await until(lambda: app.services is not None
                        and app.services.watcher.status is WatchStatus.CONNECTED,
                        what="the subscription connected")
            polled_before = ringostat_calls_list_requests(sim)
            call_id = await ring(sim, "067 123 45 67", ring_seconds=1.0, talk_seconds=0.5)
            panel = await panel_for(app, call_id)
            assert panel.number_e164 == "+380671234567"
            await until(lambda: (row := app.calls.get(call_id)) is not None
                        and not row.is_in_progress, 20, "the finished call in the journal")
            assert ringostat_calls_list_requests(sim) == polled_before
            assert app.tray.state is TrayState.CONNECTED
            # The agent asks (tray → Check calls now): one reconciliation with calls/list.
            app.check_calls_now()
            await until(lambda: ringostat_calls_list_requests(sim) > polled_before, 10,
                        "the reconciliation the agent asked for")

    app_factory.run(scenario())


@pytest.mark.usefixtures("expect_log_warnings")
def test_the_tray_says_at_once_when_the_call_server_goes_and_calls_come_back_after(
        app_factory: AppRunner, sim: Simulator, tmp_path: Path) -> None:
    node = start_node(tmp_path / "nats")

    async def scenario() -> None:
        async with relay_for(node):
            app = await started(subscribing(app_factory, node))
            await until(lambda: app.tray.state is TrayState.CONNECTED, 15, "connected")
            node.stop()
            await until(lambda: app.tray.state is TrayState.OFFLINE, 10, "the tray offline")
            assert "call server" in app.tray.tooltip()
            node.start()
            await until(lambda: app.tray.state is TrayState.CONNECTED, 30, "connected again")
            call_id = await ring(sim, "067 123 45 67", ring_seconds=3.0, talk_seconds=0.5)
            await panel_for(app, call_id)

    try:
        app_factory.run(scenario())
    finally:
        node.stop()


@pytest.mark.usefixtures("expect_log_warnings")
def test_where_it_allows_polling_the_app_polls_while_the_call_server_is_down(
        app_factory: AppRunner, sim: Simulator) -> None:
    async def scenario() -> None:
        app = await started(app_factory(
            call_source="subscription", broker_servers=f"nats://127.0.0.1:{free_port()}",
            broker_password="unused", poll_fallback="true"))
        await until(lambda: app.tray.state is TrayState.POLLING, 30, "the polling stand-in")
        call_id = await ring(sim, "067 123 45 67")
        await panel_for(app, call_id)
        assert app.tray.state is TrayState.POLLING

    app_factory.run(scenario())


@pytest.mark.usefixtures("expect_log_warnings")
def test_without_the_admins_leave_it_waits_and_does_not_poll(
        app_factory: AppRunner, sim: Simulator) -> None:
    async def scenario() -> None:
        app = await started(app_factory(
            call_source="subscription", broker_servers=f"nats://127.0.0.1:{free_port()}",
            broker_password="unused"))
        await until(lambda: app.tray.state is TrayState.OFFLINE, 30, "the tray offline")
        assert "call server" in app.tray.tooltip()
        assert ringostat_calls_list_requests(sim) == 0

    app_factory.run(scenario())
