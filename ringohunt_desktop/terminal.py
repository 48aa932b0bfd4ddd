"""Writing to a terminal that may be hostile or gone. No Qt.

Text from a server or a CRM goes to the terminal escaped (:func:`printable`), and a reader
that left (``… | head -1``) ends the writing quietly (:func:`silence`).
"""

from __future__ import annotations

import os
from typing import TextIO


def printable(text: str) -> str:
    """Control characters (ESC, BEL, CR, bidi overrides…) shown escaped, never obeyed."""
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape")
                   .decode("ascii") for ch in text)


def silence(stream: TextIO) -> None:
    """Point ``stream`` at the null device, so the interpreter's final flush of a stream
    whose reader left cannot fail (and print a BrokenPipeError) again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
    except (OSError, ValueError):
        pass


__all__ = ["printable", "silence"]
