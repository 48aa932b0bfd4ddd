"""The team inbox's "I'll call back" claims, shared on the call server. No Qt.

A claim is one key of the project's key-value bucket (:func:`subjects.claims_bucket`): the
client's number (:func:`claim_key`) → ``{"agent": staff id, "name": …, "claimed_at": …}``.
The relay created the bucket with a time to live, so a claim nobody acts on ends by itself;
the desktop reads the TTL from the bucket and says until when a claim holds.

It rides on the agent's own connection (:class:`AgentLink`): one connection per desktop.
Agents may not create consumers (see :func:`relay.provision.claims_permissions`), so there
is no key-value "watch": the board listens to the keys' subjects and, for each key that
changed, reads the key's last message back from the stream. The message heard is only a
hint: it may be a write the stream refused (a second claim of a taken row), or anybody's.
Everything read is hostile: size-capped, bad JSON ignored, names cleaned before display.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

import nats.errors
import nats.js.errors
from nats.aio.msg import Msg
from nats.js.kv import KeyValue

from ringohunt_desktop.core import subjects
from ringohunt_desktop.core.subscription import AgentLink
from ringohunt_desktop.core.tasks import cancel_and_wait
from ringohunt_desktop.core.webhooks import clean_text

log = logging.getLogger(__name__)

MAX_VALUE_BYTES: Final = 1024
MAX_NAME: Final = 80
MAX_CLAIMS: Final = 5000  # keys read in one resynchronisation
RESYNC_EVERY: Final = (45.0, 75.0)  # seconds: the whole bucket again, in case a hint was lost
RETRY_AFTER: Final = (5.0, 15.0)  # seconds before trying again when the bucket failed
DEFAULT_TTL: Final = timedelta(minutes=15)
_KEY_UNSAFE: Final = re.compile(r"[^A-Za-z0-9_-]")
_API_ERRORS: Final = (nats.errors.Error, TimeoutError, OSError)


def claim_key(client_key: str) -> str:
    """The bucket key of an inbox row's client key: E.164 as its digits, anything else
    (an unverified number, an extension) prefixed so it can never equal one."""
    if client_key.startswith("+") and client_key[1:].isdigit():
        return client_key[1:]
    return "x-" + _KEY_UNSAFE.sub("_", client_key)[:60]


@dataclass(frozen=True, slots=True)
class Claim:
    key: str  # the bucket key (claim_key of the row)
    agent: str  # the claimer's staff id
    name: str  # the claimer's name, cleaned for display
    claimed_at: datetime  # when the server stored it
    expires_at: datetime
    revision: int
    mine: bool


class ClaimsUnavailable(Exception):
    """The call server or its claims bucket cannot be reached or used right now."""


class AlreadyClaimed(Exception):
    """Somebody else claimed this client first."""

    def __init__(self, claim: Claim) -> None:
        super().__init__(f"already claimed by {claim.name or claim.agent}")
        self.claim = claim


def parse_claim(key: str, data: bytes, *, stored_at: datetime, revision: int, ttl: timedelta,
                me: str) -> Claim | None:
    """A claim from what the bucket holds, or None for anything that is not one."""
    if not data or len(data) > MAX_VALUE_BYTES:
        return None
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict):
        return None
    agent, name = value.get("agent"), value.get("name")
    if not isinstance(agent, str | int) or isinstance(agent, bool):
        return None
    agent_text = clean_text(str(agent), 40)
    if not agent_text:
        return None
    shown = clean_text(name, MAX_NAME) if isinstance(name, str) else ""
    return Claim(key, agent_text, shown, stored_at, stored_at + ttl, revision, agent_text == me)


class ClaimBoard:
    """The bucket's live claims, kept in step over the agent's link; ``on_change`` is called
    (on the loop) whenever the set of live claims or :attr:`available` changed."""

    def __init__(self, link: AgentLink, project: str, *, agent_id: int | str, agent_name: str,
                 on_change: Callable[[], None] = lambda: None,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 rng: random.Random | None = None) -> None:
        self._link = link
        self._bucket = subjects.claims_bucket(project)
        self._stream = subjects.claims_stream(project)
        self._prefix = subjects.claims_subject_prefix(project) + "."
        self._me = str(agent_id)
        self._my_name = agent_name
        self.on_change = on_change
        self._now = now
        self._rng = rng or random.Random()
        self._claims: dict[str, Claim] = {}
        self._kv: KeyValue | None = None
        self._ttl = DEFAULT_TTL
        self._dirty: set[str] = set()
        self._stirred = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.available = False
        self.last_failure = ""

    # -- reading ----------------------------------------------------------------------------

    @property
    def ttl(self) -> timedelta:
        return self._ttl

    def claim_for(self, client_key: str) -> Claim | None:
        """The live claim of an inbox row, or None (none, or it has expired)."""
        claim = self._claims.get(claim_key(client_key))
        return claim if claim is not None and claim.expires_at > self._now() else None

    def live(self) -> dict[str, Claim]:
        now = self._now()
        return {key: claim for key, claim in self._claims.items() if claim.expires_at > now}

    # -- running ----------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self.run())

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    async def run(self) -> None:
        """Until cancelled: bind to the link whenever it is up, read the whole bucket, then
        follow the changes; a failure is said (:attr:`available`) and tried again later."""
        bound_generation = -1
        subscription: Any = None
        bound_client: Any = None
        next_resync = 0.0
        loop = asyncio.get_running_loop()
        while True:
            client = self._link.client
            if client is None or not self._link.up.is_set():
                self._set_available(False, "not connected to the call server")
                bound_generation = -1  # read the whole bucket again once back
                await _wait_any(self._link.up, timeout=1.0)
                continue
            try:
                if bound_generation != self._link.generation:
                    # A new connection, or back after a drop: changes may have been missed.
                    # nats-py renews its subscriptions after a reconnection by itself; a new
                    # connection needs its own.
                    if subscription is None or bound_client is not client:
                        subscription = await client.subscribe(self._prefix + ">",
                                                              cb=self._on_key_message)
                        bound_client = client
                    js = client.jetstream(timeout=5.0)
                    self._kv = await js.key_value(self._bucket)
                    bound_generation = self._link.generation
                    next_resync = 0.0
                if loop.time() >= next_resync:
                    await self._resync()
                    next_resync = loop.time() + self._rng.uniform(*RESYNC_EVERY)
                elif self._dirty:
                    keys, self._dirty = self._dirty, set()
                    changed = False
                    for key in keys:
                        changed |= await self._reread(key)
                    if changed:
                        self.on_change()
                if "$kv." in self._link.optional_refusal.lower():
                    raise ClaimsUnavailable(self._link.optional_refusal)
                self._set_available(True, "")
            except (ClaimsUnavailable, nats.js.errors.BucketNotFoundError,
                    nats.js.errors.BadBucketError, *_API_ERRORS) as exc:
                self._set_available(False, _describe(exc))
                log.info("claims unavailable: %s", self.last_failure)
                with contextlib.suppress(*_API_ERRORS):
                    if subscription is not None:
                        await subscription.unsubscribe()
                subscription = None
                bound_generation = -1
                await asyncio.sleep(self._rng.uniform(*RETRY_AFTER))
                continue
            self._stirred.clear()
            wait = min(max(0.5, next_resync - loop.time()), self._until_next_expiry())
            if not self._dirty:
                await _wait_any(self._stirred, self._link.down, timeout=wait)
            if self._prune_expired():
                self.on_change()

    async def _on_key_message(self, message: Msg) -> None:
        key = message.subject[len(self._prefix):]
        if key and len(key) <= 80 and len(self._dirty) < MAX_CLAIMS:
            self._dirty.add(key)
            self._stirred.set()

    async def _resync(self) -> None:
        assert self._kv is not None
        js = self._link.client.jetstream(timeout=5.0) if self._link.client else None
        if js is None:
            raise ClaimsUnavailable("not connected to the call server")
        info = await js.stream_info(self._stream, subjects_filter=self._prefix + ">")
        if info.config.max_age:
            # The bucket's TTL as IT set it; a nonsense value is not shown to the agent.
            self._ttl = timedelta(seconds=min(max(float(info.config.max_age), 1.0), 86400.0))
        keys = [subject[len(self._prefix):] for subject in (info.state.subjects or {})
                if subject.startswith(self._prefix)][:MAX_CLAIMS]
        before = self.live()
        self._claims = {}
        self._dirty.clear()
        for key in keys:
            await self._reread(key)
        if self.live() != before:
            self.on_change()

    async def _reread(self, key: str) -> bool:
        """Read one key back from the stream; whether its live claim changed."""
        before = self._claims.get(key)
        claim = await self._read(key)
        if claim is None:
            self._claims.pop(key, None)
        else:
            self._claims[key] = claim
        return claim != before

    async def _read(self, key: str) -> Claim | None:
        client = self._link.client
        if client is None:
            raise ClaimsUnavailable("not connected to the call server")
        try:
            message = await client.jetstream(timeout=5.0).get_last_msg(
                self._stream, self._prefix + key)
        except nats.js.errors.NotFoundError:
            return None
        operation = (message.headers or {}).get("KV-Operation", "")
        if operation in ("DEL", "PURGE") or message.seq is None:
            return None
        stored = message.time or self._now()
        claim = parse_claim(key, message.data or b"", stored_at=stored, revision=message.seq,
                            ttl=self._ttl, me=self._me)
        return claim if claim is not None and claim.expires_at > self._now() else None

    # -- writing ----------------------------------------------------------------------------

    async def claim(self, client_key: str) -> Claim:
        """Claim a row for this agent (again: renewed). Raises :class:`AlreadyClaimed` when
        somebody else holds it, :class:`ClaimsUnavailable` when the server cannot say."""
        key = claim_key(client_key)
        kv = self._usable_kv()
        value = json.dumps({"agent": self._me, "name": self._my_name[:MAX_NAME],
                            "claimed_at": self._now().isoformat()},
                           ensure_ascii=False).encode("utf-8")
        held = self.claim_for(client_key)
        if held is not None and not held.mine:
            raise AlreadyClaimed(held)
        try:
            if held is not None:
                await kv.update(key, value, last=held.revision)
            else:
                await kv.create(key, value)
        except (nats.js.errors.KeyWrongLastSequenceError, nats.js.errors.APIError) as exc:
            if not _lost_a_race(exc):
                raise ClaimsUnavailable(_describe(exc)) from None
            # Somebody wrote it in between: whatever is there now decides.
            await self._reread_quietly(key)
            now_held = self._claims.get(key)
            if now_held is not None and not now_held.mine:
                self.on_change()
                raise AlreadyClaimed(now_held) from None
            raise ClaimsUnavailable("the claim changed while it was being made") from None
        except _API_ERRORS as exc:
            raise ClaimsUnavailable(_describe(exc)) from None
        await self._reread_quietly(key)
        claim = self._claims.get(key)
        self.on_change()
        if claim is None:
            raise ClaimsUnavailable("the claim was not stored")
        return claim

    async def release(self, client_key: str) -> bool:
        """Withdraw this agent's claim of a row (the agent called, or changed their mind);
        whether there was one. Somebody else's claim is never touched."""
        key = claim_key(client_key)
        held = self._claims.get(key)
        if held is None or not held.mine:
            return False
        kv = self._usable_kv()
        try:
            await kv.delete(key, last=held.revision)
        except (nats.js.errors.KeyWrongLastSequenceError, nats.js.errors.APIError) as exc:
            if not _lost_a_race(exc):
                raise ClaimsUnavailable(_describe(exc)) from None
        except _API_ERRORS as exc:
            raise ClaimsUnavailable(_describe(exc)) from None
        await self._reread_quietly(key)
        self.on_change()
        return True

    def _usable_kv(self) -> KeyValue:
        if self._kv is None or not self.available or self._link.client is None:
            raise ClaimsUnavailable(self.last_failure or "not connected to the call server")
        return self._kv

    async def _reread_quietly(self, key: str) -> None:
        try:
            await self._reread(key)
        except (ClaimsUnavailable, *_API_ERRORS):
            self._dirty.add(key)  # the board's loop reads it again
            self._stirred.set()

    # -- helpers ----------------------------------------------------------------------------

    def _set_available(self, available: bool, failure: str) -> None:
        self.last_failure = failure
        if available != self.available:
            self.available = available
            self.on_change()

    def _prune_expired(self) -> bool:
        now = self._now()
        expired = [key for key, claim in self._claims.items() if claim.expires_at <= now]
        for key in expired:
            del self._claims[key]
        return bool(expired)

    def _until_next_expiry(self) -> float:
        if not self._claims:
            return 3600.0
        soonest = min(claim.expires_at for claim in self._claims.values())
        return max(0.5, (soonest - self._now()).total_seconds() + 0.1)


def _lost_a_race(exc: Exception) -> bool:
    """The write named a last revision that is no longer the last (err_code 10071)."""
    return (isinstance(exc, nats.js.errors.KeyWrongLastSequenceError)
            or getattr(exc, "err_code", None) == 10071)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.replace("\n", " ")[:300]


async def _wait_any(*events: asyncio.Event, timeout: float) -> None:  # noqa: ASYNC109
    waits = [asyncio.ensure_future(event.wait()) for event in events]
    try:
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for wait in waits:
            await cancel_and_wait(wait)


__all__ = ["AlreadyClaimed", "Claim", "ClaimBoard", "ClaimsUnavailable", "claim_key",
           "parse_claim"]
