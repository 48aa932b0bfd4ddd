"""Subscription mode at call-centre scale: 3 NATS nodes, 2 relays, 500 headless desktops.

Everything runs on loopback, as production would run it, only smaller machines:

* **Broker**: a 3-node ``nats-server`` JetStream cluster (the stream keeps 3 replicas) whose
  users come from the product's provisioning (``ringohunt_desktop.relay.provision``) for a
  generated staff list of 500 agents, one durable consumer each. Passwords are bcrypt hashes
  at a low cost (:data:`BCRYPT_COST`): the cost only changes what a login costs the server,
  and 500 hashes at production's cost 11 would take a minute of the run's budget.
* **Relays**: two ``python -m ringohunt_desktop.relay serve`` processes (the CLI IT runs),
  ``--replicas 3``, behind a webhook generator that round-robins between them, as a proxy
  would.
* **Desktops**: 500 of them, spread over a few worker processes (asyncio, no Qt). Each is the
  product's own :class:`AgentLink` + :class:`SubscriptionSource` (with its
  :class:`Reconciler` pointed at the simulator's Ringostat) + :class:`CallTracker` + a
  :class:`CallStore` journal in memory, driven the way ``services/watcher.py`` drives a
  source: track, journal, then settle (acknowledge); on a failure, the watcher's jittered
  back-off. The only addition is an observing subclass of the link that keeps the last
  fetched batch, so the benchmark knows which events a snapshot carried.
* **Webhooks**: a compressed day (:attr:`ScaleSizes.base_calls_per_s` calls a second) with
  bursts, 3–4 events per call (``call_start``, ``call_forwarding`` to one agent,
  ``call_answered`` unless missed, ``call_end``), as GET query strings, form bodies or JSON,
  with the §4.2 aliases and ``additional_call_data`` now and then; 20 % delivered twice,
  the copy through whichever relay is next in the round-robin. A webhook the relay does
  not answer 200 is retried through the next relay, as Ringostat retries (3 times).
* **Trouble on purpose**: the stream leader's node is stopped and later started again, one
  relay is restarted (SIGTERM, a new process on the same port), and 50 desktops go offline
  (their links closed) for 30 s, then reopen the same source.

Figures (``scale.*``): events lost (accepted by a relay with 200, never received by the
desktop it was routed to), events shown twice (a phase the tracker announced twice for one
call), relay receipt → tracker announcement latency (the payload's ``received_at`` against
the desktop's clock, the same machine; events stored while their desktop was deliberately
offline are left out and counted apart), Ringostat requests from the desktops (counted by
the simulator they reconcile against) beside poll mode's figure, computed from
``core/polling.py``'s cycle, memory per desktop (worker RSS), relay CPU per 1,000 webhooks
(``/proc/<pid>/stat``).

Run alone: ``python -m benchmarks.bench_scale [--quick]`` (prints JSON). A worker process is
``python -m benchmarks.bench_scale --worker CONFIG.json`` (started by the benchmark).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.report import POLL_INTERVAL_S, Report, percentile
from ringohunt_desktop.domain import StaffMember

ROOT = Path(__file__).resolve().parent.parent
PROJECT = "11111"  # the simulator's demo project: the desktops reconcile against it
STREAM = "RINGOHUNT_CALLS"
WEBHOOK_SECRET = "scale-bench-webhook-secret-7f3a9c"  # noqa: S105 - loopback only
BCRYPT_COST = 4
CALL_PREFIX = "scale-"
STAFF_ID_BASE = 20_000
DESKTOP_EVENTS = ("call_forwarding", "call_answered", "call_end")
START_TIMEOUT_S = 60.0
LATENCY_WINDOW_S = 10.0
POLL_REQUESTS_PER_CYCLE = 2  # core/polling.py: calls/list + sipstatus/speaking per cycle
SCALE_KEYS = ("scale.events_lost", "scale.events_shown_twice", "scale.latency_p50_ms",
              "scale.latency_p95_ms", "scale.latency_p99_ms", "scale.latency_from_send_p95_ms",
              "scale.ringostat_requests_per_min", "scale.ringostat_requests_per_desktop_min",
              "scale.poll_mode_requests_per_min", "scale.memory_per_desktop_mb",
              "scale.memory_per_desktop_marginal_mb", "scale.relay_cpu_s_per_1000_webhooks",
              "scale.webhooks_sent", "scale.caught_up_after_offline")


@dataclass(frozen=True, slots=True)
class Burst:
    at_s: float
    seconds: float
    calls_per_s: float


@dataclass(frozen=True, slots=True)
class ScaleSizes:
    desktops: int
    workers: int
    traffic_s: float
    base_calls_per_s: float
    bursts: tuple[Burst, ...]
    node_stop_at_s: float
    node_start_at_s: float
    relay_restart_at_s: float
    offline_desktops: int
    offline_at_s: float
    offline_s: float
    drain_s: float  # after the last webhook: how long to wait for stragglers (ack_wait is 30 s)
    connect_spread_s: float  # desktops start over this long (a shift does not log in at once)
    call_length_scale: float = 1.0  # quick mode shortens calls to fit its 15 s

    @classmethod
    def for_mode(cls, quick: bool) -> ScaleSizes:
        if quick:
            return cls(desktops=20, workers=1, traffic_s=15.0, base_calls_per_s=3.0,
                       bursts=(Burst(3.0, 1.0, 10.0),), node_stop_at_s=4.0,
                       node_start_at_s=9.0, relay_restart_at_s=6.0, offline_desktops=5,
                       offline_at_s=8.0, offline_s=4.0, drain_s=20.0, connect_spread_s=1.0,
                       call_length_scale=0.3)
        return cls(desktops=500, workers=4, traffic_s=240.0, base_calls_per_s=3.0,
                   bursts=(Burst(40.0, 5.0, 50.0), Burst(185.0, 4.0, 50.0)),
                   node_stop_at_s=60.0, node_start_at_s=100.0, relay_restart_at_s=125.0,
                   offline_desktops=50, offline_at_s=170.0, offline_s=30.0, drain_s=75.0,
                   connect_spread_s=15.0)


# -- the staff list ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class AgentSpec:
    staff_id: int
    name: str
    email: str
    sip_login: str
    extension: str
    department: str


def call_centre_staff(count: int) -> list[AgentSpec]:
    departments = ("Sales", "Support", "Retention", "Billing")
    return [AgentSpec(STAFF_ID_BASE + n, f"Agent {n:03d}", f"agent{n:03d}@callcentre.example",
                      f"cc_agent{n:03d}", str(1000 + n), departments[n % len(departments)])
            for n in range(count)]


def staff_members(agents: Sequence[AgentSpec]) -> list[StaffMember]:
    return [StaffMember(a.staff_id, a.name, a.email, a.extension, (a.sip_login,),
                        departments=(a.department,)) for a in agents]


# -- processes -------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nats_server_binary() -> str | None:
    return shutil.which("nats-server") or next(
        (p for p in ("/usr/sbin/nats-server", "/usr/bin/nats-server") if os.path.exists(p)),
        None)


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of a live process, from /proc (None where there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> tuple[float, float] | None:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return None
    ticks = [int(value) for value in first[1:]]
    idle = ticks[3] + ticks[4]  # idle + iowait
    per_second = os.sysconf("SC_CLK_TCK")
    return (sum(ticks) - idle) / per_second, sum(ticks) / per_second


def rss_mb(pid: int | None = None) -> float | None:
    try:
        status = Path(f"/proc/{pid or 'self'}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return None


def stop_process(process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """SIGTERM by PID, SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)


