"""Figures, their targets, and the two ways they are printed: a table and one JSON object.

Every figure the benchmark command can produce is declared once in :data:`FIGURES` (key,
label, unit, target), so a figure that could not be measured still appears, saying why, and
the quick-mode test can check that every key is printed.
"""

from __future__ import annotations

import json
import math
import operator
import os
import platform
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal

Status = Literal["pass", "miss", "info", "not measured"]
_COMPARE: Final[dict[str, Callable[[float, float], bool]]] = {
    "<=": operator.le, ">=": operator.ge,
}


@dataclass(frozen=True, slots=True)
class Target:
    """``value <op> threshold`` passes; ``text`` is how the issues word it."""

    op: Literal["<=", ">="]
    threshold: float
    text: str

    def met_by(self, value: float) -> bool:
        return _COMPARE[self.op](value, self.threshold)


@dataclass(frozen=True, slots=True)
class FigureSpec:
    key: str
    label: str
    unit: str
    target: Target | None = None  # None: reported for context, no target in the issues


def _le(threshold: float, text: str | None = None) -> Target:
    return Target("<=", threshold, text or f"≤ {threshold:g}")


POLL_INTERVAL_S: Final = 1.5
DETECTION_TARGET_MS: Final = POLL_INTERVAL_S * 1000 + 100

