"""How fast the team sees an "I'll call back" claim (issue 14; target: within 2 s).

nats-server with the provisioned users (auth.conf), the relay's broker link creating the stream,
the agents' consumers and the claims bucket, and two agents' desktops' claim boards on their
own provisioned logins (Olena and Andrii), as the app runs them. Each round Olena claims a
new client and the time until Andrii's board holds the claim is measured, then the same for
her release. ``python -m benchmarks.bench_claims [--quick]`` prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_pop import child_process, clean_environment, free_port
from benchmarks.bench_store import _percentile
from benchmarks.bench_subscribed_pop import _wait_http, nats_server_binary
from benchmarks.report import Report
from ringohunt_desktop.core.claims import ClaimBoard
from ringohunt_desktop.core.subscription import AgentLink, BrokerBinding
from ringohunt_desktop.domain import StaffMember
from ringohunt_desktop.relay.broker import BrokerLink
from ringohunt_desktop.relay.directory import StaffDirectory
from ringohunt_desktop.relay.provision import provision
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.simulator.people import AGENTS

PROJECT = "11111"
ROUNDS = {True: 10, False: 40}
WAIT_LIMIT = 30.0  # seconds one round may take before the benchmark gives up (not a target)


async def _ready(condition: Any, what: str) -> None:
    for _ in range(int(WAIT_LIMIT / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise TimeoutError(f"{what}: not ready within {WAIT_LIMIT:g} s")


async def _visible(condition: Any, changed: asyncio.Event) -> None:
    deadline = time.perf_counter() + WAIT_LIMIT
    while not condition():
        changed.clear()
        if condition():
            return
        left = deadline - time.perf_counter()
        if left <= 0:
            raise TimeoutError("the other board never saw the change")
        try:
            await asyncio.wait_for(changed.wait(), left)
        except TimeoutError:
            continue


async def _measure(broker_url: str, credentials: dict[str, Any], rounds: int
                   ) -> dict[str, list[float]]:
    staff = [StaffMember(a.staff_id, a.name, a.email, a.extension, (a.sip_login,),
                         departments=(a.department,)) for a in AGENTS]
    relay = BrokerLink([broker_url], user=credentials["relay"]["user"],
                       password=credentials["relay"]["password"], project=PROJECT,
                       agents=StaffDirectory.from_staff(PROJECT, staff).agents)
    await relay.start()
    boards: list[ClaimBoard] = []
    links: list[AgentLink] = []
    try:
        await _ready(lambda: relay.stream_ready, "the relay's stream and bucket")
        changed = asyncio.Event()
        for entry in credentials["agents"][:2]:
            link = AgentLink(BrokerBinding.for_agent(
                [broker_url], user=entry["user"], password=Secret(entry["password"]),
                project=PROJECT, staff_id=entry["staff_id"]), connect_timeout=2)
            await link.open()
            links.append(link)
            board = ClaimBoard(link, PROJECT, agent_id=entry["staff_id"],
                               agent_name=entry["name"], on_change=changed.set)
            board.start()
            boards.append(board)
        mine, theirs = boards
        await _ready(lambda: mine.available and theirs.available, "both boards")
        samples: dict[str, list[float]] = {"claim": [], "release": []}
        for index in range(rounds):
            client = f"+38093{index:07d}"
            started = time.perf_counter()
            await mine.claim(client)
            await _visible(lambda c=client: theirs.claim_for(c) is not None, changed)
            samples["claim"].append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            await mine.release(client)
            await _visible(lambda c=client: theirs.claim_for(c) is None, changed)
            samples["release"].append((time.perf_counter() - started) * 1000)
        return samples
    finally:
        for board in boards:
            await board.stop()
        for link in links:
            await link.close()
        await relay.close()


def bench_claims(quick: bool = False) -> dict[str, Any]:
    binary = nats_server_binary()
    if binary is None:
        raise RuntimeError("nats-server is not installed (Debian: apt-get install nats-server)")
    staff = [StaffMember(a.staff_id, a.name, a.email, a.extension, (a.sip_login,),
                         departments=(a.department,)) for a in AGENTS]
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        provision(PROJECT, staff, workdir / "provisioned", cost=4)
        credentials = json.loads((workdir / "provisioned" / "credentials.json").read_text())
        broker_port, monitor_port = free_port(), free_port()
        config = workdir / "nats.conf"
        config.write_text(
            f"listen: 127.0.0.1:{broker_port}\nhttp: 127.0.0.1:{monitor_port}\n"
            f'jetstream {{ store_dir: "{workdir / "store"}" }}\n'
            f'include "{os.path.relpath(workdir / "provisioned" / "auth.conf", workdir)}"\n')
        with child_process([binary, "-c", str(config)], clean_environment(),
                           workdir / "nats.log") as nats:
            _wait_http(f"http://127.0.0.1:{monitor_port}/healthz", nats, "nats-server",
                       workdir / "nats.log")
            samples = asyncio.run(_measure(f"nats://127.0.0.1:{broker_port}", credentials,
                                           ROUNDS[quick]))
    claim, release = samples["claim"], samples["release"]
    return {
        "rounds": len(claim),
        "claim_visible_p50_ms": round(statistics.median(claim), 1),
        "claim_visible_p95_ms": round(_percentile(claim, 0.95), 1),
        "claim_visible_max_ms": round(max(claim), 1),
        "release_visible_p50_ms": round(statistics.median(release), 1),
        "release_visible_p95_ms": round(_percentile(release, 0.95), 1),
    }


def record(report: Report, result: dict[str, Any]) -> None:
    note = (f"n={result['rounds']}: one agent's claim → the other agent's board (provisioned "
            f"logins, one nats-server); slowest {result['claim_visible_max_ms']} ms")
    report.set("claims.visible_p50_ms", result["claim_visible_p50_ms"], note)
    report.set("claims.visible_p95_ms", result["claim_visible_p95_ms"], note)
    report.set("claims.release_visible_p95_ms", result["release_visible_p95_ms"],
               f"median {result['release_visible_p50_ms']} ms")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_claims")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(bench_claims(args.quick), indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
