"""Where the app keeps its files. ``--basedir DIR`` puts everything under DIR."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from ringohunt_desktop import APP_ID, ORG_NAME


@dataclass(frozen=True, slots=True)
class AppPaths:
    """``demo``: the demo run keeps its cache apart from every real account's."""

    config_dir: Path
    cache_dir: Path
    log_dir: Path
    demo: bool = False

    @classmethod
    def under(cls, basedir: Path) -> AppPaths:
        return cls(basedir / "config", basedir / "cache", basedir / "logs")

    @classmethod
    def for_user(cls) -> AppPaths:
        home = Path.home()
        if sys.platform == "win32":
            roaming = Path(os.environ.get("APPDATA", home / "AppData" / "Roaming"))
            local = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
            return cls(roaming / ORG_NAME / APP_ID, local / ORG_NAME / APP_ID / "cache",
                       local / ORG_NAME / APP_ID / "logs")
        if sys.platform == "darwin":
            lib = home / "Library"
            return cls(lib / "Application Support" / APP_ID, lib / "Caches" / APP_ID,
                       lib / "Logs" / APP_ID)
        config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
        cache = Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache")
        state = Path(os.environ.get("XDG_STATE_HOME") or home / ".local" / "state")
        return cls(config / APP_ID, cache / APP_ID, state / APP_ID / "logs")

    @classmethod
    def resolve(cls, basedir: Path | None) -> AppPaths:
        return cls.under(basedir) if basedir is not None else cls.for_user()

    def ensure(self) -> AppPaths:
        """Create the folders for this user only (0700): the cache holds customers' names and
        numbers, the logs the traces of their calls. Folders an older version made more open
        are closed again."""
        for directory in (self.config_dir, self.cache_dir, self.log_dir):
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if os.name != "nt":
                os.chmod(directory, 0o700)
        return self

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.ini"

    def for_demo(self) -> AppPaths:
        return replace(self, demo=True)

    def database_file_for(self, account_key: str) -> Path:
        """One local store per account and Contacts folder (``config.store_key``), and one
        for the demo: a store filled for one of them never shows, nor skips a sync, for
        another."""
        return self.cache_dir / f"ringohunt-{'demo' if self.demo else account_key}.sqlite3"
