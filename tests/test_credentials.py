"""Credential stores: the in-memory one, and KeyringStore over a dict backend we own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from ringohunt_desktop.credentials import (
    CREDENTIAL_KEYS,
    MAX_SECRET_CHARS,
    NO_KEYCHAIN_MESSAGE,
    CredentialStore,
    CredentialStoreUnavailable,
    CredentialValueError,
    KeyringStore,
    MemoryStore,
    default_store,
    load_credentials,
)
from ringohunt_desktop.secret import Secret


class DictKeyring(KeyringBackend):
    """The smallest real keyring backend: a dict. ``broken`` makes every call fail."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.values: dict[tuple[str, str], str] = {}
        self.broken = False

    def _check(self) -> None:
        if self.broken:
            raise keyring.errors.KeyringLocked("collection is locked")

    def get_password(self, service: str, username: str) -> str | None:
        self._check()
        return self.values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._check()
        self.values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._check()
        if (service, username) not in self.values:
            raise keyring.errors.PasswordDeleteError("not found")
        del self.values[(service, username)]


@pytest.fixture
def dict_keyring() -> Iterator[DictKeyring]:
    previous = keyring.get_keyring()
    backend = DictKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def swap_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def test_memory_store_round_trip() -> None:
    store = MemoryStore()
    assert isinstance(store, CredentialStore)
    assert not store.is_system
    assert store.get("nethunt_api_key") is None
    store.set("nethunt_api_key", "nh-123456")
    assert store.get("nethunt_api_key") == Secret("nh-123456")
    store.delete("nethunt_api_key")
    store.delete("nethunt_api_key")  # idempotent
    assert store.get("nethunt_api_key") is None
    assert "nh-123456" not in repr(MemoryStore({"k": "nh-123456"}))


def test_keyring_store_round_trip_through_keyring(dict_keyring: DictKeyring) -> None:
    store = KeyringStore()
    assert isinstance(store, CredentialStore)
    assert store.is_system
    assert "DictKeyring" in store.description
    store.set("ringostat_auth_key", "rs-secret-value")
    # One entry per key under the app's service name: what Credential Manager shows to IT.
    assert dict_keyring.values == {("RingoHunt Desktop", "ringostat_auth_key"): "rs-secret-value"}
    got = store.get("ringostat_auth_key")
    assert got is not None
    assert got.reveal() == "rs-secret-value"
    store.delete("ringostat_auth_key")
    store.delete("ringostat_auth_key")  # missing entry: no error
    assert store.get("ringostat_auth_key") is None


@pytest.mark.parametrize("backend_class", [fail.Keyring, null.Keyring], ids=["fail", "null"])
def test_no_usable_keychain_is_an_error_not_a_fallback(
        swap_keyring: None, backend_class: type[KeyringBackend]) -> None:
    keyring.set_keyring(backend_class())
    store = KeyringStore()
    with pytest.raises(CredentialStoreUnavailable, match=NO_KEYCHAIN_MESSAGE):
        store.set("nethunt_api_key", "nh-should-not-be-stored")
    with pytest.raises(CredentialStoreUnavailable):
        store.get("nethunt_api_key")
    assert "unavailable" in store.description


def test_backend_errors_become_unavailable_without_the_value(dict_keyring: DictKeyring) -> None:
    dict_keyring.broken = True
    with pytest.raises(CredentialStoreUnavailable) as info:
        KeyringStore().set("nethunt_api_key", "nh-very-secret")
    assert "nh-very-secret" not in str(info.value)
    assert "nethunt_api_key" in str(info.value)


@pytest.mark.parametrize("store_factory", [MemoryStore, KeyringStore])
def test_overlong_value_is_refused_clearly(dict_keyring: DictKeyring,
                                           store_factory: type[CredentialStore]) -> None:
    store = store_factory()
    too_long = "x" * (MAX_SECRET_CHARS + 1)
    with pytest.raises(CredentialValueError, match=str(MAX_SECRET_CHARS)) as info:
        store.set("nethunt_api_key", too_long)
    assert too_long not in str(info.value)
    store.set("nethunt_api_key", "x" * MAX_SECRET_CHARS)  # the limit itself is fine
    assert dict_keyring.values or store_factory is MemoryStore


def test_load_credentials_only_secret_keys_as_strings() -> None:
    store = MemoryStore({"ringostat_auth_key": "rs-1", "nethunt_api_key": "",
                         "nethunt_email": "not-a-credential@x.ua"})
    assert CREDENTIAL_KEYS == ("ringostat_auth_key", "nethunt_api_key", "broker_password")
    assert load_credentials(store) == {"ringostat_auth_key": "rs-1"}


def test_load_credentials_feeds_config(tmp_path: Path) -> None:
    from ringohunt_desktop.config import load_config
    from ringohunt_desktop.paths import AppPaths

    store = MemoryStore({"ringostat_auth_key": "rs-1", "nethunt_api_key": "nh-2"})
    config = load_config(AppPaths.under(tmp_path), env={},
                         credentials=load_credentials(store))
    assert config.ringostat_auth_key == Secret("rs-1")
    assert config.nethunt_api_key == Secret("nh-2")
    assert config.sources["nethunt_api_key"] == "credential store"


def test_default_store_is_the_keychain() -> None:
    store = default_store()
    assert isinstance(store, KeyringStore)
    assert store.service == "RingoHunt Desktop"
