"""The desktop's subscription source against a real nats-server: the agent's durable consumer
delivers every event in order, once in the journal, after an outage, after a crash before the
journal write, and refuses what is not a call event without losing the rest.

The stream and the consumer are made here as the relay makes them (its own functions), and
events are published as the relay routes them; the whole chain with the relay and the
simulator's webhooks is in tests/test_subscription_chain.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from nats.js import JetStreamContext

from ringohunt_desktop.clients.errors import AuthError, Reason
from ringohunt_desktop.config import parse_broker_servers
from ringohunt_desktop.core import subjects
from ringohunt_desktop.core.calltracking import AgentIdentity, CallPhase, CallTracker
from ringohunt_desktop.core.source import CallSnapshot
from ringohunt_desktop.core.subscription import (
    AgentLink,
    BrokerBinding,
    BrokerRefused,
    BrokerUnavailable,
    NotProvisioned,
    SubscriptionSource,
)
from ringohunt_desktop.core.tasks import cancel_and_wait
from ringohunt_desktop.core.webhooks import canonical_fields, parse_webhook_event
from ringohunt_desktop.relay.broker import ConsumerSpec, StreamSpec, ensure_stream
from ringohunt_desktop.relay.routing import route
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.store.calls import CallStore
from ringohunt_desktop.store.db import Database
from tests.nats_fixtures import NatsNode, nats_server, start_node
from tests.relay_support import PROJECT, STREAM, jetstream, sim_directory, sim_staff

__all__ = ["nats_server"]

OLENA = next(member for member in sim_staff() if member.staff_id == 4321)
IDENTITY = AgentIdentity.from_staff(OLENA)
CALLER = "380671234567"


def binding(servers: list[str], password: str = "") -> BrokerBinding:
    return BrokerBinding.for_agent(servers, user="", password=Secret(password), project=PROJECT,
                                   staff_id=OLENA.staff_id, stream=STREAM)


async def prepare(js: JetStreamContext, *, ack_wait: float = 30.0) -> None:
    await ensure_stream(js, StreamSpec(name=STREAM))
    await js.add_consumer(STREAM, ConsumerSpec(ack_wait=ack_wait).config(PROJECT,
                                                                         OLENA.staff_id))


async def publish(js: JetStreamContext, event: str, call_id: str, **extra: str) -> None:
    """As the relay does: parse, route, publish each delivery with its message id."""
    body = {"event": event, "call_id": call_id, "caller": CALLER, "dst": "0443334455",
            "call_type": "in", "employee_email": OLENA.email, **extra}
    parsed = parse_webhook_event(body)
    for delivery in route(parsed, canonical_fields(body), sim_directory(), project=PROJECT):
        await js.publish(delivery.subject, delivery.payload,
                         headers={"Nats-Msg-Id": delivery.msg_id})


async def publish_call(js: JetStreamContext, call_id: str) -> None:
    await publish(js, "call_forwarding", call_id, step="1")
    await publish(js, "call_answered", call_id)
    await publish(js, "call_end", call_id, disposition="ANSWERED", billsec="42",
                  duration="50")


@asynccontextmanager
async def source_for(servers: list[str], **options: Any) -> AsyncIterator[SubscriptionSource]:
    source = SubscriptionSource(AgentLink(binding(servers), connect_timeout=2),
                                IDENTITY, fetch_wait=0.5, **options)
    try:
        yield source
    finally:
        await source.close()


class Desktop:
    """What the watcher does with each snapshot, without Qt: track, write the journal, then
    settle (acknowledge)."""

    def __init__(self, store: CallStore) -> None:
        self.tracker = CallTracker(IDENTITY)
        self.store = store
        self.phases: list[tuple[str, CallPhase]] = []
        self.live: list[bool] = []
        self.changed = asyncio.Condition()

    def take(self, snapshot: CallSnapshot) -> None:
        tracked = self.tracker.ingest(snapshot.rows)
        self.store.upsert(tracked.mine)
        self.phases += [(event.call.call_id, event.phase) for event in tracked.events]
        self.live += [event.live for event in tracked.events]

    async def wait_for(self, phases: int) -> None:
        async with self.changed:
            await self.changed.wait_for(lambda: len(self.phases) >= phases)

    async def run_until(self, source: SubscriptionSource, wanted: int, *,
                        settle: bool = True) -> None:
        async for snapshot in source.snapshots():
            self.take(snapshot)
            if settle and snapshot.settle is not None:
                await snapshot.settle()
            async with self.changed:
                self.changed.notify_all()
            if len(self.phases) >= wanted:
                return


@pytest.fixture
def store(tmp_path: Path) -> CallStore:
    return CallStore(Database.open(tmp_path / "calls.sqlite3"))


async def pending(js: JetStreamContext) -> tuple[int, int]:
    info = await js.consumer_info(STREAM, subjects.durable_name(PROJECT, OLENA.staff_id))
    return info.num_pending, info.num_ack_pending


async def all_acknowledged(js: JetStreamContext) -> None:
    """Until the consumer has nothing pending or unacknowledged (JetStream applies acks
    asynchronously); the test's timeout bounds the wait."""
    while await pending(js) != (0, 0):  # noqa: ASYNC110 - the server has no event to wait on
        await asyncio.sleep(0.02)


