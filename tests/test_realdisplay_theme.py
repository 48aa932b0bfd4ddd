"""The system's look on a real X display (issue 16): the app as a process follows the
desktop's GTK theme the way it does under GNOME, through Qt's own gtk3 platform theme.

The test plays the desktop, not the app: it picks the GTK theme (Adwaita, Adwaita:dark, the
HighContrast theme GTK ships) and the desktop font (GTK's settings.ini; "Sans 15" is 150 % of
GTK's default "Sans 10"). The app has no option for any of this. A call pops, and the screen
(contact book + panel) goes to artifacts/screens/theme_real_<look>_<language>.png; the panel's
card is sampled on that screenshot to prove the colours really changed. A second test switches
the desktop's theme under the running app (XSETTINGS, as GNOME does) and watches the same panel
repaint: artifacts/screens/theme_real_live_<step>_<language>.png.
"""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from PySide6.QtGui import QImage

from ringohunt_desktop import phone
from ringohunt_desktop.simulator.people import known
from ringohunt_desktop.ui import theme
from ringohunt_desktop.ui.insider_panel import PANEL_WIDTH
from tests.realdisplay import (
    demo_app,
    require_real_display,
    screenshot,
    wait_until,
    window_ids,
    x_display,
)

pytestmark = [pytest.mark.realdisplay, pytest.mark.slow, pytest.mark.timeout(180)]

LANGUAGES = {
    "en": {"LANG": "en_US.UTF-8", "LANGUAGE": "en", "LC_ALL": "en_US.UTF-8"},
    "uk": {"LANG": "uk_UA.UTF-8", "LANGUAGE": "uk", "LC_ALL": "uk_UA.UTF-8"},
}
# look -> (GTK theme, desktop font, the panel card's colour expected on screen)
LOOKS = {
    "light": ("Adwaita", "Sans 10", theme.LIGHT.surface),
    "dark": ("Adwaita:dark", "Sans 10", theme.DARK.surface),
    "contrast": ("HighContrast", "Sans 10", "#fefefd"),  # the theme's own background
    "text150": ("Adwaita", "Sans 15", theme.LIGHT.surface),
}
GTK3_THEME = Path("PySide6/Qt/plugins/platformthemes/libqgtk3.so")


@pytest.fixture(autouse=True)
def _needs_display() -> None:
    require_real_display()
    import PySide6

    if not (Path(PySide6.__file__).parent.parent / GTK3_THEME).exists():
        pytest.skip("Qt's gtk3 platform theme is not installed")
    if subprocess.run(["sh", "-c", "ldconfig -p | grep -q libgtk-3.so.0"],
                      check=False).returncode != 0:
        pytest.skip("GTK 3 (libgtk-3-0) is not installed")


def panel_title(key: str) -> str:
    shown = phone.display_number(phone.caller_e164(known(key).phones[0], "UA") or "", "UA")
    return shown.replace("+", r"\+")


