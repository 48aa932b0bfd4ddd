"""The work behind the setup wizard and the settings dialog: connection tests and storage.

The windows themselves are built and wired in ``ui/setup_windows.py``; this service never
sees a widget. Saving happens once, when the agent clicks Finish/Save and every page is
valid: secrets go to the :class:`CredentialStore` (never to a file), the other values that
changed go to ``settings.ini`` through :func:`save_user_settings` (locked keys excluded).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QObject, Signal

from ringohunt_desktop.config import SPECS, Config, ConfigError, load_config, save_user_settings
from ringohunt_desktop.credentials import (
    CREDENTIAL_KEYS,
    CredentialStore,
    CredentialStoreUnavailable,
    CredentialValueError,
    load_credentials,
)
from ringohunt_desktop.domain import StaffMember
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.services.setup_checks import (
    AgentCheck,
    RingostatCheck,
    SetupChecker,
    check_agent,
)

log = logging.getLogger(__name__)

translate = QCoreApplication.translate  # lupdate finds translate("Context", "…")


class SetupValues(Protocol):
    """What the agent entered; ``secrets`` holds only newly typed keys."""

    @property
    def settings(self) -> Mapping[str, Any]: ...

    @property
    def secrets(self) -> Mapping[str, str]: ...


class SaveFailed(Exception):
    """Nothing (or, for a settings-file failure, only the keys) was saved; ``str`` says why."""


def store_secrets(store: CredentialStore, secrets: Mapping[str, str]) -> None:
    """Write every secret or none: on a failure the previous values are put back.

    Raises :class:`CredentialStoreUnavailable` or :class:`CredentialValueError`.
    """
    if not secrets:
        return
    previous = {key: store.get(key) for key in secrets}  # fails early when no keychain
    written: list[str] = []
    try:
        for key, value in secrets.items():
            store.set(key, value)
            written.append(key)
    except (CredentialStoreUnavailable, CredentialValueError):
        for key in written:
            old = previous[key]
            with contextlib.suppress(CredentialStoreUnavailable, CredentialValueError):
                if old:
                    store.set(key, old.reveal())
                else:
                    store.delete(key)
        raise


class SetupController(QObject):
    """Tests what the agent typed and stores it.

    ``env`` and ``overrides`` must be the ones the app's Config was loaded with, so the
    reloaded Config after a save ranks every layer the same way.

    Signals:
        configuration_saved (Config): the new settings are stored; restart the services.

    The results of the connection tests arrive through :attr:`checker`'s signals.
    """

    configuration_saved = Signal(object)

    def __init__(self, store: CredentialStore, paths: AppPaths, config: Config, *,
                 env: Mapping[str, str] | None = None,
                 overrides: Mapping[str, str | None] | None = None,
                 apply_autostart: Callable[[bool], None] | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.paths = paths
        self.config = config
        self._env = env
        self._overrides = overrides
        self._apply_autostart = apply_autostart
        self.checker = SetupChecker(config.ringostat_url, config.nethunt_url,
                                    timeout=config.request_timeout, parent=self)
        self._staff: tuple[StaffMember, ...] = ()
        self.checker.ringostat_checked.connect(self._remember_staff)

    async def aclose(self) -> None:
        """Stop running tests (closes their clients)."""
        await self.checker.aclose()

    # -- tests

    def start_over(self) -> None:
        """A new window: forget the staff list an earlier one loaded."""
        self._staff = ()

    def test_ringostat(self, auth_key: str, project_id: str) -> None:
        key = Secret(auth_key) if auth_key else self.config.ringostat_auth_key
        _register_secret(key)
        self.checker.check_ringostat(key, project_id)

    def test_nethunt(self, email: str, api_key: str) -> None:
        key = Secret(api_key) if api_key else self.config.nethunt_api_key
        _register_secret(key)
        self.checker.check_nethunt(email, key)

    def test_broker(self, servers: str, user: str, password: str, project_id: str,
                    staff_id: int) -> None:
        """``password`` ``""`` means the stored one; the answer is ``checker.broker_checked``."""
        key = Secret(password) if password else self.config.broker_password
        _register_secret(key)
        self.checker.check_broker(servers, user, key, project_id, staff_id,
                                  self.config.broker_stream)

    def load_folder_fields(self, email: str, api_key: str, folder_id: str) -> None:
        key = Secret(api_key) if api_key else self.config.nethunt_api_key
        self.checker.check_folder_fields(email, key, folder_id)

    def check_agent(self, identity: str) -> AgentCheck:
        """Who ``identity`` is in the staff list the last Ringostat test loaded."""
        return check_agent(self._staff, identity)

    def _remember_staff(self, result: RingostatCheck) -> None:
        if result.ok:
            self._staff = result.staff

    # -- saving

    def changed_settings(self, values: SetupValues) -> dict[str, Any]:
        """The non-secret values that differ from the current Config and may be saved."""
        changed: dict[str, Any] = {}
        for key, value in values.settings.items():
            spec = SPECS.get(key)
            if spec is None or spec.secret or key in self.config.locked:
                continue
            if getattr(self.config, key) != value:
                changed[key] = value
        return changed

    def keychain_problem(self) -> str:
        """Why the keys typed in could not be kept, said before the agent types them; ""
        when the password store works. Keys from the environment need no store."""
        try:
            self.store.get("ringostat_auth_key")
        except CredentialStoreUnavailable as exc:
            log.info("credential store unavailable: %s", exc)
            return translate("SetupController",
                "This computer has no usable password store ({reason}), so RingoHunt cannot "
                "keep the keys you enter here; it never writes them to a plain file. Ask "
                "your IT department to set one up, or set the environment variables "
                "RINGOHUNT_RINGOSTAT_AUTH_KEY and RINGOHUNT_NETHUNT_API_KEY and start "
                "RingoHunt again.").format(reason=exc)
        return ""

    def save(self, values: SetupValues) -> dict[str, Any]:
        """Store ``values``, then announce ``configuration_saved``; returns what changed
        (secrets as ``"stored"``).

        Raises :class:`SaveFailed` with a message for the agent; when the credential store
        is unavailable nothing at all is written.
        """
        changed = self.changed_settings(values)
        secrets = {key: value for key, value in values.secrets.items()
                   if value and SPECS.get(key) is not None and SPECS[key].secret}
        try:
            store_secrets(self.store, secrets)
        except CredentialStoreUnavailable as exc:
            log.info("credential store unavailable; nothing saved: %s", exc)
            raise SaveFailed(translate("SetupController",
                "Nothing was saved: your API keys cannot be stored because this computer "
                "has no usable password store ({reason}). RingoHunt never writes keys to a "
                "plain file. Ask your IT department, or set the keys in the environment "
                "variables RINGOHUNT_RINGOSTAT_AUTH_KEY and RINGOHUNT_NETHUNT_API_KEY."
            ).format(reason=exc)) from exc
        except CredentialValueError as exc:
            raise SaveFailed(translate("SetupController", "Nothing was saved: {reason}"
                                       ).format(reason=exc)) from exc
        for value in secrets.values():
            _register_secret(Secret(value))
        try:
            if changed:
                save_user_settings(self.paths, changed, locked=self.config.locked)
        except (ConfigError, OSError) as exc:
            log.error("cannot write the settings file: %s", exc)
            raise SaveFailed(translate("SetupController",
                "Your keys were saved, but the other settings could not be written "
                "({reason}).").format(reason=exc)) from exc
        if "autostart" in changed and self._apply_autostart is not None:
            try:
                self._apply_autostart(bool(changed["autostart"]))
            except OSError as exc:
                log.warning("cannot change start at login: %s", exc)
        self.config = self._reload()
        self.configuration_saved.emit(self.config)
        return {**changed, **{key: "stored" for key in secrets}}

    def save_setting(self, key: str, value: Any) -> Config:
        """One setting changed outside the settings dialog (calm mode from the tray menu):
        written at once, the services keep running (no ``configuration_saved``). Returns
        the reloaded Config; raises :class:`ConfigError` (a locked or secret key) or OSError.
        """
        save_user_settings(self.paths, {key: value}, locked=self.config.locked)
        self.config = self._reload()
        return self.config

    def _reload(self) -> Config:
        try:
            credentials = load_credentials(self.store)
        except CredentialStoreUnavailable:
            credentials = {key: secret.reveal() for key in CREDENTIAL_KEYS
                           if (secret := getattr(self.config, key))}
        return load_config(self.paths, overrides=self._overrides, env=self._env,
                           credentials=credentials)


def _register_secret(secret: Secret) -> None:
    """Mask the key in every later log line, even one that was only tested."""
    from ringohunt_desktop.logging_setup import register_secret

    if secret:
        register_secret(secret)
