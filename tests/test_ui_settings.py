"""The first-run wizard and the settings dialog against the simulator over real HTTP.

Connection tests run on one qasync loop; every scenario closes the controller (and with it
any running test's HTTP client) inside the same loop run, as in ``test_app_flow``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QWidget, QWizard

from ringohunt_desktop.config import Config, load_config, read_ini, save_user_settings
from ringohunt_desktop.credentials import CredentialStoreUnavailable, MemoryStore
from ringohunt_desktop.i18n_build import I18N_DIR, compile_ts
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.secret import Secret
from ringohunt_desktop.services.setup_controller import SetupController
from ringohunt_desktop.shell import i18n
from ringohunt_desktop.simulator import SimCredentials, Simulator
from ringohunt_desktop.simulator.nethunt import FOLDER_IDS
from ringohunt_desktop.ui.settings_dialog import FirstRunWizard
from ringohunt_desktop.ui.setup_windows import SetupWindows
from tests.conftest import signal_future

pytestmark = pytest.mark.gui

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "ui"
PAGE_NAMES = ("ringostat", "agent", "calls", "nethunt", "folder", "behaviour")


async def until(condition: Callable[[], Any], within: float = 10.0, what: str = "") -> Any:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        value = condition()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.02)


class UnavailableStore:
    """A credential store on a machine without a usable keychain."""

    is_system = True
    description = "unavailable"

    def get(self, key: str) -> Secret | None:
        raise CredentialStoreUnavailable("No usable OS keychain was found; credentials "
                                         "cannot be saved")

    def set(self, key: str, value: str) -> None:
        raise CredentialStoreUnavailable("No usable OS keychain was found; credentials "
                                         "cannot be saved")

    def delete(self, key: str) -> None:
        raise CredentialStoreUnavailable("No usable OS keychain was found")


class SetupRunner:
    """Builds controllers on the simulator and runs scenarios on the qasync loop."""

    def __init__(self, sim: Simulator, basedir: Path, loop: asyncio.AbstractEventLoop) -> None:
        self.sim = sim
        self.paths = AppPaths.under(basedir).ensure()
        self.loop = loop
        self.env = {"RINGOHUNT_MACHINE_CONFIG": os.devnull,
                    "RINGOHUNT_RINGOSTAT_URL": sim.ringostat_url,
                    "RINGOHUNT_NETHUNT_URL": sim.nethunt_url}
        self.controllers: list[SetupWindows] = []
        self.autostart_calls: list[bool] = []

    def config(self, credentials: dict[str, str] | None = None, **env: str) -> Config:
        self.env.update(env)
        return load_config(self.paths, env=self.env, credentials=credentials,
                           overrides={"request_timeout": "3"})

    def controller(self, store: Any = None, config: Config | None = None) -> SetupWindows:
        """The setup windows over a controller, as the app builds them."""
        controller = SetupController(store if store is not None else MemoryStore(), self.paths,
                                     config or self.config(), env=self.env,
                                     overrides={"request_timeout": "3"},
                                     apply_autostart=self.autostart_calls.append)
        windows = SetupWindows(controller)
        self.controllers.append(windows)
        return windows

    def run(self, scenario: Coroutine[Any, Any, None]) -> None:
        async def with_shutdown() -> None:
            try:
                await scenario
            finally:
                for windows in self.controllers:
                    await windows.controller.aclose()
                    windows.close()

        self.loop.run_until_complete(with_shutdown())


@pytest.fixture
def runner(sim: Simulator, basedir: Path, qapp: QApplication,
           qloop: asyncio.AbstractEventLoop) -> Iterator[SetupRunner]:
    # As in the tray app: closing the wizard (the last window) must not quit the loop.
    quit_on_last = qapp.quitOnLastWindowClosed()
    qapp.setQuitOnLastWindowClosed(False)
    try:
        yield SetupRunner(sim, basedir, qloop)
    finally:
        qapp.setQuitOnLastWindowClosed(quit_on_last)


# ------------------------------------------------------------------ walking the wizard

def next_button(wizard: QWizard) -> QWidget:
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button is not None
    return button


def finish_button(wizard: QWizard) -> QWidget:
    button = wizard.button(QWizard.WizardButton.FinishButton)
    assert button is not None
    return button


def go_next(wizard: FirstRunWizard) -> None:
    page = wizard.currentId()
    assert next_button(wizard).isEnabled(), wizard.form.first_problem()
    wizard.button(QWizard.WizardButton.NextButton).click()
    assert wizard.currentId() == page + 1


async def pass_ringostat(wizard: FirstRunWizard, creds: SimCredentials,
                         key: str | None = None, project: str | None = None) -> None:
    section = wizard.form.ringostat
    section.key_field.edit.setText(key or creds.ringostat_auth_key)
    section.project_edit.setText(project or creds.ringostat_project_id)
    section.test_button.click()
    await until(lambda: not section.busy, what="the Ringostat test")


async def pass_nethunt(wizard: FirstRunWizard, creds: SimCredentials,
                       key: str | None = None) -> None:
    section = wizard.form.nethunt
    section.email_edit.setText(creds.nethunt_email)
    section.key_field.edit.setText(key or creds.nethunt_api_key)
    section.test_button.click()
    await until(lambda: not section.busy, what="the NetHunt test")


def pick_agent(wizard: FirstRunWizard, name: str) -> None:
    combo = wizard.form.agent.staff_combo
    index = next(i for i in range(combo.count()) if combo.itemText(i).startswith(name))
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


async def walk_to_behaviour(wizard: FirstRunWizard, creds: SimCredentials,
                            shoot: Callable[[str], None] = lambda _name: None) -> None:
    await pass_ringostat(wizard, creds)
    shoot("ringostat")
    go_next(wizard)
    pick_agent(wizard, "Петренко Олена")
    shoot("agent")
    go_next(wizard)
    shoot("calls")
    go_next(wizard)  # calls arrive by polling, the default
    await pass_nethunt(wizard, creds)
    shoot("nethunt")
    go_next(wizard)
    await until(lambda: not wizard.form.folder.busy, what="the folder's fields")
    shoot("folder")
    go_next(wizard)


def files_under(root: Path) -> Iterator[Path]:
    return (path for path in root.rglob("*") if path.is_file())


def assert_no_secret_in_files(root: Path, *secrets: str) -> None:
    for path in files_under(root):
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, f"a secret was written to {path}"


# ------------------------------------------------------------------------------- tests

def test_wizard_with_good_keys_saves_settings_and_secrets_apart(
        runner: SetupRunner, sim_credentials: SimCredentials, basedir: Path) -> None:
    store = MemoryStore()
    controller = runner.controller(store)

    async def scenario() -> None:
        wizard = controller.open_wizard()
        assert not next_button(wizard).isEnabled()
        await pass_ringostat(wizard, sim_credentials)
        assert wizard.form.ringostat.status_label.text() == "Connected: project 11111, 4 employees"
        go_next(wizard)
        pick_agent(wizard, "Петренко Олена")
        assert "You are Петренко Олена" in wizard.form.agent.status_label.text()
        go_next(wizard)
        go_next(wizard)  # calls arrive by polling, the default
        await pass_nethunt(wizard, sim_credentials)
        assert wizard.form.nethunt.status_label.text().startswith("Signed in as ")
        go_next(wizard)
        await until(lambda: not wizard.form.folder.busy, what="the folder's fields")
        folder = wizard.form.folder
        assert folder.selected_folder() is not None
        assert folder.selected_folder().name == "Contacts"  # type: ignore[union-attr]
        assert folder.field_combos["field_phone"].currentData() == "Phone"
        assert folder.field_combos["field_utm_source"].currentData() == "Джерело"
        go_next(wizard)
        behaviour = wizard.form.behaviour
        behaviour.pop_combo.setCurrentIndex(behaviour.pop_combo.findData("answer"))
        behaviour.autoclose_spin.setValue(30)
        behaviour.language_combo.setCurrentIndex(behaviour.language_combo.findData("uk"))
        assert behaviour.language_note.isVisibleTo(behaviour)
        behaviour.autostart_check.setChecked(False)
        assert not runner.paths.settings_file.exists()  # nothing saved before Finish
        assert finish_button(wizard).isEnabled()
        saved = signal_future(controller.controller.configuration_saved)
        finish_button(wizard).click()
        (config,) = await asyncio.wait_for(saved, 5)
        assert not wizard.isVisible()
        assert config.agent == "demoshopua_olena"
        assert config.ringostat_auth_key == Secret(sim_credentials.ringostat_auth_key)
        assert config.pop_mode == "answer"

    runner.run(scenario())
    values, _ = read_ini(runner.paths.settings_file)
    assert values["ringostat_project_id"] == sim_credentials.ringostat_project_id
    assert values["nethunt_email"] == sim_credentials.nethunt_email
    assert values["agent"] == "demoshopua_olena"
    assert "contacts_folder" not in values  # the default "Contacts" already names it
    assert values["pop_mode"] == "answer"
    assert values["pop_autoclose"] == "30.0"
    assert values["language"] == "uk"
    assert values["autostart"] == "false"
    assert "field_phone" not in values  # unchanged defaults stay defaults (IT may change them)
    assert not {"ringostat_auth_key", "nethunt_api_key"} & set(values)
    assert store.get("ringostat_auth_key") == Secret(sim_credentials.ringostat_auth_key)
    assert store.get("nethunt_api_key") == Secret(sim_credentials.nethunt_api_key)
    assert runner.autostart_calls == [False]
    assert_no_secret_in_files(basedir, sim_credentials.ringostat_auth_key,
                              sim_credentials.nethunt_api_key)


@pytest.mark.parametrize(("key", "project", "expected"), [
    ("wrong-ringostat-key", None, "did not accept this Auth-key"),
    (None, "99999", "refused project 99999"),
])
def test_bad_ringostat_credentials_show_inline_and_block_next(
        runner: SetupRunner, sim_credentials: SimCredentials, basedir: Path,
        key: str | None, project: str | None, expected: str) -> None:
    store = MemoryStore()
    controller = runner.controller(store)

    async def scenario() -> None:
        wizard = controller.open_wizard()
        await pass_ringostat(wizard, sim_credentials, key=key, project=project)
        status = wizard.form.ringostat.status_label
        assert expected in status.text()
        assert status.isVisibleTo(wizard)
        assert not next_button(wizard).isEnabled()
        # Editing the inputs clears the error; a good test then unlocks Next.
        await pass_ringostat(wizard, sim_credentials)
        assert next_button(wizard).isEnabled()
        wizard.reject()

    runner.run(scenario())
    assert not runner.paths.settings_file.exists()
    assert store.get("ringostat_auth_key") is None
    assert_no_secret_in_files(basedir, "wrong-ringostat-key")


def test_project_id_must_be_a_number(runner: SetupRunner) -> None:
    controller = runner.controller()

    async def scenario() -> None:
        wizard = controller.open_wizard()
        wizard.form.ringostat.key_field.edit.setText("some-key")
        wizard.form.ringostat.project_edit.setText("my project")
        assert "is a number" in wizard.form.ringostat.status_label.text()
        assert not wizard.form.ringostat.test_button.isEnabled()
        wizard.reject()

    runner.run(scenario())


def test_bad_nethunt_key_shows_inline_and_blocks_next(
        runner: SetupRunner, sim_credentials: SimCredentials, basedir: Path) -> None:
    store = MemoryStore()
    controller = runner.controller(store)

    async def scenario() -> None:
        wizard = controller.open_wizard()
        await pass_ringostat(wizard, sim_credentials)
        go_next(wizard)
        pick_agent(wizard, "Петренко Олена")
        go_next(wizard)
        go_next(wizard)  # calls arrive by polling, the default
        await pass_nethunt(wizard, sim_credentials, key="wrong-nethunt-key")
        assert "did not accept this e-mail and API key" in (
            wizard.form.nethunt.status_label.text())
        assert not next_button(wizard).isEnabled()
        wizard.reject()

    runner.run(scenario())
    assert not runner.paths.settings_file.exists()
    assert store.get("nethunt_api_key") is None
    assert store.get("ringostat_auth_key") is None
    assert_no_secret_in_files(basedir, "wrong-nethunt-key", sim_credentials.ringostat_auth_key)


def test_unknown_agent_is_refused_and_a_typed_login_is_accepted(
        runner: SetupRunner, sim_credentials: SimCredentials) -> None:
    controller = runner.controller()

    async def scenario() -> None:
        wizard = controller.open_wizard()
        await pass_ringostat(wizard, sim_credentials)
        go_next(wizard)
        agent = wizard.form.agent
        agent.identity_edit.setText("nobody@elsewhere.ua")
        assert "Nobody with the SIP login" in agent.status_label.text()
        assert not next_button(wizard).isEnabled()
        agent.identity_edit.setText("IRYNA@demo-shop.ua")  # e-mails match case-insensitively
        assert "Шевчук Ірина" in agent.status_label.text()
        assert agent.staff_combo.currentText().startswith("Шевчук Ірина")
        assert agent.values() == {"agent": "demoshopua_iryna"}
        assert next_button(wizard).isEnabled()
        wizard.reject()

    runner.run(scenario())


def test_phone_field_is_required(runner: SetupRunner, sim_credentials: SimCredentials) -> None:
    controller = runner.controller()

    async def scenario() -> None:
        wizard = controller.open_wizard()
        await pass_ringostat(wizard, sim_credentials)
        go_next(wizard)
        pick_agent(wizard, "Sarah Miller")
        go_next(wizard)
        go_next(wizard)  # calls arrive by polling, the default
        await pass_nethunt(wizard, sim_credentials)
        go_next(wizard)
        folder = wizard.form.folder
        await until(lambda: not folder.busy, what="the folder's fields")
        assert next_button(wizard).isEnabled()
        folder.field_combos["field_phone"].setCurrentIndex(0)  # (not used)
        assert not next_button(wizard).isEnabled()
        assert "phone" in folder.status_label.text()
        # The Deals folder has no Company field: optional mappings fall back to "not used".
        folder.folder_combo.setCurrentIndex(folder.folder_combo.findText("Deals"))
        await until(lambda: not folder.busy, what="the Deals fields")
        assert folder.field_combos["field_company"].currentData() == ""
        assert folder.field_combos["field_phone"].currentData() == "Phone"
        assert folder.values()["contacts_folder"] == FOLDER_IDS["Deals"]
        assert next_button(wizard).isEnabled()
        wizard.reject()

    runner.run(scenario())


def test_unavailable_credential_store_saves_nothing_and_says_why(
        runner: SetupRunner, sim_credentials: SimCredentials, basedir: Path) -> None:
    controller = runner.controller(UnavailableStore())

    async def scenario() -> None:
        wizard = controller.open_wizard()
        await walk_to_behaviour(wizard, sim_credentials)
        finish_button(wizard).click()
        assert wizard.isVisible()
        message = wizard.banner.text()
        assert wizard.banner.isVisibleTo(wizard)
        assert "Nothing was saved" in message
        assert "no usable password store" in message
        assert "RINGOHUNT_RINGOSTAT_AUTH_KEY" in message
        wizard.reject()

    runner.run(scenario())
    assert not runner.paths.settings_file.exists()
    assert_no_secret_in_files(basedir, sim_credentials.ringostat_auth_key,
                              sim_credentials.nethunt_api_key)


def stored_config(runner: SetupRunner, creds: SimCredentials, **env: str) -> tuple[
        MemoryStore, Config]:
    """A configured agent: keys in the store, the rest in settings.ini (as the wizard left it)."""
    secrets = {"ringostat_auth_key": creds.ringostat_auth_key,
               "nethunt_api_key": creds.nethunt_api_key}
    save_user_settings(runner.paths, {"ringostat_project_id": creds.ringostat_project_id,
                                      "nethunt_email": creds.nethunt_email,
                                      "agent": creds.agent})
    return MemoryStore(secrets), runner.config(credentials=secrets, **env)


def test_settings_dialog_prefills_hides_secrets_and_saves_changes(
        runner: SetupRunner, sim_credentials: SimCredentials, basedir: Path,
        tmp_path: Path) -> None:
    machine = tmp_path / "defaults.ini"
    machine.write_text("[settings]\npop_mode = off\n\n[locked]\npop_mode = true\n",
                       encoding="utf-8")
    store, config = stored_config(runner, sim_credentials,
                                  RINGOHUNT_MACHINE_CONFIG=str(machine))
    assert "pop_mode" in config.locked
    controller = runner.controller(store, config)

    async def scenario() -> None:
        dialog = controller.open_settings()
        form = dialog.form
        # Secrets: never shown, never in any widget's text.
        assert not form.ringostat.key_field.editing
        assert form.ringostat.key_field.stored_label.text().startswith("••••")
        texts = [label.text() for label in dialog.findChildren(QLabel)]
        assert all(sim_credentials.ringostat_auth_key not in text for text in texts)
        # Locked: read-only with the IT note.
        assert not form.behaviour.pop_combo.isEnabled()
        assert "Set by your IT department" in texts
        await until(lambda: not (form.ringostat.busy or form.nethunt.busy
                                 or form.folder.busy), what="the tests with stored keys")
        assert "4 employees" in form.ringostat.status_label.text()
        assert form.agent.staff_combo.currentText().startswith("Петренко Олена")
        assert dialog.save_button.isEnabled()
        form.behaviour.autoclose_spin.setValue(45)
        # Changing a key needs a test again before Save.
        form.nethunt.key_field.change_button.click()
        form.nethunt.key_field.edit.setText("new-nethunt-key")
        assert not dialog.save_button.isEnabled()
        assert "NetHunt" in dialog.problem_label.text()
        form.nethunt.key_field.keep_button.click()
        assert dialog.save_button.isEnabled()
        saved = signal_future(dialog.saved)
        dialog.save_button.click()
        (changed,) = await asyncio.wait_for(saved, 5)
        assert changed == {"pop_autoclose": 45.0}

    before, _ = read_ini(runner.paths.settings_file)
    runner.run(scenario())
    values, _ = read_ini(runner.paths.settings_file)
    assert values == {**before, "pop_autoclose": "45.0"}
    assert store.get("nethunt_api_key") == Secret(sim_credentials.nethunt_api_key)
    assert_no_secret_in_files(basedir, sim_credentials.ringostat_auth_key,
                              sim_credentials.nethunt_api_key, "new-nethunt-key")


def test_settings_dialog_changes_a_key_only_in_the_store(
        runner: SetupRunner, sim_credentials: SimCredentials, basedir: Path) -> None:
    store, config = stored_config(runner, sim_credentials)
    controller = runner.controller(store, config)

    async def scenario() -> None:
        dialog = controller.open_settings()
        form = dialog.form
        await until(lambda: not (form.ringostat.busy or form.nethunt.busy),
                    what="the first tests")
        form.ringostat.key_field.change_button.click()
        form.ringostat.key_field.edit.setText(sim_credentials.ringostat_auth_key)
        assert not dialog.save_button.isEnabled()
        form.ringostat.test_button.click()
        await until(lambda: not form.ringostat.busy, what="the Ringostat test")
        assert dialog.save_button.isEnabled()
        saved = signal_future(controller.controller.configuration_saved)
        dialog.save_button.click()
        await asyncio.wait_for(saved, 5)

    before = runner.paths.settings_file.read_bytes()
    runner.run(scenario())
    assert runner.paths.settings_file.read_bytes() == before  # only a secret changed
    assert_no_secret_in_files(basedir, sim_credentials.ringostat_auth_key)


# ------------------------------------------------------------------------- screenshots

@pytest.fixture
def language(request: pytest.FixtureRequest, qapp: QApplication,
             tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    wanted = str(request.param)
    if wanted == "uk":
        compile_ts(I18N_DIR / "ringohunt_uk.ts", tmp_path / "ringohunt_uk.qm")
        monkeypatch.setattr(i18n, "translation_dirs", lambda: [tmp_path])
        assert i18n.install_translator(qapp, "uk") == "uk"
    try:
        yield wanted
    finally:
        i18n.remove_translators(qapp)


@pytest.mark.parametrize("language", ["en", "uk"], indirect=True)
def test_screenshots_of_every_page(runner: SetupRunner, sim_credentials: SimCredentials,
                                   language: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    wizard_controller = runner.controller()  # before stored_config() writes settings.ini
    store, config = stored_config(runner, sim_credentials)
    settings_controller = runner.controller(store, config)

    async def scenario() -> None:
        wizard = wizard_controller.open_wizard()
        wizard.resize(wizard.minimumSize())
        pages = iter(range(1, 7))

        def shoot(name: str) -> None:
            path = ARTIFACTS / f"wizard_{language}_{next(pages)}_{name}.png"
            assert wizard.grab().save(str(path))

        await walk_to_behaviour(wizard, sim_credentials, shoot)
        shoot("behaviour")
        if language == "uk":
            # Issue 13: the wizard and the settings dialog no longer share one title.
            assert wizard.windowTitle() == "Початкове налаштування RingoHunt"
        wizard.reject()
        dialog = settings_controller.open_settings()
        if language == "uk":
            assert dialog.windowTitle() == "Налаштування RingoHunt"
        dialog.resize(dialog.minimumSize())
        form = dialog.form
        await until(lambda: not (form.ringostat.busy or form.nethunt.busy or form.folder.busy),
                    what="the tests with stored keys")
        for index in range(dialog.tabs.count()):
            dialog.tabs.setCurrentIndex(index)
            await asyncio.sleep(0.05)  # let the layout settle (no processEvents in a coroutine)
            path = ARTIFACTS / f"settings_{language}_{index + 1}.png"
            assert dialog.grab().save(str(path))
        dialog.reject()

    runner.run(scenario())


def test_the_wizard_says_on_its_first_page_that_keys_cannot_be_kept(
        runner: SetupRunner) -> None:
    controller = runner.controller(UnavailableStore())

    async def scenario() -> None:
        wizard = controller.open_wizard()
        assert wizard.currentPage() is wizard.section_pages[0]
        banner = wizard.keychain_banner
        assert banner.isVisibleTo(wizard)
        assert "no usable password store" in banner.text()
        assert "RINGOHUNT_RINGOSTAT_AUTH_KEY" in banner.text()
        assert "RINGOHUNT_NETHUNT_API_KEY" in banner.text()
        assert wizard.keychain_retry_button.isVisibleTo(wizard)
        wizard.reject()

    runner.run(scenario())


def test_the_wizard_checks_the_keychain_again_on_request(runner: SetupRunner) -> None:
    store = UnavailableStore()
    controller = runner.controller(store)

    async def scenario() -> None:
        wizard = controller.open_wizard()
        assert wizard.keychain_banner.isVisibleTo(wizard)
        controller.controller.store = MemoryStore()  # IT unlocked or installed a keychain
        wizard.keychain_retry_button.click()
        assert not wizard.keychain_banner.isVisibleTo(wizard)
        assert not wizard.keychain_retry_button.isVisibleTo(wizard)
        wizard.reject()

    runner.run(scenario())


def test_a_working_keychain_shows_no_warning(runner: SetupRunner) -> None:
    controller = runner.controller(MemoryStore())

    async def scenario() -> None:
        wizard = controller.open_wizard()
        assert not wizard.keychain_banner.isVisibleTo(wizard)
        wizard.reject()

    runner.run(scenario())
