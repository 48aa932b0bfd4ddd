"""The JetStream side: the stream, the agents' durable consumers, and the relay's connection.

Every request to the broker carries a deadline: the JetStream context's ``timeout`` covers the
management API, ``publish`` gets its own, and connecting has ``connect_timeout``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client as NatsClient
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    DiscardPolicy,
    KeyValueConfig,
    PubAck,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)

from ringohunt_desktop.core import subjects
from ringohunt_desktop.relay.directory import AgentEntry
from ringohunt_desktop.relay.routing import Delivery

log = logging.getLogger(__name__)

DEFAULT_API_TIMEOUT = 5.0


@dataclass(frozen=True, slots=True)
class StreamSpec:
    """The call-event stream. ``duplicate_window`` bounds how late a Ringostat retry (or a
    second relay's copy) is still recognised as a duplicate; the desktop de-duplicates by
    call id anyway, so a later copy costs a redundant message, not a second pop."""

    name: str = subjects.DEFAULT_STREAM
    subjects: tuple[str, ...] = (f"{subjects.SUBJECT_ROOT}.>",)
    duplicate_window: float = 2 * 3600.0
    replicas: int = 1
    max_age: float = 7 * 86400.0  # a desktop closed over a long weekend still catches up
    storage: StorageType = StorageType.FILE

    def config(self) -> StreamConfig:
        return StreamConfig(name=self.name, subjects=list(self.subjects),
                            retention=RetentionPolicy.LIMITS, discard=DiscardPolicy.OLD,
                            max_age=self.max_age, storage=self.storage,
                            num_replicas=self.replicas, duplicate_window=self.duplicate_window)


@dataclass(frozen=True, slots=True)
class ConsumerSpec:
    """An agent's durable pull consumer; created for the agent, never by it."""

    ack_wait: float = 30.0
    max_ack_pending: int = 1000

    def config(self, project: str, staff_id: int) -> ConsumerConfig:
        return ConsumerConfig(durable_name=subjects.durable_name(project, staff_id),
                              filter_subject=subjects.agent_subject(project, staff_id),
                              deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.EXPLICIT,
                              ack_wait=self.ack_wait, max_ack_pending=self.max_ack_pending)


async def ensure_stream(js: JetStreamContext, spec: StreamSpec) -> None:
    """Create the stream, or bring its subjects, window and age in line (idempotent)."""
    try:
        await js.stream_info(spec.name)
    except nats.js.errors.NotFoundError:
        await js.add_stream(spec.config())
        log.info("created stream %s (%d replica(s))", spec.name, spec.replicas)
        return
    await js.update_stream(spec.config())


CLAIM_TTL = 15 * 60.0  # seconds an "I'll call back" claim holds if nobody calls


@dataclass(frozen=True, slots=True)
class ClaimsSpec:
    """The team inbox's claims bucket: one key per client number, the last value only, and
    a bucket-wide time to live (a claim nobody acts on frees the row by itself; desktops
    read the TTL from the bucket to say until when)."""

    ttl: float = CLAIM_TTL
    replicas: int = 1
    max_value_size: int = 1024  # a claim is a short JSON object
    # Agents write the bucket: whatever one of them writes, the server's disk stays bounded
    # (a claim takes ~200 bytes; this is tens of thousands of live claims).
    max_bytes: int = 16 * 1024 * 1024

    def config(self, project: str) -> KeyValueConfig:
        return KeyValueConfig(bucket=subjects.claims_bucket(project), history=1, ttl=self.ttl,
                              replicas=self.replicas, max_value_size=self.max_value_size,
                              max_bytes=self.max_bytes)


async def ensure_claims_bucket(js: JetStreamContext, project: str, spec: ClaimsSpec) -> None:
    """Create the project's claims bucket, or bring its TTL in line (idempotent)."""
    stream = subjects.claims_stream(project)
    try:
        info = await js.stream_info(stream)
    except nats.js.errors.NotFoundError:
        await js.create_key_value(spec.config(project))
        log.info("created claims bucket %s (TTL %.0f s)", stream, spec.ttl)
        return
    if info.config.max_age != spec.ttl:
        await js.update_stream(dataclasses.replace(info.config, max_age=spec.ttl))


CONSUMERS_AT_ONCE = 16


async def ensure_agent_consumers(js: JetStreamContext, stream: str, project: str,
                                 agents: Iterable[AgentEntry],
                                 spec: ConsumerSpec = ConsumerSpec(),
                                 at_once: int = CONSUMERS_AT_ONCE) -> int:
    """One durable consumer per agent (idempotent); returns how many exist now.

    ``at_once`` requests in flight: on a 3-node cluster one creation takes ~0.4 s, so 500
    agents one by one kept a first start from answering for 3.5 minutes (the scale
    benchmark); 16 at a time take ~17 s. Any failure is raised (the caller retries all,
    which is harmless: creating an existing consumer is a no-op)."""
    gate = asyncio.Semaphore(max(1, at_once))

    async def ensure(agent: AgentEntry) -> None:
        async with gate:
            await js.add_consumer(stream, spec.config(project, agent.staff_id))

    wanted = list(agents)
    await asyncio.gather(*(ensure(agent) for agent in wanted))
    return len(wanted)


class BrokerUnavailable(Exception):
    """The broker did not acknowledge a write: answer 503 so Ringostat retries."""


@dataclass
class BrokerLink:
    """The relay's one connection to NATS, kept up in the background.

    The relay starts even while the broker is down (it answers 503 and its health endpoint
    says why) and connects as soon as a server answers; nats-py then reconnects by itself,
    moving to another cluster node when one stops.
    """

    servers: Sequence[str]
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    name: str = "ringohunt-relay"
    stream: StreamSpec = field(default_factory=StreamSpec)
    project: str = ""
    claims: ClaimsSpec = field(default_factory=ClaimsSpec)
    agents: tuple[AgentEntry, ...] = ()
    connect_timeout: float = 2.0
    publish_timeout: float = 5.0
    api_timeout: float = DEFAULT_API_TIMEOUT
    _nc: NatsClient | None = field(default=None, init=False, repr=False)
    _js: JetStreamContext | None = field(default=None, init=False, repr=False)
    _task: asyncio.Task[None] | None = field(default=None, init=False, repr=False)
    stream_ready: bool = field(default=False, init=False)
    last_error: str = field(default="", init=False)
    _closing: bool = field(default=False, init=False, repr=False)

    @property
    def connected(self) -> bool:
        return self._nc is not None and self._nc.is_connected

    @property
    def server(self) -> str:
        url = self._nc.connected_url if self._nc is not None and self.connected else None
        return f"{url.hostname}:{url.port}" if url is not None else ""

    async def start(self) -> None:
        self._task = asyncio.create_task(self._keep_connected(), name="relay-broker-link")

    async def _keep_connected(self) -> None:
        delay = 0.2
        while self._nc is None:
            try:
                self._nc = await nats.connect(
                    list(self.servers), user=self.user, password=self.password, name=self.name,
                    connect_timeout=max(1, round(self.connect_timeout)),
                    allow_reconnect=True, max_reconnect_attempts=-1, reconnect_time_wait=1,
                    error_cb=self._on_error, disconnected_cb=self._on_disconnected,
                    reconnected_cb=self._on_reconnected)
            except (TimeoutError, nats.errors.Error, OSError) as exc:
                self.last_error = _describe(exc)
                log.warning("cannot reach the broker (%s); retrying", self.last_error)
                await asyncio.sleep(delay * random.uniform(0.8, 1.2))
                delay = min(delay * 2, 5.0)
        self._js = self._nc.jetstream(timeout=self.api_timeout)
        log.info("connected to the broker at %s", self.server)
        await self._prepare_stream()

    async def _prepare_stream(self) -> None:
        """Stream and consumers; a cluster still electing a leader refuses for a moment."""
        delay = 0.2
        while not self.stream_ready:
            try:
                assert self._js is not None
                await ensure_stream(self._js, self.stream)
                if self.project:
                    await ensure_agent_consumers(self._js, self.stream.name, self.project,
                                                 self.agents)
                    # As replicated as the call stream: a cluster node's loss keeps the claims.
                    await ensure_claims_bucket(
                        self._js, self.project,
                        dataclasses.replace(self.claims, replicas=self.stream.replicas))
                self.stream_ready = True
            except (TimeoutError, nats.errors.Error, OSError) as exc:
                self.last_error = _describe(exc)
                log.warning("cannot prepare stream %s yet (%s); retrying", self.stream.name,
                            self.last_error)
                await asyncio.sleep(delay * random.uniform(0.8, 1.2))
                delay = min(delay * 2, 5.0)

    async def update_agents(self, agents: tuple[AgentEntry, ...]) -> None:
        """After the directory was reloaded: consumers for the agents added since."""
        self.agents = agents
        if self._js is not None and self.project and self.connected:
            try:
                await ensure_agent_consumers(self._js, self.stream.name, self.project, agents)
            except (TimeoutError, nats.errors.Error, OSError) as exc:
                log.warning("cannot create the new agents' consumers: %s", _describe(exc))

    async def publish(self, delivery: Delivery) -> PubAck:
        """Store one message and return JetStream's acknowledgement (``duplicate`` set when
        the message id was already stored); :class:`BrokerUnavailable` otherwise.

        Within ``publish_timeout`` it tries again while the link is reconnecting (a cluster
        node stopped) or the stream has no leader yet (an election takes a few seconds):
        retrying is safe because the message id makes the write idempotent, and it spares
        Ringostat, which retries only 3 times, a 503 for a blip.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.publish_timeout
        pause = 0.05
        while True:
            remaining = deadline - loop.time()
            if self._js is not None and self.connected and remaining > 0:
                try:
                    return await self._js.publish(
                        delivery.subject, delivery.payload, timeout=remaining,
                        stream=self.stream.name, headers={"Nats-Msg-Id": delivery.msg_id})
                except (TimeoutError, nats.errors.Error, OSError) as exc:
                    self.last_error = _describe(exc)
            if self._nc is None or self._nc.is_closed or loop.time() + pause >= deadline:
                raise BrokerUnavailable(self.last_error or "not connected to the broker")
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.5)

    async def close(self, grace: float = 5.0) -> None:
        self._closing = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self._nc is not None:
            with contextlib.suppress(nats.errors.Error, OSError, asyncio.TimeoutError):
                if self._nc.is_connected:
                    await asyncio.wait_for(self._nc.drain(), grace)
            with contextlib.suppress(nats.errors.Error, OSError, asyncio.TimeoutError):
                await asyncio.wait_for(self._nc.close(), grace)

    async def _on_error(self, exc: Exception) -> None:
        self.last_error = _describe(exc)
        log.info("broker connection: %s", self.last_error)

    async def _on_disconnected(self) -> None:
        if self._closing:
            return
        log.warning("lost the broker connection; webhooks get 503 until it is back")

    async def _on_reconnected(self) -> None:
        log.info("reconnected to the broker at %s", self.server)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def describe_ack(ack: PubAck) -> dict[str, Any]:
    return {"stream": ack.stream, "seq": ack.seq, "duplicate": bool(ack.duplicate)}


__all__ = ["CLAIM_TTL", "BrokerLink", "BrokerUnavailable", "ClaimsSpec", "ConsumerSpec",
           "StreamSpec", "ensure_agent_consumers", "ensure_claims_bucket", "ensure_stream"]
