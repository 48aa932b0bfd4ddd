"""Click-to-call: the one routine the app's dialer and the command line's ``call`` share.
No Qt.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ringohunt_desktop import phone
from ringohunt_desktop.clients.ringostat import RingostatClient
from ringohunt_desktop.core.problems import no_extension_error


def dial_target(text: str, region: str, extension: str) -> str:
    """The E.164 number to call for ``text`` (a number or a tel:/callto: link).

    Raises :class:`~ringohunt_desktop.phone.InvalidNumber` for what is not a number and
    :class:`~ringohunt_desktop.core.problems.SetupError` when the agent has no line to call
    from; nothing has been sent then.
    """
    target = phone.parse_dial_target(text, region)
    if not extension:
        raise no_extension_error()
    return target


async def place_call(ringostat: RingostatClient, extension: str, target: str) -> None:
    """Ask Ringostat to ring the agent's ``extension`` first, then ``target``."""
    await ringostat.click_to_call(extension, target)


REPEAT_WINDOW_SECONDS = 10.0


class RepeatGuard:
    """Says whether a click-to-call repeats the one just before it.

    A double click on a ``tel:`` link starts two launches; a nervous agent clicks "Call"
    twice. The same number again within :data:`REPEAT_WINDOW_SECONDS` of the previous
    request is the same call, not a second one: ringing a customer twice is worse than
    asking the agent to click again after a few seconds.
    """

    def __init__(self, window: float = REPEAT_WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._window = window
        self._clock = clock
        self._last: tuple[str, float] | None = None

    def is_repeat(self, target: str) -> bool:
        """True when ``target`` was the last number asked for, moments ago; else remember it."""
        now = self._clock()
        if self._last is not None and self._last[0] == target and (
                now - self._last[1] < self._window):
            return True
        self._last = (target, now)
        return False
