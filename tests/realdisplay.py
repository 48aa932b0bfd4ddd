"""A real X display for end-to-end tests: Xvfb + the trayer tray host + the app as a process.

Recipe: shared/recipes/real-desktop.md. Tests using this are marked ``realdisplay`` and skip
with the reason when the tools are missing (``python3 .ci/dev.py test`` installs them as
root on Debian).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "screens"
TOOLS = ("Xvfb", "trayer", "xdotool", "import")


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def require_real_display() -> None:
    missing = missing_tools()
    if missing:
        pytest.skip(f"real-display tools missing: {', '.join(missing)}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{number}").exists() and not Path(
                f"/tmp/.X{number}-lock").exists():
            return number
    raise RuntimeError("no free X display number")


def stop_processes(processes: Sequence[subprocess.Popen[Any]]) -> None:
    """Stop helper processes, the last started first; kill what does not end in 5 s."""
    for process in reversed(processes):
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def x_display(*, tray: bool = True, size: str = "1280x800x24") -> Iterator[dict[str, str]]:
    """Start Xvfb (and a tray host); yield the environment that points programs at it."""
    number = _free_display()
    display = f":{number}"
    xvfb = subprocess.Popen(["Xvfb", display, "-screen", "0", size, "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    processes = [xvfb]
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    try:
        deadline = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if time.monotonic() > deadline or xvfb.poll() is not None:
                raise RuntimeError("Xvfb did not start")
            time.sleep(0.05)
        if tray:
            processes.append(subprocess.Popen(
                ["trayer", "--edge", "top", "--align", "right", "--widthtype", "request",
                 "--height", "24", "--transparent", "false", "--tint", "0x2b303b"],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            time.sleep(0.5)
        yield env
    finally:
        stop_processes(processes)


def screenshot(env: dict[str, str], name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    subprocess.run(["import", "-window", "root", str(path)], env=env, check=True, timeout=30)
    return path


def window_ids(env: dict[str, str], name: str) -> list[str]:
    result = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", name], env=env,
                            capture_output=True, text=True, timeout=10, check=False)
    return result.stdout.split()


def wait_until(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def demo_app(env: dict[str, str], basedir: Path, *extra: str,
             command: Sequence[str] = (sys.executable, "-m", "ringohunt_desktop"),
             ) -> Iterator[str]:
    """Run ``ringohunt-desktop --demo`` (or a frozen build: ``command``) on the display;
    yield the simulator's URL."""
    port = free_port()
    app_env = {k: v for k, v in env.items() if not k.startswith("RINGOHUNT_")}
    app_env["RINGOHUNT_MACHINE_CONFIG"] = os.devnull
    app_env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    log = (basedir / "app-output.log").open("w")
    process = subprocess.Popen(
        [*command, "--basedir", str(basedir), "--demo",
         "--demo-port", str(port), "--demo-call-every", "0", *extra],
        env=app_env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        def polling() -> bool:
            try:
                requests = httpx.get(url + "/_sim/requests", timeout=1).json()
            except httpx.HTTPError:
                return False
            return any(r["path"] == "/calls/list" for r in requests)

        wait_until(polling, 30, "the app to start polling the demo simulator")
        yield url
    finally:
        process.terminate()
        try:
            code = process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        log.close()
        output = (basedir / "app-output.log").read_text(errors="replace")
        assert code in (0, -15), f"app exited with {code}:\n{output}"
        assert "Traceback" not in output, output
