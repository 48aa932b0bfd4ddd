"""The HTTP layer both clients share: one long-lived ``httpx.AsyncClient`` per service, the
mapping of transport and status failures to typed errors, and the retry policy.

Retry rules, kept here and only here:

* safe requests (GETs, and POSTs that only read, such as JSON-RPC look-ups) retry on
  transient failures and on 429 with exponential backoff, honouring ``Retry-After``;
* requests that change something (create, update, click-to-call) are retried only when the
  request provably never reached the service: the connection was refused, or a 429 said
  "not processed, come back later". A timeout or a dropped connection after sending may have
  done the work, so those are reported, never repeated behind the user's back.
"""

from __future__ import annotations

import asyncio
import codecs
import json
import logging
import random
import re
import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from ringohunt_desktop import __version__
from ringohunt_desktop.clients.errors import (
    ApiError,
    AuthError,
    BadResponse,
    NotFound,
    RateLimited,
    RequestRejected,
    TransientError,
)

log = logging.getLogger(__name__)

USER_AGENT = f"RingoHunt-Desktop/{__version__}"
MAX_BODY_BYTES = 64 * 1024 * 1024  # far above a 6500-row call export; stops a runaway answer
LARGE_BODY_BYTES = 256 * 1024  # parse answers above this off the event-loop thread


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0  # a Retry-After beyond this is reported, not waited for

    def backoff(self, attempt: int) -> float:
        """Full-jitter exponential backoff for the ``attempt``-th retry (1-based)."""
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return random.uniform(ceiling / 2, ceiling)


NO_RETRY = RetryPolicy(attempts=1)


def _ssl_context() -> ssl.SSLContext | bool:
    """The OS trust store, so TLS-inspecting corporate proxies work as in the browser."""
    try:
        import truststore

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except Exception:  # pragma: no cover - truststore missing or unsupported platform
        log.info("OS trust store unavailable; using certifi")
        return True


def build_client(base_url: str, *, auth: httpx.Auth | tuple[str, str] | None = None,
                 headers: Mapping[str, str] | None = None,
                 timeout: float = 10.0) -> httpx.AsyncClient:
    """One client per service, kept for the app's life and closed on quit."""
    return httpx.AsyncClient(
        base_url=base_url.rstrip("/"),
        auth=auth,
        headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        verify=_ssl_context() if base_url.lower().startswith("https:") else True,
        follow_redirects=False,
        limits=httpx.Limits(max_connections=8, max_keepalive_connections=4),
    )


def parse_retry_after(value: str | None, default: float = 1.0) -> float:
    """Seconds from a ``Retry-After`` header: delta-seconds or an HTTP date."""
    if not value:
        return default
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def error_text(response: httpx.Response, limit: int = 200) -> str:
    """A short human reason from an error body: JSON ``message``-like keys, else the text."""
    text = response.text.strip()
    try:
        payload = json.loads(text)
    except ValueError:
        payload = None
    if isinstance(payload, dict):
        for key in ("message", "error", "errorMessage", "description"):
            value = payload.get(key)
            if isinstance(value, dict):
                value = value.get("message")
            if isinstance(value, str) and value.strip():
                return value.strip()[:limit]
    if text.startswith("<"):
        return f"HTTP {response.status_code}"
    return (text or f"HTTP {response.status_code}")[:limit]


