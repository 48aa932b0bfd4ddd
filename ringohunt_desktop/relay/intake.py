"""Reading one webhook request, before anything is trusted.

Ringostat sends a webhook as a GET query string, a form body or a JSON body, whatever the admin
chose per webhook (ringostat-api.md §4.1); static parameters such as ``event=`` and the shared
secret can only ride in the URL. :func:`read_webhook` merges the URL and the body into one
mapping for :func:`~ringohunt_desktop.core.webhooks.parse_webhook_event`, and refuses with a
:class:`Refusal` (HTTP status + reason) what it will not read:

- more than :data:`MAX_BODY_BYTES` of body (413; the server also refuses it before reading);
- bytes that are not UTF-8, a charset other than UTF-8, a content type that is no form and no
  JSON (400);
- JSON nested deeper than :data:`MAX_JSON_DEPTH`, checked *before* ``json.loads`` so a body of
  ``[[[[…`` cannot exhaust the parser's recursion; ``NaN``/``Infinity``; more than
  :data:`MAX_FIELDS` keys (400).

The secret check (:func:`secret_matches`) compares in constant time and runs first, so an
unauthenticated sender learns nothing but 401.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import Iterable
from typing import Any, NoReturn
from urllib.parse import parse_qsl

from ringohunt_desktop.core.webhooks import MAX_EVENT_BYTES

MAX_BODY_BYTES = MAX_EVENT_BYTES  # 64 KiB: a call event is a few hundred bytes
MAX_JSON_DEPTH = 8  # the §4.2 contract needs 2 (additional_call_data)
MAX_FIELDS = 200
SECRET_PARAMETERS = ("secret", "token")  # §4.2's example URL spells it token=
NESTED_KEY = "additional_call_data"

_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
_BRACKET_KEY = re.compile(r"^additional_call_data\[([^\[\]]+)\]$")


class Refusal(Exception):
    """The request is refused with ``status``; ``reason`` is safe to answer and to log."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _refuse(reason: str, status: int = 400) -> NoReturn:
    raise Refusal(status, reason)


# ---------------------------------------------------------------- the shared secret

def presented_secret(raw_query: str) -> str | None:
    """The secret from the URL, read leniently (the full parse comes after the check)."""
    for name, value in parse_qsl(raw_query, keep_blank_values=True, errors="replace",
                                 max_num_fields=None):
        if name in SECRET_PARAMETERS:
            return value
    return None


def secret_matches(presented: str | None, secrets: Iterable[bytes]) -> bool:
    """Constant time in the presented value: every configured secret (two during a
    rotation) is compared, with :func:`hmac.compare_digest`, whether or not one matched."""
    if not presented:
        return False
    candidate = presented.encode("utf-8", "replace")
    matched = False
    for secret in secrets:
        matched |= hmac.compare_digest(candidate, secret)
    return matched


# ---------------------------------------------------------------- the request

def _pairs(text: str, what: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict",
                         max_num_fields=MAX_FIELDS)
    except UnicodeDecodeError:
        _refuse(f"the {what} is not UTF-8")
    except ValueError:
        _refuse(f"the {what} has more than {MAX_FIELDS} fields")


def _fields_from_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """First value of each name; ``additional_call_data[key]`` (a PHP-style form) folds into
    the nested mapping the JSON form would have."""
    fields: dict[str, Any] = {}
    nested: dict[str, Any] = {}
    for name, value in pairs:
        bracketed = _BRACKET_KEY.match(name)
        if bracketed:
            nested.setdefault(bracketed.group(1), value)
        elif name not in SECRET_PARAMETERS:
            fields.setdefault(name, value)
    if nested and NESTED_KEY not in fields:
        fields[NESTED_KEY] = nested
    return fields


def json_depth(text: str) -> int:
    """Deepest nesting of arrays/objects, strings skipped; linear time, no recursion."""
    depth = deepest = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub('""', text)):
        if bracket in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth = max(0, depth - 1)
    return deepest


