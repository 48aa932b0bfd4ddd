"""Ringostat's webhooks, simulated: each call's events POSTed to a relay as Ringostat would.

Given ``SimOptions.webhook_url`` (e.g. ``http://127.0.0.1:8080/ringostat?secret=…``), every
call the simulator starts from then on (``/_sim/ring``, click-to-call, the live generator;
not the seeded history) produces, at the simulated moments:

========================  =====================================================================
``call_start``            "before the call": who calls which line, no agent yet (incoming); the
                          dialling employee (outgoing, which has only before/after)
``call_forwarding``       "at a forwarding step" (incoming, callback): step 1 rings the agent
``call_answered``         "when the call is picked up": the agent's SIP login
``call_end``              "after the call": disposition, billsec, duration, recording
``ai_processed``          "call processed by AI", a little after an answered call ends
========================  =====================================================================

with the ringostat-api.md §4.2 keys and the URL's ``event=`` (static parameters can only ride in
the URL). Like a real cabinet it is imperfect on purpose, each with its own rate: some deliveries
use the aliases and Webhooks 2.0's nested ``additional_call_data`` (``alias_rate``), some are
delivered twice (``duplicate_rate``), some late, after later events (``late_rate``). JSON bodies
mostly, a form body now and then. A non-2xx answer or a network error is retried 3 more times,
as Webhooks 2.0 does, then given up ("actions with errors").

Threads: :meth:`WebhookEmitter.schedule` only pushes onto a heap under its own lock (it is
called while the simulator holds ``state.lock`` and must never wait on the network); a
dispatcher thread moves due deliveries into a bounded queue (dropping, with a log line, when
the relay is far behind) and a sender thread POSTs them. ``GET /_sim/webhooks`` lists what was
sent and what the relay answered.
"""

from __future__ import annotations

import heapq
import itertools
import json
import logging
import queue
import random
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from ringohunt_desktop.simulator.people import AI_DELAY_SECONDS, AI_SUMMARY, TRACKING_NUMBER
from ringohunt_desktop.simulator.ringostat import SimCall, call_row
from ringohunt_desktop.simulator.server import Request, Response, Route, SimState

log = logging.getLogger(__name__)

RETRIES = 3  # Webhooks 2.0: three more attempts after a failed one (ringostat-api.md §4.1)
MAX_SCHEDULED = 20_000
# §4.2 key → the alias a differently configured cabinet (or Webhooks 2.0) sends instead.
ALIAS_OF = {"call_id": "cdr_id", "caller": "caller_id", "dst": "callee",
            "disposition": "status", "billsec": "dialog", "duration": "call_duration",
            "recording": "recording_wav", "employee_fio": "employee"}
NESTED = ("sip_login", "employee_email", "employee_fio")  # Webhooks 2.0 nests these


@dataclass(order=True, slots=True)
class _Scheduled:
    due: float
    seq: int
    event: str = field(compare=False)
    body: dict[str, Any] = field(compare=False)
    form: bool = field(compare=False, default=False)
    attempt: int = field(compare=False, default=1)


