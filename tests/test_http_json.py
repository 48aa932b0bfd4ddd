"""Large JSON arrays are decoded cooperatively, and exactly as json.loads would."""

from __future__ import annotations

import asyncio
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ringohunt_desktop.clients.http import _decode_array_cooperatively

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)


@settings(max_examples=500, deadline=None)
@given(st.lists(values, max_size=30), st.sampled_from(["", " ", "\n  ", "\t"]))
def test_same_result_as_json_loads(items: list[object], space: str) -> None:
    text = json.dumps(items, indent=len(space) or None, ensure_ascii=False)
    assert asyncio.run(_decode_array_cooperatively(space + text + space)) == json.loads(text)


@pytest.mark.parametrize("text", ['{"a": 1}', "[1, 2", "[1 2]", "[1,]", "[1] x", "", "[1,,2]"])
def test_broken_arrays_are_refused(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - json's own error type
        asyncio.run(_decode_array_cooperatively(text))


def test_a_long_array_yields_to_the_event_loop() -> None:
    text = json.dumps([{"recordId": str(i), "fields": {"Name": "x" * 50}} for i in range(50_000)])
    ticks = 0

    async def count_ticks() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    async def scenario() -> list[object]:
        ticker = asyncio.ensure_future(count_ticks())
        try:
            return await _decode_array_cooperatively(text)
        finally:
            ticker.cancel()

    assert len(asyncio.run(scenario())) == 50_000
    assert ticks > 1


@pytest.mark.parametrize("piece", [1, 2, 3, 1 << 20])
def test_text_is_decoded_in_pieces_without_splitting_characters(piece: int) -> None:
    from ringohunt_desktop.clients.http import _decode_text_cooperatively

    text = '["Олена Коваль", "Jan Kowalski", "✓ ok"]'
    assert asyncio.run(_decode_text_cooperatively(text.encode("utf-8"), "utf-8", piece)) == text
