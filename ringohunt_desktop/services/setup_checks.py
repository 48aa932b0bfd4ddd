"""Connection tests for the setup wizard, the settings dialog and ``ringohunt-desktop check``.

Each test uses its own throwaway client, closes it, and returns a typed result whose
``error`` is a plain-language sentence (empty when all went well); nothing here raises for a
network or credential problem. No widgets: :class:`SetupChecker` runs the tests as tasks on
the running (qasync) loop and reports them through signals.

The ``verify_*`` functions take an open client, so the CLI's ``check`` command shares them
with a long-lived :class:`~ringohunt_desktop.core.session.Session`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal

from ringohunt_desktop.clients.errors import (
    ApiError,
    AuthError,
    CertificateError,
    NotFound,
    RateLimited,
    RequestRejected,
    TransientError,
)
from ringohunt_desktop.clients.http import RetryPolicy
from ringohunt_desktop.clients.nethunt import NetHuntClient
from ringohunt_desktop.clients.ringostat import RingostatClient, match_staff
from ringohunt_desktop.config import parse_broker_servers, server_list
from ringohunt_desktop.core.problems import SetupError
from ringohunt_desktop.core.session import open_nethunt, open_ringostat
from ringohunt_desktop.core.subscription import (
    AgentLink,
    BrokerBinding,
    BrokerRefused,
    BrokerUnavailable,
    BrokerUntrusted,
    NotProvisioned,
)
from ringohunt_desktop.domain import Folder, NetHuntUser, StaffMember
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.services.failures import describe_api_error, reason_phrase

log = logging.getLogger(__name__)

translate = QCoreApplication.translate  # lupdate finds translate("Context", "…")

#: A setup test is interactive: one quick retry, then tell the agent (who can press again).
SETUP_RETRY = RetryPolicy(attempts=2, base_delay=0.3, max_delay=1.0, max_retry_after=3.0)
DEFAULT_TIMEOUT = 10.0




# ---------------------------------------------------------------------------------- results

@dataclass(frozen=True, slots=True)
class RingostatCheck:
    """The outcome of testing a Ringostat Auth-key with a project ID."""

    project_id: str
    staff: tuple[StaffMember, ...] = ()
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    def summary(self) -> str:
        """"Connected: project N, 4 employees", or the error."""
        if not self.ok:
            return self.error
        return translate("SetupChecks", "Connected: project {project}, {count} employees").format(
            project=self.project_id, count=len(self.staff))


@dataclass(frozen=True, slots=True)
class AgentCheck:
    """Who a SIP login, e-mail or extension is in the staff list."""

    identity: str
    member: StaffMember | None = None
    error: str = ""
    warning: str = ""  # usable, but something will not work (no SIP account)

    @property
    def ok(self) -> bool:
        return self.member is not None and not self.error

    @property
    def setting_value(self) -> str:
        """What to save as the ``agent`` setting: the SIP login, else the e-mail."""
        if self.member is None:
            return self.identity.strip()
        return agent_setting_value(self.member)


@dataclass(frozen=True, slots=True)
class NetHuntCheck:
    """The outcome of signing in to NetHunt: the user and the folders it can read."""

    user: NetHuntUser | None = None
    folders: tuple[Folder, ...] = ()
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.user is not None and not self.error

    def summary(self) -> str:
        if not self.ok or self.user is None:
            return self.error
        name = self.user.personal_name or self.user.email
        return translate("SetupChecks", "Signed in as {name}").format(name=name)


@dataclass(frozen=True, slots=True)
class FolderFieldsCheck:
    """The field names of one NetHunt folder."""

    folder_id: str
    fields: tuple[str, ...] = ()
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True, slots=True)
class BrokerCheck:
    """The outcome of binding the agent's consumer on the call server (subscription mode)."""

    servers: str
    staff_id: int
    waiting: int = 0  # events already queued for the agent
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    def summary(self) -> str:
        if not self.ok:
            return self.error
        return translate("SetupChecks", "Connected to the call server: your calls will "
                         "arrive from it.")


