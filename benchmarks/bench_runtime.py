"""The app as a running program: first contact sync and the UI's responsiveness during it,
cold start, idle footprint, and the frozen bundle.

* **First sync**: the app's :class:`ContactSync` (built exactly as ``RingoHuntApp`` builds it)
  reads the whole Contacts folder of a simulator process seeded with 100,000 contacts, on a
  qasync loop, while a 5 ms QTimer records the longest gap between its ticks (the longest
  time a click or a repaint would have waited). The same meter over one idle second gives the
  noise floor of this machine.
* **Cold start**: ``python -m ringohunt_desktop --demo --demo-port P --demo-call-every 0``
  (and the frozen ``dist/RingoHunt`` build, when present) started offscreen with an empty
  base dir; "ready" is the first ``/calls/list`` request the demo simulator logged (its own
  timestamp), i.e. the tray is up, agent and folder resolved, the watcher polling. The file
  cache is warm after the first run, so this is a warm-disk cold start.
* **Idle**: the app, ``python -m`` and frozen (not the demo: the simulator runs in another
  process, so only the app's memory and CPU count) left alone with no calls; VmRSS and
  utime+stime from ``/proc/<pid>`` and the requests the simulator received in the window.

Run alone: ``python -m benchmarks.bench_runtime [--quick]`` (prints JSON).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.bench_pop import (
    StallMeter,
    app_environment,
    clean_environment,
    free_port,
    run_on_qasync,
    simulator_process,
)
from benchmarks.frozen_smoke import DEFAULT_DIST, GUI_EXE, bundle_size_mb
from benchmarks.report import Report

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60.0
SYNC_KEYS = ("sync.first_sync_s", "sync.max_ui_stall_ms", "sync.idle_max_gap_ms")


@dataclass(frozen=True, slots=True)
class RuntimeSizes:
    sync_contacts: int
    cold_starts: int
    idle_window_s: float
    idle_settle_s: float

    @classmethod
    def for_mode(cls, quick: bool) -> RuntimeSizes:
        return cls(10_000, 1, 5.0, 2.0) if quick else cls(100_000, 3, 60.0, 5.0)


# -- first contact sync -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class SyncResult:
    seconds: float
    max_stall_ms: float
    idle_max_gap_ms: float
    stored: int
    enumerated: bool
    ticks: int


async def measure_first_sync(sim_url: str, basedir: Path) -> SyncResult:
    from ringohunt_desktop.config import load_config
    from ringohunt_desktop.core.lookup import CallerLookup, FieldMap
    from ringohunt_desktop.core.session import Session
    from ringohunt_desktop.core.sync import ContactSync
    from ringohunt_desktop.paths import AppPaths
    from ringohunt_desktop.store.contacts import ContactStore
    from ringohunt_desktop.store.db import Database

    paths = AppPaths.under(basedir).ensure()
    config = load_config(paths, env=app_environment(sim_url))
    session = Session(config)
    database = Database.open(paths.database_file_for(config.store_key))
    meter = StallMeter()
    try:
        folder = await session.resolve_contacts_folder()
        store = ContactStore(database)
        # As RingoHuntApp._build_services wires it.
        lookup = CallerLookup(session.nethunt, folder.folder_id,
                              fields=FieldMap.from_config(config),
                              region=config.default_region, store=store,
                              workspace_id=config.nethunt_workspace_id,
                              time_zone=config.crm_timezone)
        sync = ContactSync(session.nethunt, folder.folder_id, store, database,
                           lookup.to_contact, phone_field=config.field_phone)
        meter.start()
        await asyncio.sleep(1.0)
        idle_gap = meter.stop()
        meter.start()
        started = time.perf_counter()
        report = await sync.full()
        seconds = time.perf_counter() - started
        stall = meter.stop()
        return SyncResult(seconds, stall, idle_gap, store.count(), report.enumerated,
                          meter.ticks)
    finally:
        await session.aclose()
        database.close()


def bench_first_sync(report: Report, sizes: RuntimeSizes) -> None:
    try:
        import ringohunt_desktop.core.sync  # noqa: F401
    except ImportError:
        report.not_measured(SYNC_KEYS, "not measured (sync not available)")
        return
    with (simulator_process(sizes.sync_contacts) as sim_url,
          tempfile.TemporaryDirectory(prefix="ringohunt-bench-sync-") as tmp):
        result = run_on_qasync(measure_first_sync(sim_url, Path(tmp)))
        records = httpx.get(sim_url + "/_sim/nethunt/records", params={"folder": "Contacts"},
                            timeout=120).json()
    with_phone = sum(1 for r in records if r["fields"].get("Phone"))
    note = f"{sizes.sync_contacts:,} contacts in the simulator, {result.stored:,} indexed"
    report.set("sync.first_sync_s", result.seconds, note)
    report.set("sync.max_ui_stall_ms", result.max_stall_ms, f"5 ms QTimer, {result.ticks} ticks")
    report.set("sync.idle_max_gap_ms", result.idle_max_gap_ms, "same timer, 1 s idle")
    report.details["sync"] = {
        "contacts_in_simulator": len(records), "with_phone": with_phone,
        "indexed": result.stored, "enumerated": result.enumerated,
        "complete": result.stored >= with_phone,
    }
    if result.stored < with_phone:
        raise RuntimeError(f"the first sync indexed {result.stored} of {with_phone} contacts")


# -- cold start -------------------------------------------------------------------------------

def first_request_time(sim_url: str, path: str, *, since_index: int = 0,
                       process: subprocess.Popen[bytes] | None = None,
                       timeout: float = START_TIMEOUT_S) -> float:
    """Wall-clock time (the simulator's) of the first request to ``path`` it logged."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=sim_url, timeout=2) as client:
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                raise RuntimeError(f"the app exited with {process.returncode} before polling")
            try:
                entries = client.get("/_sim/requests",
                                     params={"service": "ringostat",
                                             "since": since_index}).json()
            except httpx.HTTPError:
                entries = []  # the demo simulator is not listening yet
            for entry in entries:
                if entry["path"] == path:
                    return float(entry["time"])
            time.sleep(0.02)
    raise TimeoutError(f"no {path} request within {timeout:.0f} s")


def stop_process(process: subprocess.Popen[bytes]) -> int:
    process.terminate()
    try:
        return process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


def demo_cold_start(command: list[str]) -> float:
    """Seconds from launching ``command`` (the demo app) to its first calls/list poll."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="ringohunt-bench-start-") as basedir:
        argv = [*command, "--basedir", basedir, "--demo", "--demo-port", str(port),
                "--demo-call-every", "0"]
        launched = time.time()
        process = subprocess.Popen(argv, env=clean_environment(), cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            polled = first_request_time(f"http://127.0.0.1:{port}", "/calls/list",
                                        process=process)
        finally:
            code = stop_process(process)
            stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        if code not in (0, -15) or "Traceback" in stderr:
            raise RuntimeError(f"{argv[0]} exited with {code}:\n{stderr[-2000:]}")
    return polled - launched


def bench_cold_start(report: Report, sizes: RuntimeSizes) -> None:
    runs = sizes.cold_starts
    python_runs = [demo_cold_start([sys.executable, "-m", "ringohunt_desktop"])
                   for _ in range(runs)]
    report.set("start.demo_cold_start_s", statistics.median(python_runs),
               f"median of {runs}, warm disk cache")
    details: dict[str, Any] = {"python_runs_s": [round(s, 3) for s in python_runs]}
    frozen = DEFAULT_DIST / GUI_EXE
    if frozen.is_file():
        frozen_runs = [demo_cold_start([str(frozen)]) for _ in range(runs)]
        report.set("start.frozen_cold_start_s", statistics.median(frozen_runs),
                   f"median of {runs}, {frozen.relative_to(ROOT)}, warm disk cache")
        details["frozen_runs_s"] = [round(s, 3) for s in frozen_runs]
    else:
        report.not_measured(["start.frozen_cold_start_s"], "not built (no dist/RingoHunt)")
    report.details["cold_start"] = details


def bench_bundle(report: Report, *, quick: bool) -> None:
    if not DEFAULT_DIST.is_dir():
        report.not_measured(["bundle.size_mb", "bundle.windows_estimate_mb"],
                            "not built (no dist/RingoHunt)")
        return
    report.set("bundle.size_mb", bundle_size_mb(DEFAULT_DIST),
               f"{DEFAULT_DIST.relative_to(ROOT)}, files only")
    if quick:
        report.not_measured(["bundle.windows_estimate_mb"],
                            "full run only (downloads the 77 MB win_amd64 wheel)")
        return
    from benchmarks.windows_bundle import estimate

    try:
        qt, python = estimate(DEFAULT_DIST)
    except (OSError, subprocess.CalledProcessError) as exc:
        report.not_measured(["bundle.windows_estimate_mb"], f"wheel not readable: {exc}")
        return
    report.set("bundle.windows_estimate_mb", (sum(qt.values()) + python) / 1e6,
               f"ESTIMATE: win_amd64 PySide6 wheel by the build's rules "
               f"({sum(qt.values()) / 1e6:.1f} MB) + this build's Python side "
               f"({python / 1e6:.1f} MB)")


# -- idle -------------------------------------------------------------------------------------

def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2:].split()  # the command name may contain spaces
    utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
    return (utime + stime) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True, slots=True)
class IdleResult:
    window_s: float
    rss_mb: list[float]
    cpu_seconds: float
    requests: list[dict[str, Any]]


def measure_idle(command: list[str], sizes: RuntimeSizes) -> IdleResult:
    """Run ``command`` (the app) against a simulator process and watch it do nothing."""
    with (simulator_process(300) as sim_url,
          tempfile.TemporaryDirectory(prefix="ringohunt-bench-idle-") as basedir):
        env = clean_environment(**app_environment(sim_url))
        process = subprocess.Popen([*command, "--basedir", basedir], env=env, cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            first_request_time(sim_url, "/calls/list", process=process)
            time.sleep(sizes.idle_settle_s)  # first sync and the journal catch-up
            since = len(httpx.get(sim_url + "/_sim/requests", timeout=5).json())
            cpu_before, window_start = cpu_seconds(process.pid), time.time()
            rss_samples = [rss_mb(process.pid)]
            while time.time() - window_start < sizes.idle_window_s:
                time.sleep(0.5)
                rss_samples.append(rss_mb(process.pid))
            cpu_after, window_end = cpu_seconds(process.pid), time.time()
            entries = httpx.get(sim_url + "/_sim/requests", params={"since": since},
                                timeout=5).json()
        finally:
            code = stop_process(process)
            stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        if code not in (0, -15) or "Traceback" in stderr:
            raise RuntimeError(f"the idle app exited with {code}:\n{stderr[-2000:]}")
    in_window = [e for e in entries if window_start <= e["time"] <= window_end]
    return IdleResult(window_end - window_start, rss_samples, cpu_after - cpu_before,
                      in_window)


def bench_idle(report: Report, sizes: RuntimeSizes) -> None:
    keys = ("idle.rss_mb", "idle.cpu_percent", "idle.requests_per_min",
            "idle.frozen_rss_mb", "idle.frozen_cpu_percent")
    if not Path("/proc/self/stat").is_file():
        report.not_measured(keys, "not measured (needs Linux /proc)")
        return
    note = f"{sizes.idle_window_s:g} s window after {sizes.idle_settle_s:g} s settling"
    python = measure_idle([sys.executable, "-m", "ringohunt_desktop"], sizes)
    report.set("idle.rss_mb", max(python.rss_mb), note)
    report.set("idle.cpu_percent", python.cpu_seconds / python.window_s * 100, note)
    report.set("idle.requests_per_min", len(python.requests) * 60 / python.window_s, note)
    details: dict[str, Any] = {"python": _idle_details(python)}
    frozen = DEFAULT_DIST / GUI_EXE
    if frozen.is_file():
        result = measure_idle([str(frozen)], sizes)
        report.set("idle.frozen_rss_mb", max(result.rss_mb), note)
        report.set("idle.frozen_cpu_percent", result.cpu_seconds / result.window_s * 100, note)
        details["frozen"] = _idle_details(result)
    else:
        report.not_measured(["idle.frozen_rss_mb", "idle.frozen_cpu_percent"],
                            "not built (no dist/RingoHunt)")
    report.details["idle"] = details


def _idle_details(result: IdleResult) -> dict[str, Any]:
    return {
        "window_s": round(result.window_s, 1),
        "rss_mb_first_last": [round(result.rss_mb[0], 1), round(result.rss_mb[-1], 1)],
        "cpu_seconds": round(result.cpu_seconds, 3),
        "requests_by_path": dict(Counter(f"{e['method']} {e['path']}"
                                         for e in result.requests)),
    }


def bench_runtime(report: Report, quick: bool) -> None:
    sizes = RuntimeSizes.for_mode(quick)
    bench_first_sync(report, sizes)
    bench_cold_start(report, sizes)
    bench_idle(report, sizes)
    bench_bundle(report, quick=quick)


def main(argv: list[str] | None = None) -> None:
    quick = "--quick" in (sys.argv[1:] if argv is None else argv)
    report = Report("quick" if quick else "full")
    bench_runtime(report, quick)
    figures = {key: figure.value for key, figure in report.figures.items()
               if key.startswith(("sync.", "start.", "idle.", "bundle."))}
    print(json.dumps({"figures": figures, "details": report.details}, indent=2))


if __name__ == "__main__":
    main()
