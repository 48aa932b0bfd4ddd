"""``check --deep``: read-only probes of what the API references leave open, on the account
configured, each reported as "expected → seen" with a verdict, and saved as JSON for support.

What is probed (issue 15; ``../shared/reference/*-api.md``, "open questions"):

* NetHunt: find-record's answer when nothing matches (404 or ``[]``); whether a phone query
  finds a number stored in another format or only the stored text; the feeds' limit, order
  and ``since``.
* Ringostat: the time zone ``calldate`` is written in; whether ringing and in-progress calls
  are in ``calls/list`` and with which status; the row cap; the shape of the ``sipstatus``
  answers; the staff list's fields.
* Subscription mode: which webhook keys the relay has received. The relay does not report
  them yet, so this says "not configured".

Nothing is written anywhere: only GET requests and the staff list's read-only JSON-RPC call.
Answers are read raw (not through the app's tolerant parsing) so the report shows what the
service really sent; every value from it is shortened and made printable.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from pathlib import Path
from typing import Any, Final, TextIO
from zoneinfo import ZoneInfo

from ringohunt_desktop import __version__
from ringohunt_desktop.clients.errors import ApiError
from ringohunt_desktop.clients.http import ServiceHttp, build_client
from ringohunt_desktop.clients.nethunt import NetHuntClient, field_values
from ringohunt_desktop.clients.ringostat import CALLS_CAP, STAFF_METHOD
from ringohunt_desktop.config import Config
from ringohunt_desktop.core.hygiene import shown
from ringohunt_desktop.phone import InvalidNumber, parse_phone, search_variants

__all__ = ["Probe", "Verdict", "command_deep_check", "run_deep_check"]

log = logging.getLogger(__name__)

_WIRE_TIME: Final = "%Y-%m-%d %H:%M:%S"
NO_MATCH_PHONE: Final = "+380000000000"  # no such number exists: nothing can match it
LIVE_STATUSES: Final = frozenset({"CALLING", "IN PROGRESS", "RINGING", "RING", "UP", "TALKING"})
STAFF_KEYS: Final = ("id", "staffId", "fio", "email", "extensionNumber", "departments",
                     "directions")
_OFFSET_RE: Final = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


class Verdict(StrEnum):
    AS_EXPECTED = "as expected"
    DIFFERS = "differs"  # the account does something else than the reference expects
    OBSERVED = "observed"  # the reference has no expectation; what was seen is recorded
    UNDETERMINED = "undetermined"  # the account gave nothing to judge by (no calls, …)
    NOT_CONFIGURED = "not configured"
    FAILED = "failed"  # the probe could not run (the reason is in ``seen``)


@dataclass(slots=True)
class Probe:
    service: str
    key: str
    question: str
    expected: str
    seen: str = ""
    verdict: Verdict = Verdict.UNDETERMINED
    app_copes: bool | None = None  # does the app read what was seen? None: not applicable
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"service": self.service, "probe": self.key, "question": self.question,
                "expected": self.expected, "seen": self.seen, "verdict": self.verdict.value,
                "app_copes": self.app_copes, "detail": self.detail}

    def line(self) -> str:
        copes = "" if self.app_copes is None else (
            " (the app copes)" if self.app_copes else " (the app would NOT read this)")
        return (f"[{self.verdict.value}] {self.service}: {self.question}\n"
                f"    expected: {self.expected}\n    seen:     {self.seen}{copes}\n")


def _brief(value: Any, limit: int = 120) -> str:
    """A server value as one short, printable line."""
    try:
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return shown(text, limit)


def _shape(value: Any) -> str:
    if isinstance(value, list):
        kinds = sorted({type(item).__name__ for item in value[:50]})
        return f"array of {len(value)} ({', '.join(kinds) or 'empty'})"
    if isinstance(value, dict):
        return f"object with keys {_brief(sorted(map(str, value))[:12])}"
    return type(value).__name__


# ---- NetHunt ------------------------------------------------------------------------------

async def probe_find_no_match(nethunt: NetHuntClient, folder_id: str,
                              phone_field: str) -> Probe:
    probe = Probe("NetHunt", "nethunt.find_no_match", "find-record when nothing matches",
                  "404 or 200 [] (reports conflict, nethunt-api.md §2.3)")
    response = await nethunt.http.request(
        "GET", f"/searches/find-record/{folder_id}", safe=True,
        params={"query": f'"{phone_field}":"{NO_MATCH_PHONE}"', "limit": 1},
        ok_statuses=(404,))
    if response.status_code == 404:
        probe.seen, probe.verdict, probe.app_copes = "404", Verdict.AS_EXPECTED, True
        return probe
    body = nethunt.http.json(response)
    probe.detail["status"] = response.status_code
    if body == [] or body is None:
        probe.seen = f"{response.status_code} []"
        probe.verdict, probe.app_copes = Verdict.AS_EXPECTED, True
    else:
        probe.seen = f"{response.status_code} {_brief(body)}"
        probe.verdict, probe.app_copes = Verdict.DIFFERS, isinstance(body, list)
    return probe


def _formats(e164: str) -> dict[str, str]:
    """The ways a person may write ``e164``: as the app searches, and as CRMs hold it."""
    variants = search_variants(e164)
    forms = {"e164": variants[0], "digits": variants[1] if len(variants) > 1 else ""}
    national = variants[2] if len(variants) > 2 else ""
    forms["national"] = national
    if len(national) == 10:
        forms["spaced"] = f"{national[:3]} {national[3:6]} {national[6:8]} {national[8:]}"
    return {name: value for name, value in forms.items() if value}


async def probe_phone_query(nethunt: NetHuntClient, folder_id: str, phone_field: str,
                            region: str) -> Probe:
    probe = Probe("NetHunt", "nethunt.phone_query_formats",
                  "does a phone query find a number stored in another format?",
                  "not documented (§2.4, §6.5); the app searches E.164, digits and national "
                  "form and checks every hit itself")
    records = await nethunt.new_records(folder_id, limit=50)
    sample: tuple[str, str, str] | None = None
    for record in records:
        for stored in field_values(record.fields, phone_field):
            try:
                number = parse_phone(stored, region)
            except InvalidNumber:
                continue
            if number.is_extension:
                continue
            if sample is None or (sample[1] == sample[2] and stored != number.e164):
                sample = (record.record_id, stored, number.e164)
        if sample is not None and sample[1] != sample[2]:
            break
    if sample is None:
        probe.seen = "no contact with a phone among the newest 50: nothing to test with"
        return probe
    record_id, stored, e164 = sample
    matrix: dict[str, bool] = {}
    for name, text in {"stored text": stored, **_formats(e164)}.items():
        found = await nethunt.find_records(folder_id, f'"{phone_field}":"{text}"', limit=20)
        matrix[f"{name} ({text})"] = any(r.record_id == record_id for r in found)
    probe.detail = {"stored": shown(stored), "matched": matrix}
    found_by = [k.split(" (")[0] for k, v in matrix.items()
                if v and not k.startswith("stored text") and not k.endswith(f"({stored})")]
    if stored == e164:
        probe.seen = ("stored in E.164 already; found by: "
                      + (", ".join(k.split(" (")[0] for k, v in matrix.items() if v) or "none"))
        probe.verdict = Verdict.OBSERVED
    elif found_by:
        probe.seen = f"stored as {shown(stored)!r}; also found by: {', '.join(found_by)}"
        probe.verdict = Verdict.OBSERVED
    else:
        probe.seen = (f"stored as {shown(stored)!r}; only the stored text finds it: callers "
                      "are recognised only if numbers are saved in international form")
        probe.verdict = Verdict.DIFFERS
    probe.app_copes = True
    return probe


async def probe_feed(nethunt: NetHuntClient, folder_id: str) -> Probe:
    probe = Probe("NetHunt", "nethunt.feed_limits", "new-record feed: limit, order, since",
                  "at most `limit` items, newest first, only items after `since` (§2.9); "
                  "cap 10,000 (not probed: it would read 10,000 records)")
    raw = await nethunt.http.request("GET", f"/triggers/new-record/{folder_id}", safe=True,
                                     params={"limit": 5}, ok_statuses=(404,))
    items = [] if raw.status_code == 404 else nethunt.http.json(raw)
    if not isinstance(items, list):
        probe.seen, probe.verdict = f"not an array: {_shape(items)}", Verdict.DIFFERS
        probe.app_copes = False
        return probe
    times = [item.get("createdAt") for item in items if isinstance(item, dict)]
    if len(times) < 2:
        probe.seen = f"{len(items)} item(s): too few records to judge order and since"
        return probe
    notes = []
    limit_ok = len(items) <= 5
    notes.append(f"limit=5 gave {len(items)}")
    parsed = [_parse_any_time(t) for t in times]
    newest_first = all(a is not None and b is not None and a >= b
                       for a, b in pairwise(parsed))
    oldest_first = all(a is not None and b is not None and a <= b
                       for a, b in pairwise(parsed))
    notes.append("newest first" if newest_first else "oldest first" if oldest_first
                 else "in no time order")
    since_ok: bool | None = None
    middle = parsed[len(parsed) // 2]
    if middle is not None:
        newer = await nethunt.new_records(folder_id, since=middle, limit=50)
        since_ok = all(r.created_at is not None and r.created_at > middle for r in newer)
        notes.append(f"since={middle.isoformat()} gave {len(newer)}, "
                     + ("all newer" if since_ok else "some not newer"))
    probe.seen = "; ".join(notes)
    probe.detail = {"limit_honoured": limit_ok, "newest_first": newest_first,
                    "since_honoured": since_ok}
    good = limit_ok and newest_first and since_ok is not False
    probe.verdict = Verdict.AS_EXPECTED if good else Verdict.DIFFERS
    # Sync sorts by time itself and de-duplicates by id; an oldest-first cap would lose the
    # newest records when the folder outgrows one answer.
    probe.app_copes = limit_ok and since_ok is not False
    return probe


def _parse_any_time(value: Any) -> datetime | None:
    from ringohunt_desktop.clients.nethunt import parse_time

    return parse_time(value)


# ---- Ringostat ----------------------------------------------------------------------------

@dataclass(slots=True)
class _Ringostat:
    http: ServiceHttp
    project_id: str
    tz: ZoneInfo

    async def calls(self, start: datetime, end: datetime, fields: str) -> list[Any]:
        params = {"export_type": "json", "from": start.astimezone(self.tz).strftime(_WIRE_TIME),
                  "to": end.astimezone(self.tz).strftime(_WIRE_TIME), "fields": fields,
                  "order": "calldate asc"}
        response = await self.http.request("GET", "/calls/list", safe=True, params=params)
        body = self.http.json(response)
        if isinstance(body, dict):
            body = next((body[k] for k in ("data", "calls", "result")
                         if isinstance(body.get(k), list)), body)
        if not isinstance(body, list):
            raise _Unexpected(f"calls/list answered {_shape(body)}")
        return body

    async def get(self, path: str) -> Any:
        response = await self.http.request("GET", path, safe=True)
        return self.http.json(response)


class _Unexpected(Exception):
    pass


async def probe_calldate(ringostat: _Ringostat, now: datetime) -> Probe:
    probe = Probe("Ringostat", "ringostat.calldate_zone", "the time zone of calldate",
                  f"ISO with the project's offset, e.g. +0300 for {ringostat.tz.key} "
                  "(legacy samples; §2.2, §8.2)")
    rows = await ringostat.calls(now - timedelta(days=7), now, "uniqueid,calldate")
    values = [str(row["calldate"]) for row in rows
              if isinstance(row, dict) and isinstance(row.get("calldate"), str)
              and row["calldate"].strip()]
    if not values:
        probe.seen = "no calls in the last 7 days: nothing to judge by"
        return probe
    sample = values[-1].strip()
    probe.detail["sample"] = shown(sample)
    match = _OFFSET_RE.search(sample)
    try:
        parsed = datetime.fromisoformat(sample.replace("Z", "+00:00"))
    except ValueError:
        probe.seen, probe.verdict, probe.app_copes = (f"unreadable: {shown(sample)!r}",
                                                      Verdict.DIFFERS, False)
        return probe
    if match is None or parsed.tzinfo is None:
        probe.seen = (f"{shown(sample)!r}: no zone; the app reads it as project time "
                      f"({ringostat.tz.key}): compare one call with the cabinet")
        probe.verdict, probe.app_copes = Verdict.DIFFERS, True
        return probe
    offset = parsed.utcoffset() or timedelta(0)
    project = parsed.astimezone(ringostat.tz).utcoffset() or timedelta(0)
    hours = offset.total_seconds() / 3600
    if offset == project:
        probe.seen = f"{shown(sample)!r}: UTC{hours:+g}, the project's zone"
        probe.verdict = Verdict.AS_EXPECTED
    else:
        probe.seen = f"{shown(sample)!r}: UTC{hours:+g}, not the project's zone"
        probe.verdict = Verdict.DIFFERS
    probe.app_copes = True  # an explicit offset is honoured whatever it is
    return probe


async def probe_live_calls(ringostat: _Ringostat, now: datetime) -> Probe:
    probe = Probe("Ringostat", "ringostat.live_calls",
                  "are ringing and in-progress calls in calls/list, and with which status?",
                  "yes, with CALLING / IN PROGRESS (two clients re-poll such rows; §2.3)")
    rows = await ringostat.calls(now - timedelta(minutes=30), now,
                                 "uniqueid,calldate,disposition,billsec,connected_with")
    speaking_raw = await ringostat.get("/sipstatus/speaking")
    speaking = _sip_logins(speaking_raw)
    live = sorted({" ".join(str(row.get("disposition", "")).replace("+", " ")
                            .replace("_", " ").upper().split())
                   for row in rows if isinstance(row, dict)} & LIVE_STATUSES)
    probe.detail = {"rows_last_30_min": len(rows), "live_statuses": live,
                    "speaking": len(speaking)}
    if live:
        probe.seen = f"yes: {', '.join(live)}"
        probe.verdict, probe.app_copes = Verdict.AS_EXPECTED, True
    elif speaking:
        probe.seen = (f"no: {len(speaking)} SIP login(s) speaking, but no call in progress "
                      "in calls/list (calls appear only once they end)")
        probe.verdict, probe.app_copes = Verdict.DIFFERS, False
    else:
        probe.seen = "no call in progress during the check: run it again while a call rings"
    return probe


async def probe_row_cap(ringostat: _Ringostat, now: datetime, documented: int) -> Probe:
    probe = Probe("Ringostat", "ringostat.row_cap", "the most rows one calls/list answer holds",
                  f"{documented:,} (§1.4); no paging")
    start = now - timedelta(days=30)
    whole = await ringostat.calls(start, now, "uniqueid,calldate")
    ids = {str(row.get("uniqueid")) for row in whole if isinstance(row, dict)}
    last = next((row.get("calldate") for row in reversed(whole) if isinstance(row, dict)), None)
    beyond: set[str] = set()
    if whole and last is not None:
        # Oldest first: if the answer was cut, the calls after its last row are missing from
        # it; ask for them alone.
        after = _parse_calldate(last, ringostat.tz)
        if after is not None:
            rest = await ringostat.calls(after, now, "uniqueid,calldate")
            beyond = {str(row.get("uniqueid")) for row in rest if isinstance(row, dict)} - ids
    probe.detail = {"whole_window": len(whole), "missing_after_last_row": len(beyond)}
    if beyond:
        probe.seen = f"an answer stops at {len(whole):,} rows (more calls follow its last row)"
        probe.verdict = Verdict.AS_EXPECTED if len(whole) == documented else Verdict.DIFFERS
        probe.app_copes = len(whole) >= documented  # the client splits at a full answer
    else:
        probe.seen = (f"not reached: {len(whole):,} calls in 30 days came in one answer "
                      "(the cap is above that)")
    return probe


def _parse_calldate(value: Any, tz: ZoneInfo) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _sip_logins(value: Any) -> list[str]:
    if isinstance(value, dict):
        value = next((value[k] for k in ("data", "result", "sips")
                      if isinstance(value.get(k), list)), [])
    return [str(v) for v in value if isinstance(v, str | int)] if isinstance(value, list) else []


async def probe_sipstatus(ringostat: _Ringostat) -> Probe:
    probe = Probe("Ringostat", "ringostat.sipstatus_shape",
                  "the shape of sipstatus/online and sipstatus/speaking",
                  "a JSON array of SIP login strings (§5)")
    shapes = {}
    copes = True
    plain = True
    for path in ("/sipstatus/online", "/sipstatus/speaking"):
        body = await ringostat.get(path)
        shapes[path] = _shape(body)
        items = body if isinstance(body, list) else None
        if items is None or not all(isinstance(item, str) for item in items):
            plain = False
        if items is not None and items and not _sip_logins(body):
            copes = False
        if items is None and not isinstance(body, dict):
            copes = False
        probe.detail[path] = _brief(body)
    probe.seen = "; ".join(f"{path.rsplit('/', 1)[1]}: {shape}" for path, shape in shapes.items())
    probe.verdict = Verdict.AS_EXPECTED if plain else Verdict.DIFFERS
    probe.app_copes = copes
    return probe


async def probe_staff(ringostat: _Ringostat) -> Probe:
    probe = Probe("Ringostat", "ringostat.staff_fields",
                  "the staff list's shape and fields (getProjectStaffListAndDirections)",
                  "result keyed by staffId; each entry " + ", ".join(STAFF_KEYS)
                  + "; directions.main[] = {direction, type} (one client's reading, §5.2)")
    body = {"jsonrpc": "2.0", "id": 1, "method": STAFF_METHOD,
            "params": {"projectId": ringostat.project_id}}
    response = await ringostat.http.request("POST", "/api/json-rpc", safe=True, json_body=body)
    payload = ringostat.http.json(response)
    if not isinstance(payload, dict) or "result" not in payload:
        error = payload.get("error") if isinstance(payload, dict) else payload
        probe.seen, probe.verdict = f"no result: {_brief(error)}", Verdict.FAILED
        return probe
    result = payload["result"]
    if isinstance(result, dict):
        layout, entries = "keyed by staffId", list(result.values())
    elif isinstance(result, list):
        layout, entries = "a list", result
    else:
        probe.seen, probe.verdict = f"result is {_shape(result)}", Verdict.DIFFERS
        probe.app_copes = False
        return probe
    first = next((e for e in entries if isinstance(e, dict)), None)
    if first is None:
        probe.seen = f"result is {layout} without entries"
        return probe
    keys = sorted(map(str, first))
    missing = [k for k in STAFF_KEYS if k not in first]
    extra = [k for k in keys if k not in STAFF_KEYS]
    directions = first.get("directions")
    main = directions.get("main") if isinstance(directions, dict) else None
    direction_keys = (sorted(map(str, main[0])) if isinstance(main, list) and main
                      and isinstance(main[0], dict) else [])
    probe.detail = {"layout": layout, "entries": len(entries), "keys": keys,
                    "direction_keys": direction_keys}
    probe.seen = (f"{layout}, {len(entries)} entries; missing: {', '.join(missing) or 'none'};"
                  f" extra: {_brief(', '.join(extra) or 'none', 200)}")
    probe.verdict = (Verdict.AS_EXPECTED if layout == "keyed by staffId" and not missing
                     else Verdict.DIFFERS)
    probe.app_copes = ("staffId" in first or "id" in first) and (
        "directions" in first or "main" in first)
    return probe


def probe_subscription(config: Config) -> Probe:
    probe = Probe("relay", "relay.webhook_keys",
                  "which webhook keys and aliases the relay received per event",
                  "the keys of ringostat-api.md §4.2 (call_id, caller, dst, …)")
    # ``call_source`` arrives with subscription mode (another branch); read it defensively.
    if getattr(config, "call_source", "poll") != "subscription":
        probe.verdict = Verdict.NOT_CONFIGURED
        probe.seen = "subscription mode is not configured on this computer (calls are polled)"
    else:
        probe.verdict = Verdict.UNDETERMINED
        probe.seen = ("subscription mode is configured, but the relay does not report the "
                      "webhook keys it received yet: not probed")
    return probe


# ---- running it ---------------------------------------------------------------------------

ProbeCall = Callable[[], Awaitable[Probe]]


async def _guarded(service: str, key: str, question: str, call: ProbeCall) -> Probe:
    try:
        return await call()
    except (ApiError, _Unexpected, ValueError, KeyError, TypeError) as exc:
        message = exc.user_message if isinstance(exc, ApiError) else str(exc)
        log.info("deep check %s failed: %s", key, message)
        return Probe(service, key, question, "", shown(message, 200), Verdict.FAILED)


async def run_deep_check(config: Config, nethunt: NetHuntClient, folder_id: str, *,
                         now: datetime | None = None,
                         documented_cap: int = CALLS_CAP) -> list[Probe]:
    """Every probe, in order; a probe that cannot run is reported as failed, not raised."""
    now = now or datetime.now(UTC)
    region = config.default_region
    phone_field = config.field_phone
    client = build_client(config.ringostat_url,
                          headers={"Auth-key": config.ringostat_auth_key.reveal()},
                          timeout=config.request_timeout)
    ringostat = _Ringostat(ServiceHttp("Ringostat", client), config.ringostat_project_id,
                           ZoneInfo(config.project_timezone))
    plan: Sequence[tuple[str, str, str, ProbeCall]] = (
        ("NetHunt", "nethunt.find_no_match", "find-record when nothing matches",
         lambda: probe_find_no_match(nethunt, folder_id, phone_field)),
        ("NetHunt", "nethunt.phone_query_formats", "phone query formats",
         lambda: probe_phone_query(nethunt, folder_id, phone_field, region)),
        ("NetHunt", "nethunt.feed_limits", "feed limits",
         lambda: probe_feed(nethunt, folder_id)),
        ("Ringostat", "ringostat.calldate_zone", "calldate zone",
         lambda: probe_calldate(ringostat, now)),
        ("Ringostat", "ringostat.live_calls", "live calls",
         lambda: probe_live_calls(ringostat, now)),
        ("Ringostat", "ringostat.row_cap", "row cap",
         lambda: probe_row_cap(ringostat, now, documented_cap)),
        ("Ringostat", "ringostat.sipstatus_shape", "sipstatus shape",
         lambda: probe_sipstatus(ringostat)),
        ("Ringostat", "ringostat.staff_fields", "staff fields",
         lambda: probe_staff(ringostat)),
    )
    probes = []
    try:
        for service, key, question, call in plan:
            probes.append(await _guarded(service, key, question, call))
    finally:
        await ringostat.http.aclose()
    probes.append(probe_subscription(config))
    return probes


def report_json(config: Config, probes: Sequence[Probe],
                when: datetime | None = None) -> dict[str, Any]:
    return {
        "generated_at": (when or datetime.now(UTC)).isoformat(timespec="seconds"),
        "app_version": __version__,
        "ringostat_url": config.ringostat_url,
        "nethunt_url": config.nethunt_url,
        "ringostat_project_id": config.ringostat_project_id,
        "probes": [probe.to_json() for probe in probes],
    }


def save_report(path: Path, payload: Mapping[str, Any]) -> Path:
    """Write the report owner-only (it names the account's URLs and project)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"))
    finally:
        os.close(fd)
    os.chmod(path, 0o600)
    return path


async def command_deep_check(session: Any, out: TextIO, *, report_path: Path | None,
                             log_dir: Path | None) -> int:
    """The CLI's ``check --deep``: probes, one paragraph each, then the saved report's path."""
    out.write("\ndeep check (read-only probes of what the API references leave open):\n")
    try:
        folder = await session.resolve_contacts_folder()
    except ApiError as exc:
        out.write(f"[failed] NetHunt: the Contacts folder is needed first: {exc.user_message}\n")
        return 3
    probes = await run_deep_check(session.config, session.nethunt, folder.folder_id)
    for probe in probes:
        out.write(probe.line())
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = report_path or (log_dir or Path.cwd()) / f"deep-check-{stamp}.json"
    try:
        saved = save_report(target, report_json(session.config, probes))
    except OSError as exc:
        out.write(f"could not save the report: {exc}\n")
        return 3
    out.write(f"report saved: {saved}\n")
    return 3 if any(p.verdict is Verdict.FAILED for p in probes) else 0
