"""Ringostat API client (``shared/reference/ringostat-api.md``). No Qt: plain asyncio + httpx.

The Auth-key travels only in a header (§1.2: mixing header and query-string auth makes the
gateway answer 400). Every tolerant reading of the loosely documented wire format is in the
"Tolerant parsing" section below, so it can be tightened in one place once a real account has
been checked.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, tzinfo
from enum import StrEnum
from itertools import count
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

from ringohunt_desktop.clients.errors import BadResponse, Reason, RequestRejected
from ringohunt_desktop.clients.http import RetryPolicy, ServiceHttp, build_client, expect
from ringohunt_desktop.domain import CallRecord, Direction, StaffMember, normalise_disposition
from ringohunt_desktop.secret import Secret

log = logging.getLogger(__name__)

SERVICE = "Ringostat"
CALLS_CAP = 6500  # rows per calls/list answer; a full answer may be truncated (§1.4)
CALLBACK_METHOD = "Api\\V2\\Callback.external"
STAFF_METHOD = "getProjectStaffListAndDirections"
_WIRE_TIME = "%Y-%m-%d %H:%M:%S"  # from/to, in project time (§2.1)

# What CallRecord needs. All but department/utm_term appear in the legacy example (§2.4).
DEFAULT_PROJECT_TIMEZONE = "Europe/Kyiv"  # Ringostat writes call times in the project's zone

DEFAULT_FIELDS: tuple[str, ...] = (
    "uniqueid", "calldate", "caller", "dst", "call_type", "disposition", "duration", "billsec",
    "waittime", "employee_number", "employee_fio", "connected_with", "department",
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "recording", "call_card",
)
_REQUIRED_FIELDS = ("uniqueid", "calldate")  # without them a row cannot be stored


class ClickToCallMethod(StrEnum):
    """Which Ringostat method places a click-to-call (§3): the one switch between them."""

    OUTWARD_CALL = "outward_call"  # POST /callback/outward_call, agent leg rings first
    CALLBACK_EXTERNAL = "callback_external"  # POST /a/v2 Api\V2\Callback.external


class RingostatClient:
    """One long-lived HTTP client for the project; close it with :meth:`aclose`."""

    def __init__(self, base_url: str, auth_key: Secret, project_id: str, *,
                 project_timezone: str = DEFAULT_PROJECT_TIMEZONE, retry: RetryPolicy | None = None,
                 timeout: float = 10.0,
                 click_to_call_method: ClickToCallMethod = ClickToCallMethod.OUTWARD_CALL,
                 calls_cap: int = CALLS_CAP) -> None:
        self.base_url = base_url
        self.project_id = project_id
        self.project_tz: tzinfo = ZoneInfo(project_timezone)
        self.click_to_call_method = click_to_call_method
        self.calls_cap = calls_cap
        client = build_client(base_url, headers={"Auth-key": auth_key.reveal()}, timeout=timeout)
        self._http = ServiceHttp(SERVICE, client, retry=retry)
        self._rpc_ids = count(1)

    def __repr__(self) -> str:
        return f"RingostatClient(base_url={self.base_url!r}, project_id={self.project_id!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> RingostatClient:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ call journal

    async def calls_list(self, start: datetime, end: datetime,
                         fields: Sequence[str] = DEFAULT_FIELDS) -> list[CallRecord]:
        """Calls that started in ``[start, end]`` (aware datetimes), oldest first.

        There is no paging (§1.4): an answer of exactly ``calls_cap`` rows may be truncated, so
        the window is halved until every piece fits, and the pieces are merged by call id.
        """
        if start.tzinfo is None or end.tzinfo is None:
            raise ValueError("calls_list needs timezone-aware datetimes")
        wanted = ",".join(dict.fromkeys([*_REQUIRED_FIELDS, *fields]))
        calls: dict[str, CallRecord] = {}
        gave_up: list[int] = []
        await self._collect_calls(math.floor(start.timestamp()), math.ceil(end.timestamp()),
                                  wanted, calls, gave_up)
        if gave_up:
            log.warning("Ringostat returned %d calls for a single second (%s); some calls of "
                        "that second may be missing", self.calls_cap,
                        datetime.fromtimestamp(gave_up[0], self.project_tz).isoformat())
        return sorted(calls.values(), key=lambda call: (call.started_at, call.call_id))

    async def _collect_calls(self, first: int, last: int, fields: str,
                             calls: dict[str, CallRecord], gave_up: list[int]) -> None:
        """Fetch the window ``[first, last]`` (epoch seconds), splitting it while truncated."""
        rows = await self._calls_page(first, last, fields)
        calls.update((call.call_id, call) for call in rows)
        if len(rows) < self.calls_cap:
            return
        if last - first <= 1:  # cannot split further; keep what we have
            gave_up.append(first)
            return
        middle = (first + last) // 2
        # The halves share the middle second: whether "to" is inclusive is undocumented, and
        # merging by call id makes the overlap harmless.
        await self._collect_calls(first, middle, fields, calls, gave_up)
        await self._collect_calls(middle, last, fields, calls, gave_up)

    async def _calls_page(self, first: int, last: int, fields: str) -> list[CallRecord]:
        params = {
            "export_type": "json",
            "from": datetime.fromtimestamp(first, self.project_tz).strftime(_WIRE_TIME),
            "to": datetime.fromtimestamp(last, self.project_tz).strftime(_WIRE_TIME),
            "fields": fields,
            "order": "calldate asc",
        }
        response = await self._http.request("GET", "/calls/list", safe=True, params=params)
        rows = unwrap_list(self._http.json(response), ("data", "calls", "result"), "calls/list")
        return [parse_call_row(row, self.project_tz) for row in rows]

    # ------------------------------------------------------------------ agent status

    async def sip_online(self) -> list[str]:
        """SIP logins registered right now."""
        return await self._sip_list("/sipstatus/online")

    async def sip_speaking(self) -> list[str]:
        """SIP logins in a call right now."""
        return await self._sip_list("/sipstatus/speaking")

    async def _sip_list(self, path: str) -> list[str]:
        response = await self._http.request("GET", path, safe=True)
        items = unwrap_list(self._http.json(response), ("data", "result", "sips"), path)
        return [str(item) for item in items if isinstance(item, str | int) and str(item)]

    # ------------------------------------------------------------------ click-to-call

    async def click_to_call(self, extension: str, destination: str) -> None:
        """Ring the agent's ``extension`` (SIP login), then connect ``destination`` (E.164).

        Never retried after it may have reached Ringostat: a second attempt could ring twice.
        """
        # Ringostat takes and writes numbers as international digits without the plus
        # (ringostat-api.md, the outward_call example body).
        destination = destination.lstrip("+")
        if self.click_to_call_method is ClickToCallMethod.CALLBACK_EXTERNAL:
            # manager_dst=0 rings the callee (the agent) first (§3.2, one client's reading).
            await self.click_to_call_extended(caller=destination, callee=extension,
                                              manager_dst=0)
            return
        await self._http.request("POST", "/callback/outward_call", safe=False,
                                 form={"extension": extension, "destination": destination})

    async def click_to_call_extended(self, caller: str, callee: str,
                                     manager_dst: int = 0) -> dict[str, Any]:
        """``Api\\V2\\Callback.external``; returns its (undocumented) ``result`` object."""
        result = await self._rpc("/a/v2", CALLBACK_METHOD, {
            "projectId": self.project_id, "caller": caller, "caller_type": "default",
            "callee": callee, "callee_type": "default", "manager_dst": manager_dst,
            "direction": "out",
        }, safe=False)
        return result if isinstance(result, dict) else {"result": result}

    # ------------------------------------------------------------------ staff

    async def staff(self, *, staff_id: int | None = None, fio: str | None = None,
                    email: str | None = None) -> list[StaffMember]:
        """Employees with their SIP logins. A filter that matches nobody raises
        RequestRejected ("User does not exist"), as Ringostat does."""
        filters = {key: value for key, value in
                   (("staffId", staff_id), ("fio", fio), ("email", email)) if value is not None}
        params: dict[str, Any] = {"projectId": self.project_id}
        if filters:
            params["filters"] = filters
        result = await self._rpc("/api/json-rpc", STAFF_METHOD, params, safe=True)
        return parse_staff(result)

    async def find_agent(self, identity: str) -> StaffMember | None:
        """The employee with this e-mail, SIP login or extension (case-insensitive)."""
        return match_staff(await self.staff(), identity)

    # ------------------------------------------------------------------ JSON-RPC

    async def _rpc(self, path: str, method: str, params: Mapping[str, Any], *,
                   safe: bool) -> Any:
        body = {"jsonrpc": "2.0", "id": next(self._rpc_ids), "method": method,
                "params": dict(params)}
        response = await self._http.request("POST", path, safe=safe, json_body=body)
        payload = self._http.json(response)
        expect(SERVICE, isinstance(payload, dict), f"{method} answered without an object")
        # Failures arrive with HTTP 200 (§1.5): without this check they would look successful.
        error = payload.get("error")
        if error:
            raise RequestRejected(SERVICE, f"{method} refused: {rpc_error_text(error)}",
                                  reason=Reason.REJECTED)
        expect(SERVICE, "result" in payload, f"{method} answered without a result")
        return payload["result"]


# ====================================================================== Tolerant parsing
# Every lenient reading of Ringostat's answers lives below (ringostat-api.md §2.2-2.4, §4.3,
# §5.2). Tighten here once a real account has confirmed the exact formats.

_SIP_DISPLAY_FORM = re.compile(r'^\s*"[^"]*"\s*<([^>]+)>\s*$')  # "name" <login>


def unwrap_list(payload: Any, keys: Iterable[str], what: str) -> list[Any]:
    """A bare array, or the array under the first of ``keys``; an empty body is ``[]``."""
    if payload is None:
        return []
    if isinstance(payload, dict):
        for key in keys:
            if isinstance(payload.get(key), list):
                return list(payload[key])
    if isinstance(payload, list):
        return payload
    raise BadResponse(SERVICE, f"unexpected answer: {what} is not a list", reason=Reason.BAD_ANSWER)


def rpc_error_text(error: Any) -> str:
    if isinstance(error, dict):
        message = str(error.get("message") or "").strip()
        code = error.get("code")
        return f"{message} (code {code})" if code is not None else message or "unknown error"
    return str(error)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _int(value: Any) -> int:
    """Numbers come as ints, floats or strings ("12"); anything unreadable counts as 0."""
    if isinstance(value, bool):
        return int(value)
    try:
        if isinstance(value, int | float):
            return int(value)
        return int(float(_text(value)))
    except (ValueError, OverflowError):
        return 0


def _party(value: Any) -> str:
    """A number or SIP login; the display form ``"name" <login>`` becomes ``login``."""
    text = _text(value)
    match = _SIP_DISPLAY_FORM.match(text)
    return match.group(1).strip() if match else text


def parse_calldate(value: Any, tz: tzinfo) -> datetime:
    """Legacy ISO with an offset (``+0300`` or ``+03:00``), or naive project time, or epoch
    seconds. The result is aware, in the project time zone."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz)
        except (OverflowError, OSError, ValueError) as exc:
            raise BadResponse(SERVICE, f"unexpected answer: calldate {value!r}",
                              reason=Reason.BAD_ANSWER) from exc
    text = _text(value)
    if not text:
        raise BadResponse(SERVICE, "unexpected answer: a call without calldate",
                          reason=Reason.BAD_ANSWER)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadResponse(SERVICE, f"unexpected answer: calldate {text[:40]!r}",
                          reason=Reason.BAD_ANSWER) from exc
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=tz)
    try:
        return parsed.astimezone(tz)
    except OverflowError as exc:
        raise BadResponse(SERVICE, f"unexpected answer: calldate {text[:40]!r}",
                          reason=Reason.BAD_ANSWER) from exc


