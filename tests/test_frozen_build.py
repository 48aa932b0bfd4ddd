"""The rollout build: PyInstaller bundles the app, and the frozen app passes its self-test
(Ukrainian number parsed, secret round-tripped through keyring, simulator reached, Qt up
offscreen, clean quit). This is the CI smoke test of issue 5."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import frozen_smoke

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def test_one_folder_bundle_builds_and_passes_the_smoke_test(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]
                                                             ) -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -e .[build])")
    dist, work = tmp_path / "dist", tmp_path / "build"
    build = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(ROOT / "build.spec")],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert build.returncode == 0, build.stdout[-4000:] + build.stderr[-4000:]
    code = frozen_smoke.main(["--dist", str(dist / "RingoHunt")])
    output = capsys.readouterr().out
    assert code == 0, output
    assert "frozen smoke: passed" in output