FIGURES: Final[tuple[FigureSpec, ...]] = (
    # Screen pop, in one process, synthetic ringing event → panel painted (issue 3).
    FigureSpec("pop.first_number_ms", "first pop after start: event → number painted", "ms"),
    FigureSpec("pop.hit.number_p50_ms", "cache hit: event → number painted p50", "ms",
               _le(50)),
    FigureSpec("pop.hit.number_p95_ms", "cache hit: event → number painted p95", "ms",
               _le(50)),
    FigureSpec("pop.hit.name_p50_ms", "cache hit: event → name painted p50", "ms"),
    FigureSpec("pop.hit.name_p95_ms", "cache hit: event → name painted p95", "ms", _le(50)),
    FigureSpec("pop.miss.number_p50_ms", "cache miss: event → number painted p50", "ms",
               _le(50)),
    FigureSpec("pop.miss.number_p95_ms", "cache miss: event → number painted p95", "ms",
               _le(50)),
    FigureSpec("pop.miss.name_p50_ms", "cache miss: event → name painted p50", "ms"),
    FigureSpec("pop.miss.name_p95_ms", "cache miss: event → name painted p95", "ms"),
    FigureSpec("pop.naive.number_p95_ms", "naive (CRM API every call): number painted p95",
               "ms", _le(50)),
    FigureSpec("pop.naive.name_p50_ms", "naive (CRM API every call): name painted p50", "ms"),
    FigureSpec("pop.naive.name_p95_ms", "naive (CRM API every call): name painted p95", "ms"),
    FigureSpec("pop.naive_over_index.name_p50_x", "naive ÷ local index, name painted p50",
               "×"),
    FigureSpec("pop.naive_over_index.name_p95_x", "naive ÷ local index, name painted p95",
               "×"),
    FigureSpec("pop.nethunt_latency_ms", "NetHunt latency injected (/_sim/faults)", "ms"),
    # The whole path: a call rung in the simulator, found by the poller (issue 3).
    FigureSpec("poll.event_to_number_p95_ms", "polled event → number painted p95", "ms",
               _le(50)),
    FigureSpec("poll.detection_p50_ms", "poll mode: /_sim/ring → panel painted p50", "ms"),
    FigureSpec("poll.detection_p95_ms",
               f"poll mode: /_sim/ring → panel painted p95 (target: interval "
               f"{POLL_INTERVAL_S:g} s + 100 ms)", "ms", _le(DETECTION_TARGET_MS)),
    # Subscription mode (issue 11), through benchmarks/bench_subscribed_pop.py.
    FigureSpec("subscription.ring_to_panel_p50_ms",
               "subscription: /_sim/ring → webhook → relay → broker → panel painted p50", "ms"),
    FigureSpec("subscription.ring_to_panel_p95_ms",
               "subscription: /_sim/ring → webhook → relay → broker → panel painted p95", "ms",
               _le(150.0)),
    # The team inbox's claims (issue 14), through benchmarks/bench_claims.py.
    FigureSpec("claims.visible_p50_ms", "inbox claim: one agent claims → another sees it p50",
               "ms"),
    FigureSpec("claims.visible_p95_ms", "inbox claim: one agent claims → another sees it p95",
               "ms", _le(2000)),
    FigureSpec("claims.release_visible_p95_ms",
               "inbox claim released → another sees it p95", "ms", _le(2000)),
    # Local store (issue 4), through benchmarks/bench_store.py.
    FigureSpec("store.search_p95_ms", "contact search p95", "ms", _le(5)),
    FigureSpec("store.like_p95_ms", "LIKE '%…%' scan p95 (baseline)", "ms"),
    FigureSpec("store.search_speedup_p95_x", "search speed-up over LIKE, p95", "×",
               Target(">=", 20, "≥ 20")),
    FigureSpec("journal.open_ms", "journal open (new connection + first page)", "ms",
               _le(200)),
    FigureSpec("journal.filter_max_ms", "journal slowest filter", "ms", _le(20)),
    # Phone-number hygiene (issue 15), through benchmarks/bench_hygiene.py.
    FigureSpec("hygiene.audit_s", "phone-number audit from the local index (first run)", "s",
               _le(2.0)),
    # The team's missed-call inbox (issue 14), through benchmarks/bench_inbox.py.
    FigureSpec("inbox.open_ms", "missed-call inbox open (new connection, rows, names, table)",
               "ms", _le(50)),
    FigureSpec("inbox.refresh_p95_ms", "missed-call inbox refresh after a new call, p95", "ms",
               _le(50)),
    # First contact sync (issue 4).
    FigureSpec("sync.first_sync_s", "first contact sync", "s"),
    FigureSpec("sync.max_ui_stall_ms", "longest UI stall during first sync", "ms", _le(50)),
    FigureSpec("sync.idle_max_gap_ms", "longest 5 ms-timer gap, loop idle (noise floor)",
               "ms"),
    # Process start and idle (issue 5).
    FigureSpec("start.demo_cold_start_s", "cold start to polling, python -m (demo)", "s"),
    FigureSpec("start.frozen_cold_start_s", "cold start to polling, frozen (demo)", "s",
               _le(1.0)),
    FigureSpec("idle.rss_mb", "idle RSS (max over window), python -m", "MB", _le(100)),
    FigureSpec("idle.cpu_percent", "idle CPU (one core = 100 %), python -m", "%",
               _le(1.0, "≈ 0 (≤ 1)")),
    FigureSpec("idle.requests_per_min", "API requests per minute, idle", "/min"),
    FigureSpec("idle.frozen_rss_mb", "idle RSS (max over window), frozen", "MB", _le(100)),
    FigureSpec("idle.frozen_cpu_percent", "idle CPU (one core = 100 %), frozen", "%",
               _le(1.0, "≈ 0 (≤ 1)")),
    FigureSpec("bundle.size_mb", "frozen bundle size (this machine: Linux)", "MB", _le(90)),
    FigureSpec("bundle.windows_estimate_mb", "frozen bundle size, Windows (estimate)", "MB",
               _le(90)),
    # Subscription mode at call-centre scale (issue 11): 3 NATS nodes, 2 relays, 500 desktops.
    FigureSpec("scale.events_lost", "scale: events lost (accepted by a relay, never at the "
               "desktop)", "events", _le(0, "0")),
    FigureSpec("scale.events_shown_twice", "scale: events shown twice (tracker)", "events",
               _le(0, "0")),
    FigureSpec("scale.latency_p50_ms", "scale: webhook received → event at desktop p50", "ms"),
    FigureSpec("scale.latency_p95_ms", "scale: webhook received → event at desktop p95", "ms",
               _le(100)),
    FigureSpec("scale.latency_p99_ms", "scale: webhook received → event at desktop p99", "ms"),
    FigureSpec("scale.latency_from_send_p95_ms",
               "scale: webhook sent → event at desktop p95 (generator's clock)", "ms"),
    FigureSpec("scale.ringostat_requests_per_min",
               "scale: Ringostat requests per minute, all desktops, subscription", "/min",
               _le(500, "≤ 1 per desktop: 500")),
    FigureSpec("scale.ringostat_requests_per_desktop_min",
               "scale: Ringostat requests per minute per desktop, subscription", "/min",
               _le(1)),
    FigureSpec("scale.poll_mode_requests_per_min",
               "scale: Ringostat requests per minute, same desktops, poll mode", "/min"),
    FigureSpec("scale.memory_per_desktop_mb", "scale: memory per connected desktop (worker "
               "RSS ÷ desktops)", "MB"),
    FigureSpec("scale.memory_per_desktop_marginal_mb",
               "scale: memory per connected desktop, less the interpreter", "MB"),
    FigureSpec("scale.relay_cpu_s_per_1000_webhooks", "scale: relay CPU per 1,000 webhooks",
               "s"),
    FigureSpec("scale.webhooks_sent", "scale: webhooks answered by the relays", "requests"),
    FigureSpec("scale.caught_up_after_offline",
               "scale: events caught up by desktops back from 30 s offline", "events"),
)
FIGURE_KEYS: Final[tuple[str, ...]] = tuple(spec.key for spec in FIGURES)
_SPECS: Final[dict[str, FigureSpec]] = {spec.key: spec for spec in FIGURES}


