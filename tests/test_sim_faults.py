"""Issue 12.13: /_sim/faults takes JSON types as they are and refuses what is not a fault."""

from __future__ import annotations

import json
import math

import httpx
import pytest

from ringohunt_desktop.simulator import Simulator


@pytest.mark.parametrize("body", [
    {"auth_revoked": "false"}, {"auth_revoked": 1}, {"error_rate": "nan"},
    {"error_rate": math.nan}, {"error_rate": math.inf}, {"error_rate": 1.5},
    {"error_rate": True}, {"rate_limit_next": 2.5}, {"rate_limit_next": -1},
    {"error_status": 99}, {"latency_ms": "100"}, {"bogus": 1},
    {"error_rate": 0.5, "auth_revoked": "yes"},  # all or nothing: error_rate stays 0
])
def test_bad_fault_values_are_refused_and_change_nothing(sim: Simulator,
                                                        body: dict[str, object]) -> None:
    before = httpx.get(sim.url + "/_sim/faults").json()
    response = httpx.post(sim.url + "/_sim/faults",
                          content=json.dumps({"service": "nethunt", **body}),
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    after = httpx.get(sim.url + "/_sim/faults")
    assert after.status_code == 200
    assert after.json() == before  # and it is still valid JSON (no NaN in it)


def test_good_fault_values_are_taken(sim: Simulator) -> None:
    response = httpx.post(sim.url + "/_sim/faults", json={
        "service": "nethunt", "auth_revoked": False, "error_rate": 0.25, "error_status": 502,
        "rate_limit_next": 2, "retry_after": 1, "latency_ms": 5})
    assert response.status_code == 200, response.text
    nethunt = httpx.get(sim.url + "/_sim/faults").json()["nethunt"]
    assert nethunt["auth_revoked"] is False
    assert nethunt["error_rate"] == 0.25
    assert nethunt["rate_limit_next"] == 2
    assert isinstance(nethunt["retry_after"], float)