async def wait_http_ok(url: str, process: subprocess.Popen[bytes], what: str,
                       within: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + within
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode}")
        with contextlib.suppress(OSError, urllib.error.URLError):
            status = await asyncio.to_thread(_http_status, url)
            if status == 200:
                return
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} not healthy within {within:.0f} s")
        await asyncio.sleep(0.1)


def _http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - loopback URL
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@dataclass
class BrokerNode:
    """One nats-server of the cluster; :meth:`stop` and :meth:`start` keep ports and store."""

    name: str
    directory: Path
    cluster_ports: tuple[int, ...]
    cluster_port: int
    auth_include: Path
    port: int = field(default_factory=free_port)
    monitor_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self, binary: str) -> None:
        config = self.directory / f"{self.name}.conf"
        routes = ", ".join(f"nats-route://127.0.0.1:{p}" for p in self.cluster_ports)
        config.write_text("\n".join([
            f"server_name: {self.name}", f"listen: 127.0.0.1:{self.port}",
            f"http: 127.0.0.1:{self.monitor_port}",
            f'jetstream {{ store_dir: "{self.directory / ("store-" + self.name)}" }}',
            f"cluster {{ name: rh, listen: 127.0.0.1:{self.cluster_port}, routes: [{routes}] }}",
            f'include "{os.path.relpath(self.auth_include, self.directory)}"', ""]))
        with (self.directory / f"{self.name}.log").open("ab") as log:
            self.process = subprocess.Popen([binary, "-c", str(config)], stdout=log,
                                            stderr=subprocess.STDOUT)

    async def wait_healthy(self) -> None:
        assert self.process is not None
        await wait_http_ok(f"http://127.0.0.1:{self.monitor_port}/healthz", self.process,
                           f"nats-server {self.name}")

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None


@dataclass
class RelayProcess:
    """``ringohunt-relay serve`` as IT runs it; CPU is summed over its restarts."""

    index: int
    directory: Path
    nats_urls: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    cpu_before: float = 0.0  # CPU of earlier processes (before a restart), traffic window only
    cpu_mark: float = 0.0  # this process's CPU when its window began

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/ringostat"

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RINGOHUNT_")}
        env["RINGOHUNT_RELAY_SECRET"] = WEBHOOK_SECRET
        with (self.directory / f"relay{self.index}.log").open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "ringohunt_desktop.relay", "serve", "--project",
                 PROJECT, "--listen", f"127.0.0.1:{self.port}", "--nats", self.nats_urls,
                 "--replicas", "3", "--directory", str(self.directory / "directory.json"),
                 "--credentials", str(self.directory / "credentials.json"),
                 "--stream", STREAM], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)

    async def wait_healthy(self) -> None:
        assert self.process is not None
        await wait_http_ok(f"http://127.0.0.1:{self.port}/healthz", self.process,
                           f"relay {self.index}", within=180.0)

    def mark_cpu(self) -> None:
        if self.process is not None:
            self.cpu_mark = cpu_seconds(self.process.pid) or 0.0

    def window_cpu(self) -> float:
        now = cpu_seconds(self.process.pid) if self.process is not None else None
        return self.cpu_before + ((now or self.cpu_mark) - self.cpu_mark)

    def stop(self) -> None:
        if self.process is not None:
            self.cpu_before = self.window_cpu()  # read before the process is gone
            stop_process(self.process)
            self.process = None


