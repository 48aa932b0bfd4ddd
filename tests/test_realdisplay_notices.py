"""Issue 13 on a real display (Xvfb has no compositor), in English and in Ukrainian: the panel's
rounded corners paint no black squares, a notice folds into the panel stack below the panels,
and the journal says which missed call was called back. Screenshots:
artifacts/screens/panel_corners_<language>.png, shift_stack_notice_<language>.png,
shift_journal_called_back_<language>.png."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ringohunt_desktop.simulator.people import known
from tests.realdisplay import (
    ARTIFACTS,
    demo_app,
    require_real_display,
    screenshot,
    wait_until,
    window_ids,
    x_display,
)
from tests.test_realdisplay_shift import LANGUAGES, panel_title, ring

pytestmark = [pytest.mark.realdisplay, pytest.mark.slow]

DESKTOP = (200, 208, 220)  # a light desktop, so a black corner cannot hide on black
CALL_PLACED = "^(Call placed|Дзвінок розпочато|Calling…|Виклик…)$"
JOURNAL_TITLE = "^(Call journal|Журнал дзвінків)$"


@pytest.fixture(autouse=True)
def _needs_display() -> None:
    require_real_display()


def paint_desktop(env: dict[str, str], basedir: Path) -> None:
    background = basedir / "desktop.png"
    subprocess.run(["convert", "-size", "64x64", "xc:rgb({},{},{})".format(*DESKTOP),
                    str(background)], check=True, timeout=30)
    # ImageMagick sets the root window's background and exits with 1 even then: the
    # screenshots' desktop pixels are what prove it.
    subprocess.run(["display", "-window", "root", str(background)], env=env, check=False,
                    timeout=30, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def geometry(env: dict[str, str], window: str) -> tuple[int, int, int, int]:
    out = subprocess.run(["xdotool", "getwindowgeometry", window], env=env, check=True,
                         capture_output=True, text=True, timeout=10).stdout
    position = re.search(r"Position: (\d+),(\d+)", out)
    size = re.search(r"Geometry: (\d+)x(\d+)", out)
    assert position is not None, out
    assert size is not None, out
    return (int(position.group(1)), int(position.group(2)), int(size.group(1)),
            int(size.group(2)))


def pixel(image: Path, x: int, y: int) -> tuple[int, int, int]:
    out = subprocess.run(["convert", str(image), "-format", f"%[pixel:p{{{x},{y}}}]", "info:"],
                         check=True, capture_output=True, text=True, timeout=30).stdout
    numbers = [float(n) for n in re.findall(r"[\d.]+", out)]
    if out.startswith("black"):
        return (0, 0, 0)
    if out.startswith("white"):
        return (255, 255, 255)
    assert len(numbers) >= 3, out
    scale = 2.55 if "%" in out else 1.0
    r, g, b = numbers[:3]
    return (round(r * scale), round(g * scale), round(b * scale))


def dial_from_a_link(env: dict[str, str], basedir: Path, number: str) -> None:
    """A tel: link opened while the app runs: a second launch hands it over."""
    link_env = {k: v for k, v in env.items() if not k.startswith("RINGOHUNT_")}
    link_env["RINGOHUNT_MACHINE_CONFIG"] = os.devnull
    link_env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    subprocess.run([sys.executable, "-m", "ringohunt_desktop", "--basedir", str(basedir),
                    f"tel:{number}"], env=link_env, check=True, timeout=60,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_corners_and_a_notice_in_the_stack(basedir: Path, language: str) -> None:
    with x_display(size="1280x1000x24") as display_env:
        env = {**display_env, **LANGUAGES[language]}
        paint_desktop(env, basedir)
        with demo_app(env, basedir, "--minimized") as url:
            httpx.post(url + "/_sim/ringostat/config", json={"outward_answer_seconds": 60},
                       timeout=5).raise_for_status()
            for key in ("olena_koval", "ivan_petrenko"):
                ring(url, known(key).phones[0])
                wait_until(lambda key=key: window_ids(env, panel_title(key)), 20,
                           f"the panel for {key}")
            dial_from_a_link(env, basedir, "+380441234567")
            wait_until(lambda: window_ids(env, CALL_PLACED), 20, "the notice in the stack")
            time.sleep(1.5)  # the CRM names fill in; let them paint
            shot = screenshot(env, f"shift_stack_notice_{language}")
            (panel,) = window_ids(env, panel_title("ivan_petrenko"))
            x, y, width, height = geometry(env, panel)
            notices = window_ids(env, CALL_PLACED)
            notice_boxes = [geometry(env, notice) for notice in notices]

    # The panel's corners show the desktop (or the card's edge), never black squares.
    for cx, cy in ((x, y), (x + width - 1, y), (x, y + height - 1),
                   (x + width - 1, y + height - 1)):
        assert pixel(shot, cx, cy) != (0, 0, 0), (cx, cy)
        assert pixel(shot, cx, cy) == DESKTOP, (cx, cy)
    subprocess.run(["convert", str(shot), "-crop", f"{width + 40}x{height + 40}+{x - 20}+{y - 20}",
                    "+repage", "-scale", "200%", str(ARTIFACTS / f"panel_corners_{language}.png")],
                   check=True, timeout=30)
    # The notice sits in the stack's column, clear of the panel.
    for nx, ny, nwidth, nheight in notice_boxes:
        assert abs(nx - x) <= 1
        assert nwidth == width
        assert ny >= y + height or ny + nheight <= y
        assert pixel(shot, nx, ny) == DESKTOP


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_the_journal_says_who_was_called_back(basedir: Path, language: str) -> None:
    called_back, still_waiting = "+380931110077", "+380931110088"
    with x_display(size="1280x1000x24") as display_env:
        env = {**display_env, **LANGUAGES[language]}
        paint_desktop(env, basedir)
        with demo_app(env, basedir, "--minimized") as url:
            httpx.post(url + "/_sim/ringostat/config", json={"outward_answer_seconds": 1,
                                                   "outward_talk_seconds": 2},
                       timeout=5).raise_for_status()
            for number in (called_back, still_waiting):
                httpx.post(url + "/_sim/ring", json={"caller": number, "outcome": "missed",
                                                     "ring_seconds": 1}, timeout=5)
            time.sleep(4)  # both missed calls end and reach the journal
            dial_from_a_link(env, basedir, called_back)
            time.sleep(6)  # the call-back is answered and ends
            # A click on the tray icon opens the journal while a number waits.
            subprocess.run(["xdotool", "mousemove", "1268", "12", "click", "1"], env=env,
                           check=True, timeout=10)
            wait_until(lambda: window_ids(env, JOURNAL_TITLE), 20, "the journal")
            time.sleep(2)
            shot = screenshot(env, f"shift_journal_called_back_{language}")
    assert shot.stat().st_size > 10_000
