"""Command line: the tray app (default), the demo, headless commands for IT, the simulator.

Exit codes of the headless commands: 0 success, 2 bad input or settings (message on stderr,
nothing sent), 3 service or network failure (one clear line, no traceback).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from ringohunt_desktop import APP_NAME, __version__, phone
from ringohunt_desktop.clients.errors import ApiError
from ringohunt_desktop.config import Config, ConfigError, load_config
from ringohunt_desktop.core.calltracking import is_mine
from ringohunt_desktop.core.dialing import dial_target, place_call
from ringohunt_desktop.core.problems import SetupError
from ringohunt_desktop.core.session import NETHUNT_SETTINGS, Session, find_folder
from ringohunt_desktop.domain import CallRecord
from ringohunt_desktop.paths import AppPaths
from ringohunt_desktop.terminal import printable, silence

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_SERVICE = 3
HEADLESS_COMMANDS = ("check", "lookup", "call", "journal", "contacts", "watch", "note")

DIAL_SCHEMES = ("tel:", "callto:")
COMMANDS = (*HEADLESS_COMMANDS, "sim", "selftest")


class BadInput(Exception):
    """The user's input or settings are wrong; nothing was sent."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ringohunt-desktop",
        description=f"{APP_NAME}: Ringostat calls with NetHunt CRM contacts.",
        epilog="Credentials come from the OS keychain (set them in the app) or from the "
               "RINGOHUNT_* environment variables; they are never taken on the command line.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--basedir", type=Path, help="keep all config, cache and logs under DIR")
    parser.add_argument("--demo", action="store_true",
                        help="run against the built-in simulator (no account needed)")
    parser.add_argument("--demo-port", type=int, default=0, metavar="PORT",
                        help="loopback port of the demo simulator (default: any free port)")
    parser.add_argument("--demo-call-every", type=float, default=12.0, metavar="SECONDS",
                        help="a demo call arrives this often (0: only when rung via /_sim/)")
    parser.add_argument("--minimized", action="store_true", help="start in the tray")
    parser.add_argument("--autostart", action="store_true",
                        help="started at login: start in the tray, or not at all when the "
                             "user switched autostart off")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    setting_flags = parser.add_argument_group("settings (override everything else)")
    for flag, key in (("--ringostat-url", "ringostat_url"), ("--nethunt-url", "nethunt_url"),
                      ("--project-id", "ringostat_project_id"),
                      ("--nethunt-email", "nethunt_email"), ("--agent", "agent"),
                      ("--contacts-folder", "contacts_folder"), ("--language", "language"),
                      ("--poll-interval", "poll_interval")):
        setting_flags.add_argument(flag, dest=f"setting_{key}", metavar="VALUE")

    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser("check",
                                help="reach both services, verify credentials, agent, folder")
    check.add_argument("--deep", action="store_true",
                       help="also probe, read-only, how this account's APIs behave where the "
                            "documentation is silent; the report is saved as JSON")
    check.add_argument("--report", type=Path, default=None, metavar="FILE",
                       help="where --deep saves its JSON report (default: the log folder)")
    lookup = commands.add_parser("lookup", help="JSON array of contacts with this number")
    lookup.add_argument("number")
    call = commands.add_parser("call", help="click-to-call NUMBER (also tel:/callto: URLs)")
    call.add_argument("number")
    journal = commands.add_parser("journal", help="the agent's calls as JSON lines")
    journal.add_argument("--since", help="ISO date/time (default: 24 hours ago)")
    journal.add_argument("--until", help="ISO date/time (default: now)")
    journal.add_argument("--missed", action="store_true", help="only missed calls")
    watch = commands.add_parser(
        "watch", help="each call event for the agent as a JSON line, as the app sees it")
    watch.add_argument("--for", dest="seconds", type=_positive_seconds, default=None,
                       metavar="SECONDS", help="stop after this long (default: until Ctrl-C)")
    watch.add_argument("--count", type=_positive_count, default=None, metavar="N",
                       help="stop after N events")
    watch.add_argument("--exclusive", action="store_true",
                       help="subscription mode: the tray app is closed, watch may read the "
                            "agent's queue on the call server")

    from ringohunt_desktop.contacts_cli import add_parser as add_contacts_parser

    add_contacts_parser(commands)
    from ringohunt_desktop.notes_cli import add_parser as add_note_parser

    add_note_parser(commands)
    sim = commands.add_parser("sim", help="run the Ringostat + NetHunt simulator")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, default=8765)
    sim.add_argument("--contacts", type=int, default=300, help="size of the Contacts folder")
    sim.add_argument("--seed", type=int, default=7)
    sim.add_argument("--call-every", type=float, default=None,
                     help="generate a live incoming call every N seconds")
    sim.add_argument("--webhook-url", default=None, metavar="URL",
                     help="POST each new call's Ringostat webhooks here (a ringohunt-relay, "
                          "e.g. http://127.0.0.1:8080/ringostat?secret=…)")
    sim.add_argument("--webhook-late-rate", type=_fraction, default=0.1, metavar="0..1",
                     help="share of webhooks Ringostat delivers late (default %(default)s)")
    selftest = commands.add_parser("selftest", help="smoke test of an installed/frozen build")
    selftest.add_argument("--sim-url", default=None)
    return parser


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not 0 < value <= 366 * 86400:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"expected a number of seconds above 0, got {text!r}")
    return value