@contextlib.contextmanager
def ringostat_simulator(directory: Path) -> Iterator[str]:
    """The simulator in its own process: the Ringostat the desktops reconcile against."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGOHUNT_")}
    with (directory / "sim.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "ringohunt_desktop", "sim", "--port", str(port),
             "--contacts", "50"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        asyncio.run(wait_http_ok(url + "/_sim/faults", process, "the simulator"))
        yield url
    finally:
        stop_process(process)


def simulator_requests(sim_url: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(sim_url + "/_sim/requests?service=ringostat",  # noqa: S310
                                timeout=10) as answer:
        items: list[dict[str, Any]] = json.loads(answer.read())
    return items


# -- the desktops (worker processes) ----------------------------------------------------------

@dataclass
class WorkerConfig:
    servers: list[str]
    sim_url: str
    agents: list[dict[str, Any]]  # AgentSpec fields + user, password
    progress_path: str
    results_path: str
    connect_spread_s: float
    seed: int


def _worker_main(config_path: Path) -> None:
    config = WorkerConfig(**json.loads(config_path.read_text()))
    asyncio.run(_run_worker(config))


async def _run_worker(config: WorkerConfig) -> None:
    # Imported here: the orchestrator does not need the desktop's modules, the worker does.
    from benchmarks.scale_desktop import HeadlessDesktop, commands_from_stdin

    baseline_rss = rss_mb()
    rng = random.Random(config.seed)
    desktops = [HeadlessDesktop.create(entry, config.servers, config.sim_url, PROJECT, STREAM,
                                       random.Random(rng.random()))
                for entry in config.agents]
    by_staff = {desktop.staff_id: desktop for desktop in desktops}
    pause = config.connect_spread_s / max(1, len(desktops))
    for desktop in desktops:
        desktop.start()
        await asyncio.sleep(pause)
    connected_rss: float | None = None
    peak_rss = 0.0
    offline: set[asyncio.Task[None]] = set()
    commands = commands_from_stdin()
    progress = Path(config.progress_path)
    while True:
        connected = sum(1 for d in desktops if d.connected_once.is_set())
        rss = rss_mb() or 0.0
        peak_rss = max(peak_rss, rss)
        if connected == len(desktops) and connected_rss is None:
            connected_rss = rss
        await asyncio.to_thread(write_json, progress, {
            "connected": connected, "received": sum(d.received_ours for d in desktops)})
        try:
            command = await asyncio.wait_for(commands.get(), 1.0)
        except TimeoutError:
            continue
        if command[0] == "offline":
            seconds = float(command[1])
            for staff_id in map(int, command[2].split(",")):
                task = asyncio.ensure_future(by_staff[staff_id].go_offline(seconds))
                offline.add(task)
                task.add_done_callback(offline.discard)
        elif command[0] == "stop":
            break
    for desktop in desktops:
        await desktop.stop()
    await asyncio.to_thread(write_json, Path(config.results_path), {
        "baseline_rss_mb": baseline_rss, "connected_rss_mb": connected_rss,
        "peak_rss_mb": peak_rss, "desktops": [d.results() for d in desktops]})


# -- the webhook generator ---------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PlannedCall:
    call_id: str
    agent: AgentSpec
    ring_at: float  # seconds after the traffic starts
    answered: bool
    answer_after: float
    talk_s: float
    caller: str


@dataclass(frozen=True, slots=True)
class PlannedWebhook:
    due: float
    call: PlannedCall
    event: str
    copy: int  # 0 the first delivery, 1 Ringostat's second


def plan_calls(sizes: ScaleSizes, agents: Sequence[AgentSpec], rng: random.Random
               ) -> list[PlannedCall]:
    """Poisson arrivals at the day's rate, plus the bursts at theirs."""
    calls: list[PlannedCall] = []

    def arrivals(start: float, end: float, rate: float) -> Iterator[float]:
        moment = start + rng.expovariate(rate)
        while moment < end:
            yield moment
            moment += rng.expovariate(rate)

    # Calls must be over before the traffic window ends (ring + talk ≤ 14 s).
    stretch = sizes.call_length_scale
    last_ring = max(1.0, sizes.traffic_s - 14.0 * stretch)
    moments = list(arrivals(0.0, last_ring, sizes.base_calls_per_s))
    for burst in sizes.bursts:
        moments += arrivals(burst.at_s, min(burst.at_s + burst.seconds, last_ring),
                            burst.calls_per_s)
    for number, moment in enumerate(sorted(moments)):
        answered = rng.random() < 0.75
        calls.append(PlannedCall(
            call_id=f"{CALL_PREFIX}{number:06d}", agent=rng.choice(agents), ring_at=moment,
            answered=answered,
            answer_after=stretch * (rng.uniform(1.0, 4.0) if answered else rng.uniform(5.0, 10.0)),
            talk_s=stretch * rng.uniform(2.0, 10.0),
            caller=f"38067{rng.randrange(10**7):07d}"))
    return calls


