"""Provisioning for IT: the Ringostat staff list becomes the broker's users and permissions.

``ringohunt-relay provision`` writes three files into one directory:

``auth.conf`` (0600; hand it to nats-server with ``include auth.conf``)
    an ``authorization { users: [...] }`` block. Passwords are bcrypt hashes (nats-server
    compares them itself), so the file reveals no password. Users:

    - ``agent_<project>_<staff id>``, one per employee: may *publish* only the JetStream
      requests of its own durable consumer (``$JS.API.CONSUMER.INFO`` /
      ``$JS.API.CONSUMER.MSG.NEXT`` for ``<stream>.rh_<project>_<staff id>``) and the acks
      of its messages (``$JS.ACK.<stream>.rh_<project>_<staff id>.>``); may *subscribe* only
      to its own reply inbox ``_INBOX_<project>_<staff id>.>`` and to the project's read-only
      team subjects (``…unassigned``, ``…missed``, ``…callbacks``). It cannot read another
      agent's subject, create a consumer on the call stream (which could filter on anybody's
      subject) or publish call events. For the team inbox's claims it may read and write the
      project's claims bucket (:func:`claims_permissions`) and no other stream.
    - ``relay_<project>``: the only user that may publish call events
      (``ringohunt.calls.<project>.>``); it may also create the stream, the agents'
      consumers and the claims bucket, and subscribe to ``_INBOX.>`` for the acks.
    - ``admin_<project>``: every right, for IT's own tools.

``credentials.json`` (0600; give each agent only their own entry)
    the plain passwords, with everything a desktop needs to bind: server URLs, user, password,
    inbox prefix, stream, durable consumer and subject. Running provision again keeps each
    existing user's password (new agents get new ones) unless ``--rotate`` is given.

``directory.json`` (0644, not secret)
    the staff directory the relay routes by (``ringohunt-relay serve --directory``).

After provisioning: ``nats-server --signal reload`` (new users without a restart) and
``systemctl reload ringohunt-relay`` (SIGHUP: the relay re-reads the directory and creates
the new agents' consumers).
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bcrypt

from ringohunt_desktop.core import subjects
from ringohunt_desktop.domain import StaffMember
from ringohunt_desktop.relay.directory import StaffDirectory

DEFAULT_BCRYPT_COST = 11  # what the nats CLI's "server passwd" uses
AUTH_FILE = "auth.conf"
CREDENTIALS_FILE = "credentials.json"
DIRECTORY_FILE = "directory.json"


@dataclass(frozen=True, slots=True)
class Permissions:
    publish: tuple[str, ...]
    subscribe: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BrokerUser:
    user: str
    password: str  # plain; only ever written to credentials.json
    permissions: Permissions | None  # None: every right
    role: str  # "agent", "relay" or "admin"
    staff_id: int = 0


def claims_permissions(project: str) -> Permissions:
    """The project's claims bucket and nothing else: its keys (put, delete; read live as
    they are written), its stream's info (which keys exist) and a key's last message.

    No consumer, not even on the bucket's own stream: whoever may create one chooses where
    the server delivers its messages, and a push consumer delivering into
    ``ringohunt.calls.…`` had the server itself write an agent's text into the call stream
    and onto the team subjects (tried on nats-server 2.9). The desktop watches the keys'
    subjects instead and reads each changed key back from the stream."""
    stream = subjects.claims_stream(project)
    keys = f"{subjects.claims_subject_prefix(project)}.>"
    return Permissions(
        publish=(keys, f"$JS.API.STREAM.INFO.{stream}", f"$JS.API.STREAM.MSG.GET.{stream}"),
        subscribe=(keys,))


def agent_permissions(project: str, staff_id: int, stream: str) -> Permissions:
    durable = subjects.durable_name(project, staff_id)
    claims = claims_permissions(project)
    return Permissions(
        publish=(f"$JS.API.CONSUMER.INFO.{stream}.{durable}",
                 f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{durable}",
                 f"$JS.ACK.{stream}.{durable}.>", *claims.publish),
        subscribe=(f"{subjects.agent_inbox_prefix(project, staff_id)}.>",
                   subjects.unassigned_subject(project), *subjects.team_subjects(project),
                   *claims.subscribe))


def relay_permissions(project: str, stream: str) -> Permissions:
    return Permissions(
        publish=(f"{subjects.project_root(project)}.>",
                 "$JS.API.INFO",
                 f"$JS.API.STREAM.INFO.{stream}", f"$JS.API.STREAM.CREATE.{stream}",
                 f"$JS.API.STREAM.UPDATE.{stream}",
                 f"$JS.API.CONSUMER.INFO.{stream}.>", f"$JS.API.CONSUMER.CREATE.{stream}.>",
                 f"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.>",
                 *(f"$JS.API.STREAM.{verb}.{subjects.claims_stream(project)}"
                   for verb in ("INFO", "CREATE", "UPDATE"))),
        subscribe=("_INBOX.>",))


def new_password() -> str:
    return secrets.token_urlsafe(24)


def bcrypt_hash(password: str, cost: int = DEFAULT_BCRYPT_COST) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=cost)).decode("ascii")


def broker_users(project: str, members: Iterable[StaffMember], *, stream: str,
                 known_passwords: Mapping[str, str] | None = None) -> list[BrokerUser]:
    """Relay, admin and one user per employee; a password in ``known_passwords`` is kept."""
    known = known_passwords or {}

    def password_of(user: str) -> str:
        return known.get(user) or new_password()

    users = [
        BrokerUser(subjects.relay_user(project), password_of(subjects.relay_user(project)),
                   relay_permissions(project, stream), "relay"),
        BrokerUser(subjects.admin_user(project), password_of(subjects.admin_user(project)),
                   None, "admin"),
    ]
    seen: set[int] = set()
    for member in members:
        if member.staff_id in seen:
            continue
        seen.add(member.staff_id)
        user = subjects.agent_user(project, member.staff_id)
        users.append(BrokerUser(user, password_of(user),
                                agent_permissions(project, member.staff_id, stream), "agent",
                                member.staff_id))
    return users


def _quoted(text: str) -> str:
    # JSON string syntax is nats-server's quoted string; quoting also keeps "$2b$…" and
    # "$JS.…" from being read as variable references.
    return json.dumps(text)


def _subject_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(_quoted(item) for item in items) + "]"


def render_auth_config(users: Sequence[BrokerUser], *, project: str,
                       cost: int = DEFAULT_BCRYPT_COST) -> str:
    """The ``authorization`` block, passwords as bcrypt hashes."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"# RingoHunt broker users for Ringostat project {project}, written {stamp} by",
             "# `ringohunt-relay provision`. Run it again instead of editing; then reload",
             "# nats-server (`nats-server --signal reload`).",
             "authorization {", "  users: ["]
    for user in users:
        hashed = bcrypt_hash(user.password, cost)
        entry = f"    {{user: {_quoted(user.user)}, password: {_quoted(hashed)}"
        if user.permissions is not None:
            entry += (", permissions: {"
                      f"publish: {{allow: {_subject_list(user.permissions.publish)}}}, "
                      f"subscribe: {{allow: {_subject_list(user.permissions.subscribe)}}}}}")
        lines.append(entry + "}")
    lines += ["  ]", "}", ""]
    return "\n".join(lines)


