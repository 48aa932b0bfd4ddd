"""Autostart on Linux: an XDG autostart entry under $XDG_CONFIG_HOME/autostart."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

from ringohunt_desktop import autostart

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"),
                                reason="XDG autostart is the Linux/BSD mechanism")


@pytest.fixture
def xdg_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    return tmp_path / "cfg"


def _exec_line(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            return line.removeprefix("Exec=")
    raise AssertionError("no Exec line")


def test_enable_writes_desktop_entry_with_minimized(xdg_home: Path) -> None:
    assert not autostart.is_autostart_enabled()
    autostart.set_autostart(True, command=["/opt/ringohunt/RingoHunt"])
    entry = xdg_home / "autostart" / "ringohunt-desktop.desktop"
    assert entry.is_file()
    text = entry.read_text(encoding="utf-8")
    assert text.startswith("[Desktop Entry]\n")
    assert "Type=Application" in text
    assert _exec_line(entry) == "/opt/ringohunt/RingoHunt --minimized"
    assert autostart.is_autostart_enabled()


def test_disable_removes_entry_and_is_idempotent(xdg_home: Path) -> None:
    autostart.set_autostart(True, command=["ringohunt-desktop"])
    autostart.set_autostart(False, command=["ringohunt-desktop"])
    autostart.set_autostart(False, command=["ringohunt-desktop"])
    assert not (xdg_home / "autostart" / "ringohunt-desktop.desktop").exists()
    assert not autostart.is_autostart_enabled()


def test_exec_quoting_survives_spaces_and_percent(xdg_home: Path) -> None:
    command = ["/home/olena/My Apps/python3", "-m", "ringohunt_desktop", "--x=100%",
               "--minimized"]
    autostart.set_autostart(True, command=command)
    line = _exec_line(xdg_home / "autostart" / "ringohunt-desktop.desktop")
    # The flag is not added twice; %% is the spec's literal percent.
    assert line.count("--minimized") == 1
    assert shlex.split(line.replace("%%", "%")) == command


def test_entry_disabled_by_desktop_environment_counts_as_off(xdg_home: Path) -> None:
    autostart.set_autostart(True, command=["ringohunt-desktop"])
    entry = xdg_home / "autostart" / "ringohunt-desktop.desktop"
    entry.write_text(entry.read_text(encoding="utf-8").replace(
        "X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-enabled=false"), "utf-8")
    assert not autostart.is_autostart_enabled()
    entry.write_text("[Desktop Entry]\nHidden=true\n", "utf-8")
    assert not autostart.is_autostart_enabled()


def test_empty_command_is_refused(xdg_home: Path) -> None:
    with pytest.raises(ValueError, match="command"):
        autostart.set_autostart(True, command=[])


def test_default_command_runs_the_package() -> None:
    command = autostart.default_command()
    assert command[-2:] == ["-m", "ringohunt_desktop"]
