"""Opens the setup wizard and the settings dialog and connects them to the
:class:`~ringohunt_desktop.services.setup_controller.SetupController` that tests and stores
what the agent types. One setup window at a time.
"""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

from ringohunt_desktop.services.hotkeys import HotkeyService, describe_status
from ringohunt_desktop.services.setup_checks import (
    BrokerCheck,
    FolderFieldsCheck,
    NetHuntCheck,
    RingostatCheck,
)
from ringohunt_desktop.services.setup_controller import SaveFailed, SetupController
from ringohunt_desktop.ui.settings_dialog import FirstRunWizard, SettingsDialog, SetupValues

SetupWindow = FirstRunWizard | SettingsDialog
WindowT = TypeVar("WindowT", FirstRunWizard, SettingsDialog)


class SetupWindows(QObject):
    def __init__(self, controller: SetupController, *, hotkeys: HotkeyService | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.hotkeys = hotkeys  # what the Shortcuts tab asks and shows
        self.window: SetupWindow | None = None
        checker = controller.checker
        checker.ringostat_checked.connect(self._on_ringostat)
        checker.nethunt_checked.connect(self._on_nethunt)
        checker.folder_fields_checked.connect(self._on_fields)
        checker.broker_checked.connect(self._on_broker)

    def open_wizard(self) -> FirstRunWizard:
        wizard = self._adopt(FirstRunWizard(self.controller.config))
        # Before the first key is typed: five tested steps must not end in "Nothing was saved".
        wizard.show_keychain_problem(self.controller.keychain_problem())
        wizard.keychain_retry_button.clicked.connect(
            lambda: wizard.show_keychain_problem(self.controller.keychain_problem()))
        wizard.show()
        return wizard

    def open_settings(self) -> SettingsDialog:
        if isinstance(self.window, SettingsDialog) and self.window.isVisible():
            self.window.raise_()
            self.window.activateWindow()
            return self.window
        dialog = self._adopt(SettingsDialog(self.controller.config))
        self._show_hotkeys(dialog)
        dialog.show()
        dialog.start_tests()
        return dialog

    def _show_hotkeys(self, dialog: SettingsDialog) -> None:
        """The shortcuts' state as the system reports it, and live checks as the agent
        types (a combination another program holds says so before Save)."""
        hotkeys = self.hotkeys
        if hotkeys is None:
            return
        dialog.show_hotkey_session(hotkeys.availability())
        if hotkeys.enabled:
            for action, status in hotkeys.statuses().items():
                dialog.show_hotkey_status(action.value, describe_status(status),
                                          status.is_problem)

        def check(action: str, text: str) -> None:
            status = hotkeys.check(action, text)
            dialog.show_hotkey_status(action, describe_status(status), status.is_problem)

        dialog.hotkey_check_requested.connect(check)
        dialog.hotkey_recording.connect(hotkeys.suspend)
        dialog.finished.connect(lambda _code: hotkeys.suspend(False))

    def close(self) -> None:
        if self.window is not None:
            self.window.close()
            self.window = None

    def _adopt(self, window: WindowT) -> WindowT:
        self.close()
        self.window = window
        controller = self.controller
        controller.start_over()
        window.test_ringostat_requested.connect(controller.test_ringostat)
        window.agent_check_requested.connect(
            lambda identity: window.show_agent_result(controller.check_agent(identity)))
        window.test_nethunt_requested.connect(controller.test_nethunt)
        window.test_broker_requested.connect(controller.test_broker)
        window.folder_fields_requested.connect(controller.load_folder_fields)
        window.save_requested.connect(lambda values: self._save(window, values))
        window.finished.connect(lambda _code: self._forget(window))
        return window

    def _forget(self, window: SetupWindow) -> None:
        if self.window is window:
            self.window = None

    def _save(self, window: SetupWindow, values: SetupValues) -> None:
        try:
            changed = self.controller.save(values)
        except SaveFailed as exc:
            window.show_save_error(str(exc))
            return
        if isinstance(window, SettingsDialog):
            window.finish_saved(changed)
        else:
            window.finish_saved()

    def _on_ringostat(self, result: RingostatCheck) -> None:
        if self.window is not None:
            self.window.show_ringostat_result(result)

    def _on_nethunt(self, result: NetHuntCheck) -> None:
        if self.window is not None:
            self.window.show_nethunt_result(result)

    def _on_broker(self, result: BrokerCheck) -> None:
        if self.window is not None:
            self.window.show_broker_result(result)

    def _on_fields(self, result: FolderFieldsCheck) -> None:
        if self.window is not None:
            self.window.show_folder_fields(result)
