"""Settings layers: flags > environment > user settings > machine defaults > built-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from ringohunt_desktop import config as config_module
from ringohunt_desktop.config import (
    MACHINE_CONFIG_ENV,
    ConfigError,
    load_config,
    save_user_settings,
)
from ringohunt_desktop.paths import AppPaths


@pytest.fixture
def paths(basedir: Path) -> AppPaths:
    return AppPaths.under(basedir).ensure()


@pytest.fixture
def machine_file(tmp_path: Path) -> Path:
    path = tmp_path / "defaults.ini"
    path.write_text("[settings]\npoll_interval = 3\ncontacts_folder = Клієнти\n"
                    "ringostat_url = https://ringostat.example\npop_mode = answer\n"
                    "nethunt_api_key = leaked-by-admin\n"
                    "[locked]\npop_mode = yes\n", encoding="utf-8")
    return path


def test_built_in_defaults(paths: AppPaths) -> None:
    config = load_config(paths, env={MACHINE_CONFIG_ENV: "/nonexistent"})
    assert config.contacts_folder == "Contacts"
    assert config.poll_interval == 1.5
    assert config.sources["poll_interval"] == "built-in"
    assert config.missing_credentials == ["ringostat_auth_key", "ringostat_project_id",
                                          "nethunt_email", "nethunt_api_key", "agent"]


def test_each_layer_beats_the_one_below(paths: AppPaths, machine_file: Path) -> None:
    env = {MACHINE_CONFIG_ENV: str(machine_file)}
    assert load_config(paths, env=env).poll_interval == 3.0
    save_user_settings(paths, {"poll_interval": 2.0, "contacts_folder": "Мої клієнти"})
    config = load_config(paths, env={**env, "RINGOHUNT_CONTACTS_FOLDER": "Env folder"})
    assert config.poll_interval == 2.0
    assert config.sources["poll_interval"] == "user settings"
    assert config.contacts_folder == "Env folder"
    config = load_config(paths, env={**env, "RINGOHUNT_CONTACTS_FOLDER": "Env folder"},
                         overrides={"contacts_folder": "Flag folder", "agent": None})
    assert config.contacts_folder == "Flag folder"
    assert config.sources["contacts_folder"] == "command line"
    assert config.ringostat_url == "https://ringostat.example"


def test_it_can_lock_a_setting(paths: AppPaths, machine_file: Path) -> None:
    env = {MACHINE_CONFIG_ENV: str(machine_file)}
    config = load_config(paths, env=env, overrides={"pop_mode": "off"})
    assert config.pop_mode == "answer"
    assert "pop_mode" in config.locked
    with pytest.raises(ConfigError, match="pop_mode"):
        save_user_settings(paths, {"pop_mode": "off"}, locked=config.locked)


def test_secrets_are_never_read_from_or_written_to_settings_files(
        paths: AppPaths, machine_file: Path) -> None:
    config = load_config(paths, env={MACHINE_CONFIG_ENV: str(machine_file)})
    assert not config.nethunt_api_key  # a key in a machine file is ignored
    with pytest.raises(ConfigError, match="nethunt_api_key"):
        save_user_settings(paths, {"nethunt_api_key": "k"})
    config = load_config(paths, env={"RINGOHUNT_NETHUNT_API_KEY": "from-env",
                                     MACHINE_CONFIG_ENV: "/nonexistent"},
                         credentials={"ringostat_auth_key": "from-keychain"})
    assert config.nethunt_api_key.reveal() == "from-env"
    assert config.ringostat_auth_key.reveal() == "from-keychain"
    assert "from-env" not in repr(config)
    assert "from-keychain" not in repr(config)


def test_a_bad_value_names_its_source_and_key(paths: AppPaths) -> None:
    with pytest.raises(ConfigError, match=r"environment.*poll_interval|command line"):
        load_config(paths, env={MACHINE_CONFIG_ENV: "/nonexistent"},
                    overrides={"poll_interval": "fast"})
    paths.settings_file.write_text("[settings]\npop_mode = sometimes\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"user settings.*pop_mode"):
        load_config(paths, env={MACHINE_CONFIG_ENV: "/nonexistent"})


def test_unknown_keys_from_a_newer_version_are_ignored(paths: AppPaths) -> None:
    paths.settings_file.write_text("[settings]\nfuture_option = 1\n", encoding="utf-8")
    assert load_config(paths, env={MACHINE_CONFIG_ENV: "/nonexistent"}).pop_mode == "ring"


def test_locked_keys_from_both_forms_add_up(paths: AppPaths, tmp_path: Path) -> None:
    machine = tmp_path / "both.ini"
    machine.write_text("[settings]\npop_mode = answer\nagent_hint = x\n"
                       "locked = pop_mode, poll_interval\n[locked]\nlanguage = yes\n",
                       encoding="utf-8")
    config = load_config(paths, env={MACHINE_CONFIG_ENV: str(machine)})
    assert {"pop_mode", "poll_interval", "language"} <= config.locked


@pytest.mark.parametrize("url", ["http://api.ringostat.net", "ftp://x", "api.ringostat.net"])
def test_service_addresses_must_be_https_except_to_this_computer(paths: AppPaths,
                                                                 url: str) -> None:
    with pytest.raises(ConfigError, match="https"):
        load_config(paths, env={MACHINE_CONFIG_ENV: "/nonexistent",
                                "RINGOHUNT_RINGOSTAT_URL": url})
    local = load_config(paths, env={MACHINE_CONFIG_ENV: "/nonexistent",
                                    "RINGOHUNT_RINGOSTAT_URL": "http://127.0.0.1:8765"})
    assert local.ringostat_url == "http://127.0.0.1:8765"


def test_an_unversioned_settings_file_is_upgraded_and_kept(paths: AppPaths) -> None:
    paths.settings_file.write_text("[settings]\npop_mode = answer\n", encoding="utf-8")
    config = load_config(paths, env={MACHINE_CONFIG_ENV: "/nonexistent"})
    assert config.pop_mode == "answer"
    assert config_module.settings_version(paths.settings_file) == config_module.SCHEMA_VERSION
    assert (paths.config_dir / "settings.ini.v0.bak").read_text(encoding="utf-8").startswith(
        "[settings]")


def test_upgrade_steps_run_in_order(paths: AppPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    def rename_folder_key(values: dict[str, str]) -> dict[str, str]:
        values = dict(values)
        values["contacts_folder"] = values.pop("folder", "Contacts")
        return values

    monkeypatch.setattr(config_module, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(config_module, "UPGRADE_STEPS", (dict, rename_folder_key))
    paths.settings_file.write_text("[meta]\nschema_version = 1\n[settings]\nfolder = Клієнти\n",
                                   encoding="utf-8")
    assert config_module.upgrade_user_settings(paths)
    assert load_config(paths, env={MACHINE_CONFIG_ENV: "/nonexistent"}).contacts_folder == (
        "Клієнти")
    assert not config_module.upgrade_user_settings(paths)  # already current
