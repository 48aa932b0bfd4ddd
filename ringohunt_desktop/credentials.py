"""Where API keys live: the OS keychain through ``keyring``, never a settings file. No Qt here.

The app talks to a :class:`CredentialStore`; production uses :class:`KeyringStore` (Windows
Credential Manager, macOS Keychain, Secret Service on Linux), tests use :class:`MemoryStore`.
When no usable keychain exists (headless Linux, ``PYTHON_KEYRING_BACKEND=…null``) the store
raises :class:`CredentialStoreUnavailable` with a message the UI can show as is. There is
deliberately no plain-text fallback: IT would rather see "cannot save" than find API keys in
``%APPDATA%``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from ringohunt_desktop import APP_NAME
from ringohunt_desktop.secret import Secret

log = logging.getLogger(__name__)

#: The settings that are secrets. The NetHunt e-mail and the agent login are not secret:
#: they are ordinary settings (config.SETTINGS) so IT can see them in diagnostics.
CREDENTIAL_KEYS: tuple[str, ...] = ("ringostat_auth_key", "nethunt_api_key", "broker_password")

#: Windows Credential Manager stores at most 2560 bytes (1280 UTF-16 characters); past that
#: CredWrite fails with the cryptic error 1783 (jaraco/keyring #355). Keep a margin.
MAX_SECRET_CHARS = 1200

NO_KEYCHAIN_MESSAGE = "No usable OS keychain was found; credentials cannot be saved"


class CredentialStoreUnavailable(RuntimeError):
    """The credential store cannot be used; ``str(exc)`` is a message fit for the user."""


class CredentialValueError(ValueError):
    """A value the store refuses (too long, empty key); the message never contains it."""


@runtime_checkable
class CredentialStore(Protocol):
    """Get/set/delete named secrets.

    Attributes:
        is_system: True when values go to the OS keychain (survive restarts, per user).
        description: a human name of the backend for the settings dialog and diagnostics.
    """

    @property
    def is_system(self) -> bool: ...

    @property
    def description(self) -> str: ...

    def get(self, key: str) -> Secret | None: ...

    def set(self, key: str, value: str) -> None: ...

    def delete(self, key: str) -> None: ...


def _check_value(key: str, value: str) -> None:
    if not key:
        raise CredentialValueError("a credential needs a name")
    if len(value) > MAX_SECRET_CHARS:
        # The value itself must not appear in the message: it would end up in logs/dialogs.
        raise CredentialValueError(
            f"The value for {key} is {len(value)} characters long; the OS keychain accepts "
            f"at most {MAX_SECRET_CHARS}. Check that only the key was pasted."
        )


class MemoryStore:
    """An in-process store for tests and ``--demo``; forgets everything on exit."""

    is_system = False
    description = "in-memory (not saved)"

    def __init__(self, values: dict[str, str] | None = None) -> None:
        self._values: dict[str, str] = dict(values or {})

    def get(self, key: str) -> Secret | None:
        value = self._values.get(key)
        return Secret(value) if value is not None else None

    def set(self, key: str, value: str) -> None:
        _check_value(key, value)
        self._values[key] = value

    def delete(self, key: str) -> None:
        self._values.pop(key, None)

    def __repr__(self) -> str:  # never show values
        return f"MemoryStore(keys={sorted(self._values)})"


class KeyringStore:
    """The OS keychain via ``keyring``; one entry per key under ``service``.

    keyring's module-level functions are used (not a backend captured at construction), so
    ``keyring.set_keyring()`` in tests and keyring's own backend resolution both apply.
    """

    is_system = True

    def __init__(self, service: str = APP_NAME) -> None:
        self.service = service

    @property
    def description(self) -> str:
        try:
            backend = self._backend()
        except CredentialStoreUnavailable as exc:
            return f"unavailable ({exc})"
        name = getattr(backend, "name", None) or type(backend).__name__
        return f"OS keychain: {name}"

    def _backend(self) -> object:
        import keyring
        from keyring.backends import fail, null

        try:
            backend = keyring.get_keyring()
        except keyring.errors.KeyringError as exc:
            raise CredentialStoreUnavailable(f"{NO_KEYCHAIN_MESSAGE} ({exc})") from exc
        if isinstance(backend, fail.Keyring):
            raise CredentialStoreUnavailable(NO_KEYCHAIN_MESSAGE)
        if isinstance(backend, null.Keyring):
            # The null backend silently drops set_password (jaraco/keyring #541): refuse it,
            # or the user would "save" keys that are gone after a restart.
            raise CredentialStoreUnavailable(
                f"{NO_KEYCHAIN_MESSAGE} (the keyring is switched off by "
                "PYTHON_KEYRING_BACKEND)"
            )
        return backend

    def get(self, key: str) -> Secret | None:
        import keyring

        self._backend()
        try:
            value = keyring.get_password(self.service, key)
        except (keyring.errors.KeyringError, OSError) as exc:
            raise CredentialStoreUnavailable(
                f"{NO_KEYCHAIN_MESSAGE} (reading {key} failed: {type(exc).__name__})"
            ) from exc
        return Secret(value) if value is not None else None

    def set(self, key: str, value: str) -> None:
        import keyring

        _check_value(key, value)
        self._backend()
        try:
            keyring.set_password(self.service, key, value)
        except (keyring.errors.KeyringError, OSError) as exc:
            # type name only: some backends echo the value in their error text.
            raise CredentialStoreUnavailable(
                f"{NO_KEYCHAIN_MESSAGE} (saving {key} failed: {type(exc).__name__})"
            ) from exc

    def delete(self, key: str) -> None:
        import keyring

        self._backend()
        try:
            keyring.delete_password(self.service, key)
        except keyring.errors.PasswordDeleteError:
            return  # nothing stored: deleting is idempotent
        except (keyring.errors.KeyringError, OSError) as exc:
            raise CredentialStoreUnavailable(
                f"{NO_KEYCHAIN_MESSAGE} (deleting {key} failed: {type(exc).__name__})"
            ) from exc

    def __repr__(self) -> str:
        return f"KeyringStore(service={self.service!r})"


def default_store() -> CredentialStore:
    """The store the app uses: the OS keychain (errors surface on first use, not here)."""
    return KeyringStore()


def load_credentials(store: CredentialStore,
                     keys: Iterable[str] = CREDENTIAL_KEYS) -> dict[str, str]:
    """Stored, non-empty credentials as plain strings for ``config.load_config(credentials=…)``.

    Raises :class:`CredentialStoreUnavailable` when the keychain cannot be read; the caller
    decides how to tell the user (the app still runs with environment/command-line keys).
    """
    values: dict[str, str] = {}
    for key in keys:
        secret = store.get(key)
        if secret:
            values[key] = secret.reveal()
    return values
