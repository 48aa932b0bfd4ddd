"""Provisioning against a real nats-server that loads the generated users: each agent reads
only its own consumer, nobody but the relay publishes call events, passwords are hashed in
the config and kept 0600 in the credentials file."""

from __future__ import annotations

import asyncio
import json
import os
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import nats
import nats.errors
import pytest
from nats.aio.client import Client as NatsClient

from ringohunt_desktop.core import subjects
from ringohunt_desktop.relay.cli import main as relay_main
from ringohunt_desktop.relay.provision import provision
from tests.nats_fixtures import NatsNode, start_node
from tests.relay_support import (
    CALLER,
    PROJECT,
    SECRET,
    STREAM,
    running_relay,
    sim_staff,
    wait_healthy,
)

OLENA, ANDRII = 4321, 4322


@pytest.fixture
def provisioned(tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "provisioned"
    provision(PROJECT, sim_staff(), out, stream=STREAM, servers=["nats://broker.test:4222"],
              cost=4)
    return json.loads((out / "credentials.json").read_text())


@pytest.fixture
def secured_server(tmp_path: Path, provisioned: dict[str, Any]) -> Any:
    # nats-server resolves an include relative to the including file's folder.
    auth = os.path.relpath(tmp_path / "provisioned" / "auth.conf", tmp_path / "nats")
    node = start_node(tmp_path / "nats", extra_config=f'include "{auth}"')
    try:
        yield node
    finally:
        node.stop()


def agent_entry(credentials: dict[str, Any], staff_id: int) -> dict[str, Any]:
    return next(a for a in credentials["agents"] if a["staff_id"] == staff_id)


class Refusals:
    """The broker's asynchronous refusals (permissions violations arrive through the error
    callback, not as exceptions from subscribe/publish)."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self._changed = asyncio.Event()

    async def callback(self, exc: Exception) -> None:
        self.errors.append(str(exc).lower())  # nats-py lower-cases the server's text
        self._changed.set()

    async def wait_for(self, *fragments: str) -> str:
        """The first refusal containing every fragment (compared in lower case)."""
        wanted = [fragment.lower() for fragment in fragments]
        while True:
            for error in self.errors:
                if all(fragment in error for fragment in wanted):
                    return error
            self._changed.clear()
            await self._changed.wait()


@asynccontextmanager
async def agent_connection(node: NatsNode, entry: dict[str, Any], refusals: Refusals
                           ) -> AsyncIterator[nats.NATS]:
    nc = await nats.connect(node.url, user=entry["user"], password=entry["password"],
                            inbox_prefix=entry["inbox_prefix"], error_cb=refusals.callback,
                            connect_timeout=2, allow_reconnect=False)
    try:
        yield nc
    finally:
        await nc.close()


def test_files_hashes_and_modes(tmp_path: Path, provisioned: dict[str, Any]) -> None:
    out = tmp_path / "provisioned"
    auth = (out / "auth.conf").read_text()
    assert stat.S_IMODE((out / "auth.conf").stat().st_mode) == 0o600
    assert stat.S_IMODE((out / "credentials.json").stat().st_mode) == 0o600
    assert len(provisioned["agents"]) == len(sim_staff())
    for entry in [*provisioned["agents"], provisioned["relay"], provisioned["admin"]]:
        assert entry["password"] not in auth  # only its bcrypt hash is there
        assert f'user: "{entry["user"]}", password: "$2b$04$' in auth
    olena = agent_entry(provisioned, OLENA)
    assert olena == {
        "staff_id": OLENA, "email": "olena@demo-shop.ua", "name": "Петренко Олена",
        "servers": ["nats://broker.test:4222"], "user": f"agent_{PROJECT}_{OLENA}",
        "password": olena["password"], "inbox_prefix": f"_INBOX_{PROJECT}_{OLENA}",
        "stream": STREAM, "durable": f"rh_{PROJECT}_{OLENA}",
        "subject": f"ringohunt.calls.{PROJECT}.agent.{OLENA}",
        "team_subjects": [f"ringohunt.calls.{PROJECT}.unassigned",
                          f"ringohunt.calls.{PROJECT}.missed",
                          f"ringohunt.calls.{PROJECT}.callbacks"],
        "claims_bucket": f"RINGOHUNT_CLAIMS_{PROJECT}"}
    directory = json.loads((out / "directory.json").read_text())
    assert [a["staff_id"] for a in directory["agents"]] == [s.staff_id for s in sim_staff()]


def test_running_provision_again_keeps_passwords_unless_rotated(tmp_path: Path) -> None:
    out = tmp_path / "again"
    staff = sim_staff()
    provision(PROJECT, staff[:2], out, cost=4)
    first = json.loads((out / "credentials.json").read_text())
    provision(PROJECT, staff, out, cost=4)  # two agents joined
    second = json.loads((out / "credentials.json").read_text())
    assert agent_entry(second, OLENA)["password"] == agent_entry(first, OLENA)["password"]
    assert second["relay"]["password"] == first["relay"]["password"]
    assert len(second["agents"]) == 4
    provision(PROJECT, staff, out, cost=4, rotate=True)
    third = json.loads((out / "credentials.json").read_text())
    assert agent_entry(third, OLENA)["password"] != agent_entry(second, OLENA)["password"]


def test_the_command_reads_a_staff_list_answer(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    staff_file = tmp_path / "staff.json"
    staff_file.write_text(json.dumps({"jsonrpc": "2.0", "id": 1, "result": {
        "7": {"staffId": 7, "fio": "Test Agent", "email": "t@x.test",
              "directions": {"main": [{"direction": "x_t", "type": "sip"}]}}}}))
    code = relay_main(["provision", "--project", "42", "--staff-json", str(staff_file),
                       "--out-dir", str(tmp_path / "out"), "--bcrypt-cost", "4",
                       "--server-url", "nats://a:4222"])
    assert code == 0
    assert "1 agents provisioned" in capsys.readouterr().out
    credentials = json.loads((tmp_path / "out" / "credentials.json").read_text())
    assert credentials["agents"][0]["user"] == "agent_42_7"
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert relay_main(["provision", "--project", "42", "--staff-json", str(bad),
                       "--out-dir", str(tmp_path / "out2")]) == 2


def test_agents_read_only_their_own_calls_and_only_the_relay_publishes(
        secured_server: NatsNode, provisioned: dict[str, Any]) -> None:
    olena = agent_entry(provisioned, OLENA)
    andrii = agent_entry(provisioned, ANDRII)
    relay = provisioned["relay"]

    async def scenario() -> None:
        # The relay, with its provisioned user, creates the stream and every consumer.
        async with running_relay([secured_server.url], nats_user=relay["user"],
                                 nats_password=relay["password"]) as server, \
                httpx.AsyncClient() as client:
            await wait_healthy(client, server)
            for staff, call in ((OLENA, "ua-o"), (ANDRII, "ua-a")):
                answer = await client.get(server.url, params={
                    "event": "call_answered", "secret": SECRET, "call_id": call,
                    "caller": CALLER, "employee_id": staff})
                assert answer.status_code == 200, answer.text

        refusals = Refusals()
        async with agent_connection(secured_server, olena, refusals) as nc:
            js = nc.jetstream(timeout=5)
            # Her own durable consumer: her call, and nobody else's.
            own = await js.pull_subscribe_bind(durable=olena["durable"], stream=STREAM)
            (message,) = await own.fetch(1, timeout=5)
            assert json.loads(message.data)["call_id"] == "ua-o"
            await message.ack()
            # The team subjects are readable.
            for team_subject in olena["team_subjects"]:
                await nc.subscribe(team_subject)
            await nc.flush(timeout=5)
            assert refusals.errors == []

            # Another agent's subject: refused by the server.
            await nc.subscribe(andrii["subject"])
            await refusals.wait_for("permissions violation for subscription", andrii["subject"])
            # The whole project: refused.
            await nc.subscribe(f"ringohunt.calls.{PROJECT}.>")
            await refusals.wait_for("subscription", f"ringohunt.calls.{PROJECT}.>")
            # Publishing a call event: refused.
            await nc.publish(olena["subject"], b'{"event": "call_end", "call_id": "fake"}')
            await refusals.wait_for("permissions violation for publish", olena["subject"])
            # Reading through another agent's consumer: its pull request is refused.
            other = await js.pull_subscribe_bind(durable=andrii["durable"], stream=STREAM)
            with pytest.raises(nats.errors.TimeoutError):
                await other.fetch(1, timeout=1)
            await refusals.wait_for("publish", f"MSG.NEXT.{STREAM}.{andrii['durable']}")
            # Creating a consumer of her own (one filtered on Andrii's subject): refused.
            with pytest.raises(nats.errors.TimeoutError):
                await js.add_consumer(STREAM, durable_name="sneaky",
                                      filter_subject=andrii["subject"], timeout=1)
            await refusals.wait_for("publish", f"CONSUMER.DURABLE.CREATE.{STREAM}.sneaky")

        # Nothing she tried reached the stream.
        admin = provisioned["admin"]
        nc = await nats.connect(secured_server.url, user=admin["user"],
                                password=admin["password"], connect_timeout=2)
        try:
            info = await nc.jetstream(timeout=5).stream_info(STREAM, subjects_filter=">")
            assert info.state.subjects == {subjects.agent_subject(PROJECT, OLENA): 1,
                                           subjects.agent_subject(PROJECT, ANDRII): 1}
        finally:
            await nc.close()

    asyncio.run(scenario())


def test_a_wrong_password_or_no_user_is_refused(secured_server: NatsNode,
                                                provisioned: dict[str, Any]) -> None:
    olena = agent_entry(provisioned, OLENA)

    async def scenario() -> None:
        for login in ({"user": olena["user"], "password": olena["password"] + "x"}, {}):
            refusals = Refusals()
            nc = NatsClient()
            try:
                with pytest.raises(nats.errors.Error):
                    await nc.connect(secured_server.url, connect_timeout=2,
                                     allow_reconnect=False, error_cb=refusals.callback, **login)
            finally:
                await nc.close()  # nats-py leaves the refused socket open otherwise
            assert any("authorization" in e for e in refusals.errors)

    asyncio.run(scenario())
