"""The "Save diagnostics" zip an agent can mail to IT, with no secret in it.

Contents: ``logs/`` (every file of the log dir, redacted again on the way in, because lines
written before a key was registered could hold it), ``versions.txt``, ``settings.json``
(every Config field; secrets only as "set"/"not set"; plus where each value came from) and
``recent-errors.txt``. No Qt import at module level, so the test needs no QApplication.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import json
import os
import platform
import sys
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ringohunt_desktop import APP_NAME, __version__
from ringohunt_desktop.config import SPECS, Config
from ringohunt_desktop.logging_setup import redact, register_secret
from ringohunt_desktop.secret import Secret

# Logs beyond this are skipped (with a note), so a runaway log cannot make a 500 MB mail.
MAX_LOG_BYTES = 20_000_000


def _dist_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def collect_versions() -> dict[str, str]:
    """App and library versions, the platform, and whether this is the frozen build."""
    versions = {
        "app": f"{APP_NAME} {__version__}",
        "frozen": "yes" if getattr(sys, "frozen", False) else "no",
        "python": sys.version.replace("\n", " "),
        "platform": platform.platform(),
        "machine": platform.machine(),
    }
    # Read from the Qt the app has loaded, never imported here: this module has no Qt, and
    # diagnostics must work even when Qt is broken.
    qt_core = sys.modules.get("PySide6.QtCore")
    versions["qt"] = str(qt_core.qVersion()) if qt_core is not None else "not loaded"
    pyside = sys.modules.get("PySide6")
    versions["pyside6"] = (str(getattr(pyside, "__version__", ""))
                           or _dist_version("PySide6-Essentials"))
    for dist in ("httpx", "qasync", "keyring", "phonenumbers", "truststore"):
        versions[dist] = _dist_version(dist)
    return versions


def settings_snapshot(config: Config) -> dict[str, Any]:
    """Config as JSON-able data; a secret shows only whether it is set."""
    values: dict[str, Any] = {}
    for item in dataclasses.fields(config):
        if item.name in ("locked", "sources"):
            continue
        value = getattr(config, item.name)
        spec = SPECS.get(item.name)
        if isinstance(value, Secret) or (spec is not None and spec.secret):
            values[item.name] = "set" if value else "not set"
        elif isinstance(value, str | int | float | bool) or value is None:
            values[item.name] = value
        else:
            values[item.name] = repr(value)
    return {
        "settings": values,
        "locked": sorted(config.locked),
        "sources": dict(config.sources),
    }


def register_config_secrets(config: Config) -> None:
    """Tell the log filter every credential in the settings (API keys, the call-server
    password), so no log line can carry one."""
    for item in dataclasses.fields(config):
        value = getattr(config, item.name)
        if isinstance(value, Secret) and value:
            register_secret(value)


def save_diagnostics(target_zip: Path, *, log_dir: Path, config: Config,
                     recent_errors: Sequence[str],
                     pop_latency: Mapping[str, float | int] | None = None) -> Path:
    """Write the diagnostics zip to ``target_zip`` (atomically) and return its path."""
    # Whatever the caller registered, the secrets of this very config are masked too.
    register_config_secrets(config)
    target_zip.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    fd, tmp_name = tempfile.mkstemp(prefix=".diagnostics-", suffix=".zip",
                                    dir=target_zip.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            versions = collect_versions()
            versions["created"] = stamp
            archive.writestr("versions.txt",
                             "".join(f"{key}: {value}\n" for key, value in versions.items()))
            archive.writestr("settings.json", redact(json.dumps(
                settings_snapshot(config), indent=2, ensure_ascii=False, sort_keys=True)))
            archive.writestr("recent-errors.txt",
                             "".join(redact(line.rstrip("\n")) + "\n" for line in recent_errors)
                             or "(none)\n")
            # Today's pop delays (median, p95, count; clocks that differ): "it popped late".
            archive.writestr("pop-latency.json", json.dumps(
                dict(pop_latency) if pop_latency else {"pops_today": 0}, indent=2))
            _add_logs(archive, log_dir)
        tmp.replace(target_zip)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target_zip


def _add_logs(archive: zipfile.ZipFile, log_dir: Path) -> None:
    if not log_dir.is_dir():
        archive.writestr("logs/README.txt", f"no log directory at {log_dir}\n")
        return
    budget = MAX_LOG_BYTES
    for path in sorted(log_dir.iterdir()):
        if not path.is_file():
            continue
        size = path.stat().st_size
        if size > budget:
            archive.writestr(f"logs/{path.name}.skipped.txt",
                             f"{path.name} skipped: {size} bytes is over the size budget\n")
            continue
        budget -= size
        # errors="replace": a log cut mid-character by rotation must not abort the export.
        text = path.read_text(encoding="utf-8", errors="replace")
        archive.writestr(f"logs/{path.name}", redact(text))
