"""A loopback HTTP server that answers whatever a test tells it to: deep nesting, huge
elements, control characters, a body that trickles in a byte at a time. Real HTTP, for the
clients' defences (the simulator plays by the contracts; this one does not)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    """What every request gets until the test changes it."""

    status: int = 200
    body: bytes = b"{}"
    content_type: str = "application/json"
    # Seconds between pieces of ``piece_bytes`` each (a slow-loris server); 0 sends at once.
    trickle_seconds: float = 0.0
    piece_bytes: int = 1
    requests: list[str] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    answer: Answer
    stopping: threading.Event

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        answer = self.answer
        answer.requests.append(self.path)
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.end_headers()
        if not answer.trickle_seconds:
            self.wfile.write(answer.body)
            return
        for start in range(0, len(answer.body), answer.piece_bytes):
            if self.stopping.wait(answer.trickle_seconds):
                return
            try:
                self.wfile.write(answer.body[start:start + answer.piece_bytes])
                self.wfile.flush()
            except OSError:  # the client gave up, as it should
                return

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()


@contextmanager
def hostile_server(answer: Answer | None = None) -> Iterator[tuple[str, Answer]]:
    """``(base_url, answer)``; change ``answer`` in place to change what the server says."""
    shared = answer or Answer()
    stopping = threading.Event()
    handler = type("Handler", (_Handler,), {"answer": shared, "stopping": stopping})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", shared
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)