# ---------------------------------------------------------------------------- plain words

def ringostat_error_text(exc: ApiError, project_id: str) -> str:
    """What went wrong with Ringostat, in words an agent can act on."""
    if isinstance(exc, AuthError):
        return translate(
            "SetupChecks", "Ringostat did not accept this Auth-key. Copy it again from "
            "Ringostat (Integrations → API) and check the project ID.")
    if isinstance(exc, RateLimited):
        return translate("SetupChecks",
                         "Ringostat asks to slow down. Wait a minute and test again.")
    if isinstance(exc, CertificateError):
        return describe_api_error(exc)
    if isinstance(exc, TransientError):
        return translate(
            "SetupChecks", "Cannot reach Ringostat: {reason}. Check the internet connection "
            "and test again.").format(reason=reason_phrase(exc))
    if isinstance(exc, RequestRejected | NotFound):
        return translate(
            "SetupChecks", "Ringostat refused project {project}: {reason}. Check the project "
            "ID.").format(project=project_id, reason=reason_phrase(exc))
    return translate("SetupChecks", "Ringostat answered in an unexpected way: {reason}."
                     ).format(reason=reason_phrase(exc))


def nethunt_error_text(exc: ApiError) -> str:
    if isinstance(exc, AuthError):
        return translate(
            "SetupChecks", "NetHunt did not accept this e-mail and API key. Copy the key "
            "again from NetHunt (Settings → Integrations → API key).")
    if isinstance(exc, RateLimited):
        return translate("SetupChecks",
                         "NetHunt asks to slow down. Wait a minute and test again.")
    if isinstance(exc, CertificateError):
        return describe_api_error(exc)
    if isinstance(exc, TransientError):
        return translate(
            "SetupChecks", "Cannot reach NetHunt: {reason}. Check the internet connection "
            "and test again.").format(reason=reason_phrase(exc))
    if isinstance(exc, NotFound):
        return translate("SetupChecks",
                         "NetHunt does not know this folder any more. Choose another one.")
    return translate("SetupChecks", "NetHunt answered in an unexpected way: {reason}."
                     ).format(reason=reason_phrase(exc))


def broker_error_text(exc: Exception, servers: str) -> str:
    if isinstance(exc, BrokerUntrusted):
        return translate(
            "SetupChecks", "The certificate of the call server {host} is not trusted on this "
            "computer. Ask IT to install the company's certificate, or check the address."
        ).format(host=exc.host)
    if isinstance(exc, BrokerRefused):
        return translate(
            "SetupChecks", "The call server did not accept this login and password. Copy "
            "them again from what IT gave you.")
    if isinstance(exc, NotProvisioned):
        return translate(
            "SetupChecks", "The call server has no place for your calls yet. Ask IT to "
            "provision you (ringohunt-relay provision).")
    if isinstance(exc, BrokerUnavailable):
        return translate(
            "SetupChecks", "Cannot reach the call server at {servers}. Check the address, "
            "or ask IT whether it is running.").format(servers=servers)
    return translate("SetupChecks", "The call server answered in an unexpected way ({reason})."
                     ).format(reason=str(exc)[:200])


# ---------------------------------------------------------------- checks on an open client

async def verify_ringostat(client: RingostatClient) -> RingostatCheck:
    """Fetch the project's staff list: proves the key, the project and the connection."""
    project_id = client.project_id
    try:
        staff = await client.staff()
    except ApiError as exc:
        log.info("Ringostat test for project %s failed: %s", project_id, exc)
        return RingostatCheck(project_id, error=ringostat_error_text(exc, project_id))
    if not staff:
        return RingostatCheck(project_id, error=translate("SetupChecks",
            "Connected to project {project}, but it has no employees. Add the agents in "
            "Ringostat first.").format(project=project_id))
    return RingostatCheck(project_id, tuple(staff))