def test_a_call_arrives_in_order_reaches_the_journal_and_is_acknowledged(
        nats_server: NatsNode, store: CallStore) -> None:
    async def scenario() -> None:
        async with jetstream([nats_server.url]) as js:
            await prepare(js)
            async with source_for([nats_server.url]) as source:
                desktop = Desktop(store)
                listening = asyncio.ensure_future(desktop.run_until(source, 3))
                # As a call goes: the agent's phone rings, is picked up, the call ends.
                await publish(js, "call_forwarding", "call-1", step="1")
                await desktop.wait_for(1)
                await publish(js, "call_answered", "call-1")
                await desktop.wait_for(2)
                await publish(js, "call_end", "call-1", disposition="ANSWERED", billsec="42",
                              duration="50")
                await listening
            assert desktop.phases == [("call-1", CallPhase.RINGING),
                                      ("call-1", CallPhase.ANSWERED),
                                      ("call-1", CallPhase.ENDED)]
            assert desktop.live == [True, True, True]
            await all_acknowledged(js)
        [row] = store.query()
        assert row.call.call_id == "call-1"
        assert row.call.billsec == 42
        assert row.call.employee_id == OLENA.staff_id

    asyncio.run(scenario())


def test_a_desktop_that_was_closed_gets_every_event_it_missed_in_order(
        nats_server: NatsNode, store: CallStore) -> None:
    async def scenario() -> None:
        async with jetstream([nats_server.url]) as js:
            await prepare(js)
            for number in range(5):
                await publish_call(js, f"while-away-{number}")
            async with source_for([nats_server.url]) as source:
                desktop = Desktop(store)
                await desktop.run_until(source, 5)
            await all_acknowledged(js)
        # Calls that ended while the desktop was away are history: in the journal, in order,
        # never a pop for a call long over.
        assert desktop.phases == [(f"while-away-{n}", CallPhase.ENDED) for n in range(5)]
        assert desktop.live == [False] * 5
        assert {row.call.call_id for row in store.query()} == {
            f"while-away-{n}" for n in range(5)}

    asyncio.run(scenario())


def test_events_not_yet_in_the_journal_come_again_after_a_crash(
        nats_server: NatsNode, store: CallStore, tmp_path: Path) -> None:
    async def scenario() -> None:
        async with jetstream([nats_server.url]) as js:
            await prepare(js, ack_wait=1.0)
            await publish_call(js, "call-crash")
            async with source_for([nats_server.url]) as source:
                # The desktop dies after receiving, before the journal write and the ack.
                async for _snapshot in source.snapshots():
                    break
            fresh = CallStore(Database.open(tmp_path / "after-restart.sqlite3"))
            async with source_for([nats_server.url]) as source:
                desktop = Desktop(fresh)
                await desktop.run_until(source, 1)
            await all_acknowledged(js)
        assert [row.call.call_id for row in fresh.query()] == ["call-crash"]

    asyncio.run(scenario())


