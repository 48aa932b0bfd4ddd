"""One loopback HTTP server that speaks both contracts, plus ``/_sim/`` control endpoints.

Ringostat lives at the root paths, NetHunt under ``/api/v1/zapier`` (see
``shared/reference/*-api.md``). Each service module contributes :class:`Route` objects; this
module owns transport concerns only: routing, fault injection, the request log and the
thread the server runs in. Standard library only, so the simulator starts in ~10 ms and runs
inside the app (``--demo``), inside tests, or alone (``ringohunt-desktop sim``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import random
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)

NETHUNT_PREFIX = "/api/v1/zapier"
SERVICES = ("ringostat", "nethunt")
_REDACTED_HEADERS = ("authorization", "auth-key")


@dataclass(slots=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]  # lower-cased names
    body: bytes
    match: re.Match[str] | None = None

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[0] if values else default

    def args(self, name: str) -> list[str]:
        return list(self.query.get(name, []))

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def json(self) -> Any:
        """The body as JSON; raises ``ValueError`` (the route answers 400) when it is not."""
        if not self.body:
            return None
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> dict[str, str]:
        parsed = parse_qs(self.body.decode("utf-8"), keep_blank_values=True)
        return {key: values[0] for key, values in parsed.items()}


@dataclass(slots=True)
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, payload: Any, status: int = 200) -> Response:
        return cls(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    @classmethod
    def text(cls, text: str, status: int = 200, content_type: str = "text/plain") -> Response:
        return cls(status, text.encode("utf-8"), f"{content_type}; charset=utf-8")


Handler = Callable[[Request, "SimState"], Response]


@dataclass(frozen=True, slots=True)
class Route:
    service: str  # "ringostat", "nethunt" or "control"
    method: str
    pattern: re.Pattern[str]
    handler: Handler

    @classmethod
    def make(cls, service: str, method: str, path_regex: str, handler: Handler) -> Route:
        return cls(service, method, re.compile(f"^{path_regex}$"), handler)


@dataclass(slots=True)
class Faults:
    """What goes wrong for one service. Rates are probabilities per request (0..1)."""

    latency_ms: float = 0.0
    error_rate: float = 0.0
    error_status: int = 503
    rate_limit_next: int = 0  # the next N requests get 429
    retry_after: float = 1.0
    timeout_rate: float = 0.0  # hang for ``hang_seconds`` without answering
    hang_seconds: float = 30.0
    malformed_rate: float = 0.0
    drop_rate: float = 0.0  # close the connection without an answer
    auth_revoked: bool = False  # every credential is refused until restored
    # the next N POSTs are carried out, then the connection closes without the answer (the
    # client cannot tell whether it happened)
    lose_answer_next: int = 0

    def update(self, values: Mapping[str, Any]) -> None:
        """Set the given faults; all or none. JSON types are required as they are: the
        string ``"false"`` is not false, and NaN is no rate."""
        known = {f.name for f in fields(self)}
        checked: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                raise ValueError(f"unknown fault {key!r}")
            checked[key] = _checked_fault(key, type(getattr(self, key)), value)
        for key, value in checked.items():
            setattr(self, key, value)


# fault -> (lowest, highest) it may be set to
_FAULT_RANGES: dict[str, tuple[float, float]] = {
    "latency_ms": (0.0, 600_000.0), "error_rate": (0.0, 1.0), "error_status": (100, 599),
    "rate_limit_next": (0, 1_000_000), "retry_after": (0.0, 86_400.0),
    "timeout_rate": (0.0, 1.0), "hang_seconds": (0.0, 3600.0), "malformed_rate": (0.0, 1.0),
    "drop_rate": (0.0, 1.0), "lose_answer_next": (0, 1_000_000),
}


def _checked_fault(key: str, kind: type, value: Any) -> Any:
    if kind is bool:
        if not isinstance(value, bool):
            raise ValueError(f"fault {key!r} takes true or false, not {value!r}")
        return value
    # bool is an int in Python, but true is no rate and no status code.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"fault {key!r} takes a number, not {value!r}")
    if kind is int and not float(value).is_integer():
        raise ValueError(f"fault {key!r} takes a whole number, not {value!r}")
    lowest, highest = _FAULT_RANGES[key]
    if not (math.isfinite(value) and lowest <= value <= highest):
        raise ValueError(f"fault {key!r} must be between {lowest:g} and {highest:g}, "
                         f"not {value!r}")
    return kind(value)


class SimState:
    """Everything the simulator holds. Service modules keep their data in ``services``."""

    def __init__(self, *, seed: int = 7) -> None:
        self.lock = threading.RLock()
        self.rng = random.Random(seed)
        self.faults: dict[str, Faults] = {name: Faults() for name in SERVICES}
        self.requests: list[dict[str, Any]] = []
        self.services: dict[str, Any] = {}
        self.stopping = threading.Event()
        self.clock: Callable[[], float] = time.time

    def record(self, entry: dict[str, Any]) -> None:
        with self.lock:
            entry["index"] = len(self.requests)
            self.requests.append(entry)


class _Router:
    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = list(routes)

    def resolve(self, method: str, path: str) -> tuple[Route | None, re.Match[str] | None, bool]:
        """The route, its match, and whether the path exists under another method."""
        path_known = False
        for route in self.routes:
            match = route.pattern.match(path)
            if match:
                path_known = True
                if route.method == method:
                    return route, match, True
        return None, None, path_known


def service_of(path: str) -> str:
    if path.startswith("/_sim/"):
        return "control"
    if path == NETHUNT_PREFIX or path.startswith(NETHUNT_PREFIX + "/"):
        return "nethunt"
    return "ringostat"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("sim %s", format % args)

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        state = self.server.state
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = Request(self.command, split.path, parse_qs(split.query, keep_blank_values=True),
                          headers, body)
        service = service_of(split.path)
        entry: dict[str, Any] = {
            "service": service, "method": self.command, "path": split.path,
            "query": {k: v if len(v) > 1 else v[0] for k, v in request.query.items()},
            "headers": {k: ("***" if k in _REDACTED_HEADERS else v) for k, v in headers.items()},
            "body": body.decode("utf-8", "replace"), "time": state.clock(),
        }
        if service != "control":
            state.record(entry)
        faults = state.faults.get(service)
        if faults is not None and self._inject(faults, state, entry):
            return
        route, match, path_known = self.server.router.resolve(self.command, split.path)
        if route is None:
            status = HTTPStatus.METHOD_NOT_ALLOWED if path_known else HTTPStatus.NOT_FOUND
            response = (Response.text("Not Found", status) if service == "nethunt"
                        else Response.json({"message": status.phrase}, status))
        else:
            request.match = match
            try:
                response = route.handler(request, state)
            except ValueError as exc:  # a handler's way of saying "your request is malformed"
                response = Response.json({"message": f"bad request: {exc}"}, 400)
            except Exception:
                log.exception("simulator route %s %s failed", self.command, split.path)
                response = Response.json({"message": "simulator error"}, 500)
        entry["status"] = response.status
        if faults is not None and self.command == "POST" and self._lose_answer(faults, state):
            entry["status"] = "answer lost"
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(response)

    @staticmethod
    def _lose_answer(faults: Faults, state: SimState) -> bool:
        with state.lock:
            if faults.lose_answer_next <= 0:
                return False
            faults.lose_answer_next -= 1
            return True

    def _inject(self, faults: Faults, state: SimState, entry: dict[str, Any]) -> bool:
        """Apply faults; True when the request was answered (or abandoned) here."""
        with state.lock:
            roll = state.rng.random
            drop = faults.drop_rate and roll() < faults.drop_rate
            hang = faults.timeout_rate and roll() < faults.timeout_rate
            limited = faults.rate_limit_next > 0
            if limited:
                faults.rate_limit_next -= 1
            error = faults.error_rate and roll() < faults.error_rate
            malformed = faults.malformed_rate and roll() < faults.malformed_rate
            latency = faults.latency_ms / 1000.0
        if latency:
            state.stopping.wait(latency)
        if drop:
            entry["status"] = "dropped"
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return True
        if hang:
            entry["status"] = "hung"
            state.stopping.wait(faults.hang_seconds)
            self.close_connection = True
            return True
        if limited:
            entry["status"] = 429
            self._send(Response(429, b'{"message": "Too Many Requests"}',
                                headers={"Retry-After": f"{faults.retry_after:g}"}))
            return True
        if error:
            entry["status"] = faults.error_status
            self._send(Response.text("<html><body>Service Unavailable</body></html>",
                                     faults.error_status, "text/html"))
            return True
        if malformed:
            entry["status"] = "malformed"
            self._send(Response(200, b'{"truncated": [1, 2, '))
            return True
        return False

    def _send(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: SimState, router: _Router) -> None:
        self.state = state
        self.router = router
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that goes away mid-request (the app quitting, a timeout) is routine, not a
        # fault: socketserver would print a traceback into the demo's output.
        if isinstance(sys.exc_info()[1], ConnectionError):
            log.debug("sim: %s went away mid-request", client_address)
            return
        super().handle_error(request, client_address)


def control_routes() -> list[Route]:
    """``/_sim/`` endpoints common to both services: faults and the request log."""

    def set_faults(request: Request, state: SimState) -> Response:
        payload = request.json() or {}
        if not isinstance(payload, dict):
            raise ValueError("expected a JSON object")
        target = str(payload.pop("service", "all"))
        names = SERVICES if target == "all" else (target,)
        with state.lock:
            for name in names:
                if name not in state.faults:
                    raise ValueError(f"unknown service {name!r}")
                state.faults[name].update(payload)
        return get_faults(request, state)

    def get_faults(_request: Request, state: SimState) -> Response:
        with state.lock:
            return Response.json({name: asdict(f) for name, f in state.faults.items()})

    def clear_faults(request: Request, state: SimState) -> Response:
        with state.lock:
            state.faults = {name: Faults() for name in SERVICES}
        return get_faults(request, state)

    def get_requests(request: Request, state: SimState) -> Response:
        service = request.arg("service")
        since = int(request.arg("since", "0") or 0)
        with state.lock:
            items = [r for r in state.requests[since:]
                     if service is None or r["service"] == service]
        return Response.json(items)

    def clear_requests(_request: Request, state: SimState) -> Response:
        with state.lock:
            state.requests.clear()
        return Response.json({"cleared": True})

    return [
        Route.make("control", "GET", "/_sim/faults", get_faults),
        Route.make("control", "POST", "/_sim/faults", set_faults),
        Route.make("control", "DELETE", "/_sim/faults", clear_faults),
        Route.make("control", "GET", "/_sim/requests", get_requests),
        Route.make("control", "DELETE", "/_sim/requests", clear_requests),
    ]


class SimServer:
    """The HTTP server on a background thread. ``port=0`` picks a free loopback port."""

    def __init__(self, state: SimState, routes: Iterable[Route], *, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.state = state
        self._server = _Server((host, port), state, _Router([*control_routes(), *routes]))
        self._thread: threading.Thread | None = None

    def add_routes(self, routes: Iterable[Route]) -> None:
        """Routes that need the server's URL to be built (before :meth:`start`)."""
        self._server.router.routes.extend(routes)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> SimServer:
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.1},
                                        name="ringohunt-simulator", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self.state.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
