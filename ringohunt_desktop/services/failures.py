"""Why something failed, in the agent's language: the one place that words failures for the UI.

The layers below Qt (clients, phone, session, lookup) raise errors that carry a
machine-readable cause next to their precise English message: :class:`ApiError.reason
<ringohunt_desktop.clients.errors.Reason>`, :class:`InvalidNumber.problem
<ringohunt_desktop.phone.NumberProblem>`, :class:`SetupError.problem
<ringohunt_desktop.core.problems.SetupProblem>`. The services hand the error itself to the
application, which shows :func:`describe` of it (a short sentence that says what the agent can
do) and keeps the English message for the logs, the diagnostics and the CLI.

Every string is translated with the literal context ``"Failures"`` written out in each call:
lupdate only extracts ``translate("Context", "text")`` with both as literals (a variable
context is silently skipped). Service names (Ringostat, NetHunt) are never translated.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from ringohunt_desktop.clients.errors import ApiError, Reason
from ringohunt_desktop.core.problems import SetupError, SetupProblem
from ringohunt_desktop.core.subscription import BrokerError, BrokerUntrusted
from ringohunt_desktop.phone import InvalidNumber, NumberProblem


def describe(failure: BaseException) -> str:
    """A short sentence for the agent: what went wrong and what to do about it."""
    if isinstance(failure, ApiError):
        return describe_api_error(failure)
    if isinstance(failure, InvalidNumber):
        return describe_invalid_number(failure)
    if isinstance(failure, SetupError):
        return describe_setup_error(failure)
    return QCoreApplication.translate(
        "Failures", "Something went wrong; the details are in the log (tray menu → Save "
                  "diagnostics).")


def describe_api_error(error: ApiError) -> str:
    if isinstance(error, BrokerError):
        return describe_broker_error(error)
    texts = {
        Reason.OFFLINE: QCoreApplication.translate(
            "Failures", "Cannot connect to {service}. Check the internet connection."),
        Reason.TIMEOUT: QCoreApplication.translate(
            "Failures", "{service} did not answer in time. Try again."),
        Reason.DROPPED: QCoreApplication.translate(
            "Failures", "The connection to {service} broke off. Try again."),
        Reason.CREDENTIALS: QCoreApplication.translate(
            "Failures", "{service} did not accept your keys. Check them in Settings."),
        Reason.RATE_LIMITED: QCoreApplication.translate(
            "Failures", "{service} is getting too many requests. Wait a minute and try again."),
        Reason.SERVICE_ERROR: (
            QCoreApplication.translate(
                "Failures", "{service} has a failure on its side (error {status}). Try again "
                          "in a minute.")
            if error.status is not None else QCoreApplication.translate(
                "Failures", "{service} has a failure on its side. Try again in a minute.")),
        Reason.NOT_FOUND: QCoreApplication.translate(
            "Failures", "{service} no longer has this record; it may have been deleted."),
        Reason.REJECTED: QCoreApplication.translate(
            "Failures", "{service} refused the request. Check the details and try again."),
        Reason.BAD_ANSWER: QCoreApplication.translate(
            "Failures", "{service} sent an answer RingoHunt cannot read. Try again later."),
        Reason.UNTRUSTED_CERTIFICATE: QCoreApplication.translate(
            "Failures", "The certificate of {host} ({service}) is not trusted, so RingoHunt "
                      "did not connect. If your company checks HTTPS traffic, ask IT to "
                      "install its certificate on this computer."),
    }
    return texts[error.reason].format(service=error.service, status=error.status,
                                      host=getattr(error, "host", "") or error.service)


def describe_broker_error(error: BrokerError) -> str:
    """The call server (subscription mode) is not a service the agent knows by name."""
    if isinstance(error, BrokerUntrusted):
        return QCoreApplication.translate(
            "Failures", "The certificate of the call server {host} is not trusted on this "
                      "computer. Ask IT to install the company's certificate.").format(
                          host=error.host)
    if error.reason is Reason.CREDENTIALS:
        return QCoreApplication.translate(
            "Failures", "The call server refused your login. Check it in Settings or ask IT "
                      "for a new one.")
    if error.reason is Reason.NOT_FOUND:
        return QCoreApplication.translate(
            "Failures", "The call server has no place for your calls yet. Ask IT to add you "
                      "to it (provisioning).")
    return QCoreApplication.translate(
        "Failures", "Cannot reach the call server; reconnecting. Calls that come meanwhile "
                  "appear once it is back.")


def describe_invalid_number(error: InvalidNumber) -> str:
    texts = {
        NumberProblem.EMPTY: QCoreApplication.translate(
            "Failures", "The phone number is empty."),
        NumberProblem.TOO_LONG: QCoreApplication.translate(
            "Failures", "«{number}» is too long to be a phone number."),
        NumberProblem.MISPLACED_PLUS: QCoreApplication.translate(
            "Failures", "«{number}» has a «+» in the wrong place."),
        NumberProblem.LETTERS: QCoreApplication.translate(
            "Failures", "«{number}» is not a phone number: it contains letters."),
        NumberProblem.BAD_CHARACTER: QCoreApplication.translate(
            "Failures", "«{number}» is not a phone number: «{character}» cannot be part of "
                      "one."),
        NumberProblem.TOO_FEW_DIGITS: QCoreApplication.translate(
            "Failures", "«{number}» is not a phone number: too few digits."),
        NumberProblem.TOO_MANY_DIGITS: QCoreApplication.translate(
            "Failures", "«{number}» has too many digits for a phone number."),
        NumberProblem.NOT_VALID: QCoreApplication.translate(
            "Failures", "«{number}» is not a valid phone number. Check the digits."),
        NumberProblem.EXTENSION: QCoreApplication.translate(
            "Failures", "«{number}» is an internal extension, not a full phone number."),
        NumberProblem.WRONG_SCHEME: QCoreApplication.translate(
            "Failures", "«{number}» cannot be dialled: only tel: and callto: links can be."),
        NumberProblem.NO_NUMBER: QCoreApplication.translate(
            "Failures", "«{number}» has no phone number in it."),
    }
    return texts[error.problem].format(number=error.shown, character=error.detail)


def describe_setup_error(error: SetupError) -> str:
    texts = {
        SetupProblem.MISSING_SETTINGS: QCoreApplication.translate(
            "Failures", "Some settings are missing. Open Settings and enter your keys."),
        SetupProblem.AGENT_NOT_FOUND: QCoreApplication.translate(
            "Failures", "Ringostat has no employee «{agent}». Open Settings and choose yourself "
                      "in the list."),
        SetupProblem.FOLDER_NOT_FOUND: QCoreApplication.translate(
            "Failures", "NetHunt has no folder «{folder}» you can read. Open Settings and "
                      "choose the contacts folder."),
        SetupProblem.NO_EXTENSION: QCoreApplication.translate(
            "Failures", "You have no SIP login or extension to call from. Ask your Ringostat "
                      "administrator to add one."),
        SetupProblem.BAD_SETTING: QCoreApplication.translate(
            "Failures", "The setting «{setting}» has a value RingoHunt cannot use: «{value}». "
                      "Correct it in Settings, or ask IT if it was set for the whole "
                      "computer."),
    }
    return texts[error.problem].format(
        **{"agent": "", "folder": "", "setting": "", "value": "", **error.params})


def describe_startup_failure(failure: BaseException) -> str:
    """Why the services did not start, with the next step; says that the app keeps trying."""
    if isinstance(failure, ApiError | InvalidNumber | SetupError):
        return describe(failure)
    # Not a known failure (a bug, or input nobody foresaw): name it, and say what to do.
    return QCoreApplication.translate(
        "Failures", "RingoHunt could not start ({detail}). It tries again by itself; if this "
                  "stays, choose Save diagnostics in the tray menu and send the file to IT."
    ).format(detail=type(failure).__name__)


def reason_phrase(error: ApiError) -> str:
    """The reason alone, for a sentence that names the service itself (the setup checks).

    Network trouble is worded in the agent's language; in English it reads exactly as
    ``error.message`` does, so the CLI's ``check`` keeps its output. What the service said
    (a refusal, an unexpected answer) is quoted as it is.
    """
    phrases = {
        Reason.OFFLINE: QCoreApplication.translate(
            "Failures", "cannot connect (network or service down)"),
        Reason.TIMEOUT: QCoreApplication.translate(
            "Failures", "the service did not answer in time"),
        Reason.DROPPED: QCoreApplication.translate("Failures", "the connection was dropped"),
        Reason.RATE_LIMITED: QCoreApplication.translate("Failures", "too many requests"),
        Reason.UNTRUSTED_CERTIFICATE: QCoreApplication.translate(
            "Failures", "the certificate of {host} is not trusted").format(
                host=getattr(error, "host", "") or error.service),
    }
    if error.reason is Reason.SERVICE_ERROR and error.status is not None:
        return QCoreApplication.translate("Failures", "service error {status}").format(
            status=error.status)
    phrase = phrases.get(error.reason)
    return phrase if phrase is not None else error.message


__all__ = ["describe", "describe_api_error", "describe_broker_error", "describe_invalid_number",
           "describe_setup_error", "describe_startup_failure", "reason_phrase"]


def english_detail(failure: BaseException | None) -> str:
    """The precise English reason of a failure, for the log and the diagnostics."""
    if failure is None:
        return ""
    if isinstance(failure, ApiError):
        return failure.user_message
    return str(failure)