def geometry(env: dict[str, str], window: str) -> tuple[int, int, int, int]:
    text = subprocess.run(["xdotool", "getwindowgeometry", window], env=env,
                          capture_output=True, text=True, timeout=15, check=True).stdout
    x, y = map(int, re.search(r"Position: (-?\d+),(-?\d+)", text).groups())  # type: ignore[union-attr]
    w, h = map(int, re.search(r"Geometry: (\d+)x(\d+)", text).groups())  # type: ignore[union-attr]
    return x, y, w, h


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("look", list(LOOKS))
def test_the_app_follows_the_desktops_look(basedir: Path, tmp_path: Path, look: str,
                                           language: str) -> None:
    gtk_theme, font, card_colour = LOOKS[look]
    desktop = tmp_path / "desktop-config"
    (desktop / "gtk-3.0").mkdir(parents=True)
    (desktop / "gtk-3.0" / "settings.ini").write_text(
        f"[Settings]\ngtk-font-name={font}\n", encoding="utf-8")
    with x_display(size="1280x900x24") as display_env:
        env = {**display_env, **LANGUAGES[language], "QT_QPA_PLATFORMTHEME": "gtk3",
               "GTK_THEME": gtk_theme, "XDG_CONFIG_HOME": str(desktop)}
        with demo_app(env, basedir) as url:
            wait_until(lambda: window_ids(env, "^Contacts$|^Контакти$"), 20, "the contact book")
            httpx.post(url + "/_sim/ring", json={"caller": known("olena_koval").phones[0],
                                                 "ring_seconds": 120, "talk_seconds": 30},
                       timeout=5).raise_for_status()
            title = panel_title("olena_koval")
            wait_until(lambda: window_ids(env, title), 20, "the panel")
            time.sleep(2)  # the CRM name fills in; let it paint
            panel = window_ids(env, title)[0]
            x, y, width, _height = geometry(env, panel)
            shot = screenshot(env, f"theme_real_{look}_{language}")
    image = QImage(str(shot))
    assert image.pixelColor(x + width // 2, y + 4).name() == card_colour
    if look == "text150":
        assert width > PANEL_WIDTH * 1.3  # the panel grew with the text
    else:
        assert width < PANEL_WIDTH * 1.3


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_a_theme_switch_on_the_desktop_repaints_the_running_app(basedir: Path, tmp_path: Path,
                                                                language: str) -> None:
    """GNOME switches themes through XSETTINGS (Net/ThemeName); xsettingsd plays it here."""
    if shutil.which("xsettingsd") is None:
        pytest.skip("xsettingsd is not installed")
    desktop = tmp_path / "desktop-config"
    (desktop / "gtk-3.0").mkdir(parents=True)
    (desktop / "gtk-3.0" / "settings.ini").write_text("[Settings]\ngtk-font-name=Sans 10\n",
                                                      encoding="utf-8")
    settings = tmp_path / "xsettings.conf"
    settings.write_text('Net/ThemeName "Adwaita"\n', encoding="utf-8")
    with x_display(size="1280x900x24") as display_env:
        env = {**display_env, **LANGUAGES[language], "QT_QPA_PLATFORMTHEME": "gtk3",
               "XDG_CONFIG_HOME": str(desktop)}
        env.pop("GTK_THEME", None)
        daemon = subprocess.Popen(["xsettingsd", "-c", str(settings)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with demo_app(env, basedir) as url:
                httpx.post(url + "/_sim/ring", json={"caller": known("olena_koval").phones[0],
                                                     "ring_seconds": 120, "talk_seconds": 30},
                           timeout=5).raise_for_status()
                title = panel_title("olena_koval")
                wait_until(lambda: window_ids(env, title), 20, "the panel")
                panel = window_ids(env, title)[0]

                def card_becomes(colour: str, name: str) -> None:
                    x, y, width, _height = geometry(env, panel)

                    def painted() -> bool:
                        shot = screenshot(env, f"theme_real_live_{name}_{language}")
                        return bool(QImage(str(shot)).pixelColor(x + width // 2, y + 4).name()
                                    == colour)

                    wait_until(painted, 20, f"the panel to repaint for {name}")

                card_becomes(theme.LIGHT.surface, "1_light")
                # The same process, the same panel: only the desktop's theme changes.
                for theme_name, colour, name in (
                        ("HighContrastInverse", theme.DARK.surface, "2_dark"),
                        ("HighContrast", "#fefefd", "3_contrast"),
                        ("Adwaita", theme.LIGHT.surface, "4_light_again")):
                    settings.write_text(f'Net/ThemeName "{theme_name}"\n', encoding="utf-8")
                    daemon.send_signal(signal.SIGHUP)
                    card_becomes(colour, name)
                    assert window_ids(env, title) == [panel]
        finally:
            daemon.terminate()
            daemon.wait(timeout=5)
