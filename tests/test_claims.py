"""The team inbox's "I'll call back" claims on a real nats-server with the provisioned users:
the relay makes the bucket (with its time to live), one agent's claim reaches another's
board, a taken row is refused, a claim is released or expires, hostile values are dropped,
and an agent can reach neither another project's bucket nor, through a consumer of its own,
the call stream."""

from __future__ import annotations

import asyncio
import json
import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import nats
import nats.errors
import pytest
from nats.js.api import ConsumerConfig, KeyValueConfig

from ringohunt_desktop.core import subjects
from ringohunt_desktop.core.claims import (
    AlreadyClaimed,
    ClaimBoard,
    ClaimsUnavailable,
    claim_key,
    parse_claim,
)
from ringohunt_desktop.core.subscription import AgentLink, BrokerBinding
from ringohunt_desktop.relay.broker import ClaimsSpec
from ringohunt_desktop.secret import Secret
from tests.nats_fixtures import NatsNode, free_port
from tests.relay_support import PROJECT, SECRET, STREAM, running_relay, sim_staff
from tests.test_relay_provision import (
    ANDRII,
    OLENA,
    Refusals,
    agent_connection,
    agent_entry,
    provisioned,
    secured_server,
)

__all__ = ["provisioned", "secured_server"]

CLIENT = "+380671234567"
OTHER_PROJECT = "22222"


def test_keys_and_hostile_values() -> None:
    assert claim_key(CLIENT) == "380671234567"
    assert claim_key("~0671234") == "x-_0671234"
    assert claim_key("ext:101") == "x-ext_101"
    assert claim_key("380671234567") == "x-380671234567"  # never equal to an E.164 key
    at = datetime(2026, 12, 7, 10, 42, tzinfo=UTC)
    ttl = timedelta(minutes=15)

    def parsed(data: bytes) -> Any:
        return parse_claim("k", data, stored_at=at, revision=3, ttl=ttl, me="4321")

    claim = parsed(json.dumps({"agent": "4322", "name": "Коваленко\u202e Андрій\n"}).encode())
    assert claim is not None
    assert (claim.name, claim.mine, claim.expires_at) == ("Коваленко Андрій", False, at + ttl)
    assert parsed(json.dumps({"agent": 4321, "name": "Olena"}).encode()).mine
    for junk in (b"", b"not json", b"[1]", b'{"name": "x"}', b'{"agent": true}',
                 b'{"agent": ""}', json.dumps({"agent": "1", "name": "x" * 2000}).encode(),
                 b"[" * 5000):
        assert parsed(junk) is None, junk


def binding_for(entry: dict[str, Any], node: NatsNode) -> BrokerBinding:
    return BrokerBinding.for_agent([node.url], user=entry["user"],
                                   password=Secret(entry["password"]), project=PROJECT,
                                   staff_id=entry["staff_id"], stream=STREAM)


async def until(condition: Any, what: str, within: float = 20.0) -> None:
    """The test's generous bound; nothing is asserted on how long it takes."""
    deadline = asyncio.get_running_loop().time() + within
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"waited too long for {what}")
        await asyncio.sleep(0.02)


def test_a_claim_reaches_the_team_is_refused_to_others_and_ends(
        secured_server: NatsNode, provisioned: dict[str, Any]) -> None:
    olena, andrii = agent_entry(provisioned, OLENA), agent_entry(provisioned, ANDRII)
    relay = provisioned["relay"]

    async def scenario() -> None:
        async with running_relay([secured_server.url], nats_user=relay["user"],
                                 nats_password=relay["password"],
                                 claims=ClaimsSpec(ttl=3.0)) as server:
            await until(lambda: server.relay.broker.stream_ready, "the relay's stream")
            links = [AgentLink(binding_for(entry, secured_server), connect_timeout=2)
                     for entry in (olena, andrii)]
            for link in links:
                await link.open()
            mine = ClaimBoard(links[0], PROJECT, agent_id=OLENA, agent_name="Петренко Олена")
            theirs = ClaimBoard(links[1], PROJECT, agent_id=ANDRII,
                                agent_name="Коваленко Андрій")
            try:
                for board in (mine, theirs):
                    board.start()
                await until(lambda: mine.available and theirs.available, "both boards")
                assert mine.ttl == timedelta(seconds=3)

                started = time.perf_counter()
                claim = await mine.claim(CLIENT)
                assert claim.mine
                assert claim.name == "Петренко Олена"
                await until(lambda: theirs.claim_for(CLIENT) is not None, "Andrii sees it")
                print(f"claim visible to the other agent after "
                      f"{(time.perf_counter() - started) * 1000:.0f} ms")
                seen = theirs.claim_for(CLIENT)
                assert seen is not None
                assert not seen.mine
                assert seen.name == "Петренко Олена"

                # Andrii cannot take it over, nor release it.
                with pytest.raises(AlreadyClaimed) as refused:
                    await theirs.claim(CLIENT)
                assert refused.value.claim.agent == str(OLENA)
                assert not await theirs.release(CLIENT)
                # Olena releases it: gone for both.
                assert await mine.release(CLIENT)
                await until(lambda: theirs.claim_for(CLIENT) is None, "the release seen")
                assert mine.claim_for(CLIENT) is None

                # Nobody calls: the bucket's TTL ends the claim on every board.
                await theirs.claim(CLIENT)
                await until(lambda: mine.claim_for(CLIENT) is not None, "Andrii's claim")
                await until(lambda: mine.claim_for(CLIENT) is None
                            and theirs.claim_for(CLIENT) is None, "the claim to expire")
                # And the row can be claimed again.
                assert (await mine.claim(CLIENT)).mine
            finally:
                for board in (mine, theirs):
                    await board.stop()
                for link in links:
                    await link.close()

    asyncio.run(scenario())


