"""Subscription source of call events: the agent's durable JetStream consumer. No Qt.

The relay (``ringohunt_desktop.relay``) publishes every Ringostat webhook to the subject of
each agent it concerns (:mod:`~ringohunt_desktop.core.subjects`). Provisioning created one
durable pull consumer per agent; this source binds it with the agent's own broker login,
fetches in stream order and turns each event into the same
:class:`~ringohunt_desktop.domain.CallRecord` row the poller yields
(:func:`~ringohunt_desktop.core.webhooks.event_to_call`), so everything downstream is one road.

* **Nothing is lost.** A message is acknowledged only once the watcher has written its rows to
  the journal (:attr:`CallSnapshot.settle`). A desktop that was asleep, offline, closed or that
  crashed mid-way gets the rest again, in order; the tracker and the journal make a second
  delivery harmless.
* **No Ringostat polling in steady state.** The journal is reconciled against ``calls/list``
  at most every :data:`RECONCILE_EVERY` (with jitter, so 500 desktops spread out) and when the
  agent asks (:meth:`SubscriptionSource.wake`, at most every :data:`ON_DEMAND_MIN_GAP`).
* **An outage is said at once.** When the link drops the source raises
  :class:`BrokerUnavailable` once, so the tray shows it, then waits for nats-py's own
  reconnection (servers in random order, jittered waits: 500 desktops do not return in the
  same second), or, where the admin allows it, polls Ringostat until the broker is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import random
import ssl
import time
from collections import OrderedDict, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import ParseResult, SplitResult, urlsplit

import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client as NatsClient
from nats.aio.msg import Msg
from nats.js.api import ConsumerInfo

from ringohunt_desktop.clients.errors import ApiError, AuthError, Reason
from ringohunt_desktop.clients.http import trust_store_context
from ringohunt_desktop.clients.ringostat import RingostatClient
from ringohunt_desktop.core import subjects
from ringohunt_desktop.core.calltracking import AgentIdentity
from ringohunt_desktop.core.source import CallSnapshot, CallSource, SourceKind
from ringohunt_desktop.core.tasks import cancel_and_wait
from ringohunt_desktop.core.webhooks import (
    MAX_EVENT_BYTES,
    InvalidEvent,
    WebhookEvent,
    event_to_call,
    parse_webhook_event,
)
from ringohunt_desktop.domain import CallRecord
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.store.calls import merge_call

log = logging.getLogger(__name__)

BROKER_SERVICE = "call server"  # how errors name the broker (the UI words it per language)
RECONCILE_EVERY = timedelta(minutes=30)
RECONCILE_JITTER = 0.2  # each gap is RECONCILE_EVERY × (1 … 1.2)
RECONCILE_WINDOW = timedelta(hours=2)
ON_DEMAND_MIN_GAP = 60.0  # seconds: "check now" reconciles at most once a minute
FETCH_BATCH = 100
FETCH_WAIT = 5.0  # seconds one long-poll fetch waits for the first message
CONNECT_TIMEOUT = 5.0
RECONNECT_WAIT = (1.0, 10.0)  # each reconnection attempt waits a random time in this range
FALLBACK_RETRY = (30.0, 90.0)  # polling meanwhile, the link is retried after this long
MAX_REMEMBERED_STARTS = 2000
MAX_TEAM_BACKLOG = 1000  # team messages kept between two fetches (a burst, not a backlog)
# The relay wraps a ≤ 64 KB webhook in a few keys of its own; anything much bigger is not ours.
MAX_MESSAGE_BYTES = 2 * MAX_EVENT_BYTES


class BrokerError(ApiError):
    """The call server (NATS) failed or refused; ``reason`` says how."""

    def __init__(self, message: str, *, reason: Reason) -> None:
        super().__init__(BROKER_SERVICE, message, reason=reason)


class BrokerUnavailable(BrokerError):
    """No server of the list answers, or the link dropped."""

    def __init__(self, message: str) -> None:
        super().__init__(message, reason=Reason.OFFLINE)


class BrokerRefused(BrokerError, AuthError):
    """The server refused the agent's login, or its permissions."""

    def __init__(self, message: str) -> None:
        BrokerError.__init__(self, message, reason=Reason.CREDENTIALS)


