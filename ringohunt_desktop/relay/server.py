"""The relay's web server: Ringostat webhooks in, JetStream messages out.

Served by aiohttp's web server: asyncio-native, so the HTTP handlers and nats-py share one
event loop (a publish ack is awaited in the handler that answers Ringostat, with no thread
hand-off); it is mature, streams request bodies (the 64 KB cap is enforced while reading),
and shuts down gracefully (stops accepting, lets requests in flight finish).

``ANY {path}?event=…&secret=…`` (GET, POST, PUT or DELETE, as the cabinet allows) answers:

- ``200`` ``{"status": "ok", "stored": n, "duplicates": m}`` once JetStream acknowledged every
  message the event became (a duplicate ack counts: the message is stored);
- ``401`` no or wrong secret; ``413`` body over 64 KB; ``400`` with the reason as text;
- ``503`` with ``Retry-After`` when the broker did not acknowledge, so Ringostat retries
  (Webhooks 2.0 retries 3 times, then lists the webhook under "actions with errors").

``GET /healthz``: ``200`` when connected to the broker and the stream is ready, else ``503``;
the body says which (``{"status", "broker", "server", "stream"}``).

Logs name the call id and event, never the secret (it is read only for the comparison; the
access log, which would print the URL, is off) and never a full phone number.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from ringohunt_desktop.core.webhooks import InvalidEvent, canonical_fields, parse_webhook_event
from ringohunt_desktop.relay import routing
from ringohunt_desktop.relay.broker import (
    BrokerLink,
    BrokerUnavailable,
    ClaimsSpec,
    StreamSpec,
)
from ringohunt_desktop.relay.directory import StaffDirectory
from ringohunt_desktop.relay.intake import (
    MAX_BODY_BYTES,
    Refusal,
    mask_number,
    presented_secret,
    read_webhook,
    secret_matches,
)

log = logging.getLogger(__name__)
# aiohttp's own messages (a request it could not parse) go through this logger; see below.
http_log = logging.getLogger("ringohunt_desktop.relay.http")

WEBHOOK_METHODS = ("GET", "POST", "PUT", "DELETE")
# A GET webhook carries everything in its URL: an AI summary in Cyrillic, percent-encoded,
# passes aiohttp's default 8 KB request line easily. Longer lines get aiohttp's own 400.
MAX_REQUEST_LINE = MAX_BODY_BYTES + 1024
RETRY_AFTER_SECONDS = 5


@dataclass
class RelaySettings:
    project: str
    secrets: tuple[str, ...] = field(repr=False)
    nats_servers: tuple[str, ...] = ("nats://127.0.0.1:4222",)
    nats_user: str | None = None
    nats_password: str | None = field(default=None, repr=False)
    host: str = "127.0.0.1"
    port: int = 8080
    path: str = "/ringostat"
    stream: StreamSpec = field(default_factory=StreamSpec)
    claims: ClaimsSpec = field(default_factory=ClaimsSpec)
    directory: StaffDirectory | None = None
    directory_path: Path | None = None
    publish_timeout: float = 5.0
    connect_timeout: float = 2.0
    shutdown_grace: float = 10.0
    name: str = "ringohunt-relay"

    def __post_init__(self) -> None:
        if not any(self.secrets):
            raise ValueError("the relay needs a shared secret")
        if self.directory is None:
            self.directory = (StaffDirectory.load(self.directory_path) if self.directory_path
                              else StaffDirectory(self.project))


class WebhookRelay:
    """The web application and what it needs; one per process."""

    def __init__(self, settings: RelaySettings, broker: BrokerLink | None = None) -> None:
        assert settings.directory is not None
        self.settings = settings
        self.directory: StaffDirectory = settings.directory
        self._secrets = [secret.encode("utf-8") for secret in settings.secrets if secret]
        self.broker = broker or BrokerLink(
            settings.nats_servers, user=settings.nats_user, password=settings.nats_password,
            name=settings.name, stream=settings.stream, project=settings.project,
            claims=settings.claims, agents=self.directory.agents,
            connect_timeout=settings.connect_timeout, publish_timeout=settings.publish_timeout)
        self.app = web.Application(client_max_size=MAX_BODY_BYTES)
        for method in WEBHOOK_METHODS:
            self.app.router.add_route(method, settings.path, self.handle_webhook)
        self.app.router.add_get("/healthz", self.handle_health)

    # ------------------------------------------------------------ webhooks

    async def handle_webhook(self, request: web.Request) -> web.Response:
        raw_query = request.rel_url.raw_query_string
        if not secret_matches(presented_secret(raw_query), self._secrets):
            return self._refuse(request, Refusal(401, "missing or wrong secret"))
        try:
            body = await _read_capped(request)
            fields = read_webhook(raw_query, request.headers.get("Content-Type", ""), body)
            event = parse_webhook_event(fields, received_at=datetime.now(UTC))
        except Refusal as refusal:
            return self._refuse(request, refusal)
        except InvalidEvent as exc:
            return self._refuse(request, Refusal(400, f"not a call event: {exc}"))
        deliveries = routing.route(event, canonical_fields(fields), self.directory,
                                   project=self.settings.project)
        outcomes = await asyncio.gather(*(self.broker.publish(d) for d in deliveries),
                                        return_exceptions=True)
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        summary = (f"{event.event} {event.call_id} caller {mask_number(event.caller)} → "
                   + ", ".join(d.recipient for d in deliveries))
        if failures:
            unexpected = [f for f in failures if not isinstance(f, BrokerUnavailable)]
            if unexpected:
                raise unexpected[0]
            log.warning("503 %s: the broker did not acknowledge (%s); Ringostat will retry",
                        summary, failures[0])
            return web.json_response({"status": "unavailable",
                                      "reason": "the broker did not acknowledge the event"},
                                     status=503,
                                     headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
        duplicates = sum(1 for o in outcomes if not isinstance(o, BaseException) and o.duplicate)
        log.info("200 %s (%d stored, %d duplicate)", summary, len(outcomes) - duplicates,
                 duplicates)
        return web.json_response({"status": "ok", "stored": len(outcomes) - duplicates,
                                  "duplicates": duplicates})

    @staticmethod
    def _refuse(request: web.Request, refusal: Refusal) -> web.Response:
        # The reason is ours (no secret, no number); the URL is not logged.
        log.info("%d %s %s from %s: %s", refusal.status, request.method, request.path,
                 request.remote, refusal.reason)
        return web.Response(status=refusal.status, text=refusal.reason + "\n")

    # ------------------------------------------------------------ health

    async def handle_health(self, _request: web.Request) -> web.Response:
        broker = self.broker
        healthy = broker.connected and broker.stream_ready
        return web.json_response({
            "status": "ok" if healthy else "unavailable",
            "broker": "connected" if broker.connected else "disconnected",
            "server": broker.server,
            "stream": self.settings.stream.name if broker.stream_ready else "",
            "error": "" if healthy else broker.last_error,
        }, status=200 if healthy else 503)

    # ------------------------------------------------------------ directory

    async def reload_directory(self) -> None:
        """On SIGHUP: read the staff directory again (provisioning added agents)."""
        path = self.settings.directory_path
        if path is None:
            return
        try:
            directory = StaffDirectory.load(path)
        except ValueError as exc:
            log.warning("kept the old staff directory: %s", exc)
            return
        self.directory = directory
        log.info("staff directory reloaded: %d agents", len(directory.agents))
        await self.broker.update_agents(directory.agents)


async def _read_capped(request: web.Request) -> bytes:
    """The body, refused with 413 as soon as it passes the cap (announced or streamed)."""
    if (request.content_length or 0) > MAX_BODY_BYTES:
        raise Refusal(413, f"the body is over {MAX_BODY_BYTES // 1024} KB")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_chunked(16 * 1024):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise Refusal(413, f"the body is over {MAX_BODY_BYTES // 1024} KB")
        chunks.append(chunk)
    return b"".join(chunks)


class _MalformedRequests(logging.Filter):
    """aiohttp logs a request it cannot parse (a request line over 8 KB, a broken header)
    at ERROR with a traceback that quotes the raw request line, secret included. Such a
    request was answered 400 by aiohttp already: one INFO line without the URL says so."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            record.msg = "400 refused a malformed HTTP request: %s"
            record.args = (type(error).__name__,)
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


