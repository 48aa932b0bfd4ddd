"""The agent's shift on a real display, in English and in Ukrainian (issue 13): four calls in
the corner of a 1000 px-high screen, the keys refused mid-shift, a first run on a computer
without a password store. Screenshots go to artifacts/screens/shift_*_<language>.png."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from ringohunt_desktop import phone
from ringohunt_desktop.simulator.people import known
from tests.realdisplay import (
    demo_app,
    require_real_display,
    screenshot,
    wait_until,
    window_ids,
    x_display,
)

pytestmark = [pytest.mark.realdisplay, pytest.mark.slow]

LANGUAGES = {
    "en": {"LANG": "en_US.UTF-8", "LANGUAGE": "en", "LC_ALL": "en_US.UTF-8"},
    "uk": {"LANG": "uk_UA.UTF-8", "LANGUAGE": "uk", "LC_ALL": "uk_UA.UTF-8"},
}
STOPPED_TITLE = "Pop-ups stopped|Спливні вікна зупинено"
WIZARD_TITLE = "Set up RingoHunt|Початкове налаштування RingoHunt"
CALLERS = ("olena_koval", "ivan_petrenko", "natalia_bondar", "warsaw")


@pytest.fixture(autouse=True)
def _needs_display() -> None:
    require_real_display()


def ring(url: str, caller: str) -> None:
    response = httpx.post(url + "/_sim/ring", json={"caller": caller, "ring_seconds": 120,
                                                     "talk_seconds": 30}, timeout=5)
    response.raise_for_status()


def panel_title(key: str) -> str:
    shown = phone.display_number(phone.caller_e164(known(key).phones[0], "UA") or "", "UA")
    return shown.replace("+", r"\+")


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_four_calls_then_the_keys_refused(basedir: Path, language: str) -> None:
    with x_display(size="1280x1000x24") as display_env:
        env = {**display_env, **LANGUAGES[language]}
        with demo_app(env, basedir, "--minimized") as url:
            for key in CALLERS:
                ring(url, known(key).phones[0])
                wait_until(lambda key=key: window_ids(env, panel_title(key)), 20,
                           f"the panel for {key}")
            time.sleep(2)  # the CRM names fill in; let them paint
            screenshot(env, f"shift_four_calls_{language}")

            httpx.post(url + "/_sim/faults", json={"service": "ringostat",
                                                   "auth_revoked": True}, timeout=5)
            wait_until(lambda: window_ids(env, STOPPED_TITLE), 60, "the pop-ups-stopped notice")
            time.sleep(1)
            shot = screenshot(env, f"shift_keys_refused_{language}")
    assert shot.stat().st_size > 10_000


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_first_run_without_a_password_store(basedir: Path, language: str) -> None:
    with x_display() as display_env:
        env = {k: v for k, v in display_env.items() if not k.startswith("RINGOHUNT_")}
        env.update(LANGUAGES[language])
        env["RINGOHUNT_MACHINE_CONFIG"] = os.devnull
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
        log_path = basedir / "app-output.log"
        with log_path.open("w") as log:
            app = subprocess.Popen([sys.executable, "-m", "ringohunt_desktop", "--basedir",
                                    str(basedir / "app")],
                                   env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: window_ids(env, WIZARD_TITLE), 30, "the first-run wizard")
            time.sleep(1.5)
            shot = screenshot(env, f"shift_wizard_no_keychain_{language}")
            # The wizard alone: no empty contact book over it.
            assert not window_ids(env, "^Contacts$|^Контакти$")
        finally:
            app.terminate()
            app.wait(timeout=15)
        output = log_path.read_text(errors="replace")
        assert "Traceback" not in output, output
    assert shot.stat().st_size > 10_000
