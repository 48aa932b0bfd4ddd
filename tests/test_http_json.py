"""Large JSON arrays are decoded as a stream of elements, cooperatively, and exactly as
json.loads would, wherever the network happened to split the bytes."""

from __future__ import annotations

import asyncio
import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ringohunt_desktop.clients.http import decode_json_array

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                max_size=4),
    max_leaves=12)


def split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in itertools.pairwise(points)] or [b""]


def decode(chunks: list[bytes]) -> list[object]:
    return asyncio.run(decode_json_array(chunks))


@settings(max_examples=600, deadline=None)
@given(st.lists(values, max_size=30), st.sampled_from(["", " ", "\n  ", "\t"]),
       st.lists(st.integers(min_value=0, max_value=10**6), max_size=12))
def test_same_result_as_json_loads_wherever_the_bytes_are_split(
        items: list[object], space: str, cuts: list[int]) -> None:
    text = space + json.dumps(items, indent=len(space) or None, ensure_ascii=False) + space
    assert decode(split(text.encode("utf-8"), cuts)) == json.loads(text)


@pytest.mark.parametrize("data", [b"[12, 345]", b'["\xd0\x9e\xd0\xbb"]', b"[true, 1.5e3]"])
def test_values_cut_at_every_byte_decode_whole(data: bytes) -> None:
    for cut in range(1, len(data)):
        assert decode([data[:cut], data[cut:]]) == json.loads(data)


@pytest.mark.parametrize("text", ['{"a": 1}', "[1, 2", "[1 2]", "[1,]", "[1] x", "", "[1,,2]",
                                  "[12", '["abc'])
def test_broken_arrays_are_refused(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - json's own error type
        decode([text.encode()])


def test_a_broken_element_is_refused_without_reading_the_rest_forever() -> None:
    garbage = b'[{"a": "' + b"x" * (2 << 20)  # an unterminated two-megabyte string
    with pytest.raises(ValueError, match="broken"):
        decode([garbage[i:i + 65536] for i in range(0, len(garbage), 65536)])


def test_a_long_array_yields_to_the_event_loop_and_frees_its_chunks() -> None:
    body = json.dumps([{"recordId": str(i), "fields": {"Name": "x" * 50}}
                       for i in range(50_000)]).encode()
    chunks = [body[i:i + 65536] for i in range(0, len(body), 65536)]
    ticks = 0

    async def count_ticks() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    async def scenario() -> list[object]:
        ticker = asyncio.ensure_future(count_ticks())
        try:
            return await decode_json_array(chunks)
        finally:
            ticker.cancel()

    assert len(asyncio.run(scenario())) == 50_000
    assert ticks > 1
    assert chunks == []  # handed over, so each chunk is freed once read