def _positive_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {text!r}")
    return value


def _fraction(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, got {text!r}")
    return value


def parse_command_line(parser: argparse.ArgumentParser,
                       argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse ``argv``; a tel:/callto: link the OS passes (``RingoHunt.exe "%1"``, a .desktop
    file's ``%u``) is taken out first and becomes ``args.dial``.

    argparse cannot do this itself: the COMMAND subparsers claim the first positional
    argument, so the link would be refused as an unknown command. A link after a command
    (``call tel:…``) is that command's argument and is left alone.
    """
    arguments = list(sys.argv[1:] if argv is None else argv)
    dial = None
    for index, argument in enumerate(arguments):
        if argument in COMMANDS:
            break
        if argument.lower().startswith(DIAL_SCHEMES):
            dial = arguments.pop(index)
            break
    args = parser.parse_args(arguments)
    args.dial = dial
    return args


def overrides_from(args: argparse.Namespace) -> dict[str, str | None]:
    return {key.removeprefix("setting_"): value for key, value in vars(args).items()
            if key.startswith("setting_")}


def stored_credentials() -> dict[str, str]:
    """Secrets from the OS keychain; none when no keychain is usable (the env may have them)."""
    # Imported here: keyring's backend discovery is not worth paying for in `sim`.
    from ringohunt_desktop.credentials import (
        CredentialStoreUnavailable,
        default_store,
        load_credentials,
    )

    try:
        return load_credentials(default_store())
    except CredentialStoreUnavailable as exc:
        log.info("no credentials from the keychain: %s", exc)
        return {}


def resolve_config(args: argparse.Namespace, paths: AppPaths,
                   env: Mapping[str, str] | None = None) -> Config:
    env = dict(os.environ if env is None else env)
    return load_config(paths, overrides=overrides_from(args), env=env,
                       credentials=stored_credentials())


# Ringostat has no calls before its own time, and dates near year 1 or 9999 overflow in any
# time-zone arithmetic: a wider range is refused as input, not met as a crash.
EARLIEST_DATE = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_DATE = datetime(2100, 1, 1, tzinfo=UTC)


def _parse_when(text: str | None, default: datetime, option: str = "date") -> datetime:
    if not text:
        return default
    try:
        value = datetime.fromisoformat(text)
        value = value if value.tzinfo else value.astimezone()
        in_range = EARLIEST_DATE <= value <= LATEST_DATE
    except (ValueError, OverflowError) as exc:
        raise BadInput(f"{option}: not an ISO date/time in range: {_shown(text)}") from exc
    if not in_range:
        raise BadInput(f"{option}: {_shown(text)} is outside {EARLIEST_DATE:%Y-%m-%d} to "
                       f"{LATEST_DATE:%Y-%m-%d}")
    return value


def _shown(text: str, limit: int = 80) -> str:
    """User input echoed in an error line: quoted, control characters escaped, cut short."""
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


def _call_json(call: CallRecord, region: str) -> dict[str, Any]:
    number = phone.caller_e164(call.client_number, region) or call.client_number
    return {
        "call_id": call.call_id, "started_at": call.started_at.isoformat(),
        "direction": call.direction.value, "number": number,
        "disposition": call.disposition, "missed": call.is_missed,
        "answered": call.is_answered, "duration": call.duration, "billsec": call.billsec,
        "employee": call.employee_name, "utm_source": call.utm_source,
        "utm_medium": call.utm_medium, "utm_campaign": call.utm_campaign,
        "recording": call.recording_url,
    }


async def command_check(session: Session, out: TextIO) -> int:
    """A readable report of everything the app needs; non-zero when anything fails.

    The checks themselves are the setup wizard's (services.setup_checks), run on the
    session's clients, so the CLI and the wizard judge a configuration the same way.
    """
    from ringohunt_desktop.services.setup_checks import (
        check_agent,
        check_broker,
        verify_folder_fields,
        verify_nethunt,
        verify_ringostat,
    )

    failures = 0

    def line(ok: bool, text: str) -> None:
        nonlocal failures
        failures += 0 if ok else 1
        # Names, folders and error texts come from the services: never raw to a terminal.
        out.write(f"[{'ok' if ok else 'FAIL'}] {printable(text)}\n")

    config = session.config
    ringostat = await verify_ringostat(session.ringostat)
    if not ringostat.ok:
        line(False, f"Ringostat {config.ringostat_url}: {ringostat.error}")
    else:
        line(True, f"Ringostat {config.ringostat_url}: credentials accepted "
                   f"(project {config.ringostat_project_id}, {len(ringostat.staff)} employees)")
        agent = check_agent(ringostat.staff, config.agent)
        if agent.member is None:
            line(False, f"agent: {agent.error}")
        else:
            member = agent.member
            logins = ", ".join(member.sip_logins) or "no SIP login"
            line(True, f"agent: {member.name} <{member.email}>, staff id {member.staff_id}, "
                       f"SIP: {logins}")
            if agent.warning:
                line(False, agent.warning)
            if config.subscribes:
                broker = await check_broker(
                    config.broker_servers, config.broker_user, config.broker_password,
                    config.ringostat_project_id, member.staff_id, stream=config.broker_stream,
                    request_timeout=config.request_timeout)
                line(broker.ok, f"call server {broker.servers}: " + (
                    f"the agent's consumer is bound ({broker.waiting} events waiting)"
                    if broker.ok else broker.error))
    nethunt = await verify_nethunt(session.nethunt)
    if nethunt.user is None:
        line(False, f"NetHunt {config.nethunt_url}: {nethunt.error}")
    else:
        line(True, f"NetHunt {config.nethunt_url}: signed in as {nethunt.user.personal_name} "
                   f"<{nethunt.user.email}>")
        folder = find_folder(nethunt.folders, config.contacts_folder)
        if folder is None:
            names = ", ".join(f.name for f in nethunt.folders) or "none"
            line(False, f"NetHunt folder {config.contacts_folder!r} not found "
                        f"(readable folders: {names})")
        else:
            line(True, f"contacts folder: {folder.name} ({folder.folder_id})")
            fields = await verify_folder_fields(session.nethunt, folder.folder_id)
            if not fields.ok:
                line(False, f"fields of {folder.name}: {fields.error}")
            for label, name in (("phone", config.field_phone), ("name", config.field_name)):
                if fields.ok:
                    present = name in fields.fields
                    line(present, f"{label} field {name!r} "
                         + ("present" if present else "missing in the folder"))
    out.write("all checks passed\n" if not failures else f"{failures} check(s) failed\n")
    return EXIT_OK if not failures else EXIT_SERVICE


async def command_lookup(session: Session, number: str, out: TextIO) -> int:
    from ringohunt_desktop.core.lookup import CallerLookup, FieldMap

    e164 = _number_or_bad_input(number, session.config.default_region)
    folder = await session.resolve_contacts_folder()
    lookup = CallerLookup(session.nethunt, folder.folder_id,
                          fields=FieldMap.from_config(session.config),
                          region=session.config.default_region,
                          workspace_id=session.config.nethunt_workspace_id)
    contacts = await lookup.search_remote(e164)
    json.dump([{"id": c.record_id, "name": c.name, "phones": list(c.phones),
                "company": c.company, "link": c.link} for c in contacts],
              out, ensure_ascii=False, indent=2)
    out.write("\n")
    return EXIT_OK


async def command_call(session: Session, number: str, out: TextIO) -> int:
    agent = await session.resolve_agent()  # the number was checked before connecting
    extension = agent.identity.dial_extension
    target = dial_target(number, session.config.default_region, extension)
    await place_call(session.ringostat, extension, target)
    out.write(f"calling {phone.display_number(target, session.config.default_region)} "
              f"from {extension}\n")
    link_extension = phone.dial_link_extension(number)
    if link_extension:
        # Ringostat calls the number only; the extension is for the agent to dial.
        out.write(f"then dial extension {link_extension} yourself once connected\n")
    return EXIT_OK


async def command_journal(session: Session, args: argparse.Namespace, out: TextIO) -> int:
    now = datetime.now(UTC)
    until = _parse_when(args.until, now, "--until")
    since = _parse_when(args.since, until - timedelta(hours=24), "--since")
    if since >= until:
        raise BadInput("--since must be before --until")
    agent = await session.resolve_agent()
    calls = await session.ringostat.calls_list(since, until)
    include_unassigned = session.config.include_unassigned_missed
    for call in sorted(calls, key=lambda c: c.started_at):
        if not is_mine(call, agent.identity, include_unassigned_missed=include_unassigned):
            continue
        if args.missed and not call.is_missed:
            continue
        out.write(json.dumps(_call_json(call, session.config.default_region),
                             ensure_ascii=False) + "\n")
    return EXIT_OK


def _number_or_bad_input(text: str, region: str) -> str:
    try:
        return phone.to_e164(text, region)
    except phone.InvalidNumber as exc:
        # A number copied from Ringostat (international digits without "+", e.g.
        # 48601234567) is looked up as the pop-up would look up the same caller.
        reported = phone.caller_e164(text, region)
        if reported is not None:
            return reported
        raise BadInput(str(exc)) from exc


def _dial_target_or_bad_input(text: str, region: str) -> str:
    try:
        return phone.parse_dial_target(text, region)
    except phone.InvalidNumber as exc:
        raise BadInput(str(exc)) from exc


def run_headless(args: argparse.Namespace, config: Config, paths: AppPaths,
                 out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run check/lookup/call/journal/contacts/watch; every failure becomes one line on
    stderr."""
    from ringohunt_desktop.contacts_cli import EmptyIndex, command_contacts
    from ringohunt_desktop.notes_cli import NoteRefused, command_note
    from ringohunt_desktop.watching import WatchRefused, watch

    async def run() -> int:
        # lookup reads NetHunt only: no Ringostat keys or agent needed for it.
        needs = NETHUNT_SETTINGS if args.command == "lookup" else None
        async with Session(config, needs=needs) as session:
            if args.command == "watch":
                await watch(session, paths, seconds=args.seconds, count=args.count,
                            exclusive=args.exclusive, out=out, err=err)
                return EXIT_OK
            if args.command == "check":
                result = await command_check(session, out)
                if getattr(args, "deep", False):
                    from ringohunt_desktop.core.deep_check import command_deep_check

                    deep = await command_deep_check(session, out, report_path=args.report,
                                                    log_dir=paths.log_dir if paths else None)
                    result = result or deep
                return result
            if args.command == "contacts":
                assert paths is not None
                return await command_contacts(session, paths, args, out)
            if args.command == "note":
                return await command_note(session, paths, args, out, err)
            if args.command == "lookup":
                return await command_lookup(session, args.number, out)
            if args.command == "call":
                return await command_call(session, args.number, out)
            return await command_journal(session, args, out)

    # Validate input before anything is sent or even connected.
    try:
        if args.command == "lookup":
            _number_or_bad_input(args.number, config.default_region)
        elif args.command == "call":
            _dial_target_or_bad_input(args.number, config.default_region)
        result = asyncio.run(run())
        out.flush()  # here, so a reader that left early is met below, not at exit
        return result
    except KeyboardInterrupt:
        return EXIT_OK  # Ctrl-C ends a watch: what was seen is printed and in the journal
    except (BadInput, SetupError, WatchRefused, EmptyIndex, NoteRefused) as exc:
        err.write(f"error: {printable(str(exc))}\n")
        return EXIT_BAD_INPUT
    except ApiError as exc:
        err.write(f"error: {printable(exc.user_message)}\n")
        return EXIT_SERVICE
    except BrokenPipeError:
        # The reader left (``journal | head -1``): nothing more to say, and nowhere to say it.
        silence(sys.stdout)
        return EXIT_OK
    except Exception as exc:
        # A failure nobody foresaw still gets one line; the traceback goes to the log.
        log.exception("%s failed unexpectedly", args.command)
        err.write(f"error: unexpected failure ({type(exc).__name__}: "
                  f"{printable(str(exc))[:200]}); details in the log\n")
        return EXIT_FAILED


def run_simulator(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    from ringohunt_desktop.simulator import SimCredentials, SimOptions, Simulator

    options = SimOptions(seed=args.seed, contacts=args.contacts, call_every=args.call_every,
                         webhook_url=getattr(args, "webhook_url", None),
                         webhook_late_rate=getattr(args, "webhook_late_rate", 0.1))
    simulator = Simulator(SimCredentials.from_env(), options, host=args.host, port=args.port)
    out.write(f"simulator on {simulator.url} (NetHunt under {simulator.nethunt_url})\n")
    if options.webhook_url:
        out.write("sending each new call's webhooks to the relay (see /_sim/webhooks)\n")
    out.write("point the app at it with:\n")
    for key, value in simulator.app_environment().items():
        shown = "(from your environment or the demo default)" if key.endswith("KEY") else value
        out.write(f"  {key}={shown}\n")
    out.flush()
    try:
        simulator.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        simulator.stop()
    return EXIT_OK


FIRST_DEMO_CALL_AFTER_S = 3.0


def demo_simulator(args: argparse.Namespace) -> AbstractContextManager[Any]:
    from ringohunt_desktop.simulator import SimCredentials, SimOptions, Simulator

    every = args.demo_call_every if args.demo_call_every > 0 else None
    # The first call rings within seconds: a newcomer's first impression is a pop-up.
    first = FIRST_DEMO_CALL_AFTER_S if every is not None else None
    return Simulator(SimCredentials(), SimOptions(call_every=every, first_incoming_after=first),
                     port=args.demo_port)


def main(argv: Sequence[str] | None = None) -> int:
    # Everything this process creates is the user's alone: the cache holds customers' names
    # and numbers, the logs their calls, a diagnostics zip both.
    os.umask(0o077)
    parser = build_parser()
    args = parse_command_line(parser, argv)
    if args.command == "sim":
        logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO)
        return run_simulator(args)
    if args.command == "selftest":
        from ringohunt_desktop.shell.selftest import run_selftest

        basedir = args.basedir or Path.cwd() / "selftest-basedir"
        return asyncio.run(run_selftest(basedir=basedir, sim_url=args.sim_url))
    try:
        paths = AppPaths.resolve(args.basedir).ensure()
        if args.demo:
            paths = paths.for_demo()
        _setup_logging(paths, args)
    except OSError as exc:
        where = args.basedir if args.basedir is not None else "the user's folders"
        sys.stderr.write(f"error: cannot keep settings, cache and logs in {where}: "
                         f"{exc.strerror or exc}\n")
        return EXIT_BAD_INPUT
    simulator_context: AbstractContextManager[Any] = (
        demo_simulator(args) if args.demo else nullcontext())
    with simulator_context as simulator:
        env = dict(os.environ)
        if simulator is not None:
            env.update(simulator.app_environment())
        try:
            config = resolve_config(args, paths, env)
        except ConfigError as exc:
            sys.stderr.write(f"error: {printable(str(exc))}\n")
            if args.command not in HEADLESS_COMMANDS:
                from ringohunt_desktop.shell.launch import report_startup_failure

                report_startup_failure(printable(str(exc)), paths.cache_dir)
            return EXIT_BAD_INPUT
        register_secrets(config)
        if args.command in HEADLESS_COMMANDS:
            return run_headless(args, config, paths)
        if args.autostart and not config.autostart:
            # The installer's machine-wide Run entry cannot be removed per user; this is how
            # the user's "start at login: off" wins over it.
            return EXIT_OK
        from ringohunt_desktop.shell.launch import run_gui

        return run_gui(config, paths, demo=simulator,
                       minimized=args.minimized or args.autostart, dial=args.dial,
                       basedir=args.basedir, env=env, overrides=overrides_from(args))


def register_secrets(config: Config) -> None:
    """Tell the log filter every credential in use, so no log line can carry one."""
    from ringohunt_desktop.diagnostics import register_config_secrets

    register_config_secrets(config)


def _setup_logging(paths: AppPaths, args: argparse.Namespace) -> None:
    from ringohunt_desktop.logging_setup import setup_logging

    headless = args.command in HEADLESS_COMMANDS
    # Headless commands talk to the user on stdout/stderr themselves; the log goes to file.
    setup_logging(paths.log_dir, verbose=args.verbose, console=False if headless else None)

