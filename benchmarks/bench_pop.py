"""Screen-pop latency and poll-mode detection delay, in one process, against the simulator.

A real :class:`RingoHuntApp` runs on a qasync loop with an offscreen ``QApplication``; the
simulator runs in its own process (``ringohunt-desktop sim``) on a loopback port, so its JSON
work never competes with the app for this process's GIL. The app's own first contact sync
fills the local index; then NetHunt is slowed to a realistic 300 ms (``POST /_sim/faults``).

* **Event → painted** (UI path): a synthetic ringing :class:`CallEvent` goes into
  ``app.popups.show_call_event`` — exactly what the :class:`CallWatcher` signal delivers — and the
  clock stops at the first ``QEvent.Paint`` of the panel's number label (showing the
  number) and of its name label (showing the final name). Paints are seen by an event filter
  on the ``QApplication``, so the moment is when Qt actually repaints the widget, not when its
  text was set.
* Three cases: *cache hit* (the contact is in the local index), *cache miss* (removed from
  the index after the sync, like a contact created since: the number at once, the name after
  NetHunt answers), and *naive* (a
  :class:`CrmService` whose lookup has no local index, i.e. the CRM API on every call, for the
  same numbers as the cache hits).
* **Poll-mode detection** (whole path): ``POST /_sim/ring`` → the watcher's next poll sees it →
  ringing event → number painted, with the default 1.5 s poll interval; rings are spread at
  random phases of the poll cycle.

Run alone: ``python -m benchmarks.bench_pop [--quick]`` (prints JSON).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
from PySide6.QtCore import (
    QEvent,
    QMessageLogContext,
    QObject,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from benchmarks.report import POLL_INTERVAL_S, Report, percentile
from ringohunt_desktop import phone
from ringohunt_desktop.config import load_config
from ringohunt_desktop.core.calltracking import CallEvent
from ringohunt_desktop.core.lookup import CallerLookup, FieldMap
from ringohunt_desktop.domain import CallPhase, CallRecord, Direction, LookupState
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.services.crm import CrmService
from ringohunt_desktop.shell.app import RingoHuntApp
from ringohunt_desktop.shell.launch import create_qapplication
from ringohunt_desktop.simulator import SimCredentials
from ringohunt_desktop.ui.insider_panel import InsiderPanel

T = TypeVar("T")

NETHUNT_LATENCY_MS = 300.0
POP_SIM_CONTACTS = 300
WAIT_S = 15.0  # per step; far above any sane figure, only so a broken run ends
SEED = 20240601

# Messages of Qt's offscreen platform about window-manager features it lacks.
_OFFSCREEN_NOISE = ("This plugin does not support",)


@dataclass(frozen=True, slots=True)
class PopSizes:
    warmup: int
    hits: int
    misses: int
    naive: int
    polled_calls: int

    @classmethod
    def for_mode(cls, quick: bool) -> PopSizes:
        return cls(3, 12, 5, 5, 3) if quick else cls(3, 60, 40, 40, 20)


# -- processes and environments shared with bench_runtime --------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_environment(**extra: str) -> dict[str, str]:
    """This environment without the user's RingoHunt settings, offscreen, no real keychain."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RINGOHUNT_")}
    env.update({"RINGOHUNT_MACHINE_CONFIG": os.devnull, "QT_QPA_PLATFORM": "offscreen",
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    env.update(extra)
    return env


@contextlib.contextmanager
def child_process(args: list[str], env: dict[str, str],
                  log: Path | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """A process for the length of a ``with``: its output to ``log`` (or nowhere), then
    SIGTERM, and SIGKILL if it lingers."""
    if log is None:
        process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
    else:
        with log.open("wb") as output:
            process = subprocess.Popen(args, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextlib.contextmanager
def simulator_process(contacts: int, *, start_timeout: float = 120.0,
                      extra_args: tuple[str, ...] = ()) -> Iterator[str]:
    """``ringohunt-desktop sim`` in its own process; yields its URL (demo credentials)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with child_process([sys.executable, "-m", "ringohunt_desktop", "sim", "--port", str(port),
                        "--contacts", str(contacts), *extra_args],
                       clean_environment()) as process:
        deadline = time.monotonic() + start_timeout
        while True:
            try:
                httpx.get(url + "/_sim/faults", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the simulator process did not start") from None
                time.sleep(0.05)
        yield url


def app_environment(sim_url: str) -> dict[str, str]:
    """What points an app at the simulator (the simulator's demo credentials)."""
    return {**SimCredentials().app_environment(sim_url), "RINGOHUNT_MACHINE_CONFIG": os.devnull}


def qt_application() -> QApplication:
    """The offscreen QApplication, with the offscreen platform's WM chatter silenced."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    def handler(_kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
        if not message.startswith(_OFFSCREEN_NOISE):
            sys.stderr.write(message + "\n")

    qInstallMessageHandler(handler)
    return create_qapplication()


def run_on_qasync(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion on a fresh qasync loop over the QApplication."""
    import qasync

    qt_app = qt_application()
    loop: asyncio.AbstractEventLoop = qasync.QEventLoop(qt_app)
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(coro)
    finally:
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()
        asyncio.set_event_loop(None)


class StallMeter(QObject):
    """A QTimer ticking every ``period_ms`` on the Qt loop; the longest gap between ticks is
    the worst stall an agent would have felt (clicks and repaints wait behind whatever
    blocked the loop)."""

    def __init__(self, period_ms: int = 5) -> None:
        super().__init__()
        self._timer = QTimer(self)
        self._timer.setInterval(period_ms)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.max_gap_ms = 0.0
        self.ticks = 0

    def start(self) -> None:
        self.max_gap_ms = 0.0
        self.ticks = 0
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> float:
        self._timer.stop()
        self._tick()
        return self.max_gap_ms

    def _tick(self) -> None:
        now = time.perf_counter()
        self.max_gap_ms = max(self.max_gap_ms, (now - self._last) * 1000)
        self._last = now
        self.ticks += 1


async def until(condition: Callable[[], T | None], within: float = WAIT_S,
                what: str = "a condition", poll: float = 0.005) -> T:
    deadline = time.perf_counter() + within
    while True:
        value = condition()
        if value:
            return value
        if time.perf_counter() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(poll)


# -- paint probe ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Paint:
    at: float
    widget: QWidget
    text: str


class PaintProbe(QObject):
    """Records every paint of the panels' number and name labels, with the text they showed.

    Installed on the QApplication, it sees a widget's ``QEvent.Paint`` just before its
    ``paintEvent`` runs; the panel's other widgets and the backing-store flush follow within
    the same repaint, well under a millisecond later.
    """

    WATCHED = frozenset({"numberLabel", "nameLabel"})

    def __init__(self) -> None:
        super().__init__()
        self.paints: list[Paint] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() == QEvent.Type.Paint and isinstance(watched, QLabel)
                and watched.objectName() in self.WATCHED):
            self.paints.append(Paint(time.perf_counter(), watched, watched.text()))
        return False

    def first(self, widget: QWidget, text: str, after: float) -> float | None:
        return next((p.at for p in self.paints
                     if p.widget is widget and p.text == text and p.at >= after), None)

    def clear(self) -> None:
        self.paints.clear()


@dataclass(slots=True)
class PopSample:
    number_ms: float
    name_ms: float
    state: LookupState
    from_cache: bool


@dataclass(slots=True)
class PopResults:
    first_number_ms: float = float("nan")
    hits: list[PopSample] = field(default_factory=list)
    misses: list[PopSample] = field(default_factory=list)
    naive: list[PopSample] = field(default_factory=list)
    detection_ms: list[float] = field(default_factory=list)
    polled_event_to_number_ms: list[float] = field(default_factory=list)


# -- the scenarios ----------------------------------------------------------------------------

def ringing_call(call_id: str, number_e164: str) -> CallRecord:
    """A ringing incoming row as the poller would hand it over."""
    return CallRecord(call_id=call_id, started_at=datetime.now(UTC), caller=number_e164[1:],
                      destination="380441110000", direction=Direction.INCOMING,
                      disposition="CALLING")


def unique_contact_numbers(records: list[dict[str, Any]], phone_field: str) -> list[str]:
    """E.164 numbers that belong to exactly one Contacts record (so every lookup is FOUND)."""
    owners: dict[str, set[str]] = {}
    first_number: list[str] = []
    for record in records:
        phones = record["fields"].get(phone_field) or []
        numbers = []
        for raw in phones if isinstance(phones, list) else [phones]:
            try:
                numbers.append(phone.to_e164(str(raw), "UA"))
            except phone.InvalidNumber:
                continue
        for number in numbers:
            owners.setdefault(number, set()).add(record["recordId"])
        if numbers:
            first_number.append(numbers[0])
    # Ukrainian numbers only: a foreign caller written as Ringostat writes it (digits without
    # "+") and missing from the index leaves the panel on "Looking up…" (reported; not ours).
    return [n for n in dict.fromkeys(first_number)
            if len(owners[n]) == 1 and n.startswith("+380")]


async def pop_once(app: RingoHuntApp, probe: PaintProbe, call: CallRecord) -> PopSample:
    """Deliver one ringing event; wait for the number and the final name to be painted."""
    probe.clear()
    started = time.perf_counter()
    app.popups.show_call_event(CallEvent(CallPhase.RINGING, call, live=True))
    panel = app.popups.panels.panel(call.call_id)
    assert panel is not None, "no panel popped"
    await until(lambda: panel.lookup.state is not LookupState.LOOKING, what="the lookup")
    number_text, name_text = panel.number_label.text(), panel.name_label.text()
    number_at = await until(lambda: probe.first(panel.number_label, number_text, started),
                            what="the number painted")
    name_at = await until(lambda: probe.first(panel.name_label, name_text, started),
                          what="the name painted")
    sample = PopSample((number_at - started) * 1000, (name_at - started) * 1000,
                       panel.lookup.state, panel.lookup.from_cache)
    app.popups.panels.close_panel(call.call_id)
    await asyncio.sleep(0.03)  # let the close settle before the next call
    return sample


def naive_crm(app: RingoHuntApp) -> CrmService:
    """The same CRM service, but its lookup has no local index: the API on every call."""
    assert app.services is not None
    config = app.config
    lookup = CallerLookup(app.services.session.nethunt, app.services.lookup.folder_id,
                          fields=FieldMap.from_config(config), region=config.default_region,
                          store=None, workspace_id=config.nethunt_workspace_id,
                          time_zone=config.crm_timezone)
    crm = CrmService(lookup, app)
    crm.lookup_updated.connect(app.popups.show_lookup)
    return crm


async def polled_pops(app: RingoHuntApp, client: httpx.AsyncClient, probe: PaintProbe,
                      numbers: list[str], results: PopResults) -> None:
    """Ring in the simulator at random phases of the poll cycle; time ring → painted."""
    assert app.services is not None
    watcher = app.services.watcher
    event_at: dict[str, float] = {}

    def timed(event: CallEvent) -> None:
        event_at.setdefault(event.call.call_id, time.perf_counter())
        app.popups.show_call_event(event)

    # Put a stopwatch in front of the pop-ups' own slot for call events.
    watcher.call_changed.disconnect(app.popups.show_call_event)
    watcher.call_changed.connect(timed)
    rng = random.Random(SEED)
    try:
        for number in numbers:
            await asyncio.sleep(rng.uniform(0, POLL_INTERVAL_S))
            probe.clear()
            rung = time.perf_counter()
            response = await client.post("/_sim/ring", json={
                "caller": number, "ring_seconds": 3, "talk_seconds": 1})
            response.raise_for_status()
            call_id = str(response.json()["call_id"])
            panel: InsiderPanel = await until(lambda c=call_id: app.popups.panels.panel(c),  # type: ignore[misc]
                                              what="the polled call's panel")
            text = panel.number_label.text()
            painted = await until(
                lambda p=panel, t=text, r=rung: probe.first(p.number_label, t, r),  # type: ignore[misc]
                what="the polled call's number painted")
            results.detection_ms.append((painted - rung) * 1000)
            results.polled_event_to_number_ms.append((painted - event_at[call_id]) * 1000)
            app.popups.panels.close_panel(call_id)
    finally:
        watcher.call_changed.disconnect(timed)
        watcher.call_changed.connect(app.popups.show_call_event)


async def measure_pops(sizes: PopSizes, sim_url: str, basedir: Path) -> PopResults:
    results = PopResults()
    paths = AppPaths.under(basedir).ensure()
    config = load_config(paths, env=app_environment(sim_url),
                         overrides={"poll_interval": str(POLL_INTERVAL_S)})
    app = RingoHuntApp(config, paths)
    probe = PaintProbe()
    qt_app = QApplication.instance()
    assert qt_app is not None
    async with httpx.AsyncClient(base_url=sim_url, timeout=30) as client:
        records = (await client.get("/_sim/nethunt/records",
                                    params={"folder": "Contacts"})).json()
        numbers = unique_contact_numbers(records, config.field_phone)
        wanted = sizes.hits + sizes.misses
        if len(numbers) < wanted:
            raise RuntimeError(f"the simulator has {len(numbers)} usable numbers, need {wanted}")
        hit_numbers, miss_numbers = numbers[:sizes.hits], numbers[sizes.hits:wanted]
        try:
            ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()

            def on_ready() -> None:
                if not ready.done():
                    ready.set_result(None)

            app.ready.connect(on_ready)
            app.start()
            await asyncio.wait_for(ready, WAIT_S)
            assert app.services is not None
            services = app.services
            # The app's own first sync fills the local index.
            await until(lambda: all(services.lookup.cached(n) for n in numbers[:wanted]),
                        what="the first contact sync")
            # Cache misses: contacts the index does not know (e.g. created since the sync).
            app.contacts.delete(c.record_id for n in miss_numbers
                                for c in app.contacts.find_by_number(n))
            assert not any(services.lookup.cached(n) for n in miss_numbers)
            (await client.post("/_sim/faults", json={
                "service": "nethunt", "latency_ms": NETHUNT_LATENCY_MS})).raise_for_status()

            qt_app.installEventFilter(probe)
            for index in range(sizes.warmup):
                sample = await pop_once(app, probe, ringing_call(
                    f"bench-warmup-{index}", hit_numbers[index % len(hit_numbers)]))
                if index == 0:
                    results.first_number_ms = sample.number_ms
            for index, number in enumerate(hit_numbers):
                results.hits.append(await pop_once(
                    app, probe, ringing_call(f"bench-hit-{index}", number)))
            for index, number in enumerate(miss_numbers):
                results.misses.append(await pop_once(
                    app, probe, ringing_call(f"bench-miss-{index}", number)))
            indexed = services.crm
            services.crm = naive_crm(app)
            try:
                for index, number in enumerate(hit_numbers[:sizes.naive]):
                    results.naive.append(await pop_once(
                        app, probe, ringing_call(f"bench-naive-{index}", number)))
            finally:
                await services.crm.wait_idle()
                services.crm = indexed
            await polled_pops(app, client, probe, hit_numbers[:sizes.polled_calls], results)
        finally:
            qt_app.removeEventFilter(probe)
            await app.shutdown()
            app.tray.dispose()
    _check(results)
    return results


def _check(results: PopResults) -> None:
    """The figures mean what they say only if each case took the path it names."""
    for sample in results.hits:
        if not (sample.from_cache and sample.state is LookupState.FOUND):
            raise RuntimeError(f"a cache-hit pop was not answered by the index: {sample}")
    for sample in [*results.misses, *results.naive]:
        if sample.from_cache or sample.state is not LookupState.FOUND:
            raise RuntimeError(f"a CRM pop was not answered by NetHunt: {sample}")


# -- into the report --------------------------------------------------------------------------

def record_pops(report: Report, results: PopResults, sizes: PopSizes) -> None:
    def p(samples: list[PopSample], attribute: str, fraction: float) -> float:
        return percentile([getattr(s, attribute) for s in samples], fraction)

    hits, misses, naive = results.hits, results.misses, results.naive
    report.set("pop.first_number_ms", results.first_number_ms,
               "first panel of the process: widget and style set-up")
    for key, samples in (("hit", hits), ("miss", misses)):
        note = f"n={len(samples)}"
        report.set(f"pop.{key}.number_p50_ms", p(samples, "number_ms", 0.5), note)
        report.set(f"pop.{key}.number_p95_ms", p(samples, "number_ms", 0.95), note)
        report.set(f"pop.{key}.name_p50_ms", p(samples, "name_ms", 0.5), note)
        report.set(f"pop.{key}.name_p95_ms", p(samples, "name_ms", 0.95), note)
    note = f"n={len(naive)}, same numbers as the cache hits"
    report.set("pop.naive.number_p95_ms", p(naive, "number_ms", 0.95), note)
    report.set("pop.naive.name_p50_ms", p(naive, "name_ms", 0.5), note)
    report.set("pop.naive.name_p95_ms", p(naive, "name_ms", 0.95), note)
    report.set("pop.naive_over_index.name_p50_x",
               p(naive, "name_ms", 0.5) / p(hits, "name_ms", 0.5), "higher = index helps more")
    report.set("pop.naive_over_index.name_p95_x",
               p(naive, "name_ms", 0.95) / p(hits, "name_ms", 0.95), "")
    report.set("pop.nethunt_latency_ms", NETHUNT_LATENCY_MS,
               "per NetHunt request, miss and naive paths")
    note = f"n={len(results.detection_ms)}, interval {POLL_INTERVAL_S:g} s"
    report.set("poll.event_to_number_p95_ms",
               percentile(results.polled_event_to_number_ms, 0.95), note)
    report.set("poll.detection_p50_ms", percentile(results.detection_ms, 0.5), note)
    report.set("poll.detection_p95_ms", percentile(results.detection_ms, 0.95), note)
    report.details["pop"] = {
        "sizes": {"hits": sizes.hits, "misses": sizes.misses, "naive": sizes.naive,
                  "polled_calls": sizes.polled_calls},
        "max_ms": {
            "hit_number": max(s.number_ms for s in hits),
            "hit_name": max(s.name_ms for s in hits),
            "miss_number": max(s.number_ms for s in misses),
            "naive_number": max(s.number_ms for s in naive),
            "polled_event_to_number": max(results.polled_event_to_number_ms),
            "detection": max(results.detection_ms),
        },
        "detection_ms": [round(value, 1) for value in results.detection_ms],
    }


def bench_pop(report: Report, quick: bool) -> None:
    sizes = PopSizes.for_mode(quick)
    with (simulator_process(POP_SIM_CONTACTS) as sim_url,
          tempfile.TemporaryDirectory(prefix="ringohunt-bench-pop-") as tmp):
        results = run_on_qasync(measure_pops(sizes, sim_url, Path(tmp)))
    record_pops(report, results, sizes)


def main(argv: list[str] | None = None) -> None:
    quick = "--quick" in (sys.argv[1:] if argv is None else argv)
    report = Report("quick" if quick else "full")
    bench_pop(report, quick)
    figures = {key: figure.value for key, figure in report.figures.items()
               if key.startswith(("pop.", "poll."))}
    print(json.dumps({"figures": figures, "details": report.details}, indent=2))


if __name__ == "__main__":
    main()