class BrokerUntrusted(BrokerError):
    """The call server's TLS certificate is not trusted on this computer; ``host`` names it."""

    def __init__(self, message: str, *, host: str) -> None:
        super().__init__(message, reason=Reason.UNTRUSTED_CERTIFICATE)
        self.host = host


class NotProvisioned(BrokerError):
    """The login works but the agent's consumer does not exist: IT has not provisioned them."""

    def __init__(self, message: str) -> None:
        super().__init__(message, reason=Reason.NOT_FOUND)


@dataclass(frozen=True, slots=True)
class BrokerBinding:
    """Everything a desktop needs to bind the agent's durable consumer."""

    servers: tuple[str, ...]
    user: str
    password: Secret
    inbox_prefix: str
    stream: str
    durable: str
    team_subjects: tuple[str, ...] = ()  # read live (core NATS) for the team inbox
    optional_prefixes: tuple[str, ...] = ()  # refusals here are not the calls' refusal

    @classmethod
    def for_agent(cls, servers: Sequence[str], *, user: str, password: Secret, project: str,
                  staff_id: int, stream: str = subjects.DEFAULT_STREAM) -> BrokerBinding:
        """Names as provisioning made them; an empty ``user`` is the provisioned default."""
        return cls(servers=tuple(servers),
                   user=user.strip() or subjects.agent_user(project, staff_id),
                   password=password, inbox_prefix=subjects.agent_inbox_prefix(project, staff_id),
                   stream=stream.strip() or subjects.DEFAULT_STREAM,
                   durable=subjects.durable_name(project, staff_id),
                   team_subjects=subjects.team_subjects(project),
                   optional_prefixes=(*subjects.team_subjects(project),
                                      subjects.claims_subject_prefix(project),
                                      f"$JS.API.STREAM.INFO.{subjects.claims_stream(project)}",
                                      f"$JS.API.STREAM.MSG.GET.{subjects.claims_stream(project)}"))



