"""The whole chain on loopback: simulator → webhooks → relay → nats-server → an agent's
durable consumer; and a 3-node cluster losing a node while the relay publishes."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from typing import Any

import httpx
import nats
import nats.errors
import pytest

from ringohunt_desktop.core import subjects
from ringohunt_desktop.core.webhooks import parse_webhook_event
from ringohunt_desktop.relay.broker import StreamSpec
from ringohunt_desktop.relay.provision import provision
from ringohunt_desktop.simulator import SimCredentials, SimOptions, Simulator
from tests.nats_fixtures import NatsNode, nats_cluster, start_node
from tests.relay_support import (
    CALLER,
    PROJECT,
    SECRET,
    STREAM,
    jetstream,
    running_relay,
    sim_staff,
    subject_counts,
    wait_healthy,
)

__all__ = ["nats_cluster"]

OLENA = 4321
ALL_EVENTS = {"call_forwarding", "call_answered", "call_end", "ai_processed"}


@pytest.fixture
def provisioned_server(tmp_path: Path) -> Any:
    out = tmp_path / "provisioned"
    provision(PROJECT, sim_staff(), out, stream=STREAM, cost=4)
    auth = os.path.relpath(out / "auth.conf", tmp_path / "nats")
    node = start_node(tmp_path / "nats", extra_config=f'include "{auth}"')
    try:
        yield node, json.loads((out / "credentials.json").read_text())
    finally:
        node.stop()


def test_a_rung_call_reaches_the_agents_desktop_consumer(
        provisioned_server: tuple[NatsNode, dict[str, Any]]) -> None:
    node, credentials = provisioned_server
    olena = next(a for a in credentials["agents"] if a["staff_id"] == OLENA)
    relay_login = credentials["relay"]

    async def scenario() -> None:
        async with running_relay([node.url], nats_user=relay_login["user"],
                                 nats_password=relay_login["password"]) as relay, \
                httpx.AsyncClient() as client:
            await wait_healthy(client, relay)
            # The cabinet's imperfections on (aliases, duplicates, late deliveries).
            options = SimOptions(contacts=40, deals=10, calls_history_days=1, calls_per_day=5,
                                 webhook_url=f"{relay.url}?secret={SECRET}",
                                 webhook_alias_rate=0.5, webhook_duplicate_rate=0.5,
                                 webhook_late_rate=0.3, webhook_late_seconds=0.3,
                                 webhook_retry_delay=0.2)
            with Simulator(SimCredentials(), options) as sim:
                answer = await client.post(sim.url + "/_sim/ring", json={
                    "agent": "olena@demo-shop.ua", "caller": CALLER, "ring_seconds": 0.3,
                    "talk_seconds": 0.3})
                call_id = answer.json()["call_id"]
                events = await desktop_receives(node, olena, call_id)
                assert sim.webhooks is not None
                while True:  # until late copies and retries are all answered
                    if not sim.webhooks.pending:
                        break
                    await asyncio.sleep(0.05)
            async with jetstream([node.url], user=credentials["admin"]["user"],
                                 password=credentials["admin"]["password"]) as js:
                stored = await subject_counts(js)
        # The pop arrives first (the forwarding step), then each state once, in order of
        # delivery; late webhooks may swap answered/end, the desktop's tracker copes.
        assert events[0]["event"] == "call_forwarding"
        assert {e["event"] for e in events} == ALL_EVENTS
        assert len(events) == len(ALL_EVENTS)
        # Every copy the simulator sent has been answered; JetStream stored each event once.
        assert stored[subjects.agent_subject(PROJECT, OLENA)] == len(ALL_EVENTS)
        assert all(parse_webhook_event(e).call_id == call_id for e in events)
        assert events[0]["employee_email"] == "olena@demo-shop.ua"

    asyncio.run(scenario())


async def desktop_receives(node: NatsNode, entry: dict[str, Any], call_id: str
                           ) -> list[dict[str, Any]]:
    """What the agent's desktop gets through its durable consumer for this call: fetch and
    ack until every event of the call is in (the test's timeout bounds the loop)."""
    nc = await nats.connect(node.url, user=entry["user"], password=entry["password"],
                            inbox_prefix=entry["inbox_prefix"], connect_timeout=2)
    events: list[dict[str, Any]] = []
    try:
        subscription = await nc.jetstream(timeout=5).pull_subscribe_bind(
            durable=entry["durable"], stream=entry["stream"])
        while {e["event"] for e in events} != ALL_EVENTS:
            try:
                batch = await subscription.fetch(10, timeout=1)
            except (nats.errors.TimeoutError, TimeoutError):  # nats-py raises either on none
                continue
            for message in batch:
                payload = json.loads(message.data)
                if payload["call_id"] == call_id:
                    events.append(payload)
                await message.ack()
    finally:
        await nc.close()
    return events


@pytest.mark.usefixtures("expect_log_warnings")
def test_a_cluster_node_stops_while_the_relay_publishes_and_nothing_is_lost(
        nats_cluster: list[NatsNode]) -> None:
    urls = [node.url for node in nats_cluster]
    calls = [f"ua-failover-{n:03d}" for n in range(60)]

    async def scenario() -> dict[str, int]:
        attempts: dict[str, int] = {}
        async with running_relay(urls, stream=StreamSpec(name=STREAM, replicas=3),
                                 publish_timeout=5.0) as relay, httpx.AsyncClient() as client:
            await wait_healthy(client, relay)
            for index, call_id in enumerate(calls):
                if index == 20:  # stop the node the relay is talking to, mid-stream
                    port = int(relay.relay.broker.server.rsplit(":", 1)[1])
                    next(node for node in nats_cluster if node.port == port).stop()
                attempts[call_id] = await deliver_like_ringostat(client, relay.url, call_id)
        return attempts

    attempts = asyncio.run(scenario())
    survivors = [node.url for node in nats_cluster if node.process is not None]
    assert len(survivors) == 2

    async def stored() -> dict[str, int]:
        async with jetstream(survivors) as js:
            return await subject_counts(js)

    assert asyncio.run(stored()) == {subjects.agent_subject(PROJECT, OLENA): len(calls)}
    assert all(count >= 1 for count in attempts.values())


async def deliver_like_ringostat(client: httpx.AsyncClient, url: str, call_id: str) -> int:
    """POST until a 200, as Ringostat retries a failed webhook (and as an admin re-sends it
    from "actions with errors"); returns the number of attempts."""
    attempt = 0
    while True:
        attempt += 1
        try:
            answer = await client.post(f"{url}?event=call_end&secret={SECRET}", json={
                "call_id": call_id, "caller": CALLER, "sip_login": "demoshopua_olena",
                "disposition": "ANSWERED", "billsec": 5}, timeout=30)
        except httpx.TransportError:
            answer = None
        if answer is not None and answer.status_code == 200:
            return attempt
        assert answer is None or answer.status_code == 503
        await asyncio.sleep(0.5)
