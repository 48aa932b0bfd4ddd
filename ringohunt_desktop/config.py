"""Settings: declared once, resolved through layers. No Qt here.

Highest wins: command-line flags, ``RINGOHUNT_*`` environment variables, the user's saved
settings (``settings.ini`` in the config dir), machine-wide defaults an IT admin deployed,
then the built-in defaults below. A machine-wide value listed under ``[locked]`` beats the
user's own value and the environment, so IT can pin a setting. Credentials are never read
from or written to settings files: they come from flags/environment or the credential store.
"""

from __future__ import annotations

import configparser
import hashlib
import logging
import os
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ringohunt_desktop.hotkeys.keys import parse_hotkey_setting
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.secret import Secret

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
MACHINE_CONFIG_ENV = "RINGOHUNT_MACHINE_CONFIG"
SECTION = "settings"
LOCKED_SECTION = "locked"

DEFAULT_RINGOSTAT_URL = "https://api.ringostat.net"
DEFAULT_NETHUNT_URL = "https://nethunt.com/api/v1/zapier"


def _parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"not a yes/no value: {text!r}")


def _parse_choice(*choices: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.strip().lower()
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {text!r}")
        return value

    return parse


def _parse_float_range(low: float, high: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = float(text)
        if not low <= value <= high:
            raise ValueError(f"expected a number from {low} to {high}, got {text!r}")
        return value

    return parse


def _parse_str(text: str) -> str:
    return text.strip()


def _parse_service_url(text: str) -> str:
    """Keys travel in headers: https only, except to this computer (the simulator)."""
    value = text.strip()
    parts = urlsplit(value)
    if parts.scheme.lower() == "https" and parts.hostname:
        return value
    if parts.scheme.lower() == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1"):
        return value
    raise ValueError(f"use an https:// address (plain http only to this computer), got {text!r}")


def parse_broker_servers(text: str) -> str:
    """The call server's addresses (subscription mode), comma- or space-separated, as one
    comma-separated string. The password travels in NATS's CONNECT line, so plain
    ``nats://`` only to this computer; ``tls://`` everywhere else."""
    servers = [part for part in text.replace(",", " ").split() if part]
    for server in servers:
        parts = urlsplit(server)
        scheme = parts.scheme.lower()
        if scheme not in ("nats", "tls") or not parts.hostname:
            raise ValueError(f"use tls://host:port (nats:// only to this computer), got {server!r}")
        if parts.username or parts.password:
            raise ValueError("the login goes in its own fields, not in the server address")
        if scheme == "nats" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"use tls:// for a server on another computer, got {server!r}")
    return ", ".join(servers)


def server_list(text: str) -> tuple[str, ...]:
    """A :func:`parse_broker_servers` value as the list nats-py takes."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """One setting: its key, how to parse it, its default, and the label the UI shows."""

    key: str
    parse: Callable[[str], Any]
    default: Any
    label: str
    env: str | None = None
    secret: bool = False
    machine_wide: bool = True  # IT may deploy a default for it


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("ringostat_url", _parse_service_url, DEFAULT_RINGOSTAT_URL,
                "Ringostat API address", env="RINGOHUNT_RINGOSTAT_URL"),
    SettingSpec("nethunt_url", _parse_service_url, DEFAULT_NETHUNT_URL, "NetHunt API address",
                env="RINGOHUNT_NETHUNT_URL"),
    SettingSpec("ringostat_project_id", _parse_str, "", "Ringostat project ID",
                env="RINGOHUNT_RINGOSTAT_PROJECT_ID"),
    SettingSpec("ringostat_auth_key", _parse_str, "", "Ringostat Auth-key",
                env="RINGOHUNT_RINGOSTAT_AUTH_KEY", secret=True, machine_wide=False),
    SettingSpec("nethunt_email", _parse_str, "", "NetHunt login e-mail",
                env="RINGOHUNT_NETHUNT_EMAIL", machine_wide=False),
    SettingSpec("nethunt_api_key", _parse_str, "", "NetHunt API key",
                env="RINGOHUNT_NETHUNT_API_KEY", secret=True, machine_wide=False),
    SettingSpec("agent", _parse_str, "", "Agent (SIP login or e-mail)", env="RINGOHUNT_AGENT",
                machine_wide=False),
    SettingSpec("contacts_folder", _parse_str, "Contacts", "Contacts folder (name or ID)",
                env="RINGOHUNT_CONTACTS_FOLDER"),
    SettingSpec("project_timezone", _parse_str, "Europe/Kyiv", "Ringostat project time zone"),
    SettingSpec("default_region", _parse_str, "UA", "Default country for numbers"),
    SettingSpec("poll_interval", _parse_float_range(0.2, 60.0), 1.5, "Poll interval (seconds)"),
    SettingSpec("request_timeout", _parse_float_range(0.2, 120.0), 10.0,
                "Service time-out (seconds)"),
    SettingSpec("pop_mode", _parse_choice("ring", "answer", "off"), "ring", "Show the call panel"),
    SettingSpec("pop_autoclose", _parse_float_range(0.0, 3600.0), 15.0,
                "Close the panel after the call (seconds, 0 = keep)"),
    SettingSpec("include_unassigned_missed", _parse_bool, True,
                "Show missed calls nobody was assigned to"),
    # Apart from the one above (which also fills the journal): a busy project's unassigned
    # missed calls would be a stream of notices for calls that were nobody's in particular.
    SettingSpec("notify_unassigned_missed", _parse_bool, False,
                "Notify me of missed calls nobody was assigned to"),
    SettingSpec("language", _parse_choice("system", "uk", "en"), "system", "Language"),
    SettingSpec("autostart", _parse_bool, True, "Start at login"),
    SettingSpec("field_name", _parse_str, "Name", "Name field"),
    SettingSpec("field_phone", _parse_str, "Phone", "Phone field"),
    SettingSpec("field_email", _parse_str, "Email", "E-mail field"),
    SettingSpec("field_company", _parse_str, "Company", "Company field"),
    SettingSpec("field_manager", _parse_str, "Responsible", "Responsible manager field"),
    SettingSpec("field_utm_source", _parse_str, "Джерело", "UTM source field"),
    SettingSpec("field_utm_medium", _parse_str, "Канал", "UTM medium field"),
    SettingSpec("field_utm_campaign", _parse_str, "Кампанія", "UTM campaign field"),
    SettingSpec("field_utm_term", _parse_str, "Ключове слово", "UTM keyword field"),
    SettingSpec("nethunt_workspace_id", _parse_str, "", "NetHunt workspace ID (for links)"),
    SettingSpec("call_source", _parse_choice("poll", "subscription"), "poll",
                "Calls arrive by", env="RINGOHUNT_CALL_SOURCE"),
    SettingSpec("broker_servers", parse_broker_servers, "", "Call server addresses",
                env="RINGOHUNT_BROKER_SERVERS"),
    SettingSpec("broker_user", _parse_str, "", "Call server login", env="RINGOHUNT_BROKER_USER",
                machine_wide=False),
    SettingSpec("broker_password", _parse_str, "", "Call server password",
                env="RINGOHUNT_BROKER_PASSWORD", secret=True, machine_wide=False),
    SettingSpec("broker_stream", _parse_str, "RINGOHUNT_CALLS", "Call server stream"),
    SettingSpec("poll_fallback", _parse_bool, False,
                "Poll Ringostat while the call server is unreachable"),
    SettingSpec("crm_timezone", _parse_str, "Europe/Kyiv", "Time zone for new CRM records"),
    SettingSpec("calm_mode", _parse_bool, False,
                "Calm mode: no balloons, no sound, panels without animation"),
    # System-wide shortcuts: off until the agent (or IT) turns them on; "" = none for that.
    SettingSpec("hotkeys_enabled", _parse_bool, False, "System-wide keyboard shortcuts"),
    SettingSpec("hotkey_open_in_crm", parse_hotkey_setting, "Ctrl+Alt+O",
                "Shortcut: open the caller in the CRM"),
    SettingSpec("hotkey_create_contact", parse_hotkey_setting, "Ctrl+Alt+N",
                "Shortcut: create a contact for the caller"),
    SettingSpec("hotkey_call_back_missed", parse_hotkey_setting, "Ctrl+Alt+B",
                "Shortcut: call back the oldest missed call"),
    SettingSpec("hotkey_show_journal", parse_hotkey_setting, "Ctrl+Alt+J",
                "Shortcut: show the journal"),
    SettingSpec("hotkey_search_contacts", parse_hotkey_setting, "Ctrl+Alt+K",
                "Shortcut: search the contact book"),
)

SPECS: Mapping[str, SettingSpec] = {spec.key: spec for spec in SETTINGS}


@dataclass(frozen=True, slots=True)
class Config:
    """Resolved settings. Secrets are :class:`Secret`, so a logged ``Config`` leaks nothing."""

    ringostat_url: str = DEFAULT_RINGOSTAT_URL
    nethunt_url: str = DEFAULT_NETHUNT_URL
    ringostat_project_id: str = ""
    ringostat_auth_key: Secret = field(default_factory=lambda: Secret(""))
    nethunt_email: str = ""
    nethunt_api_key: Secret = field(default_factory=lambda: Secret(""))
    agent: str = ""
    contacts_folder: str = "Contacts"
    project_timezone: str = "Europe/Kyiv"
    default_region: str = "UA"
    poll_interval: float = 1.5
    request_timeout: float = 10.0
    pop_mode: str = "ring"
    pop_autoclose: float = 15.0
    include_unassigned_missed: bool = True
    notify_unassigned_missed: bool = False
    language: str = "system"
    autostart: bool = True
    field_name: str = "Name"
    field_phone: str = "Phone"
    field_email: str = "Email"
    field_company: str = "Company"
    field_manager: str = "Responsible"
    field_utm_source: str = "Джерело"
    field_utm_medium: str = "Канал"
    field_utm_campaign: str = "Кампанія"
    field_utm_term: str = "Ключове слово"
    nethunt_workspace_id: str = ""
    crm_timezone: str = "Europe/Kyiv"
    call_source: str = "poll"
    broker_servers: str = ""
    broker_user: str = ""
    broker_password: Secret = field(default_factory=lambda: Secret(""))
    broker_stream: str = "RINGOHUNT_CALLS"
    poll_fallback: bool = False
    calm_mode: bool = False
    hotkeys_enabled: bool = False
    hotkey_open_in_crm: str = "Ctrl+Alt+O"
    hotkey_create_contact: str = "Ctrl+Alt+N"
    hotkey_call_back_missed: str = "Ctrl+Alt+B"
    hotkey_show_journal: str = "Ctrl+Alt+J"
    hotkey_search_contacts: str = "Ctrl+Alt+K"
    locked: frozenset[str] = frozenset()
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    def with_values(self, **values: Any) -> Config:
        return replace(self, **values)

    @property
    def missing_credentials(self) -> list[str]:
        """Keys of the credentials that are still empty, in the order a user enters them."""
        wanted: tuple[str, ...] = ("ringostat_auth_key", "ringostat_project_id",
                                   "nethunt_email", "nethunt_api_key", "agent")
        if self.subscribes:
            wanted += ("broker_servers", "broker_password")
        return [key for key in wanted if not getattr(self, key)]

    @property
    def store_key(self) -> str:
        """Whose local store this is: the Ringostat project and agent, the NetHunt login and
        its Contacts folder. The same key for the same account, so the cache survives
        restarts; another key for anything else, so one account's contacts and journal never
        show, nor stand in for a sync, for another."""
        owner = (self.ringostat_url.rstrip("/"), self.ringostat_project_id.strip(),
                 self.agent.strip().casefold(), self.nethunt_url.rstrip("/"),
                 self.nethunt_email.strip().casefold(), self.contacts_folder.strip())
        return hashlib.sha256("\n".join(owner).encode("utf-8")).hexdigest()[:16]

    @property
    def hotkeys(self) -> dict[str, str]:
        """Each shortcut action's key combination (``""`` = none), by action name."""
        prefix = "hotkey_"
        return {f.name[len(prefix):]: getattr(self, f.name) for f in fields(self)
                if f.name.startswith(prefix)}

    @property
    def subscribes(self) -> bool:
        """Calls arrive through the call server (NATS) rather than by polling Ringostat."""
        return self.call_source == "subscription"


class ConfigError(ValueError):
    """A settings source holds a value that does not parse; the message names source and key."""


def _machine_config_paths(env: Mapping[str, str]) -> list[Path]:
    if env.get(MACHINE_CONFIG_ENV):
        return [Path(env[MACHINE_CONFIG_ENV])]
    if sys.platform == "win32":
        program_data = Path(env.get("PROGRAMDATA", r"C:\ProgramData"))
        return [program_data / "RingoHunt" / "defaults.ini"]
    if sys.platform == "darwin":
        return [Path("/Library/Application Support/ringohunt-desktop/defaults.ini")]
    dirs = env.get("XDG_CONFIG_DIRS") or "/etc/xdg"
    return [Path(d) / "ringohunt-desktop" / "defaults.ini" for d in dirs.split(":") if d]


def _read_windows_machine_values() -> tuple[dict[str, str], set[str]]:
    """HKLM\\Software\\RingoHunt\\RingoHunt Desktop, written by the MSI's properties."""
    if sys.platform != "win32":
        return {}, set()
    import winreg

    values: dict[str, str] = {}
    locked: set[str] = set()
    for subkey, target in (("", values), ("Locked", None)):
        path = r"Software\RingoHunt\RingoHunt Desktop" + (f"\\{subkey}" if subkey else "")
        try:
            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, path) as key:
                index = 0
                while True:
                    try:
                        name, data, _kind = winreg.EnumValue(key, index)
                    except OSError:
                        break
                    index += 1
                    if target is None:
                        if str(data).strip() not in ("", "0"):
                            locked.add(name)
                    elif name == LOCKED_SECTION:
                        # The MSI's LOCKED property: a comma list of keys IT pins.
                        locked |= {key.strip() for key in str(data).split(",") if key.strip()}
                    else:
                        target[name] = str(data)
        except OSError:
            continue
    return values, locked