def credentials_document(users: Sequence[BrokerUser], directory: StaffDirectory, *,
                         stream: str, servers: Sequence[str]) -> dict[str, Any]:
    """What IT hands out: per agent, exactly what a desktop needs to bind its consumer."""
    project = directory.project
    agents = []
    others: dict[str, Any] = {}
    for user in users:
        if user.role != "agent":
            others[user.role] = {"user": user.user, "password": user.password}
            continue
        entry = directory.agent(user.staff_id)
        agents.append({
            "staff_id": user.staff_id,
            "email": entry.email if entry else "",
            "name": entry.name if entry else "",
            "servers": list(servers),
            "user": user.user,
            "password": user.password,
            "inbox_prefix": subjects.agent_inbox_prefix(project, user.staff_id),
            "stream": stream,
            "durable": subjects.durable_name(project, user.staff_id),
            "subject": subjects.agent_subject(project, user.staff_id),
            "team_subjects": [subjects.unassigned_subject(project),
                              *subjects.team_subjects(project)],
            "claims_bucket": subjects.claims_bucket(project),
        })
    return {"project": project, "stream": stream, "servers": list(servers), **others,
            "agents": agents}


def write_private(path: Path, text: str) -> None:
    """Owner-only (0600) from the first byte: created with that mode, never chmod-ed later,
    then renamed over the old file so readers never see half of it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_EXCL, 0o600)
    try:
        os.fchmod(descriptor, 0o600)  # whatever the umask says
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    os.replace(temporary, path)


def known_passwords(path: Path, project: str) -> dict[str, str]:
    """Passwords of the users in an earlier credentials file of the same project."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("project") != project:
        return {}
    entries = [*(document.get("agents") or []),
               *(document.get(role) for role in ("relay", "admin") if document.get(role))]
    return {str(e["user"]): str(e["password"]) for e in entries
            if isinstance(e, dict) and e.get("user") and e.get("password")}


@dataclass(frozen=True, slots=True)
class ProvisionResult:
    auth_config: Path
    credentials: Path
    directory: Path
    agents: int


def provision(project: str, members: Sequence[StaffMember], out_dir: Path, *,
              stream: str = subjects.DEFAULT_STREAM, servers: Sequence[str] = (),
              rotate: bool = False, cost: int = DEFAULT_BCRYPT_COST) -> ProvisionResult:
    out_dir.mkdir(parents=True, exist_ok=True)
    credentials_path = out_dir / CREDENTIALS_FILE
    kept = {} if rotate else known_passwords(credentials_path, project)
    directory = StaffDirectory.from_staff(project, members)
    users = broker_users(project, members, stream=stream, known_passwords=kept)
    auth_path = out_dir / AUTH_FILE
    write_private(auth_path, render_auth_config(users, project=project, cost=cost))
    document = credentials_document(users, directory, stream=stream, servers=servers)
    write_private(credentials_path, json.dumps(document, ensure_ascii=False, indent=1) + "\n")
    directory_path = out_dir / DIRECTORY_FILE
    directory.save(directory_path)
    return ProvisionResult(auth_path, credentials_path, directory_path,
                           sum(1 for user in users if user.role == "agent"))


__all__ = ["AUTH_FILE", "CREDENTIALS_FILE", "DIRECTORY_FILE", "BrokerUser", "Permissions",
           "ProvisionResult", "agent_permissions", "bcrypt_hash", "broker_users",
           "claims_permissions", "credentials_document", "provision", "relay_permissions",
           "render_auth_config",
           "write_private"]
