"""Issue 12.13: /_sim/faults takes JSON types as they are and refuses what is not a fault."""

from __future__ import annotations

import json
import math
import socket
import struct
import time

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


def test_a_client_that_resets_mid_request_prints_no_traceback(
        sim: Simulator, capfd: pytest.CaptureFixture[str]) -> None:
    # The app quitting mid-request is routine: the demo's output must not show a traceback.
    host, port = httpx.URL(sim.url).host, httpx.URL(sim.url).port
    for _ in range(5):
        with socket.create_connection((host, port or 80), timeout=5) as client:
            client.sendall(b"GET /_sim/faults HTTP/1.1\r\nHost: x")  # never finished
            # Close with a reset (linger 0), as a killed process's socket does.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    assert httpx.get(sim.url + "/_sim/faults", timeout=5).status_code == 200
    time.sleep(0.2)  # the handler threads see the resets
    assert "Traceback" not in capfd.readouterr().err