@dataclass(slots=True)
class Figure:
    spec: FigureSpec
    value: float | None = None
    note: str = ""  # how it was measured (n, mode) or why it was not

    @property
    def status(self) -> Status:
        if self.value is None or math.isnan(self.value):
            return "not measured"
        if self.spec.target is None:
            return "info"
        return "pass" if self.spec.target.met_by(self.value) else "miss"

    def as_json(self) -> dict[str, Any]:
        target = self.spec.target
        return {
            "label": self.spec.label,
            "value": self.value,
            "unit": self.spec.unit,
            "target": None if target is None else {
                "op": target.op, "value": target.threshold, "text": target.text},
            "status": self.status,
            "note": self.note,
        }


@dataclass(slots=True)
class Report:
    """Collects figures as the benchmarks run; unmeasured ones keep a reason."""

    mode: str
    figures: dict[str, Figure] = field(
        default_factory=lambda: {key: Figure(spec) for key, spec in _SPECS.items()})
    details: dict[str, Any] = field(default_factory=dict)

    def set(self, key: str, value: float | None, note: str = "") -> None:
        figure = self.figures[key]  # KeyError: an undeclared figure is a bug
        figure.value = None if value is None else round(float(value), 3)
        figure.note = note

    def not_measured(self, keys: Iterable[str], reason: str) -> None:
        for key in keys:
            if self.figures[key].value is None:
                self.figures[key].note = reason

    def as_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "machine": machine_description(),
            "figures": {key: figure.as_json() for key, figure in self.figures.items()},
            "details": self.details,
        }

    def table(self) -> str:
        rows = [("figure", "value", "target", "status", "key / note")]
        for key, figure in self.figures.items():
            spec = figure.spec
            value = "—" if figure.value is None else f"{_short(figure.value)} {spec.unit}"
            target = "—" if spec.target is None else f"{spec.target.text} {spec.unit}"
            note = key + (f"  ({figure.note})" if figure.note else "")
            rows.append((spec.label, value, target, figure.status, note))
        widths = [max(len(row[col]) for row in rows) for col in range(4)]
        lines = []
        for index, row in enumerate(rows):
            cells = [row[col].ljust(widths[col]) for col in range(4)]
            lines.append(" | ".join([*cells, row[4]]).rstrip())
            if index == 0:
                lines.append("-+-".join("-" * width for width in widths) + "-+-" + "-" * 20)
        return "\n".join(lines)

    def markdown_table(self) -> str:
        lines = ["| Figure | Value | Target | Status | Key / note |",
                 "|---|---|---|---|---|"]
        for key, figure in self.figures.items():
            spec = figure.spec
            value = "—" if figure.value is None else f"{_short(figure.value)} {spec.unit}"
            target = "—" if spec.target is None else f"{spec.target.text} {spec.unit}"
            note = f"`{key}`" + (f" ({figure.note})" if figure.note else "")
            lines.append(f"| {spec.label} | {value} | {target} | {figure.status} | {note} |")
        return "\n".join(lines)


def _short(value: float) -> str:
    if value.is_integer() and abs(value) < 1e9:
        return f"{value:.0f}"  # counts, and whole values, without decimals
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (the same rule as bench_store)."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def machine_description() -> dict[str, Any]:
    """What the numbers were measured on."""
    description: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "ram_gb": _ram_gb(),
        "python": sys.version.split()[0],
    }
    try:
        import PySide6
        from PySide6.QtCore import qVersion

        description["pyside6"] = PySide6.__version__
        description["qt"] = qVersion()
    except ImportError:  # pragma: no cover - the app cannot run without it anyway
        pass
    return description


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def _ram_gb() -> float | None:
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    return None


def dumps(report: Report) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False, indent=2)