def match_staff(members: Iterable[StaffMember], identity: str) -> StaffMember | None:
    """The member with this e-mail, SIP login or extension (case-insensitive)."""
    wanted = identity.strip().lower()
    for member in members:
        names = {member.email, member.extension, *member.sip_logins}
        if wanted in {name.lower() for name in names if name}:
            return member
    return None


def parse_call_row(row: Mapping[str, Any], tz: tzinfo) -> CallRecord:
    """One ``calls/list`` row as a CallRecord; only ``uniqueid`` and ``calldate`` are
    required, everything else has a neutral default."""
    expect(SERVICE, isinstance(row, Mapping), "a calls/list row is not an object")
    call_id = _text(row.get("uniqueid"))
    expect(SERVICE, bool(call_id), "a call without uniqueid")
    employee = _int(row.get("employee_number"))
    return CallRecord(
        call_id=call_id,
        started_at=parse_calldate(row.get("calldate"), tz),
        # Clients prefer the cleaned caller_number when it is there (§2.2).
        caller=_party(row.get("caller_number") or row.get("caller")),
        destination=_party(row.get("dst")),
        direction=Direction.from_call_type(_text(row.get("call_type"))),
        disposition=normalise_disposition(_text(row.get("disposition"))),
        duration=_int(row.get("duration")),
        billsec=_int(row.get("billsec")),
        waittime=_int(row.get("waittime")),
        employee_id=employee if employee > 0 else None,  # -1 = no employee
        employee_name=_text(row.get("employee_fio")),
        connected_with=_party(row.get("connected_with")),
        department=_text(row.get("department")),
        utm_source=_text(row.get("utm_source")),
        utm_medium=_text(row.get("utm_medium")),
        utm_campaign=_text(row.get("utm_campaign")),
        utm_term=_text(row.get("utm_term")),
        recording_url=_text(row.get("recording") or row.get("recording_wav")),
        call_card_url=_text(row.get("call_card")),
    )