def test_with_the_call_server_gone_claims_say_unavailable(tmp_path: Path) -> None:
    async def scenario() -> None:
        link = AgentLink(BrokerBinding.for_agent(
            [f"nats://127.0.0.1:{free_port()}"], user="", password=Secret("x"),
            project=PROJECT, staff_id=OLENA, stream=STREAM), connect_timeout=1)
        changes: list[bool] = []
        board = ClaimBoard(link, PROJECT, agent_id=OLENA, agent_name="Olena")
        board.on_change = lambda: changes.append(board.available)
        board.start()
        try:
            await asyncio.sleep(0.3)
            assert not board.available
            with pytest.raises(ClaimsUnavailable):
                await board.claim(CLIENT)
            assert not await board.release(CLIENT)
        finally:
            await board.stop()

    asyncio.run(scenario())


def test_an_agent_reaches_only_its_projects_bucket_and_no_consumer(
        secured_server: NatsNode, provisioned: dict[str, Any]) -> None:
    olena = agent_entry(provisioned, OLENA)
    relay, admin = provisioned["relay"], provisioned["admin"]
    own_stream = subjects.claims_stream(PROJECT)
    foreign_bucket = subjects.claims_bucket(OTHER_PROJECT)

    async def scenario() -> None:
        async with running_relay([secured_server.url], nats_user=relay["user"],
                                 nats_password=relay["password"]) as server:
            await until(lambda: server.relay.broker.stream_ready, "the relay's stream")
        nc = await nats.connect(secured_server.url, user=admin["user"],
                                password=admin["password"], connect_timeout=2)
        try:
            js = nc.jetstream(timeout=5)
            await js.create_key_value(KeyValueConfig(bucket=foreign_bucket, history=1,
                                                     ttl=900))
            refusals = Refusals()
            async with agent_connection(secured_server, olena, refusals) as agent:
                ajs = agent.jetstream(timeout=1)
                # Her own project's bucket works.
                kv = await ajs.key_value(subjects.claims_bucket(PROJECT))
                await kv.put("380671234567", b'{"agent": "4321", "name": "Olena"}')
                assert refusals.errors == []

                # Another project's bucket: refused every way.
                with pytest.raises(nats.errors.TimeoutError):
                    await ajs.key_value(foreign_bucket)
                await refusals.wait_for("permissions violation for publish",
                                        f"stream.info.kv_{foreign_bucket}")
                await agent.publish(f"$KV.{foreign_bucket}.380671234567", b"{}")
                await refusals.wait_for("publish", f"$kv.{foreign_bucket}.380671234567")
                await agent.subscribe(f"$KV.{foreign_bucket}.>")
                await refusals.wait_for("subscription", f"$kv.{foreign_bucket}.>")

                # A consumer on her own bucket, delivering into a team subject (the server
                # would write her text into the call stream): refused.
                with pytest.raises(nats.errors.TimeoutError):
                    await ajs.add_consumer(own_stream, ConsumerConfig(
                        deliver_subject=subjects.missed_subject(PROJECT)), timeout=1)
                await refusals.wait_for("publish", f"consumer.create.{own_stream}")

            # Nothing she tried landed anywhere.
            assert (await js.stream_info(STREAM)).state.messages == 0
            foreign = await js.stream_info(subjects.claims_stream(OTHER_PROJECT))
            assert foreign.state.messages == 0
            assert (await js.stream_info(own_stream)).config.max_age == 900
        finally:
            await nc.close()

    asyncio.run(scenario())