def _no_constants(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a number a webhook sends")


def bounded_json(text: str, what: str = "JSON body") -> Any:
    if json_depth(text) > MAX_JSON_DEPTH:
        _refuse(f"the {what} is nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        _refuse(f"the {what} is not valid JSON")


def _json_object_fields(text: str) -> dict[str, Any]:
    payload = bounded_json(text)
    if not isinstance(payload, dict):
        _refuse("a JSON body must be an object")
    nested = payload.get(NESTED_KEY)
    if len(payload) > MAX_FIELDS or (isinstance(nested, dict) and len(nested) > MAX_FIELDS):
        _refuse(f"the JSON body has more than {MAX_FIELDS} fields")
    return {key: value for key, value in payload.items() if key not in SECRET_PARAMETERS}


def _media_type(content_type: str) -> tuple[str, str]:
    media, _, parameters = content_type.partition(";")
    charset = ""
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.strip().lower(), charset


def _body_fields(content_type: str, body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    if len(body) > MAX_BODY_BYTES:
        _refuse(f"the body is over {MAX_BODY_BYTES // 1024} KB", 413)
    media, charset = _media_type(content_type)
    if charset and charset not in ("utf-8", "utf8", "us-ascii", "ascii"):
        _refuse("only UTF-8 bodies are accepted")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        _refuse("the body is not UTF-8")
    is_json = media == "application/json" or media.endswith("+json") or media == "text/json"
    is_form = media == "application/x-www-form-urlencoded"
    if not (is_json or is_form):
        if media not in ("", "text/plain", "application/octet-stream"):
            _refuse(f"unsupported content type {media[:60]!r}: send a form or JSON")
        is_json = text.lstrip().startswith("{")  # no (useful) type given: look at it
    if is_json:
        return _json_object_fields(text)
    return _fields_from_pairs(_pairs(text, "form body"))


def read_webhook(raw_query: str, content_type: str, body: bytes) -> dict[str, Any]:
    """URL and body as one mapping; the URL's ``event`` wins (it is set per webhook), the
    body's values win otherwise (they are the call's). Raises :class:`Refusal`."""
    query = _fields_from_pairs(_pairs(raw_query, "query string"))
    fields = {**query, **_body_fields(content_type, body)}
    if query.get("event"):
        fields["event"] = query["event"]
    nested = fields.get(NESTED_KEY)
    if isinstance(nested, str) and nested.lstrip().startswith("{"):
        # A query string or form can only carry the nested data as JSON text.
        decoded = bounded_json(nested, NESTED_KEY)
        if isinstance(decoded, dict) and len(decoded) <= MAX_FIELDS:
            fields[NESTED_KEY] = decoded
    return fields


# ---------------------------------------------------------------- what logs may show

def mask_number(text: str) -> str:
    """``380671234567`` → ``380*******67``: enough to tell calls apart in a log, not enough
    to call the client."""
    digits = [ch for ch in text if ch.isdigit()]
    if len(digits) < 6:
        return "*" * len(digits)
    return "".join(digits[:3]) + "*" * (len(digits) - 5) + "".join(digits[-2:])


class RedactingFilter(logging.Filter):
    """Defence in depth for the relay's log handlers: whatever a library logs (a URL with
    ``?secret=…`` in an exception, say), the secret is masked. Phone numbers are masked where
    the relay logs them (:func:`mask_number`): a blanket digit filter would mask call IDs."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]
        self._secret_parameter = re.compile(
            r"((?:%s)=)[^&\s\"']+" % "|".join(SECRET_PARAMETERS))  # noqa: UP031

    def _clean(self, text: str) -> str:
        cleaned = self._secret_parameter.sub(r"\1***", text)
        for secret in self._secrets:
            cleaned = cleaned.replace(secret, "***")
        return cleaned

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._clean(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info:  # a traceback may quote a URL too
            record.exc_text = self._clean(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        return True


__all__ = [
    "MAX_BODY_BYTES",
    "MAX_FIELDS",
    "MAX_JSON_DEPTH",
    "RedactingFilter",
    "Refusal",
    "bounded_json",
    "json_depth",
    "mask_number",
    "presented_secret",
    "read_webhook",
    "secret_matches",
]