def plan_webhooks(calls: Sequence[PlannedCall], rng: random.Random,
                  duplicate_rate: float = 0.2) -> list[PlannedWebhook]:
    planned: list[PlannedWebhook] = []
    for call in calls:
        moments = [(call.ring_at, "call_start"), (call.ring_at + 0.01, "call_forwarding")]
        if call.answered:
            moments.append((call.ring_at + call.answer_after, "call_answered"))
            moments.append((call.ring_at + call.answer_after + call.talk_s, "call_end"))
        else:
            moments.append((call.ring_at + call.answer_after, "call_end"))
        for due, event in moments:
            planned.append(PlannedWebhook(due, call, event, 0))
            if rng.random() < duplicate_rate:
                planned.append(PlannedWebhook(due + rng.uniform(0.05, 2.0), call, event, 1))
    planned.sort(key=lambda item: item.due)
    return planned


def webhook_fields(item: PlannedWebhook, aliases: bool) -> dict[str, Any]:
    """The §4.2 keys of one event; ``aliases`` sends the other names a cabinet may use."""
    call, agent = item.call, item.call.agent
    fields: dict[str, Any] = {"call_id": call.call_id, "caller": call.caller,
                              "dst": "0443334455", "call_type": "in",
                              "utm_source": "google", "utm_medium": "cpc",
                              "utm_campaign": "scale"}
    if item.event != "call_start":
        fields.update(employee_email=agent.email, sip_login=agent.sip_login,
                      employee_fio=agent.name)
    if item.event == "call_forwarding":
        fields["step"] = "1"
    if item.event == "call_end":
        billsec = round(call.talk_s) if call.answered else 0
        fields.update(disposition="ANSWERED" if call.answered else "NO ANSWER",
                      billsec=billsec, duration=billsec + round(call.answer_after))
        if call.answered:
            fields["recording"] = f"https://records.example/{call.call_id}.mp3"
    if aliases:
        renamed = {"call_id": "uniqueid", "caller": "caller_id", "dst": "callee",
                   "disposition": "status", "billsec": "dialog", "duration": "call_duration",
                   "employee_fio": "employee"}
        fields = {renamed.get(key, key): value for key, value in fields.items()}
    return fields


@dataclass
class GeneratorLog:
    sent: int = 0  # HTTP requests answered by a relay (any status), what relay CPU is per
    statuses: Counter[str] = field(default_factory=Counter)
    first_send: dict[str, float] = field(default_factory=dict)  # "call:event" → wall time
    accepted: set[str] = field(default_factory=set)  # answered 200 at least once
    given_up: int = 0
    formats: Counter[str] = field(default_factory=Counter)


class WebhookGenerator:
    """Sends the planned webhooks at their moments, round-robin over the relays; a failed
    delivery is retried through the next relay (Ringostat retries 3 times)."""

    RETRIES = 3
    RETRY_DELAY_S = 1.0

    def __init__(self, relays: Sequence[RelayProcess], rng: random.Random) -> None:
        self.relays = relays
        self.rng = rng
        self.log = GeneratorLog()
        self._next_relay = 0

    async def run(self, planned: Sequence[PlannedWebhook], started: float) -> None:
        import aiohttp

        connector = aiohttp.TCPConnector(limit=300)
        timeout = aiohttp.ClientTimeout(total=30)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            sending: set[asyncio.Task[None]] = set()
            for item in planned:
                delay = started + item.due - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                task = asyncio.ensure_future(self._deliver(session, item))
                sending.add(task)
                task.add_done_callback(sending.discard)
            while sending:
                await asyncio.gather(*list(sending))

    async def _deliver(self, session: Any, item: PlannedWebhook) -> None:
        import aiohttp

        key = f"{item.call.call_id}:{item.event}"
        style = self.rng.choices(("get", "form", "json", "json_nested"), (3, 2, 4, 1))[0]
        aliases = self.rng.random() < 0.25
        fields = webhook_fields(item, aliases)
        self.log.formats[style + ("+aliases" if aliases else "")] += 1
        for _attempt in range(1 + self.RETRIES):
            relay = self.relays[self._next_relay % len(self.relays)]
            self._next_relay += 1
            query = {"event": item.event, "secret": WEBHOOK_SECRET}
            self.log.first_send.setdefault(key, time.time())
            try:
                if style == "get":
                    request = session.get(relay.url + "?" + urlencode({**query, **fields}))
                elif style == "form":
                    request = session.post(relay.url + "?" + urlencode(query), data={
                        name: str(value) for name, value in fields.items()})
                else:
                    body = dict(fields)
                    if style == "json_nested":  # Webhooks 2.0 nests who took the call
                        nested = {name: body.pop(name) for name in
                                  ("employee_email", "sip_login") if name in body}
                        body["additional_call_data"] = nested
                    request = session.post(relay.url + "?" + urlencode(query), json=body)
                async with request as answer:
                    await answer.read()
                    status = answer.status
                self.log.sent += 1
                self.log.statuses[str(status)] += 1
            except (aiohttp.ClientError, TimeoutError, OSError) as error:
                self.log.statuses[type(error).__name__] += 1
                status = 0
            if status == 200:
                self.log.accepted.add(key)
                return
            await asyncio.sleep(self.RETRY_DELAY_S * self.rng.uniform(0.8, 1.2))
        self.log.given_up += 1


# -- the run ---------------------------------------------------------------------------------------