class WebhookEmitter:
    def __init__(self, url: str, state: SimState, *, recordings_base: str, project_id: str,
                 seed: int = 7, alias_rate: float = 0.3, duplicate_rate: float = 0.2,
                 late_rate: float = 0.1, late_seconds: float = 2.0, retry_delay: float = 1.0,
                 timeout: float = 5.0, queue_size: int = 1000) -> None:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise ValueError(f"the webhook URL must be http(s), not {url!r}")
        self.url = url
        self.state = state
        self.recordings_base = recordings_base
        self.project_id = project_id
        self.rng = random.Random(f"webhooks-{seed}")
        self.alias_rate = alias_rate
        self.duplicate_rate = duplicate_rate
        self.late_rate = late_rate
        self.late_seconds = late_seconds
        self.retry_delay = retry_delay
        self.timeout = timeout
        self.deliveries: list[dict[str, Any]] = []
        self._heap: list[_Scheduled] = []
        self._lock = threading.Lock()
        self._seq = itertools.count()
        self._outbox: queue.Queue[_Scheduled] = queue.Queue(maxsize=queue_size)
        self._threads: list[threading.Thread] = []
        self._in_flight = 0

    # ------------------------------------------------------------ what a call sends

    def events_of(self, call: SimCall) -> list[tuple[float, str, dict[str, Any]]]:
        """(when, event, §4.2 body) for every webhook this call produces."""
        agent = call.agent
        outgoing = call.direction == "out"
        final = call_row(call, call.end_at + 1, project_id=self.project_id,
                         recordings_base=self.recordings_base)
        base: dict[str, Any] = {
            "call_id": call.call_id, "call_type": call.direction,
            "caller": (agent.sip_login if agent else "") if outgoing else call.client_number,
            "dst": call.client_number if outgoing else TRACKING_NUMBER,
            "utm_source": call.source.utm_source, "utm_medium": call.source.utm_medium,
            "utm_campaign": call.source.utm_campaign, "project_id": self.project_id}
        who: dict[str, Any] = ({"employee_email": agent.email, "sip_login": agent.sip_login,
                                "employee_fio": agent.name} if agent else {})
        events: list[tuple[float, str, dict[str, Any]]] = [
            (call.ring_at, "call_start", {**base, **(who if outgoing else {})})]
        if not outgoing and agent is not None:
            events.append((call.ring_at, "call_forwarding", {**base, **who, "step": 1}))
        if call.answer_at is not None and not outgoing:
            events.append((call.answer_at, "call_answered", {**base, **who}))
        end = {**base, "disposition": final["disposition"], "billsec": final["billsec"],
               "duration": final["duration"]}
        if call.answer_at is not None or outgoing:
            end.update(who)
            if final["recording"]:
                end["recording"] = final["recording"]
        events.append((call.end_at, "call_end", end))
        if call.answer_at is not None:
            events.append((call.end_at + AI_DELAY_SECONDS, "ai_processed", {
                "call_id": call.call_id, **who,
                "ai_summary": AI_SUMMARY}))
        return events

    def _variant(self, body: dict[str, Any]) -> dict[str, Any]:
        """The same event as a differently configured cabinet would send it."""
        renamed = {ALIAS_OF.get(key, key): value for key, value in body.items()}
        if self.rng.random() < 0.5:
            nested = {key: renamed.pop(key) for key in NESTED if key in renamed}
            if "sip_login" in nested:
                nested["connected_with"] = nested.pop("sip_login")
            if nested:
                renamed["additional_call_data"] = nested
        return renamed

    def schedule(self, call: SimCall) -> None:
        """Queue this call's webhooks; never blocks (called under the simulator's lock)."""
        with self._lock:
            for due, event, body in self.events_of(call):
                if self.rng.random() < self.alias_rate:
                    body = self._variant(body)
                if self.rng.random() < self.late_rate:
                    due += self.late_seconds * self.rng.uniform(0.5, 1.5)
                form = self.rng.random() < 0.2 and "additional_call_data" not in body
                copies = 2 if self.rng.random() < self.duplicate_rate else 1
                for copy in range(copies):
                    self._push(_Scheduled(due + 0.05 * copy, next(self._seq), event, body, form))

    def _push(self, item: _Scheduled) -> None:
        if len(self._heap) >= MAX_SCHEDULED:
            log.warning("simulated webhooks: %d waiting, dropped %s of %s", len(self._heap),
                        item.event, item.body.get("call_id") or item.body.get("cdr_id"))
            return
        heapq.heappush(self._heap, item)

    # ------------------------------------------------------------ threads

    def start(self) -> WebhookEmitter:
        for target, name in ((self._dispatch, "webhook-dispatcher"),
                             (self._send_loop, "webhook-sender")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def join(self, timeout: float = 5.0) -> None:
        for thread in self._threads:
            thread.join(timeout)

    def _dispatch(self) -> None:
        while not self.state.stopping.wait(0.02):
            now = self.state.clock()
            with self._lock:
                due: list[_Scheduled] = []
                while self._heap and self._heap[0].due <= now:
                    due.append(heapq.heappop(self._heap))
            for item in due:
                try:
                    self._outbox.put_nowait(item)
                except queue.Full:
                    log.warning("simulated webhooks: the relay is far behind; dropped %s",
                                item.event)

    def _send_loop(self) -> None:
        while not self.state.stopping.is_set():
            try:
                item = self._outbox.get(timeout=0.1)
            except queue.Empty:
                continue
            with self._lock:
                self._in_flight += 1
            status = self._post(item)
            with self._lock:
                self._in_flight -= 1
                self.deliveries.append({"event": item.event, "attempt": item.attempt,
                                        "status": status, "time": self.state.clock(),
                                        "call_id": item.body.get("call_id")
                                        or item.body.get("cdr_id")})
                if not (isinstance(status, int) and 200 <= status < 300):
                    if item.attempt <= RETRIES:
                        item.due = self.state.clock() + self.retry_delay * item.attempt
                        item.attempt += 1
                        item.seq = next(self._seq)
                        self._push(item)
                    else:
                        log.info("simulated webhook %s given up after %d attempts (%s)",
                                 item.event, item.attempt, status)

    def _post(self, item: _Scheduled) -> int | str:
        separator = "&" if urllib.parse.urlsplit(self.url).query else "?"
        url = f"{self.url}{separator}event={item.event}"
        if item.form:
            data = urllib.parse.urlencode({k: str(v) for k, v in item.body.items()}).encode()
            content_type = "application/x-www-form-urlencoded"
        else:
            data = json.dumps(item.body, ensure_ascii=False).encode("utf-8")
            content_type = "application/json"
        # S310: the scheme was checked to be http(s) in __init__.
        request = urllib.request.Request(url, data=data, method="POST", headers={  # noqa: S310
            "Content-Type": content_type, "User-Agent": "ringostat HTTP Client v1.1"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                return int(answer.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)
        except (urllib.error.URLError, OSError) as exc:
            return f"error: {type(exc).__name__}"

    @property
    def pending(self) -> int:
        """Webhooks not yet answered (scheduled, queued or being sent), retries included."""
        with self._lock:
            return len(self._heap) + self._outbox.qsize() + self._in_flight

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self.deliveries)


def webhook_routes(emitter: WebhookEmitter | None) -> list[Route]:
    def list_deliveries(_request: Request, _state: SimState) -> Response:
        return Response.json(emitter.snapshot() if emitter is not None else [])

    return [Route.make("control", "GET", "/_sim/webhooks", list_deliveries)]


__all__ = ["WebhookEmitter", "webhook_routes"]
