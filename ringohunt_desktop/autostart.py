"""Start at login, per user: HKCU Run key (Windows), XDG autostart entry (Linux), LaunchAgent
(macOS). No Qt here.

Windows: the MSI may also register a machine-wide ``HKLM\\...\\Run`` value (``AUTOSTART=1``)
that starts ``RingoHunt.exe --minimized --autostart``. A user cannot delete an HKLM value, so
that entry is gated by the app: started with ``--autostart`` while the user's ``autostart``
setting is off, it exits at once (cli.py). With the machine value present we never add an HKCU
value too (it would start the app twice); :func:`is_autostart_enabled` then reports the
registration, and the user's setting decides.
"""

from __future__ import annotations

import contextlib
import os
import plistlib
import subprocess
import sys
from pathlib import Path

from ringohunt_desktop import APP_ID, APP_NAME

MINIMIZED_FLAG = "--minimized"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = APP_NAME
DESKTOP_FILE = f"{APP_ID}.desktop"
LAUNCH_AGENT_LABEL = "com.ringohunt.desktop"


def default_command() -> list[str]:
    """How to start this very app: the frozen exe, or the interpreter running the package."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    python = Path(sys.executable)
    if sys.platform == "win32":
        # pythonw has no console window flashing up at every login.
        pythonw = python.with_name("pythonw.exe")
        if pythonw.exists():
            python = pythonw
    return [str(python), "-m", "ringohunt_desktop"]


def _with_minimized(command: list[str]) -> list[str]:
    if not command:
        raise ValueError("autostart needs a command to run")
    return command if MINIMIZED_FLAG in command else [*command, MINIMIZED_FLAG]


def set_autostart(enabled: bool, *, command: list[str]) -> None:
    """Register (or remove) ``command --minimized`` to run at the user's login."""
    if sys.platform == "win32":
        _windows_set(enabled, _with_minimized(command))
    elif sys.platform == "darwin":
        _mac_set(enabled, _with_minimized(command))
    else:
        _xdg_set(enabled, _with_minimized(command))


def is_autostart_enabled() -> bool:
    """Whether an autostart entry for this app exists (and is not disabled) for this user."""
    if sys.platform == "win32":
        return _windows_user_entry() is not None or machine_autostart_registered()
    if sys.platform == "darwin":
        return _mac_agent_path().exists()
    return _xdg_enabled()


# --- Windows ------------------------------------------------------------------------------

AUTOSTART_FLAG = "--autostart"  # on the installer's HKLM Run value only; see module docstring


def machine_autostart_registered() -> bool:
    """True when the installer wrote the HKLM Run value (Windows only)."""
    if sys.platform != "win32":
        return False
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, RUN_KEY) as key:
            winreg.QueryValueEx(key, RUN_VALUE)
    except OSError:
        return False
    return True


def _windows_user_entry() -> str | None:
    if sys.platform != "win32":
        return None
    import winreg

    try:
        with winreg.OpenKey(winreg.HKEY_CURRENT_USER, RUN_KEY) as key:
            value, _kind = winreg.QueryValueEx(key, RUN_VALUE)
    except OSError:
        return None
    return str(value)


def _windows_set(enabled: bool, command: list[str]) -> None:
    if sys.platform != "win32":
        raise RuntimeError("not Windows")
    import winreg

    with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, RUN_KEY, 0,
                            winreg.KEY_SET_VALUE | winreg.KEY_QUERY_VALUE) as key:
        if enabled and not machine_autostart_registered():
            # list2cmdline applies the MSVCRT quoting rules the exe's argv parser undoes.
            winreg.SetValueEx(key, RUN_VALUE, 0, winreg.REG_SZ,
                              subprocess.list2cmdline(command))
        else:
            with contextlib.suppress(FileNotFoundError):
                winreg.DeleteValue(key, RUN_VALUE)


# --- Linux / XDG --------------------------------------------------------------------------

def _xdg_autostart_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "autostart"


def xdg_autostart_file() -> Path:
    return _xdg_autostart_dir() / DESKTOP_FILE


_EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def _exec_quote(arg: str) -> str:
    """Quote one argument for a desktop entry's ``Exec`` key (Desktop Entry Spec 1.5)."""
    arg = arg.replace("%", "%%")  # a lone % would be read as a field code such as %u
    if arg and not (set(arg) & _EXEC_RESERVED):
        return arg
    escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
    return f'"{escaped}"'


def _desktop_value(text: str) -> str:
    # The .desktop "string" escape rules: backslash first, then the control characters.
    return (text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
            .replace("\r", "\\r"))


def _xdg_set(enabled: bool, command: list[str]) -> None:
    path = xdg_autostart_file()
    if not enabled:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    exec_line = " ".join(_exec_quote(arg) for arg in command)
    content = (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "Comment=Ringostat calls with NetHunt CRM contacts\n"
        f"Exec={_desktop_value(exec_line)}\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "X-GNOME-Autostart-enabled=true\n"
        "X-GNOME-Autostart-Delay=5\n"  # let the panel's tray host come up first
    )
    tmp = path.with_suffix(".tmp")
    tmp.write_text(content, encoding="utf-8")
    tmp.replace(path)


def _xdg_enabled() -> bool:
    path = xdg_autostart_file()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    for raw in text.splitlines():
        key, sep, value = raw.partition("=")
        if not sep:
            continue
        key, value = key.strip(), value.strip().lower()
        # Desktop environments hide an entry the user switched off instead of deleting it.
        if key == "Hidden" and value == "true":
            return False
        if key == "X-GNOME-Autostart-enabled" and value == "false":
            return False
    return True


# --- macOS --------------------------------------------------------------------------------

def _mac_agent_path() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT_LABEL}.plist"


def _mac_set(enabled: bool, command: list[str]) -> None:
    # launchd reads the plist at the next login; no launchctl call, so no surprise launch now.
    path = _mac_agent_path()
    if not enabled:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "Label": LAUNCH_AGENT_LABEL,
        "ProgramArguments": command,
        "RunAtLoad": True,
        "ProcessType": "Interactive",
    }
    path.write_bytes(plistlib.dumps(payload))