@dataclass
class ScaleRun:
    """What one run measured, before it becomes figures."""

    sizes: ScaleSizes
    desktops: list[dict[str, Any]]
    workers: list[dict[str, Any]]
    generator: GeneratorLog
    calls: list[PlannedCall]
    relay_cpu_s: float
    nats_cpu_s: float
    ringostat_requests: int
    window_s: float
    started_wall: float  # when the first webhook was due (time.time())
    timeline: dict[str, float]
    chaos: dict[str, Any]


def provision_call_centre(directory: Path, agents: Sequence[AgentSpec], servers: Sequence[str]
                          ) -> dict[str, Any]:
    from ringohunt_desktop.relay.provision import provision

    provision(PROJECT, staff_members(agents), directory, stream=STREAM, servers=servers,
              cost=BCRYPT_COST)
    credentials: dict[str, Any] = json.loads((directory / "credentials.json").read_text())
    return credentials


async def prepare_stream_and_consumers(servers: Sequence[str], admin: dict[str, str],
                                       staff_ids: Sequence[int]) -> None:
    """The stream and every agent's consumer, with the relay's own functions and specs.

    A new 3-replica consumer takes ~0.4 s on this machine (its own Raft group); the relay
    creates them 16 at a time (relay/broker.ensure_agent_consumers) before it reports
    healthy. Doing it here first lets both relays start at once and keeps the run in its
    budget; their own start then only checks them (~4 ms each)."""
    import nats

    from ringohunt_desktop.relay.broker import (
        StreamSpec,
        ensure_agent_consumers,
        ensure_stream,
    )
    from ringohunt_desktop.relay.directory import AgentEntry

    client = await nats.connect(list(servers), user=admin["user"], password=admin["password"],
                                connect_timeout=2)
    try:
        js = client.jetstream(timeout=30)
        await ensure_stream(js, StreamSpec(name=STREAM, replicas=3))
        await ensure_agent_consumers(js, STREAM, PROJECT,
                                     [AgentEntry(staff_id=staff_id) for staff_id in staff_ids])
    finally:
        await client.close()


async def stream_leader(servers: Sequence[str], admin: dict[str, str]) -> str:
    import nats

    client = await nats.connect(list(servers), user=admin["user"], password=admin["password"],
                                connect_timeout=2)
    try:
        info = await client.jetstream(timeout=5).stream_info(STREAM)
        return str(info.cluster.leader if info.cluster else "")
    finally:
        await client.close()