def test_provisioned_before_claims_the_calls_still_flow_and_claims_say_unavailable(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A server whose users were provisioned by an older relay (no claims bucket rights, no
    call-backs subject): the refusals are the claims' and the team view's, not the calls'."""
    from ringohunt_desktop.relay import provision as provisioning

    def before_claims(project: str, staff_id: int, stream: str) -> provisioning.Permissions:
        durable = subjects.durable_name(project, staff_id)
        return provisioning.Permissions(
            publish=(f"$JS.API.CONSUMER.INFO.{stream}.{durable}",
                     f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{durable}",
                     f"$JS.ACK.{stream}.{durable}.>"),
            subscribe=(f"{subjects.agent_inbox_prefix(project, staff_id)}.>",
                       subjects.unassigned_subject(project), subjects.missed_subject(project)))

    monkeypatch.setattr(provisioning, "agent_permissions", before_claims)
    out = tmp_path / "old"
    provisioning.provision(PROJECT, sim_staff(), out, stream=STREAM, cost=4)
    credentials = json.loads((out / "credentials.json").read_text())
    olena, relay = agent_entry(credentials, OLENA), credentials["relay"]
    # nats-server resolves an include relative to the including file's folder.
    auth = os.path.relpath(out / "auth.conf", tmp_path / "nats")
    node = NatsNode("n1", tmp_path / "nats", extra_config=f'include "{auth}"').start()

    async def scenario() -> None:
        async with running_relay([node.url], nats_user=relay["user"],
                                 nats_password=relay["password"]) as server:
            await until(lambda: server.relay.broker.stream_ready, "the relay's stream")
            link = AgentLink(binding_for(olena, node), connect_timeout=2)
            await link.open()
            board = ClaimBoard(link, PROJECT, agent_id=OLENA, agent_name="Olena")
            board.start()
            try:
                await until(lambda: link.optional_refusal != "", "the team view refused")
                async with httpx.AsyncClient() as client:
                    answer = await client.get(server.url, params={
                        "event": "call_answered", "secret": SECRET, "call_id": "old-1",
                        "caller": "380671234567", "employee_id": OLENA})
                    assert answer.status_code == 200, answer.text
                (message,) = await link.fetch(1, 5.0)  # not BrokerRefused
                assert json.loads(message.data)["call_id"] == "old-1"
                await message.ack()
                assert await link.fetch(1, 0.5) == []  # nothing more; still not refused
                await asyncio.sleep(0.5)
                assert not board.available
                with pytest.raises(ClaimsUnavailable):
                    await board.claim(CLIENT)
            finally:
                await board.stop()
                await link.close()

    try:
        asyncio.run(scenario())
    finally:
        node.stop()


@pytest.mark.usefixtures("expect_log_warnings")  # the relay says it lost the broker
def test_after_the_call_server_restarts_the_board_reads_the_bucket_again(
        tmp_path: Path) -> None:
    node = NatsNode("n1", tmp_path / "nats").start()

    async def scenario() -> None:
        async with running_relay([node.url]) as server:
            await until(lambda: server.relay.broker.stream_ready, "the relay's stream")
            link = AgentLink(BrokerBinding.for_agent(
                [node.url], user="", password=Secret("not-checked"), project=PROJECT,
                staff_id=OLENA, stream=STREAM), connect_timeout=1, reconnect_attempts=30)
            await link.open()
            board = ClaimBoard(link, PROJECT, agent_id=OLENA, agent_name="Olena")
            board.start()
            try:
                await until(lambda: board.available, "the board")
                await board.claim(CLIENT)
                node.stop()
                await until(lambda: not board.available, "the board to say unavailable")
                with pytest.raises(ClaimsUnavailable):
                    await board.claim("+380501112233")
                node.start()
                await until(lambda: board.available, "the board back", within=60)
                held = board.claim_for(CLIENT)
                assert held is not None
                assert held.mine  # kept by the server across its restart
                assert (await board.claim("+380501112233")).mine
            finally:
                await board.stop()
                await link.close()

    try:
        asyncio.run(scenario())
    finally:
        node.stop()


def test_the_relay_copies_every_call_back_to_the_team_and_nothing_else() -> None:
    from ringohunt_desktop.core.webhooks import parse_webhook_event
    from ringohunt_desktop.relay.routing import route
    from tests.relay_support import sim_directory

    def recipients(**fields: str) -> list[str]:
        event = parse_webhook_event({"call_id": "c1", "caller": "380671234567", **fields})
        return [d.recipient for d in route(event, {}, sim_directory(), project=PROJECT)]

    out = {"event": "call_end", "call_type": "out", "employee_id": str(OLENA),
           "disposition": "NO ANSWER", "billsec": "0"}
    assert recipients(**out) == [f"agent.{OLENA}", "callbacks"]
    assert recipients(**{**out, "call_type": "callback"})[-1] == "callbacks"
    assert "callbacks" not in recipients(**{**out, "event": "call_answered"})
    missed_in = {**out, "call_type": "in", "employee_id": ""}
    assert recipients(**missed_in) == ["unassigned", "missed"]
