"""How late a pop is: from the moment Ringostat reported the call to the moment this desktop
acted on it. No Qt: the ``watch`` command prints it, the panel and the tray show it.

Two clocks meet here (Ringostat's or the relay's, and this PC's), so a figure is only given
when it is plausible: a few seconds "before" the report is clock drift we can ignore; more
than that, or more than :data:`MAX_PLAUSIBLE` after, means the clocks differ and the figure
would mislead, so it is reported as such instead of a negative or absurd number.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

CLOCK_TOLERANCE = timedelta(seconds=2)
MAX_PLAUSIBLE = timedelta(minutes=10)
MAX_SAMPLES_PER_DAY = 10_000


@dataclass(frozen=True, slots=True)
class Delay:
    """``seconds`` when both clocks agree well enough; otherwise None and why."""

    seconds: float | None
    clocks_differ: bool = False  # the figure would be negative or absurd
    unknown: bool = False  # the source cannot say when Ringostat reported it


def delay_between(reported_at: datetime | None, seen_at: datetime | None) -> Delay:
    if reported_at is None or seen_at is None:
        return Delay(None, unknown=True)
    if reported_at.tzinfo is None or seen_at.tzinfo is None:
        return Delay(None, unknown=True)  # a naive time has no place on this clock
    gap = seen_at - reported_at
    if gap < -CLOCK_TOLERANCE or gap > MAX_PLAUSIBLE:
        return Delay(None, clocks_differ=True)
    return Delay(max(gap.total_seconds(), 0.0))


@dataclass
class DailyLatency:
    """Pop delays of one day (a new day starts afresh): median and 95th percentile."""

    day: date | None = None
    samples: list[float] = field(default_factory=list)
    clocks_differ: int = 0

    def add(self, delay: Delay, today: date) -> None:
        if today != self.day:
            self.day, self.samples, self.clocks_differ = today, [], 0
        if delay.seconds is not None:
            if len(self.samples) < MAX_SAMPLES_PER_DAY:
                self.samples.append(delay.seconds)
        elif delay.clocks_differ:
            self.clocks_differ += 1

    def summary(self, today: date) -> dict[str, float | int] | None:
        """Today's figures for the diagnostics: median, p95, count, clock mismatches."""
        figures = self.figures(today)
        if figures is None:
            return None if self.day != today or not self.clocks_differ else {
                "clocks_differ": self.clocks_differ}
        median, p95, count = figures
        return {"median_s": round(median, 3), "p95_s": round(p95, 3), "count": count,
                "clocks_differ": self.clocks_differ}

    def figures(self, today: date) -> tuple[float, float, int] | None:
        """(median, p95, count) of today's pops, or None before the first one."""
        if self.day != today or not self.samples:
            return None
        ordered = sorted(self.samples)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return statistics.median(ordered), p95, len(ordered)


__all__ = ["CLOCK_TOLERANCE", "MAX_PLAUSIBLE", "DailyLatency", "Delay", "delay_between"]