async def run_scale(sizes: ScaleSizes, directory: Path, binary: str, sim_url: str,
                    progress: Callable[[str], None]) -> ScaleRun:
    rng = random.Random(20261207)
    agents = call_centre_staff(sizes.desktops)
    cluster_ports = tuple(free_port() for _ in range(3))
    nodes = [BrokerNode(f"n{i + 1}", directory, cluster_ports, cluster_ports[i],
                        directory / "auth.conf") for i in range(3)]
    servers = [node.url for node in nodes]
    credentials = provision_call_centre(directory, agents, servers)
    relays = [RelayProcess(i + 1, directory, ",".join(servers)) for i in range(2)]
    workers: list[subprocess.Popen[bytes]] = []
    timeline: dict[str, float] = {}
    chaos: dict[str, Any] = {}
    try:
        for node in nodes:
            node.start(binary)
        for node in nodes:
            await node.wait_healthy()
        consumers_started = time.monotonic()
        await prepare_stream_and_consumers(servers, credentials["admin"],
                                           [a.staff_id for a in agents])
        timeline["consumers_created_s"] = round(time.monotonic() - consumers_started, 1)
        progress(f"cluster up, {len(agents)} consumers created in "
                 f"{timeline['consumers_created_s']} s; starting relays")
        relay_started = time.monotonic()
        relays[0].start()
        await relays[0].wait_healthy()
        relays[1].start()
        await relays[1].wait_healthy()
        timeline["relays_ready_s"] = round(time.monotonic() - relay_started, 1)
        progress(f"relays ready in {timeline['relays_ready_s']} s; starting desktops")
        entries = {entry["staff_id"]: entry for entry in credentials["agents"]}
        worker_configs: list[WorkerConfig] = []
        for index in range(sizes.workers):
            mine = agents[index::sizes.workers]
            worker_configs.append(WorkerConfig(
                servers=servers, sim_url=sim_url,
                agents=[{**asdict(a), "user": entries[a.staff_id]["user"],
                         "password": entries[a.staff_id]["password"]} for a in mine],
                progress_path=str(directory / f"worker{index}.progress.json"),
                results_path=str(directory / f"worker{index}.results.json"),
                connect_spread_s=sizes.connect_spread_s, seed=index))
        workers += [start_worker(directory, index, config)
                    for index, config in enumerate(worker_configs)]
        desktops_started = time.monotonic()
        while _progress_sum(worker_configs, "connected") < sizes.desktops:
            _check_alive(workers)
            if time.monotonic() - desktops_started > 120 + sizes.connect_spread_s:
                raise RuntimeError("the desktops did not all connect within two minutes")
            await asyncio.sleep(0.5)
        timeline["desktops_connected_s"] = round(time.monotonic() - desktops_started, 1)
        progress(f"{sizes.desktops} desktops connected in {timeline['desktops_connected_s']} s;"
                 " webhooks start")

        calls = plan_calls(sizes, agents, rng)
        planned = plan_webhooks(calls, rng)
        generator = WebhookGenerator(relays, random.Random(rng.random()))
        for relay in relays:
            relay.mark_cpu()
        nats_cpu_mark = sum(cpu_seconds(n.process.pid) or 0.0 for n in nodes if n.process)
        workers_cpu_mark = sum(cpu_seconds(w.pid) or 0.0 for w in workers)
        own_cpu_mark = time.process_time()
        machine_mark = machine_cpu_seconds()
        requests_before = len(await asyncio.to_thread(simulator_requests, sim_url))
        window_started_wall = time.time()
        started = time.monotonic()
        sending = asyncio.ensure_future(generator.run(planned, started))
        offline_ids = [a.staff_id for a in rng.sample(agents, sizes.offline_desktops)]

        async def at(moment: float) -> None:
            await asyncio.sleep(max(0.0, started + moment - time.monotonic()))

        def now_s() -> float:
            return round(time.monotonic() - started, 1)

        async def node_outage() -> None:
            await at(sizes.node_stop_at_s)
            leader = await stream_leader(servers, credentials["admin"])
            victim = next((n for n in nodes if n.name == leader), nodes[1])
            chaos["stopped_node"] = victim.name
            chaos["stopped_node_was_stream_leader"] = victim.name == leader
            # Its CPU so far, read while the process exists; the new one starts from 0.
            chaos["stopped_node_cpu_s"] = (cpu_seconds(victim.process.pid) or 0.0
                                           if victim.process else 0.0)
            chaos["node_stopped_at_s"] = now_s()
            await asyncio.to_thread(victim.stop)
            progress(f"stopped broker node {victim.name} (stream leader: {leader})")
            await at(sizes.node_start_at_s)
            victim.start(binary)
            await victim.wait_healthy()
            chaos["node_back_at_s"] = now_s()
            progress(f"broker node {victim.name} back")

        async def relay_restart() -> None:
            await at(sizes.relay_restart_at_s)
            relay = relays[1]
            stopped = time.monotonic()
            chaos["relay_down_at_s"] = now_s()
            await asyncio.to_thread(relay.stop)
            relay.start()
            await relay.wait_healthy()
            relay.mark_cpu()
            chaos["relay_restart_s"] = round(time.monotonic() - stopped, 1)
            chaos["relay_back_at_s"] = now_s()
            progress(f"relay 2 restarted in {chaos['relay_restart_s']} s")

        async def desktops_offline() -> None:
            await at(sizes.offline_at_s)
            wanted = set(offline_ids)
            for process, config in zip(workers, worker_configs, strict=True):
                ids = [str(a["staff_id"]) for a in config.agents if a["staff_id"] in wanted]
                if ids:
                    _send(process, f"offline {sizes.offline_s} {','.join(ids)}")
            chaos["offline_at_s"] = now_s()
            progress(f"{len(offline_ids)} desktops offline for {sizes.offline_s:g} s")

        await asyncio.gather(sending, node_outage(), relay_restart(), desktops_offline())
        timeline["traffic_s"] = round(time.monotonic() - started, 1)
        expected = expected_events(calls, generator.log.accepted)
        progress(f"webhooks done ({generator.log.sent} requests); waiting for stragglers")
        drain_started = time.monotonic()
        while time.monotonic() - drain_started < sizes.drain_s:
            _check_alive(workers)
            if _progress_sum(worker_configs, "received") >= len(expected):
                break
            await asyncio.sleep(0.5)
        timeline["drain_s"] = round(time.monotonic() - drain_started, 1)
        window_s = time.time() - window_started_wall
        relay_cpu = sum(relay.window_cpu() for relay in relays)
        nats_cpu = (sum(cpu_seconds(n.process.pid) or 0.0 for n in nodes if n.process)
                    + float(chaos.get("stopped_node_cpu_s", 0.0)) - nats_cpu_mark)
        ringostat_requests = (len(await asyncio.to_thread(simulator_requests, sim_url))
                              - requests_before)
        machine_now = machine_cpu_seconds()
        cpu = {"nats_s": nats_cpu, "relays_s": relay_cpu,
               "desktop_workers_s": sum(cpu_seconds(w.pid) or 0.0 for w in workers)
               - workers_cpu_mark,
               "generator_and_orchestrator_s": time.process_time() - own_cpu_mark}
        if machine_now is not None and machine_mark is not None:
            # Everything the machine's CPUs did in the window, other people's work included.
            cpu["machine_busy_s"] = machine_now[0] - machine_mark[0]
            cpu["machine_capacity_s"] = machine_now[1] - machine_mark[1]
        chaos["cpu"] = {key: round(value, 1) for key, value in cpu.items()}
        for process in workers:
            _send(process, "stop")
        results = []
        for process, config in zip(workers, worker_configs, strict=True):
            await asyncio.to_thread(process.wait, 60)
            results.append(await asyncio.to_thread(read_json, Path(config.results_path)))
        return ScaleRun(sizes, [d for r in results for d in r["desktops"]],
                        [{k: v for k, v in r.items() if k != "desktops"} for r in results],
                        generator.log, calls, relay_cpu, nats_cpu, ringostat_requests, window_s,
                        window_started_wall, timeline, chaos)
    finally:
        for process in workers:
            with contextlib.suppress(OSError):
                stop_process(process, timeout=10)
        for relay in relays:
            relay.stop()
        for node in nodes:
            node.stop()


