"""Smoke test of the PyInstaller build: ``python -m benchmarks.frozen_smoke [--dist DIR]``.

Starts the simulator in-process, runs the console twin from ``dist/RingoHunt`` with
``--basedir <tmp> selftest --sim-url <url>`` under ``QT_QPA_PLATFORM=offscreen``, and fails
on a non-zero exit, a failed check or unexpected stderr. Prints the bundle size and the
cold-start time (process start to its first line of output) and the total run time.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIST = ROOT / "dist" / "RingoHunt"
CONSOLE_EXE = "ringohunt-desktop-console" + (".exe" if os.name == "nt" else "")
GUI_EXE = "RingoHunt" + (".exe" if os.name == "nt" else "")
TIMEOUT = 120.0

# stderr lines a healthy frozen run may print (none known today; add with a reason).
ALLOWED_STDERR: tuple[re.Pattern[str], ...] = ()


def bundle_size_mb(dist: Path) -> float:
    total = sum(p.stat().st_size for p in dist.rglob("*") if p.is_file() and not p.is_symlink())
    return total / 1_000_000


def run_selftest(exe: Path, basedir: Path, sim_url: str) -> tuple[int, list[str], str, float,
                                                                      float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    # The user's real settings and keys must not influence the smoke test.
    env = {k: v for k, v in env.items() if not k.startswith("RINGOHUNT_")}
    env["RINGOHUNT_MACHINE_CONFIG"] = os.devnull
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(exe), "--basedir", str(basedir), "selftest", "--sim-url", sim_url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        errors="replace", env=env,
    )
    assert process.stdout is not None
    stderr_pipe = process.stderr
    assert stderr_pipe is not None
    stderr_chunks: list[str] = []
    # Drain stderr on a thread so a chatty child cannot block on a full pipe.
    reader = threading.Thread(target=lambda: stderr_chunks.append(stderr_pipe.read()),
                              daemon=True)
    reader.start()
    lines: list[str] = []
    first_line_at: float | None = None
    for line in process.stdout:
        if first_line_at is None:
            first_line_at = time.perf_counter() - started
        lines.append(line.rstrip("\n"))
        print(f"  | {line.rstrip()}", flush=True)
    code = process.wait(timeout=TIMEOUT)
    total = time.perf_counter() - started
    reader.join(timeout=5)
    process.stdout.close()
    stderr_pipe.close()
    return code, lines, "".join(stderr_chunks), first_line_at or total, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.frozen_smoke")
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST)
    args = parser.parse_args(argv)
    dist: Path = args.dist
    exe = dist / CONSOLE_EXE
    problems: list[str] = []
    for name in (CONSOLE_EXE, GUI_EXE):
        if not (dist / name).is_file():
            problems.append(f"missing {dist / name}")
    if problems:
        print("frozen smoke: FAILED\n  " + "\n  ".join(problems))
        return 1

    sys.path.insert(0, str(ROOT))
    from ringohunt_desktop.simulator import Simulator

    with Simulator() as sim, tempfile.TemporaryDirectory(prefix="ringohunt-smoke-") as tmp:
        print(f"frozen smoke: {exe} against {sim.url}")
        code, lines, stderr, cold, total = run_selftest(exe, Path(tmp), sim.url)
        log_file = Path(tmp) / "logs" / "ringohunt.log"
        if not log_file.is_file():
            problems.append("the frozen app wrote no log file")
    if code != 0:
        problems.append(f"exit code {code}")
    if not any("selftest: passed" in line for line in lines):
        problems.append("no 'selftest: passed' line")
    if (sys.platform.startswith("linux") or os.name == "nt") and not any(
            re.match(r"selftest: hotkeys\s+ok ", line) for line in lines):
        # The system-wide shortcut backend (python-xlib's by-name imports on Linux, user32
        # on Windows) must load from the bundle, not only from a source checkout.
        problems.append("the bundle cannot load the system-wide shortcut backend")
    unexpected = [line for line in stderr.splitlines()
                  if line.strip() and not any(p.search(line) for p in ALLOWED_STDERR)]
    if unexpected:
        problems.append("unexpected stderr:\n    " + "\n    ".join(unexpected[:40]))
    print(f"frozen smoke: bundle {bundle_size_mb(dist):.1f} MB, cold start {cold:.2f} s "
          f"(to first output), selftest total {total:.2f} s")
    if problems:
        print("frozen smoke: FAILED\n  " + "\n  ".join(problems))
        return 1
    print("frozen smoke: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
