"""Click-to-call as Qt signals: validate, normalise, send once, report.

:class:`Dialer` is the one the running services use. :class:`RingostatOnlyDialer` places a
call while they are not up (still starting, or NetHunt refusing its key): a call needs only
Ringostat, and a click kept until NetHunt answers again would ring the customer hours later.
Neither queues anything: a click is placed now or refused with a reason the agent sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from PySide6.QtCore import QObject, Signal

from ringohunt_desktop import phone
from ringohunt_desktop.clients.errors import ApiError
from ringohunt_desktop.clients.ringostat import RingostatClient, match_staff
from ringohunt_desktop.config import Config
from ringohunt_desktop.core.calltracking import AgentIdentity
from ringohunt_desktop.core.dialing import RepeatGuard, dial_target, place_call
from ringohunt_desktop.core.problems import SetupError, SetupProblem, no_extension_error
from ringohunt_desktop.core.session import open_ringostat

log = logging.getLogger(__name__)


class _DialerBase(QObject):
    """Signals:
        refused (str text, InvalidNumber | SetupError): not a dialable number, or nothing to
            call from; nothing was sent.
        calling (str number_e164): the request is on its way ("calling…").
        call_placed (str number_e164): Ringostat accepted it; the agent's phone rings first.
        call_failed (str number_e164, ApiError | Exception): Ringostat refused or could not be
            reached.

    The errors say why in a machine-readable way for the UI (ui.failures) and in English for
    the logs.
    """

    refused = Signal(str, object)
    calling = Signal(str)
    call_placed = Signal(str)
    call_failed = Signal(str, object)

    def __init__(self, *, region: str, repeats: RepeatGuard | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._region = region
        self._repeats = repeats or RepeatGuard()
        self._pending: set[str] = set()
        self._tasks: set[asyncio.Task[Any]] = set()

    def dial(self, text: str) -> bool:
        """Start a call to ``text`` (a number or a tel:/callto: URL). False when refused."""
        try:
            target = self._target_for(text)
        except phone.InvalidNumber as exc:
            log.info("click-to-call refused: not a number (%s)", exc.problem)  # no number logged
            self.refused.emit(text, exc)
            return False
        except SetupError as exc:
            log.info("click-to-call refused: %s", exc)
            self.refused.emit(text, exc)
            return False
        # A second click while the first request is out, or just after it, is the same call.
        if target in self._pending or self._repeats.is_repeat(target):
            log.info("click-to-call: the same number again at once; one call only")
            return True
        self._pending.add(target)
        self.calling.emit(target)
        task = asyncio.ensure_future(self._place(target))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    def _target_for(self, text: str) -> str:
        raise NotImplementedError

    async def _call(self, target: str) -> None:
        raise NotImplementedError

    async def _place(self, target: str) -> None:
        try:
            # Never retried behind the agent's back: ServiceHttp only repeats a request that
            # provably did not reach Ringostat.
            await self._call(target)
        except ApiError as exc:
            log.info("click-to-call failed: %s", exc.user_message)
            self.call_failed.emit(target, exc)
        except SetupError as exc:
            log.info("click-to-call refused: %s", exc)
            self.refused.emit(target, exc)
        except Exception as exc:  # a bug or a broken setting must still end "calling…"
            log.exception("click-to-call failed unexpectedly")
            self.call_failed.emit(target, exc)
        else:
            self.call_placed.emit(target)
        finally:
            self._pending.discard(target)

    async def wait_idle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


class Dialer(_DialerBase):
    """Click-to-call through the running services' Ringostat client, from the agent's line."""

    def __init__(self, ringostat: RingostatClient, extension: str, *, region: str = "UA",
                 repeats: RepeatGuard | None = None, parent: QObject | None = None) -> None:
        super().__init__(region=region, repeats=repeats, parent=parent)
        self._ringostat = ringostat
        self._extension = extension

    def _target_for(self, text: str) -> str:
        return dial_target(text, self._region, self._extension)

    async def _call(self, target: str) -> None:
        await place_call(self._ringostat, self._extension, target)


class RingostatOnlyDialer(_DialerBase):
    """Click-to-call before the services are up: its own Ringostat client, nothing else.

    Finds the agent's line in the staff list on the first call and keeps it (and the client)
    until :meth:`configure` brings new settings or :meth:`aclose`.
    """

    _NEEDED = ("ringostat_auth_key", "ringostat_project_id", "agent")

    def __init__(self, config: Config, *, repeats: RepeatGuard | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(region=config.default_region, repeats=repeats, parent=parent)
        self._config = config
        self._client: RingostatClient | None = None
        self._extension: str | None = None

    def configure(self, config: Config) -> None:
        """New settings: the next call resolves the agent again with them."""
        old = self._client
        self._config = config
        self._region = config.default_region
        self._client = None
        self._extension = None
        if old is not None:
            task = asyncio.ensure_future(old.aclose())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _target_for(self, text: str) -> str:
        target = phone.parse_dial_target(text, self._region)
        missing = [key for key in self._NEEDED if not getattr(self._config, key)]
        if missing:
            raise SetupError(SetupProblem.MISSING_SETTINGS,
                             "missing settings: " + ", ".join(missing),
                             {"missing": ", ".join(missing)})
        return target

    async def _call(self, target: str) -> None:
        config = self._config
        if self._client is None:
            # The project's time zone only matters for reading call lists, not for placing a
            # call: a broken zone setting must not stop click-to-call.
            self._client = open_ringostat(config.ringostat_url, config.ringostat_auth_key,
                                          config.ringostat_project_id,
                                          timeout=config.request_timeout)
        client = self._client
        if self._extension is None:
            member = match_staff(await client.staff(), config.agent)
            if member is None:
                raise SetupError(
                    SetupProblem.AGENT_NOT_FOUND,
                    f"agent {config.agent!r} is not in the Ringostat staff list",
                    {"agent": config.agent})
            extension = AgentIdentity.from_staff(member).dial_extension
            if not extension:
                raise no_extension_error()
            self._extension = extension
        await place_call(client, self._extension, target)

    async def aclose(self) -> None:
        await self.wait_idle()
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                await client.aclose()
