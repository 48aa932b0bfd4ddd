"""Click-to-call: the one routine the app's dialer and the command line's ``call`` share.
No Qt.
"""

from __future__ import annotations

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