def agent_setting_value(member: StaffMember) -> str:
    return (member.sip_logins[0] if member.sip_logins else "") or member.email or member.extension


def check_agent(staff: Sequence[StaffMember], identity: str) -> AgentCheck:
    """Match a SIP login, login e-mail or extension against the staff list (no network)."""
    wanted = identity.strip()
    if not wanted:
        return AgentCheck(identity, error=translate(
            "SetupChecks", "Choose yourself in the list or type your SIP login or e-mail."))
    member = match_staff(staff, wanted)
    if member is None:
        return AgentCheck(identity, error=translate("SetupChecks",
            "Nobody with the SIP login, e-mail or extension “{identity}” works in this "
            "project.").format(identity=wanted))
    warning = "" if member.sip_logins else translate("SetupChecks",
        "{name} has no SIP account: call pop-ups and click-to-call need one.").format(
            name=member.name)
    return AgentCheck(identity, member, warning=warning)


async def verify_nethunt(client: NetHuntClient) -> NetHuntCheck:
    """Sign in (auth-test) and list the folders this user may read."""
    try:
        user = await client.auth_test()
        folders = await client.readable_folders()
    except ApiError as exc:
        log.info("NetHunt test for %s failed: %s", client.email, exc)
        return NetHuntCheck(error=nethunt_error_text(exc))
    if not folders:
        return NetHuntCheck(user, error=translate("SetupChecks",
            "Signed in as {name}, but this user cannot read any folder. Ask the NetHunt "
            "admin for access to the contacts folder.").format(
                name=user.personal_name or user.email))
    return NetHuntCheck(user, tuple(folders))


async def verify_folder_fields(client: NetHuntClient, folder_id: str) -> FolderFieldsCheck:
    try:
        names = await client.folder_fields(folder_id)
    except ApiError as exc:
        log.info("NetHunt fields of folder %s: %s", folder_id, exc)
        return FolderFieldsCheck(folder_id, error=nethunt_error_text(exc))
    if not names:
        return FolderFieldsCheck(folder_id,
                                 error=translate("SetupChecks", "This folder has no fields."))
    return FolderFieldsCheck(folder_id, tuple(names))


# ---------------------------------------------------------- checks with throwaway clients

async def check_ringostat(url: str, auth_key: Secret | str, project_id: str, *,
                          request_timeout: float = DEFAULT_TIMEOUT) -> RingostatCheck:
    project_id = project_id.strip()
    try:
        client = open_ringostat(url, auth_key, project_id, retry=SETUP_RETRY,
                                timeout=request_timeout)
    except SetupError:
        return RingostatCheck(project_id, error=translate(
            "SetupChecks", "This Auth-key has characters no Ringostat key has (letters outside "
                           "Latin, or invisible ones). Copy it again from the Ringostat "
                           "cabinet."))
    async with client:
        return await verify_ringostat(client)


async def check_nethunt(url: str, email: str, api_key: Secret | str, *,
                        request_timeout: float = DEFAULT_TIMEOUT) -> NetHuntCheck:
    async with open_nethunt(url, email, api_key, retry=SETUP_RETRY,
                            timeout=request_timeout) as client:
        return await verify_nethunt(client)


async def check_folder_fields(url: str, email: str, api_key: Secret | str, folder_id: str, *,
                              request_timeout: float = DEFAULT_TIMEOUT) -> FolderFieldsCheck:
    async with open_nethunt(url, email, api_key, retry=SETUP_RETRY,
                            timeout=request_timeout) as client:
        return await verify_folder_fields(client, folder_id)


