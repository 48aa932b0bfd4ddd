"""One headless desktop of the scale benchmark: the product's subscription source, no Qt.

:class:`HeadlessDesktop` is what ``services/watcher.py`` does with a source, without the Qt
signals: for each snapshot, the tracker decides what to announce, the rows go to the journal
(a :class:`CallStore` in memory), then the snapshot is settled (its messages acknowledged);
a failure waits the watcher's jittered back-off and calls ``snapshots()`` again.

The benchmark needs to know which events a snapshot carried (rows keep only the newest state
of each call), so the link is :class:`ObservedLink`, the product's :class:`AgentLink` that
also keeps the last batch it fetched. It changes nothing the source sees.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import threading
import time
from collections import Counter
from datetime import datetime
from typing import Any

from nats.aio.msg import Msg

from ringohunt_desktop.clients.errors import ApiError, AuthError
from ringohunt_desktop.clients.ringostat import RingostatClient
from ringohunt_desktop.core.calltracking import AgentIdentity, CallTracker
from ringohunt_desktop.core.subscription import (
    AgentLink,
    BrokerBinding,
    Reconciler,
    SubscriptionSource,
)
from ringohunt_desktop.core.tasks import cancel_and_wait
from ringohunt_desktop.domain import StaffMember
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.store.calls import CallStore
from ringohunt_desktop.store.db import Database

SIM_AUTH_KEY = "demo-ringostat-key"  # the simulator's demo key
# services/watcher.py's defaults: the poll interval doubles per failure up to 30 s, jittered.
WATCHER_INTERVAL_S = 1.5
WATCHER_MAX_BACKOFF_S = 30.0
WATCHER_AUTH_RETRY_S = 30.0
CALL_PREFIX = "scale-"


class ObservedLink(AgentLink):
    """The product's link; :attr:`last_batch` is what the last completed fetch returned."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_batch: list[Msg] = []

    async def fetch(self, batch: int, wait: float) -> list[Msg]:
        messages = await super().fetch(batch, wait)
        self.last_batch = messages
        return messages


