"""What a screen reader sees of the app on Linux: Qt's accessibility tree over AT-SPI.

Recipe (found to work on Debian 12 under Xvfb, no desktop session):

- a private D-Bus session bus (``dbus-daemon --session``), so nothing of the machine's is
  touched;
- ``/usr/libexec/at-spi-bus-launcher --launch-immediately`` on it (Debian ``at-spi2-core``):
  it starts the accessibility bus and registers ``org.a11y.Bus``; the registry daemon is
  started on demand by the first application;
- the app with ``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1`` (Qt otherwise waits for a screen reader
  to announce itself through ``org.a11y.Status``) and ``QT_ACCESSIBILITY=1``;
- ``tests/atspi_reader.py`` run by the system python (Debian ``python3-pyatspi`` is not in
  the venv) to read the tree or listen to events (``object:announcement`` carries Qt's
  ``QAccessibleAnnouncementEvent``: the text, and the politeness as ``detail1``: 1 polite,
  2 assertive).

Tests using this are marked ``realdisplay`` and skip with the reason when a piece is missing.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.realdisplay import require_real_display, stop_processes

SYSTEM_PYTHON = "/usr/bin/python3"
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
READER = Path(__file__).resolve().with_name("atspi_reader.py")
POLITE, ASSERTIVE = 1, 2

Node = dict[str, Any]


def missing_atspi() -> list[str]:
    missing = []
    if not Path(BUS_LAUNCHER).exists():
        missing.append("at-spi2-core (at-spi-bus-launcher)")
    if subprocess.run(["sh", "-c", "command -v dbus-daemon"], capture_output=True,
                      check=False).returncode != 0:
        missing.append("dbus (dbus-daemon)")
    if not Path(SYSTEM_PYTHON).exists() or subprocess.run(
            [SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True,
            check=False).returncode != 0:
        missing.append("python3-pyatspi")
    return missing


def require_atspi() -> None:
    require_real_display()
    missing = missing_atspi()
    if missing:
        pytest.skip(f"AT-SPI pieces missing: {', '.join(missing)}")


@contextmanager
def accessibility_bus(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """A private session bus with the AT-SPI bus on it; yield ``env`` pointing at both and
    telling Qt to expose its widgets."""
    daemon = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True)
    processes = [daemon]
    try:
        assert daemon.stdout is not None
        address = daemon.stdout.readline().strip()
        if not address:
            raise RuntimeError("dbus-daemon did not start")
        bus_env = {**env, "DBUS_SESSION_BUS_ADDRESS": address,
                   "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1", "QT_ACCESSIBILITY": "1"}
        bus_env.pop("NO_AT_BRIDGE", None)
        processes.append(subprocess.Popen([BUS_LAUNCHER, "--launch-immediately"],
                                          env=bus_env, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 10
        while subprocess.run(
                ["dbus-send", "--session", "--print-reply", "--dest=org.a11y.Bus",
                 "/org/a11y/bus", "org.a11y.Bus.GetAddress"],
                env=bus_env, capture_output=True, check=False).returncode != 0:
            if time.monotonic() > deadline:
                raise RuntimeError("the AT-SPI bus did not start")
            time.sleep(0.1)
        yield bus_env
    finally:
        stop_processes(processes)
        if daemon.stdout is not None:
            daemon.stdout.close()


def accessible_tree(env: dict[str, str]) -> list[Node]:
    """Every application on the accessibility bus, as the reader sees it."""
    result = subprocess.run([SYSTEM_PYTHON, str(READER), "tree"], env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    return list(json.loads(result.stdout))


def walk(node: Node) -> Iterator[Node]:
    yield node
    for child in node["children"]:
        yield from walk(child)


def find(nodes: list[Node], predicate: Callable[[Node], bool]) -> list[Node]:
    return [n for root in nodes for n in walk(root) if predicate(n)]


def showing(node: Node) -> bool:
    return "showing" in node["states"]


def windows(env: dict[str, str]) -> list[Node]:
    """The app's top-level windows on screen (children of the application node)."""
    return [window for app in accessible_tree(env) for window in app["children"]
            if showing(window)]


def wait_for_window(env: dict[str, str], predicate: Callable[[Node], bool],
                    what: str, timeout: float = 30) -> Node:
    deadline = time.monotonic() + timeout
    seen: list[Node] = []
    while time.monotonic() < deadline:
        seen = windows(env)
        matching = [w for w in seen if predicate(w)]
        if matching:
            return matching[-1]
        time.sleep(0.3)
    names = [(w["role"], w["name"]) for w in seen]
    raise AssertionError(f"timed out waiting for {what} over AT-SPI; windows: {names}")


class EventListener:
    """AT-SPI events (announcements, focus) as they happen, read back as dicts."""

    def __init__(self, env: dict[str, str], out: Path, seconds: float = 120) -> None:
        self._out = out
        out.write_text("", encoding="utf-8")
        self._process = subprocess.Popen(
            [SYSTEM_PYTHON, str(READER), "listen", "--seconds", str(seconds), "--out",
             str(out)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while not self.events("listening"):
            if time.monotonic() > deadline or self._process.poll() is not None:
                raise RuntimeError("the AT-SPI listener did not start")
            time.sleep(0.05)

    def events(self, event_type: str = "") -> list[dict[str, Any]]:
        lines = self._out.read_text(encoding="utf-8").splitlines()
        events = [json.loads(line) for line in lines if line.strip()]
        return [e for e in events if e["type"].startswith(event_type)]

    def announcements(self) -> list[dict[str, Any]]:
        return self.events("object:announcement")

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