def _names(value: Any) -> tuple[str, ...]:
    """Departments as strings, from ``["Sales"]``, ``[{"name": "Sales"}]`` or ``"Sales"``."""
    items = value if isinstance(value, list) else [value]
    names = (_text(item.get("name") if isinstance(item, dict) else item) for item in items)
    return tuple(name for name in names if name)


def _staff_member(entry: Mapping[str, Any], key: str = "") -> StaffMember:
    expect(SERVICE, isinstance(entry, Mapping), "a staff entry is not an object")
    staff_id = _int(entry.get("staffId") or entry.get("id") or key)
    expect(SERVICE, staff_id > 0, "a staff entry without staffId")
    # Directions nest under "directions" in one client's reading, sit at top level in another's.
    nested = entry.get("directions")
    holder: Mapping[str, Any] = nested if isinstance(nested, Mapping) else entry
    sip_logins: list[str] = []
    phones: list[str] = []
    for group in ("main", "additional"):
        group_items = holder.get(group)
        for direction in group_items if isinstance(group_items, list) else ():
            if not isinstance(direction, Mapping):
                continue
            value = _text(direction.get("direction") or direction.get("value"))
            if value:
                is_sip = _text(direction.get("type")).lower() == "sip"
                (sip_logins if is_sip else phones).append(value)
    return StaffMember(
        staff_id=staff_id,
        name=_text(entry.get("fio") or entry.get("name")),
        email=_text(entry.get("email")),
        extension=_text(entry.get("extensionNumber") or entry.get("extension")),
        sip_logins=tuple(dict.fromkeys(sip_logins)),
        phone_directions=tuple(dict.fromkeys(phones)),
        departments=_names(entry.get("departments") or entry.get("department")),
    )


def parse_staff(result: Any) -> list[StaffMember]:
    """``result`` keyed by staffId (one client's reading, §5.2) or a plain list."""
    if isinstance(result, Mapping):
        return [_staff_member(entry, str(key)) for key, entry in result.items()]
    if isinstance(result, list):
        return [_staff_member(entry) for entry in result]
    raise BadResponse(SERVICE, "unexpected answer: the staff list is neither object nor list",
                      reason=Reason.BAD_ANSWER)


__all__ = [
    "CALLS_CAP",
    "DEFAULT_FIELDS",
    "DEFAULT_PROJECT_TIMEZONE",
    "ClickToCallMethod",
    "RingostatClient",
    "parse_call_row",
    "parse_calldate",
    "parse_staff",
]
