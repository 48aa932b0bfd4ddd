"""NetHunt CRM integration API client (``nethunt-api.md`` §5). No Qt here.

One long-lived ``httpx.AsyncClient`` with Basic auth (login e-mail : API key) and JSON headers
on every request. Reads retry through :class:`ServiceHttp`; actions are never repeated blindly,
because NetHunt has no idempotency keys and a repeated create makes a duplicate contact.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

from ringohunt_desktop.clients.errors import BadResponse, Reason
from ringohunt_desktop.clients.http import (
    RetryPolicy,
    ServiceHttp,
    build_client,
    expect,
    release_gradually,
)
from ringohunt_desktop.domain import Contact, Folder, NetHuntUser
from ringohunt_desktop.secret import Secret

log = logging.getLogger(__name__)

SERVICE = "NetHunt"
DEFAULT_BASE_URL = "https://nethunt.com/api/v1/zapier"
WEB_LINK_PREFIX = "https://nethunt.com/web/#nethunt/"
FEED_LIMIT = 10000  # the most a trigger returns per request (§1.3)


# --- Tolerance: where the client bends to an under-documented API --------------------------
# Each choice below answers an open question of nethunt-api.md (§1.2, §2.3, §3.1, §3.2, §6).

RECORD_ID_KEYS = ("recordId", "id")  # both are usually present; either will do (§2.3)
EMPTY_SEARCH_STATUSES = (404,)  # "nothing matched" arrives as 404 or as [] (§2.3)


def record_id_of(item: Mapping[str, Any]) -> str:
    for key in RECORD_ID_KEYS:
        value = item.get(key)
        if isinstance(value, str) and value:
            return value
    return ""


def parse_time(value: Any) -> datetime | None:
    """ISO-8601 (``Z`` or offset; naive means UTC) or epoch milliseconds; junk is ``None``."""
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(value / 1000, UTC)
        if isinstance(value, str) and value.strip() and value.strip().isdigit():
            return datetime.fromtimestamp(int(value.strip()) / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def field_values(fields: Mapping[str, Any], name: str) -> list[str]:
    """A field as a list of non-empty strings, whether NetHunt sent ``"x"`` or ``["x"]``."""
    value = fields.get(name)
    items = value if isinstance(value, list) else [value]
    texts = (str(item).strip() for item in items if item is not None and item is not False)
    return [text for text in texts if text]


def first_value(fields: Mapping[str, Any], name: str) -> str:
    values = field_values(fields, name)
    return values[0] if values else ""


def object_body(http: ServiceHttp, raw: Any, what: str) -> dict[str, Any]:
    """An action's answer as a dict: an empty 2xx body counts as ``{}`` (§1.2)."""
    if raw is None:
        return {}
    expect(http.service, isinstance(raw, dict), f"{what} is not a JSON object")
    return dict(raw)


# --- records, links, contacts -----------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class NetHuntRecord:
    record_id: str
    created_at: datetime | None
    updated_at: datetime | None
    link: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, item: Any) -> NetHuntRecord:
        expect(SERVICE, isinstance(item, dict), "a record is not a JSON object")
        record_id = record_id_of(item)
        expect(SERVICE, bool(record_id), "a record has no id")
        fields = item.get("fields")
        expect(SERVICE, fields is None or isinstance(fields, dict), "record fields not an object")
        link = item.get("link")
        return cls(record_id, parse_time(item.get("createdAt")), parse_time(item.get("updatedAt")),
                   link if isinstance(link, str) else "", dict(fields or {}))


@dataclass(frozen=True, slots=True)
class CreatedRecord:
    record_id: str
    link: str  # empty when the service did not send one


@dataclass(frozen=True, slots=True)
class NetHuntComment:
    comment_id: str
    record_id: str
    text: str
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class NetHuntCallLog:
    call_log_id: str
    record_id: str
    text: str
    created_at: datetime | None
    time: datetime | None
    duration_minutes: float | None


def record_link(workspace_id: str, folder_id: str, record_id: str) -> str:
    """The "Open in CRM" web address (§3.4): base64 of compact JSON in this key order."""
    payload = {"workspaceId": workspace_id, "folderId": folder_id, "recordId": record_id,
               "recordPage": {"recordId": record_id}}
    compact = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    return WEB_LINK_PREFIX + base64.b64encode(compact).decode("ascii")


def workspace_id_from_link(link: str) -> str | None:
    """The workspace id inside a record's ``link`` (the API does not report it elsewhere)."""
    if not link.startswith(WEB_LINK_PREFIX):
        return None
    encoded = link[len(WEB_LINK_PREFIX):].strip()
    try:
        decoded = base64.b64decode(encoded + "=" * (-len(encoded) % 4))
        payload = json.loads(decoded)
    except (binascii.Error, ValueError, RecursionError):  # a link from the CRM: any text
        return None
    workspace = payload.get("workspaceId") if isinstance(payload, dict) else None
    return workspace if isinstance(workspace, str) and workspace else None


