"""Click-to-call rules without the network: the same number twice in a row is one call."""

from __future__ import annotations

from ringohunt_desktop.core.dialing import REPEAT_WINDOW_SECONDS, RepeatGuard


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_same_number_twice_in_a_row_is_one_call() -> None:
    clock = _Clock()
    guard = RepeatGuard(clock=clock)
    assert not guard.is_repeat("+380671234567")
    clock.now += 1
    assert guard.is_repeat("+380671234567")
    assert guard.is_repeat("+380671234567")


def test_another_number_or_a_later_click_is_a_new_call() -> None:
    clock = _Clock()
    guard = RepeatGuard(clock=clock)
    assert not guard.is_repeat("+380671234567")
    assert not guard.is_repeat("+380501112233")
    assert not guard.is_repeat("+380671234567")  # not "in a row": another number between
    clock.now += REPEAT_WINDOW_SECONDS
    assert not guard.is_repeat("+380671234567")
