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
from collections import deque
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
    CertificateError,
    NotFound,
    RateLimited,
    Reason,
    RequestRejected,
    TransientError,
)

log = logging.getLogger(__name__)

USER_AGENT = f"RingoHunt-Desktop/{__version__}"
MAX_BODY_BYTES = 64 * 1024 * 1024  # far above a 6500-row call export; stops a runaway answer
LARGE_BODY_BYTES = 256 * 1024  # parse answers above this off the event-loop thread
# httpx's timeouts bound each wait (connect, one read), not a whole answer: a server sending
# a byte every few seconds would hold a request for ever. One request, send to last byte,
# gets this many times the client's timeout (60 s at the default 10 s).
TOTAL_DEADLINE_FACTOR = 6.0


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


def trust_store_context() -> ssl.SSLContext | bool:
    """The OS trust store, so TLS-inspecting corporate proxies work as in the browser (and
    a call server with the company's own certificate is trusted); True means certifi's."""
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
        verify=trust_store_context() if base_url.lower().startswith("https:") else True,
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
    except (ValueError, RecursionError):  # RecursionError: nested thousands deep
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
        self.total_deadline = TOTAL_DEADLINE_FACTOR * (client.timeout.read or 10.0)

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
        try:
            async with asyncio.timeout(self.total_deadline):
                return await self._send_and_read(method, path, params=params,
                                                 json_body=json_body, form=form,
                                                 headers=headers, ok_statuses=ok_statuses)
        except TimeoutError as exc:
            raise TransientError(
                self.service, f"the service did not answer in time (no complete answer in "
                              f"{self.total_deadline:.0f} s)", reason=Reason.TIMEOUT) from exc

    async def _send_and_read(self, method: str, path: str, *, params: Any, json_body: Any,
                             form: Mapping[str, str] | None,
                             headers: Mapping[str, str] | None,
                             ok_statuses: tuple[int, ...]) -> httpx.Response:
        request = self.client.build_request(method, path, params=params, json=json_body,
                                            data=form, headers=headers)
        try:
            response = await self.client.send(request, stream=True)
        except httpx.ConnectError as exc:
            verification = _certificate_failure(exc)
            if verification is not None:
                host = request.url.host
                raise CertificateError(
                    self.service, f"the server's certificate is not trusted ({host}: "
                                  f"{verification})", host=host) from exc
            raise TransientError(self.service, "cannot connect (network or service down)",
                                 reason=Reason.OFFLINE, never_sent=True) from exc
        except httpx.TimeoutException as exc:
            raise TransientError(self.service, "the service did not answer in time",
                                 reason=Reason.TIMEOUT) from exc
        except httpx.TransportError as exc:
            raise TransientError(self.service, "the connection was dropped",
                                 reason=Reason.DROPPED) from exc
        try:
            await self._read_bounded(response)
        except httpx.TimeoutException as exc:
            raise TransientError(self.service, "the service did not answer in time",
                                 reason=Reason.TIMEOUT) from exc
        except httpx.TransportError as exc:
            raise TransientError(self.service, "the connection was dropped",
                                 reason=Reason.DROPPED) from exc
        finally:
            await response.aclose()
        status = response.status_code
        if 200 <= status < 300 or status in ok_statuses:
            return response
        reason = error_text(response)
        if status in (401, 403):
            raise AuthError(self.service, f"credentials refused ({reason})",
                            reason=Reason.CREDENTIALS, status=status)
        if status == 429:
            raise RateLimited(self.service, "too many requests", reason=Reason.RATE_LIMITED,
                              retry_after=parse_retry_after(response.headers.get("Retry-After")))
        if status >= 500:
            raise TransientError(self.service, f"service error {status}",
                                 reason=Reason.SERVICE_ERROR, status=status)
        if status == 404:
            raise NotFound(self.service, f"not found ({reason})", reason=Reason.NOT_FOUND,
                           status=status)
        raise RequestRejected(self.service, f"request refused: {reason}",
                              reason=Reason.REJECTED, status=status)

    async def _read_bounded(self, response: httpx.Response) -> None:
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self._max_body:
                raise BadResponse(self.service, f"answer larger than {self._max_body} bytes",
                                  reason=Reason.BAD_ANSWER)
            chunks.append(chunk)
        if size >= LARGE_BODY_BYTES and response.is_success:
            # Joining 40 MB holds the interpreter lock for tens of ms: large answers stay in
            # the pieces they arrived in, for json_async to decode as a stream.
            response.extensions[_CHUNKS] = chunks
            return
        response._content = b"".join(chunks)  # what .read() would set; .text/.json use it

    def body(self, response: httpx.Response) -> bytes:
        """The whole body (joined now if it was kept in pieces)."""
        chunks = response.extensions.get(_CHUNKS)
        return b"".join(chunks) if chunks is not None else response.content

    async def json_async(self, response: httpx.Response) -> Any:
        """Like :meth:`json`, but a large array is decoded as a stream of elements, yielding
        to the event loop every few milliseconds.

        ``json.loads`` holds the interpreter lock for its whole run (a second for a 40 MB
        enumeration answer), so a worker thread would still freeze the UI thread.
        """
        chunks: list[bytes] | None = response.extensions.get(_CHUNKS)
        if not chunks:
            return self.json(response)
        first = re.compile(rb"\s*(.)", re.DOTALL).match(chunks[0])
        if first is None or first.group(1) != b"[":
            return self.json(response)
        def report_skipped(position: int, size: int, record_id: str) -> None:
            log.warning("%s: skipped element %d of an answer: %d characters, over the %d "
                        "limit (record id %r); the rest is kept", self.service, position, size,
                        _MAX_ELEMENT_CHARS, record_id or "unknown")

        try:
            return await decode_json_array(chunks, response.encoding or "utf-8",
                                           on_skipped=report_skipped)
        except (ValueError, UnicodeDecodeError, LookupError, RecursionError) as exc:
            raise BadResponse(self.service, "the answer is not valid JSON",
                              reason=Reason.BAD_ANSWER) from exc
        finally:
            response.extensions.pop(_CHUNKS, None)

    def json(self, response: httpx.Response) -> Any:
        """The body as JSON; an empty 2xx body is ``None``. Invalid JSON is a BadResponse."""
        content = self.body(response)
        if not content.strip():
            return None
        try:
            return json.loads(content)
        # RecursionError: arrays nested thousands deep exhaust the parser's stack.
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise BadResponse(self.service, "the answer is not valid JSON",
                              reason=Reason.BAD_ANSWER) from exc