def to_contact(record: NetHuntRecord, folder_id: str, *, name_field: str = "Name",
               phone_field: str = "Phone", email_field: str = "Email",
               company_field: str = "Company", manager_field: str = "Responsible",
               workspace_id: str = "") -> Contact:
    """A :class:`Contact` read through the configured (possibly localised) field names."""
    fields = record.fields
    link = record.link or (record_link(workspace_id, folder_id, record.record_id)
                           if workspace_id else "")
    return Contact(
        record_id=record.record_id, folder_id=folder_id, name=first_value(fields, name_field),
        phones=tuple(field_values(fields, phone_field)),
        company=first_value(fields, company_field), manager=first_value(fields, manager_field),
        emails=tuple(field_values(fields, email_field)), link=link,
        created_at=record.created_at, updated_at=record.updated_at, fields=fields,
    )


def _iso_utc(when: datetime) -> str:
    """``2024-03-01T09:15:00.000Z``, the form wrappers send; a naive time is taken as UTC."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _text(item: Mapping[str, Any], key: str) -> str:
    value = item.get(key)
    return value if isinstance(value, str) else ""


# --- the client -------------------------------------------------------------------------------

async def _parse_records(items: list[Any]) -> list[NetHuntRecord]:
    """Records from a JSON list; big lists are converted off the event-loop thread."""
    def parse() -> list[NetHuntRecord]:
        return [NetHuntRecord.from_json(item) for item in items]

    return await asyncio.to_thread(parse) if len(items) > 2000 else parse()


class NetHuntClient:
    def __init__(self, base_url: str, email: str, api_key: Secret, *,
                 retry: RetryPolicy | None = None, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.email = email
        client = build_client(self.base_url, auth=(email, api_key.reveal()),
                              headers={"Content-Type": "application/json"}, timeout=timeout)
        self.http = ServiceHttp(SERVICE, client, retry=retry)

    def __repr__(self) -> str:
        return f"NetHuntClient({self.base_url!r}, email={self.email!r})"

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> NetHuntClient:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.aclose()

    # -- plumbing

    async def _get(self, path: str, params: Any = None, *, empty_on_404: bool = False) -> Any:
        ok = EMPTY_SEARCH_STATUSES if empty_on_404 else ()
        response = await self.http.request("GET", path, safe=True, params=params,
                                           ok_statuses=ok)
        if response.status_code in ok:
            log.info("NetHunt %s answered %d; taken as no results", path, response.status_code)
            return []
        return await self.http.json_async(response)

    async def _get_list(self, path: str, params: Any = None, *,
                        empty_on_404: bool = False) -> list[Any]:
        raw = await self._get(path, params, empty_on_404=empty_on_404)
        expect(SERVICE, isinstance(raw, list), f"{path} did not return a JSON array")
        return list(raw)

    async def _post(self, path: str, body: Mapping[str, Any], what: str,
                    params: Any = None) -> dict[str, Any]:
        response = await self.http.request("POST", path, safe=False, params=params,
                                           json_body=dict(body))
        return object_body(self.http, self.http.json(response), what)

    async def _records(self, path: str, params: Any) -> list[NetHuntRecord]:
        items = await self._get_list(path, params, empty_on_404=True)
        records = await _parse_records(items)
        await release_gradually(items)
        return records

    async def _feed(self, trigger: str, folder_id: str, since: datetime | None, limit: int,
                    extra: Iterable[tuple[str, str]] = ()) -> list[Any]:
        params: list[tuple[str, str | int]] = [("limit", limit), *extra]
        if since is not None:
            params.append(("since", _iso_utc(since)))
        return await self._get_list(f"/triggers/{trigger}/{folder_id}", params,
                                    empty_on_404=True)

    # -- account and folders

    async def auth_test(self) -> NetHuntUser:
        raw = await self._get("/triggers/auth-test")
        item = raw[0] if isinstance(raw, list) and raw else raw
        user = item.get("user") if isinstance(item, dict) else None
        if not isinstance(user, dict):
            raise BadResponse(SERVICE, "unexpected answer: auth-test has no user",
                              reason=Reason.BAD_ANSWER)
        return NetHuntUser(_text(user, "personalName"), _text(user, "emailAddress"))

    async def readable_folders(self) -> list[Folder]:
        return await self._folders("/triggers/readable-folder")

    async def writable_folders(self) -> list[Folder]:
        return await self._folders("/triggers/writable-folder")

    async def _folders(self, path: str) -> list[Folder]:
        folders = []
        for item in await self._get_list(path):
            expect(SERVICE, isinstance(item, dict) and bool(_text(item, "id")),
                   "a folder has no id")
            folders.append(Folder(item["id"], _text(item, "name")))
        return folders

    async def folder_fields(self, folder_id: str) -> list[str]:
        items = await self._get_list(f"/triggers/folder-field/{folder_id}")
        expect(SERVICE, all(isinstance(i, dict) for i in items), "a folder field is not an object")
        return [name for name in (_text(i, "name") for i in items) if name]

    # -- records

    async def find_records(self, folder_id: str, query: str,
                           limit: int = 20) -> list[NetHuntRecord]:
        """NetHunt's loose search: callers must verify every hit (§2.4)."""
        return await self._records(f"/searches/find-record/{folder_id}",
                                   {"query": query, "limit": limit})

    async def get_record(self, folder_id: str, record_id: str) -> NetHuntRecord | None:
        records = await self._records(f"/searches/find-record/{folder_id}",
                                      {"recordId": record_id})
        return next((r for r in records if r.record_id == record_id), None)

    async def create_record(self, folder_id: str, fields: Mapping[str, Any],
                            time_zone: str) -> CreatedRecord:
        body = await self._post(f"/actions/create-record/{folder_id}",
                                {"timeZone": time_zone, "fields": dict(fields)}, "create-record")
        record_id = record_id_of(body)
        expect(SERVICE, bool(record_id), "create-record returned no recordId")
        return CreatedRecord(record_id, _text(body, "link"))

    async def update_record(self, record_id: str, field_actions: Mapping[str, Any],
                            overwrite: bool = False) -> dict[str, Any]:
        """Apply ``{Field: {add, remove, overwrite}}``; a gone record raises NotFound."""
        return await self._post(f"/actions/update-record/{record_id}",
                                {"fieldActions": dict(field_actions)}, "update-record",
                                params={"overwrite": "true" if overwrite else "false"})

    async def create_comment(self, record_id: str, text: str) -> str:
        """The new comment's id ('' if the service did not say; the comment exists anyway)."""
        body = await self._post(f"/actions/create-comment/{record_id}", {"text": text},
                                "create-comment")
        return _text(body, "commentId")

    async def create_call_log(self, record_id: str, text: str, time: datetime | None = None,
                              duration_seconds: float | None = None) -> str:
        """The new call log's id; ``time`` is when the call started, sent as UTC."""
        payload: dict[str, Any] = {"text": text}
        if time is not None:
            payload["time"] = _iso_utc(time)
        if duration_seconds is not None:
            payload["duration"] = round(duration_seconds / 60, 2)  # NetHunt wants minutes
        body = await self._post(f"/actions/create-call-log/{record_id}", payload,
                                "create-call-log")
        return _text(body, "callLogId")

    # -- feeds (newest first, at most ``limit`` items, no paging other than ``since``)

    async def new_records(self, folder_id: str, since: datetime | None = None,
                          limit: int = FEED_LIMIT) -> list[NetHuntRecord]:
        items = await self._feed("new-record", folder_id, since, limit)
        records = await _parse_records(items)
        await release_gradually(items)
        return records

    async def updated_records(self, folder_id: str, since: datetime | None = None,
                              limit: int = FEED_LIMIT,
                              field_names: Iterable[str] = ()) -> list[NetHuntRecord]:
        items = await self._feed("updated-record", folder_id, since, limit,
                                 [("fieldName", name) for name in field_names])
        return await _parse_records(items)

    async def new_comments(self, folder_id: str, since: datetime | None = None,
                           limit: int = FEED_LIMIT) -> list[NetHuntComment]:
        comments = []
        for item in await self._feed("new-comment", folder_id, since, limit):
            expect(SERVICE, isinstance(item, dict), "a comment is not a JSON object")
            comments.append(NetHuntComment(_text(item, "commentId") or _text(item, "id"),
                                           _text(item, "recordId"), _text(item, "text"),
                                           parse_time(item.get("createdAt"))))
        return comments

    async def new_call_logs(self, folder_id: str, since: datetime | None = None,
                            limit: int = FEED_LIMIT) -> list[NetHuntCallLog]:
        logs = []
        for item in await self._feed("new-call-log", folder_id, since, limit):
            expect(SERVICE, isinstance(item, dict), "a call log is not a JSON object")
            duration = item.get("duration")
            logs.append(NetHuntCallLog(
                _text(item, "callLogId") or _text(item, "id"), _text(item, "recordId"),
                _text(item, "text"), parse_time(item.get("createdAt")),
                parse_time(item.get("time")),
                float(duration) if isinstance(duration, int | float)
                and not isinstance(duration, bool) else None))
        return logs
