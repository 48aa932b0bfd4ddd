"""The two API clients built from one :class:`Config`, plus the look-ups everything needs
first: who the agent is in Ringostat and which NetHunt folder holds the contacts. No Qt.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from ringohunt_desktop.clients.errors import ApiError
from ringohunt_desktop.clients.http import RetryPolicy
from ringohunt_desktop.clients.nethunt import NetHuntClient
from ringohunt_desktop.clients.ringostat import (
    DEFAULT_PROJECT_TIMEZONE,
    RingostatClient,
    match_staff,
)
from ringohunt_desktop.config import SPECS, Config, server_list
from ringohunt_desktop.core.calltracking import AgentIdentity
from ringohunt_desktop.core.problems import SetupError, SetupProblem
from ringohunt_desktop.core.subscription import BrokerBinding
from ringohunt_desktop.domain import Folder, StaffMember
from ringohunt_desktop.logging_setup import register_secret
from ringohunt_desktop.secret import Secret

log = logging.getLogger(__name__)


def open_ringostat(url: str, auth_key: Secret | str, project_id: str, *, timeout: float,
                   retry: RetryPolicy | None = None,
                   project_timezone: str = DEFAULT_PROJECT_TIMEZONE) -> RingostatClient:
    """A Ringostat client: how the app's session and the setup tests both build one.

    Raises SetupError when the Auth-key cannot be sent at all (not ASCII).
    """
    key = auth_key if isinstance(auth_key, Secret) else Secret(auth_key)
    revealed = key.reveal()
    if not (revealed.isascii() and revealed.isprintable()):
        # It travels as an HTTP header, which carries only printable ASCII; the value itself
        # is never put in the message.
        raise SetupError(SetupProblem.BAD_SETTING,
                         "setting ringostat_auth_key holds characters an Auth-key cannot "
                         "have (letters outside ASCII, or control characters); paste it again",
                         {"setting": "ringostat_auth_key", "value": "…"})
    register_secret(key)
    return RingostatClient(url, key, project_id.strip(), project_timezone=project_timezone,
                           retry=retry, timeout=timeout)


def open_nethunt(url: str, email: str, api_key: Secret | str, *, timeout: float,
                 retry: RetryPolicy | None = None) -> NetHuntClient:
    """A NetHunt client: how the app's session and the setup tests both build one."""
    key = api_key if isinstance(api_key, Secret) else Secret(api_key)
    # The key travels inside "Authorization: Basic base64(email:key)": that value is as
    # secret as the key, and no pattern can recognise base64 on its own.
    register_secret(key)
    register_secret(basic_auth_value(email.strip(), key.reveal()))
    return NetHuntClient(url, email.strip(), key, retry=retry, timeout=timeout)


def basic_auth_value(user: str, password: str) -> str:
    """What ``Authorization: Basic …`` carries for this user and password (as httpx sends it)."""
    return base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


#: What a command that only reads NetHunt needs (``lookup``).
NETHUNT_SETTINGS = ("nethunt_email", "nethunt_api_key")


def missing_settings_error(missing: Sequence[str]) -> SetupError:
    """Names what a newcomer can set: the environment variables, and where else to go."""
    names = ", ".join(SPECS[key].env or key if key in SPECS else key for key in missing)
    return SetupError(SetupProblem.MISSING_SETTINGS,
                      f"missing settings: {names} (set these environment variables or enter "
                      "them in the app's Settings; to try RingoHunt without accounts, add "
                      "--demo)", {"missing": names})


@dataclass(frozen=True, slots=True)
class Agent:
    member: StaffMember
    identity: AgentIdentity


class Session:
    """Owns one long-lived client per service; close it with :meth:`aclose`."""

    def __init__(self, config: Config, *, retry: RetryPolicy | None = None,
                 needs: Collection[str] | None = None) -> None:
        """``needs``: the credentials this use of the session requires (all by default)."""
        missing = [key for key in config.missing_credentials if needs is None or key in needs]
        if missing:
            raise missing_settings_error(missing)
        for setting in ("project_timezone", "crm_timezone"):
            check_time_zone(setting, getattr(config, setting))
        self.config = config
        self.ringostat = open_ringostat(
            config.ringostat_url, config.ringostat_auth_key, config.ringostat_project_id,
            project_timezone=config.project_timezone, retry=retry,
            timeout=config.request_timeout)
        self.nethunt = open_nethunt(config.nethunt_url, config.nethunt_email,
                                    config.nethunt_api_key, retry=retry,
                                    timeout=config.request_timeout)

    async def aclose(self) -> None:
        await self.ringostat.aclose()
        await self.nethunt.aclose()

    async def __aenter__(self) -> Session:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.aclose()

    async def resolve_agent(self, staff: Sequence[StaffMember] | None = None) -> Agent:
        """The configured agent (SIP login, e-mail or extension) in the staff list."""
        members = staff if staff is not None else await self.ringostat.staff()
        member = match_staff(members, self.config.agent)
        if member is None:
            raise SetupError(
                SetupProblem.AGENT_NOT_FOUND,
                f"agent {self.config.agent!r} is not in the Ringostat staff list "
                "(use the agent's SIP login or login e-mail)", {"agent": self.config.agent})
        return Agent(member, AgentIdentity.from_staff(member))

    async def resolve_contacts_folder(self) -> Folder:
        """The Contacts folder by ID or by name (case-insensitive), among readable folders."""
        wanted = self.config.contacts_folder.strip()
        folders = await self.nethunt.readable_folders()
        folder = find_folder(folders, wanted)
        if folder is None:
            names = ", ".join(f.name for f in folders) or "none"
            raise SetupError(
                SetupProblem.FOLDER_NOT_FOUND,
                f"NetHunt folder {wanted!r} not found (readable folders: {names})",
                {"folder": wanted, "readable": names})
        return folder


def broker_binding(config: Config, staff_id: int) -> BrokerBinding:
    """The agent's login and consumer on the call server, from the settings: how the app's
    subscription and the setup test both bind."""
    return BrokerBinding.for_agent(
        server_list(config.broker_servers), user=config.broker_user,
        password=config.broker_password, project=config.ringostat_project_id.strip(),
        staff_id=staff_id, stream=config.broker_stream)


def check_time_zone(setting: str, value: str) -> None:
    """Raise SetupError unless ``value`` is an IANA time zone this computer knows.

    A machine-wide default can carry any text (``Mars/Olympus``); it must reach the agent as
    a setting to correct, not as a crash of the start-up.
    """
    try:
        ZoneInfo(value)
    except (ValueError, KeyError, OSError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise SetupError(SetupProblem.BAD_SETTING,
                         f"setting {setting} = {value!r} is not a known time zone "
                         "(use a name such as Europe/Kyiv)",
                         {"setting": setting, "value": value}) from exc


def find_folder(folders: Iterable[Folder], wanted: str) -> Folder | None:
    """A folder by ID, else by name (case-insensitive): how every part of the app resolves the
    Contacts folder setting."""
    wanted = wanted.strip()
    candidates = list(folders)
    for folder in candidates:
        if folder.folder_id == wanted:
            return folder
    for folder in candidates:
        if folder.name.casefold() == wanted.casefold():
            return folder
    return None


__all__ = ["Agent", "ApiError", "Session", "SetupError", "SetupProblem", "broker_binding",
           "check_time_zone", "find_folder", "open_nethunt", "open_ringostat"]