def _certificate_failure(exc: BaseException) -> str | None:
    """Why TLS refused the server's certificate, if that is what ``exc`` comes down to."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return current.verify_message or "verification failed"
        if "CERTIFICATE_VERIFY_FAILED" in str(current):
            return "verification failed"
        current = current.__cause__ or current.__context__
    return None


_CHUNKS = "ringohunt.body_chunks"
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SLICE_SECONDS = 0.004
_MAX_ELEMENT_CHARS = 1 << 20


class _TextStream:
    """Text decoded from byte chunks on demand, kept as a short rolling buffer."""

    def __init__(self, chunks: list[bytes], encoding: str) -> None:
        self._chunks = deque(chunks)
        chunks.clear()  # the caller's list would otherwise keep every chunk alive
        self._decoder = codecs.getincrementaldecoder(encoding)()
        self.buffer = ""
        self.index = 0
        self.exhausted = False

    def more(self) -> bool:
        """Append the next decoded text (dropping what was read); False at the end."""
        while self._chunks:
            text = self._decoder.decode(self._chunks.popleft())
            if text:
                self.buffer = self.buffer[self.index:] + text
                self.index = 0
                return True
        if not self.exhausted:
            self.exhausted = True
            text = self._decoder.decode(b"", final=True)
            if text:
                self.buffer = self.buffer[self.index:] + text
                self.index = 0
                return True
        return False

    def next_char(self) -> str:
        """The next non-whitespace character ("" at the end), not consumed."""
        while True:
            match = _WHITESPACE.match(self.buffer, self.index)
            self.index = match.end() if match else self.index
            if self.index < len(self.buffer) or not self.more():
                return self.buffer[self.index:self.index + 1]


_STRING_STOP = re.compile(r'["\\]')
_STRUCTURE_STOP = re.compile(r'["\[\]{},]')
_RECORD_ID = re.compile(r'"(?:recordId|id|uniqueid)"\s*:\s*"([^"\\]{1,80})"')


def _skip_element(stream: _TextStream) -> int:
    """Consume one array element without decoding it; returns how many characters it had.

    Stops at the "," or "]" after it. Strings are stepped over whole (a "]" inside a name is
    text), by regular expressions, so a 10 MB element costs milliseconds.
    """
    depth = 0
    in_string = False
    skip_next = False  # a backslash ended the buffer: the escaped character comes next
    size = 0
    while True:
        buffer, index = stream.buffer, stream.index
        if skip_next and index < len(buffer):
            index += 1
            skip_next = False
        while index < len(buffer):
            if in_string:
                match = _STRING_STOP.search(buffer, index)
                if match is None:
                    index = len(buffer)
                elif match.group() == "\\":
                    index = match.end() + 1
                    skip_next = index > len(buffer)
                    index = min(index, len(buffer))
                else:
                    in_string = False
                    index = match.end()
                continue
            match = _STRUCTURE_STOP.search(buffer, index)
            if match is None:
                index = len(buffer)
                continue
            mark = match.group()
            index = match.end()
            if mark == '"':
                in_string = True
            elif mark in "[{":
                depth += 1
            elif mark in "]}" and depth > 0:
                depth -= 1
            elif mark in ",]" and depth == 0:
                size += match.start() - stream.index
                stream.index = match.start()
                return size
        size += index - stream.index
        stream.index = index
        if not stream.more():
            raise ValueError("the array ends inside an element")


async def decode_json_array(
    chunks: list[bytes], encoding: str = "utf-8",
    on_skipped: Callable[[int, int, str], None] | None = None,
) -> list[Any]:
    """Decode a JSON array from byte chunks, element by element, freeing the chunks as it
    goes and giving the event loop a turn every few milliseconds.

    An element over the per-element limit (one contact with a 10 MB name) is skipped, not
    fatal: ``on_skipped(position, size, record_id)`` hears of it, and the rest is kept.
    Without ``on_skipped`` such an element is an error, as before.
    """
    decoder = json.JSONDecoder()
    stream = _TextStream(chunks, encoding)
    loop = asyncio.get_running_loop()
    if stream.next_char() != "[":
        raise ValueError("not an array")
    stream.index += 1
    items: list[Any] = []
    skipped = 0
    if stream.next_char() == "]":
        stream.index += 1
    else:
        slice_end = loop.time() + _SLICE_SECONDS
        while True:
            stream.next_char()
            try:
                item, end = decoder.raw_decode(stream.buffer, stream.index)
                # A value cut by a chunk boundary can still decode ("12" of "123", "2.5" of
                # "2.5e+20"): it is whole only once the "," or "]" after it is in the buffer.
                after = _WHITESPACE.match(stream.buffer, end)
                following = stream.buffer[after.end() if after else end:][:1]
                complete = following in (",", "]") or stream.exhausted
            except json.JSONDecodeError:
                complete = False
            if complete:
                items.append(item)
                stream.index = end
            else:
                # No record is a megabyte long: past that it is skipped (or, without a
                # listener, the data is taken as broken).
                too_long = len(stream.buffer) - stream.index > _MAX_ELEMENT_CHARS
                if too_long and on_skipped is not None:
                    match = _RECORD_ID.search(stream.buffer, stream.index,
                                              stream.index + 4096)
                    record_id = match.group(1) if match else ""
                    size = _skip_element(stream)
                    on_skipped(len(items) + skipped, size, record_id)
                    skipped += 1
                elif too_long or not stream.more():
                    raise ValueError("an array element is broken or the array ends early")
                else:
                    continue
            separator = stream.next_char()
            stream.index += 1
            if separator == "]":
                break
            if separator != ",":
                raise ValueError("expected ',' or ']' between array elements")
            if loop.time() > slice_end:
                await asyncio.sleep(0)
                slice_end = loop.time() + _SLICE_SECONDS
    if stream.next_char():
        raise ValueError("extra data after the array")
    return items


async def release_gradually(items: list[Any], step: int = 5000) -> None:
    """Empty a big list a slice at a time: dropping 100,000 decoded records in one go is a
    single 30+ ms deallocation that holds the interpreter lock."""
    while items:
        del items[-step:]
        await asyncio.sleep(0)


def expect(service: str, condition: bool, what: str) -> None:
    """Raise BadResponse when the answer's shape is not what the contract says."""
    if not condition:
        raise BadResponse(service, f"unexpected answer: {what}", reason=Reason.BAD_ANSWER)


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