@pytest.mark.usefixtures("expect_log_warnings")
def test_hostile_messages_are_skipped_and_the_calls_around_them_arrive(
        nats_server: NatsNode, store: CallStore) -> None:
    subject = subjects.agent_subject(PROJECT, OLENA.staff_id)

    async def scenario() -> None:
        async with jetstream([nats_server.url]) as js:
            await prepare(js)
            await publish(js, "call_end", "before", disposition="NO ANSWER")
            for junk in (b"\xff\xfe not json", b"[" * 50_000 + b"]" * 50_000,
                         json.dumps({"event": "call_end"}).encode(),  # no call id
                         json.dumps({"event": "call_end", "call_id": "x" * 300}).encode(),
                         b'{"event": "call_end", "call_id": "big", "caller": "'
                         + b"1" * 200_000 + b'"}'):
                await js.publish(subject, junk)
            await publish(js, "call_end", "after", disposition="NO ANSWER",
                          employee_fio="\u202eevil\u202c Olena\x1b[31m")
            async with source_for([nats_server.url]) as source:
                desktop = Desktop(store)
                await desktop.run_until(source, 2)
                await asyncio.sleep(0)
            # Nothing is left to come again: the junk was acknowledged too.
            await all_acknowledged(js)
        assert [call_id for call_id, _ in desktop.phases] == ["before", "after"]
        after = next(row.call for row in store.query() if row.call.call_id == "after")
        assert after.employee_name == "evil Olena[31m"

    asyncio.run(scenario())


def test_an_outage_is_said_at_once_and_calls_flow_again_after_it(
        tmp_path: Path, store: CallStore) -> None:
    node = start_node(tmp_path / "nats")

    async def scenario() -> None:
        async with jetstream([node.url]) as js:
            await prepare(js)
        async with source_for([node.url], rng=random.Random(7)) as source:
            desktop = Desktop(store)
            snapshots = source.snapshots()
            first = await anext(snapshots)  # connected
            assert first.rows == []
            node.stop()
            with pytest.raises(BrokerUnavailable) as raised:
                await anext(snapshots)
            assert raised.value.reason is Reason.OFFLINE
            node.start()
            async with jetstream([node.url]) as js:
                await publish(js, "call_forwarding", "after-outage", step="1")
            # The watcher calls snapshots() again after its pause: it waits for nats-py's
            # reconnection, then the ringing call pops.
            await desktop.run_until(source, 1)
        assert desktop.phases == [("after-outage", CallPhase.RINGING)]
        assert desktop.live == [True]

    try:
        asyncio.run(scenario())
    finally:
        node.stop()


def test_no_server_no_login_no_consumer_each_say_so(nats_server: NatsNode, tmp_path: Path
                                                    ) -> None:
    secured = start_node(tmp_path / "secured", extra_config=(
        'authorization { users = [ {user: "agent_11111_4321", password: "right"} ] }'))

    async def opened(servers: list[str], password: str = "") -> None:
        link = AgentLink(binding(servers, password), connect_timeout=1)
        try:
            await link.open()
        finally:
            await link.close()

    async def scenario() -> None:
        from tests.nats_fixtures import free_port
        with pytest.raises(BrokerUnavailable):
            await opened([f"nats://127.0.0.1:{free_port()}"])
        with pytest.raises(BrokerRefused) as refused:
            await opened([secured.url], "wrong")
        assert isinstance(refused.value, AuthError)
        assert "wrong" not in str(refused.value)
        with pytest.raises(NotProvisioned):
            await opened([nats_server.url])  # reachable, but no consumer was made

    try:
        asyncio.run(scenario())
    finally:
        secured.stop()


