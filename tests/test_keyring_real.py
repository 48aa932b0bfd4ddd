"""KeyringStore against a real Secret Service (gnome-keyring in a private D-Bus session).

Recipe: /work/shared/recipes/real-desktop.md. The round trip runs in a subprocess under
``dbus-run-session`` so the session bus and the unlocked keyring die with it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.keyring_real

CHILD = textwrap.dedent("""
    import secrets, sys
    import keyring
    from keyring.backends import SecretService
    from ringohunt_desktop.credentials import KeyringStore, load_credentials

    backend = keyring.get_keyring()
    if not isinstance(backend, SecretService.Keyring):
        sys.exit(f"expected the SecretService backend, got {type(backend)!r}")
    store = KeyringStore("RingoHunt Desktop test")
    value = "nh-" + secrets.token_hex(16) + "-кирилиця"
    store.set("nethunt_api_key", value)
    # A second store object reads it back through the daemon, not a cache of ours.
    again = KeyringStore("RingoHunt Desktop test")
    assert load_credentials(again) == {"nethunt_api_key": value}, "round trip failed"
    assert store.is_system and "SecretService" in store.description, store.description
    again.delete("nethunt_api_key")
    assert store.get("nethunt_api_key") is None, "delete failed"
    print("ROUNDTRIP-OK")
""")

SCRIPT = textwrap.dedent("""
    set -e
    export $(echo -n "test-password" | gnome-keyring-daemon --unlock --components=secrets | xargs)
    exec "$PYTHON" -c "$CHILD"
""")


def _missing() -> str | None:
    for tool in ("dbus-run-session", "gnome-keyring-daemon"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install gnome-keyring dbus dbus-x11)"
    if importlib.util.find_spec("secretstorage") is None:
        return "secretstorage is not installed (pip install secretstorage)"
    return None


def test_round_trip_through_secret_service(tmp_path: Path) -> None:
    reason = _missing()
    if reason:
        pytest.skip(reason)
    env = {k: v for k, v in os.environ.items()
           if k not in ("DBUS_SESSION_BUS_ADDRESS", "PYTHON_KEYRING_BACKEND")}
    # gnome-keyring keeps its collections under $HOME; never touch the real one.
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path), XDG_RUNTIME_DIR=str(tmp_path),
               PYTHON=sys.executable, CHILD=CHILD)
    result = subprocess.run(["dbus-run-session", "--", "bash", "-c", SCRIPT], env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ROUNDTRIP-OK" in result.stdout
