"""Ring to panel on the real app in subscription mode: ``/_sim/ring`` → the simulator's
Ringostat webhook → ``ringohunt-relay`` → nats-server (JetStream) → the app's durable
consumer → the Insider panel's number painted. Measured the way ``bench_pop`` measures the
poll-mode figure (the same paint probe), so the two stand side by side.

Each part runs as production runs it: nats-server with the provisioned users (auth.conf), the
relay as its own process with provisioning's credentials and directory, the simulator as its
own process, the app in this process on qasync, offscreen. The simulator's late deliveries
are switched off: they are Ringostat's delay, not ours, and would measure the cabinet.

``python -m benchmarks.bench_subscribed_pop [--quick]``
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from PySide6.QtWidgets import QApplication

from benchmarks.bench_pop import (
    PaintProbe,
    app_environment,
    child_process,
    clean_environment,
    free_port,
    run_on_qasync,
    simulator_process,
    until,
)
from benchmarks.report import Report, percentile
from ringohunt_desktop.config import load_config
from ringohunt_desktop.domain import StaffMember
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.relay.provision import provision
from ringohunt_desktop.services.watcher import WatchStatus
from ringohunt_desktop.shell.app import RingoHuntApp
from ringohunt_desktop.simulator import DEMO_RINGOSTAT_PROJECT_ID
from ringohunt_desktop.simulator.people import AGENTS

SIM_CONTACTS = 300
SECRET = "bench-webhook-secret-0123456789"  # noqa: S105 - a loopback benchmark's own
START_TIMEOUT_S = 30.0
SEED = 20261207


@dataclass(frozen=True, slots=True)
class ChainSizes:
    warmup: int
    calls: int

    @classmethod
    def for_mode(cls, quick: bool) -> ChainSizes:
        return cls(1, 5) if quick else cls(3, 40)


@dataclass(slots=True)
class ChainResults:
    ring_to_number_ms: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CallChain:
    sim_url: str
    broker_url: str
    agent_password: str


def nats_server_binary() -> str | None:
    return shutil.which("nats-server") or next(
        (p for p in ("/usr/sbin/nats-server", "/usr/bin/nats-server") if os.path.exists(p)),
        None)


def _wait_http(url: str, process: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=1).status_code == 200:
                return
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start (its log is in {log.parent})")
        time.sleep(0.05)


@contextlib.contextmanager
def call_chain(workdir: Path) -> Iterator[CallChain]:
    """Provisioned nats-server, the relay, and the simulator sending webhooks to it."""
    binary = nats_server_binary()
    if binary is None:
        raise RuntimeError("nats-server is not installed (Debian: apt-get install nats-server)")
    project = DEMO_RINGOSTAT_PROJECT_ID
    staff = [StaffMember(a.staff_id, a.name, a.email, a.extension, (a.sip_login,),
                         departments=(a.department,)) for a in AGENTS]
    provisioned = workdir / "provisioned"
    provision(project, staff, provisioned, cost=4)
    credentials = json.loads((provisioned / "credentials.json").read_text())
    broker_port, monitor_port, relay_port = free_port(), free_port(), free_port()
    config = workdir / "nats.conf"
    config.write_text(f"listen: 127.0.0.1:{broker_port}\nhttp: 127.0.0.1:{monitor_port}\n"
                      f'jetstream {{ store_dir: "{workdir / "store"}" }}\n'
                      # nats-server resolves an include relative to the including file.
                      f'include "{os.path.relpath(provisioned / "auth.conf", workdir)}"\n')
    broker_url = f"nats://127.0.0.1:{broker_port}"
    with child_process([binary, "-c", str(config)], clean_environment(),
                       workdir / "nats.log") as nats:
        _wait_http(f"http://127.0.0.1:{monitor_port}/healthz", nats, "nats-server",
                   workdir / "nats.log")
        relay_env = clean_environment(RINGOHUNT_RELAY_SECRET=SECRET)
        with child_process([sys.executable, "-m", "ringohunt_desktop.relay", "serve",
                       "--project", project, "--listen", f"127.0.0.1:{relay_port}",
                       "--nats", broker_url,
                       "--credentials", str(provisioned / "credentials.json"),
                       "--directory", str(provisioned / "directory.json")],
                      relay_env, workdir / "relay.log") as relay:
            _wait_http(f"http://127.0.0.1:{relay_port}/healthz", relay, "the relay",
                       workdir / "relay.log")
            webhook_url = f"http://127.0.0.1:{relay_port}/ringostat?secret={SECRET}"
            with simulator_process(SIM_CONTACTS, extra_args=(
                    "--webhook-url", webhook_url, "--webhook-late-rate", "0")) as sim_url:
                agent = next(entry for entry in credentials["agents"]
                             if entry["email"] == "olena@demo-shop.ua")
                yield CallChain(sim_url, broker_url, str(agent["password"]))


async def measure(sizes: ChainSizes, chain: CallChain, basedir: Path) -> ChainResults:
    results = ChainResults()
    paths = AppPaths.under(basedir).ensure()
    config = load_config(paths, env=app_environment(chain.sim_url), overrides={
        "call_source": "subscription", "broker_servers": chain.broker_url,
        "broker_password": chain.agent_password})
    app = RingoHuntApp(config, paths)
    probe = PaintProbe()
    qt_app = QApplication.instance()
    assert qt_app is not None
    rng = random.Random(SEED)
    async with httpx.AsyncClient(base_url=chain.sim_url, timeout=30) as client:
        try:
            app.start()
            await until(lambda: app.services is not None
                        and app.services.watcher.status is WatchStatus.CONNECTED,
                        what="the subscription connected")
            qt_app.installEventFilter(probe)
            for index in range(sizes.warmup + sizes.calls):
                await asyncio.sleep(rng.uniform(0.2, 0.6))
                probe.clear()
                rung = time.perf_counter()
                response = await client.post("/_sim/ring", json={
                    "caller": "067 123 45 67", "ring_seconds": 3, "talk_seconds": 1})
                response.raise_for_status()
                call_id = str(response.json()["call_id"])
                panel = await until(lambda c=call_id: app.popups.panels.panel(c),  # type: ignore[misc]
                                    what="the subscribed call's panel")
                text = panel.number_label.text()
                painted = await until(
                    lambda p=panel, t=text, r=rung: probe.first(p.number_label, t, r),  # type: ignore[misc]
                    what="the subscribed call's number painted")
                if index >= sizes.warmup:
                    results.ring_to_number_ms.append((painted - rung) * 1000)
                app.popups.panels.close_panel(call_id)
        finally:
            qt_app.removeEventFilter(probe)
            await app.shutdown()
            app.tray.dispose()
    return results


def record(report: Report, results: ChainResults, sizes: ChainSizes) -> None:
    samples = results.ring_to_number_ms
    note = (f"n={len(samples)}: simulator → webhook → relay → nats-server → app, "
            "each its own process, loopback")
    report.set("subscription.ring_to_panel_p50_ms", percentile(samples, 0.5), note)
    report.set("subscription.ring_to_panel_p95_ms", percentile(samples, 0.95), note)
    report.details["subscribed_pop"] = {
        "calls": sizes.calls, "max_ms": max(samples),
        "ring_to_number_ms": [round(value, 1) for value in samples]}


def bench_subscribed_pop(report: Report, quick: bool) -> None:
    sizes = ChainSizes.for_mode(quick)
    with tempfile.TemporaryDirectory(prefix="ringohunt-bench-chain-") as tmp:
        workdir = Path(tmp)
        with call_chain(workdir) as chain:
            results = run_on_qasync(measure(sizes, chain, workdir / "app"))
    record(report, results, sizes)


def main(argv: list[str] | None = None) -> None:
    quick = "--quick" in (sys.argv[1:] if argv is None else argv)
    report = Report("quick" if quick else "full")
    bench_subscribed_pop(report, quick)
    figures = {key: figure.value for key, figure in report.figures.items()
               if key.startswith("subscription.")}
    print(json.dumps({"figures": figures, "details": report.details}, indent=2))


if __name__ == "__main__":
    main()
