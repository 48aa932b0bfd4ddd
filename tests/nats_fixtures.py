"""Real nats-server processes for the relay's tests: one JetStream node, or a 3-node cluster.

Each server gets free loopback ports and a store directory of its own under the test's
tmp_path, is waited for through its monitoring ``/healthz`` (JetStream included), and is
stopped by its PID. Without ``nats-server`` (Debian: ``apt-get install nats-server``) the tests
are skipped with a note, except under ``CI=true``, where a missing broker is a failure: CI
installs it (.ci/dev.py), so its absence there means the set-up broke.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

STARTUP_DEADLINE = 30.0  # seconds a server may take to answer /healthz (not an assertion)


def nats_server_binary() -> str:
    """The nats-server path, or skip (fail under CI=true) with a note."""
    found = shutil.which("nats-server") or next(
        (p for p in ("/usr/sbin/nats-server", "/usr/bin/nats-server") if os.path.exists(p)), None)
    if found:
        return found
    note = "nats-server is not installed (Debian: apt-get install nats-server)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{note}; CI must install it (.ci/dev.py DEBIAN_PACKAGES)", pytrace=False)
    pytest.skip(note)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class NatsNode:
    """One nats-server; :meth:`stop` / :meth:`start` keep its ports and store."""

    name: str
    directory: Path
    port: int = field(default_factory=free_port)
    monitor_port: int = field(default_factory=free_port)
    cluster_port: int = 0
    routes: tuple[int, ...] = ()
    extra_config: str = ""
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.directory / f"{self.name}.log"

    def config_text(self) -> str:
        store = self.directory / f"store-{self.name}"
        lines = [f"server_name: {self.name}", f"listen: 127.0.0.1:{self.port}",
                 f"http: 127.0.0.1:{self.monitor_port}",
                 f'jetstream {{ store_dir: "{store}" }}']
        if self.cluster_port:
            routes = ", ".join(f"nats-route://127.0.0.1:{p}" for p in self.routes)
            lines.append(f"cluster {{ name: rh, listen: 127.0.0.1:{self.cluster_port}, "
                         f"routes: [{routes}] }}")
        if self.extra_config:
            lines.append(self.extra_config)
        return "\n".join(lines) + "\n"

    def start(self, *, wait: bool = True) -> NatsNode:
        binary = nats_server_binary()
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / f"{self.name}.conf"
        config.write_text(self.config_text())
        log = self.log_path.open("ab")
        self.process = subprocess.Popen([binary, "-c", str(config)], stdout=log,
                                        stderr=subprocess.STDOUT)
        log.close()
        if wait:
            self.wait_healthy()
        return self

    def wait_healthy(self) -> None:
        """Until /healthz says ok (JetStream ready), or fail with the server's log."""
        deadline = time.monotonic() + STARTUP_DEADLINE
        url = f"http://127.0.0.1:{self.monitor_port}/healthz"
        while True:
            assert self.process is not None
            if self.process.poll() is not None:
                pytest.fail(f"nats-server {self.name} exited:\n{self.log_tail()}", pytrace=False)
            with (contextlib.suppress(OSError, urllib.error.URLError),
                  urllib.request.urlopen(url, timeout=1) as answer):
                if answer.status == 200:
                    return
            if time.monotonic() > deadline:
                pytest.fail(f"nats-server {self.name} not healthy:\n{self.log_tail()}",
                            pytrace=False)
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM by PID, then SIGKILL if it lingers."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=15)

    def reload(self) -> None:
        """Re-read the config (users, permissions) without a restart, as IT would."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGHUP)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def start_node(directory: Path, name: str = "n1", extra_config: str = "") -> NatsNode:
    return NatsNode(name, directory, extra_config=extra_config).start()


def start_cluster(directory: Path, size: int = 3) -> list[NatsNode]:
    cluster_ports = [free_port() for _ in range(size)]
    nodes = [NatsNode(f"n{i + 1}", directory, cluster_port=cluster_ports[i],
                      routes=tuple(cluster_ports)) for i in range(size)]
    for node in nodes:
        node.start(wait=False)  # each waits for its peers before it reports healthy
    for node in nodes:
        node.wait_healthy()
    return nodes


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[NatsNode]:
    """One JetStream node without authorisation, for most tests."""
    node = start_node(tmp_path / "nats")
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture
def nats_cluster(tmp_path: Path) -> Iterator[list[NatsNode]]:
    """Three JetStream nodes clustered on loopback (the failover test)."""
    nodes: list[NatsNode] = []
    try:
        nodes = start_cluster(tmp_path / "cluster")
        yield nodes
    finally:
        for node in nodes:
            node.stop()