if not any(isinstance(f, _MalformedRequests) for f in http_log.filters):
    http_log.addFilter(_MalformedRequests())


class RelayServer:
    """The relay running on the current event loop; ``async with`` starts and stops it.

    ``port=0`` picks a free port (tests); :attr:`url` is the webhook URL without parameters.
    """

    def __init__(self, settings: RelaySettings, broker: BrokerLink | None = None) -> None:
        self.relay = WebhookRelay(settings, broker)
        self.settings = settings
        self._runner: web.AppRunner | None = None
        self.port = settings.port

    @property
    def base_url(self) -> str:
        host = self.settings.host if self.settings.host not in ("0.0.0.0", "::") else "127.0.0.1"  # noqa: S104
        return f"http://{host}:{self.port}"

    @property
    def url(self) -> str:
        return self.base_url + self.settings.path

    async def start(self) -> RelayServer:
        await self.relay.broker.start()
        # access_log=None: aiohttp's access log prints the URL, and the URL holds the secret.
        self._runner = web.AppRunner(self.relay.app, access_log=None, handle_signals=False,
                                     shutdown_timeout=self.settings.shutdown_grace,
                                     logger=http_log, max_line_size=MAX_REQUEST_LINE)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.settings.host, self.settings.port,
                           reuse_address=True)
        await site.start()
        for address in self._runner.addresses:
            if isinstance(address, tuple):
                self.port = int(address[1])
                break
        log.info("relay for project %s listening on %s", self.settings.project, self.url)
        return self

    async def stop(self) -> None:
        """Stop listening, let requests in flight finish, then drain the broker link."""
        if self._runner is not None:
            server = self._runner.server
            await self._runner.cleanup()
            self._runner = None
            # A webhook accepted in the instant the listener closed gets its connection after
            # aiohttp's shutdown listed the open ones; it would stay open until the process
            # ends. One turn of the loop lets it arrive, then what is left is closed.
            await asyncio.sleep(0)
            for late in list(server.connections) if server is not None else ():
                late.force_close()
        await self.relay.broker.close()
        log.info("relay stopped")

    async def __aenter__(self) -> RelayServer:
        return await self.start()

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()


async def serve(settings: RelaySettings, *,
                started: Callable[[RelayServer], Awaitable[None] | None] | None = None) -> None:
    """Run until SIGTERM or SIGINT (graceful), reloading the directory on SIGHUP."""
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    server = RelayServer(settings)
    await server.start()
    reloads: set[asyncio.Task[None]] = set()

    def reload() -> None:
        task = loop.create_task(server.relay.reload_directory())
        reloads.add(task)
        task.add_done_callback(reloads.discard)

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    with contextlib.suppress(AttributeError, NotImplementedError):  # no SIGHUP on Windows
        loop.add_signal_handler(signal.SIGHUP, reload)
    try:
        if started is not None:
            result = started(server)
            if result is not None:
                await result
        await stopping.wait()
        log.info("stopping: finishing the requests in flight")
    finally:
        await server.stop()


__all__ = ["RelayServer", "RelaySettings", "WebhookRelay", "serve"]
