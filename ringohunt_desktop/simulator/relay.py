"""A webhook relay, simulated: the agent's calls as the webhook events RingoHunt defines
(``webhooks.py``; ringostat-api.md §4.2), newline-delimited JSON.

``GET /relay/events?agent=<SIP login or e-mail>`` answers every event so far for that
agent's calls (``call_start``, ``call_answered``, ``call_end``), oldest first, then closes:
a long-poll form of the stream, which the client reads again. Events repeat on every read,
as at-least-once webhook delivery does; the client de-duplicates by call id.
"""

from __future__ import annotations

import json
from typing import Any

from ringohunt_desktop.simulator.people import TRACKING_NUMBER, agent_by_identity
from ringohunt_desktop.simulator.server import Request, Response, Route, SimState

RELAY_PREFIX = "/relay"


def _events(call: Any, now: float) -> list[tuple[float, dict[str, Any]]]:
    agent = call.agent
    base = {
        "call_id": call.call_id,
        "caller": call.client_number if call.direction != "out" else agent.sip_login,
        "dst": TRACKING_NUMBER if call.direction != "out" else call.client_number,
        "call_type": call.direction,
        "employee_email": agent.email,
        "utm_source": call.source.utm_source,
        "utm_medium": call.source.utm_medium,
        "utm_campaign": call.source.utm_campaign,
    }
    events = [(call.ring_at, {"event": "call_start", **base})]
    answered = call.answer_at is not None and call.answer_at <= now
    if answered:
        events.append((call.answer_at, {"event": "call_answered", **base,
                                        "sip_login": agent.sip_login}))
    if call.end_at <= now:
        talk = int(call.end_at - call.answer_at) if call.answer_at is not None else 0
        events.append((call.end_at, {
            "event": "call_end", **base,
            "sip_login": agent.sip_login if call.answer_at is not None else "",
            "disposition": ("ANSWERED" if call.answer_at is not None
                            else call.unanswered_disposition),
            "billsec": max(talk, 1) if call.answer_at is not None else 0,
            "duration": int(call.end_at - call.ring_at),
        }))
    return [(at, event) for at, event in events if at <= now]


def _relay_events(request: Request, state: SimState) -> Response:
    agent = agent_by_identity(request.arg("agent", "") or "")
    if agent is None:
        return Response.json({"message": "unknown agent"}, 404)
    now = state.clock()
    with state.lock:
        calls = [c for c in state.services["ringostat"].calls if c.agent == agent]
        events = sorted((pair for call in calls for pair in _events(call, now)),
                        key=lambda pair: pair[0])
    lines = "".join(json.dumps(event, ensure_ascii=False) + "\n" for _at, event in events)
    return Response(200, lines.encode("utf-8"), "application/x-ndjson")


def relay_routes() -> list[Route]:
    return [Route.make("control", "GET", f"{RELAY_PREFIX}/events", _relay_events)]