def test_the_journal_is_reconciled_against_calls_list(nats_server: NatsNode,
                                                      store: CallStore) -> None:
    class Ringostat:
        """Stands in for calls/list only; the real client is exercised in the chain test."""

        def __init__(self) -> None:
            self.windows: list[tuple[datetime, datetime]] = []

        async def calls_list(self, start: datetime, end: datetime) -> list[Any]:
            self.windows.append((start, end))
            return []

    async def scenario() -> None:
        from ringohunt_desktop.core.subscription import Reconciler
        async with jetstream([nats_server.url]) as js:
            await prepare(js)
        ringostat = Ringostat()
        resume = datetime.now(UTC) - timedelta(hours=5)
        reconciler = Reconciler(ringostat, resume_from=resume)  # type: ignore[arg-type]
        async with source_for([nats_server.url], reconciler=reconciler,
                              first_reconcile=(0.0, 0.0)) as source:
            snapshots = source.snapshots()
            await anext(snapshots)  # connected
            await anext(snapshots)  # the first reconciliation
            assert len(ringostat.windows) == 1
            start, _end = ringostat.windows[0]
            assert start == resume - timedelta(hours=2)
            source.wake()  # asked for within a minute of the last one: not again
            fetching = asyncio.ensure_future(anext(snapshots))
            await asyncio.sleep(0.3)
            assert len(ringostat.windows) == 1
            await cancel_and_wait(fetching)
            await snapshots.aclose()

    asyncio.run(scenario())


def test_server_addresses_refuse_plain_text_to_other_computers() -> None:
    assert parse_broker_servers("tls://a.example:4222, tls://b.example:4222") == (
        "tls://a.example:4222, tls://b.example:4222")
    assert parse_broker_servers("nats://127.0.0.1:4222") == "nats://127.0.0.1:4222"
    for bad in ("nats://broker.example:4222", "http://broker.example", "tls://u:p@h:4222",
                "broker.example:4222"):
        with pytest.raises(ValueError, match=r"tls://|login"):
            parse_broker_servers(bad)


def test_the_call_server_password_is_masked_in_every_log_line(tmp_path: Path) -> None:
    from ringohunt_desktop.cli import register_secrets
    from ringohunt_desktop.config import load_config
    from ringohunt_desktop.logging_setup import clear_registered_secrets, redact
    from ringohunt_desktop.paths import AppPaths

    password = "broker-pass-Zq9-never-logged"
    config = load_config(AppPaths.under(tmp_path).ensure(), env={
        "RINGOHUNT_MACHINE_CONFIG": os.devnull, "RINGOHUNT_CALL_SOURCE": "subscription",
        "RINGOHUNT_BROKER_PASSWORD": password})
    try:
        register_secrets(config)
        assert password not in redact(f"connect failed for agent_1_2:{password}@calls")
    finally:
        clear_registered_secrets()


def test_an_agents_login_cannot_bind_another_agents_consumer(tmp_path: Path) -> None:
    from ringohunt_desktop.relay.broker import ensure_agent_consumers
    from ringohunt_desktop.relay.provision import provision

    out = tmp_path / "provisioned"
    provision(PROJECT, sim_staff(), out, stream=STREAM, cost=4)
    credentials = json.loads((out / "credentials.json").read_text())
    auth = os.path.relpath(out / "auth.conf", tmp_path / "nats")
    node = start_node(tmp_path / "nats", extra_config=f'include "{auth}"')
    olena = next(a for a in credentials["agents"] if a["staff_id"] == OLENA.staff_id)
    iryna = next(m for m in sim_staff() if m.email.startswith("iryna"))

    async def scenario() -> None:
        relay = credentials["relay"]
        async with jetstream([node.url], user=relay["user"], password=relay["password"]) as js:
            await ensure_stream(js, StreamSpec(name=STREAM))
            await ensure_agent_consumers(js, STREAM, PROJECT, sim_directory().agents)
        # Olena's login and password, Iryna's consumer and inbox: the broker refuses.
        stolen = BrokerBinding(servers=(node.url,), user=olena["user"],
                               password=Secret(olena["password"]),
                               inbox_prefix=subjects.agent_inbox_prefix(PROJECT, iryna.staff_id),
                               stream=STREAM,
                               durable=subjects.durable_name(PROJECT, iryna.staff_id))
        link = AgentLink(stolen, connect_timeout=1)
        try:
            with pytest.raises(BrokerRefused):
                await link.open()
        finally:
            await link.close()
        own = AgentLink(binding([node.url], olena["password"]), connect_timeout=2)
        try:
            await own.open()  # her own consumer binds
        finally:
            await own.close()

    try:
        asyncio.run(scenario())
    finally:
        node.stop()