def write_json(path: Path, document: Any) -> None:
    path.write_text(json.dumps(document))


def read_json(path: Path) -> Any:
    return json.loads(path.read_text())


def start_worker(directory: Path, index: int, config: WorkerConfig) -> subprocess.Popen[bytes]:
    path = directory / f"worker{index}.json"
    write_json(path, asdict(config))
    with (directory / f"worker{index}.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "benchmarks.bench_scale", "--worker", str(path)],
            stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)


def _send(process: subprocess.Popen[bytes], line: str) -> None:
    assert process.stdin is not None
    with contextlib.suppress(BrokenPipeError):
        process.stdin.write(line.encode() + b"\n")
        process.stdin.flush()


def _progress_sum(configs: Sequence[WorkerConfig], key: str) -> int:
    total = 0
    for config in configs:
        with contextlib.suppress(OSError, ValueError):
            total += int(json.loads(Path(config.progress_path).read_text())[key])
    return total


def _check_alive(workers: Sequence[subprocess.Popen[bytes]]) -> None:
    for index, process in enumerate(workers):
        if process.poll() is not None:
            raise RuntimeError(f"desktop worker {index} exited with {process.returncode}")


def expected_events(calls: Sequence[PlannedCall], accepted: set[str]) -> dict[str, int]:
    """"call:event" → staff id, for each event a desktop must receive: routed to its agent
    and answered 200 by a relay (so stored in JetStream)."""
    expected: dict[str, int] = {}
    for call in calls:
        for event in DESKTOP_EVENTS:
            key = f"{call.call_id}:{event}"
            if key in accepted:
                expected[key] = call.agent.staff_id
    return expected


# -- figures ---------------------------------------------------------------------------------------