def read_ini(path: Path) -> tuple[dict[str, str], set[str]]:
    """Values of ``[settings]`` and the keys listed in ``[locked]`` of one INI file."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        with path.open(encoding="utf-8") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        return {}, set()
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        raise ConfigError(f"{path}: cannot read settings ({exc})") from exc
    values = dict(parser.items(SECTION)) if parser.has_section(SECTION) else {}
    locked = {key.strip() for key in values.pop(LOCKED_SECTION, "").split(",") if key.strip()}
    if parser.has_section(LOCKED_SECTION):
        try:
            locked |= {k for k, v in parser.items(LOCKED_SECTION) if _parse_bool(v or "1")}
        except ValueError as exc:
            raise ConfigError(f"{path}: [{LOCKED_SECTION}]: {exc}") from exc
    return values, locked


def machine_defaults(env: Mapping[str, str]) -> tuple[dict[str, str], set[str]]:
    values, locked = _read_windows_machine_values()
    for path in _machine_config_paths(env):
        more_values, more_locked = read_ini(path)
        values.update(more_values)
        locked |= more_locked
    return values, locked


def _apply(spec: SettingSpec, text: str, source: str) -> Any:
    try:
        value = spec.parse(text)
    except ValueError as exc:
        raise ConfigError(f"{source}: setting {spec.key!r}: {exc}") from exc
    return Secret(value) if spec.secret else value


# Ordered upgrade steps of the user's settings file: UPGRADE_STEPS[n] turns the values of a
# version-n file into version n+1. Version 0 is a file without [meta] (hand-written, or from
# before versioning): its values are already in today's form.
UpgradeStep = Callable[[dict[str, str]], dict[str, str]]
UPGRADE_STEPS: tuple[UpgradeStep, ...] = (dict,)
assert len(UPGRADE_STEPS) == SCHEMA_VERSION


def settings_version(path: Path) -> int:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
        return int(parser.get("meta", "schema_version", fallback="0"))
    except (configparser.Error, ValueError, UnicodeDecodeError):
        return 0


def upgrade_user_settings(paths: AppPaths) -> bool:
    """Bring an older settings file to SCHEMA_VERSION, keeping a copy of the old one.

    A file from a newer version is left alone (unknown keys are ignored on read).
    Returns whether the file was rewritten.
    """
    path = paths.settings_file
    if not path.exists():
        return False
    version = settings_version(path)
    if version >= SCHEMA_VERSION:
        return False
    values, _ = read_ini(path)
    for step in UPGRADE_STEPS[version:]:
        values = step(values)
    backup = path.with_name(f"{path.name}.v{version}.bak")
    try:
        backup.write_bytes(path.read_bytes())
        _write_settings(paths, values)
    except OSError as exc:
        # A read-only folder (a locked-down profile): the values are read as they are.
        log.info("settings file %s left at version %d: %s", path, version, exc)
        return False
    log.info("settings upgraded from version %d to %d (old file kept as %s)", version,
             SCHEMA_VERSION, backup.name)
    return True


def load_config(
    paths: AppPaths,
    *,
    overrides: Mapping[str, str | None] | None = None,
    env: Mapping[str, str] | None = None,
    credentials: Mapping[str, str] | None = None,
) -> Config:
    """Resolve every setting through the layers described in the module docstring.

    ``credentials`` are values from the credential store; they rank with the user's settings.
    Unknown keys in files are ignored (a newer version may have written them).
    """
    env = os.environ if env is None else env
    machine_values, locked = machine_defaults(env)
    upgrade_user_settings(paths)
    user_values, _ = read_ini(paths.settings_file)
    layers: list[tuple[str, Mapping[str, str]]] = [
        ("built-in", {}),
        ("machine defaults", {k: v for k, v in machine_values.items()
                              if k in SPECS and SPECS[k].machine_wide}),
        ("user settings", {k: v for k, v in user_values.items()
                           if k in SPECS and not SPECS[k].secret}),
        ("credential store", dict(credentials or {})),
        ("environment", {spec.key: env[spec.env] for spec in SETTINGS
                         if spec.env and env.get(spec.env)}),
        ("command line", {k: v for k, v in (overrides or {}).items() if v is not None}),
    ]
    resolved: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for spec in SETTINGS:
        resolved[spec.key] = Secret(spec.default) if spec.secret else spec.default
        sources[spec.key] = "built-in"
        for source, values in layers:
            if spec.key in locked and source not in ("built-in", "machine defaults"):
                continue
            if spec.key in values:
                resolved[spec.key] = _apply(spec, values[spec.key], source)
                sources[spec.key] = source
    known = {f.name for f in fields(Config)}
    return Config(**{k: v for k, v in resolved.items() if k in known},
                  locked=frozenset(locked & set(SPECS)), sources=sources)


def save_user_settings(paths: AppPaths, values: Mapping[str, Any],
                       *, locked: Iterable[str] = ()) -> None:
    """Write the user's own values. Secrets and locked keys are refused, not silently dropped."""
    refused = [k for k in values if k in set(locked) or (k in SPECS and SPECS[k].secret)]
    if refused:
        raise ConfigError(f"these settings cannot be saved here: {', '.join(sorted(refused))}")
    existing, _ = read_ini(paths.settings_file)
    _write_settings(paths, {**existing,
                            **{k: _to_text(v) for k, v in values.items() if k in SPECS}})


def _write_settings(paths: AppPaths, values: Mapping[str, str]) -> None:
    """Write the whole file atomically, stamped with the current schema version."""
    parser = configparser.ConfigParser(interpolation=None)
    parser["meta"] = {"schema_version": str(SCHEMA_VERSION)}
    parser[SECTION] = dict(values)
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    tmp = paths.settings_file.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        parser.write(handle)
    tmp.replace(paths.settings_file)


def _to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