class AgentLink:
    """One connection as the agent, bound to its durable consumer. :meth:`open` raises
    :class:`BrokerUnavailable`, :class:`BrokerRefused` or :class:`NotProvisioned`; afterwards
    nats-py reconnects by itself (another server of the list, a jittered wait each time) and
    :attr:`up` follows the link."""

    def __init__(self, binding: BrokerBinding, *, connect_timeout: float = CONNECT_TIMEOUT,
                 reconnect_attempts: int = 3, rng: random.Random | None = None) -> None:
        self.binding = binding
        self._connect_timeout = connect_timeout
        self._reconnect_attempts = reconnect_attempts
        self._rng = rng or random.Random()
        self._client: NatsClient | None = None
        self._subscription: Any = None
        self._last_error = ""
        self._untrusted_host = ""
        self._login_refused = False
        self._client_in_progress: NatsClient | None = None
        self._certificate_refused = asyncio.Event()
        self.up = asyncio.Event()
        self.down = asyncio.Event()
        self.closed = asyncio.Event()  # nats-py gave up reconnecting
        # Each open or reconnection: what is read live (claims) is read again whole then.
        self.generation = 0
        self.team_messages: deque[Msg] = deque(maxlen=MAX_TEAM_BACKLOG)
        self.team_arrived = asyncio.Event()
        self.optional_refusal = ""  # a team subject or the claims bucket refused (old set-up)

    @property
    def client(self) -> NatsClient | None:
        """The open connection, for what shares it (the inbox's claims): one per desktop."""
        return self._client if self.usable else None

    @property
    def usable(self) -> bool:
        """Open and not given up (nats-py closes the client once reconnection gives up)."""
        return self._client is not None and not self._client.is_closed

    async def open(self) -> ConsumerInfo:
        client = NatsClient()
        self._client_in_progress = client
        self._last_error = ""
        self._untrusted_host = ""
        self._login_refused = False
        options: dict[str, Any] = {}
        if any(server.lower().startswith("tls:") for server in self.binding.servers):
            context = trust_store_context()
            if isinstance(context, ssl.SSLContext):
                options["tls"] = context
        self._certificate_refused = asyncio.Event()
        connecting = asyncio.ensure_future(client.connect(
            list(self.binding.servers), user=self.binding.user,
            password=self.binding.password.reveal(), inbox_prefix=self.binding.inbox_prefix,
            name="ringohunt-desktop", connect_timeout=max(1, round(self._connect_timeout)),
            # nats-py reads 0 attempts as "no limit": no reconnecting at all is its own flag.
            allow_reconnect=self._reconnect_attempts > 0,
            max_reconnect_attempts=max(1, self._reconnect_attempts), reconnect_time_wait=1,
            reconnect_to_server_handler=self._pick_server, error_cb=self._on_error,
            disconnected_cb=self._on_disconnected, reconnected_cb=self._on_reconnected,
            closed_cb=self._on_closed, **options))
        refused = asyncio.ensure_future(self._certificate_refused.wait())
        try:
            # A certificate refusal ends the attempt at once (trying again cannot help, and
            # nats-py stalls retrying a failed TLS handshake); so does the total deadline.
            await asyncio.wait({connecting, refused}, timeout=self._open_deadline(),
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            await cancel_and_wait(refused)
        if not connecting.done():
            await cancel_and_wait(connecting)
            await _close_quietly(client)
            raise self._failure(TimeoutError("connecting took too long"))
        failure = None if connecting.cancelled() else connecting.exception()
        if failure is not None:
            await _close_quietly(client)
            if isinstance(failure, OSError | TimeoutError | nats.errors.Error):
                raise self._failure(failure) from None
            raise failure
        try:
            # A loaded cluster answers its API slower than a TCP connect: at least 5 s.
            js = client.jetstream(timeout=max(self._connect_timeout, 5.0))
            self._subscription = await js.pull_subscribe_bind(
                durable=self.binding.durable, stream=self.binding.stream)
            info: ConsumerInfo = await self._subscription.consumer_info()
        except nats.js.errors.NotFoundError:
            await _close_quietly(client)
            raise NotProvisioned(
                f"no consumer {self.binding.durable!r} in stream {self.binding.stream!r}: "
                "run provisioning for this agent") from None
        except (OSError, TimeoutError, nats.errors.Error) as exc:
            await _close_quietly(client)
            raise self._failure(exc) from None
        # Other agents' missed calls and call-backs, live while connected (the periodic
        # reconciliation covers the time away). A server that refuses them (provisioned
        # before they existed) says so through the error callback; the calls still flow.
        with contextlib.suppress(nats.errors.Error, OSError, TimeoutError):
            for subject in self.binding.team_subjects:
                await client.subscribe(subject, cb=self._on_team_message)
        self._client = client
        self.generation += 1
        self.down.clear()
        self.closed.clear()
        self.up.set()
        return info

    async def _on_team_message(self, message: Msg) -> None:
        self.team_messages.append(message)
        self.team_arrived.set()

    def take_team_messages(self) -> list[Msg]:
        taken = list(self.team_messages)
        self.team_messages.clear()
        self.team_arrived.clear()
        return taken

    async def fetch(self, batch: int, wait: float) -> list[Msg]:
        """Up to ``batch`` messages in stream order, as soon as the first one is there; []
        when none came within ``wait``.

        One message is waited for, then only what the consumer already holds is taken: a
        batch fetch that is waiting when a message arrives holds it until the batch is full
        or ``wait`` ends (nats-py), which delayed pops by seconds under load.
        """
        first = await self._fetch_some(1, wait)
        if not first:
            return []
        waiting = _pending_after(first[-1])
        if waiting <= 0 or batch <= 1:
            return first
        # Already stored: a no-wait request returns at once with up to this many.
        return first + await self._fetch_some(min(waiting, batch - 1), wait)

    async def _fetch_some(self, batch: int, wait: float) -> list[Msg]:
        if self._subscription is None:
            raise BrokerUnavailable("not connected")
        try:
            return list(await self._subscription.fetch(batch, timeout=wait))
        except (nats.errors.TimeoutError, TimeoutError):  # nats-py raises either on "none came"
            if "permissions violation" in self._last_error.lower():
                raise BrokerRefused("the call server does not let this login read its "
                                    "calls") from None
            return []
        except (OSError, nats.errors.Error) as exc:
            raise self._failure(exc) from None

    async def close(self) -> None:
        client, self._client, self._subscription = self._client, None, None
        self.up.clear()
        if client is not None:
            await _close_quietly(client)

    # -- nats-py callbacks ----------------------------------------------------------------

    def _pick_server(self, servers: list[Any], _info: dict[str, Any]) -> tuple[Any, float]:
        # Random server, random wait: 500 desktops do not come back in the same second.
        return self._rng.choice(servers), self._rng.uniform(*RECONNECT_WAIT)

    def _open_deadline(self) -> float:
        attempts = max(1, self._reconnect_attempts) + 1
        return attempts * len(self.binding.servers) * (self._connect_timeout + 1.0) + 5.0

    async def _on_error(self, exc: Exception) -> None:
        if isinstance(exc, ssl.SSLCertVerificationError):
            self._untrusted_host = self._host_being_tried()
            self._certificate_refused.set()
        described = _describe(exc)
        said = described.lower()  # nats-py lower-cases the server's text
        if any(f'"{name.lower()}' in said for name in self.binding.optional_prefixes):
            # The team view or the claims refused: said where they are shown, not as the
            # calls' failure (those still flow).
            self.optional_refusal = described
            log.info("call server: %s", described)
            return
        self._last_error = described
        if _says_refused(self._last_error):
            # Kept: the server then resets the connection, and that is the last error seen.
            self._login_refused = True
        log.debug("call server: %s", self._last_error)

    async def _on_disconnected(self) -> None:
        self.up.clear()
        self.down.set()

    async def _on_closed(self) -> None:
        await self._on_disconnected()
        self.closed.set()

    async def _on_reconnected(self) -> None:
        self.generation += 1
        self.down.clear()
        self.up.set()

    def _host_being_tried(self) -> str:
        server = getattr(self._client_in_progress, "_current_server", None)
        uri = getattr(server, "uri", None)
        if uri is not None and uri.hostname:
            return _host_of(uri)
        return self._all_hosts()

    def _all_hosts(self) -> str:
        return ", ".join(_host_of(urlsplit(server)) for server in self.binding.servers)

    def _failure(self, exc: BaseException) -> BrokerError:
        if self._untrusted_host:
            return BrokerUntrusted(f"the certificate of {self._untrusted_host} is not trusted "
                                   "on this computer", host=self._untrusted_host)
        if self._login_refused or _says_refused(f"{self._last_error} {_describe(exc)}"):
            return BrokerRefused("the call server refused this login")
        return BrokerUnavailable(f"no call server answers ({self._all_hosts()})")


def _says_refused(text: str) -> bool:
    said = text.lower()
    return ("authorization violation" in said or "permissions violation" in said
            or "authentication" in said)


def _pending_after(message: Msg) -> int:
    """How many more messages the consumer held when this one was delivered."""
    try:
        return int(message.metadata.num_pending)
    except (AttributeError, TypeError, ValueError, nats.errors.Error):
        return 0


def _host_of(parts: SplitResult | ParseResult) -> str:
    return f"{parts.hostname}:{parts.port}" if parts.port else str(parts.hostname)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.replace("\n", " ")[:300]


async def _close_quietly(client: NatsClient) -> None:
    with contextlib.suppress(Exception):
        await client.close()


class Reconciler:
    """The journal against ``calls/list``: what the webhooks never delivered reaches it anyway.
    Each run covers the time since the last one (the first: since the newest journal call),
    at most :data:`RECONCILE_WINDOW` further back, never more than a week."""

    def __init__(self, ringostat: RingostatClient, *, resume_from: datetime | None = None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._ringostat = ringostat
        self._covered_until = resume_from
        self._now = now

    async def rows(self) -> list[CallRecord]:
        now = self._now()
        anchor = self._covered_until or now
        start = max(anchor - RECONCILE_WINDOW, now - timedelta(days=7))
        rows = await self._ringostat.calls_list(start, now + timedelta(minutes=1))
        self._covered_until = now
        return rows


class SubscriptionSource:
    """The agent's durable consumer as a :class:`~ringohunt_desktop.core.source.CallSource`."""

    kind = SourceKind.SUBSCRIPTION

    def __init__(self, link: AgentLink, agent: AgentIdentity, *,
                 reconciler: Reconciler | None = None, fallback: CallSource | None = None,
                 batch: int = FETCH_BATCH, fetch_wait: float = FETCH_WAIT,
                 first_reconcile: tuple[float, float] = (60.0, 600.0),
                 rng: random.Random | None = None,
                 monotonic: Callable[[], float] | None = None) -> None:
        self._link = link
        self._agent = agent
        self._reconciler = reconciler
        self._fallback = fallback
        self._batch = batch
        self._fetch_wait = fetch_wait
        self._rng = rng or random.Random()
        self._monotonic = monotonic or time.monotonic
        # Spread the first reconciliation: 500 desktops start their shift at nine together.
        self._next_reconcile = self._monotonic() + self._rng.uniform(*first_reconcile)
        self._last_reconcile: float | None = None
        self._reconcile_asked = False
        self._outage_said = False
        self._wake = asyncio.Event()
        self._fetching: asyncio.Future[list[Msg]] | None = None  # goes on across wake-ups
        self._starts: OrderedDict[str, datetime] = OrderedDict()
        self.delivered = 0  # events handed on (for the benchmark and diagnostics)

    async def snapshots(self) -> AsyncIterator[CallSnapshot]:
        while True:
            if not self._link.usable:
                await self._drop_fetch()  # it belonged to the connection that ended
                await self._link.close()
                try:
                    await self._link.open()
                except BrokerUnavailable:
                    if self._fallback is None:
                        raise  # the watcher says why and tries again after a jittered pause
                    async for snapshot in self._poll_meanwhile(
                            None, self._rng.uniform(*FALLBACK_RETRY)):
                        yield snapshot
                    continue
                self._outage_said = False
                yield CallSnapshot([], caught_up=True)  # "connected", even before any call
            if not self._link.up.is_set():
                if not self._outage_said:
                    self._outage_said = True
                    raise BrokerUnavailable("the connection to the call server dropped; "
                                            "reconnecting")
                if self._fallback is None:
                    await _first_of(self._link.up.wait(), self._link.closed.wait())
                else:
                    async for snapshot in self._poll_meanwhile(self._link.up, None):
                        yield snapshot
                continue
            if self._outage_said:
                self._outage_said = False
                yield CallSnapshot([], caught_up=True)  # back: the tray says so at once
                continue
            if self._reconcile_due() and self._reconciler is not None:
                yield CallSnapshot(await self._reconciler.rows(), caught_up=True)
                continue
            team = self._link.take_team_messages()
            if team:
                # Nothing to acknowledge: read live, not from the agent's consumer.
                yield self._snapshot_of(team, acknowledge=False)
                continue
            try:
                messages = await self._fetch()
            except BrokerUnavailable:
                if self._link.up.is_set():
                    raise
                continue  # the link dropped mid-fetch: the branch above says so
            if messages:
                yield self._snapshot_of(messages)

    async def _poll_meanwhile(self, back: asyncio.Event | None, seconds: float | None
                              ) -> AsyncIterator[CallSnapshot]:
        """Ringostat's polling (the admin allowed it) until the link is back (or nats-py gave
        up on it), or for ``seconds`` before the next attempt to open it."""
        assert self._fallback is not None
        log.info("call server unreachable: polling Ringostat meanwhile")
        stops = (back, self._link.closed) if back is not None else ()
        async for snapshot in _until(self._fallback.snapshots(), stops, seconds):
            yield dataclasses.replace(snapshot, via_fallback=True)
        log.info("polling Ringostat stops; back to the call server")

    def keep_in_view(self, open_call_starts: Iterable[datetime]) -> None:
        if self._fallback is not None:
            self._fallback.keep_in_view(open_call_starts)

    def wake(self) -> None:
        """The agent asked to check now: reconcile (at most once a minute) and fetch at once."""
        self._reconcile_asked = True
        self._wake.set()
        if self._fallback is not None:
            self._fallback.wake()

    async def close(self) -> None:
        await self._drop_fetch()
        await self._link.close()

    @property
    def link(self) -> AgentLink:
        return self._link

    # -- steps ------------------------------------------------------------------------------

    def _reconcile_due(self) -> bool:
        now = self._monotonic()
        asked = self._reconcile_asked and (
            self._last_reconcile is None or now - self._last_reconcile >= ON_DEMAND_MIN_GAP)
        self._reconcile_asked = False
        if not asked and now < self._next_reconcile:
            return False
        self._last_reconcile = now
        every = RECONCILE_EVERY.total_seconds()
        self._next_reconcile = now + every * (1 + self._rng.uniform(0, RECONCILE_JITTER))
        return True

    async def _fetch(self) -> list[Msg]:
        """What the consumer has for the agent; [] when woken first (asked to check now, the
        link went down, the team's live messages came).

        A fetch woken early goes on and is taken up by the next call: cancelling it would
        drop what it had already pulled, and those calls would pop only after ack_wait. The
        team's traffic wakes the source many times a minute in a big project."""
        self._wake.clear()
        if self._fetching is None:
            self._fetching = asyncio.ensure_future(
                self._link.fetch(self._batch, self._fetch_wait))
        fetching = self._fetching
        interrupted = asyncio.ensure_future(_first_of(self._wake.wait(), self._link.down.wait(),
                                                      self._link.team_arrived.wait()))
        either: set[asyncio.Future[Any]] = {fetching, interrupted}
        try:
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
        finally:
            await cancel_and_wait(interrupted)
        if not fetching.done():
            if self._link.up.is_set():
                return []
            # The link went down: what this fetch pulled comes again after ack_wait anyway.
            await self._drop_fetch()
            return []
        self._fetching = None
        if fetching.cancelled():
            return []
        return fetching.result()

    async def _drop_fetch(self) -> None:
        fetching, self._fetching = self._fetching, None
        if fetching is not None:
            await cancel_and_wait(fetching)
            if not fetching.cancelled() and fetching.exception() is not None:
                log.debug("a dropped fetch ended with %r", fetching.exception())

    def _snapshot_of(self, messages: Sequence[Msg], *, acknowledge: bool = True
                     ) -> CallSnapshot:
        """One row per call, its newest state: a batch that holds a call's ring and its end
        is a catch-up (the desktop was away), and must not pop a panel for a call long over."""
        rows: dict[str, CallRecord] = {}
        reported: dict[str, datetime] = {}
        summaries: dict[str, str] = {}
        for message in messages:
            event = self._event_of(message)
            if event is None:
                continue
            self.delivered += 1
            if event.event == "ai_processed":
                # Carries a summary, not the call's state: its disposition is not to be trusted.
                if event.ai_summary:
                    summaries[event.call_id] = event.ai_summary
                continue
            row = event_to_call(event, self._agent, self._started_at(event))
            rows[row.call_id] = merge_call(rows.get(row.call_id), row)
            if event.received_at is not None:
                reported[row.call_id] = event.received_at
        return CallSnapshot(list(rows.values()),
                            settle=self._acker(messages) if acknowledge else None,
                            reported_at=reported, summaries=summaries)

    def _event_of(self, message: Msg) -> WebhookEvent | None:
        if len(message.data) > MAX_MESSAGE_BYTES:
            log.warning("call server: skipped a %d-byte message (over %d)", len(message.data),
                        MAX_MESSAGE_BYTES)
            return None
        try:
            payload = json.loads(message.data)
            received = _received_at(payload)
            return parse_webhook_event(payload, received_at=received)
        except (ValueError, RecursionError, InvalidEvent) as exc:
            log.warning("call server: skipped a message that is not a call event (%s)",
                        _describe(exc)[:120])
            return None

    def _started_at(self, event: WebhookEvent) -> datetime:
        """The first moment this desktop heard of the call: every later event of it keeps
        the same start, so the tracker orders them and the journal does not move the call."""
        known = self._starts.get(event.call_id)
        if known is not None:
            return known
        started = event.received_at or datetime.now(UTC)
        self._starts[event.call_id] = started
        while len(self._starts) > MAX_REMEMBERED_STARTS:
            self._starts.popitem(last=False)
        return started

    def _acker(self, messages: Sequence[Msg]) -> Callable[[], Awaitable[None]]:
        async def settle() -> None:
            # Called by the watcher once the rows are in the journal. A lost ack only means
            # the message comes again after ack_wait, which the journal merges.
            # No flush() to wait for the server's PONG: nats-py resolves a PONG on a flush
            # future that timed out or was cancelled, fails its read loop and reconnects. The
            # acks leave with the next write, and close() sends what is pending.
            with contextlib.suppress(Exception):
                for message in messages:
                    await message.ack()

        return settle


def _received_at(payload: object) -> datetime | None:
    if not isinstance(payload, dict):
        return None
    text = payload.get("received_at")
    if not isinstance(text, str) or len(text) > 40:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def _first_of(*waits: Awaitable[Any]) -> None:
    tasks = [asyncio.ensure_future(wait) for wait in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            await cancel_and_wait(task)


async def _until(snapshots: AsyncIterator[CallSnapshot], stops: tuple[asyncio.Event, ...],
                 seconds: float | None) -> AsyncIterator[CallSnapshot]:
    """``snapshots`` until one of ``stops`` is set or ``seconds`` have passed (checked while
    waiting for the next snapshot too)."""
    loop = asyncio.get_running_loop()
    deadline = None if seconds is None else loop.time() + seconds
    iterator = snapshots.__aiter__()
    try:
        while not any(stop.is_set() for stop in stops):
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                return
            step = asyncio.ensure_future(anext(iterator))
            waits: set[asyncio.Future[Any]] = {step}
            stopper = (asyncio.ensure_future(_first_of(*(stop.wait() for stop in stops)))
                       if stops else None)
            if stopper is not None:
                waits.add(stopper)
            try:
                await asyncio.wait(waits, timeout=left, return_when=asyncio.FIRST_COMPLETED)
            finally:
                await cancel_and_wait(stopper)
            if not step.done():
                await cancel_and_wait(step)
                return
            yield step.result()
    finally:
        with contextlib.suppress(Exception):
            await iterator.aclose()  # type: ignore[attr-defined]


__all__ = ["AgentLink", "BrokerBinding", "BrokerError", "BrokerRefused", "BrokerUnavailable",
           "BrokerUntrusted",
           "NotProvisioned", "Reconciler", "SubscriptionSource"]