def record_scale(report: Report, run: ScaleRun, quick: bool) -> None:
    sizes = run.sizes
    log = run.generator
    expected = expected_events(run.calls, log.accepted)
    received: dict[int, dict[str, dict[str, Any]]] = {
        d["staff_id"]: d["received"] for d in run.desktops}
    lost = [key for key, staff_id in expected.items()
            if key not in received.get(staff_id, {})]
    shown_twice = sum(d["shown_twice"] for d in run.desktops)
    latencies_ms: list[float] = []
    to_stored_ms: list[float] = []  # relay receipt → stored in JetStream (3 replicas)
    stored_to_desktop_ms: list[float] = []  # stored → announced by the desktop's tracker
    from_send_ms: list[float] = []
    by_window: dict[int, list[float]] = {}  # 10 s of the run (by relay receipt) → latencies
    caught_up = 0
    for desktop in run.desktops:
        for key, arrival in desktop["received"].items():
            if not key.startswith(CALL_PREFIX):
                continue
            if arrival["while_away"]:
                caught_up += 1
                continue
            latency_ms = (arrival["at"] - arrival["received_at"]) * 1000
            latencies_ms.append(latency_ms)
            to_stored_ms.append((arrival["stored_at"] - arrival["received_at"]) * 1000)
            stored_to_desktop_ms.append((arrival["at"] - arrival["stored_at"]) * 1000)
            window = int((arrival["received_at"] - run.started_wall) // LATENCY_WINDOW_S)
            by_window.setdefault(window, []).append(latency_ms)
            if key in log.first_send:
                from_send_ms.append((arrival["at"] - log.first_send[key]) * 1000)
    scale = "" if not quick else " (quick: 20 desktops, 15 s; not the figures to quote)"
    who = f"{sizes.desktops} desktops, {len(run.calls)} calls{scale}"
    report.set("scale.events_lost", len(lost),
               f"{len(expected)} events accepted by a relay for a desktop; {who}")
    report.set("scale.events_shown_twice", shown_twice,
               "a phase announced twice by a desktop's tracker for one call")
    note = (f"relay receipt (payload received_at) → tracker, n={len(latencies_ms)}; "
            f"{caught_up} caught up after the offline window left out")
    report.set("scale.latency_p50_ms", percentile(latencies_ms, 0.5), note)
    report.set("scale.latency_p95_ms", percentile(latencies_ms, 0.95), note)
    report.set("scale.latency_p99_ms", percentile(latencies_ms, 0.99), note)
    report.set("scale.latency_from_send_p95_ms", percentile(from_send_ms, 0.95),
               "generator's first send → tracker (includes Ringostat-style retries)")
    minutes = run.window_s / 60
    per_min = run.ringostat_requests / minutes if minutes > 0 else float("nan")
    report.set("scale.ringostat_requests_per_min", per_min,
               f"{run.ringostat_requests} calls/list in {run.window_s:.0f} s from "
               f"{sizes.desktops} desktops, counted by the simulator; steady state "
               f"≈ {sizes.desktops / 33:.0f}/min (one per 30–36 min each)")
    report.set("scale.ringostat_requests_per_desktop_min", per_min / sizes.desktops,
               "includes the first reconciliation, spread over 1–10 min after start")
    poll_per_min = sizes.desktops * POLL_REQUESTS_PER_CYCLE * 60 / POLL_INTERVAL_S
    report.set("scale.poll_mode_requests_per_min", poll_per_min,
               f"computed: {sizes.desktops} × {POLL_REQUESTS_PER_CYCLE} requests per "
               f"{POLL_INTERVAL_S:g} s cycle (core/polling.py), contact sync not counted")
    connected = [w["connected_rss_mb"] or w["peak_rss_mb"] for w in run.workers]
    baseline = [w["baseline_rss_mb"] or 0.0 for w in run.workers]
    report.set("scale.memory_per_desktop_mb", sum(connected) / sizes.desktops,
               f"RSS of {len(run.workers)} worker processes, all connected ÷ desktops")
    report.set("scale.memory_per_desktop_marginal_mb",
               (sum(connected) - sum(baseline)) / sizes.desktops,
               "the same less each worker's RSS before its first desktop")
    report.set("scale.relay_cpu_s_per_1000_webhooks",
               run.relay_cpu_s / log.sent * 1000 if log.sent else None,
               f"{run.relay_cpu_s:.1f} CPU s of 2 relays (utime+stime) for {log.sent} requests")
    report.set("scale.webhooks_sent", log.sent,
               f"HTTP requests answered by the relays, duplicates and retries included; "
               f"{log.given_up} given up after 4 attempts")
    report.set("scale.caught_up_after_offline", caught_up,
               f"events stored while {sizes.offline_desktops} desktops were offline "
               f"{sizes.offline_s:g} s, received after they returned")
    redelivered = sum(d["redelivered"] for d in run.desktops)
    report.details["scale"] = {
        "sizes": asdict(sizes),
        "calls": len(run.calls),
        "answered_calls": sum(1 for c in run.calls if c.answered),
        "webhook_statuses": dict(log.statuses),
        "webhook_formats": dict(log.formats),
        "webhooks_given_up": log.given_up,
        "events_expected": len(expected),
        "events_lost_sample": lost[:20],
        "redelivered_messages": redelivered,
        "outages_said": sum(d["outages"] for d in run.desktops),
        "latency_max_ms": max(latencies_ms, default=None),
        "latency_parts_ms": {
            part: {"p50": round(percentile(values, 0.5), 1),
                   "p95": round(percentile(values, 0.95), 1),
                   "p99": round(percentile(values, 0.99), 1),
                   "max": round(max(values, default=math.nan), 1)}
            for part, values in (("relay_receipt_to_stored", to_stored_ms),
                                 ("stored_to_desktop", stored_to_desktop_ms))},
        "latency_by_10s_window": {
            f"{window * LATENCY_WINDOW_S:.0f}-{(window + 1) * LATENCY_WINDOW_S:.0f}s": {
                "n": len(values), "p50_ms": round(percentile(values, 0.5), 1),
                "p95_ms": round(percentile(values, 0.95), 1), "max_ms": round(max(values), 1)}
            for window, values in sorted(by_window.items())},
        "latency_p95_outside_broker_outage_ms": round(percentile(
            [v for w, values in by_window.items() if not _in_outage(w, run.chaos)
             for v in values], 0.95), 1),
        "latency_from_send_p50_ms": percentile(from_send_ms, 0.5),
        "latency_from_send_p99_ms": percentile(from_send_ms, 0.99),
        "nats_cpu_s": round(run.nats_cpu_s, 1),
        "relay_cpu_s": round(run.relay_cpu_s, 1),
        "window_s": round(run.window_s, 1),
        "workers": run.workers,
        "timeline": run.timeline,
        "chaos": run.chaos,
        "bcrypt_cost": BCRYPT_COST,
    }


def _in_outage(window: int, chaos: dict[str, Any]) -> bool:
    """Whether a 10 s window overlaps the broker node's absence plus the minute after it
    (consumer leaders re-elected, desktops reconnecting after their jittered 1–10 s)."""
    stopped, back = chaos.get("node_stopped_at_s"), chaos.get("node_back_at_s")
    if stopped is None or back is None:
        return False
    start, end = window * LATENCY_WINDOW_S, (window + 1) * LATENCY_WINDOW_S
    return bool(end > stopped and start < back + 60.0)


def bench_scale(report: Report, quick: bool,
                progress: Callable[[str], None] | None = None) -> None:
    def say(text: str) -> None:
        print(f"[scale] {text}", file=sys.stderr, flush=True)

    binary = nats_server_binary()
    if binary is None:
        report.not_measured(SCALE_KEYS, "not measured: nats-server is not installed "
                                        "(Debian: apt-get install nats-server)")
        return
    sizes = ScaleSizes.for_mode(quick)
    with tempfile.TemporaryDirectory(prefix="ringohunt-bench-scale-") as tmp:
        directory = Path(tmp)
        with ringostat_simulator(directory) as sim_url:
            try:
                run = asyncio.run(run_scale(sizes, directory, binary, sim_url, progress or say))
            except BaseException:
                _print_logs(directory)
                raise
    record_scale(report, run, quick)


def _print_logs(directory: Path) -> None:
    for log in sorted(directory.glob("*.log")):
        tail = log.read_text(errors="replace").splitlines()[-15:]
        print(f"--- {log.name}\n" + "\n".join(tail), file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_scale")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker is not None:
        _worker_main(args.worker)
        return
    report = Report("quick" if args.quick else "full")
    bench_scale(report, args.quick)
    print(report.table())
    figures = {key: figure.value for key, figure in report.figures.items()
               if key.startswith("scale.")}
    print(json.dumps({"figures": figures, "details": report.details}, indent=2,
                     ensure_ascii=False))


if __name__ == "__main__":
    main()


__all__ = ["SCALE_KEYS", "ScaleSizes", "bench_scale", "call_centre_staff"]