async def check_broker(servers: str, user: str, password: Secret | str, project_id: str,
                       staff_id: int, *, stream: str = "",
                       request_timeout: float = DEFAULT_TIMEOUT) -> BrokerCheck:
    """Connect as the agent and bind its consumer: proves address, login and provisioning."""
    try:
        normalised = parse_broker_servers(servers)
    except ValueError as exc:
        return BrokerCheck(servers, staff_id, error=str(exc))
    key = password if isinstance(password, Secret) else Secret(password)
    link = AgentLink(BrokerBinding.for_agent(
        server_list(normalised), user=user, password=key, project=project_id.strip(),
        staff_id=staff_id, stream=stream), connect_timeout=min(request_timeout, 5.0),
        reconnect_attempts=0)
    try:
        info = await link.open()
    except (BrokerRefused, NotProvisioned, BrokerUnavailable, BrokerUntrusted) as exc:
        log.info("call server test for agent %s failed: %s", staff_id, exc)
        return BrokerCheck(normalised, staff_id, error=broker_error_text(exc, normalised))
    finally:
        await link.close()
    return BrokerCheck(normalised, staff_id, waiting=int(info.num_pending or 0))


# ------------------------------------------------------------------------ the Qt service

class SetupChecker(QObject):
    """Runs the tests on the running event loop; a newer request of a kind replaces the
    older one (its stale answer is never reported).

    Signals:
        ringostat_checked (RingostatCheck)
        nethunt_checked (NetHuntCheck)
        folder_fields_checked (FolderFieldsCheck)
        broker_checked (BrokerCheck)
    """

    broker_checked = Signal(object)
    ringostat_checked = Signal(object)
    nethunt_checked = Signal(object)
    folder_fields_checked = Signal(object)

    def __init__(self, ringostat_url: str, nethunt_url: str, *,
                 timeout: float = DEFAULT_TIMEOUT, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ringostat_url = ringostat_url
        self.nethunt_url = nethunt_url
        self.timeout = timeout
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def check_ringostat(self, auth_key: Secret | str, project_id: str) -> None:
        self._run("ringostat", check_ringostat(self.ringostat_url, auth_key, project_id,
                                               request_timeout=self.timeout),
                  self.ringostat_checked,
                  lambda error: RingostatCheck(project_id.strip(), error=error))

    def check_nethunt(self, email: str, api_key: Secret | str) -> None:
        self._run("nethunt", check_nethunt(self.nethunt_url, email, api_key,
                                           request_timeout=self.timeout), self.nethunt_checked,
                  lambda error: NetHuntCheck(error=error))

    def check_folder_fields(self, email: str, api_key: Secret | str, folder_id: str) -> None:
        self._run("fields", check_folder_fields(self.nethunt_url, email, api_key, folder_id,
                                                request_timeout=self.timeout),
                  self.folder_fields_checked, lambda error: FolderFieldsCheck(folder_id,
                                                                              error=error))

    def check_broker(self, servers: str, user: str, password: Secret | str, project_id: str,
                     staff_id: int, stream: str = "") -> None:
        self._run("broker", check_broker(servers, user, password, project_id, staff_id,
                                         stream=stream, request_timeout=self.timeout),
                  self.broker_checked,
                  lambda error: BrokerCheck(servers, staff_id, error=error))

    @property
    def busy(self) -> bool:
        return any(not task.done() for task in self._tasks.values())

    async def wait_idle(self) -> None:
        tasks = [task for task in self._tasks.values() if not task.done()]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def aclose(self) -> None:
        """Cancel running tests and wait until their clients are closed."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    def _run(self, kind: str, check: Coroutine[Any, Any, object], signal: Any,
             crashed: Callable[[str], object]) -> None:
        previous = self._tasks.get(kind)
        if previous is not None and not previous.done():
            previous.cancel()

        async def run() -> None:
            try:
                result = await check
            except Exception:  # a bug, not a network problem: say so, keep the dialog usable
                log.exception("the %s test failed unexpectedly", kind)
                result = crashed(translate(
                    "SetupChecks", "The test failed unexpectedly; the details are in the log."))
            signal.emit(result)

        self._tasks[kind] = asyncio.ensure_future(run())
