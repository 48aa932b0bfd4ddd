"""A setting the app cannot start with, started from the desktop: the refusal is a window
in the agent's language, not only a line on a console a windowed build does not have.
Screenshots: artifacts/screens/startup_bad_setting_<language>.png."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.realdisplay import require_real_display, screenshot, wait_until, window_ids, x_display

pytestmark = [pytest.mark.realdisplay, pytest.mark.slow]

LANGUAGES = {
    "en": ({"LANG": "en_US.UTF-8", "LANGUAGE": "en", "LC_ALL": "en_US.UTF-8"},
           "RingoHunt cannot start"),
    "uk": ({"LANG": "uk_UA.UTF-8", "LANGUAGE": "uk", "LC_ALL": "uk_UA.UTF-8"},
           "RingoHunt не може запуститися"),
}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_a_bad_setting_is_said_in_a_window_and_the_app_exits_2(basedir: Path,
                                                                language: str) -> None:
    require_real_display()
    locale_env, _headline = LANGUAGES[language]
    with x_display(tray=False) as display_env:
        env = {k: v for k, v in display_env.items() if not k.startswith("RINGOHUNT_")}
        env.update(locale_env)
        env.update(RINGOHUNT_MACHINE_CONFIG=os.devnull,
                   PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
                   RINGOHUNT_CALL_SOURCE="carrier-pigeon")
        process = subprocess.Popen(
            [sys.executable, "-m", "ringohunt_desktop", "--basedir", str(basedir)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_until(lambda: window_ids(env, "^RingoHunt Desktop$"), 30, "the refusal window")
            screenshot(env, f"startup_bad_setting_{language}")
            # No window manager on this display: focus the window by hand, as a click would.
            window = window_ids(env, "^RingoHunt Desktop$")[0]
            subprocess.run(["xdotool", "windowfocus", "--sync", window, "key", "Return"],
                           env=env, timeout=10, check=False)
            _out, err = process.communicate(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert process.returncode == 2
    assert "call_source" in err
    assert "Traceback" not in err