class ServiceHttp:
    """Sends requests for one service and turns every failure into an :class:`ApiError`."""

    def __init__(self, service: str, client: httpx.AsyncClient, *,
                 retry: RetryPolicy | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.service = service
        self.client = client
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._max_body = max_body_bytes

    async def aclose(self) -> None:
        await self.client.aclose()

    async def request(self, method: str, path: str, *, safe: bool,
                      params: Any = None, json_body: Any = None,
                      form: Mapping[str, str] | None = None,
                      headers: Mapping[str, str] | None = None,
                      ok_statuses: tuple[int, ...] = ()) -> httpx.Response:
        """Send, retrying as the module docstring says. 2xx and ``ok_statuses`` are returned."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._send_once(method, path, params=params, json_body=json_body,
                                             form=form, headers=headers,
                                             ok_statuses=ok_statuses)
            except (TransientError, RateLimited) as exc:
                never_sent = isinstance(exc, RateLimited) or exc.never_sent
                if attempt >= self.retry.attempts or not (safe or never_sent):
                    raise
                if isinstance(exc, RateLimited):
                    if exc.retry_after > self.retry.max_retry_after:
                        raise
                    delay = exc.retry_after
                else:
                    delay = self.retry.backoff(attempt)
                log.info("%s %s %s failed (%s); retry %d in %.1fs", self.service, method, path,
                         exc.message, attempt, delay)
                await self._sleep(delay)

    async def _send_once(self, method: str, path: str, *, params: Any, json_body: Any,
                         form: Mapping[str, str] | None, headers: Mapping[str, str] | None,
                         ok_statuses: tuple[int, ...]) -> httpx.Response:
        request = self.client.build_request(method, path, params=params, json=json_body,
                                            data=form, headers=headers)
        try:
            response = await self.client.send(request, stream=True)
        except httpx.ConnectError as exc:
            raise TransientError(self.service, "cannot connect (network or service down)",
                                 never_sent=True) from exc
        except httpx.TimeoutException as exc:
            raise TransientError(self.service, "the service did not answer in time") from exc
        except httpx.TransportError as exc:
            raise TransientError(self.service, "the connection was dropped") from exc
        try:
            await self._read_bounded(response)
        except httpx.TimeoutException as exc:
            raise TransientError(self.service, "the service did not answer in time") from exc
        except httpx.TransportError as exc:
            raise TransientError(self.service, "the connection was dropped") from exc
        finally:
            await response.aclose()
        status = response.status_code
        if 200 <= status < 300 or status in ok_statuses:
            return response
        reason = error_text(response)
        if status in (401, 403):
            raise AuthError(self.service, f"credentials refused ({reason})", status=status)
        if status == 429:
            raise RateLimited(self.service, "too many requests",
                              retry_after=parse_retry_after(response.headers.get("Retry-After")))
        if status >= 500:
            raise TransientError(self.service, f"service error {status}", status=status)
        if status == 404:
            raise NotFound(self.service, f"not found ({reason})", status=status)
        raise RequestRejected(self.service, f"request refused: {reason}", status=status)

    async def _read_bounded(self, response: httpx.Response) -> None:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self._max_body:
                raise BadResponse(self.service, f"answer larger than {self._max_body} bytes")
            chunks.append(chunk)
        response._content = b"".join(chunks)  # what .read() would set; .text/.json use it

    async def json_async(self, response: httpx.Response) -> Any:
        """Like :meth:`json`, but a large array is decoded element by element, yielding to
        the event loop every few milliseconds.

        ``json.loads`` holds the interpreter lock for its whole run (a second for a 40 MB
        enumeration answer), so a worker thread would still freeze the UI thread.
        """
        content = response.content
        first = re.compile(rb"\s*(.)", re.DOTALL).match(content)  # no copy of a 40 MB body
        if len(content) < LARGE_BODY_BYTES or first is None or first.group(1) != b"[":
            return self.json(response)
        try:
            text = await _decode_text_cooperatively(content, response.encoding or "utf-8")
            return await _decode_array_cooperatively(text)
        except (ValueError, UnicodeDecodeError, LookupError) as exc:
            raise BadResponse(self.service, "the answer is not valid JSON") from exc

    def json(self, response: httpx.Response) -> Any:
        """The body as JSON; an empty 2xx body is ``None``. Invalid JSON is a BadResponse."""
        if not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise BadResponse(self.service, "the answer is not valid JSON") from exc


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SLICE_SECONDS = 0.004


def _skip_whitespace(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    return match.end() if match else index


async def _decode_text_cooperatively(content: bytes, encoding: str,
                                     piece: int = 1 << 20) -> str:
    """Bytes to text a megabyte at a time: one 40 MB decode holds the lock for tens of ms."""
    decoder = codecs.getincrementaldecoder(encoding)()
    parts: list[str] = []
    for start in range(0, len(content), piece):
        parts.append(decoder.decode(content[start:start + piece]))
        await asyncio.sleep(0)
    parts.append(decoder.decode(b"", final=True))
    return "".join(parts)


async def _decode_array_cooperatively(text: str) -> list[Any]:
    """Decode a JSON array, giving the event loop a turn every few milliseconds."""
    decoder = json.JSONDecoder()
    loop = asyncio.get_running_loop()
    index = _skip_whitespace(text, 0)
    if text[index:index + 1] != "[":
        raise ValueError("not an array")
    index = _skip_whitespace(text, index + 1)
    items: list[Any] = []
    if text[index:index + 1] == "]":
        index += 1
    else:
        slice_end = loop.time() + _SLICE_SECONDS
        while True:
            item, index = decoder.raw_decode(text, index)
            items.append(item)
            index = _skip_whitespace(text, index)
            separator = text[index:index + 1]
            index = _skip_whitespace(text, index + 1)
            if separator == "]":
                break
            if separator != ",":
                raise ValueError(f"expected ',' or ']' at {index}")
            if loop.time() > slice_end:
                await asyncio.sleep(0)
                slice_end = loop.time() + _SLICE_SECONDS
    if text[index:].strip():
        raise ValueError("extra data after the array")
    return items


def expect(service: str, condition: bool, what: str) -> None:
    """Raise BadResponse when the answer's shape is not what the contract says."""
    if not condition:
        raise BadResponse(service, f"unexpected answer: {what}")


__all__ = [
    "NO_RETRY",
    "USER_AGENT",
    "ApiError",
    "RetryPolicy",
    "ServiceHttp",
    "build_client",
    "error_text",
    "expect",
    "parse_retry_after",
]
