"""The benchmark command's quick mode runs and reports every figure, so the harness cannot rot.

Values are never asserted: timings on a shared CI machine are not test material. A figure
may be "not measured" (e.g. no frozen build in this checkout) but it must be printed, with
its target, and no section may crash.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.report import FIGURE_KEYS

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


def test_quick_benchmarks_print_every_figure_in_the_table_and_the_json() -> None:
    run = subprocess.run([sys.executable, "-m", "benchmarks", "--quick"], cwd=ROOT,
                         capture_output=True, text=True, encoding="utf-8", timeout=540,
                         check=False)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-8000:]
    table, brace, json_text = run.stdout.partition("\n{\n")
    assert brace, run.stdout[-4000:]
    report = json.loads(brace.lstrip("\n") + json_text)

    assert report["mode"] == "quick"
    assert report["details"]["failures"] == {}
    assert set(report["figures"]) == set(FIGURE_KEYS)
    for key in FIGURE_KEYS:
        assert key in table, f"{key} missing from the table"
        figure = report["figures"][key]
        assert {"value", "unit", "target", "status", "note"} <= set(figure), key
        assert figure["status"] in ("pass", "miss", "info", "not measured"), key
        if figure["status"] == "not measured":
            assert figure["note"], f"{key} is not measured and does not say why"
    for field in ("date", "cpus", "python", "qt"):
        assert field in report["machine"]


def test_an_empty_report_lists_every_figure_as_not_measured() -> None:
    from benchmarks.report import Report, dumps

    empty = json.loads(dumps(Report("quick")))
    assert set(empty["figures"]) == set(FIGURE_KEYS)
    assert all(f["status"] == "not measured" for f in empty["figures"].values())


def test_without_nats_server_the_scale_section_says_so_instead_of_failing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import bench_scale
    from benchmarks.report import Report

    monkeypatch.setattr(bench_scale, "nats_server_binary", lambda: None)
    report = Report("quick")
    bench_scale.bench_scale(report, quick=True)
    scale_keys = [key for key in FIGURE_KEYS if key.startswith("scale.")]
    assert sorted(scale_keys) == sorted(bench_scale.SCALE_KEYS)
    for key in scale_keys:
        figure = report.figures[key]
        assert figure.status == "not measured", key
        assert "nats-server is not installed" in figure.note, key
