"""Read the desktop's accessibility tree over AT-SPI, as a screen reader does; print JSON.

Run with the SYSTEM python (``/usr/bin/python3``, where Debian's ``python3-pyatspi`` lives),
never the project's venv, and never imported by the tests (they run it through
:mod:`tests.atspi`):

    python3 atspi_reader.py tree [--pid PID]            # one JSON document, the whole tree
    python3 atspi_reader.py listen --seconds N --out F  # one JSON line per event into F

A node: ``{"name", "role", "description", "states", "children"}``. Tables are cut to their
first rows: the tests look at names, not at thousands of cells.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import pyatspi  # type: ignore[import-not-found]

MAX_DEPTH = 40
MAX_TABLE_CHILDREN = 24
EVENTS = ("object:announcement", "object:state-changed:focused", "window:activate")


def node(accessible: Any, depth: int = 0) -> dict[str, Any]:
    try:
        states = [pyatspi.stateToString(s) for s in accessible.getState().getStates()]
        role = accessible.getRoleName()
        result: dict[str, Any] = {"name": accessible.name or "", "role": role,
                                  "description": accessible.description or "",
                                  "states": states, "children": []}
        count = accessible.childCount
    except Exception as error:  # a widget deleted while we read: say so, go on
        return {"name": "", "role": "defunct", "description": str(error), "states": [],
                "children": []}
    if role in ("table", "tree table", "list", "list box"):
        count = min(count, MAX_TABLE_CHILDREN)
    if depth < MAX_DEPTH:
        for index in range(count):
            try:
                child = accessible.getChildAtIndex(index)
            except Exception:  # gone while we read: nothing to report
                child = None
            if child is not None:
                result["children"].append(node(child, depth + 1))
    return result


def tree(pid: int | None) -> list[dict[str, Any]]:
    desktop = pyatspi.Registry.getDesktop(0)
    apps = []
    for index in range(desktop.childCount):
        app = desktop.getChildAtIndex(index)
        if app is None:
            continue
        try:
            wanted = pid is None or app.get_process_id() == pid
        except Exception:  # an application that quit meanwhile
            wanted = False
        if wanted:
            apps.append(node(app))
    return apps


def listen(seconds: float, out_path: str) -> None:
    from gi.repository import GLib  # type: ignore[import-not-found]

    out = open(out_path, "a", encoding="utf-8")  # noqa: SIM115 (closed on exit)

    def on_event(event: Any) -> None:
        try:
            source = event.source
            record = {"type": str(event.type), "source_name": source.name or "",
                      "source_role": source.getRoleName(), "detail1": int(event.detail1),
                      "text": event.any_data if isinstance(event.any_data, str) else ""}
        except Exception:
            return
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        out.flush()

    for event_type in EVENTS:
        pyatspi.Registry.registerEventListener(on_event, event_type)
    GLib.timeout_add(int(seconds * 1000), lambda: pyatspi.Registry.stop())
    # Tell the test the listener is registered: events before this line are not seen.
    out.write(json.dumps({"type": "listening"}) + "\n")
    out.flush()
    pyatspi.Registry.start()
    out.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    tree_command = commands.add_parser("tree")
    tree_command.add_argument("--pid", type=int, default=None)
    listen_command = commands.add_parser("listen")
    listen_command.add_argument("--seconds", type=float, required=True)
    listen_command.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.command == "tree":
        json.dump(tree(args.pid), sys.stdout, ensure_ascii=False)
        return 0
    listen(args.seconds, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
