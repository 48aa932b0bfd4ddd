"""Helpers for the relay's tests: a relay on a free port, the simulator's staff as its
directory, and a look into the stream with a plain (unauthorised or admin) connection."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx
import nats
from nats.js import JetStreamContext

from ringohunt_desktop.domain import StaffMember
from ringohunt_desktop.relay.broker import StreamSpec
from ringohunt_desktop.relay.directory import StaffDirectory
from ringohunt_desktop.relay.server import RelayServer, RelaySettings
from ringohunt_desktop.simulator.people import AGENTS

PROJECT = "11111"
SECRET = "s3cret-webhook-token-Zq9"
STREAM = "RINGOHUNT_CALLS"
CALLER = "380671234567"


def sim_staff() -> list[StaffMember]:
    return [StaffMember(a.staff_id, a.name, a.email, a.extension, (a.sip_login,),
                        departments=(a.department,)) for a in AGENTS]


def sim_directory() -> StaffDirectory:
    return StaffDirectory.from_staff(PROJECT, sim_staff())


def relay_settings(servers: Sequence[str], **overrides: Any) -> RelaySettings:
    values: dict[str, Any] = {
        "project": PROJECT, "secrets": (SECRET,), "nats_servers": tuple(servers),
        "port": 0, "directory": sim_directory(), "stream": StreamSpec(name=STREAM),
        "publish_timeout": 2.0, "connect_timeout": 1.0, "shutdown_grace": 2.0,
    }
    values.update(overrides)
    return RelaySettings(**values)


@asynccontextmanager
async def running_relay(servers: Sequence[str], **overrides: Any) -> AsyncIterator[RelayServer]:
    async with RelayServer(relay_settings(servers, **overrides)) as relay:
        yield relay


@asynccontextmanager
async def jetstream(servers: Sequence[str], **options: Any
                    ) -> AsyncIterator[JetStreamContext]:
    nc = await nats.connect(list(servers), connect_timeout=2, max_reconnect_attempts=3,
                            **options)
    try:
        yield nc.jetstream(timeout=5)
    finally:
        await nc.close()


async def subject_counts(js: JetStreamContext, stream: str = STREAM) -> dict[str, int]:
    info = await js.stream_info(stream, subjects_filter=">")
    return dict(info.state.subjects or {})


async def messages_on(js: JetStreamContext, subject: str, stream: str = STREAM
                      ) -> list[dict[str, Any]]:
    """Every stored message of one subject, oldest first, decoded (reads by sequence: no
    consumer, no waiting)."""
    info = await js.stream_info(stream)
    found = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        try:
            message = await js.get_msg(stream, seq)
        except nats.js.errors.NotFoundError:
            continue
        if message.subject == subject:
            assert message.data is not None
            found.append({**json.loads(message.data),
                          "_msg_id": (message.headers or {}).get("Nats-Msg-Id")})
    return found


async def wait_health(client: httpx.AsyncClient, relay: RelayServer, status: int = 200) -> None:
    """Until /healthz answers ``status`` (200: connected, stream ready). The test's timeout
    bounds this; nothing is asserted on how long it takes."""
    while True:
        if (await client.get(relay.base_url + "/healthz")).status_code == status:
            return
        await asyncio.sleep(0.05)


async def wait_healthy(client: httpx.AsyncClient, relay: RelayServer) -> None:
    await wait_health(client, relay, 200)
