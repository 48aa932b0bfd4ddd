"""``ringohunt-relay``: the webhook relay and IT's provisioning, one command.

    ringohunt-relay serve --project 11111 --listen 0.0.0.0:8080 \\
        --nats nats://n1:4222,nats://n2:4222,nats://n3:4222 --replicas 3 \\
        --directory /etc/ringohunt/directory.json
    ringohunt-relay provision --project 11111 --staff-json staff.json --out-dir /etc/ringohunt
    ringohunt-relay provision --project 11111 --ringostat-url https://api.ringostat.net …

Secrets never go on the command line (``ps`` shows it to every user): the webhook secret comes
from ``RINGOHUNT_RELAY_SECRET`` or ``--secret-file`` (one per line; two during a rotation), the
relay's broker password from ``RINGOHUNT_RELAY_NATS_PASSWORD`` or ``--nats-password-file``
(or the relay entry of provisioning's credentials file), the Ringostat key from
``RINGOHUNT_RINGOSTAT_AUTH_KEY``.

Exit codes: 0 done, 2 bad arguments or files, 3 the Ringostat staff list could not be read.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from ringohunt_desktop.core import subjects
from ringohunt_desktop.domain import StaffMember
from ringohunt_desktop.relay.intake import RedactingFilter

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_SERVICE = 3
# Names of environment variables, not secrets.
SECRET_ENV = "RINGOHUNT_RELAY_SECRET"  # noqa: S105
NATS_PASSWORD_ENV = "RINGOHUNT_RELAY_NATS_PASSWORD"  # noqa: S105
AUTH_KEY_ENV = "RINGOHUNT_RINGOSTAT_AUTH_KEY"


class BadInput(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ringohunt-relay",
        description="Ringostat webhooks → NATS JetStream, for RingoHunt's subscription mode.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", help="receive webhooks and publish them")
    serve.add_argument("--project", required=True, help="Ringostat project ID")
    serve.add_argument("--listen", default="127.0.0.1:8080", metavar="HOST:PORT")
    serve.add_argument("--path", default="/ringostat",
                       help="the webhook path (default %(default)s)")
    serve.add_argument("--nats", default="nats://127.0.0.1:4222",
                       help="broker URLs, comma-separated (all nodes of a cluster)")
    serve.add_argument("--nats-user", default=None,
                       help="broker user (default: relay_<project> when a password is given)")
    serve.add_argument("--nats-password-file", type=Path, default=None)
    serve.add_argument("--credentials", type=Path, default=None,
                       help="provisioning's credentials.json: the relay user and password")
    serve.add_argument("--secret-file", type=Path, default=None,
                       help=f"webhook secret(s), one per line (default: ${SECRET_ENV})")
    serve.add_argument("--directory", type=Path, default=None,
                       help="provisioning's directory.json (without it every event is "
                            "unassigned); re-read on SIGHUP")
    _stream_arguments(serve)
    serve.add_argument("--publish-timeout", type=float, default=5.0, metavar="SECONDS")
    serve.add_argument("-v", "--verbose", action="store_true")

    provision = commands.add_parser(
        "provision", help="staff list → broker users (auth.conf), credentials, directory")
    provision.add_argument("--project", required=True, help="Ringostat project ID")
    source = provision.add_mutually_exclusive_group(required=True)
    source.add_argument("--staff-json", type=Path,
                        help="getProjectStaffListAndDirections answer (whole, or its result)")
    source.add_argument("--ringostat-url", help=f"read the staff list from Ringostat "
                                                f"(key from ${AUTH_KEY_ENV})")
    provision.add_argument("--out-dir", type=Path, required=True)
    provision.add_argument("--stream", default=subjects.DEFAULT_STREAM)
    provision.add_argument("--server-url", action="append", default=[], metavar="URL",
                           help="broker URL the desktops use (repeat for each node)")
    provision.add_argument("--rotate", action="store_true", help="new passwords for everybody")
    provision.add_argument("--bcrypt-cost", type=int, default=11)
    return parser


def _stream_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stream", default=subjects.DEFAULT_STREAM)
    parser.add_argument("--replicas", type=int, default=1, help="1, or 3 on a 3-node cluster")
    parser.add_argument("--claim-minutes", type=float, default=15.0,
                        help="how long an inbox \"I'll call back\" claim holds if nobody calls")
    parser.add_argument("--duplicate-window", type=float, default=7200.0, metavar="SECONDS",
                        help="how late a retry is still dropped as a duplicate")
    parser.add_argument("--max-age", type=float, default=7 * 86400.0, metavar="SECONDS")


def _read_secrets(args: argparse.Namespace, env: dict[str, str]) -> tuple[str, ...]:
    if args.secret_file is not None:
        try:
            text = args.secret_file.read_text(encoding="utf-8")
        except OSError as exc:
            raise BadInput(f"cannot read the secret file: {exc}") from exc
        found = tuple(line.strip() for line in text.splitlines() if line.strip())
    else:
        found = tuple(s.strip() for s in env.get(SECRET_ENV, "").split(",") if s.strip())
    if not found:
        raise BadInput(f"no webhook secret: set ${SECRET_ENV} or give --secret-file")
    if any(len(secret) < 16 for secret in found):
        raise BadInput("a webhook secret must have at least 16 characters")
    return found


def _broker_login(args: argparse.Namespace, env: dict[str, str]) -> tuple[str | None, str | None]:
    user, password = args.nats_user, None
    if args.credentials is not None:
        try:
            relay = json.loads(args.credentials.read_text(encoding="utf-8"))["relay"]
            user, password = user or str(relay["user"]), str(relay["password"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BadInput(f"cannot read the relay entry of {args.credentials}: {exc}") from exc
    elif args.nats_password_file is not None:
        try:
            password = args.nats_password_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise BadInput(f"cannot read the broker password file: {exc}") from exc
    else:
        password = env.get(NATS_PASSWORD_ENV) or None
    if password and not user:
        user = subjects.relay_user(args.project)
    return user, password


def _listen(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    try:
        return host.strip("[]") or "127.0.0.1", int(port)
    except ValueError as exc:
        raise BadInput(f"--listen must be HOST:PORT, not {text!r}") from exc


def configure_logging(verbose: bool, secrets: Sequence[str], stream: TextIO = sys.stderr) -> None:
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)


def run_serve(args: argparse.Namespace, env: dict[str, str]) -> int:
    from ringohunt_desktop.relay.broker import ClaimsSpec, StreamSpec
    from ringohunt_desktop.relay.server import RelaySettings, serve

    secrets = _read_secrets(args, env)
    user, password = _broker_login(args, env)
    host, port = _listen(args.listen)
    configure_logging(args.verbose, [*secrets, *(p for p in (password,) if p)])
    try:
        settings = RelaySettings(
            project=args.project, secrets=secrets,
            nats_servers=tuple(u.strip() for u in args.nats.split(",") if u.strip()),
            nats_user=user, nats_password=password, host=host, port=port, path=args.path,
            stream=StreamSpec(name=args.stream, replicas=args.replicas,
                              duplicate_window=args.duplicate_window, max_age=args.max_age),
            claims=ClaimsSpec(ttl=max(1.0, args.claim_minutes) * 60.0),
            directory_path=args.directory, publish_timeout=args.publish_timeout)
    except ValueError as exc:
        raise BadInput(str(exc)) from exc
    asyncio.run(serve(settings))
    return EXIT_OK


async def _staff_from_ringostat(url: str, project: str, env: dict[str, str]) -> list[StaffMember]:
    from ringohunt_desktop.clients.ringostat import RingostatClient
    from ringohunt_desktop.secret import Secret

    key = env.get(AUTH_KEY_ENV)
    if not key:
        raise BadInput(f"set ${AUTH_KEY_ENV} to read the staff list from Ringostat")
    async with RingostatClient(url, Secret(key), project) as client:
        return await client.staff()


def _staff_from_file(path: Path) -> list[StaffMember]:
    from ringohunt_desktop.clients.errors import BadResponse
    from ringohunt_desktop.clients.ringostat import parse_staff

    try:
        payload: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInput(f"cannot read {path}: {exc}") from exc
    if isinstance(payload, dict) and "result" in payload:
        payload = payload["result"]  # the whole JSON-RPC answer
    try:
        return parse_staff(payload)
    except BadResponse as exc:
        raise BadInput(f"{path} is not a Ringostat staff list: {exc}") from exc


def run_provision(args: argparse.Namespace, env: dict[str, str], out: TextIO) -> int:
    from ringohunt_desktop.clients.errors import ApiError
    from ringohunt_desktop.relay.provision import provision

    if args.staff_json is not None:
        members = _staff_from_file(args.staff_json)
    else:
        try:
            members = asyncio.run(_staff_from_ringostat(args.ringostat_url, args.project, env))
        except ApiError as exc:
            sys.stderr.write(f"error: {exc.user_message}\n")
            return EXIT_SERVICE
    if not 4 <= args.bcrypt_cost <= 16:
        raise BadInput("--bcrypt-cost must be between 4 and 16")
    result = provision(args.project, members, args.out_dir, stream=args.stream,
                       servers=args.server_url, rotate=args.rotate, cost=args.bcrypt_cost)
    out.write(f"{result.agents} agents provisioned for project {args.project}:\n"
              f"  {result.auth_config}  (0600: include it in nats-server.conf, then "
              "`nats-server --signal reload`)\n"
              f"  {result.credentials}  (0600: plain passwords; give each agent their entry)\n"
              f"  {result.directory}  (the relay's --directory; `systemctl reload` the relay)\n")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    env = dict(os.environ)
    try:
        if args.command == "serve":
            return run_serve(args, env)
        return run_provision(args, env, sys.stdout)
    except BadInput as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_BAD_INPUT


__all__ = ["main"]