class HeadlessDesktop:
    def __init__(self, staff_id: int, link: ObservedLink, source: SubscriptionSource,
                 tracker: CallTracker, journal: CallStore, ringostat: RingostatClient,
                 rng: random.Random) -> None:
        self.staff_id = staff_id
        self.link = link
        self.source = source
        self.tracker = tracker
        self.journal = journal
        self.ringostat = ringostat
        self.rng = rng
        self.connected_once = asyncio.Event()
        self.received: dict[str, dict[str, Any]] = {}  # "call:event" → arrival
        self.received_ours = 0
        self.redelivered = 0
        self.announced: Counter[tuple[str, str]] = Counter()
        self.outages = 0
        self.offline_windows: list[tuple[float, float]] = []
        self._away_since: float | None = None
        self._back_at = 0.0
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def create(cls, entry: dict[str, Any], servers: list[str], sim_url: str, project: str,
               stream: str, rng: random.Random) -> HeadlessDesktop:
        member = StaffMember(entry["staff_id"], entry["name"], entry["email"],
                             entry["extension"], (entry["sip_login"],),
                             departments=(entry["department"],))
        identity = AgentIdentity.from_staff(member)
        binding = BrokerBinding.for_agent(servers, user=entry["user"],
                                          password=Secret(entry["password"]), project=project,
                                          staff_id=member.staff_id, stream=stream)
        link = ObservedLink(binding, rng=random.Random(rng.random()))
        ringostat = RingostatClient(sim_url, Secret(SIM_AUTH_KEY), project)
        journal = CallStore(Database.in_memory())
        # As services/assembly.py builds it, without the polling fallback (not allowed here).
        source = SubscriptionSource(link, identity,
                                    reconciler=Reconciler(ringostat,
                                                          resume_from=journal.latest_started_at()),
                                    rng=random.Random(rng.random()))
        return cls(member.staff_id, link, source, CallTracker(identity), journal, ringostat, rng)

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._watch())

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        await self.source.close()
        await self.ringostat.aclose()

    async def go_offline(self, seconds: float) -> None:
        """The laptop leaves the network: the link is closed; later the same source reopens
        it, as the watcher does after a failure."""
        self._away_since = time.time()
        await cancel_and_wait(self._task)
        await self.source.close()
        await asyncio.sleep(seconds)
        self._back_at = time.time()
        self.offline_windows.append((self._away_since, self._back_at))
        self._away_since = None
        self.start()

    async def _watch(self) -> None:
        failures = 0
        while True:
            delay = WATCHER_INTERVAL_S
            try:
                async for snapshot in self.source.snapshots():
                    batch, self.link.last_batch = self.link.last_batch, []
                    if snapshot.settle is None:
                        batch = []  # a "connected" or reconciliation snapshot
                    arrived = time.time()
                    tracked = self.tracker.ingest(snapshot.rows)
                    for event in tracked.events:
                        self.announced[(event.call.call_id, event.phase.value)] += 1
                    if tracked.mine:
                        self.journal.upsert(tracked.mine)
                    self.source.keep_in_view(self.tracker.open_calls().values())
                    if snapshot.settle is not None:
                        await snapshot.settle()
                    self._note_arrivals(batch, arrived)
                    self.connected_once.set()
                    failures = 0
            except AuthError:
                delay = WATCHER_AUTH_RETRY_S * self.rng.uniform(0.5, 1.0)
            except ApiError:
                failures += 1
                self.outages += 1
                delay = min(WATCHER_INTERVAL_S * 2 ** failures, WATCHER_MAX_BACKOFF_S)
                delay *= self.rng.uniform(0.5, 1.0)
            await asyncio.sleep(delay)

    def _note_arrivals(self, batch: list[Msg], arrived: float) -> None:
        for message in batch:
            try:
                payload = json.loads(message.data)
                key = f"{payload['call_id']}:{payload['event']}"
                received_at = datetime.fromisoformat(payload["received_at"]).timestamp()
                # When JetStream stored it (from the ack subject): splits the latency into
                # relay + replicated write, and delivery to the desktop.
                stored_at = message.metadata.timestamp.timestamp()
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
            if key in self.received:
                self.redelivered += 1
                continue
            # Stored while this desktop was deliberately offline: it is the catch-up the
            # durable consumer is for, not a latency to count.
            while_away = received_at < self._back_at <= arrived
            self.received[key] = {"at": arrived, "received_at": received_at,
                                  "stored_at": stored_at, "while_away": while_away}
            if key.startswith(CALL_PREFIX):
                self.received_ours += 1

    def results(self) -> dict[str, Any]:
        return {"staff_id": self.staff_id, "received": self.received,
                "redelivered": self.redelivered, "outages": self.outages,
                "shown_twice": sum(n - 1 for n in self.announced.values() if n > 1),
                "shown_twice_keys": [f"{c}:{p}" for (c, p), n in self.announced.items()
                                     if n > 1][:10],
                "announced": sum(self.announced.values()),
                "offline_windows": self.offline_windows}


def commands_from_stdin() -> asyncio.Queue[list[str]]:
    """Lines from the orchestrator (``offline SECONDS ID,ID…``, ``stop``), split in words;
    a closed stdin is a stop."""
    loop = asyncio.get_running_loop()
    commands: asyncio.Queue[list[str]] = asyncio.Queue()

    def read() -> None:
        for line in sys.stdin:
            if line.split():
                loop.call_soon_threadsafe(commands.put_nowait, line.split())
        loop.call_soon_threadsafe(commands.put_nowait, ["stop"])

    threading.Thread(target=read, name="commands", daemon=True).start()
    return commands


__all__ = ["HeadlessDesktop", "ObservedLink", "commands_from_stdin"]
