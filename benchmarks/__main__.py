"""Every benchmark in one run: ``python -m benchmarks [--quick] [--json-only]``.

Prints a table (each figure beside its target from the issues) and then one JSON object with
every figure; ``--json-only`` prints just the JSON. Progress goes to stderr. ``--quick`` uses
small data and short windows (CI runs it so the harness cannot rot; its numbers are not the
ones to quote). Exits 1 when a section failed to run (its figures say so); a missed target is
a finding, not a failure.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable

from benchmarks.report import Report, dumps

Section = tuple[str, tuple[str, ...], Callable[[Report, bool], None]]


def _store(report: Report, quick: bool) -> None:
    from benchmarks.bench_store import bench_contact_search, bench_journal

    contacts, queries, calls, journal_contacts = ((10_000, 50, 5_000, 2_000) if quick
                                                  else (100_000, 200, 50_000, 20_000))
    search = bench_contact_search(n=contacts, queries=queries)
    scale = " (quick: smaller than the 100,000 of the target)" if quick else ""
    note = f"{contacts:,} contacts, {queries} queries{scale}"
    report.set("store.search_p95_ms", search["search_p95_ms"], note)
    report.set("store.like_p95_ms", search["like_p95_ms"], note)
    report.set("store.search_speedup_p95_x", search["speedup_p95"], note)
    journal = bench_journal(n=calls, contacts=journal_contacts)
    scale = " (quick: smaller than the 50,000 of the target)" if quick else ""
    note = f"{calls:,} calls{scale}"
    report.set("journal.open_ms", journal["open_first_page_ms"], note)
    slowest = max(journal["filter_ms"], key=journal["filter_ms"].get)
    report.set("journal.filter_max_ms", journal["filter_max_ms"], f"{note}; slowest: {slowest}")
    report.details["contact_search"] = search
    report.details["journal"] = journal


def _hygiene(report: Report, quick: bool) -> None:
    from benchmarks.bench_hygiene import bench_audit

    contacts = 10_000 if quick else 100_000
    result = bench_audit(n=contacts)
    scale = " (quick: smaller than the 100,000 of the target)" if quick else ""
    report.set("hygiene.audit_s", result["audit_first_s"],
               f"{contacts:,} contacts, messy numbers; median of re-runs "
               f"{result['audit_median_s']} s{scale}")
    report.details["hygiene_audit"] = result


def _inbox(report: Report, quick: bool) -> None:
    from benchmarks.bench_inbox import OPENS, bench_inbox

    missed, others, contacts = (1_000, 4_000, 1_000) if quick else (5_000, 20_000, 5_000)
    result = bench_inbox(missed=missed, others=others, contacts=contacts)
    scale = " (quick: smaller than the 5,000 of the target)" if quick else ""
    note = (f"{missed:,} missed calls among {missed + others:,} project calls, "
            f"{result['rows']:,} rows{scale}")
    report.set("inbox.open_ms", result["open_ms"],
               f"{note}; median of {OPENS} opens, slowest {result['open_max_ms']} ms, "
               f"CPU {result['open_cpu_ms']} ms")
    report.set("inbox.refresh_p95_ms", result["refresh_p95_ms"],
               f"{note}; median {result['refresh_median_ms']} ms")
    report.details["inbox"] = result


def _claims(report: Report, quick: bool) -> None:
    from benchmarks.bench_claims import bench_claims, record

    result = bench_claims(quick)
    record(report, result)
    report.details["claims"] = result


def _pop(report: Report, quick: bool) -> None:
    from benchmarks.bench_pop import bench_pop

    bench_pop(report, quick)


def _subscribed_pop(report: Report, quick: bool) -> None:
    from benchmarks.bench_subscribed_pop import bench_subscribed_pop

    bench_subscribed_pop(report, quick)


def _runtime(report: Report, quick: bool) -> None:
    from benchmarks.bench_runtime import RuntimeSizes, bench_first_sync

    bench_first_sync(report, RuntimeSizes.for_mode(quick))


def _processes(report: Report, quick: bool) -> None:
    from benchmarks.bench_runtime import RuntimeSizes, bench_bundle, bench_cold_start, bench_idle

    sizes = RuntimeSizes.for_mode(quick)
    bench_cold_start(report, sizes)
    bench_idle(report, sizes)
    bench_bundle(report, quick=quick)


def _scale(report: Report, quick: bool) -> None:
    from benchmarks.bench_scale import bench_scale

    bench_scale(report, quick)


SECTIONS: tuple[Section, ...] = (
    ("screen pop and poll detection", ("pop.", "poll."), _pop),
    ("ring to panel in subscription mode", ("subscription.",), _subscribed_pop),
    ("first contact sync", ("sync.",), _runtime),
    ("local store", ("store.", "journal."), _store),
    ("phone-number audit", ("hygiene.",), _hygiene),
    ("missed-call inbox", ("inbox.",), _inbox),
    ("missed-call inbox claims", ("claims.",), _claims),
    ("cold start, idle, bundle", ("start.", "idle.", "bundle."), _processes),
    ("subscription mode at scale", ("scale.",), _scale),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true",
                        help="small data, short windows (CI; under a minute)")
    parser.add_argument("--json-only", action="store_true", help="print only the JSON object")
    args = parser.parse_args(argv)
    report = Report("quick" if args.quick else "full")
    failures: dict[str, str] = {}
    started = time.perf_counter()
    for name, prefixes, run in SECTIONS:
        print(f"[benchmarks] {name}…", file=sys.stderr, flush=True)
        section_started = time.perf_counter()
        try:
            run(report, args.quick)
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            failures[name] = f"{type(exc).__name__}: {exc}"
            keys = [key for key in report.figures if key.startswith(prefixes)]
            report.not_measured(keys, f"not measured ({name} failed: {type(exc).__name__})")
        print(f"[benchmarks] {name}: {time.perf_counter() - section_started:.1f} s",
              file=sys.stderr, flush=True)
    report.details["total_s"] = round(time.perf_counter() - started, 1)
    report.details["failures"] = failures
    if not args.json_only:
        mode = "quick mode (small data; not the figures to quote)" if args.quick else "full"
        print(f"RingoHunt benchmarks, {mode}, {report.details['total_s']} s\n")
        print(report.table())
        print()
    print(dumps(report))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
