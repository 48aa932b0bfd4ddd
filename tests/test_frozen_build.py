"""The rollout build: PyInstaller bundles the app, and the frozen app passes its self-test
(Ukrainian number parsed, secret round-tripped through keyring, simulator reached, Qt up
offscreen, clean quit). This is the CI smoke test of issue 5."""

from __future__ import annotations

import importlib.util
import shutil
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
    slim_icu_tools = all(shutil.which(t) for t in ("icupkg", "objcopy", "nm", "cc"))
    for icu_data in (dist / "RingoHunt").rglob("libicudata.so.*"):
        if slim_icu_tools and not icu_data.is_symlink():
            # The full library is 31 MB; the spec's slim one ~4.5 MB (test_slim_icu.py).
            assert icu_data.stat().st_size < 6_000_000, build.stdout[-4000:]
    code = frozen_smoke.main(["--dist", str(dist / "RingoHunt")])
    output = capsys.readouterr().out
    assert code == 0, output
    assert "frozen smoke: passed" in output
