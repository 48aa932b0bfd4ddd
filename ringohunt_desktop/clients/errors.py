"""Typed failures of the Ringostat and NetHunt clients.

Every message is safe to show and to log: it names the service and the reason, never a
credential. ``message`` / ``user_message`` are the precise English reason for the CLI, the
logs and the diagnostics; ``reason`` is the machine-readable cause the UI words in the
agent's language (``ringohunt_desktop.services.failures``). Every raise says its reason.
"""

from __future__ import annotations

from enum import StrEnum


class Reason(StrEnum):
    """Why a request to a service failed, in terms the agent can act on."""

    OFFLINE = "offline"  # cannot connect: no network, or the service is down
    TIMEOUT = "timeout"  # no answer in time (the request may still have been done)
    DROPPED = "dropped"  # the connection broke while sending or reading
    CREDENTIALS = "credentials"  # 401/403: the key, e-mail or project is wrong
    RATE_LIMITED = "rate_limited"  # 429
    SERVICE_ERROR = "service_error"  # 5xx; ``status`` holds the code
    NOT_FOUND = "not_found"  # 404 on an action: the record is gone
    REJECTED = "rejected"  # the request itself was refused (bad number, bad field)
    BAD_ANSWER = "bad_answer"  # not what the contract says (bad JSON, wrong shape, too big)
    UNTRUSTED_CERTIFICATE = "untrusted_certificate"  # TLS: the server's certificate failed


class ApiError(Exception):
    """Base class: something went wrong talking to a service."""

    def __init__(self, service: str, message: str, *, reason: Reason,
                 status: int | None = None) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service
        self.message = message
        self.reason = reason
        self.status = status

    @property
    def user_message(self) -> str:
        return f"{self.service}: {self.message}"


class AuthError(ApiError):
    """401/403: the key, e-mail or project is wrong. Retrying does not help."""


class RateLimited(ApiError):
    """429: the service asks us to wait ``retry_after`` seconds."""

    def __init__(self, service: str, message: str, *, retry_after: float, reason: Reason,
                 status: int | None = 429) -> None:
        super().__init__(service, message, reason=reason, status=status)
        self.retry_after = retry_after


class TransientError(ApiError):
    """5xx, timeout, dropped or refused connection: worth trying again later.

    ``never_sent`` is True when the request provably did not reach the service (connection
    refused), so even a request that changes something may be sent again.
    """

    def __init__(self, service: str, message: str, *, reason: Reason,
                 status: int | None = None, never_sent: bool = False) -> None:
        super().__init__(service, message, reason=reason, status=status)
        self.never_sent = never_sent


class CertificateError(ApiError):
    """The server's TLS certificate is not trusted here (self-signed, expired, wrong name, or
    a company proxy whose root is not installed). Nothing was sent; retrying does not help.
    ``host`` names the server."""

    def __init__(self, service: str, message: str, *, host: str,
                 reason: Reason = Reason.UNTRUSTED_CERTIFICATE) -> None:
        super().__init__(service, message, reason=reason)
        self.host = host


class BadResponse(ApiError):
    """The service answered, but not with what the contract says (bad JSON, wrong shape)."""


class NotFound(ApiError):
    """404 on an action: the record is gone."""


class RequestRejected(ApiError):
    """4xx other than auth/404/429: the request itself was refused (bad number, bad field)."""
