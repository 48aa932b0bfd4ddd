"""What the user must fix in the settings, as a typed error. No Qt, no network: the windows
word these problems without importing the API clients."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class SetupProblem(StrEnum):
    """What the user must fix in the settings."""

    MISSING_SETTINGS = "missing_settings"  # params: ``missing`` (comma-separated keys)
    AGENT_NOT_FOUND = "agent_not_found"  # params: ``agent``
    FOLDER_NOT_FOUND = "folder_not_found"  # params: ``folder``, ``readable`` (names)
    NO_EXTENSION = "no_extension"  # the agent has no SIP login or extension to call from
    BAD_SETTING = "bad_setting"  # params: ``setting`` (its key), ``value`` (as written)


class SetupError(Exception):
    """Something the user must fix in the settings (not a network problem).

    ``str(error)`` is the precise English reason (CLI, logs); ``problem`` and ``params`` let
    the UI say it in the agent's language.
    """

    def __init__(self, problem: SetupProblem, message: str,
                 params: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.problem = problem
        self.message = message
        self.params: dict[str, str] = dict(params or {})


def no_extension_error() -> SetupError:
    """The agent has nothing to place a call from (the dialer and the CLI's ``call``)."""
    return SetupError(SetupProblem.NO_EXTENSION,
                      "the agent has no SIP login or extension to call from")