def test_a_call_server_with_an_untrusted_certificate_is_named_as_such(tmp_path: Path) -> None:
    """A real TLS handshake with a self-signed certificate on loopback: the agent is told the
    certificate is not trusted (and which server), not that nothing answers."""
    import subprocess

    from ringohunt_desktop.core.subscription import BrokerUntrusted

    cert, key = tmp_path / "calls.crt", tmp_path / "calls.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True,
                   timeout=60)
    node = start_node(tmp_path / "nats", extra_config=(
        f'tls {{ cert_file: "{cert}", key_file: "{key}" }}'))

    async def scenario() -> None:
        link = AgentLink(binding([f"tls://127.0.0.1:{node.port}"]), connect_timeout=2)
        try:
            with pytest.raises(BrokerUntrusted) as raised:
                await link.open()
        finally:
            await link.close()
        assert raised.value.host == f"127.0.0.1:{node.port}"
        assert raised.value.reason is Reason.UNTRUSTED_CERTIFICATE

    try:
        asyncio.run(scenario())
    finally:
        node.stop()


def test_an_event_is_handed_on_while_the_fetch_is_still_waiting(
        nats_server: NatsNode, store: CallStore) -> None:
    """A batch fetch that is waiting when a message arrives must not hold it until the batch
    fills or the wait ends (nats-py does, with a batch over 1): here the wait is an hour, so
    only a fetch that hands on the first message ends before the test's own timeout."""
    async def scenario() -> None:
        async with jetstream([nats_server.url]) as js:
            await prepare(js)
            source = SubscriptionSource(AgentLink(binding([nats_server.url]), connect_timeout=2),
                                        IDENTITY, fetch_wait=3600.0, batch=100)
            try:
                snapshots = source.snapshots()
                await anext(snapshots)  # connected; the next fetch now waits
                waiting = asyncio.ensure_future(anext(snapshots))
                await asyncio.sleep(0.5)
                await publish(js, "call_forwarding", "while-waiting", step="1")
                snapshot = await waiting
                assert [row.call_id for row in snapshot.rows] == ["while-waiting"]
                await snapshots.aclose()
            finally:
                await source.close()

    asyncio.run(scenario())


def team_missed_call(call_id: str) -> bytes:
    """Another agent's missed call as the relay copies it to the team's missed subject."""
    body = {"event": "call_end", "call_id": call_id, "caller": "380501112233",
            "dst": "0443334455", "call_type": "in", "disposition": "NO ANSWER",
            "employee_email": ""}
    (missed,) = [delivery for delivery in route(parse_webhook_event(body),
                                                canonical_fields(body), sim_directory(),
                                                project=PROJECT)
                 if delivery.subject == subjects.missed_subject(PROJECT)]
    return missed.payload


def test_the_teams_live_messages_never_cost_the_agent_a_call(
        nats_server: NatsNode, store: CallStore) -> None:
    """Other agents' missed calls arrive live while the agent's fetch waits. Each one wakes
    the source; a fetch cancelled for it would drop what it had already pulled, and the
    agent's own call would pop only after ack_wait (30 s). The fetch goes on instead."""
    calls = [f"busy-{n}" for n in range(40)]

    async def scenario() -> None:
        async with jetstream([nats_server.url]) as js:
            await prepare(js)
            source = SubscriptionSource(AgentLink(binding([nats_server.url]), connect_timeout=2),
                                        IDENTITY, fetch_wait=3600.0, batch=100)
            try:
                desktop = Desktop(store)

                async def until_every_call_of_the_agent() -> None:
                    async for snapshot in source.snapshots():
                        desktop.take(snapshot)
                        if snapshot.settle is not None:
                            await snapshot.settle()
                        if set(calls) <= {call_id for call_id, _phase in desktop.phases}:
                            return

                running = asyncio.ensure_future(until_every_call_of_the_agent())
                await asyncio.sleep(0.3)
                for number, call_id in enumerate(calls):
                    await publish(js, "call_forwarding", call_id, step="1")
                    # The team's traffic around each of the agent's calls: another agent's
                    # missed calls, as the relay copies them to the team subject.
                    for other in range(3):
                        await js._nc.publish(subjects.missed_subject(PROJECT),
                                             team_missed_call(f"team-{number}-{other}"))
                await asyncio.wait_for(running, 10)  # a lost fetch: 30 s (ack_wait)
            finally:
                await source.close()

    asyncio.run(scenario())
